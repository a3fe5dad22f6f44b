#!/bin/sh
# Started by Playwright (end2end/playwright.config.ts): the release server on a fresh catalog.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
# cargo-leptos writes the site under the workspace's target/, the binary under CARGO_TARGET_DIR.
bin=${FAMIGO_BIN:-${CARGO_TARGET_DIR:-$here/target}/release/famigo}
data=$here/end2end/.data
rm -rf "$data"
export DATA_DIR="$data"
export FAMIGO_ADDR="127.0.0.1:${E2E_PORT:-3107}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$here/target/site}"
export RUST_LOG="${RUST_LOG:-warn}"
export ADMIN_TOKEN="${ADMIN_TOKEN:-e2e-admin-token-0123456789}"
"$bin" seed --apps 300 --seed 7
exec "$bin" serve
