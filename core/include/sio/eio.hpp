// Engine.IO protocols 3 and 4, the transport layer under socket.io 1.x-4.x.
//
//   text packet   = type-digit [data]            ; type 0 open .. 6 noop
//   base64 packet = "b" [type-digit, v3 only] base64   ; binary message
//   v3 binary     = type-byte data                 ; WebSocket binary frame
//   v4 binary     = data                           ; a message, no type byte
//   v3 text payload   = 1*( length ":" packet )    ; length in UTF-16 code units; "0:" is skipped
//   v3 binary payload = 1*( (0x00|0x01) 1*digit-byte 0xFF packet )  ; length in bytes
//   v4 payload        = packet *( 0x1E packet )
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sio/common.hpp"
#include "sio/json.hpp"
#include "sio/text.hpp"

namespace sio::eio {

enum Type : uint8_t { open = 0, close, ping, pong, message, upgrade, noop };
inline constexpr unsigned kTypeCount = 7;
const char* type_name(unsigned code);  // nullptr when out of range

struct Packet {
  uint8_t version = 0;        // 3 or 4
  uint8_t type_code = 0;
  const char* type_name = nullptr;
  Span type;                  // the type digit or byte; absent for v4 binary
  bool binary = false;        // the data is binary
  bool base64 = false;        // carried as "b..." base64 text
  Span data;                  // text data, binary data, or the base64 text
  Fault fault;
};

// Decodes one text packet (a WebSocket text message or one packet of a payload).
void decode_text(std::string_view in, Span where, uint8_t version, Packet& out);
// Decodes one binary packet (a WebSocket binary message, or a binary packet of a v3 XHR2 payload).
void decode_binary(std::string_view in, Span where, uint8_t version, Packet& out);

// One packet of a polling payload. The length prefix is digits, or for v3
// binary payloads digit bytes; v4 payloads have none.
struct Frame : CountedFrame {
  bool binary = false;  // v3 binary payload: a binary packet (flag 0x01)
};

// Splits a polling body. Returns the first framing fault; frames before it are valid.
// An empty body is Error::empty (engine.io-parser refuses it).
//
// Text "len:packet". A zero-length packet ("0:") is skipped, as engine.io-parser 2.x
// does: no frame, no fault; `skipped` (when given) counts them. So "0:" gives no
// fault and no frame, while "" gives Error::empty.
Fault split_payload_v3(std::string_view body, std::vector<Frame>& frames, size_t* skipped = nullptr);
// XHR2 binary framing. A zero-length packet here stays a frame with Error::zero_length
// (engine.io-parser 2.x decodes it as a parse error).
Fault split_payload_v3_binary(std::string_view body, std::vector<Frame>& frames);
Fault split_payload_v4(std::string_view body, std::vector<Frame>& frames);         // 0x1E separated
// Whether a v3 polling body uses the XHR2 binary framing (first byte 0x00 or 0x01).
bool is_v3_binary_payload(std::string_view body);

// The open packet's JSON handshake.
struct Open {
  Span sid;
  std::string_view sid_value;      // valid until the next call with the same Json
  Span upgrades;                   // the JSON array
  std::vector<Span> upgrade_items; // each upgrade's string, inside its quotes
  Span ping_interval;
  uint64_t ping_interval_value = 0;
  Span ping_timeout;
  uint64_t ping_timeout_value = 0;
  Span max_payload;                // v4
  uint64_t max_payload_value = 0;
};
Fault parse_open(Json& json, std::string_view in, Span where, Open& out);

}  // namespace sio::eio
