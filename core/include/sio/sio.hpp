// Umbrella header of the Socket.IO parser library.
#pragma once

#include "sio/common.hpp"     // IWYU pragma: export
#include "sio/eio.hpp"        // IWYU pragma: export
#include "sio/json.hpp"       // IWYU pragma: export
#include "sio/modern.hpp"     // IWYU pragma: export
#include "sio/msgpack.hpp"    // IWYU pragma: export
#include "sio/packet.hpp"     // IWYU pragma: export
#include "sio/reply.hpp"      // IWYU pragma: export
#include "sio/text.hpp"       // IWYU pragma: export
#include "sio/transport.hpp"  // IWYU pragma: export
#include "sio/v1.hpp"         // IWYU pragma: export
