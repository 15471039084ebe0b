#include "sio/json.hpp"

#include <simdjson.h>

#include <cstring>

namespace sio {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Value of the 4 hex digits at t[i, i+4), or 0x10000 when they are not 4 hex digits.
unsigned hex4(const char* t, size_t i, size_t n) {
  if (i + 4 > n) return 0x10000;
  unsigned v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    char c = t[k];
    unsigned d = is_digit(c) ? static_cast<unsigned>(c - '0')
                 : (c >= 'a' && c <= 'f') ? static_cast<unsigned>(c - 'a' + 10)
                 : (c >= 'A' && c <= 'F') ? static_cast<unsigned>(c - 'A' + 10)
                                          : 16u;
    if (d > 15) return 0x10000;
    v = v * 16 + d;
  }
  return v;
}

// Whether t[0, n) is a JSON number (RFC 8259 grammar); `big` tells whether its
// value may lie beyond what simdjson takes (a 64-bit integer, a finite double).
bool json_number(const char* t, size_t n, bool& big) {
  size_t i = 0;
  if (i < n && t[i] == '-') ++i;
  if (i >= n) return false;
  size_t int_start = i;
  if (t[i] == '0') {
    ++i;
  } else if (t[i] >= '1' && t[i] <= '9') {
    while (i < n && is_digit(t[i])) ++i;
  } else {
    return false;
  }
  size_t int_digits = i - int_start;
  bool frac_or_exp = false;
  if (i < n && t[i] == '.') {
    size_t d = ++i;
    while (i < n && is_digit(t[i])) ++i;
    if (i == d) return false;
    frac_or_exp = true;
  }
  bool exp = false;
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    size_t d = i;
    while (i < n && is_digit(t[i])) ++i;
    if (i == d) return false;
    exp = frac_or_exp = true;
  }
  big = exp || (!frac_or_exp && int_digits >= 19) || n > 300;
  return i == n;
}

// JSON that JSON.parse and Python's json module take but simdjson refuses:
// numbers beyond a 64-bit integer or a double (JavaScript rounds them, to
// Infinity at worst; Python keeps big integers) and \u escapes of unpaired
// UTF-16 surrogates (JavaScript strings hold them, JSON.stringify writes them
// so). Rewritten in place with the length kept, so that the byte offsets stay:
// such a number becomes "0" and spaces (the library never reads a number's
// value from the DOM), an unpaired surrogate \ufffd (U+FFFD, as a UTF-8
// encoder writes one). Everything else is left for simdjson to judge. Returns
// whether anything changed.
bool relax(char* t, size_t n) {
  bool changed = false;
  size_t i = 0;
  while (i < n) {
    char c = t[i];
    if (c == '"') {
      ++i;
      while (i < n && t[i] != '"') {
        if (t[i] != '\\') {
          ++i;
          continue;
        }
        if (i + 1 < n && t[i + 1] == 'u') {
          unsigned u = hex4(t, i + 2, n);
          if (u >= 0xD800 && u <= 0xDFFF) {
            unsigned lo = (u <= 0xDBFF && i + 8 <= n && t[i + 6] == '\\' && t[i + 7] == 'u') ? hex4(t, i + 8, n)
                                                                                              : 0x10000;
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              i += 12;  // a pair
              continue;
            }
            std::memcpy(t + i + 2, "fffd", 4);
            changed = true;
          }
          i += u <= 0xFFFF ? 6 : 2;
          continue;
        }
        i += 2;  // any other escape: the escaped byte is not a quote that ends the string
      }
      ++i;
      continue;
    }
    if (c == '-' || is_digit(c)) {
      size_t j = i;
      while (j < n && (is_digit(t[j]) || t[j] == '-' || t[j] == '+' || t[j] == '.' || t[j] == 'e' || t[j] == 'E')) ++j;
      bool big = false;
      if (json_number(t + i, j - i, big) && big) {
        t[i] = '0';
        std::memset(t + i + 1, ' ', j - i - 1);
        changed = true;
      }
      i = j;
      continue;
    }
    ++i;
  }
  return changed;
}

}  // namespace

struct Json::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // input copy with simdjson's padding; capacity reused

  Impl() {
    // Failure here only means the first parse allocates instead.
    simdjson::error_code err = parser.allocate(4096, Json::kMaxDepth);
    (void)err;
  }

  // Parses `text` as one document. On failure returns a fault at the best offset known.
  simdjson::error_code parse(std::string_view text, simdjson::dom::element& out) {
    if (text.size() + simdjson::SIMDJSON_PADDING > padded.size()) {
      padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    }
    if (!text.empty()) std::memcpy(padded.data(), text.data(), text.size());
    std::memset(padded.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    if (parser.capacity() < text.size()) {
      if (auto err = parser.allocate(text.size(), Json::kMaxDepth)) return err;
    }
    simdjson::error_code err = parser.parse(padded.data(), text.size(), false).get(out);
    if (err && err != simdjson::UTF8_ERROR && err != simdjson::DEPTH_ERROR && err != simdjson::CAPACITY &&
        err != simdjson::MEMALLOC) {
      // What the reference parsers take but simdjson does not (a number or string
      // error; the code differs between simdjson versions): retry once on the
      // relaxed copy when it differs; a document still refused keeps the first verdict.
      if (relax(padded.data(), text.size()) && !parser.parse(padded.data(), text.size(), false).get(out)) {
        return simdjson::SUCCESS;
      }
    }
    return err;
  }
};

namespace {

Error map_error(simdjson::error_code err) {
  switch (err) {
    case simdjson::UTF8_ERROR:
      return Error::bad_utf8;
    case simdjson::DEPTH_ERROR:
      return Error::too_deep;
    case simdjson::CAPACITY:
    case simdjson::MEMALLOC:
      return Error::too_large;
    default:
      return Error::bad_json;
  }
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Whether text ends inside an open array or object (strings skipped), as a
// message cut short does. Only asked after a parse failed.
bool ends_open(std::string_view t) {
  size_t depth = 0;
  for (size_t pos = 0; pos < t.size(); ++pos) {
    char c = t[pos];
    if (c == '"') {
      for (++pos; pos < t.size() && t[pos] != '"'; ++pos) {
        if (t[pos] == '\\') ++pos;
      }
      if (pos >= t.size()) return depth > 0;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (depth == 0) return false;
      --depth;
    }
  }
  return depth > 0;
}

// The fault of a failed parse of `text`, which starts at input offset `base`.
Fault parse_fault(simdjson::error_code err, std::string_view text, uint32_t base) {
  Error e = map_error(err);
  if (e == Error::bad_json && ends_open(text)) {
    return make_fault(Error::json_truncated, base + text.size());
  }
  return make_fault(e, base);
}

}  // namespace

namespace json_scan {

size_t skip_ws(std::string_view t, size_t pos) {
  while (pos < t.size() && is_ws(t[pos])) ++pos;
  return pos;
}

// One past the closing quote of the string whose opening quote is at `pos`.
// Most payload bytes are string contents: memchr skips them.
size_t string_end(std::string_view t, size_t pos) {
  const char* base = t.data();
  size_t i = pos + 1;
  while (i < t.size()) {
    const void* q = std::memchr(base + i, '"', t.size() - i);
    if (!q) return t.size();
    size_t at = static_cast<size_t>(static_cast<const char*>(q) - base);
    size_t bs = 0;  // an odd run of backslashes before the quote escapes it
    while (at - bs > pos + 1 && base[at - bs - 1] == '\\') ++bs;
    if (bs % 2 == 0) return at + 1;
    i = at + 1;
  }
  return t.size();
}

size_t value_end(std::string_view t, size_t pos) {
  size_t depth = 0;
  while (pos < t.size()) {
    char c = t[pos];
    if (c == '"') {
      pos = string_end(t, pos);
      if (depth == 0) return pos;
      continue;
    }
    if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (depth == 0) return pos;  // end of an enclosing container
      if (--depth == 0) return pos + 1;
    } else if (depth == 0 && (c == ',' || is_ws(c))) {
      return pos;  // end of a scalar
    }
    ++pos;
  }
  return t.size();
}

size_t array_items(std::string_view t, size_t pos, uint32_t base, std::vector<Span>& items, size_t max_items) {
  // t[pos] == '['
  pos = skip_ws(t, pos + 1);
  if (pos < t.size() && t[pos] == ']') return pos + 1;
  for (size_t n = 0; pos < t.size(); ++n) {
    if (n == max_items) {
      // the rest at once: up to the last value byte before the closing ']'
      size_t close = t.find_last_not_of(" \t\n\r");
      size_t end = close == std::string_view::npos || close <= pos ? pos : close;
      while (end > pos && is_ws(t[end - 1])) --end;
      items.push_back(make_span(base + pos, end - pos));
      return close == std::string_view::npos ? t.size() : close + 1;
    }
    size_t end = value_end(t, pos);
    items.push_back(make_span(base + pos, end - pos));
    pos = skip_ws(t, end);
    if (pos >= t.size() || t[pos] != ',') return pos < t.size() ? pos + 1 : pos;
    pos = skip_ws(t, pos + 1);
  }
  return pos;
}

void object_members(std::string_view t, size_t pos, uint32_t base, std::vector<Json::Member>& members) {
  pos = skip_ws(t, pos + 1);
  while (pos < t.size() && t[pos] == '"') {
    size_t key_end = value_end(t, pos);
    Json::Member m;
    m.key = make_span(base + pos + 1, key_end - pos - 2);
    pos = skip_ws(t, key_end);
    pos = skip_ws(t, pos + 1);  // ':'
    size_t vend = value_end(t, pos);
    m.value = make_span(base + pos, vend - pos);
    members.push_back(m);
    pos = skip_ws(t, vend);
    if (pos >= t.size() || t[pos] != ',') return;
    pos = skip_ws(t, pos + 1);
  }
}

void placeholders(std::string_view t, uint32_t base, std::vector<Placeholder>& out) {
  static thread_local std::vector<Json::Member> members;
  size_t pos = 0;
  while (pos < t.size()) {
    char c = t[pos];
    if (c == '"') {
      pos = value_end(t, pos);
      continue;
    }
    if (c != '{') {
      ++pos;
      continue;
    }
    size_t end = value_end(t, pos);
    members.clear();
    object_members(t, pos, 0, members);
    bool flag = false, has_num = false;
    uint32_t num = 0;
    bool other = false;
    for (const auto& m : members) {
      std::string_view k = m.key.in(t), v = m.value.in(t);
      if (k == "_placeholder" && v == "true") {
        flag = true;
      } else if (k == "num" && !v.empty() && v.size() <= 9 && v.find_first_not_of("0123456789") == v.npos) {
        has_num = true;
        num = 0;
        for (char d : v) num = num * 10 + static_cast<uint32_t>(d - '0');
      } else {
        other = true;
      }
    }
    if (flag && has_num && !other) {
      out.push_back(Placeholder{make_span(base + pos, end - pos), num});
      pos = end;
    } else {
      ++pos;
    }
  }
}

}  // namespace json_scan

Json::Json() : impl_(std::make_unique<Impl>()) {}
Json::~Json() = default;

Fault Json::validate(std::string_view text, uint32_t base) {
  if (text.size() >= UINT32_MAX - simdjson::SIMDJSON_PADDING) return make_fault(Error::too_large, base);
  simdjson::dom::element el;
  if (auto err = impl_->parse(text, el)) return parse_fault(err, text, base);
  return {};
}

Fault Json::array(std::string_view text, uint32_t base, std::vector<Span>& items, size_t max_items) {
  simdjson::dom::element el;
  if (auto err = impl_->parse(text, el)) return parse_fault(err, text, base);
  if (!el.is_array()) return make_fault(Error::args_not_array, base);
  json_scan::array_items(text, json_scan::skip_ws(text, 0), base, items, max_items);
  return {};
}

Fault Json::event_object(std::string_view text, uint32_t base, Event& ev, std::vector<Span>& items) {
  simdjson::dom::element el;
  if (auto err = impl_->parse(text, el)) return parse_fault(err, text, base);
  simdjson::dom::object obj;
  if (el.get_object().get(obj)) return make_fault(Error::json_not_object, base);

  // Walk the top-level members to find the spans of "name" and "args".
  // One walk finds both, and the arguments' items on the way.
  Span name_val, args_val;
  size_t pos = json_scan::skip_ws(text, json_scan::skip_ws(text, 0) + 1);
  while (pos < text.size() && text[pos] == '"') {
    size_t key_end = json_scan::string_end(text, pos);
    std::string_view key = text.substr(pos + 1, key_end - pos - 2);
    pos = json_scan::skip_ws(text, key_end);
    pos = json_scan::skip_ws(text, pos + 1);  // ':'
    size_t vend;
    if (key == "args" && !args_val.present()) {
      vend = text[pos] == '[' ? json_scan::array_items(text, pos, base, items) : json_scan::value_end(text, pos);
      args_val = make_span(pos, vend - pos);
    } else {
      vend = json_scan::value_end(text, pos);
    }
    if (key == "name" && !name_val.present()) name_val = make_span(pos, vend - pos);
    pos = json_scan::skip_ws(text, vend);
    if (pos >= text.size() || text[pos] != ',') break;
    pos = json_scan::skip_ws(text, pos + 1);
  }

  simdjson::dom::element name_el;
  if (obj["name"].get(name_el)) return make_fault(Error::missing_name, base);
  std::string_view name;
  if (name_el.get_string().get(name)) {
    return make_fault(Error::name_not_string, base + (name_val.present() ? name_val.off : 0));
  }
  ev.name_value = name;
  if (name_val.present()) ev.name = make_span(base + name_val.off + 1, name_val.len - 2);

  simdjson::dom::element args_el;
  if (obj["args"].get(args_el) == simdjson::SUCCESS) {
    if (!args_el.is_array() || !args_val.present()) {
      items.clear();
      return make_fault(Error::args_not_array, base + (args_val.present() ? args_val.off : 0));
    }
    ev.args = make_span(base + args_val.off, args_val.len);
  } else {
    items.clear();
  }
  return {};
}

Fault Json::object(std::string_view text, uint32_t base, std::vector<Member>& members) {
  simdjson::dom::element el;
  if (auto err = impl_->parse(text, el)) return parse_fault(err, text, base);
  if (!el.is_object()) return make_fault(Error::json_not_object, base);
  json_scan::object_members(text, json_scan::skip_ws(text, 0), base, members);
  return {};
}

Fault Json::string_literal(std::string_view text, uint32_t base, std::string& out) {
  simdjson::dom::element el;
  if (auto err = impl_->parse(text, el)) return parse_fault(err, text, base);
  std::string_view s;
  if (el.get_string().get(s)) return make_fault(Error::bad_json, base);
  out.assign(s.data(), s.size());
  return {};
}

}  // namespace sio
