#!/usr/bin/env bash
# The run directory's legend files: groups.csv gives every group of series.csv its
# dimension and label, indicators.csv every indicator of series.csv and budget.csv
# its unit (series.csv: eurocent, budget.csv: EUR), manifest.json lists both, and
# series.csv's header stays as it was.
# usage: cli_groups.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1

"$STROOM" run "$SRC/tests/data/small.yaml" --replicates 4 --threads 1 --quiet --out r > out.txt 2> err.txt
rc=$?
check "run exits 0 (got $rc: $(cat err.txt))" test "$rc" -eq 0
check "series.csv header unchanged" test "$(head -n 1 r/series.csv)" = "month,indicator,group,mean,p05,p25,p50,p75,p95"
check "groups.csv header" test "$(head -n 1 r/groups.csv)" = "group,dimension,label"
check "indicators.csv header" test "$(head -n 1 r/indicators.csv)" = "file,indicator,unit,label"
check "manifest lists groups.csv" grep -q '"files": \[[^]]*"groups.csv"' r/manifest.json
check "manifest lists indicators.csv" grep -q '"files": \[[^]]*"indicators.csv"' r/manifest.json

# every (group, the dimension its indicator implies) of series.csv is a row of groups.csv
# with a label; the team and instrument rows are of those dimensions
awk -F, 'NR > 1 { d = $2 ~ /^team_/ ? "team" : $2 ~ /^instrument_/ ? "instrument" : "engine"; print $3 "\t" d }' \
	r/series.csv | sort -u > used.tsv
awk -F, 'NR > 1 && $2 != "" && $3 != "" {
	d = ($2 == "team" || $2 == "instrument") ? $2 : "engine"; print $1 "\t" d }' r/groups.csv | sort -u > listed.tsv
check "series.csv has groups" test "$(wc -l < used.tsv)" -ge 17
check "every group of series.csv is in groups.csv with a dimension and label" \
	test -z "$(comm -23 used.tsv listed.tsv)"
check "groups.csv lists no group series.csv lacks" test -z "$(comm -13 used.tsv listed.tsv)"
check "groups.csv: one row per group" test "$(($(wc -l < r/groups.csv) - 1))" -eq "$(wc -l < used.tsv)"
for row in "all,all," "short,distance," "long,distance," "zuid,area," "noord,area," "<1y,duration," \
	">5y,duration," "<27,age," "55+,age," "single,type," "couple,type," "jongeren,team," \
	"nazorg,instrument,"; do
	check "groups.csv: $row" grep -qF "$row" r/groups.csv
done
check "groups.csv: a label a reader understands" grep -qxF '2-5y,duration,on benefit 2 to 5 years' r/groups.csv
check "groups.csv: dimensions are the known ones" \
	test -z "$(awk -F, 'NR > 1 && $2 !~ /^(all|distance|area|duration|age|type|team|instrument)$/' r/groups.csv)"

# every indicator of series.csv and budget.csv has its unit
for f in series.csv budget.csv; do
	awk -F, 'NR > 1 { print $2 }' "r/$f" | sort -u > "ind-$f"
	awk -F, -v f="$f" 'NR > 1 && $1 == f && $3 != "" { print $2 }' r/indicators.csv | sort -u > "unit-$f"
	check "$f has indicators" test -s "ind-$f"
	check "every indicator of $f has a unit in indicators.csv" test -z "$(comm -23 "ind-$f" "unit-$f")"
	check "indicators.csv lists no indicator $f lacks" test -z "$(comm -13 "ind-$f" "unit-$f")"
done
check "series.csv money is in eurocent" \
	test -z "$(awk -F, '$1 == "series.csv" && $2 ~ /_eurocent$/ && $3 != "eurocent per month"' r/indicators.csv)"
check "series.csv: caseload in households" grep -qxF 'series.csv,caseload,households,households on benefit on the 1st of the month' r/indicators.csv
check "budget.csv money is in EUR" \
	test -z "$(awk -F, '$1 == "budget.csv" && $2 != "result_pct" && $3 != "EUR per year"' r/indicators.csv)"
check "budget.csv: result_pct in percent" grep -q '^budget.csv,result_pct,percent of the budget,' r/indicators.csv
# the units say what the numbers are: 2024's benefits of series.csv (eurocent a month,
# summed over the year) over 100 are within the spending of budget.csv (EUR a year)
awk -F, 'FNR == 1 { file++ } file == 1 && $1 ~ /^2024-/ && $2 == "spending_benefit_eurocent" && $3 == "all" { s += $4 }
	file == 2 && $1 == 2024 && $2 == "spending" { b = $3 }
	END { print s / 100, b }' r/series.csv r/budget.csv > money.txt
check "2024: series.csv's benefits / 100 are at most budget.csv's spending ($(cat money.txt))" \
	awk '{ exit !($1 > 0.5 * $2 && $1 <= $2) }' money.txt
finish
