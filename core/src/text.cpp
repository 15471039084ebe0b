#include "sio/text.hpp"

#include <simdjson.h>

namespace sio {

const char* describe(Error e) {
  switch (e) {
    case Error::none: return "no error";
    case Error::empty: return "empty packet";
    case Error::bad_type: return "unknown packet type";
    case Error::missing_separator: return "missing separator";
    case Error::bad_id: return "message id is not a decimal number";
    case Error::id_overflow: return "number does not fit in 64 bits";
    case Error::ack_without_id: return "'+' (ack with data) without a message id";
    case Error::bad_json: return "invalid JSON";
    case Error::json_not_object: return "event data is not a JSON object";
    case Error::missing_name: return "event has no name";
    case Error::name_not_string: return "event name is not a string";
    case Error::args_not_array: return "arguments are not a JSON array";
    case Error::bad_ack_id: return "ack does not start with the acknowledged id";
    case Error::bad_error_code: return "error reason/advice is not a number";
    case Error::unexpected_data: return "data in a packet type that carries none";
    case Error::bad_length: return "length prefix is not a decimal number";
    case Error::zero_length: return "length prefix of zero";
    case Error::length_past_end: return "length runs past the end of the payload";
    case Error::bad_utf8: return "invalid UTF-8";
    case Error::bad_frame: return "bad payload framing";
    case Error::bad_handshake: return "bad handshake body";
    case Error::bad_jsonp: return "bad JSONP wrapper";
    case Error::bad_form: return "bad form-encoded body";
    case Error::too_deep: return "JSON nested too deeply";
    case Error::too_large: return "input too large";
    case Error::bad_base64: return "invalid base64";
    case Error::bad_attachments: return "bad binary attachment count";
    case Error::bad_data: return "data of a kind this packet type does not carry";
    case Error::bad_open: return "bad Engine.IO open handshake";
    case Error::json_truncated: return "JSON text ends before its arrays and objects close";
    case Error::reserved_name:
      return "event name reserved by Socket.IO (connect, connect_error, disconnect, disconnecting, newListener, "
             "removeListener)";
    case Error::msgpack_truncated: return "MessagePack value cut short by the end of the message";
    case Error::bad_msgpack: return "byte that starts no MessagePack value";
    case Error::msgpack_too_deep: return "MessagePack nested too deeply";
    case Error::trailing_data: return "bytes after the end of the packet";
    case Error::not_map: return "MessagePack packet is not a map";
    case Error::missing_field: return "MessagePack packet without type or nsp";
    case Error::bad_field: return "nsp is not a string or id not an unsigned integer";
    case Error::ext_value: return "MessagePack extension where a plain value is needed";
  }
  return "unknown error";
}

Error parse_u64(std::string_view digits, uint64_t& out) {
  if (digits.empty()) return Error::bad_id;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return Error::bad_id;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return Error::id_overflow;
    v = v * 10 + d;
  }
  out = v;
  return Error::none;
}

size_t digit_run(std::string_view s, size_t pos) {
  size_t n = 0;
  while (pos + n < s.size() && s[pos + n] >= '0' && s[pos + n] <= '9') ++n;
  return n;
}

bool valid_utf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

size_t utf16_units_to_bytes(std::string_view s, size_t pos, uint64_t units, Fault& fault) {
  size_t i = pos;
  uint64_t seen = 0;
  while (seen < units) {
    if (i >= s.size()) {
      fault = make_fault(Error::length_past_end, s.size());
      return i - pos;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    unsigned u;
    uint32_t cp;
    if (c < 0x80) {
      n = 1; u = 1; cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2; u = 1; cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3; u = 1; cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4; u = 2; cp = c & 0x07;
    } else {
      fault = make_fault(Error::bad_utf8, i);
      return i - pos;
    }
    if (i + n > s.size()) {
      fault = make_fault(Error::length_past_end, s.size());
      return i - pos;
    }
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        fault = make_fault(Error::bad_utf8, i);
        return i - pos;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      fault = make_fault(Error::bad_utf8, i);
      return i - pos;
    }
    if (seen + u > units) {  // the count ends inside a surrogate pair
      fault = make_fault(Error::bad_length, i);
      return i - pos;
    }
    seen += u;
    i += n;
  }
  return i - pos;
}

size_t cut_utf16_packet(std::string_view body, size_t pos, CountedFrame& f) {
  if (f.declared == 0) {
    f.fault = make_fault(Error::zero_length, f.length.off);
    f.packet = make_span(pos, 0);
    return pos;
  }
  Fault uf;
  size_t n = utf16_units_to_bytes(body, pos, f.declared, uf);
  f.packet = make_span(pos, n);
  if (uf) {
    // A length past the end: the declared length, not any marker, is what
    // counts, so the rest of the body belongs to this truncated frame.
    f.fault = uf.code == Error::length_past_end ? make_fault(Error::length_past_end, f.length.off) : uf;
    if (uf.code != Error::length_past_end) f.packet = make_span(pos, body.size() - pos);
  }
  return pos + n;
}

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Fault percent_decode(std::string_view in, uint32_t base, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      int hi = i + 1 < in.size() ? hexval(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? hexval(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return make_fault(Error::bad_form, base + i);
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return {};
}

bool form_field(std::string_view body, std::string_view name, Span& value) {
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    std::string_view pair = body.substr(pos, amp - pos);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      value = make_span(pos + name.size() + 1, pair.size() - name.size() - 1);
      return true;
    }
    pos = amp + 1;
  }
  return false;
}

}  // namespace sio

namespace sio {

namespace {
int b64val(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
}  // namespace

Fault base64_decode(std::string_view in, uint32_t base, std::string& out) {
  out.clear();
  out.reserve(in.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '=') break;
    int v = b64val(c);
    if (v < 0) return make_fault(Error::bad_base64, base + i);
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  size_t data_chars = i;
  // Padding: only '=' may follow, and the total must be a multiple of 4.
  for (; i < in.size(); ++i) {
    if (in[i] != '=') return make_fault(Error::bad_base64, base + i);
  }
  size_t pad = in.size() - data_chars;
  if (data_chars % 4 == 1 || pad > 2 || (pad && in.size() % 4 != 0)) {
    return make_fault(Error::bad_base64, base + data_chars);
  }
  return {};
}

}  // namespace sio
