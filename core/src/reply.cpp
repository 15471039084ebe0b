#include "sio/reply.hpp"

#include <vector>

#include "sio/text.hpp"

namespace sio {

Fault parse_error_reply(Json& json, std::string_view body, ErrorReply& out) {
  out = ErrorReply{};
  size_t start = json_scan::skip_ws(body, 0);
  if (start < body.size() && body[start] == '"') {
    // a JSON string (python-engineio: "Invalid session ..."): the message
    out.json = true;
    size_t end = body.find_last_not_of(" \t\r\n");
    out.message = make_span(start + 1, end > start ? end - start - 1 : 0);
    return json.string_literal(body.substr(start, end + 1 - start), static_cast<uint32_t>(start), out.message_value);
  }
  if (start >= body.size() || body[start] != '{') {
    // plain text: the message as a whole
    out.message = make_span(0, body.size());
    out.message_value.assign(body);
    return {};
  }
  out.json = true;
  static thread_local std::vector<Json::Member> members;
  members.clear();
  if (Fault f = json.object(body, 0, members)) return f;
  for (const auto& m : members) {
    std::string_view key = m.key.in(body);
    std::string_view v = m.value.in(body);
    if (key == "code") {
      out.code = m.value;
      if (parse_u64(v, out.code_value) != Error::none) return make_fault(Error::bad_data, m.value.off);
    } else if (key == "message") {
      if (v.size() < 2 || v.front() != '"') return make_fault(Error::bad_data, m.value.off);
      out.message = make_span(m.value.off + 1, m.value.len - 2);
      if (Fault f = json.string_literal(v, m.value.off, out.message_value)) return f;
    }
  }
  if (!out.code.present() && !out.message.present()) return make_fault(Error::bad_data, start);
  return {};
}

}  // namespace sio
