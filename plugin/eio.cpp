// Engine.IO (protocols 3 and 4) and the Socket.IO packets (protocols 4 and 5)
// it carries: one "eio" item per Engine.IO packet with its "sio" item inside,
// and the links between binary events and their attachments.
#include <epan/conversation.h>
#include <epan/proto_data.h>

#include <cstring>
#include <string>
#include <vector>

#include "sio_plugin.h"

int proto_eio = -1;

namespace {

int hf_version = -1;
int hf_type = -1;
int hf_data = -1;
int hf_binary = -1;
int hf_base64 = -1;
int hf_length = -1;
int hf_sid = -1;
int hf_upgrades = -1;
int hf_upgrade = -1;
int hf_ping_interval = -1;
int hf_ping_timeout = -1;
int hf_max_payload = -1;
int hf_attachment_num = -1;
int hf_attachment_of = -1;
int hf_attachment_in = -1;
int hf_post_reply = -1;

int ett_eio = -1;
int ett_open = -1;

expert_field ei_malformed = EI_INIT;
expert_field ei_orphan_attachment = EI_INIT;
expert_field ei_missing_attachment = EI_INIT;
expert_field ei_guess = EI_INIT;

const value_string type_vals[] = {
    {sio::eio::open, "open"},       {sio::eio::close, "close"},     {sio::eio::ping, "ping"},
    {sio::eio::pong, "pong"},       {sio::eio::message, "message"}, {sio::eio::upgrade, "upgrade"},
    {sio::eio::noop, "noop"},       {0, nullptr},
};

// Decoders and scratch reused from packet to packet.
sio::Json json;
sio::modern::Decoder sio_decoder;
sio::msgpack::Decoder msgpack_decoder;
sio::Packet sio_packet;
sio::eio::Packet eio_packet;
sio::eio::Open open_info;
std::vector<sio::eio::Frame> frames;
std::string scratch;

// A binary event waiting for its attachments, and the frames that carried them.
struct BinaryEvent {
  guint32 frame;
  guint32 total;               // attachments the event declares
  guint32 received;
  const char* label;           // the event name, or "ack-N" for a binary ack (Export Objects)
  wmem_array_t* attachment_frames;  // guint32 frame of each attachment seen, in order
};

// What one Engine.IO binary message was found to be on the first pass.
struct AttachmentLink {
  BinaryEvent* event;
  guint32 num;
};

// Per direction of a session: the binary event whose attachments are due.
struct Channel {
  BinaryEvent* pending;
  const char* name;  // the carrier's channel
};

wmem_map_t* channels;  // channel key (string) -> Channel

Channel* last_channel[2];  // per direction: the channel of the previous message

void init_maps() {
  last_channel[0] = last_channel[1] = nullptr;
  channels = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
}

Channel* channel_for(packet_info* pinfo, const SioCarrier& c) {
  if (!c.channel) return nullptr;
  // consecutive messages mostly belong to one connection: no formatting or hashing then
  Channel*& last = last_channel[c.request ? 0 : 1];
  if (last && std::strcmp(last->name, c.channel) == 0) return last;
  const char* key = wmem_strdup_printf(pinfo->pool, "%s|%c", c.channel, c.request ? '>' : '<');
  auto* ch = static_cast<Channel*>(wmem_map_lookup(channels, key));
  if (!ch) {
    ch = wmem_new0(wmem_file_scope(), Channel);
    ch->name = wmem_strdup(wmem_file_scope(), c.channel);
    wmem_map_insert(channels, wmem_strdup(wmem_file_scope(), key), ch);
  }
  last = ch;
  return ch;
}

// What names a packet's binary data for Export Objects: the event name, or "ack-N" for an ack.
const char* binary_label(wmem_allocator_t* scope, const sio::Packet& p) {
  if (p.ack_id.present()) {
    return wmem_strdup_printf(scope, "ack-%" G_GUINT64_FORMAT, static_cast<guint64>(p.ack_id_value));
  }
  return wmem_strndup(scope, p.name_value.data(), p.name_value.size());
}

// Links a binary event (first pass) and shows its attachments (later passes).
void note_binary_event(tvbuff_t* tvb, packet_info* pinfo, proto_tree* st, const SioCarrier& c, guint32 key,
                       const sio::Packet& p) {
  if (!PINFO_FD_VISITED(pinfo)) {
    auto* ev = wmem_new0(wmem_file_scope(), BinaryEvent);
    ev->frame = pinfo->num;
    ev->total = p.attachments_value;
    ev->label = binary_label(wmem_file_scope(), p);
    // The count comes from the wire: slots are added as attachments arrive, so
    // memory follows what the capture holds, not what a packet declares.
    ev->attachment_frames = wmem_array_new(wmem_file_scope(), sizeof(guint32));
    sio_frame_keep(pinfo, key, ev);
    if (Channel* ch = channel_for(pinfo, c)) ch->pending = ev->total ? ev : nullptr;
  }
  auto* ev = static_cast<BinaryEvent*>(sio_frame_find(pinfo, key));
  if (!ev) return;
  const guint seen = wmem_array_get_count(ev->attachment_frames);
  for (const auto& ph : sio_decoder.placeholders()) {
    if (!(st = sio_tree_room(st, tvb, pinfo, 4))) break;
    guint32 frame = ph.num < seen ? *static_cast<guint32*>(wmem_array_index(ev->attachment_frames, ph.num)) : 0;
    if (frame) {
      proto_item* ti = proto_tree_add_uint(st, hf_attachment_in, tvb, ph.span.off, ph.span.len, frame);
      proto_item_append_text(ti, " (attachment %u)", ph.num);
      proto_item_set_generated(ti);
    } else if (PINFO_FD_VISITED(pinfo)) {
      proto_tree_add_expert_format(st, pinfo, &ei_missing_attachment, tvb, ph.span.off, ph.span.len,
                                   "Placeholder %u has no attachment in the capture", ph.num);
    }
  }
}

// A binary Engine.IO message: the next attachment of the pending binary event, if any.
// Where the session's messages are the application's own (plain Engine.IO), it is one of those.
void note_attachment(tvbuff_t* tvb, packet_info* pinfo, proto_tree* et, const SioCarrier& c, guint32 key,
                     sio::Span data, wmem_strbuf_t* info, const char* session) {
  if (!PINFO_FD_VISITED(pinfo)) {
    Channel* ch = channel_for(pinfo, c);
    if (ch && ch->pending) {
      BinaryEvent* ev = ch->pending;
      auto* link = wmem_new0(wmem_file_scope(), AttachmentLink);
      link->event = ev;
      link->num = ev->received;
      wmem_array_append_one(ev->attachment_frames, pinfo->num);
      if (++ev->received >= ev->total) ch->pending = nullptr;
      sio_frame_keep(pinfo, key, link);
    }
  }
  auto* link = static_cast<AttachmentLink*>(sio_frame_find(pinfo, key));
  if (wmem_strbuf_get_len(info)) wmem_strbuf_append(info, ", ");
  if (!link) {
    wmem_strbuf_append(info, "binary message");
    // Socket.IO sends binary data only as attachments: a session that starts with one is plain
    sio_session_decide_content(pinfo, session, SioContent::plain);
    if (sio_session_content(session) != SioContent::plain) {
      proto_tree_add_expert(et, pinfo, &ei_orphan_attachment, tvb, data.off, data.len);
    }
    return;
  }
  proto_item* ti = proto_tree_add_uint(et, hf_attachment_num, tvb, data.off, 0, link->num);
  proto_item_set_generated(ti);
  ti = proto_tree_add_uint(et, hf_attachment_of, tvb, data.off, 0, link->event->frame);
  proto_item_set_generated(ti);
  wmem_strbuf_append_printf(info, "attachment %u of frame %u", link->num, link->event->frame);
  sio_analysis_binary(pinfo, session, link->event->label, link->num, tvb, data.off, data.len);
}

// Each bin value of a MessagePack packet, for Export Objects: labelled like an attachment (the event
// name, or ack-N), numbered in wire order within the packet.
void export_msgpack_binaries(tvbuff_t* tvb, packet_info* pinfo, const char* session, const sio::Packet& p) {
  const auto& bins = msgpack_decoder.binaries();
  if (bins.empty() || p.fault) return;
  const char* label = p.ack_id.present() || p.name.present() ? binary_label(pinfo->pool, p) : "data";
  for (size_t i = 0; i < bins.size(); ++i) {
    sio_analysis_binary(pinfo, session, label, static_cast<guint32>(i), tvb, bins[i].bytes.off, bins[i].bytes.len);
  }
}

// Whether a binary Engine.IO message (not an attachment) is a MessagePack Socket.IO packet: as the
// preference says, else as its session's encoding is: the session's first message decides (first
// pass), a MessagePack Socket.IO packet making it a MessagePack session. Without a session, each
// message that is such a packet is one.
bool is_msgpack_message(packet_info* pinfo, const char* session, std::string_view bytes, sio::Span data) {
  if (sio_pref_encoding == kEncodingJson) return false;
  if (sio_pref_encoding == kEncodingMsgpack) return true;
  const SioContent content = sio_session_content(session);
  if (content != SioContent::unknown) return content == SioContent::msgpack;
  if (!msgpack_decoder.is_packet(bytes, data)) return false;  // a binary message first: plain (note_attachment)
  sio_session_decide_content(pinfo, session, SioContent::msgpack);
  return !session || sio_session_content(session) == SioContent::msgpack;
}

// Whether a WebSocket message reads as text, as the text packets it is told apart from do: a type
// digit first, or valid UTF-8 without control characters other than tab, newline and return.
bool reads_as_text(std::string_view text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return true;
  for (char ch : text) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return false;
  }
  return sio::valid_utf8(text);
}

// Whether a channel expects binary attachments now (first pass), or whether
// this message was an attachment (later passes).
bool expecting_attachment(packet_info* pinfo, const SioCarrier& c) {
  if (PINFO_FD_VISITED(pinfo)) return false;
  Channel* ch = channel_for(pinfo, c);
  return ch && ch->pending;
}

void add_open(tvbuff_t* tvb, packet_info* pinfo, proto_tree* et, std::string_view text, const sio::eio::Packet& p,
              wmem_strbuf_t* info) {
  sio::Fault f = sio::eio::parse_open(json, text, p.data, open_info);
  const sio::eio::Open& o = open_info;
  if (o.sid.present()) {
    proto_tree_add_string(et, hf_sid, tvb, o.sid.off, o.sid.len,
                          wmem_strndup(pinfo->pool, o.sid_value.data(), o.sid_value.size()));
  }
  if (o.upgrades.present()) {
    std::string_view u = o.upgrades.in(text);
    proto_item* ti = proto_tree_add_string(et, hf_upgrades, tvb, o.upgrades.off, o.upgrades.len,
                                           wmem_strndup(pinfo->pool, u.data(), u.size()));
    proto_tree* ut = proto_item_add_subtree(ti, ett_open);
    for (const auto& it : o.upgrade_items) {
      if (!(ut = sio_tree_room(ut, tvb, pinfo, 1))) break;
      std::string_view v = it.in(text);
      proto_tree_add_string(ut, hf_upgrade, tvb, it.off, it.len, wmem_strndup(pinfo->pool, v.data(), v.size()));
    }
  }
  if (o.ping_interval.present()) {
    proto_tree_add_uint64(et, hf_ping_interval, tvb, o.ping_interval.off, o.ping_interval.len, o.ping_interval_value);
  }
  if (o.ping_timeout.present()) {
    proto_tree_add_uint64(et, hf_ping_timeout, tvb, o.ping_timeout.off, o.ping_timeout.len, o.ping_timeout_value);
  }
  if (o.max_payload.present()) {
    proto_tree_add_uint64(et, hf_max_payload, tvb, o.max_payload.off, o.max_payload.len, o.max_payload_value);
  }
  if (f) sio_add_eio_fault(tvb, pinfo, et, f, "open packet");
  wmem_strbuf_append_printf(info, " sid=%.*s", static_cast<int>(o.sid_value.size()), o.sid_value.data());
}

// One Engine.IO packet at tvb[where]: the eio item, and the sio item of a message.
void dissect_packet(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c, sio::Span item,
                    sio::Span where, bool binary, const sio::Span* length, guint64 declared, wmem_strbuf_t* info,
                    const char*& session) {
  std::string_view text = sio_tvb_view(tvb);
  const uint8_t version = c.generation == sio::Generation::eio3 ? 3 : 4;
  const guint32 key = sio_packet_index(pinfo);
  proto_item* ei = proto_tree_add_item(tree, proto_eio, tvb, item.off, item.len, ENC_NA);
  proto_tree* et = proto_item_add_subtree(ei, ett_eio);
  proto_item* ti = proto_tree_add_uint(et, hf_version, tvb, where.off, 0, version);
  proto_item_set_generated(ti);
  if (c.guessed) proto_tree_add_expert(et, pinfo, &ei_guess, tvb, where.off, 0);
  if (length) proto_tree_add_uint64(et, hf_length, tvb, length->off, length->len, declared);

  sio::eio::Packet& p = eio_packet;
  if (binary) {
    sio::eio::decode_binary(text, where, version, p);
  } else {
    sio::eio::decode_text(text, where, version, p);
  }
  if (p.type_name) {
    if (p.type.present()) {
      proto_tree_add_uint(et, hf_type, tvb, p.type.off, p.type.len, p.type_code);
    } else {
      ti = proto_tree_add_uint(et, hf_type, tvb, where.off, 0, p.type_code);
      proto_item_set_generated(ti);
    }
    proto_item_append_text(ei, ", %s", p.type_name);
  }
  if (!p.fault && !p.binary && p.type_code == sio::eio::open && !p.data.present()) {
    p.fault = sio::make_fault(sio::Error::bad_open, where.end());  // an open packet carries the handshake JSON
  }
  if (!p.fault && p.type_code == sio::eio::open && p.data.present()) {
    // the open packet names the session for this packet and the ones after it
    sio::Fault of = sio::eio::parse_open(json, text, p.data, open_info);
    if (!of && open_info.sid.present()) {
      double limit = static_cast<double>(open_info.ping_interval_value + open_info.ping_timeout_value) / 1000.0;
      session = sio_track_session_start(
          pinfo, wmem_strndup(pinfo->pool, open_info.sid_value.data(), open_info.sid_value.size()), limit);
      if (c.conv_session && !PINFO_FD_VISITED(pinfo) && !*c.conv_session) *c.conv_session = session;
      if (c.learned_session) *c.learned_session = session;
    }
  }
  if (p.type_name) {
    const bool upgrade = p.type_code == sio::eio::upgrade ||
                         ((p.type_code == sio::eio::ping || p.type_code == sio::eio::pong) && !p.binary &&
                          p.data.in(text) == "probe");
    sio_track_eio(et, tvb, pinfo, c, session, where.off, p.type_code, upgrade);
  }
  if (p.fault) {
    sio_add_eio_fault(tvb, pinfo, et, p.fault, "packet");
    if (wmem_strbuf_get_len(info)) wmem_strbuf_append(info, ", ");
    wmem_strbuf_append(info, "[malformed Engine.IO packet]");
    return;
  }

  if (p.binary) {
    tvbuff_t* btvb = tvb;
    sio::Span bdata = p.data;
    if (p.base64) {
      sio::Fault bf = sio::base64_decode(p.data.in(text), p.data.off, scratch);
      proto_tree_add_item(et, hf_base64, tvb, p.data.off, p.data.len, ENC_ASCII);
      if (bf) {
        sio_add_eio_fault(tvb, pinfo, et, bf, "base64 data");
        return;
      }
      auto* buf = static_cast<guint8*>(wmem_memdup(pinfo->pool, scratch.data(), scratch.size()));
      btvb = tvb_new_child_real_data(tvb, buf, static_cast<guint>(scratch.size()), static_cast<gint>(scratch.size()));
      add_new_data_source(pinfo, btvb, "Base64-decoded binary");
      bdata = sio::make_span(0, scratch.size());
    }
    proto_tree_add_item(et, hf_binary, btvb, bdata.off, bdata.len, ENC_NA);
    // a binary message is an attachment when a binary event waits for one (found on the first pass)
    const bool attachment =
        PINFO_FD_VISITED(pinfo) ? sio_frame_find(pinfo, key) != nullptr : expecting_attachment(pinfo, c);
    if (p.type_code == sio::eio::message && !attachment &&
        is_msgpack_message(pinfo, session, sio_tvb_view(btvb), bdata)) {
      // one whole Socket.IO packet in MessagePack: its fields over the message's bytes
      std::string_view bytes = sio_tvb_view(btvb);
      // the JSON texts only for fields that are shown or asked for, and for a follower's transcript
      msgpack_decoder.set_json(tree != nullptr || sio_analysis_following());
      msgpack_decoder.packet(bytes, bdata, sio_packet);
      sio_add_packet(et, btvb, pinfo, sio_packet, bytes, bdata, info, c, session, &msgpack_decoder);
      export_msgpack_binaries(btvb, pinfo, session, sio_packet);
    } else if (p.type_code == sio::eio::message) {
      note_attachment(btvb, pinfo, et, c, key, bdata, info, session);
    } else {
      if (wmem_strbuf_get_len(info)) wmem_strbuf_append(info, ", ");
      wmem_strbuf_append_printf(info, "%s (binary)", p.type_name);
    }
    return;
  }

  if (p.type_code != sio::eio::message) {
    if (p.data.present()) {
      std::string_view d = p.data.in(text);
      proto_tree_add_string(et, hf_data, tvb, p.data.off, p.data.len, wmem_strndup(pinfo->pool, d.data(), d.size()));
    }
    if (wmem_strbuf_get_len(info)) wmem_strbuf_append(info, ", ");
    wmem_strbuf_append(info, p.type_name);
    if (p.type_code == sio::eio::open && p.data.present()) {
      add_open(tvb, pinfo, et, text, p, info);
    } else if (p.data.present() && p.data.len <= 16) {
      std::string_view d = p.data.in(text);
      wmem_strbuf_append_printf(info, " %.*s", static_cast<int>(d.size()), d.data());
    }
    return;
  }

  // A message: the Socket.IO packet it carries, or in a plain Engine.IO session the
  // application's own text. The session's first message decides which (first pass).
  const sio::Span data = p.data.present() ? p.data : sio::make_span(where.end(), 0);
  SioContent content = sio_session_content(session);
  if (content != SioContent::plain) {
    sio_decoder.set_arg_items(sio_want_args(tree));  // per-argument spans only when shown or asked for
    sio_decoder.packet(text, data, sio::modern::protocol_for_eio(version), sio_packet);
    if (content == SioContent::unknown) {
      sio_session_decide_content(pinfo, session, sio_packet.fault ? SioContent::plain : SioContent::socketio);
      // without a session there is nothing to decide for: a message is Socket.IO when it decodes as such
      content = session ? sio_session_content(session) : SioContent::socketio;
    }
  }
  if (content == SioContent::plain) {
    std::string_view d = data.in(text);
    if (p.data.present()) {  // a bare "4" is a message with no data (engine.io hands over undefined)
      proto_tree_add_string(et, hf_data, tvb, data.off, data.len, wmem_strndup(pinfo->pool, d.data(), d.size()));
    }
    if (wmem_strbuf_get_len(info)) wmem_strbuf_append(info, ", ");
    size_t shown = MIN(d.size(), 32);
    while (shown < d.size() && shown > 0 && (static_cast<unsigned char>(d[shown]) & 0xC0) == 0x80) --shown;
    wmem_strbuf_append_printf(info, "message \"%.*s%s\"", static_cast<int>(shown), d.data(),
                              shown < d.size() ? "…" : "");
    return;
  }
  proto_item* si = sio_add_packet(et, tvb, pinfo, sio_packet, text, data, info, c, session);
  if (!sio_packet.fault && sio_packet.attachments.present()) {
    note_binary_event(tvb, pinfo, proto_item_get_subtree(si), c, key, sio_packet);
  }
}

// The Info column; the Protocol column names Engine.IO for a plain Engine.IO session.
void set_columns(packet_info* pinfo, wmem_strbuf_t* info, const char* session) {
  col_set_str(pinfo->cinfo, COL_PROTOCOL, sio_protocol_name(session));
  col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(info));
}

}  // namespace

void sio_add_eio_fault(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const sio::Fault& f, const char* what) {
  guint len = tvb_captured_length(tvb);
  guint off = f.offset < len ? f.offset : len;
  proto_tree_add_expert_format(tree, pinfo, &ei_malformed, tvb, off, off < len ? 1 : 0,
                               "Malformed Engine.IO %s: %s (at byte %u)", what, sio::describe(f.code), f.offset);
}

unsigned sio_dissect_eio(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c) {
  std::string_view text = sio_tvb_view(tvb);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "Socket.IO");
  wmem_strbuf_t* info = wmem_strbuf_new(pinfo->pool, "");
  const sio::Span all = sio::make_span(0, text.size());
  unsigned count = 0;

  if (c.transport == sio::Transport::websocket) {
    // One WebSocket message is one packet. Binary frames are told apart by the
    // v3 type byte, or by the attachments a binary event announced.
    bool binary;
    if (c.generation == sio::Generation::eio3) {
      binary = !text.empty() && static_cast<unsigned char>(text[0]) < sio::eio::kTypeCount;
    } else {
      // Text unless it cannot be: a message that is a clean Engine.IO packet (and, for a
      // message, a clean Socket.IO packet) stays text even while attachments are due, so
      // a lost attachment frame does not swallow the next packet. Only a binary verdict
      // from pending attachments depends on state: that one is kept for later passes.
      // The verdict is kept under a packet index of its own: a frame can hold far more
      // messages than any per-layer key (pinfo->curr_layer_num is 8 bits) tells apart.
      static guint8 marker;
      const guint32 verdict_key = sio_packet_index(pinfo);
      binary = sio_frame_find(pinfo, verdict_key) != nullptr;
      if (!binary) {
        if (!PINFO_FD_VISITED(pinfo) && expecting_attachment(pinfo, c) &&
            !sio_eio_content_check(text, sio::Generation::eio4)) {
          binary = true;
          sio_frame_keep(pinfo, verdict_key, &marker);
        } else {
          // Not a text packet: a binary message, unless the session carries Socket.IO, which sends
          // binary data only as announced attachments, and the message reads as text: then it is a
          // malformed text packet. (A lost event leaves its attachment an orphan binary message.)
          sio::eio::decode_text(text, all, 4, eio_packet);
          binary = eio_packet.fault && eio_packet.fault.code != sio::Error::empty &&
                   (sio_session_content(c.session) != SioContent::socketio || !reads_as_text(text));
        }
      }
    }
    const char* session = c.session;
    dissect_packet(tvb, pinfo, tree, c, all, all, binary, nullptr, 0, info, session);
    set_columns(pinfo, info, session);
    return 1;
  }

  frames.clear();
  sio::Fault framing;
  if (c.generation == sio::Generation::eio3) {
    framing = sio::eio::is_v3_binary_payload(text) ? sio::eio::split_payload_v3_binary(text, frames)
                                                   : sio::eio::split_payload_v3(text, frames);
  } else {
    framing = sio::eio::split_payload_v4(text, frames);
  }
  // Copied: dissecting a packet may reuse the frames vector (content checks).
  const size_t n = frames.size();
  auto* copy = wmem_alloc_array(pinfo->pool, sio::eio::Frame, n ? n : 1);
  for (size_t i = 0; i < n; ++i) copy[i] = frames[i];
  const char* session = c.session;
  for (size_t i = 0; i < n; ++i) {
    tree = sio_tree_room(tree, tvb, pinfo, 64);
    const sio::eio::Frame& fr = copy[i];
    sio::Span item = fr.packet;
    if (fr.length.present()) {
      guint start = fr.length.off > 0 && c.generation == sio::Generation::eio3 &&
                            sio::eio::is_v3_binary_payload(text) ? fr.length.off - 1 : fr.length.off;
      item = sio::make_span(start, fr.packet.end() - start);
    }
    if (fr.fault && fr.packet.len == 0) {
      proto_item* ei = proto_tree_add_item(tree, proto_eio, tvb, item.off, item.len, ENC_NA);
      sio_add_eio_fault(tvb, pinfo, proto_item_add_subtree(ei, ett_eio), fr.fault, "payload framing");
      if (wmem_strbuf_get_len(info)) wmem_strbuf_append(info, ", ");
      wmem_strbuf_append(info, "[malformed payload]");
      continue;
    }
    dissect_packet(tvb, pinfo, tree, c, item, fr.packet, fr.binary, fr.length.present() ? &fr.length : nullptr,
                   fr.declared, info, session);
    if (fr.fault) {
      // the packet was cut short by the framing
      sio_add_eio_fault(tvb, pinfo, tree, fr.fault, "payload framing");
    }
    ++count;
  }
  if (framing && n == 0) {
    proto_item* ei = proto_tree_add_item(tree, proto_eio, tvb, 0, -1, ENC_NA);
    sio_add_eio_fault(tvb, pinfo, proto_item_add_subtree(ei, ett_eio), framing, "payload");
  }
  set_columns(pinfo, info, session);
  return count;
}

void sio_dissect_eio_post_reply(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c) {
  sio_add_post_reply(tvb, pinfo, tree, c, proto_eio, ett_eio, hf_post_reply);
}

bool sio_eio_content_check(std::string_view text, sio::Generation g) {
  frames.clear();
  const uint8_t version = g == sio::Generation::eio3 ? 3 : 4;
  sio::Fault f = version == 3 ? sio::eio::split_payload_v3(text, frames) : sio::eio::split_payload_v4(text, frames);
  if (f || frames.empty()) return false;
  for (const auto& fr : frames) {
    sio::eio::decode_text(text, fr.packet, version, eio_packet);
    if (eio_packet.fault) return false;
    if (eio_packet.type_code == sio::eio::message && !eio_packet.binary) {
      if (!eio_packet.data.present()) return false;
      sio_decoder.set_arg_items(false);
      sio_decoder.packet(text, eio_packet.data, sio::modern::protocol_for_eio(version), sio_packet);
      if (sio_packet.fault) return false;
    }
  }
  return true;
}

bool sio_msgpack_content_check(std::string_view text) {
  return sio_pref_encoding != kEncodingJson && msgpack_decoder.is_packet(text, sio::make_span(0, text.size()));
}

void sio_register_eio(void) {
  static hf_register_info hf[] = {
      {&hf_version, {"Engine.IO protocol", "eio.version", FT_UINT8, BASE_DEC, nullptr, 0x0,
                     "Engine.IO protocol revision (EIO= of the request)", HFILL}},
      {&hf_type, {"Type", "eio.type", FT_UINT8, BASE_DEC, VALS(type_vals), 0x0, "Engine.IO packet type", HFILL}},
      {&hf_data, {"Data", "eio.data", FT_STRING, BASE_NONE, nullptr, 0x0, "Text data of a packet", HFILL}},
      {&hf_binary, {"Binary data", "eio.binary", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_base64, {"Base64 data", "eio.base64", FT_STRING, BASE_NONE, nullptr, 0x0,
                    "Binary data carried as base64 text", HFILL}},
      {&hf_length, {"Length", "eio.length", FT_UINT64, BASE_DEC, nullptr, 0x0, "Polling payload length prefix",
                    HFILL}},
      {&hf_sid, {"Session id", "eio.sid", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_upgrades, {"Upgrades", "eio.upgrades", FT_STRING, BASE_NONE, nullptr, 0x0,
                      "Transports the session may upgrade to", HFILL}},
      {&hf_upgrade, {"Upgrade", "eio.upgrade", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_ping_interval, {"Ping interval", "eio.ping_interval", FT_UINT64, BASE_DEC, nullptr, 0x0, "Milliseconds",
                           HFILL}},
      {&hf_ping_timeout, {"Ping timeout", "eio.ping_timeout", FT_UINT64, BASE_DEC, nullptr, 0x0, "Milliseconds",
                          HFILL}},
      {&hf_max_payload, {"Max payload", "eio.max_payload", FT_UINT64, BASE_DEC, nullptr, 0x0, "Bytes", HFILL}},
      {&hf_post_reply, {"POST reply", "eio.post_reply", FT_STRING, BASE_NONE, nullptr, 0x0,
                        "Polling POST acknowledgement; carries no packet", HFILL}},
  };
  static hf_register_info hf_sio[] = {
      {&hf_attachment_num, {"Attachment number", "sio.attachment.num", FT_UINT32, BASE_DEC, nullptr, 0x0,
                            "Which placeholder of its event this binary message fills", HFILL}},
      {&hf_attachment_of, {"Attachment of", "sio.attachment.event", FT_FRAMENUM, BASE_NONE, nullptr, 0x0,
                           "Frame of the binary event this attachment belongs to", HFILL}},
      {&hf_attachment_in, {"Attachment in", "sio.attachment.frame", FT_FRAMENUM, BASE_NONE, nullptr, 0x0,
                           "Frame that carries the attachment of this placeholder", HFILL}},
  };
  static ei_register_info ei_sio[] = {
      {&ei_orphan_attachment, {"sio.attachment.orphan", PI_PROTOCOL, PI_WARN,
                               "Binary message with no binary event waiting for it", EXPFILL}},
      {&ei_missing_attachment, {"sio.attachment.missing", PI_PROTOCOL, PI_WARN,
                                "Placeholder without its attachment", EXPFILL}},
  };
  static int* ett[] = {&ett_eio, &ett_open};
  static ei_register_info ei[] = {
      {&ei_malformed, {"eio.malformed", PI_MALFORMED, PI_ERROR, "Malformed Engine.IO data", EXPFILL}},
      {&ei_guess, {"eio.heuristic", PI_PROTOCOL, PI_NOTE,
                   "Engine.IO version guessed from content: the request naming it (EIO=) is not in the capture",
                   EXPFILL}},
  };
  proto_eio = proto_register_protocol("Engine.IO", "Engine.IO", "eio");
  proto_register_field_array(proto_eio, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
  expert_module_t* em = expert_register_protocol(proto_eio);
  expert_register_field_array(em, ei, G_N_ELEMENTS(ei));
  proto_register_field_array(proto_sio, hf_sio, G_N_ELEMENTS(hf_sio));
  expert_register_field_array(expert_register_protocol(proto_sio), ei_sio, G_N_ELEMENTS(ei_sio));
  register_init_routine(init_maps);
}
