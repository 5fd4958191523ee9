/*
 * outfile.c: the pieces the writers of outputs share (outfile.h): parents created
 * for an output and removed again, a rename that does not replace, and closing a
 * written file with its errors checked.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* renameat2 */
#endif
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int stroom_mkdirs(stroom_made_dirs *md, const char *dir)
{
	size_t i, n = strlen(dir);
	md->n = 0;
	md->path[0] = '\0';
	if (n >= sizeof md->path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(md->path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if ((i < n && md->path[i] != '/') || md->path[i - 1] == '/')
			continue;
		md->path[i] = '\0';
		if (mkdir(md->path, 0777) == 0) {
			if (md->n == STROOM_MADE_DIRS_MAX) { /* deeper than we can undo: stop here */
				rmdir(md->path);
				errno = ENAMETOOLONG;
				return -1;
			}
			md->len[md->n++] = i;
		} else if (errno != EEXIST) {
			return -1; /* md->path names the directory that could not be made */
		} else if (!is_dir(md->path)) {
			errno = ENOTDIR;
			return -1;
		}
		if (i < n)
			md->path[i] = '/';
	}
	return 0;
}

void stroom_made_dirs_remove(const stroom_made_dirs *md)
{
	char buf[sizeof md->path];
	int k;
	for (k = md->n - 1; k >= 0; k--) {
		memcpy(buf, md->path, md->len[k]);
		buf[md->len[k]] = '\0';
		rmdir(buf);
	}
}

int stroom_rename_noreplace(const char *from, const char *to)
{
	struct stat st;
#if defined(__linux__) && defined(RENAME_NOREPLACE)
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1; /* EEXIST among them */
#endif
	/* no renameat2, or a file system without RENAME_NOREPLACE */
	if (stat(from, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		if (link(from, to) == 0) {
			unlink(from);
			return 0;
		}
		if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP)
			return -1;
	}
	/* a directory, or no hard links: check, then rename (a small window) */
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

int stroom_close_checked(FILE *f, int err)
{
	errno = 0;
	if (!err && fflush(f) != 0)
		err = errno ? errno : EIO;
	if (!err && ferror(f))
		err = EIO;
	/* on the disk before the rename makes it visible; a file system that
	 * cannot sync (EINVAL) is not an error */
	errno = 0;
	if (!err && fsync(fileno(f)) != 0 && errno != EINVAL && errno != ENOTSUP)
		err = errno ? errno : EIO;
	errno = 0;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	return err;
}

void stroom_path_split(const char *path, char *buf, size_t size, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(buf, size, ".");
		*base = path;
	} else if (slash == path) {
		snprintf(buf, size, "/");
		*base = slash + 1;
	} else {
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
		*base = slash + 1;
	}
}
