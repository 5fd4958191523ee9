#!/usr/bin/env bash
# The speed and convergence of `stroom calibrate` on rotterdam-2017 with its
# observed series (docs/performance.md, "Calibration"): RUNS runs (default 3),
# each timed with GNU time (wall, user and system CPU), then each run's worst
# R-hat and smallest bulk ESS, the iterations the chains kept before the
# stopping rule ended them and the likelihood evaluations (from fit.txt), and
# the median wall and CPU time. On a shared machine the wall time measures the
# queue for the CPUs: the CPU time over the 2 cores estimates a quiet machine's
# (the mode search runs on one core). Not a test: timings vary with the
# machine's load. Run from the source tree after a release build in build/:
#   bench/calibrate.sh [RUNS] [STROOM]
set -eu
RUNS=${1:-3}
STROOM=${2:-build/stroom}
cd "$(dirname "$0")/.."
[ -x "$STROOM" ] || { echo "bench/calibrate.sh: $STROOM not found: build first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/calibrate.sh: /usr/bin/time missing" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
walls=""
cpus=""
for i in $(seq 1 "$RUNS"); do
	rc=0
	/usr/bin/time -f "%e %U %S" -o "$T/time$i" "$STROOM" calibrate rotterdam-2017 \
		--observed data/observed/rotterdam.csv --out "$T/run$i" --quiet > /dev/null 2>&1 || rc=$?
	read -r wall user sys < "$T/time$i"
	# fit.txt's convergence table: the largest R-hat and the smallest ESS
	worst=$(awk '/^== Convergence/ {on = 1; next} /^== / {on = 0} on && NF >= 3 && $2 ~ /^[0-9.]+$/ {
		if ($2 > r) r = $2; if (e == "" || $3 < e) e = $3 } END { printf "R-hat max %s, bulk ESS min %s", r, e }' \
		"$T/run$i/fit.txt" 2> /dev/null || echo "no fit.txt")
	kept=$(sed -n 's/^Sampler: adaptive Metropolis, \([0-9]* chains x ([0-9]* warm-up + [0-9]* kept) iterations\).*/\1/p' \
		"$T/run$i/fit.txt" 2> /dev/null)
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.1f", u + s}')
	echo "run $i: ${wall} s wall, ${user} s user + ${sys} s sys = $cpu s CPU, exit $rc; $worst; $kept;" \
		"$(sed -n 's/^Time: //p' "$T/run$i/fit.txt" 2> /dev/null)"
	walls="$walls $wall"
	cpus="$cpus $cpu"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
echo "median wall: $(median $walls) s; median CPU: $(median $cpus) s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
