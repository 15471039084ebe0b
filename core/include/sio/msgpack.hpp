// Socket.IO packets encoded with MessagePack (socket.io-msgpack-parser with
// notepack.io, python-socketio's serializer='msgpack'), carried in binary
// Engine.IO messages. Each packet is one MessagePack map:
//
//   type  integer 0-6 (required)      connect, disconnect, event, ack, connect_error,
//                                     binary_event, binary_ack (protocol 5 names)
//   nsp   string (required)           the namespace
//   data  any (optional)              per type, as socket.io-msgpack-parser checks it:
//                                       connect: a map (or nothing / nil)
//                                       disconnect: nothing (python sends nil: accepted)
//                                       event: an array whose first element is a string (the name)
//                                       ack: an array
//                                       connect_error: a string or a map (or nothing)
//   id    unsigned integer (optional) the message id (an ack's is the id it acknowledges)
//
// Other keys (socket.io-client adds "options": {"compress": true}) are kept in
// members(). notepack.io writes JS `undefined` as the extension fixext 1, type 0,
// byte 0 (d4 00 00): as the value of `data` or `id` it means the key is absent.
// There are no attachments: binary values stay in the map as bin.
//
// MessagePack is read with msgpack-c (msgpack_unpack_next, one scalar at a time
// at a given offset); only the headers of maps and arrays are read here, to
// step into them, their declared counts checked against the bytes left before
// anything is done with them (nothing is allocated in proportion to a declared
// length). Nesting beyond kMaxDepth maps/arrays fails with Error::msgpack_too_deep.
//
// Faults (Packet::fault, at the byte where decoding breaks; what decoded
// before is kept: members, type, nsp and id when they came first):
//   empty              nothing to decode
//   bad_msgpack        a byte that starts no MessagePack value (0xc1)
//   msgpack_truncated  the message ends inside a value (a cut header, string,
//                      binary or extension, or a container whose elements run out)
//   length_past_end    a map/array header declares more elements than bytes are left
//   msgpack_too_deep   maps/arrays nested deeper than kMaxDepth
//   trailing_data      bytes after the packet's map
//   not_map            the packet is not a map
//   missing_field      no `type` or no `nsp` key (at the map)
//   bad_type           `type` not an unsigned integer 0-6 (at the value)
//   bad_field          `nsp` not a string, `id` not an unsigned integer (at the value)
//   ext_value          an extension (other than an absent data/id's undefined) as
//                      the value of type, nsp, data or id
//   bad_data           data of a kind the type does not carry (event/ack: data not
//                      an array; at the value, or at the map when there is no data)
//   unexpected_data    disconnect with data other than nil
//   missing_name       event data is an empty array
//   name_not_string    event data's first element is not a string
//   bad_utf8           nsp or the event name is not UTF-8
//
// JSON rendering (data_json(), args_json(), arg_json()), for display:
//   nil -> null, true/false, integers in decimal, floats as the shortest text that
//   reads back to the same float32/float64 (NaN and infinities -> null, as
//   JSON.stringify), strings JSON-escaped (bytes that are not UTF-8 -> U+FFFD),
//   arrays -> [...], maps -> {...} with string keys as they are, number/true/
//   false/null keys as their text in quotes, and "[map]", "[array]", "[binary]",
//   "[ext]" for keys of those kinds;
//   bin -> {"_binary":"<base64 of the bytes>"}
//   notepack's undefined (d4 00 00) -> {"_undefined":true}
//   other extensions -> {"_ext":<type, -128..127>,"_data":"<base64 of the bytes>"}
// Every bin value inside `data` is listed in binaries() with its bytes' span.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sio/common.hpp"
#include "sio/packet.hpp"

namespace sio::msgpack {

inline constexpr size_t kMaxDepth = 256;

// A member of the packet's map, in wire order.
struct Member {
  Span key;    // the key string's bytes (absent when the key is not a string)
  Span value;  // the value's whole encoding
};

// A bin value inside `data`.
struct Binary {
  Span bytes;            // the binary bytes (without the bin header)
  Span value;            // the whole bin value
  int32_t arg = -1;      // index into Packet::arg_items of the argument holding it; -1: none
};

class Decoder {
 public:
  Decoder();
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes the MessagePack packet at in[where] into `out` (version 5, protocol 5
  // type names); spans are offsets into `in`. Fills type, endpoint (the nsp
  // string's bytes), id/ack (ack: ack_id), data (the data value's encoding, absent
  // when there is none or it is undefined), and for events name/name_value
  // (name_value views `in`), args (the elements after the name, args_inner set;
  // an empty span after the array when there are none) and arg_items; for acks
  // args (the data array) and arg_items (its elements).
  void packet(std::string_view in, Span where, Packet& out);

  // Whether in[where] is a MessagePack Socket.IO packet: a map with an unsigned
  // integer `type` 0-6 and a string `nsp` (both met before any fault), for
  // detection. Uses this decoder (its results are replaced).
  bool is_packet(std::string_view in, Span where);

  // Whether the JSON texts are made (default on); off, only spans are given.
  void set_json(bool on) { json_on_ = on; }

  // Results of the last packet() call.
  const std::vector<Member>& members() const { return members_; }
  const std::vector<Binary>& binaries() const { return binaries_; }
  // JSON of the data value ("" when there is no data or it did not decode).
  std::string_view data_json() const { return data_json_; }
  // JSON array of the arguments: an event's after the name, an ack's all ("" otherwise).
  std::string_view args_json() const { return args_json_; }
  // JSON of Packet::arg_items[i].
  std::string_view arg_json(size_t i) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<Member> members_;
  std::vector<Binary> binaries_;
  std::string data_json_;
  std::string args_json_;
  std::vector<Span> item_text_;  // per data array element: its range in data_json_
  size_t arg_offset_ = 0;        // data array elements before the first argument
  bool json_on_ = true;
  Packet scratch_;
};

}  // namespace sio::msgpack
