// Sessions across transports, acknowledgement matching, heartbeat timing and
// the statistics tap: the state that spans packets.
//
// Everything is decided on the first pass, in capture order, and kept per
// packet, so that later passes (tshark -2, the GUI) show the same thing and
// can add what only the whole capture tells (an ack that never came).
#include "sio_plugin.h"

#include <epan/proto_data.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include <cinttypes>
#include <cstring>

namespace {

int hf_session = -1;
int hf_direction = -1;
int hf_session_start = -1;
int hf_ack_in = -1;
int hf_ack_to = -1;
int hf_ack_time = -1;
int hf_heartbeat_gap = -1;
int hf_upgrade_replaces = -1;

expert_field ei_ack_unmatched = EI_INIT;
expert_field ei_ack_missing = EI_INIT;
expert_field ei_id_reused = EI_INIT;
expert_field ei_heartbeat_late = EI_INIT;
expert_field ei_session_unclosed = EI_INIT;

int sio_tap = -1;

const value_string direction_vals[] = {
    {1, "client-to-server"},
    {2, "server-to-client"},
    {0, nullptr},
};

struct AckRecord {
  guint32 req_frame;
  nstime_t req_time;
  guint32 ack_frame;
  nstime_t ack_time;
  const char* name;  // event name of the request, for the statistics
};

struct Session {
  const char* sid;
  guint32 start_frame;        // frame of the handshake/open packet; 0 when not in the capture
  guint32 last_frame;
  guint32 last_frame_dir[2];  // [0] client-to-server, [1] server-to-client
  bool closed;
  double heartbeat_limit;     // seconds; 0 when unknown
  bool have_heartbeat;
  nstime_t last_heartbeat;
  bool overdue_flagged;       // the current silence was already flagged
  guint32 last_polling_frame; // the latest frame the session sent over a polling transport
  SioContent content;         // what its Engine.IO messages carry, decided by the first one
  guint32 number;             // sio.session.index: 0, 1, ... in order of first appearance
  wmem_map_t* requests;       // "dir|namespace|id" -> AckRecord
};

// First-pass findings of one packet.
struct Track {
  Session* session;
  AckRecord* request;   // this packet asked for an ack
  AckRecord* response;  // this packet is an ack
  guint32 reused_frame; // the id was still waiting for its ack from this frame
  bool heartbeat;
  double heartbeat_gap; // seconds since the previous heartbeat (or the session start)
  bool heartbeat_late;  // a heartbeat, or the first packet after a silence, beyond the limit
  guint32 replaces;     // an upgrade packet: the last polling frame of the phase it replaces
};

wmem_map_t* sessions;  // sid -> Session
wmem_map_t* names;     // event names of requests, one copy each
Session* last_session; // of the previous packet: consecutive packets mostly share it

const char* intern(packet_info* pinfo, std::string_view name) {
  char* k = wmem_strndup(pinfo->pool, name.data(), name.size());
  if (auto* kept = static_cast<const char*>(wmem_map_lookup(names, k))) return kept;
  char* copy = wmem_strdup(wmem_file_scope(), k);
  wmem_map_insert(names, copy, copy);
  return copy;
}

void init_state() {
  sessions = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
  names = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
  last_session = nullptr;
}

Session* session_get(const char* sid) {
  if (!sid) return nullptr;
  if (last_session && std::strcmp(last_session->sid, sid) == 0) return last_session;
  auto* s = static_cast<Session*>(wmem_map_lookup(sessions, sid));
  if (!s) {
    s = wmem_new0(wmem_file_scope(), Session);
    s->sid = wmem_strdup(wmem_file_scope(), sid);
    s->requests = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
    s->number = sio_analysis_new_session();
    wmem_map_insert(sessions, s->sid, s);
  }
  last_session = s;
  return s;
}

// Only packets with something to remember are kept, so memory grows with
// requests and heartbeats, not with packets.
Track* keep(packet_info* pinfo, guint32 index, const Track& t) {
  if (!t.request && !t.response && !t.heartbeat && !t.heartbeat_late && !t.reused_frame && !t.replaces) {
    static Track plain;
    plain = t;
    return &plain;
  }
  auto* kept = wmem_new(wmem_file_scope(), Track);
  *kept = t;
  sio_frame_keep(pinfo, index, kept);
  return kept;
}

// A later pass: what the first pass kept, or a plain packet of its session.
Track* find(packet_info* pinfo, guint32 index, const char* sid, Track& scratch) {
  if (auto* t = static_cast<Track*>(sio_frame_find(pinfo, index))) return t;
  scratch = Track{};
  scratch.session = sid ? static_cast<Session*>(wmem_map_lookup(sessions, sid)) : nullptr;
  return &scratch;
}

void touch(Session* s, packet_info* pinfo, const SioCarrier& c) {
  if (!s || PINFO_FD_VISITED(pinfo)) return;
  s->last_frame = pinfo->num;
  s->last_frame_dir[c.request ? 0 : 1] = pinfo->num;
  if (c.transport == sio::Transport::polling || c.transport == sio::Transport::xhr_polling ||
      c.transport == sio::Transport::jsonp_polling) {
    s->last_polling_frame = pinfo->num;
  }
}

void note_heartbeat(Session* s, packet_info* pinfo, Track* t) {
  t->heartbeat = true;
  if (!s) return;
  nstime_t delta;
  if (s->have_heartbeat) {
    nstime_delta(&delta, &pinfo->abs_ts, &s->last_heartbeat);
    t->heartbeat_gap = nstime_to_sec(&delta);
    t->heartbeat_late = s->heartbeat_limit > 0 && t->heartbeat_gap > s->heartbeat_limit;
  }
  s->have_heartbeat = true;
  s->last_heartbeat = pinfo->abs_ts;
  s->overdue_flagged = false;
}

// Any other packet: the first one after a silence longer than the limit shows it,
// where heartbeats are due (Engine.IO always; 0.x on WebSocket only, as 0.9
// servers send none on polling).
void note_silence(Session* s, packet_info* pinfo, Track* t, const SioCarrier& c) {
  const bool due = c.generation != sio::Generation::v1 || c.transport == sio::Transport::websocket ||
                   c.transport == sio::Transport::flashsocket;
  if (!s || !due || !s->have_heartbeat || s->heartbeat_limit <= 0 || s->overdue_flagged) return;
  nstime_t delta;
  nstime_delta(&delta, &pinfo->abs_ts, &s->last_heartbeat);
  double gap = nstime_to_sec(&delta);
  if (gap > s->heartbeat_limit) {
    t->heartbeat_gap = gap;
    t->heartbeat_late = true;
    s->overdue_flagged = true;
  }
}

void show_common(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const SioCarrier& c, const Session* s,
                 guint off) {
  if (!tree) return;
  if (s) {
    proto_item* ti = proto_tree_add_string(tree, hf_session, tvb, off, 0, s->sid);
    proto_item_set_generated(ti);
    sio_analysis_show_session(tree, tvb, off, s->number);
    if (s->start_frame && s->start_frame != pinfo->num) {
      ti = proto_tree_add_uint(tree, hf_session_start, tvb, off, 0, s->start_frame);
      proto_item_set_generated(ti);
    }
  }
  proto_item* ti = proto_tree_add_uint(tree, hf_direction, tvb, off, 0, c.request ? 1 : 2);
  proto_item_set_generated(ti);
}

void show_heartbeat(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const Track* t, guint off) {
  if ((!t->heartbeat && !t->heartbeat_late) || t->heartbeat_gap <= 0) return;
  nstime_t gap;
  nstime_set_zero(&gap);
  gap.secs = static_cast<time_t>(t->heartbeat_gap);
  gap.nsecs = static_cast<int>((t->heartbeat_gap - static_cast<double>(gap.secs)) * 1e9);
  proto_item* ti = proto_tree_add_time(tree, hf_heartbeat_gap, tvb, off, 0, &gap);
  proto_item_set_generated(ti);
  if (t->heartbeat_late) {
    expert_add_info_format(pinfo, ti, &ei_heartbeat_late,
                           t->heartbeat ? "Heartbeat %.3f s after the previous one, beyond the negotiated %.3f s"
                                        : "No heartbeat for %.3f s before this packet, beyond the negotiated %.3f s",
                           t->heartbeat_gap, t->session ? t->session->heartbeat_limit : 0.0);
  }
}

void show_unclosed(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const Track* t, guint off) {
  const Session* s = t->session;
  if (PINFO_FD_VISITED(pinfo) && s && !s->closed && s->last_frame == pinfo->num) {
    proto_tree_add_expert(tree, pinfo, &ei_session_unclosed, tvb, off, 0);
  }
}

// Statistics.
const char* st_revision = "Packets by protocol revision";
const char* st_type = "Packets by type";
const char* st_namespace = "Packets by namespace";
const char* st_event = "Events by name";
const char* st_latency = "Ack latency by event name (ms)";
int st_node_revision, st_node_type, st_node_namespace, st_node_event, st_node_latency;

void stats_init(stats_tree* st) {
  st_node_revision = stats_tree_create_node(st, st_revision, 0, STAT_DT_INT, TRUE);
  st_node_type = stats_tree_create_node(st, st_type, 0, STAT_DT_INT, TRUE);
  st_node_namespace = stats_tree_create_node(st, st_namespace, 0, STAT_DT_INT, TRUE);
  st_node_event = stats_tree_create_node(st, st_event, 0, STAT_DT_INT, TRUE);
  st_node_latency = stats_tree_create_node(st, st_latency, 0, STAT_DT_FLOAT, TRUE);
}

void stats_one(stats_tree* st, const SioTapInfo* info) {
  char rev[16];
  g_snprintf(rev, sizeof rev, "%u", info->version);
  tick_stat_node(st, st_revision, 0, FALSE);
  tick_stat_node(st, rev, st_node_revision, FALSE);
  tick_stat_node(st, st_type, 0, FALSE);
  tick_stat_node(st, info->type, st_node_type, FALSE);
  tick_stat_node(st, st_namespace, 0, FALSE);
  tick_stat_node(st, info->endpoint, st_node_namespace, FALSE);
  if (info->name) {
    tick_stat_node(st, st_event, 0, FALSE);
    int n = tick_stat_node(st, info->name, st_node_event, TRUE);
    tick_stat_node(st, info->c2s ? "client-to-server" : "server-to-client", n, FALSE);
  }
  if (info->has_ack_time) {
    avg_stat_node_add_value_float(st, st_latency, 0, TRUE, static_cast<gfloat>(info->ack_time_ms));
    avg_stat_node_add_value_float(st, info->ack_name ? info->ack_name : "(unknown)", st_node_latency, FALSE,
                                  static_cast<gfloat>(info->ack_time_ms));
  }
}

tap_packet_status stats_packet(stats_tree* st, packet_info*, epan_dissect_t*, const void* data, tap_flags_t) {
  auto* packets = static_cast<wmem_array_t*>(const_cast<void*>(data));
  const guint n = wmem_array_get_count(packets);
  for (guint i = 0; i < n; ++i) stats_one(st, static_cast<const SioTapInfo*>(wmem_array_index(packets, i)));
  return TAP_PACKET_REDRAW;
}

// One tap record per frame, listing its Socket.IO packets: tshark queues at
// most a few thousand tap records per frame, and a polling body holds more.
void tap_add(packet_info* pinfo, const SioTapInfo& info) {
  auto* packets = static_cast<wmem_array_t*>(p_get_proto_data(pinfo->pool, pinfo, proto_sio, kPoolTapRecord));
  if (!packets) {
    packets = wmem_array_new(pinfo->pool, sizeof(SioTapInfo));
    p_add_proto_data(pinfo->pool, pinfo, proto_sio, kPoolTapRecord, packets);
    tap_queue_packet(sio_tap, pinfo, packets);
  }
  wmem_array_append_one(packets, info);
}

}  // namespace

SioContent sio_session_content(const char* sid) {
  Session* s = session_get(sid);
  return s ? s->content : SioContent::unknown;
}

const char* sio_protocol_name(const char* sid) {
  return sid && sio_session_content(sid) == SioContent::plain ? "Engine.IO" : "Socket.IO";
}

void sio_session_decide_content(packet_info* pinfo, const char* sid, SioContent content) {
  Session* s = session_get(sid);
  if (s && !PINFO_FD_VISITED(pinfo) && s->content == SioContent::unknown) s->content = content;
}

const char* sio_track_session_start(packet_info* pinfo, const char* sid, double heartbeat_limit) {
  Session* s = session_get(sid);
  if (s && !PINFO_FD_VISITED(pinfo)) {
    if (!s->start_frame) s->start_frame = pinfo->num;
    if (heartbeat_limit > 0) s->heartbeat_limit = heartbeat_limit;
    s->have_heartbeat = true;
    s->last_heartbeat = pinfo->abs_ts;
  }
  return s ? s->sid : nullptr;
}

void sio_track_eio(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const SioCarrier& c, const char* sid,
                   guint off, uint8_t eio_type, bool upgrade) {
  const guint32 key = sio_packet_index(pinfo);
  Track scratch{};
  Track* t;
  if (!PINFO_FD_VISITED(pinfo)) {
    t = &scratch;
    t->session = session_get(sid);
    touch(t->session, pinfo, c);
    if (eio_type == sio::eio::ping || eio_type == sio::eio::pong) {
      note_heartbeat(t->session, pinfo, t);
    } else {
      note_silence(t->session, pinfo, t, c);
    }
    if (eio_type == sio::eio::close && t->session) t->session->closed = true;
    if (upgrade && t->session && c.transport == sio::Transport::websocket) {
      t->replaces = t->session->last_polling_frame;
    }
    t = keep(pinfo, key, scratch);
  } else {
    t = find(pinfo, key, sid, scratch);
  }
  show_common(tree, tvb, pinfo, c, t->session, off);
  if (t->replaces) {
    proto_item* ti = proto_tree_add_uint(tree, hf_upgrade_replaces, tvb, off, 0, t->replaces);
    proto_item_set_generated(ti);
  }
  show_heartbeat(tree, tvb, pinfo, t, off);
  show_unclosed(tree, tvb, pinfo, t, off);
}

void sio_track_sio(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const SioCarrier& c, const char* sid,
                   const sio::Packet& p, std::string_view text, const sio::msgpack::Decoder* mp) {
  const guint off = p.type.present() ? p.type.off : 0;
  const guint32 key = sio_packet_index(pinfo);
  Track scratch{};
  Track* t = PINFO_FD_VISITED(pinfo) ? find(pinfo, key, sid, scratch) : nullptr;
  std::string_view ep = p.endpoint.present() && p.endpoint.len ? p.endpoint.in(text) : std::string_view("/");
  const bool v1 = p.version == sio::v1::kVersion;
  const bool is_ack = v1 ? p.type_code == sio::v1::ack
                         : (p.type_code == sio::modern::ack || p.type_code == sio::modern::binary_ack);
  if (!t) {
    t = &scratch;
    Session* s = t->session = session_get(sid);
    touch(s, pinfo, c);
    if (s && !p.fault) {
      if (v1 && p.type_code == sio::v1::heartbeat) {
        note_heartbeat(s, pinfo, t);
      } else if (v1) {
        note_silence(s, pinfo, t, c);
      }
      const unsigned disconnect = v1 ? unsigned{sio::v1::disconnect} : unsigned{sio::modern::disconnect};
      if (p.type_code == disconnect && ep == "/") s->closed = true;
      if (p.id.present() && !is_ack) {
        // a request: keyed by its sender's direction
        // Only requests still waiting are in the map: memory follows pending acks.
        const char* k = wmem_strdup_printf(pinfo->pool, "%c|%.*s|%" PRIu64, c.request ? '>' : '<',
                                           static_cast<int>(ep.size()), ep.data(), p.id_value);
        const void* kept_key = nullptr;
        void* old = nullptr;
        if (wmem_map_lookup_extended(s->requests, k, &kept_key, &old)) {
          t->reused_frame = static_cast<AckRecord*>(old)->req_frame;
        } else {
          kept_key = wmem_strdup(wmem_file_scope(), k);
        }
        auto* r = wmem_new0(wmem_file_scope(), AckRecord);
        r->req_frame = pinfo->num;
        r->req_time = pinfo->abs_ts;
        r->name = p.name.present() ? intern(pinfo, p.name_value)
                                   : intern(pinfo, wmem_strdup_printf(pinfo->pool, "(%s)", p.type_name));
        wmem_map_insert(s->requests, kept_key, r);
        t->request = r;
      } else if (p.ack_id.present() && is_ack) {
        // an ack answers a request sent the other way
        const char* k = wmem_strdup_printf(pinfo->pool, "%c|%.*s|%" PRIu64, c.request ? '<' : '>',
                                           static_cast<int>(ep.size()), ep.data(), p.ack_id_value);
        const void* kept_key = nullptr;
        void* found = nullptr;
        if (wmem_map_lookup_extended(s->requests, k, &kept_key, &found)) {
          auto* r = static_cast<AckRecord*>(found);
          r->ack_frame = pinfo->num;
          r->ack_time = pinfo->abs_ts;
          t->response = r;
          wmem_map_remove(s->requests, k);
          wmem_free(wmem_file_scope(), const_cast<void*>(kept_key));
        }
      }
    }
    t = keep(pinfo, key, scratch);
  }

  show_common(tree, tvb, pinfo, c, t->session, off);
  show_heartbeat(tree, tvb, pinfo, t, off);
  proto_item* ti;
  SioTapInfo tap{};
  if (t->request) {
    if (t->request->ack_frame) {
      ti = proto_tree_add_uint(tree, hf_ack_in, tvb, off, 0, t->request->ack_frame);
      proto_item_set_generated(ti);
    } else if (PINFO_FD_VISITED(pinfo) && t->session &&
               t->session->last_frame_dir[c.request ? 1 : 0] > pinfo->num) {
      proto_tree_add_expert(tree, pinfo, &ei_ack_missing, tvb, off, 0);
    }
    if (t->reused_frame) {
      proto_tree_add_expert_format(tree, pinfo, &ei_id_reused, tvb, p.id.off, p.id.len,
                                   "Id %" PRIu64 " reused while the request in frame %u still waits for its ack",
                                   p.id_value, t->reused_frame);
    }
  }
  if (t->response) {
    ti = proto_tree_add_uint(tree, hf_ack_to, tvb, off, 0, t->response->req_frame);
    proto_item_set_generated(ti);
    nstime_t delta;
    nstime_delta(&delta, &t->response->ack_time, &t->response->req_time);
    ti = proto_tree_add_time(tree, hf_ack_time, tvb, off, 0, &delta);
    proto_item_set_generated(ti);
    tap.has_ack_time = TRUE;
    tap.ack_time_ms = nstime_to_msec(&delta);
    tap.ack_name = t->response->name;
  } else if (is_ack && !p.fault && t->session && t->session->start_frame) {
    // the session's start is in the capture, so its requests would be too
    proto_tree_add_expert(tree, pinfo, &ei_ack_unmatched, tvb, off, 0);
  }
  show_unclosed(tree, tvb, pinfo, t, off);
  sio_analysis_packet(pinfo, c, t->session ? t->session->number : G_MAXUINT32, p, text, mp);

  if (p.type_name && have_tap_listener(sio_tap)) {
    tap.version = p.version;
    tap.type = p.type_name;
    tap.endpoint = wmem_strndup(pinfo->pool, ep.data(), ep.size());
    tap.c2s = c.request;
    const bool event = v1 ? p.type_code == sio::v1::event
                          : (p.type_code == sio::modern::event || p.type_code == sio::modern::binary_event);
    if (event && !p.name_value.empty()) tap.name = wmem_strndup(pinfo->pool, p.name_value.data(), p.name_value.size());
    tap_add(pinfo, tap);
  }
}

void sio_register_session(void) {
  static hf_register_info hf[] = {
      {&hf_session, {"Session", "sio.session", FT_STRING, BASE_NONE, nullptr, 0x0,
                     "Session id, the same on every transport and connection of the session", HFILL}},
      {&hf_direction, {"Direction", "sio.direction", FT_UINT8, BASE_DEC, VALS(direction_vals), 0x0,
                       "Known from the HTTP request/response or the WebSocket connection's server side", HFILL}},
      {&hf_session_start, {"Session start", "sio.session.start", FT_FRAMENUM, BASE_NONE, nullptr, 0x0,
                           "Frame of the session's handshake", HFILL}},
      {&hf_ack_in, {"Ack in", "sio.ack_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
                    "Frame of the acknowledgement of this packet", HFILL}},
      {&hf_ack_to, {"Ack to", "sio.ack_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
                    "Frame of the packet this acknowledgement answers", HFILL}},
      {&hf_ack_time, {"Ack time", "sio.ack_time", FT_RELATIVE_TIME, BASE_NONE, nullptr, 0x0,
                      "Time from the request to its acknowledgement", HFILL}},
      {&hf_upgrade_replaces, {"Upgrade replaces polling up to", "sio.upgrade.replaces", FT_FRAMENUM, BASE_NONE,
                              nullptr, 0x0, "Last frame of the polling phase this upgrade (probe, upgrade) replaces",
                              HFILL}},
      {&hf_heartbeat_gap, {"Heartbeat gap", "sio.heartbeat_gap", FT_RELATIVE_TIME, BASE_NONE, nullptr, 0x0,
                           "Time since the previous heartbeat (ping or pong) of the session", HFILL}},
  };
  static ei_register_info ei[] = {
      {&ei_ack_unmatched, {"sio.ack.unmatched", PI_SEQUENCE, PI_WARN,
                           "Ack with no matching request in the capture", EXPFILL}},
      {&ei_ack_missing, {"sio.ack.missing", PI_SEQUENCE, PI_WARN,
                         "No ack came for this request while the session went on", EXPFILL}},
      {&ei_id_reused, {"sio.ack.id_reused", PI_SEQUENCE, PI_WARN, "Message id reused before its ack", EXPFILL}},
      {&ei_heartbeat_late, {"sio.heartbeat.late", PI_SEQUENCE, PI_WARN,
                            "Heartbeat later than the negotiated interval and timeout", EXPFILL}},
      {&ei_session_unclosed, {"sio.session.unclosed", PI_SEQUENCE, PI_NOTE,
                              "The session ends here without a close or disconnect", EXPFILL}},
  };
  proto_register_field_array(proto_sio, hf, G_N_ELEMENTS(hf));
  expert_register_field_array(expert_register_protocol(proto_sio), ei, G_N_ELEMENTS(ei));
  register_init_routine(init_state);
  sio_tap = register_tap("sio");
}

void sio_register_stats(void) {
  stats_tree_register_plugin("sio", "sio", "Socket.IO/Packets", 0, stats_packet, stats_init, nullptr);
}
