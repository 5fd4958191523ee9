/*
 * calib_ev.c: the model a calibration fits: the expected-value engine
 * (include/stroom/ev.h), one workspace per chain, built from the scenario's
 * starting population; and the library's entry points over it.
 *
 * The fit's workspaces run only the months the fitted rows read (calib_model's
 * limit: the scenario's end moved back to the last month any row needs), so a
 * scenario that runs on past its observations costs no more to fit than one
 * that stops there. The months run are the same chain from the same start, so
 * every value a row reads is the same as in the full run. They compute the
 * counts only, not the money (stroom_ev_counts_only): the same counts, bit for
 * bit, in about a tenth less time.
 */
#include "calib_fit.h"

#include <stroom/ev.h>

#include <stdlib.h>
#include <string.h>

typedef struct ev_ctx {
	const stroom_params *p;
	const stroom_population *pop;
	const stroom_rules *rules;
	const stroom_allocator *al;
	stroom_ev *first;   /* for the groups */
	stroom_month end;   /* the last month a fit's workspace runs (limit) */
} ev_ctx;

/* A fit's workspace: the engine and the parameter set it runs (p's values with
 * the shortened end). */
typedef struct ev_ws {
	stroom_ev *ev;
	stroom_params q;
} ev_ws;

static int ev_group(void *ctx, const char *name)
{
	return stroom_ev_group_index(((ev_ctx *)ctx)->first, name);
}

static void *ev_ws_new(void *ctx)
{
	ev_ctx *c = ctx;
	ev_ws *w = malloc(sizeof *w);
	if (!w) {
		stroom_error_set(STROOM_ENOMEM, "out of memory");
		return NULL;
	}
	w->ev = NULL;
	w->q = *c->p;
	w->q.end = c->end;
	if (stroom_ev_new(&w->ev, &w->q, c->pop, c->rules, c->al) != 0) {
		free(w);
		return NULL;
	}
	stroom_ev_counts_only(w->ev, 1); /* the likelihood reads counts, never money */
	return w;
}

static void ev_ws_free(void *ctx, void *ws)
{
	ev_ws *w = ws;
	(void)ctx;
	if (w)
		stroom_ev_free(w->ev);
	free(w);
}

static int ev_run(void *ws, const stroom_params *q)
{
	ev_ws *w = ws;
	stroom_month end = w->q.end;
	memcpy(&w->q, q, sizeof w->q); /* 46 kB: a few microseconds against the engine's milliseconds */
	w->q.end = end;
	return stroom_ev_run(w->ev, &w->q);
}

static double ev_value(const void *ws, int t, int ind, int group)
{
	return stroom_ev_value(((const ev_ws *)ws)->ev, t, ind, group);
}

/* Workspaces made from now on run months 0 .. months - 1 only (at least one). */
static void ev_limit(void *ctx, int months)
{
	ev_ctx *c = ctx;
	if (months < 1)
		months = 1;
	if (c->p->start + months - 1 < c->p->end)
		c->end = c->p->start + months - 1;
}

/* The model over p's shape; c->first holds a workspace (free with stroom_ev_free). */
static int ev_model(calib_model *m, ev_ctx *c, const stroom_params *p, const stroom_population *pop,
		    const stroom_calibrate_options *o)
{
	int err;
	if (p->municipalities_csv[0])
		return stroom_error_set(STROOM_EINVAL, "calibrate fits one municipality; this scenario "
					"is a national run (municipalities.csv)");
	if (!pop)
		return stroom_error_set(STROOM_EINVAL, "calibrate needs the scenario's starting households");
	c->p = p;
	c->pop = pop;
	c->rules = o ? o->rules : NULL;
	c->al = o ? o->allocator : NULL;
	c->first = NULL;
	c->end = p->end;
	if ((err = stroom_ev_new(&c->first, p, pop, c->rules, c->al)) != 0)
		return err;
	m->ctx = c;
	m->start = p->start;
	m->months = stroom_ev_months(c->first);
	m->group_index = ev_group;
	m->ws_new = ev_ws_new;
	m->ws_free = ev_ws_free;
	m->run = ev_run;
	m->value = ev_value;
	m->limit = ev_limit;
	return 0;
}

int stroom_calibrate_check(const stroom_params *p, const stroom_population *pop, const stroom_obs_row *rows,
			   size_t n_rows, const stroom_calibrate_options *opts)
{
	calib_model m;
	ev_ctx c;
	stroom_calibration *out = NULL;
	int err = ev_model(&m, &c, p, pop, opts);
	if (!err)
		err = calib_fit(&out, p, &m, rows, n_rows, opts, 1);
	stroom_ev_free(c.first);
	return err;
}

int stroom_calibrate_run(stroom_calibration **out, const stroom_params *p, const stroom_population *pop,
			 const stroom_obs_row *rows, size_t n_rows, const stroom_calibrate_options *opts)
{
	calib_model m;
	ev_ctx c;
	int err;
	*out = NULL;
	c.first = NULL;
	err = ev_model(&m, &c, p, pop, opts);
	if (!err)
		err = calib_fit(out, p, &m, rows, n_rows, opts, 0);
	stroom_ev_free(c.first);
	return err;
}
