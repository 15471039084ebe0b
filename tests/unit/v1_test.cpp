// Socket.IO 0.x (revision 1): packets, payload framing, handshake.
// Each case is input bytes and the expected decode log with byte offsets.
#include <gtest/gtest.h>

#include "support.hpp"

namespace {

struct Case {
  const char* input;
  const char* expect;
};

const Case kPackets[] = {
    // all nine types
    {"0", "disconnect@0+1 fault=ok"},
    {"0::", "disconnect@0+1 ep=''@3+0 fault=ok"},
    {"0::/chat", "disconnect@0+1 ep='/chat'@3+5 fault=ok"},
    {"1::", "connect@0+1 ep=''@3+0 fault=ok"},
    {"1::/chat?a=b", "connect@0+1 ep='/chat'@3+5 qs='a=b'@9+3 fault=ok"},
    {"1::/chat:?a=b", "connect@0+1 ep='/chat'@3+5 qs='a=b'@10+3 data@9+4 fault=ok"},
    {"2::", "heartbeat@0+1 ep=''@3+0 fault=ok"},
    {"3:::hello", "message@0+1 ep=''@3+0 data@4+5 fault=ok"},
    {"3:1::hi", "message@0+1 id=1@2+1 ack=auto ep=''@4+0 data@5+2 fault=ok"},
    {"3:::a:b:c", "message@0+1 ep=''@3+0 data@4+5 fault=ok"},
    {"4:::{\"a\":1}", "json@0+1 ep=''@3+0 data@4+7 fault=ok"},
    {"5:::{\"name\":\"chat message\",\"args\":[\"x\",{\"y\":[1,2]},3]}",
     "event@0+1 ep=''@3+0 data@4+50 name='chat message'@13+12 args@34+19 items=[35+3,39+11,51+1] fault=ok"},
    {"5:7+::{\"name\":\"ev\"}", "event@0+1 id=7@2+1 ack=data ep=''@5+0 data@6+13 name='ev'@15+2 fault=ok"},
    {"5:12:/chat:{\"name\":\"ev\",\"args\":[]}",
     "event@0+1 id=12@2+2 ack=auto ep='/chat'@5+5 data@11+23 name='ev'@20+2 args@31+2 fault=ok"},
    {"5:::{\"name\":\"caf\\u00e9\",\"args\":[]}", "event@0+1 ep=''@3+0 data@4+30 name='caf\xC3\xA9'@13+9 args@31+2 fault=ok"},
    {"5:::{ \"args\" : [ 1 , \"two\" ] , \"name\" : \"e\" }",
     "event@0+1 ep=''@3+0 data@4+41 name='e'@41+1 args@15+13 items=[17+1,21+5] fault=ok"},
    {"6:::12", "ack@0+1 ep=''@3+0 data@4+2 ack_id=12@4+2 fault=ok"},
    {"6:::12+[\"a\",\"b+c\"]", "ack@0+1 ep=''@3+0 data@4+14 args@7+11 items=[8+3,12+5] ack_id=12@4+2 fault=ok"},
    {"6::/chat:3+[]", "ack@0+1 ep='/chat'@3+5 data@9+4 args@11+2 ack_id=3@9+1 fault=ok"},
    {"7:::2+0", "error@0+1 ep=''@3+0 data@4+3 reason=2@4+1 advice=0@6+1 fault=ok"},
    {"7::/private:2+0", "error@0+1 ep='/private'@3+8 data@12+3 reason=2@12+1 advice=0@14+1 fault=ok"},
    {"7:::+0", "error@0+1 ep=''@3+0 data@4+2 advice=0@5+1 fault=ok"},
    {"7:::1", "error@0+1 ep=''@3+0 data@4+1 reason=1@4+1 fault=ok"},
    {"7::", "error@0+1 ep=''@3+0 fault=ok"},
    {"8::", "noop@0+1 ep=''@3+0 fault=ok"},
    {"3:::h\xC3\xA9llo \xF0\x9F\x98\x80", "message@0+1 ep=''@3+0 data@4+11 fault=ok"},

    // malformed
    {"", "?@- fault=empty@0"},
    {"9::", "?@0+1 fault=bad_type@0"},
    {"x::", "?@0+1 fault=bad_type@0"},
    {"12::", "?@0+2 fault=bad_type@0"},
    {"3", "message@0+1 fault=missing_separator@1"},
    {"3;::", "message@0+1 fault=missing_separator@1"},
    {"3:", "message@0+1 fault=missing_separator@2"},
    {"3:a:", "message@0+1 fault=bad_id@2"},
    {"3:99999999999999999999::", "message@0+1 fault=id_overflow@2"},
    {"3:18446744073709551615::", "message@0+1 id=18446744073709551615@2+20 ack=auto ep=''@23+0 data@24+0 fault=ok"},
    {"5:+::{\"name\":\"x\"}", "event@0+1 fault=ack_without_id@2"},
    {"5:::{\"name\":\"x\"", "event@0+1 ep=''@3+0 data@4+11 fault=json_truncated@15"},
    {"5:::", "event@0+1 ep=''@3+0 data@4+0 fault=bad_json@4"},
    {"5::", "event@0+1 ep=''@3+0 fault=bad_json@3"},
    {"5:::[1]", "event@0+1 ep=''@3+0 data@4+3 fault=json_not_object@4"},
    {"5:::{\"args\":[]}", "event@0+1 ep=''@3+0 data@4+11 fault=missing_name@4"},
    {"5:::{\"name\":1}", "event@0+1 ep=''@3+0 data@4+10 fault=name_not_string@12"},
    {"5:::{\"name\":\"x\",\"args\":{}}", "event@0+1 ep=''@3+0 data@4+22 name='x'@13+1 fault=args_not_array@23"},
    {"5:::{\"name\":\"x\",\"args\":[\"\xFF\"]}", "event@0+1 ep=''@3+0 data@4+25 fault=bad_utf8@4"},
    {"6:::x", "ack@0+1 ep=''@3+0 data@4+1 fault=bad_ack_id@4"},
    {"6:::", "ack@0+1 ep=''@3+0 data@4+0 fault=bad_ack_id@4"},
    {"6:::12x", "ack@0+1 ep=''@3+0 data@4+3 ack_id=12@4+2 fault=bad_ack_id@6"},
    {"6:::12+{", "ack@0+1 ep=''@3+0 data@4+4 args@7+1 ack_id=12@4+2 fault=json_truncated@8"},
    {"6:::12+{}", "ack@0+1 ep=''@3+0 data@4+5 args@7+2 ack_id=12@4+2 fault=args_not_array@7"},
    {"6:::99999999999999999999", "ack@0+1 ep=''@3+0 data@4+20 fault=id_overflow@4"},
    {"7:::a+0", "error@0+1 ep=''@3+0 data@4+3 fault=bad_error_code@4"},
    {"7:::2+x", "error@0+1 ep=''@3+0 data@4+3 reason=2@4+1 fault=bad_error_code@6"},
    {"2:::x", "heartbeat@0+1 ep=''@3+0 data@4+1 fault=unexpected_data@4"},
    {"3:::\xFF", "message@0+1 ep=''@3+0 data@4+1 fault=bad_utf8@4"},
    {"3::/\xC0\x80:", "message@0+1 ep='/\xC0\x80'@3+3 data@7+0 fault=bad_utf8@4"},
    {"4:::{\"a\":", "json@0+1 ep=''@3+0 data@4+5 fault=json_truncated@9"},
    {"4:::", "json@0+1 ep=''@3+0 data@4+0 fault=bad_json@4"},
};

class V1Packet : public ::testing::TestWithParam<Case> {};

TEST_P(V1Packet, DecodesWithOffsets) {
  const Case& c = GetParam();
  siotest::PageEnd buf(c.input);  // a read past the end faults
  sio::v1::Decoder dec;
  sio::Packet p;
  dec.packet(buf.view(), p);
  EXPECT_EQ(siotest::render(buf.view(), p), c.expect) << "input: " << c.input;
  // Every span lies inside the input.
  for (sio::Span s : {p.type, p.id, p.ack_marker, p.endpoint, p.qs, p.data, p.name, p.args, p.ack_id, p.reason,
                      p.advice}) {
    if (s.present()) {
      EXPECT_LE(s.end(), buf.view().size());
    }
  }
  EXPECT_LE(p.fault.offset, buf.view().size());
}

INSTANTIATE_TEST_SUITE_P(Table, V1Packet, ::testing::ValuesIn(kPackets));

TEST(V1Packet, DeepJsonIsRefused) {
  std::string deep = "4:::" + std::string(300, '[') + std::string(300, ']');
  siotest::PageEnd buf(deep);
  sio::v1::Decoder dec;
  sio::Packet p;
  dec.packet(buf.view(), p);
  EXPECT_EQ(siotest::render(buf.view(), p), "json@0+1 ep=''@3+0 data@4+600 fault=too_deep@4");
  std::string ok = "4:::" + std::string(200, '[') + std::string(200, ']');
  dec.packet(ok, p);
  EXPECT_FALSE(p.fault);
}

TEST(V1Packet, DecoderIsReusable) {
  sio::v1::Decoder dec;
  sio::Packet p;
  dec.packet("5:::{\"name\":\"a\",\"args\":[1,2,3]}", p);
  EXPECT_EQ(p.arg_items.size(), 3u);
  dec.packet("2::", p);
  EXPECT_EQ(p.arg_items.size(), 0u);
  EXPECT_FALSE(p.args.present());
  EXPECT_FALSE(p.fault);
}

TEST(V1Packet, TypeNames) {
  const char* names[] = {"disconnect", "connect", "heartbeat", "message", "json", "event", "ack", "error", "noop"};
  for (unsigned i = 0; i < 9; ++i) EXPECT_STREQ(sio::v1::type_name(i), names[i]);
  EXPECT_EQ(sio::v1::type_name(9), nullptr);
  EXPECT_STREQ(sio::v1::reason_name(2), "unauthorized");
  EXPECT_EQ(sio::v1::reason_name(3), nullptr);
  EXPECT_STREQ(sio::v1::advice_name(0), "reconnect");
}

// Payloads: "len=<declared>@<digits> pkt@<span> fault" per frame, then the overall fault.
std::string render_frames(std::string_view body) {
  std::vector<sio::v1::Frame> frames;
  sio::Fault f = sio::v1::split_payload(body, frames);
  std::string out;
  for (const auto& fr : frames) {
    if (fr.length.present()) out += "len=" + std::to_string(fr.declared) + "@" + siotest::span(fr.length) + " ";
    out += "pkt@" + siotest::span(fr.packet) + " " + siotest::fault(fr.fault) + "; ";
  }
  return out + "=> " + siotest::fault(f);
}

#define FFFD "\xEF\xBF\xBD"

const Case kPayloads[] = {
    {"3:::a", "pkt@0+5 ok; => ok"},
    {FFFD "5" FFFD "3:::a" FFFD "3" FFFD "2::", "len=5@3+1 pkt@7+5 ok; len=3@15+1 pkt@19+3 ok; => ok"},
    // the length counts UTF-16 code units: U+1F600 is 2 units and 4 bytes, é is 1 unit and 2 bytes
    {FFFD "7" FFFD "3:::\xF0\x9F\x98\x80" "a" FFFD "6" FFFD "3:::\xC3\xA9" "b",
     "len=7@3+1 pkt@7+9 ok; len=6@19+1 pkt@23+7 ok; => ok"},
    // U+FFFD inside data is data: cut by length, not by searching the marker
    {FFFD "5" FFFD "3:::" FFFD FFFD "3" FFFD "2::", "len=5@3+1 pkt@7+7 ok; len=3@17+1 pkt@21+3 ok; => ok"},
    {FFFD "10" FFFD "3:::" FFFD "5" FFFD "abc", "len=10@3+2 pkt@8+14 ok; => ok"},
    // malformed
    {"", "=> empty@0"},
    {FFFD "0" FFFD FFFD "3" FFFD "2::", "len=0@3+1 pkt@7+0 zero_length@3; len=3@10+1 pkt@14+3 ok; => ok"},
    {FFFD "9" FFFD "3:::a", "len=9@3+1 pkt@7+5 length_past_end@3; => length_past_end@3"},
    {FFFD "x" FFFD "3:::a", "pkt@3+0 bad_length@3; => bad_length@3"},
    {FFFD FFFD "3:::a", "pkt@3+0 bad_length@3; => bad_length@3"},
    {FFFD "5", "len=5@3+1 pkt@4+0 bad_frame@4; => bad_frame@4"},
    {FFFD "99999999999999999999999" FFFD "3", "pkt@26+0 id_overflow@3; => id_overflow@3"},
    {FFFD "4294967296" FFFD "3:::a", "len=4294967296@3+10 pkt@16+5 length_past_end@3; => length_past_end@3"},
    {FFFD "3" FFFD "2::junk", "len=3@3+1 pkt@7+3 ok; pkt@10+4 bad_frame@10; => bad_frame@10"},
    {FFFD "5" FFFD "3:::\xFF", "len=5@3+1 pkt@7+5 bad_utf8@11; => bad_utf8@11"},
    // a length that ends inside a surrogate pair
    {FFFD "5" FFFD "3:::\xF0\x9F\x98\x80", "len=5@3+1 pkt@7+8 bad_length@11; => bad_length@11"},
};

class V1Payload : public ::testing::TestWithParam<Case> {};

TEST_P(V1Payload, SplitsByLength) {
  const Case& c = GetParam();
  siotest::PageEnd buf(c.input);
  EXPECT_EQ(render_frames(buf.view()), c.expect);
}

INSTANTIATE_TEST_SUITE_P(Table, V1Payload, ::testing::ValuesIn(kPayloads));

TEST(V1Payload, FramesDecodeAsPackets) {
  std::string body = FFFD "8" FFFD "1::/chat" FFFD "29" FFFD "5:1+::{\"name\":\"hi\",\"args\":[]}";
  std::vector<sio::v1::Frame> frames;
  ASSERT_FALSE(sio::v1::split_payload(body, frames));
  ASSERT_EQ(frames.size(), 2u);
  sio::v1::Decoder dec;
  sio::Packet p;
  dec.packet(body, frames[1].packet, p);
  EXPECT_EQ(siotest::render(body, p),
            "event@23+1 id=1@25+1 ack=data ep=''@28+0 data@29+23 name='hi'@38+2 args@49+2 fault=ok");
}

std::string render_handshake(std::string_view body) {
  sio::v1::Handshake hs;
  sio::Fault f = sio::v1::parse_handshake(body, hs);
  std::string out = "sid@" + siotest::span(hs.sid) + " hb=" + std::to_string(hs.heartbeat_value) + "@" +
                    siotest::span(hs.heartbeat) + " close=" + std::to_string(hs.close_value) + "@" +
                    siotest::span(hs.close) + " tr@" + siotest::span(hs.transports) + " [";
  for (size_t i = 0; i < hs.transport_items.size(); ++i) {
    out += (i ? "," : "") + std::string(hs.transport_items[i].in(body));
  }
  return out + "] " + siotest::fault(f);
}

const Case kHandshakes[] = {
    {"1234:60:60:websocket,xhr-polling", "sid@0+4 hb=60@5+2 close=60@8+2 tr@11+21 [websocket,xhr-polling] ok"},
    {"abc::25:jsonp-polling", "sid@0+3 hb=0@4+0 close=25@5+2 tr@8+13 [jsonp-polling] ok"},
    {"1234:60:60:websocket\r\n", "sid@0+4 hb=60@5+2 close=60@8+2 tr@11+9 [websocket] ok"},
    {"1234:60", "sid@- hb=0@- close=0@- tr@- [] bad_handshake@7"},
    {":60:60:websocket", "sid@- hb=0@- close=0@- tr@- [] bad_handshake@0"},
    {"1:x:60:websocket", "sid@0+1 hb=0@2+1 close=0@4+2 tr@7+9 [] bad_handshake@2"},
    {"1:60:60:", "sid@0+1 hb=60@2+2 close=60@5+2 tr@8+0 [] bad_handshake@8"},
    {"1:60:60:websocket,,x", "sid@0+1 hb=60@2+2 close=60@5+2 tr@8+12 [websocket] bad_handshake@18"},
};

class V1Handshake : public ::testing::TestWithParam<Case> {};
TEST_P(V1Handshake, Parses) {
  siotest::PageEnd buf(GetParam().input);
  EXPECT_EQ(render_handshake(buf.view()), GetParam().expect);
}
INSTANTIATE_TEST_SUITE_P(Table, V1Handshake, ::testing::ValuesIn(kHandshakes));

}  // namespace
