'use strict';
// socket.io 4.8.4 server for the m4_sessions capture: two clients at once,
// late and unanswered acks, a ping timeout and a reconnect.
//
// usage: node sessions_server.js <port> <truth.jsonl>
//
// Client A (sessions_client.js A, polling only) and client B (websocket only)
// run as two processes, so that A can block its own event loop. The server
// drives the timeline:
//   - both clients say "hello"; once both have, the server emits "go" to both
//   - A: "slow" (ack wanted) is acked 700 ms later; A then says "slow done"
//   - B: "chat" x3, then "ignored" (ack wanted; never acked), then "tick" 1..N
//     every 400 ms, each answered by s2c "tock" n
//   - 1.5 s after "slow done" the server emits "block" (ack wanted) to A; A
//     busy-waits 4 s in that handler and never acks; the server closes A's
//     Engine.IO session for ping timeout (pingInterval 1000, pingTimeout 1500)
//   - A's library reconnects (new Engine.IO session); A emits "again" (acked
//     at once) and then disconnects
//   - when A's second session is gone and B's ticks are done, the server
//     emits "finish" to B, which disconnects
// Records the ground truth (truth_recorder.js, with "sid" on every line and a
// final "expect" line) and exits once both clients are gone.

const recorder = require('./truth_recorder');

const [portArg, truthPath] = process.argv.slice(2);
const port = Number(portArg);
if (!port || !truthPath) {
  console.error('usage: node sessions_server.js <port> <truth.jsonl>');
  process.exit(2);
}

const truth = recorder.installSio4();    // before the server is created

const base = require('../server_base').create({
  truth, truthPath, watchdogMs: 27000, timed: true,
  needed: ['A1 hello', 'B hello', 'slow acked', 'block sent', 'A1 ping timeout',
    'A2 hello', 'again acked', 'A2 gone', 'B ignored', 'B ticks', 'B gone']
});
const { log, fail, step } = base;

const SLOW_ACK_MS = 700;
const TICKS = 16;
const BLOCK_AFTER_MS = 1500;   // a few ping/pong rounds on A's first session first

const { Server } = require('sio4');
const io = new Server(base.server, {
  pingInterval: 1000,
  pingTimeout: 1500,
  transports: ['polling', 'websocket'],
  serveClient: false,
  perMessageDeflate: false
});
truth.watchRejected(io.engine);

// ---------------------------------------------------------------- state
const who = new Map();          // engine sid -> 'A1' | 'A2' | 'B'
let aSessions = 0;
let A = null;                   // current socket of client A
let B = null;
let hellos = 0;
let ticksDone = false;
let a2Gone = false;

function maybeGo() {
  if (++hellos === 2) {
    log('both clients here: go');
    A.emit('go');
    B.emit('go');
  }
}
function maybeFinishB() {
  if (ticksDone && a2Gone && B) {
    log('telling B to finish');
    B.emit('finish', aSessions);
  }
}

io.engine.on('connection', (conn) => log('engine connection', conn.id, 'transport', conn.transport.name));
io.engine.on('connection_error', (e) => log('connection_error', e.req.method, e.req.url, e.code, e.message));

io.on('connection', (socket) => {
  const sid = socket.conn.id;
  const transport = socket.conn.transport.name;
  let role;
  if (transport === 'polling') role = 'A' + (++aSessions);
  else role = 'B';
  who.set(sid, role);
  log('connected', role, 'engine sid', sid, 'socket id', socket.id);

  socket.on('hello', (name) => {
    if (name !== role[0]) fail(`hello from ${name} on a ${role} session`);
    if (role === 'A1') { A = socket; step('A1 hello'); maybeGo(); }
    else if (role === 'B') { B = socket; step('B hello'); maybeGo(); }
    else if (role === 'A2') { A = socket; step('A2 hello'); }
    socket.emit('welcome', role);
  });

  // ---- client A
  socket.on('slow', (n, cb) => {
    log(role, 'slow', n, '- acking in', SLOW_ACK_MS, 'ms');
    setTimeout(() => { cb('slow result', n * 2); step('slow acked'); }, SLOW_ACK_MS);
  });
  socket.on('slow done', () => {
    setTimeout(() => {
      step('block sent');
      socket.emit('block', 4000, (...args) => fail('block must not be acked: ' + JSON.stringify(args)));
    }, BLOCK_AFTER_MS);
  });
  socket.on('again', (n, cb) => {
    cb('welcome back', aSessions);
    step('again acked');
  });

  // ---- client B
  socket.on('chat', (text) => log(role, 'chat', text));
  socket.on('ignored', (x, cb) => {
    // never calls cb: the request stays unanswered
    if (typeof cb !== 'function') fail('ignored without an ack id');
    step('B ignored');
  });
  socket.on('tick', (n) => {
    socket.emit('tock', n);
    if (n === TICKS) { step('B ticks'); ticksDone = true; maybeFinishB(); }
  });

  socket.on('disconnect', (reason) => {
    log(role, 'disconnect:', reason);
    if (role === 'A1') {
      if (reason === 'ping timeout') step('A1 ping timeout');
      else fail('A1 ended by ' + reason);
    } else if (role === 'A2') {
      if (reason !== 'client namespace disconnect') fail('A2 ended by ' + reason);
      step('A2 gone'); a2Gone = true; maybeFinishB();
    } else {
      if (reason !== 'client namespace disconnect') fail('B ended by ' + reason);
      step('B gone');
    }
  });
});

// ---------------------------------------------------------------- shutdown
let engineCloses = 0;
io.engine.on('connection', (conn) => {
  conn.on('close', (reason) => {
    log('engine close', conn.id, who.get(conn.id), reason);
    // A1 (ping timeout), A2 and B
    if (++engineCloses === 3) setTimeout(base.finish, 700);
  });
});

base.onFinish(() => {
  const expect = truth.computeExpect(500);
  truth.setExpect(expect);
  log('expect', JSON.stringify(expect));
  // the expectations this scenario is built for
  const roleOf = (x) => who.get(x.sid);
  const late = expect.late_acks.map((x) => `${roleOf(x)} ${x.dir} ${x.event}`);
  const unans = expect.unanswered.map((x) => `${roleOf(x)} ${x.dir} ${x.event}`);
  const tout = expect.timed_out_sessions.map((x) => roleOf(x));
  if (JSON.stringify(late) !== '["A1 c2s slow"]') fail('late acks: ' + late);
  if (JSON.stringify(unans.sort()) !== '["A1 s2c block","B c2s ignored"]') fail('unanswered: ' + unans);
  if (JSON.stringify(tout) !== '["A1"]') fail('timed out: ' + tout);
  if (expect.sessions !== 3) fail('sessions: ' + expect.sessions);
});

base.listen(port);
