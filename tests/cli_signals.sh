#!/usr/bin/env bash
# CLI tests of signals and failed writes: a run directory or population file
# appears complete or not at all (docs/architecture.md, "Signals and outputs").
#  - a full disk, imitated by `ulimit -f` (writes then fail with EFBIG, "File too
#    large", once SIGXFSZ is ignored): exit 1, one line naming the path and the
#    reason, and no run directory, temporary directory or created parent left;
#  - an existing --out refused before any work (exit 2), the file unchanged;
#  - SIGTERM, SIGINT and SIGHUP while simulating: exit 143, 130, 129, nothing left;
#  - the same signals in the write phase. To hit that phase at a known moment the
#    CLI (not the library) reads the test hook STROOM_TEST_PAUSE_BEFORE_RENAME=
#    SECONDS: just before the rename, when every file is in the temporary
#    directory, it prints "stroom: test: pausing ...s before the rename" on stderr
#    and waits that long or until a signal. The tests wait for that line, then
#    signal. The same pause lets a test make --out meanwhile (it must not be
#    replaced) and shows that a SIGHUP ignored at startup (nohup) stays ignored.
# usage: cli_signals.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1

cp "$SRC/tests/data/small.yaml" small.yaml
NAT=$SRC/tests/data/national/national.yaml

# nothing_left NAME DIR...: none of DIR exists and no temporary directory or file
# (.NAME.tmp-PID) is left anywhere under the current directory
nothing_left() {
	local name=$1 d
	shift
	for d in "$@"; do
		check "$name: no $d" test ! -e "$d"
	done
	check "$name: no temporary file ($(find . -name '.*.tmp-*' | head -n 3))" \
		test -z "$(find . -name '.*.tmp-*')"
}

# wait_for FILE REGEX: until FILE has a line matching REGEX (at most 120 s, for
# the sanitizer build); 1 if it never comes
wait_for() {
	local i
	for ((i = 0; i < 1200; i++)); do
		grep -qE -e "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# one_line NAME FILE REGEX: FILE is exactly one line and it matches
one_line() {
	check "$1: one line on stderr (got: $(head -c 300 "$2"))" test "$(grep -c . "$2")" -eq 1
	check "$1: message '$3' (got: $(head -c 300 "$2"))" grep -qE -e "$3" "$2"
}

# --- a full disk while writing a run directory: its parents made for it go too
mkdir keep
( trap '' XFSZ; ulimit -f 64; "$STROOM" run small.yaml --out full/a/b/run --quiet > /dev/null 2> full.err )
rc=$?
check "disk full: exit 1 (got $rc)" test "$rc" -eq 1
one_line "disk full" full.err "^stroom: cannot write 'full/a/b/run/series\.csv': File too large$"
nothing_left "disk full" full
( trap '' XFSZ; ulimit -f 64; "$STROOM" run small.yaml --out keep/new/run --quiet > /dev/null 2> full2.err )
rc=$?
check "disk full under an existing folder: exit 1 (got $rc)" test "$rc" -eq 1
check "disk full: the existing folder stays" test -d keep
check "disk full: only the folders it made go" test -z "$(ls -A keep)"
nothing_left "disk full under keep" keep/new
# a national run writes municipalities.csv too; series.csv is what overflows
( trap '' XFSZ; ulimit -f 64; "$STROOM" run "$NAT" --out natfull/run --quiet > /dev/null 2> natfull.err )
rc=$?
check "national disk full: exit 1 (got $rc)" test "$rc" -eq 1
one_line "national disk full" natfull.err "^stroom: cannot write 'natfull/run/series\.csv': File too large$"
nothing_left "national disk full" natfull

# --- a full disk while writing the population
( trap '' XFSZ; ulimit -f 8; "$STROOM" population small.yaml --out pop.csv > /dev/null 2> popfull.err )
rc=$?
check "population disk full: exit 1 (got $rc)" test "$rc" -eq 1
one_line "population disk full" popfull.err "^stroom: cannot write 'pop\.csv': File too large$"
nothing_left "population disk full" pop.csv

# --- an existing --out is refused before any work and left as it was
"$STROOM" population small.yaml --out pop.csv 2> pop.err
check "population writes (got: $(cat pop.err))" test "$(($(wc -l < pop.csv) - 1))" -eq 1517
cp pop.csv pop.orig
"$STROOM" population small.yaml --out pop.csv > /dev/null 2> popexist.err
rc=$?
check "population --out EXISTING: exit 2 (got $rc)" test "$rc" -eq 2
one_line "population --out EXISTING" popexist.err "^stroom: 'pop\.csv' already exists; remove it or choose another --out$"
check "population --out EXISTING: the file is unchanged" cmp -s pop.csv pop.orig
"$STROOM" population small.yaml --out small.yaml/pop.csv > /dev/null 2> popnotdir.err
rc=$?
check "population into a file's 'directory': exit 2 (got $rc)" test "$rc" -eq 2
one_line "population into a file" popnotdir.err "^stroom: cannot write 'small\.yaml/pop\.csv': 'small\.yaml' is not a directory$"

mkdir taken
start=$SECONDS
"$STROOM" run rotterdam --replicates 2000 --out taken > /dev/null 2> taken.err
rc=$?
check "run --out EXISTING: exit 2 (got $rc)" test "$rc" -eq 2
check "run --out EXISTING: refused before the run ($((SECONDS - start)) s)" test $((SECONDS - start)) -lt 5
one_line "run --out EXISTING" taken.err "^stroom: 'taken' already exists; remove it or choose another --out$"
check "run --out EXISTING: left empty" test -z "$(ls -A taken)"
"$STROOM" run rotterdam --replicates 2000 --out pop.csv > /dev/null 2> takenfile.err
rc=$?
check "run --out FILE: exit 2 (got $rc)" test "$rc" -eq 2
one_line "run --out FILE" takenfile.err "^stroom: 'pop\.csv' already exists \(a file\); remove it or choose another --out$"
"$STROOM" run rotterdam --replicates 2000 --out small.yaml/sub/run > /dev/null 2> notdir.err
rc=$?
check "run --out under a file: exit 2 (got $rc)" test "$rc" -eq 2
one_line "run --out under a file" notdir.err "^stroom: cannot write in 'small\.yaml': it is not a directory$"
"$STROOM" run "$NAT" --out taken > /dev/null 2> nattaken.err
rc=$?
check "national run --out EXISTING: exit 2 (got $rc)" test "$rc" -eq 2
if [ "$(id -u)" -ne 0 ]; then # root writes anywhere
	mkdir locked && chmod 555 locked
	"$STROOM" run rotterdam --replicates 2000 --out locked/a/run > /dev/null 2> locked.err
	rc=$?
	check "run --out in a read-only folder: exit 2 (got $rc)" test "$rc" -eq 2
	one_line "run --out in a read-only folder" locked.err "^stroom: cannot write in 'locked': Permission denied$"
	chmod 755 locked
fi

# --- signals while simulating (rotterdam with 400 replicates runs for many seconds)
for sig in TERM:143 INT:130 HUP:129; do
	name=${sig%%:*} want=${sig##*:}
	"$STROOM" run rotterdam --replicates 400 --threads 2 --out "sim$name/deep/run" > /dev/null 2> "sim$name.err" &
	pid=$!
	sleep 1
	kill -"$name" "$pid"
	wait "$pid"
	rc=$?
	check "SIG$name while simulating: exit $want (got $rc)" test "$rc" -eq "$want"
	one_line "SIG$name while simulating" "sim$name.err" "^stroom: interrupted; no run directory written$"
	nothing_left "SIG$name while simulating" "sim$name"
done
"$STROOM" compare rotterdam rotterdam-herijking --replicates 400 --threads 2 > cmp.out 2> cmp.err &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
check "SIGTERM in compare: exit 143 (got $rc)" test "$rc" -eq 143
one_line "SIGTERM in compare" cmp.err "^stroom: interrupted; no comparison printed$"
check "SIGTERM in compare: nothing printed" test ! -s cmp.out

# --- signals in the write phase, with every file written and not yet renamed
for sig in TERM:143 INT:130 HUP:129; do
	name=${sig%%:*} want=${sig##*:}
	STROOM_TEST_PAUSE_BEFORE_RENAME=60 "$STROOM" run small.yaml --out "wr$name/x/run" > /dev/null 2> "wr$name.err" &
	pid=$!
	if wait_for "wr$name.err" '^stroom: test: pausing'; then
		check "SIG$name while writing: every file is in the temporary directory" \
			test -s "wr$name/x/.run.tmp-$pid/manifest.json"
	else
		no "SIG$name while writing: the pause never came ($(cat "wr$name.err"))"
	fi
	kill -"$name" "$pid"
	wait "$pid"
	rc=$?
	check "SIG$name while writing: exit $want (got $rc)" test "$rc" -eq "$want"
	check "SIG$name while writing: says so ($(cat "wr$name.err"))" \
		test "$(tail -n 1 "wr$name.err")" = "stroom: interrupted; no run directory written"
	nothing_left "SIG$name while writing" "wr$name"
done
# a national run: municipalities.csv goes too
STROOM_TEST_PAUSE_BEFORE_RENAME=60 "$STROOM" run "$NAT" --out natwr/run > /dev/null 2> natwr.err &
pid=$!
wait_for natwr.err '^stroom: test: pausing' || no "national: the pause never came"
check "national while writing: municipalities.csv is written" test -s "natwr/.run.tmp-$pid/municipalities.csv"
kill -TERM "$pid"
wait "$pid"
rc=$?
check "national, SIGTERM while writing: exit 143 (got $rc)" test "$rc" -eq 143
nothing_left "national, SIGTERM while writing" natwr
# the population file
STROOM_TEST_PAUSE_BEFORE_RENAME=60 "$STROOM" population small.yaml --out popw.csv > /dev/null 2> popw.err &
pid=$!
wait_for popw.err '^stroom: test: pausing' || no "population: the pause never came"
check "population while writing: the temporary file is complete" \
	test "$(($(wc -l < ".popw.csv.tmp-$pid") - 1))" -eq 1517
kill -INT "$pid"
wait "$pid"
rc=$?
check "population, SIGINT while writing: exit 130 (got $rc)" test "$rc" -eq 130
check "population, SIGINT while writing: says so" \
	test "$(tail -n 1 popw.err)" = "stroom: interrupted; 'popw.csv' not written"
nothing_left "population, SIGINT while writing" popw.csv

# --- --out made by someone else while the run was written is not replaced
STROOM_TEST_PAUSE_BEFORE_RENAME=1 "$STROOM" run small.yaml --out race --quiet > /dev/null 2> race.err &
pid=$!
wait_for race.err '^stroom: test: pausing' || no "race: the pause never came"
mkdir race
wait "$pid"
rc=$?
check "--out made meanwhile: exit 1 (got $rc)" test "$rc" -eq 1
check "--out made meanwhile: says so ($(cat race.err))" grep -q "^stroom: 'race' already exists (made while this run was written)" race.err
check "--out made meanwhile: left empty" test -z "$(ls -A race)"
nothing_left "--out made meanwhile"
STROOM_TEST_PAUSE_BEFORE_RENAME=1 "$STROOM" population small.yaml --out racepop.csv > /dev/null 2> racepop.err &
pid=$!
wait_for racepop.err '^stroom: test: pausing' || no "population race: the pause never came"
echo mine > racepop.csv
wait "$pid"
rc=$?
check "population file made meanwhile: exit 1 (got $rc)" test "$rc" -eq 1
check "population file made meanwhile: not replaced" test "$(cat racepop.csv)" = mine
nothing_left "population file made meanwhile"

# --- nohup: a SIGHUP ignored at startup stays ignored, and the run completes
bash -c "trap '' HUP; exec env STROOM_TEST_PAUSE_BEFORE_RENAME=1 \"\$0\" run small.yaml --out nohup --quiet" \
	"$STROOM" > nohup.out 2> nohup.err &
pid=$!
wait_for nohup.err '^stroom: test: pausing' || no "nohup: the pause never came"
kill -HUP "$pid"
wait "$pid"
rc=$?
check "ignored SIGHUP: exit 0 (got $rc: $(cat nohup.err))" test "$rc" -eq 0
check "ignored SIGHUP: the run directory is written" test -s nohup/manifest.json
nothing_left "ignored SIGHUP"

finish
