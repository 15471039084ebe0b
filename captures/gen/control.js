'use strict';
// Control capture: NOT Socket.IO. A plain `ws` WebSocket echo server and a
// plain node http server share one port; a `ws` client and node http client
// talk to them over loopback. Used to check that a Socket.IO dissector leaves
// ordinary WebSocket / HTTP traffic alone.
// usage: node control.js <port> <truth.jsonl>

var fs = require('fs');
var http = require('http');
var querystring = require('querystring');
var WebSocket = require('ws');

var port = Number(process.argv[2]);
var truthPath = process.argv[3];
if (!port || !truthPath) {
  console.error('usage: node control.js <port> <truth.jsonl>');
  process.exit(2);
}

var truth = [];
function record(obj) { truth.push(obj); }

var watchdog = setTimeout(function () {
  console.error('[control] FAIL: did not finish within 20 s');
  process.exit(1);
}, 20000);

var MOTD = 'Welcome to the plain HTTP control server.\n' +
  'This body is text/plain and has nothing to do with Socket.IO.\n' +
  'Line three: key=value; other: 1, 2, 3\n' +
  'Last line.\n';

// ------------------------------------------------------------ servers
var server = http.createServer(function (req, res) {
  var body = '';
  req.setEncoding('utf8');
  req.on('data', function (d) { body += d; });
  req.on('end', function () {
    record({ proto: 'http', dir: 'c2s', method: req.method, path: req.url,
      content_type: req.headers['content-type'] || null, body: body });
    var status = 200, type = 'text/plain; charset=utf-8', out;
    if (req.method === 'GET' && req.url === '/motd') {
      out = MOTD;
    } else if (req.method === 'POST' && req.url === '/form' &&
               /^application\/x-www-form-urlencoded/.test(req.headers['content-type'] || '')) {
      var form = querystring.parse(body);
      out = 'thanks ' + form.name + ', got ' + Object.keys(form).length + ' fields\n';
    } else {
      status = 404; out = 'not found\n';
    }
    record({ proto: 'http', dir: 's2c', status: status, content_type: type, body: out });
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(out) });
    res.end(out);
  });
});

var wss = new WebSocket.Server({ server: server, path: '/echo' });
wss.on('connection', function (ws) {
  ws.on('message', function (data, isBinary) {
    var text = data.toString('utf8');
    record({ proto: 'websocket', dir: 'c2s', type: isBinary ? 'binary' : 'text', data: text });
    ws.send(text, { binary: isBinary });
    record({ proto: 'websocket', dir: 's2c', type: isBinary ? 'binary' : 'text', data: text });
  });
  ws.on('ping', function (d) {
    record({ proto: 'websocket', dir: 'c2s', type: 'ping', data: d.toString() });
    record({ proto: 'websocket', dir: 's2c', type: 'pong', data: d.toString() });
  });
  ws.on('close', function (code, reason) {
    record({ proto: 'websocket', dir: 'c2s', type: 'close', code: code, reason: reason.toString() });
  });
});

// ------------------------------------------------------------ client
var base = 'http://127.0.0.1:' + port;
var agent = new http.Agent({ keepAlive: false });

function request(method, path, headers, body, cb) {
  var req = http.request(base + path, { method: method, headers: headers, agent: agent }, function (res) {
    var data = '';
    res.setEncoding('utf8');
    res.on('data', function (d) { data += d; });
    res.on('end', function () { cb(res, data); });
  });
  req.on('error', fail);
  req.end(body);
}

function fail(e) {
  console.error('[control] FAIL: ' + (e && e.stack || e));
  process.exit(1);
}

var wsMessages = [
  JSON.stringify({ op: 'hello' }),
  JSON.stringify({ op: 'data', values: [1, 2.5, -3], nested: { ok: true, none: null } }),
  'plain text line one',
  'plain text line two: time 12:30, ratio 3:4',
  JSON.stringify(['not', 'socket.io', { just: 'an array' }]),
  'unicode: h\u00e9llo \u2713 \ud83d\ude00'
];

function runWebSocket(next) {
  var ws = new WebSocket('ws://127.0.0.1:' + port + '/echo');
  var i = 0;
  ws.on('error', fail);
  ws.on('open', function () { ws.send(wsMessages[i]); });
  ws.on('message', function (data) {
    if (data.toString() !== wsMessages[i]) fail('echo mismatch');
    i++;
    if (i < wsMessages.length) {
      ws.send(wsMessages[i]);
    } else {
      ws.ping('are you there');
    }
  });
  ws.on('pong', function () { ws.close(1000, 'bye'); });
  ws.on('close', function () { next(); });
}

function runHttp(next) {
  request('GET', '/motd', {}, undefined, function (res, body) {
    if (res.statusCode !== 200 || body !== MOTD) return fail('bad /motd');
    var form = 'name=alice&message=hello+world%21&lang=fr&empty=';
    request('POST', '/form', {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': Buffer.byteLength(form)
    }, form, function (res2, body2) {
      if (res2.statusCode !== 200 || !/^thanks alice/.test(body2)) return fail('bad /form');
      next();
    });
  });
}

server.listen(port, '127.0.0.1', function () {
  runWebSocket(function () {
    runHttp(function () {
      setTimeout(function () {
        clearTimeout(watchdog);
        fs.writeFileSync(truthPath, truth.map(function (r) { return JSON.stringify(r); }).join('\n') + '\n');
        console.log('[control] wrote ' + truth.length + ' records to ' + truthPath);
        wss.close();
        server.close();
        setTimeout(function () { process.exit(0); }, 200);
      }, 300);
    });
  });
});
