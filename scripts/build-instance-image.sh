#!/usr/bin/env bash
# Build the instance image the boot test runs (stacks/tests/boot.rs): a Debian rootfs
# (debootstrap) with systemd, cloud-init and the AWS CLI, plus the local package cache the
# lab sheet's original approach installs from (Python venv/pip .debs, fastapi + uvicorn
# wheels), and the harness's files from tests/boot/image/. Idempotent: cached under
# target/instance-image; the Debian part is rebuilt only when this script changes, the
# harness files are re-copied when they change.
#
#   apt (host): debootstrap systemd-container iproute2 util-linux
#   target/instance-image-debs     debootstrap's download cache (a rebuild reuses it)
#   target/instance-image/rootfs   the image (root-owned; systemd-nspawn boots it read-only
#                                  with a tmpfs overlay, so it is never changed by a boot)
#
# Usage: scripts/build-instance-image.sh [--force]
# Env:   DEBIAN_MIRROR   the mirror debootstrap uses (default: the one apt is configured with)
#        INSTANCE_IMAGE_DIR (default <repo>/target/instance-image)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${INSTANCE_IMAGE_DIR:-$REPO_ROOT/target/instance-image}"
ROOTFS="$OUT/rootfs"
FILES="$REPO_ROOT/tests/boot/image"
SUITE="bookworm"
# What the instances need: an init, cloud-init, the AWS CLI (user data), setcap (the
# Amazon Linux 2 unit), dbus (hostnamectl, used by cloud-init), procps (debugging).
# python3-cffi-backend provides the virtual python3-cffi-backend-api-* that
# python3-cryptography needs, which debootstrap's resolver does not pick by itself.
INCLUDE="systemd,systemd-sysv,dbus,cloud-init,awscli,python3-cffi-backend,libcap2-bin,ca-certificates,procps"
# The lab sheet's approach installs these at boot, from a local cache (no internet there).
LAB_DEBS=(python3-venv python3-pip)
LAB_WHEELS=("fastapi==0.115.12" "uvicorn==0.34.2")
HOST_APT=(debootstrap systemd-container iproute2 util-linux)

log() { printf '[instance-image] %s\n' "$*" >&2; }
die() { printf '[instance-image] ERROR: %s\n' "$*" >&2; exit 1; }

FORCE=0
case "${1:-}" in
  --force) FORCE=1 ;;
  "") ;;
  -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
  *) die "unknown argument: $1" ;;
esac

[[ "$(id -u)" -eq 0 ]] || die "must run as root (debootstrap, chroot, a root-owned rootfs)"

install_host_tools() {
  local missing=() p
  for p in "${HOST_APT[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local i
  for i in 1 2 3; do
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      return 0
    fi
    ((i == 3)) && die "apt-get install failed: ${missing[*]}"
    log "apt-get failed (attempt $i), retrying in 5s"
    sleep 5
  done
}

# The Debian mirror apt is configured with (deb822 .sources first, then one-line lists).
apt_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "$DEBIAN_MIRROR"
    return 0
  fi
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    uri="$(awk -v suite="$SUITE" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uri = ""; deb = 0; ok = 0
        for (i = 1; i <= NF; i++) {
          n = split($i, w, /[ \t]+/)
          if (w[1] == "Types:") for (j = 2; j <= n; j++) if (w[j] == "deb") deb = 1
          if (w[1] == "URIs:") uri = w[2]
          if (w[1] == "Suites:") for (j = 2; j <= n; j++) if (w[j] == suite) ok = 1
        }
        if (deb && ok && uri != "") { print uri; exit }
      }' "$f")"
    [[ -n "$uri" ]] && { printf '%s\n' "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    uri="$(sed -E 's/\[[^]]*\]//' "$f" | awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }')"
    [[ -n "$uri" ]] && { printf '%s\n' "$uri"; return 0; }
  done
  return 1
}

# The harness's files, copied over the Debian part (cheap; redone when they change).
files_stamp() {
  (cd "$FILES" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

apply_files() {
  local stamp
  stamp="$(files_stamp)"
  [[ -f "$OUT/.files-stamp" && "$(cat "$OUT/.files-stamp")" == "$stamp" ]] && return 0
  log "harness files from tests/boot/image"
  cp -a "$FILES/." "$ROOTFS/"
  chmod 0644 "$ROOTFS/etc/cloud/cloud.cfg.d/"*.cfg
  printf '%s' "$stamp" >"$OUT/.files-stamp"
}

install_host_tools
# The Debian part depends on this script only.
STAMP="$(sha256sum "$0" | cut -d' ' -f1)"
if ((FORCE == 0)) && [[ -f "$OUT/.stamp" && "$(cat "$OUT/.stamp")" == "$STAMP" && -x "$ROOTFS/lib/systemd/systemd" ]]; then
  apply_files
  log "up to date: $ROOTFS"
  exit 0
fi

MIRROR="$(apt_mirror)" || die "no Debian mirror for $SUITE in apt's sources; set DEBIAN_MIRROR"
WORK="$OUT.tmp"
rm -rf "$WORK"
mkdir -p "$WORK"
NEW="$WORK/rootfs"

log "debootstrap $SUITE (minbase + $INCLUDE), a few minutes on a cold cache"
start=$SECONDS
mkdir -p "$OUT-debs"
debootstrap --variant=minbase --cache-dir="$OUT-debs" --include="$INCLUDE" "$SUITE" "$NEW" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log: $WORK/debootstrap.log)"; }
log "debootstrap done in $((SECONDS - start)) s"

# The lab sheet's approach: .debs for `python3 -m venv` + pip, and the wheels it pip-installs.
log "local package cache: ${LAB_DEBS[*]} (.deb), ${LAB_WHEELS[*]} (wheels)"
cache="$NEW/opt/lab-cache"
mkdir -p "$cache/debs" "$cache/wheels"
cp /etc/resolv.conf "$NEW/etc/resolv.conf"
chroot "$NEW" apt-get update -qq
chroot "$NEW" apt-get install -y -qq --download-only --no-install-recommends "${LAB_DEBS[@]}" >/dev/null
mv "$NEW"/var/cache/apt/archives/*.deb "$cache/debs/"
chroot "$NEW" apt-get clean
rm -rf "$NEW"/var/lib/apt/lists/*
rm -f "$NEW/etc/resolv.conf"
# Same CPython minor as the image's python3 (3.11), manylinux wheels: what pip picks in there.
py="$(chroot "$NEW" python3 -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')"
pip_python="$REPO_ROOT/target/tools-venv/bin/python"
[[ -x "$pip_python" ]] || pip_python=python3
"$pip_python" -m pip download -q --disable-pip-version-check --dest "$cache/wheels" \
  --only-binary=:all: --python-version "$py" --implementation cp --platform manylinux2014_x86_64 \
  --platform "manylinux_2_17_x86_64" --platform linux_x86_64 "${LAB_WHEELS[@]}" ||
  die "pip download of ${LAB_WHEELS[*]} failed"

# No machine id: systemd makes one per boot (a volatile overlay writes nothing back).
: >"$NEW/etc/machine-id"
# Serial/console getty units would only wait for a login on nspawn's console.
chroot "$NEW" systemctl mask -q console-getty.service getty@tty1.service serial-getty@console.service
rm -rf "$NEW"/var/cache/apt/*.bin

printf '%s' "$STAMP" >"$WORK/.stamp"
rm -rf "$OUT"
mv "$WORK" "$OUT"
apply_files
log "image ready: $ROOTFS ($(du -sh "$ROOTFS" | cut -f1))"
