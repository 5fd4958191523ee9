/*
 * test_scenario.c: scenario loading, extends, every error path (code and exact
 * message), inputs and their hashes, the YAML/JSON round trip, builtins, the
 * schema table itself, docs/scenario.md against its generator, and allocation
 * failure at every allocation of a load.
 *
 * Set STROOM_UPDATE_DOCS=1 to rewrite docs/scenario.md from the schema table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stroom/scenario.h>

#include "builtin.h"
#include "scenario_int.h"

#define FIXTURES STROOM_SOURCE_DIR "/tests/data/scenario/"
#define DOCS STROOM_SOURCE_DIR "/docs/scenario.md"

static stroom_scenario *load_ok(const char *name_or_path)
{
	stroom_scenario *s = NULL;
	int rc = stroom_scenario_load(&s, name_or_path, NULL);
	if (rc != 0)
		fail_msg("loading %s: %d %s", name_or_path, rc, stroom_error_last());
	assert_non_null(s);
	return s;
}

static stroom_scenario *load_text_ok(const char *text)
{
	stroom_scenario *s = NULL;
	int rc = stroom_scenario_load_string(&s, text, "inline.yaml", NULL);
	if (rc != 0)
		fail_msg("loading text: %d %s", rc, stroom_error_last());
	assert_non_null(s);
	return s;
}

/* Loads text as "inline.yaml" and expects code and exactly msg. */
static void expect_text_error(const char *text, int code, const char *msg)
{
	stroom_scenario *s = (stroom_scenario *)&s; /* must be reset to NULL */
	int rc = stroom_scenario_load_string(&s, text, "inline.yaml", NULL);
	assert_null(s);
	assert_string_equal(stroom_error_last(), msg);
	assert_int_equal(rc, code);
}

static void expect_load_error(const char *path, int code, const char *msg)
{
	stroom_scenario *s = (stroom_scenario *)&s;
	int rc = stroom_scenario_load(&s, path, NULL);
	assert_null(s);
	assert_string_equal(stroom_error_last(), msg);
	assert_int_equal(rc, code);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	if (!f)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* The YAML dump of p in a malloc'ed buffer. */
static char *dump_yaml(const stroom_params *p)
{
	size_t need = stroom_params_to_yaml(p, NULL, 0);
	char *buf = malloc(need + 1);
	assert_non_null(buf);
	assert_int_equal(stroom_params_to_yaml(p, buf, need + 1), need);
	assert_int_equal(strlen(buf), need);
	return buf;
}

/* Field by field (bytes, so doubles compare bit for bit), then the whole struct. */
static void assert_params_equal(const stroom_params *a, const stroom_params *b)
{
	size_t i;
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		if (memcmp((const char *)a + k->offset, (const char *)b + k->offset, k->size) != 0)
			fail_msg("params differ in %s", k->path);
	}
	assert_int_equal(a->n_areas, b->n_areas);
	assert_memory_equal(a, b, sizeof *a);
}

/* ---- loading builtins and files ---- */

static void test_rotterdam(void **state)
{
	stroom_scenario *s = load_ok("rotterdam");
	const stroom_params *p = stroom_scenario_params(s);
	char sha[SHA256_DIGEST_STRING_LENGTH];
	(void)state;

	assert_string_equal(p->name, "rotterdam");
	assert_int_equal(p->population_households, 32649);
	assert_int_equal(p->n_areas, 2);
	assert_string_equal(p->area_name[0], "zuid");
	assert_string_equal(p->area_name[1], "noord");
	assert_int_equal(p->start, stroom_month_make(2024, 1));
	assert_int_equal(p->end, stroom_month_make(2030, 12));
	assert_int_equal(p->target_households, 30000);
	assert_int_equal(p->target_month, stroom_month_make(2026, 1));
	assert_int_equal(p->replicates, 200);
	assert_true(p->seed == 20240101u);
	assert_true(p->pop_area[0] == 0.403 && p->pop_area[1] == 0.597);
	assert_true(p->work_distance[STROOM_DIST_LONG] == 0.0022);
	assert_int_equal(p->return_distance, STROOM_DIST_MEDIUM);
	assert_int_equal(p->drift_short_months, 9);
	assert_int_equal(p->drift_medium_months, 24);
	assert_string_equal(p->population_csv, "");
	assert_int_equal(p->inflow_shock.n, 0);
	assert_int_equal(p->labour_index.n, 3);
	assert_int_equal(p->labour_index.month[1], stroom_month_make(2025, 1));
	assert_true(p->labour_index.value[1] == 0.99);

	/* The one input is the builtin, hashed from its embedded text (= the file). */
	assert_int_equal(stroom_scenario_input_count(s), 1);
	assert_string_equal(stroom_scenario_input_path(s, 0), "data/scenarios/rotterdam.yaml");
	assert_non_null(SHA256File(STROOM_SOURCE_DIR "/data/scenarios/rotterdam.yaml", sha));
	assert_string_equal(stroom_scenario_input_sha256(s, 0), sha);
	assert_null(stroom_scenario_input_path(s, 1));
	stroom_scenario_free(s);

	/* The same builtin by a path loads the same params. */
	{
		stroom_scenario *f = load_ok(STROOM_SOURCE_DIR "/data/scenarios/rotterdam.yaml");
		stroom_scenario *b = load_ok("rotterdam");
		assert_params_equal(stroom_scenario_params(f), stroom_scenario_params(b));
		stroom_scenario_free(f);
		stroom_scenario_free(b);
	}
	stroom_scenario_free(NULL);
}

static void test_extends_override(void **state)
{
	stroom_scenario *s = load_ok(FIXTURES "override.yaml");
	stroom_scenario *r = load_ok("rotterdam");
	stroom_params expect = *stroom_scenario_params(r);
	(void)state;

	assert_true(stroom_scenario_params(s)->enforcement == 0.0031);
	expect.enforcement = 0.0031;
	assert_params_equal(stroom_scenario_params(s), &expect);

	assert_int_equal(stroom_scenario_input_count(s), 2);
	assert_string_equal(stroom_scenario_input_path(s, 0), FIXTURES "override.yaml");
	assert_string_equal(stroom_scenario_input_path(s, 1), "data/scenarios/rotterdam.yaml");
	assert_string_equal(stroom_scenario_input_sha256(s, 1), stroom_scenario_input_sha256(r, 0));
	stroom_scenario_free(s);
	stroom_scenario_free(r);
}

static void test_extends_chain(void **state)
{
	stroom_scenario *s = load_ok(FIXTURES "chain_a.yaml"), *r = load_ok("rotterdam");
	const stroom_params *p = stroom_scenario_params(s);
	char sha[SHA256_DIGEST_STRING_LENGTH];
	(void)state;

	assert_string_equal(p->name, "chain-a");               /* a over b */
	assert_int_equal(p->replicates, 173);                  /* a over b */
	assert_true(p->seed == 81723u);                        /* from b */
	assert_true(p->other_base == 0.0093);                  /* from b */
	assert_int_equal(p->labour_index.n, 2);                /* b's series, whole */
	assert_true(p->labour_index.value[0] == 1.0173);
	assert_int_equal(p->labour_index.month[1], stroom_month_make(2025, 7));
	assert_true(p->inflow_age[3] == 0.1583);               /* a's list */
	assert_int_equal(p->population_households, 32649);     /* from rotterdam */
	assert_string_equal(p->description, stroom_scenario_params(r)->description);

	assert_int_equal(stroom_scenario_input_count(s), 3);
	assert_string_equal(stroom_scenario_input_path(s, 0), FIXTURES "chain_a.yaml");
	assert_string_equal(stroom_scenario_input_path(s, 1), FIXTURES "chain_b.yaml");
	assert_string_equal(stroom_scenario_input_path(s, 2), "data/scenarios/rotterdam.yaml");
	assert_non_null(SHA256File(FIXTURES "chain_b.yaml", sha));
	assert_string_equal(stroom_scenario_input_sha256(s, 1), sha);
	stroom_scenario_free(s);
	stroom_scenario_free(r);
}

static void test_extends_cycle(void **state)
{
	(void)state;
	expect_load_error(FIXTURES "cycle_a.yaml", STROOM_EINVAL,
			  FIXTURES "cycle_b.yaml:1:10: extends: expected no cycle, got " FIXTURES
				   "cycle_a.yaml -> " FIXTURES "cycle_b.yaml -> " FIXTURES
				   "./cycle_a.yaml");
}

static void test_extends_unknown(void **state)
{
	char msg[512], names[256] = "";
	size_t i;
	(void)state;
	for (i = 0; i < stroom_scenario_builtin_count(); i++) {
		strcat(names, i ? ", " : "");
		strcat(names, stroom_scenario_builtin_name(i));
	}
	snprintf(msg, sizeof msg,
		 "inline.yaml:2:10: extends: expected a builtin scenario (%s) or a path (with '/' "
		 "or ending in .yaml), got 'rotterdma'",
		 names);
	expect_text_error("# a typo\nextends: rotterdma\n", STROOM_ENOTFOUND, msg);

	expect_text_error("extends: nowhere/base.yaml\n", STROOM_ENOTFOUND,
			  "inline.yaml:1:10: extends: cannot read 'nowhere/base.yaml': No such file "
			  "or directory");
	expect_text_error("extends: [rotterdam]\n", STROOM_EPARSE,
			  "inline.yaml:1:10: extends: expected a scenario name or path, got a list");

	snprintf(msg, sizeof msg,
		 "rotterdma: unknown scenario: expected a builtin (%s) or a path (with '/' or "
		 "ending in .yaml)",
		 names);
	expect_load_error("rotterdma", STROOM_ENOTFOUND, msg);
	expect_load_error("no_such_dir/x.yaml", STROOM_ENOTFOUND,
			  "cannot read 'no_such_dir/x.yaml': No such file or directory");
}

static void test_extends_depth(void **state)
{
	/* d1 -> d2 -> ... -> d8 -> rotterdam is 8 levels of extends: allowed. d0 adds one. */
	char dir[] = "/tmp/stroom_scenario_depthXXXXXX", path[128], msg[512];
	int i;
	stroom_scenario *s = NULL;
	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i <= 8; i++) {
		FILE *f;
		snprintf(path, sizeof path, "%s/d%d.yaml", dir, i);
		f = fopen(path, "w");
		assert_non_null(f);
		if (i < 8)
			fprintf(f, "extends: d%d.yaml\nreplicates: %d\n", i + 1, 11 + i);
		else
			fprintf(f, "extends: rotterdam\n");
		fclose(f);
	}
	snprintf(path, sizeof path, "%s/d1.yaml", dir);
	if (stroom_scenario_load(&s, path, NULL) != 0)
		fail_msg("%s", stroom_error_last());
	assert_int_equal(stroom_scenario_params(s)->replicates, 12);
	assert_int_equal(stroom_scenario_input_count(s), 9);
	stroom_scenario_free(s);
	snprintf(path, sizeof path, "%s/d0.yaml", dir);
	snprintf(msg, sizeof msg,
		 "%s/d8.yaml:1:10: extends: expected at most 8 levels of extends, got more at "
		 "'rotterdam'",
		 dir);
	expect_load_error(path, STROOM_EINVAL, msg);
	for (i = 0; i <= 8; i++) {
		snprintf(path, sizeof path, "%s/d%d.yaml", dir, i);
		remove(path);
	}
	remove(dir);
}

static void test_population_csv(void **state)
{
	stroom_scenario *s = load_ok(FIXTURES "with_csv.yaml");
	const stroom_params *p = stroom_scenario_params(s);
	char sha[SHA256_DIGEST_STRING_LENGTH];
	(void)state;

	assert_string_equal(p->population_csv, FIXTURES "households.csv");
	assert_true(p->enforcement == 0.0031); /* from override.yaml */
	assert_int_equal(stroom_scenario_input_count(s), 4);
	assert_string_equal(stroom_scenario_input_path(s, 0), FIXTURES "with_csv.yaml");
	assert_string_equal(stroom_scenario_input_path(s, 1), FIXTURES "../scenario/override.yaml");
	assert_string_equal(stroom_scenario_input_path(s, 2), "data/scenarios/rotterdam.yaml");
	assert_string_equal(stroom_scenario_input_path(s, 3), FIXTURES "households.csv");
	assert_non_null(SHA256File(FIXTURES "households.csv", sha));
	assert_string_equal(stroom_scenario_input_sha256(s, 3), sha);
	stroom_scenario_free(s);

	expect_load_error(FIXTURES "missing_csv.yaml", STROOM_ENOTFOUND,
			  FIXTURES "missing_csv.yaml:3:3: population.csv: expected a readable file, "
				   "got '" FIXTURES "no_such_households.csv' (No such file or "
				   "directory)");
}

/* ---- errors: each with its code and exact message ---- */

static void test_unknown_key(void **state)
{
	(void)state;
	expect_load_error(FIXTURES "unknown_key.yaml", STROOM_EPARSE,
			  FIXTURES "unknown_key.yaml:4:3: hazard.wrok: unknown key; did you mean "
				   "'hazard.work'?");
	expect_text_error("extends: rotterdam\npopulation:\n  housholds: 31817\n", STROOM_EPARSE,
			  "inline.yaml:3:3: population.housholds: unknown key; did you mean "
			  "'population.households'?");
	/* A key in the wrong group is found by its last segment. */
	expect_text_error("extends: rotterdam\nlks_share: 0.0817\n", STROOM_EPARSE,
			  "inline.yaml:2:1: lks_share: unknown key; did you mean "
			  "'hazard.lks_share'?");
	expect_text_error("extends: rotterdam\nbananas: 7\n", STROOM_EPARSE,
			  "inline.yaml:2:1: bananas: unknown key (docs/scenario.md lists every "
			  "key)");
	expect_text_error("extends: rotterdam\nhazard.enforcement: 0.0031\n", STROOM_EPARSE,
			  "inline.yaml:2:1: hazard.enforcement: expected nested keys, got a dotted "
			  "key (write each part as a mapping)");
	expect_text_error("extends: rotterdam\nhazard:\n  other:\n    extends: rotterdam\n",
			  STROOM_EPARSE,
			  "inline.yaml:4:5: hazard.other.extends: unknown key; did you mean "
			  "'hazard.other.base'?");
	/* Long keys may be further off (a third of their length). */
	expect_text_error("extends: rotterdam\nparttime:\n  multiplier: 1.4713\n", STROOM_EPARSE,
			  "inline.yaml:3:3: parttime.multiplier: unknown key; did you mean "
			  "'parttime.work_multiplier'?");
	/* A group in the wrong place. */
	expect_text_error("extends: rotterdam\nwork:\n  age: [1, 1, 1, 1]\n", STROOM_EPARSE,
			  "inline.yaml:2:1: work: unknown key; did you mean 'hazard.work'?");
}

static void test_wrong_shapes(void **state)
{
	(void)state;
	expect_text_error("extends: rotterdam\nhazard:\n  enforcement: plenty\n", STROOM_EPARSE,
			  "inline.yaml:3:16: hazard.enforcement: expected a number, got 'plenty'");
	expect_text_error("extends: rotterdam\nhazard:\n  enforcement: \"0.0031\"\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:16: hazard.enforcement: expected a number, got '0.0031'");
	expect_text_error("extends: rotterdam\nhazard:\n  enforcement: [0.0031]\n", STROOM_EPARSE,
			  "inline.yaml:3:16: hazard.enforcement: expected a number, got a list");
	expect_text_error("extends: rotterdam\nhazard:\n  enforcement:\n", STROOM_EPARSE,
			  "inline.yaml:3:15: hazard.enforcement: expected a number, got nothing");
	expect_text_error("extends: rotterdam\nhazard: 0.0031\n", STROOM_EPARSE,
			  "inline.yaml:2:9: hazard: expected a mapping of keys, got a scalar");
	expect_text_error("extends: rotterdam\nreplicates: 173.5\n", STROOM_EPARSE,
			  "inline.yaml:2:13: replicates: expected an integer, got '173.5'");
	expect_text_error("extends: rotterdam\nseed: -3\n", STROOM_EPARSE,
			  "inline.yaml:2:7: seed: expected an integer from 0 to 2^64 - 1, got '-3'");
	expect_text_error("extends: rotterdam\nstart: 2024-13\n", STROOM_EPARSE,
			  "inline.yaml:2:8: start: expected a month YYYY-MM, got '2024-13'");
	expect_text_error("extends: rotterdam\npopulation:\n  age: 0.25\n", STROOM_EPARSE,
			  "inline.yaml:3:8: population.age: expected a list of 4 numbers, got "
			  "'0.25'");
	expect_text_error("extends: rotterdam\npopulation:\n  age: [0.25, 0.25, x, 0.5]\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:21: population.age[2]: expected a number, got 'x'");
	expect_text_error("extends: rotterdam\ninflow:\n  shock: [1.25]\n", STROOM_EPARSE,
			  "inline.yaml:3:10: inflow.shock: expected a mapping of YYYY-MM: number, "
			  "got a list");
	expect_text_error("- rotterdam\n", STROOM_EPARSE,
			  "inline.yaml:1:1: expected a mapping of scenario keys, got a list");
	expect_text_error("extends: rotterdam\nhazard:\n  work:\n    age: [1, 1, 1, 1]\n  work:\n"
			  "    age: [1, 1, 1, 1]\n",
			  STROOM_EPARSE,
			  "inline.yaml:5:3: hazard.work: expected each key once, got it again "
			  "(first at line 3)");
	expect_text_error("extends: rotterdam\n---\nseed: 3\n", STROOM_EPARSE,
			  "inline.yaml:3:1: expected one YAML document, got a second one");
}

static void test_out_of_bounds(void **state)
{
	(void)state;
	expect_text_error("extends: rotterdam\nhazard:\n  enforcement: 1.0173\n", STROOM_EINVAL,
			  "inline.yaml:3:16: hazard.enforcement: expected a number in [0, 1], got "
			  "1.0173");
	expect_text_error("extends: rotterdam\nhazard:\n  work:\n    age: [1.1, 1.2, 100.5, 1]\n",
			  STROOM_EINVAL,
			  "inline.yaml:4:21: hazard.work.age[2]: expected a number in [0, 100], got "
			  "100.5");
	expect_text_error("extends: rotterdam\nreplicates: 0\n", STROOM_EINVAL,
			  "inline.yaml:2:13: replicates: expected an integer in [1, 100000], got 0");
	expect_text_error("extends: rotterdam\nstart: 1899-12\n", STROOM_EINVAL,
			  "inline.yaml:2:8: start: expected a month from 1900-01 to 2200-12, got "
			  "1899-12");
	expect_text_error("extends: rotterdam\nlabour_market:\n  inflow_elasticity: -10.5\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:22: labour_market.inflow_elasticity: expected a number in "
			  "[-10, 10], got -10.5");
	expect_text_error("extends: rotterdam\ninflow:\n  shock: {2024-01: 100.5}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:20: inflow.shock[2024-01]: expected a number in "
			  "[0, 100], got 100.5");
	expect_text_error("extends: rotterdam\nlks:\n  duration_months: 601\n", STROOM_EINVAL,
			  "inline.yaml:3:20: lks.duration_months: expected an integer in [0, 600], got "
			  "601");
	expect_text_error("extends: rotterdam\nreturns:\n  distance: far\n", STROOM_EINVAL,
			  "inline.yaml:3:13: returns.distance: expected short, medium or long, got "
			  "'far'");
	expect_text_error("extends: rotterdam\nareas: [zuid, Noord]\n", STROOM_EINVAL,
			  "inline.yaml:2:15: areas[1]: expected a name of a-z, 0-9, '_' and '-' "
			  "starting with a letter or digit, got 'Noord'");
	expect_text_error("extends: rotterdam\nareas: [zuid, zuid]\n", STROOM_EINVAL,
			  "inline.yaml:2:15: areas[1]: expected a name not used before, got 'zuid' "
			  "again");
	expect_text_error("extends: rotterdam\nname: mijn scenario\n", STROOM_EINVAL,
			  "inline.yaml:2:7: name: expected a name of A-Z, a-z, 0-9, '_', '-' and '.' "
			  "starting with a letter or digit, got 'mijn scenario'");
}

static void test_shares(void **state)
{
	(void)state;
	expect_text_error("extends: rotterdam\npopulation:\n  age: [0.0817, 0.2713, 0.3317, "
			  "0.2853]\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:3: population.age: expected shares summing to 1, got 0.97");
	expect_text_error("extends: rotterdam\ninflow:\n  distance: [0.4173, 0.3127, 0.2701]\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:3: inflow.distance: expected shares summing to 1, got "
			  "1.0001");
	/* Within 1e-6 is fine. */
	{
		stroom_scenario *s = load_text_ok(
			"extends: rotterdam\ninflow:\n  distance: [0.4173, 0.3127, 0.2700005]\n");
		stroom_scenario_free(s);
	}
}

static void test_list_length(void **state)
{
	(void)state;
	expect_text_error("extends: rotterdam\npopulation:\n  age: [0.25, 0.75]\n", STROOM_EINVAL,
			  "inline.yaml:3:8: population.age: expected a list of 4 numbers, got 2");
	/* Area lists follow `areas`, wherever it was set. */
	expect_text_error("extends: rotterdam\nareas: [zuid, noord, west]\npopulation:\n"
			  "  area: [0.31, 0.42, 0.27]\ninflow:\n  area: [0.33, 0.41, 0.26]\n"
			  "hazard:\n  work:\n    area: [0.91, 1.07]\n",
			  STROOM_EINVAL,
			  "inline.yaml:9:5: hazard.work.area: expected 3 numbers (one per area in "
			  "areas), got 2");
	expect_text_error("extends: rotterdam\nhazard:\n  work:\n    area: [1, 1, 1, 1, 1, 1, 1, "
			  "1, 1]\n",
			  STROOM_EINVAL,
			  "inline.yaml:4:11: hazard.work.area: expected a list of 1 to 8 numbers "
			  "(one per area), got 9");
	{
		stroom_scenario *s = load_text_ok(
			"extends: rotterdam\nareas: [zuid, noord, west]\npopulation:\n"
			"  area: [0.31, 0.42, 0.27]\ninflow:\n  area: [0.33, 0.41, 0.26]\n"
			"hazard:\n  work:\n    area: [0.91, 1.07, 0.97]\n");
		const stroom_params *p = stroom_scenario_params(s);
		assert_int_equal(p->n_areas, 3);
		assert_string_equal(p->area_name[2], "west");
		assert_true(p->work_area[2] == 0.97);
		stroom_scenario_free(s);
	}
}

static void test_series(void **state)
{
	(void)state;
	expect_text_error("extends: rotterdam\ninflow:\n  shock: {2025-13: 1.25}\n", STROOM_EPARSE,
			  "inline.yaml:3:11: inflow.shock: expected a month YYYY-MM as key, got "
			  "'2025-13'");
	expect_text_error("extends: rotterdam\ninflow:\n  shock: {2025-06: 1.25, 2025-01: 1.0}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:26: inflow.shock: expected months in increasing order, got "
			  "2025-01 after 2025-06");
	expect_text_error("extends: rotterdam\ninflow:\n  shock: {2025-06: 1.25, 2025-06: 1.0}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:26: inflow.shock: expected months in increasing order, got "
			  "2025-06 after 2025-06");
	{
		stroom_scenario *s = load_text_ok("extends: rotterdam\ninflow:\n  shock:\n"
						  "    2025-03: 1.2173\n    2025-09-01: 0.9817\n");
		const stroom_params *p = stroom_scenario_params(s);
		assert_int_equal(p->inflow_shock.n, 2);
		assert_int_equal(p->inflow_shock.month[1], stroom_month_make(2025, 9));
		/* before the first month the neutral value holds */
		assert_true(stroom_series_at(&p->inflow_shock, stroom_month_make(2024, 1), 1) == 1);
		assert_true(stroom_series_at(&p->inflow_shock, stroom_month_make(2025, 3), 1) ==
			    1.2173);
		assert_true(stroom_series_at(&p->inflow_shock, stroom_month_make(2025, 8), 1) ==
			    1.2173);
		assert_true(stroom_series_at(&p->inflow_shock, stroom_month_make(2026, 1), 1) ==
			    0.9817);
		stroom_scenario_free(s);
	}
	/* 65 points are too many. */
	{
		char text[2048];
		size_t n = (size_t)snprintf(text, sizeof text, "extends: rotterdam\ninflow:\n  shock: {");
		int i;
		for (i = 0; i < 65; i++)
			n += (size_t)snprintf(text + n, sizeof text - n, "%s%04d-%02d: 1.01", i ? ", " : "",
					      2024 + i / 12, i % 12 + 1);
		snprintf(text + n, sizeof text - n, "}\n");
		expect_text_error(text, STROOM_EINVAL,
				  "inline.yaml:3:10: inflow.shock: expected at most 64 months, got 65");
	}
}

static void test_syntax_error(void **state)
{
	stroom_scenario *s = NULL;
	unsigned line = 0, col = 0;
	int rc, n = 0;
	(void)state;
	rc = stroom_scenario_load_string(&s, "extends: rotterdam\nhazard:\n  enforcement: [0.1\n"
					 "seed: 3\n",
					 "inline.yaml", NULL);
	assert_int_equal(rc, STROOM_EPARSE);
	assert_null(s);
	assert_int_equal(sscanf(stroom_error_last(), "inline.yaml:%u:%u: invalid YAML: %n", &line,
				&col, &n),
			 2);
	assert_true(n > 0);
	assert_int_equal(line, 4);
	assert_int_equal(col, 5);
	assert_string_equal(stroom_error_last(),
			    "inline.yaml:4:5: invalid YAML: did not find expected ',' or ']' "
			    "(while parsing a flow sequence at line 3)");

	expect_text_error("extends: rotterdam\n  seed: 3\n bad\n", STROOM_EPARSE,
			  "inline.yaml:2:7: invalid YAML: mapping values are not allowed in this "
			  "context");
}

static void test_validation(void **state)
{
	(void)state;
	expect_text_error("extends: rotterdam\nend: 2023-06\n", STROOM_EINVAL,
			  "inline.yaml:2:1: end: expected a month not before start (2024-01), got "
			  "2023-06");
	expect_text_error("extends: rotterdam\ntarget:\n  date: 2031-02\n", STROOM_EINVAL,
			  "inline.yaml:3:3: target.date: expected a month from start (2024-01) to "
			  "end + 1 (2031-01), got 2031-02");
	{
		/* No target: the date is not checked. */
		stroom_scenario *s = load_text_ok(
			"extends: rotterdam\ntarget:\n  households: 0\n  date: 2031-02\n");
		stroom_scenario_free(s);
	}
	expect_text_error("extends: rotterdam\nreturns:\n  within_12m: 0.1517\n", STROOM_EINVAL,
			  "inline.yaml:3:3: returns.within_12m: expected less than "
			  "returns.nondurable_share (0.15), got 0.1517");
	expect_text_error("extends: rotterdam\ndrift:\n  medium_to_long_months: 7\n", STROOM_EINVAL,
			  "inline.yaml:3:3: drift.medium_to_long_months: expected at least "
			  "drift.short_to_medium_months (9), got 7");
}

static void test_missing_required(void **state)
{
	stroom_scenario *r = load_ok("rotterdam");
	char *yaml = dump_yaml(stroom_scenario_params(r)), *line;
	(void)state;

	/* The full dump loads; without its enforcement line it does not. */
	line = strstr(yaml, "  enforcement: ");
	assert_non_null(line);
	memmove(line, strchr(line, '\n') + 1, strlen(strchr(line, '\n') + 1) + 1);
	expect_text_error(yaml, STROOM_EINVAL,
			  "inline.yaml:1:1: hazard.enforcement: required key missing");
	expect_text_error("name: bare\n", STROOM_EINVAL,
			  "inline.yaml:1:1: start: required key missing (and 37 more; most "
			  "scenarios start with 'extends: rotterdam')");
	expect_text_error("", STROOM_EINVAL,
			  "inline.yaml:1:1: name: required key missing (and 38 more; most "
			  "scenarios start with 'extends: rotterdam')");
	free(yaml);
	stroom_scenario_free(r);
}

/* ---- dump ---- */

static void test_round_trip(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < stroom_scenario_builtin_count(); i++) {
		stroom_scenario *a = load_ok(stroom_scenario_builtin_name(i)), *b;
		char *yaml = dump_yaml(stroom_scenario_params(a));
		b = load_text_ok(yaml);
		assert_params_equal(stroom_scenario_params(a), stroom_scenario_params(b));
		free(yaml);
		stroom_scenario_free(a);
		stroom_scenario_free(b);
	}
	/* Values that need all 17 digits, and text that needs escapes. */
	{
		stroom_scenario *a = load_ok("rotterdam"), *b;
		stroom_params p = *stroom_scenario_params(a);
		char *yaml;
		p.enforcement = 1.0 / 3.0;
		p.other_base = 0.1 + 0.2;
		p.work_distance[0] = nextafter(0.06, 1.0);
		p.inflow_per_year = 7817.000000000001;
		p.labour_inflow_elasticity = -0.0;
		p.labour_work_elasticity = 1e-300;
		p.seed = UINT64_MAX;
		p.work_shock.n = 2;
		p.work_shock.month[0] = stroom_month_make(2025, 2);
		p.work_shock.value[0] = 2.0 / 3.0;
		p.work_shock.month[1] = stroom_month_make(2199, 12);
		p.work_shock.value[1] = 99.99999999999999;
		memset(p.description, 0, sizeof p.description);
		strcpy(p.description, "quotes \" and \\ backslash,\ttab, newline\n: # colon-hash");
		strcpy(p.name, "Mijn.scenario-2");
		yaml = dump_yaml(&p);
		b = load_text_ok(yaml);
		assert_params_equal(&p, stroom_scenario_params(b));
		assert_true(signbit(stroom_scenario_params(b)->labour_inflow_elasticity));
		free(yaml);
		stroom_scenario_free(a);
		stroom_scenario_free(b);
	}
}

static void test_dump_text(void **state)
{
	stroom_scenario *a = load_ok("rotterdam");
	const stroom_params *p = stroom_scenario_params(a);
	char *yaml = dump_yaml(p), small[16];
	size_t need;
	(void)state;

	assert_non_null(strstr(yaml, "\nareas: [zuid, noord]\n"));
	assert_non_null(strstr(yaml, "\nhazard:\n  work:\n    distance: [0.07, 0.024, 0.0022]\n"));
	assert_non_null(strstr(yaml, "\n  index: {2024-01: 1, 2025-01: 0.99, 2026-01: 0.98}\n"));
	assert_non_null(strstr(yaml, "\n  shock: {}\n"));
	assert_non_null(strstr(yaml, "\n  distance: medium\n"));
	/* Truncation follows snprintf. */
	need = stroom_params_to_yaml(p, small, sizeof small);
	assert_int_equal(need, strlen(yaml));
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_memory_equal(small, yaml, sizeof small - 1);
	free(yaml);

	/* JSON: one object; it is also YAML, so the loader reads it back. */
	{
		size_t n = stroom_params_to_json(p, NULL, 0);
		char *json = malloc(n + 1);
		stroom_scenario *b;
		assert_non_null(json);
		assert_int_equal(stroom_params_to_json(p, json, n + 1), n);
		assert_true(json[0] == '{');
		assert_non_null(strstr(json, "\n  \"name\": \"rotterdam\",\n"));
		assert_non_null(strstr(json, "\"target\": {\n    \"households\": 30000,\n"
					     "    \"date\": \"2026-01\"\n  },"));
		assert_non_null(strstr(json, "\"areas\": [\"zuid\", \"noord\"]"));
		assert_non_null(strstr(json, "\"index\": {\"2024-01\": 1, \"2025-01\": 0.99, "
					     "\"2026-01\": 0.98}"));
		assert_non_null(strstr(json, "\"distance\": \"medium\""));
		assert_non_null(strstr(json, "\"seed\": 20240101,"));
		assert_string_equal(json + n - 4, "}\n}\n");
		b = load_text_ok(json);
		assert_params_equal(p, stroom_scenario_params(b));
		stroom_scenario_free(b);
		free(json);
	}
	stroom_scenario_free(a);
}

/* ---- builtins ---- */

static void test_builtins(void **state)
{
	size_t i, n = stroom_scenario_builtin_count();
	(void)state;
	assert_true(n >= 1);
	assert_null(stroom_scenario_builtin_name(n));
	assert_null(stroom_scenario_builtin_description(n));
	for (i = 0; i < n; i++) {
		stroom_scenario *s = load_ok(stroom_scenario_builtin_name(i));
		const stroom_params *p = stroom_scenario_params(s);
		assert_string_equal(stroom_scenario_builtin_name(i), stroom_builtins[i].name);
		assert_string_equal(stroom_scenario_builtin_description(i), p->description);
		assert_string_equal(p->name, stroom_builtins[i].name);
		stroom_scenario_free(s);
	}
}

/* ---- the table ---- */

static void test_schema_table(void **state)
{
	unsigned char used[sizeof(stroom_params)];
	size_t i, j, covered = 0;
	(void)state;
	memset(used, 0, sizeof used);
	assert_int_equal(scenario_nkeys, 52);
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		assert_true(k->offset + k->size <= sizeof(stroom_params));
		for (j = k->offset; j < k->offset + k->size; j++) {
			if (used[j])
				fail_msg("%s overlaps another key", k->path);
			used[j] = 1;
		}
		covered += k->size;
		assert_non_null(k->unit);
		assert_true(k->doc && strlen(k->doc) > 10);
		assert_true(k->min <= k->max);
		if (k->type == KEY_LIST)
			assert_true(k->length >= 1 && k->length <= STROOM_MAX_AREAS);
		if (k->type == KEY_LIST || k->type == KEY_ENUM)
			for (j = 0; j < (size_t)k->length; j++)
				assert_non_null(k->label((int)j));
		for (j = 0; j < i; j++)
			assert_string_not_equal(scenario_keys[j].path, k->path);
		/* Groups are contiguous, so each opens once in the dump. */
		for (j = 0; j + 1 < i; j++) {
			const char *dot = strchr(k->path, '.');
			size_t g = dot ? (size_t)(dot - k->path) : 0;
			if (g && strncmp(scenario_keys[j].path, k->path, g + 1) == 0 &&
			    strncmp(scenario_keys[i - 1].path, k->path, g + 1) != 0)
				fail_msg("group of %s is split", k->path);
		}
		assert_ptr_equal(scenario_key_find(k->path), k);
	}
	/* Every field but n_areas (set with areas) belongs to a key; the rest is padding. */
	used[offsetof(stroom_params, n_areas)] = 1;
	covered += sizeof(int);
	assert_true(sizeof(stroom_params) - covered < 16);
	assert_true(scenario_key_is_group("hazard.work"));
	assert_false(scenario_key_is_group("hazard.wor"));
	assert_false(scenario_key_is_group("hazard.work.age"));
}

/* ---- docs ---- */

static void test_markdown(void **state)
{
	size_t n = stroom_scenario_schema_markdown(NULL, 0), len = 0;
	char *md = malloc(n + 1), *file;
	(void)state;
	assert_non_null(md);
	assert_int_equal(stroom_scenario_schema_markdown(md, n + 1), n);
	assert_non_null(strstr(md, "| key | type | bounds | default | unit | description |\n"));
	assert_non_null(strstr(md, "| `hazard.enforcement` | number | [0, 1] | required | per "
				   "month |"));
	assert_non_null(strstr(md, "| `replicates` | integer | [1, 100000] | `200` | runs |"));
	assert_non_null(strstr(md, "extends: rotterdam\n"));
	/* The example in the docs loads. */
	{
		char *start = strstr(md, "## Example"), *end;
		stroom_scenario *s;
		assert_non_null(start);
		start = strstr(start, "```yaml\n");
		assert_non_null(start);
		start += 8;
		end = strstr(start, "```");
		assert_non_null(end);
		*end = '\0';
		s = load_text_ok(start);
		assert_true(stroom_scenario_params(s)->enforcement == 0.0048);
		assert_int_equal(stroom_scenario_params(s)->inflow_shock.n, 2);
		stroom_scenario_free(s);
		*end = '`';
	}
	if (getenv("STROOM_UPDATE_DOCS")) {
		FILE *f = fopen(DOCS, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(md, 1, n, f), n);
		assert_int_equal(fclose(f), 0);
	}
	file = read_all(DOCS, &len);
	if (!file || len != n || memcmp(file, md, n) != 0)
		fail_msg("docs/scenario.md is stale: run STROOM_UPDATE_DOCS=1 tests/test_scenario");
	free(file);
	free(md);
}

/* ---- allocation failure ---- */

typedef struct failing {
	long fail_at, count, live;
} failing;

static void *f_malloc(size_t size, void *payload)
{
	failing *f = payload;
	if (++f->count == f->fail_at)
		return NULL;
	f->live++;
	return malloc(size);
}

static void *f_realloc(void *ptr, size_t size, void *payload)
{
	failing *f = payload;
	if (++f->count == f->fail_at)
		return NULL;
	if (!ptr)
		f->live++;
	return realloc(ptr, size);
}

static void f_free(void *ptr, void *payload)
{
	failing *f = payload;
	if (ptr)
		f->live--;
	free(ptr);
}

static void test_allocation_failure(void **state)
{
	const char *paths[] = {FIXTURES "with_csv.yaml", "rotterdam"};
	size_t t;
	(void)state;
	for (t = 0; t < 2; t++) {
		long n, failures = 0;
		for (n = 1; n < 1000; n++) {
			failing f = {n, 0, 0};
			stroom_allocator a = {f_malloc, f_realloc, f_free, &f};
			stroom_scenario_options opts = STROOM_SCENARIO_OPTIONS_INIT;
			stroom_scenario *s = (stroom_scenario *)&s;
			int rc;
			opts.allocator = &a;
			rc = stroom_scenario_load(&s, paths[t], &opts);
			if (rc == 0) {
				assert_non_null(s);
				assert_true(f.live > 0);
				assert_true(stroom_scenario_params(s)->enforcement > 0);
				stroom_scenario_free(s);
				assert_int_equal(f.live, 0);
				break;
			}
			assert_int_equal(rc, STROOM_ENOMEM);
			assert_null(s);
			assert_non_null(strstr(stroom_error_last(), "out of memory"));
			assert_int_equal(f.live, 0);
			failures++;
		}
		assert_true(n < 1000);
		assert_true(failures >= (t == 0 ? 6 : 3));
	}
}

static void test_options_version(void **state)
{
	stroom_scenario_options opts = STROOM_SCENARIO_OPTIONS_INIT;
	stroom_scenario *s = (stroom_scenario *)&s;
	(void)state;
	opts.version = 99;
	assert_int_equal(stroom_scenario_load(&s, "rotterdam", &opts), STROOM_EINVAL);
	assert_null(s);
	assert_string_equal(stroom_error_last(),
			    "stroom_scenario_options: expected version 1, got 99");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotterdam),
		cmocka_unit_test(test_extends_override),
		cmocka_unit_test(test_extends_chain),
		cmocka_unit_test(test_extends_cycle),
		cmocka_unit_test(test_extends_unknown),
		cmocka_unit_test(test_extends_depth),
		cmocka_unit_test(test_population_csv),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_shapes),
		cmocka_unit_test(test_out_of_bounds),
		cmocka_unit_test(test_shares),
		cmocka_unit_test(test_list_length),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_dump_text),
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_schema_table),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_allocation_failure),
		cmocka_unit_test(test_options_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
