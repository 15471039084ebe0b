'use strict';
// socket.io-client 4.8.4 for the m4_busy capture (see busy_server.js and
// busy_plan.js): transports ['websocket'], perMessageDeflate false, "/" and
// "/busy" on one Manager (one Engine.IO session).
//
// usage: node busy_client.js <port> [nagle|nodelay]   (see busy_server.js)
//
// Each round: the client emits its burst and "burst end" (acked) in one
// synchronous loop, checks every event of the server's burst against the
// plan (answering the ones that ask for an ack), and waits until the server
// has acked "burst end" and every acked event of its own has its reply. At
// the end it leaves "/busy", then "/" (which closes the session).

const { io } = require('sio4-client');
const { ROUNDS, NAMESPACES, EVENT_NAMES, buildPlan, ackReply, argsOf, norm } = require('./busy_plan');

const [portArg, coalesce = 'nagle'] = process.argv.slice(2);
const port = Number(portArg);
if (!port || !['nagle', 'nodelay'].includes(coalesce)) {
  console.error('usage: node busy_client.js <port> [nagle|nodelay]');
  process.exit(2);
}
const base = 'http://127.0.0.1:' + port;
const log = (...a) => console.log('[client]', ...a);
let failures = 0;
function fail(msg) {
  if (++failures <= 20) console.error('[client] FAIL: ' + msg);
}
const watchdog = setTimeout(() => { fail('scenario did not finish within 25 s'); process.exit(1); }, 25000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const plan = buildPlan();
const s2cAll = plan.flatMap((r) => r.s2c);
let s2cNext = 0;
let acksSent = 0;

function listen(sock, nsp) {
  for (const name of EVENT_NAMES) {
    sock.on(name, (...args) => {
      const cb = typeof args[args.length - 1] === 'function' ? args.pop() : null;
      const seq = args[0];
      const ev = s2cAll[s2cNext];
      if (!ev || seq !== ev.seq) {
        fail(`s2c seq ${seq}, want ${ev ? ev.seq : 'none'}`);
      } else {
        if (nsp !== ev.nsp || name !== ev.name) fail(`s2c ${seq}: ${nsp} ${name}, want ${ev.nsp} ${ev.name}`);
        if (norm(args) !== norm(argsOf(ev))) fail(`s2c ${seq}: args ${norm(args)}, want ${norm(argsOf(ev))}`);
        if (!!cb !== !!ev.ack) fail(`s2c ${seq}: ack callback ${!!cb}, want ${!!ev.ack}`);
      }
      s2cNext = (typeof seq === 'number' ? seq : s2cNext) + 1;
      if (cb) { cb(...ackReply(seq)); acksSent++; }
    });
  }
}

function connected(sock) {
  return new Promise((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('connect_error', (e) => reject(new Error('connect_error: ' + (e && e.message))));
  });
}

async function main() {
  const opts = { transports: ['websocket'], perMessageDeflate: false, reconnection: false };
  const socks = { '/': io(base, opts) };
  const mgr = socks['/'].io;
  listen(socks['/'], '/');
  await connected(socks['/']);
  // Nagle back on for the client's socket too (ws turned it off)
  if (coalesce === 'nagle') mgr.engine.transport.ws._socket.setNoDelay(false);
  for (const nsp of NAMESPACES) {
    if (nsp === '/') continue;
    socks[nsp] = mgr.socket(nsp);
    listen(socks[nsp], nsp);
    await connected(socks[nsp]);
  }
  log('connected', Object.keys(socks).join(' '), 'engine', mgr.engine.id);
  await sleep(100);

  let acksReceived = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const evs = plan[r].c2s;
    const acks = [];
    let burstEnd;
    // ---- one synchronous loop: the burst, then "burst end"
    for (const ev of evs) {
      const args = argsOf(ev);
      if (ev.ack) {
        acks.push(new Promise((resolve) => {
          socks[ev.nsp].emit(ev.name, ...args, (...reply) => {
            acksReceived++;
            if (norm(reply) !== norm(ackReply(ev.seq))) {
              fail(`ack of c2s ${ev.seq}: ${norm(reply)}, want ${norm(ackReply(ev.seq))}`);
            }
            resolve();
          });
        }));
      } else {
        socks[ev.nsp].emit(ev.name, ...args);
      }
    }
    burstEnd = new Promise((resolve) => socks['/'].emit('burst end', r, evs.length, resolve));
    // ----
    const m = await burstEnd;
    const want = plan.slice(0, r + 1).reduce((a, x) => a + x.s2c.length, 0);
    if (m !== plan[r].s2c.length || s2cNext !== want) {
      fail(`round ${r}: server says ${m} events, got ${s2cNext} so far, want ${want}`);
    }
    await Promise.all(acks);
    log(`round ${r}: sent ${evs.length} events (${acks.length} acked), got ${m}`);
    await sleep(250);
  }

  const closed = new Promise((resolve) => mgr.engine.once('close', resolve));
  for (const nsp of NAMESPACES) if (nsp !== '/') socks[nsp].disconnect();
  socks['/'].disconnect();           // the last namespace: closes the Engine.IO session
  await closed;
  log(`done: ${s2cNext} events received, ${acksSent} acks sent, ${acksReceived} acks received`);
}

main().then(() => {
  clearTimeout(watchdog);
  // let the close handshake go
  setTimeout(() => process.exit(failures ? 1 : 0), 800);
}, (err) => {
  console.error('[client] FAIL:', err && err.stack || err);
  process.exit(1);
});
