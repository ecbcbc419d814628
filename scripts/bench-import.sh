#!/usr/bin/env bash
# Times the roster import of a generated 20,000-student cohort into a fresh database (median of
# RUNS runs), and a re-import of the same file (which must change nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
students=${STUDENTS:-20000}
runs=${RUNS:-3}
cargo leptos build --release >/dev/null
bin=./target/release/shengyuan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$bin demo --students "$students" --csv "$work/roster.csv" >/dev/null
times=()
for i in $(seq 1 "$runs"); do
  rm -f "$work"/bench.db*
  start=$(date +%s.%N)
  DATABASE_URL="sqlite://$work/bench.db" $bin import-roster "$work/roster.csv" > "$work/out.txt"
  end=$(date +%s.%N)
  times+=("$(echo "$start $end" | awk '{printf "%.3f", $2 - $1}')")
done
start=$(date +%s.%N)
DATABASE_URL="sqlite://$work/bench.db" $bin import-roster "$work/roster.csv" > "$work/again.txt"
end=$(date +%s.%N)
again=$(echo "$start $end" | awk '{printf "%.3f", $2 - $1}')
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "import of $students students into a fresh database: median ${median} s over $runs runs (${times[*]})"
echo "$(head -n1 "$work/out.txt")"
echo "re-import of the same file: ${again} s — $(head -n1 "$work/again.txt")"
