/*
 * test_conditions.c: the AEF conditions catalogue. Every code 2.a-2.r and 3.a-3.g
 * is there in order, with names, a meaning and the seed 000 lines, and Rotterdam's
 * rating as the summary table of seed 000 (L227-290) gives it; 2.n is recorded as
 * absent; every lever key and flow named in the catalogue is known; the compiled-in
 * text is the file in data/policy. touched(): nothing for a scenario without
 * levers, exactly the right conditions for each single lever, snprintf-style
 * lengths and truncation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stroom/conditions.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* From the generated policy_data.c (cmake/embed_policy.cmake). */
const char *stroom_policy_text(const char *name, size_t *size);

/* Seed 000 L231-290: the summary table ("Conditie Naam Beoordeling"). GOK = "Geen
 * onbenutte kansen", MOK = "Mogelijk onbenutte kansen", GOK+R = "Geen onbenutte
 * kansen, wel (mogelijke) risico's", R = "Mogelijke risico's". */
static const struct {
	const char *code, *rating, *name_nl;
} expected[] = {
	{"2.a", "GOK", "Selectie aan de poort"},
	{"2.b", "GOK", "Vooruitzicht verplichtingen"},
	{"2.c", "GOK", "Preventie"},
	{"2.d", "MOK", "Gerichte inzet"},
	{"2.e", "GOK+R", "Selectieve inzet"},
	{"2.f", "MOK", "Relatiemanagement werkgevers"},
	{"2.g", "GOK", "Actieve bemiddeling"},
	{"2.h", "GOK", "Nazorg"},
	{"2.i", "GOK", "Kennis van de klant"},
	{"2.j", "GOK+R", "Loonkostensubsidie"},
	{"2.k", "MOK", "Aanbodversterking"},
	{"2.l", "GOK+R", "Wegnemen belemmeringen"},
	{"2.m", "GOK", "Casusregie"},
	{"2.n", "-", NULL},
	{"2.o", "GOK", "Preventie van fraude en voorlichting rechten en plichten"},
	{"2.p", "GOK", "Sancties en maatregelen"},
	{"2.q", "GOK", "Controles"},
	{"2.r", "GOK", "Ontheffingen"},
	{"3.a", "R", "Coherente beleidsdoelen"},
	{"3.b", "GOK", "Informatiegedreven beleid"},
	{"3.c", "GOK", "Organisatorische afstand en samenwerking"},
	{"3.d", "MOK", "Professionalisering"},
	{"3.e", "GOK", "Caseload"},
	{"3.f", "MOK", "Targets"},
	{"3.g", "GOK", "Externe samenwerking"},
};
#define NEXPECTED (sizeof expected / sizeof expected[0])

static void test_catalogue(void **state)
{
	stroom_condition c;
	size_t i;
	(void)state;
	assert_int_equal(stroom_conditions_count(), NEXPECTED);
	for (i = 0; i < NEXPECTED; i++) {
		int rc = stroom_conditions_get(i, &c);
		if (rc)
			fprintf(stderr, "%s\n", stroom_error_last());
		assert_int_equal(rc, 0);
		assert_string_equal(c.code, expected[i].code);
		assert_string_equal(c.rating, expected[i].rating);
		assert_true(c.lines[0] == 'L');
		assert_true(c.meaning[0] != '\0');
		assert_true(c.note[0] != '\0');
		assert_true(c.name_en[0] != '\0');
		if (expected[i].name_nl) {
			assert_int_equal(c.absent, 0);
			assert_string_equal(c.name_nl, expected[i].name_nl);
		} else {
			/* 2.n: absent, with the note of seed-000 §3.1 */
			assert_int_equal(c.absent, 1);
			assert_string_equal(c.levers, "");
			assert_non_null(strstr(c.note, "L1351"));
			assert_non_null(strstr(c.note, "eleven"));
		}
	}
	assert_int_equal(stroom_conditions_get(NEXPECTED, &c), STROOM_ENOTFOUND);
	assert_int_equal(stroom_conditions_get((size_t)-1, &c), STROOM_ENOTFOUND);
}

static void test_find(void **state)
{
	stroom_condition c;
	(void)state;
	assert_int_equal(stroom_conditions_find("3.e", &c), 0);
	assert_string_equal(c.name_en, "Caseload");
	assert_string_equal(c.levers, "teams;capacity.elasticity");
	assert_int_equal(stroom_conditions_find("2.z", &c), STROOM_ENOTFOUND);
	assert_string_equal(stroom_error_last(), "condition '2.z': unknown code (2.a-2.r, 3.a-3.g)");
}

/* Each token of a ';'-list into fn. */
static void each_token(const char *list, void (*fn)(const char *tok, void *payload), void *payload)
{
	char tok[200];
	while (*list) {
		const char *semi = strchr(list, ';');
		size_t len = semi ? (size_t)(semi - list) : strlen(list);
		assert_true(len > 0 && len < sizeof tok);
		memcpy(tok, list, len);
		tok[len] = '\0';
		fn(tok, payload);
		list = semi ? semi + 1 : list + len;
	}
}

static void check_lever(const char *tok, void *payload)
{
	stroom_params p;
	(void)payload;
	memset(&p, 0, sizeof p);
	if (stroom_conditions_lever_used(&p, tok) < 0)
		fail_msg("lever '%s' of the catalogue is unknown to stroom_conditions_lever_used", tok);
	assert_int_equal(stroom_conditions_lever_used(&p, tok), 0);
}

static void check_flow(const char *tok, void *payload)
{
	static const char *const flows[] = {"inflow",	   "work",    "lks",  "other",
					    "enforcement", "returns", "money"};
	size_t i;
	(void)payload;
	for (i = 0; i < sizeof flows / sizeof flows[0]; i++)
		if (!strcmp(tok, flows[i]))
			return;
	fail_msg("flow '%s' is not one of inflow, work, lks, other, enforcement, returns, money", tok);
}

static void test_levers_and_flows_known(void **state)
{
	stroom_condition c;
	stroom_params p;
	size_t i, n = stroom_conditions_count();
	(void)state;
	for (i = 0; i < n; i++) {
		assert_int_equal(stroom_conditions_get(i, &c), 0);
		each_token(c.levers, check_lever, NULL);
		each_token(c.hazards, check_flow, NULL);
	}
	memset(&p, 0, sizeof p);
	assert_int_equal(stroom_conditions_lever_used(&p, "teams.fte"), STROOM_ENOTFOUND);
	assert_string_equal(stroom_error_last(), "lever 'teams.fte': not a lever key of the catalogue");
}

/* The compiled-in text is data/policy/conditions.csv as it is in the source tree. */
static void test_embedded_is_source(void **state)
{
	size_t size = 0, got;
	const char *text = stroom_policy_text("conditions.csv", &size);
	FILE *f = fopen(STROOM_SOURCE_DIR "/data/policy/conditions.csv", "rb");
	char *file;
	(void)state;
	assert_non_null(text);
	assert_non_null(f);
	file = malloc(size + 2);
	assert_non_null(file);
	got = fread(file, 1, size + 1, f);
	fclose(f);
	assert_int_equal(got, size);
	assert_memory_equal(file, text, size);
	free(file);
	assert_null(stroom_policy_text("no-such-file.csv", NULL));
}

/* A scenario without levers: every lever at its no-effect default. */
static void no_levers(stroom_params *p)
{
	memset(p, 0, sizeof *p);
	p->capacity_elasticity.dist = STROOM_PRIOR_FIXED;
	p->gate_search_effect.dist = STROOM_PRIOR_FIXED;
	p->gate_selection.dist = STROOM_PRIOR_FIXED;
	p->prevention_effect.dist = STROOM_PRIOR_FIXED;
	p->enforcement_detection.dist = STROOM_PRIOR_FIXED;
	p->targets_work.dist = STROOM_PRIOR_FIXED;
	p->targets_work.a = 1;
	p->targets_nondurable.dist = STROOM_PRIOR_FIXED;
	p->targets_nondurable.a = 1;
	p->capacity_intensity_cap = 2;
	/* these act only with their switch: set without it, they touch nothing */
	p->enforcement_termination_share = 0.5;
	p->enforcement_sanction_pct = 30;
	p->enforcement_recovery_eurocent = 81735;
}

static void series_one(stroom_series *s, double v)
{
	s->n = 1;
	s->month[0] = stroom_month_make(2025, 1);
	s->value[0] = v;
}

/* The codes in touched()'s text, space-separated: "2.e 3.e". */
static void touched_codes(const stroom_params *p, char *out, size_t size)
{
	char buf[4096];
	const char *line = buf;
	size_t o = 0;
	assert_true(stroom_conditions_touched(p, buf, sizeof buf) < sizeof buf);
	out[0] = '\0';
	while (*line) {
		const char *nl = strchr(line, '\n');
		assert_non_null(nl);
		o += (size_t)snprintf(out + o, size - o, "%s%.3s", o ? " " : "", line);
		line = nl + 1;
	}
}

static void test_touched_none(void **state)
{
	stroom_params p;
	char buf[64] = "x";
	(void)state;
	no_levers(&p);
	assert_int_equal(stroom_conditions_touched(&p, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	/* switches present but off everywhere: still nothing */
	series_one(&p.prevention_reach, 0);
	series_one(&p.enforcement_controls, 0);
	series_one(&p.targets_pressure, 0);
	assert_int_equal(stroom_conditions_touched(&p, buf, sizeof buf), 0);
}

static void test_touched_one_lever(void **state)
{
	stroom_params p;
	char codes[256];
	(void)state;
#define CHECK(setup, want)                                                   \
	do {                                                                 \
		no_levers(&p);                                               \
		setup;                                                       \
		touched_codes(&p, codes, sizeof codes);                      \
		assert_string_equal(codes, want);                            \
	} while (0)
	CHECK(p.n_teams = 1, "2.e 3.e");
	CHECK((p.capacity_elasticity.dist = STROOM_PRIOR_NORMAL, p.capacity_elasticity.a = 0.2,
	       p.capacity_elasticity.b = 0.1),
	      "2.e 3.e");
	CHECK(p.capacity_elasticity.a = 0.25, "2.e 3.e");
	/* an instrument counts once it has slots */
	CHECK(p.n_instruments = 1, "");
	CHECK((p.n_instruments = 1, p.instrument[0].slots.n = 1, p.instrument[0].slots.value[0] = 120),
	      "2.d 2.j 2.k 2.l");
	CHECK((p.n_instruments = 1, p.instrument[0].after_exit = 1, p.instrument[0].slots.n = 1,
	       p.instrument[0].slots.value[0] = 120),
	      "2.h");
	CHECK((p.n_instruments = 2, p.instrument[1].after_exit = 1, p.instrument[0].slots.n = 1,
	       p.instrument[0].slots.value[0] = 120, p.instrument[1].slots.n = 1,
	       p.instrument[1].slots.value[0] = 40),
	      "2.d 2.h 2.j 2.k 2.l");
	CHECK(p.gate_search_share = 0.5, "2.a");
	CHECK(p.gate_search_effect.a = 0.12, "2.a");
	CHECK((p.gate_selection.dist = STROOM_PRIOR_UNIFORM, p.gate_selection.b = 0.05), "2.a");
	CHECK(series_one(&p.prevention_reach, 0.3), "2.c");
	CHECK(series_one(&p.enforcement_controls, 6000), "2.p 2.q");
	CHECK(series_one(&p.targets_pressure, 1), "3.a 3.f");
	CHECK(p.lks_share = 0.08, "2.j");
#undef CHECK
}

static void test_touched_text(void **state)
{
	stroom_params p;
	char buf[256], small[12];
	const char *want = "2.a Selection at the gate (gate.search_share, gate.search_effect)\n"
			   "3.a Coherent policy goals (targets.pressure, targets.work, "
			   "targets.nondurable)\n"
			   "3.f Targets (targets.pressure, targets.work, targets.nondurable)\n";
	(void)state;
	no_levers(&p);
	p.gate_search_share = 0.5;
	p.gate_search_effect.a = 0.12;
	series_one(&p.targets_pressure, 1);
	assert_int_equal(stroom_conditions_touched(&p, NULL, 0), strlen(want));
	assert_int_equal(stroom_conditions_touched(&p, buf, sizeof buf), strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(stroom_conditions_touched(&p, small, sizeof small), strlen(want));
	assert_string_equal(small, "2.a Selecti");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_levers_and_flows_known),
		cmocka_unit_test(test_embedded_is_source),
		cmocka_unit_test(test_touched_none),
		cmocka_unit_test(test_touched_one_lever),
		cmocka_unit_test(test_touched_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
