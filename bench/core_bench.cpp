// Throughput of the core decoders, measured beside two references on the same
// bytes in the same run: simdjson parsing the JSON alone, and a memchr scan
// (about what the machine allows for one pass over the bytes).
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstring>
#include <string>
#include <vector>

#include "sio/sio.hpp"

namespace {

// An event whose JSON arguments are about `size` bytes: names, numbers, nested objects.
std::string args_json(size_t size) {
  std::string a = "[{\"user\":\"ann\",\"n\":42,\"tags\":[\"a\",\"b\"],\"ok\":true}";
  while (a.size() < size) a += ",{\"text\":\"lorem ipsum dolor sit amet\",\"v\":3.25,\"list\":[1,2,3]}";
  return a + "]";
}

std::string v1_event(size_t size) { return "5:1+::{\"name\":\"chat message\",\"args\":" + args_json(size) + "}"; }
std::string modern_event(size_t size) {
  std::string a = args_json(size);
  return "2/chat,7[\"chat message\"," + a.substr(1);
}

const size_t kSizes[] = {64, 1024, 16384};

void set_counters(benchmark::State& st, size_t bytes) {
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * bytes));
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}

void BM_v1_event(benchmark::State& st) {
  std::string in = v1_event(static_cast<size_t>(st.range(0)));
  sio::v1::Decoder dec;
  sio::Packet p;
  for (auto _ : st) {
    dec.packet(in, p);
    benchmark::DoNotOptimize(p.args.len);
  }
  if (p.fault) st.SkipWithError("fault");
  set_counters(st, in.size());
}

// arg_items 1: spans of every argument (a tree is shown); 0: the event name and
// the arguments' span only, after full validation (what the plugin does without a tree).
void BM_modern_eio_message(benchmark::State& st) {
  std::string in = "4" + modern_event(static_cast<size_t>(st.range(0)));
  sio::modern::Decoder dec;
  dec.set_arg_items(st.range(1) != 0);
  sio::eio::Packet e;
  sio::Packet p;
  for (auto _ : st) {
    sio::eio::decode_text(in, sio::make_span(0, in.size()), 4, e);
    dec.packet(in, e.data, 5, p);
    benchmark::DoNotOptimize(p.args.len);
  }
  if (p.fault || e.fault) st.SkipWithError("fault");
  set_counters(st, in.size());
}

void BM_eio4_payload(benchmark::State& st) {
  std::string in;
  for (int i = 0; i < 32; ++i) in += (i ? "\x1e" : "") + ("4" + modern_event(static_cast<size_t>(st.range(0))));
  sio::modern::Decoder dec;
  sio::eio::Packet e;
  sio::Packet p;
  std::vector<sio::eio::Frame> frames;
  for (auto _ : st) {
    frames.clear();
    sio::eio::split_payload_v4(in, frames);
    for (const auto& f : frames) {
      sio::eio::decode_text(in, f.packet, 4, e);
      dec.packet(in, e.data, 5, p);
    }
    benchmark::DoNotOptimize(p.args.len);
  }
  set_counters(st, in.size());
}

// Reference: simdjson's DOM parser on the event's JSON text alone (padded once, outside the loop).
void BM_ref_simdjson(benchmark::State& st) {
  std::string in = modern_event(static_cast<size_t>(st.range(0)));
  std::string json = in.substr(in.find('['));
  simdjson::padded_string padded(json);
  simdjson::dom::parser parser;
  for (auto _ : st) {
    simdjson::dom::element el;
    auto err = parser.parse(padded).get(el);
    benchmark::DoNotOptimize(err);
  }
  set_counters(st, in.size());
}

// Reference: one memchr pass over the same bytes.
void BM_ref_memchr(benchmark::State& st) {
  std::string in = modern_event(static_cast<size_t>(st.range(0)));
  for (auto _ : st) {
    const void* p = std::memchr(in.data(), '\x01', in.size());
    benchmark::DoNotOptimize(p);
  }
  set_counters(st, in.size());
}

// Rejecting what is not Socket.IO: the content check a heuristic runs.
void BM_reject_plain_text(benchmark::State& st) {
  std::string in = "{\"op\":\"hello\",\"payload\":\"not socket.io at all\"}";
  sio::v1::Decoder dec;
  sio::Packet p;
  for (auto _ : st) {
    dec.packet(in, p);
    benchmark::DoNotOptimize(p.fault.code);
  }
  set_counters(st, in.size());
}

}  // namespace

BENCHMARK(BM_v1_event)->Arg(64)->Arg(1024)->Arg(16384);
BENCHMARK(BM_modern_eio_message)->ArgNames({"bytes", "arg_items"})->ArgsProduct({{64, 1024, 16384}, {1, 0}});
BENCHMARK(BM_eio4_payload)->Arg(64)->Arg(1024);
BENCHMARK(BM_ref_simdjson)->Arg(64)->Arg(1024)->Arg(16384);
BENCHMARK(BM_ref_memchr)->Arg(64)->Arg(1024)->Arg(16384);
BENCHMARK(BM_reject_plain_text);

BENCHMARK_MAIN();
