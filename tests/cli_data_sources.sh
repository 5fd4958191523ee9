#!/usr/bin/env bash
# Every value in data/scenarios/*.yaml says where it comes from: a trailing
# comment naming a seed document and line, a law, a public statistic, a
# derivation, a calibration, "assumption: why", or a section of docs/policy.md
# (which cites the studies behind a lever's prior). Names, descriptions and
# extends lines are exempt; section headers (a key with no value) too.
# usage: cli_data_sources.sh STROOM_BINARY SOURCE_DIR
set -u
SRC=$2
pass=0
fail=0
for f in "$SRC"/data/scenarios/*.yaml; do
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		stripped=${line%%#*}
		# skip comments, blank lines, section headers and exempt keys
		[[ "$stripped" =~ ^[[:space:]]*$ ]] && continue
		[[ "$stripped" =~ ^[[:space:]]*[a-z_0-9]+:[[:space:]]*$ ]] && continue
		[[ "$stripped" =~ ^(name|description|extends): ]] && continue
		if [[ "$line" == *"#"* ]]; then
			comment=${line#*#}
			if [[ "$comment" =~ (seed\ 00[0-9]\ L[0-9]|assumption|calibrated|derived|public\ statistic|Algemene|art\.\ |CBS|docs/policy\.md\ section) ]]; then
				pass=$((pass + 1))
				continue
			fi
			echo "FAIL: $f:$n: comment names no source: $line"
		else
			echo "FAIL: $f:$n: value without a source comment: $line"
		fi
		fail=$((fail + 1))
	done < "$f"
done
echo "$pass passed, $fail failed"
test "$fail" -eq 0
