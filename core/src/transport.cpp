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
    case Transport::xhr_multipart: return "xhr-multipart";
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
    if (name == "xhr-multipart") return Transport::xhr_multipart;
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

// 0.x: <transport>/<sid>... after "1/" at `off` (the rest of the path up to path_end).
void fill_v1_transport(std::string_view uri, size_t off, size_t path_end, size_t qstart, Uri& u) {
  std::string_view after = uri.substr(off, path_end - off);
  size_t slash = after.find('/');
  if (slash == std::string_view::npos) return;  // e.g. a static file
  u.transport = transport_from(after.substr(0, slash), Generation::v1);
  size_t sid_off = off + slash + 1;
  size_t sid_end = uri.find('/', sid_off);
  if (sid_end == std::string_view::npos || sid_end > path_end) sid_end = path_end;
  if (sid_end > sid_off) u.sid = make_span(sid_off, sid_end - sid_off);
  if (u.transport == Transport::jsonp_polling) {
    u.jsonp = true;
    Span i = query_param(uri, qstart, "i");
    if (i.present() && small_number(i.in(uri), u.jsonp_index_value)) u.jsonp_index = i;
  }
}

// Engine.IO: the EIO= value's generation, or unknown.
Generation eio_generation(std::string_view v) {
  if (v == "3") return Generation::eio3;
  if (v == "4") return Generation::eio4;
  return Generation::unknown;
}

// Engine.IO query parameters of a URI whose generation is known.
void fill_eio(std::string_view uri, size_t qstart, Uri& u) {
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
}

bool sid_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// A 0.x transport path outside the resource: /<prefix>/1/<transport>/<sid>[/], the
// prefix one or more non-empty segments. Fills `u` and returns true when it is one.
bool v1_path_evidence(std::string_view uri, size_t path, size_t path_end, size_t qstart, Uri& u) {
  std::string_view p = uri.substr(path, path_end - path);
  if (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  // the last three segments: "1", transport, sid
  size_t s3 = p.rfind('/');
  if (s3 == std::string_view::npos || s3 == 0) return false;
  size_t s2 = p.rfind('/', s3 - 1);
  if (s2 == std::string_view::npos || s2 == 0) return false;
  size_t s1 = p.rfind('/', s2 - 1);
  if (s1 == std::string_view::npos || s1 == 0) return false;  // no prefix before "/1"
  if (p.substr(s1 + 1, s2 - s1 - 1) != "1") return false;
  std::string_view transport = p.substr(s2 + 1, s3 - s2 - 1);
  std::string_view sid = p.substr(s3 + 1);
  if (sid.empty()) return false;
  for (char c : sid) {
    if (!sid_char(c)) return false;
  }
  if (transport_from(transport, Generation::v1) == Transport::unknown) return false;
  // every segment of the prefix is non-empty ("//1/..." is not a prefix)
  if (p[0] != '/' || p.substr(0, s1 + 1).find("//") != std::string_view::npos) return false;
  u.generation = Generation::v1;
  fill_v1_transport(uri, path + s2 + 1, path + s3 + 1 + sid.size(), qstart, u);
  return true;
}

}  // namespace

const char* uri_evidence_name(UriEvidence e) {
  switch (e) {
    case UriEvidence::resource: return "resource";
    case UriEvidence::eio_query: return "eio_query";
    case UriEvidence::v1_path: return "v1_path";
    case UriEvidence::none: break;
  }
  return nullptr;
}

Uri classify_uri(std::string_view uri, std::string_view resource) {
  return classify_uri(uri, resource, resource == kDefaultResource ? UriScope::anywhere : UriScope::resource_only);
}

Uri classify_uri(std::string_view uri, std::string_view resource, UriScope scope) {
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
  size_t qstart = qpos == std::string_view::npos ? uri.size() : qpos + 1;

  bool under = !resource.empty() && path_end - path >= resource.size() &&
               uri.compare(path, resource.size(), resource) == 0;
  // "/socket.io" without the trailing slash, followed by the query
  if (!under && resource.size() > 1 && resource.back() == '/' && path_end - path == resource.size() - 1 &&
      uri.compare(path, resource.size() - 1, resource.substr(0, resource.size() - 1)) == 0) {
    under = true;
  }

  if (!under) {
    if (scope != UriScope::anywhere) return u;
    // Engine.IO: both EIO=3|4 and transport=polling|websocket, whatever the path
    Generation g = eio_generation(query_param(uri, qstart, "EIO").in(uri));
    Span tr = query_param(uri, qstart, "transport");
    if (g != Generation::unknown && tr.present() && transport_from(tr.in(uri), g) != Transport::unknown) {
      u.match = true;
      u.evidence = UriEvidence::eio_query;
      u.generation = g;
      fill_eio(uri, qstart, u);
      return u;
    }
    if (v1_path_evidence(uri, path, path_end, qstart, u)) {
      u.match = true;
      u.evidence = UriEvidence::v1_path;
      return u;
    }
    return Uri{};
  }

  u.match = true;
  u.evidence = UriEvidence::resource;
  size_t rest = path + resource.size();
  if (rest > path_end) rest = path_end;

  // 0.x: <resource>1/[<transport>/<sid>]
  std::string_view tail = uri.substr(rest, path_end - rest);
  if (tail.size() >= 2 && tail[0] == '1' && tail[1] == '/') {
    u.generation = Generation::v1;
    if (tail.size() == 2) {
      u.transport = Transport::handshake;
      return u;
    }
    fill_v1_transport(uri, rest + 2, path_end, qstart, u);
    return u;
  }

  // Engine.IO: <resource>?EIO=N&transport=...&sid=...
  u.generation = eio_generation(query_param(uri, qstart, "EIO").in(uri));
  if (u.generation != Generation::unknown) fill_eio(uri, qstart, u);
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
