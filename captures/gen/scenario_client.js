// Client half of the socket.io 0.9 scenario. Shared by the node runner
// (node_client.js, websocket / xhr-polling) and the browser page (page.html,
// jsonp-polling), so that every transport carries the same conversation.
//
// runScenario(io, S, { base, transport, log }, done(err))
(function (exports) {
  'use strict';

  exports.runScenario = function (io, S, opts, done) {
    var log = opts.log || function () {};
    var base = opts.base;
    var ioOpts = {
      transports: [opts.transport],
      reconnect: false,
      'try multiple transports': false,
      'connect timeout': 8000
    };
    var finished = false;
    function end(err) {
      if (finished) return;
      finished = true;
      clearTimeout(guard);
      done(err || null);
    }
    var guard = setTimeout(function () { end('client timeout'); }, 22000);

    function check(what, got, want) {
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        end(what + ': got ' + JSON.stringify(got) + ' want ' + JSON.stringify(want));
        return false;
      }
      return true;
    }

    // Namespace with a query string first: the first io.connect() for a
    // host creates the Socket, so its query goes into the handshake and
    // transport URLs. The second io.connect() reuses that Socket.
    var chat = io.connect(base + '/chat?room=lobby&x=1', ioOpts);
    var main = io.connect(base, ioOpts);

    main.on('error', function (e) { end('main error: ' + e); });
    main.on('connect_failed', function (e) { end('main connect_failed: ' + e); });

    // server -> client events on "/" (checked against the shared data)
    var serverEventsSeen = 0;
    S.serverEvents.forEach(function (ev) {
      main.on(ev[0], function () {
        if (check('server event ' + ev[0], Array.prototype.slice.call(arguments), ev.slice(1))) {
          serverEventsSeen++;
        }
      });
    });
    main.on('message', function (data) {
      log('message on /: ' + JSON.stringify(data));
    });
    main.on('question', function (q, ack) {
      check('question', q, 'what is 6*7?');
      ack(42, { sure: true });
    });

    chat.on('chat message', function () {
      check('chat message from server', Array.prototype.slice.call(arguments), S.chatServerMessage);
    });
    chat.on('message', function (data) {
      log('message on /chat: ' + JSON.stringify(data));
    });
    chat.on('rate', function (what, ack) {
      check('rate', what, 'the lobby');
      ack(5);
    });

    var pending = 2;
    function connected() { if (--pending === 0) stepEvents(); }
    main.on('connect', function () { log('connected /'); connected(); });
    chat.on('connect', function () { log('connected /chat'); connected(); });

    function stepEvents() {
      S.clientEvents.forEach(function (ev) { main.emit.apply(main, ev); });
      main.emit('add', 2, 3, function (sum, label) {
        if (!check('add ack', [sum, label], [5, 'sum'])) return;
        stepMessages();
      });
    }

    function stepMessages() {
      main.send(S.clientText);
      main.json.send(S.clientJson);
      // message with ack request: the server acknowledges automatically (6:::N)
      main.send('please ack this', function () {
        main.once('server done', function () {
          if (!check('server events seen', serverEventsSeen, S.serverEvents.length)) return;
          stepChat();
        });
        main.emit('ready for server');
      });
    }

    function stepChat() {
      chat.emit.apply(chat, ['chat message'].concat(S.chatClientMessage));
      chat.send('chat text from client');
      chat.json.send([1, 'two', { three: 3 }]);
      chat.once('chat done', stepPrivate);
      chat.emit('join', 'lobby', function (ok, info) {
        check('join ack', [ok, info], [true, { room: 'lobby', members: 2 }]);
      });
    }

    function stepPrivate() {
      var priv = io.connect(base + '/private', ioOpts);
      priv.on('connect', function () { end('/private should have been refused'); });
      priv.on('connect_failed', function (reason) {
        if (!check('private refusal', reason, 'unauthorized')) return;
        stepIdle();
      });
    }

    function stepIdle() {
      // >= 3 s with heartbeats, then a quiet stretch longer than the
      // server's 2 s polling duration (polling transports then see a noop)
      main.emit('idle');
      setTimeout(function () {
        setTimeout(stepChatDisconnect, 2600);
      }, 3400);
    }

    function stepChatDisconnect() {
      main.once('chat left', function () {
        // give an in-flight POST (polling) time to complete so that the
        // disconnect packet is not left in the client's buffer
        setTimeout(stepDisconnect, 300);
      });
      chat.disconnect();
    }

    function stepDisconnect() {
      main.disconnect();
      setTimeout(function () { end(null); }, 500);
    }
  };
})(typeof module === 'object' && module.exports ? module.exports : this);
