#!/usr/bin/env bash
# stroom explain: on the small rotterdam (tests/data/small.yaml) the table names
# every part, the parts' means add up to the change, each replicate's parts add
# up to its own change in replicates.csv, --out writes its four files all or
# nothing, the Shapley parts do not move with --order, and bad dates, methods,
# orders and instrument places exit 2 with one line.
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1
cp "$SRC/tests/data/small.yaml" small.yaml
# the same with the work teams' FTE doubled from 2024-07 and controls from 2024-09
cat > levers.yaml <<'EOF'
extends: small.yaml
teams:
  werk_zuid: {fte: {2024-01: 2.3185, 2024-07: 4.637}}
  werk_noord: {fte: {2024-01: 2.7507, 2024-07: 5.5014}}
enforcement:
  controls: {2024-09: 600}
  detection: 0.2
  termination_share: 0.5
EOF

"$STROOM" explain --help > help.txt
check "help: exit 0" test $? -eq 0
check "help: usage" grep -q "^usage: stroom explain SCENARIO" help.txt
"$STROOM" help | grep -q "^  explain SCENARIO \[--from YYYY-MM\] \[--to YYYY-MM\]" || no "stroom help lists explain"

# --- the table
"$STROOM" explain small.yaml --from 2024-01 --to 2025-12 > table.txt 2> table.err
check "table: exit 0" test $? -eq 0
check "table: nothing on stderr" test ! -s table.err
check "table: the question" grep -q "^Why the caseload of rotterdam moved from 2024-01 to 2025-12$" table.txt
check "table: the change" grep -qE "^change: [+-][0-9]+ households \[90% interval [+-][0-9]+ to [+-][0-9]+\]$" table.txt
check "table: the labour market moved" grep -qE "^labour market +[+-][0-9]+   \[" table.txt
check "table: no shocks" grep -qE "^shocks +0   \(no change between the dates\)$" table.txt
check "table: teams unchanged" grep -qE "^teams +0   \(no change between the dates\)$" table.txt
check "table: composition" grep -qE "^composition +[+-][0-9]+   \[" table.txt
check "table: chance" grep -qE "^chance +[+-][0-9]+   \[" table.txt
check "table: total" grep -qE "^total +[+-][0-9]+   \[" table.txt
check "table: Shapley" grep -q "^Split: Shapley values over the 1 factor that changes (8 expected-value runs);$" table.txt

# --- several levers: --json, the means add up, and --order does not move them
"$STROOM" explain levers.yaml --json > a.json
check "json: exit 0" test $? -eq 0
"$STROOM" explain levers.yaml --json --order enforcement,teams,shocks > b.json
check "json --order: exit 0" test $? -eq 0
"$STROOM" explain levers.yaml --json --method sequential --order enforcement,teams > s1.json
"$STROOM" explain levers.yaml --json --method sequential --order teams,enforcement > s2.json
check "sequential: exit 0" test -s s1.json -a -s s2.json
if command -v python3 > /dev/null; then
	check "json: the parts add up, teams and controls lower the caseload" python3 -c "
import json
d = json.load(open('a.json'))
assert d['command'] == 'explain' and d['from'] == '2024-01' and d['to'] == '2026-01', d
assert d['method'] == 'shapley' and d['replicates'] == 4 and d['factors_in_split'] == 3
p = {x['name']: x for x in d['parts']}
assert list(p) == ['labour_market', 'shocks', 'teams', 'enforcement', 'composition', 'chance'], list(p)
assert p['teams']['changes'] and p['enforcement']['changes'] and not p['shocks']['changes']
assert p['shocks']['mean'] == 0 and p['teams']['mean'] < 0 and p['enforcement']['mean'] < 0
assert abs(sum(x['mean'] for x in d['parts']) - d['total']['mean']) < 1e-6
assert abs(d['caseload_to'] - d['caseload_from'] - d['total']['mean']) < 1e-6
"
	check "json --order: the same Shapley parts" python3 -c "
import json
a = {x['name']: x for x in json.load(open('a.json'))['parts']}
b = json.load(open('b.json'))
assert [x['name'] for x in b['parts']][:3] == ['enforcement', 'teams', 'shocks']
for x in b['parts']:
    for k in ('mean', 'p05', 'p50', 'p95'):
        assert abs(x[k] - a[x['name']][k]) < 1e-6, (x, a[x['name']])
"
	check "sequential: the order moves the parts, their sum stays" python3 -c "
import json
a, b = json.load(open('s1.json')), json.load(open('s2.json'))
pa = {x['name']: x['mean'] for x in a['parts']}
pb = {x['name']: x['mean'] for x in b['parts']}
assert a['method'] == 'sequential'
assert abs(sum(pa.values()) - sum(pb.values())) < 1e-6
assert max(abs(pa[k] - pb[k]) for k in pa) > 1e-6
"
fi

# --- --out: four files, each replicate adds up
"$STROOM" explain levers.yaml --out out > out.txt 2> out.err
check "out: exit 0" test $? -eq 0
check "out: nothing on stderr" test ! -s out.err
for f in explain.csv replicates.csv summary.txt manifest.json; do
	check "out: $f" test -s "out/$f"
done
check "out: explain.csv header" test "$(head -1 out/explain.csv)" = "part,statistic,value"
check "out: explain.csv rows" grep -qE "^teams,p95,-?[0-9.e-]+$" out/explain.csv
check "out: replicates.csv header" test "$(head -1 out/replicates.csv)" = "replicate,part,households"
check "out: summary.txt is the table" bash -c "head -n \$(wc -l < out/summary.txt) out.txt | cmp -s - out/summary.txt"
check "out: says where" grep -q "^Explain directory: out$" out.txt
if command -v python3 > /dev/null; then
	check "out: each replicate's parts add up to its change" python3 -c "
import csv, collections, json
parts = collections.defaultdict(float); total = {}
for row in csv.DictReader(open('out/replicates.csv')):
    if row['part'] == 'total':
        total[row['replicate']] = float(row['households'])
    else:
        parts[row['replicate']] += float(row['households'])
assert len(total) == 4
for r in total:
    assert abs(parts[r] - total[r]) < 1e-6, (r, parts[r], total[r])
m = json.load(open('out/manifest.json'))
assert m['command'] == 'explain' and m['inputs'] and m['resolved']['name'] == 'rotterdam'
"
fi
"$STROOM" explain levers.yaml --out out > again.txt 2> again.err
check "out exists: exit 2" test $? -eq 2
check "out exists: one line" test "$(wc -l < again.err)" -eq 1
check "out exists: nothing printed" test ! -s again.txt

# --- bad input: exit 2, one line
bad() {
	local name=$1; shift
	"$STROOM" explain "$@" > bad.out 2> bad.err
	check "$name: exit 2" test $? -eq 2
	check "$name: one line" test "$(wc -l < bad.err)" -eq 1
	check "$name: nothing on stdout" test ! -s bad.out
}
bad "from before the run" small.yaml --from 2023-06
check "from before the run: says so" grep -q "^stroom: --from: expected a month from 2024-01 to 2025-12 (the scenario's run), got 2023-06$" bad.err
bad "to after the run" small.yaml --to 2026-02
check "to after the run: says so" grep -q "^stroom: --to: expected a month from 2024-02 to 2026-01" bad.err
bad "to before from" small.yaml --from 2025-01 --to 2024-06
check "to before from: says so" grep -q "^stroom: --to: expected a month after --from (2025-01), got 2024-06$" bad.err
bad "not a month" small.yaml --from 2024-13
check "not a month: says so" grep -q "^stroom: --from: expected a month YYYY-MM, got '2024-13'$" bad.err
bad "method" small.yaml --method banzhaf
bad "order" small.yaml --order weather
check "order: names the factors" grep -q "'weather' is not a factor of this scenario (its factors: labour_market, shocks, teams)" bad.err
bad "option" small.yaml --frm 2024-01
bad "no scenario" --from 2024-01
cat > places.yaml <<'EOF'
extends: small.yaml
instruments:
  scholing: {slots: {2024-03: 50}}
EOF
bad "instrument places" places.yaml
check "instrument places: names the key" grep -q "instruments.scholing.slots: the expected-value engine does not model instrument places yet" bad.err
finish
