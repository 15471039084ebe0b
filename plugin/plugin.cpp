// Plugin entry points. Wireshark looks these symbols up by name, so they need
// C linkage; a namespace-scope const would otherwise be file-local in C++.
#include <wireshark.h>
#include <epan/proto.h>
#include <epan/tap.h>

#include "sio_plugin.h"

#ifndef SIO_PLUGIN_VERSION
#define SIO_PLUGIN_VERSION "0.0.0"
#endif

extern "C" {
WS_DLL_PUBLIC_DEF extern const char plugin_version[];
WS_DLL_PUBLIC_DEF extern const int plugin_want_major;
WS_DLL_PUBLIC_DEF extern const int plugin_want_minor;
WS_DLL_PUBLIC void plugin_register(void);

const char plugin_version[] = SIO_PLUGIN_VERSION;
const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

void plugin_register(void) {
  static proto_plugin plug;
  plug.register_protoinfo = sio_register;
  plug.register_handoff = sio_handoff;
  proto_register_plugin(&plug);
  // The statistics tree (tshark -z sio,tree) is a tap listener.
  static tap_plugin tap;
  tap.register_tap_listener = sio_register_stats;
  tap_register_plugin(&tap);
}

SIO_DEFINE_PLUGIN_DESCRIBE(WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER)
}
