#include "sio/eio.hpp"

#include "sio/text.hpp"

namespace sio::eio {

namespace {
constexpr const char* kTypeNames[kTypeCount] = {"open", "close", "ping", "pong", "message", "upgrade", "noop"};

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
         c == '=' || c == '-' || c == '_';
}

void set_type(Packet& p, uint8_t code, Span span) {
  p.type_code = code;
  p.type_name = type_name(code);
  p.type = span;
}
}  // namespace

const char* type_name(unsigned code) { return code < kTypeCount ? kTypeNames[code] : nullptr; }

void decode_text(std::string_view in, Span where, uint8_t version, Packet& p) {
  p = Packet{};
  p.version = version;
  if (where.len == 0) {
    p.fault = make_fault(Error::empty, where.off);
    return;
  }
  std::string_view s = in.substr(0, where.end());
  size_t pos = where.off;
  if (s[pos] == 'b') {
    // binary data as base64: v3 "b<type><base64>", v4 "b<base64>" (always a message)
    p.binary = true;
    p.base64 = true;
    ++pos;
    if (version == 3) {
      if (pos >= s.size() || s[pos] < '0' || s[pos] > '6') {
        p.fault = make_fault(Error::bad_type, pos);
        return;
      }
      set_type(p, static_cast<uint8_t>(s[pos] - '0'), make_span(pos, 1));
      ++pos;
    } else {
      set_type(p, message, Span{});
    }
    p.data = make_span(pos, s.size() - pos);
    for (size_t i = pos; i < s.size(); ++i) {
      if (!is_base64_char(s[i])) {
        p.fault = make_fault(Error::bad_base64, i);
        return;
      }
    }
    return;
  }
  char c = s[pos];
  if (c < '0' || c > '6') {
    p.type = make_span(pos, 1);
    p.fault = make_fault(Error::bad_type, pos);
    return;
  }
  set_type(p, static_cast<uint8_t>(c - '0'), make_span(pos, 1));
  if (where.len > 1) p.data = make_span(pos + 1, where.len - 1);
  std::string_view text = s.substr(where.off);
  if (!valid_utf8(text)) {
    Fault f;
    utf16_units_to_bytes(s, where.off, UINT64_MAX, f);
    p.fault = f.code == Error::bad_utf8 ? f : make_fault(Error::bad_utf8, where.off);
  }
}

void decode_binary(std::string_view in, Span where, uint8_t version, Packet& p) {
  p = Packet{};
  p.version = version;
  p.binary = true;
  if (version == 3) {
    if (where.len == 0) {
      p.fault = make_fault(Error::empty, where.off);
      return;
    }
    unsigned char t = static_cast<unsigned char>(in[where.off]);
    p.type = make_span(where.off, 1);
    if (t >= kTypeCount) {
      p.fault = make_fault(Error::bad_type, where.off);
      return;
    }
    set_type(p, t, p.type);
    p.data = make_span(where.off + 1, where.len - 1);
    return;
  }
  set_type(p, message, Span{});
  p.data = where;
}

Fault split_payload_v3(std::string_view body, std::vector<Frame>& frames, size_t* skipped) {
  if (skipped) *skipped = 0;
  if (body.empty()) return make_fault(Error::empty, 0);
  if (body.size() >= UINT32_MAX) return make_fault(Error::too_large, 0);
  size_t pos = 0;
  while (pos < body.size()) {
    Frame f;
    size_t nd = digit_run(body, pos);
    Error e = parse_u64(body.substr(pos, nd), f.declared);
    if (e != Error::none) {
      f.fault = make_fault(e == Error::bad_id ? Error::bad_length : e, pos);
      f.packet = make_span(pos, 0);
      frames.push_back(f);
      return f.fault;
    }
    f.length = make_span(pos, nd);
    pos += nd;
    if (pos >= body.size() || body[pos] != ':') {
      f.fault = make_fault(Error::bad_frame, pos);
      f.packet = make_span(pos, 0);
      frames.push_back(f);
      return f.fault;
    }
    pos = cut_utf16_packet(body, pos + 1, f);
    if (f.fault.code == Error::zero_length) {
      // engine.io-parser 2.x decodes "0:" as nothing at all and goes on
      if (skipped) ++*skipped;
      continue;
    }
    frames.push_back(f);
    if (f.fault) return f.fault;
  }
  return {};
}

bool is_v3_binary_payload(std::string_view body) {
  return !body.empty() && (body[0] == '\x00' || body[0] == '\x01');
}

Fault split_payload_v3_binary(std::string_view body, std::vector<Frame>& frames) {
  if (body.empty()) return make_fault(Error::empty, 0);
  if (body.size() >= UINT32_MAX) return make_fault(Error::too_large, 0);
  size_t pos = 0;
  while (pos < body.size()) {
    Frame f;
    unsigned char flag = static_cast<unsigned char>(body[pos]);
    if (flag > 1) {
      f.fault = make_fault(Error::bad_frame, pos);
      f.packet = make_span(pos, body.size() - pos);
      frames.push_back(f);
      return f.fault;
    }
    f.binary = flag == 1;
    ++pos;
    size_t start = pos;
    uint64_t len = 0;
    bool overflow = false;
    while (pos < body.size() && static_cast<unsigned char>(body[pos]) != 0xFF) {
      unsigned char d = static_cast<unsigned char>(body[pos]);
      if (d > 9) {
        f.fault = make_fault(Error::bad_length, pos);
        f.packet = make_span(pos, 0);
        frames.push_back(f);
        return f.fault;
      }
      if (len > (UINT64_MAX - d) / 10) overflow = true;
      len = len * 10 + d;
      ++pos;
    }
    if (pos == start || pos >= body.size()) {
      f.fault = make_fault(pos == start ? Error::bad_length : Error::bad_frame, pos);
      f.packet = make_span(pos, 0);
      frames.push_back(f);
      return f.fault;
    }
    if (overflow) {
      f.fault = make_fault(Error::id_overflow, start);
      f.packet = make_span(pos, 0);
      frames.push_back(f);
      return f.fault;
    }
    f.length = make_span(start, pos - start);
    f.declared = len;
    ++pos;  // 0xFF
    if (len > body.size() - pos) {
      f.fault = make_fault(Error::length_past_end, start);
      f.packet = make_span(pos, body.size() - pos);
      frames.push_back(f);
      return f.fault;
    }
    f.packet = make_span(pos, static_cast<size_t>(len));
    if (len == 0) f.fault = make_fault(Error::zero_length, start);
    frames.push_back(f);
    pos += static_cast<size_t>(len);
  }
  return {};
}

Fault split_payload_v4(std::string_view body, std::vector<Frame>& frames) {
  if (body.empty()) return make_fault(Error::empty, 0);
  if (body.size() >= UINT32_MAX) return make_fault(Error::too_large, 0);
  size_t pos = 0;
  Fault first;
  while (true) {
    size_t sep = body.find('\x1e', pos);
    size_t end = sep == std::string_view::npos ? body.size() : sep;
    Frame f;
    f.packet = make_span(pos, end - pos);
    if (end == pos) {
      f.fault = make_fault(Error::empty, pos);
      if (!first) first = f.fault;
    }
    frames.push_back(f);
    if (sep == std::string_view::npos) break;
    pos = sep + 1;
  }
  return first;
}

Fault parse_open(Json& json, std::string_view in, Span where, Open& out) {
  out = Open{};
  static thread_local std::vector<Json::Member> members;
  members.clear();
  std::string_view text = where.in(in);
  Fault f = json.object(text, where.off, members);
  if (f) return f;
  for (const auto& m : members) {
    std::string_view key = m.key.in(in);
    std::string_view v = m.value.in(in);
    auto number = [&](Span& span, uint64_t& value) -> Fault {
      span = m.value;
      if (parse_u64(v, value) != Error::none) return make_fault(Error::bad_open, m.value.off);
      return {};
    };
    if (key == "sid") {
      if (v.size() < 2 || v.front() != '"') return make_fault(Error::bad_open, m.value.off);
      out.sid = make_span(m.value.off + 1, m.value.len - 2);
      out.sid_value = out.sid.in(in);
    } else if (key == "upgrades") {
      if (v.empty() || v.front() != '[') return make_fault(Error::bad_open, m.value.off);
      out.upgrades = m.value;
      std::vector<Span>& items = out.upgrade_items;
      json_scan::array_items(in.substr(0, m.value.end()), m.value.off, 0, items);
      for (Span& it : items) {
        if (it.len < 2 || in[it.off] != '"') return make_fault(Error::bad_open, it.off);
        it = make_span(it.off + 1, it.len - 2);
      }
    } else if (key == "pingInterval") {
      if (Fault nf = number(out.ping_interval, out.ping_interval_value)) return nf;
    } else if (key == "pingTimeout") {
      if (Fault nf = number(out.ping_timeout, out.ping_timeout_value)) return nf;
    } else if (key == "maxPayload") {
      if (Fault nf = number(out.max_payload, out.max_payload_value)) return nf;
    }
  }
  if (!out.sid.present()) return make_fault(Error::bad_open, where.off);
  return {};
}

}  // namespace sio::eio
