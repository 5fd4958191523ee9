#!/usr/bin/env bash
# The speed and convergence of `stroom calibrate` on rotterdam-2017 with its
# observed series (docs/performance.md, "Calibration"): RUNS runs (default 3),
# each timed with GNU time, then the median wall time and each run's worst R-hat
# and smallest bulk ESS (from fit.txt). Not a test: timings vary with the
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
for i in $(seq 1 "$RUNS"); do
	rc=0
	/usr/bin/time -f "%e %U" -o "$T/time$i" "$STROOM" calibrate rotterdam-2017 \
		--observed data/observed/rotterdam.csv --out "$T/run$i" --quiet > /dev/null 2>&1 || rc=$?
	read -r wall user < "$T/time$i"
	# fit.txt's convergence table: the largest R-hat and the smallest ESS
	worst=$(awk '/^== Convergence/ {on = 1; next} /^== / {on = 0} on && NF >= 3 && $2 ~ /^[0-9.]+$/ {
		if ($2 > r) r = $2; if (e == "" || $3 < e) e = $3 } END { printf "R-hat max %s, bulk ESS min %s", r, e }' \
		"$T/run$i/fit.txt" 2> /dev/null || echo "no fit.txt")
	echo "run $i: ${wall} s wall, ${user} s user, exit $rc; $worst; $(sed -n 's/^Time: //p' "$T/run$i/fit.txt" 2> /dev/null)"
	walls="$walls $wall"
done
echo "median wall: $(printf '%s\n' $walls | sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}') s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
