'use strict';
// Write coalescing: every write made on `sock` during one event-loop turn is
// held with the Node API socket.cork() and handed to the kernel in one
// writev() at setImmediate (what uWebSockets.js does for every socket).
// The bytes are still produced by the libraries; only the TCP segmentation
// changes: a burst of WebSocket frames leaves as one segment.
function autoCork(sock) {
  if (!sock || sock.__largeCork) return;
  sock.__largeCork = true;
  const write = sock.write;
  let held = false;
  sock.write = function () {
    if (!held && !this.destroyed) {
      held = true;
      this.cork();
      setImmediate(() => { held = false; this.uncork(); });
    }
    return write.apply(this, arguments);
  };
}

module.exports = { autoCork };
