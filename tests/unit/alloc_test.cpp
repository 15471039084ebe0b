// The core's hot path allocates nothing in steady state: once a decoder's
// buffers have grown to a packet's size, decoding it again (or a smaller one)
// takes no memory from the heap. Counted by replacing the global operator new
// in this test binary alone (the sanitizer build keeps its own).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "sio/sio.hpp"

namespace {
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

// Runs `step` a few times to warm up, then counts allocations over many more runs.
template <typename F>
long steady_allocations(F step) {
  for (int i = 0; i < 3; ++i) step();
  const long before = allocations.load();
  for (int i = 0; i < 1000; ++i) step();
  return allocations.load() - before;
}

std::string args(size_t size) {
  std::string a = "[{\"user\":\"ann\",\"n\":42,\"tags\":[\"a\",\"b\"]}";
  while (a.size() < size) a += ",{\"text\":\"lorem \\u00e9 ipsum\",\"v\":3.25,\"list\":[1,2,3]}";
  return a + "]";
}

TEST(SteadyState, CountingWorks) {
  // the counter sees what the tests below claim to be absent
  EXPECT_GT(steady_allocations([] { delete new std::string(100, 'x'); }), 0);
}

TEST(SteadyState, V1PayloadOfEventsAllocatesNothing) {
  std::string one = "5:1+:/chat:{\"name\":\"chat message\",\"args\":" + args(2000) + "}";
  std::string body;
  for (int i = 0; i < 8; ++i) body += "\xEF\xBF\xBD" + std::to_string(one.size()) + "\xEF\xBF\xBD" + one;
  sio::v1::Decoder dec;
  sio::Packet p;
  std::vector<sio::v1::Frame> frames;
  EXPECT_EQ(steady_allocations([&] {
              frames.clear();
              ASSERT_FALSE(sio::v1::split_payload(body, frames));
              for (const auto& f : frames) {
                dec.packet(body, f.packet, p);
                ASSERT_FALSE(p.fault);
              }
            }),
            0);
}

TEST(SteadyState, EngineIoPayloadOfEventsAllocatesNothing) {
  std::string body;
  for (int i = 0; i < 8; ++i) body += (i ? "\x1e" : "") + ("42/chat,7[\"chat message\"," + args(2000).substr(1));
  body += "\x1e" "451-[\"up\",{\"_placeholder\":true,\"num\":0}]";
  for (bool items : {true, false}) {
    sio::modern::Decoder dec;
    dec.set_arg_items(items);
    sio::eio::Packet e;
    sio::Packet p;
    std::vector<sio::eio::Frame> frames;
    EXPECT_EQ(steady_allocations([&] {
                frames.clear();
                ASSERT_FALSE(sio::eio::split_payload_v4(body, frames));
                for (const auto& f : frames) {
                  sio::eio::decode_text(body, f.packet, 4, e);
                  ASSERT_FALSE(e.fault);
                  dec.packet(body, e.data, 5, p);
                  ASSERT_FALSE(p.fault);
                }
              }),
              0)
        << "arg_items " << items;
  }
}

}  // namespace
