// Per-frame state: what the first pass found about single packets of a frame,
// kept with the frame for later passes (one small array per frame, sorted by
// packet index), and the once-per-frame flags of one dissection.
#include "sio_plugin.h"

#include <epan/proto_data.h>

#include <algorithm>

namespace {

struct FrameStore {
  guint32 n, cap;
  guint32* index;  // ascending (entries mostly arrive in order: appending is the common case)
  void** value;
};

// File-scope proto data key of a FrameStore (HTTP messages use the small layer numbers).
constexpr guint32 kFrameStoreKey = 0x7FFF0000;
}  // namespace

bool sio_first_in_frame(packet_info* pinfo, SioPoolKey key) {
  if (p_get_proto_data(pinfo->pool, pinfo, proto_sio, key)) return false;
  p_add_proto_data(pinfo->pool, pinfo, proto_sio, key, GUINT_TO_POINTER(1));
  return true;
}

guint32 sio_packet_index(packet_info* pinfo) {
  auto* counter = static_cast<guint32*>(p_get_proto_data(pinfo->pool, pinfo, proto_sio, kPoolPacketCounter));
  if (!counter) {
    counter = wmem_new0(pinfo->pool, guint32);
    p_add_proto_data(pinfo->pool, pinfo, proto_sio, kPoolPacketCounter, counter);
  }
  return (*counter)++;
}

void sio_frame_keep(packet_info* pinfo, guint32 index, void* value) {
  wmem_allocator_t* file = wmem_file_scope();
  auto* fs = static_cast<FrameStore*>(p_get_proto_data(file, pinfo, proto_sio, kFrameStoreKey));
  if (!fs) {
    fs = wmem_new0(file, FrameStore);
    p_add_proto_data(file, pinfo, proto_sio, kFrameStoreKey, fs);
  }
  if (fs->n == fs->cap) {
    fs->cap = fs->cap ? fs->cap * 2 : 1;
    fs->index = static_cast<guint32*>(wmem_realloc(file, fs->index, fs->cap * sizeof(guint32)));
    fs->value = static_cast<void**>(wmem_realloc(file, fs->value, fs->cap * sizeof(void*)));
  }
  guint32 at = static_cast<guint32>(std::upper_bound(fs->index, fs->index + fs->n, index) - fs->index);
  std::move_backward(fs->index + at, fs->index + fs->n, fs->index + fs->n + 1);
  std::move_backward(fs->value + at, fs->value + fs->n, fs->value + fs->n + 1);
  fs->index[at] = index;
  fs->value[at] = value;
  ++fs->n;
}

void* sio_frame_find(packet_info* pinfo, guint32 index) {
  auto* fs = static_cast<FrameStore*>(p_get_proto_data(wmem_file_scope(), pinfo, proto_sio, kFrameStoreKey));
  if (!fs) return nullptr;
  const guint32* first = fs->index;
  const guint32* end = first + fs->n;
  const guint32* at = std::lower_bound(first, end, index);
  return at != end && *at == index ? fs->value[at - first] : nullptr;
}
