#!/usr/bin/env bash
# Install the tools the infra test suite needs (idempotent; fast when done).
#   apt:  wrk nginx hyperfine shellcheck systemd (its offline unit parser, for the escaper tests)
#         graphviz (`dot`: the architecture pictures, `hello_stack --graph svg`)
#         gcc-aarch64-linux-gnu + libc6-dev-arm64-cross (cross linker and its static libc) and
#         qemu-user (runs the aarch64 payload)
#   rustup: the aarch64-unknown-linux-gnu target (web_stack's Graviton payload)
#   venv: target/tools-venv with moto[server] (AWS emulator), checkov, and botocore pinned
#         (its API models feed scripts/schema_digest.py)
# Usage: scripts/setup-tools.sh            (from anywhere inside the repo)
# Env:   TOOLS_VENV (default <repo>/target/tools-venv), PYTHON (default python3)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TOOLS_VENV:-$REPO_ROOT/target/tools-venv}"
PYTHON="${PYTHON:-python3}"

# Pins verified together (pip check clean) on CPython 3.11.
MOTO_VERSION="5.2.5"
CHECKOV_VERSION="3.3.30"
# botocore (a dependency of both) is pinned too: scripts/schema_digest.py reads AWS's API
# models from it, and the committed schema digest records this version.
BOTOCORE_VERSION="1.35.99"
# Stamp changes when the pins change, so a stale venv gets re-installed.
STAMP_CONTENT="moto[server]==$MOTO_VERSION checkov==$CHECKOV_VERSION botocore==$BOTOCORE_VERSION"
STAMP="$VENV/.tools-stamp"

# tool[:Debian package] (the package is the tool's name unless given)
APT_TOOLS=(wrk nginx hyperfine shellcheck systemd dot:graphviz)
# Cross tools: what proves it is installed (a command, or an absolute path):package.
CROSS_TOOLS=(
  aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu
  /usr/aarch64-linux-gnu/lib/libc.a:libc6-dev-arm64-cross
  qemu-aarch64:qemu-user
)

have_cross() {
  if [[ "$1" == /* ]]; then [[ -e "$1" ]]; else have_tool "$1"; fi
}
RUST_TARGETS=(aarch64-unknown-linux-gnu)

log() { printf '[setup-tools] %s\n' "$*" >&2; }
die() { printf '[setup-tools] ERROR: %s\n' "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# nginx lives in /usr/sbin, which may not be on a non-root PATH.
have_tool() {
  have "$1" || [[ -x "/usr/sbin/$1" ]]
}

install_apt_tools() {
  local missing=() e t
  for e in "${APT_TOOLS[@]}"; do
    have_tool "${e%%:*}" || missing+=("${e#*:}")
  done
  for t in "${CROSS_TOOLS[@]}"; do
    have_cross "${t%%:*}" || missing+=("${t#*:}")
  done
  if ((${#missing[@]} == 0)); then
    log "apt tools present: ${APT_TOOLS[*]} ${CROSS_TOOLS[*]}"
    return 0
  fi
  log "installing apt packages: ${missing[*]}"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    have sudo || die "not root and no sudo; cannot install: ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  local i
  for i in 1 2 3; do
    if "${sudo[@]}" apt-get update -qq &&
      "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      break
    fi
    ((i == 3)) && die "apt-get install failed: ${missing[*]}"
    log "apt-get failed (attempt $i), retrying in 5s (dpkg lock?)"
    sleep 5
  done
  # Installing nginx on Debian starts a system service on :80; we only run
  # our own nginx instances on loopback ports, so stop it if we just started it.
  if [[ " ${missing[*]} " == *" nginx "* ]] && have service; then
    "${sudo[@]}" service nginx stop >/dev/null 2>&1 || true
  fi
}

install_venv() {
  if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_CONTENT" ]] &&
    [[ -x "$VENV/bin/moto_server" && -x "$VENV/bin/checkov" ]]; then
    log "venv up to date: $VENV"
    return 0
  fi
  have "$PYTHON" || die "$PYTHON not found"
  log "creating venv $VENV ($STAMP_CONTENT)"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "checkov==$CHECKOV_VERSION" "botocore==$BOTOCORE_VERSION"
  "$VENV/bin/python" -m pip check >/dev/null || die "pip check failed in $VENV"
  printf '%s' "$STAMP_CONTENT" >"$STAMP"
}

install_rust_targets() {
  have rustup || die "rustup not found; cannot add: ${RUST_TARGETS[*]}"
  local t
  for t in "${RUST_TARGETS[@]}"; do
    if rustup target list --installed | grep -qx "$t"; then
      log "rust target present: $t"
    else
      log "adding rust target $t"
      rustup target add "$t" >/dev/null
    fi
  done
}

verify() {
  local fail=0 t
  for t in "${APT_TOOLS[@]}"; do
    t="${t%%:*}"
    if ! have_tool "$t"; then
      log "MISSING: $t"
      fail=1
    fi
  done
  for t in "${CROSS_TOOLS[@]}"; do
    if ! have_cross "${t%%:*}"; then
      log "MISSING: ${t%%:*} (apt package ${t#*:})"
      fail=1
    fi
  done
  for t in "${RUST_TARGETS[@]}"; do
    if ! rustup target list --installed | grep -qx "$t"; then
      log "MISSING: rust target $t"
      fail=1
    fi
  done
  for t in moto_server checkov python; do
    if [[ ! -x "$VENV/bin/$t" ]]; then
      log "MISSING: $VENV/bin/$t"
      fail=1
    fi
  done
  ((fail == 0)) || die "tools missing after setup"

  local nginx_bin
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  echo "wrk:        $(wrk -v 2>&1 | head -n1 || true)"
  echo "graphviz:   $(dot -V 2>&1 | head -n1 || true)"
  echo "nginx:      $("$nginx_bin" -v 2>&1 | head -n1)"
  echo "hyperfine:  $(hyperfine --version | head -n1)"
  echo "shellcheck: $(shellcheck --version | sed -n 's/^version: //p')"
  echo "cross gcc:  $(aarch64-linux-gnu-gcc --version | head -n1)"
  echo "qemu-user:  $(qemu-aarch64 --version | head -n1)"
  echo "moto:       $("$VENV/bin/python" -c 'import moto; print(moto.__version__)')"
  echo "boto3:      $("$VENV/bin/python" -c 'import boto3; print(boto3.__version__)')"
  echo "botocore:   $("$VENV/bin/python" -c 'import botocore; print(botocore.__version__)')"
  echo "checkov:    $("$VENV/bin/checkov" --version 2>/dev/null | tail -n1)"
  if have terraform; then
    echo "terraform:  $(terraform version 2>/dev/null | head -n1)"
  else
    log "note: terraform not on PATH (expected /usr/local/bin/terraform)"
  fi
  echo "venv:       $VENV"
}

install_apt_tools
install_rust_targets
install_venv
verify
