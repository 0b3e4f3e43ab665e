#!/usr/bin/env bash
# Run terraform against the local provider mirror (no registry access).
# Usage: scripts/tf-offline.sh [-chdir=DIR] <terraform args...>
#   e.g. scripts/tf-offline.sh -chdir=target/stack init -input=false
# Writes a CLI config to target/terraformrc (once) and points
# TF_CLI_CONFIG_FILE at it. Env: TF_PLUGIN_MIRROR (default /opt/tf-plugins).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIRROR="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
RC="$REPO_ROOT/target/terraformrc"

[[ -d "$MIRROR" ]] || { echo "tf-offline: provider mirror $MIRROR missing" >&2; exit 1; }
command -v terraform >/dev/null || { echo "tf-offline: terraform not on PATH" >&2; exit 1; }

want="provider_installation {
  filesystem_mirror {
    path    = \"$MIRROR\"
    include = [\"registry.terraform.io/*/*\"]
  }
  direct {
    exclude = [\"registry.terraform.io/*/*\"]
  }
}"
if [[ ! -f "$RC" || "$(cat "$RC")" != "$want" ]]; then
  mkdir -p "$(dirname "$RC")"
  printf '%s\n' "$want" >"$RC.tmp.$$"
  mv -f "$RC.tmp.$$" "$RC"
fi

export TF_CLI_CONFIG_FILE="$RC"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
exec terraform "$@"
