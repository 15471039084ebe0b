// JSON through simdjson, with byte offsets.
//
// simdjson validates and extracts values; a small structural walk over the
// already-validated text gives the byte span of each member and element, which
// simdjson's DOM does not keep. The simdjson parser and its padded buffer are
// reused from call to call, so steady-state decoding allocates nothing.
//
// What is valid is what JSON.parse (socket.io-parser, engine.io-parser) takes.
// Where simdjson alone is stricter -- numbers beyond a 64-bit integer or a
// double, \u escapes of unpaired UTF-16 surrogates -- the text is still valid;
// such a surrogate reads as U+FFFD in unescaped strings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sio/common.hpp"

namespace sio {

class Json {
 public:
  Json();
  ~Json();
  Json(const Json&) = delete;
  Json& operator=(const Json&) = delete;

  // Deepest nesting accepted; deeper documents fail with Error::too_deep.
  static constexpr size_t kMaxDepth = 256;

  // Validates that `text` is exactly one JSON value (surrounding white space allowed).
  // `base` is added to every offset reported.
  Fault validate(std::string_view text, uint32_t base);

  // Decodes a 0.x event object {"name": "...", "args": [...]}: fills name (inside the
  // quotes), name_value (unescaped; valid until the next call on this object), args
  // (the array's bytes, absent when there is no "args") and one span per argument.
  struct Event {
    Span name;
    std::string_view name_value;
    Span args;
  };
  Fault event_object(std::string_view text, uint32_t base, Event& ev, std::vector<Span>& items);

  // Validates a JSON array and gives one span per element; past `max_items`,
  // one last span covers the elements left (see json_scan::array_items).
  Fault array(std::string_view text, uint32_t base, std::vector<Span>& items, size_t max_items = SIZE_MAX);

  // Decodes one JSON string literal (quotes included in `text`) into `out`.
  Fault string_literal(std::string_view text, uint32_t base, std::string& out);

  // Validates a JSON object and gives each top-level member's key (inside the
  // quotes, as written) and value span.
  struct Member {
    Span key;
    Span value;
  };
  Fault object(std::string_view text, uint32_t base, std::vector<Member>& members);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace json_scan {
// Structural helpers over JSON that a real parser has already validated.
size_t skip_ws(std::string_view t, size_t pos);
// End (one past) of the value starting at pos.
size_t value_end(std::string_view t, size_t pos);
// One past the closing quote of the string starting at `pos` ('"').
size_t string_end(std::string_view t, size_t pos);
// Spans of the elements of the array starting at `pos` ('['); returns one past its ']'.
// After `max_items` elements, one last span covers all the elements left (the
// array must then be the whole of `t`, as a validated document is).
size_t array_items(std::string_view t, size_t pos, uint32_t base, std::vector<Span>& items,
                   size_t max_items = SIZE_MAX);
// Members of the object starting at `pos` ('{').
void object_members(std::string_view t, size_t pos, uint32_t base, std::vector<Json::Member>& members);

// A binary attachment placeholder {"_placeholder":true,"num":N} (Socket.IO 4/5).
struct Placeholder {
  Span span;
  uint32_t num = 0;
};
// Every placeholder object in validated JSON text, in text order.
void placeholders(std::string_view t, uint32_t base, std::vector<Placeholder>& out);
}  // namespace json_scan

}  // namespace sio
