#!/usr/bin/env bash
# Installs what the tests need beyond the build toolchain, from Debian: Chromium for
# Playwright, redis-server for the Redis adapters' tests and nginx for the cluster test (each
# test starts its own servers on loopback).
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "$#" -gt 0 ]; then
  for tool in "$@"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-deps: missing ${missing[*]}; install the Debian packages (needs root)" >&2
    exit 1
  fi
  echo "test-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts the packaged redis service; the tests start their own servers.
  for service in redis-server nginx; do
    if printf '%s\n' "${missing[@]}" | grep -qx "$service"; then
      service "$service" stop >/dev/null 2>&1 || true
    fi
  done
fi
