'use strict';
// What the node scenario servers share, in gen/ (socket.io 0.9: sio_server.js,
// sessions_server.js, refused_server.js) and in gen_modern/ (sessions_server.js,
// stale_server.js, busy_server.js, eio_server.js; not server.js): the log and
// FAIL lines, the watchdog, the http server socket.io / engine.io attach to
// (its connections tracked so that the shutdown can end them; what they do not
// take is answered 404), scenario steps, the "listening on" line the capture
// scripts wait for (capture_lib.sh wait_listen), and the shutdown: check the
// steps, run the script's own final checks, print the recorder's notes, write
// the truth file, close the server and its connections, exit with 1 if
// anything failed.
//
//   const truth = recorder.installSio4();      // the recorder first, as always
//   const base = require('../server_base').create({ truth, truthPath, watchdogMs: 25000 });
//   const io = new Server(base.server, ...);
//   base.onFinish(() => { ...final checks... });
//   ... setTimeout(base.finish, 700) when the scenario is over ...
//   base.listen(port);
//
// Options:
//   truth, truthPath  the recorder and the file it writes: gen_modern's
//                     truth_recorder.js (write(), notes()) or gen's
//                     truth_logger.js (toJsonl())
//   writeOptions      passed to truth.write() (stale_server.js: { append })
//   watchdogMs        the scenario must be over by then (FAIL, then finish)
//   tag               'server' by default: "[tag] ..." and "[tag] FAIL: ..."
//   timed             log lines as "[tag +<ms since start>ms] ..."
//   maxFailLines      print only that many FAIL lines (all of them count)
//   needed            the names of the steps the scenario must reach
//   onRequest         handler of the requests socket.io does not take
//                     (default: 404 "not found")
//
// Loads no socket.io or engine.io module (gen's truth_logger.js has to be the
// first to load socket.io 0.9).

const fs = require('fs');
const http = require('http');

function notFound(req, res) {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
}

exports.create = function create(opts) {
  const { truth, truthPath, writeOptions, watchdogMs, tag = 'server', timed = false,
    maxFailLines = Infinity, needed = [], onRequest = notFound } = opts;
  const T0 = Date.now();
  const log = timed
    ? (...a) => console.log(`[${tag} +${Date.now() - T0}ms]`, ...a)
    : (...a) => console.log(`[${tag}]`, ...a);
  let failed = false;
  let failures = 0;
  function fail(msg) {
    if (++failures <= maxFailLines) console.error(`[${tag}] FAIL: ` + msg);
    failed = true;
  }
  const watchdog = setTimeout(() => {
    fail(`scenario did not finish within ${watchdogMs / 1000} s`);
    finish();
  }, watchdogMs);

  const steps = new Set();
  function step(name) { log('step', name); steps.add(name); }

  const sockets = new Set();
  const server = http.createServer(onRequest);
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  function writeTruth() {
    if (truth.notes) for (const n of truth.notes()) log('recorder note:', JSON.stringify(n));
    if (truth.write) truth.write(truthPath, writeOptions);
    else fs.writeFileSync(truthPath, truth.toJsonl());
    log('wrote ' + truth.records.length + ' truth records to ' + truthPath);
  }

  const finalChecks = [];
  let finished = false;
  function finish() {
    if (finished) return;
    finished = true;
    clearTimeout(watchdog);
    for (const n of needed) if (!steps.has(n)) fail('step not done: ' + n);
    for (const check of finalChecks) check();
    writeTruth();
    server.close();
    sockets.forEach((s) => s.destroy());
    setTimeout(() => process.exit(failed ? 1 : 0), 200);
  }

  return {
    log,
    fail,
    step,
    server,
    finish,
    onFinish(check) { finalChecks.push(check); },
    // extra words may follow the line (sio_server.js: the transport)
    listen(port, extra = '') {
      server.listen(port, '127.0.0.1', () => log('listening on 127.0.0.1:' + port + extra));
    }
  };
};
