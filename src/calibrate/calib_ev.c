/*
 * calib_ev.c: the model a calibration fits: the expected-value engine
 * (include/stroom/ev.h), one workspace per chain, built from the scenario's
 * starting population; and the library's entry points over it.
 */
#include "calib_fit.h"

#include <stroom/ev.h>

#include <stdlib.h>

typedef struct ev_ctx {
	const stroom_params *p;
	const stroom_population *pop;
	const stroom_rules *rules;
	const stroom_allocator *al;
	stroom_ev *first; /* for the groups */
} ev_ctx;

static int ev_group(void *ctx, const char *name)
{
	return stroom_ev_group_index(((ev_ctx *)ctx)->first, name);
}

static void *ev_ws_new(void *ctx)
{
	ev_ctx *c = ctx;
	stroom_ev *ev = NULL;
	return stroom_ev_new(&ev, c->p, c->pop, c->rules, c->al) == 0 ? ev : NULL;
}

static void ev_ws_free(void *ctx, void *ws)
{
	(void)ctx;
	stroom_ev_free(ws);
}

static int ev_run(void *ws, const stroom_params *q) { return stroom_ev_run(ws, q); }

static double ev_value(const void *ws, int t, int ind, int group) { return stroom_ev_value(ws, t, ind, group); }

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
