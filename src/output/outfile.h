/*
 * outfile.h: what the writers of outputs share (src/output/outfile.c; not part of the
 * API): the parent directories created for an output, recorded so that a failed
 * write removes exactly those; a rename that never replaces an existing path;
 * closing a written file with every error checked; a directory of files written
 * all or nothing (stroom_write_dir), and a single file (stroom_write_file).
 */
#ifndef STROOM_OUTFILE_H
#define STROOM_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

/* The directories stroom_mkdirs created, each a prefix of path (len[k] bytes),
 * outermost first. */
#define STROOM_MADE_DIRS_MAX 64
typedef struct stroom_made_dirs {
	char path[4096];
	size_t len[STROOM_MADE_DIRS_MAX];
	int n;
} stroom_made_dirs;

/* Creates dir and its missing parents, recording in md the ones it created.
 * Returns 0, or -1 with errno set (md then still lists what was created). */
int stroom_mkdirs(stroom_made_dirs *md, const char *dir);
/* Removes the directories md lists, innermost first; one that is not empty (a
 * file someone else put there) stays. */
void stroom_made_dirs_remove(const stroom_made_dirs *md);

/* Renames from to `to` unless `to` exists: 0, or -1 with errno (EEXIST when it
 * does). Atomic where the system has renameat2(RENAME_NOREPLACE) (Linux); a file
 * otherwise goes by link() + unlink(), a directory by a check and rename(). */
int stroom_rename_noreplace(const char *from, const char *to);

/* Flushes, syncs and closes f: 0, or the errno of the first step that failed
 * (err_before, when not 0, is returned instead and f is still closed). */
int stroom_close_checked(FILE *f, int err_before);

/* The parent of path ("." when it has none) into buf; the name after it in *base. */
void stroom_path_split(const char *path, char *buf, size_t size, const char **base);

/* The directory an output goes to: out without its trailing slashes, or, when out
 * is NULL or empty, runs/<UTC time>-<name><suffix>. */
void stroom_out_dir(const char *out, const char *name, const char *suffix, char *buf, size_t size);

/* Writes one file's content to f: 0, or STROOM_EIO when a write failed (errno as
 * the write left it), or another negative code with its detail set (out of memory). */
typedef int (*stroom_file_writer)(FILE *f, const void *a, const void *b);

/* One file of a directory: its name and its content, either write(f, a, b) or,
 * when write is NULL, the len bytes at text. */
typedef struct stroom_dir_file {
	const char *name;
	stroom_file_writer write;
	const void *a, *b;
	const char *text;
	size_t len;
} stroom_dir_file;

/*
 * Writes the n files into the directory dir (no trailing slash), all or nothing:
 * dir must not exist; its missing parents are created, the files are written
 * into a temporary directory beside it (.NAME.tmp-PID) and that is renamed to dir
 * when every file is complete, never replacing a directory made meanwhile.
 * cancelled (may be NULL) is asked before each file (step = its name) and before
 * the rename (step = NULL); nonzero stops with STROOM_EINTR. On any failure or
 * cancel, the temporary directory, its files and the parents created are removed
 * and a negative STROOM_E* code is returned with its detail; what names the output
 * in the message for a directory made meanwhile ("this run was written").
 */
int stroom_write_dir(const char *dir, const char *what, const stroom_dir_file *files, size_t n,
		     int (*cancelled)(const char *step, void *payload), void *payload);

/*
 * Writes the len bytes at data to path, a new file, all or nothing: into a
 * temporary file beside it (.NAME.XXXXXX), closed with every error checked; then,
 * when check is not NULL, check(temporary path, payload), whose nonzero return
 * stops the write and is returned as it is (its detail is the caller's); then a
 * rename that never replaces. On any failure the temporary file is removed, so
 * path is never half written and never replaced. Returns 0; STROOM_EINVAL when
 * path exists ("cannot write 'PATH': File exists"), or STROOM_EIO with the reason
 * ("cannot write 'PATH': No space left on device"). No parents are created.
 */
int stroom_write_file(const char *path, const char *data, size_t len,
		      int (*check)(const char *tmp, void *payload), void *payload);

/* s as a JSON string: quoted, a quote and a backslash escaped, control characters
 * as \u00XX (the manifests of a run and a fit). */
struct stroom_sbuf;
void stroom_json_string(struct stroom_sbuf *b, const char *s);
/* v as a JSON number (%.6g), or null when it is not finite. */
void stroom_json_num(struct stroom_sbuf *b, double v);

/*
 * The opening lines of a fit's manifest.json (`stroom calibrate`, `stroom backtest`):
 * the stroom version, the UTC time, the command, the scenario's name, every input
 * file of the scenario with its sha256 (none when scenario is NULL), and the
 * observed file's path and sha256, leaving that "observed" object open for the
 * caller's fields: ... "observed": {"path": "...", "sha256": "..."
 */
struct stroom_scenario;
void stroom_manifest_head(struct stroom_sbuf *b, const char *command, const char *name,
			  const struct stroom_scenario *scenario, const char *observed_path,
			  const char *observed_sha256);

#endif
