#include "sio/modern.hpp"

#include "sio/text.hpp"

namespace sio::modern {

namespace {
constexpr const char* kNames4[kTypeCount] = {"connect", "disconnect", "event", "ack",
                                             "error", "binary_event", "binary_ack"};
constexpr const char* kNames5[kTypeCount] = {"connect", "disconnect", "event", "ack",
                                             "connect_error", "binary_event", "binary_ack"};

// Event names socket.io-parser 4.2.4+ refuses (RESERVED_EVENTS); 3.x has no such list.
bool reserved_event_name(std::string_view n) {
  return n == "connect" || n == "connect_error" || n == "disconnect" || n == "disconnecting" ||
         n == "newListener" || n == "removeListener";
}

// The first byte of JSON text that is not white space ('\0' when there is none).
char first_json_byte(std::string_view d) {
  size_t i = json_scan::skip_ws(d, 0);
  return i < d.size() ? d[i] : '\0';
}
}  // namespace

const char* type_name(unsigned code, uint8_t protocol) {
  if (code >= kTypeCount) return nullptr;
  return protocol == 4 ? kNames4[code] : kNames5[code];
}

void Decoder::packet(std::string_view in, Span where, uint8_t protocol, Packet& p) {
  p.clear();
  placeholders_.clear();
  p.version = protocol;
  if (where.len == 0) {
    p.fault = make_fault(Error::empty, where.off);
    return;
  }
  std::string_view s = in.substr(0, where.end());
  const size_t end = s.size();
  size_t pos = where.off;
  char c = s[pos];
  p.type = make_span(pos, 1);
  if (c < '0' || c > '6') {
    p.fault = make_fault(Error::bad_type, pos);
    return;
  }
  p.type_code = static_cast<uint8_t>(c - '0');
  p.type_name = type_name(p.type_code, protocol);
  ++pos;

  if (p.type_code == binary_event || p.type_code == binary_ack) {
    size_t nd = digit_run(s, pos);
    uint64_t n = 0;
    // Zero is a count like any other: socket.io-parser emits such a packet at once.
    if (!nd || pos + nd >= end || s[pos + nd] != '-' || parse_u64(s.substr(pos, nd), n) != Error::none ||
        n > UINT32_MAX) {
      p.fault = make_fault(Error::bad_attachments, pos);
      return;
    }
    p.attachments = make_span(pos, nd);
    p.attachments_value = static_cast<uint32_t>(n);
    pos += nd + 1;
  }

  if (pos < end && s[pos] == '/') {
    size_t comma = s.find(',', pos);
    size_t ns_end = comma == std::string_view::npos ? end : comma;
    p.endpoint = make_span(pos, ns_end - pos);
    if (p.type_code == connect && protocol == 4) {
      size_t q = s.substr(0, ns_end).find('?', pos);
      if (q != std::string_view::npos) {
        p.endpoint = make_span(pos, q - pos);
        p.qs = make_span(q + 1, ns_end - q - 1);
      }
    }
    pos = comma == std::string_view::npos ? end : comma + 1;
  }

  size_t nd = digit_run(s, pos);
  if (nd) {
    p.id = make_span(pos, nd);
    if (Error e = parse_u64(s.substr(pos, nd), p.id_value); e != Error::none) {
      p.id = Span{};
      p.fault = make_fault(e, pos);
      return;
    }
    p.ack = AckMode::data;
    pos += nd;
  }

  if (pos < end) p.data = make_span(pos, end - pos);
  std::string_view d = p.data.in(s);
  const uint32_t base = static_cast<uint32_t>(pos);
  bool reserved = false;  // an event name protocol 5 refuses; flagged once all else is decoded
  switch (p.type_code) {
    case connect:
      if (d.empty()) break;
      if (protocol == 4) {
        // Protocol 4 has no CONNECT payload (the query rides in the namespace).
        p.fault = make_fault(Error::unexpected_data, base);
        break;
      }
      p.fault = json_.validate(d, base);
      if (!p.fault && first_json_byte(d) != '{') p.fault = make_fault(Error::bad_data, base);
      break;
    case disconnect:
      if (!d.empty()) p.fault = make_fault(Error::unexpected_data, base);
      break;
    case error: {
      if (d.empty()) break;
      p.fault = json_.validate(d, base);
      if (p.fault) break;
      // 5: a string or an object; 4 (socket.io-parser 3.4.3: typeof "string" or "object"): arrays and null too
      const char c0 = first_json_byte(d);
      const bool ok = c0 == '"' || c0 == '{' || (protocol == 4 && (c0 == '[' || c0 == 'n'));
      if (!ok) p.fault = make_fault(Error::bad_data, base);
      break;
    }
    case event:
    case binary_event: {
      if (d.empty()) {
        p.fault = make_fault(Error::bad_data, base);
        break;
      }
      std::vector<Span>& items = p.arg_items;
      p.fault = json_.array(d, base, items, arg_items_ ? SIZE_MAX : 1);
      if (p.fault) {
        items.clear();
        if (p.fault.code == Error::args_not_array) p.fault.code = Error::bad_data;
        break;
      }
      if (items.empty()) {
        p.fault = make_fault(Error::missing_name, base);
        break;
      }
      Span first = items.front();
      std::string_view ft = first.in(s);
      if (ft.front() == '"') {
        p.name = make_span(first.off + 1, first.len - 2);
        if (ft.find('\\') == std::string_view::npos) {
          p.name_value = p.name.in(s);
        } else {
          if (Fault f = json_.string_literal(ft, first.off, name_)) {
            p.fault = f;
            break;
          }
          p.name_value = name_;
        }
        reserved = protocol != 4 && reserved_event_name(p.name_value);
      } else if (ft.front() == '-' || (ft.front() >= '0' && ft.front() <= '9')) {
        p.name = first;
        p.name_value = ft;
      } else {
        p.fault = make_fault(Error::name_not_string, first.off);
        break;
      }
      items.erase(items.begin());
      p.args_inner = true;
      if (items.empty()) {
        size_t close = d.rfind(']');
        p.args = make_span(base + close, 0);
      } else {
        p.args = make_span(items.front().off, items.back().end() - items.front().off);
      }
      break;
    }
    case ack:
    case binary_ack:
      // An ack's id is the id it acknowledges.
      p.ack_id = p.id;
      p.ack_id_value = p.id_value;
      p.id = Span{};
      p.id_value = 0;
      p.ack = AckMode::none;
      if (d.empty()) {
        p.fault = make_fault(Error::bad_data, base);
        break;
      }
      p.args = p.data;
      p.fault = json_.array(d, base, p.arg_items, arg_items_ ? SIZE_MAX : 0);
      if (p.fault) {
        p.arg_items.clear();
        if (p.fault.code == Error::args_not_array) p.fault.code = Error::bad_data;
      }
      break;
    default:
      break;
  }
  if (!arg_items_) p.arg_items.clear();
  if (!p.fault && (p.type_code == binary_event || p.type_code == binary_ack)) {
    json_scan::placeholders(d, base, placeholders_);
  }
  if (!p.fault && !valid_utf8(s.substr(where.off))) {
    Fault f;
    utf16_units_to_bytes(s, where.off, UINT64_MAX, f);
    p.fault = f.code == Error::bad_utf8 ? f : make_fault(Error::bad_utf8, where.off);
  }
  if (!p.fault && reserved) p.fault = make_fault(Error::reserved_name, p.name.off);
}

}  // namespace sio::modern
