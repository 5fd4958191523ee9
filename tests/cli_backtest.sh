#!/usr/bin/env bash
# stroom backtest: bad arguments and refused origins exit 2 with one line and
# write nothing; a small backtest on a straight-line record (tests/data/small.yaml,
# short chains) prints the table, scores the line baseline at 0% and no change at
# its known error, and writes backtest.csv, summary.txt and manifest.json.
. "$(dirname "$0")/lib.sh" "$@"

SMALL="$SRC/tests/data/small.yaml"
# a straight line: 1517 households on 2024-01-01 (small.yaml's start), 4 fewer a
# month, monthly from 2023-01 to 2026-01; two yearly inflows
{
	echo "period,indicator,group,value,unit,source"
	for t in $(seq -12 24); do
		y=$((2024 + (t + 1200) / 12 - 100))
		m=$(( ((t % 12) + 12) % 12 + 1 ))
		printf '%04d-%02d-01,caseload,all,%d,households,test: a line\n' "$y" "$m" $((1517 - 4 * t))
	done
	echo "2024,inflow,all,330,households,test"
	echo "2025,inflow,all,320,households,test"
} > "$T/line.csv"
# yearly stocks only: one in any 24 months before 2025-01
cat > "$T/yearly.csv" <<'CSV'
period,indicator,group,value,unit,source
2021-01-01,caseload,all,1600,households,test
2024-01-01,caseload,all,1517,households,test
2025-07-01,caseload,all,1490,households,test
CSV

"$STROOM" backtest --help > "$T/out"
check "help: exit 0" [ $? -eq 0 ]
check "help: the options" grep -q -- "--origins YYYY-MM" "$T/out"
"$STROOM" help | grep -q "backtest SCENARIO --observed FILE --origins" || no "stroom help lists backtest"

bad() {
	local name=$1; shift
	"$STROOM" backtest "$@" --out "$T/bad" > "$T/out" 2> "$T/err"
	local rc=$?
	check "$name: exit 2" [ "$rc" -eq 2 ]
	check "$name: one line" [ "$(wc -l < "$T/err")" -eq 1 ]
	check "$name: nothing written" [ ! -e "$T/bad" ]
	[ "$rc" -eq 2 ] || cat "$T/err"
}
bad "no observed" "$SMALL" --origins 2024-07
bad "no origins" "$SMALL" --observed "$T/line.csv"
bad "bad origin" "$SMALL" --observed "$T/line.csv" --origins 2024-13
grep -q "origins: expected months YYYY-MM separated by commas, got '2024-13'" "$T/err" || no "bad origin: message"
bad "short origin" "$SMALL" --observed "$T/line.csv" --origins 2024-7
bad "origins not ascending" "$SMALL" --observed "$T/line.csv" --origins 2025-01,2024-07
bad "trailing comma" "$SMALL" --observed "$T/line.csv" --origins 2024-07,
bad "bad horizon" "$SMALL" --observed "$T/line.csv" --origins 2024-07 --horizons 0,6
bad "horizons not ascending" "$SMALL" --observed "$T/line.csv" --origins 2024-07 --horizons 6,6
bad "bad draws" "$SMALL" --observed "$T/line.csv" --origins 2024-07 --draws 5
bad "unknown option" "$SMALL" --observed "$T/line.csv" --origins 2024-07 --frobnicate 1
bad "missing file" "$SMALL" --observed "$T/none.csv" --origins 2024-07
bad "unknown scenario" no-such-scenario --observed "$T/line.csv" --origins 2024-07
# refused origins: before the scenario, too few stocks before, nothing after
bad "origin before the start" "$SMALL" --observed "$T/line.csv" --origins 2023-07
grep -q "origin 2023-07: not inside the scenario's months (after its start 2024-01" "$T/err" || no "before the start: message"
bad "too few stocks" "$SMALL" --observed "$T/yearly.csv" --origins 2024-07
grep -q "origin 2024-07: only 1 observed stock of one series counted from 2022-07-01 to 2024-07-01 (the 24 months up to it); the line baseline needs two" "$T/err" || no "too few stocks: message"
head -20 "$T/line.csv" > "$T/early.csv" # stocks to 2024-07-01
bad "nothing to score" "$SMALL" --observed "$T/early.csv" --origins 2024-07 --horizons 6
grep -q "origin 2024-07: no observed row the model produces is dated from 2024-08-01 to 2025-01-01 (the 6 months after it): nothing to score" "$T/err" || no "nothing to score: message"
mkdir "$T/exists"
"$STROOM" backtest "$SMALL" --observed "$T/line.csv" --origins 2024-07 --out "$T/exists" > /dev/null 2> "$T/err"
check "existing --out: exit 2" [ $? -eq 2 ]
check "existing --out: left alone" [ -z "$(ls -A "$T/exists")" ]

# a small backtest: one parameter, short chains
"$STROOM" backtest "$SMALL" --observed "$T/line.csv" --origins 2024-07,2025-01 --horizons 3,6 \
	--param hazard.other.base --chains 2 --iterations 20 --draws 20 --seed 5 --out "$T/bt" \
	> "$T/out" 2> "$T/err"
rc=$?
check "run: exit 0" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T/err"
for f in backtest.csv summary.txt manifest.json; do
	check "run: $f" [ -s "$T/bt/$f" ]
done
check "table: header" grep -q "^origin   horizon    n  MAPE model  no change       line  cover model       line$" "$T/out"
# no change at 2024-07 forecasts 1493 (t = 6); the rows 1-3 months on are 1489,
# 1485, 1481: errors 4/1489, 8/1485, 12/1481, mean 0.54%; the line's error is 0
check "table: 2024-07 at 3 months" grep -Eq "^2024-07 +3 +3 +[0-9.]+% +0\.5% +0\.0% " "$T/out"
check "table: all at 6 months" grep -Eq "^all +6 +6 +[0-9.]+% +1\.4% +0\.0% " "$T/out"
check "csv: a header and 12 rows" [ "$(wc -l < "$T/bt/backtest.csv")" -eq 13 ]
check "csv: a row" grep -q '^2024-07,3,1,caseload,"all",households,2024-08-01,21,1489,.*,1493,1489,1489,1489,19$' "$T/bt/backtest.csv"
check "csv: every median inside its interval" awk -F, 'NR > 1 { if (!($11 <= $10 && $10 <= $12)) bad++ } END { exit bad > 0 }' "$T/bt/backtest.csv"
check "summary: the straddling flow named" grep -q "line 39: 2024 inflow all: not forecast: the period begins before the origin" "$T/bt/summary.txt"
check "summary: the fits" grep -q "^  2025-01: 14 rows fitted, converged: " "$T/bt/summary.txt"
check "manifest: command" grep -q '"command": "backtest"' "$T/bt/manifest.json"
check "manifest: observed sha256" grep -q "\"sha256\": \"$(sha256sum "$T/line.csv" | cut -c1-64)\"" "$T/bt/manifest.json"
check "manifest: horizons" grep -q '"horizons": \[3, 6\]' "$T/bt/manifest.json"
check "no temporary left" [ -z "$(ls -A "$T" | grep '^\.bt')" ]
finish
