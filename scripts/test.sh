#!/usr/bin/env bash
# Runs every test: domain unit and property tests, server tests over HTTP, and the Playwright
# browser tests in Chromium (desktop and phone size). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
started=$SECONDS

step "setup"
bash scripts/setup.sh

step "build (server + WASM, debug)"
cargo leptos build

step "unit and server tests"
# cargo-leptos builds debug code with `--cfg erase_components`; the same flags here keep the
# dependencies shared and the server binary matching the WASM it hydrates.
RUSTFLAGS="--cfg erase_components" cargo test --no-default-features --features ssr

step "browser tests (Playwright, Chromium)"
workdir=$(mktemp -d)
port=${E2E_PORT:-3123}
export DATABASE_URL="sqlite://$workdir/e2e.db"
export RUST_LOG=${RUST_LOG:-warn}
./target/debug/shengyuan import-roster end2end/fixtures/roster.csv
SHENGYUAN_PASSWORD=E2e-Staff-Pass ./target/debug/shengyuan add-staff e2e_school --school --name 招生就业处
SHENGYUAN_PASSWORD=E2e-Staff-Pass ./target/debug/shengyuan add-staff e2e_math --college 数学与计算科学学院
SHENGYUAN_PASSWORD=E2e-Staff-Pass ./target/debug/shengyuan add-staff e2e_cs --college 计算机科学与工程学院
LEPTOS_SITE_ADDR="127.0.0.1:$port" ./target/debug/shengyuan serve > "$workdir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/login" >/dev/null 2>&1 && break
  if ! kill -0 $server 2>/dev/null; then cat "$workdir/server.log"; exit 1; fi
  sleep 0.2
done
(cd end2end && BASE_URL="http://127.0.0.1:$port" npx playwright test) || {
  echo "--- server log ---"; tail -n 50 "$workdir/server.log"; exit 1;
}

echo "all tests passed in $((SECONDS - started)) s"
