#!/usr/bin/env bash
# stroom target: on the small rotterdam (tests/data/small.yaml, target 1,400 on
# 2025-07) the answer reaches P and one step less does not, checked by the
# microsimulation; a met target answers the current setting; an unreachable one
# says so and how far the bound gets; bad input exits 2 with one line.
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1
cp "$SRC/tests/data/small.yaml" small.yaml

"$STROOM" target --help > help.txt
check "help: exit 0" test $? -eq 0
check "help: the levers" grep -q "^hazard.work.shock " help.txt
check "help: teams" grep -q "^teams.NAME.fte " help.txt
"$STROOM" help | grep -q "target SCENARIO --households N --date YYYY-MM --probability P --lever KEY" || no "stroom help lists target"

# --- found: the scenario's own target (1,400 on 2025-07)
"$STROOM" target small.yaml --lever inflow.shock --probability 0.5 --draws 8 --replicates 8 > found.txt 2> found.err
check "found: exit 0" test $? -eq 0
check "found: nothing on stderr" test ! -s found.err
check "found: the question" grep -q "^Goal-seek on rotterdam: P(caseload <= 1400 on 2025-07) >= 0.50, levers changed from 2024-01$" found.txt
check "found: an answer with one step less" grep -qE "^  answer: 0\.[0-9]{2} \(multiplier\) \(-0\.[0-9]+ from the current\): P = 0\.[5-9][0-9]{2} .*; one step less: P = 0\.[0-4][0-9]{2}$" found.txt
check "found: checked by the microsimulation" grep -qE "^  checked by the microsimulation \(8 replicates\): P = [01]\.[0-9]{3} \+- 0\.[0-9]{3} \(Monte Carlo standard error\)" found.txt
check "found: the plain question" grep -qE "^  that is [+-][0-9.]+ exits and -[0-9.]+ entries a month" found.txt
"$STROOM" target small.yaml --lever inflow.shock --lever hazard.work.shock --probability 0.5 --draws 8 --no-check --json > found.json
check "found --json: exit 0" test $? -eq 0
if command -v python3 > /dev/null; then
	check "found --json: the answers" python3 -c "
import json
d = json.load(open('found.json'))
assert d['households'] == 1400 and d['date'] == '2025-07' and d['draws'] == 8
assert d['p_current'] < 0.5
for lv in d['levers']:
    a = lv['answer']
    assert a['reached'] and a['p_ev'] >= 0.5 and a['p_ev_one_step_less'] < 0.5, lv
    assert a['check'] is None and a['cost_per_year_eur'] is None and a['not_purchase'] is True
assert d['levers'][0]['answer']['setting']['inflow.shock'] < 1
assert d['levers'][1]['answer']['setting']['hazard.work.shock'] > 1
assert len(d['combinations']) >= 3
for c in d['combinations']:
    assert c['p_ev'] >= 0.5 and c['not_purchase'] is True
assert d['combinations_ranked_by_cost'] is False
"
fi
check "found: a shock lever is no purchase" grep -q "^  cost a year: no execution cost (not a purchase: a change of circumstances)$" found.txt

# --- the cost a year of an FTE answer: the added FTE x costs.fte_eur (generic: EUR 128,700)
"$STROOM" target generic --households 1000 --date 2025-07 --probability 0.5 --lever teams.medium.fte --draws 4 --no-check > fte.txt
check "fte: exit 0" test $? -eq 0
check "fte: --no-check says the answers were not checked" grep -q "^the answers not checked with the microsimulation (--no-check).$" fte.txt
added=$(sed -nE 's/^  answer: [0-9.]+ FTE \(\+([0-9]+) from the current\).*/\1/p' fte.txt)
check "fte: an answer in whole FTE (got '$added')" test -n "$added"
check "fte: cost a year = $added x EUR 128700" grep -q "^  cost a year: EUR $((added * 128700)).00 of execution costs against the current setting$" fte.txt
"$STROOM" target generic --households 1000 --date 2025-07 --probability 0.5 --lever teams.medium.fte --draws 4 --no-check --json > fte.json
if command -v python3 > /dev/null; then
	check "fte --json: cost_per_year_eur" python3 -c "
import json
a = json.load(open('fte.json'))['levers'][0]['answer']
added = a['setting']['teams.medium.fte'] - 5.4
assert a['reached'] and a['not_purchase'] is False
assert abs(a['cost_per_year_eur'] - round(added) * 128700) < 0.005, a
"
fi

# --- already met, unreachable
"$STROOM" target small.yaml --households 5000 --date 2025-01 --lever teams.werk_zuid.fte --probability 0.9 --draws 4 --no-check > met.txt
check "met: exit 0" test $? -eq 0
check "met: the current setting" grep -q "^  already met at the current setting: P = 1.000$" met.txt
check "met: the current FTE" grep -q "^teams.werk_zuid.fte: current 2.32 FTE$" met.txt
"$STROOM" target small.yaml --households 100 --lever gate.search_share --probability 0.5 --draws 4 --replicates 4 > far.txt
check "unreachable: exit 0" test $? -eq 0
check "unreachable: said so, with the bound's P and caseload" grep -qE "^  not reachable: no setting within the schema's bounds reaches P 0.50; at the bound 1.00 \(share\) P = 0.000 \(short by 0.500\), the mean caseload [0-9]+ \(\+[0-9]+ from 100\)$" far.txt
check "unreachable: checked at the bound" grep -q "^  checked at the bound by the microsimulation (4 replicates): P = 0.000" far.txt

# --- bad input: exit 2, one line
bad() { # name, expected message regex, arguments...
	local name=$1 re=$2
	shift 2
	"$STROOM" target "$@" > bad.out 2> bad.err
	local rc=$?
	check "$name: exit 2 (got $rc)" test "$rc" -eq 2
	check "$name: one line on stderr" test "$(grep -c . bad.err)" -eq 1
	check "$name: message '$re' (got: $(head -c 300 bad.err))" grep -qE -e "$re" bad.err
	check "$name: nothing on stdout" test ! -s bad.out
}
bad "no scenario" 'target takes a scenario' --lever inflow.shock --probability 0.5
bad "two scenarios" 'target takes one scenario' small.yaml small.yaml --lever inflow.shock --probability 0.5
bad "no lever" 'target needs --lever KEY' small.yaml --probability 0.5
bad "no probability" 'target needs --probability P' small.yaml --lever inflow.shock
bad "probability 1" "^stroom: --probability: expected a number between 0 and 1 \(exclusive\), got '1'$" small.yaml --lever inflow.shock --probability 1
bad "probability text" "--probability: expected a number between 0 and 1" small.yaml --lever inflow.shock --probability half
bad "households 0" "^stroom: --households: expected a whole number from 1 to 100000000, got '0'$" small.yaml --lever inflow.shock --probability 0.5 --households 0
bad "bad date" "^stroom: --date: expected a month YYYY-MM, got '2025-13'$" small.yaml --lever inflow.shock --probability 0.5 --date 2025-13
bad "date outside the run" "^stroom: --date: expected a month from 2024-02 to 2026-01 \(the scenario's run\), got 2027-01$" small.yaml --lever inflow.shock --probability 0.5 --date 2027-01
bad "unknown lever" "^stroom: hazard.other.base: expected a lever: teams.NAME.fte \(teams: jongeren, werk_zuid" small.yaml --lever hazard.other.base --probability 0.5
bad "unknown team" "teams.nobody.fte: expected a lever" small.yaml --lever teams.nobody.fte --probability 0.5
bad "instrument places" "instruments.x.slots: the expected-value engine does not model instrument places" small.yaml --lever instruments.x.slots --probability 0.5
bad "a lever twice" "--lever inflow.shock: given twice" small.yaml --lever inflow.shock --lever inflow.shock --probability 0.5
bad "unknown option" "unknown option '--frobnicate'" small.yaml --lever inflow.shock --probability 0.5 --frobnicate
bad "option without a value" "--draws: option needs a value" small.yaml --lever inflow.shock --probability 0.5 --draws
bad "no target in the scenario" "target needs --households N and --date YYYY-MM \(the scenario sets no target\)" generic --lever inflow.shock --probability 0.5
bad "missing scenario" "nosuch\.yaml" nosuch.yaml --lever inflow.shock --probability 0.5

finish
