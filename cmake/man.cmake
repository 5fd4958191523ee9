# Makes the man pages at build time (CMakeLists.txt, target `man`):
#   cmake -DSTROOM=path/to/stroom -DHELP2MAN=help2man -DOUT=build/man \
#         -DHELPER=cmake/man-help.sh -P cmake/man.cmake
# OUT/man1/stroom.1 from `stroom --help`, and OUT/man1/stroom-CMD.1 from
# `stroom CMD --help` for every command `stroom help` lists (a line "  CMD ..."
# under "commands:"), so a command added to the usage text of src/cli/cli_main.c
# gets its page with no change here. help2man reads the text through
# cmake/man-help.sh. Pages of commands that left the usage text are removed.

# The NAME line of each command's page: one line per command, "CMD|what it does".
# A command missing here gets "the stroom CMD command"; add its line.
set(STROOM_MAN_NAMES
  "run|simulate a scenario and write a run directory"
  "compare|run two scenarios with the same random numbers and show their difference"
  "target|the smallest lever setting that reaches a caseload target"
  "explain|why the caseload moved between two dates: labour market, levers, composition, chance"
  "report|a run or comparison as one self-contained HTML page with fan charts (Dutch or English)"
  "runs|the run archive: list, show, diff, remove and export earlier runs"
  "validate|check everything a run reads and derives, without running"
  "scenarios|list the builtin scenarios"
  "population|write a scenario's starting households as CSV"
  "benefit|the monthly bijstand of one household under the Participatiewet"
  "budget|the BUIG result and safety net of a year, or of many municipalities"
  "conditions|the AEF conditions and which of them a scenario's levers touch"
  "calibrate|fit a scenario's priors to observed series"
  "backtest|refit before each origin and score the forecasts against the record"
  "import|observed series from a CBS StatLine export"
  "init|a starting scenario for a municipality, scaled from the builtin generic"
  "schema|the scenario reference: every key with its kind and bounds"
  "version|print stroom's version"
)

foreach(v STROOM HELP2MAN OUT HELPER)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "man.cmake: -D${v}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${STROOM} help OUTPUT_VARIABLE usage RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man.cmake: '${STROOM} help' failed (${rc})")
endif()
string(REGEX REPLACE "^.*\ncommands:\n" "" cmds_text "${usage}")
string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*" found "${cmds_text}")
set(commands)
foreach(f ${found})
  string(STRIP "${f}" c)
  list(APPEND commands ${c})
endforeach()
list(REMOVE_DUPLICATES commands)
if(NOT commands)
  message(FATAL_ERROR "man.cmake: no command found in '${STROOM} help'")
endif()

file(REMOVE_RECURSE ${OUT}/man1)
file(MAKE_DIRECTORY ${OUT}/man1)
set(see_also)
foreach(c ${commands})
  list(APPEND see_also ".BR stroom-${c} (1)")
endforeach()
string(REPLACE ";" ",\n" see_also "${see_also}")

# help2man PAGE PROG NAME INCLUDE: one page; PROG is the shell command help2man
# runs with --help and --version appended.
function(page file prog name include)
  execute_process(COMMAND ${HELP2MAN} --no-info --section=1
                          --manual=stroom "--name=${name}" --include=${include}
                          --output=${OUT}/man1/${file} "${prog}"
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "man.cmake: help2man failed for ${file} (${rc}): ${err}")
  endif()
endfunction()

file(WRITE ${OUT}/stroom.h2m "[SEE ALSO]\n${see_also}\n.PP\nThe documentation in docs/ of the source tree: README.md, docs/model.md, docs/scenario.md.\n")
page(stroom.1 "sh '${HELPER}' '${STROOM}'"
     "simulate a Dutch municipality's social-assistance caseload and budget" ${OUT}/stroom.h2m)
file(WRITE ${OUT}/command.h2m "[SEE ALSO]\n.BR stroom (1)\n")
foreach(c ${commands})
  set(name "the stroom ${c} command")
  foreach(entry ${STROOM_MAN_NAMES})
    if(entry MATCHES "^${c}\\|(.*)$")
      set(name "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  page(stroom-${c}.1 "sh '${HELPER}' '${STROOM}' ${c}" "${name}" ${OUT}/command.h2m)
  # the command word belongs to the command's name in the SYNOPSIS: bold, not an argument
  file(READ ${OUT}/man1/stroom-${c}.1 roff)
  string(REPLACE ".B stroom\n\\fI\\,${c}\\/\\fR" ".B stroom ${c}" roff "${roff}")
  string(REPLACE ".B stroom\n\\fI\\,${c} " ".B stroom ${c}\n\\fI\\," roff "${roff}")
  string(REPLACE "\\fI\\,\\/\\fR" "" roff "${roff}")
  file(WRITE ${OUT}/man1/stroom-${c}.1 "${roff}")
endforeach()
# options in the SYNOPSIS as in the text: minus signs, not hyphens, when rendered
file(GLOB pages ${OUT}/man1/*.1)
foreach(f ${pages})
  file(READ ${f} roff)
  string(REPLACE "--" "\\-\\-" roff "${roff}")
  file(WRITE ${f} "${roff}")
endforeach()
file(WRITE ${OUT}/man.stamp "${commands}\n")
