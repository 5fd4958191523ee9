#!/usr/bin/env bash
# stroom compare A B: a scenario against itself differs by exactly 0 in every
# row; against more inflow, the means of each side equal those of two separate
# runs (series.csv) and every difference is B's mean minus A's; --out writes
# compare.csv (long form), summary.txt and manifest.json all or nothing; --json
# prints one object; bad input exits 2 with one line and writes nothing.
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1
cp "$SRC/tests/data/small.yaml" small.yaml
printf 'extends: small.yaml\nname: more-inflow\ninflow:\n  per_year: 650\n' > more.yaml

"$STROOM" help | grep -q "compare A B .*--out DIR.*--json" || no "stroom help lists compare's --out and --json"

# --- itself: every difference 0
"$STROOM" compare small.yaml small.yaml --replicates 3 --out same > same.txt 2> same.err
check "itself: exit 0" test $? -eq 0
check "itself: the directory's three files" test -s same/compare.csv -a -s same/summary.txt -a -s same/manifest.json
check "itself: nothing else in it" test "$(ls same | wc -l)" -eq 3
check "itself: compare.csv's header" test "$(head -1 same/compare.csv)" = "period,indicator,a_mean,b_mean,diff_mean,diff_se,diff_p05,diff_p50,diff_p95"
check "itself: every paired difference 0" awk -F, 'NR > 1 && $3 != "" && ($5 != 0 || $7 != 0 || $9 != 0) { bad = 1 } END { exit bad }' same/compare.csv
check "itself: summary.txt is what was printed" bash -c "head -n \$(wc -l < same/summary.txt) same.txt | cmp -s - same/summary.txt"
check "itself: the directory named last" grep -q "^Compare directory: same$" same.txt

# --- more inflow: the sides are the runs', the differences B - A
"$STROOM" compare small.yaml more.yaml --replicates 4 --out more --json > more.json 2> more.err
check "more: exit 0" test $? -eq 0
"$STROOM" run small.yaml --replicates 4 --out runa --quiet > /dev/null
"$STROOM" run more.yaml --replicates 4 --out runb --quiet > /dev/null
a=$(awk -F, '$1 == "2025-01" && $2 == "caseload" && $3 == "all" { print $4 }' runa/series.csv)
b=$(awk -F, '$1 == "2025-01" && $2 == "caseload" && $3 == "all" { print $4 }' runb/series.csv)
row=$(grep '^2025,caseload_1jan,' more/compare.csv)
check "more: A's caseload on 2025-01-01 is the run's ($a; $row)" awk -F, -v m="$a" '{ exit !(($3 - m) < 0.006 && (m - $3) < 0.006) }' <<< "$row"
check "more: B's is the other run's ($b)" awk -F, -v m="$b" '{ exit !(($4 - m) < 0.006 && (m - $4) < 0.006) }' <<< "$row"
check "more: more inflow raises the caseload" awk -F, '{ exit !($5 > 0 && $7 <= $8 && $8 <= $9) }' <<< "$row"
check "more: every difference is B - A" awk -F, 'NR > 1 && $3 != "" { d = $4 - $3 - $5; if (d > 1e-6 * (1 + ($3 < 0 ? -$3 : $3)) || -d > 1e-6 * (1 + ($3 < 0 ? -$3 : $3))) bad = 1 } END { exit bad }' more/compare.csv
inflow_a=$(awk -F, '$1 ~ /^2024-/ && $2 == "inflow_new" && $3 == "all" { s += $4 } END { printf "%.2f", s }' runa/series.csv)
check "more: a year's flow is the months' sum ($inflow_a)" awk -F, -v m="$inflow_a" '$1 == 2024 && $2 == "inflow_new" { exit !(($3 - m) < 0.05 && (m - $3) < 0.05) }' more/compare.csv
for ind in household_years exit_work spending_benefit_eur spending_lks_eur budget_result_eur budget_safety_net_eur net_cost_per_household_year_off_eur; do
	check "more: compare.csv has $ind" grep -q "^2024,$ind," more/compare.csv
done
check "more: P(caseload <= target) on the target date" grep -qE '^2025-07,p_caseload_le_target,[0-9.]+,[0-9.]+,' more/compare.csv
check "more: the net cost over the whole run" grep -q '^all,net_cost_per_household_year_off_eur,,,' more/compare.csv
check "more: the summary says what the net cost counts" grep -q "benefit spending (benefits and LKS) plus the levers' execution costs" more/summary.txt
for lever in teams instruments enforcement prevention gate; do
	check "more: compare.csv has the execution cost of $lever" grep -q "^2024,execution_cost_${lever}_eur," more/compare.csv
done
check "more: the summary shows the teams' execution cost (not zero), named in words" grep -q "^execution cost of the teams, not in the BUIG result (EUR 1,000; execution_cost_teams_eur)$" more/summary.txt
check "more: and the total" grep -q "^execution costs in total, not in the BUIG result (EUR 1,000; execution_cost_eur)$" more/summary.txt
check "more: instrument spending and recoveries named in words" bash -c "grep -q '^instrument spending (EUR 1,000; spending_instruments_eur)$' more/summary.txt && grep -q '^recoveries (EUR 1,000; recoveries_eur)$' more/summary.txt"
check "more: no heading is a bare indicator name" bash -c "! grep -Eq '^[a-z_]+_eur \\(EUR' more/summary.txt"
for lever in instruments enforcement prevention gate; do
	check "more: compare.csv's $lever cost is 0 in both" grep -q "^2024,execution_cost_${lever}_eur,0,0," more/compare.csv
	check "more: the summary omits $lever, zero in both" bash -c "! grep -q 'execution_cost_${lever}_eur' more/summary.txt"
done
check "more: the execution costs' total is the levers' sum" awk -F, '$1 == 2025 && $2 ~ /^execution_cost_[a-z]+_eur$/ { s += $3 } $1 == 2025 && $2 == "execution_cost_eur" { t = $3 } END { d = s - t; exit !(d < 0.01 && -d < 0.01) }' more/compare.csv
check "more: the summary has the target" grep -q "^  P(caseload <= 1400): rotterdam " more/summary.txt
check "more: --json prints no summary" bash -c "! grep -q '^Difference' more.json"
if command -v python3 > /dev/null; then
	check "more: --json is one object with the rows of compare.csv" python3 -c "
import json, sys, csv
d = json.load(open('more.json'))
rows = list(csv.DictReader(open('more/compare.csv')))
assert d['a'] == 'rotterdam' and d['b'] == 'more-inflow' and d['replicates'] == 4
assert d['target'] == {'households': 1400, 'date': '2025-07'}
assert len(d['rows']) == len(rows)
for j, c in zip(d['rows'], rows):
    assert j['period'] == c['period'] and j['indicator'] == c['indicator']
    assert (j['diff_mean'] is None) == (c['diff_mean'] == '')
m = json.load(open('more/manifest.json'))
assert m['command'] == 'compare' and m['replicates'] == 4 and m['a']['scenario']['name'] == 'rotterdam'
assert m['b']['inputs'][0]['path'] == 'more.yaml'
"
fi

# --- bad input: exit 2, one line, nothing written
bad() { # name, expected message regex, arguments...
	local name=$1 re=$2
	shift 2
	"$STROOM" compare "$@" > bad.out 2> bad.err
	local rc=$?
	check "$name: exit 2 (got $rc)" test "$rc" -eq 2
	check "$name: one line on stderr" test "$(grep -c . bad.err)" -eq 1
	check "$name: message '$re' (got: $(head -c 300 bad.err))" grep -qE -e "$re" bad.err
	check "$name: nothing written" test ! -e badout
}
bad "one scenario" 'compare takes two scenarios' small.yaml --out badout
bad "three scenarios" 'compare takes two scenarios' small.yaml small.yaml small.yaml --out badout
bad "unknown option" "unknown option '--frobnicate'" small.yaml more.yaml --frobnicate --out badout
bad "bad replicates" '--replicates: expected a whole number from 1 to 100000' small.yaml more.yaml --replicates 0 --out badout
bad "missing scenario" 'nosuch\.yaml' small.yaml nosuch.yaml --out badout
bad "--out without a value" '--out: expected a directory' small.yaml more.yaml --out
bad "--out exists" "'same' already exists" small.yaml more.yaml --out same
check "--out exists: left as it was" test "$(ls same | wc -l)" -eq 3
printf 'extends: small.yaml\nend: 2025-06\n' > shorter.yaml
bad "other months" 'must cover the same months' small.yaml shorter.yaml --replicates 2 --out badout

finish
