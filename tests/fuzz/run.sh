#!/usr/bin/env bash
# Runs the fuzz targets built in BUILD/fuzz for SECONDS each (`make fuzz`; see
# tests/fuzz/README.md):
#   tests/fuzz/run.sh BUILD SECONDS [TARGET...]     (default: every tests/fuzz/fuzz_*.c)
# Each target starts from the committed seed corpus and regressions
# (tests/fuzz/corpus/TARGET, tests/fuzz/regressions/TARGET), which it only reads;
# what it finds goes to BUILD/fuzz-work/TARGET/corpus. Exits 1 when any target
# finds a crash, a leak, a timeout (an input running over 10 s) or an OOM (over
# 2048 MB): its log's end and the input (base64) are printed, the input is kept
# in BUILD/fuzz-work/TARGET/artifacts/.
set -uo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD SECONDS [TARGET...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$src"/fuzz_*.c; do
    t=$(basename "$f" .c)
    targets+=("${t#fuzz_}")
  done
fi

# The longest input per target: at least its largest seed (libFuzzer cuts longer ones).
max_len() {
  case $1 in
    scenario | budget | budget_panel | rules | observed) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

passed=0
failed=0
for t in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "fuzz_$t: no such target ($bin)" >&2
    failed=$((failed + 1))
    continue
  fi
  work=$build/fuzz-work/$t
  mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
  rm -f "$work/artifacts"/*
  dirs=("$work/corpus" "$src/corpus/$t")
  [ -d "$src/regressions/$t" ] && dirs+=("$src/regressions/$t")
  opts=(-max_total_time="$seconds" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10
        -artifact_prefix="$work/artifacts/" -print_final_stats=1)
  [ -f "$src/$t.dict" ] && opts+=(-dict="$src/$t.dict")
  start=$(date +%s)
  TMPDIR=$work/tmp ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    "$bin" "${opts[@]}" "${dirs[@]}" >"$work/log" 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/log" | tail -1)
  files=$(find "$work/corpus" -type f | wc -l)
  if [ $rc -eq 0 ] && ! ls "$work/artifacts"/* >/dev/null 2>&1; then
    echo "fuzz_$t: ok, ${runs:-?} inputs in ${took}s, ${cov:-no coverage line}, $files new corpus files"
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "fuzz_$t: FAILED (exit $rc) after ${took}s; log $work/log; its end:"
    tail -n 60 "$work/log" | sed 's/^/  /'
    for a in "$work/artifacts"/*; do
      [ -f "$a" ] || continue
      echo "  input $a ($(wc -c <"$a") bytes), base64:"
      head -c 4096 "$a" | base64 | sed 's/^/    /'
    done
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
