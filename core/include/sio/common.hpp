// Basic vocabulary of the Socket.IO parser library: byte spans, errors, faults.
//
// Every result the library returns refers to its input by byte offsets, so the
// caller can highlight exactly the bytes of each field. Nothing here owns the
// input; results stay valid as long as the caller's buffer does.
#pragma once

#include <cstdint>
#include <string_view>

namespace sio {

inline constexpr uint32_t kAbsent = UINT32_MAX;

// A byte range [off, off+len) of some input. A default Span is absent.
struct Span {
  uint32_t off = kAbsent;
  uint32_t len = 0;

  constexpr bool present() const { return off != kAbsent; }
  constexpr uint32_t end() const { return off + len; }
  std::string_view in(std::string_view s) const {
    return present() ? s.substr(off, len) : std::string_view{};
  }
  friend constexpr bool operator==(Span a, Span b) { return a.off == b.off && a.len == b.len; }
  friend constexpr bool operator!=(Span a, Span b) { return !(a == b); }
};

constexpr Span make_span(size_t off, size_t len) {
  return Span{static_cast<uint32_t>(off), static_cast<uint32_t>(len)};
}

// Coarse error codes. describe() gives the text shown to users.
enum class Error : uint8_t {
  none = 0,
  empty,              // nothing to decode
  bad_type,           // type is not a known digit
  missing_separator,  // a ':' (or other separator) the grammar requires is missing
  bad_id,             // message id is not decimal digits
  id_overflow,        // a number does not fit in 64 bits
  ack_without_id,     // '+' (ack with data) but no id
  bad_json,           // JSON text does not parse
  json_not_object,    // event data is not a JSON object
  missing_name,       // event object has no "name"
  name_not_string,    // event "name" is not a string
  args_not_array,     // event "args" / ack data is not a JSON array
  bad_ack_id,         // ack packet does not start with the acknowledged id
  bad_error_code,     // error reason/advice is not a number
  unexpected_data,    // data where the packet type carries none
  bad_length,         // a length prefix is not decimal digits
  zero_length,        // a length prefix of 0
  length_past_end,    // a length prefix runs past the end of the input
  bad_utf8,           // bytes are not valid UTF-8
  bad_frame,          // a framing marker is missing or wrong
  bad_handshake,      // a handshake body does not have the expected fields
  bad_jsonp,          // a JSONP body is not name[index]("...");
  bad_form,           // a form body has no d= field or bad percent escapes
  too_deep,           // JSON nesting beyond the supported depth
  too_large,          // input larger than the library accepts (4 GiB)
  bad_base64,         // base64 text with a character or padding out of place
  bad_attachments,    // binary packet without a valid attachment count
  bad_data,           // JSON data of a kind this packet type does not carry
  bad_open,           // Engine.IO open packet without a valid handshake object
  json_truncated,     // JSON text ends inside an array or object (a cut message)
  reserved_name,      // protocol 5 event named as socket.io-parser 4.x refuses (connect, disconnect, ...);
                      // the packet is otherwise decoded in full
  // MessagePack packets (sio/msgpack.hpp)
  msgpack_truncated,  // the message ends inside a MessagePack value
  bad_msgpack,        // a byte that starts no MessagePack value
  msgpack_too_deep,   // MessagePack maps/arrays nested beyond the supported depth
  trailing_data,      // bytes after the end of the packet's value
  not_map,            // a MessagePack packet that is not a map
  missing_field,      // a MessagePack packet map without `type` or `nsp`
  bad_field,          // a MessagePack packet member of the wrong kind (nsp not a string, id not unsigned)
  ext_value,          // a MessagePack extension where a plain value is needed
};

const char* describe(Error e);

// An error as a value: what went wrong and at which byte of the input.
struct Fault {
  Error code = Error::none;
  uint32_t offset = 0;

  constexpr explicit operator bool() const { return code != Error::none; }
};

constexpr Fault make_fault(Error e, size_t off) { return Fault{e, static_cast<uint32_t>(off)}; }

}  // namespace sio
