#!/usr/bin/env bash
# CLI tests of bad input files (docs/architecture.md, "Input files"): devices,
# FIFOs, directories and files above their kind's size limit in every place a
# file is read, NUL bytes and invalid UTF-8 reported at their line and column,
# and control bytes from the input or the command line escaped in messages.
# Each case exits 2 with exactly one line on stderr, nothing on stdout, quickly
# (a FIFO must not block: every command runs under `timeout`).
# usage: cli_files.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1

cp "$SRC/tests/data/small.yaml" small.yaml
DATE=(--date 2024-01-01 --household single --age 35)

# bad WANT ARGS...: `stroom ARGS...` exits 2 with the one line WANT on stderr and
# nothing on stdout; a run leaves no run directory behind.
bad() {
	local want=$1; shift
	timeout 10 "$STROOM" "$@" > bad.out 2> bad.err
	local rc=$?
	if [ $rc -ne 2 ]; then no "exit $rc for: $* ($(cat bad.err))"; return; fi
	if [ -s bad.out ]; then no "stdout not empty for: $*"; return; fi
	if [ "$(wc -l < bad.err)" -ne 1 ]; then no "not one line on stderr for: $*"; return; fi
	if [ "$(cat bad.err)" != "$want" ]; then
		no "message for: $*: got '$(cat bad.err)', want '$want'"
		return
	fi
	if [ -e out ]; then no "run directory written for: $*"; rm -rf out; return; fi
	ok
}
# scenario WANT FILE: validate and run both refuse FILE with WANT.
scenario() {
	bad "$1" validate "$2"
	bad "$1" run "$2" --out out
}

# --- /dev/zero (a character device) in every place: refused before reading
printf 'extends: /dev/zero\n' > zero_extends.yaml
scenario "stroom: zero_extends.yaml:1:10: extends: '/dev/zero' is not a regular file (a character device)" zero_extends.yaml
printf 'extends: small.yaml\npopulation:\n  csv: /dev/zero\n' > zero_pop.yaml
scenario "stroom: zero_pop.yaml:3:3: population.csv: '/dev/zero' is not a regular file (a character device)" zero_pop.yaml
printf 'extends: small.yaml\nmunicipalities:\n  csv: /dev/zero\n' > zero_mun.yaml
scenario "stroom: zero_mun.yaml:3:3: municipalities.csv: '/dev/zero' is not a regular file (a character device)" zero_mun.yaml
scenario "stroom: '/dev/zero' is not a regular file (a character device)" /dev/zero
bad "stroom: budget: '/dev/zero' is not a regular file (a character device)" budget --table /dev/zero
bad "stroom: rules: '/dev/zero' is not a regular file (a character device)" benefit "${DATE[@]}" --norms /dev/zero
bad "stroom: budget: '/dev/zero' is not a regular file (a character device)" budget --budget 1 --spending 1 --safety-net /dev/zero

# --- a FIFO: opening it must not wait for a writer
mkfifo fifo.yaml fifo.csv
scenario "stroom: 'fifo.yaml' is not a regular file (a FIFO)" fifo.yaml
printf 'extends: fifo.yaml\n' > fifo_extends.yaml
scenario "stroom: fifo_extends.yaml:1:10: extends: 'fifo.yaml' is not a regular file (a FIFO)" fifo_extends.yaml
printf 'extends: small.yaml\npopulation:\n  csv: fifo.csv\n' > fifo_pop.yaml
scenario "stroom: fifo_pop.yaml:3:3: population.csv: 'fifo.csv' is not a regular file (a FIFO)" fifo_pop.yaml
bad "stroom: budget: 'fifo.csv' is not a regular file (a FIFO)" budget --table fifo.csv
bad "stroom: rules: 'fifo.csv' is not a regular file (a FIFO)" benefit "${DATE[@]}" --norms fifo.csv

# --- a directory in each place
mkdir dir dir.yaml
scenario "stroom: 'dir.yaml' is not a regular file (a directory)" dir.yaml
scenario "stroom: '$T' is not a regular file (a directory)" "$T"
printf 'extends: dir.yaml\n' > dir_extends.yaml
scenario "stroom: dir_extends.yaml:1:10: extends: 'dir.yaml' is not a regular file (a directory)" dir_extends.yaml
printf 'extends: small.yaml\npopulation:\n  csv: dir\n' > dir_pop.yaml
scenario "stroom: dir_pop.yaml:3:3: population.csv: 'dir' is not a regular file (a directory)" dir_pop.yaml
printf 'extends: small.yaml\nmunicipalities:\n  csv: dir\n' > dir_mun.yaml
scenario "stroom: dir_mun.yaml:3:3: municipalities.csv: 'dir' is not a regular file (a directory)" dir_mun.yaml
printf 'extends: small.yaml\nbudget:\n  csv: dir\n' > dir_budget.yaml
scenario "stroom: dir_budget.yaml:3:3: budget.csv: 'dir' is not a regular file (a directory)" dir_budget.yaml
bad "stroom: budget: 'dir' is not a regular file (a directory)" budget --table dir
bad "stroom: rules: 'dir' is not a regular file (a directory)" benefit "${DATE[@]}" --norms dir
mkdir rules rules/norms.csv
bad "stroom: rules: 'rules/norms.csv' is not a regular file (a directory)" benefit "${DATE[@]}" --rules-dir rules

# --- files above the limit of their kind (sparse: nothing is written or read)
truncate -s $((4 * 1024 * 1024 + 1)) big.yaml
scenario "stroom: 'big.yaml' is larger than the limit of 4 MiB for a scenario YAML" big.yaml
printf 'extends: big.yaml\n' > big_extends.yaml
scenario "stroom: big_extends.yaml:1:10: extends: 'big.yaml' is larger than the limit of 4 MiB for a scenario YAML" big_extends.yaml
truncate -s $((512 * 1024 * 1024 + 1)) big_pop.csv
printf 'extends: small.yaml\npopulation:\n  csv: big_pop.csv\n' > big_pop.yaml
scenario "stroom: big_pop.yaml:3:3: population.csv: 'big_pop.csv' is larger than the limit of 512 MiB for a household CSV" big_pop.yaml
truncate -s $((16 * 1024 * 1024 + 1)) big16.csv
printf 'extends: small.yaml\nmunicipalities:\n  csv: big16.csv\n' > big_mun.yaml
scenario "stroom: big_mun.yaml:3:3: municipalities.csv: 'big16.csv' is larger than the limit of 16 MiB for a municipalities CSV" big_mun.yaml
bad "stroom: rules: 'big16.csv' is larger than the limit of 16 MiB for a rules table" benefit "${DATE[@]}" --norms big16.csv
bad "stroom: budget: 'big16.csv' is larger than the limit of 16 MiB for a budget table" budget --budget 1 --spending 1 --safety-net big16.csv
printf 'extends: small.yaml\nbudget:\n  csv: big16.csv\n' > big_budget.yaml
scenario "stroom: big_budget.yaml:3:3: budget.csv: 'big16.csv' is larger than the limit of 16 MiB for a budget table" big_budget.yaml
truncate -s $((64 * 1024 * 1024 + 1)) big_panel.csv
bad "stroom: budget: 'big_panel.csv' is larger than the limit of 64 MiB for a budget panel table" budget --table big_panel.csv
# just at the limit is not too large (it fails later, as text)
truncate -s $((4 * 1024 * 1024)) limit.yaml
scenario "stroom: limit.yaml:1:1: NUL byte" limit.yaml

# --- NUL bytes and invalid UTF-8, at their line and column (in characters)
ten() { for i in 1 2 3 4 5 6 7 8 9 10; do echo "# line $i, with a ë"; done; }
{ ten; printf 'name: "é\0"\n'; } > nul.yaml
scenario "stroom: nul.yaml:11:9: NUL byte" nul.yaml
{ ten; printf 'name: "é\xff"\n'; } > utf8.yaml
scenario "stroom: utf8.yaml:11:9: invalid UTF-8 byte 0xff" utf8.yaml
{ ten; printf 'name: "\xc0\xae"\n'; } > overlong.yaml
scenario "stroom: overlong.yaml:11:8: invalid UTF-8 byte 0xc0" overlong.yaml
{ ten; printf 'name: "\xed\xa0\x80"\n'; } > surrogate.yaml
scenario "stroom: surrogate.yaml:11:8: invalid UTF-8 byte 0xed" surrogate.yaml
{ ten; printf 'name: "ab\xe2\x82'; } > truncated.yaml
scenario "stroom: truncated.yaml:11:10: invalid UTF-8 byte 0xe2" truncated.yaml
{ ten; printf 'name: x\x1by\n'; } > esc.yaml
scenario "stroom: esc.yaml:11:8: invalid YAML: character U+001B is not allowed" esc.yaml
printf 'extends: utf8.yaml\n' > utf8_extends.yaml
scenario "stroom: utf8.yaml:11:9: invalid UTF-8 byte 0xff" utf8_extends.yaml
printf 'id,birth_month,type,area,distance,stream,spell_start,parttime,previous_spells\n1,1985-03,single,noord,medium,werk,2022-11,1,0\n2,1962-10,couple,zuid,long,prestatie\xe9,2004-06,0,0\n' > pop_latin1.csv
printf 'extends: small.yaml\npopulation:\n  csv: pop_latin1.csv\n' > pop_latin1.yaml
scenario "stroom: pop_latin1.csv:3:37: invalid UTF-8 byte 0xe9" pop_latin1.yaml
printf 'code,name,year,budget_eur,spending_eur,households\nA,Anna,2019,1000000,1000000,90\nB,B\xf6rn,2019,1000000,1000000,100\n' > panel_latin1.csv
bad "stroom: panel_latin1.csv:3:4: invalid UTF-8 byte 0xf6" budget --table panel_latin1.csv
printf 'name,households,inflow_per_year,budget_eur\nA\0,900,190,16500000\n' > mun_nul.csv
printf 'extends: small.yaml\nmunicipalities:\n  csv: mun_nul.csv\n' > mun_nul.yaml
scenario "stroom: mun_nul.csv:2:2: NUL byte" mun_nul.yaml
# the CSV reader's own columns count characters too
printf 'name,households,inflow_per_year,budget_eur\nSúdwest-Fryslân,x,190,16500000\n' > mun_utf8.csv
printf 'extends: small.yaml\nmunicipalities:\n  csv: mun_utf8.csv\n' > mun_utf8.yaml
scenario "stroom: mun_utf8.csv:2:17: column households: expected a whole number of households from 1 to 10000000, got 'x'" mun_utf8.yaml
printf 'from\xa0,x\n' > norms_bad.csv
bad "stroom: norms_bad.csv:1:5: invalid UTF-8 byte 0xa0" benefit "${DATE[@]}" --norms norms_bad.csv

# --- control bytes echoed in messages are escaped; valid UTF-8 stays
esc=$'\x1b'
printf 'extends: small.yaml\n"bad\\e[31mkey\\t\\x85": 1\n' > key.yaml
scenario 'stroom: key.yaml:2:1: bad\x1b[31mkey\x09\xc2\x85: unknown key (docs/scenario.md lists every key)' key.yaml
check "no raw ESC in the message" bash -c "! LC_ALL=C grep -q '$esc' bad.err"
check "the message shows \\x1b" grep -qF 'bad\x1b[31mkey' bad.err
printf 'extends: small.yaml\n"sleutel_ë": 1\n' > key_utf8.yaml
scenario "stroom: key_utf8.yaml:2:1: sleutel_ë: unknown key (docs/scenario.md lists every key)" key_utf8.yaml
printf 'code,name,year,budget_eur,spending_eur,households\nA,Anna,2019,1000000,1000000,9\x1b[2J0\n' > panel_esc.csv
bad "stroom: panel_esc.csv:2: column households: expected a number of households of 0 or more with at most 6 decimals, like 31250.5, got '9\x1b[2J0'" budget --table panel_esc.csv
check "no raw ESC from a CSV field" bash -c "! LC_ALL=C grep -q '$esc' bad.err"
bad "stroom: run: unknown option '--x\x1b[2Jy'" run "--x${esc}[2Jy"
bad "stroom: unknown command 'r\xffn\x0d' (see 'stroom help')" $'r\xffn\r'
bad "stroom: --seed: expected a whole number from 0 to 18446744073709551615, got '1\x09'" run small.yaml --seed $'1\t'
bad "stroom: budget: unknown option '--t\x7f' (see stroom budget --help)" budget $'--t\x7f'
bad "stroom: benefit: unknown option '--\x1b' (see stroom benefit --help)" benefit "${DATE[@]}" "--$esc"

finish
