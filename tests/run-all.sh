#!/usr/bin/env bash
# Installs what is missing, builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer (warnings are errors), and runs every test: unit
# tests and integration tests against real servers the fixtures start (embedded
# broker, PostgreSQL, GStreamer RTSP server, HTTP MJPEG/snapshot server).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${VIGIE_TEST_BUILD_DIR:-$root/build/asan}
jobs=${VIGIE_TEST_JOBS:-$(nproc)}

"$root/deploy/install-deps.sh"

echo "== configure ($build)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVIGIE_SANITIZE=ON -DVIGIE_WERROR=ON -DVIGIE_TESTS=ON -DVIGIE_BENCH=ON
echo "== build"
cmake --build "$build" -j "$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp}

echo "== test"
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600
