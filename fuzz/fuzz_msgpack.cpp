// MessagePack Socket.IO packets: decoding (with and without JSON text) and detection.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "check.hpp"
#include "sio/sio.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  static sio::msgpack::Decoder dec;
  static sio::Packet p;
  const bool json = data[0] % 2 == 0;
  dec.set_json(json);
  dec.packet(in, sio::make_span(0, in.size()), p);
  fuzzcheck::packet(in, p);
  if (p.version != 5) std::abort();
  for (const auto& m : dec.members()) {
    fuzzcheck::span(in, m.key);
    fuzzcheck::span(in, m.value);
  }
  for (const auto& b : dec.binaries()) {
    fuzzcheck::span(in, b.bytes);
    fuzzcheck::span(in, b.value);
    // the bytes lie inside the bin value; the argument, when named, exists
    if (b.bytes.off < b.value.off || b.bytes.end() > b.value.end()) std::abort();
    if (b.arg >= 0 && static_cast<size_t>(b.arg) >= p.arg_items.size()) std::abort();
  }
  if (json) {
    // one JSON text per argument, and the arguments' array when there are arguments
    for (size_t i = 0; i < p.arg_items.size(); ++i) {
      if (dec.arg_json(i).empty()) std::abort();
    }
    if (p.args.present() && dec.args_json().empty()) std::abort();
  }
  // detection agrees with decoding
  const bool found = p.type_name != nullptr && p.endpoint.present();
  if (dec.is_packet(in, sio::make_span(0, in.size())) != found) std::abort();
  return 0;
}
