#!/usr/bin/env bash
# `make test`: formatting and lints, the Rust tests, then the release build in Chromium. Fails on
# any failure, on a run where no test ran, and on a test skipped for want of a backend this
# script installs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/test-deps.sh

echo "== formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
python3 scripts/module-cycles.py server/src
python3 scripts/module-cycles.py app/src

echo "== Rust tests"
# Every backend test-deps.sh installs must be there: a suite that would skip fails instead.
# Meilisearch and a real MongoDB server cannot be installed here; their tests print
# `skipped: …` unless MEILI_URL / MONGODB_URL name one.
export FAMIGO_REQUIRE_BACKENDS=redis,mongodb,smtp,nginx
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
