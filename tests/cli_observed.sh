#!/usr/bin/env bash
# CLI tests of `stroom import cbs`: the small CBS extracts of tests/data/cbs (both
# shapes, OData JSON and semicolon CSV, of tables 82015NED and 85615NED) give the
# expected rows for Rotterdam (GM0599) and Utrecht (GM0344), by code, by label
# with --regions; every bad input exits 2 with one line on stderr and writes
# nothing; `stroom import cbs --help` works.
# usage: cli_observed.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
D="$SRC/tests/data/cbs"

"$STROOM" import cbs --help > "$T/help.txt" 2> "$T/help.err"
check "import cbs --help: exit 0" test $? -eq 0
check "import cbs --help: usage" grep -q "^usage: stroom import cbs FILE --municipality" "$T/help.txt"
"$STROOM" import --help > /dev/null 2>&1
check "import --help: exit 0" test $? -eq 0
check "stroom help lists import" sh -c "'$STROOM' help | grep -q '^  import cbs FILE'"

# imp NAME ARGS...: runs import cbs ARGS --out $T/NAME.csv; stderr in $T/NAME.err
imp() { local n=$1; shift; "$STROOM" import cbs "$@" --out "$T/$n.csv" 2> "$T/$n.err"; }
# has NAME LINE: the output holds exactly this line
has() { grep -qxF "$2" "$T/$1.csv"; }
rows() { grep -cv '^#' "$T/$1.csv"; }

# 82015NED (benefits per month), both shapes: the measure below the AOW age, the
# total of the Uitkeringsgrondslag dimension only, a null month skipped
for shape in json csv; do
	imp b$shape "$D/82015NED_TypedDataSet.$shape" --municipality GM0599
	check "82015NED $shape: exit 0 ($(cat "$T/b$shape.err"))" test $? -eq 0
	check "82015NED $shape: 4 rows and a header" test "$(rows b$shape)" -eq 5
	check "82015NED $shape: January" has b$shape '2018-01-31,caseload,all,36890,benefits,"CBS StatLine 82015NED, BijstandsuitkeringenTotDeAOWLeeftijd_2, 2018MM01, GM0599"'
	check "82015NED $shape: February (leap rule)" has b$shape '2018-02-28,caseload,all,36640,benefits,"CBS StatLine 82015NED, BijstandsuitkeringenTotDeAOWLeeftijd_2, 2018MM02, GM0599"'
	check "82015NED $shape: April" has b$shape '2018-04-30,caseload,all,36110,benefits,"CBS StatLine 82015NED, BijstandsuitkeringenTotDeAOWLeeftijd_2, 2018MM04, GM0599"'
	check "82015NED $shape: no part of a dimension" sh -c "! grep -q ',1200,' '$T/b$shape.csv'"
	check "82015NED $shape: says what it wrote" grep -qxF "stroom: wrote 4 rows for GM0599 to $T/b$shape.csv" "$T/b$shape.err"
done
check "82015NED: both shapes give the same rows" bash -c "diff <(grep -v '^#' '$T/bjson.csv') <(grep -v '^#' '$T/bcsv.csv')"

# 85615NED (inflow and outflow per quarter and year), Utrecht, both shapes
for shape in json csv; do
	imp f$shape "$D/85615NED_TypedDataSet.$shape" --municipality gm0344
	check "85615NED $shape: exit 0 ($(cat "$T/f$shape.err"))" test $? -eq 0
	check "85615NED $shape: 15 rows and a header" test "$(rows f$shape)" -eq 16
	check "85615NED $shape: inflow Q1" has f$shape '2018-Q1,inflow,all,620,benefits,"CBS StatLine 85615NED, InstroomBijstandsuitkeringen_1, 2018KW01, GM0344"'
	check "85615NED $shape: inflow year" has f$shape '2018,inflow,all,2410,benefits,"CBS StatLine 85615NED, InstroomBijstandsuitkeringen_1, 2018JJ00, GM0344"'
	check "85615NED $shape: exits Q3" has f$shape '2018-Q3,exits,all,600,benefits,"CBS StatLine 85615NED, UitstroomBijstandsuitkeringen_2, 2018KW03, GM0344"'
	check "85615NED $shape: exit_work year" has f$shape '2018,exit_work,all,1180,benefits,"CBS StatLine 85615NED, UitstroomNaarWerk_3, 2018JJ00, GM0344"'
	check "85615NED $shape: other reasons not mapped" sh -c "! grep -q UitstroomOverigeRedenen '$T/f$shape.csv'"
done

# a name: by --regions (the RegioS dimension file)
imp name "$D/82015NED_TypedDataSet.json" --municipality rotterdam --regions "$D/82015NED_RegioS.json"
check "by name: exit 0 ($(cat "$T/name.err"))" test $? -eq 0
check "by name: the same rows as by code" bash -c "diff <(grep -v '^#' '$T/name.csv') <(grep -v '^#' '$T/bjson.csv')"

# a name: by the labels of the file's RegioS column (an export with labels)
printf '"ID";"RegioS";"Perioden";"TotaalBijstandsuitkeringen_1"\n"0";"Rotterdam";"2018MM12";"35292"\n"1";"Utrecht";"2018MM12";"9800"\n' > "$T/in_labels.csv"
imp labels "$T/in_labels.csv" --municipality rotterdam --table 82015NED
check "by label: exit 0 ($(cat "$T/labels.err"))" test $? -eq 0
check "by label: the row" has labels '2018-12-31,caseload,all,35292,benefits,"CBS StatLine 82015NED, TotaalBijstandsuitkeringen_1, 2018MM12, Rotterdam"'
check "by label: one row" test "$(rows labels)" -eq 2

# bad input: exit 2, one line, nothing written
bad() { # NAME EXPECTED-STDERR ARGS...
	local n=$1 msg=$2; shift 2
	"$STROOM" import cbs "$@" --out "$T/$n.csv" > "$T/$n.out" 2> "$T/$n.err"
	local rc=$?
	check "$n: exit 2 (got $rc)" test $rc -eq 2
	check "$n: message ($(cat "$T/$n.err"))" test "$(cat "$T/$n.err")" = "$msg"
	check "$n: nothing written" test ! -e "$T/$n.csv"
	check "$n: no temporary file" sh -c "! ls -A '$T' | grep -q '^\.$n'"
}
bad noregion "stroom: $D/82015NED_TypedDataSet.json: expected rows of region GM0999 with a value, got none" \
	"$D/82015NED_TypedDataSet.json" --municipality GM0999
bad name_noregions "stroom: --municipality: expected a CBS region code (GM0599) or, with --regions FILE, a region name, got 'Rotterdam'" \
	"$D/82015NED_TypedDataSet.json" --municipality Rotterdam
bad name_unknown "stroom: --municipality: expected a region title in '$D/82015NED_RegioS.json', got 'Atlantis'" \
	"$D/82015NED_TypedDataSet.json" --municipality Atlantis --regions "$D/82015NED_RegioS.json"
printf '{"odata.metadata": "x", "rows": []}\n' > "$T/shape.json"
bad shape "stroom: $T/shape.json: expected the OData JSON of a CBS table ({\"odata.metadata\": ..., \"value\": [{...}, ...]} with at least one row), got another shape" \
	"$T/shape.json" --municipality GM0599
printf '{"value": [1,\n' > "$T/broken.json"
bad broken "stroom: $T/broken.json:2:0: expected the OData JSON of a CBS table, got invalid JSON (']' expected near end of file)" \
	"$T/broken.json" --municipality GM0599
printf '"ID";"RegioS";"Perioden";"Bevolking_1"\n"0";"GM0599";"2018MM01";"650000"\n' > "$T/in_nomeasure.csv"
bad nomeasure "stroom: $T/in_nomeasure.csv: expected a usable measure (a key such as TotaalBijstandsuitkeringen_1, Instroom..._N or Uitstroom..._N), got none of 4 keys" \
	"$T/in_nomeasure.csv" --municipality GM0599
printf '"ID";"Perioden";"TotaalBijstandsuitkeringen_1"\n"0";"2018MM01";"1"\n' > "$T/in_noregio.csv"
bad noregio "stroom: $T/in_noregio.csv: expected the keys RegioS and Perioden of a CBS regional table, got no RegioS" \
	"$T/in_noregio.csv" --municipality GM0599
printf '"ID";"RegioS";"Perioden";"TotaalBijstandsuitkeringen_1"\n"0";"GM0599";"2018XX01";"1"\n' > "$T/in_period.csv"
bad period "stroom: $T/in_period.csv: row 1: Perioden: expected a CBS period code (2018MM01, 2018KW01, 2018JJ00), got '2018XX01'" \
	"$T/in_period.csv" --municipality GM0599
printf '"ID";"RegioS";"Perioden";"TotaalBijstandsuitkeringen_1"\n"0";"GM0599";"2018MM01"\n' > "$T/in_fields.csv"
bad fields "stroom: $T/in_fields.csv:2: expected 4 fields as in the header (line 1), got 3" \
	"$T/in_fields.csv" --municipality GM0599
printf '"ID";"RegioS";"Perioden";"TotaalBijstandsuitkeringen_1"\n"0";"GM0599";"2018MM01";"\xff"\n' > "$T/in_utf8.csv"
bad utf8 "stroom: $T/in_utf8.csv:2:26: invalid UTF-8 byte 0xff" "$T/in_utf8.csv" --municipality GM0599
bad missing "stroom: import cbs: cannot read '$T/none.json': No such file or directory" \
	"$T/none.json" --municipality GM0599
bad noargs "stroom: import cbs: expected FILE, --municipality and --out (see stroom import --help)" \
	"$D/82015NED_TypedDataSet.json"
bad badtable "stroom: --table: expected a CBS table id (82015NED), got 'x'" \
	"$D/82015NED_TypedDataSet.json" --municipality GM0599 --table x
mkdir "$T/in_dir"
bad dir "stroom: import cbs: '$T/in_dir' is not a regular file (a directory)" "$T/in_dir" --municipality GM0599
truncate -s $((64 * 1024 * 1024 + 1)) "$T/in_big.json"
bad big "stroom: import cbs: '$T/in_big.json' is larger than the limit of 64 MiB for a CBS StatLine export" \
	"$T/in_big.json" --municipality GM0599
# an existing output is never replaced
echo keep > "$T/exists.csv"
"$STROOM" import cbs "$D/82015NED_TypedDataSet.json" --municipality GM0599 --out "$T/exists.csv" 2> "$T/exists.err"
check "existing --out: exit 2" test $? -eq 2
check "existing --out: kept" test "$(cat "$T/exists.csv")" = keep
"$STROOM" import other x > /dev/null 2> "$T/other.err"
check "import other: exit 2" test $? -eq 2
check "import other: message" grep -qxF "stroom: import: expected the source 'cbs', got 'other' (see stroom import --help)" "$T/other.err"

finish
