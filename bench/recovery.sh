#!/usr/bin/env bash
# The full recovery benchmark of `stroom calibrate` (docs/performance.md,
# "Calibration"): tests/test_recovery.c's simulation-based calibration with more
# fits (default 200; the CI test runs 40). Run from the source tree after a
# release build in build/:  bench/recovery.sh [FITS]
set -eu
FITS=${1:-200}
cd "$(dirname "$0")/.."
STROOM_RECOVERY_FITS=$FITS /usr/bin/time -f "%e s wall, %U s user" build/tests/test_recovery 2>&1 |
	grep -E "recovery:|PASSED|FAILED|wall"
