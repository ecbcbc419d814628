# Shared by the scripts: the environment cargo-leptos builds with, so that `cargo test` reuses
# the same compiled dependencies instead of rebuilding them.
export LEPTOS_OUTPUT_NAME=shengyuan
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
# binaryen's wasm-opt from tools/ (npm) comes before Debian's older one, which breaks the
# externref tables that wasm-bindgen emits.
export PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/node_modules/.bin:$PATH"
