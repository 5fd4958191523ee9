/*
 * test_util.h: the temporary directory of a cmocka test program's file tests.
 * test_dir_setup makes a fresh /tmp/PREFIX.XXXXXX (PREFIX is TEST_DIR_PREFIX,
 * defined before including this header, else "stroom-test"), test_dir_teardown
 * removes it with everything in it; in_dir names a file in it and test_write puts
 * bytes there; dir_entries counts what a directory holds. Include after <cmocka.h>; each test program has its own copy of
 * the directory's name.
 */
#ifndef STROOM_TEST_UTIL_H
#define STROOM_TEST_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_DIR_PREFIX
#define TEST_DIR_PREFIX "stroom-test"
#endif

static char test_dir[64];

static inline int test_dir_setup(void **state)
{
	(void)state;
	snprintf(test_dir, sizeof test_dir, "/tmp/%s.XXXXXX", TEST_DIR_PREFIX);
	return mkdtemp(test_dir) ? 0 : -1;
}

static inline int test_dir_teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The path of name in test_dir; four calls can be in use at once. */
static inline const char *in_dir(const char *name)
{
	static char path[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", test_dir, name);
	return path[k];
}

/* Writes len bytes of text to path (replacing it); returns path. */
static inline const char *test_write(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* The entries of d other than . and .. */
static inline int dir_entries(const char *d)
{
	DIR *h = opendir(d);
	struct dirent *e;
	int n = 0;
	assert_non_null(h);
	while ((e = readdir(h)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(h);
	return n;
}

#endif
