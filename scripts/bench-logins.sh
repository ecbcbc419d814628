#!/usr/bin/env bash
# Peak memory of the server under a flood of logins: starts the built server (release if there is
# one, else debug; builds nothing) on a fresh database with the demo cohort, sends 200 concurrent
# wrong-password logins, and prints the answers by status and the server's peak RSS (VmHWM)
# before and after. Three runs, each on a fresh server; the median is printed last.
# Usage: scripts/bench-logins.sh [concurrent logins, default 200]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

logins=${1:-200}
bin=target/release/shengyuan
[ -x "$bin" ] || bin=target/debug/shengyuan
[ -x "$bin" ] || { echo "build the server first (cargo leptos build --release)" >&2; exit 1; }

run_once() {
  local work port server
  work=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  export DATABASE_URL="sqlite://$work/bench.db" RUST_LOG=warn SHENGYUAN_PASSWORD=Bench-Pass-2023
  "$bin" demo --students 300 >/dev/null
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/login" >/dev/null 2>&1 && break; sleep 0.1; done
  python3 - "$port" "$logins" "$server" <<'PY'
import concurrent.futures, sys, time, urllib.request, urllib.error
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def hwm():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
before = hwm()
def login(i):
    body = f"student_no=2099{i:06d}&password=wrong-password".encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/login", data=body, headers={
        "content-type": "application/x-www-form-urlencoded",
        "accept": "application/json",
        "origin": f"http://127.0.0.1:{port}",
    })
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
started = time.time()
with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
    statuses = list(pool.map(login, range(n)))
elapsed = time.time() - started
counts = {s: statuses.count(s) for s in sorted(set(statuses))}
print(f"{n} concurrent logins in {elapsed:.1f} s: " + ", ".join(f"{k}: {v}" for k, v in counts.items())
      + f"; peak RSS {before:.0f} MiB before, {hwm():.0f} MiB after")
PY
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -rf "$work"
}

peaks=()
for run in 1 2 3; do
  line=$(run_once)
  echo "run $run: $line"
  peaks+=("$(sed -n 's/.*MiB before, \([0-9]*\) MiB after/\1/p' <<<"$line")")
done
median=$(printf '%s\n' "${peaks[@]}" | sort -n | sed -n 2p)
echo "binary: $bin; median peak RSS after $logins concurrent logins: $median MiB"
