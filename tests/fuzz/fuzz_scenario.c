/*
 * fuzz_scenario.c: scenario YAML (stroom_scenario_load) with `extends:`.
 *
 * The input is a scenario file, top.yaml. If it holds the line "#--- base.yaml",
 * what follows that line is written to base.yaml beside it (else base.yaml is
 * removed), so `extends: base.yaml` follows a chain through two files, and either
 * may extend a builtin (`extends: rotterdam`). A scenario that loads must dump
 * (stroom_params_to_yaml, stroom_params_to_json) and its YAML dump must load
 * again to identical parameters, as scenario.h promises.
 */
#include "fuzz.h"

#include <stroom/scenario.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char base_marker[] = "#--- base.yaml\n";

/* The dump of p in a malloc'ed buffer (NULL when out of memory). */
static char *dump(const stroom_params *p, size_t (*to_text)(const stroom_params *, char *, size_t))
{
	size_t need = to_text(p, NULL, 0), again;
	char *buf = malloc(need + 1);
	if (!buf)
		return NULL;
	again = to_text(p, buf, need + 1);
	if (again != need || strlen(buf) != need)
		fuzz_fail("dump: %zu bytes asked for, %zu written, strlen %zu", need, again,
			  strlen(buf));
	return buf;
}

/* The dump of a loaded scenario loads again to the same parameters. */
static void check_dump(const stroom_params *p, const char *origin)
{
	char *yaml = dump(p, stroom_params_to_yaml), *json = dump(p, stroom_params_to_json);
	stroom_scenario *again = NULL;
	int err;
	if (yaml) {
		if ((err = stroom_scenario_load_string(&again, yaml, origin, NULL)) != 0)
			fuzz_fail("the dump of a loaded scenario does not load (%d): %s\n%s", err,
				  stroom_error_last(), yaml);
		if (memcmp(p, stroom_scenario_params(again), sizeof *p) != 0) {
			const unsigned char *a = (const void *)p,
					    *b = (const void *)stroom_scenario_params(again);
			size_t i = 0;
			while (a[i] == b[i])
				i++;
			fuzz_fail("the dump of a loaded scenario loads to other parameters "
				  "(first difference at byte %zu of stroom_params)\n%s",
				  i, yaml);
		}
		stroom_scenario_free(again);
	}
	free(yaml);
	free(json);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char top[FUZZ_PATH_MAX], base[FUZZ_PATH_MAX];
	const uint8_t *cut = NULL;
	size_t i, mlen = sizeof base_marker - 1;
	stroom_scenario *s = NULL;

	/* the marker at the start of the input or of a line */
	for (i = 0; i + mlen <= size && !cut; i++)
		if ((i == 0 || data[i - 1] == '\n') && !memcmp(data + i, base_marker, mlen))
			cut = data + i;
	if (cut) {
		fuzz_write(base, "base.yaml", cut + mlen, size - (size_t)(cut - data) - mlen);
		size = (size_t)(cut - data);
	} else {
		fuzz_remove("base.yaml");
	}
	fuzz_write(top, "top.yaml", data, size);

	if (fuzz_report("scenario", stroom_scenario_load(&s, top, NULL)) == 0) {
		const stroom_params *p = stroom_scenario_params(s);
		size_t k, n = stroom_scenario_input_count(s);
		char where[256];
		for (k = 0; k < n; k++)
			if (!stroom_scenario_input_path(s, k) || !stroom_scenario_input_sha256(s, k))
				fuzz_fail("input %zu of %zu has no path or hash", k, n);
		stroom_scenario_key_where(s, "inflow.per_year", where, sizeof where);
		stroom_scenario_key_in_top(s, "teams");
		stroom_params_prior_count(p);
		check_dump(p, top);
		stroom_scenario_free(s);
	} else if (s) {
		fuzz_fail("a failed load left a scenario");
	}
	return 0;
}
