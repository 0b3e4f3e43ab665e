#!/usr/bin/env bash
# Boot-to-first-200, measured: the webapp as the stack's user data installs it (Amazon Linux
# 2023 and 2 units) against the lab sheet's original approach (install Python's venv and
# pip, pip install fastapi + uvicorn from a local cache, start uvicorn), in the same image,
# the same harness and the same run, interleaved, one instance at a time.
#
# Usage: scripts/bench-boot.sh [--rounds N]      (as root; default 5 rounds)
#
# It runs the ignored test `boot_to_first_200_bench` (stacks/tests/boot.rs), which applies
# hello_stack to the emulator once, then per round boots one instance per approach
# (systemd-nspawn, cloud-init NoCloud, fake IMDS, moto's S3) and times from starting
# systemd-nspawn to the first HTTP 200 seen from the lab namespace (polled every 50 ms):
# /health on 80 for the webapp, / on 8000 for uvicorn. This script prints the medians.
# Needs what the boot test needs: scripts/setup-tools.sh, scripts/build-instance-image.sh,
# cargo webapp-static. Raw samples: target/boot-bench/samples.tsv.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$REPO_ROOT/target/boot-bench"
ROUNDS=5

die() { printf 'bench-boot: ERROR: %s\n' "$*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    --rounds) ROUNDS="${2:?--rounds needs a value}"; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
if ! [[ "$ROUNDS" =~ ^[0-9]+$ ]] || ((ROUNDS < 3 || ROUNDS > 20)); then die "--rounds must be 3..20"; fi
[[ "$(id -u)" -eq 0 ]] || die "must run as root (namespaces, systemd-nspawn)"

mkdir -p "$OUT"
export PATH="$REPO_ROOT/target/tools-venv/bin:$PATH:/usr/sbin"
export CI=true # a missing tool or image fails instead of skipping
export BOOT_BENCH_ROUNDS="$ROUNDS" BOOT_BENCH_OUT="$OUT/samples.tsv"
export WEBAPP_STATIC_BIN="${WEBAPP_STATIC_BIN:-$REPO_ROOT/target/x86_64-unknown-linux-gnu/release/webapp}"
cd "$REPO_ROOT"
rm -f "$OUT/samples.tsv"
if ! cargo test -q -p stacks --test boot -- --ignored --exact boot_to_first_200_bench \
  --nocapture >"$OUT/run.log" 2>&1; then
  tail -n 40 "$OUT/run.log" >&2
  die "the benchmark run failed (see $OUT/run.log)"
fi
grep '^boot-bench:' "$OUT/run.log" >&2 || true
[[ -s "$OUT/samples.tsv" ]] || die "no samples in $OUT/samples.tsv"

# Median per approach (mean of the two middle values for an even count), plus min and max.
summary() {
  awk -F'\t' 'NR > 1 { print $1 "\t" $3 }' "$OUT/samples.tsv" | sort -k1,1 -k2,2n | awk -F'\t' '
    function flush() {
      if (n == 0) return
      med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "| %s | %d | %.2f | %.2f | %.2f |\n", name, n, med / 1000, v[1] / 1000, v[n] / 1000
      meds[name] = med
    }
    $1 != name { flush(); name = $1; n = 0 }
    { v[++n] = $2 }
    END {
      flush()
      if (("lab-uvicorn" in meds) && ("webapp-al2023" in meds))
        printf "\nlab-uvicorn / webapp-al2023 (medians): %.1fx\n", meds["lab-uvicorn"] / meds["webapp-al2023"]
    }'
}

{
  echo "boot-to-first-200, $ROUNDS rounds, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "| approach | boots | median (s) | min (s) | max (s) |"
  echo "| --- | --- | --- | --- | --- |"
  summary
} | tee "$OUT/summary.md"
