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
  xhr_multipart,  // 0.x: xhr-multipart (named in URLs; the plugin decodes no body of it)
};
const char* transport_name(Transport t);

// What made classify_uri recognise a URI.
enum class UriEvidence : uint8_t {
  none = 0,    // not recognised
  resource,    // the path lies under the resource path
  eio_query,   // elsewhere: the query holds EIO=3|4 and transport=polling|websocket
  v1_path,     // elsewhere: a 0.x path <prefix>/1/<0.x transport>/<sid>
};
const char* uri_evidence_name(UriEvidence e);  // "resource", "eio_query", "v1_path", or nullptr for none

// Where classify_uri looks.
enum class UriScope : uint8_t {
  resource_only,  // only under the resource path
  anywhere,       // also elsewhere, on the evidence of the query or of a 0.x path
};

inline constexpr std::string_view kDefaultResource = "/socket.io/";

// A request URI as the Socket.IO resource path sees it.
struct Uri {
  bool match = false;          // recognised: under the resource path, or elsewhere on evidence
  Generation generation = Generation::unknown;
  Transport transport = Transport::unknown;
  Span sid;                    // session id in the path (0.x) or the sid= parameter
  bool jsonp = false;          // JSONP polling (0.x jsonp-polling, Engine.IO j=)
  Span jsonp_index;
  uint32_t jsonp_index_value = 0;
  bool b64 = false;            // Engine.IO b64=1
  UriEvidence evidence = UriEvidence::none;  // what made the match (none when !match)
};

// Classifies `uri` (origin form "/path?query" or absolute "http://host/path?query").
//
// Under `resource`, the path prefix the server serves ("/socket.io/", or the same
// without its last '/' before the query), everything is taken as it always was:
// the 0.x handshake <resource>1/, 0.x transports <resource>1/<transport>/<sid>,
// and Engine.IO <resource>?EIO=...; such a URI matches even when the rest is
// unknown (generation or transport left unknown).
//
// With UriScope::anywhere, two shapes are also recognised outside the resource
// path, for servers that moved it (`path: "/realtime/"`, "/api/socket.io/"):
//  - Engine.IO: a query with both EIO=3 or EIO=4 and transport=polling or
//    transport=websocket, whatever the path. Every Engine.IO client sends both
//    on every request; they are the evidence, sid= and the rest come with them.
//  - 0.x: a path "/<prefix>/1/<transport>/<sid>" (an optional last '/'), where
//    <prefix> is one or more non-empty segments, <transport> one of websocket,
//    flashsocket, xhr-polling, jsonp-polling, htmlfile, xhr-multipart, and <sid>
//    one segment of letters, digits, '-' and '_' (so "/x/1/websocket/app.js" is
//    no match). The 0.x handshake "/<prefix>/1/" is not taken outside the
//    resource path: a "1/" segment alone is too common to mean Socket.IO.
// Anything else outside the resource path is no match. Uri::evidence tells
// which way a URI matched.
Uri classify_uri(std::string_view uri, std::string_view resource, UriScope scope);

// As above, looking anywhere when `resource` is the default "/socket.io/" (an
// application that moved its path is found without configuration) and only
// under `resource` when it was set to something else.
Uri classify_uri(std::string_view uri, std::string_view resource = kDefaultResource);

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
