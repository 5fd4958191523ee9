#!/usr/bin/env bash
# The agreement of the expected-value engine with the microsimulation on every
# builtin scenario at full size (docs/model.md section 10, "Agreement"): the unit
# test program tests/test_ev with STROOM_EV_BUILTINS set to the replicates per
# scenario (200). Prints each scenario's series that are not 0 everywhere.
# usage: slow_ev.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
prog="$(dirname "$STROOM")/tests/test_ev"
check "test_ev is built" test -x "$prog"
STROOM_EV_BUILTINS=200 "$prog" > "$T/ev.txt" 2>&1
rc=$?
grep '^# ' "$T/ev.txt" | grep -v 'largest z   0.00'
for s in rotterdam rotterdam-2017 rotterdam-herijking aef-annex-a generic; do
	check "$s is compared at full size" grep -q "^# $s: [0-9]* comparisons, 200 replicates" "$T/ev.txt"
done
check "every builtin scenario agrees within Monte Carlo error and the stated tolerances" test "$rc" -eq 0
finish
