#!/usr/bin/env bash
# The backcast check of docs/model.md: `rotterdam-2017` at its default replicates
# must land within 5% of the observed 32,649 households on 2024-01-01 (seed 000
# L607-609), with the > 5 years share rising from 43% toward 55% and the covid
# peak on 2021-01-01 above 2020-01-01. Also runs the default scenario once.
# usage: slow_backcast.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1

"$STROOM" run rotterdam-2017 --out bc --quiet > /dev/null
check "backcast ran" test -s bc/series.csv
p50() { awk -F, -v m="$1" -v i="$2" -v g="$3" '$1==m && $2==i && $3==g {print $7}' bc/series.csv; }
mean() { awk -F, -v m="$1" -v i="$2" -v g="$3" '$1==m && $2==i && $3==g {print $4}' bc/series.csv; }
final=$(p50 2024-01 caseload all)
echo "rotterdam-2017: median caseload on 2024-01-01 = $final (observed 32,649)"
check "within 5% of 32,649 (got $final)" awk -v x="$final" 'BEGIN { exit !(x >= 0.95 * 32649 && x <= 1.05 * 32649) }'
s17=$(awk -v a="$(mean 2017-01 caseload '>5y')" -v b="$(mean 2017-01 caseload all)" 'BEGIN { print a / b }')
s24=$(awk -v a="$(mean 2024-01 caseload '>5y')" -v b="$(mean 2024-01 caseload all)" 'BEGIN { print a / b }')
echo "share > 5 years: $s17 (2017) -> $s24 (2024)"
check "> 5y share starts between 38% and 46% (got $s17)" awk -v x="$s17" 'BEGIN { exit !(x >= 0.38 && x <= 0.46) }'
check "> 5y share rises toward 55% (got $s24)" awk -v x="$s24" 'BEGIN { exit !(x >= 0.50 && x <= 0.62) }'
check "covid peak: 2021-01 above 2020-01" awk -v a="$(p50 2021-01 caseload all)" -v b="$(p50 2020-01 caseload all)" 'BEGIN { exit !(a > b) }'

"$STROOM" run --out base --quiet > /dev/null
check "default scenario runs with its 200 replicates" grep -q '"replicates": 200' base/manifest.json
check "default scenario horizon ends 2030-12" grep -q '^2030-12,caseload,all,' base/series.csv

finish
