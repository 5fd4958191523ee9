#!/usr/bin/env bash
# `cmake --install` of the build the tested binary belongs to, into a temporary
# prefix: the installed stroom runs a scenario; every command `stroom help` lists
# has its man page, made from its --help (an option of the help text is in the
# page); pkg-config finds libstroom, and small programs build against the shared
# and the static library; the bash completion completes commands, options and
# builtin scenarios.
# usage: cli_install.sh STROOM_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" "$@"
cd "$T" || exit 1
build=$(cd "$(dirname "$STROOM")" && pwd)
P=$T/prefix

check "the binary is in a CMake build directory" test -f "$build/cmake_install.cmake"
cmake --install "$build" --prefix "$P" > install.log 2>&1
rc=$?
check "cmake --install exits 0 (got $rc: $(tail -n 3 install.log))" test "$rc" -eq 0
pc=$(find "$P" -name stroom.pc | head -n 1)
libdir=$(dirname "$(dirname "$pc")")
for f in bin/stroom include/stroom/stroom.h include/stroom/common.h include/stroom/sim.h \
	share/man/man1/stroom.1 share/man/man1/stroom-run.1 share/bash-completion/completions/stroom; do
	check "installed: $f" test -s "$P/$f"
done
check "installed: stroom.pc" test -s "$pc"
check "installed: libstroom.a" test -s "$libdir/libstroom.a"
check "installed: libstroom.so" test -e "$libdir/libstroom.so"
check "installed: no private header" test -z "$(find "$P/include" -name '*_int.h' -o -name internal.h)"

# --- the installed binary, from anywhere
"$P/bin/stroom" run --replicates 4 --threads 2 --quiet --out run > run.out 2> run.err
rc=$?
check "installed stroom run exits 0 (got $rc: $(cat run.err))" test "$rc" -eq 0
check "installed stroom run: the run directory" test -s run/series.csv -a -s run/groups.csv
check "installed stroom run: 32,649 households at the start" \
	grep -q "^2024-01,caseload,all,32649.00," run/series.csv
check "installed stroom validate rotterdam" bash -c "'$P/bin/stroom' validate rotterdam > /dev/null"
check "installed stroom version = built" test "$("$P/bin/stroom" version)" = "$("$STROOM" version)"

# --- man pages: stroom(1) and one per command, from the same text as --help
cmds=$("$P/bin/stroom" help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\).*/\1/p' | sort -u)
check "stroom help lists commands" test "$(echo "$cmds" | wc -l)" -ge 14
for c in $cmds; do
	page=$P/share/man/man1/stroom-$c.1
	check "man page stroom-$c(1)" test -s "$page"
	[ -s "$page" ] || continue
	check "stroom-$c(1): its name" grep -q "^stroom-$c \\\\- " "$page"
	check "stroom-$c(1): its synopsis" grep -q "^\\.B stroom $c" "$page"
	# every option the help text names is in the page (roff escapes the dashes)
	sed 's/\\-/-/g' "$page" > page.txt # roff's \- as -
	missing=
	for o in $("$P/bin/stroom" "$c" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -qF -- "$o" page.txt || missing="$missing $o"
	done
	check "stroom-$c(1): every option of its --help${missing:+ (missing:$missing)}" test -z "$missing"
done
check "stroom(1) names the commands" grep -qx '\.BR stroom-run (1),' "$P/share/man/man1/stroom.1"
check "stroom(1) has run's options" grep -qF '\-\-replicates' "$P/share/man/man1/stroom.1"
MANWIDTH=200 man -l "$P/share/man/man1/stroom-run.1" > man-run.txt 2> man.err
check "man -l stroom-run.1 renders (exit 0: $(cat man.err))" test $? -eq 0
check "man stroom-run: NAME" grep -q "stroom-run - simulate a scenario" man-run.txt
check "man stroom-run: --fixed-parameters as --help says" grep -q -- "--fixed-parameters" man-run.txt
check "man stroom-run: the help text" grep -qE "every +prior +at +its +central +value" man-run.txt
MANPATH=$P/share/man man -w stroom-compare > man-w.txt 2>&1
check "man finds stroom-compare under the prefix ($(cat man-w.txt))" \
	grep -qx "$P/share/man/man1/stroom-compare.1" man-w.txt

# --- pkg-config and the library
export PKG_CONFIG_PATH=$libdir/pkgconfig
check "pkg-config --modversion stroom = the version" \
	test "$(pkg-config --modversion stroom)" = "$("$STROOM" version | sed 's/^stroom //')"
flags=$(pkg-config --cflags --libs stroom)
check "pkg-config --cflags --libs stroom (got '$flags')" test $? -eq 0 -a -n "$flags"
check "pkg-config: the prefix installed to" grep -qx "prefix=$P" "$pc"
check "pkg-config --static: the private requirements" \
	bash -c "pkg-config --static --libs stroom | grep -q -- '-lyaml' && pkg-config --static --libs stroom | grep -q -- '-lgsl'"
# a library built with the sanitizers (the Sanitize build) needs them in the program too
san=
nm "$libdir/libstroom.a" 2> /dev/null | grep -q __asan_ && san="-fsanitize=address,undefined"
cat > prog.c <<'C'
#include <stdio.h>
#include <stroom/scenario.h>
#include <stroom/stroom.h>
int main(void)
{
	stroom_scenario *s = NULL;
	if (stroom_scenario_load(&s, "rotterdam", NULL) != 0)
		return 1;
	printf("%s %d\n", stroom_version(), stroom_scenario_params(s)->population_households);
	stroom_scenario_free(s);
	return 0;
}
C
cc -std=c11 -Wall -Werror $san prog.c $flags -o prog-shared > cc1.txt 2>&1
check "a program builds with pkg-config --cflags --libs stroom ($(head -n 3 cc1.txt))" test -x prog-shared
check "... and runs against the installed libstroom.so" \
	test "$(LD_LIBRARY_PATH=$libdir ./prog-shared)" = "$("$STROOM" version | sed 's/^stroom //') 32649"
# the static library: its path in place of -lstroom, and pkg-config --static for the rest
static=$(pkg-config --static --libs stroom | sed "s|-lstroom|$libdir/libstroom.a|")
cc -std=c11 -Wall -Werror $san prog.c $(pkg-config --cflags stroom) $static -o prog-static > cc2.txt 2>&1
check "a program builds against libstroom.a with pkg-config --static ($(head -n 3 cc2.txt))" test -x prog-static
check "... and runs without libstroom.so" \
	bash -c "! ldd ./prog-static | grep -q libstroom && test \"\$(./prog-static)\" = \"\$(LD_LIBRARY_PATH=$libdir ./prog-shared)\""

# --- bash completion
complete_words() { # the completions of the words given (the last one is being typed)
	PATH=$P/bin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _stroom
		echo "${COMPREPLY[*]}"' _ "$P/share/bash-completion/completions/stroom" "$@"
}
check "completion: registered for stroom" \
	bash -c ". '$P/share/bash-completion/completions/stroom' && complete -p stroom | grep -q _stroom"
check "completion: stroom ru -> run runs" test "$(complete_words stroom ru | sort | tr "\n" " ")" = "run runs "
check "completion: stroom rep -> report" test "$(complete_words stroom rep)" = "report"
check "completion: stroom ca -> calibrate" test "$(complete_words stroom ca)" = "calibrate"
check "completion: stroom run --fi -> --fixed-parameters" test "$(complete_words stroom run --fi)" = "--fixed-parameters"
check "completion: stroom target --pro -> --probability" test "$(complete_words stroom target --pro)" = "--probability"
check "completion: stroom run rotterdam-h -> rotterdam-herijking" \
	test "$(complete_words stroom run rotterdam-h)" = "rotterdam-herijking"
check "completion: stroom help val -> validate" test "$(complete_words stroom help val)" = "validate"
finish
