// Engine.IO 3/4 packets and payloads, Socket.IO protocol 4/5 packets.
#include <gtest/gtest.h>

#include "support.hpp"

namespace {

struct Case {
  const char* input;
  size_t len;  // 0: strlen(input)
  int version;
  const char* expect;
};

std::string_view view(const Case& c) { return {c.input, c.len ? c.len : std::strlen(c.input)}; }

std::string render_eio(std::string_view in, const sio::eio::Packet& p) {
  std::string out = std::string(p.type_name ? p.type_name : "?") + "@" + siotest::span(p.type);
  if (p.binary) out += " binary";
  if (p.base64) out += " base64";
  if (p.data.present()) out += " data@" + siotest::span(p.data);
  (void)in;
  return out + " fault=" + siotest::fault(p.fault);
}

const Case kEioText[] = {
    {"0{\"sid\":\"a\"}", 0, 4, "open@0+1 data@1+11 fault=ok"},
    {"1", 0, 4, "close@0+1 fault=ok"},
    {"2", 0, 4, "ping@0+1 fault=ok"},
    {"3probe", 0, 4, "pong@0+1 data@1+5 fault=ok"},
    {"42[\"chat\",1]", 0, 4, "message@0+1 data@1+11 fault=ok"},
    {"5", 0, 3, "upgrade@0+1 fault=ok"},
    {"6", 0, 3, "noop@0+1 fault=ok"},
    {"bAAEC/w==", 0, 4, "message@- binary base64 data@1+8 fault=ok"},
    {"b4AAEC/w==", 0, 3, "message@1+1 binary base64 data@2+8 fault=ok"},
    // malformed
    {"", 0, 4, "?@- fault=empty@0"},
    {"7", 0, 4, "?@0+1 fault=bad_type@0"},
    {"x", 0, 3, "?@0+1 fault=bad_type@0"},
    {"b9AA", 0, 3, "?@- binary base64 fault=bad_type@1"},
    {"bA!A", 0, 4, "message@- binary base64 data@1+3 fault=bad_base64@2"},
    {"4\xFF", 0, 4, "message@0+1 data@1+1 fault=bad_utf8@1"},
};

class EioText : public ::testing::TestWithParam<Case> {};
TEST_P(EioText, Decodes) {
  siotest::PageEnd buf(view(GetParam()));
  sio::eio::Packet p;
  sio::eio::decode_text(buf.view(), sio::make_span(0, buf.view().size()), static_cast<uint8_t>(GetParam().version), p);
  EXPECT_EQ(render_eio(buf.view(), p), GetParam().expect) << GetParam().input;
}
INSTANTIATE_TEST_SUITE_P(Table, EioText, ::testing::ValuesIn(kEioText));

TEST(EioBinary, V3TypeByteV4PureData) {
  std::string v3("\x04\x00\x01\xFF", 4);
  sio::eio::Packet p;
  sio::eio::decode_binary(v3, sio::make_span(0, v3.size()), 3, p);
  EXPECT_EQ(render_eio(v3, p), "message@0+1 binary data@1+3 fault=ok");
  sio::eio::decode_binary(v3, sio::make_span(0, v3.size()), 4, p);
  EXPECT_EQ(render_eio(v3, p), "message@- binary data@0+4 fault=ok");
  std::string bad("\x09\x00", 2);
  sio::eio::decode_binary(bad, sio::make_span(0, bad.size()), 3, p);
  EXPECT_EQ(render_eio(bad, p), "?@0+1 binary fault=bad_type@0");
  sio::eio::decode_binary("", sio::make_span(0, 0), 3, p);
  EXPECT_EQ(render_eio("", p), "?@- binary fault=empty@0");
}

std::string render_frames(const std::vector<sio::eio::Frame>& frames, sio::Fault f) {
  std::string out;
  for (const auto& fr : frames) {
    if (fr.length.present()) out += "len=" + std::to_string(fr.declared) + "@" + siotest::span(fr.length) + " ";
    out += std::string(fr.binary ? "bin" : "pkt") + "@" + siotest::span(fr.packet) + " " + siotest::fault(fr.fault) +
           "; ";
  }
  return out + "=> " + siotest::fault(f);
}

std::string frames_v3(std::string_view body) {
  siotest::PageEnd buf(body);
  std::vector<sio::eio::Frame> frames;
  sio::Fault f = sio::eio::split_payload_v3(buf.view(), frames);
  return render_frames(frames, f);
}
std::string frames_v3b(std::string_view body) {
  siotest::PageEnd buf(body);
  std::vector<sio::eio::Frame> frames;
  sio::Fault f = sio::eio::split_payload_v3_binary(buf.view(), frames);
  return render_frames(frames, f);
}
std::string frames_v4(std::string_view body) {
  siotest::PageEnd buf(body);
  std::vector<sio::eio::Frame> frames;
  sio::Fault f = sio::eio::split_payload_v4(buf.view(), frames);
  return render_frames(frames, f);
}

TEST(EioPayload, V3Text) {
  EXPECT_EQ(frames_v3("6:4hello2:40"), "len=6@0+1 pkt@2+6 ok; len=2@8+1 pkt@10+2 ok; => ok");
  // UTF-16 code units: "4é😀" is 4 units, 7 bytes
  EXPECT_EQ(frames_v3("4:4\xC3\xA9\xF0\x9F\x98\x80" "1:2"), "len=4@0+1 pkt@2+7 ok; len=1@9+1 pkt@11+1 ok; => ok");
  EXPECT_EQ(frames_v3("10:b4AAECAw=="), "len=10@0+2 pkt@3+10 ok; => ok");
  // a v4 body "4hello\x1e2" does not parse as v3
  EXPECT_EQ(frames_v3("4hello"), "len=4@0+1 pkt@1+0 bad_frame@1; => bad_frame@1");
  EXPECT_EQ(frames_v3(""), "=> empty@0");
  EXPECT_EQ(frames_v3(":4x"), "pkt@0+0 bad_length@0; => bad_length@0");
  EXPECT_EQ(frames_v3("9:4hi"), "len=9@0+1 pkt@2+3 length_past_end@0; => length_past_end@0");
  EXPECT_EQ(frames_v3("0:1:2"), "len=1@2+1 pkt@4+1 ok; => ok");  // "0:" skipped, see V3ZeroLengthSkipped
  EXPECT_EQ(frames_v3("99999999999999999999999:4"), "pkt@0+0 id_overflow@0; => id_overflow@0");
}

std::string frames_v3_skipped(std::string_view body) {
  siotest::PageEnd buf(body);
  std::vector<sio::eio::Frame> frames;
  size_t skipped = 99;
  sio::Fault f = sio::eio::split_payload_v3(buf.view(), frames, &skipped);
  return render_frames(frames, f) + " skipped=" + std::to_string(skipped);
}

// engine.io-parser 2.x decodePayload: a packet of length 0 ("0:") is passed over
// (`if (msg.length)`), neither a packet nor an error; an empty payload ("") is an error.
// (python-engineio 3.x fails on "0:" instead: it decodes an empty packet.)
TEST(EioPayload, V3ZeroLengthSkippedAsEngineIoParser2) {
  EXPECT_EQ(frames_v3_skipped("0:"), "=> ok skipped=1");
  EXPECT_EQ(frames_v3_skipped(""), "=> empty@0 skipped=0");  // told apart from "0:" by the fault
  EXPECT_EQ(frames_v3_skipped("0:0:"), "=> ok skipped=2");
  EXPECT_EQ(frames_v3_skipped("2:400:"), "len=2@0+1 pkt@2+2 ok; => ok skipped=1");
  EXPECT_EQ(frames_v3_skipped("0:2:40"), "len=2@2+1 pkt@4+2 ok; => ok skipped=1");
  EXPECT_EQ(frames_v3_skipped("2:400:1:2"), "len=2@0+1 pkt@2+2 ok; len=1@6+1 pkt@8+1 ok; => ok skipped=1");
  EXPECT_EQ(frames_v3_skipped("2:40"), "len=2@0+1 pkt@2+2 ok; => ok skipped=0");
  // what follows a skipped packet is still framed
  EXPECT_EQ(frames_v3_skipped("0:x"), "pkt@2+0 bad_length@2; => bad_length@2 skipped=1");
  EXPECT_EQ(frames_v3_skipped("0:9:4"), "len=9@2+1 pkt@4+1 length_past_end@2; => length_past_end@2 skipped=1");
  // the count is optional
  std::vector<sio::eio::Frame> frames;
  EXPECT_FALSE(sio::eio::split_payload_v3("0:", frames));
  EXPECT_TRUE(frames.empty());
  // the XHR2 binary framing keeps a zero length as a fault: engine.io-parser 2.x
  // decodes its empty packet as a parse error
  EXPECT_EQ(frames_v3b(std::string("\x00\x00\xFF" "\x00\x01\xFF" "2", 7)),
            "len=0@1+1 pkt@3+0 zero_length@1; len=1@4+1 pkt@6+1 ok; => ok");
}

TEST(EioPayload, V3BinaryXhr2) {
  // string packet "4hi" (3 bytes), binary packet type 4 + bytes 01 02 (3 bytes)
  std::string body("\x00\x03\xFF" "4hi" "\x01\x03\xFF\x04\x01\x02", 12);
  EXPECT_TRUE(sio::eio::is_v3_binary_payload(body));
  EXPECT_EQ(frames_v3b(body), "len=3@1+1 pkt@3+3 ok; len=3@7+1 bin@9+3 ok; => ok");
  // lengths count bytes, one decimal digit per byte: 12 = 01 02
  std::string twelve("\x00\x01\x02\xFF" "4abcdefghijk", 16);
  EXPECT_EQ(frames_v3b(twelve), "len=12@1+2 pkt@4+12 ok; => ok");
  EXPECT_EQ(frames_v3b(std::string("\x00\x09\xFF" "4hi", 6)), "len=9@1+1 pkt@3+3 length_past_end@1; => length_past_end@1");
  EXPECT_EQ(frames_v3b(std::string("\x02\x01\xFF" "4", 4)), "pkt@0+4 bad_frame@0; => bad_frame@0");
  EXPECT_EQ(frames_v3b(std::string("\x00\x0A\xFF" "4", 4)), "pkt@1+0 bad_length@1; => bad_length@1");
  EXPECT_EQ(frames_v3b(std::string("\x00\x01", 2)), "pkt@2+0 bad_frame@2; => bad_frame@2");
  EXPECT_EQ(frames_v3b(std::string("\x00\xFF", 2)), "pkt@1+0 bad_length@1; => bad_length@1");
  EXPECT_FALSE(sio::eio::is_v3_binary_payload("4:4abc"));
}

TEST(EioPayload, V4RecordSeparator) {
  EXPECT_EQ(frames_v4("4hello\x1e" "2\x1e" "bAQI="), "pkt@0+6 ok; pkt@7+1 ok; pkt@9+5 ok; => ok");
  EXPECT_EQ(frames_v4("4a\x1e\x1e" "2"), "pkt@0+2 ok; pkt@3+0 empty@3; pkt@4+1 ok; => empty@3");
  EXPECT_EQ(frames_v4("2"), "pkt@0+1 ok; => ok");
}

TEST(EioOpen, Handshake) {
  std::string body =
      "0{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
      "\"pingTimeout\":20000,\"maxPayload\":1000000}";
  sio::Json json;
  sio::eio::Open o;
  ASSERT_FALSE(sio::eio::parse_open(json, body, sio::make_span(1, body.size() - 1), o));
  EXPECT_EQ(o.sid_value, "lv_VI97HAXpY6yYWAAAC");
  EXPECT_EQ(siotest::span(o.sid), "9+20");
  ASSERT_EQ(o.upgrade_items.size(), 1u);
  EXPECT_EQ(o.upgrade_items[0].in(body), "websocket");
  EXPECT_EQ(o.ping_interval_value, 25000u);
  EXPECT_EQ(o.ping_interval.in(body), "25000");
  EXPECT_EQ(o.ping_timeout_value, 20000u);
  EXPECT_EQ(o.max_payload_value, 1000000u);

  std::string v3 = "0{\"sid\":\"x\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":5000}";
  ASSERT_FALSE(sio::eio::parse_open(json, v3, sio::make_span(1, v3.size() - 1), o));
  EXPECT_TRUE(o.upgrade_items.empty());
  EXPECT_FALSE(o.max_payload.present());

  std::string bad = "0{\"upgrades\":[]}";
  EXPECT_EQ(siotest::fault(sio::eio::parse_open(json, bad, sio::make_span(1, bad.size() - 1), o)), "bad_open@1");
  bad = "0{\"sid\":\"x\",\"pingInterval\":\"soon\"}";
  EXPECT_EQ(siotest::fault(sio::eio::parse_open(json, bad, sio::make_span(1, bad.size() - 1), o)), "bad_open@27");
  bad = "0{\"sid\":";
  EXPECT_EQ(siotest::fault(sio::eio::parse_open(json, bad, sio::make_span(1, bad.size() - 1), o)), "json_truncated@8");
}

std::string render_modern(std::string_view in, const sio::Packet& p, const sio::modern::Decoder& dec) {
  std::string out = siotest::render(in, p);
  if (p.args_inner) out += " inner";
  if (p.attachments.present()) out += " att=" + std::to_string(p.attachments_value) + "@" + siotest::span(p.attachments);
  for (const auto& ph : dec.placeholders()) out += " ph" + std::to_string(ph.num) + "@" + siotest::span(ph.span);
  return out;
}

const Case kModern[] = {
    {"0", 0, 5, "connect@0+1 fault=ok"},
    {"0/admin,{\"token\":\"abc\"}", 0, 5, "connect@0+1 ep='/admin'@1+6 data@8+15 fault=ok"},
    {"0{\"sid\":\"x1\"}", 0, 5, "connect@0+1 data@1+12 fault=ok"},
    {"0/chat?room=lobby", 0, 4, "connect@0+1 ep='/chat'@1+5 qs='room=lobby'@7+10 fault=ok"},
    {"0/chat?room=lobby,", 0, 4, "connect@0+1 ep='/chat'@1+5 qs='room=lobby'@7+10 fault=ok"},
    {"1/chat,", 0, 5, "disconnect@0+1 ep='/chat'@1+5 fault=ok"},
    {"2[\"chat message\",\"hi\",{\"a\":[1]}]", 0, 5,
     "event@0+1 data@1+31 name='chat message'@3+12 args@17+14 items=[17+4,22+9] fault=ok inner"},
    {"2/chat,7[\"ping\"]", 0, 5, "event@0+1 id=7@7+1 ack=data ep='/chat'@1+5 data@8+8 name='ping'@10+4 args@15+0 fault=ok inner"},
    {"2[ \"x\" , 1 , {\"a\":[2]} ]\n", 0, 5, "event@0+1 data@1+24 name='x'@4+1 args@9+13 items=[9+1,13+9] fault=ok inner"},  // whitespace around items and after the array
    {"3[ 1 , 2 ]", 0, 5, "ack@0+1 data@1+9 args@1+9 items=[3+1,7+1] fault=ok"},
    {"2[42,true]", 0, 4, "event@0+1 data@1+9 name='42'@2+2 args@5+4 items=[5+4] fault=ok inner"},
    {"2[\"caf\\u00e9\"]", 0, 5, "event@0+1 data@1+13 name='caf\xC3\xA9'@3+9 args@13+0 fault=ok inner"},
    {"312[\"ok\",2]", 0, 5, "ack@0+1 data@3+8 args@3+8 items=[4+4,9+1] ack_id=12@1+2 fault=ok"},
    {"3/chat,1[]", 0, 4, "ack@0+1 ep='/chat'@1+5 data@8+2 args@8+2 ack_id=1@7+1 fault=ok"},
    {"4\"not authorized\"", 0, 4, "error@0+1 data@1+16 fault=ok"},
    {"4/private,{\"message\":\"not authorized\"}", 0, 5, "connect_error@0+1 ep='/private'@1+8 data@10+28 fault=ok"},
    {"51-[\"up\",{\"_placeholder\":true,\"num\":0}]", 0, 5,
     "binary_event@0+1 data@3+36 name='up'@5+2 args@9+29 items=[9+29] fault=ok inner att=1@1+1 ph0@9+29"},
    {"52-/chat,3[\"two\",{\"num\":1,\"_placeholder\":true},{\"x\":{\"_placeholder\":true,\"num\":0}}]", 0, 5,
     "binary_event@0+1 id=3@9+1 ack=data ep='/chat'@3+5 data@10+73 name='two'@12+3 args@17+65 items=[17+29,47+35] "
     "fault=ok inner att=2@1+1 ph1@17+29 ph0@52+29"},
    {"61-4[{\"_placeholder\":true,\"num\":0}]", 0, 4,
     "binary_ack@0+1 data@4+31 args@4+31 items=[5+29] ack_id=4@3+1 fault=ok att=1@1+1 ph0@5+29"},
    // socket.io-parser 3.x/4.x: zero attachments is a count like any other, the
    // packet decoded at once (Decoder.add: `if (packet.attachments === 0)`)
    {"50-[\"x\"]", 0, 5, "binary_event@0+1 data@3+5 name='x'@5+1 args@7+0 fault=ok inner att=0@1+1"},
    {"50-/up,1[\"x\",{\"a\":1}]", 0, 5,
     "binary_event@0+1 id=1@7+1 ack=data ep='/up'@3+3 data@8+13 name='x'@10+1 args@13+7 items=[13+7] fault=ok inner "
     "att=0@1+1"},
    {"60-3[]", 0, 5, "binary_ack@0+1 data@4+2 args@4+2 ack_id=3@3+1 fault=ok att=0@1+1"},
    {"50-[\"x\"]", 0, 4, "binary_event@0+1 data@3+5 name='x'@5+1 args@7+0 fault=ok inner att=0@1+1"},
    // socket.io-parser 4.x: the namespace runs to the first ',' -- "?x=1" is part of it in protocol 5
    {"0/admin?x=1,", 0, 5, "connect@0+1 ep='/admin?x=1'@1+10 fault=ok"},
    {"0/admin?x=1", 0, 5, "connect@0+1 ep='/admin?x=1'@1+10 fault=ok"},
    {"0/admin?x=1,{\"t\":1}", 0, 5, "connect@0+1 ep='/admin?x=1'@1+10 data@12+7 fault=ok"},
    // protocol 4 (socket.io 2.x server: url.parse(packet.nsp)): CONNECT's query split off
    {"0/chat?a=b", 0, 4, "connect@0+1 ep='/chat'@1+5 qs='a=b'@7+3 fault=ok"},
    {"2/chat?a=b,[\"x\"]", 0, 4, "event@0+1 ep='/chat?a=b'@1+9 data@11+5 name='x'@13+1 args@15+0 fault=ok inner"},
    // protocol 5 CONNECT carries auth data (an object); protocol 4 CONNECT carries none
    {"0{\"token\":1}", 0, 4, "connect@0+1 data@1+11 fault=unexpected_data@1"},
    {"0/nsp,{\"token\":1}", 0, 4, "connect@0+1 ep='/nsp'@1+4 data@6+11 fault=unexpected_data@6"},
    {"0/nsp?a=b,{\"token\":1}", 0, 4, "connect@0+1 ep='/nsp'@1+4 qs='a=b'@6+3 data@10+11 fault=unexpected_data@10"},
    {"0{\"token\":1}", 0, 5, "connect@0+1 data@1+11 fault=ok"},
    {"0/nsp,{\"token\":1}", 0, 5, "connect@0+1 ep='/nsp'@1+4 data@6+11 fault=ok"},
    {"0/nsp, {\"token\":1}", 0, 5, "connect@0+1 ep='/nsp'@1+4 data@6+12 fault=ok"},
    // socket.io-parser 4.2.4+ RESERVED_EVENTS: refused names in protocol 5, flagged at the
    // name with everything else decoded; 3.x (protocol 4) has no such list
    {"2[\"connect\"]", 0, 5, "event@0+1 data@1+11 name='connect'@3+7 args@11+0 fault=reserved_name@3 inner"},
    {"2[\"connect_error\"]", 0, 5,
     "event@0+1 data@1+17 name='connect_error'@3+13 args@17+0 fault=reserved_name@3 inner"},
    {"2/chat,5[\"disconnect\",\"x\"]", 0, 5,
     "event@0+1 id=5@7+1 ack=data ep='/chat'@1+5 data@8+18 name='disconnect'@10+10 args@22+3 items=[22+3] "
     "fault=reserved_name@10 inner"},
    {"2[\"disconnecting\"]", 0, 5,
     "event@0+1 data@1+17 name='disconnecting'@3+13 args@17+0 fault=reserved_name@3 inner"},
    {"2[\"newListener\",1]", 0, 5,
     "event@0+1 data@1+17 name='newListener'@3+11 args@16+1 items=[16+1] fault=reserved_name@3 inner"},
    {"2[\"removeListener\"]", 0, 5,
     "event@0+1 data@1+18 name='removeListener'@3+14 args@18+0 fault=reserved_name@3 inner"},
    {"2[\"conn\\u0065ct\"]", 0, 5, "event@0+1 data@1+16 name='connect'@3+12 args@16+0 fault=reserved_name@3 inner"},
    {"51-[\"disconnect\",{\"_placeholder\":true,\"num\":0}]", 0, 5,
     "binary_event@0+1 data@3+44 name='disconnect'@5+10 args@17+29 items=[17+29] fault=reserved_name@5 inner att=1@1+1 "
     "ph0@17+29"},
    {"2[\"connect\"]", 0, 4, "event@0+1 data@1+11 name='connect'@3+7 args@11+0 fault=ok inner"},
    {"2[\"Connect\"]", 0, 5, "event@0+1 data@1+11 name='Connect'@3+7 args@11+0 fault=ok inner"},
    {"2[\"connection\"]", 0, 5, "event@0+1 data@1+14 name='connection'@3+10 args@14+0 fault=ok inner"},
    {"3[\"connect\"]", 0, 5, "ack@0+1 data@1+11 args@1+11 items=[2+9] fault=ok"},  // an ack names no event
    // protocol 4 ERROR (socket.io-parser 3.4.3: typeof "string" or "object"): arrays and null too
    {"4[1]", 0, 4, "error@0+1 data@1+3 fault=ok"},
    {"4null", 0, 4, "error@0+1 data@1+4 fault=ok"},
    {"4/x, \"no\"", 0, 4, "error@0+1 ep='/x'@1+2 data@4+5 fault=ok"},
    {"4true", 0, 4, "error@0+1 data@1+4 fault=bad_data@1"},
    {"4null", 0, 5, "connect_error@0+1 data@1+4 fault=bad_data@1"},
    // JSON.parse and Python's json take numbers beyond 64 bits or a double, and \u escapes of
    // unpaired surrogates; simdjson alone does not
    {"2[\"x\",123456789012345678901234567890,1e400,-1E+999]", 0, 5,
     "event@0+1 data@1+50 name='x'@3+1 args@6+44 items=[6+30,37+5,43+7] fault=ok inner"},
    {"2[\"\\ud83d\"]", 0, 5, "event@0+1 data@1+10 name='\xEF\xBF\xBD'@3+6 args@10+0 fault=ok inner"},
    {"2[\"x\",\"\\udc00\\ud800\\u0041\",\"\\ud83d\\ude00\"]", 0, 5,
     "event@0+1 data@1+41 name='x'@3+1 args@6+35 items=[6+20,27+14] fault=ok inner"},
    {"2[\"x\",01]", 0, 5, "event@0+1 data@1+8 fault=bad_json@1"},
    {"2[\"x\",1e]", 0, 5, "event@0+1 data@1+8 fault=bad_json@1"},
    {"2[\"x\",\"\\ud8\"]", 0, 5, "event@0+1 data@1+12 fault=bad_json@1"},
    // malformed
    {"", 0, 5, "?@- fault=empty@0"},
    {"7", 0, 5, "?@0+1 fault=bad_type@0"},
    {"5[\"x\"]", 0, 5, "binary_event@0+1 fault=bad_attachments@1"},
    {"5-[\"x\"]", 0, 5, "binary_event@0+1 fault=bad_attachments@1"},  // JS takes "" as 0; python-socketio refuses
    {"51[\"x\"]", 0, 5, "binary_event@0+1 fault=bad_attachments@1"},
    {"2[\"x\"", 0, 5, "event@0+1 data@1+4 fault=json_truncated@5"},
    {"2[\"x\",{\"a\":\"]}", 0, 13, "event@0+1 data@1+13 fault=json_truncated@14"},  // cut inside a string
    {"2[\"x\"]]", 0, 7, "event@0+1 data@1+6 fault=bad_json@1"},  // closes more than it opens
    {"2{\"x\":1}", 0, 5, "event@0+1 data@1+7 fault=bad_data@1"},
    {"2[]", 0, 5, "event@0+1 data@1+2 fault=missing_name@1"},
    {"2[null]", 0, 5, "event@0+1 data@1+6 items=[2+4] fault=name_not_string@2"},
    {"2", 0, 5, "event@0+1 fault=bad_data@1"},
    {"3{}", 0, 5, "ack@0+1 data@1+2 args@1+2 fault=bad_data@1"},
    {"3", 0, 5, "ack@0+1 fault=bad_data@1"},
    {"1/chat,x", 0, 5, "disconnect@0+1 ep='/chat'@1+5 data@7+1 fault=unexpected_data@7"},
    {"0[1]", 0, 5, "connect@0+1 data@1+3 fault=bad_data@1"},
    {"4123", 0, 5, "connect_error@0+1 id=123@1+3 ack=data fault=ok"},
    {"4[1]", 0, 5, "connect_error@0+1 data@1+3 fault=bad_data@1"},
    {"299999999999999999999[\"x\"]", 0, 5, "event@0+1 fault=id_overflow@1"},
    {"2[\"\xFF\"]", 0, 5, "event@0+1 data@1+5 fault=bad_utf8@1"},
};

class Modern : public ::testing::TestWithParam<Case> {};
TEST_P(Modern, Decodes) {
  siotest::PageEnd buf(view(GetParam()));
  sio::modern::Decoder dec;
  sio::Packet p;
  dec.packet(buf.view(), sio::make_span(0, buf.view().size()), static_cast<uint8_t>(GetParam().version), p);
  EXPECT_EQ(render_modern(buf.view(), p, dec), GetParam().expect) << GetParam().input;
}
INSTANTIATE_TEST_SUITE_P(Table, Modern, ::testing::ValuesIn(kModern));

// Without per-argument spans the decoder gives the same packet, args span and
// fault; only arg_items stays empty.
TEST(Modern, WithoutArgItemsSameResult) {
  for (const Case& c : kModern) {
    siotest::PageEnd buf(view(c));
    sio::modern::Decoder full, names_only;
    names_only.set_arg_items(false);
    sio::Packet a, b;
    const auto where = sio::make_span(0, buf.view().size());
    full.packet(buf.view(), where, static_cast<uint8_t>(c.version), a);
    names_only.packet(buf.view(), where, static_cast<uint8_t>(c.version), b);
    EXPECT_TRUE(b.arg_items.empty()) << c.input;
    b.arg_items = a.arg_items;
    EXPECT_EQ(render_modern(buf.view(), b, names_only), render_modern(buf.view(), a, full)) << c.input;
  }
}

// An Engine.IO message carrying a zero-attachment binary event: "4" + "50-[...]".
TEST(Modern, ZeroAttachmentsInsideEngineIoMessage) {
  siotest::PageEnd buf("450-[\"x\",1]");
  sio::eio::Packet e;
  sio::eio::decode_text(buf.view(), sio::make_span(0, buf.view().size()), 4, e);
  ASSERT_EQ(render_eio(buf.view(), e), "message@0+1 data@1+10 fault=ok");
  sio::modern::Decoder dec;
  sio::Packet p;
  dec.packet(buf.view(), e.data, 5, p);
  EXPECT_EQ(render_modern(buf.view(), p, dec),
            "binary_event@1+1 data@4+7 name='x'@6+1 args@9+1 items=[9+1] fault=ok inner att=0@2+1");
}

TEST(Modern, TypeNamesPerProtocol) {
  EXPECT_STREQ(sio::modern::type_name(4, 4), "error");
  EXPECT_STREQ(sio::modern::type_name(4, 5), "connect_error");
  EXPECT_STREQ(sio::modern::type_name(5, 5), "binary_event");
  EXPECT_EQ(sio::modern::type_name(7, 5), nullptr);
  EXPECT_EQ(sio::modern::protocol_for_eio(3), 4);
  EXPECT_EQ(sio::modern::protocol_for_eio(4), 5);
}

TEST(Base64, Decodes) {
  std::string out;
  EXPECT_FALSE(sio::base64_decode("AAEC/w==", 0, out));
  EXPECT_EQ(out, std::string("\x00\x01\x02\xFF", 4));
  EXPECT_FALSE(sio::base64_decode("AAEC_w", 0, out));  // URL alphabet, no padding
  EXPECT_EQ(out, std::string("\x00\x01\x02\xFF", 4));
  EXPECT_FALSE(sio::base64_decode("", 0, out));
  EXPECT_EQ(out, "");
  EXPECT_EQ(siotest::fault(sio::base64_decode("AA*C", 5, out)), "bad_base64@7");
  EXPECT_EQ(siotest::fault(sio::base64_decode("A", 0, out)), "bad_base64@1");
  EXPECT_EQ(siotest::fault(sio::base64_decode("AA=A", 0, out)), "bad_base64@3");
  EXPECT_EQ(siotest::fault(sio::base64_decode("AAA==", 0, out)), "bad_base64@3");
}

}  // namespace

namespace {
// Large inputs stay linear: a million tiny packets in one body, a huge attachment count,
// a long run of namespaces' worth of data. Nothing here recurses on the input.
TEST(ResourceBounds, MillionTinyPacketsInOneBody) {
  std::string v4;
  std::string v1;
  for (int i = 0; i < 1000000; ++i) {
    v4 += i ? "\x1e" "2" : "2";
    v1 += "\xEF\xBF\xBD" "3" "\xEF\xBF\xBD" "2::";
  }
  std::vector<sio::eio::Frame> frames;
  EXPECT_FALSE(sio::eio::split_payload_v4(v4, frames));
  EXPECT_EQ(frames.size(), 1000000u);
  std::vector<sio::v1::Frame> v1frames;
  EXPECT_FALSE(sio::v1::split_payload(v1, v1frames));
  EXPECT_EQ(v1frames.size(), 1000000u);
}

TEST(ResourceBounds, HugeAttachmentCountIsJustANumber) {
  sio::modern::Decoder dec;
  sio::Packet p;
  std::string in = "54294967295-[\"x\"]";
  dec.packet(in, sio::make_span(0, in.size()), 5, p);
  EXPECT_FALSE(p.fault);
  EXPECT_EQ(p.attachments_value, 4294967295u);
  in = "54294967296-[\"x\"]";
  dec.packet(in, sio::make_span(0, in.size()), 5, p);
  EXPECT_EQ(siotest::fault(p.fault), "bad_attachments@1");
}

TEST(ResourceBounds, ManyPlaceholdersAndWideArrays) {
  std::string in = "5100000-[\"up\"";
  for (int i = 0; i < 100000; ++i) in += ",{\"_placeholder\":true,\"num\":" + std::to_string(i) + "}";
  in += "]";
  sio::modern::Decoder dec;
  sio::Packet p;
  dec.packet(in, sio::make_span(0, in.size()), 5, p);
  EXPECT_FALSE(p.fault);
  EXPECT_EQ(p.arg_items.size(), 100000u);
  EXPECT_EQ(dec.placeholders().size(), 100000u);
  EXPECT_EQ(dec.placeholders().back().num, 99999u);
}
}  // namespace
