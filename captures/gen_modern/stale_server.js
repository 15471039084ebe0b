'use strict';
// socket.io 4.8.4 server for the m4_stale_sid capture: the server process is
// restarted on the same port while a polling client is busy, so the client's
// next requests carry a session id the new process never handed out.
//
// usage: node stale_server.js <phase: 1|2> <port> <truth.jsonl>
//   1  the first process: writes the truth file and exits (a "restart") once
//      it has sent "restarting" to the client
//   2  the second process on the same port: appends to the truth file and
//      exits once the client's new session has ended
//
// Settings of both: transports ['polling'], pingInterval 1000, pingTimeout
// 4000 (the client's own ping timer, 5 s, does not run out while it is
// busy), perMessageDeflate false.
//
// Timeline (stale_client.js is the client):
//   phase 1  the client connects "/", emits "hello" (acked). After 1.5 s (a
//            ping/pong round) the server emits "restarting"; the client's
//            handler busy-waits BLOCK_MS (stale_client.js), so it sends no
//            next poll. 600 ms later this process writes its truth and exits;
//            its session just vanishes with it.
//   phase 2  the new process listens on the same port. The client, free
//            again, emits "after block" (a POST with the old sid) and polls
//            (a GET with the old sid): engine.io answers both 400
//            {"code":1,"message":"Session ID unknown"}. The client's
//            transport fails, socket.io-client reconnects by itself (new
//            handshake, new sid), says "hello" again (acked), emits "back"
//            (acked) and disconnects.
// The truth of phase 2 also has the HTTP error replies ("http_error" lines,
// recordHttpErrors) and the refused POST's packets ("rejected",
// watchRejected), both logged from engine.io's "connection_error" event.

const recorder = require('./truth_recorder');

const [phaseArg, portArg, truthPath] = process.argv.slice(2);
const phase = Number(phaseArg);
const port = Number(portArg);
if (![1, 2].includes(phase) || !port || !truthPath) {
  console.error('usage: node stale_server.js <1|2> <port> <truth.jsonl>');
  process.exit(2);
}

const truth = recorder.installSio4();    // before the server is created

// process 2 appends to what process 1 wrote
const base = require('../server_base').create({
  truth, truthPath, writeOptions: { append: phase === 2 }, watchdogMs: 20000,
  tag: `server ${phase}`, timed: true,
  needed: phase === 1
    ? ['hello', 'restarting sent']
    : ['stale GET refused', 'stale POST refused', 'hello', 'back', 'engine close']
});
const { log, fail, step } = base;

const RESTART_AFTER_MS = 1500;
const EXIT_AFTER_MS = 600;

const { Server } = require('sio4');
const io = new Server(base.server, {
  pingInterval: 1000,
  pingTimeout: 4000,
  transports: ['polling'],
  serveClient: false,
  perMessageDeflate: false
});
truth.watchRejected(io.engine);
truth.recordHttpErrors(io.engine);

io.engine.on('connection_error', ({ req, code, message }) => {
  log('connection_error', req.method, req.url, code, message);
  if (phase === 2 && code === 1) {
    step(req.method === 'POST' ? 'stale POST refused' : 'stale GET refused');
  }
});
io.engine.on('connection', (conn) => {
  log('engine connection', conn.id);
  conn.on('close', (reason) => {
    log('engine close:', reason);
    if (phase === 2) {
      step('engine close');
      setTimeout(base.finish, 700);
    }
  });
});

io.on('connection', (socket) => {
  log('connected / as', socket.id);
  socket.on('hello', (who, cb) => {
    if (who !== 'stale client') fail('hello from ' + JSON.stringify(who));
    cb('hello from process ' + phase);
    step('hello');
    if (phase === 1) {
      setTimeout(() => {
        socket.emit('restarting', 'server process 1 is going away');
        step('restarting sent');
        setTimeout(base.finish, EXIT_AFTER_MS);
      }, RESTART_AFTER_MS);
    }
  });
  socket.on('after block', () => fail('"after block" must not reach a session'));
  socket.on('back', (n, cb) => {
    if (n !== 1) fail('back: ' + JSON.stringify(n));
    cb('welcome back');
    step('back');
  });
  socket.on('disconnect', (reason) => log('/ disconnect:', reason));
});

// base.finish: no io.close(), so process 1 goes away like a killed process,
// without a close packet (no poll is pending then anyway)
base.listen(port);
