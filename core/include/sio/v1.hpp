// Socket.IO protocol revision 1 (socket.io 0.9.x, gevent-socketio).
//
//   packet    = type ":" [id ["+"]] ":" [endpoint] [":" data]
//   payload   = 1*( U+FFFD length U+FFFD packet )   ; length in UTF-16 code units
//   handshake = sid ":" [heartbeat timeout] ":" close timeout ":" transports
#pragma once

#include <string_view>
#include <vector>

#include "sio/common.hpp"
#include "sio/json.hpp"
#include "sio/packet.hpp"
#include "sio/text.hpp"

namespace sio::v1 {

inline constexpr uint8_t kVersion = 1;

enum Type : uint8_t {
  disconnect = 0, connect, heartbeat, message, json, event, ack, error, noop,
};
inline constexpr unsigned kTypeCount = 9;

const char* type_name(unsigned code);    // nullptr when out of range
const char* reason_name(unsigned code);  // error reasons; nullptr when unknown
const char* advice_name(unsigned code);  // error advice; nullptr when unknown

// One packet of a polling payload, as cut by its length prefix (absent for an unframed body).
using Frame = CountedFrame;

// Splits a polling body into frames. An unframed body is one frame holding
// the whole body. Returns the first framing fault; frames before it are valid.
// Frames are cut by length only: U+FFFD inside packet data is data.
Fault split_payload(std::string_view body, std::vector<Frame>& frames);

struct Handshake {
  Span sid;
  Span heartbeat;             // empty: heartbeats off
  uint32_t heartbeat_value = 0;
  Span close;
  uint32_t close_value = 0;
  Span transports;
  std::vector<Span> transport_items;
};
Fault parse_handshake(std::string_view body, Handshake& hs);

// Decodes packets; keeps a JSON parser and scratch space between calls.
class Decoder {
 public:
  // Decodes the packet at body[where]; spans in `out` are offsets into `body`.
  void packet(std::string_view body, Span where, Packet& out);
  void packet(std::string_view text, Packet& out) { packet(text, make_span(0, text.size()), out); }

 private:
  void data(std::string_view body, Packet& out);
  Json json_;
  Json::Event ev_;
};

}  // namespace sio::v1
