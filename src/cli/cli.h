/*
 * cli.h: the sub-commands of the `stroom` command that live in their own
 * files (src/cli/cli_*.c). Each takes the arguments after its name and returns the
 * process exit code: 0 ok, 1 the command failed, 2 bad input.
 */
#ifndef STROOM_CLI_H
#define STROOM_CLI_H

#include <stddef.h>

/* The process exit codes of every command. */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_BADINPUT = 2 };

/* Prints "stroom: OPT: expected EXPECTED, got 'GOT'" and returns EXIT_BADINPUT
 * (src/cli/cli_util.c). */
int stroom_cli_bad(const char *opt, const char *expected, const char *got);

/* The argument parsing of the commands that take one scenario (calibrate,
 * backtest, target, explain): stroom_cli_one_scenario puts the first positional
 * argument into *scen and refuses a second ("stroom CMD takes one scenario (see
 * 'stroom CMD --help')"); stroom_cli_unknown_option prints "stroom: CMD: unknown
 * option 'ARG' (see 'stroom CMD --help')". Each returns EXIT_BADINPUT on the
 * error, 0 otherwise (src/cli/cli_util.c). */
int stroom_cli_one_scenario(const char *cmd, const char *arg, const char **scen);
int stroom_cli_unknown_option(const char *cmd, const char *arg);

/* The exit code for a library error: 2 for bad input (STROOM_EPARSE, STROOM_EINVAL,
 * STROOM_ENOTFOUND), else 1. */
int stroom_cli_exit_for(int err);
/* Prints "stroom: " and the library's last error detail on stderr and returns
 * stroom_cli_exit_for(err). */
int stroom_cli_fail(int err);

/* `stroom benefit ...`: the benefit of one household at a date (src/cli/cli_benefit.c). */
int stroom_cli_benefit(int argc, char **argv);

/* `stroom budget ...`: one year's BUIG result and safety net, or a many-municipality
 * table (src/cli/cli_budget.c). */
int stroom_cli_budget(int argc, char **argv);
/* `stroom import cbs ...`: observed series from a CBS StatLine export
 * (src/cli/cli_import.c). */
int stroom_cli_import(int argc, char **argv);
/* `stroom calibrate ...`: fit a scenario's priors to observed series (src/cli/cli_calibrate.c). */
int stroom_cli_calibrate(int argc, char **argv);
/* `stroom backtest ...`: forecasts from past origins scored against the record
 * (src/cli/cli_backtest.c). */
int stroom_cli_backtest(int argc, char **argv);
/* `stroom compare A B ...`: two scenarios paired by replicate (src/cli/cli_compare.c). */
int stroom_cli_compare(int argc, char **argv);
/* `stroom runs list|show|diff|rm|export ...`: the run archive (src/cli/cli_runs.c). */
int stroom_cli_runs(int argc, char **argv);
/* `stroom target SCENARIO ...`: the goal-seek (src/cli/cli_target.c). */
int stroom_cli_target(int argc, char **argv);
/* `stroom explain SCENARIO ...`: why the caseload moved (src/cli/cli_explain.c). */
int stroom_cli_explain(int argc, char **argv);
/* `stroom conditions ...`: the AEF conditions catalogue (src/cli/cli_conditions.c). */
int stroom_cli_conditions(int argc, char **argv);
/* `stroom init NAME --households N ...`: a starting scenario scaled from generic
 * (src/cli/cli_init.c). */
int stroom_cli_init(int argc, char **argv);
/* `stroom report DIR ...`: a run or compare directory as one HTML page
 * (src/cli/cli_report.c); stroom_cli_report_write also serves `compare --report`:
 * r's page in lang (STROOM_REPORT_NL or _EN, from stroom_cli_report_lang("nl"|"en"),
 * -1 for another text) to path, 0 or an exit code after one line. */
struct stroom_report;
int stroom_cli_report(int argc, char **argv);
int stroom_cli_report_write(const struct stroom_report *r, int lang, const char *path);
int stroom_cli_report_lang(const char *s);
struct stroom_run_inputs;
/* Prints one "stroom: warning: KEYS: ..." line per implausible figure of a checked
 * one-municipality run (stroom_plausible_check; src/cli/cli_init.c). */
void stroom_cli_warn_plausible(const struct stroom_run_inputs *in);

/*
 * Whether --out FILE may be written, before any work: prints one line and returns
 * EXIT_BADINPUT when FILE exists or its directory is missing, not a directory or
 * not writable; 0 otherwise (src/cli/cli_util.c).
 */
int stroom_cli_check_new_file(const char *path);

/*
 * s made safe to echo in a one-line message (as the library's error details):
 * control characters and bytes that are not valid UTF-8 become "\xNN", and what
 * does not fit 511 bytes is cut (src/cli/cli_util.c). Returned by value, so it is
 * used in place: fprintf(stderr, "... '%s'", stroom_cli_printable(arg).s) (the
 * temporary lives to the end of the full expression).
 */
typedef struct stroom_cli_text {
	char s[512];
} stroom_cli_text;
stroom_cli_text stroom_cli_printable(const char *s);

/* Writes s to stdout as a JSON string, quoted and escaped (src/cli/cli_util.c). */
void stroom_cli_json_str(const char *s);

/*
 * MPI for `stroom run --mpi` (src/cli/cli_mpi.c, the only file that includes mpi.h).
 * on == 0: a plain single process; every function then does nothing (or the
 * obvious local thing), so callers need no #ifdefs and a run without --mpi never
 * calls MPI_Init.
 */
typedef struct stroom_cli_mpi {
	int on, rank, size;
} stroom_cli_mpi;

/* MPI_Init; ranks other than 0 send stdout and stderr to /dev/null, so messages and
 * the summary come once, from rank 0. Returns 0, or 1 when MPI cannot start. */
int stroom_cli_mpi_init(stroom_cli_mpi *m);
/* Every rank ends with the same exit code (the largest of the ranks'): MPI_Finalize
 * and return it. Call exactly once on every rank after init. */
int stroom_cli_mpi_finish(stroom_cli_mpi *m, int code);
/*
 * A collective check after a step that may fail on some ranks only: returns the
 * largest exit code of all ranks (0 = all went well). When rank 0 itself went
 * well but another rank failed, rank 0 prints that rank's one-line error
 * (stroom_error_last() there) as "stroom: rank K: ...".
 */
int stroom_cli_mpi_agree(const stroom_cli_mpi *m, int code);
/* Contiguous block of n items for part `part` of `parts`: the first n % parts
 * parts get one more. */
void stroom_cli_mpi_block(int n, int parts, int part, int *first, int *count);
/*
 * Rank 0 receives a byte buffer from every other rank, in rank order, and hands
 * each to recv (which returns 0 or an exit code); the other ranks send theirs
 * (buf, n). Collective; returns the agreed exit code as stroom_cli_mpi_agree.
 */
int stroom_cli_mpi_gather(const stroom_cli_mpi *m, const void *buf, size_t n,
			  int (*recv)(int rank, const void *buf, size_t n, void *payload), void *payload);
/* Broadcasts n bytes from rank 0 to every rank (e.g. a rank 0 decision). */
void stroom_cli_mpi_bcast(const stroom_cli_mpi *m, void *buf, size_t n);

/* Signals (cli_signal.c): from stroom_cli_catch_signals on, SIGINT, SIGTERM and
 * SIGHUP set a flag; stroom_cli_interrupted gives the signal, or 0. stroom_cli_now:
 * monotonic seconds, for progress and timing. */
void stroom_cli_catch_signals(void);
int stroom_cli_interrupted(void);
/* A library progress hook that only asks whether a signal came (done, total and
 * payload unused): nonzero stops the work. */
int stroom_cli_stop_requested(int done, int total, void *payload);
/* A signal stopped the command: "stroom: interrupted; WHAT" on stderr, and the exit
 * code 128 + the signal (SIGINT when none was recorded). */
int stroom_cli_interrupted_exit(const char *what);
double stroom_cli_now(void);

#endif
