#!/usr/bin/env bash
# `make run`: build in release, seed the demo catalog on first start, serve on embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo leptos build --release --precompress

bin=${CARGO_TARGET_DIR:-target}/release/famigo
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
"$bin" seed --if-empty --apps 500
exec "$bin" serve
