// HTTP error replies of Socket.IO and Engine.IO servers: a request they refuse
// (a 0.x handshake: 403 "handshake unauthorized", 500 "handshake error"; an
// Engine.IO request with an unknown session: 400 {"code":1,"message":"Session ID unknown"}).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sio/common.hpp"
#include "sio/json.hpp"

namespace sio {

struct ErrorReply {
  bool json = false;          // JSON: Engine.IO's object, or a string
  Span code;                  // "code" value (JSON form)
  uint64_t code_value = 0;
  Span message;               // the "message" string (inside its quotes), or the whole text body
  std::string message_value;  // unescaped
};

// Reads an error reply body: a JSON object with "code" and "message" members,
// a JSON string (python-engineio), or plain text, which is the message as a whole. A body that starts as JSON
// but is not that object is a fault (bad_data), with what could be read kept.
Fault parse_error_reply(Json& json, std::string_view body, ErrorReply& out);

}  // namespace sio
