/*
 * cli_util.c: small output helpers shared by the CLI sub-commands.
 */
#include "cli.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void stroom_cli_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

int stroom_cli_bad(const char *opt, const char *expected, const char *got)
{
	fprintf(stderr, "stroom: %s: expected %s, got '%s'\n", opt, expected,
		stroom_cli_printable(got).s);
	return EXIT_BADINPUT;
}

int stroom_cli_check_new_file(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;
	if (lstat(path, &st) == 0) {
		fprintf(stderr, "stroom: '%s' already exists; remove it or choose another --out\n", path);
		return EXIT_BADINPUT;
	}
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "stroom: cannot write '%s': '%s' is not a directory\n", path, dir);
		return EXIT_BADINPUT;
	}
	if (stat(dir, &st) != 0 || access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "stroom: cannot write '%s': %s\n", path, strerror(errno));
		return EXIT_BADINPUT;
	}
	return 0;
}

stroom_cli_text stroom_cli_printable(const char *s)
{
	stroom_cli_text t;
	stroom_utf8_escape(t.s, sizeof t.s, s ? s : "", 0);
	return t;
}
