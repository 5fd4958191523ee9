#!/usr/bin/env bash
# CLI tests of `stroom conditions`: the table (every code 2.a-3.g with its rating,
# within 100 columns, no trailing blanks), --json (25 objects, the right fields,
# 2.n absent), --code, the scenario marking (the builtin rotterdam uses LKS, so
# 2.j is marked; a file that switches individual targets on also marks 3.a and
# 3.f), and every bad input exiting 2 with one exact line on stderr and nothing
# on stdout. Until src/cli/cli_main.c dispatches the command the script skips.
# usage: cli_conditions.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"

"$STROOM" conditions --help > "$T/help" 2>/dev/null
check "conditions --help" grep -q '^usage: stroom conditions' "$T/help"

# --- the table
"$STROOM" conditions > "$T/table" 2> "$T/err"
check "table exits 0" test $? -eq 0
check "table: nothing on stderr" test ! -s "$T/err"
check "table: at most 100 columns" test "$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$T/table")" -le 100
check "table: no trailing blanks" test "$(grep -c ' $' "$T/table")" -eq 0
while read -r code rating; do
	check "table: $code rated $rating" grep -Eq "^  ${code/./\\.} +.* ${rating/+/\\+}( |\$)" "$T/table"
done <<'EOF'
2.a GOK
2.b GOK
2.c GOK
2.d MOK
2.e GOK+R
2.f MOK
2.g GOK
2.h GOK
2.i GOK
2.j GOK+R
2.k MOK
2.l GOK+R
2.m GOK
2.o GOK
2.p GOK
2.q GOK
2.r GOK
3.a R
3.b GOK
3.c GOK
3.d MOK
3.e GOK
3.f MOK
3.g GOK
EOF
check "table: 2.n absent" grep -q '^  2\.n  (absent) .*(not in the report)$' "$T/table"
check "table: 3.e levers" grep -q '^  3\.e  Caseload .*teams, capacity\.elasticity$' "$T/table"
check "table: no marks without a scenario" test "$(grep -c '^\*' "$T/table")" -eq 0

# --- JSON
"$STROOM" conditions --json > "$T/json"
check "json exits 0" test $? -eq 0
if command -v python3 > /dev/null; then
	python3 - "$T/json" > "$T/jsoncheck" 2>&1 <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == 25, len(a)
codes = [c["code"] for c in a]
assert codes == ["2." + x for x in "abcdefghijklmnopqr"] + ["3." + x for x in "abcdefg"], codes
for c in a:
    for k in ("name_nl", "name_en", "meaning", "levers", "hazards", "rotterdam_rating", "absent", "lines", "note"):
        assert k in c, (c["code"], k)
    assert "touched" not in c
n = a[codes.index("2.n")]
assert n["absent"] is True and n["rotterdam_rating"] == "-" and n["levers"] == []
e = a[codes.index("2.e")]
assert e["levers"] == ["teams", "capacity.elasticity"] and e["rotterdam_rating"] == "GOK+R"
print("ok")
EOF
	check "json: 25 conditions with their fields ($(tail -1 "$T/jsoncheck"))" grep -qx ok "$T/jsoncheck"
fi

# --- one condition
"$STROOM" conditions --code 2.h > "$T/one"
check "code exits 0" test $? -eq 0
check "code: title" grep -qx '2.h Aftercare (Nazorg)' "$T/one"
check "code: levers" grep -q '^  levers   instruments\.after_exit$' "$T/one"
check "code: at most 100 columns" test "$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$T/one")" -le 100
"$STROOM" conditions --code 3.f --json > "$T/onejson"
check "code json: one object" grep -q '^{"code": "3.f"' "$T/onejson"

# --- a scenario marks what its levers touch
"$STROOM" conditions rotterdam > "$T/rdam" 2> "$T/err"
check "rotterdam exits 0" test $? -eq 0
check "rotterdam: 2.j marked (LKS)" grep -q '^\* 2\.j ' "$T/rdam"
check "rotterdam: footer" grep -q "^\* = touched by the levers of scenario 'rotterdam': " "$T/rdam"
check "rotterdam: summary line" grep -qx '2.j Wage-cost subsidy (LKS) (hazard.lks_share)' "$T/rdam"
"$STROOM" conditions generic > "$T/generic" 2> "$T/err"
check "generic exits 0" test $? -eq 0
check "generic: says whose the ratings are" grep -qx "(the ratings are Rotterdam's, in AEF's 2024 report, not the scenario's)" "$T/generic"
"$STROOM" conditions --json rotterdam > "$T/rdamjson"
check "rotterdam json: touched" grep -q '"touched": true, "levers_used": \["hazard.lks_share"\]' "$T/rdamjson"
cat > "$T/targets.yaml" <<'EOF'
extends: rotterdam
name: with-targets
targets:
  pressure: {2024-01: 1}
EOF
if "$STROOM" conditions "$T/targets.yaml" > "$T/tgt" 2> "$T/tgterr"; then
	check "targets: 3.a marked" grep -q '^\* 3\.a ' "$T/tgt"
	check "targets: 3.f marked" grep -q '^\* 3\.f ' "$T/tgt"
	check "targets: summary" grep -qx '3.f Targets (targets.pressure, targets.work, targets.nondurable)' "$T/tgt"
else
	echo "note: targets.pressure not in the scenario schema yet: $(cat "$T/tgterr")"
fi

# --- bad input: exit 2, one exact line on stderr, nothing on stdout
bad() {
	local want=$1; shift
	"$STROOM" conditions "$@" > "$T/out" 2> "$T/err"
	local rc=$?
	check "bad ($*): exit 2" test $rc -eq 2
	check "bad ($*): stdout empty" test ! -s "$T/out"
	check "bad ($*): message" test "$(cat "$T/err")" = "$want"
}
bad "stroom: conditions: unknown option '--bogus' (see stroom conditions --help)" --bogus
bad "stroom: conditions: one scenario at most, got 'rotterdam' and 'rotterdam-2017'" rotterdam rotterdam-2017
bad "stroom: --code: expected a code like 2.e" --code
bad "stroom: condition '2.z': unknown code (2.a-2.r, 3.a-3.g)" --code 2.z
"$STROOM" conditions no-such-scenario > "$T/out" 2> "$T/err"
check "unknown scenario: exit 2" test $? -eq 2
check "unknown scenario: one line" test "$(wc -l < "$T/err")" -eq 1
check "unknown scenario: names it" grep -q "no-such-scenario" "$T/err"

finish
