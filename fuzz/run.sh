#!/usr/bin/env bash
# Runs one fuzzer for a bounded time on its seed corpus (see make_seeds.py).
#   fuzz/run.sh BUILD_DIR HARNESS SECONDS SEED_DIR
# A crash, leak, sanitizer report or broken invariant fails (exit non-zero) and
# leaves the input as BUILD_DIR/crash-* for a regression test.
set -euo pipefail
build="$1" harness="$2" seconds="$3" seeds="$4"
work="$build/corpus/$harness"
mkdir -p "$work"
cd "$build"
# new inputs go to the work corpus; the seeds are read, never written
"$build/$harness" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
  -print_final_stats=1 "$work" "$seeds/corpus/$harness" 2>&1 | tail -n 25
