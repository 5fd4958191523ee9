#!/usr/bin/env bash
# The run archive (docs/archive.md): two runs with different seeds are recorded in
# $XDG_DATA_HOME/stroom/archive.sqlite and listed newest first; show prints the
# record and its summary; diff names the changed key; export writes a directory
# equal to the run directory byte for byte; rm removes; --no-archive and
# STROOM_ARCHIVE=off record nothing; a compare is recorded with or without --out,
# a calibration once its directory is written;
# a bad ID and a file that is not an archive exit 2 with one line; an archive that
# cannot take the record leaves the run directory complete, with a warning, exit 0.
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1
cp "$SRC/tests/data/small.yaml" small.yaml
DB="$T/xdg/stroom/archive.sqlite"

# rows of `runs list` (without its header)
rows() { "$STROOM" runs list "$@" | tail -n +2; }
# one line on stderr, exit 2
bad() {
	local name=$1 want=$2; shift 2
	"$STROOM" "$@" > bad.out 2> bad.err
	local rc=$?
	check "$name: exit 2 (got $rc)" test "$rc" -eq 2
	check "$name: one line" test "$(wc -l < bad.err)" -eq 1
	check "$name: says '$want'" grep -q -- "$want" bad.err
}

# --- two runs, recorded in the default archive under XDG_DATA_HOME
"$STROOM" run small.yaml --replicates 3 --out r1 > r1.out 2> r1.err
check "run 1: exit 0" test $? -eq 0
check "run 1: says where it is archived" grep -qx "Archived: record 1 in $DB" r1.out
check "the archive is under XDG_DATA_HOME" test -s "$DB"
"$STROOM" run small.yaml --replicates 3 --seed 7 --out r2 --quiet > r2.out 2> r2.err
check "run 2 --quiet: only the directory printed" test "$(cat r2.out)" = r2
check "run 2: nothing on stderr" test ! -s r2.err

rows > list.txt
check "list: two records" test "$(wc -l < list.txt)" -eq 2
check "list: newest first" test "$(awk '{ print $1 }' list.txt | tr '\n' ' ')" = "2 1 "
check "list: kind and scenario" grep -q "^ *1  [0-9T:Z-]*  run  *rotterdam " list.txt
check "list: the run directory" test "$(awk 'NR == 1 { print $NF }' list.txt)" = "$T/r2"
p1=$(sed -n 's/.*P(caseload <= target) = \([0-9.]*\).*/\1/p' r1/summary.txt)
check "list: P(target) as the summary says ($p1)" test "$(awk '$1 == 1 { print $(NF - 1) }' list.txt)" = "$p1"
check "list --limit 1: the newest only" test "$(rows --limit 1 | awk '{ print $1 }')" = 2

# --- show
"$STROOM" runs show 1 > show.txt
check "show: exit 0" test $? -eq 0
check "show: the record" grep -q "^record 1: run of rotterdam, recorded " show.txt
check "show: the command line" grep -q "^  command    stroom run small.yaml --replicates 3 --out r1$" show.txt
check "show: the seed" grep -q "^  seed       20240101$" show.txt
check "show: an input's sha256" grep -q "^  input      small.yaml  sha256 $(sha256sum small.yaml | cut -c1-64)$" show.txt
check "show: ends with summary.txt" bash -c "tail -n \$(wc -l < r1/summary.txt) show.txt | cmp -s - r1/summary.txt"

# --- diff: the seed changed; the headline results of both
"$STROOM" runs diff 1 2 > diff.txt
check "diff: exit 0" test $? -eq 0
check "diff: names the changed scenario key" grep -q "^  scenario.seed: 20240101 -> 7$" diff.txt
check "diff: the replicates did not change" bash -c "! grep -q 'replicates: 3 -> ' diff.txt"
check "diff: P(target) of both" grep -q "^  P(caseload <= 1400 on 2025-07): [0-9.]* -> [0-9.]*$" diff.txt
check "diff: the budget result per year" grep -q "^  budget result 2025 (EUR, median): -[0-9]* -> -[0-9]*$" diff.txt
m1=$(awk -F, '$1 == "2025-07" && $2 == "caseload" && $3 == "all" { printf "%.0f", $7 }' r1/series.csv)
check "diff: the caseload median on the target date ($m1)" grep -q "^  caseload median on 2025-07-01 (target date): $m1 -> " diff.txt
check "diff: series.csv differs" grep -q "^  series.csv: " diff.txt
"$STROOM" runs diff 1 1 > same.txt
check "diff of a record with itself: nothing differs" grep -q "^no setting, scenario key or input differs$" same.txt

# --- export equals the run directory, byte for byte
"$STROOM" runs export 1 exp/one > exp.out
check "export: exit 0" test $? -eq 0
check "export: equal to the run directory" diff -r r1 exp/one
bad "export over an existing directory" "already exists" runs export 2 exp/one
check "export over an existing directory: left as it was" diff -r r1 exp/one

# --- bad IDs and bad archives
bad "show: an ID that is not a number" "ID: expected a record number" runs show abc
bad "show: no such record" "no record 99 in the archive" runs show 99
bad "diff: no such record" "no record 42" runs diff 1 42
bad "rm: no such record" "no record 0\|expected a record number" runs rm 0
printf 'notes, not a database\n' > notes.txt
cp notes.txt notes.orig
bad "run into a file that is not an archive" "'notes.txt' is not a stroom archive" \
	run small.yaml --replicates 2 --archive notes.txt --out rn
check "not an archive: no run directory written" test ! -e rn
check "not an archive: the file left as it was" cmp -s notes.txt notes.orig
bad "list of a file that is not an archive" "is not a stroom archive" runs list --archive notes.txt

# --- --no-archive, STROOM_ARCHIVE=off and --archive PATH
"$STROOM" run small.yaml --replicates 2 --out r3 --no-archive > r3.out
check "--no-archive: ran" test -s r3/series.csv
check "--no-archive: nothing said of the archive" bash -c "! grep -q Archived r3.out"
STROOM_ARCHIVE=off "$STROOM" run small.yaml --replicates 2 --out r4 --quiet > /dev/null
check "--no-archive, STROOM_ARCHIVE=off: still two records" test "$(rows | wc -l)" -eq 2
"$STROOM" run small.yaml --replicates 2 --out r5 --quiet --archive own.sqlite > /dev/null
check "--archive PATH: recorded there" test "$(rows --archive own.sqlite | wc -l)" -eq 1
check "--archive PATH: not in the default" test "$(rows | wc -l)" -eq 2
STROOM_ARCHIVE="$T/env.sqlite" "$STROOM" run small.yaml --replicates 2 --out r6 --quiet > /dev/null
check "STROOM_ARCHIVE=PATH: recorded there" test "$(rows --archive env.sqlite | wc -l)" -eq 1

# --- compare: recorded with --out (export equals it) and without (its files kept)
"$STROOM" compare small.yaml small.yaml --replicates 2 --out cmp > cmp.out
check "compare --out: archived" grep -q "^Archived: record 3 in " cmp.out
"$STROOM" compare small.yaml small.yaml --replicates 2 --json > cmp.json
check "compare --json: stdout is the JSON alone" python3 -c "import json,sys; json.load(open('cmp.json'))"
rows > list2.txt
check "compare: listed as compare" grep -q "^ *3  .*  compare  *rotterdam vs rotterdam .* $T/cmp$" list2.txt
check "compare without --out: no directory" grep -q "^ *4  .*  compare .* -$" list2.txt
"$STROOM" runs export 3 cmp-again > /dev/null
check "compare: export equals its directory" diff -r cmp cmp-again
"$STROOM" runs export 4 cmp-nodir > /dev/null
check "compare without --out: export writes its three files" test "$(ls cmp-nodir | tr '\n' ' ')" = "compare.csv manifest.json summary.txt "

# --- calibrate: recorded once its directory is written (converged or not)
cat > obs.csv <<'CSV'
period,indicator,group,value,unit,source
2017-01-01,caseload,all,38840,households,test
2018-12-31,caseload,all,35292,benefits,test
CSV
"$STROOM" calibrate rotterdam-2017 --observed obs.csv --chains 2 --iterations 20 --out fit --quiet > fit.out 2> fit.err
check "calibrate: its directory written" test -s fit/posterior.csv
check "calibrate: listed as calibrate" grep -q "^ *5  .*  calibrate  *rotterdam-2017  *-  $T/fit$" <(rows)
"$STROOM" runs show 5 > fitshow.txt
check "calibrate: show ends with fit.txt" bash -c "tail -n \$(wc -l < fit/fit.txt) fitshow.txt | cmp -s - fit/fit.txt"
"$STROOM" runs export 5 fit-again > /dev/null
check "calibrate: export equals its directory" diff -r fit fit-again

# --- rm
"$STROOM" runs rm 1 > rm.out
check "rm: exit 0" test $? -eq 0
check "rm: says what it removed" grep -q "^removed record 1 (run of rotterdam, recorded " rm.out
check "rm: gone from the list" test "$(rows | awk '{ print $1 }' | tr '\n' ' ')" = "5 4 3 2 "
bad "show after rm" "no record 1 in the archive" runs show 1
check "rm: the run directory itself stays" test -s r1/series.csv

# --- an archive that cannot take the record: the run stays, a warning, exit 0.
# A file-size limit between series.csv's size and the whole record's (the archive
# holds every file of the run, so it grows past series.csv).
"$STROOM" run small.yaml --replicates 2 --out sized --no-archive --quiet > /dev/null
blocks=$(( ($(stat -c %s sized/series.csv) + 6144) / 1024 ))
( trap '' XFSZ; ulimit -f "$blocks"; "$STROOM" run small.yaml --replicates 2 --out full --archive full.sqlite > full.out 2> full.err )
rc=$?
check "archive full: exit 0 (got $rc)" test "$rc" -eq 0
check "archive full: the run directory is complete" test "$(ls full)" = "$(ls sized)"
check "archive full: its series.csv whole" cmp -s sized/series.csv full/series.csv
check "archive full: one warning naming the directory" grep -q "^stroom: warning: not recorded in the archive: archive '.*full.sqlite': .*; 'full' is complete and stays$" full.err
check "archive full: one line on stderr" test "$(wc -l < full.err)" -eq 1
check "archive full: no partial record" test "$(rows --archive full.sqlite | wc -l)" -eq 0

# the columns stay aligned under a comparison's "A vs B" name longer than the
# column's 24 characters: its directory starts where the header's "directory" does
printf 'extends: small.yaml\nname: a-rather-long-scenario-name\n' > long.yaml
"$STROOM" compare small.yaml long.yaml --replicates 2 --out cmp-long > /dev/null
"$STROOM" runs list --limit 1 > list-long.txt
check "list: the directory column aligned under a long compare name" awk -v d="$T/cmp-long" '
	NR == 1 { col = index($0, "directory") }
	index($0, d) && $0 ~ /a-rather-long-scenario-name/ { at = index($0, d) }
	END { exit !(col > 0 && at == col) }' list-long.txt
finish
