#!/usr/bin/env bash
# Installs what the tests need beyond the build toolchain: Debian's Chromium for Playwright.
set -euo pipefail

if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-deps: chromium is missing; install the Debian package 'chromium' (needs root)" >&2
    exit 1
  fi
  echo "test-deps: installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
