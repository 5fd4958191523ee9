# bash completion for stroom (installed as share/bash-completion/completions/stroom).
# Everything is asked of stroom itself, so it follows the installed version: the
# commands from `stroom help`, each command's options from `stroom CMD --help`, the
# builtin scenarios from `stroom scenarios`; anything else completes file names.

_stroom_commands()
{
	"$1" help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\).*/\1/p' | sort -u
}

_stroom()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]} cmd="" i
	COMPREPLY=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$(_stroom_commands "$prog") help" -- "$cur"))
		return 0
	fi
	case $cmd in
	help)
		[[ $COMP_CWORD -eq $((i + 1)) ]] &&
			COMPREPLY=($(compgen -W "$(_stroom_commands "$prog")" -- "$cur"))
		return 0
		;;
	import)
		if [[ $COMP_CWORD -eq $((i + 1)) && $cur != -* ]]; then
			COMPREPLY=($(compgen -W "cbs" -- "$cur"))
			return 0
		fi
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null |
			grep -o -- '--[a-z][a-z0-9-]*' | sort -u)" -- "$cur"))
		return 0
	fi
	# the word after an option that takes a value: file names (readline's default)
	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-*) return 0 ;;
	esac
	# a scenario: the builtin names, and file names
	case $cmd in
	run | compare | target | validate | population | conditions | calibrate | backtest)
		COMPREPLY=($(compgen -W "$("$prog" scenarios 2>/dev/null | awk '{print $1}')" -- "$cur"))
		;;
	esac
	return 0
}
complete -o default -o bashdefault -F _stroom stroom
