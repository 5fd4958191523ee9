#!/usr/bin/env bash
# CLI tests of `stroom run`, `validate`, `scenarios`, `population` and the output
# contract: the run directory's files and header, the summary on stdout, identical
# output for 1 and 2 threads, bad input exiting 2 with one line and no run
# directory left behind, Ctrl-C leaving nothing, and the --dump-defaults round trip.
# usage: cli_run.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1

cp "$SRC/tests/data/small.yaml" small.yaml

# --- a run and its directory
"$STROOM" run small.yaml --out run1 --threads 1 > out1.txt 2> err1.txt
rc=$?
check "run exits 0 (got $rc: $(cat err1.txt))" test "$rc" -eq 0
for f in manifest.json series.csv summary.txt; do
	check "run1/$f exists" test -s "run1/$f"
done
check "series.csv header" test "$(head -n 1 run1/series.csv)" = "month,indicator,group,mean,p05,p25,p50,p75,p95"
for ind in caseload inflow_new inflow_return exit_work exit_lks exit_other exit_enforcement exit_pension; do
	check "indicator $ind" grep -q "^2025-06,$ind,all," run1/series.csv
done
for g in all short medium long zuid noord '<1y' 1-2y 2-5y '>5y' '<27' 27-39 40-54 55+; do
	check "group $g" grep -qF "2024-03,caseload,$g," run1/series.csv
done
for ind in spending_benefit_eurocent spending_lks_eurocent; do
	check "money indicator $ind" grep -q "^2025-06,$ind,zuid," run1/series.csv
done
check "24 months x 17 indicators x 17 groups rows" test "$(grep -cvE '^month,|,(team|instrument)_|,(cost_|execution_cost)' run1/series.csv)" -eq $((24 * 17 * 17))
check "benefits are paid: 1517 households at 2024-01 cost EUR 1.5-2.5 million" awk -F, '$1=="2024-01" && $2=="spending_benefit_eurocent" && $3=="all" {exit !($4 > 150000000 && $4 < 250000000)}' run1/series.csv
check "areas split the benefit spending" awk -F, '$1=="2024-06" && $2=="spending_benefit_eurocent" {v[$3]=$4} END {d = v["zuid"] + v["noord"] - v["all"]; exit !(d < 1 && d > -1)}' run1/series.csv
check "summary reports money" grep -q "Money per year" out1.txt
check "LKS is paid after LKS exits" awk -F, '$1=="2025-12" && $2=="spending_lks_eurocent" && $3=="all" {exit !($4 > 0)}' run1/series.csv
check "first caseload is the population" grep -q "^2024-01,caseload,all,1517.00,1517.0,1517.0,1517.0,1517.0,1517.0$" run1/series.csv
check "summary printed" grep -q "Caseload on 1 January" out1.txt
check "summary has the target probability" grep -q "P(caseload <= target) = " out1.txt
check "stdout carries summary.txt" grep -qF "$(sed -n 4p run1/summary.txt)" out1.txt
check "run directory named" grep -q "^Run directory: run1$" out1.txt
check "manifest seed" grep -q '"seed": 20240101' run1/manifest.json
check "manifest replicates" grep -q '"replicates": 4' run1/manifest.json
check "manifest threads" grep -q '"threads": 1' run1/manifest.json
check "manifest input hash" grep -qE '"path": "small.yaml", "sha256": "[0-9a-f]{64}"' run1/manifest.json
check "manifest builtin base" grep -q '"path": "data/scenarios/rotterdam.yaml"' run1/manifest.json
check "manifest resolved scenario" grep -q '"households": 1517' run1/manifest.json
check "no progress bar when stderr is not a terminal" test ! -s err1.txt
check "budget.csv written" test -s run1/budget.csv
check "budget.csv header" test "$(head -n 1 run1/budget.csv)" = "year,indicator,mean,p05,p25,p50,p75,p95"
for ind in budget spending result result_pct safety_net own_risk volume_part price_part; do
	check "budget indicator $ind" grep -q "^2024,$ind," run1/budget.csv
done
check "volume and price parts add up to the result (means)" awk -F, '$1=="2025" {v[$2]=$3} END {d = v["volume_part"] + v["price_part"] - v["result"]; exit !(d < 0.02 && d > -0.02)}' run1/budget.csv
check "summary has the budget probabilities" grep -q "P(def>7.5%)" out1.txt
check "manifest lists budget.csv" grep -q '"budget.csv"' run1/manifest.json
# execution costs beside the BUIG: small's 9.3718 FTE at EUR 128,700 +-15% a year, no
# other lever in use; the parts add up to the total (means), and the months of
# series.csv add up to the year
check "execution cost of the teams within the FTE prior" awk -F, '$1=="2024" && $2=="execution_cost_teams" {exit !($3 >= 9.3718 * 109395 && $3 <= 9.3718 * 148005)}' run1/budget.csv
check "execution costs add up per lever" awk -F, '$1=="2025" && $2 ~ /^execution_cost/ {if ($2 == "execution_cost") t = $3; else s += $3} END {d = s - t; exit !(t > 0 && d < 0.05 && d > -0.05)}' run1/budget.csv
check "series.csv months of team cost add up to the year" awk -F, 'FNR==NR {if ($1 ~ /^2024-/ && $2=="cost_teams_eurocent") m += $4; next} $1=="2024" && $2=="execution_cost_teams" {d = m / 100 - $3; exit !(d < 1 && d > -1)}' run1/series.csv run1/budget.csv
check "summary prints the execution costs" grep -q "Execution costs per year, not in the BUIG result" out1.txt


# --- threads do not change results; the seed does
"$STROOM" run small.yaml --out run2 --threads 2 --quiet > out2.txt
check "1 and 2 threads give identical series.csv" cmp -s run1/series.csv run2/series.csv
check "1 and 2 threads give identical summary.txt" cmp -s run1/summary.txt run2/summary.txt
check "--quiet prints only the directory" test "$(cat out2.txt)" = "run2"
"$STROOM" run small.yaml --out run3 --seed 817 --quiet > /dev/null
check "another seed gives other numbers" bash -c "! cmp -s run1/series.csv run3/series.csv"
check "the manifest records the seed" grep -q '"seed": 817' run3/manifest.json

# --- --fixed-parameters: every prior at its central value, so the drawn
# elasticity no longer varies and the run differs from the drawn one
"$STROOM" run small.yaml --out run7 --fixed-parameters --quiet > /dev/null
check "--fixed-parameters runs" test -s run7/series.csv
check "--fixed-parameters differs from drawn priors" bash -c "! cmp -s run1/series.csv run7/series.csv"
# small.yaml extends rotterdam, which draws from its builtin posterior: "the parameters"
check "the summary splits the interval into parameters and chance" grep -qE "^  share of the variance: [0-9]+% from the parameters, [0-9]+% from Monte Carlo noise$" run1/summary.txt
check "--fixed-parameters has no split (nothing drawn)" bash -c "! grep -q 'share of the variance' run7/summary.txt"

# --- compare: the same scenario against itself differs by exactly 0 (same seed,
# same random numbers); a lever shows up with the right sign
printf 'extends: small.yaml\nname: more-inflow\ninflow:\n  per_year: 650\n' > more.yaml
"$STROOM" compare small.yaml small.yaml --replicates 3 > cmp0.txt
check "compare runs" grep -q "^Difference rotterdam minus rotterdam, paired by replicate (3 replicates" cmp0.txt
check "compare with itself is all zero" bash -c "! grep -E '^  20[0-9]{2} ' cmp0.txt | grep -vqE '^  20[0-9]{2} +[+-]0\.0  \[ +[+-]0\.0 to +[+-]0\.0\]'"
"$STROOM" compare small.yaml more.yaml --replicates 3 > cmp1.txt
check "more inflow raises the caseload on 2025-01-01" bash -c "sed -n '/^caseload on 1 January/,/^$/p' cmp1.txt | grep -qE '^  2025 +\+[1-9]'"

# --- the default run directory name
"$STROOM" run small.yaml --quiet > out4.txt
check "default run directory runs/<UTC>-<name>" grep -qE '^runs/[0-9]{8}T[0-9]{6}Z-rotterdam$' out4.txt

# --- bad input: one line, exit 2, nothing written
bad() { # name, expected message regex, command...
	local name=$1 re=$2
	shift 2
	"$@" > bad.out 2> bad.err
	local rc=$?
	check "$name: exit 2 (got $rc)" test "$rc" -eq 2
	check "$name: one line on stderr" test "$(grep -c . bad.err)" -eq 1
	check "$name: message '$re' (got: $(head -c 300 bad.err))" grep -qE -e "$re" bad.err
}
printf 'extends: rotterdam\nhazard:\n  wrok:\n    age: [1, 1, 1, 1]\n' > typo.yaml
bad "unknown key" '^stroom: typo\.yaml:3:3: hazard\.wrok: unknown key; did you mean .hazard\.work.\?$' \
	"$STROOM" run typo.yaml --out badrun
printf 'extends: rotterdam\nhazard:\n  enforcement: lots\n' > type.yaml
bad "wrong type" '^stroom: type\.yaml:3:16: hazard\.enforcement: expected a number' "$STROOM" run type.yaml --out badrun
printf 'extends: rotterdam\npopulation:\n  age: [0.1, 0.2, 0.3, 0.3]\n' > shares.yaml
bad "shares" 'shares\.yaml:3:3: population\.age: expected shares summing to 1' "$STROOM" run shares.yaml --out badrun
printf 'extends: rotterdam\nstart: [2024\n' > syntax.yaml
printf 'extends: rotterdam\ninflow:\n  age: [{normal: [0.25, 0.05]}, 0.35, 0.25, 0.15]\n' > sharesprior.yaml
bad "prior in shares" '^stroom: sharesprior\.yaml:3:9: inflow\.age\[0\]: expected a number \(shares cannot carry a prior\), got a mapping$' \
	"$STROOM" run sharesprior.yaml --out badrun
bad "validate: prior in shares" 'inflow\.age\[0\]: expected a number \(shares cannot carry a prior\)' \
	"$STROOM" validate sharesprior.yaml
printf 'extends: rotterdam-2017\ninflow:\n  shock: {2020-04: {lognormal: [0.22, -0.15]}, 2021-01: 0.90}\n' > shockprior.yaml
bad "bad prior in a series" '^stroom: shockprior\.yaml:3:39: inflow\.shock\[2020-04\]\.lognormal\[1\]: expected an sdlog above 0, got -0\.15$' \
	"$STROOM" run shockprior.yaml --out badrun
bad "validate: bad prior in a series" 'shockprior\.yaml:3:39: inflow\.shock\[2020-04\]\.lognormal\[1\]: expected an sdlog above 0' \
	"$STROOM" validate shockprior.yaml
printf 'extends: rotterdam\nlabour_market:\n  index: {2024-01: {normal: [1, 0.1]}}\n' > indexprior.yaml
bad "prior in a plain series" '^stroom: indexprior\.yaml:3:20: labour_market\.index\[2024-01\]: expected a number \(only the shocks inflow\.shock and hazard\.work\.shock take priors in a series\), got a mapping$' \
	"$STROOM" run indexprior.yaml --out badrun
bad "yaml syntax" '^stroom: syntax\.yaml:[0-9]+:[0-9]+: ' "$STROOM" run syntax.yaml --out badrun
bad "missing file" 'nosuch\.yaml' "$STROOM" run nosuch.yaml --out badrun
bad "unknown builtin" 'rotterdamm' "$STROOM" run rotterdamm --out badrun
bad "bad replicates" '--replicates: expected a whole number' "$STROOM" run small.yaml --replicates 12x
bad "unknown option" "unknown option '--frobnicate'" "$STROOM" run small.yaml --frobnicate
bad "compare needs two scenarios" 'compare takes two scenarios' "$STROOM" compare small.yaml
"$STROOM" population small.yaml --out pop.csv
check "population export" test "$(($(wc -l < pop.csv) - 1))" -eq 1517
sed '3s/,zuid,/,west,/; 3s/,noord,/,west,/' pop.csv > badpop.csv
printf 'extends: small.yaml\npopulation:\n  csv: badpop.csv\n' > csvrun.yaml
bad "bad household CSV" '^stroom: .*badpop\.csv:3: column area: expected ' "$STROOM" run csvrun.yaml --out badrun
check "no run directory after bad input" test ! -e badrun
check "no temporary directory left" test -z "$(ls -A | grep -E '^\.badrun|\.tmp-')"

# --- a population from CSV runs and gives the synthesised population's start
printf 'extends: small.yaml\npopulation:\n  csv: pop.csv\n' > csvok.yaml
"$STROOM" run csvok.yaml --out run5 --quiet > /dev/null
check "CSV population run" grep -q "^2024-01,caseload,all,1517.00," run5/series.csv
check "CSV population is an input in the manifest" grep -q '"path": "[^"]*pop.csv", "sha256"' run5/manifest.json

# --- an existing run directory is not overwritten
"$STROOM" run small.yaml --out run1 --quiet > /dev/null 2> exist.err
check "existing --out refused" grep -q "already exists" exist.err

# --- validate and scenarios
"$STROOM" validate small.yaml > val.out
check "validate ok" grep -q "^small.yaml: ok" val.out
"$STROOM" validate typo.yaml > /dev/null 2>&1
check "validate bad exits 2" test $? -eq 2
"$STROOM" scenarios > sc.out
check "scenarios lists rotterdam" grep -qE '^rotterdam +Rotterdam baseline' sc.out
check "scenarios lists rotterdam-2017" grep -qE '^rotterdam-2017 +Backcast' sc.out
"$STROOM" validate "$SRC/data/scenarios/rotterdam-2017.yaml" > /dev/null
check "builtin files validate" test $? -eq 0

# --- --dump-defaults gives a complete scenario that loads back to the same dump
"$STROOM" run small.yaml --dump-defaults > dump1.yaml
check "dump names every section" grep -q "^lks:" dump1.yaml
check "dump has no extends" bash -c "! grep -q '^extends' dump1.yaml"
"$STROOM" run dump1.yaml --dump-defaults > dump2.yaml
check "dump round trip" cmp -s dump1.yaml dump2.yaml
"$STROOM" run dump1.yaml --out run6 --quiet > /dev/null
check "a run from the dump equals the run from the file" cmp -s run1/series.csv run6/series.csv

# --- docs/scenario.md is what the schema generates
"$STROOM" schema --markdown > scenario.md
check "docs/scenario.md is current (make docs)" cmp -s scenario.md "$SRC/docs/scenario.md"

# --- Ctrl-C: exit 130 and no run directory
"$STROOM" run rotterdam --replicates 5000 --threads 2 --out intr > /dev/null 2> intr.err &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
rc=$?
check "interrupted run exits 130 (got $rc)" test "$rc" -eq 130
check "interrupted run leaves no directory" test ! -e intr
check "interrupted run leaves no temporary directory" test -z "$(ls -A | grep -E '^\.intr')"

finish
