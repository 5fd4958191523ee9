# Shared by the shell tests (tests/cli_*.sh, tests/slow_*.sh), sourced as
#   . "$(dirname "$0")/lib.sh" "$@"
# with the arguments STROOM_BINARY SOURCE_DIR. Sets STROOM and SRC, T (a
# temporary directory, removed at exit), the counters pass and fail with ok, no
# and check, and finish, which prints "N passed, N failed" (the line CI reads)
# and returns nonzero when anything failed. Every command records into the run
# archive under $T/xdg (XDG_DATA_HOME), never the user's home (docs/archive.md).
set -u
STROOM=$1
SRC=${2:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_DATA_HOME="$T/xdg"
unset STROOM_ARCHIVE
pass=0
fail=0
ok() { pass=$((pass + 1)); }
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok; else no "$name"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
