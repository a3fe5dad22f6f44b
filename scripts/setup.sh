#!/usr/bin/env bash
# Installs what building the site needs, on a machine that has rustup, node and npm.
# Idempotent: each step checks first and does nothing when the tool is already right.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_OPT_MIN_VERSION=132   # Debian's binaryen 108 builds a bundle that never hydrates.

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

for tool in rustup cargo node npm; do
  command -v "$tool" >/dev/null || die "$tool is required but not installed"
done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes a while the first time)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen the lockfile pins, exactly. Installed without
# --locked: its own lockfile pins a crate version the registry no longer has.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/^version = "|"$/, ""); print; exit}' Cargo.lock)
[ -n "$wasm_bindgen_version" ] || die "cannot find wasm-bindgen's version in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version"
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
fi

# Node packages: Playwright (browser tests) and binaryen (wasm-opt). No browser download.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing node packages in end2end/"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# cargo-leptos runs the first wasm-opt on PATH; the Makefile puts end2end/node_modules/.bin first.
wasm_opt=$(command -v wasm-opt || true)
[ -n "$wasm_opt" ] || die "wasm-opt not found on PATH (expected end2end/node_modules/.bin/wasm-opt)"
wasm_opt_version=$("$wasm_opt" --version | sed -n 's/^wasm-opt version \([0-9]*\).*/\1/p')
if [ -z "$wasm_opt_version" ] || [ "$wasm_opt_version" -lt "$WASM_OPT_MIN_VERSION" ]; then
  die "$wasm_opt is version '${wasm_opt_version:-unknown}'; version $WASM_OPT_MIN_VERSION or newer is required (older ones, like Debian's 108, break hydration). Run: cd end2end && npm ci"
fi
say "toolchain ready (cargo-leptos $CARGO_LEPTOS_VERSION, wasm-bindgen $wasm_bindgen_version, wasm-opt $wasm_opt_version)"
