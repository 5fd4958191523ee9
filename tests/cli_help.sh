#!/usr/bin/env bash
# Every command answers `stroom CMD --help` and `stroom help CMD` with exit 0 and
# its usage on stdout; an unknown command's help is one line and exit 2.
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1
for cmd in run compare target explain validate scenarios population benefit budget conditions report \
	calibrate backtest init runs schema version; do
	"$STROOM" "$cmd" --help > help.out 2> help.err
	check "$cmd --help: exit 0" test $? -eq 0
	check "$cmd --help: its usage" grep -q "^usage: stroom $cmd" help.out
	check "$cmd --help: nothing on stderr" test ! -s help.err
	"$STROOM" help "$cmd" > help2.out 2> help2.err
	check "help $cmd: exit 0" test $? -eq 0
	check "help $cmd: the same text" cmp -s help.out help2.out
done
"$STROOM" import --help > help.out 2> help.err
check "import --help: exit 0 and its usage" grep -q "^usage: stroom import" help.out
"$STROOM" run --help > help.out
check "run --help: names its options" grep -q -- "--fixed-parameters" help.out
check "run --help: the exit codes" grep -q "^exit codes:" help.out
check "run --help: not another command's block" bash -c "! grep -q '^  compare' help.out"
check "run --help: the archive's options" grep -q -- "--no-archive" help.out
"$STROOM" help > help.out
check "help: the whole usage" grep -q "^commands:" help.out
"$STROOM" help nope > help.out 2> help.err
check "help nope: exit 2" test $? -eq 2
check "help nope: one line" test "$(wc -l < help.err)" -eq 1
check "help nope: says so" grep -q "^stroom: help: unknown command 'nope'" help.err
finish
