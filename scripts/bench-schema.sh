#!/usr/bin/env bash
# Before/after figures for compiling the provider schema digest into infra-core (issue 10),
# measured side by side, each measure one hyperfine run holding both checkouts:
#   1. clean build of the proc macro: `cargo build -p infra-macros` after `cargo clean` of
#      infra-core, infra-expand, infra-macros and regex-lite (the crates the digest and its
#      decoder touch; the others stay built, as they would for a user adding infra);
#   2. the edit-to-error loop: `cargo check -p stacks` after an edit of the lab block (a doc
#      comment of the stack changes), warm.
# Each checkout builds in its own target dir under target/bench-schema/. Prints a table of
# medians and after/before ratios. The expansion of 200 raw resources has its own criterion
# bench: `cargo bench -p infra-expand --bench raw`.
#
# Usage: scripts/bench-schema.sh BEFORE_DIR [AFTER_DIR]   (AFTER_DIR defaults to this repo)
#        RUNS=5 CHECK_RUNS=10 scripts/bench-schema.sh ../before
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
BEFORE="$(cd "${1:?usage: bench-schema.sh BEFORE_DIR [AFTER_DIR]}" && pwd)"
AFTER="$(cd "${2:-$ROOT}" && pwd)"
RUNS="${RUNS:-5}"
CHECK_RUNS="${CHECK_RUNS:-10}"
OUT="$ROOT/target/bench-schema"
mkdir -p "$OUT"
command -v hyperfine >/dev/null || { echo "bench-schema: hyperfine is required (apt-get install hyperfine)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench-schema: jq is required (apt-get install jq)" >&2; exit 1; }

LAB=stacks/src/hello_stack.rs
for dir in "$BEFORE" "$AFTER"; do
    [ -f "$dir/$LAB" ] || { echo "bench-schema: no $LAB in $dir" >&2; exit 1; }
done
cp "$BEFORE/$LAB" "$OUT/lab-before.bak"
cp "$AFTER/$LAB" "$OUT/lab-after.bak"
restore() {
    cp "$OUT/lab-before.bak" "$BEFORE/$LAB"
    cp "$OUT/lab-after.bak" "$AFTER/$LAB"
}
trap restore EXIT

build() { echo "cd '$1' && CARGO_TARGET_DIR='$OUT/target-$2' cargo $3"; }

# Warm both target dirs (dependencies fetched and built once).
for side in before after; do
    if [ "$side" = before ]; then dir="$BEFORE"; else dir="$AFTER"; fi
    echo "== warming $side: $dir" >&2
    (cd "$dir" && CARGO_TARGET_DIR="$OUT/target-$side" cargo build -q -p infra-macros &&
        CARGO_TARGET_DIR="$OUT/target-$side" cargo check -q -p stacks)
done

clean="clean -q -p infra-core -p infra-expand -p infra-macros"
# regex-lite exists only after the change; cleaning an unknown package is an error.
clean_after="$clean -p regex-lite"
hyperfine --style basic --runs "$RUNS" \
    --prepare "$(build "$BEFORE" before "$clean")" \
    --prepare "$(build "$AFTER" after "$clean_after")" \
    --command-name before --command-name after \
    --export-json "$OUT/build.json" \
    "$(build "$BEFORE" before "build -q -p infra-macros")" \
    "$(build "$AFTER" after "build -q -p infra-macros")" >&2

edit() {
    printf '%s\n' "sed -i 's|/// Item 2: the load balancer takes HTTP from the internet\\.\\(x*\\)|/// Item 2: the load balancer takes HTTP from the internet.\\1x|' '$1/$LAB'"
}
hyperfine --style basic --runs "$CHECK_RUNS" --warmup 1 \
    --prepare "$(edit "$BEFORE")" --prepare "$(edit "$AFTER")" \
    --command-name before --command-name after \
    --export-json "$OUT/check.json" \
    "$(build "$BEFORE" before "check -q -p stacks")" \
    "$(build "$AFTER" after "check -q -p stacks")" >&2

median() { jq ".results[$2].median" "$OUT/$1.json"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }'; }
row() {
    local b a
    b=$(median "$2" 0)
    a=$(median "$2" 1)
    printf '| %s | %.2f | %.2f | %s |\n' "$1" "$b" "$a" "$(ratio "$b" "$a")"
}
printf '\n| measure (median s) | before | after | after/before |\n|---|---|---|---|\n'
# shellcheck disable=SC2016 # Markdown backquotes
row "clean \`cargo build -p infra-macros\` ($RUNS runs)" build
# shellcheck disable=SC2016 # Markdown backquotes
row "\`cargo check -p stacks\` after a lab edit ($CHECK_RUNS runs)" check
