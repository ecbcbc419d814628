# Shared by the scripts: the environment cargo-leptos builds with, so that `cargo test` reuses
# the same compiled dependencies instead of rebuilding them.
export LEPTOS_OUTPUT_NAME=shengyuan
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
