#!/usr/bin/env bash
# Builds the release bundle and prints the WASM size, raw and brotli-compressed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh >/dev/null
cargo leptos build --release >/dev/null
wasm=target/site/pkg/shengyuan.wasm
raw=$(stat -c %s "$wasm")
br=$(brotli -c -q 11 "$wasm" | wc -c)
js=$(stat -c %s target/site/pkg/shengyuan.js)
awk -v raw="$raw" -v br="$br" -v js="$js" 'BEGIN {
  printf "release WASM: %d bytes raw (%.0f KiB), %d bytes brotli (%.0f KiB); JS glue %d bytes\n", raw, raw / 1024, br, br / 1024, js
}'
