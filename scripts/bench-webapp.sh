#!/usr/bin/env bash
# Benchmark the webapp payload against nginx returning a fixed 200 JSON, on this machine.
#
# Usage: scripts/bench-webapp.sh [--install] [--rounds N] [--duration SECS] [--no-build]
#   --install     apt-get install wrk, nginx and curl first (needs root)
#   --rounds N    interleaved rounds (default 3, minimum 3)
#   --duration S  seconds per wrk run (default 10)
#   --no-build    use the existing static binary instead of running `cargo webapp-static`
#
# Each round starts, measures and stops, in this order: webapp (access log on, to a file),
# webapp (ACCESS_LOG=off), nginx (worker_processes 1, access_log off). Servers are pinned
# to core 0 with taskset (webapp WORKERS=1), wrk to core 1 (1 thread, 64 connections).
# The webapp's IMDS lookup is pointed at a closed local port (IMDS_ENDPOINT), so start-up
# takes the real fallback path (connection refused -> INSTANCE_ID unset -> hostname).
# Printed: medians over rounds of requests/s, p50/p99 latency, server CPU time per request
# (utime+stime from /proc/PID/stat of every server process, before and after the run),
# RSS after load (VmRSS summed over processes), time from spawn to the first 200 (curl).
# Everything it writes goes under target/bench-webapp/.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$REPO_ROOT/target/bench-webapp"
BIN="$REPO_ROOT/target/x86_64-unknown-linux-gnu/release/webapp"
WEBAPP_PORT="${WEBAPP_BENCH_PORT:-18080}"
NGINX_PORT="${NGINX_BENCH_PORT:-18081}"
DEAD_IMDS="http://127.0.0.1:1"
PATH_UNDER_TEST="/hello/Ada"
BODY='{"message":"Hello Ada from instance i-0abc!"}'
CONNECTIONS=64
ROUNDS=3
DURATION=10
BUILD=1
INSTALL=0

die() { printf 'bench-webapp: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'bench-webapp: %s\n' "$*" >&2; }

while (($#)); do
  case "$1" in
    --install) INSTALL=1 ;;
    --rounds) ROUNDS="${2:?--rounds needs a value}"; shift ;;
    --duration) DURATION="${2:?--duration needs a value}"; shift ;;
    --no-build) BUILD=0 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
if ! [[ "$ROUNDS" =~ ^[0-9]+$ ]] || ((ROUNDS < 3)); then die "--rounds must be an integer >= 3"; fi
if ! [[ "$DURATION" =~ ^[0-9]+$ ]] || ((DURATION < 1)); then die "--duration must be a positive integer"; fi

if ((INSTALL)); then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y wrk nginx curl
fi

PATH="$PATH:/usr/sbin:/sbin"
missing=()
for tool in wrk nginx taskset curl cargo awk sort pgrep; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (run with --install, or: apt-get install -y wrk nginx curl)"
(($(nproc) >= 2)) || die "needs 2 cores (server on core 0, wrk on core 1)"
TICKS="$(getconf CLK_TCK)"

for port in "$WEBAPP_PORT" "$NGINX_PORT"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    die "port $port is already in use (set WEBAPP_BENCH_PORT / NGINX_BENCH_PORT)"
  fi
done

mkdir -p "$WORK"
if ((BUILD)); then
  log "building the static release binary (cargo webapp-static)"
  (cd "$REPO_ROOT" && cargo webapp-static)
fi
[[ -x "$BIN" ]] || die "$BIN not found (run without --no-build)"

# nginx: its own config, pid, logs and temp paths under target/.
NGINX_CONF="$WORK/nginx.conf"
mkdir -p "$WORK/nginx-tmp"
cat >"$NGINX_CONF" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/nginx-tmp/body;
    proxy_temp_path $WORK/nginx-tmp/proxy;
    fastcgi_temp_path $WORK/nginx-tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx-tmp/uwsgi;
    scgi_temp_path $WORK/nginx-tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            default_type application/json;
            return 200 '$BODY';
        }
    }
}
EOF
nginx -t -q -c "$NGINX_CONF" -e "$WORK/nginx-error.log" || die "nginx config test failed"

SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

now_us() { local t="${EPOCHREALTIME/./}"; printf '%s' "$((10#$t))"; }

# The server's process and its children (nginx workers).
server_pids() { printf '%s\n' "$SERVER_PID"; pgrep -P "$SERVER_PID" || true; }

cpu_ticks() {
  local total=0 pid stat fields
  for pid in $(server_pids); do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    read -r -a fields <<<"${stat##*) }"
    # After "pid (comm) ", field 3 (state) is index 0: utime=14 -> 11, stime=15 -> 12.
    total=$((total + fields[11] + fields[12]))
  done
  printf '%s' "$total"
}

rss_kib() {
  local total=0 pid kb
  for pid in $(server_pids); do
    kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" || continue
    total=$((total + ${kb:-0}))
  done
  printf '%s' "$total"
}

# wrk latency value ("850.00us", "1.10ms", "1.02s") -> milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { print "nan" } }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A RESULTS # "<variant>:<metric>" -> space-separated per-round values

record() { RESULTS["$1:$2"]="${RESULTS["$1:$2"]:-} $3"; }

start_server() { # variant round
  local variant="$1" round="$2"
  case "$variant" in
    webapp | webapp-nolog)
      local access_log=on
      [[ "$variant" == webapp-nolog ]] && access_log=off
      PORT_UNDER_TEST="$WEBAPP_PORT"
      env -u INSTANCE_ID PORT="$WEBAPP_PORT" BIND=127.0.0.1 WORKERS=1 ACCESS_LOG="$access_log" \
        IMDS_ENDPOINT="$DEAD_IMDS" taskset -c 0 "$BIN" >"$WORK/$variant-$round.log" 2>&1 &
      ;;
    nginx)
      PORT_UNDER_TEST="$NGINX_PORT"
      taskset -c 0 nginx -c "$NGINX_CONF" -e "$WORK/nginx-error.log" >"$WORK/nginx-$round.log" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
}

stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

run_one() { # variant round
  local variant="$1" round="$2" t0 t1 url code cpu0 cpu1 out reqs rps p50 p99
  t0="$(now_us)"
  start_server "$variant" "$round"
  url="http://127.0.0.1:$PORT_UNDER_TEST$PATH_UNDER_TEST"
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)"
    [[ "$code" == 200 ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "$variant exited during start-up (see $WORK)"
    (($(now_us) - t0 < 10000000)) || die "$variant gave no 200 within 10 s"
  done
  t1="$(now_us)"
  record "$variant" first_ms "$(awk -v d="$((t1 - t0))" 'BEGIN { printf "%.1f", d / 1000 }')"

  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "$url" >/dev/null # warm-up
  cpu0="$(cpu_ticks)"
  out="$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url")"
  cpu1="$(cpu_ticks)"
  printf '%s\n' "$out" >"$WORK/wrk-$variant-$round.txt"
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    die "$variant: errors during the run (see $WORK/wrk-$variant-$round.txt)"
  fi
  reqs="$(awk '/requests in/ { print $1 }' <<<"$out")"
  rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
  record "$variant" rps "$rps"
  record "$variant" p50_ms "$p50"
  record "$variant" p99_ms "$p99"
  record "$variant" cpu_us "$(awk -v t="$((cpu1 - cpu0))" -v hz="$TICKS" -v n="$reqs" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')"
  record "$variant" rss_mib "$(awk -v k="$(rss_kib)" 'BEGIN { printf "%.2f", k / 1024 }')"
  stop_server
  log "round $round $variant: $rps req/s, p50 $p50 ms, p99 $p99 ms"
}

VARIANTS=(webapp webapp-nolog nginx)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${LOAD_START%% *}" 'BEGIN { exit !(l > 0.5) }'; then
  log "WARNING: load average is $LOAD_START before starting: other work on this machine will skew the numbers"
fi
log "$ROUNDS rounds x ${#VARIANTS[@]} servers x ${DURATION}s, $CONNECTIONS connections, GET $PATH_UNDER_TEST"
for ((round = 1; round <= ROUNDS; round++)); do
  for variant in "${VARIANTS[@]}"; do
    run_one "$variant" "$round"
  done
done

med() { # variant metric
  # shellcheck disable=SC2086 # word splitting of the per-round list is intended
  median ${RESULTS["$1:$2"]}
}
# Median over rounds of the per-round ratio a/b (rounds run back to back, so this pairs
# runs that saw the same background load).
paired() { # variant-a variant-b metric
  local -a a b r=()
  read -r -a a <<<"${RESULTS["$1:$3"]}"
  read -r -a b <<<"${RESULTS["$2:$3"]}"
  local i
  for i in "${!a[@]}"; do r+=("$(ratio "${a[$i]}" "${b[$i]}")"); done
  median "${r[@]}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
check() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == ">=") ? (v >= t) : (v < t); print (ok ? "yes" : "**no**") }'; }

printf '\nMedians of %s rounds (%ss runs, %s connections, GET %s; load avg before: %s, after: %s)\n\n' \
  "$ROUNDS" "$DURATION" "$CONNECTIONS" "$PATH_UNDER_TEST" "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| metric | webapp | webapp, no access log | nginx | webapp/nginx | no-log/nginx | webapp/nginx paired | target (webapp) | met |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
row() { # label metric target-op target-value target-text
  local w n x r
  w="$(med webapp "$2")"; n="$(med webapp-nolog "$2")"; x="$(med nginx "$2")"
  case "$3" in
    ratio-ge) r="$(ratio "$w" "$x")"; met="$(check "$r" ">=" "$4")" ;;
    ratio-le) r="$(ratio "$w" "$x")"; met="$(check "$r" "<" "$(awk -v t="$4" 'BEGIN { print t + 1e-9 }')")" ;;
    lt) met="$(check "$w" "<" "$4")" ;;
  esac
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$w" "$n" "$x" \
    "$(ratio "$w" "$x")" "$(ratio "$n" "$x")" "$(paired webapp nginx "$2")" "$5" "$met"
}
row "requests/s" rps ratio-ge 0.9 ">= 0.9x nginx"
row "p50 latency (ms)" p50_ms lt 1000000 "-"
row "p99 latency (ms)" p99_ms lt 3 "< 3 ms"
row "CPU per request (us)" cpu_us ratio-le 1.25 "<= 1.25x nginx"
row "RSS after load (MiB)" rss_mib lt 15 "< 15 MiB"
row "spawn to first 200 (ms)" first_ms lt 50 "< 50 ms"
printf '\nwebapp/nginx: ratio of the medians; paired: median of the per-round ratios.\n'
printf 'Per-round values and wrk output: %s\n' "$WORK"
