// Detection: which WebSocket messages and HTTP bodies are Socket.IO, and the
// unwrapping of the polling transports (JSONP, form-encoded POSTs).
//
// Evidence comes first from the conversation: the request URI of the polling
// request or of the WebSocket upgrade, as the HTTP dissector recorded it. Only
// when that request is not in the capture do strict content checks decide.
#include <epan/conversation.h>
#include <epan/proto_data.h>

#include <cstring>
#include <string>

#include "sio_plugin.h"

namespace {

int proto_http = -1;
dissector_handle_t body_handle;   // "sio" dissector for bodies, carries a BodyCtx
dissector_handle_t media_hook;    // registered in media_type, protocol in name only
protocol_t* sio_protocol;

// Media types whose bodies may be Socket.IO polling payloads, and the handle
// each had before; bodies that are not Socket.IO go back to it.
struct MediaOriginal {
  const char* type;
  dissector_handle_t handle;
};
MediaOriginal originals[] = {
    {"text/plain", nullptr},
    {"text/javascript", nullptr},
    {"application/javascript", nullptr},
    {"application/x-javascript", nullptr},
    {"application/x-www-form-urlencoded", nullptr},
    {"text/html", nullptr},                 // Engine.IO's POST reply "ok"
    {"application/json", nullptr},          // Engine.IO's error replies
    {"application/octet-stream", nullptr},  // Engine.IO 3 binary (XHR2) payloads
};
heur_dissector_list_t http_heuristics;
dissector_handle_t media_handle;

dissector_handle_t original_for(const char* media_type) {
  if (!media_type) return nullptr;
  for (const auto& o : originals) {
    if (g_ascii_strcasecmp(o.type, media_type) == 0) return o.handle;
  }
  return nullptr;
}

enum class BodyKind { payload, handshake, post_reply, jsonp, form, error_reply };

// A response that is not 2xx: the server refused the request (error reply).
bool is_error_status(guint16 status) { return status && (status < 200 || status > 299); }

// A polling POST's acknowledgement: "ok" from node's engine.io, "OK" from python-engineio.
bool is_eio_post_ack(std::string_view text) { return text == "ok" || text == "OK"; }

bool is_eio(sio::Generation g) { return g == sio::Generation::eio3 || g == sio::Generation::eio4; }

struct BodyCtx {
  BodyKind kind = BodyKind::payload;
  SioCarrier carrier;
  guint16 status = 0;  // error_reply: the HTTP status
};

// What the HTTP dissector knew when it handed this body over, recorded on the
// first pass so later passes see the same request even on keep-alive connections.
struct HttpMsg {
  const char* uri;  // request URI, nullptr when the request is not in the capture
  bool request;     // the body is a request body
  bool post;        // the request was a POST
  guint16 status;   // a response's status code; 0 when unknown
};

// Per TCP conversation: the request URI that opened it (the WebSocket upgrade).
struct WsConv {
  const char* uri;
  guint32 server_port;
  const char* channel;
  const char* session;  // from the URI, or from an open packet sent over the connection
  // The URI's classification, made once per resource preference rather than per message.
  const char* classified_for;
  sio::Uri u;
};

const sio::Uri& ws_uri(WsConv* wc) {
  if (wc->classified_for != sio_pref_resource) {
    wc->u = sio::classify_uri(wc->uri, sio_pref_resource);
    wc->classified_for = sio_pref_resource;
  }
  return wc->u;
}

sio::Json json;          // JSONP string literals
std::string scratch;     // decoded wrappers before they move to packet memory
std::string scratch2;

http_conv_t* http_conv(packet_info* pinfo) {
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  if (!conv || proto_http < 0) return nullptr;
  return static_cast<http_conv_t*>(conversation_get_proto_data(conv, proto_http));
}

HttpMsg* http_msg(packet_info* pinfo, const void* data) {
  // Kept under a packet index: one frame can carry many HTTP messages (pipelining, HTTP/2 streams).
  const guint32 key = sio_packet_index(pinfo);
  auto* msg = static_cast<HttpMsg*>(sio_frame_find(pinfo, key));
  if (msg) return msg;
  msg = wmem_new0(wmem_file_scope(), HttpMsg);
  const SioHttpBody body = sio_http_body(pinfo, proto_http, data);
  msg->uri = body.uri ? wmem_strdup(wmem_file_scope(), body.uri) : nullptr;
  msg->request = body.request;
  msg->post = body.method && std::strcmp(body.method, "POST") == 0;
  msg->status = body.request ? 0 : static_cast<guint16>(body.status);
  sio_frame_keep(pinfo, key, msg);
  return msg;
}

// HTTP/2 hands a body to the media_type table with nothing about its stream: the
// request's :path and :method, the response's :status and the body's direction are
// read from the HTTP/2 fields in the tree (a postdissector asks for them, so they are
// there on the first pass even without a visible tree). Per connection, each stream's
// headers are kept as they pass, and the side that sent a :method is the client.
int proto_http2 = -1;
int hf_h2_streamid = -1;
int hf_h2_path = -1;
int hf_h2_method = -1;
int hf_h2_status = -1;
int hf_h2_promised = -1;

struct H2Stream {
  const char* path;
  bool post;
  guint16 status;
};

struct H2Conv {
  address client;        // the endpoint that sends requests (:method)
  guint32 client_port;
  bool client_known;
  wmem_map_t* streams;   // stream id -> H2Stream
};

wmem_map_t* h2_convs;  // conversation index -> H2Conv (file scope)
dissector_handle_t h2_post;
void h2_want_fields();

H2Conv* h2_conv(packet_info* pinfo) {
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  if (!conv) return nullptr;
  const gpointer key = GUINT_TO_POINTER(conv->conv_index);
  auto* hc = static_cast<H2Conv*>(wmem_map_lookup(h2_convs, key));
  if (!hc) {
    hc = wmem_new0(wmem_file_scope(), H2Conv);
    hc->streams = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    wmem_map_insert(h2_convs, key, hc);
  }
  return hc;
}

H2Stream* h2_stream(H2Conv* hc, guint32 id) {
  auto* st = static_cast<H2Stream*>(wmem_map_lookup(hc->streams, GUINT_TO_POINTER(id)));
  if (!st) {
    st = wmem_new0(wmem_file_scope(), H2Stream);
    wmem_map_insert(hc->streams, GUINT_TO_POINTER(id), st);
  }
  return st;
}

struct H2Walk {
  packet_info* pinfo;
  H2Conv* hc;
  guint32 stream;  // the stream of the HTTP/2 frame last seen, in tree order
  guint32 headers_stream;  // the stream its header fields describe (a PUSH_PROMISE's: the promised one)
  bool seen;       // an HTTP/2 frame was seen
};

// Visits the tree in order: each HTTP/2 frame's stream id comes before its header fields.
void h2_visit(proto_node* node, gpointer data) {
  auto* w = static_cast<H2Walk*>(data);
  field_info* fi = PNODE_FINFO(node);
  if (fi && fi->hfinfo) {
    const int id = fi->hfinfo->id;
    if (id == hf_h2_streamid) {
      w->stream = w->headers_stream = sio_field_uint(fi);
      w->seen = true;
    } else if (id == hf_h2_promised) {
      w->headers_stream = sio_field_uint(fi);
    } else if (w->seen && (id == hf_h2_path || id == hf_h2_method)) {
      const char* value = fvalue_get_string(sio_finfo_value(fi));
      H2Stream* st = h2_stream(w->hc, w->headers_stream);
      if (id == hf_h2_path) {
        st->path = value ? wmem_strdup(wmem_file_scope(), value) : nullptr;
      } else {
        st->post = value && std::strcmp(value, "POST") == 0;
        // a server's PUSH_PROMISE carries a :method too: only a request's names the client
        if (!w->hc->client_known && w->headers_stream == w->stream) {
          copy_address_wmem(wmem_file_scope(), &w->hc->client, &w->pinfo->src);
          w->hc->client_port = w->pinfo->srcport;
          w->hc->client_known = true;
        }
      }
    } else if (w->seen && id == hf_h2_status) {
      h2_stream(w->hc, w->headers_stream)->status = static_cast<guint16>(sio_field_uint(fi));
    }
  }
  proto_tree_children_foreach(node, h2_visit, data);
}

// Records the headers of every HTTP/2 frame in the frame's tree so far; returns the
// stream of the last HTTP/2 frame (the one whose body is being handed over), 0 if none.
guint32 h2_walk(packet_info* pinfo, proto_tree* tree, H2Conv* hc) {
  H2Walk w{pinfo, hc, 0, 0, false};
  proto_tree_children_foreach(proto_tree_get_root(tree), h2_visit, &w);
  return w.stream;
}

// Postdissector: the headers of HTTP/2 frames that carried no body of ours.
int h2_postdissect(tvbuff_t*, packet_info* pinfo, proto_tree* tree, void*) {
  if (!tree || PINFO_FD_VISITED(pinfo) || !h2_convs || !sio_pref_http2_streams) return 0;
  GPtrArray* ids = proto_get_finfo_ptr_array(tree, hf_h2_streamid);
  if (!ids || !ids->len) return 0;
  if (H2Conv* hc = h2_conv(pinfo)) h2_walk(pinfo, tree, hc);
  return 0;
}

// What the stream of an HTTP/2 body said (first pass), kept like http_msg().
HttpMsg* h2_msg(packet_info* pinfo, proto_tree* tree) {
  const guint32 key = sio_packet_index(pinfo);
  auto* msg = static_cast<HttpMsg*>(sio_frame_find(pinfo, key));
  if (msg) return msg;
  msg = wmem_new0(wmem_file_scope(), HttpMsg);
  // Without the stream's headers, the lower port is taken for the server's, as for a WebSocket
  // connection whose upgrade request is not in the capture.
  msg->request = pinfo->destport < pinfo->srcport;
  H2Conv* hc = tree && h2_convs && sio_pref_http2_streams ? h2_conv(pinfo) : nullptr;
  if (hc) {
    const guint32 id = h2_walk(pinfo, tree, hc);
    auto* st = static_cast<H2Stream*>(wmem_map_lookup(hc->streams, GUINT_TO_POINTER(id)));
    if (hc->client_known) {
      msg->request = pinfo->srcport == hc->client_port && addresses_equal(&pinfo->src, &hc->client);
    }
    if (id && st && hc->client_known) {
      msg->uri = st->path;
      msg->post = st->post;
      msg->status = msg->request ? 0 : st->status;
    }
  }
  sio_frame_keep(pinfo, key, msg);
  return msg;
}

bool is_v1_transport_name(std::string_view t) {
  return t == "websocket" || t == "flashsocket" || t == "htmlfile" || t == "xhr-polling" ||
         t == "jsonp-polling" || t == "xhr-multipart";
}

// A handshake body seen without its request: every transport must be one 0.x knows.
bool looks_like_v1_handshake(std::string_view text) {
  static sio::v1::Handshake hs;
  if (sio::v1::parse_handshake(text, hs)) return false;
  for (const auto& t : hs.transport_items) {
    if (!is_v1_transport_name(t.in(text))) return false;
  }
  return true;
}

// Decodes a form body's d= field into `out`; unwraps the JSON string the
// 0.x JSONP client sends. Returns false when it is not that shape.
bool decode_form(std::string_view text, std::string& out, sio::Fault& fault, sio::Span& field) {
  if (!sio::form_field(text, "d", field)) {
    fault = sio::make_fault(sio::Error::bad_form, 0);
    return false;
  }
  fault = sio::percent_decode(field.in(text), field.off, out);
  return !fault;
}

bool classify_body(tvbuff_t* tvb, packet_info* pinfo, const HttpMsg* msg, BodyCtx& ctx) {
  std::string_view text = sio_tvb_view(tvb);
  const bool form = pinfo->match_string &&
                    g_ascii_strcasecmp(pinfo->match_string, "application/x-www-form-urlencoded") == 0;
  ctx.carrier.request = msg->request;
  ctx.carrier.generation = sio::Generation::v1;

  if (msg->uri) {
    sio::Uri u = sio::classify_uri(msg->uri, sio_pref_resource);
    if (!u.match) return false;
    const bool eio = is_eio(u.generation);
    if (!eio && u.generation != sio::Generation::v1) return false;
    if (eio) ctx.carrier.generation = u.generation;
    ctx.carrier.transport = u.transport;
    if (u.sid.present()) {
      std::string_view sid = u.sid.in(msg->uri);
      ctx.carrier.session = wmem_strndup(pinfo->pool, sid.data(), sid.size());
      if (eio) {
        ctx.carrier.channel =
            wmem_strdup_printf(pinfo->pool, "poll:%.*s", static_cast<int>(sid.size()), sid.data());
      }
    }
    // A refusal answers a request of any transport (a handshake, a poll, a WebSocket upgrade).
    if (!msg->request && is_error_status(msg->status)) {
      ctx.kind = BodyKind::error_reply;
      ctx.status = msg->status;
      return true;
    }
    if (eio) {
      if (u.transport != sio::Transport::polling) return false;
      if (!msg->request && msg->post) {
        ctx.kind = is_eio_post_ack(text) ? BodyKind::post_reply : BodyKind::payload;
      } else if (msg->request) {
        ctx.kind = form ? BodyKind::form : BodyKind::payload;
      } else {
        ctx.kind = u.jsonp ? BodyKind::jsonp : BodyKind::payload;
      }
      return true;
    }
    switch (u.transport) {
      case sio::Transport::handshake:
        if (msg->request) return false;
        ctx.kind = BodyKind::handshake;
        return true;
      case sio::Transport::xhr_polling:
      case sio::Transport::jsonp_polling:
        break;
      default:
        return false;
    }
    if (!msg->request && msg->post) {
      ctx.kind = text == "1" ? BodyKind::post_reply : BodyKind::payload;
      return true;
    }
    if (msg->request) {
      ctx.kind = form ? BodyKind::form : BodyKind::payload;
    } else {
      ctx.kind = u.jsonp ? BodyKind::jsonp : BodyKind::payload;
    }
    return true;
  }

  // No request in the capture: only bodies that decode cleanly.
  ctx.carrier.guessed = true;
  std::string_view inner = text;
  if (form) {
    sio::Fault f;
    sio::Span field;
    if (!decode_form(text, scratch, f, field)) return false;
    inner = scratch;
    if (!inner.empty() && inner[0] == '"') {
      if (json.string_literal(inner, 0, scratch2)) return false;
      inner = scratch2;
    } else {
      sio::eio_jsonp_post_unescape(inner, scratch2);
      inner = scratch2;
    }
    ctx.kind = BodyKind::form;
    ctx.carrier.request = true;
  } else if (static sio::Jsonp jp; !sio::parse_jsonp(text, jp)) {
    if (json.string_literal(jp.literal.in(text), 0, scratch)) return false;
    inner = scratch;
    ctx.kind = BodyKind::jsonp;
  } else if (!msg->request && looks_like_v1_handshake(text)) {
    ctx.kind = BodyKind::handshake;
    return true;
  } else {
    ctx.kind = BodyKind::payload;
  }
  if (sio_v1_content_check(inner)) return true;
  for (sio::Generation g : {sio::Generation::eio3, sio::Generation::eio4}) {
    if (sio_eio_content_check(inner, g)) {
      ctx.carrier.generation = g;
      ctx.carrier.transport = sio::Transport::polling;
      return true;
    }
  }
  return false;
}

unsigned dissect_generation(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const SioCarrier& c) {
  return is_eio(c.generation) ? sio_dissect_eio(tvb, pinfo, tree, c) : sio_dissect_payload(tvb, pinfo, tree, c);
}

// Moves `data` into packet memory as a new tab in the bytes pane.
tvbuff_t* new_source(tvbuff_t* parent, packet_info* pinfo, const std::string& data, const char* name) {
  auto* buf = static_cast<guint8*>(wmem_alloc(pinfo->pool, data.size() ? data.size() : 1));
  if (!data.empty()) std::memcpy(buf, data.data(), data.size());
  tvbuff_t* child = tvb_new_child_real_data(parent, buf, static_cast<guint>(data.size()),
                                            static_cast<gint>(data.size()));
  add_new_data_source(pinfo, child, name);
  return child;
}

// A JSON string literal inside tvb at `lit`: decoded into a new data source.
tvbuff_t* decode_literal(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, std::string_view text, sio::Span lit) {
  sio::Fault f = json.string_literal(lit.in(text), lit.off, scratch);
  if (f) {
    sio_add_fault(tvb, pinfo, tree, f, "JSONP string");
    return nullptr;
  }
  return new_source(tvb, pinfo, scratch, "JSONP-decoded payload");
}

int dissect_body(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data) {
  tree = sio_wanted_tree(tree);
  const auto* ctx = static_cast<const BodyCtx*>(data);
  if (!ctx) return 0;
  std::string_view text = sio_tvb_view(tvb);
  switch (ctx->kind) {
    case BodyKind::payload:
      dissect_generation(tvb, pinfo, tree, ctx->carrier);
      break;
    case BodyKind::handshake:
      sio_dissect_v1_handshake(tvb, pinfo, tree, ctx->carrier);
      break;
    case BodyKind::error_reply:
      sio_dissect_error_reply(tvb, pinfo, tree, ctx->carrier, ctx->status);
      break;
    case BodyKind::post_reply:
      if (is_eio(ctx->carrier.generation)) {
        sio_dissect_eio_post_reply(tvb, pinfo, tree, ctx->carrier);
      } else {
        sio_dissect_post_reply(tvb, pinfo, tree, ctx->carrier);
      }
      break;
    case BodyKind::jsonp: {
      static sio::Jsonp jp;
      sio::Fault f = sio::parse_jsonp(text, jp);
      proto_tree* wt = sio_add_jsonp_wrapper(tvb, pinfo, tree, jp, is_eio(ctx->carrier.generation));
      SioCarrier c = ctx->carrier;
      const char* learned = nullptr;
      c.learned_session = &learned;
      if (f) {
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "Socket.IO");
        col_set_str(pinfo->cinfo, COL_INFO, "[malformed JSONP]");
        sio_add_fault(tvb, pinfo, tree, f, "JSONP body");
      } else if (tvbuff_t* child = decode_literal(tvb, pinfo, tree, text, jp.literal)) {
        dissect_generation(child, pinfo, tree, c);
      }
      // the wrapper belongs to the session its payload names, when the URI does not
      sio_track_eio(wt, tvb, pinfo, c, c.session ? c.session : learned, 0, 0xFF);
      break;
    }
    case BodyKind::form: {
      sio::Fault f;
      sio::Span field;
      col_set_str(pinfo->cinfo, COL_PROTOCOL, "Socket.IO");
      if (!decode_form(text, scratch, f, field)) {
        proto_tree_add_item(tree, proto_sio, tvb, 0, -1, ENC_NA);
        col_set_str(pinfo->cinfo, COL_INFO, "[malformed form body]");
        sio_add_fault(tvb, pinfo, tree, f, "form body");
        break;
      }
      if (is_eio(ctx->carrier.generation)) {
        sio::eio_jsonp_post_unescape(scratch, scratch2);
        tvbuff_t* child = new_source(tvb, pinfo, scratch2, "Form-decoded payload");
        sio_dissect_eio(child, pinfo, tree, ctx->carrier);
        break;
      }
      tvbuff_t* child = new_source(tvb, pinfo, scratch, "Form-decoded payload");
      std::string_view inner = sio_tvb_view(child);
      if (!inner.empty() && inner[0] == '"') {
        child = decode_literal(child, pinfo, tree, inner, sio::make_span(0, inner.size()));
      }
      if (child) sio_dissect_payload(child, pinfo, tree, ctx->carrier);
      break;
    }
  }
  return static_cast<int>(tvb_captured_length(tvb));
}

// media_type handler: Socket.IO polling bodies to "sio", all others to the
// dissector that had the media type before.
int dissect_media(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data) {
  dissector_handle_t orig = original_for(pinfo->match_string);
  // Other dissectors look media types up too; only HTTP hands over its message info.
  wmem_list_frame_t* last = wmem_list_tail(pinfo->layers);
  const int from = last ? GPOINTER_TO_INT(wmem_list_frame_data(last)) : -1;
  if ((from == proto_http || (proto_http2 > 0 && from == proto_http2)) && sio_pref_detect_http &&
      proto_is_protocol_enabled(sio_protocol) && tvb_captured_length(tvb) > 0) {
    BodyCtx ctx;
    const HttpMsg* msg = from == proto_http ? http_msg(pinfo, data) : h2_msg(pinfo, tree);
    if (classify_body(tvb, pinfo, msg, ctx)) {
      return call_dissector_with_data(body_handle, tvb, pinfo, tree, &ctx);
    }
  }
  if (orig) return call_dissector_only(orig, tvb, pinfo, tree, data);
  // No dissector had this media type: do what HTTP does then.
  heur_dtbl_entry_t* hdtbl_entry;
  if (http_heuristics && dissector_try_heuristic(http_heuristics, tvb, pinfo, tree, &hdtbl_entry, nullptr)) {
    return static_cast<int>(tvb_captured_length(tvb));
  }
  return media_handle ? call_dissector_with_data(media_handle, tvb, pinfo, tree, data) : 0;
}

// The connection of the previous WebSocket message: the messages of one TCP
// segment (often hundreds) share it, so one conversation lookup serves them all.
struct WsLast {
  guint32 frame;
  guint32 srcport, destport;
  WsConv* wc;
} ws_last;

void init_transport() { ws_last = WsLast{}; }

void register_http2_tracking() {
  proto_http2 = proto_get_id_by_filter_name("http2");
  hf_h2_streamid = proto_registrar_get_id_byname("http2.streamid");
  hf_h2_path = proto_registrar_get_id_byname("http2.headers.path");
  hf_h2_method = proto_registrar_get_id_byname("http2.headers.method");
  hf_h2_status = proto_registrar_get_id_byname("http2.headers.status");
  hf_h2_promised = proto_registrar_get_id_byname("http2.push_promise.promised_stream_id");
  if (proto_http2 <= 0 || hf_h2_streamid < 0 || hf_h2_path < 0 || hf_h2_method < 0 || hf_h2_status < 0 ||
      hf_h2_promised < 0) {
    proto_http2 = -1;
    return;
  }
  h2_convs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
  // No protocol of its own: it adds no layer to the frames it looks at.
  h2_post = create_dissector_handle_with_name_and_description(h2_postdissect, -1, "sio_http2_streams",
                                                              "Socket.IO HTTP/2 stream headers");
  register_postdissector(h2_post);
  h2_want_fields();
}

// The HTTP/2 fields, asked for while sio.http2_streams is on (asking makes a tree on every frame).
void h2_want_fields() {
  if (!h2_post) return;
  GArray* wanted = g_array_new(FALSE, FALSE, sizeof(int));
  if (sio_pref_http2_streams) {
    for (int hf : {hf_h2_streamid, hf_h2_path, hf_h2_method, hf_h2_status, hf_h2_promised}) {
      g_array_append_val(wanted, hf);
    }
  }
  set_postdissector_wanted_hfids(h2_post, wanted);
}

sio_heur_result dissect_ws_heur(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void*) {
  // registered without a protocol (see sio_handoff_transport): "sio" being disabled is checked here
  if (!sio_pref_detect_ws || !proto_is_protocol_enabled(sio_protocol)) return false;
  guint len = tvb_captured_length(tvb);
  if (!len) return false;
  tree = sio_wanted_tree(tree);

  WsConv* wc = nullptr;
  conversation_t* conv = nullptr;
  if (ws_last.wc && ws_last.frame == pinfo->num && ws_last.srcport == pinfo->srcport &&
      ws_last.destport == pinfo->destport) {
    wc = ws_last.wc;
  } else {
    conv = find_conversation_pinfo(pinfo, 0);
    wc = conv ? static_cast<WsConv*>(conversation_get_proto_data(conv, proto_sio)) : nullptr;
  }
  if (conv && !wc) {
    wc = wmem_new0(wmem_file_scope(), WsConv);
    http_conv_t* hc = http_conv(pinfo);
    const char* uri = sio_http_upgrade_uri(hc);
    wc->uri = uri ? wmem_strdup(wmem_file_scope(), uri) : nullptr;
    wc->server_port = hc ? hc->server_port : 0;
    wc->channel = wmem_strdup_printf(wmem_file_scope(), "ws:%u", conv->conv_index);
    if (wc->uri) {
      sio::Uri u = sio::classify_uri(wc->uri, sio_pref_resource);
      if (u.sid.present()) {
        std::string_view sid = u.sid.in(wc->uri);
        wc->session = wmem_strndup(wmem_file_scope(), sid.data(), sid.size());
      }
    }
    conversation_add_proto_data(conv, proto_sio, wc);
  }
  if (wc) ws_last = WsLast{pinfo->num, pinfo->srcport, pinfo->destport, wc};
  SioCarrier carrier;
  carrier.transport = sio::Transport::websocket;
  if (wc) {
    carrier.channel = wc->channel;
    carrier.session = wc->session;
    carrier.conv_session = &wc->session;
    guint32 server = wc->server_port ? wc->server_port : MIN(pinfo->srcport, pinfo->destport);
    carrier.request = pinfo->destport == server;
  }
  if (wc && wc->uri) {
    const sio::Uri& u = ws_uri(wc);
    if (!u.match) return false;
    if (u.generation == sio::Generation::v1 &&
        (u.transport == sio::Transport::websocket || u.transport == sio::Transport::flashsocket)) {
      carrier.generation = sio::Generation::v1;
      sio_dissect_payload(tvb, pinfo, tree, carrier);
      return true;
    }
    if (is_eio(u.generation) && u.transport == sio::Transport::websocket) {
      carrier.generation = u.generation;
      sio_dissect_eio(tvb, pinfo, tree, carrier);
      return true;
    }
    return false;
  }
  // No upgrade request seen: strict content checks only.
  std::string_view text = sio_tvb_view(tvb);
  if (sio_msgpack_content_check(text)) {  // a binary Engine.IO 4 message: a MessagePack Socket.IO packet
    carrier.guessed = true;
    carrier.generation = sio::Generation::eio4;
    sio_dissect_eio(tvb, pinfo, tree, carrier);
    return true;
  }
  const auto first = static_cast<unsigned char>(text[0]);
  if (!((first >= '0' && first <= '8') || first == 0xEF)) return false;
  carrier.guessed = true;
  if (sio_v1_content_check(text)) {
    carrier.generation = sio::Generation::v1;
    sio_dissect_payload(tvb, pinfo, tree, carrier);
    return true;
  }
  if (text.find('\x1e') == std::string_view::npos && sio_eio_content_check(text, sio::Generation::eio4)) {
    carrier.generation = sio::Generation::eio4;
    sio_dissect_eio(tvb, pinfo, tree, carrier);
    return true;
  }
  return false;
}

}  // namespace

void sio_transport_prefs_applied(void) { h2_want_fields(); }

void sio_handoff_transport(void) {
  register_init_routine(init_transport);
  proto_http = proto_get_id_by_filter_name("http");
  body_handle = create_dissector_handle(dissect_body, proto_sio);
  // No protocol of its own: it adds no layer and stays in place when "sio" is
  // disabled, so that every body it does not take keeps its usual dissector.
  media_hook = create_dissector_handle_with_name_and_description(dissect_media, -1, "sio_media_hook",
                                                                 "Socket.IO polling body detection");

  http_heuristics = find_heur_dissector_list("http");
  media_handle = find_dissector("media");
  dissector_table_t media = find_dissector_table("media_type");
  for (auto& o : originals) {
    o.handle = media ? dissector_get_string_handle(media, o.type) : nullptr;
    dissector_add_string("media_type", o.type, media_hook);
  }
  // Without a protocol of its own, so that a WebSocket message costs the frame one protocol layer
  // (websocket) rather than two: tshark stops a frame at gui.max_tree_depth layers, and busy
  // connections put hundreds of messages into one segment. The sio items are shown all the same.
  sio_protocol = find_protocol_by_id(proto_sio);
  register_http2_tracking();
  heur_dissector_add("ws", dissect_ws_heur, "Socket.IO over WebSocket", "sio_ws", -1, HEURISTIC_ENABLE);
}
