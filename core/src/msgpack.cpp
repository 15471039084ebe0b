#include "sio/msgpack.hpp"

#include <msgpack.h>

#include <charconv>
#include <cmath>

#include "sio/modern.hpp"
#include "sio/text.hpp"

namespace sio::msgpack {

struct Decoder::Impl {
  msgpack_unpacked up;
  Impl() { msgpack_unpacked_init(&up); }
  ~Impl() { msgpack_unpacked_destroy(&up); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

namespace {

enum class Kind : uint8_t { scalar, map, array };

// A map or array header: the only MessagePack read here without msgpack-c, to
// step into containers one element at a time.
struct Header {
  Kind kind = Kind::scalar;
  uint32_t count = 0;
  uint32_t size = 0;  // header bytes
  bool cut = false;   // the header itself runs past the end
};

Header container_header(const unsigned char* d, size_t pos, size_t end) {
  const unsigned b = d[pos];
  Header h;
  if (b >= 0x80 && b <= 0x9f) {
    h.kind = b <= 0x8f ? Kind::map : Kind::array;
    h.count = b & 0x0f;
    h.size = 1;
  } else if (b == 0xde || b == 0xdc) {
    h.kind = b == 0xde ? Kind::map : Kind::array;
    h.size = 3;
    if (end - pos < 3) {
      h.cut = true;
    } else {
      h.count = static_cast<uint32_t>(d[pos + 1]) << 8 | d[pos + 2];
    }
  } else if (b == 0xdf || b == 0xdd) {
    h.kind = b == 0xdf ? Kind::map : Kind::array;
    h.size = 5;
    if (end - pos < 5) {
      h.cut = true;
    } else {
      h.count = static_cast<uint32_t>(d[pos + 1]) << 24 | static_cast<uint32_t>(d[pos + 2]) << 16 |
                static_cast<uint32_t>(d[pos + 3]) << 8 | d[pos + 4];
    }
  }
  return h;
}

bool is_undefined(const msgpack_object& o) {
  return o.type == MSGPACK_OBJECT_EXT && o.via.ext.type == 0 && o.via.ext.size == 1 && o.via.ext.ptr[0] == 0;
}

void put_base64(std::string& out, const unsigned char* p, size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = static_cast<uint32_t>(p[i]) << 16 | static_cast<uint32_t>(p[i + 1]) << 8 | p[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = static_cast<uint32_t>(p[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (n - i == 2) {
    uint32_t v = static_cast<uint32_t>(p[i]) << 16 | static_cast<uint32_t>(p[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
}

// Length of the valid UTF-8 sequence at p[0..n) (n > 0, p[0] >= 0x80), 0 when invalid.
size_t utf8_sequence(const unsigned char* p, size_t n) {
  const unsigned b = p[0];
  size_t len;
  uint32_t cp;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    cp = b & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (p[i] & 0x3F);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return len;
}

void put_string(std::string& out, const char* s, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  out += '"';
  size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c >= 0x80) {
      size_t len = utf8_sequence(p + i, n - i);
      if (len) {
        out.append(s + i, len);
        i += len;
      } else {
        out += "\\ufffd";
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

template <typename T>
void put_number(std::string& out, T v) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Text of a number/true/false/null scalar; false for the other kinds.
bool put_plain(std::string& out, const msgpack_object& o) {
  switch (o.type) {
    case MSGPACK_OBJECT_NIL: out += "null"; return true;
    case MSGPACK_OBJECT_BOOLEAN: out += o.via.boolean ? "true" : "false"; return true;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: put_number(out, o.via.u64); return true;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: put_number(out, o.via.i64); return true;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
      if (!std::isfinite(o.via.f64)) {
        out += "null";
      } else if (o.type == MSGPACK_OBJECT_FLOAT32) {
        put_number(out, static_cast<float>(o.via.f64));
      } else {
        put_number(out, o.via.f64);
      }
      return true;
    default: return false;
  }
}

// Walks one MessagePack value: scalars through msgpack-c, maps and arrays by
// their headers; optionally renders JSON and records bin values and the
// elements of one array (the packet's data).
struct Walker {
  const char* data = nullptr;  // the whole input
  size_t end = 0;              // end of the packet
  msgpack_unpacked* up = nullptr;
  std::string* out = nullptr;            // JSON text, when wanted
  std::vector<Binary>* bins = nullptr;   // bin values, when wanted
  std::vector<Span>* items = nullptr;    // elements of the array at depth record_depth
  std::vector<Span>* item_text = nullptr;
  size_t record_depth = SIZE_MAX;
  int32_t item = -1;
  Fault fault;

  bool fail(Error e, size_t at) {
    fault = make_fault(e, at);
    return false;
  }

  // One scalar at pos (not a map or array), through msgpack-c.
  bool scalar(size_t& pos, msgpack_object& o) {
    size_t off = pos;
    msgpack_unpack_return r = msgpack_unpack_next(up, data, end, &off);
    if (r == MSGPACK_UNPACK_SUCCESS || r == MSGPACK_UNPACK_EXTRA_BYTES) {
      o = up->data;
      if (o.type == MSGPACK_OBJECT_ARRAY || o.type == MSGPACK_OBJECT_MAP || off <= pos || off > end)
        return fail(Error::bad_msgpack, pos);
      pos = off;
      return true;
    }
    if (r == MSGPACK_UNPACK_CONTINUE) return fail(Error::msgpack_truncated, pos);
    if (r == MSGPACK_UNPACK_PARSE_ERROR) return fail(Error::bad_msgpack, pos);
    return fail(Error::too_large, pos);
  }

  // The value at pos, with `depth` maps/arrays around it; pos moves past it.
  bool value(size_t& pos, size_t depth) {
    if (pos >= end) return fail(Error::msgpack_truncated, pos);
    const size_t start = pos;
    Header h = container_header(reinterpret_cast<const unsigned char*>(data), pos, end);
    if (h.kind == Kind::scalar) {
      msgpack_object o;
      if (!scalar(pos, o)) return false;
      put_scalar(o, start, pos);
      return true;
    }
    if (h.cut) return fail(Error::msgpack_truncated, pos);
    if (depth + 1 > kMaxDepth) return fail(Error::msgpack_too_deep, pos);
    const uint64_t least = h.kind == Kind::map ? 2 * uint64_t{h.count} : h.count;  // a byte per element at least
    if (least > end - pos - h.size) return fail(Error::length_past_end, pos);
    pos += h.size;
    if (h.kind == Kind::array) {
      const bool record = items && depth == record_depth;
      if (out) *out += '[';
      for (uint32_t i = 0; i < h.count; ++i) {
        if (out && i) *out += ',';
        const size_t item_start = pos;
        const size_t text_start = out ? out->size() : 0;
        if (record) item = static_cast<int32_t>(i);
        if (!value(pos, depth + 1)) return false;
        if (record) {
          items->push_back(make_span(item_start, pos - item_start));
          if (item_text) item_text->push_back(make_span(text_start, out ? out->size() - text_start : 0));
        }
      }
      if (record) item = -1;
      if (out) *out += ']';
      return true;
    }
    if (out) *out += '{';
    for (uint32_t i = 0; i < h.count; ++i) {
      if (out && i) *out += ',';
      if (!key(pos, depth + 1)) return false;
      if (out) *out += ':';
      if (!value(pos, depth + 1)) return false;
    }
    if (out) *out += '}';
    return true;
  }

  // A map key, rendered as a JSON string (see msgpack.hpp).
  bool key(size_t& pos, size_t depth) {
    if (pos >= end) return fail(Error::msgpack_truncated, pos);
    Header h = container_header(reinterpret_cast<const unsigned char*>(data), pos, end);
    if (h.kind != Kind::scalar) {
      std::string* saved = out;
      out = nullptr;
      bool ok = value(pos, depth);
      out = saved;
      if (ok && out) *out += h.kind == Kind::map ? "\"[map]\"" : "\"[array]\"";
      return ok;
    }
    const size_t start = pos;
    msgpack_object o;
    if (!scalar(pos, o)) return false;
    if (o.type == MSGPACK_OBJECT_STR || !out) {
      put_scalar(o, start, pos);
      return true;
    }
    if (o.type == MSGPACK_OBJECT_BIN) {
      std::string* saved = out;
      out = nullptr;
      put_scalar(o, start, pos);  // recorded as a binary, not rendered
      out = saved;
      *out += "\"[binary]\"";
    } else if (o.type == MSGPACK_OBJECT_EXT) {
      *out += "\"[ext]\"";
    } else {
      *out += '"';
      put_plain(*out, o);
      *out += '"';
    }
    return true;
  }

  void put_scalar(const msgpack_object& o, size_t start, size_t stop) {
    if (o.type == MSGPACK_OBJECT_BIN && bins) {
      Binary b;
      // the bytes end the value (msgpack-c points an empty one at its header)
      b.bytes = make_span(stop - o.via.bin.size, o.via.bin.size);
      b.value = make_span(start, stop - start);
      b.arg = item;
      bins->push_back(b);
    }
    if (!out) return;
    std::string& s = *out;
    if (put_plain(s, o)) return;
    switch (o.type) {
      case MSGPACK_OBJECT_STR: put_string(s, o.via.str.ptr, o.via.str.size); break;
      case MSGPACK_OBJECT_BIN:
        s += "{\"_binary\":\"";
        put_base64(s, reinterpret_cast<const unsigned char*>(o.via.bin.ptr), o.via.bin.size);
        s += "\"}";
        break;
      case MSGPACK_OBJECT_EXT:
        if (is_undefined(o)) {
          s += "{\"_undefined\":true}";
        } else {
          s += "{\"_ext\":";
          put_number(s, static_cast<int>(o.via.ext.type));
          s += ",\"_data\":\"";
          put_base64(s, reinterpret_cast<const unsigned char*>(o.via.ext.ptr), o.via.ext.size);
          s += "\"}";
        }
        break;
      default: s += "null"; break;
    }
  }
};

// What a top-level member's value is, for the checks of the packet fields.
struct Scalar {
  Kind kind = Kind::scalar;
  msgpack_object o{};
};

}  // namespace

Decoder::Decoder() : impl_(std::make_unique<Impl>()) {}
Decoder::~Decoder() = default;

std::string_view Decoder::arg_json(size_t i) const {
  size_t k = i + arg_offset_;
  if (!json_on_ || k >= item_text_.size()) return {};
  return item_text_[k].in(data_json_);
}

bool Decoder::is_packet(std::string_view in, Span where) {
  const bool saved = json_on_;
  json_on_ = false;
  packet(in, where, scratch_);
  json_on_ = saved;
  return scratch_.type_name != nullptr && scratch_.endpoint.present();
}

void Decoder::packet(std::string_view in, Span where, Packet& p) {
  p.clear();
  p.version = 5;
  members_.clear();
  binaries_.clear();
  data_json_.clear();
  args_json_.clear();
  item_text_.clear();
  arg_offset_ = 0;
  if (where.len == 0 || where.end() > in.size()) {
    p.fault = make_fault(where.len == 0 ? Error::empty : Error::length_past_end, where.off);
    return;
  }
  const size_t end = where.end();
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  size_t pos = where.off;

  Walker w;
  w.data = in.data();
  w.end = end;
  w.up = &impl_->up;

  Header h = container_header(bytes, pos, end);
  if (h.kind != Kind::map) {
    p.fault = make_fault(bytes[pos] == 0xc1 ? Error::bad_msgpack : Error::not_map, pos);
    return;
  }
  if (h.cut) {
    p.fault = make_fault(Error::msgpack_truncated, pos);
    return;
  }
  if (2 * uint64_t{h.count} > end - pos - h.size) {
    p.fault = make_fault(Error::length_past_end, pos);
    return;
  }
  pos += h.size;

  Span type_v, nsp_v, data_v, id_v;
  for (uint32_t i = 0; i < h.count; ++i) {
    Member m;
    if (pos >= end) {
      w.fail(Error::msgpack_truncated, pos);
      break;
    }
    Header kh = container_header(bytes, pos, end);
    if (kh.kind != Kind::scalar) {
      if (!w.value(pos, 1)) break;
    } else {
      msgpack_object o;
      if (!w.scalar(pos, o)) break;
      if (o.type == MSGPACK_OBJECT_STR)
        m.key = make_span(pos - o.via.str.size, o.via.str.size);
    }
    const std::string_view key = m.key.in(in);
    const bool is_data = key == "data";
    if (is_data) {
      data_json_.clear();
      binaries_.clear();
      p.arg_items.clear();
      item_text_.clear();
      w.out = json_on_ ? &data_json_ : nullptr;
      w.bins = &binaries_;
      w.items = &p.arg_items;
      w.item_text = &item_text_;
      w.record_depth = 1;
    }
    const size_t vstart = pos;
    const bool ok = w.value(pos, 1);
    w.out = nullptr;
    w.bins = nullptr;
    w.items = nullptr;
    w.item_text = nullptr;
    w.record_depth = SIZE_MAX;
    if (!ok) {
      if (is_data) data_v = Span{};
      break;
    }
    m.value = make_span(vstart, pos - vstart);
    members_.push_back(m);
    if (key == "type") type_v = m.value;
    else if (key == "nsp") nsp_v = m.value;
    else if (is_data) data_v = m.value;
    else if (key == "id") id_v = m.value;
  }
  p.fault = w.fault;
  if (!p.fault && pos != end) p.fault = make_fault(Error::trailing_data, pos);
  if (!data_v.present()) {
    data_json_.clear();
    binaries_.clear();
    p.arg_items.clear();
    item_text_.clear();
  }
  const bool cut = static_cast<bool>(p.fault);
  auto set = [&](Error e, size_t at) {
    if (!p.fault) p.fault = make_fault(e, at);
  };
  // A member's value as a scalar (msgpack-c's object), or the kind of container.
  auto scalar_at = [&](Span v) {
    Scalar s;
    s.kind = container_header(bytes, v.off, end).kind;
    if (s.kind == Kind::scalar) {
      size_t off = v.off;
      Walker sw;
      sw.data = in.data();
      sw.end = end;
      sw.up = &impl_->up;
      if (!sw.scalar(off, s.o)) s.o.type = MSGPACK_OBJECT_NIL;  // cannot happen: walked already
    }
    return s;
  };
  auto drop_data = [&] {
    p.arg_items.clear();
    item_text_.clear();
    for (Binary& b : binaries_) b.arg = -1;
  };

  // type
  bool type_ok = false;
  if (type_v.present()) {
    Scalar s = scalar_at(type_v);
    if (s.kind == Kind::scalar && s.o.type == MSGPACK_OBJECT_POSITIVE_INTEGER && s.o.via.u64 < modern::kTypeCount) {
      p.type = type_v;
      p.type_code = static_cast<uint8_t>(s.o.via.u64);
      p.type_name = modern::type_name(p.type_code, 5);
      type_ok = true;
    } else {
      set(s.kind == Kind::scalar && s.o.type == MSGPACK_OBJECT_EXT ? Error::ext_value : Error::bad_type, type_v.off);
    }
  } else if (!cut) {
    set(Error::missing_field, where.off);
  }
  // nsp
  if (nsp_v.present()) {
    Scalar s = scalar_at(nsp_v);
    if (s.kind == Kind::scalar && s.o.type == MSGPACK_OBJECT_STR) {
      p.endpoint = make_span(nsp_v.end() - s.o.via.str.size, s.o.via.str.size);
      if (!valid_utf8(p.endpoint.in(in))) set(Error::bad_utf8, p.endpoint.off);
    } else {
      set(s.kind == Kind::scalar && s.o.type == MSGPACK_OBJECT_EXT ? Error::ext_value : Error::bad_field, nsp_v.off);
    }
  } else if (!cut) {
    set(Error::missing_field, where.off);
  }
  if (!type_ok) {
    drop_data();
    binaries_.clear();
    data_json_.clear();
    return;
  }
  // id
  if (id_v.present()) {
    Scalar s = scalar_at(id_v);
    if (s.kind == Kind::scalar && s.o.type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
      p.id = id_v;
      p.id_value = s.o.via.u64;
      p.ack = AckMode::data;
    } else if (s.kind == Kind::scalar && s.o.type == MSGPACK_OBJECT_EXT) {
      if (!is_undefined(s.o)) set(Error::ext_value, id_v.off);
    } else {
      set(Error::bad_field, id_v.off);
    }
  }
  // data
  enum class D { none, nil, map, array, str, ext, other } dk = D::none;
  if (data_v.present()) {
    Scalar s = scalar_at(data_v);
    if (s.kind == Kind::map) dk = D::map;
    else if (s.kind == Kind::array) dk = D::array;
    else if (s.o.type == MSGPACK_OBJECT_NIL) dk = D::nil;
    else if (s.o.type == MSGPACK_OBJECT_STR) dk = D::str;
    else if (s.o.type == MSGPACK_OBJECT_EXT) dk = is_undefined(s.o) ? D::none : D::ext;
    else dk = D::other;
  }
  if (dk == D::none) {
    data_v = Span{};
    data_json_.clear();
  }
  p.data = data_v;
  const size_t data_at = data_v.present() ? data_v.off : where.off;
  switch (p.type_code) {
    case modern::connect:
      drop_data();
      if (dk == D::ext) set(Error::ext_value, data_at);
      else if (dk != D::none && dk != D::nil && dk != D::map) set(Error::bad_data, data_at);
      break;
    case modern::disconnect:
      drop_data();
      if (dk == D::ext) set(Error::ext_value, data_at);
      else if (dk != D::none && dk != D::nil) set(Error::unexpected_data, data_at);
      break;
    case modern::error:
      drop_data();
      if (dk == D::ext) set(Error::ext_value, data_at);
      else if (dk != D::none && dk != D::str && dk != D::map) set(Error::bad_data, data_at);
      break;
    case modern::event:
    case modern::binary_event: {
      if (dk != D::array) {
        drop_data();
        set(dk == D::ext ? Error::ext_value : Error::bad_data, data_at);
        break;
      }
      if (p.arg_items.empty()) {
        drop_data();
        set(Error::missing_name, data_at);
        break;
      }
      const Span first = p.arg_items.front();
      Scalar n = scalar_at(first);
      if (n.kind != Kind::scalar || n.o.type != MSGPACK_OBJECT_STR) {
        drop_data();
        set(Error::name_not_string, first.off);
        break;
      }
      p.name = make_span(first.end() - n.o.via.str.size, n.o.via.str.size);
      p.name_value = p.name.in(in);
      if (!valid_utf8(p.name_value)) set(Error::bad_utf8, p.name.off);
      p.arg_items.erase(p.arg_items.begin());
      arg_offset_ = 1;
      for (Binary& b : binaries_) b.arg = b.arg > 0 ? b.arg - 1 : -1;
      p.args_inner = true;
      p.args = p.arg_items.empty() ? make_span(data_v.end(), 0)
                                   : make_span(p.arg_items.front().off,
                                               p.arg_items.back().end() - p.arg_items.front().off);
      break;
    }
    case modern::ack:
    case modern::binary_ack:
      p.ack_id = p.id;
      p.ack_id_value = p.id_value;
      p.id = Span{};
      p.id_value = 0;
      p.ack = AckMode::none;
      if (dk != D::array) {
        drop_data();
        set(dk == D::ext ? Error::ext_value : Error::bad_data, data_at);
        break;
      }
      p.args = data_v;
      break;
    default:
      break;
  }
  if (json_on_ && (p.args.present())) {
    args_json_ += '[';
    for (size_t i = arg_offset_; i < item_text_.size(); ++i) {
      if (i > arg_offset_) args_json_ += ',';
      args_json_ += item_text_[i].in(data_json_);
    }
    args_json_ += ']';
  }
}

}  // namespace sio::msgpack
