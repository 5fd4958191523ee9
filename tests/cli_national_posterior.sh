#!/usr/bin/env bash
# CLI tests of the municipalities table's posterior column: a municipality with
# its own posterior.csv draws from it (a fast work hazard leaves it with fewer
# households than its twin without one); a 4-column table still runs; a posterior
# that does not fit the scenario, a missing file and a sixth column are refused
# by validate with one line naming the municipality, exit 2.
# usage: cli_national_posterior.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1
cat > nat.yaml << 'EOF2'
extends: generic
name: nat
replicates: 8
end: 2026-12
municipalities:
  csv: m.csv
EOF2
mkdir fits
printf '# a hand-made fit: short and medium distance leave fast\ndraw,chain,hazard.work.distance.short,hazard.work.distance.medium\n0,0,0.2,0.08\n1,0,0.21,0.082\n2,1,0.19,0.078\n' > fits/fast.csv
printf 'name,households,inflow_per_year,budget_eur,posterior\nA,1000,210,18350500,\nB,1000,210,18350500,fits/fast.csv\n' > m.csv
"$STROOM" validate nat.yaml > v.out 2> v.err
check "posterior column: validates ($(cat v.err))" test $? -eq 0
"$STROOM" run nat.yaml --threads 2 --quiet --out r1 > /dev/null 2> r1.err
check "posterior column: runs ($(cat r1.err))" test $? -eq 0
a=$(awk -F, '$1 == "A" { print $5 }' r1/municipalities.csv)
b=$(awk -F, '$1 == "B" { print $5 }' r1/municipalities.csv)
check "B (its own fast fit) ends below A ($b < $a - 100)" awk -v a="$a" -v b="$b" 'BEGIN { exit !(b < a - 100) }'
# without the column both are the same scenario: the same median within chance
printf 'name,households,inflow_per_year,budget_eur\nA,1000,210,18350500\nB,1000,210,18350500\n' > m.csv
"$STROOM" run nat.yaml --threads 2 --quiet --out r2 > /dev/null 2> r2.err
check "four columns: runs ($(cat r2.err))" test $? -eq 0
a2=$(awk -F, '$1 == "A" { print $5 }' r2/municipalities.csv)
b2=$(awk -F, '$1 == "B" { print $5 }' r2/municipalities.csv)
check "four columns: A and B alike ($a2, $b2)" awk -v a="$a2" -v b="$b2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 60) }'
check "B without its fit ends above B with it ($b2 > $b)" awk -v a="$b2" -v b="$b" 'BEGIN { exit !(a > b + 100) }'
# refusals
bad() { # NAME LINE
	"$STROOM" validate nat.yaml > /dev/null 2> "$1.err"
	local rc=$?
	check "$1: exit 2 (got $rc)" test $rc -eq 2
	check "$1: one line ($(cat "$1.err"))" test "$(wc -l < "$1.err")" -eq 1
	check "$1: the line" grep -qF "$2" "$1.err"
}
printf 'draw,chain,hazard.work.nope\n0,0,0.2\n' > fits/bad.csv
printf 'name,households,inflow_per_year,budget_eur,posterior\nA,1000,210,18350500,\nB,1000,210,18350500,fits/bad.csv\n' > m.csv
bad unknown "stroom: m.csv:3: municipality B: fits/bad.csv:1:12: header: expected a drawn parameter of scenario B ("
printf 'name,households,inflow_per_year,budget_eur,posterior\nA,1000,210,18350500,fits/nope.csv\n' > m.csv
bad missing "stroom: m.csv:2: municipality A: posterior: cannot read 'fits/nope.csv'"
printf 'name,households,inflow_per_year,budget_eur,posterior,x\nA,1000,210,18350500,,1\n' > m.csv
bad sixth "stroom: m.csv:1: header: expected 5 columns, got 6"
finish
