/*
 * cli_archive.h: the run archive on the command line (src/cli/cli_runs.c,
 * docs/archive.md): the --archive PATH and --no-archive options that run, compare
 * and calibrate share, opening the archive before any work, and recording an
 * output once it is complete.
 */
#ifndef STROOM_CLI_ARCHIVE_H
#define STROOM_CLI_ARCHIVE_H

#include <stroom/archive.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

typedef struct stroom_cli_archive {
	const char *cmd; /* "run", "compare", "calibrate" */
	int argc;        /* the command's arguments, for the command line recorded */
	char **argv;
	const char *path; /* --archive PATH (or STROOM_ARCHIVE=PATH) */
	int off;          /* --no-archive (or STROOM_ARCHIVE=off) */
	stroom_archive *db;
	char where[4096]; /* the archive's path once opened */
} stroom_cli_archive;

/* Starts a's options for command cmd with its arguments, from STROOM_ARCHIVE
 * ("off", a path, or unset/empty for the default). */
void stroom_cli_archive_init(stroom_cli_archive *a, const char *cmd, int argc, char **argv);

/* argv[*i] is --archive PATH or --no-archive: consumed (1), or -1 after one line
 * (exit 2); 0 for any other argument. */
int stroom_cli_archive_option(int argc, char **argv, int *i, stroom_cli_archive *a);

/* Opens (and creates) the archive before any work, unless it is off: 0, or
 * EXIT_BADINPUT after one line naming the path (not a stroom archive, a newer
 * schema, cannot be created; the default path unknown). */
int stroom_cli_archive_open(stroom_cli_archive *a);

/*
 * Records a complete output: a run's directory (with P(target) from r and p), a
 * calibration's directory, or a comparison's files (dir NULL when it wrote none).
 * On success, when say is set, prints "Archived: record N in PATH"; on failure
 * prints "stroom: warning: ..." naming the archive and the directory, which stays:
 * the command's exit code does not change. Nothing when the archive is off.
 */
void stroom_cli_archive_run(stroom_cli_archive *a, const stroom_results *r, const stroom_params *p,
			    const char *dir, int say);
void stroom_cli_archive_dir(stroom_cli_archive *a, stroom_archive_kind kind, const char *scenario,
			    const char *dir, int say);
void stroom_cli_archive_files(stroom_cli_archive *a, stroom_archive_kind kind, const char *scenario,
			      const char *dir, const stroom_archive_file *files, size_t n, int say);

void stroom_cli_archive_close(stroom_cli_archive *a);

#endif
