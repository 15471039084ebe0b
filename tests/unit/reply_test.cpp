// Error replies of servers that refuse a request: the 0.x handshake refusals
// (socket.io 0.9: 403 "handshake unauthorized", 500 "handshake error") and
// Engine.IO's JSON ({"code":1,"message":"Session ID unknown"}: engine.io 3-6).
#include <gtest/gtest.h>

#include "support.hpp"

namespace {

struct ReplyCase {
  const char* body;
  const char* expect;  // rendered ErrorReply, or "fault <code>@<offset>"
};

std::string render(std::string_view body) {
  siotest::PageEnd buf(body);
  static sio::Json json;
  sio::ErrorReply r;
  sio::Fault f = sio::parse_error_reply(json, buf.view(), r);
  std::string out;
  if (r.json) out += "json ";
  if (r.code.present()) out += "code=" + std::to_string(r.code_value) + "@" + siotest::span(r.code) + " ";
  if (r.message.present()) out += "message='" + r.message_value + "'@" + siotest::span(r.message);
  if (f) out += " " + siotest::fault(f);
  return out;
}

const ReplyCase kReplies[] = {
    {"handshake unauthorized", "message='handshake unauthorized'@0+22"},
    {"handshake error", "message='handshake error'@0+15"},
    {"Bad Request", "message='Bad Request'@0+11"},  // python-engineio's text form
    {"", "message=''@0+0"},
    // python-engineio 4.x: a JSON string
    {"\"Invalid session b346JXx6YiMcewY0AAAA\"", "json message='Invalid session b346JXx6YiMcewY0AAAA'@1+36"},
    {"\"a\\\"b\"\n", "json message='a\"b'@1+4"},
    {"\"cut", "json message=''@1+2 bad_json@0"},
    {"{\"code\":1,\"message\":\"Session ID unknown\"}", "json code=1@8+1 message='Session ID unknown'@21+18"},
    {"{\"code\":3,\"message\":\"Bad request\"}", "json code=3@8+1 message='Bad request'@21+11"},
    {" {\"message\":\"caf\\u00e9\",\"code\":0}", "json code=0@31+1 message='caf\xc3\xa9'@13+9"},
    {"{\"code\":\"x\",\"message\":\"m\"}", "json code=0@8+3  bad_data@8"},
    {"{\"other\":1}", "json  bad_data@0"},
    {"{\"code\":1,", "json  json_truncated@10"},
};

TEST(ErrorReply, Table) {
  for (const auto& c : kReplies) EXPECT_EQ(render(c.body), c.expect) << c.body;
}

}  // namespace
