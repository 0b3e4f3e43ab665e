#!/usr/bin/env bash
# Before/after figures for a change to the crates' layout, measured side by side in one run
# on two checkouts of the repository (e.g. `git worktree add ../before <commit>`):
#   1. clean `cargo build --bin hello_stack`: wall time (hyperfine, `cargo clean` before each
#      run) and the number of crates it compiles;
#   2. the edit-to-error loop: `cargo check -p stacks` after an edit of the lab block (a doc
#      comment of the stack changes), warm;
#   3. the expansion benchmark (criterion, `cargo bench -p infra-expand --bench expand`):
#      the medians of each benchmark, both checkouts running BEFORE's bench source (the
#      same generated block), so the figures compare the code, not the inputs.
# Each checkout builds in its own target dir under target/bench-house/, so the two never
# share artifacts. Prints a table of medians and after/before ratios.
#
# Usage: scripts/bench-house.sh BEFORE_DIR [AFTER_DIR]   (AFTER_DIR defaults to this repo)
#        RUNS=3 CHECK_RUNS=10 scripts/bench-house.sh ../before
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
BEFORE="$(cd "${1:?usage: bench-house.sh BEFORE_DIR [AFTER_DIR]}" && pwd)"
AFTER="$(cd "${2:-$ROOT}" && pwd)"
RUNS="${RUNS:-3}"
CHECK_RUNS="${CHECK_RUNS:-10}"
OUT="$ROOT/target/bench-house"
mkdir -p "$OUT"
command -v hyperfine >/dev/null || { echo "bench-house: hyperfine is required (apt-get install hyperfine)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench-house: jq is required (apt-get install jq)" >&2; exit 1; }

# The file that holds the lab block in a checkout.
lab_file() {
    local f
    for f in stacks/src/hello_stack.rs stacks/src/lib.rs; do
        if [ -f "$1/$f" ] && grep -q 'infra!' "$1/$f"; then
            echo "$1/$f"
            return
        fi
    done
    echo "bench-house: no lab block in $1" >&2
    exit 1
}

declare -A RESULT

for side in before after; do
    if [ "$side" = before ]; then dir="$BEFORE"; else dir="$AFTER"; fi
    target="$OUT/target-$side"
    echo "== $side: $dir" >&2

    # 1. Clean build of the stack binary (a first build fetches and checks the sources).
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo build -q --bin hello_stack)
    crates=$(cd "$dir" && CARGO_TARGET_DIR="$target" cargo clean -q && CARGO_TARGET_DIR="$target" cargo build --bin hello_stack 2>&1 | grep -c '^ *Compiling ')
    hyperfine --style basic --runs "$RUNS" \
        --prepare "cd '$dir' && CARGO_TARGET_DIR='$target' cargo clean -q" \
        --export-json "$OUT/build-$side.json" \
        "cd '$dir' && CARGO_TARGET_DIR='$target' cargo build -q --bin hello_stack" >&2
    RESULT[build_$side]=$(jq '.results[0].median' "$OUT/build-$side.json")
    RESULT[crates_$side]=$crates

    # 2. Edit-to-error loop: flip a doc comment of the lab block, then `cargo check`.
    lab=$(lab_file "$dir")
    cp "$lab" "$OUT/lab-$side.bak"
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo check -q -p stacks)
    hyperfine --style basic --runs "$CHECK_RUNS" --warmup 1 \
        --prepare "sed -i 's|/// Item 2: the load balancer takes HTTP from the internet\\.\\(x*\\)|/// Item 2: the load balancer takes HTTP from the internet.\\1x|' '$lab'" \
        --export-json "$OUT/check-$side.json" \
        "cd '$dir' && CARGO_TARGET_DIR='$target' cargo check -q -p stacks" >&2
    cp "$OUT/lab-$side.bak" "$lab"
    RESULT[check_$side]=$(jq '.results[0].median' "$OUT/check-$side.json")

    # 3. The expansion benchmark, on the same input for both: the BEFORE checkout's bench
    #    source (public API only: infra_expand::{expand, lower}) is run in each checkout.
    bench="$dir/infra-macros/expand/benches/expand.rs"
    cp "$bench" "$OUT/bench-$side.bak"
    if ! [ "$bench" -ef "$BEFORE/infra-macros/expand/benches/expand.rs" ]; then
        cp "$BEFORE/infra-macros/expand/benches/expand.rs" "$bench"
    fi
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo bench -q -p infra-expand --bench expand -- --noplot >&2)
    cp "$OUT/bench-$side.bak" "$bench"
    for b in "$target"/criterion/*/*/new/estimates.json; do
        name=$(basename "$(dirname "$(dirname "$b")")")
        group=$(basename "$(dirname "$(dirname "$(dirname "$b")")")")
        RESULT[bench_${group}_${name}_$side]=$(jq '.median.point_estimate / 1e6' "$b")
    done
done


ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }'; }
printf '\n| measure | before | after | after/before |\n|---|---|---|---|\n'
# shellcheck disable=SC2016 # Markdown backquotes
printf '| clean `cargo build --bin hello_stack` (median s, %s runs) | %.1f | %.1f | %s |\n' "$RUNS" \
    "${RESULT[build_before]}" "${RESULT[build_after]}" "$(ratio "${RESULT[build_before]}" "${RESULT[build_after]}")"
printf '| crates compiled by it | %s | %s | |\n' "${RESULT[crates_before]}" "${RESULT[crates_after]}"
# shellcheck disable=SC2016 # Markdown backquotes
printf '| `cargo check -p stacks` after a lab edit (median s, %s runs) | %.3f | %.3f | %s |\n' "$CHECK_RUNS" \
    "${RESULT[check_before]}" "${RESULT[check_after]}" "$(ratio "${RESULT[check_before]}" "${RESULT[check_after]}")"
for key in "${!RESULT[@]}"; do
    case "$key" in bench_*_before) ;; *) continue ;; esac
    base="${key%_before}"
    label="${base#bench_}"
    after="${RESULT[${base}_after]:-0}"
    printf '| criterion %s (median ms) | %.2f | %.2f | %s |\n' "$label" "${RESULT[$key]}" "$after" "$(ratio "${RESULT[$key]}" "$after")"
done
