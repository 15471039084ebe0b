// The Socket.IO packet as decoded from any protocol generation.
//
// One struct serves revision 1 (socket.io 0.x) and protocols 4/5 (socket.io
// 1.x-4.x): the fields a user filters on are the same, only the grammar that
// fills them differs. All spans are offsets into the decoded input.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sio/common.hpp"

namespace sio {

// Whether the sender asked for an acknowledgement, and of which kind.
enum class AckMode : uint8_t {
  none,  // no acknowledgement asked
  auto_, // 0.x: id without '+', the receiver acks automatically
  data,  // 0.x: id with '+'; 4/5: any id (the ack carries data)
};

const char* ack_mode_name(AckMode m);  // "auto", "data", or nullptr for none

struct Packet {
  uint8_t version = 0;     // protocol revision: 1, 4 or 5
  uint8_t type_code = 0;   // the type digit as on the wire
  Span type;               // bytes of the type digit
  const char* type_name = nullptr;  // lowercase name, nullptr when the type is unknown

  Span id;                 // the packet's own message id digits
  uint64_t id_value = 0;
  AckMode ack = AckMode::none;
  Span ack_marker;         // 0.x: the '+' after the id

  Span endpoint;           // namespace bytes; absent or empty means the default "/"
  Span qs;                 // connect query string, without the leading '?' (0.x and protocol 4 only)
  Span data;               // the data part after the header (raw)

  // event (and json name/args split for 4/5)
  Span name;               // bytes of the event name, inside the quotes
  std::string_view name_value;  // unescaped name; valid until the next decode call
  Span args;               // the JSON array of arguments; absent means []
  bool args_inner = false; // args covers only the elements: the array is "[" + args + "]"
  std::vector<Span> arg_items;  // each argument's exact bytes

  // ack
  Span ack_id;             // the id acknowledged
  uint64_t ack_id_value = 0;

  // error (0.x)
  Span reason;
  uint32_t reason_value = 0;
  Span advice;
  uint32_t advice_value = 0;

  // binary attachments (4/5)
  Span attachments;
  uint32_t attachments_value = 0;

  // The first decode fault; fields before it are valid. Error::reserved_name
  // is the exception: a verdict on a packet decoded in full (every field filled).
  Fault fault;

  void clear();
};

}  // namespace sio
