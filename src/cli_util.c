/*
 * cli_util.c: small output helpers shared by the CLI sub-commands.
 */
#include "cli.h"
#include "utf8.h"

#include <stdio.h>

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
		stroom_cli_printable(got));
	return EXIT_BADINPUT;
}

const char *stroom_cli_printable(const char *s)
{
	static char buf[4][512];
	static unsigned next;
	char *b = buf[next++ % 4];
	stroom_utf8_escape(b, sizeof buf[0], s ? s : "", 0);
	return b;
}
