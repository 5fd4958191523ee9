#!/usr/bin/env bash
# CLI tests of `stroom budget`: one year's result and safety net worked by hand
# (text and JSON; deficits below, at, between and beyond the thresholds, a surplus,
# the three-band rule of 2016, the multi-year condition with --prior, recoveries),
# the many-municipality table on examples/municipalities.csv (hand-counted
# municipalities beyond 7.5% and 12.5%, JSON) and every bad input exiting 2 with
# one exact line on stderr and nothing on stdout.
# usage: cli_budget.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
EX="$SRC/examples/municipalities.csv"

if ! "$STROOM" budget --help > /dev/null 2> "$T/help.err"; then
	no "budget --help: $(cat "$T/help.err")"
fi

# A line of the text output: label then amount, e.g. row "safety net" 10216875.00
row() { grep -qE "^  $1 +$2( |\$)" "$T/out.txt"; }
one() { "$STROOM" budget "$@" > "$T/out.txt" 2> "$T/err.txt"; }

# Budget EUR 817,350,000.00: 7.5% = 61,301,250.00, 12.5% = 102,168,750.00.
B=(--budget 817350000.00)

# 10% deficit (seed 003: 1.25% paid, 8.75% own risk)
one "${B[@]}" --spending 899085000 --year 2021
check "10%: exit 0 ($(cat "$T/err.txt"))" test $? -eq 0
check "10%: title" grep -q "^BUIG result 2021$" "$T/out.txt"
check "10%: rule" grep -qF "safety-net rule of 2019: 50% of the deficit between 7.5% and 12.5%, 100% above 12.5%" "$T/out.txt"
check "10%: result" grep -qE "^  result +-81735000.00  \(-10.00% of the budget: deficit\)$" "$T/out.txt"
check "10%: safety net" row "safety net" 10216875.00
check "10%: own risk" row "own risk" 71518125.00
check "10%: after" row "result after safety net" -71518125.00
# below the threshold: 6%
one "${B[@]}" --spending 866391000 --year 2021
check "6%: safety net 0" row "safety net" 0.00
check "6%: own risk" row "own risk" 49041000.00
check "6%: why" grep -qF "(no safety net: the deficit is not above 7.5% of the budget)" "$T/out.txt"
# exactly 7.5%: nothing; one cent more: one cent (half of a cent, rounded up)
one "${B[@]}" --spending 878651250.00 --year 2021
check "7.5%: safety net 0" row "safety net" 0.00
check "7.5%: own risk" row "own risk" 61301250.00
one "${B[@]}" --spending 878651250.01 --year 2021
check "7.5% + 1 cent: safety net" row "safety net" 0.01
# exactly 12.5%: own risk 10%
one "${B[@]}" --spending 919518750 --year 2021
check "12.5%: safety net" row "safety net" 20433750.00
check "12.5%: own risk" row "own risk" 81735000.00
# 20%: own risk still 10%
one "${B[@]}" --spending 980820000 --year 2021
check "20%: safety net" row "safety net" 81735000.00
check "20%: own risk" row "own risk" 81735000.00
# a surplus of 10%
one "${B[@]}" --spending 735615000 --year 2021
check "surplus: result" grep -qE "^  result +81735000.00  \(\+10.00% of the budget: surplus\)$" "$T/out.txt"
check "surplus: safety net" row "safety net" 0.00
check "surplus: own risk" row "own risk" 0.00
# 2016: from 5%, 50% to 10%, 75% to 12.5%, 100% above; 13% deficit:
# 20,433,750.00 + 15,325,312.50 + 4,086,750.00 = 39,845,812.50
one "${B[@]}" --spending 923605500 --year 2016
check "2016 13%: rule" grep -qF "safety-net rule of 2016: 50% of the deficit between 5% and 10%, 75% of the deficit between 10% and 12.5%, 100% above 12.5%" "$T/out.txt"
check "2016 13%: safety net" row "safety net" 39845812.50
check "2016 13%: own risk" row "own risk" 66409687.50
# the multi-year condition: surpluses before make the three years no deficit above 7.5%
one "${B[@]}" --spending 899085000 --year 2021 --prior 30000000,20000000
check "prior: safety net 0" row "safety net" 0.00
check "prior: why" grep -qF "(no safety net: the results of the year and the two before, added up, are not a deficit above 7.5%)" "$T/out.txt"
one "${B[@]}" --spending 899085000 --year 2021 --prior -1000000,1000000
check "prior: paid" row "safety net" 10216875.00
one "${B[@]}" --spending 899085000 --year 2021
check "no prior: a note" grep -qF "(the multi-year condition counts the years given: 0 before this one; see --prior)" "$T/out.txt"
# recoveries and other income lower the net spending: net 885,504,753.21;
# paid 0.5 x (68,154,753.21 - 61,301,250.00) = 3,426,751.605 -> 3,426,751.61
one "${B[@]}" --spending 899085000 --recoveries 12345678.90 --other-income 1234567.89 --year 2024
check "recoveries: net" row "net spending" 885504753.21
check "recoveries: result" grep -qE "^  result +-68154753.21  \(-8.34% of the budget: deficit\)$" "$T/out.txt"
check "recoveries: safety net" row "safety net" 3426751.61
# the default year: the latest rules
one "${B[@]}" --spending 899085000
check "default year" grep -q "^BUIG result 2025$" "$T/out.txt"

# --- JSON
"$STROOM" budget "${B[@]}" --spending 899085000 --year 2021 --json > "$T/one.json" 2> "$T/err.txt"
check "json exit 0" test $? -eq 0
for kv in '"year": 2021' '"budget_eur": 817350000.00' '"spending_eur": 899085000.00' \
	'"result_eur": -81735000.00' '"result_pct": -10.0000' '"safety_net_eur": 10216875.00' \
	'"own_risk_eur": 71518125.00' '"eligible": true' '"rule_from_year": 2019'; do
	check "json $kv" grep -qF "  $kv," "$T/one.json"
done
if command -v python3 > /dev/null; then
	check "json parses" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['own_risk_eur'] == 71518125.0 and d['result_pct'] == -10.0" "$T/one.json"
fi

# --- many municipalities (examples/municipalities.csv, counts by hand in docs/budget.md)
"$STROOM" budget --table "$EX" > "$T/table.txt" 2> "$T/err.txt"
check "table: exit 0 ($(cat "$T/err.txt"))" test $? -eq 0
check "table: GM9901 row" grep -qE "^  GM9901 +Aaldersum +-9.00 +-8.20 +-10.50 +-7.90 +-6.00 +-8.80 +-8.40$" "$T/table.txt"
check "table: GM9902 on the boundary" grep -qE "^  GM9902 +Brakkenveen +-7.50 +-7.50 +-7.50 +-7.60 +-12.00 +-3.00 +-7.52$" "$T/table.txt"
check "table: deficit count" grep -qF "deficit above 7.5%: 3 (GM9901 Aaldersum (5), GM9903 Cromvoort (4), GM9909 Ilpenbroek (6))" "$T/table.txt"
check "table: surplus count" grep -qF "surplus above 12.5%: 2 (GM9905 Eemsterdijk (4), GM9907 Gorsselwijk (4))" "$T/table.txt"
check "table: inflow comparison" grep -q "^Inflow rate (% of the caseload)$" "$T/table.txt"
check "table: R-squared row" test "$(grep -c "^  R-squared " "$T/table.txt")" -eq 2
# GM9901 2016: 9% deficit under the 2016 rule: 0.5 x 4% x 48,372,650.00 = 967,453.00
"$STROOM" budget --table "$EX" --years-min 3 > "$T/table3.txt"
check "table: at least 3 years" grep -qF "deficit above 7.5%: 6 (" "$T/table3.txt"
check "table: surplus at least 3" grep -qF "surplus above 12.5%: 4 (" "$T/table3.txt"
"$STROOM" budget --table "$EX" --years-min 5 > "$T/table5.txt"
check "table: at least 5 years" grep -qF "deficit above 7.5%: 2 (GM9901 Aaldersum (5), GM9909 Ilpenbroek (6))" "$T/table5.txt"
check "table: no surplus in 5" grep -qE "surplus above 12.5%: 0$" "$T/table5.txt"
"$STROOM" budget --table "$EX" --json > "$T/table.json"
check "table json: counts" grep -qF '"counts": {"years_min": 4, "deficit_pct": 7.5, "surplus_pct": 12.5, "deficit": 3, "deficit_codes": ["GM9901", "GM9903", "GM9909"], "surplus": 2, "surplus_codes": ["GM9905", "GM9907"]}' "$T/table.json"
check "table json: a year" grep -qF '{"year": 2016, "budget_eur": 48372650.00, "spending_eur": 52726188.50, "result_eur": -4353538.50, "result_pct": -9.0000, "safety_net_eur": 967453.00' "$T/table.json"
if command -v python3 > /dev/null; then
	check "table json parses" python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
assert len(d['municipalities']) == 12
assert len(d['comparisons']) == 2 and d['comparisons'][0]['years'][-1]['year'] == 'period'
" "$T/table.json"
fi
# R-squared by hand (tests/test_budget.c): volume % 10, 0, 0, -10 against 0.1 0.3 0.2 0.4: 90%
cat > "$T/four.csv" << 'EOF'
code,name,year,budget_eur,spending_eur,households,inflow_rate,outflow_rate
A,Anna,2019,1000000,1000000,90,0.1,0.3
B,Bert,2019,1000000,1000000,100,0.3,0.3
C,Cees,2019,1000000,1000000,100,0.2,0.3
D,Dora,2019,1000000,1000000,110,0.4,0.3
EOF
"$STROOM" budget --table "$T/four.csv" > "$T/four.txt"
check "R-squared 90%" grep -qE "^  R-squared +90.0% +90.0%$" "$T/four.txt"
check "group means" grep -qE "^  deficit group +40.0% +40.0%$" "$T/four.txt"

# --- bad input: exit 2, one line on stderr, nothing on stdout
bad() {
	local want=$1; shift
	"$STROOM" budget "$@" > "$T/bad.out" 2> "$T/bad.err"
	local rc=$?
	if [ $rc -ne 2 ]; then no "exit $rc for: $* ($(cat "$T/bad.err"))"; return; fi
	if [ -s "$T/bad.out" ]; then no "stdout not empty for: $*"; return; fi
	if [ "$(cat "$T/bad.err")" != "$want" ]; then
		no "message for: $*: got '$(cat "$T/bad.err")', want '$want'"
		return
	fi
	ok
}
bad "stroom: budget -817350000.00: expected an amount above 0" --budget -817350000 --spending 1
bad "stroom: budget 0.00: expected an amount above 0" --budget 0 --spending 1
bad "stroom: spending -1.00: expected an amount of 0 or more, up to 10000000000.00" "${B[@]}" --spending -1
bad "stroom: --budget: expected an amount in euro with at most 2 decimals, like 817350000.00, got '817350000.123'" --budget 817350000.123 --spending 1
bad "stroom: --spending: expected an amount in euro with at most 2 decimals, like 817350000.00, got '1e6'" "${B[@]}" --spending 1e6
# a Dutch-written amount: the line says how to write it
bad "stroom: --budget: expected an amount in euro with at most 2 decimals, like 817350000.00, got '146.804.000' (numbers take no thousands separator and '.' as decimal point: did you mean 146804000?)" --budget 146.804.000 --spending 1
bad "stroom: --spending: expected an amount in euro with at most 2 decimals, like 817350000.00, got '155.000.000,50' (numbers take no thousands separator and '.' as decimal point: did you mean 155000000.50?)" "${B[@]}" --spending 155.000.000,50
bad "stroom: year 2014: no safety-net rule (data/budget/safety-net.csv starts in 2015)" "${B[@]}" --spending 1 --year 2014
bad "stroom: --year: expected a whole number from 1900 to 2200, got '20x'" "${B[@]}" --spending 1 --year 20x
bad "stroom: budget: --spending is required (or --table FILE.csv; see stroom budget --help)" "${B[@]}"
bad "stroom: budget: --budget is required (or --table FILE.csv; see stroom budget --help)" --spending 1
bad "stroom: budget: unknown option '--frobnicate' (see stroom budget --help)" --frobnicate
bad "stroom: --budget: needs a value" --budget
bad "stroom: budget: use --table or --budget/--spending, not both" --table "$EX" "${B[@]}"
bad "stroom: budget: --years-min is for --table" "${B[@]}" --spending 1 --years-min 3
bad "stroom: --years-min: expected a whole number from 1 to 100, got '0'" --table "$EX" --years-min 0
bad "stroom: --prior: expected an amount in euro with at most 2 decimals, like 817350000.00, got 'x'" "${B[@]}" --spending 1 --prior 1,x
bad "stroom: budget: cannot read '$T/none.csv': No such file or directory" --table "$T/none.csv"
{ head -8 "$EX"; echo "GM9901,Aaldersum,2016,48372650.001,1,1,0.3,0.3"; } > "$T/bad1.csv"
bad "stroom: $T/bad1.csv:9: column budget_eur: expected an amount in euro with at most 2 decimals, like 817350000.00, got '48372650.001'" --table "$T/bad1.csv"
{ head -9 "$EX"; echo "GM9901,Aaldersum,2017,-5,1,1,0.3,0.3"; } > "$T/bad2.csv"
bad "stroom: $T/bad2.csv:10: column budget_eur: expected an amount above 0, got '-5'" --table "$T/bad2.csv"
{ head -9 "$EX"; echo "GM9901,Aaldersum,2016,5,1,1,0.3,0.3"; } > "$T/bad3.csv"
bad "stroom: $T/bad3.csv:10: column year: expected each year once per code (also on line 9), got '2016'" --table "$T/bad3.csv"
{ head -8 "$EX"; echo "GM9901,Aaldersum,2014,5,1,1,0.3,0.3"; } > "$T/bad4.csv"
bad "stroom: $T/bad4.csv:9: column year: expected a year with safety-net rules (from 2015), got '2014'" --table "$T/bad4.csv"
{ head -8 "$EX"; echo "GM9901,Aaldersum,2016,5,1,1,0.3"; } > "$T/bad5.csv"
bad "stroom: $T/bad5.csv:9: expected 8 fields, got 7" --table "$T/bad5.csv"
{ head -8 "$EX"; echo "GM9901,Aaldersum,2016,5,1,1,0.3,abc"; } > "$T/bad6.csv"
bad "stroom: $T/bad6.csv:9: column outflow_rate: expected a share of the caseload from 0 to 1 (e.g. 0.302), a percentage (30.2%) or empty, got 'abc'" --table "$T/bad6.csv"
printf 'from_year,first_threshold\n' > "$T/rules.csv"
bad "stroom: $T/rules.csv:1: header: expected 11 columns, got 2" "${B[@]}" --spending 1 --safety-net "$T/rules.csv"

finish
