#!/usr/bin/env bash
# Page-cache benchmark: cached `/` from famigo (embedded cache; Redis with L1; Redis alone)
# against Debian's nginx serving the identical bytes as a static file, one at a time, same
# machine, same run. wrk at 64 connections; prints req/s, p50/p99 and the ratio to nginx,
# then the hit ratio of each famigo setup. Loopback only, bounded, stops what it starts.
#   BENCH_APPS (20000), BENCH_SECONDS per target (10), BENCH_CONNECTIONS (64)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

apps=${BENCH_APPS:-20000}
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
bin=${CARGO_TARGET_DIR:-target}/release/famigo
out=$PWD/bench/out/page_cache
base_port=3220

scripts/test-deps.sh wrk nginx redis-server
[ -x "$bin" ] || { echo "bench: $bin not built; run 'cargo leptos build --release'" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

rm -rf "$out" && mkdir -p "$out/data" "$out/nginx/html"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

export DATA_DIR=$out/data LEPTOS_SITE_ROOT=target/site RUST_LOG=warn
"$bin" seed --apps "$apps" --seed 1

redis_port=$((base_port + 9))
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$out/redis.log" 2>&1 &
pids+=($!)

# name port extra-env...
start_famigo() {
  local name=$1 port=$2
  shift 2
  env FAMIGO_ADDR=127.0.0.1:$port "$@" "$bin" serve >"$out/$name.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
}
start_famigo embedded $((base_port + 1))
start_famigo redis $((base_port + 2)) REDIS_URL=redis://127.0.0.1:$redis_port/0 REDIS_PREFIX=bench-l1
start_famigo redis-only $((base_port + 3)) REDIS_URL=redis://127.0.0.1:$redis_port/0 REDIS_PREFIX=bench-l2 PAGE_CACHE_MB=0

# nginx serves exactly the bytes famigo answers for `/`.
curl -fs "http://127.0.0.1:$((base_port + 1))/" -o "$out/nginx/html/index.html"
nginx_port=$((base_port + 8))
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat >"$out/nginx/nginx.conf" <<CONF
$user_line
worker_processes auto;
pid $out/nginx/nginx.pid;
error_log $out/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=16 inactive=60s;
  keepalive_requests 1000000;
  types { text/html html; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $out/nginx/html;
    location = / { try_files /index.html =404; }
  }
}
CONF
"$nginx_bin" -p "$out/nginx" -c "$out/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_for "http://127.0.0.1:$nginx_port/"
cmp -s <(curl -fs "http://127.0.0.1:$nginx_port/") <(curl -fs "http://127.0.0.1:$((base_port + 1))/") \
  || { echo "bench: nginx and famigo bytes differ" >&2; exit 1; }


# Counts x-cache values over a short run (a Lua callback per response slows wrk, so the
# throughput runs above go without it).
cat >"$out/count.lua" <<'LUA'
counts = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  local v = headers["x-cache"] or headers["X-Cache"] or "none"
  counts[v] = (counts[v] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for _, k in ipairs({"hit", "miss", "bypass", "none"}) do
      total[k] = (total[k] or 0) + (t:get("counts")[k] or 0)
    end
  end
  io.write(string.format("hit=%d miss=%d bypass=%d none=%d\n", total.hit, total.miss, total.bypass, total.none))
end
LUA
hit_ratio() { # port
  wrk -t2 -c"$connections" -d3s -s "$out/count.lua" "http://127.0.0.1:$1/" | awk '/^hit=/ {
    split($1, h, "="); split($2, m, "="); split($3, b, "=");
    total = h[2] + m[2] + b[2]; if (total > 0) printf "%.4f (%d of %d)", h[2] / total, h[2], total; else print "n/a" }'
}

measure nginx "http://127.0.0.1:$nginx_port/"
measure embedded "http://127.0.0.1:$((base_port + 1))/"
measure redis "http://127.0.0.1:$((base_port + 2))/"
measure redis-only "http://127.0.0.1:$((base_port + 3))/"

echo
echo "Cached \`/\` ($(wc -c <"$out/nginx/html/index.html") bytes): wrk $connections connections, ${seconds}s each, $(nproc) cores, one target at a time"
echo
echo "| server | req/s | p50 ms | p99 ms | × nginx | hit ratio | errors |"
echo "|---|---:|---:|---:|---:|---|---|"
for name in nginx embedded redis redis-only; do
  ratio=$(awk -v a="${rps[$name]}" -v b="${rps[nginx]}" 'BEGIN { printf "%.2f", a / b }')
  case $name in
    nginx) port=$nginx_port; label="nginx (static file)"; ratio_hits="—" ;;
    embedded) port=$((base_port + 1)); label="famigo, embedded cache" ;;
    redis) port=$((base_port + 2)); label="famigo, Redis + L1 64 MB" ;;
    redis-only) port=$((base_port + 3)); label="famigo, Redis only (PAGE_CACHE_MB=0)" ;;
  esac
  [ "$name" = nginx ] || ratio_hits=$(hit_ratio "$port")
  echo "| $label | ${rps[$name]} | ${p50[$name]} | ${p99[$name]} | $ratio | $ratio_hits | ${errors[$name]:-none} |"
done
