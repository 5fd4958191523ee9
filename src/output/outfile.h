/*
 * outfile.h: what the writers of outputs share (src/output/outfile.c; not part of the
 * API): the parent directories created for an output, recorded so that a failed
 * write removes exactly those; a rename that never replaces an existing path;
 * closing a written file with every error checked.
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

#endif
