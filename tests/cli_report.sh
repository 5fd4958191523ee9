#!/usr/bin/env bash
# CLI tests of `stroom report` (docs/report.md): a small run (rotterdam with a
# target it reaches in some replicates, 8 replicates) reported in Dutch and in
# English: the headings, P(target) and the 2026 median caseload in each
# language's number style, what only the run knew from manifest.json (and from
# summary.txt's text in an older directory), the sources of the key assumptions
# (the scenario's and its base's comments), no reference outside the file (no
# http(s):// in an attribute, no <a>, no <script src=, no <link>, no url()); the page rendered by headless Chromium
# (Debian's chromium, scripts/install-deps): a screenshot that is not blank, no
# console errors, the headings in the rendered DOM; a comparison's report from
# `compare --report` and from `report` on a compare directory; and the bad
# inputs: a missing or non-run directory, a malformed series.csv (FILE:LINE), an
# existing --out, a bad --lang, each one line and exit 2 with nothing written.
# Chromium missing is a failure, not a skip.
# usage: cli_report.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"

cat > "$T/near.yaml" <<'EOF'
extends: rotterdam
name: near
description: "Rotterdam <baseline> & a target near the median"
target:
  households: 33000   # assumption: a test target near the median of 2026-01
  date: 2026-01
EOF
"$STROOM" run "$T/near.yaml" --replicates 8 --quiet --out "$T/r" > /dev/null 2> "$T/err"
check "run exits 0" test $? -eq 0

# --- the page in Dutch and in English
"$STROOM" report "$T/r" --out "$T/nl.html" > "$T/out" 2> "$T/err"
check "report nl exits 0" test $? -eq 0
check "report nl: prints the file" grep -qx "$T/nl.html" "$T/out"
check "report nl: nothing on stderr" test ! -s "$T/err"
"$STROOM" report "$T/r" --lang en --out "$T/en.html" > /dev/null 2> "$T/err"
check "report en exits 0" test $? -eq 0
"$STROOM" report "$T/r/" > "$T/out" 2> "$T/err"
check "report: default file beside the directory" test -s "$T/r-report-nl.html"

# P(target) as summary.txt says it, as a percentage in each style
p=$(sed -n 's/^  P(caseload <= target) = \([0-9.]*\) .*/\1/p' "$T/r/summary.txt")
pen=$(awk -v p="$p" 'BEGIN { printf "%.1f", int(p * 1000 + 0.5) / 10 }')
pnl=${pen/./,}
check "summary has P ($p)" test -n "$p"
check "nl: P(target) $pnl%" grep -q "id=\"p-target\">$pnl%<" "$T/nl.html"
check "en: P(target) $pen%" grep -q "id=\"p-target\">$pen%<" "$T/en.html"
# the median caseload on 2026-01-01 (series.csv's p50) with thousands separators
med=$(awk -F, '$1 == "2026-01" && $2 == "caseload" && $3 == "all" { printf "%d", int($7 + 0.5) }' "$T/r/series.csv")
men=$(printf "%d" "$med" | sed -E ':a;s/^([0-9]+)([0-9]{3})/\1,\2/;ta')
mnl=${men//,/.}
check "nl: 2026 median $mnl" grep -q "<tr><td>2026</td><td>$mnl</td>" "$T/nl.html"
check "en: 2026 median $men" grep -q "<tr><td>2026</td><td>$men</td>" "$T/en.html"
for h in "Vraag en antwoord" "Het bijstandsbestand" "Instroom en uitstroom" \
	"Samenstelling van het bestand" "Het BUIG-resultaat per jaar" \
	"Waar de onzekerheid vandaan komt" "Beleidsknoppen en uitvoeringskosten" \
	"De belangrijkste uitgangspunten" "AEF-condities die de beleidsknoppen raken"; do
	check "nl heading: $h" grep -q "<h2>$h</h2>" "$T/nl.html"
done
for h in "Question and answer" "The caseload" "Inflow and exits" "Composition of the caseload" \
	"The BUIG result per year" "Where the uncertainty comes from" \
	"Levers and their execution costs" "The key assumptions" "AEF conditions the levers touch"; do
	check "en heading: $h" grep -q "<h2>$h</h2>" "$T/en.html"
done
check "nl: lang attribute" grep -q '<html lang="nl">' "$T/nl.html"
check "nl: safety-net threshold" grep -q "tekort 7,5%: drempel vangnet" "$T/nl.html"
check "en: safety-net threshold" grep -q "deficit 7.5%: safety-net threshold" "$T/en.html"
check "nl: 7 flow charts + caseload + 2 composition + BUIG" \
	test "$(grep -c '<svg ' "$T/nl.html")" -eq 11
check "nl: the scenario's description escaped" grep -q "Rotterdam &lt;baseline&gt; &amp; a target" "$T/nl.html"
check "nl: a source from the scenario file" grep -q "assumption: a test target near the median" "$T/nl.html"
# a key the base sets (population.households, in rotterdam.yaml) carries the base's
# comment, from manifest.json's scenario_sources; a manifest without them (an older
# directory) takes the comments of the scenario file alone
check "nl: a source from the base the scenario extends" python3 -c "
import html, json
m = json.load(open('$T/r/manifest.json'))
c = m['scenario_sources']['population.households']['comment']
assert c and html.escape(c, quote=False) in open('$T/nl.html').read(), c
"
cp -r "$T/r" "$T/r-nosrc"
python3 -c "
import json
p = '$T/r-nosrc/manifest.json'
m = json.load(open(p)); del m['scenario_sources']; json.dump(m, open(p, 'w'))"
"$STROOM" report "$T/r-nosrc" --out "$T/nosrc.html" > /dev/null 2> "$T/err"
check "no scenario_sources: report exits 0" test $? -eq 0
check "no scenario_sources: the file's own comment" \
	grep -q "assumption: a test target near the median" "$T/nosrc.html"
check "no scenario_sources: not the base's" python3 -c "
import html, json
m = json.load(open('$T/r/manifest.json'))
c = m['scenario_sources']['population.households']['comment']
assert html.escape(c, quote=False) not in open('$T/nosrc.html').read()
"
check "nl: condition 2.j named" grep -q "Loonkostensubsidie" "$T/nl.html"
# what only the run knew (the caseload then, P(target), the interval's split, the
# conditions) comes from manifest.json: the same page with summary.txt emptied; a
# directory written before manifest.json had "interval" and "conditions" (and the
# caseload then in "target") gives the same page from summary.txt's text
check "manifest: the split and the conditions" python3 -c "
import json, sys
m = json.load(open('$T/r/manifest.json'))
i, t, c = m['interval'], m['target'], m['conditions']
assert i['date'] == '2026-01-01' and i['width'] > i['width_central'] > 0 and i['central_replicates'] > 1
assert abs(i['share_parameters_pct'] + i['share_chance_pct'] - 100) < 1e-9
assert t['caseload_p05'] <= t['caseload_median'] <= t['caseload_p95']
assert [x['code'] for x in c] == [l.split()[0] for l in open('$T/r/summary.txt').read().split('(stroom conditions)\n')[1].splitlines()]
"
# same_page A B: the two pages equal but for the line naming the directory
same_page() { cmp -s <(grep -v '^<p class="meta">' "$1") <(grep -v '^<p class="meta">' "$2"); }
cp -r "$T/r" "$T/nosummary"
: > "$T/nosummary/summary.txt"
"$STROOM" report "$T/nosummary" --out "$T/nosummary.html" > /dev/null 2>&1
check "summary.txt empty: the same page" same_page "$T/nl.html" "$T/nosummary.html"
cp -r "$T/r" "$T/older"
python3 - "$T/older/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for k in ("interval", "conditions"):
    del m[k]
for k in ("caseload_median", "caseload_p05", "caseload_p95"):
    del m["target"][k]
json.dump(m, open(sys.argv[1], "w"), indent=2)
PY
"$STROOM" report "$T/older" --out "$T/older.html" > /dev/null 2>&1
check "older directory: the same page from summary.txt" same_page "$T/nl.html" "$T/older.html"
: > "$T/older/summary.txt"
"$STROOM" report "$T/older" --out "$T/older-empty.html" > /dev/null 2>&1
check "older directory without summary.txt's text: no split" grep -q "Deze run heeft de splitsing niet" "$T/older-empty.html"
for f in nl en; do
	# a source's comment may cite a web page as text; no attribute points at one
	check "$f: no http(s):// in an attribute, no link element" \
		bash -c "! grep -Eiq '=[\"'\'']?[[:space:]]*https?://|<a[[:space:]]' '$T/$f.html'"
	check "$f: no script" bash -c "! grep -iq '<script' '$T/$f.html'"
	check "$f: no link, no url(), no img" bash -c "! grep -Eiq '<link|url\\(|<img|@import' '$T/$f.html'"
done

# --- rendered by headless Chromium
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	no "chromium is not installed (scripts/install-deps installs Debian's chromium)"
else
	chrome() {
		HOME="$T/home" timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu \
			--no-first-run --user-data-dir="$T/chrome" "$@"
	}
	mkdir -p "$T/home"
	chrome --screenshot="$T/shot.png" --window-size=1240,1754 "file://$T/nl.html" > /dev/null 2>&1
	check "chromium: screenshot written" test -s "$T/shot.png"
	check "chromium: a PNG" bash -c "head -c 8 '$T/shot.png' | od -An -tx1 | grep -q '89 50 4e 47'"
	# a blank 1240x1754 page compresses to about 10 KB; the report's first page, with
	# its text and chart, to over 100 KB
	check "chromium: screenshot not blank ($(stat -c %s "$T/shot.png" 2>/dev/null) bytes)" \
		test "$(stat -c %s "$T/shot.png" 2>/dev/null || echo 0)" -gt 60000
	for f in nl en; do
		chrome --dump-dom --enable-logging=stderr --v=0 "file://$T/$f.html" > "$T/dom-$f" 2> "$T/log-$f"
		check "chromium $f: DOM dumped" test -s "$T/dom-$f"
		check "chromium $f: no console message" bash -c "! grep -Eq 'CONSOLE|Uncaught' '$T/log-$f'"
	done
	check "chromium nl: rendered heading" grep -q "<h2>Vraag en antwoord</h2>" "$T/dom-nl"
	check "chromium nl: rendered P" grep -q "id=\"p-target\">$pnl%<" "$T/dom-nl"
	check "chromium nl: rendered charts" test "$(grep -c '<svg ' "$T/dom-nl")" -eq 11
	check "chromium en: rendered heading" grep -q "<h2>Question and answer</h2>" "$T/dom-en"
	check "chromium en: rendered median" grep -q "<tr><td>2026</td><td>$men</td>" "$T/dom-en"
fi

# --- a comparison
"$STROOM" compare generic "$SRC/examples/coaches/generic-coaches.yaml" --replicates 8 \
	--out "$T/c" --report "$T/c.html" --lang en > "$T/out" 2> "$T/err"
check "compare --report exits 0" test $? -eq 0
check "compare --report: says so" grep -qx "Report: $T/c.html" "$T/out"
check "compare --report: both scenarios named" grep -q "<h1>Comparison: generic – generic-coaches</h1>" "$T/c.html"
check "compare --report: A, B and the difference" test "$(grep -c '<svg ' "$T/c.html")" -eq 8
"$STROOM" report "$T/c" --out "$T/c-nl.html" > /dev/null 2>&1
check "report on a compare directory" grep -q "<h1>Vergelijking: generic – generic-coaches</h1>" "$T/c-nl.html"
cl=$(awk -F, '$1 == "2027" && $2 == "caseload_1jan" { printf "%d", int($5 + ($5 < 0 ? -0.5 : 0.5)) }' "$T/c/compare.csv")
check "compare report: the 2027 difference ($cl)" grep -Eq "<td>2027</td>.*<td>$cl</td>" "$T/c-nl.html"
"$STROOM" compare generic generic --replicates 2 --report "$T/c.html" > "$T/out" 2> "$T/err"
check "compare --report over a file: exit 2" test $? -eq 2
check "compare --report over a file: before running" test ! -s "$T/out"

# --- bad input: one line, exit 2, nothing written
bad() { # NAME EXPECTED-LINE-PATTERN ARGS...
	local name=$1 pat=$2
	shift 2
	"$STROOM" report "$@" > "$T/out" 2> "$T/err"
	check "$name: exit 2" test $? -eq 2
	check "$name: one line" test "$(wc -l < "$T/err")" -eq 1
	check "$name: says '$pat'" grep -q -- "$pat" "$T/err"
	check "$name: nothing on stdout" test ! -s "$T/out"
}
bad "no directory" "^stroom: report: expected a run or compare directory"
bad "missing directory" "^stroom: '$T/none': No such file or directory" "$T/none" --out "$T/x.html"
mkdir -p "$T/empty"
bad "not a run directory" "^stroom: $T/empty/series.csv: no such file" "$T/empty" --out "$T/x.html"
cp -r "$T/r" "$T/broken"
sed -i '5s/^\([^,]*,[^,]*,[^,]*\),[^,]*,/\1,12x,/' "$T/broken/series.csv"
bad "malformed series.csv" "^stroom: $T/broken/series.csv:5: column mean: expected a number, got '12x'" \
	"$T/broken" --out "$T/x.html"
check "malformed: nothing written" test ! -e "$T/x.html"
sum=$(cksum < "$T/nl.html")
bad "existing --out" "^stroom: '$T/nl.html' already exists" "$T/r" --out "$T/nl.html"
check "existing --out: left as it was" test "$(cksum < "$T/nl.html")" = "$sum"
bad "bad --lang" "^stroom: --lang: expected nl or en, got 'de'" "$T/r" --lang de
# --xlsx beside the page: the same workbook `run --xlsx` writes, from the directory
"$STROOM" report "$T/r" --lang en --out "$T/with-book.html" --xlsx "$T/book.xlsx" > "$T/xo" 2>&1
check "report --xlsx: exit 0" test $? -eq 0
check "report --xlsx: the page" test -s "$T/with-book.html"
check "report --xlsx: the workbook's median sheet equals series.csv's p50 of the caseload" \
	python3 - "$SRC/tests" "$T/book.xlsx" "$T/r/series.csv" <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[1])
import xlsx_read
book = xlsx_read.read(sys.argv[2])
sheet = book["series_p50"]
head = {sheet[(0, c)]: c for r, c in sheet if r == 0}
col = [c for h, c in head.items() if h.startswith("caseload: all")][0]
want = [float(r["p50"]) for r in csv.DictReader(open(sys.argv[3]))
        if r["indicator"] == "caseload" and r["group"] == "all"]
got = [sheet[(r, col)] for r in range(1, len(want) + 1)]
sys.exit(0 if got == want and len(want) > 0 else 1)
PY
bad "report --xlsx: an existing workbook" "already exists" "$T/r" --out "$T/with-book2.html" --xlsx "$T/book.xlsx"
check "report --xlsx: existing workbook refused before the page" test ! -e "$T/with-book2.html"
check "no temporary file left" test -z "$(find "$T" -maxdepth 1 -name '.*.html.*')"
finish
