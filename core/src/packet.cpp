#include "sio/packet.hpp"

namespace sio {

const char* ack_mode_name(AckMode m) {
  switch (m) {
    case AckMode::auto_: return "auto";
    case AckMode::data: return "data";
    case AckMode::none: break;
  }
  return nullptr;
}

void Packet::clear() {
  std::vector<Span> items = std::move(arg_items);  // keep the capacity
  items.clear();
  *this = Packet{};
  arg_items = std::move(items);
}

}  // namespace sio
