#!/usr/bin/env bash
# A longer fuzzing run of every core harness (the test suite runs each for 20 s).
#   scripts/fuzz.sh [SECONDS_PER_HARNESS]      default 600
source "$(dirname "$0")/common.sh"
seconds="${1:-600}"
ensure_packages
build -DSIO_BUILD_TESTS=ON
cd "$BUILD"
ctest -R '^fuzz.seeds$' --output-on-failure >/dev/null
for h in fuzz_v1 fuzz_eio fuzz_transport fuzz_json; do
  echo "== $h for ${seconds}s"
  "$ROOT/fuzz/run.sh" "$BUILD/fuzz" "$h" "$seconds" "$BUILD/fuzz/seeds" | grep -E 'stat::|cov:|ERROR|SUMMARY|crash-' | tail -n 8
done
