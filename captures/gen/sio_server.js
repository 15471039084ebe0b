'use strict';
// socket.io 0.9.19 scenario server.
// usage: node sio_server.js <transport> <port> <truth.jsonl> [browser]
// Serves the scenario page (for the browser client) on "/", records the
// ground truth, and exits by itself once the client has fully disconnected.

var fs = require('fs');
var path = require('path');
var truth = require('./truth_logger'); // must come before the server starts
var sio = require('socket.io');
var S = require('./scenario_data');

var transport = process.argv[2];
var port = Number(process.argv[3]);
var truthPath = process.argv[4];
// with a browser client, also wait for the page to report its own result
var browser = process.argv[5] === 'browser';
if (!transport || !port || !truthPath) {
  console.error('usage: node sio_server.js <transport> <port> <truth.jsonl>');
  process.exit(2);
}
var polling = transport !== 'websocket';

var base = require('../server_base').create({
  truth: truth, truthPath: truthPath, watchdogMs: 25000, onRequest: servePage
});
var log = base.log, fail = base.fail;

// non-socket.io requests: the scenario page for the browser client
function servePage(req, res) {
  var url = req.url.split('?')[0];
  if (url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(fs.readFileSync(path.join(__dirname, 'page.html'), 'utf8')
      .replace('%TRANSPORT%', transport));
  } else if (url === '/scenario_data.js' || url === '/scenario_client.js') {
    res.writeHead(200, { 'Content-Type': 'application/javascript; charset=utf-8' });
    res.end(fs.readFileSync(path.join(__dirname, url.slice(1)), 'utf8'));
  } else if (url === '/result') {
    var body = '';
    req.on('data', function (d) { body += d; });
    req.on('end', function () {
      log('browser client reports:', body);
      if (body !== 'ok') fail('browser client: ' + body);
      res.writeHead(204); res.end();
      resultSeen = true;
      maybeFinish();
    });
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }
}

var io = sio.listen(base.server);
io.set('log level', 1);
io.set('transports', [transport]);
io.set('heartbeat interval', 1);
io.set('heartbeat timeout', 3);
io.set('close timeout', 3);
io.set('polling duration', 2);
io.set('browser client minification', true);

var resultSeen = false, disconnectSeen = false;
function maybeFinish() {
  // let the last writes drain, then stop
  if (disconnectSeen && (resultSeen || !browser)) setTimeout(base.finish, 700);
}

function expectEqual(what, got, want) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    fail(what + ': got ' + JSON.stringify(got) + ' want ' + JSON.stringify(want));
  }
}

// ---------------------------------------------------------------- /
io.sockets.on('connection', function (socket) {
  log('connection on / via', transport);
  var heartbeatTimer = null;

  // C2S events with varied args (checked against the shared scenario data)
  // (an event name may repeat: expect its argument lists in order)
  var expected = {};
  S.clientEvents.forEach(function (ev) {
    if (!expected[ev[0]]) {
      expected[ev[0]] = [];
      socket.on(ev[0], function () {
        expectEqual('event ' + ev[0], Array.prototype.slice.call(arguments),
          expected[ev[0]].shift());
      });
    }
    expected[ev[0]].push(ev.slice(1));
  });

  socket.on('add', function (a, b, ack) {
    ack(a + b, 'sum');
  });

  socket.on('message', function (data, ack) {
    // plain message (type 3) and json (type 4) both arrive here
    log('message on /:', JSON.stringify(data));
    if (typeof ack === 'function') ack('got it');
  });

  socket.on('ready for server', function () {
    S.serverEvents.forEach(function (ev) { socket.emit.apply(socket, ev); });
    socket.send(S.serverText);
    socket.json.send(S.serverJson);
    // message with ack request (ack without data from the client: 6:::N)
    socket.send('please confirm', function () {
      // event with data ack (5:N+::...  answered by 6:::N+[...])
      socket.emit('question', 'what is 6*7?', function (answer, extra) {
        expectEqual('question answer', [answer, extra], [42, { sure: true }]);
        socket.emit('server done');
      });
    });
  });

  socket.on('idle', function () {
    // socket.io 0.9.19 sends heartbeats by itself only on websocket/flash
    // (HTTPPolling.setHeartbeatInterval is a no-op). For polling transports
    // the scenario asks the library to send heartbeat packets (encoded by
    // its own parser) so that heartbeats appear in every capture; the
    // client library answers them by itself.
    if (polling) {
      var n = 0;
      heartbeatTimer = setInterval(function () {
        socket.packet({ type: 'heartbeat' });
        if (++n === 3) { clearInterval(heartbeatTimer); heartbeatTimer = null; }
      }, 1000);
    }
  });

  socket.on('disconnect', function (reason) {
    log('disconnect on / :', reason);
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    disconnectSeen = true;
    maybeFinish();
  });
});

// ---------------------------------------------------------------- /chat
var chatNs = io.of('/chat');
chatNs.on('connection', function (socket) {
  log('connection on /chat, handshake query:', JSON.stringify(socket.handshake.query));
  socket.on('chat message', function () {
    expectEqual('chat message', Array.prototype.slice.call(arguments), S.chatClientMessage);
  });
  socket.on('message', function (data) {
    log('message on /chat:', JSON.stringify(data));
  });
  socket.on('join', function (room, ack) {
    ack(true, { room: room, members: 2 });
    socket.emit.apply(socket, ['chat message'].concat(S.chatServerMessage));
    socket.send('chat text from server');
    socket.json.send({ chat: true, list: [1, 2, 3] });
    socket.emit('rate', 'the lobby', function (stars) {
      expectEqual('rate answer', stars, 5);
      socket.emit('chat done');
    });
  });
  socket.on('disconnect', function (reason) {
    log('disconnect on /chat:', reason);
    var main = io.sockets.sockets[socket.id];
    if (main) main.emit('chat left', reason);
  });
});

// ---------------------------------------------------------------- /private
io.of('/private')
  .authorization(function (handshakeData, cb) { cb(null, false); })
  .on('connection', function () { fail('/private must refuse'); });

base.listen(port, ' transport ' + transport);
