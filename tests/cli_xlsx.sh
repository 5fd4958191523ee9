#!/usr/bin/env bash
# stroom run/compare --xlsx FILE (docs/xlsx.md): the workbook is read back with
# tests/xlsx_read.py (python3's standard library) and its cells compared with the
# directory's files: every value of the wide p50, mean, p05 and p95 sheets and of
# the long sheet against series.csv, every budget value against budget.csv, the
# compare sheet against compare.csv, all stored as numbers with number formats;
# the summary's P(target) and per-year caseload; the scenario's values with
# their sources. An existing workbook is refused with exit 2 before the run and
# left as it was; without --out the directory is still written under runs/.
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1
cp "$SRC/tests/data/small.yaml" small.yaml
printf 'extends: small.yaml\nname: more-inflow\ninflow:\n  per_year: 650\n' > more.yaml
export PYTHONPATH="$SRC/tests"

"$STROOM" run --help | grep -q -- "--xlsx FILE.xlsx" || no "run --help lists --xlsx"
"$STROOM" help compare | grep -q -- "--xlsx FILE.xlsx" || no "help compare lists --xlsx"

# --- a run
"$STROOM" run small.yaml --replicates 8 --threads 2 --out run --xlsx run.xlsx > run.txt 2> run.err
check "run: exit 0" test $? -eq 0
check "run: the workbook is written" test -s run.xlsx
check "run: the run directory too" test -s run/series.csv -a -s run/budget.csv
check "run: the workbook named last" grep -q "^Workbook: run.xlsx$" run.txt
check "run: no temporary file left" test -z "$(ls -A | grep '\.tmp-')"
check "run: nothing on stderr" test ! -s run.err

cat > check_run.py <<'EOF'
import csv, json, sys
import xlsx_read
book = xlsx_read.read("run.xlsx")
fmts = xlsx_read.formats("run.xlsx", "series_p50")
bad = []
def fail(msg):
    bad.append(msg)
want = ["summary", "per_year", "series_p50", "series_mean", "series_p05", "series_p95",
        "series", "budget", "scenario"]
if list(book) != want:
    fail("sheets %s, expected %s" % (list(book), want))
rows = list(csv.DictReader(open("run/series.csv")))
months = sorted({r["month"] for r in rows})
unit = lambda ind: ("eurocent" if ind.endswith("_eurocent") else None)
for sheet, stat in (("series_p50", "p50"), ("series_mean", "mean"), ("series_p05", "p05"),
                    ("series_p95", "p95")):
    s = book[sheet]
    head = {}
    c = 1
    while (0, c) in s:
        head[s[(0, c)]] = c
        c += 1
    row_of = {s[(r, 0)]: r for r in range(1, len(months) + 1)}
    if sorted(row_of) != months:
        fail("%s: months %s" % (sheet, sorted(row_of)[:3]))
        continue
    n = 0
    for r in rows:
        u = "eurocent" if r["indicator"].endswith("_eurocent") else None
        name = [h for h in head if h.startswith("%s: %s (" % (r["indicator"], r["group"]))]
        if len(name) != 1:
            fail("%s: no single column for %s %s" % (sheet, r["indicator"], r["group"]))
            break
        cell = s.get((row_of[r["month"]], head[name[0]]))
        if not isinstance(cell, float) or cell != float(r[stat]):
            fail("%s: %s %s %s is %r, series.csv %s" % (sheet, r["month"], r["indicator"],
                                                        r["group"], cell, r[stat]))
            break
        if u and not name[0].endswith("(eurocent)"):
            fail("%s: header %s does not say eurocent" % (sheet, name[0]))
            break
        n += 1
    if n != len(rows):
        fail("%s: %d of %d values checked" % (sheet, n, len(rows)))
    if "caseload: all (households)" not in head:
        fail("%s: no header 'caseload: all (households)'" % sheet)
# formats: households one decimal, eurocent whole with thousands separators
s, f = book["series_p50"], fmts["series_p50"]
hc = {s[(0, c)]: c for c in range(1, 1000) if (0, c) in s}
if f[(1, hc["caseload: all (households)"])] != "#,##0.0":
    fail("households format %r" % f[(1, hc["caseload: all (households)"])])
if f[(1, hc["spending_benefit_eurocent: all (eurocent)"])] != "#,##0":
    fail("eurocent format %r" % f[(1, hc["spending_benefit_eurocent: all (eurocent)"])])
# the long sheet: every statistic of every row, in series.csv's order
s = book["series"]
stats = ["mean", "p05", "p25", "p50", "p75", "p95"]
if [s[(0, c)] for c in range(10)] != ["month", "indicator", "group", "unit"] + stats:
    fail("series header %r" % [s.get((0, c)) for c in range(10)])
for i, r in enumerate(rows, 1):
    got = [s.get((i, c)) for c in range(10)]
    if got[:3] != [r["month"], r["indicator"], r["group"]] or \
       got[4:] != [float(r[k]) for k in stats]:
        fail("series row %d: %r against %r" % (i, got, r))
        break
# budget.csv: every value, in EUR (result_pct in percent)
b = book["budget"]
brows = list(csv.DictReader(open("run/budget.csv")))
for i, r in enumerate(brows, 1):
    got = [b.get((i, c)) for c in range(9)]
    u = "percent" if r["indicator"] == "result_pct" else "EUR"
    if got != [float(r["year"]), r["indicator"], u] + [float(r[k]) for k in stats]:
        fail("budget row %d: %r against %r" % (i, got, r))
        break
if len(brows) < 20 or (len(brows) + 1, 0) in b:
    fail("budget: %d rows" % len(brows))
# summary: P(target) as summary.txt; per_year: the caseload on 1 January
summ = {v[(r, 0)]: v.get((r, 1)) for v in [book["summary"]] for r in range(60) if (r, 0) in v}
ptxt = [l for l in open("run/summary.txt") if "P(caseload <= target)" in l][0]
p = float(ptxt.split(" = ")[1].split()[0])
if not isinstance(summ.get("P(caseload <= target)"), float) or \
   abs(summ["P(caseload <= target)"] - p) > 0.0005:
    fail("summary P %r, summary.txt %s" % (summ.get("P(caseload <= target)"), p))
if summ.get("target") != 1400.0 or summ.get("scenario") != "rotterdam":
    fail("summary target %r scenario %r" % (summ.get("target"), summ.get("scenario")))
py = book["per_year"]
jan = {r["month"][:4]: float(r["p50"]) for r in rows
       if r["month"].endswith("-01") and r["indicator"] == "caseload" and r["group"] == "all"}
for i in (1, 2):
    if py.get((i, 1)) != jan[str(int(py[(i, 0)]))]:
        fail("per_year %r caseload %r, series.csv %r" % (py.get((i, 0)), py.get((i, 1)), jan))
# scenario: the manifest's values with their sources
sc = book["scenario"]
kv = {sc[(r, 0)]: (sc.get((r, 1)), sc.get((r, 2)), sc.get((r, 3)))
      for r in range(1, 2000) if (r, 0) in sc}
m = json.load(open("run/manifest.json"))
if kv.get("population.households", (None,))[0] != 1517.0:
    fail("scenario population.households %r" % (kv.get("population.households"),))
line = [i for i, l in enumerate(open("small.yaml"), 1) if "households: 1517" in l][0]
if kv.get("population.households", ("", "", ""))[2] != "small.yaml:%d" % line:
    fail("population.households' source %r" % (kv.get("population.households"),))
if kv.get("inflow.per_year", (None,))[0] != 325.0:
    fail("inflow.per_year %r" % (kv.get("inflow.per_year"),))
src = kv.get("start", ("", "", ""))[2] or ""
if not (src.startswith("data/scenarios/rotterdam.yaml:") and "seed 000" in src):
    fail("start's source is rotterdam.yaml's comment: %r" % src)
if kv.get("teams.werk_zuid.fte.2024-01", (None,))[0] != 2.3185 or \
   not (kv["teams.werk_zuid.fte.2024-01"][2] or "").startswith("small.yaml:"):
    fail("teams.werk_zuid.fte %r" % (kv.get("teams.werk_zuid.fte.2024-01"),))
if kv.get("teams.werk_zuid.norm", (None, None))[1] != "clients per FTE":
    fail("a team field's unit %r" % (kv.get("teams.werk_zuid.norm"),))
for msg in bad:
    print("FAIL:", msg)
sys.exit(1 if bad else 0)
EOF
check "run: the workbook's cells equal the directory's files" python3 check_run.py

# --- an existing workbook: refused before the run, left as it was
echo "not a workbook" > old.xlsx
cp old.xlsx old.copy
"$STROOM" run small.yaml --replicates 8 --out run2 --xlsx old.xlsx > old.txt 2> old.err
check "existing: exit 2" test $? -eq 2
check "existing: one line that says so" test "$(cat old.err)" = "stroom: 'old.xlsx' already exists; remove it or choose another --xlsx"
check "existing: unchanged" cmp -s old.xlsx old.copy
check "existing: no run directory (refused before the run)" test ! -e run2
"$STROOM" compare small.yaml more.yaml --replicates 3 --out cmp2 --xlsx old.xlsx > /dev/null 2> old2.err
check "existing (compare): exit 2" test $? -eq 2
check "existing (compare): the same line" grep -q "'old.xlsx' already exists" old2.err
check "existing (compare): no directory" test ! -e cmp2
"$STROOM" run small.yaml --replicates 8 --out run3 --xlsx book.csv 2> ext.err
check "not .xlsx: exit 2" test $? -eq 2
check "not .xlsx: says so" grep -q "expected a file name ending in .xlsx" ext.err
"$STROOM" run small.yaml --replicates 8 --out run3 --xlsx nodir/book.xlsx 2> nodir.err
check "missing directory: exit 2" test $? -eq 2
check "missing directory: no run" test ! -e run3
"$STROOM" run small.yaml --xlsx 2> noarg.err
check "--xlsx without a file: exit 2" test $? -eq 2

# --- a compare
"$STROOM" compare small.yaml more.yaml --replicates 4 --threads 2 --out cmp --xlsx cmp.xlsx > cmp.txt 2> cmp.err
check "compare: exit 0" test $? -eq 0
check "compare: the workbook named" grep -q "^Workbook: cmp.xlsx$" cmp.txt
cat > check_cmp.py <<'EOF'
import csv, sys
import xlsx_read
book = xlsx_read.read("cmp.xlsx")
bad = []
if list(book) != ["summary", "per_year", "compare", "scenario_a", "scenario_b"]:
    bad.append("sheets %s" % list(book))
s = book["compare"]
rows = list(csv.DictReader(open("cmp/compare.csv")))
cols = ["a_mean", "b_mean", "diff_mean", "diff_se", "diff_p05", "diff_p50", "diff_p95"]
for i, r in enumerate(rows, 1):
    per = float(r["period"]) if r["period"].isdigit() else r["period"]
    want = [per, r["indicator"]] + [float(r[k]) if r[k] else None for k in cols]
    got = [s.get((i, 0)), s.get((i, 1))] + [s.get((i, c)) for c in range(3, 10)]
    if got != want:
        bad.append("compare row %d: %r against %r" % (i, got, want))
        break
if (len(rows) + 1, 1) in s or len(rows) < 50:
    bad.append("compare: %d rows" % len(rows))
units = {s[(i, 1)]: s[(i, 2)] for i in range(1, len(rows) + 1)}
if units.get("budget_result_eur") != "EUR" or units.get("caseload_1jan") != "households":
    bad.append("compare units %r %r" % (units.get("budget_result_eur"), units.get("caseload_1jan")))
py = book["per_year"]
c1 = [r for r in rows if r["period"] == "2025" and r["indicator"] == "caseload_1jan"][0]
row = [r for r in range(1, 10) if py.get((r, 0)) == 2025.0][0]
if [py.get((row, c)) for c in range(1, 6)] != [float(c1[k]) for k in
                                              ("a_mean", "b_mean", "diff_mean", "diff_p05", "diff_p95")]:
    bad.append("per_year 2025 %r against %r" % ([py.get((row, c)) for c in range(1, 6)], c1))
for side, name, inflow in (("scenario_a", "rotterdam", 325.0), ("scenario_b", "more-inflow", 650.0)):
    kv = {book[side][(r, 0)]: book[side].get((r, 1)) for r in range(1, 2000) if (r, 0) in book[side]}
    if kv.get("name") != name or kv.get("inflow.per_year") != inflow:
        bad.append("%s: name %r inflow %r" % (side, kv.get("name"), kv.get("inflow.per_year")))
for msg in bad:
    print("FAIL:", msg)
sys.exit(1 if bad else 0)
EOF
check "compare: the workbook's cells equal compare.csv" python3 check_cmp.py

# --- without --out: the directory is written under runs/ as usual
"$STROOM" compare small.yaml more.yaml --replicates 3 --xlsx cmp3.xlsx > cmp3.txt 2>&1
check "compare without --out: exit 0" test $? -eq 0
d=$(sed -n 's/^Compare directory: //p' cmp3.txt)
check "compare without --out: a directory under runs/ ($d)" test -s "$d/compare.csv" -a -s cmp3.xlsx
"$STROOM" run small.yaml --replicates 4 --quiet --xlsx run4.xlsx > run4.txt 2>&1
check "run without --out: exit 0" test $? -eq 0
check "run without --out: the run directory and the workbook" test -s "$(cat run4.txt)/series.csv" -a -s run4.xlsx

finish
