/*
 * cli.h: the sub-commands of the `stroom` command that live in their own
 * files (src/cli_*.c). Each takes the arguments after its name and returns the
 * process exit code: 0 ok, 1 the command failed, 2 bad input.
 */
#ifndef STROOM_CLI_H
#define STROOM_CLI_H

/* `stroom benefit ...`: the benefit of one household at a date (src/cli_benefit.c). */
int stroom_cli_benefit(int argc, char **argv);

/* `stroom budget ...`: one year's BUIG result and safety net, or a many-municipality
 * table (src/cli_budget.c). */
int stroom_cli_budget(int argc, char **argv);
/* `stroom conditions ...`: the AEF conditions catalogue (src/cli_conditions.c). */
int stroom_cli_conditions(int argc, char **argv);

/* Writes s to stdout as a JSON string, quoted and escaped (src/cli_util.c). */
void stroom_cli_json_str(const char *s);

#endif
