// Shared scenario data (node via require; the browser page via <script>).
(function (exports) {
  'use strict';

  // ~2 kB of varied printable text (deterministic)
  var words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur',
    'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor', 'incididunt'];
  var long = '';
  for (var i = 0; long.length < 2000; i++) {
    long += words[(i * 7) % words.length] + (i % 11 === 10 ? '. ' : ' ');
  }
  exports.longString = long.slice(0, 2000);

  exports.unicode = 'h\u00e9llo w\u00f6rld \u2713 \ud83d\ude00';

  // client -> server events on "/" (no ack): [name, ...args]
  exports.clientEvents = [
    ['hello'],   // no args ('ping' is reserved in socket.io-client 2.x)
    ['chat message', 'hello'],
    ['chat message', exports.unicode],
    ['nested', { user: { name: 'ann', tags: ['a', 'b'], meta: { depth: { level: 3 } } }, list: [[1, 2], [3, [4, 5]]] }],
    ['numbers', 42, 3.14159, -17, -0.5, 0, 1e21],
    ['flags', true, false, null],
    ['empty', {}, []],
    ['long', exports.longString],
    ['multi', 'a', 1, { b: 2 }, [3], null, 'quote " backslash \\ colon : tab \t newline \n end']
  ];

  // server -> client events on "/" (no ack), after the client says "ready"
  exports.serverEvents = [
    ['server ping'],
    ['server says', exports.unicode],
    ['mixed', { nested: { deep: [1, { x: 'y' }] } }, [1, 2.5, -3], true, false, null, {}, []],
    ['long from server', exports.longString],
    ['numbers from server', -42, 6.02e23, 0.001]
  ];

  // binary payloads (byte arrays; each side turns them into Buffer/ArrayBuffer)
  exports.uploadBytes = [0, 1, 2, 255];
  exports.upload2A = [104, 101, 108, 108, 111];          // "hello"
  exports.upload2B = [0xde, 0xad, 0xbe, 0xef];
  exports.fileBytes = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];  // PNG magic
  exports.clientFileBytes = [0xca, 0xfe, 0xba, 0xbe, 0x00];
  exports.serverBinA = [1, 2, 3];
  exports.serverBinB = [0xff, 0xfe, 0x00, 0x80];

  exports.welcome = { motd: 'welcome', version: 1 };
  exports.adminToken = 'abc';
})(typeof module === 'object' && module.exports ? module.exports : (this.S = {}));
