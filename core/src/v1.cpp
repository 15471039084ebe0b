#include "sio/v1.hpp"

#include "sio/text.hpp"

namespace sio::v1 {

namespace {
constexpr const char* kTypeNames[kTypeCount] = {
    "disconnect", "connect", "heartbeat", "message", "json", "event", "ack", "error", "noop",
};
constexpr const char* kReasons[] = {"transport not supported", "client not handshaken", "unauthorized"};
constexpr const char* kAdvice[] = {"reconnect"};

// U+FFFD in UTF-8.
constexpr std::string_view kMarker = "\xEF\xBF\xBD";

bool starts_with(std::string_view s, size_t pos, std::string_view p) {
  return s.size() >= pos + p.size() && s.compare(pos, p.size(), p) == 0;
}
}  // namespace

const char* type_name(unsigned code) { return code < kTypeCount ? kTypeNames[code] : nullptr; }
const char* reason_name(unsigned code) {
  return code < sizeof kReasons / sizeof kReasons[0] ? kReasons[code] : nullptr;
}
const char* advice_name(unsigned code) {
  return code < sizeof kAdvice / sizeof kAdvice[0] ? kAdvice[code] : nullptr;
}

Fault split_payload(std::string_view body, std::vector<Frame>& frames) {
  if (body.empty()) return make_fault(Error::empty, 0);
  if (body.size() >= UINT32_MAX) return make_fault(Error::too_large, 0);
  if (!starts_with(body, 0, kMarker)) {
    Frame f;
    f.packet = make_span(0, body.size());
    frames.push_back(f);
    return {};
  }
  size_t pos = 0;
  while (pos < body.size()) {
    Frame f;
    if (!starts_with(body, pos, kMarker)) {
      f.fault = make_fault(Error::bad_frame, pos);
      f.packet = make_span(pos, body.size() - pos);
      frames.push_back(f);
      return f.fault;
    }
    pos += kMarker.size();
    size_t nd = digit_run(body, pos);
    f.length = make_span(pos, nd);
    Error e = parse_u64(body.substr(pos, nd), f.declared);
    if (e != Error::none) {
      f.length = Span{};
      f.declared = 0;
      f.fault = make_fault(e == Error::bad_id ? Error::bad_length : e, pos);
      f.packet = make_span(pos + nd, 0);
      frames.push_back(f);
      return f.fault;
    }
    pos += nd;
    if (!starts_with(body, pos, kMarker)) {
      f.fault = make_fault(Error::bad_frame, pos);
      f.packet = make_span(pos, 0);
      frames.push_back(f);
      return f.fault;
    }
    pos = cut_utf16_packet(body, pos + kMarker.size(), f);
    frames.push_back(f);
    if (f.fault && f.fault.code != Error::zero_length) return f.fault;
  }
  return {};
}

Fault parse_handshake(std::string_view body, Handshake& hs) {
  hs = Handshake{};
  size_t c1 = body.find(':');
  if (c1 == std::string_view::npos || c1 == 0) return make_fault(Error::bad_handshake, 0);
  size_t c2 = body.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return make_fault(Error::bad_handshake, body.size());
  size_t c3 = body.find(':', c2 + 1);
  if (c3 == std::string_view::npos) return make_fault(Error::bad_handshake, body.size());
  hs.sid = make_span(0, c1);
  hs.heartbeat = make_span(c1 + 1, c2 - c1 - 1);
  hs.close = make_span(c2 + 1, c3 - c2 - 1);
  size_t tend = body.size();
  while (tend > c3 + 1 && (body[tend - 1] == '\n' || body[tend - 1] == '\r')) --tend;
  hs.transports = make_span(c3 + 1, tend - c3 - 1);
  uint64_t v = 0;
  if (hs.heartbeat.len) {
    Error e = parse_u64(hs.heartbeat.in(body), v);
    if (e != Error::none || v > UINT32_MAX) return make_fault(Error::bad_handshake, hs.heartbeat.off);
    hs.heartbeat_value = static_cast<uint32_t>(v);
  }
  if (hs.close.len) {
    Error e = parse_u64(hs.close.in(body), v);
    if (e != Error::none || v > UINT32_MAX) return make_fault(Error::bad_handshake, hs.close.off);
    hs.close_value = static_cast<uint32_t>(v);
  }
  size_t pos = hs.transports.off;
  while (pos < tend) {
    size_t comma = body.find(',', pos);
    if (comma == std::string_view::npos || comma > tend) comma = tend;
    if (comma == pos) return make_fault(Error::bad_handshake, pos);
    hs.transport_items.push_back(make_span(pos, comma - pos));
    pos = comma + 1;
  }
  if (hs.transport_items.empty()) return make_fault(Error::bad_handshake, hs.transports.off);
  return {};
}

void Decoder::packet(std::string_view body, Span where, Packet& p) {
  p.clear();
  p.version = kVersion;
  const size_t start = where.off;
  const size_t end = where.end();
  if (where.len == 0) {
    p.fault = make_fault(Error::empty, start);
    return;
  }
  std::string_view s = body.substr(0, end);  // never look past this packet

  // type
  size_t pos = start;
  p.type = make_span(pos, 1);
  unsigned char tc = static_cast<unsigned char>(s[pos]);
  if (tc < '0' || tc > '8' || (pos + 1 < end && s[pos + 1] >= '0' && s[pos + 1] <= '9')) {
    p.type = make_span(pos, digit_run(s, pos) ? digit_run(s, pos) : 1);
    p.fault = make_fault(Error::bad_type, pos);
    return;
  }
  p.type_code = static_cast<uint8_t>(tc - '0');
  p.type_name = type_name(p.type_code);
  ++pos;
  if (pos == end) {
    // A bare "0" is a disconnect of the whole socket.
    if (p.type_code != disconnect) p.fault = make_fault(Error::missing_separator, pos);
    return;
  }
  if (s[pos] != ':') {
    p.fault = make_fault(Error::missing_separator, pos);
    return;
  }
  ++pos;

  // id and ack marker
  size_t nd = digit_run(s, pos);
  if (nd) {
    p.id = make_span(pos, nd);
    Error e = parse_u64(s.substr(pos, nd), p.id_value);
    if (e != Error::none) {
      p.id = Span{};
      p.fault = make_fault(e, pos);
      return;
    }
    p.ack = AckMode::auto_;
    pos += nd;
  }
  if (pos < end && s[pos] == '+') {
    p.ack_marker = make_span(pos, 1);
    if (!nd) {
      p.fault = make_fault(Error::ack_without_id, pos);
      return;
    }
    p.ack = AckMode::data;
    ++pos;
  }
  if (pos == end || s[pos] != ':') {
    p.fault = make_fault(pos == end ? Error::missing_separator : Error::bad_id, pos);
    return;
  }
  ++pos;

  // endpoint, up to the next ':'
  size_t colon = s.find(':', pos);
  size_t ep_end = colon == std::string_view::npos ? end : colon;
  p.endpoint = make_span(pos, ep_end - pos);
  if (p.type_code == connect) {
    size_t q = s.substr(0, ep_end).find('?', pos);
    if (q != std::string_view::npos) {
      p.endpoint = make_span(pos, q - pos);
      p.qs = make_span(q + 1, ep_end - q - 1);
    }
  }
  if (colon != std::string_view::npos) p.data = make_span(colon + 1, end - colon - 1);
  data(s, p);
  if (!p.fault && !valid_utf8(s.substr(start, end - start))) {
    Fault f;
    utf16_units_to_bytes(s, start, UINT64_MAX, f);
    p.fault = f.code == Error::bad_utf8 ? f : make_fault(Error::bad_utf8, start);
  }
}

void Decoder::data(std::string_view s, Packet& p) {
  const std::string_view d = p.data.in(s);
  const uint32_t base = static_cast<uint32_t>(p.data.present() ? p.data.off : s.size());
  switch (p.type_code) {
    case disconnect:
    case heartbeat:
    case noop:
      if (!d.empty()) p.fault = make_fault(Error::unexpected_data, base);
      break;
    case connect:
      if (!d.empty()) {
        // "1::/chat:?a=b" — the query string as the data part
        p.qs = d[0] == '?' ? make_span(base + 1, d.size() - 1) : p.data;
      }
      break;
    case message:
      break;
    case json:
      p.fault = json_.validate(d, base);
      break;
    case event: {
      ev_ = Json::Event{};
      p.fault = json_.event_object(d, base, ev_, p.arg_items);
      p.name = ev_.name;
      p.name_value = ev_.name_value;
      p.args = ev_.args;
      break;
    }
    case ack: {
      size_t nd = digit_run(d, 0);
      if (!nd) {
        p.fault = make_fault(Error::bad_ack_id, base);
        break;
      }
      p.ack_id = make_span(base, nd);
      Error e = parse_u64(d.substr(0, nd), p.ack_id_value);
      if (e != Error::none) {
        p.ack_id = Span{};
        p.fault = make_fault(e, base);
        break;
      }
      if (nd == d.size()) break;
      if (d[nd] != '+') {
        p.fault = make_fault(Error::bad_ack_id, base + nd);
        break;
      }
      p.args = make_span(base + nd + 1, d.size() - nd - 1);
      p.fault = json_.array(p.args.in(s), p.args.off, p.arg_items);
      break;
    }
    case error: {
      size_t plus = d.find('+');
      std::string_view r = d.substr(0, plus);
      uint64_t v = 0;
      if (!r.empty()) {
        if (parse_u64(r, v) != Error::none || v > UINT32_MAX) {
          p.fault = make_fault(Error::bad_error_code, base);
          break;
        }
        p.reason = make_span(base, r.size());
        p.reason_value = static_cast<uint32_t>(v);
      }
      if (plus != std::string_view::npos) {
        std::string_view a = d.substr(plus + 1);
        if (parse_u64(a, v) != Error::none || v > UINT32_MAX) {
          p.fault = make_fault(Error::bad_error_code, base + plus + 1);
          break;
        }
        p.advice = make_span(base + plus + 1, a.size());
        p.advice_value = static_cast<uint32_t>(v);
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace sio::v1
