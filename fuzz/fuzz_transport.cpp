// Transport wrappers: request URIs, JSONP bodies, form bodies, base64, JSON string literals.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "sio/sio.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  static sio::Json json;
  static std::string out, out2;
  switch (data[0] % 5) {
    case 0: {
      sio::Uri u = sio::classify_uri(in);
      fuzzcheck::span(in, u.sid);
      fuzzcheck::span(in, u.jsonp_index);
      sio::Uri r = sio::classify_uri(in, "/x/");
      fuzzcheck::span(in, r.sid);
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
