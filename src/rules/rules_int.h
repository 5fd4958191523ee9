/*
 * rules_int.h: the builtin rules data compiled in from the CSV files in data/rules by
 * cmake/embed_rules.cmake. The table ends with a NULL name; an entry with
 * present == 0 stands for a file that did not exist at build time.
 */
#ifndef STROOM_RULES_INT_H
#define STROOM_RULES_INT_H
#include <stddef.h>

typedef struct stroom_rules_builtin {
	const char *name; /* "norms", "constants", "provisions", "aow", "sanctions" */
	const char *path; /* "data/rules/norms.csv", for messages */
	const char *text; /* NUL-terminated */
	size_t size;
	int present;
} stroom_rules_builtin;

extern const stroom_rules_builtin stroom_rules_builtins[];

#endif
