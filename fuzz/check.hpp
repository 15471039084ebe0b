// Invariants every decode result keeps, whatever the input: spans lie inside
// the input, faults point into it. A broken invariant aborts the fuzzer run.
#pragma once

#include <cstdlib>
#include <string_view>

#include "sio/sio.hpp"

namespace fuzzcheck {

inline void span(std::string_view in, sio::Span s) {
  if (s.present() && (s.off > in.size() || s.len > in.size() - s.off)) std::abort();
}

inline void packet(std::string_view in, const sio::Packet& p) {
  for (sio::Span s : {p.type, p.id, p.ack_marker, p.endpoint, p.qs, p.data, p.name, p.args, p.ack_id, p.reason,
                      p.advice, p.attachments}) {
    span(in, s);
  }
  for (sio::Span s : p.arg_items) span(in, s);
  if (p.fault.offset > in.size()) std::abort();
  // a decoded field is never left beside an unknown type
  if (!p.type_name && (p.id.present() || p.name.present())) std::abort();
  // a reserved name is flagged at the name, on a packet decoded in full
  if (p.fault.code == sio::Error::reserved_name && (!p.name.present() || p.fault.offset != p.name.off)) std::abort();
}

}  // namespace fuzzcheck
