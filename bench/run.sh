#!/usr/bin/env bash
# make bench: measures stroom and the minimal kernel on this machine and prints a
# Markdown table for docs/performance.md. Not a test: timings vary with the
# machine and its load. usage: bench/run.sh BUILD_DIR
set -euo pipefail
B=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "| what | threads | replicates | household-months | wall s | peak MB | M household-months/s |"
echo "|---|---|---|---|---|---|---|"
for reps in 20 100; do
	for th in 1 2; do
		printf 'extends: rotterdam\nreplicates: %d\n' "$reps" > "$T/b.yaml"
		/usr/bin/time -f "%e %M" -o "$T/time" "$B/stroom" run "$T/b.yaml" --threads "$th" --quiet --out "$T/r-$reps-$th" > /dev/null
		read -r wall kb < "$T/time"
		hm=$(awk -F, '$2=="caseload" && $3=="all" {s+=$4} END {printf "%.0f", s}' "$T/r-$reps-$th/series.csv")
		hm=$(awk -v a="$hm" -v r="$reps" 'BEGIN {printf "%.0f", a * r}')
		echo "| stroom rotterdam (33k households, 84 months) | $th | $reps | $hm | $wall | $((kb / 1024)) | $(awk -v h="$hm" -v w="$wall" 'BEGIN {printf "%.1f", h / w / 1e6}') |"
	done
done
"$B/bench_kernel" 32649 84 20 | sed 's/^/<!-- /; s/$/ -->/'
k=$("$B/bench_kernel" 32649 84 20 | sed -E 's/.*: ([0-9.]+) million.*/\1/')
echo "| minimal kernel (one keyed draw + one table lookup per household-month) | 1 | 20 | $((32649 * 84 * 20)) | | | $k |"
