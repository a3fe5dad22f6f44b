#!/usr/bin/env bash
# `make test`: Rust tests, then the release build in Chromium. Fails on any failure and on a
# run where no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/test-deps.sh

echo "== Rust tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One test at a time within each binary: Leptos keeps a process-wide executor, and the server
# never runs several Tokio runtimes in one process the way parallel tests would.
cargo test --release --workspace --exclude frontend -- --test-threads=1 2>&1 | tee "$log"
rust_tests=$(awk '/^test result:/ {for (i = 1; i <= NF; i++) if ($i ~ /passed;?$/) n += $(i-1)} END {print n + 0}' "$log")
if [ "$rust_tests" -eq 0 ]; then
  echo "test: no Rust test ran" >&2
  exit 1
fi

echo "== release build"
cargo leptos build --release --precompress

echo "== browser tests (Playwright, Debian chromium)"
(cd end2end && npx playwright test)

echo "== all tests passed ($rust_tests Rust tests, plus the browser suite)"
