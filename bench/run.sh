#!/usr/bin/env bash
# Load benchmark: seeds 100k apps, serves the release build on loopback, and drives it with wrk
# at 32 connections. Prints a table; bounded in time, stops its server.
#   BENCH_APPS (100000), BENCH_SECONDS per URL (10), BENCH_CONNECTIONS (32), BENCH_PORT (3207)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

apps=${BENCH_APPS:-100000}
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-32}
port=${BENCH_PORT:-3207}
bin=${CARGO_TARGET_DIR:-target}/release/famigo
out=bench/out
data=$out/data

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench: wrk is missing; install Debian's 'wrk' package" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
[ -x "$bin" ] || { echo "bench: $bin not built; run 'cargo leptos build --release'" >&2; exit 1; }

rm -rf "$data" && mkdir -p "$data"
# PAGE_CACHE=off: this table measures rendering (no cache, no coalescing of concurrent misses);
# bench/page_cache.sh measures the cache.
export DATA_DIR=$data FAMIGO_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=target/site RUST_LOG=warn PAGE_CACHE=off

seed_start=$(date +%s.%N)
"$bin" seed --apps "$apps" --seed 1
seed_seconds=$(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
# The search index before serving, so no rebuild job runs during the measurements.
reindex_start=$(date +%s.%N)
"$bin" reindex >/dev/null
reindex_seconds=$(awk -v a="$reindex_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

"$bin" serve &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "bench: server did not start" >&2; exit 1; }
rss_idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$server/status)

urls=(
  "/"
  "/apps?age=5-7&platform=ios"
  "/apps?category=math&price=free&no_ads=1&sort=new&page=3"
  "/search?q=happy+dino"
  "/search?q=dinno&age=5-7&sort=new"
  "/apps/$(curl -fs "http://127.0.0.1:$port/apps" | grep -o 'data-card="[^"]*"' | head -1 | cut -d'"' -f2)"
)

rows=()
for url in "${urls[@]}"; do
  curl -fs -o /dev/null "http://127.0.0.1:$port$url" || { echo "bench: $url does not answer 200" >&2; exit 1; }
  report=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port$url")
  rps=$(echo "$report" | awk '/^Requests\/sec/ {printf "%.0f", $2}')
  p50=$(to_ms "$(echo "$report" | awk '$1 == "50%" {print $2}')")
  p99=$(to_ms "$(echo "$report" | awk '$1 == "99%" {print $2}')")
  errors=$(echo "$report" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  rows+=("| \`$url\` | $rps | $p50 | $p99 | ${errors:-none} |")
done
rss_peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$server/status)

# Sitemap: the index and every part, streamed from the catalog; time, size and the server's
# resident memory before and after (growth shows whether it was built in one string).
rss_before_kb=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
sitemap_start=$(date +%s.%N)
sitemap_bytes=$(curl -fs "http://127.0.0.1:$port/sitemap.xml" | tee "$out/sitemap.xml" | wc -c)
sitemap_urls=0
for part in $(grep -o '<loc>[^<]*</loc>' "$out/sitemap.xml" | sed 's/<[^>]*>//g' | grep '/sitemaps/' || true); do
  path=${part#*://*/}
  bytes=$(curl -fs "http://127.0.0.1:$port/$path" | tee "$out/part.xml" | wc -c)
  sitemap_bytes=$((sitemap_bytes + bytes))
  sitemap_urls=$((sitemap_urls + $(grep -o '<loc>' "$out/part.xml" | wc -l)))
done
sitemap_seconds=$(awk -v a="$sitemap_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
rss_after_kb=$(awk '/VmRSS/ {print $2}' /proc/$server/status)

echo
echo "Famigo load benchmark: $apps apps, $connections connections, ${seconds}s per URL, $(nproc) cores"
echo
echo "| URL | req/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
printf 'seed %d apps: %.1f s · search index built in %s s · server RSS idle %d MB, peak %d MB\n' "$apps" "$seed_seconds" "$reindex_seconds" $((rss_idle_kb / 1024)) $((rss_peak_kb / 1024))
printf 'sitemap: %d URLs, %d KB, %s s · server RSS %d MB before, %d MB after\n' "$sitemap_urls" $((sitemap_bytes / 1024)) "$sitemap_seconds" $((rss_before_kb / 1024)) $((rss_after_kb / 1024))
