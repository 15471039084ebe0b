// Transport-level helpers: request URIs, JSONP bodies, form bodies, numbers.
#include <gtest/gtest.h>

#include "support.hpp"

namespace {

std::string render_uri(std::string_view uri, std::string_view resource = "/socket.io/") {
  sio::Uri u = sio::classify_uri(uri, resource);
  if (!u.match) return "no";
  std::string out = "gen=" + std::to_string(static_cast<int>(u.generation)) + " " + sio::transport_name(u.transport);
  if (u.sid.present()) out += " sid='" + std::string(u.sid.in(uri)) + "'@" + siotest::span(u.sid);
  if (u.jsonp) out += " jsonp=" + std::to_string(u.jsonp_index_value) + "@" + siotest::span(u.jsonp_index);
  if (u.b64) out += " b64";
  return out;
}

TEST(Uri, V1) {
  EXPECT_EQ(render_uri("/socket.io/1/"), "gen=1 handshake");
  EXPECT_EQ(render_uri("/socket.io/1/?t=1400000000000"), "gen=1 handshake");
  EXPECT_EQ(render_uri("/socket.io/1/websocket/123456"), "gen=1 websocket sid='123456'@23+6");
  EXPECT_EQ(render_uri("/socket.io/1/xhr-polling/99?t=5"), "gen=1 xhr-polling sid='99'@25+2");
  EXPECT_EQ(render_uri("/socket.io/1/jsonp-polling/77?t=5&i=3"), "gen=1 jsonp-polling sid='77'@27+2 jsonp=3@36+1");
  EXPECT_EQ(render_uri("http://127.0.0.1:8080/socket.io/1/"), "gen=1 handshake");
  EXPECT_EQ(render_uri("/socket.io/socket.io.js"), "gen=0 unknown");
  EXPECT_EQ(render_uri("/socket.io/1/socket.io.js"), "gen=1 unknown");
}

TEST(Uri, EngineIo) {
  EXPECT_EQ(render_uri("/socket.io/?EIO=4&transport=polling&t=N8hyd6w"), "gen=4 polling");
  EXPECT_EQ(render_uri("/socket.io/?EIO=3&transport=websocket&sid=abc-DEF_1"),
            "gen=3 websocket sid='abc-DEF_1'@42+9");
  EXPECT_EQ(render_uri("/socket.io/?EIO=3&transport=polling&j=2&b64=1"), "gen=3 polling jsonp=2@38+1 b64");
  EXPECT_EQ(render_uri("/socket.io?EIO=4&transport=polling"), "gen=4 polling");
  EXPECT_EQ(render_uri("/socket.io/?EIO=9&transport=polling"), "gen=0 unknown");
}

TEST(Uri, OtherPaths) {
  EXPECT_EQ(render_uri("/"), "no");
  EXPECT_EQ(render_uri("/chat?x=/socket.io/1/"), "no");
  EXPECT_EQ(render_uri("/socket.iox/1/"), "no");
  EXPECT_EQ(render_uri(""), "no");
  EXPECT_EQ(render_uri("/rt/1/websocket/5", "/rt/"), "gen=1 websocket sid='5'@16+1");
  EXPECT_EQ(render_uri("/socket.io/1/websocket/5", "/rt/"), "no");
}

std::string render_jsonp(std::string_view body) {
  sio::Jsonp j;
  sio::Fault f = sio::parse_jsonp(body, j);
  return "cb@" + siotest::span(j.callback) + " idx=" + std::to_string(j.index_value) + "@" + siotest::span(j.index) +
         " lit@" + siotest::span(j.literal) + " " + siotest::fault(f);
}

TEST(Jsonp, Wrapper) {
  EXPECT_EQ(render_jsonp("io.j[0](\"3:::a\");"), "cb@0+4 idx=0@5+1 lit@8+7 ok");
  EXPECT_EQ(render_jsonp("___eio[12](\"4hi\");"), "cb@0+6 idx=12@7+2 lit@11+5 ok");
  EXPECT_EQ(render_jsonp("io.j[0](\"a\\\"b\")"), "cb@0+4 idx=0@5+1 lit@8+6 ok");
  EXPECT_EQ(render_jsonp("io.j[x](\"a\");"), "cb@0+4 idx=0@- lit@- bad_jsonp@5");
  EXPECT_EQ(render_jsonp("io.j[0](\"a);"), "cb@0+4 idx=0@5+1 lit@- bad_jsonp@12");
  EXPECT_EQ(render_jsonp("io.j[0]('a');"), "cb@0+4 idx=0@5+1 lit@- bad_jsonp@8");
  EXPECT_EQ(render_jsonp("io.j[0](\"a\");x"), "cb@0+4 idx=0@5+1 lit@8+3 bad_jsonp@13");
  EXPECT_EQ(render_jsonp(""), "cb@- idx=0@- lit@- bad_jsonp@0");
  EXPECT_EQ(render_jsonp("io.j[0]"), "cb@0+4 idx=0@5+1 lit@- bad_jsonp@6");
}

TEST(Json, StringLiteralUnescapes) {
  sio::Json json;
  std::string out;
  EXPECT_FALSE(json.string_literal("\"\\ufffd5\\ufffd3:::a\\n\\\"\"", 0, out));
  EXPECT_EQ(out, "\xEF\xBF\xBD" "5" "\xEF\xBF\xBD" "3:::a\n\"");
  sio::Fault f = json.string_literal("\"abc", 10, out);
  EXPECT_EQ(siotest::fault(f), "bad_json@10");
  f = json.string_literal("[1]", 0, out);
  EXPECT_EQ(siotest::fault(f), "bad_json@0");
}

TEST(Form, FieldAndPercentDecode) {
  sio::Span v;
  std::string_view body = "a=1&d=%221%3A%3A%2Fchat%22&z=";
  ASSERT_TRUE(sio::form_field(body, "d", v));
  EXPECT_EQ(siotest::span(v), "6+20");
  std::string out;
  EXPECT_FALSE(sio::percent_decode(v.in(body), v.off, out));
  EXPECT_EQ(out, "\"1::/chat\"");
  EXPECT_FALSE(sio::form_field("dd=1&x=d", "d", v));
  EXPECT_TRUE(sio::form_field("d=", "d", v));
  EXPECT_EQ(siotest::span(v), "2+0");
  EXPECT_FALSE(sio::percent_decode("a+b%20c", 0, out));
  EXPECT_EQ(out, "a b c");
  EXPECT_EQ(siotest::fault(sio::percent_decode("ab%2", 7, out)), "bad_form@9");
  EXPECT_EQ(siotest::fault(sio::percent_decode("%zz", 0, out)), "bad_form@0");
}

TEST(Numbers, ParseU64) {
  uint64_t v = 0;
  EXPECT_EQ(sio::parse_u64("0", v), sio::Error::none);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(sio::parse_u64("18446744073709551615", v), sio::Error::none);
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_EQ(sio::parse_u64("18446744073709551616", v), sio::Error::id_overflow);
  EXPECT_EQ(sio::parse_u64("", v), sio::Error::bad_id);
  EXPECT_EQ(sio::parse_u64("1a", v), sio::Error::bad_id);
}

TEST(Utf16, UnitsToBytes) {
  sio::Fault f;
  EXPECT_EQ(sio::utf16_units_to_bytes("abc", 0, 2, f), 2u);
  EXPECT_FALSE(f);
  EXPECT_EQ(sio::utf16_units_to_bytes("\xC3\xA9\xE2\x9C\x93\xF0\x9F\x98\x80", 0, 4, f), 9u);
  EXPECT_FALSE(f);
  sio::utf16_units_to_bytes("ab", 0, 3, f);
  EXPECT_EQ(siotest::fault(f), "length_past_end@2");
  f = {};
  sio::utf16_units_to_bytes("a\xED\xA0\x80", 0, 2, f);  // an encoded surrogate is not UTF-8
  EXPECT_EQ(siotest::fault(f), "bad_utf8@1");
  f = {};
  sio::utf16_units_to_bytes("a\xE2\x9C", 0, 2, f);  // truncated sequence
  EXPECT_EQ(siotest::fault(f), "length_past_end@3");
}

TEST(Errors, EveryCodeHasText) {
  for (int e = 0; e <= static_cast<int>(sio::Error::json_truncated); ++e) {
    std::string text = sio::describe(static_cast<sio::Error>(e));
    EXPECT_FALSE(text.empty());
    EXPECT_NE(text, "unknown error") << e;
  }
}

}  // namespace

namespace {
TEST(Jsonp, EngineIoPostUnescape) {
  std::string out;
  // "\n" (backslash n) is a newline; "\\n" (two backslashes, n) is a backslash and n
  sio::eio_jsonp_post_unescape("4a\\nb\\\\nc", out);
  EXPECT_EQ(out, "4a\nb\\nc");
  sio::eio_jsonp_post_unescape("plain", out);
  EXPECT_EQ(out, "plain");
  sio::eio_jsonp_post_unescape("end\\", out);
  EXPECT_EQ(out, "end\\");
}
}  // namespace

// Regression: UBSan (sanitizer unit and fuzz builds) found memcpy called with a
// null source when the JSON text was empty: a default string_view has no data
// pointer. Every JSON entry point takes such a view and answers with a fault.
TEST(FuzzRegression, EmptyJsonNullDataMemcpy) {
  sio::Json json;
  const std::string_view none;
  ASSERT_EQ(none.data(), nullptr);
  std::vector<sio::Span> items;
  std::vector<sio::Json::Member> members;
  sio::Json::Event ev;
  std::string out;
  EXPECT_EQ(siotest::fault(json.validate(none, 7)), "bad_json@7");
  EXPECT_EQ(siotest::fault(json.array(none, 7, items)), "bad_json@7");
  EXPECT_EQ(siotest::fault(json.object(none, 7, members)), "bad_json@7");
  EXPECT_EQ(siotest::fault(json.event_object(none, 7, ev, items)), "bad_json@7");
  EXPECT_TRUE(json.string_literal(none, 7, out));
  EXPECT_TRUE(items.empty());
  EXPECT_TRUE(members.empty());
}
