#!/usr/bin/env bash
# Runs every test: domain unit and property tests, server tests over HTTP, and the Playwright
# browser tests in Chromium (desktop and phone size) against the debug build and then against the
# release build that scripts/run.sh ships. Installs what is missing first.
# SKIP_RELEASE=1 leaves out the release build and its browser run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
started=$SECONDS

# Starts `$1` (a server binary) on a fresh database loaded from the fixture roster and runs the
# Playwright suite against it.
browser_tests() {
  local bin=$1 port=$2 workdir
  workdir=$(mktemp -d)
  (
    export DATABASE_URL="sqlite://$workdir/e2e.db" RUST_LOG=${RUST_LOG:-warn} SHENGYUAN_PASSWORD=E2e-Staff-Pass
    "$bin" import-roster end2end/fixtures/roster.csv
    "$bin" add-staff e2e_school --school --name 招生就业处
    "$bin" add-staff e2e_math --college 数学与计算科学学院
    "$bin" add-staff e2e_cs --college 计算机科学与工程学院
    "$bin" add-staff e2e_fl --college 外国语学院
    # The specs log the fixture students in with their default passwords again and again; the
    # forced first change (on by default) has its own server test.
    "$bin" first-login-change off
    LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve > "$workdir/server.log" 2>&1 &
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
  )
}

step "setup"
bash scripts/setup.sh

step "build (server + WASM, debug)"
cargo leptos build

step "unit and server tests"
# cargo-leptos builds debug code with `--cfg erase_components`; the same flags here keep the
# dependencies shared and the server binary matching the WASM it hydrates.
RUSTFLAGS="--cfg erase_components" cargo test --no-default-features --features ssr

step "browser tests against the debug build (Playwright, Chromium)"
browser_tests ./target/debug/shengyuan "${E2E_PORT:-3123}"

if [ "${SKIP_RELEASE:-0}" != 1 ]; then
  step "build (release, as scripts/run.sh ships it)"
  cargo leptos build --release
  step "browser tests against the release build"
  browser_tests ./target/release/shengyuan "${E2E_RELEASE_PORT:-3124}"
fi

echo "all tests passed in $((SECONDS - started)) s"
