// What a transport tells about the bytes it carries: the request URI that
// names the protocol generation, transport and session, and the JSONP and
// form wrappings of the polling transports. Shared by every generation.
#pragma once

#include <cstdint>
#include <string_view>

#include "sio/common.hpp"

namespace sio {

enum class Generation : uint8_t {
  unknown = 0,
  v1 = 1,    // socket.io 0.x, protocol revision 1
  eio3 = 3,  // Engine.IO protocol 3 (socket.io 1.x-2.x)
  eio4 = 4,  // Engine.IO protocol 4 (socket.io 3.x-4.x)
};

enum class Transport : uint8_t {
  unknown = 0,
  handshake,      // 0.x: GET /socket.io/1/ (answer: sid:hb:close:transports)
  websocket,
  flashsocket,
  xhr_polling,
  jsonp_polling,
  htmlfile,
  polling,        // Engine.IO polling (XHR or JSONP, see Uri::jsonp)
};
const char* transport_name(Transport t);

// A request URI as the Socket.IO resource path sees it.
struct Uri {
  bool match = false;          // the path lies under the resource path
  Generation generation = Generation::unknown;
  Transport transport = Transport::unknown;
  Span sid;                    // session id in the path (0.x) or the sid= parameter
  bool jsonp = false;          // JSONP polling (0.x jsonp-polling, Engine.IO j=)
  Span jsonp_index;
  uint32_t jsonp_index_value = 0;
  bool b64 = false;            // Engine.IO b64=1
};

// Classifies `uri` (origin form "/path?query" or absolute "http://host/path?query")
// against `resource`, the path prefix the server serves (default "/socket.io/").
Uri classify_uri(std::string_view uri, std::string_view resource = "/socket.io/");

// A JSONP polling body: callback[index]("...");
struct Jsonp {
  Span callback;   // "io.j" (0.x) or "___eio" (Engine.IO)
  Span index;
  uint32_t index_value = 0;
  Span literal;    // the JSON string literal, quotes included
};
Fault parse_jsonp(std::string_view body, Jsonp& out);

// Undoes the newline escaping of an Engine.IO JSONP POST's d= value (after
// percent-decoding): "\n" (backslash, n) is a newline, "\\n" is backslash, n.
void eio_jsonp_post_unescape(std::string_view in, std::string& out);

}  // namespace sio
