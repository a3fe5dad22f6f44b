#!/usr/bin/env bash
# Sign-in storm: p99 of `/apps` page requests alone, then while 20 connections sign in without
# pause (argon2id on every request), for PASSWORD_HASHERS=default (half the cores) and for
# every sign-in hashing at once. Release build on loopback, driven by wrk; prints a table.
#   BENCH_APPS (20000), BENCH_SECONDS (10), BENCH_CONNECTIONS for /apps (16), BENCH_PORT (3208)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

apps=${BENCH_APPS:-20000}
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
port=${BENCH_PORT:-3208}
signins=20
bin=${CARGO_TARGET_DIR:-target}/release/famigo
out=bench/out
data=$out/signin-data
base=http://127.0.0.1:$port
page="$base/apps?age=5-7&platform=ios"

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench: wrk is missing; install Debian's 'wrk' package" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
[ -x "$bin" ] || { echo "bench: $bin not built; run 'cargo leptos build --release'" >&2; exit 1; }

rm -rf "$data" && mkdir -p "$data"
export DATA_DIR=$data FAMIGO_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site RUST_LOG=warn PAGE_CACHE=off FAMIGO_WORKER=off
export ADMIN_TOKEN=bench-admin-token-$RANDOM$RANDOM$RANDOM
"$bin" seed --apps "$apps" --seed 1 >/dev/null
"$bin" reindex >/dev/null
email=storm@famigo.test
password='a long enough bench password'
printf '%s\n' "$password" | "$bin" createadmin --email "$email" --name Storm >/dev/null

cat > "$out/signin.lua" <<LUA
wrk.method = "POST"
wrk.body = "email=storm%40famigo.test&password=a+long+enough+bench+password"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "$base"
LUA

latency() { # report quantile → ms
  to_ms "$(echo "$1" | awk -v q="$2" '$1 == q {print $2}')"
}

rows=()
for hashers in default $signins; do
  if [ "$hashers" = default ]; then unset PASSWORD_HASHERS; else export PASSWORD_HASHERS=$hashers; fi
  "$bin" serve &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  wait_for "$base/healthz"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: $base" --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/api/sign_in")
  case $status in 2*|3*) ;; *) echo "bench: sign-in answered $status" >&2; exit 1 ;; esac
  curl -fs -o /dev/null "$page"

  alone=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$page")
  # The storm starts first and outlasts the measurement.
  wrk -t1 -c"$signins" -d"$((seconds + 3))s" --latency -s "$out/signin.lua" "$base/api/sign_in" > "$out/storm.txt" &
  storm=$!
  sleep 1
  during=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$page")
  wait $storm
  storm_report=$(cat "$out/storm.txt")
  kill $server && wait $server 2>/dev/null || true

  label=$([ "$hashers" = default ] && echo "default (half the cores: $(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 )))" || echo "$hashers (all at once)")
  rows+=("| $label | $(latency "$alone" 99%) | $(latency "$during" 50%) | $(latency "$during" 99%) | $(echo "$during" | awk '/^Requests\/sec/ {printf "%.0f", $2}') | $(echo "$storm_report" | awk '/^Requests\/sec/ {printf "%.1f", $2}') | $(latency "$storm_report" 99%) |")
done

echo
echo "Sign-in storm: \`/apps?age=5-7&platform=ios\` at $connections connections, ${seconds}s, $apps apps, $(nproc) cores, page cache off;"
echo "$signins connections signing in without pause (argon2id m=19 MiB, t=2, p=1)"
echo
echo "| PASSWORD_HASHERS | /apps p99 alone ms | /apps p50 during ms | /apps p99 during ms | /apps req/s during | sign-ins/s | sign-in p99 ms |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
