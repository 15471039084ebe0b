// Registration of the "sio" protocol, its fields, and the tree built from the
// core library's decoded packets.
#include <epan/exceptions.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <wsutil/str_util.h>

#include <cinttypes>
#include <vector>

#include "sio_plugin.h"

int proto_sio = -1;

sio_pref_bool sio_pref_detect_http = TRUE;
sio_pref_bool sio_pref_http2_streams = TRUE;
sio_pref_bool sio_pref_detect_ws = TRUE;
sio_pref_bool sio_pref_json_subtree = TRUE;
gint sio_pref_encoding = kEncodingAuto;
const char* sio_pref_resource = "/socket.io/";

expert_field ei_sio_malformed = EI_INIT;
expert_field ei_sio_guess = EI_INIT;
expert_field ei_sio_tree_limit = EI_INIT;

namespace {

expert_field ei_sio_layer_limit = EI_INIT;
expert_field ei_sio_error_reply = EI_INIT;

int hf_version = -1;
int hf_type = -1;
int hf_type_code = -1;
int hf_endpoint = -1;
int hf_qs = -1;
int hf_id = -1;
int hf_ack = -1;
int hf_ack_id = -1;
int hf_name = -1;
int hf_args = -1;
int hf_arg = -1;
int hf_data = -1;
int hf_reason = -1;
int hf_advice = -1;
int hf_length = -1;
int hf_sid = -1;
int hf_heartbeat_timeout = -1;
int hf_close_timeout = -1;
int hf_transports = -1;
int hf_transport = -1;
int hf_jsonp_callback = -1;
int hf_jsonp_index = -1;
int hf_post_reply = -1;
int hf_attachments = -1;
int hf_http_status = -1;
int hf_error_reply = -1;
int hf_error_code = -1;
int hf_error_message = -1;
int hf_binary_value = -1;

int ett_sio = -1;
int ett_args = -1;
int ett_handshake = -1;
int ett_jsonp = -1;

dissector_handle_t json_handle;
int proto_json = -1;
dissector_handle_t msgpack_handle;
int proto_msgpack = -1;

const enum_val_t encoding_vals[] = {
    {"auto", "Detect per session", kEncodingAuto},
    {"json", "JSON (socket.io-parser)", kEncodingJson},
    {"msgpack", "MessagePack (socket.io-msgpack-parser, python-socketio msgpack)", kEncodingMsgpack},
    {nullptr, nullptr, 0},
};

const value_string v1_reason_vals[] = {
    {0, "transport not supported"},
    {1, "client not handshaken"},
    {2, "unauthorized"},
    {0, nullptr},
};

const value_string v1_advice_vals[] = {
    {0, "reconnect"},
    {0, nullptr},
};

// Reused between packets: steady-state dissection allocates nothing here.
sio::v1::Decoder v1_decoder;
sio::Packet packet;
std::vector<sio::v1::Frame> frames;

// A string field over s. When no one looks at the field (a filter on other
// fields builds a tree of fakes), the value is not even copied.
proto_item* add_string_span(proto_tree* tree, int hf, tvbuff_t* tvb, packet_info* pinfo, sio::Span s,
                            std::string_view value) {
  if (!proto_field_is_referenced(tree, hf)) return nullptr;
  return proto_tree_add_string(tree, hf, tvb, s.off, s.len,
                               wmem_strndup(pinfo->pool, value.data(), value.size()));
}

void append_view(wmem_strbuf_t* b, std::string_view v) { wmem_strbuf_append_len(b, v.data(), v.size()); }

void append_u64(wmem_strbuf_t* b, uint64_t v) {
  char digits[24];
  size_t n = sizeof digits;
  do {
    digits[--n] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  wmem_strbuf_append_len(b, digits + n, sizeof digits - n);
}

// One line of the Info column for a packet (plain appends: this runs for every packet).
void append_summary(wmem_strbuf_t* info, const sio::Packet& p, std::string_view text) {
  if (wmem_strbuf_get_len(info)) wmem_strbuf_append(info, ", ");
  wmem_strbuf_append(info, p.type_name ? p.type_name : "unknown");
  if (p.name.present() || !p.name_value.empty()) {
    wmem_strbuf_append(info, " \"");
    append_view(info, p.name_value);
    wmem_strbuf_append_c(info, '"');
  }
  if (p.ack_id.present()) {
    wmem_strbuf_append_c(info, ' ');
    append_u64(info, p.ack_id_value);
  }
  if (p.id.present()) {
    wmem_strbuf_append(info, " id=");
    append_u64(info, p.id_value);
    if (p.ack_marker.present()) wmem_strbuf_append_c(info, '+');  // 0.x's "id+": a data ack
  }
  std::string_view ep = p.endpoint.in(text);
  if (!ep.empty() && ep != "/") {  // the default namespace goes unsaid (MessagePack names it)
    wmem_strbuf_append_c(info, ' ');
    append_view(info, ep);
  }
  if (p.qs.present() && p.qs.len) {
    wmem_strbuf_append_c(info, '?');
    append_view(info, p.qs.in(text));
  }
  if (p.reason.present()) {
    const char* r = sio::v1::reason_name(p.reason_value);
    wmem_strbuf_append_c(info, ' ');
    wmem_strbuf_append(info, r ? r : "unknown reason");
  }
  if (p.fault) wmem_strbuf_append(info, " [malformed]");
}

// Each WebSocket message already takes two protocol layers (websocket, sio), and
// tshark stops a frame at gui.max_tree_depth layers. The JSON tree takes a third:
// past half the limit it is left out (the arguments stay as sio.args and sio.arg),
// so that it costs a frame of many messages few of them. Said once per frame.
bool json_layer_room(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo) {
  if (!pinfo->layers || wmem_list_count(pinfo->layers) < prefs.gui_max_tree_depth / 2) return true;
  if (sio_first_in_frame(pinfo, kPoolLayerLimitSaid)) {
    proto_tree_add_expert_format(tree, pinfo, &ei_sio_layer_limit, tvb, 0, 0,
                                 "JSON trees of the arguments are left out from here on: this frame has used half "
                                 "of the protocol layer limit (gui.max_tree_depth = %u)",
                                 prefs.gui_max_tree_depth);
  }
  return false;
}

// MessagePack's binary values with no argument of their own (in CONNECT or CONNECT_ERROR data) under `st`.
void add_data_binaries(proto_tree* st, tvbuff_t* tvb, packet_info* pinfo, const sio::msgpack::Decoder& mp) {
  for (const auto& b : mp.binaries()) {
    if (b.arg >= 0) continue;
    if (!(st = sio_tree_room(st, tvb, pinfo, 1))) break;
    proto_tree_add_item(st, hf_binary_value, tvb, b.bytes.off, b.bytes.len, ENC_NA);
  }
}

// Adds the fields of one decoded packet under `st`. `mp`: decoded from MessagePack, whose JSON
// renderings give sio.args, sio.arg and sio.data (their items still cover the MessagePack bytes).
void add_packet_fields(proto_tree* st, tvbuff_t* tvb, packet_info* pinfo, const sio::Packet& p,
                       std::string_view text, const sio::msgpack::Decoder* mp) {
  if (!st) return;  // no tree wanted: nothing to copy or format
  proto_item* ti = proto_tree_add_uint(st, hf_version, tvb, p.type.off, 0, p.version);
  proto_item_set_generated(ti);
  if (p.type_name) {
    proto_tree_add_string(st, hf_type, tvb, p.type.off, p.type.len, p.type_name);
    proto_tree_add_uint(st, hf_type_code, tvb, p.type.off, p.type.len, p.type_code);
  }
  if (p.id.present()) {
    proto_tree_add_uint64(st, hf_id, tvb, p.id.off, p.id.len, p.id_value);
    if (p.ack_marker.present()) {
      proto_tree_add_string(st, hf_ack, tvb, p.ack_marker.off, p.ack_marker.len, sio::ack_mode_name(p.ack));
    } else if (p.ack != sio::AckMode::none) {
      ti = proto_tree_add_string(st, hf_ack, tvb, p.id.off, 0, sio::ack_mode_name(p.ack));
      proto_item_set_generated(ti);
    }
  }
  if (p.endpoint.present() && p.endpoint.len) {
    add_string_span(st, hf_endpoint, tvb, pinfo, p.endpoint, p.endpoint.in(text));
  } else if (p.type_name) {
    // the default namespace: an empty endpoint (0.x) or none at all (4/5)
    ti = proto_tree_add_string(st, hf_endpoint, tvb, p.endpoint.present() ? p.endpoint.off : p.type.end(), 0, "/");
    proto_item_set_generated(ti);
  }
  if (p.qs.present()) add_string_span(st, hf_qs, tvb, pinfo, p.qs, p.qs.in(text));
  if (p.ack_id.present()) proto_tree_add_uint64(st, hf_ack_id, tvb, p.ack_id.off, p.ack_id.len, p.ack_id_value);
  if (p.name.present()) add_string_span(st, hf_name, tvb, pinfo, p.name, p.name_value);

  const bool v1 = p.version == sio::v1::kVersion;
  const bool has_args = v1 ? (p.type_code == sio::v1::event || p.type_code == sio::v1::ack)
                           : (p.type_code == sio::modern::event || p.type_code == sio::modern::ack ||
                              p.type_code == sio::modern::binary_event || p.type_code == sio::modern::binary_ack);
  if (p.attachments.present()) {
    proto_tree_add_uint(st, hf_attachments, tvb, p.attachments.off, p.attachments.len, p.attachments_value);
  }
  if (has_args && !p.fault && sio_want_args(st)) {
    if (p.args.present() && p.args.len) {
      std::string_view a = mp ? mp->args_json() : p.args.in(text);
      const char* value = p.args_inner && !mp
                              ? wmem_strdup_printf(pinfo->pool, "[%.*s]", static_cast<int>(a.size()), a.data())
                              : wmem_strndup(pinfo->pool, a.data(), a.size());
      ti = proto_tree_add_string(st, hf_args, tvb, p.args.off, p.args.len, value);
      proto_tree* at = proto_item_add_subtree(ti, ett_args);
      size_t next_binary = 0;  // MessagePack: binary values in wire order, so in argument order
      for (size_t i = 0; i < p.arg_items.size(); ++i) {
        const sio::Span& it = p.arg_items[i];
        if (!(at = sio_tree_room(at, tvb, pinfo, 1))) break;
        if (!mp) {
          add_string_span(at, hf_arg, tvb, pinfo, it, it.in(text));
          continue;
        }
        proto_item* ai = add_string_span(at, hf_arg, tvb, pinfo, it, mp->arg_json(i));
        // each binary value in place, under the argument holding it
        const auto& bins = mp->binaries();
        while (next_binary < bins.size() && bins[next_binary].arg < static_cast<int32_t>(i)) ++next_binary;
        proto_tree* bt = ai ? proto_item_add_subtree(ai, ett_args) : at;
        for (; next_binary < bins.size() && bins[next_binary].arg == static_cast<int32_t>(i); ++next_binary) {
          if (!(bt = sio_tree_room(bt, tvb, pinfo, 1))) break;
          const sio::Span& b = bins[next_binary].bytes;
          proto_tree_add_item(bt, hf_binary_value, tvb, b.off, b.len, ENC_NA);
        }
      }
      // Wireshark's JSON dissector is costly: only when the tree is shown or json fields are asked for.
      // It adds at most a few items per byte; where those might not fit, it is not called.
      // (MessagePack packets get Wireshark's MessagePack dissection instead, over the whole packet.)
      if (!mp && sio_pref_json_subtree && json_handle && at && proto_field_is_referenced(at, proto_json) &&
          sio_tree_room(at, tvb, pinfo, 3 * (p.args.len + 2)) && json_layer_room(at, tvb, pinfo)) {
        tvbuff_t* jt;
        if (p.args_inner) {
          jt = tvb_new_child_real_data(tvb, reinterpret_cast<const guint8*>(value), static_cast<guint>(a.size() + 2),
                                       static_cast<gint>(a.size() + 2));
        } else {
          jt = tvb_new_subset_length(tvb, p.args.off, p.args.len);
        }
        col_set_writable(pinfo->cinfo, -1, FALSE);
        call_dissector_only(json_handle, jt, pinfo, at, nullptr);
        col_set_writable(pinfo->cinfo, -1, TRUE);
      }
    } else {
      guint off = p.args.present() ? p.args.off : (p.data.present() ? p.data.end() : p.type.off);
      ti = proto_tree_add_string(st, hf_args, tvb, off, 0, "[]");
      proto_item_set_generated(ti);
    }
  }
  // (a MessagePack DISCONNECT may carry data too: python-socketio sends nil)
  const bool has_data = v1 ? (p.type_code == sio::v1::message || p.type_code == sio::v1::json)
                           : (p.type_code == sio::modern::connect || p.type_code == sio::modern::error ||
                              (mp && p.type_code == sio::modern::disconnect));
  if (has_data && p.data.present() && !mp) add_string_span(st, hf_data, tvb, pinfo, p.data, p.data.in(text));
  if (has_data && p.data.present() && mp && !mp->data_json().empty()) {
    add_string_span(st, hf_data, tvb, pinfo, p.data, mp->data_json());
  }
  if (mp && !p.fault) add_data_binaries(st, tvb, pinfo, *mp);
  if (p.reason.present()) proto_tree_add_uint(st, hf_reason, tvb, p.reason.off, p.reason.len, p.reason_value);
  if (p.advice.present()) proto_tree_add_uint(st, hf_advice, tvb, p.advice.off, p.advice.len, p.advice_value);
}

}  // namespace

proto_tree* sio_fill_packet_item(proto_item* pi, tvbuff_t* tvb, packet_info* pinfo, const sio::Packet& p,
                                 std::string_view text, wmem_strbuf_t* info, const SioCarrier& c,
                                 const char* session, const sio::msgpack::Decoder* mp) {
  proto_tree* st = proto_item_get_subtree(pi);
  if (!st) st = proto_item_add_subtree(pi, ett_sio);
  add_packet_fields(st, tvb, pinfo, p, text, mp);
  sio_track_sio(st, tvb, pinfo, c, session, p, text, mp);
  if (p.fault) sio_add_fault(tvb, pinfo, st, p.fault, "packet");
  size_t before = wmem_strbuf_get_len(info);
  append_summary(info, p, text);
  if (pi) {
    const char* summary = wmem_strbuf_get_str(info) + before;
    if (before) summary += 2;  // the ", " between packets
    proto_item_append_text(pi, ", %s", summary);
  }
  return st;
}

proto_item* sio_add_packet(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const sio::Packet& p,
                           std::string_view text, sio::Span where, wmem_strbuf_t* info, const SioCarrier& c,
                           const char* session, const sio::msgpack::Decoder* mp) {
  proto_item* pi = proto_tree_add_item(tree, proto_sio, tvb, where.off, where.len, ENC_NA);
  proto_tree* st = sio_fill_packet_item(pi, tvb, pinfo, p, text, info, c, session, mp);
  // Wireshark's MessagePack dissection of the whole packet, as the JSON tree of JSON arguments: on the
  // same preference, when the tree is shown or msgpack fields are asked for, for a packet msgpack-c read
  // whole (so within its nesting limit), where its items fit.
  if (mp && !p.fault && st && sio_pref_json_subtree && msgpack_handle && proto_field_is_referenced(st, proto_msgpack) &&
      sio_tree_room(st, tvb, pinfo, 3 * (where.len + 2)) && json_layer_room(st, tvb, pinfo)) {
    tvbuff_t* mt = tvb_new_subset_length(tvb, where.off, where.len);
    col_set_writable(pinfo->cinfo, -1, FALSE);
    // Some versions of that dissector do not know every MessagePack format (bin, map 16): what it
    // cannot read ends its subtree there, not the dissection of the frame's other packets.
    TRY {
      call_dissector_only(msgpack_handle, mt, pinfo, st, nullptr);
    }
    CATCH_NONFATAL_ERRORS {
    }
    ENDTRY;
    col_set_writable(pinfo->cinfo, -1, TRUE);
  }
  return pi;
}

int proto_expert = -1;
int proto_malformed = -1;
int expert_tap = -1;

proto_tree* sio_wanted_tree(proto_tree* tree) {
  if (!tree || PTREE_DATA(tree)->visible) return tree;
  if (proto_field_is_referenced(tree, proto_sio) || proto_field_is_referenced(tree, proto_eio) ||
      (proto_json > 0 && proto_field_is_referenced(tree, proto_json)) ||
      (proto_msgpack > 0 && proto_field_is_referenced(tree, proto_msgpack)) ||
      (proto_expert > 0 && proto_field_is_referenced(tree, proto_expert)) ||
      (proto_malformed > 0 && proto_field_is_referenced(tree, proto_malformed)) ||
      (expert_tap >= 0 && have_tap_listener(expert_tap))) {
    return tree;
  }
  return nullptr;
}

bool sio_want_args(proto_tree* tree) {
  return proto_field_is_referenced(tree, hf_args) || proto_field_is_referenced(tree, hf_arg) ||
         proto_field_is_referenced(tree, hf_binary_value) ||  // MessagePack bin values sit under their argument
         (sio_pref_json_subtree && json_handle && proto_field_is_referenced(tree, proto_json));
}

std::string_view sio_tvb_view(tvbuff_t* tvb) {
  guint len = tvb_captured_length(tvb);
  if (!len) return {};
  return {reinterpret_cast<const char*>(tvb_get_ptr(tvb, 0, len)), len};
}

proto_tree* sio_tree_room(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, guint need) {
  if (!tree) return nullptr;
  const tree_data_t* td = PTREE_DATA(tree);
  // room for the expert item and for the layers after this one (TCP's segment list, ...)
  const guint64 reserve = 16 + prefs.gui_max_tree_items / 16;
  if (!td || static_cast<guint64>(td->count) + need + reserve <= prefs.gui_max_tree_items) return tree;
  if (sio_first_in_frame(pinfo, kPoolTreeLimitSaid)) {
    proto_tree_add_expert_format(tree, pinfo, &ei_sio_tree_limit, tvb, 0, 0,
                                 "The tree item limit (gui.max_tree_items = %u) is reached: further Socket.IO items "
                                 "of this frame are decoded but not shown; raise the preference to see them",
                                 prefs.gui_max_tree_items);
  }
  return nullptr;
}

void sio_add_fault(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const sio::Fault& f, const char* what) {
  guint len = tvb_captured_length(tvb);
  guint off = f.offset < len ? f.offset : len;
  proto_tree_add_expert_format(tree, pinfo, &ei_sio_malformed, tvb, off, off < len ? 1 : 0,
                               "Malformed Socket.IO %s: %s (at byte %u)", what, sio::describe(f.code), f.offset);
}

bool sio_v1_content_check(std::string_view text) {
  frames.clear();
  if (sio::v1::split_payload(text, frames)) return false;
  for (const auto& fr : frames) {
    v1_decoder.packet(text, fr.packet, packet);
    if (packet.fault) return false;
  }
  return !frames.empty();
}

unsigned sio_dissect_payload(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& carrier) {
  std::string_view text = sio_tvb_view(tvb);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "Socket.IO");
  wmem_strbuf_t* info = wmem_strbuf_new(pinfo->pool, "");

  frames.clear();
  sio::Fault framing = sio::v1::split_payload(text, frames);
  unsigned count = 0;
  for (const auto& fr : frames) {
    tree = sio_tree_room(tree, tvb, pinfo, 64);
    // The item covers the frame: its length prefix (and markers) and the packet.
    guint item_off = fr.length.present() ? fr.length.off - 3 : fr.packet.off;
    proto_item* pi = proto_tree_add_item(tree, proto_sio, tvb, item_off, fr.packet.end() - item_off, ENC_NA);
    proto_tree* st = proto_item_add_subtree(pi, ett_sio);
    if (carrier.guessed && count == 0) {
      proto_tree_add_expert(st, pinfo, &ei_sio_guess, tvb, fr.packet.off, 0);
    }
    if (fr.length.present()) {
      proto_tree_add_uint64(st, hf_length, tvb, fr.length.off, fr.length.len, fr.declared);
    }
    if (fr.fault) {
      sio_add_fault(tvb, pinfo, st, fr.fault, "payload framing");
      if (fr.packet.len == 0) {
        if (wmem_strbuf_get_len(info)) wmem_strbuf_append(info, ", ");
        wmem_strbuf_append(info, "[malformed payload]");
        continue;
      }
    }
    v1_decoder.packet(text, fr.packet, packet);
    sio_fill_packet_item(pi, tvb, pinfo, packet, text, info, carrier, carrier.session);
    ++count;
  }
  if (framing && frames.empty()) {
    proto_item* pi = proto_tree_add_item(tree, proto_sio, tvb, 0, -1, ENC_NA);
    sio_add_fault(tvb, pinfo, proto_item_add_subtree(pi, ett_sio), framing, "payload");
    wmem_strbuf_append(info, "[malformed payload]");
  }
  col_add_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(info));
  return count;
}

void sio_dissect_v1_handshake(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c) {
  std::string_view text = sio_tvb_view(tvb);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "Socket.IO");
  static sio::v1::Handshake hs;
  sio::Fault f = sio::v1::parse_handshake(text, hs);
  proto_item* pi = proto_tree_add_item(tree, proto_sio, tvb, 0, -1, ENC_NA);
  proto_item_append_text(pi, ", handshake");
  proto_tree* st = proto_item_add_subtree(pi, ett_handshake);
  proto_item* ti = proto_tree_add_uint(st, hf_version, tvb, 0, 0, sio::v1::kVersion);
  proto_item_set_generated(ti);
  if (hs.sid.present()) add_string_span(st, hf_sid, tvb, pinfo, hs.sid, hs.sid.in(text));
  if (hs.heartbeat.present()) {
    ti = proto_tree_add_uint(st, hf_heartbeat_timeout, tvb, hs.heartbeat.off, hs.heartbeat.len, hs.heartbeat_value);
    if (!hs.heartbeat.len) proto_item_append_text(ti, " (heartbeats off)");
  }
  if (hs.close.present()) proto_tree_add_uint(st, hf_close_timeout, tvb, hs.close.off, hs.close.len, hs.close_value);
  if (hs.transports.present()) {
    ti = add_string_span(st, hf_transports, tvb, pinfo, hs.transports, hs.transports.in(text));
    proto_tree* tt = ti ? proto_item_add_subtree(ti, ett_handshake) : st;
    for (const auto& t : hs.transport_items) add_string_span(tt, hf_transport, tvb, pinfo, t, t.in(text));
  }
  if (f) sio_add_fault(tvb, pinfo, st, f, "handshake");
  std::string_view sid = hs.sid.in(text);
  if (!f) {
    // the server checks a heartbeat within the timeout
    const char* s = sio_track_session_start(pinfo, wmem_strndup(pinfo->pool, sid.data(), sid.size()),
                                            hs.heartbeat_value);
    sio_track_eio(st, tvb, pinfo, c, s, 0, 0xFF);
  }
  col_add_fstr(pinfo->cinfo, COL_INFO, "handshake sid=%.*s%s", static_cast<int>(sid.size()), sid.data(),
               f ? " [malformed]" : "");
}

void sio_add_post_reply(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c, int proto, int ett,
                        int hf) {
  col_set_str(pinfo->cinfo, COL_PROTOCOL, sio_protocol_name(c.session));
  col_set_str(pinfo->cinfo, COL_INFO, "polling POST accepted");
  proto_item* pi = proto_tree_add_item(tree, proto, tvb, 0, -1, ENC_NA);
  proto_item_append_text(pi, ", polling POST accepted");
  proto_tree* st = proto_item_add_subtree(pi, ett);
  proto_tree_add_item(st, hf, tvb, 0, -1, ENC_UTF_8);
  sio_track_eio(st, tvb, pinfo, c, c.session, 0, 0xFF);
}

void sio_dissect_error_reply(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c,
                             unsigned status) {
  std::string_view text = sio_tvb_view(tvb);
  static sio::Json json;
  static sio::ErrorReply reply;
  sio::Fault f = sio::parse_error_reply(json, text, reply);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, sio_protocol_name(c.session));
  // the reply belongs to the transport: Engine.IO's where there is one
  const bool eio = c.generation == sio::Generation::eio3 || c.generation == sio::Generation::eio4;
  proto_item* pi = proto_tree_add_item(tree, eio ? proto_eio : proto_sio, tvb, 0, -1, ENC_NA);
  proto_item_append_text(pi, ", error reply %u", status);
  proto_tree* st = proto_item_add_subtree(pi, ett_sio);
  proto_item* ti = proto_tree_add_uint(st, hf_http_status, tvb, 0, 0, status);
  proto_item_set_generated(ti);
  ti = proto_tree_add_item(st, hf_error_reply, tvb, 0, -1, ENC_UTF_8);
  if (reply.code.present()) proto_tree_add_uint64(st, hf_error_code, tvb, reply.code.off, reply.code.len, reply.code_value);
  if (reply.json && reply.message.present()) {
    add_string_span(st, hf_error_message, tvb, pinfo, reply.message, reply.message_value);
  }
  const std::string& message = reply.message_value;
  expert_add_info_format(pinfo, ti, &ei_sio_error_reply, "The server refused the request: HTTP %u, %.*s", status,
                         static_cast<int>(message.size()), message.data());
  if (f) sio_add_fault(tvb, pinfo, st, f, "error reply");
  col_add_fstr(pinfo->cinfo, COL_INFO, "error reply %u %.*s", status, static_cast<int>(message.size()),
               message.data());
  sio_track_eio(st, tvb, pinfo, c, c.session, 0, 0xFF);
}

void sio_dissect_post_reply(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c) {
  sio_add_post_reply(tvb, pinfo, tree, c, proto_sio, ett_sio, hf_post_reply);
}

proto_tree* sio_add_jsonp_wrapper(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const sio::Jsonp& jp,
                                  bool eio) {
  std::string_view text = sio_tvb_view(tvb);
  // the wrapper belongs to the transport: Engine.IO's where there is one
  proto_item* pi = proto_tree_add_item(tree, eio ? proto_eio : proto_sio, tvb, 0, -1, ENC_NA);
  proto_item_append_text(pi, ", JSONP wrapper");
  proto_tree* st = proto_item_add_subtree(pi, ett_jsonp);
  if (jp.callback.present()) add_string_span(st, hf_jsonp_callback, tvb, pinfo, jp.callback, jp.callback.in(text));
  if (jp.index.present()) proto_tree_add_uint(st, hf_jsonp_index, tvb, jp.index.off, jp.index.len, jp.index_value);
  return st;
}

void sio_register(void) {
  static hf_register_info hf[] = {
      {&hf_version, {"Protocol revision", "sio.version", FT_UINT8, BASE_DEC, nullptr, 0x0,
                     "Socket.IO protocol revision: 1 (0.x), 4 or 5", HFILL}},
      {&hf_type, {"Type", "sio.type", FT_STRING, BASE_NONE, nullptr, 0x0, "Packet type name", HFILL}},
      {&hf_type_code, {"Type code", "sio.type_code", FT_UINT8, BASE_DEC, nullptr, 0x0,
                       "Packet type digit as on the wire", HFILL}},
      {&hf_endpoint, {"Endpoint", "sio.endpoint", FT_STRING, BASE_NONE, nullptr, 0x0,
                      "Namespace; / is the default namespace", HFILL}},
      {&hf_qs, {"Query string", "sio.qs", FT_STRING, BASE_NONE, nullptr, 0x0,
                "Connect query string, without the leading ?", HFILL}},
      {&hf_id, {"Message id", "sio.id", FT_UINT64, BASE_DEC, nullptr, 0x0,
                "The packet's own id, sent when an acknowledgement is asked for", HFILL}},
      {&hf_ack, {"Ack", "sio.ack", FT_STRING, BASE_NONE, nullptr, 0x0,
                 "Acknowledgement asked for: data (with arguments) or auto", HFILL}},
      {&hf_ack_id, {"Acknowledged id", "sio.ack_id", FT_UINT64, BASE_DEC, nullptr, 0x0,
                    "The message id this ack answers", HFILL}},
      {&hf_name, {"Event name", "sio.name", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_args, {"Arguments", "sio.args", FT_STRING, BASE_NONE, nullptr, 0x0,
                  "Event or ack arguments as one JSON array", HFILL}},
      {&hf_arg, {"Argument", "sio.arg", FT_STRING, BASE_NONE, nullptr, 0x0, "One argument's JSON text", HFILL}},
      {&hf_data, {"Data", "sio.data", FT_STRING, BASE_NONE, nullptr, 0x0,
                  "Message text or JSON data", HFILL}},
      {&hf_reason, {"Reason", "sio.reason", FT_UINT32, BASE_DEC, VALS(v1_reason_vals), 0x0,
                    "Error reason code", HFILL}},
      {&hf_advice, {"Advice", "sio.advice", FT_UINT32, BASE_DEC, VALS(v1_advice_vals), 0x0,
                    "Error advice code", HFILL}},
      {&hf_length, {"Frame length", "sio.length", FT_UINT64, BASE_DEC, nullptr, 0x0,
                    "Polling payload length prefix (UTF-16 code units)", HFILL}},
      {&hf_sid, {"Session id", "sio.sid", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_heartbeat_timeout, {"Heartbeat timeout", "sio.heartbeat_timeout", FT_UINT32, BASE_DEC, nullptr, 0x0,
                               "Seconds; empty means heartbeats off", HFILL}},
      {&hf_close_timeout, {"Close timeout", "sio.close_timeout", FT_UINT32, BASE_DEC, nullptr, 0x0, "Seconds",
                           HFILL}},
      {&hf_transports, {"Transports", "sio.transports", FT_STRING, BASE_NONE, nullptr, 0x0,
                        "Transports the server offers", HFILL}},
      {&hf_transport, {"Transport", "sio.transport", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_jsonp_callback, {"JSONP callback", "sio.jsonp.callback", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr,
                            HFILL}},
      {&hf_jsonp_index, {"JSONP index", "sio.jsonp.index", FT_UINT32, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_attachments, {"Attachments", "sio.attachments", FT_UINT32, BASE_DEC, nullptr, 0x0,
                         "Number of binary attachments that follow the packet", HFILL}},
      {&hf_post_reply, {"POST reply", "sio.post_reply", FT_STRING, BASE_NONE, nullptr, 0x0,
                        "Polling POST acknowledgement; carries no packet", HFILL}},
      {&hf_http_status, {"HTTP status", "sio.http_status", FT_UINT16, BASE_DEC, nullptr, 0x0,
                         "Status of a server's refusal (error reply) of a Socket.IO or Engine.IO request", HFILL}},
      {&hf_error_reply, {"Error reply", "sio.error_reply", FT_STRING, BASE_NONE, nullptr, 0x0,
                         "Body of a server's refusal of a Socket.IO or Engine.IO request", HFILL}},
      {&hf_error_code, {"Error code", "sio.error.code", FT_UINT64, BASE_DEC, nullptr, 0x0,
                        "Engine.IO error reply code (0 unknown transport, 1 unknown session id, 2 bad handshake "
                        "method, 3 bad request, 4 forbidden, 5 unsupported protocol version)", HFILL}},
      {&hf_error_message, {"Error message", "sio.error.message", FT_STRING, BASE_NONE, nullptr, 0x0,
                           "Engine.IO error reply message", HFILL}},
      {&hf_binary_value, {"Binary value", "sio.binary_value", FT_BYTES, BASE_NONE, nullptr, 0x0,
                          "Bytes of a MessagePack bin value in the packet, in place (in sio.args and sio.data as "
                          "{\"_binary\":\"<base64>\"})", HFILL}},
  };
  static int* ett[] = {&ett_sio, &ett_args, &ett_handshake, &ett_jsonp};
  static ei_register_info ei[] = {
      {&ei_sio_malformed, {"sio.malformed", PI_MALFORMED, PI_ERROR, "Malformed Socket.IO data", EXPFILL}},
      {&ei_sio_guess, {"sio.heuristic", PI_PROTOCOL, PI_NOTE,
                       "Detected from content alone: the request that opened this conversation is not in the capture",
                       EXPFILL}},
      {&ei_sio_tree_limit, {"sio.tree_limit", PI_UNDECODED, PI_WARN, "Tree item limit reached", EXPFILL}},
      {&ei_sio_layer_limit, {"sio.layer_limit", PI_UNDECODED, PI_NOTE, "JSON tree left out: protocol layer limit",
                             EXPFILL}},
      {&ei_sio_error_reply, {"sio.error_reply.refused", PI_RESPONSE_CODE, PI_NOTE,
                             "The server refused the request (error reply)", EXPFILL}},
  };

  proto_sio = proto_register_protocol("Socket.IO", "Socket.IO", "sio");
  proto_register_field_array(proto_sio, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
  expert_module_t* em = expert_register_protocol(proto_sio);
  expert_register_field_array(em, ei, G_N_ELEMENTS(ei));

  sio_register_eio();
  sio_register_session();
  sio_register_analysis();

  module_t* m = prefs_register_protocol(proto_sio, sio_transport_prefs_applied);
  prefs_register_bool_preference(m, "detect_http", "Detect Socket.IO in HTTP polling bodies",
                                 "Decode text/plain, text/javascript and form bodies of Socket.IO polling requests "
                                 "as Socket.IO. Other bodies keep their usual dissection.",
                                 &sio_pref_detect_http);
  prefs_register_bool_preference(m, "http2_streams", "Read HTTP/2 stream headers",
                                 "Decode polling bodies carried over HTTP/2: their stream's :path, :method and "
                                 ":status are read from the HTTP/2 fields, which makes Wireshark build a protocol "
                                 "tree for every frame on the first pass (about 6% more instructions for a "
                                 "plain 'tshark -r' of a WebSocket capture). Off: HTTP/2 bodies are decoded from their content alone, as "
                                 "when the request is not in the capture (no session from the URI, the "
                                 "Engine.IO version guessed, the lower port taken for the server's).",
                                 &sio_pref_http2_streams);
  prefs_register_bool_preference(m, "detect_websocket", "Detect Socket.IO in WebSocket messages",
                                 "Try Socket.IO on WebSocket messages (the ws heuristic can also be switched off "
                                 "in Analyze > Enabled Protocols).",
                                 &sio_pref_detect_ws);
  prefs_register_string_preference(m, "resource", "Resource path",
                                   "Path prefix of the Socket.IO server (the client's 'resource' or 'path' option)",
                                   &sio_pref_resource);
  prefs_register_bool_preference(m, "json_subtree", "Show arguments as a JSON tree",
                                 "Add Wireshark's JSON dissection of event and ack arguments (and its MessagePack "
                                 "dissection of MessagePack packets)",
                                 &sio_pref_json_subtree);
  prefs_register_enum_preference(m, "encoding", "Socket.IO packet encoding",
                                 "How binary Engine.IO messages are read. Detect per session: a session whose first "
                                 "message is a binary MessagePack Socket.IO packet (a map with type and nsp) is a "
                                 "MessagePack session (socket.io-msgpack-parser, python-socketio's msgpack "
                                 "serializer). JSON: binary messages are attachments or the application's own. "
                                 "MessagePack: every binary message is a MessagePack Socket.IO packet (for captures "
                                 "whose sessions' start is missing).",
                                 &sio_pref_encoding, encoding_vals, FALSE);
}

void sio_handoff(void) {
  json_handle = find_dissector_add_dependency("json", proto_sio);
  proto_json = proto_get_id_by_filter_name("json");
  msgpack_handle = find_dissector_add_dependency("msgpack", proto_sio);
  proto_msgpack = proto_get_id_by_filter_name("msgpack");
  proto_expert = proto_get_id_by_filter_name("_ws.expert");
  proto_malformed = proto_get_id_by_filter_name("_ws.malformed");
  expert_tap = find_tap_id("expert");
  sio_handoff_transport();
}
