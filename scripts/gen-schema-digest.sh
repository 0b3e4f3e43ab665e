#!/usr/bin/env bash
# Regenerate the provider-schema digest infra-core compiles in (infra_core::schema).
#   terraform init + terraform providers schema -json, offline, against the provider mirror;
#   then scripts/schema_digest.py writes infra-core/schema/aws-<version>.digest.
# Usage: scripts/gen-schema-digest.sh [OUT]   (default infra-core/schema/aws-$PROVIDER_VERSION.digest)
# Env:   TF_PLUGIN_MIRROR (default /opt/tf-plugins), PROVIDER_VERSION (default 5.100.0),
#        TERRAFORM (default terraform), PYTHON (default <repo>/target/tools-venv/bin/python,
#        else python3).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIRROR="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
PROVIDER="hashicorp/aws"
PROVIDER_VERSION="${PROVIDER_VERSION:-5.100.0}"
TERRAFORM="${TERRAFORM:-terraform}"
OUT="${1:-$REPO_ROOT/infra-core/schema/aws-$PROVIDER_VERSION.digest}"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$REPO_ROOT/target/tools-venv/bin/python" ]]; then
    PYTHON="$REPO_ROOT/target/tools-venv/bin/python"
  else
    PYTHON=python3
  fi
fi

die() { printf 'gen-schema-digest: %s\n' "$*" >&2; exit 1; }

[[ -d "$MIRROR" ]] || die "provider mirror $MIRROR missing (set TF_PLUGIN_MIRROR)"
command -v "$TERRAFORM" >/dev/null || die "terraform not found ($TERRAFORM)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/offline.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
EOF
cat >"$WORK/main.tf.json" <<EOF
{"terraform": {"required_providers": {"aws": {"source": "$PROVIDER", "version": "$PROVIDER_VERSION"}}}}
EOF

export TF_CLI_CONFIG_FILE="$WORK/offline.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
"$TERRAFORM" -chdir="$WORK" init -input=false -no-color >"$WORK/init.log" 2>&1 ||
  { cat "$WORK/init.log" >&2; die "terraform init failed (is $PROVIDER $PROVIDER_VERSION in $MIRROR?)"; }
"$TERRAFORM" -chdir="$WORK" providers schema -json >"$WORK/schema.json"

"$PYTHON" -B "$REPO_ROOT/scripts/schema_digest.py" \
  --schema "$WORK/schema.json" \
  --provider "$PROVIDER" --version "$PROVIDER_VERSION" \
  --constraints-map "$REPO_ROOT/infra-core/schema/constraints-map.json" \
  --out "$OUT"
