#!/usr/bin/env bash
# make bench: measures stroom, the minimal kernel (bench/kernel.c) and the same
# kernel in R with data.table (bench/kernel.R) on this machine, and prints a
# Markdown table for docs/performance.md. Not a test: timings vary with the
# machine and its load. Needs GNU time and R with data.table (bench/install-r).
#
# usage: bench/run.sh [BUILD_DIR] [--quick] [--write FILE]
#   BUILD_DIR     the release build (default: build)
#   --quick       small replicate counts only (checks the script in a minute)
#   --write FILE  also replace the part of FILE between the lines
#                 <!-- bench:begin --> and <!-- bench:end --> with the results
set -euo pipefail

usage() { echo "usage: bench/run.sh [BUILD_DIR] [--quick] [--write FILE]" >&2; exit 2; }
B=build
quick=0
write=""
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--write) [ $# -ge 2 ] || usage; write=$2; shift ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) B=$1 ;;
	esac
	shift
done
# the timed runs are not recorded in the user's run archive (docs/archive.md)
export STROOM_ARCHIVE=off
for f in "$B/stroom" "$B/bench_kernel"; do
	[ -x "$f" ] || { echo "bench/run.sh: $f not found: build first (make build)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench/run.sh: /usr/bin/time missing: run bench/install-r" >&2; exit 1; }
command -v Rscript > /dev/null || { echo "bench/run.sh: Rscript missing: run bench/install-r" >&2; exit 1; }
if [ -n "$write" ]; then
	[ "$(grep -c -x '<!-- bench:begin -->' "$write")" = 1 ] && [ "$(grep -c -x '<!-- bench:end -->' "$write")" = 1 ] ||
		{ echo "bench/run.sh: $write needs one line '<!-- bench:begin -->' and one '<!-- bench:end -->'" >&2; exit 1; }
fi

here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
out="$T/results.md"
months=84                 # rotterdam and national-400k: 2024-01 to 2030-12
rotterdam_hh=32649        # data/scenarios/rotterdam.yaml population.households
national_hh=400000        # bench/national-400k.yaml population.households
if [ "$quick" = 1 ]; then
	rot_reps=(20)
	rot_big=100
	nat_reps=(4)
	kernel_reps=20
	r_nat_reps=1
else
	rot_reps=(20 100)
	rot_big=1000      # issue 6 target (b): rotterdam at 1,000 replicates in <= 40 s
	nat_reps=(10 50)
	kernel_reps=20
	r_nat_reps=5
fi

# timed CMD...: runs CMD under GNU time; sets wall (s) and mb (peak resident MB).
timed() {
	/usr/bin/time -f "%e %M" -o "$T/time" "$@" > "$T/stdout"
	read -r wall kb < "$T/time"
	mb=$((kb / 1024))
}
# household_months DIR REPLICATES: the sum of the caseload over months, times the
# replicates (series.csv holds the mean over replicates).
household_months() {
	awk -F, -v r="$2" '$2=="caseload" && $3=="all" {s+=$4} END {printf "%.0f", s * r}' "$1/series.csv"
}
per_s() { awk -v h="$1" -v w="$2" 'BEGIN {printf "%.1f", h / w / 1e6}'; }
# Thousands separators for the table.
commas() { printf '%s' "$1" | sed -E ':a; s/^([0-9]+)([0-9]{3})/\1,\2/; ta'; }
row() { echo "| $1 | $2 | $3 | $(commas "$4") | $5 | $6 | $7 |" >> "$out"; }

# stroom_row LABEL SCENARIO THREADS REPLICATES [OPTIONS...]: one stroom run.
# Sets rate (million household-months per second).
stroom_row() {
	local label=$1 scen=$2 th=$3 reps=$4 hm
	shift 4
	timed "$B/stroom" run "$scen" --replicates "$reps" --threads "$th" --quiet --out "$T/run" "$@"
	hm=$(household_months "$T/run" "$reps")
	rate=$(per_s "$hm" "$wall")
	row "$label" "$th" "$reps" "$hm" "$wall" "$mb" "$rate"
	rm -rf "$T/run"
}
# kernel_row LABEL HOUSEHOLDS REPLICATES CMD...: one kernel run; the rate is the one
# the kernel prints (its loop alone), the wall time that of the whole process.
kernel_row() {
	local label=$1 hh=$2 reps=$3
	shift 3
	timed "$@" "$hh" "$months" "$reps"
	rate=$(sed -nE 's/.*: ([0-9.]+) million household-months\/s.*/\1/p' "$T/stdout")
	[ -n "$rate" ] || { echo "bench/run.sh: no rate in the output of $*: $(cat "$T/stdout")" >&2; exit 1; }
	row "$label" 1 "$reps" "$((hh * months * reps))" "$wall" "$mb" "$rate"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

{
	echo "Measured $(date -u +%Y-%m-%d) by \`make bench\` on $(nproc) cores, $(uname -m)," \
		"$(gcc -dumpfullversion 2>/dev/null | sed 's/^/gcc /') release build," \
		"$(Rscript -e 'cat(R.version$major, R.version$minor, sep = ".")' | sed 's/^/R /')" \
		"with data.table $(Rscript -e 'cat(as.character(packageVersion("data.table")))');" \
		"load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "| what | threads | replicates | household-months | wall s | peak MB | million household-months/s |"
	echo "|---|---|---|---|---|---|---|"
} > "$out"

# (i) stroom. --fixed-parameters: one run, so household-months / wall is the speed.
rot="stroom \`rotterdam\` (33k households, 84 months), --fixed-parameters"
for reps in "${rot_reps[@]}"; do
	for th in 1 2; do
		stroom_row "$rot" rotterdam "$th" "$reps" --fixed-parameters
		if [ "$reps" = "${rot_reps[-1]}" ]; then
			if [ "$th" = 1 ]; then stroom1=$rate; else stroom2=$rate; fi
		fi
	done
done
stroom_row "$rot" rotterdam 2 "$rot_big" --fixed-parameters
# Exactly `stroom run --replicates N` (threads: one per CPU): it also does the
# second run at the priors' central values, so its wall time covers two runs and
# household-months / wall would count only the first.
timed "$B/stroom" run rotterdam --replicates "$rot_big" --quiet --out "$T/run"
hm=$(household_months "$T/run" "$rot_big")
row "**\`stroom run --replicates $rot_big\`** (\`rotterdam\`, with the second run at the priors' central values)" \
	"$(nproc) (default)" "$rot_big" "$hm" "**$wall**" "$mb" "(two runs)"
target_wall=$wall
rm -rf "$T/run"
nat="stroom \`bench/national-400k.yaml\` (400k households, 84 months), --fixed-parameters"
for reps in "${nat_reps[@]}"; do
	stroom_row "$nat" "$here/national-400k.yaml" 2 "$reps" --fixed-parameters
done

# (ii) the minimal kernel in C and (iii) in R with data.table, single-threaded.
kname="minimal kernel in C (bench/kernel.c)"
kernel_row "$kname, 33k households" "$rotterdam_hh" "$kernel_reps" "$B/bench_kernel"
kernel_c=$rate
kernel_row "$kname, 400k households" "$national_hh" "$kernel_reps" "$B/bench_kernel"
rname="minimal kernel in R with data.table (bench/kernel.R)"
kernel_row "$rname, 33k households" "$rotterdam_hh" "$kernel_reps" Rscript "$here/kernel.R"
kernel_r=$rate
kernel_row "$rname, 400k households" "$national_hh" "$r_nat_reps" Rscript "$here/kernel.R"

{
	echo
	echo "Ratios of speed (million household-months per second; \`rotterdam\` at ${rot_reps[-1]} replicates, kernels at 33k households):"
	echo
	echo "| ratio | value |"
	echo "|---|---|"
	echo "| stroom (1 thread) / minimal kernel in C (1 thread) | $(ratio "$stroom1" "$kernel_c") |"
	echo "| minimal kernel in C / minimal kernel in R | $(ratio "$kernel_c" "$kernel_r") |"
	echo "| stroom (1 thread) / minimal kernel in R | $(ratio "$stroom1" "$kernel_r") |"
	echo "| stroom (2 threads) / minimal kernel in R | $(ratio "$stroom2" "$kernel_r") |"
	echo
	echo "Issue 6 target (b) is \`rotterdam\` at 1,000 replicates in at most 40 s:" \
		"\`stroom run --replicates $rot_big\` took $target_wall s."
	echo
	echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (a load above the number of cores means other work shared the machine and the times are too long)."
} >> "$out"

cat "$out"
if [ -n "$write" ]; then
	tmp=$(mktemp "$(dirname "$write")/.bench.XXXXXX")
	awk -v res="$out" '
		$0 == "<!-- bench:end -->" { print ""; while ((getline l < res) > 0) print l; print ""; skip = 0 }
		!skip { print }
		$0 == "<!-- bench:begin -->" { skip = 1 }
	' "$write" > "$tmp"
	chmod --reference="$write" "$tmp"
	mv "$tmp" "$write"
	echo "bench/run.sh: results written to $write" >&2
fi
