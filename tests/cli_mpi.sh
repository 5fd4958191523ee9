#!/usr/bin/env bash
# MPI tests of `stroom run --mpi` (issue 6): a 2-rank run under mpirun on localhost
# gives the same run directory as one process, byte for byte (series.csv,
# budget.csv, summary.txt; manifest.json but for its time and "mpi_ranks"), for
# a small rotterdam and for a small national scenario (tests/data/national);
# 1 rank, 2 ranks, 3 ranks and 1 or 2 threads agree; bad input under mpirun
# exits 2 on every rank with one line from rank 0 and no run directory.
# Runs as root in CI, hence OMPI_ALLOW_RUN_AS_ROOT. The btl flags keep Open MPI to
# its shared-memory transport without the single-copy (CMA) mechanism, which
# containers often forbid. Under ASan/UBSan (make check's second build) the ranks
# run with detect_leaks=0: Open MPI keeps memory until exit by design and its
# frames cannot be symbolised for suppressions; address and UB checks stay on,
# and the single-process runs here (no MPI_Init) still check stroom for leaks.
# usage: cli_mpi.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
MPIRUN=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" mpirun -q --oversubscribe)
if ! command -v mpirun > /dev/null; then
	echo "FAIL: mpirun not found (scripts/install-deps installs openmpi-bin)"
	echo "0 passed, 1 failed"
	exit 1
fi

# the files of run a and run b are identical; manifest.json but for created_utc and mpi_ranks
same_run() {
	local a=$1 b=$2 f
	shift 2
	for f in series.csv summary.txt "$@"; do
		cmp -s "$a/$f" "$b/$f" || { echo "  $a/$f and $b/$f differ"; return 1; }
	done
	diff <(grep -vE '"(created_utc|mpi_ranks)"' "$a/manifest.json") \
		<(grep -vE '"(created_utc|mpi_ranks)"' "$b/manifest.json") > /dev/null
}

# 5 replicates: two ranks get an uneven split (3 + 2)
sed 's/^replicates: 4$/replicates: 5/' "$SRC/tests/data/small.yaml" > small.yaml
check "small.yaml has 5 replicates" grep -q "^replicates: 5$" small.yaml

# --- rotterdam, replicates split across ranks
"$STROOM" run small.yaml --out single --threads 1 --quiet > /dev/null 2> err.txt
check "single-process run (got: $(cat err.txt))" test -s single/summary.txt
"${MPIRUN[@]}" -np 2 "$STROOM" run small.yaml --mpi --out mpi2 --threads 1 > out2.txt 2> err2.txt
rc=$?
check "2-rank run exits 0 (got $rc: $(head -n 3 err2.txt))" test "$rc" -eq 0
check "2 ranks = 1 process: series, budget, summary, manifest" same_run single mpi2 budget.csv
check "manifest records 2 ranks" grep -q '"mpi_ranks": 2,' mpi2/manifest.json
check "single run has no mpi_ranks" test "$(grep -c mpi_ranks single/manifest.json)" -eq 0
check "summary printed once" test "$(grep -c '^Caseload on 1 January' out2.txt)" -eq 1
check "run directory printed once" test "$(grep -c '^Run directory: mpi2$' out2.txt)" -eq 1
"${MPIRUN[@]}" -np 2 "$STROOM" run small.yaml --mpi --out mpi2t2 --threads 2 --quiet > /dev/null 2>&1
"$STROOM" run small.yaml --out single_t2 --threads 2 --quiet > /dev/null 2>&1
check "2 ranks x 2 threads = 1 process x 2 threads" same_run single_t2 mpi2t2 budget.csv
check "1 thread = 2 threads (all but the threads field)" cmp -s single/series.csv single_t2/series.csv
"${MPIRUN[@]}" -np 1 "$STROOM" run small.yaml --mpi --out mpi1 --threads 1 --quiet > /dev/null 2>&1
check "1 rank = 1 process" same_run single mpi1 budget.csv
"${MPIRUN[@]}" -np 3 "$STROOM" run small.yaml --mpi --out mpi3 --threads 1 --replicates 2 --quiet > /dev/null 2>&1
"$STROOM" run small.yaml --out single_r2 --threads 1 --replicates 2 --quiet > /dev/null 2>&1
check "3 ranks, 2 replicates (a rank without work) = 1 process" same_run single_r2 mpi3 budget.csv
"${MPIRUN[@]}" -np 2 "$STROOM" run small.yaml --mpi --out mpifix --threads 1 --fixed-parameters --quiet > /dev/null 2>&1
"$STROOM" run small.yaml --out singlefix --threads 1 --fixed-parameters --quiet > /dev/null 2>&1
check "--fixed-parameters: 2 ranks = 1 process" same_run singlefix mpifix budget.csv

# --- a national scenario: municipalities split across ranks
NAT=$SRC/tests/data/national/national.yaml
"$STROOM" run "$NAT" --out nat1 --threads 1 > natout1.txt 2> naterr1.txt
rc=$?
check "national single-process run exits 0 (got $rc: $(cat naterr1.txt))" test "$rc" -eq 0
"${MPIRUN[@]}" -np 2 "$STROOM" run "$NAT" --mpi --out nat2 --threads 1 --quiet > /dev/null 2> naterr2.txt
rc=$?
check "national 2-rank run exits 0 (got $rc: $(head -n 3 naterr2.txt))" test "$rc" -eq 0
check "national: 2 ranks = 1 process" same_run nat1 nat2 budget.csv municipalities.csv
"${MPIRUN[@]}" -np 3 "$STROOM" run "$NAT" --mpi --out nat3 --threads 2 --quiet > /dev/null 2>&1
"$STROOM" run "$NAT" --out nat1t2 --threads 2 --quiet > /dev/null 2>&1
check "national: 3 ranks x 2 threads = 1 process x 2 threads" same_run nat1t2 nat3 budget.csv municipalities.csv
check "national: 1 thread = 2 threads" cmp -s nat1/municipalities.csv nat1t2/municipalities.csv
check "municipalities.csv: header and 5 rows" test "$(wc -l < nat1/municipalities.csv)" -eq 6
check "municipalities.csv header" test "$(head -n 1 nat1/municipalities.csv)" = \
	"name,households,caseload_date,caseload_p05,caseload_p50,caseload_p95,year,spending_eur,budget_eur,result_eur_p05,result_eur_p50,result_eur_p95,p_safety_net"
check "municipalities in file order" test "$(cut -d, -f1 nat1/municipalities.csv | tr '\n' ' ')" = \
	"name Aadorp Beekstad Cruisdam Dijkwijk Eemveen "
check "the total starts at the sum of households (5350)" \
	grep -q '^2024-01,caseload,all,5350.00,5350.0,5350.0,5350.0,5350.0,5350.0$' nat1/series.csv
check "the national budget is the sum (2024: EUR 97,400,000.50)" \
	grep -q '^2024,budget,97400000.50,' nat1/budget.csv
check "manifest lists municipalities.csv" grep -q '"municipalities.csv"\]' nat1/manifest.json
check "manifest hashes the municipalities table" grep -q 'national/municipalities.csv", "sha256"' nat1/manifest.json
check "summary says how many municipalities" grep -q '^Municipalities: 5, each in nat1/municipalities.csv$' natout1.txt
# each municipality's row is its own run: a one-municipality table gives the same row
mkdir one
printf 'name,households,inflow_per_year,budget_eur\nAadorp,900,190,16500000\n' > one/municipalities.csv
sed 's/^  csv: .*/  csv: municipalities.csv/' "$NAT" > one/national.yaml
"$STROOM" run one/national.yaml --out natone --threads 1 --quiet > /dev/null 2>&1
check "a municipality's row does not depend on the others" \
	test "$(sed -n 2p natone/municipalities.csv)" = "$(sed -n 2p nat1/municipalities.csv)"

# --- bad input under mpirun: exit 2 on every rank, one line, nothing written
cat > bad.yaml <<'YAML'
extends: rotterdam
replicates: many
YAML
"${MPIRUN[@]}" -np 2 bash -c '"$0" run bad.yaml --mpi --out badrun; echo $? > rc.$OMPI_COMM_WORLD_RANK' \
	"$STROOM" > badout.txt 2> baderr.txt
check "bad scenario: rank 0 exits 2" test "$(cat rc.0 2> /dev/null)" = 2
check "bad scenario: rank 1 exits 2" test "$(cat rc.1 2> /dev/null)" = 2
check "bad scenario: one line on stderr (got: $(cat baderr.txt))" test "$(wc -l < baderr.txt)" -eq 1
check "bad scenario: FILE:LINE:COL: key" grep -q '^stroom: bad.yaml:2:13: replicates: expected' baderr.txt
check "bad scenario: no run directory" test ! -e badrun
"${MPIRUN[@]}" -np 2 "$STROOM" run bad.yaml --mpi > /dev/null 2>&1
rc=$?
check "bad scenario: mpirun exits 2 (got $rc)" test "$rc" -eq 2
mkdir badnat
printf 'name,households,inflow_per_year,budget_eur\nAadorp,900,190,16500000\nBeek,lots,480,41000000\n' > badnat/municipalities.csv
cp one/national.yaml badnat/national.yaml
"${MPIRUN[@]}" -np 2 "$STROOM" run badnat/national.yaml --mpi --out badnatrun > /dev/null 2> badnat.txt
rc=$?
check "bad municipalities.csv: exit 2 (got $rc)" test "$rc" -eq 2
check "bad municipalities.csv: one line FILE:LINE:COL (got: $(cat badnat.txt))" \
	test "$(grep -c 'badnat/municipalities.csv:3:6: column households: expected a whole number' badnat.txt)" -eq 1 -a "$(wc -l < badnat.txt)" -eq 1
check "bad municipalities.csv: no run directory" test ! -e badnatrun
"${MPIRUN[@]}" -np 2 "$STROOM" run small.yaml --mpi --frobnicate > /dev/null 2> badopt.txt
rc=$?
check "unknown option under mpirun: exit 2, one line (got $rc: $(cat badopt.txt))" \
	test "$rc" -eq 2 -a "$(wc -l < badopt.txt)" -eq 1

finish
