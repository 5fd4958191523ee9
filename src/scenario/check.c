/*
 * check.c: everything a run reads, loaded and checked before it starts (see
 * include/stroom/check.h). The order is the run's: the scenario, the benefit
 * rules, then either the starting households or, for a national run, the
 * municipalities table and each municipality's parameters and budget; then the
 * quantities the run derives (stroom_sim_check) for the run and for its second
 * run at the priors' central values, and the money against what the budget
 * computation takes. Errors about derived quantities get the position of the
 * scenario key that produces them.
 */
#include "internal.h"

#include <stroom/check.h>
#include <stroom/posterior.h>
#include <stroom/sim.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct stroom_run_inputs {
	stroom_allocator alloc;
	stroom_scenario *scenario;
	stroom_params params;
	stroom_rules *rules;
	stroom_population *pop;
	stroom_national *national;
	stroom_budget *budget;
	stroom_posterior *posterior;
};

/* The keys the budget bounds come from (for messages). */
static const char spending_keys[] =
	"population.households, inflow.per_year, lks.cost_eurocent, budget.other_spending_eur";
static const char recovery_keys[] = "enforcement.controls, enforcement.recovery_eurocent";

/*
 * Gives the error detail, which starts with the keys it is about ("a.b, c.d:
 * ..."), the position of the first of them the scenario file itself sets, else
 * of the first any base sets, else of `key` (may be NULL), else the scenario's
 * name; a message about replicates names --replicates when the command line set
 * them (replicates_option > 0). Returns err.
 */
static int at_key(int err, const stroom_scenario *s, const char *key_also, int replicates_option)
{
	char detail[1024], key[128], where[640] = "", buf[600];
	const char *p = detail, *end;
	int pass;
	snprintf(detail, sizeof detail, "%s", stroom_error_last());
	end = strstr(detail, ": ");
	if (replicates_option > 0 && !strncmp(detail, "replicates", 10) &&
	    (detail[10] == ':' || detail[10] == ','))
		return stroom_error_set(err, "--replicates %d: %s", replicates_option, detail);
	for (pass = 0; pass < 2 && !where[0] && end; pass++) {
		for (p = detail; p < end;) {
			size_t n = strcspn(p, ",:");
			int ok = n > 0 && n < sizeof key;
			size_t i;
			for (i = 0; ok && i < n; i++)
				ok = islower((unsigned char)p[i]) || isdigit((unsigned char)p[i]) ||
				     p[i] == '_' || p[i] == '.';
			if (!ok)
				break; /* not a list of keys */
			memcpy(key, p, n);
			key[n] = '\0';
			if ((pass == 1 || stroom_scenario_key_in_top(s, key)) &&
			    stroom_scenario_key_where(s, key, buf, sizeof buf)) {
				snprintf(where, sizeof where, "%s", buf);
				break;
			}
			p += n;
			while (*p == ',' || *p == ' ')
				p++;
		}
	}
	if (!where[0] && key_also && stroom_scenario_key_where(s, key_also, buf, sizeof buf))
		snprintf(where, sizeof where, "%s", buf);
	if (!where[0])
		snprintf(where, sizeof where, "%s", stroom_scenario_input_path(s, 0));
	return stroom_error_set(err, "%s: %s", where, detail);
}

/* The budget computation takes amounts up to STROOM_BUDGET_MAX_EUROCENT a year:
 * the most the run can spend and recover must stay within it. */
static int check_money(const stroom_sim_bounds *b, const stroom_budget *bud)
{
	int64_t table_rec = 0;
	size_t i;
	char eur[32];
	if (b->spending_eurocent > (double)STROOM_BUDGET_MAX_EUROCENT) {
		snprintf(eur, sizeof eur, "%.4g", b->spending_eurocent / 100.0);
		return stroom_error_set(STROOM_EINVAL,
					"%s: the spending of %d could reach EUR %s (every household "
					"the run can hold paid the largest benefit and an LKS, plus the "
					"other spending); the budget computation takes at most EUR "
					"10,000,000,000 a year for one municipality",
					spending_keys, b->spending_year, eur);
	}
	for (i = 0; i < stroom_budget_count(bud); i++)
		if (stroom_budget_row(bud, i)->recoveries_eurocent > table_rec)
			table_rec = stroom_budget_row(bud, i)->recoveries_eurocent;
	if (b->recoveries_eurocent + (double)table_rec > (double)STROOM_BUDGET_MAX_EUROCENT) {
		snprintf(eur, sizeof eur, "%.4g", (b->recoveries_eurocent + (double)table_rec) / 100.0);
		return stroom_error_set(STROOM_EINVAL,
					"%s: the recoveries of %d could reach EUR %s (every control a "
					"finding); the budget computation takes at most EUR "
					"10,000,000,000 a year for one municipality",
					recovery_keys, b->recoveries_year, eur);
	}
	return 0;
}

/* The quantities a run of p derives, for the run and its central-value run. */
static int check_derived(const stroom_params *p, size_t n0, const stroom_rules *rules,
			 const stroom_budget *bud, int fixed, const stroom_posterior *post,
			 const stroom_allocator *a)
{
	stroom_sim_options so = STROOM_SIM_OPTIONS_INIT;
	stroom_sim_bounds b;
	int err, pass;
	so.rules = rules;
	so.posterior = post;
	so.allocator = a;
	for (pass = 0; pass < 2; pass++) {
		so.fixed_parameters = fixed || pass == 1;
		if (pass == 1 && (fixed || (stroom_params_prior_count(p) == 0 && !post)))
			break;
		if ((err = stroom_sim_check(p, n0, &so, &b)) != 0)
			return err;
		if (bud && (err = check_money(&b, bud)) != 0)
			return err;
	}
	return 0;
}

static int load_budget(stroom_budget **out, const stroom_params *p, const stroom_allocator *a)
{
	*out = NULL;
	if (!p->budget_table[0] && !p->budget_csv[0])
		return 0;
	int err = stroom_budget_load(out, p->budget_csv[0] ? NULL : p->budget_table,
				     p->budget_csv[0] ? p->budget_csv : NULL, a);
	if (!err && p->budget_start_eur > 0 &&
	    (err = stroom_budget_scale(*out, stroom_month_year(p->start),
				       llround(p->budget_start_eur * 100.0))) != 0) {
		stroom_budget_free(*out);
		*out = NULL;
	}
	return err;
}

/* Each municipality of a national run as stroom_national_run_block runs it: its
 * parameters, households, budget and derived quantities. */
static int check_national(stroom_run_inputs *in, int fixed)
{
	const stroom_allocator *a = &in->alloc;
	stroom_params *mp = stroom_malloc(a, sizeof *mp);
	int i, err = 0;
	if (!mp)
		return STROOM_ENOMEM;
	for (i = 0; i < stroom_national_count(in->national) && !err; i++) {
		const stroom_municipality *m = stroom_national_row(in->national, i);
		stroom_population *pop = NULL;
		stroom_budget *bud = NULL;
		stroom_posterior *own = NULL;
		stroom_national_params(in->national, i, &in->params, mp);
		err = load_budget(&bud, mp, a);
		if (!err && bud)
			err = stroom_budget_scale(bud, stroom_month_year(mp->start), m->budget_eurocent);
		/* the municipality's own posterior (column posterior), checked as the run loads it */
		if (!err && m->posterior[0])
			err = stroom_posterior_load(&own, m->posterior, mp, a);
		if (!err)
			err = check_derived(mp, (size_t)m->households, in->rules, bud, fixed,
					    own ? own : in->posterior, a);
		stroom_posterior_free(own);
		if (!err)
			err = stroom_population_synthesise(&pop, mp, in->rules, a);
		stroom_population_free(pop);
		stroom_budget_free(bud);
		if (err) {
			char detail[900];
			snprintf(detail, sizeof detail, "%s", stroom_error_last());
			err = stroom_error_set(err, "%s:%d: municipality %s: %s", mp->municipalities_csv,
					       m->line, m->name, detail);
		}
	}
	stroom_free(a, mp);
	return err;
}

int stroom_check_run(stroom_run_inputs **out, const char *name_or_path,
		     const stroom_check_options *opts)
{
	stroom_check_options o = STROOM_CHECK_OPTIONS_INIT;
	const stroom_allocator *a;
	stroom_run_inputs *in;
	stroom_params *p;
	int err;

	*out = NULL;
	if (opts)
		o = *opts;
	if (o.version != STROOM_CHECK_OPTIONS_VERSION)
		return stroom_error_set(STROOM_EINVAL, "stroom_check_options: expected version %d, got %u",
					STROOM_CHECK_OPTIONS_VERSION, o.version);
	a = stroom_alloc_or_default(o.allocator);
	in = stroom_calloc(a, 1, sizeof *in);
	if (!in)
		return STROOM_ENOMEM;
	in->alloc = *a;
	a = &in->alloc;
	{
		stroom_scenario_options so = STROOM_SCENARIO_OPTIONS_INIT;
		so.allocator = a;
		if ((err = stroom_scenario_load(&in->scenario, name_or_path, &so)) != 0)
			goto fail;
	}
	p = &in->params;
	*p = *stroom_scenario_params(in->scenario);
	if (o.replicates > 0)
		p->replicates = o.replicates;
	if (o.have_seed)
		p->seed = o.seed;
	if ((err = stroom_rules_load(&in->rules, NULL, NULL, a)) != 0)
		goto fail;
	/* the posterior's errors name its file, line and column */
	if (p->posterior_csv[0] &&
	    (err = stroom_posterior_load(&in->posterior, p->posterior_csv, p, a)) != 0)
		goto fail;

	if (p->municipalities_csv[0]) {
		if ((err = stroom_national_load(&in->national, p, a)) != 0 ||
		    (err = check_national(in, o.fixed_parameters)) != 0)
			goto fail;
	} else {
		/* the derived quantities of a synthesised population first: its size
		 * is a key, and synthesising ten million households takes a while */
		if (!p->population_csv[0] &&
		    (err = check_derived(p, (size_t)p->population_households, in->rules, NULL,
					 o.fixed_parameters, in->posterior, a)) != 0) {
			err = at_key(err, in->scenario, NULL, o.replicates);
			goto fail;
		}
		err = p->population_csv[0] ? stroom_population_load_csv(&in->pop, p->population_csv, p, a)
					   : stroom_population_synthesise(&in->pop, p, in->rules, a);
		if (err) { /* the CSV's errors name its file and line already */
			if (!p->population_csv[0])
				err = at_key(err, in->scenario, "population.households", 0);
			goto fail;
		}
		if ((err = load_budget(&in->budget, p, a)) != 0) {
			err = at_key(err, in->scenario, p->budget_csv[0] ? "budget.csv" : "budget.table", 0);
			goto fail;
		}
		if ((err = check_derived(p, stroom_population_households(in->pop)->n, in->rules,
					 in->budget, o.fixed_parameters, in->posterior, a)) != 0) {
			err = at_key(err, in->scenario, NULL, o.replicates);
			goto fail;
		}
	}
	*out = in;
	return 0;
fail:
	stroom_run_inputs_free(in);
	return err;
}

void stroom_run_inputs_free(stroom_run_inputs *in)
{
	stroom_allocator a;
	if (!in)
		return;
	a = in->alloc;
	stroom_budget_free(in->budget);
	stroom_posterior_free(in->posterior);
	stroom_national_free(in->national);
	stroom_population_free(in->pop);
	stroom_rules_free(in->rules);
	stroom_scenario_free(in->scenario);
	stroom_free(&a, in);
}

const stroom_scenario *stroom_run_inputs_scenario(const stroom_run_inputs *in) { return in->scenario; }
const stroom_params *stroom_run_inputs_params(const stroom_run_inputs *in) { return &in->params; }
const stroom_population *stroom_run_inputs_population(const stroom_run_inputs *in) { return in->pop; }
const stroom_national *stroom_run_inputs_national(const stroom_run_inputs *in) { return in->national; }
const stroom_budget *stroom_run_inputs_budget(const stroom_run_inputs *in) { return in->budget; }
const stroom_rules *stroom_run_inputs_rules(const stroom_run_inputs *in) { return in->rules; }
const stroom_posterior *stroom_run_inputs_posterior(const stroom_run_inputs *in)
{
	return in->posterior;
}
