'use strict';
// Messages of the plain Engine.IO captures (eio_plain_ws, eio_plain_polling):
// each side sends these, in this order, with socket.send().
//
// The texts are chosen to look like something else on the wire: JSON, text
// starting with a digit (an Engine.IO message "42 is the answer" is "442 is
// the answer" on the wire, like a Socket.IO EVENT), the probe ping "2probe"
// and a pong "3 pongs" as message data, an empty message (the wire packet is a
// bare "4", which the receiving engine.io decodes as a message with no data:
// undefined, not "") and a one-character one.

exports.texts = [
  'hello',
  '{"a":1}',
  '42 is the answer',
  '3 pongs',
  '2probe',
  '',
  'x',
  'héllo wörld ✓ 😀'
];

// one binary message each way (a Buffer)
exports.c2sBinary = [0x00, 0x01, 0xfe, 0xff];
exports.s2cBinary = [0xde, 0xad, 0xbe, 0xef, 0x00];

// what the receiver gets for each text: engine.io drops the data of an empty
// message
exports.received = (text) => (text === '' ? undefined : text);

// seconds the client stays idle after the exchange, for a few ping/pong rounds
exports.idleMs = 2300;
