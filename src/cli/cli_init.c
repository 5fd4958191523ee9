/*
 * cli_init.c: `stroom init NAME --households N [--observed FILE] [--from latest|first]
 * [--budget EUR] [--out FILE.yaml]` writes a starting scenario for a municipality:
 * `extends: generic` with the teams' FTE, the BUIG budget, the other spending and
 * the inflow scaled from generic's 1,000 households to N (caseload per FTE and money
 * per household held), every scaled value commented with how it was scaled. With
 * --observed the starting stock, its month and whatever composition the file gives
 * on that day come from the observed series (docs/observed.md). The file is
 * checked as `stroom validate` checks it before it is renamed into place; an
 * existing --out is refused (docs/init.md).
 *
 * Also the plausibility warnings that run and validate print
 * (stroom_cli_warn_plausible; include/stroom/plausible.h).
 */
#include "cli.h"
#include "internal.h"
#include "model.h"
#include "outfile.h"

#include <stroom/check.h>
#include <stroom/observed.h>
#include <stroom/plausible.h>
#include <stroom/population.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASE "generic"

static const char init_usage[] =
	"usage: stroom init NAME --households N [--observed FILE] [--from latest|first]\n"
	"                   [--budget EUR] [--out FILE.yaml]\n"
	"\n"
	"Writes a starting scenario for a municipality of N households on benefit: it\n"
	"extends the builtin 'generic' (one area, teams by distance, a steady caseload)\n"
	"and scales generic's teams' FTE, BUIG budget, other spending and inflow from its\n"
	"1,000 households to N, so that the caseload per FTE and the money per household\n"
	"stay generic's. Every scaled value carries a comment saying how it was scaled.\n"
	"\n"
	"  NAME              the scenario's name ([A-Za-z0-9_.-], at most 31 characters)\n"
	"  --households N    households on benefit on the start date: generic's start\n"
	"                    (2024-01) without --observed; optional with --observed\n"
	"                    (then its stock)\n"
	"  --observed FILE   an observed series (docs/observed.md, e.g. from stroom import\n"
	"                    cbs): the start month and stock come from its latest caseload\n"
	"                    stock of group all, and the composition (duration, age, type)\n"
	"                    from that day's group rows where it has them\n"
	"  --from latest|first  which stock of --observed starts the scenario (default\n"
	"                    latest: a forecast from today; first: the scenario runs through\n"
	"                    the record, so stroom calibrate can fit it)\n"
	"  --budget EUR      the municipality's BUIG budget of the start year in euro\n"
	"                    (default: generic's budget per household x N)\n"
	"  --out FILE.yaml   where to write it (default NAME.yaml); must not exist\n"
	"\n"
	"Bad arguments, an existing --out: one line, exit 2, nothing written.\n";

/* A growing text. */
typedef struct text {
	char *s;
	size_t len, cap;
	int failed;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (t->failed)
		return;
	for (;;) {
		size_t room = t->cap - t->len;
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if (t->s && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		{
			size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)n;
			char *s = realloc(t->s, cap);
			if (!s) {
				t->failed = 1;
				return;
			}
			t->s = s;
			t->cap = cap;
		}
	}
}

/* 1234567.8 -> "1,234,568" (whole, with thousands separators; for comments). */
static const char *grouped(double v, char *buf, size_t size)
{
	char digits[64];
	size_t n, i, o = 0;
	int neg = v < 0;
	snprintf(digits, sizeof digits, "%.0f", fabs(v));
	n = strlen(digits);
	if (neg && o + 1 < size)
		buf[o++] = '-';
	for (i = 0; i < n && o + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static int valid_name(const char *s)
{
	size_t i, n = strlen(s);
	if (n < 1 || n > 31)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && !(i > 0 && (c == '_' || c == '.' || c == '-')))
			return 0;
	}
	return 1;
}

/* A whole number in [lo, hi] written with digits only. */
static int parse_count(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	if (!*s || s[0] == '-' || s[0] == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* An amount in euro: digits with at most one '.', above 0 and at most 10 billion. */
static int parse_eur(const char *s, double *out)
{
	const char *c;
	char *end;
	int dots = 0;
	double v;
	if (!*s)
		return -1;
	for (c = s; *c; c++) {
		if (*c == '.')
			dots++;
		else if (*c < '0' || *c > '9')
			return -1;
	}
	if (dots > 1)
		return -1;
	v = strtod(s, &end);
	if (*end || !(v > 0) || v > 2e9)
		return -1;
	*out = v;
	return 0;
}

/* stroom_write_file's check of the written scenario: it must load and pass every
 * check of a run, as `stroom validate` checks it. On failure, one line and the exit
 * code in *payload. */
static int check_written(const char *tmp, void *payload)
{
	stroom_check_options co = STROOM_CHECK_OPTIONS_INIT;
	stroom_run_inputs *in = NULL;
	int *code = payload;
	int err = stroom_check_run(&in, tmp, &co);
	if (err) {
		/* e.g. a size whose money exceeds what the budget computation takes */
		fprintf(stderr, "stroom: init: the scenario would not pass validate (nothing "
				"written): %s\n", stroom_error_last());
		*code = err == STROOM_ENOMEM || err == STROOM_EIO ? EXIT_FAILED : EXIT_BADINPUT;
		return err;
	}
	stroom_run_inputs_free(in);
	return 0;
}

/* What --observed gives: the stock that starts the scenario and its composition. */
typedef struct observed_start {
	stroom_month month;
	double stock;
	const char *unit;
	int line;
	const char *source;
	/* per class (0 age, 1 duration, 2 type): a share per band, < 0 = not given */
	double share[3][4];
	int have[3];
} observed_start;

static const char *class_key[3] = {"age", "duration", "type"};
static const int class_n[3] = {STROOM_NAGE, STROOM_NDUR, STROOM_NTYPE};

static const char *class_label(int c, int i)
{
	return c == 0 ? stroom_age_band_name(i) : c == 1 ? stroom_duration_band_name(i)
							 : stroom_type_name(i);
}

/* Reads FILE's caseload stocks of group all (households preferred over benefits on
 * the same day) and takes the latest (or first); then that day's group rows. */
static int read_observed(const char *path, int first, observed_start *os)
{
	stroom_observed *o = NULL;
	const stroom_obs_row *best = NULL;
	size_t i, n;
	int err, c, j;
	if ((err = stroom_observed_load(&o, path, NULL)) != 0) {
		fprintf(stderr, "stroom: %s\n", stroom_error_last());
		return EXIT_BADINPUT;
	}
	n = stroom_observed_count(o);
	for (i = 0; i < n; i++) {
		const stroom_obs_row *r = stroom_observed_row(o, i);
		if (r->indicator != STROOM_IND_CASELOAD || r->months != 0 || strcmp(r->group, "all") ||
		    (r->unit != STROOM_OBS_UNIT_HOUSEHOLDS && r->unit != STROOM_OBS_UNIT_BENEFITS))
			continue;
		if (!best || (first ? r->month < best->month : r->month > best->month) ||
		    (r->month == best->month && r->unit == STROOM_OBS_UNIT_HOUSEHOLDS))
			best = r;
	}
	if (!best) {
		fprintf(stderr, "stroom: --observed: expected a caseload stock of group all in "
				"households or benefits in '%s', got none\n",
			stroom_cli_printable(path).s);
		stroom_observed_free(o);
		return EXIT_BADINPUT;
	}
	os->month = best->month;
	os->stock = best->value;
	os->unit = stroom_observed_unit_name(best->unit);
	os->line = best->line;
	for (c = 0; c < 3; c++) {
		os->have[c] = 0;
		for (j = 0; j < 4; j++)
			os->share[c][j] = -1;
	}
	for (i = 0; i < n; i++) {
		const stroom_obs_row *r = stroom_observed_row(o, i);
		double share;
		if (r->indicator != STROOM_IND_CASELOAD || r->months != 0 || r->month != best->month)
			continue;
		if (r->unit == STROOM_OBS_UNIT_SHARE)
			share = r->value;
		else if (r->unit == best->unit && best->value > 0)
			share = r->value / best->value;
		else
			continue;
		for (c = 0; c < 3; c++)
			for (j = 0; j < class_n[c]; j++)
				if (!strcmp(r->group, class_label(c, j)) && os->share[c][j] < 0) {
					os->share[c][j] = share;
					os->have[c]++;
				}
	}
	os->source = NULL;
	stroom_observed_free(o);
	return 0;
}

/* The observed composition of class c over generic's shares g: the observed bands,
 * the rest generic's rescaled to what is left. 0 ok, -1 the observed sum above 1. */
static int blend(const observed_start *os, int c, const double *g, double *out)
{
	double known = 0, rest = 0;
	int j;
	for (j = 0; j < class_n[c]; j++) {
		if (os->share[c][j] >= 0)
			known += os->share[c][j];
		else
			rest += g[j];
	}
	if (known > 1 + 1e-6 || (os->have[c] == class_n[c] && known <= 0))
		return -1;
	for (j = 0; j < class_n[c]; j++)
		out[j] = os->share[c][j] >= 0
			? (os->have[c] == class_n[c] ? os->share[c][j] / known : os->share[c][j])
			: (rest > 0 ? g[j] * (1 - known) / rest : 0);
	return 0;
}

/* A number as YAML: money in whole euro, else 6 significant digits. */
static void put_number(text *t, double v, int money)
{
	if (money)
		put(t, "%.0f", v);
	else
		put(t, "%.6g", v);
}

/* A count a year (the inflow and its prior's sd) as YAML: at most 2 decimals, so
 * that it never reads as a number grouped by a thousands separator (235.392),
 * which the scenario refuses for keys that count households. */
static void put_count(text *t, double v)
{
	char buf[64];
	size_t n;
	snprintf(buf, sizeof buf, "%.2f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = 0;
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = 0;
	put(t, "%s", buf);
}

/* Writes a series scaled by f from month `start` on: the value at start first (or
 * the series' first value when it starts later), then the later points. */
static void put_scaled_series(text *t, const stroom_series *s, stroom_month start, double f,
			      int money)
{
	char m[16];
	int i, n = 0;
	double v0 = s->n > 0 && s->month[0] > start ? s->value[0] : stroom_series_at(s, start, 0.0);
	put(t, "{%s: ", stroom_month_format(start, m, sizeof m));
	put_number(t, v0 * f, money);
	n++;
	for (i = 0; i < s->n; i++)
		if (s->month[i] > start && s->value[i] != stroom_series_at(s, s->month[i] - 1, v0)) {
			put(t, ", %s: ", stroom_month_format(s->month[i], m, sizeof m));
			put_number(t, s->value[i] * f, money);
		}
	put(t, "}");
}

/* Each team's clients on the start date in the households synthesised from pc's
 * given shares (the first active team that selects a household, as the engines
 * assign them). 0 or a negative STROOM_E* code. */
static int given_clients(stroom_params *pc, long households, stroom_month start,
			 int clients[STROOM_MAX_TEAMS])
{
	stroom_population *pop = NULL;
	const stroom_households *h;
	size_t i;
	int k, rc;
	pc->population_households = (int)households;
	pc->start = start;
	pc->pop_start = STROOM_POP_GIVEN;
	memset(clients, 0, STROOM_MAX_TEAMS * sizeof clients[0]);
	if ((rc = stroom_population_synthesise(&pop, pc, NULL, NULL)) < 0)
		return rc;
	h = stroom_population_households(pop);
	for (i = 0; i < h->n; i++)
		for (k = 0; k < pc->n_teams; k++)
			if (stroom_series_at(&pc->team[k].fte, start, 0.0) > 0 &&
			    stroom_model_selects(&pc->team[k].serves, h->distance[i],
						 stroom_model_duration_band(h->spell_start[i], start),
						 stroom_model_age_band(h->birth_month[i], start),
						 h->type[i], h->area[i], h->stream[i])) {
				clients[k]++;
				break;
			}
	stroom_population_free(pop);
	return 0;
}

static const stroom_uncertain *uncertain_of(const stroom_params *p, const char *key)
{
	int i;
	for (i = 0; i < p->n_uncertain; i++)
		if (!strcmp(p->uncertain[i].key, key))
			return &p->uncertain[i];
	return NULL;
}

int stroom_cli_init(int argc, char **argv)
{
	const char *name = NULL, *observed = NULL, *out = NULL;
	char outbuf[512], obs_text[512], a[32], b[32], c3[32], m[16];
	long households = 0;
	double budget = 0, f;
	int first = 0, i, code, err, have_obs = 0, k, cl, have_clients = 0;
	int clients[STROOM_MAX_TEAMS];
	stroom_params *own = NULL; /* generic with the observed composition */
	observed_start os;
	stroom_scenario *gs = NULL;
	const stroom_params *g;
	stroom_budget *gb = NULL;
	const stroom_budget_year *gy = NULL;
	stroom_month start;
	text t = {NULL, 0, 0, 0};

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			fputs(init_usage, stdout);
			return EXIT_OK;
		}
		if (!strcmp(arg, "--households") || !strcmp(arg, "--observed") ||
		    !strcmp(arg, "--from") || !strcmp(arg, "--budget") || !strcmp(arg, "--out")) {
			const char *v = i + 1 < argc ? argv[++i] : NULL;
			if (!v)
				return stroom_cli_bad(arg, "a value", "");
			if (!strcmp(arg, "--households")) {
				if (parse_count(v, 1, 10000000, &households) != 0)
					return stroom_cli_bad("--households",
							      "a whole number of households from 1 to "
							      "10000000", v);
			} else if (!strcmp(arg, "--observed")) {
				observed = v;
			} else if (!strcmp(arg, "--from")) {
				if (strcmp(v, "latest") && strcmp(v, "first"))
					return stroom_cli_bad("--from", "latest or first", v);
				first = !strcmp(v, "first");
			} else if (!strcmp(arg, "--budget")) {
				if (parse_eur(v, &budget) != 0)
					return stroom_cli_bad("--budget",
							      "an amount in euro above 0 and at most "
							      "2000000000 (digits, '.' for cents)", v);
			} else {
				out = v;
			}
		} else if (arg[0] == '-') {
			return stroom_cli_bad("init", "NAME, --households, --observed, --from, --budget "
					      "or --out (stroom init --help)", arg);
		} else if (name) {
			return stroom_cli_bad("init", "one NAME", arg);
		} else {
			name = arg;
		}
	}
	memset(&os, 0, sizeof os);
	if (!name)
		return stroom_cli_bad("init", "a scenario NAME (stroom init --help)", "");
	if (!valid_name(name))
		return stroom_cli_bad("NAME", "1 to 31 characters of A-Z, a-z, 0-9, '_', '.' and '-' "
				      "starting with a letter or digit", name);
	if (!households && !observed)
		return stroom_cli_bad("--households", "the number of households on benefit (or "
				      "--observed FILE with a stock)", "");
	if (first && !observed)
		return stroom_cli_bad("--from", "--observed FILE with it", "");
	if (!out) {
		snprintf(outbuf, sizeof outbuf, "%s.yaml", name);
		out = outbuf;
	}
	if ((code = stroom_cli_check_new_file(out)) != 0)
		return code;
	if (observed) {
		/* the path as written into comments: control characters escaped */
		snprintf(obs_text, sizeof obs_text, "%s", stroom_cli_printable(observed).s);
		if ((code = read_observed(observed, first, &os)) != 0)
			return code;
		have_obs = 1;
		if (!households) {
			if (!(os.stock >= 1 && os.stock <= 10000000)) {
				fprintf(stderr, "stroom: --observed: expected a stock from 1 to 10000000, "
						"got %g on line %d\n", os.stock, os.line);
				return EXIT_BADINPUT;
			}
			households = lround(os.stock);
		}
	}

	if (stroom_scenario_load(&gs, BASE, NULL) != 0) {
		fprintf(stderr, "stroom: %s\n", stroom_error_last());
		return EXIT_FAILED;
	}
	g = stroom_scenario_params(gs);
	if (!(own = malloc(sizeof *own))) {
		fprintf(stderr, "stroom: init: out of memory\n");
		stroom_scenario_free(gs);
		return EXIT_FAILED;
	}
	*own = *g;
	start = have_obs ? os.month : g->start;
	if (start > g->end) {
		fprintf(stderr, "stroom: --observed: expected a stock before %s's end (%s), got one "
				"on %s\n", BASE, stroom_month_format(g->end, a, sizeof a),
			stroom_month_format(start, b, sizeof b));
		free(own);
		stroom_scenario_free(gs);
		return EXIT_BADINPUT;
	}
	if (stroom_budget_load(&gb, g->budget_table, NULL, NULL) != 0 ||
	    stroom_budget_lookup(gb, stroom_month_year(start), &gy) != 0) {
		fprintf(stderr, "stroom: --observed: expected a start year that %s's budget table "
				"covers (data/budget/%s.csv: %d-%d), got %d\n",
			BASE, g->budget_table, gb ? stroom_budget_first_year(gb) : 0,
			gb ? stroom_budget_last_year(gb) : 0, stroom_month_year(start));
		stroom_budget_free(gb);
		free(own);
		stroom_scenario_free(gs);
		return EXIT_BADINPUT;
	}
	f = (double)households / (double)g->population_households;

	put(&t, "# %s: a starting scenario written by `stroom init` from the builtin '%s'\n",
	    name, BASE);
	put(&t, "# (data/scenarios/%s.yaml: one area, teams by distance, the hazards of the\n"
		"# Rotterdam refit, its starting households the steady state of its own inflow\n"
		"# and hazards). Scaled from %s's %s households to %s: the\n"
		"# caseload per FTE and the money per household stay %s's (docs/init.md).\n",
	    BASE, BASE, grouped((double)g->population_households, a, sizeof a),
	    grouped((double)households, b, sizeof b), BASE);
	if (have_obs)
		put(&t, "# Start, stock and composition from %s (line %d).\n", obs_text, os.line);
	put(&t, "# Replace what you know better, then `stroom validate` and `stroom calibrate`.\n");
	put(&t, "extends: %s\n", BASE);
	put(&t, "name: %s\n", name);
	put(&t, "description: \"%s: %s households on benefit on %s, scaled from %s\"\n", name,
	    grouped((double)households, a, sizeof a), stroom_month_format(start, m, sizeof m), BASE);
	if (have_obs) {
		put(&t, "start: %s                       # %s: the %s stock of group all (%s %s)\n",
		    stroom_month_format(start, m, sizeof m), obs_text, first ? "first" : "latest",
		    grouped(os.stock, a, sizeof a), os.unit);
		put(&t, "target:\n  date: %s                     # unused without a target (set to start)\n",
		    m);
	}
	put(&t, "\npopulation:\n");
	put(&t, "  households: %ld", households);
	if (have_obs && lround(os.stock) == households)
		put(&t, "                # %s: the stock on %s (%s %s; a benefit is paid per household)\n",
		    obs_text, m, grouped(os.stock, a, sizeof a), os.unit);
	else
		put(&t, "                # stroom init --households\n");
	if (have_obs)
		for (cl = 0; cl < 3; cl++) {
			const double *gv = cl == 0 ? g->pop_age : cl == 1 ? g->pop_duration : g->pop_type;
			double v[4];
			if (!os.have[cl])
				continue;
			if (blend(&os, cl, gv, v) != 0) {
				fprintf(stderr, "stroom: --observed: expected the %s groups of %s to sum to at "
						"most 1 of the stock, got more\n", class_key[cl], m);
				code = EXIT_BADINPUT;
				goto done;
			}
			memcpy(cl == 0 ? own->pop_age : cl == 1 ? own->pop_duration : own->pop_type, v,
			       (size_t)class_n[cl] * sizeof v[0]);
			put(&t, "  %s: [", class_key[cl]);
			for (k = 0; k < class_n[cl]; k++)
				put(&t, "%s%.4f", k ? ", " : "", v[k]);
			put(&t, "]  # %s: ", obs_text);
			for (k = 0; k < class_n[cl]; k++)
				if (os.share[cl][k] >= 0)
					put(&t, "%s ", class_label(cl, k));
			put(&t, "observed on %s%s\n", m,
			    os.have[cl] == class_n[cl] ? " (normalised to sum 1)"
						       : "; the other bands generic's shares "
							 "rescaled to the rest");
		}
	if (have_obs && (os.have[0] || os.have[1] || os.have[2])) {
		put(&t, "  start: given                     # the observed composition above (with "
			"%s's other shares), not %s's steady state (docs/population.md)\n",
		    BASE, BASE);
		if (given_clients(own, households, start, clients) != 0) {
			fprintf(stderr, "stroom: init: %s\n", stroom_error_last());
			code = EXIT_FAILED;
			goto done;
		}
		have_clients = 1;
	}

	/* inflow: the rate per household held */
	{
		const stroom_uncertain *u = uncertain_of(g, "inflow.per_year");
		put(&t, "\ninflow:\n  per_year: ");
		if (u && u->prior.dist == STROOM_PRIOR_NORMAL) {
			put(&t, "{normal: [");
			put_count(&t, u->prior.a * f);
			put(&t, ", ");
			put_count(&t, u->prior.b * f);
			put(&t, "]}");
		} else {
			put_count(&t, g->inflow_per_year * f);
		}
		put(&t, "  # %s's %s a year per %s households x %s / %s (inflow per household held)\n",
		    BASE, grouped(g->inflow_per_year, a, sizeof a),
		    grouped((double)g->population_households, b, sizeof b),
		    grouped((double)households, c3, sizeof c3),
		    grouped((double)g->population_households, b, sizeof b));
	}

	/* budget */
	put(&t, "\nbudget:\n");
	if (budget > 0) {
		put(&t, "  start_eur: %.2f  # stroom init --budget: EUR %s in %d (EUR %s a household)\n",
		    budget, grouped(budget, a, sizeof a), stroom_month_year(start),
		    grouped(budget / (double)households, b, sizeof b));
	} else {
		double per = (double)gy->budget_eurocent / 100.0 / (double)g->population_households;
		put(&t, "  start_eur: %.0f  # EUR %s = %s households x EUR %s (%s's %d budget per "
			"household: data/budget/%s.csv)\n",
		    per * (double)households, grouped(per * (double)households, a, sizeof a),
		    grouped((double)households, b, sizeof b), grouped(per, c3, sizeof c3), BASE,
		    gy->year, g->budget_table);
	}
	if (g->budget_other_spending.n > 0) { /* a fixed sum a year: scaled */
		put(&t, "  other_spending_eur: ");
		put_scaled_series(&t, &g->budget_other_spending, start, f, 1);
		put(&t, "  # each value %s's x %s / %s households (EUR %s a household in %d held)\n",
		    BASE, grouped((double)households, a, sizeof a),
		    grouped((double)g->population_households, b, sizeof b),
		    grouped(stroom_series_at(&g->budget_other_spending, start, 0.0) /
				    (double)g->population_households,
			    c3, sizeof c3),
		    stroom_month_year(start));
	}
	if (g->budget_other_ratio > 0) /* a price x a volume: scales by itself */
		put(&t, "  # other spending: %s's budget.other_ratio %.4g x the caseload x "
			"budget.other_price_eur (EUR %s a household-year in %d), held: its volume "
			"follows the caseload (docs/budget.md)\n",
		    BASE, g->budget_other_ratio,
		    grouped(stroom_series_at(&g->budget_other_price, start, 0.0), c3, sizeof c3),
		    stroom_month_year(start));

	/* teams: FTE x f, so households per FTE stay generic's */
	put(&t, "\nteams:\n");
	for (k = 0; k < g->n_teams; k++) {
		const stroom_team *tm = &g->team[k];
		double fte0 = tm->fte.n > 0 && tm->fte.month[0] > start ? tm->fte.value[0]
									 : stroom_series_at(&tm->fte, start, 0.0);
		put(&t, "  %s:\n    fte: ", tm->name);
		if (have_clients) {
			/* the observed composition: the team at its norm on the start date */
			put(&t, "{%s: %.6g}", stroom_month_format(start, m, sizeof m),
			    clients[k] / tm->norm);
			put(&t, "  # derived: its %d clients in the starting population of the observed "
				"composition / its norm 1:%.4g (at its norm on the start date, as %s's)\n",
			    clients[k], tm->norm, BASE);
			continue;
		}
		put_scaled_series(&t, &tm->fte, start, f, 0);
		put(&t, "  # %.4g FTE = %s's %.4g FTE x %s / %s households (its caseload per FTE "
			"held; norm 1:%.4g)\n",
		    fte0 * f, BASE, fte0, grouped((double)households, a, sizeof a),
		    grouped((double)g->population_households, b, sizeof b), tm->norm);
	}
	/* execution costs: prices, held (the FTE above carry the scale) */
	put(&t, "\ncosts:  # %s's prices, held: a FTE, a control or an intake costs the same in a "
		"smaller municipality (docs/policy.md, Costs)\n  fte_eur: %.2f\n  fte_spread: %.4g\n"
		"  control_eur: %.2f\n  prevention_eur: %.2f\n  gate_eur: %.2f\n", BASE,
	    g->cost_fte_eur, g->cost_fte_spread, g->cost_control_eur, g->cost_prevention_eur,
	    g->cost_gate_eur);
	if (t.failed) {
		fprintf(stderr, "stroom: init: out of memory\n");
		code = EXIT_FAILED;
		goto done;
	}
	code = 0; /* check_written sets it when the scenario fails its check */
	err = stroom_write_file(out, t.s, t.len, check_written, &code);
	if (err && !code)
		code = stroom_cli_fail(err);
	if (!err)
		printf("%s\n", out);
done:
	free(t.s);
	free(own);
	stroom_budget_free(gb);
	stroom_scenario_free(gs);
	return code;
}

void stroom_cli_warn_plausible(const stroom_run_inputs *in)
{
	stroom_plausible_warning w[16];
	const stroom_population *pop = stroom_run_inputs_population(in);
	int n, i;
	if (!pop)
		return; /* a national run: each municipality is scaled from the table */
	n = stroom_plausible_check(stroom_run_inputs_params(in), stroom_population_households(pop),
				   stroom_run_inputs_budget(in), w, 16);
	if (n < 0) {
		fprintf(stderr, "stroom: warning: plausibility not checked: %s\n", stroom_error_last());
		return;
	}
	for (i = 0; i < n && i < 16; i++)
		fprintf(stderr, "stroom: warning: %s\n", w[i].text);
}
