#!/usr/bin/env bash
# The agreement of the expected-value engine with the microsimulation on every
# builtin scenario (docs/model.md, "The expected-value engine"): the unit test
# program tests/test_ev with STROOM_EV_BUILTINS set to the replicates per scenario.
# usage: slow_ev.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
prog="$(dirname "$STROOM")/tests/test_ev"
check "test_ev is built" test -x "$prog"
STROOM_EV_BUILTINS=200 "$prog" > "$T/ev.txt" 2>&1
rc=$?
grep '^# ' "$T/ev.txt" | grep -v 'largest z   0.00'
check "every builtin scenario agrees within Monte Carlo error and the stated tolerances" test "$rc" -eq 0
finish
