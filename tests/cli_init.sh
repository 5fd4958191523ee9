#!/usr/bin/env bash
# CLI tests of `stroom init` and the plausibility warnings: init scales generic's
# teams' FTE, budget, other spending and inflow with the households (caseload per
# FTE and money per household held, at several sizes), comments every scaled
# value, and the written scenario validates without warnings and runs, starting
# at its households; --observed takes the start, stock and composition from an
# observed file (latest or first stock); --budget sets the budget; every bad
# argument and an existing --out exit 2 with one line and write nothing. validate
# and run warn on issue 12's Utrecht example, naming the keys, and not on the
# builtins; the builtin generic runs and stays near its 1,000 households.
# usage: cli_init.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"

"$STROOM" init --help > "$T/help.txt" 2>&1
check "init --help: exit 0" test $? -eq 0
check "init --help: usage" grep -q "^usage: stroom init NAME --households N" "$T/help.txt"
check "stroom help lists init" sh -c "'$STROOM' help | grep -q '^  init NAME --households N'"

# value FILE REGEX: the number after the key matched by REGEX in FILE (of a series
# {YYYY-MM: V, ...}: its first value; of a prior {normal: [M, S]}: M)
value() { grep -m1 -E "$2" "$1" | sed -E 's/^ *[a-z_]+: *//; s/^\{[0-9]{4}-[0-9]{2}: //; s/^\{normal: \[//; s/[^0-9.e+-].*$//'; }
# near A B TOL: |A - B| <= TOL * |B|
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= t * m) }'; }

# generic's own figures per household (1,000 households)
"$STROOM" run generic --dump-defaults > "$T/generic.yaml"
g_short=$(grep -A4 '^  short:' "$T/generic.yaml" | value /dev/stdin 'fte:')
check "generic: short team FTE 0.96 ($g_short)" near "$g_short" 0.96 1e-9

# init at three sizes: FTE / households and budget / households are generic's
# (other spending is a ratio to the caseload, so it needs no scaling); every
# scaled value says how it was scaled
for n in 50 10800 40000; do
	"$STROOM" init "m$n" --households $n --out "$T/m$n.yaml" > "$T/m$n.out" 2> "$T/m$n.err"
	check "init $n: exit 0 ($(cat "$T/m$n.err"))" test $? -eq 0
	check "init $n: prints the file" grep -qxF "$T/m$n.yaml" "$T/m$n.out"
	f="$T/m$n.yaml"
	check "init $n: extends generic" grep -qx "extends: generic" "$f"
	check "init $n: households" grep -qE "^  households: $n +#" "$f"
	for team in short:0.96 medium:5.4 long:1.733; do
		name=${team%%:*} g=${team#*:}
		fte=$(grep -A1 "^  $name:" "$f" | value /dev/stdin 'fte:')
		check "init $n: $name FTE per household held ($fte)" near "$(awk -v x="$fte" -v n=$n 'BEGIN{print x / n}')" "$(awk -v g=$g 'BEGIN{print g / 1000}')" 1e-5
		check "init $n: $name FTE commented" sh -c "grep -A1 '^  $name:' '$f' | grep -q \"FTE = generic's $g FTE x .* / 1,000 households (its caseload per FTE held\""
	done
	b=$(value "$f" 'start_eur:')
	check "init $n: budget per household held ($b)" near "$(awk -v x="$b" -v n=$n 'BEGIN{print x / n}')" 18350.5 1e-6
	check "init $n: budget commented" grep -q "start_eur: .* # EUR .* households x EUR 18,350 (generic's 2024 budget per household" "$f"
	# other spending is generic's ratio x the caseload x a price: it scales by itself
	check "init $n: no fixed other spending" sh -c "! grep -q 'other_spending_eur:' '$f'"
	check "init $n: other spending commented" grep -q "^  # other spending: generic's budget.other_ratio 0.1553 x the caseload x budget.other_price_eur (EUR 18,350 a household-year in 2024)" "$f"
	i=$(value "$f" 'per_year:')
	check "init $n: generic's steady start inherited" sh -c "! grep -q '^  start:' '$f'"
	check "init $n: inflow per household held ($i)" near "$(awk -v x="$i" -v n=$n 'BEGIN{print x / n}')" 0.241 1e-6
	"$STROOM" validate "$f" > "$T/v$n.out" 2> "$T/v$n.err"
	check "init $n: the file validates" test $? -eq 0
	check "init $n: no warnings ($(cat "$T/v$n.err"))" test ! -s "$T/v$n.err"
done
# the caseload per FTE on the start date, as the warnings compute it, is generic's
# (the resolved scenario's teams against the synthesised households)
"$STROOM" run "$T/m10800.yaml" --replicates 4 --threads 2 --quiet --out "$T/run10800" > /dev/null 2> "$T/run10800.err"
check "init 10800: runs ($(cat "$T/run10800.err"))" test $? -eq 0
check "init 10800: the run starts at 10,800" grep -qE '^  2024 +10,800 ' "$T/run10800/summary.txt"

# --budget: the given budget, commented
"$STROOM" init b --households 2000 --budget 41000000 --out "$T/b.yaml" > /dev/null 2> "$T/b.err"
check "init --budget: exit 0 ($(cat "$T/b.err"))" test $? -eq 0
check "init --budget: start_eur" grep -q "^  start_eur: 41000000.00  # stroom init --budget: EUR 41,000,000 in 2024 (EUR 20,500 a household)" "$T/b.yaml"
"$STROOM" run "$T/b.yaml" --replicates 2 --threads 2 --quiet --out "$T/runb" > /dev/null 2>&1
check "init --budget: the run's 2024 budget is EUR 41.0m" grep -qE '^  2024 +41\.0 ' "$T/runb/summary.txt"

# --observed: the latest stock (default) or the first; the composition of that day
cat > "$T/obs.csv" << 'EOF'
period,indicator,group,value,unit,source
2018-12-31,caseload,all,5000,benefits,"test"
2021-12-31,caseload,all,4200,benefits,"test"
2021-12-31,caseload,all,4100,households,"test"
2021-12-31,caseload,>5y,0.5,share,"test"
2021-12-31,caseload,single,2050,households,"test"
2021-12-31,caseload,single_parent,1230,households,"test"
2021-12-31,caseload,couple,820,households,"test"
2021,inflow,all,900,households,"test"
EOF
"$STROOM" init o --observed "$T/obs.csv" --out "$T/o.yaml" > /dev/null 2> "$T/o.err"
check "init --observed: exit 0 ($(cat "$T/o.err"))" test $? -eq 0
check "init --observed: start from the latest stock" grep -qE "^start: 2022-01 +# .*obs.csv: the latest stock of group all \(4,100 households\)" "$T/o.yaml"
check "init --observed: households from the stock (households before benefits)" grep -qE "^  households: 4100 " "$T/o.yaml"
check "init --observed: type normalised" grep -q "^  type: \[0.5000, 0.3000, 0.2000\]" "$T/o.yaml"
# >5y observed 0.5; the other bands generic's (0.18, 0.12, 0.24 of 0.54) rescaled to 0.5
check "init --observed: duration blended" grep -q "^  duration: \[0.1667, 0.1111, 0.2222, 0.5000\]  # .*>5y observed on 2022-01; the other bands generic's shares rescaled" "$T/o.yaml"
check "init --observed: FTE from the start" grep -qE "^    fte: \{2022-01: " "$T/o.yaml"
check "init --observed: the observed composition, not the steady state" grep -qE "^  start: given +# the observed composition" "$T/o.yaml"
check "init --observed: no inflow shock written (the start pool holds the past leavers)" sh -c "! grep -q '^  shock:' '$T/o.yaml'"
"$STROOM" run "$T/o.yaml" --dump-defaults > "$T/o.dump" 2> /dev/null
check "init --observed: generic's start pool inherited" grep -qE "^  start_pool: steady" "$T/o.dump"
check "init --observed: no inflow shock inherited" grep -qE "^  shock: \{\}" "$T/o.dump"
check "init --observed: budget of 2022" grep -q "x EUR 15,054 (generic's 2022 budget per household" "$T/o.yaml"
"$STROOM" validate "$T/o.yaml" > /dev/null 2> "$T/o.verr"
check "init --observed: validates without warnings ($(cat "$T/o.verr"))" test ! -s "$T/o.verr"
"$STROOM" init o1 --observed "$T/obs.csv" --from first --out "$T/o1.yaml" > /dev/null 2> "$T/o1.err"
check "init --from first: exit 0 ($(cat "$T/o1.err"))" test $? -eq 0
check "init --from first: start 2019-01" grep -qE "^start: 2019-01 " "$T/o1.yaml"
check "init --from first: 5,000 households" grep -qE "^  households: 5000 " "$T/o1.yaml"

# sizes whose scaled inflow has three decimals in %g (9,808 x 0.241 = 2363.728, sd
# 235.392; 333: 80.253): written with at most two, never like a grouped number
# the scenario refuses; the README's Utrecht extract with --from latest (9,808)
for n in 333 1234 7777 9808; do
	"$STROOM" init s$n --households $n --out "$T/s$n.yaml" > /dev/null 2> "$T/s$n.err"
	check "init $n households: exit 0 ($(head -c 200 "$T/s$n.err"))" test $? -eq 0
	check "init $n: the inflow prior with at most 2 decimals" \
		grep -qE "^  per_year: \{normal: \[[0-9]+(\.[0-9]{1,2})?, [0-9]+(\.[0-9]{1,2})?\]\}" "$T/s$n.yaml"
done
check "init 9808: the inflow 2363.73, sd 235.39" grep -q "^  per_year: {normal: \[2363.73, 235.39\]}" "$T/s9808.yaml"
"$STROOM" import cbs "$SRC/examples/utrecht/82015NED_TypedDataSet.csv" --municipality GM0344 --out "$T/u-obs.csv" 2> /dev/null
"$STROOM" init ul --observed "$T/u-obs.csv" --out "$T/ul.yaml" > /dev/null 2> "$T/ul.err"
check "init --observed Utrecht, from latest: exit 0 ($(head -c 200 "$T/ul.err"))" test $? -eq 0
check "init --observed Utrecht, from latest: 9,808 households on 2021-01" \
	bash -c "grep -qE '^start: 2021-01 ' '$T/ul.yaml' && grep -qE '^  households: 9808 ' '$T/ul.yaml'"
"$STROOM" init o2 --observed "$T/obs.csv" --households 4000 --out "$T/o2.yaml" > /dev/null 2>&1
check "init --observed --households: the given households" grep -qE "^  households: 4000 +# stroom init --households" "$T/o2.yaml"

# refusals: one line, exit 2, nothing written
refuse() { # NAME EXPECTED-LINE ARGS...
	local name=$1 want=$2; shift 2
	mkdir -p "$T/r_$name"
	(cd "$T/r_$name" && "$STROOM" init "$@" > out.txt 2> err.txt)
	local rc=$?
	check "refuse $name: exit 2 (got $rc)" test $rc -eq 2
	check "refuse $name: one line ($(cat "$T/r_$name/err.txt"))" test "$(wc -l < "$T/r_$name/err.txt")" -eq 1
	check "refuse $name: the line" grep -qF "$want" "$T/r_$name/err.txt"
	check "refuse $name: nothing written" test "$(ls -A "$T/r_$name" | tr '\n' ' ')" = "err.txt out.txt "
}
refuse no-households "stroom: --households: expected the number of households on benefit" x
refuse zero "stroom: --households: expected a whole number of households from 1 to 10000000, got '0'" x --households 0
refuse dutch-thousands "stroom: --households: expected a whole number of households from 1 to 10000000, got '8.000' (numbers take no thousands separator and '.' as decimal point: did you mean 8000?)" x --households 8.000
refuse plain-decimal "stroom: --households: expected a whole number of households from 1 to 10000000, got '2.4'" x --households 2.4
check "refuse plain-decimal: no separator hint (2.4 is no Dutch-written number)" bash -c "! grep -q 'did you mean' '$T/r_plain-decimal/err.txt'"
refuse fraction "got '1.5'" x --households 1.5
refuse words "got 'many'" x --households many
refuse too-many "got '10000001'" x --households 10000001
refuse no-name "stroom: init: expected a scenario NAME" --households 10
refuse bad-name "stroom: NAME: expected 1 to 31 characters" "bad name" --households 10
refuse two-names "stroom: init: expected one NAME, got 'y'" x y --households 10
refuse option "stroom: init: expected NAME, --households" x --households 10 --frobnicate
refuse budget "stroom: --budget: expected an amount in euro above 0" x --households 10 --budget 1,000
refuse budget0 "got '0'" x --households 10 --budget 0
refuse from "stroom: --from: expected --observed FILE with it" x --households 10 --from first
refuse from-word "stroom: --from: expected latest or first, got 'last'" x --observed "$T/obs.csv" --from last
refuse missing-value "stroom: --out: expected a value, got ''" x --households 10 --out
refuse huge "stroom: init: the scenario would not pass validate (nothing written): " x --households 250000
refuse observed-missing "nope.csv" x --observed nope.csv
printf 'period,indicator,group,value,unit,source\n2021,inflow,all,900,households,"t"\n' > "$T/nostock.csv"
refuse observed-nostock "stroom: --observed: expected a caseload stock of group all" x --observed "$T/nostock.csv"
printf 'period,indicator,group,value,unit,source\n2014-12-31,caseload,all,900,households,"t"\n' > "$T/old.csv"
refuse observed-old "expected a start year that generic's budget table covers (data/budget/generic.csv: 2017-2030), got 2015" x --observed "$T/old.csv"
printf 'period,indicator,group,value,unit,source\n2021-12-31,caseload,all,900,households,"t"\n2021-12-31,caseload,<27,0.7,share,"t"\n2021-12-31,caseload,55+,0.6,share,"t"\n' > "$T/over.csv"
refuse observed-over "stroom: --observed: expected the age groups of 2022-01 to sum to at most 1" x --observed "$T/over.csv"
# an existing --out is refused and left as it was
echo "keep" > "$T/exists.yaml"
"$STROOM" init x --households 10 --out "$T/exists.yaml" > /dev/null 2> "$T/exists.err"
check "refuse existing --out: exit 2" test $? -eq 2
check "refuse existing --out: the line" grep -qxF "stroom: '$T/exists.yaml' already exists; remove it or choose another --out" "$T/exists.err"
check "refuse existing --out: unchanged" test "$(cat "$T/exists.yaml")" = keep
# the default --out is NAME.yaml, refused the second time
mkdir "$T/def" && (cd "$T/def" && "$STROOM" init town --households 300 > /dev/null 2>&1)
check "default --out NAME.yaml" test -s "$T/def/town.yaml"
(cd "$T/def" && "$STROOM" init town --households 300 > /dev/null 2>&1)
check "default --out: a second init is refused" test $? -eq 2

# warnings: issue 12's Utrecht example warns on validate and run, naming the keys
printf 'extends: rotterdam\nname: utrecht\npopulation:\n  households: 10800\n' > "$T/utrecht.yaml"
"$STROOM" validate "$T/utrecht.yaml" > "$T/u.out" 2> "$T/u.err"
check "utrecht example: validate still exits 0" test $? -eq 0
check "utrecht example: five warnings (rotterdam's other spending is a ratio to the caseload)" test "$(grep -c '^stroom: warning: ' "$T/u.err")" -eq 5
for k in "teams.jongeren.fte, population.households" "teams.werk_zuid.fte, population.households: 26.5 households per FTE" \
	"teams.werk_noord.fte" "teams.prestatie010.fte" "budget.table, population.households: a BUIG budget of EUR 55935"; do
	check "utrecht example warns: $k" grep -qF "stroom: warning: $k" "$T/u.err"
done
"$STROOM" run "$T/utrecht.yaml" --replicates 2 --threads 2 --quiet --out "$T/urun" > /dev/null 2> "$T/urun.err"
check "utrecht example: run warns too" test "$(grep -c '^stroom: warning: ' "$T/urun.err")" -eq 5
for s in $("$STROOM" scenarios | awk '{print $1}'); do
	"$STROOM" validate "$s" > /dev/null 2> "$T/w_$s.err"
	check "builtin $s: no warning ($(head -1 "$T/w_$s.err"))" test ! -s "$T/w_$s.err"
done

# the builtin generic runs, one area, and holds near its 1,000 households
"$STROOM" run generic --replicates 20 --threads 2 --quiet --out "$T/g" > /dev/null 2> "$T/g.err"
check "generic runs ($(cat "$T/g.err"))" test $? -eq 0
g2030=$(awk '$1 == 2030 && NF >= 6 { gsub(",", "", $2); print $2; exit }' "$T/g/summary.txt")
check "generic: 2030 caseload within 15% of 1,000 ($g2030)" near "$g2030" 1000 0.15
check "generic: one area" grep -qx "areas: \[gemeente\]" "$T/generic.yaml"
check "generic: one caseload row of group all a month (the area is not called all)" \
	test "$(grep -c '^2024-01,caseload,all,' "$T/g/series.csv")" -eq 1
check "generic: its area's caseload" grep -q '^2024-01,caseload,gemeente,' "$T/g/series.csv"
check "generic: no Rotterdam names" sh -c "! grep -qiE 'zuid|noord|prestatie010:|jongeren|werk_' '$T/generic.yaml'"

finish
