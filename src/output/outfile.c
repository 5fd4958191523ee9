/*
 * outfile.c: the pieces the writers of outputs share (outfile.h): parents created
 * for an output and removed again, a rename that does not replace, and closing a
 * written file with its errors checked, and the all-or-nothing writes of a
 * directory and of a single file.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* renameat2 */
#endif
#include "outfile.h"
#include "internal.h"

#include <stroom/scenario.h>

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

void stroom_out_dir(const char *out, const char *name, const char *suffix, char *buf, size_t size)
{
	size_t len;
	if (out && *out) {
		snprintf(buf, size, "%s", out);
		len = strlen(buf);
		while (len > 1 && buf[len - 1] == '/')
			buf[--len] = '\0';
	} else {
		char when[32];
		time_t now = time(NULL);
		struct tm tmv;
		gmtime_r(&now, &tmv);
		strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tmv);
		snprintf(buf, size, "runs/%s-%s%s", when, name, suffix);
	}
}

/* Writes one file of the directory into dir; messages name it in shown (the
 * final directory). */
static int write_one(const char *dir, const char *shown, const stroom_dir_file *df)
{
	char path[8400];
	FILE *f;
	int err = 0, e = 0;
	snprintf(path, sizeof path, "%s/%s", dir, df->name);
	f = fopen(path, "w");
	if (!f)
		return stroom_error_set(STROOM_EIO, "cannot write '%s/%s': %s", shown, df->name,
					strerror(errno));
	errno = 0;
	if (df->write) {
		err = df->write(f, df->a, df->b);
	} else if (fwrite(df->text, 1, df->len, f) != df->len) {
		err = STROOM_EIO;
	}
	if (err == STROOM_EIO || (!err && ferror(f)))
		e = errno ? errno : EIO;
	else if (err) { /* not a write error (out of memory): keep its detail */
		fclose(f);
		return err;
	}
	if ((e = stroom_close_checked(f, e)) != 0)
		return stroom_error_set(STROOM_EIO, "cannot write '%s/%s': %s", shown, df->name,
					strerror(e));
	return 0;
}

/* Removes the temporary directory tmp and the first n files in it. */
static void remove_tmp(const char *tmp, const stroom_dir_file *files, size_t n)
{
	char path[8400];
	size_t i;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", tmp, files[i].name);
		unlink(path);
	}
	rmdir(tmp);
}

int stroom_write_dir(const char *dir, const char *what, const stroom_dir_file *files, size_t n,
		     int (*cancelled)(const char *step, void *payload), void *payload)
{
	char tmp[4200], parent[4096];
	const char *base;
	stroom_made_dirs made;
	struct stat st;
	size_t i = 0;
	int err = 0, have_tmp = 0;

	made.n = 0;
	if (lstat(dir, &st) == 0)
		return stroom_error_set(STROOM_EIO, "'%s' already exists; remove it or choose another --out",
					dir);
	stroom_path_split(dir, parent, sizeof parent, &base);
	if (stroom_mkdirs(&made, parent) != 0) {
		err = stroom_error_set(STROOM_EIO, "cannot create '%s': %s", made.path, strerror(errno));
		goto cleanup;
	}
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp-%ld", parent, base, (long)getpid());
	if (mkdir(tmp, 0777) != 0) {
		err = stroom_error_set(STROOM_EIO, "cannot create '%s': %s", tmp, strerror(errno));
		goto cleanup;
	}
	have_tmp = 1;
	for (i = 0; i < n; i++) {
		if (cancelled && cancelled(files[i].name, payload))
			goto interrupted;
		if ((err = write_one(tmp, dir, &files[i])) != 0) {
			i++; /* a part of it may be there */
			goto cleanup;
		}
	}
	/* the last moment to stop: after the rename the directory is complete */
	if (cancelled && cancelled(NULL, payload))
		goto interrupted;
	if (stroom_rename_noreplace(tmp, dir) != 0) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			err = stroom_error_set(STROOM_EIO, "'%s' already exists (made while %s); it is left "
					       "as it was", dir, what);
		else
			err = stroom_error_set(STROOM_EIO, "cannot rename '%s' to '%s': %s", tmp, dir,
					       strerror(errno));
		goto cleanup;
	}
	return 0;

interrupted:
	err = stroom_error_set(STROOM_EINTR, "interrupted while writing '%s'; nothing written", dir);
cleanup:
	if (have_tmp)
		remove_tmp(tmp, files, i);
	stroom_made_dirs_remove(&made);
	return err;
}

int stroom_write_file(const char *path, const char *data, size_t len,
		      int (*check)(const char *tmp, void *payload), void *payload)
{
	char dir[4096], tmp[4200];
	const char *base;
	FILE *f;
	int fd, err;
	stroom_path_split(path, dir, sizeof dir, &base);
	snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, base);
	fd = mkstemp(tmp);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		err = errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return stroom_error_set(STROOM_EIO, "cannot write '%s': %s", path, strerror(err));
	}
	err = fwrite(data, 1, len, f) == len ? 0 : errno ? errno : EIO;
	if ((err = stroom_close_checked(f, err)) != 0) {
		unlink(tmp);
		return stroom_error_set(STROOM_EIO, "cannot write '%s': %s", path, strerror(err));
	}
	if (check && (err = check(tmp, payload)) != 0) {
		unlink(tmp);
		return err;
	}
	if (stroom_rename_noreplace(tmp, path) != 0) {
		err = errno;
		unlink(tmp);
		return stroom_error_set(err == EEXIST ? STROOM_EINVAL : STROOM_EIO,
					"cannot write '%s': %s", path, strerror(err));
	}
	return 0;
}

void stroom_json_string(stroom_sbuf *b, const char *s)
{
	stroom_sbuf_printf(b, "\"");
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			stroom_sbuf_printf(b, "\\%c", ch);
		else if (ch < 0x20)
			stroom_sbuf_printf(b, "\\u%04x", ch);
		else
			stroom_sbuf_printf(b, "%c", ch);
	}
	stroom_sbuf_printf(b, "\"");
}

void stroom_json_num(stroom_sbuf *b, double v)
{
	if (isfinite(v))
		stroom_sbuf_printf(b, "%.6g", v);
	else
		stroom_sbuf_printf(b, "null");
}

void stroom_manifest_head(stroom_sbuf *b, const char *command, const char *name,
			  const stroom_scenario *scenario, const char *observed_path,
			  const char *observed_sha256)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tmv;
	size_t i, n = scenario ? stroom_scenario_input_count(scenario) : 0;
	gmtime_r(&now, &tmv);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
	stroom_sbuf_printf(b, "{\n  \"stroom_version\": ");
	stroom_json_string(b, stroom_version());
	stroom_sbuf_printf(b, ",\n  \"created_utc\": \"%s\",\n  \"command\": \"%s\",\n  "
			   "\"scenario_name\": ", when, command);
	stroom_json_string(b, name);
	stroom_sbuf_printf(b, ",\n  \"inputs\": [");
	for (i = 0; i < n; i++) {
		stroom_sbuf_printf(b, "%s\n    {\"path\": ", i ? "," : "");
		stroom_json_string(b, stroom_scenario_input_path(scenario, i));
		stroom_sbuf_printf(b, ", \"sha256\": \"%s\"}", stroom_scenario_input_sha256(scenario, i));
	}
	stroom_sbuf_printf(b, "%s],\n  \"observed\": {\"path\": ", n ? "\n  " : "");
	stroom_json_string(b, observed_path ? observed_path : "");
	stroom_sbuf_printf(b, ", \"sha256\": ");
	stroom_json_string(b, observed_sha256 ? observed_sha256 : "");
}
