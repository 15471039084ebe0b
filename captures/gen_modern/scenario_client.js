// The client half of the scenario, for socket.io-client 2.x and 4.x.
// Loaded by node (client.js) and by the browser page (page.html).
//
// runScenario({ io, base, opts, clientGen, S, mkBin, toBytes, log })
//   io         the client's io() / lookup function
//   base       'http://127.0.0.1:PORT'
//   opts       Manager options (transports, reconnection: false, ...)
//   clientGen  '2' or '4'
//   mkBin      byte array -> Buffer / ArrayBuffer
//   toBytes    received binary -> plain array of numbers
// returns a Promise that rejects on any mismatch or time-out.
(function (exports) {
  'use strict';

  exports.runScenario = async function (env) {
    const { io, base, opts, clientGen, S, mkBin, toBytes } = env;
    const log = env.log || function () {};
    const v4 = clientGen === '4';
    const T = 6000;

    const norm = (v) => JSON.stringify(v, function (k, x) {
      if (x && typeof x === 'object' && (x instanceof ArrayBuffer || ArrayBuffer.isView(x) ||
          (x.type === 'Buffer' && Array.isArray(x.data)))) return { bytes: toBytes(x) };
      return x;
    });
    function expectEqual(what, got, want) {
      const g = norm(got), w = norm(want);
      if (g !== w) throw new Error(what + ': got ' + g + ' want ' + w);
    }
    const bytes = (arr) => ({ bytes: arr });
    // io() may write into its options (2.x/4.x lookup() stores the URL's
    // query there), so every call gets its own copy
    const copy = (o) => Object.assign({}, o);
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    function timeout(p, what, ms) {
      let t;
      return Promise.race([p, new Promise((_, rej) => {
        t = setTimeout(() => rej(new Error('time-out waiting for ' + what)), ms || T);
      })]).finally(() => clearTimeout(t));
    }
    // promise of the next occurrence of an event (register early!)
    function once(sock, ev) {
      return new Promise((res) => sock.once(ev, function () { res(Array.from(arguments)); }));
    }
    function emitAck(sock, ev) {
      const args = Array.prototype.slice.call(arguments, 2);
      return timeout(new Promise((res) => {
        sock.emit.apply(sock, [ev].concat(args, [function () { res(Array.from(arguments)); }]));
      }), 'ack of ' + ev);
    }

    // 1. "/" and /chat with a query string on one Manager.
    // With polling + websocket the transport upgrade should happen while the
    // session is idle, as it would in a real app: this is when the server
    // releases the pending poll with a noop packet (if namespaces connect at
    // the same time, that exchange races with the probe and the noop comes
    // and goes by timing). So the namespaces are connected after the upgrade.
    // - 4.x: io('/chat?room=lobby') makes the Manager (the query goes into
    //   the Engine.IO handshake URL; CONNECT has no query in protocol 5).
    //   autoConnect is off so that the Manager opens the session first.
    // - 2.x: the server connects "/" by itself in its handshake response, so
    //   the "/" socket is made first; the /chat query goes into CONNECT.
    const upgrading = opts.transports.length > 1 && opts.transports[0] === 'polling';
    let chat, main;
    if (v4) {
      chat = io(base + '/chat?room=lobby', Object.assign(copy(opts), { autoConnect: false }));
      if (upgrading) {
        chat.io.open();
        await timeout(once(chat.io.engine, 'upgrade'), 'transport upgrade');
      }
    } else {
      main = io(base, copy(opts));
      if (upgrading) await timeout(once(main.io.engine, 'upgrade'), 'transport upgrade');
      chat = io(base + '/chat?room=lobby', copy(opts));
    }
    if (upgrading) log('upgraded to ' + chat.io.engine.transport.name);
    const pChatConnect = once(chat, 'connect');
    const pChatWelcome = once(chat, 'chat welcome');
    if (v4) {
      chat.connect();
      await timeout(pChatConnect, 'connect of /chat');
      main = io(base, copy(opts));
      main.connect();              // the Manager was made with autoConnect off
    }
    const pMainConnect = main.connected ? Promise.resolve() : once(main, 'connect');

    // server-initiated things, registered before they can arrive
    const serverEvents = [];
    for (const name of new Set(S.serverEvents.map((e) => e[0]))) {
      main.on(name, function () { serverEvents.push([name].concat(Array.from(arguments))); });
    }
    main.on('question', (q, cb) => { expectEqual('question', q, 'answer?'); cb(42, { sure: true }); });
    main.on('need file', (name, cb) => { expectEqual('need file', name, 'client.bin'); cb(mkBin(S.clientFileBytes)); });
    const pServerBinary = new Promise((res) => main.on('server binary', (a, obj, cb) => {
      cb('ok'); res([a, obj]);
    }));
    let ticks = 0;
    main.on('tick', () => { ticks++; });
    const pBatchDone = once(main, 'batch done');
    const pChatLeft = once(main, 'chat left');
    chat.on('rate', (q, cb) => { expectEqual('rate', q, 'how was it?'); cb(5); });
    const pRated = once(chat, 'rated');

    await timeout(Promise.all([pMainConnect, pChatConnect]), 'connect of / and /chat');
    expectEqual('chat welcome', await timeout(pChatWelcome, 'chat welcome'), ['lobby', 1]);
    log('connected / and /chat');

    // 2. /admin with auth (protocol 5 only)
    let admin = null;
    if (v4) {
      admin = io(base + '/admin', Object.assign(copy(opts), { auth: { token: S.adminToken } }));
      admin.connect();
      await timeout(once(admin, 'connect'), 'connect of /admin');
      expectEqual('whoami', await emitAck(admin, 'whoami'), [{ token: S.adminToken, admin: true }]);
      log('/admin ok');
    }

    // 3. /private is refused by a namespace middleware
    const priv = io(base + '/private', copy(opts));
    if (v4) priv.connect();
    if (v4) {
      const [err] = await timeout(once(priv, 'connect_error'), 'connect_error of /private');
      expectEqual('private connect_error', err.message, 'not authorized');
    } else {
      const [err] = await timeout(once(priv, 'error'), 'error of /private');
      expectEqual('private error', err, 'not authorized');
    }
    log('/private refused');

    // 4. a burst of events without ack (several packets per polling request)
    for (const ev of S.clientEvents) main.emit.apply(main, ev);

    // 5. acks, binary events, binary ack
    expectEqual('add ack', await emitAck(main, 'add', 2, 3), [5, 'sum']);
    expectEqual('upload ack', await emitAck(main, 'upload', { name: 'f', data: mkBin(S.uploadBytes) }),
      ['got 4 bytes']);
    expectEqual('upload2 ack', await emitAck(main, 'upload2', mkBin(S.upload2A), { inner: mkBin(S.upload2B) }),
      ['got 2 buffers']);
    expectEqual('getfile ack', await emitAck(main, 'getfile', 'f'), [bytes(S.fileBytes), { name: 'f' }]);
    log('acks ok');

    // 6. the server's batch: events, acks both ways, binary, volatile
    expectEqual('ready ack', await emitAck(main, 'ready'), []);
    await timeout(pBatchDone, 'batch done');
    expectEqual('server events', serverEvents, S.serverEvents);
    expectEqual('server binary', await pServerBinary,
      [bytes(S.serverBinA), { b: bytes(S.serverBinB), n: 2 }]);
    log('server batch ok, volatile ticks seen: ' + ticks);

    // 7. /chat: ack c2s, ack s2c
    expectEqual('join ack', await emitAck(chat, 'join', 'lobby'), [true, { room: 'lobby', members: 1 }]);
    expectEqual('rated', await timeout(pRated, 'rated'), [5]);

    // 8. idle: several ping/pong rounds
    await sleep(3500);

    // 9. the server disconnects /chat; the client reconnects it, then leaves
    const pKicked = once(chat, 'disconnect');
    chat.emit('kick me');
    expectEqual('kick reason', (await timeout(pKicked, '/chat disconnect'))[0], 'io server disconnect');
    const pWelcome2 = once(chat, 'chat welcome');
    chat.connect();
    expectEqual('chat welcome 2', await timeout(pWelcome2, 'second chat welcome'), ['lobby', 2]);
    chat.disconnect();
    expectEqual('chat left', await timeout(pChatLeft, 'chat left'), [2]);
    log('/chat kicked, reconnected and left');

    // 10. clean close: leaving the last namespace closes the connection
    if (admin) admin.disconnect();
    if (!v4) priv.close();
    const pClosed = once(main, 'disconnect');
    main.disconnect();
    await timeout(pClosed, 'main disconnect');
    return { ticks };
  };
})(typeof module === 'object' && module.exports ? module.exports : this);
