// Transport-level helpers: request URIs, JSONP bodies, form bodies, numbers.
#include <gtest/gtest.h>

#include "support.hpp"

namespace {

std::string render(std::string_view uri, const sio::Uri& u) {
  if (!u.match) return u.evidence == sio::UriEvidence::none ? "no" : "no (but evidence set)";
  std::string out = "gen=" + std::to_string(static_cast<int>(u.generation)) + " " + sio::transport_name(u.transport);
  if (u.sid.present()) out += " sid='" + std::string(u.sid.in(uri)) + "'@" + siotest::span(u.sid);
  if (u.jsonp) out += " jsonp=" + std::to_string(u.jsonp_index_value) + "@" + siotest::span(u.jsonp_index);
  if (u.b64) out += " b64";
  if (u.evidence != sio::UriEvidence::resource) {
    const char* by = sio::uri_evidence_name(u.evidence);
    out += std::string(" by=") + (by ? by : "none");
  }
  return out;
}

// Inputs at the end of a page: nothing is read past the URI.
std::string render_uri(std::string_view uri, std::string_view resource = "/socket.io/") {
  siotest::PageEnd buf(uri);
  return render(buf.view(), sio::classify_uri(buf.view(), resource));
}
std::string render_uri(std::string_view uri, std::string_view resource, sio::UriScope scope) {
  siotest::PageEnd buf(uri);
  return render(buf.view(), sio::classify_uri(buf.view(), resource, scope));
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
  EXPECT_EQ(render_uri("/socket.io/1/xhr-multipart/5"), "gen=1 xhr-multipart sid='5'@27+1");
  EXPECT_EQ(render_uri("/socket.io/1/websocket"), "gen=1 unknown");  // under the resource: a match, as before
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

// Engine.IO found by its query wherever the path is (servers with `path: "/realtime/"`
// and the like): EIO=3|4 together with transport=polling|websocket.
TEST(Uri, EngineIoOutsideTheResource) {
  EXPECT_EQ(render_uri("/api/socket.io/?EIO=4&transport=polling&t=x"), "gen=4 polling by=eio_query");
  EXPECT_EQ(render_uri("/realtime/?EIO=4&transport=websocket&sid=Ab_-1"),
            "gen=4 websocket sid='Ab_-1'@41+5 by=eio_query");
  EXPECT_EQ(render_uri("/realtime?EIO=3&transport=polling&j=4&b64=1&sid=s1"),
            "gen=3 polling sid='s1'@48+2 jsonp=4@36+1 b64 by=eio_query");
  EXPECT_EQ(render_uri("/?transport=websocket&EIO=3"), "gen=3 websocket by=eio_query");  // any order
  EXPECT_EQ(render_uri("/engine.io/?EIO=4&transport=polling"), "gen=4 polling by=eio_query");
  EXPECT_EQ(render_uri("http://example.com:8080/rt/?EIO=4&transport=polling"), "gen=4 polling by=eio_query");
  // near misses: a generation we do not know, one parameter without the other, another transport
  EXPECT_EQ(render_uri("/?EIO=5&transport=polling"), "no");
  EXPECT_EQ(render_uri("/?EIO=2&transport=polling"), "no");
  EXPECT_EQ(render_uri("/x?EIO=4"), "no");
  EXPECT_EQ(render_uri("/x?transport=polling"), "no");
  EXPECT_EQ(render_uri("/x?EIO=4&transport=flashsocket"), "no");
  EXPECT_EQ(render_uri("/x?EIO=4&transport=xhr-polling"), "no");
  EXPECT_EQ(render_uri("/x?EIO=4&transport="), "no");
  EXPECT_EQ(render_uri("/x?eio=4&transport=polling"), "no");
  EXPECT_EQ(render_uri("/x?XEIO=4&transport=polling"), "no");
  EXPECT_EQ(render_uri("/x/EIO=4&transport=polling"), "no");  // in the path, not the query
  EXPECT_EQ(render_uri("/realtime/socket.io.min.js"), "no");
  EXPECT_EQ(render_uri("/realtime/socket.io.min.js?v=4"), "no");
  // under the resource path the match is the resource's, as before (even without transport)
  EXPECT_EQ(render_uri("/socket.io/?EIO=4&transport=polling"), "gen=4 polling");
  EXPECT_EQ(render_uri("/socket.io/?EIO=4"), "gen=4 unknown");
}

// 0.x transports found by their path shape /<prefix>/1/<transport>/<sid>; the
// handshake /<prefix>/1/ only under the resource path.
TEST(Uri, V1OutsideTheResource) {
  EXPECT_EQ(render_uri("/realtime/1/websocket/123456"), "gen=1 websocket sid='123456'@22+6 by=v1_path");
  EXPECT_EQ(render_uri("/api/socket.io/1/xhr-polling/99?t=5"), "gen=1 xhr-polling sid='99'@29+2 by=v1_path");
  EXPECT_EQ(render_uri("/a/b/1/jsonp-polling/77?t=5&i=3"), "gen=1 jsonp-polling sid='77'@21+2 jsonp=3@30+1 by=v1_path");
  EXPECT_EQ(render_uri("/rt/1/flashsocket/a-B_9/"), "gen=1 flashsocket sid='a-B_9'@18+5 by=v1_path");
  EXPECT_EQ(render_uri("/rt/1/htmlfile/5"), "gen=1 htmlfile sid='5'@15+1 by=v1_path");
  EXPECT_EQ(render_uri("/rt/1/xhr-multipart/5"), "gen=1 xhr-multipart sid='5'@20+1 by=v1_path");
  EXPECT_EQ(render_uri("http://h:1/rt/1/websocket/5"), "gen=1 websocket sid='5'@26+1 by=v1_path");
  // near misses
  EXPECT_EQ(render_uri("/foo/1/"), "no");               // a handshake outside the resource: too weak
  EXPECT_EQ(render_uri("/foo/1/?t=1400000000000"), "no");
  EXPECT_EQ(render_uri("/1/websocket"), "no");           // no sid, no prefix
  EXPECT_EQ(render_uri("/1/websocket/123"), "no");       // no prefix
  EXPECT_EQ(render_uri("//1/websocket/123"), "no");      // an empty prefix segment
  EXPECT_EQ(render_uri("/rt//1/websocket/123"), "no");
  EXPECT_EQ(render_uri("/rt/1/websocket"), "no");        // no sid
  EXPECT_EQ(render_uri("/rt/1/websocket/"), "no");
  EXPECT_EQ(render_uri("/rt/1/websocket/app.js"), "no");  // a file, not a sid
  EXPECT_EQ(render_uri("/rt/1/websocket/5/x"), "no");
  EXPECT_EQ(render_uri("/rt/1/polling/5"), "no");         // an Engine.IO transport name
  EXPECT_EQ(render_uri("/rt/2/websocket/5"), "no");
  EXPECT_EQ(render_uri("/rt/01/websocket/5"), "no");
  EXPECT_EQ(render_uri("/users/1/posts/5"), "no");
  EXPECT_EQ(render_uri("/rt/1/websocket/5%2F"), "no");
  EXPECT_EQ(render_uri("rt/1/websocket/5"), "no");        // not a path
}

// A resource set to something else is the only place looked at, unless asked.
TEST(Uri, ScopeFollowsTheResource) {
  EXPECT_EQ(render_uri("/api/socket.io/?EIO=4&transport=polling", "/rt/"), "no");
  EXPECT_EQ(render_uri("/x/1/websocket/5", "/rt/"), "no");
  EXPECT_EQ(render_uri("/rt/?EIO=4&transport=polling", "/rt/"), "gen=4 polling");
  EXPECT_EQ(render_uri("/api/?EIO=4&transport=polling", "/rt/", sio::UriScope::anywhere),
            "gen=4 polling by=eio_query");
  EXPECT_EQ(render_uri("/x/1/websocket/5", "/rt/", sio::UriScope::anywhere), "gen=1 websocket sid='5'@15+1 by=v1_path");
  EXPECT_EQ(render_uri("/api/?EIO=4&transport=polling", "/socket.io/", sio::UriScope::resource_only), "no");
  EXPECT_EQ(render_uri("/socket.io/?EIO=4&transport=polling", "/socket.io/", sio::UriScope::resource_only),
            "gen=4 polling");
  EXPECT_EQ(render_uri("/?EIO=4&transport=polling", "", sio::UriScope::anywhere), "gen=4 polling by=eio_query");
  EXPECT_STREQ(sio::uri_evidence_name(sio::UriEvidence::none), nullptr);
  EXPECT_STREQ(sio::uri_evidence_name(sio::UriEvidence::resource), "resource");
  EXPECT_STREQ(sio::transport_name(sio::Transport::xhr_multipart), "xhr-multipart");
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

// JSON.parse (socket.io-parser, engine.io-parser) and Python's json module
// (python-socketio) take numbers beyond 64 bits or a double and \u escapes of
// unpaired UTF-16 surrogates; simdjson alone refuses them. The library takes them,
// an unpaired surrogate reading as U+FFFD, and still refuses what JSON.parse refuses.
TEST(Json, TakesWhatJsonParseTakes) {
  sio::Json json;
  std::string out;
  std::vector<sio::Span> items;
  for (const char* ok : {"123456789012345678901234567890", "-9223372036854775809", "18446744073709551616", "1e400",
                         "-1.5E+999", "[1e309,{\"a\":[99999999999999999999999]}]", "\"\\ud800\"",
                         "\"\\uDFFF\\uD800x\"", "\"\\ud83d\\ude00\"", "\"\\\\ud800\""}) {
    EXPECT_FALSE(json.validate(ok, 0)) << ok;
  }
  for (const char* bad : {"01", "1.", "-", "1e", "1e+", ".5", "+1", "[1e400,]", "\"\\ud80\"", "\"\\ud800",
                          "[\"\\ud800\" 1]", "NaN", "Infinity", "\"\\x41\""}) {
    EXPECT_TRUE(json.validate(bad, 0)) << bad;
  }
  EXPECT_FALSE(json.string_literal("\"a\\ud800b\"", 0, out));
  EXPECT_EQ(out, "a\xEF\xBF\xBD" "b");
  EXPECT_FALSE(json.string_literal("\"\\udc00\\ud83d\\ude00\"", 0, out));
  EXPECT_EQ(out, "\xEF\xBF\xBD\xF0\x9F\x98\x80");
  // spans come from the text as written
  ASSERT_FALSE(json.array(" [ 1e400 , 123456789012345678901 ] ", 10, items));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(siotest::span(items[0]), "13+5");
  EXPECT_EQ(siotest::span(items[1]), "21+21");
  // a 0.x event object
  std::string ev_text = "{\"name\":\"\\ud800\",\"args\":[1e400]}";
  sio::Json::Event ev;
  items.clear();
  ASSERT_FALSE(json.event_object(ev_text, 0, ev, items));
  EXPECT_EQ(ev.name_value, "\xEF\xBF\xBD");
  EXPECT_EQ(siotest::span(ev.args), "24+7");
  // the relaxed retry keeps the first verdict for what stays refused
  EXPECT_EQ(siotest::fault(json.validate("[1e400", 4)), "json_truncated@10");
  EXPECT_EQ(siotest::fault(json.validate("[1e400]x", 4)), "bad_json@4");
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
  for (int e = 0; e <= static_cast<int>(sio::Error::reserved_name); ++e) {
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
