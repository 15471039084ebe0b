// Test support: render decode results as compact event logs with byte
// offsets, and place inputs at the very end of a readable page so that any
// read past the end faults.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sio/sio.hpp"

namespace siotest {

inline std::string span(sio::Span s) {
  if (!s.present()) return "-";
  return std::to_string(s.off) + "+" + std::to_string(s.len);
}

inline std::string fault(sio::Fault f) {
  if (!f) return "ok";
  std::string name;
  switch (f.code) {
#define SIO_E(x) case sio::Error::x: name = #x; break;
    SIO_E(none) SIO_E(empty) SIO_E(bad_type) SIO_E(missing_separator) SIO_E(bad_id) SIO_E(id_overflow)
    SIO_E(ack_without_id) SIO_E(bad_json) SIO_E(json_not_object) SIO_E(missing_name) SIO_E(name_not_string)
    SIO_E(args_not_array) SIO_E(bad_ack_id) SIO_E(bad_error_code) SIO_E(unexpected_data) SIO_E(bad_length)
    SIO_E(zero_length) SIO_E(length_past_end) SIO_E(bad_utf8) SIO_E(bad_frame) SIO_E(bad_handshake)
    SIO_E(bad_jsonp) SIO_E(bad_form) SIO_E(too_deep) SIO_E(too_large) SIO_E(bad_base64) SIO_E(bad_attachments)
    SIO_E(bad_data) SIO_E(bad_open) SIO_E(json_truncated) SIO_E(reserved_name)
    SIO_E(msgpack_truncated) SIO_E(bad_msgpack) SIO_E(msgpack_too_deep) SIO_E(trailing_data) SIO_E(not_map)
    SIO_E(missing_field) SIO_E(bad_field) SIO_E(ext_value)
#undef SIO_E
  }
  return name + "@" + std::to_string(f.offset);
}

// One line per decoded packet: only the fields that are present, each with
// its value and its span in the input.
inline std::string render(std::string_view in, const sio::Packet& p) {
  std::string out;
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += ' ';
    out += s;
  };
  add(std::string(p.type_name ? p.type_name : "?") + "@" + span(p.type));
  if (p.id.present()) add("id=" + std::to_string(p.id_value) + "@" + span(p.id));
  if (p.ack != sio::AckMode::none) add(std::string("ack=") + sio::ack_mode_name(p.ack));
  if (p.endpoint.present()) add("ep='" + std::string(p.endpoint.in(in)) + "'@" + span(p.endpoint));
  if (p.qs.present()) add("qs='" + std::string(p.qs.in(in)) + "'@" + span(p.qs));
  if (p.data.present()) add("data@" + span(p.data));
  if (p.name.present()) add("name='" + std::string(p.name_value) + "'@" + span(p.name));
  if (p.args.present()) add("args@" + span(p.args));
  if (!p.arg_items.empty()) {
    std::string items = "items=[";
    for (size_t i = 0; i < p.arg_items.size(); ++i) items += (i ? "," : "") + span(p.arg_items[i]);
    add(items + "]");
  }
  if (p.ack_id.present()) add("ack_id=" + std::to_string(p.ack_id_value) + "@" + span(p.ack_id));
  if (p.reason.present()) add("reason=" + std::to_string(p.reason_value) + "@" + span(p.reason));
  if (p.advice.present()) add("advice=" + std::to_string(p.advice_value) + "@" + span(p.advice));
  add("fault=" + fault(p.fault));
  return out;
}

// A copy of the input that ends exactly at a page boundary followed by an
// inaccessible page.
class PageEnd {
 public:
  explicit PageEnd(std::string_view in) {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    pages_ = (in.size() + page_ - 1) / page_ + 1;
    size_t total = (pages_ + 1) * page_;
    void* m = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("mmap");
    base_ = static_cast<char*>(m);
    if (mprotect(base_ + pages_ * page_, page_, PROT_NONE) != 0) throw std::runtime_error("mprotect");
    data_ = base_ + pages_ * page_ - in.size();
    if (!in.empty()) std::memcpy(data_, in.data(), in.size());
    size_ = in.size();
  }
  ~PageEnd() { munmap(base_, (pages_ + 1) * page_); }
  PageEnd(const PageEnd&) = delete;
  PageEnd& operator=(const PageEnd&) = delete;
  std::string_view view() const { return {data_, size_}; }

 private:
  size_t page_ = 0, pages_ = 0, size_ = 0;
  char* base_ = nullptr;
  char* data_ = nullptr;
};

}  // namespace siotest
