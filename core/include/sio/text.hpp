// Small text helpers shared by every generation: numbers, UTF-8/UTF-16
// lengths, percent-decoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sio/common.hpp"

namespace sio {

// Parses decimal digits (non-empty, digits only) into `out`.
// Returns Error::none, Error::bad_id (not digits) or Error::id_overflow.
Error parse_u64(std::string_view digits, uint64_t& out);

// Length of the run of ASCII digits starting at `pos`.
size_t digit_run(std::string_view s, size_t pos);

// Whether `s` is valid UTF-8 (simdjson's validator).
bool valid_utf8(std::string_view s);

// Number of bytes, starting at `pos`, that hold `units` UTF-16 code units of the
// UTF-8 text `s` (a 4-byte sequence counts 2 units). Sets `fault` (offset
// absolute in `s`) when the text is not valid UTF-8 or ends before `units`
// units, or when a surrogate pair would be split.
size_t utf16_units_to_bytes(std::string_view s, size_t pos, uint64_t units, Fault& fault);

// One packet of a length-prefixed polling payload.
struct CountedFrame {
  Span length;           // the length prefix
  uint64_t declared = 0;
  Span packet;           // the packet bytes
  Fault fault;           // framing fault of this frame (the packet span is what remains)
};

// Cuts the packet of `f` (whose length prefix is parsed) from body[pos], the
// length counting UTF-16 code units. Returns the position after the packet.
// Sets f.fault to zero_length (an empty packet: parsing may go on), or to a
// fault after which parsing stops: length_past_end (at the prefix) or
// bad_utf8/bad_length, the packet then being the rest of the body.
size_t cut_utf16_packet(std::string_view body, size_t pos, CountedFrame& f);

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte).
Fault percent_decode(std::string_view in, uint32_t base, std::string& out);

// Finds field `name` in a form body (name=value&...); `value` gets the raw
// (still encoded) value's span. Returns false when there is no such field.
bool form_field(std::string_view body, std::string_view name, Span& value);

// Decodes base64 (standard or URL alphabet; padding optional but, when present, correct).
Fault base64_decode(std::string_view in, uint32_t base, std::string& out);

}  // namespace sio
