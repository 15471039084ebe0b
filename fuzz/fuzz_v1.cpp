// Socket.IO 0.x: packets, polling payloads, handshakes. The first byte picks the entry point.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "check.hpp"
#include "sio/sio.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  static sio::v1::Decoder dec;
  static sio::Packet p;
  static std::vector<sio::v1::Frame> frames;
  switch (data[0] % 3) {
    case 0:
      dec.packet(in, p);
      fuzzcheck::packet(in, p);
      break;
    case 1:
      frames.clear();
      sio::v1::split_payload(in, frames);
      for (const auto& f : frames) {
        fuzzcheck::span(in, f.packet);
        fuzzcheck::span(in, f.length);
        dec.packet(in, f.packet, p);
        fuzzcheck::packet(in, p);
      }
      break;
    default: {
      sio::v1::Handshake hs;
      sio::v1::parse_handshake(in, hs);
      for (sio::Span s : {hs.sid, hs.heartbeat, hs.close, hs.transports}) fuzzcheck::span(in, s);
      for (sio::Span s : hs.transport_items) fuzzcheck::span(in, s);
    }
  }
  return 0;
}
