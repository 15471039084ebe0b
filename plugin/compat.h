// What differs between the Wireshark versions the plugin builds against
// (4.0, 4.2, 4.4, 4.6), in one place. Everything else uses the API they share.
#pragma once

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/ftypes/ftypes.h>
#include <epan/dissectors/packet-http.h>
#include <epan/follow.h>

#include <tuple>
#include <type_traits>

#define SIO_WIRESHARK_AT_LEAST(major, minor) \
  (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

#if SIO_WIRESHARK_AT_LEAST(4, 2)
#include <epan/dissectors/packet-media-type.h>
#endif

namespace sio_compat {
template <typename F>
struct last_param;
template <typename R, typename... A>
struct last_param<R (*)(A...)> {
  using type = std::tuple_element_t<sizeof...(A) - 1, std::tuple<A...>>;
};
}  // namespace sio_compat

// The boolean of preferences (gboolean, then bool) and of heuristic dissectors'
// results, as the headers at hand declare them.
using sio_pref_bool =
    std::remove_pointer_t<sio_compat::last_param<decltype(&prefs_register_bool_preference)>::type>;
using sio_heur_result = std::invoke_result_t<heur_dissector_t, tvbuff_t*, packet_info*, proto_tree*, void*>;

// What HTTP says about a body it hands to a media_type dissector: whether it is
// a request body, and the request URI and method of its message (nullptr when
// the request is not in the capture). Meaningful on the first pass; callers keep it.
struct SioHttpBody {
  bool request = false;
  const char* uri = nullptr;
  const char* method = nullptr;
  unsigned status = 0;  // response code of a response body; 0 when unknown
};

inline SioHttpBody sio_http_body(packet_info* pinfo, int proto_http, const void* data) {
  SioHttpBody b;
  conversation_t* conv = find_conversation_pinfo(pinfo, 0);
  auto* hc = conv ? static_cast<http_conv_t*>(conversation_get_proto_data(conv, proto_http)) : nullptr;
#if SIO_WIRESHARK_AT_LEAST(4, 2)
  const auto* info = static_cast<const media_content_info_t*>(data);
  b.request = info && info->type == MEDIA_CONTAINER_HTTP_REQUEST;
  // the request/response record HTTP keeps with the frame (as its own sub-dissectors read it)
  auto* rr = static_cast<http_req_res_t*>(p_get_proto_data(wmem_file_scope(), pinfo, proto_http,
                                                            HTTP_PROTO_DATA_REQRES));
  if (!rr && hc) rr = hc->req_res_tail;
  if (rr) {
    b.uri = rr->request_uri;
    b.method = rr->request_method;
    b.status = rr->response_code;
  }
#else
  const auto* info = static_cast<const http_message_info_t*>(data);
  b.request = info && info->type == HTTP_REQUEST;
  if (hc) {
    b.uri = hc->request_uri;
    b.method = hc->request_method;
    b.status = hc->response_code;
  }
#endif
  return b;
}

// The request URI that opened an HTTP connection that was then upgraded (WebSocket).
inline const char* sio_http_upgrade_uri(http_conv_t* hc) {
#if SIO_WIRESHARK_AT_LEAST(4, 2)
  return hc && hc->req_res_tail ? hc->req_res_tail->request_uri : nullptr;
#else
  return hc ? hc->request_uri : nullptr;
#endif
}

// The value of a field in the tree: a member of field_info up to 4.0, a pointer from 4.2 on.
template <typename FieldInfo>  // a template, so that only the branch that applies is compiled
fvalue_t* sio_finfo_value(FieldInfo* fi) {
  if constexpr (std::is_pointer_v<decltype(fi->value)>) {
    return fi->value;
  } else {
    return &fi->value;
  }
}

// register_follow_stream(): 4.2 added the stream count (the GUI's stream number limit) and the
// sub-stream id function (for followers with sub-streams; Socket.IO has none).
inline void sio_register_follow(int proto, const char* tap, follow_conv_filter_func conv,
                                follow_index_filter_func index, follow_address_filter_func addr,
                                follow_port_to_display_func port, tap_packet_cb handler, guint32 (*count)(void)) {
#if SIO_WIRESHARK_AT_LEAST(4, 2)
  register_follow_stream(proto, tap, conv, index, addr, port, handler, count, nullptr);
#else
  (void)count;
  register_follow_stream(proto, tap, conv, index, addr, port, handler);
#endif
}

// An unsigned integer field's value.
inline guint32 sio_field_uint(field_info* fi) {
  return fvalue_get_uinteger(sio_finfo_value(fi));
}

// plugin_describe(), which 4.2 added: the kinds of plugin this is.
#if SIO_WIRESHARK_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#define SIO_DEFINE_PLUGIN_DESCRIBE(flags)   \
  WS_DLL_PUBLIC uint32_t plugin_describe(void); \
  uint32_t plugin_describe(void) { return (flags); }
#else
#define SIO_DEFINE_PLUGIN_DESCRIBE(flags)
#endif
