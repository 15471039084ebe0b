'use strict';
// The load plan: one group = one server (own port, own process) and its
// clients (one process). SCALE multiplies the number of bursts per client.
//
// Per burst a client emits n events (spread over its namespaces), then
// "burst end" on "/" with an ack; the server answers with m events (some
// wanting an ack from the client) and then acks "burst end".
//   ackP     share of client events that ask for an ack
//   srvAckP  share of server events that ask for an ack
//   binP     share of events with Buffers (BINARY_EVENT; 2.x/4.x only)
//   msgP     share of 0.9 send()/json.send() packets (types 3/4)
// Per client: transports, cork (coalesce the client's own writes per
// event-loop turn), nsps (namespaces besides "/"), admin (4.x auth namespace).

const WS4 = (i) => ({
  transports: i < 6 ? ['websocket'] : ['polling', 'websocket'],  // 2 upgrade from polling
  cork: i !== 0,                       // client 0 writes every frame on its own
  nsps: i % 2 ? ['/chat', '/game'] : ['/chat'],
  admin: i % 4 === 1
});

const GROUPS = {
  sio4_ws: {
    gen: 4, port: 18450, serverTransports: ['polling', 'websocket'],
    clients: [0, 1, 2, 3, 4, 5, 6, 7].map(WS4),
    bursts: 230, n: [10, 70], m: [10, 70], ackP: 0.15, srvAckP: 0.1, binP: 0.06
  },
  sio4_polling: {
    gen: 4, port: 18451, serverTransports: ['polling'],
    clients: [0, 1, 2].map((i) => ({ transports: ['polling'], nsps: ['/chat'], admin: i === 0 })),
    bursts: 60, n: [5, 45], m: [5, 45], ackP: 0.15, srvAckP: 0.1, binP: 0.05
  },
  sio2_ws: {
    gen: 2, port: 18452, serverTransports: ['polling', 'websocket'],
    clients: [
      { transports: ['websocket'], cork: true, nsps: ['/chat', '/game'] },
      { transports: ['polling', 'websocket'], cork: true, nsps: ['/chat'] }
    ],
    bursts: 85, n: [10, 70], m: [10, 70], ackP: 0.15, srvAckP: 0.1, binP: 0.06
  },
  sio2_polling: {
    gen: 2, port: 18453, serverTransports: ['polling'],
    clients: [0, 1].map(() => ({ transports: ['polling'], nsps: ['/chat'] })),
    bursts: 65, n: [5, 45], m: [5, 45], ackP: 0.15, srvAckP: 0.1, binP: 0.05
  },
  sio09_ws: {
    gen: 0, port: 18454, serverTransports: ['websocket'],
    clients: [0, 1].map((i) => ({ transports: ['websocket'], nsps: i ? ['/chat', '/game'] : ['/chat'] })),
    bursts: 60, n: [10, 70], m: [10, 70], ackP: 0.15, srvAckP: 0.1, msgP: 0.05
  },
  sio09_xhr: {
    gen: 0, port: 18455, serverTransports: ['xhr-polling'],
    clients: [0, 1].map(() => ({ transports: ['xhr-polling'], nsps: ['/chat'] })),
    bursts: 45, n: [5, 45], m: [5, 45], ackP: 0.15, srvAckP: 0.1, msgP: 0.05
  }
};

function burstsFor(group, scale) {
  return Math.max(1, Math.round(group.bursts * scale));
}

module.exports = { GROUPS, burstsFor };
