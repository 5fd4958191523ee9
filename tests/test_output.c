/*
 * test_output.c: the run directory writer (stroom/output.h) as all or nothing.
 * The cancel hook is asked before every file and before the rename, in order,
 * and cancelling at any of those steps leaves nothing: no temporary directory and
 * none of the parents made for the run; a version 1 extra has no hook. And
 * stroom_output_check_dir, the check before a run. manifest.json says in numbers
 * what summary.txt says in words: the caseload on the target date, where the
 * interval comes from and the conditions the levers touch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stroom/conditions.h>
#include <stroom/stroom.h>

#include <jansson.h>

typedef struct fixture {
	stroom_scenario *s;
	stroom_params p;
	stroom_results *r;
	stroom_budget_run *br;
	char base[64]; /* an empty temporary directory */
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	stroom_population *pop = NULL;
	stroom_budget *b = NULL;
	assert_non_null(f);
	assert_int_equal(stroom_scenario_load(&f->s, STROOM_SOURCE_DIR "/tests/data/small.yaml", NULL), 0);
	f->p = *stroom_scenario_params(f->s);
	f->p.replicates = 2;
	assert_int_equal(stroom_population_synthesise(&pop, &f->p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&f->r, &f->p, pop, NULL), 0);
	stroom_population_free(pop);
	assert_int_equal(stroom_budget_load(&b, f->p.budget_table, NULL, NULL), 0);
	assert_int_equal(stroom_output_budget_compute(&f->br, f->r, &f->p, b), 0);
	stroom_budget_free(b);
	snprintf(f->base, sizeof f->base, "/tmp/stroom-output-XXXXXX");
	assert_non_null(mkdtemp(f->base));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	rmdir(f->base); /* empty when every test left nothing */
	stroom_output_budget_free(f->br);
	stroom_results_free(f->r);
	stroom_scenario_free(f->s);
	free(f);
	return 0;
}

static int is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n == 0;
}

/* The cancel hook: records the steps and cancels at step number `at`. */
typedef struct hook {
	int calls, at;
	char steps[9][32];
} hook;

static int cancel_at(const char *step, void *payload)
{
	hook *h = payload;
	if (h->calls < 9)
		snprintf(h->steps[h->calls], sizeof h->steps[0], "%s", step ? step : "(rename)");
	return h->calls++ == h->at;
}

static void test_cancel_at_every_step(void **state)
{
	static const char *const steps[] = {"series.csv", "groups.csv", "indicators.csv",
					    "budget.csv", "summary.txt", "manifest.json",
					    "extra.csv", "(rename)"};
	fixture *f = *state;
	char out[128], got[128], path[192];
	int at, k;
	snprintf(out, sizeof out, "%s/a/b/run", f->base);
	for (at = 0; at <= 8; at++) {
		hook h;
		stroom_output_extra x = STROOM_OUTPUT_EXTRA_INIT;
		int err;
		memset(&h, 0, sizeof h);
		h.at = at; /* 8: never */
		x.file_name = "extra.csv";
		x.file_text = "a,b\n";
		x.file_len = 4;
		x.cancelled = cancel_at;
		x.payload = &h;
		err = stroom_output_write_run_ext(f->r, f->s, &f->p, f->br, NULL, &x, out, got, sizeof got);
		assert_int_equal(h.calls, at < 8 ? at + 1 : 8);
		for (k = 0; k < h.calls; k++)
			assert_string_equal(h.steps[k], steps[k]);
		if (at < 8) {
			assert_int_equal(err, STROOM_EINTR);
			assert_true(is_empty(f->base)); /* a/ and a/b/ were made for the run: gone */
		} else {
			assert_int_equal(err, 0);
			assert_string_equal(got, out);
			snprintf(path, sizeof path, "%s/extra.csv", out);
			assert_int_equal(access(path, R_OK), 0);
			/* once renamed, the run is there: a second write is refused */
			assert_int_equal(stroom_output_write_run_ext(f->r, f->s, &f->p, f->br, NULL, &x,
								     out, NULL, 0), STROOM_EIO);
			assert_non_null(strstr(stroom_error_last(), "already exists"));
			assert_int_equal(stroom_output_check_dir(out), STROOM_EINVAL);
			for (k = 0; k < 7; k++) {
				snprintf(path, sizeof path, "%s/%s", out, steps[k]);
				assert_int_equal(unlink(path), 0);
			}
			assert_int_equal(rmdir(out), 0);
			snprintf(path, sizeof path, "%s/a/b", f->base);
			assert_int_equal(rmdir(path), 0);
			snprintf(path, sizeof path, "%s/a", f->base);
			assert_int_equal(rmdir(path), 0);
		}
	}
}

/* A version 1 extra ends before the hook: the writer must not read it. */
static void test_version_1_has_no_hook(void **state)
{
	fixture *f = *state;
	hook h;
	stroom_output_extra x = STROOM_OUTPUT_EXTRA_INIT;
	char out[128], path[192];
	memset(&h, 0, sizeof h);
	x.version = 1;
	x.cancelled = cancel_at;
	x.payload = &h;
	snprintf(out, sizeof out, "%s/v1", f->base);
	assert_int_equal(stroom_output_write_run_ext(f->r, f->s, &f->p, NULL, NULL, &x, out, NULL, 0), 0);
	assert_int_equal(h.calls, 0);
	snprintf(path, sizeof path, "%s/series.csv", out);
	unlink(path);
	snprintf(path, sizeof path, "%s/groups.csv", out);
	unlink(path);
	snprintf(path, sizeof path, "%s/indicators.csv", out);
	unlink(path);
	snprintf(path, sizeof path, "%s/summary.txt", out);
	unlink(path);
	snprintf(path, sizeof path, "%s/manifest.json", out);
	unlink(path);
	assert_int_equal(rmdir(out), 0);
}

/* Removes the run directory out and the files a run without budget writes in it. */
static void remove_run(const char *out)
{
	static const char *const files[] = {"series.csv", "groups.csv", "indicators.csv",
					    "summary.txt", "manifest.json"};
	char path[256];
	size_t i;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", out, files[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(out), 0);
}

static double num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	assert_true(json_is_number(v));
	return json_number_value(v);
}

static void test_manifest_results(void **state)
{
	fixture *f = *state;
	stroom_results *central = NULL;
	stroom_population *pop = NULL;
	stroom_params cp = f->p;
	stroom_sim_options opts = STROOM_SIM_OPTIONS_INIT;
	char out[128], path[192], touched[2048], *line;
	const json_t *t, *iv, *conds;
	json_error_t je;
	json_t *m;
	double mean, q[5], qc[5], w, wc, share;
	int tt = f->p.target_month - f->p.start, R = f->p.replicates, k, below = 0;
	size_t i;

	/* the run at its central values: every prior fixed, four replicates */
	opts.fixed_parameters = 1;
	cp.replicates = 4;
	assert_int_equal(stroom_population_synthesise(&pop, &cp, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&central, &cp, pop, &opts), 0);
	stroom_population_free(pop);
	snprintf(out, sizeof out, "%s/m", f->base);
	assert_int_equal(stroom_output_write_run(f->r, f->s, &f->p, NULL, central, out, NULL, 0), 0);
	snprintf(path, sizeof path, "%s/manifest.json", out);
	m = json_load_file(path, 0, &je);
	assert_non_null(m);

	/* the target: P(target) and the caseload on its date */
	assert_true(f->p.target_households > 0 && tt >= 0 && tt < stroom_results_months(f->r));
	t = json_object_get(m, "target");
	stroom_output_stats(f->r, tt, STROOM_IND_CASELOAD, 0, &mean, q);
	for (k = 0; k < R; k++)
		below += stroom_results_value(f->r, k, tt, STROOM_IND_CASELOAD, 0) <= f->p.target_households;
	assert_int_equal(json_integer_value(json_object_get(t, "replicates_at_or_below")), below);
	assert_true(num(t, "caseload_median") == q[2]);
	assert_true(num(t, "caseload_p05") == q[0]);
	assert_true(num(t, "caseload_p95") == q[4]);

	/* the interval on the target date: the widths and the shares of the variance */
	iv = json_object_get(m, "interval");
	assert_string_equal(json_string_value(json_object_get(iv, "date")), "2025-07-01");
	stroom_output_stats(central, tt, STROOM_IND_CASELOAD, 0, &mean, qc);
	w = q[4] - q[0];
	wc = qc[4] - qc[0];
	share = w > 0 ? 1 - (wc / w) * (wc / w) : 0;
	share = share < 0 ? 0 : share;
	assert_true(num(iv, "width") == w);
	assert_true(num(iv, "width_central") == wc);
	assert_int_equal(json_integer_value(json_object_get(iv, "central_replicates")), 4);
	assert_true(fabs(num(iv, "share_parameters_pct") - 100 * share) < 1e-9);
	assert_true(fabs(num(iv, "share_parameters_pct") + num(iv, "share_chance_pct") - 100) < 1e-9);

	/* the conditions: stroom_conditions_touched's lines, "CODE NAME (lever, lever)" */
	conds = json_object_get(m, "conditions");
	assert_true(json_is_array(conds));
	stroom_conditions_touched(&f->p, touched, sizeof touched);
	line = touched;
	for (i = 0; i < json_array_size(conds); i++) {
		const json_t *c = json_array_get(conds, i), *levers = json_object_get(c, "levers");
		char want[512];
		size_t j, len;
		len = (size_t)snprintf(want, sizeof want, "%s %s (",
				       json_string_value(json_object_get(c, "code")),
				       json_string_value(json_object_get(c, "name")));
		for (j = 0; j < json_array_size(levers); j++)
			len += (size_t)snprintf(want + len, sizeof want - len, "%s%s", j ? ", " : "",
						json_string_value(json_array_get(levers, j)));
		snprintf(want + len, sizeof want - len, ")\n");
		assert_int_equal(strncmp(line, want, strlen(want)), 0);
		line += strlen(want);
	}
	assert_true(json_array_size(conds) > 0);
	assert_string_equal(line, ""); /* every line of the text */
	json_decref(m);
	remove_run(out);

	/* without a central run: no "interval"; still the conditions */
	assert_int_equal(stroom_output_write_run(f->r, f->s, &f->p, NULL, NULL, out, NULL, 0), 0);
	m = json_load_file(path, 0, &je);
	assert_non_null(m);
	assert_null(json_object_get(m, "interval"));
	assert_true(json_is_array(json_object_get(m, "conditions")));
	json_decref(m);
	remove_run(out);
	stroom_results_free(central);
}

static void test_check_dir(void **state)
{
	fixture *f = *state;
	char path[256], file[160];
	FILE *fp;
	snprintf(path, sizeof path, "%s/new/deeper/run", f->base);
	assert_int_equal(stroom_output_check_dir(path), 0);
	assert_true(is_empty(f->base)); /* a check makes nothing */
	assert_int_equal(stroom_output_check_dir(f->base), STROOM_EINVAL);
	snprintf(path, sizeof path, "'%s' already exists; remove it or choose another --out", f->base);
	assert_string_equal(stroom_error_last(), path);
	snprintf(path, sizeof path, "%s/", f->base); /* trailing slashes do not matter */
	assert_int_equal(stroom_output_check_dir(path), STROOM_EINVAL);
	snprintf(file, sizeof file, "%s/file", f->base);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(stroom_output_check_dir(file), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "already exists (a file)"));
	snprintf(path, sizeof path, "%s/file/sub/run", f->base);
	assert_int_equal(stroom_output_check_dir(path), STROOM_EINVAL);
	snprintf(path, sizeof path, "cannot write in '%s': it is not a directory", file);
	assert_string_equal(stroom_error_last(), path);
	unlink(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel_at_every_step),
		cmocka_unit_test(test_version_1_has_no_hook),
		cmocka_unit_test(test_check_dir),
		cmocka_unit_test(test_manifest_results),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
