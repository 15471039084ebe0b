// Engine.IO 3/4 packets and payload framings, and the Socket.IO 4/5 packets they carry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "check.hpp"
#include "sio/sio.hpp"

namespace {
void packet(std::string_view in, sio::Span where, uint8_t version, bool binary) {
  static sio::eio::Packet e;
  static sio::modern::Decoder dec;
  static sio::Packet p;
  static sio::Json json;
  static sio::eio::Open open;
  if (binary) {
    sio::eio::decode_binary(in, where, version, e);
  } else {
    sio::eio::decode_text(in, where, version, e);
  }
  fuzzcheck::span(in, e.type);
  fuzzcheck::span(in, e.data);
  if (e.fault || !e.data.present()) return;
  if (e.type_code == sio::eio::open && !e.binary) {
    sio::eio::parse_open(json, in, e.data, open);
    for (sio::Span s : {open.sid, open.upgrades, open.ping_interval, open.ping_timeout, open.max_payload}) {
      fuzzcheck::span(in, s);
    }
    for (sio::Span s : open.upgrade_items) fuzzcheck::span(in, s);
  }
  if (e.type_code == sio::eio::message && !e.binary) {
    dec.packet(in, e.data, sio::modern::protocol_for_eio(version), p);
    fuzzcheck::packet(in, p);
    for (const auto& ph : dec.placeholders()) fuzzcheck::span(in, ph.span);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const uint8_t version = (data[0] & 1) ? 4 : 3;
  const sio::Span all = sio::make_span(0, in.size());
  static std::vector<sio::eio::Frame> frames;
  frames.clear();
  switch ((data[0] >> 1) % 5) {
    case 0:
      packet(in, all, version, false);
      break;
    case 1:
      packet(in, all, version, true);
      break;
    case 2: {
      size_t skipped = 0;
      sio::eio::split_payload_v3(in, frames, &skipped);
      // "0:" is skipped, never a frame; each skipped packet took two bytes
      for (const auto& f : frames) {
        if (f.fault.code == sio::Error::zero_length) std::abort();
      }
      if (skipped > in.size() / 2) std::abort();
      break;
    }
    case 3:
      sio::eio::split_payload_v3_binary(in, frames);
      break;
    default:
      sio::eio::split_payload_v4(in, frames);
  }
  for (const auto& f : frames) {
    fuzzcheck::span(in, f.length);
    fuzzcheck::span(in, f.packet);
    if (f.packet.len) packet(in, f.packet, version, f.binary);
  }
  return 0;
}
