# Shared by the HTTP benchmarks (sourced): waiting for a server, reading wrk's latencies.

wait_for() { # url
  for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "bench: $1 did not come up" >&2; exit 1
}

to_ms() { # wrk prints 812.00us, 3.21ms or 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}

# measure NAME URL: wrk at $connections for $seconds (after one request to warm the page);
# fills rps[NAME], p50[NAME], p99[NAME] (ms) and errors[NAME].
measure() {
  declare -gA rps p50 p99 errors
  curl -fs -o /dev/null "$2"
  local report
  report=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$2")
  rps[$1]=$(echo "$report" | awk '/^Requests\/sec/ {printf "%.0f", $2}')
  p50[$1]=$(to_ms "$(echo "$report" | awk '$1 == "50%" {print $2}')")
  p99[$1]=$(to_ms "$(echo "$report" | awk '$1 == "99%" {print $2}')")
  errors[$1]=$(echo "$report" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
}
