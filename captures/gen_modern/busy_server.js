'use strict';
// socket.io 4.8.4 server for the m4_busy capture: bursts of hundreds of small
// events in both directions over one WebSocket (see busy_plan.js).
//
// usage: node busy_server.js <port> <truth.jsonl> [nagle|nodelay]
//
// For every round of the plan the client emits its burst (plus "burst end",
// acked) in one synchronous loop; the server checks every event against the
// plan, acks the ones that ask for it, then emits its own burst in one
// synchronous loop and acks "burst end" with its length. Events go to "/" and
// "/busy" of one Engine.IO session. The server records the ground truth
// (truth_recorder.js) and exits once the client has closed the connection.
//
// nagle (the default): once the WebSocket is up, the server turns Nagle's
// algorithm back on for its socket (socket.setNoDelay(false); ws turns it off
// when it takes the socket over), so that the kernel holds the small frames
// of a burst while earlier data is unacknowledged and sends them together.
// nodelay: leave ws's TCP_NODELAY on (fewer messages per segment; see
// README_modern.md).

const recorder = require('./truth_recorder');
const { ROUNDS, NAMESPACES, EVENT_NAMES, buildPlan, ackReply, argsOf, norm } = require('./busy_plan');

const [portArg, truthPath, coalesce = 'nagle'] = process.argv.slice(2);
const port = Number(portArg);
if (!port || !truthPath || !['nagle', 'nodelay'].includes(coalesce)) {
  console.error('usage: node busy_server.js <port> <truth.jsonl> [nagle|nodelay]');
  process.exit(2);
}

const truth = recorder.installSio4();    // before the server is created

const base = require('../server_base').create({
  truth, truthPath, watchdogMs: 25000, timed: true, maxFailLines: 20
});
const { log, fail } = base;

const plan = buildPlan();
const c2sAll = plan.flatMap((r) => r.c2s);

const { Server } = require('sio4');
const io = new Server(base.server, {
  pingInterval: 1000,
  pingTimeout: 2000,
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false
});

// ---------------------------------------------------------------- checks
let c2sNext = 0;             // next c2s sequence number expected
let round = 0;               // rounds finished
let serverAcksPending = 0;
let serverAcksDone = 0;
let clientAcksSent = 0;
const byNsp = {};

function onEvent(nsp, name, args) {
  const cb = typeof args[args.length - 1] === 'function' ? args.pop() : null;
  const seq = args[0];
  const ev = c2sAll[c2sNext];
  if (!ev || seq !== ev.seq) {
    fail(`c2s seq ${seq}, want ${ev ? ev.seq : 'none'}`);
  } else {
    if (nsp !== ev.nsp || name !== ev.name) fail(`c2s ${seq}: ${nsp} ${name}, want ${ev.nsp} ${ev.name}`);
    if (norm(args) !== norm(argsOf(ev))) fail(`c2s ${seq}: args ${norm(args)}, want ${norm(argsOf(ev))}`);
    if (!!cb !== !!ev.ack) fail(`c2s ${seq}: ack callback ${!!cb}, want ${!!ev.ack}`);
  }
  c2sNext = (typeof seq === 'number' ? seq : c2sNext) + 1;
  if (cb) { cb(...ackReply(seq)); clientAcksSent++; }
}

function serverBurst(socks, r) {
  const evs = plan[r].s2c;
  for (const ev of evs) {
    const args = argsOf(ev);
    if (ev.ack) {
      serverAcksPending++;
      socks[ev.nsp].emit(ev.name, ...args, (...reply) => {
        serverAcksPending--;
        serverAcksDone++;
        if (norm(reply) !== norm(ackReply(ev.seq))) {
          fail(`ack of s2c ${ev.seq}: ${norm(reply)}, want ${norm(ackReply(ev.seq))}`);
        }
      });
    } else {
      socks[ev.nsp].emit(ev.name, ...args);
    }
  }
  return evs.length;
}

const socks = {};            // nsp -> server socket of the (one) client
for (const nsp of NAMESPACES) {
  io.of(nsp).on('connection', (socket) => {
    log(`connected ${nsp} as`, socket.id);
    socks[nsp] = socket;
    byNsp[nsp] = 0;
    for (const name of EVENT_NAMES) {
      socket.on(name, (...args) => { byNsp[nsp]++; onEvent(nsp, name, args); });
    }
    if (nsp === '/') {
      socket.on('burst end', (r, n, cb) => {
        const want = plan.slice(0, r + 1).reduce((a, x) => a + x.c2s.length, 0);
        if (r !== round || n !== plan[r].c2s.length || c2sNext !== want) {
          fail(`burst end ${r} (${n} events): round ${round}, ${c2sNext} events so far, want ${want}`);
        }
        if (!socks['/busy']) fail('burst before /busy connected');
        const m = serverBurst(socks, r);
        cb(m);
        log(`round ${r}: got ${n} events, sent ${m}`);
        round = r + 1;
      });
    }
    socket.on('disconnect', (reason) => log(`${nsp} disconnect:`, reason));
  });
}

// ---------------------------------------------------------------- shutdown
io.engine.on('connection', (conn) => {
  log('engine connection', conn.id, 'transport', conn.transport.name);
  if (coalesce === 'nagle') conn.transport.socket._socket.setNoDelay(false);   // the ws's net.Socket
  conn.on('close', (reason) => {
    log('engine close:', reason);
    setTimeout(base.finish, 500);
  });
});

base.onFinish(() => {
  if (round !== ROUNDS) fail(`${round} rounds done, want ${ROUNDS}`);
  if (c2sNext !== c2sAll.length) fail(`${c2sNext} c2s events, want ${c2sAll.length}`);
  if (serverAcksPending) fail(`${serverAcksPending} s2c acks never answered`);
  log(`c2s events per namespace ${JSON.stringify(byNsp)}, acks sent ${clientAcksSent}, ` +
    `s2c acks answered ${serverAcksDone}`);
});

base.listen(port);
