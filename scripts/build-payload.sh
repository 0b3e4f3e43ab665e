#!/usr/bin/env bash
# Build the webapp payload as a fully static Linux binary for one architecture:
#   scripts/build-payload.sh x86_64    -> target/x86_64-unknown-linux-gnu/release/webapp
#   scripts/build-payload.sh aarch64   -> target/aarch64-unknown-linux-gnu/release/webapp
# x86_64 is `cargo webapp-static`. aarch64 (web_stack's Graviton instances) cross-links
# with Debian's gcc-aarch64-linux-gnu; scripts/setup-tools.sh installs it and the rustup
# target. As with the alias, the flags are passed with --config for the target artifacts
# only, so no other build is affected.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

arch="${1:-x86_64}"
case "$arch" in
  x86_64)
    exec cargo webapp-static
    ;;
  aarch64 | arm64)
    target=aarch64-unknown-linux-gnu
    command -v aarch64-linux-gnu-gcc >/dev/null ||
      { echo "build-payload: aarch64-linux-gnu-gcc missing (bash scripts/setup-tools.sh)" >&2; exit 1; }
    rustup target list --installed | grep -qx "$target" ||
      { echo "build-payload: rust target $target missing (bash scripts/setup-tools.sh)" >&2; exit 1; }
    exec cargo build --release -p webapp --target "$target" \
      --config "target.$target.linker = 'aarch64-linux-gnu-gcc'" \
      --config "target.$target.rustflags = ['-C', 'target-feature=+crt-static']"
    ;;
  *)
    echo "usage: scripts/build-payload.sh [x86_64|aarch64]" >&2
    exit 2
    ;;
esac
