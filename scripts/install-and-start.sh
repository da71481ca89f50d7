#!/usr/bin/env bash
# Installs what k8ts needs on a Debian machine that has node (>= 20) and npm, builds it,
# and starts a single-node cluster in the foreground. Flags go to `k8ts server`.
#   sudo ./scripts/install-and-start.sh [--data-dir DIR] [--bind-address ADDR] ...
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  missing=()
  # containerd ... conntrack: the node agent's runtime (containerd's CRI plugin, runc, CNI
  # plugins in /usr/lib/cni, busybox-static for k8ts's own images, iptables).
  for pkg in python3 make g++ unzip containerd runc containernetworking-plugins busybox-static umoci skopeo docker-registry iptables nftables conntrack ipvsadm; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # python3, make, g++ build better-sqlite3 when no prebuilt binary fits.
    apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [[ -f "$node_prefix/include/node/node.h" ]]; then
  export npm_config_nodedir="$node_prefix"
fi

# npm ci also compiles the TypeScript (the `prepare` script); skip it when nothing changed.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci
else
  npm run build
fi

exec node bin/k8ts.js server "$@"
