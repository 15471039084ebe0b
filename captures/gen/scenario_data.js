// Shared scenario data (loaded by node via require and by the browser page).
(function (exports) {
  'use strict';

  // ~2 kB of varied printable text (deterministic)
  var words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur',
    'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor', 'incididunt'];
  var long = '';
  for (var i = 0; long.length < 2000; i++) {
    long += words[(i * 7) % words.length] + (i % 11 === 10 ? '. ' : ' ');
  }
  long = long.slice(0, 2000);
  exports.longString = long;

  exports.unicode = 'h\u00e9llo w\u00f6rld \u2713 \ud83d\ude00';

  // client -> server events on "/": [name, ...args]
  exports.clientEvents = [
    ['ping'],
    ['chat message', 'hello'],
    ['chat message', exports.unicode],
    ['nested', { user: { name: 'ann', tags: ['a', 'b'], meta: { depth: { level: 3 } } }, list: [[1, 2], [3, [4, 5]]] }],
    ['numbers', 42, 3.14159, -17, -0.5, 0, 1e21],
    ['flags', true, false, null],
    ['empty', {}, []],
    ['long', long],
    ['multi', 'a', 1, { b: 2 }, [3], null, 'quote " backslash \\ colon : tab \t newline \n end']
  ];

  // server -> client events on "/"
  exports.serverEvents = [
    ['welcome'],
    ['server says', exports.unicode],
    ['mixed', { nested: { deep: [1, { x: 'y' }] } }, [1, 2.5, -3], true, false, null, {}, []],
    ['long from server', long],
    ['numbers from server', -42, 6.02e23, 0.001]
  ];
  exports.serverText = 'plain text from server: caf\u00e9 \ud83d\ude80';
  exports.serverJson = { kind: 'json', from: 'server', n: [1, -2, 3.5], ok: true, none: null };

  exports.clientText = 'plain text from client: na\u00efve \ud83c\udf89';
  exports.clientJson = { kind: 'json', from: 'client', n: [0, -1, 2.25], ok: false, none: null };

  exports.chatClientMessage = ['hi lobby', { from: 'client', emoji: '\ud83d\udc4b' }];
  exports.chatServerMessage = ['welcome to the lobby', { from: 'server', count: 2 }];
})(typeof module === 'object' && module.exports ? module.exports : (this.S = {}));
