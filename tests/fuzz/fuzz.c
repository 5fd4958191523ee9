/*
 * fuzz.c: the scratch directory of the fuzz targets (see fuzz.h).
 */
#include "fuzz.h"

#include <stroom/common.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_NAMES 8
#define NAME_LEN 32

static char scratch_dir[512];
/* The names written so far, removed at exit. */
static char names[MAX_NAMES][NAME_LEN];
static int nnames;

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

stroom_params fuzz_rotterdam_params(void)
{
	stroom_scenario *s = NULL;
	stroom_params p;
	if (stroom_scenario_load(&s, "rotterdam", NULL) != 0)
		fuzz_fail("rotterdam: %s", stroom_error_last());
	p = *stroom_scenario_params(s);
	stroom_scenario_free(s);
	return p;
}

int fuzz_report(const char *what, int err)
{
	static int verbose = -1;
	if (verbose < 0) {
		const char *v = getenv("STROOM_FUZZ_VERBOSE");
		verbose = v && *v && strcmp(v, "0");
	}
	if (verbose)
		fprintf(stderr, "fuzz: %s: %s\n", what, err ? stroom_error_last() : "ok");
	return err;
}

static void scratch_cleanup(void)
{
	char path[FUZZ_PATH_MAX];
	int i;
	for (i = 0; i < nnames; i++)
		unlink(fuzz_path(path, names[i]));
	rmdir(scratch_dir);
}

static const char *scratch(void)
{
	const char *tmp;
	if (scratch_dir[0])
		return scratch_dir;
	tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(scratch_dir, sizeof scratch_dir, "%s/stroom-fuzz-XXXXXX", tmp) >=
	    sizeof scratch_dir)
		fuzz_fail("TMPDIR is too long: %s", tmp);
	if (!mkdtemp(scratch_dir))
		fuzz_fail("cannot make a scratch directory under %s: %s", tmp, strerror(errno));
	atexit(scratch_cleanup);
	return scratch_dir;
}

/* Remembers name for the cleanup at exit. */
static void remember(const char *name)
{
	int i;
	for (i = 0; i < nnames; i++)
		if (!strcmp(names[i], name))
			return;
	if (nnames == MAX_NAMES)
		fuzz_fail("more than %d scratch file names", MAX_NAMES);
	snprintf(names[nnames++], NAME_LEN, "%s", name);
}

char *fuzz_path(char *buf, const char *name)
{
	if (strlen(name) >= NAME_LEN || strchr(name, '/'))
		fuzz_fail("fuzz_path: expected a file name of at most %d bytes, got '%s'",
			  NAME_LEN - 1, name);
	snprintf(buf, FUZZ_PATH_MAX, "%s/%s", scratch(), name);
	remember(name);
	return buf;
}

char *fuzz_write(char *buf, const char *name, const void *data, size_t size)
{
	const char *p = data;
	int fd;
	fuzz_path(buf, name);
	/* a new file each time: truncating one that has data makes ext4 flush it to
	 * disk on close (auto_da_alloc), which made the targets ten times slower */
	if (unlink(buf) != 0 && errno != ENOENT)
		fuzz_fail("cannot remove %s: %s", buf, strerror(errno));
	fd = open(buf, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		fuzz_fail("cannot write %s: %s", buf, strerror(errno));
	while (size > 0) {
		ssize_t n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fuzz_fail("cannot write %s: %s", buf, strerror(errno));
		p += n;
		size -= (size_t)n;
	}
	if (close(fd) != 0)
		fuzz_fail("cannot write %s: %s", buf, strerror(errno));
	return buf;
}

void fuzz_remove(const char *name)
{
	char path[FUZZ_PATH_MAX];
	if (unlink(fuzz_path(path, name)) != 0 && errno != ENOENT)
		fuzz_fail("cannot remove %s: %s", path, strerror(errno));
}
