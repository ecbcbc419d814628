#!/usr/bin/env bash
# Times the review queue on the server: a college of about 2,000 students (外国语学院 in the
# demo cohort) inside a 20,000-student database. Prints median and p95 over REQUESTS requests of
# the queue server function and of the whole server-rendered queue page.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
students=${STUDENTS:-20000}
requests=${REQUESTS:-200}
port=${BENCH_PORT:-3311}
cargo leptos build --release >/dev/null
bin=./target/release/shengyuan
work=$(mktemp -d)
export DATABASE_URL="sqlite://$work/bench.db" RUST_LOG=warn SHENGYUAN_PASSWORD=Bench-Pass-2023
$bin demo --students "$students" >/dev/null
LEPTOS_SITE_ADDR="127.0.0.1:$port" $bin serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/login" >/dev/null 2>&1 && break; sleep 0.1; done
jar="$work/cookies"
curl -fsS -c "$jar" -H "origin: http://127.0.0.1:$port" -H 'accept: application/json' --data 'username=fl&password=Bench-Pass-2023' \
  "http://127.0.0.1:$port/api/staff_login" >/dev/null
size=$(curl -fsS -b "$jar" -H "origin: http://127.0.0.1:$port" -H 'accept: application/json' --data 'filter=status%3Dall' \
  "http://127.0.0.1:$port/api/review_queue" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
report() {
  sort -n | awk -v label="$1" '{ a[NR] = $1 } END {
    p50 = a[int((NR + 1) / 2)]; p95 = a[int(NR * 0.95 + 0.5)]
    printf "%-44s median %6.1f ms   p95 %6.1f ms   (%d requests)\n", label, p50 * 1000, p95 * 1000, NR }'
}
time_fn() {
  for _ in $(seq 1 "$requests"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -b "$jar" -H "origin: http://127.0.0.1:$port" -H 'accept: application/json' \
      --data "filter=$1" "http://127.0.0.1:$port/api/review_queue"
  done
}
time_page() {
  for _ in $(seq 1 "$requests"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -b "$jar" "http://127.0.0.1:$port/review?$1"
  done
}
echo "queue of 外国语学院: $size students in a database of $students"
time_fn 'status%3Dall' | report "server fn, all statuses (page 1 + counts)"
time_fn 'status%3Dunverified%26differs%3D1' | report "server fn, 未核验 + differs filter"
time_fn 'status%3Dall%26q%3D%E5%BC%A0' | report "server fn, search 张"
time_page 'status=all' | report "SSR page /review?status=all"
