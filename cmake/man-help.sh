#!/bin/sh
# The --help and --version of `stroom [CMD]` as help2man reads them (cmake/man.cmake):
#   man-help.sh STROOM [CMD] --help|--version
# The text is stroom's own; only its first lines are rearranged into the GNU form
# help2man turns into a SYNOPSIS: "usage: stroom CMD ARGS   what it does" becomes
# "Usage: stroom CMD ARGS" (with "or:" lines for further forms and the ARGS
# continued on indented lines), then the "what it does" text (on that line or on
# the deeply indented lines under it) as a paragraph; and each option or table
# entry after it becomes a paragraph of its own.
set -eu
stroom=$1
shift
cmd=
[ $# -ge 2 ] && { cmd=$1; shift; }
if [ "$1" = --version ]; then
	v=$("$stroom" version | sed 's/^stroom //')
	echo "stroom${cmd:+-$cmd} $v"
	exit 0
fi
# shellcheck disable=SC2086 # cmd is one word or nothing
text=$("$stroom" $cmd --help) # a failing stroom fails here, and help2man with it
printf '%s\n' "$text" | awk -v cmd="$cmd" '
	BEGIN { n = 0 }
	# "SYN   DESC" -> syn[n] = SYN, desc[n] = DESC
	function add(line,    i) {
		sub(/^ +/, "", line)
		i = match(line, /   +/)
		if (i) { syn[n] = substr(line, 1, i - 1); d = substr(line, i); sub(/^ +/, "", d); desc[n] = d }
		else { syn[n] = line; desc[n] = "" }
		n++
	}
	# A line of the text after the usage. An option ("  --out DIR   ...") or an
	# entry of a table ("NAME   what it is") starts a paragraph of its own (help2man
	# would otherwise join it to the lines above), indented so that help2man tags it.
	function body(line,    tag) {
		if (match(line, /^ *[^ ]+( [^ ]+)*  +[^ ]/) || match(line, /^ {1,10}-[^ ]/)) {
			tag = line; sub(/  +[^ ].*$/, "", tag)
			if (length(tag) <= 40 || line ~ /^ {1,10}-/) {
				if (prev != "") print ""
				if (line ~ /^[^ ]/) line = "  " line
			}
		}
		print line
		prev = line
	}
	function flush(    i) {
		print "Usage: " syn[0]
		for (i = 1; i < n; i++)
			print "   or: " syn[i]
		for (i = 0; i < n; i++)
			if (desc[i] != "") { print ""; print (n > 1 ? syn[i] ": " : "") desc[i] }
		state = "body"
	}
	NR == 1 && /^usage: / { add(substr($0, 8)); state = "syn"; next }
	state == "syn" && /^       +stroom / { add($0); next }
	state == "syn" && cmd != "" && index($0, "  " cmd " ") == 1 { add("stroom " substr($0, 3)); next }
	state == "syn" && /^        +[[-]/ { l = $0; sub(/^ +/, "", l); syn[n - 1] = syn[n - 1] " " l; next }
	state == "syn" && /^                    +[^ [-]/ {
		l = $0; sub(/^ +/, "", l); desc[n - 1] = desc[n - 1] (desc[n - 1] == "" ? "" : " ") l; next
	}
	state == "syn" { flush(); print ""; body($0); next }
	{ body($0) }
	END { if (state == "syn") flush() }
'
