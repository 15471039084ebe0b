#include "sio/transport.hpp"

#include "sio/text.hpp"

namespace sio {

const char* transport_name(Transport t) {
  switch (t) {
    case Transport::unknown: return "unknown";
    case Transport::handshake: return "handshake";
    case Transport::websocket: return "websocket";
    case Transport::flashsocket: return "flashsocket";
    case Transport::xhr_polling: return "xhr-polling";
    case Transport::jsonp_polling: return "jsonp-polling";
    case Transport::htmlfile: return "htmlfile";
    case Transport::polling: return "polling";
  }
  return "unknown";
}

namespace {

// Value span of query parameter `name` in uri[qpos, end), or absent.
Span query_param(std::string_view uri, size_t qpos, std::string_view name) {
  size_t pos = qpos;
  while (pos < uri.size()) {
    size_t amp = uri.find('&', pos);
    if (amp == std::string_view::npos) amp = uri.size();
    std::string_view pair = uri.substr(pos, amp - pos);
    if (pair.size() > name.size() && pair.compare(0, name.size(), name) == 0 && pair[name.size()] == '=') {
      return make_span(pos + name.size() + 1, pair.size() - name.size() - 1);
    }
    pos = amp + 1;
  }
  return {};
}

Transport transport_from(std::string_view name, Generation g) {
  if (name == "websocket") return Transport::websocket;
  if (g == Generation::v1) {
    if (name == "xhr-polling") return Transport::xhr_polling;
    if (name == "jsonp-polling") return Transport::jsonp_polling;
    if (name == "flashsocket") return Transport::flashsocket;
    if (name == "htmlfile") return Transport::htmlfile;
  } else if (name == "polling") {
    return Transport::polling;
  }
  return Transport::unknown;
}

bool small_number(std::string_view digits, uint32_t& out) {
  uint64_t v = 0;
  if (parse_u64(digits, v) != Error::none || v > UINT32_MAX) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

Uri classify_uri(std::string_view uri, std::string_view resource) {
  Uri u;
  // Absolute form (proxies): skip scheme and authority.
  size_t path = 0;
  size_t scheme = uri.find("://");
  if (scheme != std::string_view::npos && scheme < uri.find('/')) {
    path = uri.find('/', scheme + 3);
    if (path == std::string_view::npos) return u;
  }
  size_t qpos = uri.find('?', path);
  size_t path_end = qpos == std::string_view::npos ? uri.size() : qpos;
  if (resource.empty() || path_end - path < resource.size() ||
      uri.compare(path, resource.size(), resource) != 0) {
    // "/socket.io" without the trailing slash, followed by the query
    if (!(resource.size() > 1 && resource.back() == '/' && path_end - path == resource.size() - 1 &&
          uri.compare(path, resource.size() - 1, resource.substr(0, resource.size() - 1)) == 0)) {
      return u;
    }
  }
  u.match = true;
  size_t rest = path + resource.size();
  if (rest > path_end) rest = path_end;
  if (qpos == std::string_view::npos) qpos = uri.size();
  size_t qstart = qpos < uri.size() ? qpos + 1 : uri.size();

  // 0.x: <resource>1/[<transport>/<sid>]
  std::string_view tail = uri.substr(rest, path_end - rest);
  if (tail.size() >= 2 && tail[0] == '1' && tail[1] == '/') {
    u.generation = Generation::v1;
    std::string_view after = tail.substr(2);
    if (after.empty()) {
      u.transport = Transport::handshake;
      return u;
    }
    size_t slash = after.find('/');
    if (slash == std::string_view::npos) return u;  // e.g. a static file
    u.transport = transport_from(after.substr(0, slash), Generation::v1);
    size_t sid_off = rest + 2 + slash + 1;
    size_t sid_end = uri.find('/', sid_off);
    if (sid_end == std::string_view::npos || sid_end > path_end) sid_end = path_end;
    if (sid_end > sid_off) u.sid = make_span(sid_off, sid_end - sid_off);
    if (u.transport == Transport::jsonp_polling) {
      u.jsonp = true;
      Span i = query_param(uri, qstart, "i");
      if (i.present() && small_number(i.in(uri), u.jsonp_index_value)) u.jsonp_index = i;
    }
    return u;
  }

  // Engine.IO: <resource>?EIO=N&transport=...&sid=...
  Span eio = query_param(uri, qstart, "EIO");
  if (!eio.present()) return u;
  std::string_view ev = eio.in(uri);
  if (ev == "3") {
    u.generation = Generation::eio3;
  } else if (ev == "4") {
    u.generation = Generation::eio4;
  } else {
    return u;
  }
  Span tr = query_param(uri, qstart, "transport");
  if (tr.present()) u.transport = transport_from(tr.in(uri), u.generation);
  u.sid = query_param(uri, qstart, "sid");
  Span j = query_param(uri, qstart, "j");
  if (j.present() && small_number(j.in(uri), u.jsonp_index_value)) {
    u.jsonp = true;
    u.jsonp_index = j;
  }
  Span b64 = query_param(uri, qstart, "b64");
  u.b64 = b64.present() && b64.len > 0 && b64.in(uri) != "0" && b64.in(uri) != "false";
  return u;
}

Fault parse_jsonp(std::string_view body, Jsonp& out) {
  out = Jsonp{};
  size_t pos = 0;
  while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\n' || body[pos] == '\r' || body[pos] == '\t')) ++pos;
  size_t cb = pos;
  while (pos < body.size()) {
    char c = body[pos];
    bool ident = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '$' || c == '.';
    if (!ident) break;
    ++pos;
  }
  if (pos == cb || pos >= body.size() || body[pos] != '[') return make_fault(Error::bad_jsonp, pos);
  out.callback = make_span(cb, pos - cb);
  ++pos;
  size_t nd = digit_run(body, pos);
  if (!nd || !small_number(body.substr(pos, nd), out.index_value)) return make_fault(Error::bad_jsonp, pos);
  out.index = make_span(pos, nd);
  pos += nd;
  if (body.compare(pos, 2, "](") != 0) return make_fault(Error::bad_jsonp, pos);
  pos += 2;
  if (pos >= body.size() || body[pos] != '"') return make_fault(Error::bad_jsonp, pos);
  // The literal ends at the first unescaped quote.
  size_t lit = pos++;
  while (pos < body.size() && body[pos] != '"') pos += body[pos] == '\\' ? 2 : 1;
  if (pos >= body.size()) return make_fault(Error::bad_jsonp, body.size());
  ++pos;
  out.literal = make_span(lit, pos - lit);
  if (pos >= body.size() || body[pos] != ')') return make_fault(Error::bad_jsonp, pos);
  ++pos;
  if (pos < body.size() && body[pos] == ';') ++pos;
  while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\n' || body[pos] == '\r' || body[pos] == '\t')) ++pos;
  if (pos != body.size()) return make_fault(Error::bad_jsonp, pos);
  return {};
}

void eio_jsonp_post_unescape(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 2 < in.size() && in[i + 1] == '\\' && in[i + 2] == 'n') {
      out += "\\n";
      i += 2;
    } else if (in[i] == '\\' && i + 1 < in.size() && in[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(in[i]);
    }
  }
}

}  // namespace sio
