#!/usr/bin/env bash
# The school office's two bulk operations on a generated 20,000-student cohort, as .xlsx files:
# importing the roster into a fresh database, and the national export. Prints the median of RUNS
# runs (this machine is noisy: read medians, not single runs). Uses the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
students=${STUDENTS:-20000}
runs=${RUNS:-5}
cargo leptos build --release >/dev/null
bin=./target/release/shengyuan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export RUST_LOG=warn
# The roster as xlsx: generate it, load it once, export it with the national columns (which the
# import reads back), so the file is the one a 学籍 export would give.
$bin demo --students "$students" --csv "$work/roster.csv" >/dev/null
DATABASE_URL="sqlite://$work/seed.db" $bin import-roster "$work/roster.csv" >/dev/null
DATABASE_URL="sqlite://$work/seed.db" $bin export "$work/roster.xlsx" >/dev/null
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { awk -v s="$1" -v e="$2" 'BEGIN {printf "%.3f", e - s}'; }

imports=()
for _ in $(seq 1 "$runs"); do
  rm -f "$work"/bench.db*
  start=$(date +%s.%N)
  DATABASE_URL="sqlite://$work/bench.db" $bin import-roster "$work/roster.xlsx" > "$work/import.txt"
  imports+=("$(seconds "$start" "$(date +%s.%N)")")
done
exports=()
for _ in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  DATABASE_URL="sqlite://$work/bench.db" $bin export "$work/out.xlsx" > "$work/export.txt"
  exports+=("$(seconds "$start" "$(date +%s.%N)")")
done
echo "xlsx roster: $(stat -c %s "$work/roster.xlsx") bytes, $students students"
echo "import (xlsx → fresh database): median $(median "${imports[@]}") s over $runs runs (${imports[*]})"
echo "  $(head -n1 "$work/import.txt")"
echo "export (database → xlsx, national columns): median $(median "${exports[@]}") s over $runs runs (${exports[*]})"
echo "  $(head -n1 "$work/export.txt")"
