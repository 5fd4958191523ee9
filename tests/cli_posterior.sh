#!/usr/bin/env bash
# CLI tests of the scenario key `posterior: FILE`: a run of the small rotterdam
# with a posterior draws each replicate's parameters from the file's rows
# (posterior_draws.csv against the file), records the file and its SHA-256 in the
# manifest, says in the summary how much the data narrowed the interval; 1 and 2
# threads, and 2 MPI ranks, give identical files; a national run draws from it
# too; validate reports a bad posterior as FILE:LINE:COLUMN with exit 2, and a
# run of it writes nothing.
# usage: cli_posterior.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1

mkdir -p scen/fit
sed 's/^extends: rotterdam$/extends: rotterdam\nposterior: fit\/posterior.csv/' \
	"$SRC/tests/data/small.yaml" > scen/small.yaml
sed -i 's/^replicates: 4$/replicates: 12/' scen/small.yaml
check "the scenario names the posterior" grep -q '^posterior: fit/posterior.csv$' scen/small.yaml
# six joint draws: the short and medium work hazards move together (medium =
# short / 3), capacity.elasticity against them
{
	echo "# a fit of the small rotterdam (test)"
	echo "draw,chain,hazard.work.distance.short,hazard.work.distance.medium,capacity.elasticity"
	echo "0,0,0.06,0.02,0.3"
	echo "1,0,0.063,0.021,0.28"
	echo "2,0,0.066,0.022,0.26"
	echo "3,1,0.069,0.023,0.24"
	echo "4,1,0.072,0.024,0.22"
	echo "5,1,0.075,0.025,0.2"
} > scen/fit/posterior.csv

"$STROOM" run scen/small.yaml --out run1 --threads 1 > out1.txt 2> err1.txt
rc=$?
check "run with a posterior exits 0 (got $rc: $(cat err1.txt))" test "$rc" -eq 0
check "posterior_draws.csv written" test -s run1/posterior_draws.csv
check "posterior_draws.csv header" test "$(head -n 1 run1/posterior_draws.csv)" = \
	"replicate,row,hazard.work.distance.short,hazard.work.distance.medium,capacity.elasticity"
check "one line per replicate" test "$(wc -l < run1/posterior_draws.csv)" -eq 13
# every replicate's drawn values are the values of the row it took (compared as numbers)
check "each replicate's draws are its row of the file" awk -F, '
	NR == FNR { if ($1 ~ /^[0-9]/) { r = $1; s[r] = $3; m[r] = $4; e[r] = $5 } next }
	FNR > 1 { n++; if ($3 + 0 != s[$2] + 0 || $4 + 0 != m[$2] + 0 || $5 + 0 != e[$2] + 0) bad++ }
	END { exit !(n == 12 && bad == 0) }' scen/fit/posterior.csv run1/posterior_draws.csv
check "the replicates use several rows" test "$(tail -n +2 run1/posterior_draws.csv | cut -d, -f2 | sort -u | wc -l)" -ge 3
check "medium stays short / 3 in every replicate" awk -F, 'FNR > 1 { d = $4 - $3 / 3; if (d > 1e-12 || d < -1e-12) bad++ } END { exit bad > 0 }' run1/posterior_draws.csv
check "manifest: the posterior with its SHA-256" grep -qE "\"path\": \"scen/fit/posterior.csv\", \"sha256\": \"$(sha256sum scen/fit/posterior.csv | cut -c1-64)\"" run1/manifest.json
check "manifest: the posterior's rows and the widths" grep -qE '"posterior": \{"path": "scen/fit/posterior.csv", "rows": 6, ' run1/manifest.json
check "manifest: the width under the priors alone" grep -q '"interval_width_priors_alone": ' run1/manifest.json
check "manifest lists posterior_draws.csv" grep -q '"posterior_draws.csv"' run1/manifest.json
check "summary: how much the data narrowed the interval" grep -qE "the 90% interval of the caseload on 2025-07-01 is [0-9,]+ wide with the posterior, [0-9,]+ with the priors alone \(12 replicates\): the data (narrowed|widened) it by [0-9]+%" run1/summary.txt
check "summary: the parameters that keep their priors" grep -q "keep their priors (no column in the posterior): labour_market.inflow_elasticity, labour_market.work_elasticity, hazard.work.distance.long, " run1/summary.txt
check "summary: 3 parameters from the posterior" grep -q "6 joint draws, one per replicate (chosen by seed and replicate), for 3 parameters" run1/summary.txt
check "stdout carries the narrowing" grep -q "with the priors alone" out1.txt

# --- threads do not change anything
"$STROOM" run scen/small.yaml --out run2 --threads 2 --quiet > /dev/null
for f in series.csv summary.txt posterior_draws.csv budget.csv; do
	check "1 and 2 threads give identical $f" cmp -s run1/$f run2/$f
done

# --- MPI: 2 ranks give the files of one process (when mpirun is there)
if command -v mpirun > /dev/null; then
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
	export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
	env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" mpirun -q --oversubscribe -np 2 \
		"$STROOM" run scen/small.yaml --mpi --out runmpi --quiet > /dev/null 2>&1
	for f in series.csv summary.txt posterior_draws.csv; do
		check "2 MPI ranks give identical $f" cmp -s run1/$f runmpi/$f
	done
fi

# --- another seed takes other rows
"$STROOM" run scen/small.yaml --out run3 --seed 5 --quiet > /dev/null
check "another seed takes other rows" test "$(cut -d, -f2 run1/posterior_draws.csv)" != "$(cut -d, -f2 run3/posterior_draws.csv)"

# --- a national run: every municipality draws from the posterior
mkdir -p nat
cp "$SRC/tests/data/national/"* nat/
echo "posterior: post.csv" >> nat/national.yaml
printf 'draw,chain,hazard.work.distance.short,capacity.elasticity\n0,0,0.06,0.1\n1,0,0.08,0.3\n' > nat/post.csv
"$STROOM" run nat/national.yaml --out natrun --quiet > /dev/null 2> naterr.txt
rc=$?
check "national run with a posterior exits 0 (got $rc: $(cat naterr.txt))" test "$rc" -eq 0
check "national: every replicate's draws are a row of the file" awk -F, '
	FNR > 1 { n++; if (!(($2 == 0 && $3 + 0 == 0.06 && $4 + 0 == 0.1) || ($2 == 1 && $3 + 0 == 0.08 && $4 + 0 == 0.3))) bad++ }
	END { exit !(n == 6 && bad == 0) }' natrun/posterior_draws.csv
check "national: the summary names the posterior" grep -q "^Parameters from the posterior nat/post.csv" natrun/summary.txt
check "national: the interval under the priors alone" grep -qE "with the posterior, [0-9,]+ with the priors alone \(6 replicates\)" natrun/summary.txt

# --- a bad posterior: validate names FILE:LINE:COLUMN and exits 2; run writes nothing
bad() { # name, file content, expected message
	printf '%b' "$2" > scen/fit/posterior.csv
	"$STROOM" validate scen/small.yaml > vout.txt 2> verr.txt
	rc=$?
	check "$1: validate exits 2 (got $rc)" test "$rc" -eq 2
	check "$1: one line '$3' (got '$(cat verr.txt)')" test "$(cat verr.txt)" = "stroom: $3"
	check "$1: nothing on stdout" test ! -s vout.txt
	"$STROOM" run scen/small.yaml --out badrun --quiet > /dev/null 2>&1
	rc=$?
	check "$1: run exits 2 (got $rc)" test "$rc" -eq 2
	check "$1: no run directory" test ! -e badrun
}
bad "unknown column" '# c\ndraw,chain,hazard.work.distance.short,hazard.work.nope\n0,0,0.06,1\n' \
	"scen/fit/posterior.csv:2:39: header: expected a drawn parameter of scenario rotterdam (capacity.elasticity, instruments.nieuwe_instroom.lockin, instruments.nieuwe_instroom.effect, instruments.werkloont.lockin, instruments.werkloont.effect, instruments.werkloont.durability, instruments.scholing.lockin, instruments.scholing.effect, instruments.scholing.durability, instruments.schuldhulp.lockin, instruments.schuldhulp.effect, instruments.schuldhulp.durability, instruments.taal.lockin, instruments.taal.effect, instruments.taal.durability, instruments.nazorg.durability, labour_market.inflow_elasticity, labour_market.work_elasticity, hazard.work.distance.short, ...), got 'hazard.work.nope'"
bad "out of bounds" 'draw,chain,hazard.work.distance.short\n0,0,0.06\n1,0,-0.01\n' \
	"scen/fit/posterior.csv:3:5: hazard.work.distance.short: expected a value from 0 to 1 (its bounds), got -0.01"
bad "ragged row" 'draw,chain,capacity.elasticity\n0,0,0.2,\n' \
	"scen/fit/posterior.csv:2:9: expected 3 fields as in the header, got 4"
bad "no rows" '# nothing fitted\ndraw,chain,capacity.elasticity\n' \
	"scen/fit/posterior.csv:2:1: expected at least one row after the header, got none"
rm -f scen/fit/posterior.csv
"$STROOM" validate scen/small.yaml > vout.txt 2> verr.txt
rc=$?
check "missing posterior: exit 2 (got $rc)" test "$rc" -eq 2
check "missing posterior: the key's position (got '$(cat verr.txt)')" grep -q "^stroom: scen/small.yaml:5:1: posterior: expected a readable file, got .scen/fit/posterior.csv." verr.txt
# the builtin rotterdam draws from its compiled-in posterior (data/posteriors/rotterdam.csv);
# a scenario extending it that fixes some of those parameters leaves their columns out
"$STROOM" run "$SRC/tests/data/small.yaml" --replicates 2 --out runb > outb.txt 2> errb.txt
rc=$?
check "builtin posterior: run exits 0 (got $rc: $(cat errb.txt))" test "$rc" -eq 0
check "builtin posterior: named in the summary" grep -q '^Parameters from the posterior builtin:data/posteriors/rotterdam.csv$' outb.txt
check "builtin posterior: its 9 columns" grep -q 'one per replicate (chosen by seed and replicate), for 9 parameters' outb.txt
printf 'extends: %s\nhazard:\n  work:\n    distance: [0.09, 0.02, 0.003]\n' "$SRC/tests/data/small.yaml" > scen/fixed.yaml
"$STROOM" run scen/fixed.yaml --replicates 2 --out runf > outf.txt 2> errf.txt
rc=$?
check "builtin posterior, three parameters fixed: run exits 0 (got $rc: $(cat errf.txt))" test "$rc" -eq 0
check "builtin posterior, three parameters fixed: 6 columns left" grep -q 'one per replicate (chosen by seed and replicate), for 6 parameters' outf.txt
check "builtin posterior, three parameters fixed: no column of theirs drawn" test "$(head -n 1 runf/posterior_draws.csv | grep -c hazard.work.distance)" -eq 0
finish
