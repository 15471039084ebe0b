#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit tests,
# sanitizer unit tests, tshark tests on the captures). Ends with ctest's summary.
source "$(dirname "$0")/scripts/common.sh"

ensure_packages
build -DSIO_BUILD_TESTS=ON
cd "$BUILD"
ctest --output-on-failure -j"$(nproc)"
