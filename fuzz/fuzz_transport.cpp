// Transport wrappers: request URIs, JSONP bodies, form bodies, base64, JSON string literals.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "check.hpp"
#include "sio/sio.hpp"

namespace {
// A URI matches exactly when some evidence says so; its spans lie in the input.
void check_uri(std::string_view in, const sio::Uri& u) {
  fuzzcheck::span(in, u.sid);
  fuzzcheck::span(in, u.jsonp_index);
  if (u.match != (u.evidence != sio::UriEvidence::none)) std::abort();
  if (!u.match && (u.generation != sio::Generation::unknown || u.sid.present())) std::abort();
  // evidence outside the resource is never weaker than a known generation and transport
  if (u.evidence == sio::UriEvidence::eio_query || u.evidence == sio::UriEvidence::v1_path) {
    if (u.generation == sio::Generation::unknown || u.transport == sio::Transport::unknown) std::abort();
  }
  if (u.evidence == sio::UriEvidence::v1_path && !u.sid.present()) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  static sio::Json json;
  static std::string out, out2;
  switch (data[0] % 5) {
    case 0: {
      sio::Uri u = sio::classify_uri(in);  // the default resource: looks anywhere
      check_uri(in, u);
      sio::Uri r = sio::classify_uri(in, "/x/");  // another resource: only under it
      check_uri(in, r);
      if (r.match && r.evidence != sio::UriEvidence::resource) std::abort();
      sio::Uri a = sio::classify_uri(in, "/x/", sio::UriScope::anywhere);
      check_uri(in, a);
      // looking anywhere finds all that the resource alone finds, the same way
      if (r.match && (!a.match || a.evidence != r.evidence || a.generation != r.generation ||
                      a.transport != r.transport || a.sid != r.sid)) {
        std::abort();
      }
      break;
    }
    case 1: {
      sio::Jsonp j;
      if (!sio::parse_jsonp(in, j)) {
        fuzzcheck::span(in, j.literal);
        json.string_literal(j.literal.in(in), j.literal.off, out);
      }
      fuzzcheck::span(in, j.callback);
      fuzzcheck::span(in, j.index);
      break;
    }
    case 2: {
      sio::Span v;
      if (sio::form_field(in, "d", v)) {
        fuzzcheck::span(in, v);
        if (!sio::percent_decode(v.in(in), v.off, out)) sio::eio_jsonp_post_unescape(out, out2);
      }
      break;
    }
    case 3:
      sio::base64_decode(in, 0, out);
      break;
    default:
      json.string_literal(in, 0, out);
  }
  return 0;
}
