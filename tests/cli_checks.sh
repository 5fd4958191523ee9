#!/usr/bin/env bash
# Everything a run reads and derives is checked before it runs (issue 10, items
# 2, 4, 5 and 8): each input here is refused by `stroom validate` and by
# `stroom run` alike, with the same one line naming file, line, column and key,
# exit 2, within seconds and before anything is simulated or written.
. "$(dirname "$0")/lib.sh" "$@"

BASE=$(cd "$SRC/tests/data" && pwd)/small.yaml
cd "$T" || exit 1

# refused NAME FILE PATTERN [RUN-OPTIONS...]: validate and run exit 2 in under 20 s
# with the same one line, which matches PATTERN; no run directory
refused() {
	local name=$1 f=$2 pat=$3 vrc rrc
	shift 3
	timeout 20 "$STROOM" validate "$f" "$@" >/dev/null 2>v.err
	vrc=$?
	timeout 20 "$STROOM" run "$f" --quiet --out out "$@" >/dev/null 2>r.err
	rrc=$?
	if [ "$vrc" -eq 2 ] && [ "$rrc" -eq 2 ] && cmp -s v.err r.err && [ "$(wc -l <r.err)" -eq 1 ] &&
		grep -Eq -- "$pat" r.err && [ ! -e out ]; then
		ok
	else
		no "$name: validate exit $vrc, run exit $rrc; expected 2 and a line matching '$pat'"
		sed 's/^/  validate: /' v.err
		sed 's/^/  run: /' r.err
	fi
	rm -rf out
}

scenario() { printf 'extends: %s\nname: t\n%s\n' "$BASE" "$1" >"$2"; }

# item 2: an inflow no run can hold (it used to sit in the Poisson draw for
# minutes), named with the keys that make it
scenario "inflow:
  shock: {2024-01: 100}
labour_market:
  index: {2024-01: 0.01}
  inflow_elasticity: 10" shock.yaml
refused "inflow shock" shock.yaml '^stroom: .*shock.yaml:[0-9]+:[0-9]+: inflow.per_year, inflow.shock, labour_market.index, labour_market.inflow_elasticity: the run needs room for .* households'

# item 4: errors that used to come after the whole run
scenario "inflow:
  per_year: 10000000" inflow.yaml
refused "inflow.per_year at its maximum" inflow.yaml 'inflow.yaml:4:3: inflow.per_year, .*at most 4000000'
scenario "population:
  households: 10000000" households.yaml
refused "population.households at its maximum" households.yaml 'households.yaml:4:3: population.households: a run holds at most 4000000 households'
scenario "budget:
  other_spending_eur: {2024-01: 100000000000}" spending.yaml
refused "budget.other_spending_eur at its maximum" spending.yaml 'spending.yaml:4:3: .*budget.other_spending_eur: the spending of 20[0-9]{2} could reach EUR'
scenario "inflow:
  per_year: {normal: [320, 1e300]}" prior.yaml
refused "a prior no run can hold" prior.yaml "prior.yaml:4:3: inflow.per_year.*replicate [0-9]+'s draws"
refused "replicates no memory holds" rotterdam '^stroom: --replicates 100000: replicates, start, end: 100000 replicates of 84 months need 12.4 GiB of results; a run keeps at most 8 GiB' --replicates 100000

# item 5: what validate used to call ok and run rejected
"$STROOM" population "$BASE" --out pop.csv >/dev/null 2>&1
cut -d, -f1-3 pop.csv >pop3.csv
scenario "population:
  csv: pop3.csv" popcsv.yaml
refused "a household CSV with a missing column" popcsv.yaml 'pop3.csv:1: column area: missing from header'
printf 'name,households\nA,x\n' >muni.csv
scenario "municipalities:
  csv: muni.csv" muni.yaml
refused "a malformed municipalities CSV" muni.yaml 'muni.csv:1: header: expected 3 or 4 columns'
scenario "budget:
  csv: nope.csv" budgetcsv.yaml
refused "a missing budget.csv" budgetcsv.yaml "budgetcsv.yaml:4:3: budget.csv: expected a readable file, got 'nope.csv'"
scenario "budget:
  table: nope" budgettable.yaml
refused "an unknown budget.table" budgettable.yaml "budgettable.yaml:4:3: budget: no builtin budget table 'nope'"
printf 'name,households,inflow_per_year,budget_eur\nA,900,190,\n' >muni2.csv
scenario "municipalities:
  csv: muni2.csv" muni2.yaml
refused "a municipality without the budget the scenario needs" muni2.yaml 'muni2.csv:2'

# item 8: numbers as a Dutch user writes them
scenario "inflow:
  per_year: 2.400" dutch.yaml
refused "2.400 households a year" dutch.yaml "dutch.yaml:4:13: inflow.per_year: expected a whole number \(households per year\), got 2.400: .*write 2400"
scenario "target:
  households: 30.000" dutch2.yaml
refused "a target of 30.000 households" dutch2.yaml 'dutch2.yaml:4:15: target.households: .*write 30000'
scenario "inflow:
  per_year: {normal: [7.700, 385]}" dutch3.yaml
refused "7.700 in a prior of households" dutch3.yaml 'dutch3.yaml:4:23: inflow.per_year.normal\[0\]: .*write 7700'
scenario "inflow:
  per_year: 325.5" frac.yaml
refused "a fraction of a household" frac.yaml 'frac.yaml:4:13: inflow.per_year: expected a whole number'
scenario "inflow:
  per_year: 3_250" grouped.yaml
check "2_400 is 2400" "$STROOM" validate grouped.yaml
check "2_400 is 2400 in the dump" bash -c "'$STROOM' run grouped.yaml --dump-defaults | grep -q '^  per_year: 3250$'"

# the checks cost little: validate of the builtin, and a national run's 340
# municipalities, each load and check every input
check "validate rotterdam" "$STROOM" validate rotterdam
check "validate the national example" "$STROOM" validate "$SRC/examples/national/national.yaml"

# a name that is the total's group: an area, team or instrument called 'all'
printf 'extends: generic\nname: t\nareas: [all]\n' >area_all.yaml
refused "an area named all" area_all.yaml "^stroom: .*area_all.yaml:3:9: areas\[0\]: expected an area name other than the results' group names \(all, short, .*\), got 'all' \(the total's group\)$"
# nor another results group's name: series.csv and the observed data key a row by
# indicator and group, and an area's rows have the distance, duration, age and type
# groups' indicators
printf 'extends: rotterdam\nname: t\nareas: [zuid, short]\n' >area_short.yaml
refused "an area named like a distance group" area_short.yaml "^stroom: .*area_short.yaml:3:15: areas\[1\]: expected an area name other than the results' group names \(all, short, medium, long, 1-2y, 2-5y, 27-39, 40-54, single, single_parent, couple\), got 'short' \(a distance group\)$"
printf 'extends: generic\nname: t\nareas: [single]\n' >area_single.yaml
refused "an area named like a household type" area_single.yaml "area_single.yaml:3:9: areas\[0\]: expected an area name other than .*, got 'single' \(a household type group\)$"
printf 'extends: rotterdam\nname: t\nareas: [1-2y, noord]\n' >area_dur.yaml
refused "an area named like a duration band" area_dur.yaml "area_dur.yaml:3:9: areas\[0\]: .*, got '1-2y' \(a duration group\)$"
printf 'extends: rotterdam\nname: t\nareas: [zuid, 27-39]\n' >area_age.yaml
refused "an area named like an age band" area_age.yaml "area_age.yaml:3:15: areas\[1\]: .*, got '27-39' \(an age group\)$"
# a team or instrument may: its rows have indicators of their own (generic's teams
# are short, medium and long); no two rows of series.csv share month, indicator
# and group
printf 'extends: generic\nname: t\nend: 2024-06\ninstruments:\n  single: {eligible: {type: [single]}, slots: {2024-01: 10}, cost_eurocent: 1000, duration_months: 6,\n    lockin: 1, effect: 1.1, effect_months: 6, priority: duration}\n' >instr_single.yaml
rm -rf named
check "a team and an instrument named like results groups run" bash -c "'$STROOM' run instr_single.yaml --replicates 2 --quiet --out named >/dev/null"
check "series.csv keys unique with teams short, medium, long and an instrument single" bash -c "
	grep -q '^2024-01,team_clients,short,' named/series.csv &&
	grep -q '^2024-01,instrument_participants,single,' named/series.csv &&
	grep -q '^2024-01,caseload,single,' named/series.csv &&
	[ -z \"\$(cut -d, -f1-3 named/series.csv | sort | uniq -d)\" ]"
scenario "teams:
  all: {fte: {2024-01: 1}}" team_all.yaml
refused "a team named all" team_all.yaml "team_all.yaml:4:3: teams.all: expected a team name other than 'all': the name 'all' is the total's group"
scenario "instruments:
  all: {slots: {2024-01: 10}}" instr_all.yaml
refused "an instrument named all" instr_all.yaml "instr_all.yaml:4:3: instruments.all: expected an instrument name other than 'all': the name 'all' is the total's group"

finish
