// Shared declarations of the Wireshark layer. Only plugin/ includes Wireshark.
#pragma once

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>

#include "compat.h"

#include <string_view>

#include "sio/sio.hpp"
#include "sio/msgpack.hpp"

void sio_register(void);
void sio_handoff(void);
void sio_handoff_transport(void);
// Preferences changed: asks for the HTTP/2 fields (or stops asking) as sio.http2_streams says.
void sio_transport_prefs_applied(void);

// Protocol, preference and expert handles shared by the plugin's files.
extern int proto_sio;
extern sio_pref_bool sio_pref_detect_http;
extern sio_pref_bool sio_pref_http2_streams;
extern sio_pref_bool sio_pref_detect_ws;
extern sio_pref_bool sio_pref_json_subtree;
// Preference "encoding": how binary Engine.IO messages are read.
enum SioEncoding : gint { kEncodingAuto = 0, kEncodingJson = 1, kEncodingMsgpack = 2 };
extern gint sio_pref_encoding;
extern const char* sio_pref_resource;
extern expert_field ei_sio_malformed;
extern expert_field ei_sio_guess;
extern expert_field ei_sio_tree_limit;

// `tree` when anything of the plugin's items is wanted in it, else nullptr: the tree is shown, or a
// filter, field list or tap names an sio, eio, json, msgpack, expert or malformed field. Wireshark
// builds a hidden tree for every frame whenever some field is asked for (sio.http2_streams asks for
// HTTP/2's); the plugin's items would all be thrown away there, so they are not made.
proto_tree* sio_wanted_tree(proto_tree* tree);

// `tree`, or nullptr once `need` more items would pass the tree item limit
// (gui.max_tree_items): the first time in a frame, an expert item says so.
// Decoding goes on without a tree, so columns, sessions and statistics stay whole.
proto_tree* sio_tree_room(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, guint need);

// What carried the bytes being dissected.
struct SioCarrier {
  sio::Generation generation = sio::Generation::unknown;
  sio::Transport transport = sio::Transport::unknown;
  bool request = false;   // client to server (HTTP request body, masked WebSocket frame)
  bool guessed = false;   // detected from content alone: no request URI in the capture
  const char* channel = nullptr;  // session key for state across packets (binary attachments)
  const char* session = nullptr;  // session id known from the request URI or the connection
  const char** conv_session = nullptr;  // where a WebSocket connection keeps a session id learned in-band
  const char** learned_session = nullptr;  // where to report a session id an open packet names
};

// What the "sio" tap hands to listeners (statistics): one wmem_array_t per frame,
// holding one SioTapInfo per Socket.IO packet of the frame.
struct SioTapInfo {
  guint8 version;          // 1, 4 or 5
  const char* type;        // type name
  const char* endpoint;    // namespace, "/" for the default
  const char* name;        // event name, nullptr when not an event
  gboolean c2s;            // client to server
  gboolean has_ack_time;   // an ack matched to its request
  double ack_time_ms;
  const char* ack_name;    // the event name of the request an ack answers
};

void sio_register_session(void);

// Follow and Export Objects (analysis.cpp).
void sio_register_analysis(void);
// The number of a new session: 0, 1, ... in order of first appearance (first pass).
guint32 sio_analysis_new_session(void);
// The session's number (sio.session.index) on an item.
void sio_analysis_show_session(proto_tree* tree, tvbuff_t* tvb, guint off, guint32 number);
// A Socket.IO packet of session `session` (G_MAXUINT32: none known), for the follower.
// `mp`: decoded from MessagePack by it (the transcript shows its JSON renderings).
void sio_analysis_packet(packet_info* pinfo, const SioCarrier& c, guint32 session, const sio::Packet& p,
                         std::string_view text, const sio::msgpack::Decoder* mp);
// Whether a follower listens (then MessagePack packets need their JSON renderings even without a tree).
bool sio_analysis_following(void);
// Binary data sent as one object (a binary attachment; a MessagePack bin value), for Export Objects:
// tvb[off, off+len) are the bytes as sent, `label` the event name (or "ack-N"), `slot` its number.
void sio_analysis_binary(packet_info* pinfo, const char* sid, const char* label, guint32 slot, tvbuff_t* tvb,
                         guint off, guint len);

// What an Engine.IO session's messages carry: Socket.IO packets, or the application's own
// text and binary messages (plain Engine.IO). The session's first message decides, on the
// first pass (a clean Socket.IO packet: Socket.IO; a binary message that is a MessagePack
// Socket.IO packet: Socket.IO in MessagePack; anything else: plain); it holds from
// then on, so every pass shows the same. Unknown without a session id.
enum class SioContent : guint8 { unknown, socketio, plain, msgpack };
SioContent sio_session_content(const char* sid);
void sio_session_decide_content(packet_info* pinfo, const char* sid, SioContent content);
// The Protocol column for a packet of session `sid`: Engine.IO for a plain Engine.IO session.
const char* sio_protocol_name(const char* sid);
void sio_register_stats(void);
// A handshake or open packet starts session `sid` (first pass); returns the file-scope sid.
const char* sio_track_session_start(packet_info* pinfo, const char* sid, double heartbeat_limit);
// Session, direction, heartbeat timing of an Engine.IO packet.
// `upgrade`: a probe ping/pong or an upgrade packet, linked to the polling phase it replaces.
void sio_track_eio(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const SioCarrier& c, const char* sid,
                   guint off, uint8_t eio_type, bool upgrade = false);
// Session, direction, ack matching, heartbeats and the tap of a Socket.IO packet.
void sio_track_sio(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const SioCarrier& c, const char* sid,
                   const sio::Packet& p, std::string_view text, const sio::msgpack::Decoder* mp = nullptr);

extern int proto_eio;
void sio_register_eio(void);
// Dissects Engine.IO: one WebSocket message (carrier.transport websocket) or a polling body.
unsigned sio_dissect_eio(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& carrier);
// Marks an Engine.IO polling POST reply ("ok").
void sio_dissect_eio_post_reply(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c);
// Whether a polling body decodes as Engine.IO of generation g with no fault (content check).
bool sio_eio_content_check(std::string_view text, sio::Generation g);
void sio_add_eio_fault(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const sio::Fault& f, const char* what);

// Dissects a body of the given generation: a polling payload, a WebSocket
// message, or a decoded JSONP/form payload. Adds one sio item per packet and
// sets the columns. Returns the number of packets.
unsigned sio_dissect_payload(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& carrier);

// Adds the fields of a decoded packet to an existing sio item, appends its
// summary to `info` (the Info column being built) and to the item's text.
// `mp`: the packet was decoded from MessagePack by it (its JSON texts and binary values are shown).
proto_tree* sio_fill_packet_item(proto_item* pi, tvbuff_t* tvb, packet_info* pinfo, const sio::Packet& p,
                                 std::string_view text, wmem_strbuf_t* info, const SioCarrier& c,
                                 const char* session, const sio::msgpack::Decoder* mp = nullptr);
// Adds a new sio item over `where` with the packet's fields.
proto_item* sio_add_packet(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const sio::Packet& p,
                           std::string_view text, sio::Span where, wmem_strbuf_t* info, const SioCarrier& c,
                           const char* session, const sio::msgpack::Decoder* mp = nullptr);
// Whether a WebSocket message with no upgrade request in the capture is a MessagePack
// Socket.IO packet (strict: a map with an integer type 0-6 and a string nsp), unless the
// encoding preference says JSON.
bool sio_msgpack_content_check(std::string_view text);

// Dissects a 0.x handshake response body.
void sio_dissect_v1_handshake(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c);

// A polling POST reply that carries no packet, as an item of `proto` with its `hf` text field.
void sio_add_post_reply(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c, int proto, int ett,
                        int hf);
// A server's refusal of a Socket.IO or Engine.IO request (a non-2xx HTTP response): its
// status and text (Engine.IO's {"code","message"} object read out), as an error reply.
void sio_dissect_error_reply(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c,
                             unsigned status);

// Marks a polling POST reply ("1") that carries no packet.
void sio_dissect_post_reply(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c);

// Adds a JSONP wrapper item (callback, index) over tvb.
// Returns the wrapper's subtree; sio_track_eio() adds its session once the payload is known.
proto_tree* sio_add_jsonp_wrapper(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const sio::Jsonp& jp,
                                  bool eio);

// Adds the malformed expert item for a fault at tvb offset.
void sio_add_fault(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const sio::Fault& f, const char* what);

// Whether `text` would decode as 0.x Socket.IO with no fault (content check).
bool sio_v1_content_check(std::string_view text);

// Whether the arguments' fields (sio.args, sio.arg, the JSON tree) are wanted under `tree`:
// the arguments are the largest part of most packets, copied only then.
bool sio_want_args(proto_tree* tree);

// The bytes of a tvb as a string view (tvb memory, valid for the packet).
std::string_view sio_tvb_view(tvbuff_t* tvb);

// Keys of the plugin's per-dissection proto data (pinfo->pool, proto_sio).
enum SioPoolKey : guint32 {
  kPoolPacketCounter = 1,  // frame_store.cpp: next packet index of the frame
  kPoolTreeLimitSaid = 2,  // sio.tree_limit shown
  kPoolTapRecord = 3,      // session.cpp: the frame's tap record
  kPoolLayerLimitSaid = 4, // sio.layer_limit shown
  kPoolFollowRecord = 5,   // analysis.cpp: the frame's record for the follower
  kPoolExportRecord = 6,   // analysis.cpp: the frame's record for Export Objects
};

// True the first time in this dissection of the frame that it is asked for `key`.
bool sio_first_in_frame(packet_info* pinfo, SioPoolKey key);

// First-pass findings per packet, kept with their frame for later passes.
// The next index of an Engine.IO or Socket.IO packet in this frame, in dissection
// order (the same on every pass): each call names a new packet record.
guint32 sio_packet_index(packet_info* pinfo);
// Keeps `value` (file scope) for record `index` of this frame (first pass).
void sio_frame_keep(packet_info* pinfo, guint32 index, void* value);
// What was kept for record `index` of this frame, or nullptr.
void* sio_frame_find(packet_info* pinfo, guint32 index);
