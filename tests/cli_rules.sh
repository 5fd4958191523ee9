#!/usr/bin/env bash
# CLI tests of `stroom benefit`: every case of tests/rules/cases.txt through
# --json, against the fixture data (--rules-dir tests/data/rules) and against the
# builtin rules once data/rules/norms.csv exists; the readable table, --trace,
# --earnings-range (text and JSON); every bad input exiting 2 with one exact line
# on stderr and nothing on stdout.
# usage: cli_rules.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
FIX="$SRC/tests/data/rules"


# "817.35" -> 81735; "1200" -> 120000; "0.00" -> 0
cents() {
	local v=$1 e d
	case $v in
	*.*) e=${v%%.*}; d=${v#*.}; d=${d}00; d=${d:0:2} ;;
	*) e=$v; d=00 ;;
	esac
	echo $((10#$e * 100 + 10#$d))
}

json_int() { sed -n "s/^  \"$1\": \\([0-9-]*\\),\$/\\1/p" "$2"; }

# --- the case table
run_cases() {
	local label=$1; shift
	local n=0 line f args opt exp excl got gotx data
	while IFS= read -r line; do
		line=${line%%#*}
		read -r -a f <<< "$line"
		[ ${#f[@]} -eq 0 ] && continue
		n=$((n + 1))
		args=(benefit --json --date "${f[0]}" --household "${f[1]}" --age "${f[2]}"
			--earnings "${f[5]}" --disregard-months-used "${f[6]}" --sanction "${f[7]}")
		[ "${f[3]}" != "-" ] && args+=(--partner-age "${f[3]}")
		[ "${f[4]}" != "0" ] && args+=(--sharers "${f[4]}")
		data=-
		if [ "${f[8]}" != "-" ]; then
			IFS=, read -r -a opts <<< "${f[8]}"
			for opt in "${opts[@]}"; do
				case $opt in
				children) args+=(--children) ;;
				child12) args+=(--child-under-12) ;;
				students=*) args+=(--students "${opt#*=}") ;;
				commercial=*) args+=(--commercial "${opt#*=}") ;;
				institution=*) args+=(--institution "${opt#*=}") ;;
				aged2126=*) args+=(--aged-21-26 "${opt#*=}") ;;
				birth=*) args+=(--birth "${opt#*=}") ;;
				pbirth=*) args+=(--partner-birth "${opt#*=}") ;;
				data=*) data=${opt#*=} ;;
				dataonly) [ "$label" = builtin ] || { n=$((n - 1)); continue 2; } ;;
				*) no "$label case $n: unknown option $opt"; continue 2 ;;
				esac
			done
		fi
		"$STROOM" "${args[@]}" "$@" > "$T/case.json" 2> "$T/case.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			no "$label case ${f[*]}: exit $rc: $(cat "$T/case.err")"
			continue
		fi
		got=$(json_int amount_eurocent "$T/case.json")
		gotx=$(json_int amount_excl_holiday_eurocent "$T/case.json")
		exp=${f[9]}
		excl=${f[10]:--}
		# the builtin data keeps another source's amount for this case
		if [ "$label" = builtin ] && [ "$data" != "-" ]; then exp=$data; excl=-; fi
		if { [ "$exp" != "-" ] && [ "$got" != "$(cents "$exp")" ]; } ||
			{ [ "$excl" != "-" ] && [ "$gotx" != "$(cents "$excl")" ]; }; then
			no "$label case ${f[*]}: got $got (excl $gotx)"
		else
			ok
		fi
	done < "$SRC/tests/rules/cases.txt"
	check "$label: at least 100 cases" test "$n" -ge 100
}

run_cases fixture --rules-dir "$FIX"
if "$STROOM" benefit --date 2024-01-01 --household single --age 35 > /dev/null 2> "$T/builtin.err"; then
	run_cases builtin
elif grep -q "no builtin data/rules/norms.csv" "$T/builtin.err"; then
	echo "note: builtin rules absent (no data/rules/norms.csv at build time): fixture cases only"
else
	no "builtin rules: $(cat "$T/builtin.err")"
fi

# --- the readable table and the trace
R=(--rules-dir "$FIX")
"$STROOM" benefit --date 2024-01-01 --household single --age 35 --sharers 3 --earnings 817.35 \
	--trace "${R[@]}" > "$T/table.txt" 2> "$T/table.err"
check "table exits 0 ($(cat "$T/table.err"))" test $? -eq 0
check "table title" grep -q "^Bijstand on 2024-01-01: single, age 35, 3 cost-sharers$" "$T/table.txt"
check "table norm" grep -qE "^  norm incl. holiday allowance +794.75$" "$T/table.txt"
check "table disregard" grep -qE "^  disregard +204.34$" "$T/table.txt"
check "table earnings counted" grep -qE "^  earnings counted +613.01$" "$T/table.txt"
check "table benefit" grep -qE "^  benefit incl. holiday allowance +181.74$" "$T/table.txt"
check "table benefit excl" grep -qE "^  benefit excl. holiday allowance +172.65$" "$T/table.txt"
check "trace married norm with its date" grep -qF \
	"Participatiewet art. 21 sub b | norm married, both 21 to pension age | 1834.04 | valid from 2024-01-01" "$T/table.txt"
check "trace cost-sharer norm" grep -qF \
	"Participatiewet art. 22a lid 1 | cost-sharer norm (40% + A x 30%) / A x B | 794.75" "$T/table.txt"
check "trace A" grep -qF "Participatiewet art. 22a lid 1 | A: cost-sharers, the person and partner included | 3" "$T/table.txt"
check "trace disregard maximum" grep -qF \
	"Participatiewet art. 31 lid 2 sub n | disregard maximum per month | 264.00 | valid from 2024-01-01" "$T/table.txt"
check "trace shares" grep -qF "Participatiewet art. 31 lid 2 sub n | disregard share | 25%" "$T/table.txt"
"$STROOM" benefit --date 2024-01-01 --household single --age 35 "${R[@]}" > "$T/notrace.txt"
check "no trace without --trace" test "$(grep -c "Trace" "$T/notrace.txt")" -eq 0

# --- JSON: the required keys and the trace array
"$STROOM" benefit --date 2024-01-01 --household couple --age 35 --partner-age 19 --sharers 3 \
	--json "${R[@]}" > "$T/one.json"
for k in amount_eurocent amount_excl_holiday_eurocent norm_eurocent disregard_eurocent sanction_eurocent; do
	check "json key $k" grep -q "^  \"$k\": [0-9]*,$" "$T/one.json"
done
check "json amount" test "$(json_int amount_eurocent "$T/one.json")" = 111169
check "json trace step" grep -qF \
	'{"article": "Participatiewet art. 20 lid 1 sub a", "parameter": "norm single 18-20", "value": 31694, "unit": "eurocent", "valid_from": "2024-01-01"}' "$T/one.json"
check "json trace null date" grep -qF '"unit": "count", "valid_from": null}' "$T/one.json"
if command -v python3 > /dev/null; then
	check "json parses" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d['trace'], list) and len(d['trace']) > 5" "$T/one.json"
fi

# --- does work pay?
"$STROOM" benefit --date 2024-01-01 --household single --age 35 --earnings-range 0:2000:250 \
	"${R[@]}" > "$T/range.txt" 2> "$T/range.err"
check "range exits 0 ($(cat "$T/range.err"))" test $? -eq 0
check "range: 9 levels" test "$(grep -cE '^ +[0-9]+\.[0-9]{2} ' "$T/range.txt")" -eq 9
check "range: first level" grep -qE "^ +0.00 +1283.83 +1283.83 +-$" "$T/range.txt"
check "range: 75% while disregarded" grep -qE "^ +250.00 +1096.33 +1346.33 +75.0%$" "$T/range.txt"
check "range: 94.4% as the disregard reaches its maximum" grep -qE "^ +1250.00 +297.83 +1547.83 +94.4%$" "$T/range.txt"
check "range: 100% above the disregard maximum" grep -qE "^ +1500.00 +47.83 +1547.83 +100.0%$" "$T/range.txt"
check "range: 0% off benefit" grep -qE "^ +2000.00 +0.00 +2000.00 +0.0%$" "$T/range.txt"
"$STROOM" benefit --date 2024-01-01 --household single --age 35 --earnings-range 0:500:250 \
	--disregard-months-used 6 --json "${R[@]}" > "$T/range.json"
check "range json levels" test "$(grep -c '"earnings_eurocent"' "$T/range.json")" -eq 3
check "range json first rate null" grep -qF '{"earnings_eurocent": 0, "amount_eurocent": 128383, "income_eurocent": 128383, "disregard_eurocent": 0, "marginal_rate": null}' "$T/range.json"
check "range json 100% after six months" grep -qF '"earnings_eurocent": 25000, "amount_eurocent": 103383, "income_eurocent": 128383, "disregard_eurocent": 0, "marginal_rate": 1.0000}' "$T/range.json"
if command -v python3 > /dev/null; then
	check "range json parses" python3 -c "import json,sys; assert len(json.load(open(sys.argv[1]))) == 3" "$T/range.json"
fi

# --- sanctions by category
"$STROOM" benefit --date 2024-01-01 --household single --age 35 --sanction-category rotterdam:cat1 \
	"${R[@]}" > "$T/sanction.txt"
check "sanction category line" grep -q "^Sanction rotterdam:cat1: 30% of the norm for 1 month" "$T/sanction.txt"
check "sanction applied" grep -qE "^  sanction +385.15$" "$T/sanction.txt"
"$STROOM" benefit --date 2024-01-01 --household single --age 35 --sanction-category rotterdam:cat2 \
	--json "${R[@]}" > "$T/sanction.json"
check "sanction 100% json" test "$(json_int amount_eurocent "$T/sanction.json")" = 0

check "help exits 0" "$STROOM" benefit --help > /dev/null

# --- bad input: exit 2, exactly this one line on stderr, nothing on stdout
bad() {
	local want=$1; shift
	"$STROOM" benefit "$@" > "$T/bad.out" 2> "$T/bad.err"
	local rc=$?
	if [ $rc -ne 2 ]; then no "exit $rc for: $* ($(cat "$T/bad.err"))"; return; fi
	if [ -s "$T/bad.out" ]; then no "stdout not empty for: $*"; return; fi
	if [ "$(cat "$T/bad.err")" != "$want" ]; then
		no "message for: $*: got '$(cat "$T/bad.err")', want '$want'"
		return
	fi
	ok
}
D=(--date 2024-01-01 --household single --age 35)
bad "stroom: benefit: unknown option '--frobnicate' (see stroom benefit --help)" "${D[@]}" --frobnicate
bad "stroom: benefit: --date is required (see stroom benefit --help)" --household single --age 35
bad "stroom: benefit: --household is required (see stroom benefit --help)" --date 2024-01-01 --age 35
bad "stroom: benefit: --age is required (see stroom benefit --help)" --date 2024-01-01 --household single
bad "stroom: --age: needs a value" --date 2024-01-01 --household single --age
bad "stroom: --date: expected a date YYYY-MM-DD, got '2025-13-01'" --date 2025-13-01 --household single --age 35
bad "stroom: --date: expected a date YYYY-MM-DD, got '2025-02-29'" --date 2025-02-29 --household single --age 35
bad "stroom: --date: expected a date YYYY-MM-DD, got 'yesterday'" --date yesterday --household single --age 35
bad "stroom: --date 2014-06-01: no norms before 2015-01-01 (earliest covered)" --date 2014-06-01 --household single --age 35 "${R[@]}"
bad "stroom: --household: expected single, single_parent or couple, got 'family'" --date 2024-01-01 --household family --age 35
bad "stroom: --age: expected a whole number from 18 to 120, got '17'" --date 2024-01-01 --household single --age 17
bad "stroom: --age: expected a whole number from 18 to 120, got '3x'" --date 2024-01-01 --household single --age 3x
bad "stroom: --partner-age: expected a whole number from 18 to 120, got '121'" --date 2024-01-01 --household couple --age 35 --partner-age 121
bad "stroom: benefit: --partner-age is required for a couple" --date 2024-01-01 --household couple --age 35
bad "stroom: benefit: --partner-age is for couples only" "${D[@]}" --partner-age 30
bad "stroom: benefit: --children is for couples only" "${D[@]}" --children
bad "stroom: benefit: --child-under-12 is for single parents only" "${D[@]}" --child-under-12
bad "stroom: --sharers: expected a whole number from 1 to 20, got '0'" "${D[@]}" --sharers 0
bad "stroom: --students: expected a whole number from 0 to 20, got '-1'" "${D[@]}" --students -1
bad "stroom: --earnings: expected an amount in euro from 0 to 1000000 with at most 2 decimals, like 817.35, got '12.345' (numbers take no thousands separator and '.' as decimal point: did you mean 12345?)" "${D[@]}" --earnings 12.345
bad "stroom: --earnings: expected an amount in euro from 0 to 1000000 with at most 2 decimals, like 817.35, got '-5'" "${D[@]}" --earnings -5
bad "stroom: --earnings: expected an amount in euro like 817.35, got '12.'" "${D[@]}" --earnings 12.
bad "stroom: --disregard-months-used: expected a whole number from 0 to 1200, got 'six'" "${D[@]}" --disregard-months-used six
bad "stroom: --sanction: expected a whole number from 0 to 100, got '101'" "${D[@]}" --sanction 101
bad "stroom: benefit: use --sanction or --sanction-category, not both" "${D[@]}" --sanction 30 --sanction-category rotterdam:cat1
bad "stroom: --sanction-category: expected MUNICIPALITY:CATEGORY[:OFFENCE], e.g. rotterdam:cat1, got 'rotterdam'" "${D[@]}" --sanction-category rotterdam "${R[@]}"
bad "stroom: --sanction-category: expected a whole number from 1 to 99, got '0'" "${D[@]}" --sanction-category rotterdam:cat1:0 "${R[@]}"
bad "stroom: sanction rotterdam:cat9: unknown category (known for rotterdam: uniform_work, cat1, cat2, responsibility, misconduct; see data/rules/sanctions.csv)" "${D[@]}" --sanction-category rotterdam:cat9 "${R[@]}"
bad "stroom: benefit: use --earnings or --earnings-range, not both" "${D[@]}" --earnings 100 --earnings-range 0:100:10
bad "stroom: --earnings-range: expected FROM <= TO and STEP > 0, at most 10000 levels, got '0:100:0'" "${D[@]}" --earnings-range 0:100:0
bad "stroom: --earnings-range: expected FROM <= TO and STEP > 0, at most 10000 levels, got '500:100:10'" "${D[@]}" --earnings-range 500:100:10
bad "stroom: --earnings-range: expected FROM:TO:STEP in euro, e.g. 0:2500:100, got '0-2500'" "${D[@]}" --earnings-range 0-2500
bad "stroom: --birth: expected a month YYYY-MM, got '1960'" "${D[@]}" --birth 1960
bad "stroom: birth_month 1960-03: a person born then is 63 in 2024-01, but the age given is 35" "${D[@]}" --birth 1960-03 "${R[@]}"
bad "stroom: sharers 1: the household itself counts 2 persons of 21 or older (0 = no cost-sharers)" --date 2024-01-01 --household couple --age 35 --partner-age 40 --sharers 1 "${R[@]}"
bad "stroom: sharers_student + sharers_commercial + sharers_institution + sharers_aged_21_26 = 2: more than the 1 co-resident in sharers" "${D[@]}" --sharers 2 --students 1 --commercial 1 "${R[@]}"
bad "stroom: rules: cannot read '$T/none.csv': No such file or directory" "${D[@]}" --norms "$T/none.csv"
printf 'name,value\n' > "$T/constants.csv"
bad "stroom: $T/constants.csv:1:12: header: expected column 'article', got ''" "${D[@]}" --norms "$FIX/norms.csv" --constants "$T/constants.csv"

finish
