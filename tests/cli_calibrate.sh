#!/usr/bin/env bash
# stroom calibrate: bad input exits 2 with one line and writes nothing; a small fit
# writes posterior.csv (the fitted keys in its header, every value within the
# key's bounds), fit.txt with every section, fit.csv and manifest.json; rows the
# model does not produce are warned about, one line each.
. "$(dirname "$0")/lib.sh" "$@"

cat > "$T/obs.csv" <<'CSV'
period,indicator,group,value,unit,source
2017-01-01,caseload,all,38840,households,test
2017-12-31,caseload,all,37667,benefits,test
2018-12-31,caseload,all,35292,benefits,test
2017,inflow,all,7500,households,test
2018,exit_work,all,4506,persons,test
2017,applications,all,17324,households,test
CSV
cat > "$T/nothing.csv" <<'CSV'
period,indicator,group,value,unit,source
2017,applications,all,17324,households,test
2018,exit_work,all,4506,persons,test
CSV
cat > "$T/thousands.csv" <<'CSV'
period,indicator,group,value,unit,source
2018-12-31,caseload,all,35.3,benefits,test (in thousands)
CSV

# bad input: exit 2, one line, nothing written
bad() {
	local name=$1; shift
	"$STROOM" calibrate "$@" --out "$T/bad" > "$T/out" 2> "$T/err"
	local rc=$?
	check "$name: exit 2" [ "$rc" -eq 2 ]
	check "$name: one line" [ "$(wc -l < "$T/err")" -eq 1 ]
	check "$name: nothing written" [ ! -e "$T/bad" ]
	[ "$rc" -eq 2 ] || cat "$T/err"
}
bad "no observed" rotterdam-2017
bad "missing file" rotterdam-2017 --observed "$T/none.csv"
bad "nothing fittable" rotterdam-2017 --observed "$T/nothing.csv"
grep -q "no row of the observed series can be fitted" "$T/err" || no "nothing fittable: message"
bad "wrong unit" rotterdam-2017 --observed "$T/thousands.csv"
grep -q "line 2: .*is the unit right" "$T/err" || no "wrong unit: message"
bad "unknown key" rotterdam-2017 --observed "$T/obs.csv" --param hazard.nothing
grep -q "param hazard.nothing" "$T/err" || no "unknown key: message"
bad "fixed key" rotterdam-2017 --observed "$T/obs.csv" --param capacity.intensity_cap
bad "bad chains" rotterdam-2017 --observed "$T/obs.csv" --chains x
bad "bad iterations" rotterdam-2017 --observed "$T/obs.csv" --iterations 5
bad "unknown option" rotterdam-2017 --observed "$T/obs.csv" --frobnicate 1
bad "unknown scenario" no-such-scenario --observed "$T/obs.csv"
mkdir "$T/exists"
"$STROOM" calibrate rotterdam-2017 --observed "$T/obs.csv" --out "$T/exists" > /dev/null 2> "$T/err"
check "existing --out: exit 2" [ $? -eq 2 ]
check "existing --out: left alone" [ -z "$(ls -A "$T/exists")" ]

# a small fit: two parameters, short chains
"$STROOM" calibrate rotterdam-2017 --observed "$T/obs.csv" --param hazard.other.base \
	--param hazard.enforcement --chains 2 --iterations 300 --seed 3 --out "$T/fit" \
	> "$T/out" 2> "$T/err"
rc=$?
check "fit: exit 0 or 1 (not converged)" [ "$rc" -le 1 ]
check "fit: the directory" [ -d "$T/fit" ]
for f in posterior.csv fit.txt fit.csv manifest.json; do
	check "fit: $f" [ -s "$T/fit/$f" ]
done
check "fit: a warning per row not fitted" [ "$(grep -c 'warning: not fitted' "$T/err")" -eq 2 ]
grep -q "line 6: .*persons" "$T/err" || no "fit: the persons row named"
check "fit: header" grep -qx "draw,chain,hazard.other.base,hazard.enforcement" "$T/fit/posterior.csv"
check "fit: converged line" grep -q "^# converged: \(yes\|no\)$" "$T/fit/posterior.csv"
check "fit: rows within bounds" awk -F, '!/^#/ && NR > 1 && $1 != "draw" { n++; if ($3 <= 0 || $3 >= 1 || $4 <= 0 || $4 >= 1 || $2 < 0 || $2 > 1) bad++ } END { exit !(n == 600 && bad == 0) }' "$T/fit/posterior.csv"
for s in "Observed against fitted" "Prior against posterior" "Correlations" "Convergence" \
	"What the data could not identify" "Rows not fitted"; do
	check "fit.txt: $s" grep -q "== $s" "$T/fit/fit.txt"
done
check "fit.csv: a row per observed row" [ "$(wc -l < "$T/fit/fit.csv")" -eq 7 ]
check "manifest: observed sha256" grep -q "\"sha256\": \"$(sha256sum "$T/obs.csv" | cut -c1-64)\"" "$T/fit/manifest.json"
if [ "$rc" -eq 1 ]; then
	check "not converged: one line naming the parameter" grep -q "not converged: hazard" "$T/err"
	check "not converged: posterior says so" grep -qx "# converged: no" "$T/fit/posterior.csv"
fi
# a fit far too short to converge (2 chains of 20 kept draws: the bulk ESS is at
# most 40 log10(40) = 64, under the 400 required) is refused as not converged:
# exit 1, one line naming the worst parameter, and the files say so
"$STROOM" calibrate rotterdam-2017 --observed "$T/obs.csv" --param hazard.other.base \
	--param hazard.enforcement --chains 2 --iterations 20 --seed 3 --out "$T/short" \
	> "$T/out" 2> "$T/err"
rc=$?
check "short fit: exit 1" [ "$rc" -eq 1 ]
check "short fit: one line" grep -q "^stroom: not converged: hazard\.[a-z.]* has R-hat [0-9.]* and bulk ESS [0-9]*; the fit is written but not to be trusted: run longer (--iterations)$" "$T/err"
check "short fit: stdout says so" grep -q "converged: no" "$T/out"
check "short fit: posterior.csv says so" grep -qx "# converged: no" "$T/short/posterior.csv"
check "short fit: fit.txt says so" grep -q "^Converged: NO (every R-hat below 1.01 and every bulk ESS at least 400)$" "$T/short/fit.txt"

# the same fit on one thread gives the same posterior
"$STROOM" calibrate rotterdam-2017 --observed "$T/obs.csv" --param hazard.other.base \
	--param hazard.enforcement --chains 2 --iterations 300 --seed 3 --threads 1 --out "$T/fit1" \
	> /dev/null 2>&1
check "threads: the same draws" cmp -s <(grep -v '^# created' "$T/fit/posterior.csv") \
	<(grep -v '^# created' "$T/fit1/posterior.csv")

# Ctrl-C while the chains run: exit 130, nothing written (no --out, no temporary)
mkdir "$T/sig"
"$STROOM" calibrate rotterdam-2017 --observed "$T/obs.csv" --param hazard.other.base \
	--iterations 100000 --out "$T/sig/fit" > /dev/null 2> "$T/err" &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"
check "SIGINT: exit 130" [ $? -eq 130 ]
check "SIGINT: one line" grep -q "interrupted; nothing written" "$T/err"
check "SIGINT: nothing left" [ -z "$(ls -A "$T/sig")" ]
finish
