#!/usr/bin/env bash
# What a second node buys: through nginx (the shipped least_conn template), two famigo nodes
# against one, for a cached page (`/`) and an uncached one (`/apps?age=5-7` on nodes with
# PAGE_CACHE=off), same machine, same run. wrk at 32 connections; prints req/s, p50/p99 and
# the 2-node / 1-node ratio. Loopback only, bounded, stops what it starts.
#   BENCH_APPS (20000), BENCH_SECONDS per target (10), BENCH_CONNECTIONS (32)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

apps=${BENCH_APPS:-20000}
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-32}
bin=${CARGO_TARGET_DIR:-target}/release/famigo
out=$PWD/bench/out/cluster
base_port=3240

scripts/test-deps.sh wrk nginx redis-server
[ -x "$bin" ] || { echo "bench: $bin not built; run 'cargo leptos build --release'" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

rm -rf "$out" && mkdir -p "$out/data"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

redis_port=$((base_port + 19))
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$out/redis.log" 2>&1 &
pids+=($!)
export DATA_DIR=$out/data LEPTOS_SITE_ROOT=target/site RUST_LOG=warn FAMIGO_WORKER=off \
  REDIS_URL=redis://127.0.0.1:$redis_port/0 SCHEDULE_WARM_CACHE=off
"$bin" seed --apps "$apps" --seed 1 >/dev/null

# name port extra-env...
start_node() {
  local name=$1 port=$2
  shift 2
  env FAMIGO_ADDR=127.0.0.1:$port FAMIGO_NODE=$name "$@" "$bin" serve >"$out/$name.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/readyz"
}
start_node cached-a $((base_port + 1))
start_node cached-b $((base_port + 2))
start_node uncached-a $((base_port + 3)) PAGE_CACHE=off
start_node uncached-b $((base_port + 4)) PAGE_CACHE=off

# name listen node-a node-b: the shipped template; one node = the same server twice.
start_nginx() {
  local dir=$out/nginx-$1
  mkdir -p "$dir"
  sed -e "s|\${FAMIGO_NODE_A}|127.0.0.1:$3|" -e "s|\${FAMIGO_NODE_B}|127.0.0.1:$4|" \
    -e "s|\${NGINX_LISTEN}|127.0.0.1:$2|" -e "s|\${FAMIGO_SITE_ROOT}|$PWD/target/site|" -e "s|\${NGINX_CACHE_DIR}|$dir/media-cache|" \
    deploy/nginx/famigo.conf.template >"$dir/famigo.conf"
  local user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  cat >"$dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  include $dir/famigo.conf;
}
CONF
  "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
  pids+=($!)
  wait_for "http://127.0.0.1:$2/healthz"
}
start_nginx cached-2 $((base_port + 11)) $((base_port + 1)) $((base_port + 2))
start_nginx cached-1 $((base_port + 12)) $((base_port + 1)) $((base_port + 1))
start_nginx uncached-2 $((base_port + 13)) $((base_port + 3)) $((base_port + 4))
start_nginx uncached-1 $((base_port + 14)) $((base_port + 3)) $((base_port + 3))

measure cached-2 "http://127.0.0.1:$((base_port + 11))/"
measure cached-1 "http://127.0.0.1:$((base_port + 12))/"
measure uncached-2 "http://127.0.0.1:$((base_port + 13))/apps?age=5-7"
measure uncached-1 "http://127.0.0.1:$((base_port + 14))/apps?age=5-7"

echo
echo "two nodes vs one behind nginx, $apps apps, wrk ${connections} connections × ${seconds} s each ($(nproc) cores)"
echo
echo "| page | nodes | req/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---|"
for page in cached uncached; do
  for n in 2 1; do
    name=$page-$n
    echo "| $page | $n | ${rps[$name]} | ${p50[$name]} | ${p99[$name]} | ${errors[$name]:-none} |"
  done
done
echo
for page in cached uncached; do
  awk -v p="$page" -v a="${rps[$page-2]}" -v b="${rps[$page-1]}" 'BEGIN { printf "%s: 2 nodes / 1 node = %.2f×\n", p, a / b }'
done
