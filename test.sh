#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit tests,
# sanitizer unit tests, tshark tests on the captures, the .deb package, and the
# same suite against Wireshark 4.4 and 4.6 in Debian chroots). Ends with ctest's summary.
source "$(dirname "$0")/scripts/common.sh"

ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_packages "$(clang_runtime_package)"
build -DSIO_BUILD_TESTS=ON
cd "$BUILD"
ctest --output-on-failure -j"$(nproc)"
