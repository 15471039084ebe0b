// Socket.IO in Wireshark's own analysis tools: Follow (tshark -z follow,sio,MODE,N and the
// GUI's Follow menu where the version lists plugins' followers) and Export Objects
// (tshark --export-objects sio,DIR and File › Export Objects › Socket.IO).
//
// The dissector hands this file each Socket.IO packet (sio_analysis_packet) and each binary
// attachment (sio_analysis_binary); they reach the listeners through two taps of their own,
// one record per frame listing the frame's packets (tshark queues a few thousand tap records
// per frame at most, and a polling body can hold more packets).
//
// Flow Graph: the sequence analysis API (register_seq_analysis) is exported by libwireshark,
// but its header (epan/sequence_analysis.h, with seq_analysis_info_t and seq_analysis_item_t)
// is not among the headers installed by wireshark-dev on 4.0, 4.4 or 4.6; a flow tap callback
// has to fill seq_analysis_item_t and append it to seq_analysis_info_t's queue, so a plugin
// would need a copy of those private layouts. None is made here.
#include "sio_plugin.h"

#include <epan/addr_resolv.h>
#include <epan/epan_dissect.h>
#include <epan/export_object.h>
#include <epan/follow.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace {

int hf_session_index = -1;

int follow_tap = -1;
int eo_tap = -1;

guint32 session_count;  // sessions numbered so far in this capture (first pass)

void init_analysis() { session_count = 0; }

// One Socket.IO packet for the follower: its session's number, direction and transcript line.
struct FollowItem {
  guint32 session;
  bool c2s;
  const char* line;
  guint len;
};

// One binary attachment for Export Objects.
struct BinaryItem {
  const char* sid;
  const char* label;
  guint32 slot;
  guint32 repeat;  // earlier items of the frame with the same label and slot (events in one body)
  const guint8* data;
  guint len;
};

// The frame's record of a tap, made on its first use in the frame.
wmem_array_t* frame_record(packet_info* pinfo, SioPoolKey key, int tap, size_t size) {
  auto* items = static_cast<wmem_array_t*>(p_get_proto_data(pinfo->pool, pinfo, proto_sio, key));
  if (!items) {
    items = wmem_array_new(pinfo->pool, size);
    p_add_proto_data(pinfo->pool, pinfo, proto_sio, key, items);
    tap_queue_packet(tap, pinfo, items);
  }
  return items;
}

void append_json_string(wmem_strbuf_t* b, std::string_view s) {
  wmem_strbuf_append_c(b, '"');
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': wmem_strbuf_append(b, "\\\""); break;
      case '\\': wmem_strbuf_append(b, "\\\\"); break;
      case '\n': wmem_strbuf_append(b, "\\n"); break;
      case '\r': wmem_strbuf_append(b, "\\r"); break;
      case '\t': wmem_strbuf_append(b, "\\t"); break;
      default:
        if (u < 0x20) {
          wmem_strbuf_append_printf(b, "\\u%04x", u);
        } else {
          wmem_strbuf_append_c(b, ch);
        }
    }
  }
  wmem_strbuf_append_c(b, '"');
}

// The transcript line of one packet:
//   DIR NAMESPACE[?QS] TYPE ["NAME"] [id=N[+]] [ack=N] [attachments=N] [reason=R] [advice=A] [PAYLOAD] [malformed: ...]
// DIR is c2s or s2c; NAME a JSON string; PAYLOAD the arguments as one JSON array (events, acks),
// the data (CONNECT and ERROR payloads, 0.x message text and json data).
// A MessagePack packet (`mp`) shows the JSON renderings of its arguments and data.
const char* transcript_line(packet_info* pinfo, bool c2s, const sio::Packet& p, std::string_view text,
                            const sio::msgpack::Decoder* mp) {
  wmem_strbuf_t* b = wmem_strbuf_new(pinfo->pool, c2s ? "c2s " : "s2c ");
  std::string_view ep = p.endpoint.present() && p.endpoint.len ? p.endpoint.in(text) : std::string_view("/");
  wmem_strbuf_append_len(b, ep.data(), ep.size());
  if (p.qs.present() && p.qs.len) {
    std::string_view qs = p.qs.in(text);
    wmem_strbuf_append_c(b, '?');
    wmem_strbuf_append_len(b, qs.data(), qs.size());
  }
  wmem_strbuf_append_c(b, ' ');
  wmem_strbuf_append(b, p.type_name ? p.type_name : "unknown");
  if (p.name.present() || !p.name_value.empty()) {
    wmem_strbuf_append_c(b, ' ');
    append_json_string(b, p.name_value);
  }
  if (p.id.present()) {
    wmem_strbuf_append_printf(b, " id=%" PRIu64, p.id_value);
    if (p.ack_marker.present()) wmem_strbuf_append_c(b, '+');  // 0.x's "id+": the ack carries data
  }
  if (p.ack_id.present()) wmem_strbuf_append_printf(b, " ack=%" PRIu64, p.ack_id_value);
  if (p.attachments.present()) wmem_strbuf_append_printf(b, " attachments=%u", p.attachments_value);
  if (p.reason.present()) {
    const char* r = sio::v1::reason_name(p.reason_value);
    if (r) {
      wmem_strbuf_append_printf(b, " reason=\"%s\"", r);
    } else {
      wmem_strbuf_append_printf(b, " reason=%u", p.reason_value);
    }
  }
  if (p.advice.present()) {
    const char* a = sio::v1::advice_name(p.advice_value);
    if (a) {
      wmem_strbuf_append_printf(b, " advice=\"%s\"", a);
    } else {
      wmem_strbuf_append_printf(b, " advice=%u", p.advice_value);
    }
  }
  const bool v1 = p.version == sio::v1::kVersion;
  const bool has_args = v1 ? (p.type_code == sio::v1::event || p.type_code == sio::v1::ack)
                           : (p.type_code == sio::modern::event || p.type_code == sio::modern::ack ||
                              p.type_code == sio::modern::binary_event || p.type_code == sio::modern::binary_ack);
  // (a MessagePack DISCONNECT may carry data, as in the tree: python-socketio sends nil)
  const bool has_data = v1 ? (p.type_code == sio::v1::message || p.type_code == sio::v1::json)
                           : (p.type_code == sio::modern::connect || p.type_code == sio::modern::error ||
                              (mp && p.type_code == sio::modern::disconnect));
  if (!p.fault && p.type_name && has_args) {
    wmem_strbuf_append_c(b, ' ');
    if (mp && p.args.present()) {
      std::string_view a = mp->args_json();
      wmem_strbuf_append_len(b, a.data(), a.size());
    } else if (p.args.present() && p.args.len) {
      std::string_view a = p.args.in(text);
      if (p.args_inner) wmem_strbuf_append_c(b, '[');
      wmem_strbuf_append_len(b, a.data(), a.size());
      if (p.args_inner) wmem_strbuf_append_c(b, ']');
    } else {
      wmem_strbuf_append(b, "[]");
    }
  } else if (!p.fault && p.type_name && has_data && p.data.present() && p.data.len) {
    std::string_view d = mp ? mp->data_json() : p.data.in(text);
    wmem_strbuf_append_c(b, ' ');
    wmem_strbuf_append_len(b, d.data(), d.size());
  }
  if (p.fault) wmem_strbuf_append_printf(b, " [malformed: %s]", sio::describe(p.fault.code));
  return wmem_strbuf_get_str(b);
}

// The session number of a filter made by follow_index_filter (also inside "!(...)"), or -1.
gint64 session_of_filter(const char* filter) {
  static const char kField[] = "sio.session.index == ";
  const char* at = filter ? std::strstr(filter, kField) : nullptr;
  unsigned n;
  if (!at || std::sscanf(at + sizeof kField - 1, "%u", &n) != 1) return -1;
  return n;
}

char* follow_conv_filter(epan_dissect_t* edt, packet_info*, guint* stream, guint* sub_stream) {
  GPtrArray* found = edt && edt->tree ? proto_find_first_finfo(edt->tree, hf_session_index) : nullptr;
  if (!found || found->len == 0) return nullptr;
  guint32 n = sio_field_uint(static_cast<field_info*>(g_ptr_array_index(found, 0)));
  g_ptr_array_free(found, TRUE);
  *stream = n;
  *sub_stream = 0;
  return g_strdup_printf("sio.session.index == %u", n);
}

char* follow_index_filter(guint stream, guint) { return g_strdup_printf("sio.session.index == %u", stream); }

const char* address_field(const address* a) { return a->type == AT_IPv6 ? "ipv6" : "ip"; }

char* follow_address_filter(address* src, address* dst, int src_port, int dst_port) {
  char* s = address_to_str(nullptr, src);
  char* d = address_to_str(nullptr, dst);
  char* filter = g_strdup_printf(
      "sio && ((%s.src == %s && tcp.srcport == %d && %s.dst == %s && tcp.dstport == %d) || "
      "(%s.src == %s && tcp.srcport == %d && %s.dst == %s && tcp.dstport == %d))",
      address_field(src), s, src_port, address_field(dst), d, dst_port, address_field(dst), d, dst_port,
      address_field(src), s, src_port);
  wmem_free(nullptr, s);
  wmem_free(nullptr, d);
  return filter;
}

char* follow_port_to_display(wmem_allocator_t* allocator, guint port) {
  return wmem_strdup_printf(allocator, "%u", port);
}

guint32 follow_stream_count(void) { return session_count; }

// The follower's tap listener: each packet of the followed session becomes one record.
tap_packet_status follow_packet(void* tapdata, packet_info* pinfo, epan_dissect_t*, const void* data, tap_flags_t) {
  auto* info = static_cast<follow_info_t*>(tapdata);
  auto* items = static_cast<wmem_array_t*>(const_cast<void*>(data));
  // a frame passes the filter when one of its packets is of the session: the others are left out
  const gint64 wanted = session_of_filter(info->filter_out_filter);
  const guint n = wmem_array_get_count(items);
  bool added = false;
  for (guint i = 0; i < n; ++i) {
    const auto* it = static_cast<const FollowItem*>(wmem_array_index(items, i));
    if (wanted >= 0 && it->session != wanted) continue;
    if (info->client_port == 0 && info->server_port == 0 && info->client_ip.type == AT_NONE) {
      // the nodes as the first packet of the session shows them
      const address* client = it->c2s ? &pinfo->src : &pinfo->dst;
      const address* server = it->c2s ? &pinfo->dst : &pinfo->src;
      copy_address(&info->client_ip, client);
      copy_address(&info->server_ip, server);
      info->client_port = it->c2s ? pinfo->srcport : pinfo->destport;
      info->server_port = it->c2s ? pinfo->destport : pinfo->srcport;
    }
    auto* record = g_new0(follow_record_t, 1);
    record->is_server = !it->c2s;
    record->packet_num = pinfo->num;
    record->abs_ts = pinfo->abs_ts;
    record->data = g_byte_array_append(g_byte_array_new(), reinterpret_cast<const guint8*>(it->line), it->len);
    info->bytes_written[it->c2s ? 0 : 1] += it->len;
    info->payload = g_list_prepend(info->payload, record);
    added = true;
  }
  return added ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

// Export Objects: one entry per binary attachment, its bytes as sent.
tap_packet_status eo_packet(void* tapdata, packet_info* pinfo, epan_dissect_t*, const void* data, tap_flags_t) {
  auto* list = static_cast<export_object_list_t*>(tapdata);
  auto* items = static_cast<wmem_array_t*>(const_cast<void*>(data));
  const guint n = wmem_array_get_count(items);
  for (guint i = 0; i < n; ++i) {
    const auto* it = static_cast<const BinaryItem*>(wmem_array_index(items, i));
    auto* entry = g_new0(export_object_entry_t, 1);
    entry->pkt_num = pinfo->num;
    entry->hostname = g_strdup(it->sid ? it->sid : "");
    entry->content_type = g_strdup("application/octet-stream");
    // <frame>_<event>_<slot>.bin; a frame with two events of one name: <frame>-2_<event>_<slot>.bin, ...
    entry->filename = it->repeat ? g_strdup_printf("%u-%u_%s_%u.bin", pinfo->num, it->repeat + 1, it->label, it->slot)
                                 : g_strdup_printf("%u_%s_%u.bin", pinfo->num, it->label, it->slot);
    entry->payload_len = it->len;
    entry->payload_data = static_cast<guint8*>(g_malloc(it->len ? it->len : 1));
    if (it->len) std::memcpy(entry->payload_data, it->data, it->len);
    list->add_entry(list->gui_data, entry);
  }
  return n ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

}  // namespace

guint32 sio_analysis_new_session(void) { return session_count++; }

bool sio_analysis_following(void) { return have_tap_listener(follow_tap); }

void sio_analysis_show_session(proto_tree* tree, tvbuff_t* tvb, guint off, guint32 number) {
  if (!tree) return;
  proto_item* ti = proto_tree_add_uint(tree, hf_session_index, tvb, off, 0, number);
  proto_item_set_generated(ti);
}

void sio_analysis_packet(packet_info* pinfo, const SioCarrier& c, guint32 session, const sio::Packet& p,
                         std::string_view text, const sio::msgpack::Decoder* mp) {
  if (!have_tap_listener(follow_tap)) return;
  FollowItem item{};
  item.session = session;
  item.c2s = c.request;
  item.line = transcript_line(pinfo, c.request, p, text, mp);
  item.len = static_cast<guint>(std::strlen(item.line));
  wmem_array_append_one(frame_record(pinfo, kPoolFollowRecord, follow_tap, sizeof(FollowItem)), item);
}

void sio_analysis_binary(packet_info* pinfo, const char* sid, const char* label, guint32 slot, tvbuff_t* tvb,
                         guint off, guint len) {
  if (!have_tap_listener(eo_tap)) return;
  BinaryItem item{};
  item.sid = sid;
  item.label = label && *label ? label : "binary";
  item.slot = slot;
  item.data = static_cast<const guint8*>(tvb_memdup(pinfo->pool, tvb, off, len));
  item.len = len;
  wmem_array_t* items = frame_record(pinfo, kPoolExportRecord, eo_tap, sizeof(BinaryItem));
  const guint n = wmem_array_get_count(items);
  for (guint i = 0; i < n; ++i) {
    const auto* other = static_cast<const BinaryItem*>(wmem_array_index(items, i));
    if (other->slot == slot && std::strcmp(other->label, item.label) == 0) ++item.repeat;
  }
  wmem_array_append_one(items, item);
}

void sio_register_analysis(void) {
  static hf_register_info hf[] = {
      {&hf_session_index, {"Session number", "sio.session.index", FT_UINT32, BASE_DEC, nullptr, 0x0,
                           "The session's number in the capture, from 0 in order of first appearance "
                           "(the N of tshark -z follow,sio,ascii,N)", HFILL}},
  };
  proto_register_field_array(proto_sio, hf, G_N_ELEMENTS(hf));
  register_init_routine(init_analysis);
  follow_tap = register_tap("sio_follow");
  sio_register_follow(proto_sio, "sio_follow", follow_conv_filter, follow_index_filter, follow_address_filter,
                      follow_port_to_display, follow_packet, follow_stream_count);
  eo_tap = register_export_object(proto_sio, eo_packet, nullptr);
}
