#!/usr/bin/env bash
# Installs what the tests need beyond the build toolchain, from Debian: Chromium for
# Playwright, redis-server for the Redis adapters' tests and nginx for the cluster test (each
# test starts its own servers on loopback); and nx-27017 and aiosmtpd from PyPI for the MongoDB
# and mail tests.
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)   # redis-cli --cluster create, for the cluster suites
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

# Python servers from PyPI, each in its own virtualenv under ~/.cache/famigo:
#  - nx-27017, a MongoDB wire-protocol server backed by SQLite, which the MongoDB adapter's tests
#    start on loopback when MONGODB_URL names no real MongoDB;
#  - aiosmtpd, an SMTP server (RFC 5321) that the mail tests deliver to, storing into a Maildir.
pip_tool() { # venv-name package version
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/famigo/$1"
  if [ "$("$venv/bin/python" -m pip show "$2" 2>/dev/null | awk '/^Version:/ {print $2}')" == "$3" ]; then
    return
  fi
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "test-deps: python3 with venv is missing; install python3-venv (needs root)" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
  fi
  echo "test-deps: installing $2 $3 into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$2==$3"
}
pip_tool nx-27017 nx-27017 0.8.1
pip_tool aiosmtpd aiosmtpd 1.4.6
