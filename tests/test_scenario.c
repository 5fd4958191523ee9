/*
 * test_scenario.c: scenario loading, extends, every error path (code and exact
 * message), inputs and their hashes, the YAML/JSON round trip, builtins, the
 * policy levers (priors, selectors, the record maps teams and instruments and
 * their merge by name under extends), the schema table itself, docs/scenario.md
 * against its generator, and allocation failure at every allocation of a load.
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
#include "failing_alloc.h"

#define FIXTURES STROOM_SOURCE_DIR "/tests/data/scenario/"
#define DOCS STROOM_SOURCE_DIR "/docs/scenario.md"
/* The results' group names an area may not take (src/scenario/scenario_schema.c). */
#define TAKEN "all, short, medium, long, 1-2y, 2-5y, 27-39, 40-54, single, single_parent, couple"

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

/* The first ```yaml block of markdown after `from` (asserted present), as a new
 * string the caller frees; *next points just past it. */
static char *yaml_block(const char *from, const char **next)
{
	const char *start, *end;
	char *copy;
	assert_non_null(from);
	start = strstr(from, "```yaml\n");
	assert_non_null(start);
	start += 8;
	end = strstr(start, "```");
	assert_non_null(end);
	copy = strndup(start, (size_t)(end - start));
	assert_non_null(copy);
	if (next)
		*next = end + 3;
	return copy;
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
	assert_true(p->work_distance[STROOM_DIST_LONG] == 0.0030);
	assert_true(p->drift_long_share == 0.4); /* the centre of its prior */
	assert_string_equal(p->posterior_csv, "builtin:data/posteriors/rotterdam.csv");
	assert_int_equal(p->return_distance, STROOM_DIST_MEDIUM);
	assert_int_equal(p->drift_short_months, 9);
	assert_int_equal(p->drift_medium_months, 24);
	assert_string_equal(p->population_csv, "");
	assert_int_equal(p->inflow_shock.n, 0);
	assert_int_equal(p->labour_index.n, 3);
	assert_int_equal(p->labour_index.month[1], stroom_month_make(2025, 1));
	assert_true(p->labour_index.value[1] == 0.99);

	/* The inputs are the builtin and its builtin posterior, each hashed from its
	 * embedded text (= the file). */
	assert_int_equal(stroom_scenario_input_count(s), 2);
	assert_string_equal(stroom_scenario_input_path(s, 0), "data/scenarios/rotterdam.yaml");
	assert_non_null(SHA256File(STROOM_SOURCE_DIR "/data/scenarios/rotterdam.yaml", sha));
	assert_string_equal(stroom_scenario_input_sha256(s, 0), sha);
	assert_string_equal(stroom_scenario_input_path(s, 1), "builtin:data/posteriors/rotterdam.csv");
	assert_non_null(SHA256File(STROOM_SOURCE_DIR "/data/posteriors/rotterdam.csv", sha));
	assert_string_equal(stroom_scenario_input_sha256(s, 1), sha);
	assert_null(stroom_scenario_input_path(s, 2));
	stroom_scenario_free(s);

	/* The same builtin by a path loads the same params, with the posterior
	 * file beside it instead of the compiled-in one. */
	{
		stroom_scenario *f = load_ok(STROOM_SOURCE_DIR "/data/scenarios/rotterdam.yaml");
		stroom_scenario *b = load_ok("rotterdam");
		stroom_params pf = *stroom_scenario_params(f);
		assert_string_equal(pf.posterior_csv,
				    STROOM_SOURCE_DIR "/data/scenarios/../posteriors/rotterdam.csv");
		memcpy(pf.posterior_csv, stroom_scenario_params(b)->posterior_csv, sizeof pf.posterior_csv);
		assert_params_equal(&pf, stroom_scenario_params(b));
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
	/* a plain number replaces rotterdam's prior on the key */
	assert_int_equal(stroom_params_fix(&expect, "hazard.enforcement"), 1);
	assert_params_equal(stroom_scenario_params(s), &expect);

	assert_int_equal(stroom_scenario_input_count(s), 3); /* with rotterdam's posterior */
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

	assert_int_equal(stroom_scenario_input_count(s), 4); /* with rotterdam's posterior */
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
	assert_int_equal(stroom_scenario_input_count(s), 10); /* with rotterdam's posterior */
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
	assert_int_equal(stroom_scenario_input_count(s), 5); /* with rotterdam's posterior */
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
	/* 'all' is the total's group in the results: no area, team or instrument has it;
	 * an area's rows share their indicators with the distance, duration, age and
	 * type groups, so an area takes none of their names either */
	expect_text_error("extends: rotterdam\nareas: [zuid, all]\n", STROOM_EINVAL,
			  "inline.yaml:2:15: areas[1]: expected an area name other than the "
			  "results' group names (" TAKEN "), got 'all' (the total's group)");
	expect_text_error("extends: rotterdam\nareas: [short, noord]\n", STROOM_EINVAL,
			  "inline.yaml:2:9: areas[0]: expected an area name other than the "
			  "results' group names (" TAKEN "), got 'short' (a distance group)");
	expect_text_error("extends: rotterdam\nareas: [zuid, 2-5y]\n", STROOM_EINVAL,
			  "inline.yaml:2:15: areas[1]: expected an area name other than the "
			  "results' group names (" TAKEN "), got '2-5y' (a duration group)");
	expect_text_error("extends: rotterdam\nareas: [zuid, 40-54]\n", STROOM_EINVAL,
			  "inline.yaml:2:15: areas[1]: expected an area name other than the "
			  "results' group names (" TAKEN "), got '40-54' (an age group)");
	expect_text_error("extends: generic\nareas: [single_parent]\n", STROOM_EINVAL,
			  "inline.yaml:2:9: areas[0]: expected an area name other than the "
			  "results' group names (" TAKEN "), got 'single_parent' (a household type "
			  "group)");
	expect_text_error("extends: generic\nteams:\n  all: {fte: {2024-01: 1}}\n", STROOM_EINVAL,
			  "inline.yaml:3:3: teams.all: expected a team name other than 'all': the "
			  "name 'all' is the total's group");
	expect_text_error("extends: rotterdam\ninstruments:\n  all: ~\n", STROOM_EINVAL,
			  "inline.yaml:3:3: instruments.all: expected an instrument name other than "
			  "'all': the name 'all' is the total's group");
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

/* ---- policy levers: priors, selectors, record maps ---- */

static void test_policy_defaults(void **state)
{
	/* A scenario without the levers gets defaults that have no effect
	 * (aef-annex-a removes rotterdam's teams and sets no other lever). */
	stroom_scenario *s = load_ok("aef-annex-a");
	const stroom_params *p = stroom_scenario_params(s);
	stroom_selector all;
	(void)state;
	memset(&all, 0, sizeof all);
	assert_int_equal(p->n_teams, 0);
	assert_int_equal(p->n_instruments, 0);
	assert_int_equal(p->capacity_elasticity.dist, STROOM_PRIOR_FIXED);
	assert_true(p->capacity_elasticity.a == 0 && p->capacity_elasticity.lo == 0 &&
		    p->capacity_elasticity.hi == 3);
	assert_true(p->capacity_intensity_cap == 2.5); /* inherited from rotterdam */
	assert_true(p->gate_search_share == 0);
	assert_true(p->gate_search_effect.a == 0 && p->gate_selection.a == 0);
	assert_memory_equal(&p->prevention_target, &all, sizeof all);
	assert_int_equal(p->prevention_reach.n, 0);
	assert_true(stroom_series_at(&p->prevention_reach, p->start, 0) == 0);
	assert_true(p->prevention_effect.a == 0);
	assert_int_equal(p->enforcement_controls.n, 0);
	assert_true(p->enforcement_detection.a == 0 && p->enforcement_termination_share == 0);
	assert_int_equal(p->enforcement_sanction_pct, 0);
	assert_int_equal(p->enforcement_sanction_months, 0);
	assert_true(p->enforcement_recovery_eurocent == 0);
	assert_int_equal(p->targets_pressure.n, 0);
	assert_int_equal(p->targets_work.dist, STROOM_PRIOR_FIXED);
	assert_true(p->targets_work.a == 1 && p->targets_work.hi == 10);
	assert_true(p->targets_nondurable.a == 1);
	stroom_scenario_free(s);
}

/* The prior of capacity.elasticity ([0, 3]) after setting it to `yaml`. */
static stroom_prior elasticity_prior(const char *yaml)
{
	char text[512];
	stroom_scenario *s;
	stroom_prior pr;
	snprintf(text, sizeof text, "extends: rotterdam\ncapacity:\n  elasticity: %s\n", yaml);
	s = load_text_ok(text);
	pr = stroom_scenario_params(s)->capacity_elasticity;
	stroom_scenario_free(s);
	assert_true(pr.lo == 0 && pr.hi == 3);
	return pr;
}

static void test_priors(void **state)
{
	stroom_prior pr;
	(void)state;
	pr = elasticity_prior("0.4173");
	assert_int_equal(pr.dist, STROOM_PRIOR_FIXED);
	assert_true(pr.a == 0.4173 && pr.b == 0 && pr.nvalues == 0);
	pr = elasticity_prior("{normal: [0.37, 0.083]}");
	assert_int_equal(pr.dist, STROOM_PRIOR_NORMAL);
	assert_true(pr.a == 0.37 && pr.b == 0.083);
	pr = elasticity_prior("{lognormal: [-1.17, 0.31]}");
	assert_int_equal(pr.dist, STROOM_PRIOR_LOGNORMAL);
	assert_true(pr.a == -1.17 && pr.b == 0.31);
	pr = elasticity_prior("{uniform: [0.13, 0.71]}");
	assert_int_equal(pr.dist, STROOM_PRIOR_UNIFORM);
	assert_true(pr.a == 0.13 && pr.b == 0.71);
	pr = elasticity_prior("{values: [0.2, 0.35, 0.5, 0.65, 0.8, 1, 1.25, 3]}");
	assert_int_equal(pr.dist, STROOM_PRIOR_VALUES);
	assert_int_equal(pr.nvalues, 8);
	assert_true(pr.values[1] == 0.35 && pr.values[7] == 3 && pr.a == 0 && pr.b == 0);
	pr = elasticity_prior("{values: [0.817]}");
	assert_int_equal(pr.nvalues, 1);
	/* Block style is the same prior. */
	pr = elasticity_prior("\n    normal:\n      - 0.37\n      - 0.083");
	assert_int_equal(pr.dist, STROOM_PRIOR_NORMAL);
	assert_true(pr.a == 0.37 && pr.b == 0.083);
	{
		/* beta: for keys within [0, 1]; the support is the key's bounds. */
		stroom_scenario *s = load_text_ok(
			"extends: rotterdam\ngate:\n  selection: {beta: [2.3, 41.7]}\n");
		const stroom_params *p = stroom_scenario_params(s);
		assert_int_equal(p->gate_selection.dist, STROOM_PRIOR_BETA);
		assert_true(p->gate_selection.a == 2.3 && p->gate_selection.b == 41.7);
		assert_true(p->gate_selection.lo == 0 && p->gate_selection.hi == 1);
		stroom_scenario_free(s);
	}
	{
		/* Every form in one scenario round-trips through YAML and JSON, bit for bit. */
		stroom_scenario *a = load_ok(FIXTURES "policy.yaml"), *b;
		stroom_params p = *stroom_scenario_params(a);
		char *yaml;
		size_t n;
		char *json;
		p.capacity_elasticity.a = 1.0 / 3.0;
		p.capacity_elasticity.b = nextafter(0.1, 1.0);
		p.targets_nondurable.a = 0.1 + 0.2;
		yaml = dump_yaml(&p);
		assert_non_null(strstr(yaml, "\n  elasticity: {normal: [0.3333333333333333, "
					     "0.10000000000000002]}\n"));
		assert_non_null(strstr(yaml, "\n  nondurable: 0.30000000000000004\n"));
		assert_non_null(strstr(yaml, "\n    effect: {lognormal: [0.27, 0.11]}\n"));
		assert_non_null(strstr(yaml, "\n    lockin: {uniform: [0.55, 0.85]}\n"));
		assert_non_null(strstr(yaml, "\n    durability: {values: [0.83, 0.91, 1.07]}\n"));
		assert_non_null(strstr(yaml, "\n  search_effect: {beta: [3.7, 21.3]}\n"));
		b = load_text_ok(yaml);
		assert_params_equal(&p, stroom_scenario_params(b));
		stroom_scenario_free(b);
		n = stroom_params_to_json(&p, NULL, 0);
		json = malloc(n + 1);
		assert_non_null(json);
		stroom_params_to_json(&p, json, n + 1);
		assert_non_null(strstr(json, "\"search_effect\": {\"beta\": [3.7, 21.3]},"));
		assert_non_null(strstr(json, "\"durability\": {\"values\": [0.83, 0.91, 1.07]},"));
		b = load_text_ok(json);
		assert_params_equal(&p, stroom_scenario_params(b));
		stroom_scenario_free(b);
		free(json);
		free(yaml);
		stroom_scenario_free(a);
	}
}

/* Expects the error of setting capacity.elasticity (bounds [0, 3]) to `yaml` on line 3. */
static void expect_prior_error(const char *yaml, int code, const char *msg)
{
	char text[512];
	snprintf(text, sizeof text, "extends: rotterdam\ncapacity:\n  elasticity: %s\n", yaml);
	expect_text_error(text, code, msg);
}

static void test_prior_errors(void **state)
{
	(void)state;
	/* column 15 is where the value starts */
	expect_prior_error("3.17", STROOM_EINVAL,
			   "inline.yaml:3:15: capacity.elasticity: expected a number in [0, 3], got "
			   "3.17");
	expect_prior_error("high", STROOM_EPARSE,
			   "inline.yaml:3:15: capacity.elasticity: expected a number or a "
			   "distribution such as {normal: [mean, sd]}, got 'high'");
	expect_prior_error("[0.3, 0.1]", STROOM_EPARSE,
			   "inline.yaml:3:15: capacity.elasticity: expected a number or a "
			   "distribution such as {normal: [mean, sd]}, got a list");
	expect_prior_error("{normal: [3.5, 0.1]}", STROOM_EINVAL,
			   "inline.yaml:3:25: capacity.elasticity.normal[0]: expected a mean in "
			   "[0, 3], got 3.5");
	expect_prior_error("{normal: [0.37, 0]}", STROOM_EINVAL,
			   "inline.yaml:3:31: capacity.elasticity.normal[1]: expected an sd above 0, "
			   "got 0");
	expect_prior_error("{normal: [0.37, -0.08]}", STROOM_EINVAL,
			   "inline.yaml:3:31: capacity.elasticity.normal[1]: expected an sd above 0, "
			   "got -0.08");
	expect_prior_error("{lognormal: [-1.17, 0]}", STROOM_EINVAL,
			   "inline.yaml:3:35: capacity.elasticity.lognormal[1]: expected an sdlog "
			   "above 0, got 0");
	expect_prior_error("{uniform: [0.71, 0.13]}", STROOM_EINVAL,
			   "inline.yaml:3:32: capacity.elasticity.uniform[1]: expected a max above "
			   "the min, got 0.13");
	expect_prior_error("{uniform: [0.7, 0.7]}", STROOM_EINVAL,
			   "inline.yaml:3:31: capacity.elasticity.uniform[1]: expected a max above "
			   "the min, got 0.7");
	expect_prior_error("{uniform: [0.13, 3.1]}", STROOM_EINVAL,
			   "inline.yaml:3:32: capacity.elasticity.uniform[1]: expected a number in "
			   "[0, 3], got 3.1");
	expect_prior_error("{values: [0.2, -0.35]}", STROOM_EINVAL,
			   "inline.yaml:3:30: capacity.elasticity.values[1]: expected a number in "
			   "[0, 3], got -0.35");
	expect_prior_error("{values: [1, 1, 1, 1, 1, 1, 1, 1, 1]}", STROOM_EINVAL,
			   "inline.yaml:3:24: capacity.elasticity.values: expected a list of 1 to 8 "
			   "numbers, got 9");
	expect_prior_error("{values: []}", STROOM_EINVAL,
			   "inline.yaml:3:24: capacity.elasticity.values: expected a list of 1 to 8 "
			   "numbers, got 0");
	expect_prior_error("{normal: [0.37, 0.08, 0.01]}", STROOM_EINVAL,
			   "inline.yaml:3:24: capacity.elasticity.normal: expected a list of 2 "
			   "numbers [mean, sd], got 3");
	expect_prior_error("{uniform: 0.5}", STROOM_EPARSE,
			   "inline.yaml:3:25: capacity.elasticity.uniform: expected a list of 2 "
			   "numbers [min, max], got '0.5'");
	expect_prior_error("{normal: [0.37, wide]}", STROOM_EPARSE,
			   "inline.yaml:3:31: capacity.elasticity.normal[1]: expected a number, got "
			   "'wide'");
	/* beta needs bounds inside [0, 1]. */
	expect_prior_error("{beta: [2, 5]}", STROOM_EINVAL,
			   "inline.yaml:3:16: capacity.elasticity: expected a distribution other "
			   "than beta (a beta prior needs bounds inside [0, 1], these are [0, 3]), "
			   "got beta");
	expect_text_error("extends: rotterdam\ngate:\n  selection: {beta: [0, 5]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:22: gate.selection.beta[0]: expected an alpha above 0, got "
			  "0");
	expect_text_error("extends: rotterdam\ngate:\n  selection: {beta: [2.3, -1]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:27: gate.selection.beta[1]: expected a beta above 0, got -1");
	/* Unknown distributions, with a hint when one is close. */
	expect_prior_error("{normla: [0.37, 0.08]}", STROOM_EPARSE,
			   "inline.yaml:3:16: capacity.elasticity: expected normal, lognormal, "
			   "beta, uniform or values, got 'normla'; did you mean 'normal'?");
	expect_prior_error("{cauchy: [0.37, 0.08]}", STROOM_EPARSE,
			   "inline.yaml:3:16: capacity.elasticity: expected normal, lognormal, "
			   "beta, uniform or values, got 'cauchy'");
	expect_prior_error("{normal: [0.37, 0.08], uniform: [0, 1]}", STROOM_EPARSE,
			   "inline.yaml:3:15: capacity.elasticity: expected one distribution such "
			   "as {normal: [mean, sd]}, got 2");
	expect_prior_error("{}", STROOM_EPARSE,
			   "inline.yaml:3:15: capacity.elasticity: expected one distribution such "
			   "as {normal: [mean, sd]}, got 0");
	/* In a record, the path names the record. */
	expect_text_error("extends: " FIXTURES "policy.yaml\ninstruments:\n  werkloont:\n"
			  "    lockin: {normal: [0.6, 0]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:4:28: instruments.werkloont.lockin.normal[1]: expected an sd "
			  "above 0, got 0");
}


/* ---- uncertain parameters: priors on numbers and list entries ---- */

/* The index of the uncertain parameter named key in p, or -1. */
static int uncertain_index(const stroom_params *p, const char *key)
{
	int i;
	for (i = 0; i < p->n_uncertain; i++)
		if (strcmp(p->uncertain[i].key, key) == 0)
			return i;
	return -1;
}

static void test_uncertain(void **state)
{
	stroom_scenario *r = load_ok("rotterdam"), *s;
	const stroom_params *q = stroom_scenario_params(r), *p;
	static const char *const rotterdam_keys[] = {
		"inflow.per_year", "labour_market.inflow_elasticity", "labour_market.work_elasticity",
		"hazard.work.distance.short", "hazard.work.distance.medium",
		"hazard.work.distance.long", "hazard.lks_share", "hazard.other.base",
		"hazard.enforcement", "drift.medium_to_long_share", "returns.within_12m",
		"returns.nondurable_share"};
	const stroom_prior *pr;
	size_t i;
	int k;
	(void)state;

	/* rotterdam: the uncertain base parameters, in schema (offset) order, each
	 * field at its central value */
	assert_int_equal((size_t)q->n_uncertain, sizeof rotterdam_keys / sizeof rotterdam_keys[0]);
	for (i = 0; i < (sizeof rotterdam_keys / sizeof rotterdam_keys[0]); i++) {
		const stroom_uncertain *u = &q->uncertain[i];
		double field;
		assert_string_equal(u->key, rotterdam_keys[i]);
		if (i > 0)
			assert_true(u->offset > q->uncertain[i - 1].offset);
		memcpy(&field, (const char *)q + u->offset, sizeof field);
		assert_true(field == stroom_prior_central(&u->prior));
	}
	/* the central values are the calibrated values, exactly */
	assert_true(q->inflow_per_year == 7450);
	assert_true(q->work_distance[STROOM_DIST_SHORT] == 0.095);
	assert_true(q->return_within_12m == 0.12);
	assert_true(q->return_nondurable_share == 0.15);
	assert_true(q->labour_work_elasticity == 0.5);
	pr = &q->uncertain[uncertain_index(q, "hazard.work.distance.medium")].prior;
	assert_int_equal(pr->dist, STROOM_PRIOR_NORMAL);
	assert_true(pr->a == 0.032 && pr->b == 0.0048 && pr->lo == 0 && pr->hi == 1);
	{
		/* the 12 come on top of the policy priors (capacity, instruments) */
		stroom_params c = *q;
		stroom_params_fix(&c, NULL);
		assert_int_equal(stroom_params_prior_count(q), stroom_params_prior_count(&c) + 12);
	}

	/* any number key, any entry of a list that is not shares; a list set again
	 * replaces its priors, a key not set keeps them */
	s = load_text_ok("extends: rotterdam\n"
			 "inflow:\n  per_year: {lognormal: [8.9, 0.1]}\n"
			 "hazard:\n  work:\n"
			 "    distance: [0.05, {uniform: [0.01, 0.03]}, {values: [0.001, 0.002, 0.004]}]\n"
			 "    area: [{normal: [0.9, 0.05]}, 1]\n"
			 "  lks_share: {beta: [2, 23]}\n"
			 "  enforcement: 0.003\n"
			 "parttime:\n  work_multiplier: {normal: [1.5, 0.2]}\n");
	p = stroom_scenario_params(s);
	assert_true(p->inflow_per_year == exp(8.9));
	assert_true(p->work_distance[0] == 0.05);
	assert_true(p->work_distance[1] == 0.02);
	assert_true(p->work_distance[2] == (0.001 + 0.002 + 0.004) / 3);
	assert_true(p->work_area[0] == 0.9);
	assert_true(p->lks_share == 2.0 / 25.0);
	assert_int_equal(uncertain_index(p, "hazard.work.distance.short"), -1);
	assert_int_equal(uncertain_index(p, "hazard.enforcement"), -1);
	assert_true(uncertain_index(p, "hazard.work.distance.medium") >= 0);
	assert_true(uncertain_index(p, "hazard.work.area.zuid") >= 0);
	assert_int_equal(uncertain_index(p, "hazard.work.area.noord"), -1);
	assert_true(uncertain_index(p, "parttime.work_multiplier") >= 0);
	assert_true(uncertain_index(p, "returns.within_12m") >= 0);
	k = uncertain_index(p, "inflow.per_year");
	assert_int_equal(p->uncertain[k].prior.dist, STROOM_PRIOR_LOGNORMAL);
	assert_true(p->uncertain[k].prior.hi == 10000000);
	for (k = 1; k < p->n_uncertain; k++)
		assert_true(p->uncertain[k].offset > p->uncertain[k - 1].offset);
	/* the dump writes the priors back, and loading it gives identical params */
	{
		char *yaml = dump_yaml(p);
		stroom_scenario *b;
		assert_non_null(strstr(yaml, "    distance: [0.05, {uniform: [0.01, 0.03]}, "
					     "{values: [0.001, 0.002, 0.004]}]\n"));
		assert_non_null(strstr(yaml, "  per_year: {lognormal: [8.9, 0.1]}\n"));
		assert_non_null(strstr(yaml, "  lks_share: {beta: [2, 23]}\n"));
		assert_non_null(strstr(yaml, "    area: [{normal: [0.9, 0.05]}, 1]\n"));
		b = load_text_ok(yaml);
		assert_params_equal(p, stroom_scenario_params(b));
		free(yaml);
		stroom_scenario_free(b);
	}
	/* and so does the JSON of the manifest */
	{
		size_t n = stroom_params_to_json(p, NULL, 0);
		char *json = malloc(n + 1);
		stroom_scenario *b;
		assert_non_null(json);
		stroom_params_to_json(p, json, n + 1);
		assert_non_null(strstr(json, "\"per_year\": {\"lognormal\": [8.9, 0.1]}"));
		b = load_text_ok(json);
		assert_params_equal(p, stroom_scenario_params(b));
		free(json);
		stroom_scenario_free(b);
	}
	/* the area names of the keys are those of the final areas */
	{
		stroom_scenario *b = load_text_ok(
			"extends: rotterdam\nareas: [west, oost]\nteams: {werk_zuid: ~, werk_noord: ~}\n"
			"hazard:\n  work:\n    area: [1, {uniform: [0.8, 1.2]}]\n");
		assert_true(uncertain_index(stroom_scenario_params(b), "hazard.work.area.oost") >= 0);
		stroom_scenario_free(b);
	}
	/* stroom_params_fix: by key, by list, all */
	{
		stroom_params c = *p;
		assert_int_equal(stroom_params_fix(&c, "hazard.work.dist"), 0);
		assert_int_equal(stroom_params_fix(&c, "hazard.work.distance"), 2);
		assert_int_equal(uncertain_index(&c, "hazard.work.distance.medium"), -1);
		assert_true(c.work_distance[1] == 0.02);
		int drawn = stroom_params_prior_count(&c);
		k = c.n_uncertain;
		assert_int_equal(k, 10);
		assert_int_equal(stroom_params_fix(&c, NULL), k);
		assert_int_equal(c.n_uncertain, 0);
		assert_int_equal(stroom_params_prior_count(&c), drawn - k);
	}
	stroom_scenario_free(s);
	stroom_scenario_free(r);
}

static void test_uncertain_errors(void **state)
{
	(void)state;
	expect_text_error("extends: rotterdam\ninflow:\n  age: [{normal: [0.25, 0.05]}, 0.35, 0.25, "
			  "0.15]\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:9: inflow.age[0]: expected a number (shares cannot carry a "
			  "prior), got a mapping");
	expect_text_error("extends: rotterdam\npopulation:\n  area: [0.403, {uniform: [0.5, 0.7]}]\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:17: population.area[1]: expected a number (shares cannot "
			  "carry a prior), got a mapping");
	expect_text_error("extends: rotterdam\nhazard:\n  enforcement: {gamma: [2, 0.001]}\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:17: hazard.enforcement: expected normal, lognormal, beta, "
			  "uniform or values, got 'gamma'");
	expect_text_error("extends: rotterdam\nhazard:\n  work:\n    distance: [0.07, {normal: "
			  "[0.024, -1]}, 0.0022]\n",
			  STROOM_EINVAL,
			  "inline.yaml:4:39: hazard.work.distance[1].normal[1]: expected an sd above "
			  "0, got -1");
	expect_text_error("extends: rotterdam\ninflow:\n  per_year: {beta: [2, 3]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:14: inflow.per_year: expected a distribution other than beta "
			  "(a beta prior needs bounds inside [0, 1], these are [0, 10000000]), got "
			  "beta");
	expect_text_error("extends: rotterdam\nreplicates: {normal: [200, 10]}\n", STROOM_EPARSE,
			  "inline.yaml:2:13: replicates: expected an integer, got a mapping");
	expect_text_error("extends: rotterdam\npopulation:\n  parttime: {normal: [0.09, 0.01]}\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:13: population.parttime: expected a number (the starting "
			  "population is built once for all replicates, so it cannot carry a prior), "
			  "got a mapping");
	expect_text_error("extends: rotterdam\nteams:\n  jongeren:\n    norm: {normal: [75, 5]}\n",
			  STROOM_EPARSE,
			  "inline.yaml:4:11: teams.jongeren.norm: expected a number, got a mapping");
	expect_text_error("extends: rotterdam\nlabour_market:\n  index: {2024-01: {normal: [1, "
			  "0.1]}}\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:20: labour_market.index[2024-01]: expected a number (only "
			  "the shocks inflow.shock and hazard.work.shock take priors in a series), "
			  "got a mapping");
	/* the central values must still satisfy what the scenario checks */
	expect_text_error("extends: rotterdam\nreturns:\n  within_12m: {uniform: [0.14, 0.2]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:3: returns.within_12m: expected less than "
			  "returns.nondurable_share (0.15), got 0.17");
}

/*
 * Each distribution through the public helper: over 20,000 replicates the draws'
 * mean and sd lie within 5 standard errors of the distribution's, and every draw
 * lies in the key's bounds.
 */
/*
 * A value of a shock series written as a prior: an uncertain parameter named
 * after the key and its month, its field at the central value; drawn per
 * replicate within the bounds, reproducibly, the other values untouched; dumped
 * and loaded back; replaced whole by a scenario that sets the series again.
 */
static void test_series_priors(void **state)
{
	enum { N = 4000 };
	stroom_scenario *s = load_text_ok("extends: rotterdam\n"
					  "inflow:\n  shock: {2020-04: {lognormal: [0.22, 0.15]}, "
					  "2021-01: 0.90}\n"
					  "hazard:\n  work:\n    shock: {2017-01: 1.2, 2020-04: {normal: "
					  "[0.96, 0.3]}}\n");
	const stroom_params *p = stroom_scenario_params(s);
	static stroom_params out, again;
	double sum = 0, sum2 = 0, lo = 100, hi = 0, mean, sd;
	int i, ki, kw;
	(void)state;

	ki = uncertain_index(p, "inflow.shock.2020-04");
	kw = uncertain_index(p, "hazard.work.shock.2020-04");
	assert_true(ki >= 0 && kw >= 0);
	assert_int_equal(uncertain_index(p, "inflow.shock.2021-01"), -1);
	assert_int_equal(uncertain_index(p, "hazard.work.shock.2017-01"), -1);
	assert_int_equal(p->uncertain[ki].prior.dist, STROOM_PRIOR_LOGNORMAL);
	assert_true(p->uncertain[ki].prior.lo == 0 && p->uncertain[ki].prior.hi == 100);
	assert_true(p->uncertain[ki].offset == offsetof(stroom_params, inflow_shock) +
						      offsetof(stroom_series, value));
	assert_true(p->uncertain[kw].offset == offsetof(stroom_params, work_shock) +
						      offsetof(stroom_series, value) + sizeof(double));
	/* the fields hold the central values; the months are as written */
	assert_int_equal(p->inflow_shock.n, 2);
	assert_true(p->inflow_shock.value[0] == exp(0.22));
	assert_true(p->inflow_shock.value[1] == 0.90);
	assert_true(p->work_shock.value[1] == 0.96);
	assert_int_equal(p->inflow_shock.month[0], stroom_month_make(2020, 4));

	/* draws: within the bounds (the normal of sd 0.3 is truncated at 0), the
	 * plain values untouched, reproducible per replicate, the lognormal's log
	 * mean and sd within 5 standard errors of 0.22 and 0.15 */
	for (i = 0; i < N; i++) {
		double x, w;
		stroom_params_draw(p, &out, (uint32_t)i, 0);
		assert_int_equal(out.n_uncertain, 0);
		x = out.inflow_shock.value[0];
		w = out.work_shock.value[1];
		assert_true(x > 0 && x <= 100 && w >= 0 && w <= 100);
		assert_true(out.inflow_shock.value[1] == 0.90 && out.work_shock.value[0] == 1.2);
		assert_int_equal(out.inflow_shock.n, 2);
		if (i < 50) {
			stroom_params_draw(p, &again, (uint32_t)i, 0);
			assert_true(again.inflow_shock.value[0] == x && again.work_shock.value[1] == w);
		}
		sum += log(x);
		sum2 += log(x) * log(x);
		lo = w < lo ? w : lo;
		hi = w > hi ? w : hi;
	}
	mean = sum / N;
	sd = sqrt(sum2 / N - mean * mean);
	assert_true(fabs(mean - 0.22) < 5 * 0.15 / sqrt(N));
	assert_true(fabs(sd - 0.15) < 5 * 0.15 / sqrt(2.0 * N));
	assert_true(lo < 0.5 && hi > 1.4); /* the work shock is drawn too */
	stroom_params_draw(p, &out, 7, 1);
	assert_true(out.inflow_shock.value[0] == exp(0.22) && out.work_shock.value[1] == 0.96);

	/* the dump writes the priors back, and loading it gives identical params */
	{
		char *yaml = dump_yaml(p);
		stroom_scenario *b;
		assert_non_null(strstr(yaml, "  shock: {2020-04: {lognormal: [0.22, 0.15]}, "
					     "2021-01: 0.9}\n"));
		assert_non_null(strstr(yaml, "    shock: {2017-01: 1.2, 2020-04: {normal: [0.96, "
					     "0.3]}}\n"));
		b = load_text_ok(yaml);
		assert_params_equal(p, stroom_scenario_params(b));
		free(yaml);
		stroom_scenario_free(b);
	}
	/* stroom_params_fix by the key removes its months' priors */
	{
		stroom_params c = *p;
		assert_int_equal(stroom_params_fix(&c, "inflow.shock"), 1);
		assert_int_equal(uncertain_index(&c, "inflow.shock.2020-04"), -1);
		assert_true(uncertain_index(&c, "hazard.work.shock.2020-04") >= 0);
	}
	stroom_scenario_free(s);

	/* rotterdam-2017 carries its covid shocks as priors; a scenario extending it
	 * that sets the series replaces it whole, priors included, and keeps the
	 * other series' priors */
	s = load_ok("rotterdam-2017");
	p = stroom_scenario_params(s);
	assert_true(uncertain_index(p, "inflow.shock.2020-04") >= 0);
	assert_true(uncertain_index(p, "inflow.shock.2021-01") >= 0);
	assert_true(uncertain_index(p, "hazard.work.shock.2020-04") >= 0);
	assert_true(fabs(p->inflow_shock.value[0] - 1.25) < 0.001);
	assert_true(fabs(p->inflow_shock.value[1] - 0.90) < 0.001);
	assert_true(fabs(p->work_shock.value[1] - 0.96) < 0.001);
	/* the sources name each month's own line and comment (the xlsx scenario sheet) */
	{
		size_t n = stroom_scenario_sources_json(s, NULL, 0);
		char *json = malloc(n + 1);
		assert_non_null(json);
		stroom_scenario_sources_json(s, json, n + 1);
		assert_non_null(strstr(json, "\"inflow.shock.2020-04\": {\"unit\": \"multiplier\", "
					     "\"file\": \"data/scenarios/rotterdam-2017.yaml\", "
					     "\"line\": 24, \"comment\": \"centre exp(0.223) = 1.25: "));
		assert_non_null(strstr(json, "\"inflow.shock.2021-01\": {\"unit\": \"multiplier\", "
					     "\"file\": \"data/scenarios/rotterdam-2017.yaml\", "
					     "\"line\": 25, "));
		assert_non_null(strstr(json, "\"hazard.work.shock.2020-04\": {\"unit\": "
					     "\"multiplier\", \"file\": "
					     "\"data/scenarios/rotterdam-2017.yaml\", \"line\": 34, "));
		assert_non_null(strstr(json, "\"hazard.work.shock.2017-01\": "));
		free(json);
	}
	stroom_scenario_free(s);
	s = load_text_ok("extends: rotterdam-2017\ninflow:\n  shock: {2020-04: 1.1}\n");
	p = stroom_scenario_params(s);
	assert_int_equal(p->inflow_shock.n, 1);
	assert_true(p->inflow_shock.value[0] == 1.1);
	for (i = 0; i < p->n_uncertain; i++)
		assert_null(strstr(p->uncertain[i].key, "inflow.shock"));
	assert_true(uncertain_index(p, "hazard.work.shock.2020-04") >= 0);
	{
		/* the months the top file wrote replace the base's */
		size_t n = stroom_scenario_sources_json(s, NULL, 0);
		char *json = malloc(n + 1);
		assert_non_null(json);
		stroom_scenario_sources_json(s, json, n + 1);
		assert_non_null(strstr(json, "\"inflow.shock.2020-04\": {\"unit\": \"multiplier\", "
					     "\"file\": \"inline.yaml\", \"line\": 3}"));
		assert_null(strstr(json, "\"inflow.shock.2021-01\""));
		assert_non_null(strstr(json, "\"hazard.work.shock.2020-04\": {\"unit\": "
					     "\"multiplier\", \"file\": "
					     "\"data/scenarios/rotterdam-2017.yaml\""));
		free(json);
	}
	stroom_scenario_free(s);
	s = load_text_ok("extends: rotterdam-2017\nhazard:\n  work:\n    shock: {}\n");
	p = stroom_scenario_params(s);
	assert_int_equal(uncertain_index(p, "hazard.work.shock.2020-04"), -1);
	assert_true(uncertain_index(p, "inflow.shock.2020-04") >= 0);
	stroom_scenario_free(s);
}

/* A bad prior in a series value: one line at its position. */
static void test_series_prior_errors(void **state)
{
	(void)state;
	expect_text_error("extends: rotterdam\ninflow:\n  shock: {2020-04: {normal: [1.25, 0]}}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:36: inflow.shock[2020-04].normal[1]: expected an sd above "
			  "0, got 0");
	expect_text_error("extends: rotterdam\ninflow:\n  shock: {2020-04: {normal: [-1, 0.1]}}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:30: inflow.shock[2020-04].normal[0]: expected a mean in "
			  "[0, 100], got -1");
	expect_text_error("extends: rotterdam\nhazard:\n  work:\n    shock: {2020-04: {lognorm: "
			  "[0, 0.1]}}\n",
			  STROOM_EPARSE,
			  "inline.yaml:4:23: hazard.work.shock[2020-04]: expected normal, lognormal, "
			  "beta, uniform or values, got 'lognorm'; did you mean 'lognormal'?");
	expect_text_error("extends: rotterdam\ninflow:\n  shock: {2020-04: {beta: [2, 3]}}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:21: inflow.shock[2020-04]: expected a distribution other than "
			  "beta (a beta prior needs bounds inside [0, 1], these are [0, 100]), got beta");
}

static void test_uncertain_draws(void **state)
{
	enum { N = 20000, NK = 5 };
	stroom_scenario *s = load_text_ok("extends: rotterdam\n"
					  "inflow:\n  per_year: {normal: [9000, 600]}\n"
					  "hazard:\n  work:\n"
					  "    distance: [{lognormal: [-2.7, 0.3]}, {uniform: [0.01, 0.04]}, "
					  "{values: [0.001, 0.002, 0.006]}]\n"
					  "  lks_share: {beta: [2, 23]}\n");
	const stroom_params *p = stroom_scenario_params(s);
	static stroom_params out;
	const double *field[NK] = {&out.inflow_per_year, &out.work_distance[0],
				   &out.work_distance[1], &out.work_distance[2], &out.lks_share};
	const char *name[NK] = {"normal", "lognormal", "uniform", "values", "beta"};
	double lo[NK] = {0, 0, 0, 0, 0}, hi[NK] = {1e7, 1, 1, 1, 1};
	double mean[NK], sd[NK], sum[NK] = {0}, sum2[NK] = {0}, sum4[NK] = {0};
	double ln_m = exp(-2.7 + 0.045), v3 = (0.001 + 0.002 + 0.006) / 3;
	static double x[NK][N];
	int k, i;
	(void)state;
	mean[0] = 9000, sd[0] = 600;
	mean[1] = ln_m, sd[1] = ln_m * sqrt(exp(0.09) - 1);
	mean[2] = 0.025, sd[2] = 0.03 / sqrt(12);
	mean[3] = v3;
	sd[3] = sqrt(((0.001 - v3) * (0.001 - v3) + (0.002 - v3) * (0.002 - v3) +
		      (0.006 - v3) * (0.006 - v3)) / 3);
	mean[4] = 2.0 / 25, sd[4] = sqrt(2.0 * 23 / (25.0 * 25 * 26));
	for (i = 0; i < N; i++) {
		stroom_params_draw(p, &out, (uint32_t)i, 0);
		assert_int_equal(out.n_uncertain, 0);
		for (k = 0; k < NK; k++) {
			x[k][i] = *field[k];
			assert_true(x[k][i] >= lo[k] && x[k][i] <= hi[k]);
			sum[k] += x[k][i];
		}
	}
	for (k = 0; k < NK; k++) {
		double m = sum[k] / N, s2, sdev, se_m, se_s;
		for (i = 0; i < N; i++) {
			double d = x[k][i] - m;
			sum2[k] += d * d;
			sum4[k] += d * d * d * d;
		}
		s2 = sum2[k] / (N - 1);
		sdev = sqrt(s2);
		se_m = sd[k] / sqrt(N);
		/* var(s^2) = (mu4 - sigma^4) / N; se(s) = se(s^2) / (2 sigma) */
		se_s = sqrt((sum4[k] / N - sd[k] * sd[k] * sd[k] * sd[k]) / N) / (2 * sd[k]);
		print_message("%-9s mean %.6g (%.6g, z %.2f) sd %.6g (%.6g, z %.2f)\n", name[k], m,
			      mean[k], (m - mean[k]) / se_m, sdev, sd[k], (sdev - sd[k]) / se_s);
		assert_true(fabs(m - mean[k]) < 5 * se_m);
		assert_true(fabs(sdev - sd[k]) < 5 * se_s);
	}
	/* the values prior draws each value */
	for (i = 0; i < N && x[3][i] != 0.006; i++)
		;
	assert_true(i < N);
	/* central: every field at its central value; the same replicate, the same draw */
	stroom_params_draw(p, &out, 7, 1);
	assert_true(out.inflow_per_year == 9000 && out.work_distance[0] == exp(-2.7));
	assert_true(out.work_distance[1] == 0.025 && out.lks_share == 2.0 / 25);
	assert_true(out.capacity_elasticity.dist == STROOM_PRIOR_FIXED &&
		    out.capacity_elasticity.a == 0.2);
	{
		static stroom_params a, b;
		stroom_params_draw(p, &a, 7, 0);
		stroom_params_draw(p, &b, 7, 0);
		assert_memory_equal(&a, &b, sizeof a);
		b = *p;
		stroom_params_draw(&b, &b, 7, 0); /* in place */
		assert_memory_equal(&a, &b, sizeof a);
		/* a key's draw does not depend on which other priors exist */
		b = *p;
		assert_int_equal(stroom_params_fix(&b, "hazard.work"), 3);
		stroom_params_draw(&b, &b, 7, 0);
		assert_true(b.inflow_per_year == a.inflow_per_year && b.lks_share == a.lks_share);
		assert_true(b.work_distance[0] == p->work_distance[0]);
		assert_true(stroom_prior_key_id("inflow.per_year") & 0x80000000u);
		assert_true(stroom_prior_key_id("inflow.per_year") !=
			    stroom_prior_key_id("hazard.lks_share"));
	}
	stroom_scenario_free(s);
}

static void test_selectors(void **state)
{
	stroom_scenario *s = load_ok(FIXTURES "policy.yaml");
	const stroom_params *p = stroom_scenario_params(s);
	(void)state;

	assert_int_equal(p->team[0].serves.distance,
			 (1u << STROOM_DIST_SHORT) | (1u << STROOM_DIST_MEDIUM));
	assert_int_equal(p->team[0].serves.area, 1u << 0); /* zuid */
	assert_int_equal(p->team[1].serves.area, 1u << 1); /* noord */
	assert_int_equal(p->team[0].serves.age, 0);
	assert_int_equal(p->team[2].serves.distance, 0); /* default {}: all */
	assert_int_equal(p->instrument[0].eligible.age,
			 (1u << STROOM_AGE_LT27) | (1u << STROOM_AGE_27_39));
	assert_int_equal(p->instrument[0].eligible.stream, 1u << STROOM_STREAM_WERK);
	assert_int_equal(p->instrument[1].eligible.duration,
			 (1u << STROOM_DUR_LT1) | (1u << STROOM_DUR_1_2));
	assert_int_equal(p->instrument[2].eligible.type, 1u << STROOM_TYPE_SINGLE_PARENT);
	assert_int_equal(p->instrument[2].eligible.area, 3u);
	assert_int_equal(p->prevention_target.age, 1u << STROOM_AGE_LT27);
	assert_int_equal(p->prevention_target.area, 1u << 0);
	stroom_scenario_free(s);

	/* Area names are resolved against the final areas, wherever these were set. */
	s = load_text_ok("extends: " FIXTURES "policy.yaml\nareas: [west, noord, zuid]\n"
			 "population:\n  area: [0.13, 0.41, 0.46]\ninflow:\n"
			 "  area: [0.17, 0.4, 0.43]\nhazard:\n  work:\n    area: [1, 1.02, 0.97]\n");
	p = stroom_scenario_params(s);
	assert_int_equal(p->team[0].serves.area, 1u << 2);       /* zuid is now third */
	assert_int_equal(p->team[1].serves.area, 1u << 1);       /* noord */
	assert_int_equal(p->instrument[2].eligible.area, 6u);    /* noord and zuid */
	assert_int_equal(p->prevention_target.area, 1u << 2);
	stroom_scenario_free(s);
	s = load_text_ok("extends: rotterdam\nprevention:\n  target: {area: [noord]}\n"
			 "areas: [zuid, noord]\n");
	assert_int_equal(stroom_scenario_params(s)->prevention_target.area, 1u << 1);
	stroom_scenario_free(s);

	/* Errors, at the name. */
	expect_text_error("extends: rotterdam\nprevention:\n  target: {area: [zuid, west]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:25: prevention.target.area[1]: expected an area name of "
			  "areas (zuid or noord), got 'west'");
	expect_text_error("extends: " FIXTURES "policy.yaml\nteams:\n  werk_noord:\n"
			  "    serves:\n      area:\n        - noordd\n",
			  STROOM_EINVAL,
			  "inline.yaml:6:11: teams.werk_noord.serves.area[0]: expected an area name "
			  "of areas (zuid or noord), got 'noordd'");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {area: [Zuid]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:19: prevention.target.area[0]: expected an area name of "
			  "areas (zuid or noord), got 'Zuid'");
	/* A base's area names fail when the extending file drops that area. */
	expect_text_error("extends: " FIXTURES "policy.yaml\nareas: [zuid]\npopulation:\n"
			  "  area: [1]\ninflow:\n  area: [1]\nhazard:\n  work:\n    area: [1]\n",
			  STROOM_EINVAL,
			  FIXTURES "policy.yaml:10:48: teams.werk_noord.serves.area[0]: expected an "
				   "area name of areas (zuid), got 'noord' (set in a base with other "
				   "areas: give the selector again where areas is set, or remove its "
				   "team or instrument with NAME: ~; builtin 'generic' has one area and "
				   "no area teams)");
	/* One area: the base's area lists become [1]; a list the top file gives must fit. */
	{
		stroom_scenario *one = load_text_ok("extends: rotterdam\nareas: [stad]\nteams:\n"
						    "  werk_zuid: ~\n  werk_noord: ~\n");
		const stroom_params *op = stroom_scenario_params(one);
		assert_int_equal(op->n_areas, 1);
		assert_true(op->pop_area[0] == 1.0 && op->inflow_area[0] == 1.0 &&
			    op->work_area[0] == 1.0);
		stroom_scenario_free(one);
	}
	expect_text_error("extends: generic\nhazard:\n  work:\n    area: [1, 2]\n", STROOM_EINVAL,
			  "inline.yaml:4:5: hazard.work.area: expected 1 numbers (one per area in "
			  "areas), got 2");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {distance: [short, far]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:30: prevention.target.distance[1]: expected short, medium "
			  "or long, got 'far'");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {age: [<27, 27-39, <27]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:30: prevention.target.age[2]: expected each name once, got "
			  "'<27' again");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {duration: [<1y, 5y]}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:28: prevention.target.duration[1]: expected <1y, 1-2y, "
			  "2-5y or >5y, got '5y'");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {distnace: [short]}\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:12: prevention.target.distnace: unknown key; did you mean "
			  "'distance'?");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {income: [low]}\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:12: prevention.target.income: unknown key (a selector has "
			  "distance, duration, age, type, area and stream)");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {type: []}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:18: prevention.target.type: expected at least one name "
			  "(leave the class out for all), got []");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {type: couple}\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:18: prevention.target.type: expected a list of names, got "
			  "'couple'");
	expect_text_error("extends: rotterdam\nprevention:\n  target: [couple]\n", STROOM_EPARSE,
			  "inline.yaml:3:11: prevention.target: expected a mapping of class lists "
			  "such as {distance: [short], area: [zuid]}, got a list");
	expect_text_error("extends: rotterdam\nprevention:\n  target: {type: [couple], type: "
			  "[single]}\n",
			  STROOM_EPARSE,
			  "inline.yaml:3:28: prevention.target.type: expected each key once, got it "
			  "again (first at line 3)");
}

static void test_records(void **state)
{
	stroom_scenario *s = load_ok(FIXTURES "policy.yaml");
	const stroom_params *p = stroom_scenario_params(s);
	const stroom_instrument *w, *n;
	(void)state;

	assert_int_equal(p->n_teams, 3);
	assert_string_equal(p->team[0].name, "werk_zuid");
	assert_string_equal(p->team[1].name, "werk_noord");
	assert_string_equal(p->team[2].name, "participatie");
	assert_true(p->team[0].norm == 63.5);
	assert_true(p->team[0].reference == 63.5); /* default: its norm */
	assert_true(p->team[1].reference == 73.8);
	assert_true(p->team[2].reference == 117);
	assert_int_equal(p->team[0].fte.n, 2);
	assert_true(p->team[0].fte.value[1] == 47.3);
	assert_int_equal(p->team[1].fte.month[0], stroom_month_make(2023, 7));
	assert_true(p->capacity_intensity_cap == 1.75);

	assert_int_equal(p->n_instruments, 3);
	w = &p->instrument[0];
	n = &p->instrument[1];
	assert_string_equal(w->name, "werkloont");
	assert_int_equal(w->after_exit, 0);
	assert_int_equal(w->slots.n, 2);
	assert_true(w->slots.value[1] == 913);
	assert_true(stroom_series_at(&w->slots, stroom_month_make(2023, 12), 0) == 0);
	assert_true(w->cost_eurocent == 61735);
	assert_int_equal(w->duration_months, 6);
	assert_int_equal(w->lockin.dist, STROOM_PRIOR_UNIFORM);
	assert_true(w->lockin.lo == 0 && w->lockin.hi == 10);
	assert_int_equal(w->effect.dist, STROOM_PRIOR_LOGNORMAL);
	assert_int_equal(w->effect_months, 18);
	assert_int_equal(w->durability.nvalues, 3);
	assert_int_equal(w->priority, STROOM_PRIORITY_GAIN);
	/* defaults */
	assert_string_equal(n->name, "nazorg");
	assert_int_equal(n->after_exit, 1);
	assert_true(n->cost_eurocent == 0);
	assert_int_equal(n->lockin.dist, STROOM_PRIOR_FIXED);
	assert_true(n->lockin.a == 1 && n->effect.a == 1 && n->durability.a == 1);
	assert_true(n->durability.lo == 0 && n->durability.hi == 10);
	assert_int_equal(n->effect_months, 0);
	assert_int_equal(n->priority, STROOM_PRIORITY_FIRST_COME);
	assert_int_equal(p->instrument[2].priority, STROOM_PRIORITY_DURATION);

	assert_true(p->gate_search_share == 0.61);
	assert_int_equal(p->prevention_reach.n, 2);
	assert_true(p->enforcement_controls.value[0] == 2400);
	assert_true(p->enforcement_termination_share == 0.31);
	assert_int_equal(p->enforcement_sanction_pct, 20);
	assert_int_equal(p->enforcement_sanction_months, 3);
	assert_true(p->enforcement_recovery_eurocent == 183750);
	assert_int_equal(p->targets_pressure.month[0], stroom_month_make(2025, 7));
	assert_true(p->targets_nondurable.a == 1.21);
	/* Unused record slots stay zero. */
	{
		stroom_team zero;
		memset(&zero, 0, sizeof zero);
		assert_memory_equal(&p->team[3], &zero, sizeof zero);
	}
	stroom_scenario_free(s);
}

static void test_record_errors(void **state)
{
	char text[4096];
	size_t len;
	int i;
	(void)state;
	/* Required fields, named with their record, at the record's name. */
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid:\n    norm: 63.5\n",
			  STROOM_EINVAL, "inline.yaml:3:3: teams.werk_zuid.fte: required key missing");
	expect_text_error("extends: aef-annex-a\ninstruments:\n  werkloont: {slots: {2024-01: 817}}\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:3: instruments.werkloont.duration_months: required key "
			  "missing");
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid: {}\n", STROOM_EINVAL,
			  "inline.yaml:3:3: teams.werk_zuid.norm: required key missing");
	/* Unknown fields, with a hint among the record's fields. */
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid:\n    nrom: 63.5\n",
			  STROOM_EPARSE,
			  "inline.yaml:4:5: teams.werk_zuid.nrom: unknown key; did you mean 'norm'?");
	expect_text_error("extends: aef-annex-a\ninstruments:\n  werkloont:\n    lock_in: 0.7\n",
			  STROOM_EPARSE,
			  "inline.yaml:4:5: instruments.werkloont.lock_in: unknown key; did you mean "
			  "'lockin'?");
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid:\n    budget: 100\n",
			  STROOM_EPARSE,
			  "inline.yaml:4:5: teams.werk_zuid.budget: unknown key (a team has serves, "
			  "norm, reference and fte)");
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid:\n    norm: 63.5\n    norm: 60\n",
			  STROOM_EPARSE,
			  "inline.yaml:5:5: teams.werk_zuid.norm: expected each key once, got it "
			  "again (first at line 4)");
	/* Field values through the common converters, with the record's path. */
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid:\n    norm: 0.5\n",
			  STROOM_EINVAL,
			  "inline.yaml:4:11: teams.werk_zuid.norm: expected a number in [1, 10000], "
			  "got 0.5");
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid:\n    fte: {}\n", STROOM_EINVAL,
			  "inline.yaml:4:10: teams.werk_zuid.fte: expected at least one month, got "
			  "{}");
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid:\n    norm: 63.5\n"
			  "    fte: {2024-02: 41.7}\n",
			  STROOM_EINVAL,
			  "inline.yaml:5:5: teams.werk_zuid.fte: expected a first month at or before "
			  "start (2024-01), got 2024-02");
	expect_text_error("extends: aef-annex-a\napproach_clock: entry\n", STROOM_EINVAL,
			  "inline.yaml:2:17: approach_clock: expected spell or start, got 'entry'");
	expect_text_error("extends: aef-annex-a\ninstruments:\n  werkloont:\n    priority: fastest\n",
			  STROOM_EINVAL,
			  "inline.yaml:4:15: instruments.werkloont.priority: expected gain, duration "
			  "or first_come, got 'fastest'");
	expect_text_error("extends: aef-annex-a\ninstruments:\n  werkloont:\n"
			  "    cost_eurocent: 100000001\n",
			  STROOM_EINVAL,
			  "inline.yaml:4:20: instruments.werkloont.cost_eurocent: expected an integer "
			  "in [0, 100000000], got 100000001");
	expect_text_error("extends: aef-annex-a\ninstruments:\n  werkloont:\n    after_exit: 2\n",
			  STROOM_EINVAL,
			  "inline.yaml:4:17: instruments.werkloont.after_exit: expected an integer "
			  "in [0, 1], got 2");
	/* Record names and shapes. */
	expect_text_error("extends: aef-annex-a\nteams:\n  Werk_Zuid:\n    norm: 63.5\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:3: teams: expected a team name of a-z, 0-9, '_' and '-' "
			  "starting with a letter or digit, got 'Werk_Zuid'");
	expect_text_error("extends: aef-annex-a\nteams:\n  werk zuid:\n    norm: 63.5\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:3: teams: expected a team name of a-z, 0-9, '_' and '-' "
			  "starting with a letter or digit, got 'werk zuid'");
	expect_text_error("extends: aef-annex-a\nteams:\n  werkgevers_dienstverlening_zuid_1:\n"
			  "    norm: 63.5\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:3: teams: expected a team name of at most 31 characters, got "
			  "'werkgevers_dienstverlening_zuid_1'");
	expect_text_error("extends: rotterdam\nteams.werk_zuid:\n  norm: 63.5\n", STROOM_EPARSE,
			  "inline.yaml:2:1: teams.werk_zuid: expected nested keys, got a dotted key "
			  "(write each part as a mapping)");
	expect_text_error("extends: aef-annex-a\nteams: [werk_zuid]\n", STROOM_EPARSE,
			  "inline.yaml:2:8: teams: expected a mapping of team names to their fields, "
			  "got a list");
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid: 63.5\n", STROOM_EPARSE,
			  "inline.yaml:3:14: teams.werk_zuid: expected a mapping of fields (or null "
			  "to remove the team), got '63.5'");
	expect_text_error("extends: aef-annex-a\nteams:\n  werk_zuid: {norm: 60}\n"
			  "  werk_zuid: {norm: 61}\n",
			  STROOM_EPARSE,
			  "inline.yaml:4:3: teams.werk_zuid: expected each key once, got it again "
			  "(first at line 3)");
	expect_text_error("extends: " FIXTURES "policy.yaml\nteams:\n  werk_west: ~\n",
			  STROOM_EINVAL,
			  "inline.yaml:3:3: teams.werk_west: expected a team to remove, got a name no "
			  "team has (teams: werk_zuid, werk_noord, participatie)");
	expect_text_error("extends: aef-annex-a\ninstruments:\n  werkloont: null\n", STROOM_EINVAL,
			  "inline.yaml:3:3: instruments.werkloont: expected an instrument to remove, "
			  "got a name no instrument has (instruments: none)");
	/* Too many records. */
	len = (size_t)snprintf(text, sizeof text, "extends: aef-annex-a\nteams:\n");
	for (i = 0; i <= STROOM_MAX_TEAMS; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
					"  t%02d: {norm: 60, fte: {2024-01: 1.5}}\n", i);
	expect_text_error(text, STROOM_EINVAL,
			  "inline.yaml:15:3: teams: expected at most 12 teams, got more at 't12'");
	/* Twelve are fine, and removing one first makes room for another. */
	len = (size_t)snprintf(text, sizeof text, "extends: aef-annex-a\nteams:\n");
	for (i = 0; i < STROOM_MAX_TEAMS; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
					"  t%02d: {norm: 60, fte: {2024-01: 1.5}}\n", i);
	{
		char path[] = "/tmp/stroom_scenario_teamsXXXXXX";
		int fd = mkstemp(path);
		FILE *f;
		stroom_scenario *s;
		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
		snprintf(text, sizeof text,
			 "extends: %s\nteams:\n  t13: {norm: 60, fte: {2024-01: 1.5}}\n  t04: ~\n",
			 path);
		s = load_text_ok(text);
		assert_int_equal(stroom_scenario_params(s)->n_teams, 12);
		assert_string_equal(stroom_scenario_params(s)->team[4].name, "t05");
		assert_string_equal(stroom_scenario_params(s)->team[11].name, "t13");
		stroom_scenario_free(s);
		remove(path);
	}
}

static void test_records_extends(void **state)
{
	stroom_scenario *b = load_ok(FIXTURES "policy.yaml");
	stroom_scenario *s = load_ok(FIXTURES "policy_override.yaml");
	stroom_params expect = *stroom_scenario_params(b);
	const stroom_params *p = stroom_scenario_params(s);
	(void)state;

	/* werk_zuid: only the norm changed; its reference (never set) follows it. */
	assert_int_equal(p->n_teams, 3);
	assert_string_equal(p->team[0].name, "werk_zuid");
	assert_true(p->team[0].norm == 55.5 && p->team[0].reference == 55.5);
	assert_memory_equal(&p->team[0].fte, &expect.team[0].fte, sizeof p->team[0].fte);
	assert_memory_equal(&p->team[0].serves, &expect.team[0].serves, sizeof(stroom_selector));
	/* participatie removed, jongeren added at the end. */
	assert_memory_equal(&p->team[1], &expect.team[1], sizeof p->team[1]);
	assert_string_equal(p->team[2].name, "jongeren");
	assert_int_equal(p->team[2].serves.age, 1u << STROOM_AGE_LT27);
	assert_true(p->team[2].reference == 48);
	/* werkloont: only its slots changed; nazorg removed, taalcoach moves up. */
	assert_int_equal(p->n_instruments, 2);
	assert_string_equal(p->instrument[0].name, "werkloont");
	assert_int_equal(p->instrument[0].slots.n, 1);
	assert_true(p->instrument[0].slots.value[0] == 900);
	assert_string_equal(p->instrument[1].name, "taalcoach");

	/* Everything else is the base's: build the expected params by hand. */
	strcpy(expect.name, "policy-override");
	expect.team[0].norm = expect.team[0].reference = 55.5;
	expect.team[2] = p->team[2]; /* jongeren, checked above; werk_noord stays */
	memset(&expect.instrument[0].slots, 0, sizeof expect.instrument[0].slots);
	expect.instrument[0].slots.n = 1;
	expect.instrument[0].slots.month[0] = stroom_month_make(2025, 1);
	expect.instrument[0].slots.value[0] = 900;
	expect.instrument[1] = expect.instrument[2];
	memset(&expect.instrument[2], 0, sizeof expect.instrument[2]);
	expect.n_instruments = 2;
	assert_params_equal(p, &expect);

	/* Removed and added again in a later file: a new record, at the end. */
	{
		stroom_scenario *t = load_text_ok(
			"extends: " FIXTURES "policy_override.yaml\ninstruments:\n"
			"  nazorg:\n    slots: {2024-01: 77}\n    duration_months: 2\n");
		const stroom_params *q = stroom_scenario_params(t);
		assert_int_equal(q->n_instruments, 3);
		assert_string_equal(q->instrument[2].name, "nazorg");
		assert_int_equal(q->instrument[2].after_exit, 0); /* the default, not the base's */
		assert_int_equal(q->instrument[2].eligible.duration, 0);
		stroom_scenario_free(t);
	}
	/* A new record in an extending file needs its required fields. */
	expect_text_error("extends: " FIXTURES "policy.yaml\ninstruments:\n  werkloont:\n"
			  "    slots: {2025-01: 900}\n  jobcoach:\n    slots: {2025-01: 50}\n",
			  STROOM_EINVAL,
			  "inline.yaml:5:3: instruments.jobcoach.duration_months: required key "
			  "missing");
	/* teams: {} changes nothing. */
	{
		stroom_scenario *t = load_text_ok("extends: " FIXTURES "policy.yaml\nteams: {}\n"
						  "name: policy\n");
		assert_params_equal(stroom_scenario_params(t), stroom_scenario_params(b));
		stroom_scenario_free(t);
	}
	stroom_scenario_free(s);
	stroom_scenario_free(b);
}

static void test_records_dump(void **state)
{
	stroom_scenario *a = load_ok(FIXTURES "policy_override.yaml"), *b;
	const stroom_params *p = stroom_scenario_params(a);
	char *yaml = dump_yaml(p), *json;
	size_t n;
	(void)state;

	assert_non_null(strstr(yaml, "\nteams:\n  werk_zuid:\n"
				     "    serves: {distance: [short, medium], area: [zuid]}\n"
				     "    norm: 55.5\n    reference: 55.5\n"
				     "    fte: {2024-01: 41.7, 2026-01: 47.3}\n  werk_noord:\n"));
	assert_non_null(strstr(yaml, "\n  jongeren:\n    serves: {age: [\"<27\"]}\n"));
	assert_non_null(strstr(yaml, "\ninstruments:\n  werkloont:\n"
				     "    eligible: {distance: [medium], age: [\"<27\", 27-39], "
				     "stream: [werk]}\n    after_exit: 0\n    slots: {2025-01: 900}\n"
				     "    cost_eurocent: 61735\n"));
	assert_non_null(strstr(yaml, "\n  taalcoach:\n    eligible: {type: [single_parent], "
				     "area: [zuid, noord]}\n"));
	assert_non_null(strstr(yaml, "\n    priority: duration\ngate:\n"));
	assert_non_null(strstr(yaml, "\n  target: {age: [\"<27\"], area: [zuid]}\n"));
	b = load_text_ok(yaml);
	assert_params_equal(p, stroom_scenario_params(b));
	stroom_scenario_free(b);
	free(yaml);

	n = stroom_params_to_json(p, NULL, 0);
	json = malloc(n + 1);
	assert_non_null(json);
	assert_int_equal(stroom_params_to_json(p, json, n + 1), n);
	assert_non_null(strstr(json, "\n  \"teams\": {\n    \"werk_zuid\": {\n"
				     "      \"serves\": {\"distance\": [\"short\", \"medium\"], "
				     "\"area\": [\"zuid\"]},\n      \"norm\": 55.5,\n"));
	assert_non_null(strstr(json, "      \"fte\": {\"2024-01\": 12.3}\n    }\n  },\n"));
	assert_non_null(strstr(json, "      \"priority\": \"duration\"\n    }\n  },\n"
				     "  \"gate\": {\n"));
	b = load_text_ok(json);
	assert_params_equal(p, stroom_scenario_params(b));
	stroom_scenario_free(b);
	free(json);

	/* No records: {} in both. */
	{
		stroom_scenario *r = load_ok("aef-annex-a");
		yaml = dump_yaml(stroom_scenario_params(r));
		assert_non_null(strstr(yaml, "\nteams: {}\ncapacity:\n  elasticity: 0\n"));
		assert_non_null(strstr(yaml, "\ninstruments: {}\ngate:\n"));
		assert_non_null(strstr(yaml, "\n  target: {}\n  reach: {}\n"));
		free(yaml);
		n = stroom_params_to_json(stroom_scenario_params(r), NULL, 0);
		json = malloc(n + 1);
		assert_non_null(json);
		stroom_params_to_json(stroom_scenario_params(r), json, n + 1);
		assert_non_null(strstr(json, "\n  \"teams\": {},\n  \"capacity\": {\n"));
		free(json);
		stroom_scenario_free(r);
	}
	stroom_scenario_free(a);
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
		stroom_params_fix(&p, NULL); /* the fields below are set in code */
		p.enforcement = 1.0 / 3.0;
		p.other_base = 0.1 + 0.2;
		p.work_distance[0] = nextafter(0.06, 1.0);
		p.lks_share = 1.0 / 7.0; /* counts (inflow.per_year) are whole numbers */
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
	assert_non_null(strstr(yaml, "\nhazard:\n  work:\n    distance: [{normal: [0.095, 0.014]}, "
				     "{normal: [0.032, 0.0048]}, {normal: [0.003, 0.00045]}]\n"));
	assert_non_null(strstr(yaml, "\n  per_year: {normal: [7450, 370]}\n"));
	assert_non_null(strstr(yaml, "\n    age: [1, 1.1, 0.85, 0.4]\n"));
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

/*
 * Bytes of a struct of `size` not marked in used[] are padding: each gap is
 * shorter than a double and ends where an 8-aligned member (or the struct) starts.
 * (A missing int right before such a member would pass; anything larger fails.)
 */
static void assert_only_padding(const unsigned char *used, size_t size, const char *what)
{
	size_t j = 0, start;
	while (j < size) {
		if (used[j]) {
			j++;
			continue;
		}
		start = j;
		while (j < size && !used[j])
			j++;
		if (j - start >= sizeof(double) || (j % sizeof(double) != 0 && j != size))
			fail_msg("%s: bytes %zu to %zu belong to no key", what, start, j);
	}
}

/*
 * The fields of record type r cover its struct (with the name), each field is
 * well formed, and defaults are complete: every field is required, has a default
 * or takes it from a sibling of the same size.
 */
static void check_record(const scenario_key *key)
{
	const scenario_record *r = key->record;
	unsigned char used[4096];
	size_t f, g, j, covered = STROOM_NAME_LEN;
	assert_non_null(r);
	assert_true(r->stride <= sizeof used);
	assert_true(r->nfields >= 1 && r->nfields <= SCENARIO_MAX_FIELDS);
	assert_true(r->max >= 1);
	/* The key spans the count and the array right after it. */
	assert_int_equal(key->offset, r->count_offset);
	assert_int_equal(key->offset + key->size, r->array_offset + (size_t)r->max * r->stride);
	assert_true(r->array_offset - r->count_offset < 2 * sizeof(double));
	memset(used, 0, sizeof used);
	memset(used + r->name_offset, 1, STROOM_NAME_LEN);
	for (f = 0; f < r->nfields; f++) {
		const scenario_key *fk = &r->fields[f];
		assert_true(fk->offset + fk->size <= r->stride);
		for (j = fk->offset; j < fk->offset + fk->size; j++) {
			if (used[j])
				fail_msg("%s.%s overlaps another field", key->path, fk->path);
			used[j] = 1;
		}
		covered += fk->size;
		assert_null(strchr(fk->path, '.'));
		assert_non_null(fk->unit);
		assert_true(fk->doc && strlen(fk->doc) > 10);
		assert_true(fk->min <= fk->max);
		assert_true(fk->type != KEY_RECORDS && fk->type != KEY_AREAS &&
			    fk->type != KEY_AREA_LIST && !(fk->flags & KEY_FILE));
		if (fk->type == KEY_ENUM)
			for (j = 0; j < (size_t)fk->length; j++)
				assert_non_null(fk->label((int)j));
		if (fk->def_from) {
			assert_null(fk->def);
			for (g = 0; g < r->nfields; g++)
				if (strcmp(r->fields[g].path, fk->def_from) == 0)
					break;
			assert_true(g < r->nfields && g != f);
			assert_int_equal(r->fields[g].size, fk->size);
			assert_null(r->fields[g].def_from);
		}
		for (g = 0; g < f; g++)
			assert_string_not_equal(r->fields[g].path, fk->path);
	}
	assert_true(r->stride - covered <= 16);
	assert_only_padding(used, r->stride, key->path);
}

static void test_schema_table(void **state)
{
	unsigned char used[sizeof(stroom_params)];
	size_t i, j, covered = 0, nrecords = 0;
	(void)state;
	memset(used, 0, sizeof used);
	assert_int_equal(scenario_nkeys, 91);
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
		assert_null(k->def_from);
		if (k->type == KEY_LIST)
			assert_true(k->length >= 1 && k->length <= STROOM_MAX_AREAS);
		if (k->type == KEY_LIST || k->type == KEY_ENUM)
			for (j = 0; j < (size_t)k->length; j++)
				assert_non_null(k->label((int)j));
		if (k->type == KEY_RECORDS) {
			check_record(k);
			nrecords++;
		} else {
			assert_null(k->record);
		}
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
	assert_int_equal(nrecords, 2);
	/* Every field but n_areas (set with areas) and the uncertain table (set with the
	 * keys whose numbers are priors) belongs to a key; the rest is padding. */
	memset(used + offsetof(stroom_params, n_areas), 1, sizeof(int));
	covered += sizeof(int);
	memset(used + offsetof(stroom_params, n_uncertain), 1,
	       sizeof(stroom_params) - offsetof(stroom_params, n_uncertain));
	covered += sizeof(stroom_params) - offsetof(stroom_params, n_uncertain);
	assert_true(sizeof(stroom_params) - covered < 16);
	assert_only_padding(used, sizeof used, "stroom_params");
	assert_true(scenario_key_is_group("hazard.work"));
	assert_false(scenario_key_is_group("hazard.wor"));
	assert_false(scenario_key_is_group("hazard.work.age"));
	assert_false(scenario_key_is_group("teams"));
	/* Selector classes: one per field of stroom_selector, names for every class. */
	assert_int_equal(scenario_nselector_classes * sizeof(uint32_t), sizeof(stroom_selector));
	for (i = 0; i < scenario_nselector_classes; i++) {
		const scenario_selector_class *c = &scenario_selector_classes[i];
		assert_int_equal(c->offset, i * sizeof(uint32_t));
		assert_true(c->label ? c->n >= 1 && c->n <= 32 : c->n == 0);
		for (j = 0; c->label && j < (size_t)c->n; j++)
			assert_non_null(c->label((int)j));
	}
	assert_string_equal(scenario_prior_name(STROOM_PRIOR_VALUES), "values");
	assert_null(scenario_prior_name(STROOM_PRIOR_VALUES + 1));
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
	assert_non_null(strstr(md, "| `hazard.enforcement` | number or prior | [0, 1] | required | "
				   "per month |"));
	assert_non_null(strstr(md, "| `population.parttime` | number | [0, 1] | required | share |"));
	assert_non_null(strstr(md, "| `hazard.work.distance` | list of 3 numbers or priors: `short`, "
				   "`medium`, `long` | [0, 1] |"));
	assert_non_null(strstr(md, "| `hazard.work.area` | list: one per area, numbers or priors |"));
	assert_non_null(strstr(md, "| `inflow.age` | list of 4: `<27`,"));
	/* The example of uncertain parameters loads over rotterdam. */
	{
		char *block = yaml_block(strstr(md, "**Uncertain parameters.**"), NULL), text[512];
		stroom_scenario *s;
		const stroom_params *p;
		snprintf(text, sizeof text, "extends: rotterdam\n%s", block);
		free(block);
		s = load_text_ok(text);
		p = stroom_scenario_params(s);
		assert_true(p->inflow_per_year == 7000);
		assert_true(p->work_distance[0] == exp(-2.66));
		assert_int_equal(p->uncertain[0].prior.dist, STROOM_PRIOR_NORMAL);
		assert_string_equal(p->uncertain[0].key, "inflow.per_year");
		stroom_scenario_free(s);
	}
	assert_non_null(strstr(md, "| `replicates` | integer | [1, 100000] | `200` | runs |"));
	assert_non_null(strstr(md, "extends: rotterdam\n"));
	assert_non_null(strstr(md, "| `capacity.elasticity` | prior | [0, 3] | `0` | elasticity |"));
	assert_non_null(strstr(md, "| `prevention.target` | selector | - | `{}` (= all) | - |"));
	assert_non_null(strstr(md, "| `prevention.reach` | series | [0, 1] | `{}` (= 0) | share |"));
	assert_non_null(strstr(md, "| `teams` | records: teams | at most 12 teams | `{}` (= none) |"));
	assert_non_null(strstr(md, "| `teams.NAME.reference` | number | [1, 10000] | the team's "
				   "`norm` | clients per FTE |"));
	assert_non_null(strstr(md, "| `teams.NAME.fte` | series | [0, 100000], at least 1 month, "
				   "the first at or before start | required | FTE |"));
	assert_non_null(strstr(md, "| `instruments.NAME.priority` | one of `gain`, `duration`, "
				   "`first_come` | - | `first_come` |"));
	/* The record-map example loads, and the merge example over it does what it says. */
	{
		const char *after;
		char *start = yaml_block(strstr(md, "**Record maps.**"), &after), *merge, *text;
		stroom_scenario *s;
		const stroom_params *p;
		s = load_text_ok(start);
		p = stroom_scenario_params(s);
		assert_int_equal(p->n_teams, 5); /* rotterdam's four and participatie */
		assert_string_equal(p->team[4].name, "participatie");
		assert_true(p->team[1].norm == 65); /* werk_zuid changed */
		assert_int_equal(p->n_instruments, 8); /* rotterdam's catalogue and proefplaats */
		assert_string_equal(p->instrument[7].name, "proefplaats");
		assert_int_equal(p->instrument[7].lockin.dist, STROOM_PRIOR_UNIFORM);
		stroom_scenario_free(s);
		merge = yaml_block(after, NULL);
		/* The example, as a file, is the base the merge example extends. */
		{
			char path[] = "/tmp/stroom_scenario_mdXXXXXX";
			int fd = mkstemp(path);
			FILE *f;
			assert_true(fd >= 0);
			f = fdopen(fd, "w");
			assert_non_null(f);
			fputs(start, f);
			fclose(f);
			text = malloc(strlen(path) + strlen(merge) + 16);
			assert_non_null(text);
			sprintf(text, "extends: %s\n%s", path, merge);
			s = load_text_ok(text);
			p = stroom_scenario_params(s);
			assert_int_equal(p->n_teams, 4);
			assert_string_equal(p->team[1].name, "werk_zuid");
			assert_string_equal(p->instrument[7].name, "proefplaats");
			assert_int_equal(p->instrument[7].slots.n, 1);
			assert_true(p->instrument[7].slots.value[0] == 900);
			assert_int_equal(p->instrument[7].duration_months, 6);
			stroom_scenario_free(s);
			remove(path);
		}
		free(text);
		free(merge);
		free(start);
	}
	/* The example in the docs loads. */
	{
		char *start = yaml_block(strstr(md, "## Example"), NULL);
		stroom_scenario *s;
		s = load_text_ok(start);
		assert_true(stroom_scenario_params(s)->enforcement == 0.0048);
		assert_int_equal(stroom_scenario_params(s)->inflow_shock.n, 2);
		stroom_scenario_free(s);
		free(start);
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


static void test_allocation_failure(void **state)
{
	const char *paths[] = {FIXTURES "with_csv.yaml", "rotterdam",
			       FIXTURES "policy_override.yaml"};
	const long min_failures[] = {6, 3, 6};
	size_t t;
	(void)state;
	for (t = 0; t < sizeof paths / sizeof paths[0]; t++) {
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
				assert_true(stroom_scenario_params(s)->population_households > 0);
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
		assert_true(failures >= min_failures[t]);
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
		cmocka_unit_test(test_policy_defaults),
		cmocka_unit_test(test_priors),
		cmocka_unit_test(test_prior_errors),
		cmocka_unit_test(test_uncertain),
		cmocka_unit_test(test_uncertain_errors),
		cmocka_unit_test(test_uncertain_draws),
		cmocka_unit_test(test_series_priors),
		cmocka_unit_test(test_series_prior_errors),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_record_errors),
		cmocka_unit_test(test_records_extends),
		cmocka_unit_test(test_records_dump),
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
