// JSON extraction: validation, event objects, arrays, objects, placeholders.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "check.hpp"
#include "sio/sio.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  static sio::Json json;
  static std::vector<sio::Span> items;
  static std::vector<sio::Json::Member> members;
  static std::vector<sio::json_scan::Placeholder> placeholders;
  items.clear();
  members.clear();
  placeholders.clear();
  switch (data[0] % 4) {
    case 0: {
      sio::Json::Event ev;
      sio::Fault f = json.event_object(in, 0, ev, items);
      fuzzcheck::span(in, ev.name);
      fuzzcheck::span(in, ev.args);
      (void)f;
      break;
    }
    case 1:
      if (!json.array(in, 0, items)) {
        sio::json_scan::placeholders(in, 0, placeholders);
      }
      break;
    case 2:
      json.object(in, 0, members);
      for (const auto& m : members) {
        fuzzcheck::span(in, m.key);
        fuzzcheck::span(in, m.value);
      }
      break;
    default:
      if (!json.validate(in, 0)) sio::json_scan::placeholders(in, 0, placeholders);
  }
  for (sio::Span s : items) fuzzcheck::span(in, s);
  for (const auto& ph : placeholders) fuzzcheck::span(in, ph.span);
  return 0;
}
