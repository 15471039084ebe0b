// Socket.IO protocols 4 (socket.io 1.x-2.x) and 5 (3.x-4.x), carried in
// Engine.IO message packets.
//
//   packet = type [attachments "-"] [namespace ","] [id] [json]
//   type   = 0 connect, 1 disconnect, 2 event, 3 ack,
//            4 error (protocol 4) / connect_error (5), 5 binary_event, 6 binary_ack
//
// As socket.io-parser 3.x (protocol 4) and 4.x (protocol 5) decide:
//   - attachments: decimal digits, 0 included (a binary packet with nothing to follow);
//   - namespace: from a leading '/' up to the first ',' (or the end). Protocol 4
//     CONNECT splits off "?query" (Packet::qs), as the socket.io 2.x server does;
//     protocol 5 keeps it in the namespace;
//   - data per type: connect none (4) / a JSON object (5); disconnect none;
//     event an array whose first element is a string or number, and in protocol 5
//     not a reserved name (Error::reserved_name, the packet still decoded in full);
//     ack an array; error (4) a string, object, array or null; connect_error (5)
//     a string or object.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sio/common.hpp"
#include "sio/json.hpp"
#include "sio/packet.hpp"

namespace sio::modern {

enum Type : uint8_t { connect = 0, disconnect, event, ack, error, binary_event, binary_ack };
inline constexpr unsigned kTypeCount = 7;

// Lowercase type name for `protocol` (4 or 5); nullptr when out of range.
const char* type_name(unsigned code, uint8_t protocol);

// The Socket.IO protocol carried by an Engine.IO protocol: 3 -> 4, 4 -> 5.
constexpr uint8_t protocol_for_eio(uint8_t eio) { return eio == 3 ? 4 : 5; }

class Decoder {
 public:
  // Decodes the packet at in[where]; spans are offsets into `in`. For events,
  // `args` covers the arguments after the name (Packet::args_inner is set: the
  // JSON array text is "[" + those bytes + "]").
  void packet(std::string_view in, Span where, uint8_t protocol, Packet& out);

  // Whether Packet::arg_items is filled (default). Off, the packet is still
  // validated in full and `args` still spans the arguments, but the scan
  // stops after the event name: for callers that show no per-argument fields.
  void set_arg_items(bool on) { arg_items_ = on; }

  // Placeholders of the packet last decoded, in text order.
  const std::vector<json_scan::Placeholder>& placeholders() const { return placeholders_; }

 private:
  Json json_;
  std::string name_;
  std::vector<json_scan::Placeholder> placeholders_;
  bool arg_items_ = true;
};

}  // namespace sio::modern
