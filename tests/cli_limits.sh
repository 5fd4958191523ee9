#!/usr/bin/env bash
# Every numeric scenario key at its schema minimum and maximum, alone and with its
# neighbours (every numeric key of the same section at once), on the small
# rotterdam of tests/data/small.yaml. For each: `stroom validate` and `stroom run`
# with the same options agree: both exit 0 and the run writes its directory, or
# both exit 2 with the same one line and the run writes nothing. Nothing may
# abort, hang (each command has 120 s) or exit otherwise. The keys and their
# bounds come from `stroom schema --keys`, so a key added to the schema is tested
# without changing this file.
. "$(dirname "$0")/lib.sh" "$@"

BASE=$(cd "$SRC/tests/data" && pwd)/small.yaml
DUMP=$("$STROOM" run "$BASE" --dump-defaults)
START=$(printf '%s\n' "$DUMP" | sed -n 's/^start: //p')
NAREAS=$(printf '%s\n' "$DUMP" | sed -n 's/^areas: \[\(.*\)\]/\1/p' | awk -F, '{print NF}')
TEAM=$(printf '%s\n' "$DUMP" | sed -n '/^teams:/{n;s/^  \([a-z0-9_]*\):.*/\1/p}')
INSTR=$(printf '%s\n' "$DUMP" | sed -n '/^instruments:/{n;s/^  \([a-z0-9_]*\):.*/\1/p}')
[ -n "$START" ] && [ "$NAREAS" -ge 1 ] && [ -n "$TEAM" ] && [ -n "$INSTR" ] || {
	echo "FAIL: cannot read start, areas, a team and an instrument from the dump"
	exit 1
}

# repeat V N: "V, V, ..., V" (N times)
repeat() { local i out=$1; for ((i = 1; i < $2; i++)); do out="$out, $1"; done; echo "$out"; }
# onehot N I: a shares list of N entries with 1 at I (0-based)
onehot() { local i out=""; for ((i = 0; i < $1; i++)); do out="$out${out:+, }$([ "$i" -eq "$2" ] && echo 1 || echo 0)"; done; echo "$out"; }

# value KIND MIN MAX ENTRIES WHICH: the YAML value of a key at its min or max
value() {
	local kind=$1 v n=$4
	v=$([ "$5" = min ] && echo "$2" || echo "$3")
	case $kind in
	integer | number) echo "$v" ;;
	uint64) [ "$5" = min ] && echo 0 || echo 18446744073709551615 ;;
	month) [ "$5" = min ] && echo 1900-01 || echo 2200-12 ;;
	list) echo "[$(repeat "$v" "$n")]" ;;
	area_list) echo "[$(repeat "$v" "$NAREAS")]" ;;
	shares) [ "$5" = min ] && echo "[$(onehot "$n" 0)]" || echo "[$(onehot "$n" $((n - 1)))]" ;;
	area_shares) [ "$5" = min ] && echo "[$(onehot "$NAREAS" 0)]" || echo "[$(onehot "$NAREAS" $((NAREAS - 1)))]" ;;
	series) echo "{$START: $v}" ;;
	esac
}

# yaml_of KEY VALUE: the key as nested YAML mappings (records under the team
# and instrument of the base; an instrument gets places so that it is used)
yaml_of() {
	local key=$1 val=$2 IFS=. parts i indent=""
	read -ra parts <<<"$key"
	case $key in
	teams.NAME.*) parts=(teams "$TEAM" "${parts[2]}") ;;
	instruments.NAME.*)
		parts=(instruments "$INSTR" "${parts[2]}")
		[ "${parts[2]}" = slots ] || printf 'instruments:\n  %s:\n    slots: {%s: 600}\n' "$INSTR" "$START"
		;;
	esac
	for ((i = 0; i < ${#parts[@]} - 1; i++)); do
		printf '%s%s:\n' "$indent" "${parts[i]}"
		indent="$indent  "
	done
	printf '%s%s: %s\n' "$indent" "${parts[${#parts[@]} - 1]}" "$val"
}

n=0
ran=0
# try NAME FILE: validate and run agree on FILE
try() {
	local name=$1 f=$2 vrc rrc out=$T/out-$n
	n=$((n + 1))
	timeout 120 "$STROOM" validate "$f" --replicates 2 >/dev/null 2>"$T/v.err"
	vrc=$?
	timeout 120 "$STROOM" run "$f" --replicates 2 --threads 2 --quiet --out "$out" >/dev/null 2>"$T/r.err"
	rrc=$?
	if [ "$vrc" -eq 0 ] && [ "$rrc" -eq 0 ] && [ -d "$out" ]; then
		ok
		ran=$((ran + 1))
	elif [ "$vrc" -eq 2 ] && [ "$rrc" -eq 2 ] && [ ! -e "$out" ] && cmp -s "$T/v.err" "$T/r.err" &&
		[ "$(wc -l <"$T/r.err")" -eq 1 ]; then
		ok
	else
		no "$name: validate exit $vrc, run exit $rrc"
		sed 's/^/  validate: /' "$T/v.err" | head -3
		sed 's/^/  run: /' "$T/r.err" | head -3
		sed 's/^/  /' "$f"
	fi
	rm -rf "$out"
}

KEYS=$("$STROOM" schema --keys | tail -n +2)
# alone: each key at its min and at its max
while IFS=$'\t' read -r key kind lo hi entries; do
	[ "$kind" = other ] && continue
	for which in min max; do
		f=$T/alone.yaml
		{
			echo "extends: $BASE"
			yaml_of "$key" "$(value "$kind" "$lo" "$hi" "$entries" "$which")"
		} >"$f"
		try "$key at its $which" "$f"
	done
done <<<"$KEYS"

# with its neighbours: every numeric key under the same parent at its min (or
# max) at once (hazard.work.*, parttime.*, teams.NAME.*, ...)
parents=$(printf '%s\n' "$KEYS" | awk -F'\t' '$2 != "other" && $2 != "month" && $2 != "uint64" {
	n = split($1, p, "."); if (n < 2) next; s = p[1]; for (i = 2; i < n; i++) s = s "." p[i]; print s }' |
	sort | uniq -c | awk '$1 > 1 { print $2 }')
for parent in $parents; do
	for which in min max; do
		f=$T/neighbours.yaml
		{
			echo "extends: $BASE"
			printf '%s\n' "$KEYS" | while IFS=$'\t' read -r key kind lo hi entries; do
				case $kind in other | month | uint64) continue ;; esac
				[ "${key%.*}" = "$parent" ] || continue
				echo "${key##*.}: $(value "$kind" "$lo" "$hi" "$entries" "$which")"
			done | {
				# one flow mapping under the parent's path
				items=$(paste -sd, - | sed 's/,/, /g')
				case $parent in
				instruments.NAME) [[ $items == *"slots:"* ]] || items="$items, slots: {$START: 600}" ;;
				esac
				IFS=. read -ra p <<<"$parent"
				case $parent in teams.NAME) p=(teams "$TEAM") ;; instruments.NAME) p=(instruments "$INSTR") ;; esac
				line="{$items}"
				for ((i = ${#p[@]} - 1; i >= 1; i--)); do line="{${p[i]}: $line}"; done
				echo "${p[0]}: $line"
			}
		} >"$f"
		try "$parent.* at their $which" "$f"
	done
done

# most extremes run (a broken base would make every case an agreeing exit 2)
echo "$ran of $n cases ran; the others were refused alike by validate and run"
check "most cases run" [ "$ran" -gt $((n / 2)) ]
finish
