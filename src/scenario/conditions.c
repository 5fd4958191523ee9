/*
 * conditions.c: the AEF conditions catalogue. The text of data/policy/conditions.csv
 * is compiled in (cmake/embed.cmake) and parsed on each call: 25 short rows,
 * so there is no cache, no allocation and no state to share between threads. Lines
 * starting with '#' and blank lines are comments; the first other line is the
 * header; fields are separated by ',' and hold no commas (lists inside a field use
 * ';'). The lever table below says when a scenario uses each lever key that the
 * catalogue names; a test checks that every key in the catalogue is in it.
 */
#include <stroom/conditions.h>

#include "builtin.h"
#include "internal.h"

#include <stdint.h>
#include <string.h>

#define CATALOGUE_PATH "data/policy/conditions.csv"
#define NFIELDS 9

static const char header[] = "code,name_nl,name_en,meaning,levers,hazards,rotterdam_rating,lines,note";

/* A line of the catalogue without its end of line ("\n" or "\r\n"). */
typedef struct line {
	const char *s;
	size_t len;
	int number; /* 1-based */
} line;

typedef struct cursor {
	const char *p, *end;
	int number;
} cursor;

/* The next line, or 0 at the end of the text. */
static int next_line(cursor *c, line *out)
{
	const char *nl;
	if (c->p >= c->end)
		return 0;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	out->s = c->p;
	out->len = (size_t)((nl ? nl : c->end) - c->p);
	out->number = ++c->number;
	if (out->len && out->s[out->len - 1] == '\r')
		out->len--;
	c->p = nl ? nl + 1 : c->end;
	return 1;
}

static int is_comment(const line *l) { return l->len == 0 || l->s[0] == '#'; }

/* Copies field f of l into dst (size bytes). Returns 0 or STROOM_EPARSE. */
static int copy_field(const line *l, const char *start, size_t len, const char *name, char *dst,
		      size_t size)
{
	if (len >= size)
		return stroom_error_set(STROOM_EPARSE,
					CATALOGUE_PATH ":%d:%d: %s: expected at most %zu characters, got %zu",
					l->number, (int)(start - l->s) + 1, name, size - 1, len);
	memcpy(dst, start, len);
	dst[len] = '\0';
	return 0;
}

/* Parses a data line into *out. Returns 0 or STROOM_EPARSE. */
static int parse_row(const line *l, stroom_condition *out)
{
	static const char *const names[NFIELDS] = {"code",	"name_nl", "name_en",
						    "meaning", "levers",  "hazards",
						    "rotterdam_rating", "lines", "note"};
	char *dst[NFIELDS];
	size_t size[NFIELDS];
	const char *p = l->s, *end = l->s + l->len;
	int f, rc;
	memset(out, 0, sizeof *out);
	dst[0] = out->code, size[0] = sizeof out->code;
	dst[1] = out->name_nl, size[1] = sizeof out->name_nl;
	dst[2] = out->name_en, size[2] = sizeof out->name_en;
	dst[3] = out->meaning, size[3] = sizeof out->meaning;
	dst[4] = out->levers, size[4] = sizeof out->levers;
	dst[5] = out->hazards, size[5] = sizeof out->hazards;
	dst[6] = out->rating, size[6] = sizeof out->rating;
	dst[7] = out->lines, size[7] = sizeof out->lines;
	dst[8] = out->note, size[8] = sizeof out->note;
	for (f = 0; f < NFIELDS; f++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		if (!comma && f < NFIELDS - 1)
			return stroom_error_set(STROOM_EPARSE,
						CATALOGUE_PATH ":%d: expected %d fields, got %d", l->number,
						NFIELDS, f + 1);
		if (comma && f == NFIELDS - 1)
			return stroom_error_set(STROOM_EPARSE,
						CATALOGUE_PATH ":%d:%d: expected %d fields, got more (no "
							       "commas inside a field)",
						l->number, (int)(comma - l->s) + 1, NFIELDS);
		if ((rc = copy_field(l, p, (size_t)(stop - p), names[f], dst[f], size[f])) != 0)
			return rc;
		p = stop + 1;
	}
	if (!out->code[0] || !out->rating[0])
		return stroom_error_set(STROOM_EPARSE, CATALOGUE_PATH ":%d: code and rotterdam_rating "
							      "must not be empty",
					l->number);
	out->absent = !strcmp(out->rating, "-");
	return 0;
}

/*
 * Walks the catalogue: counts its data rows into *count and, when want < SIZE_MAX,
 * parses row `want` into *out. Returns 0, STROOM_ENOTFOUND (no catalogue, or want
 * past the end) or STROOM_EPARSE (bad header or row).
 */
static int walk(size_t want, stroom_condition *out, size_t *count)
{
	const stroom_builtin *e = stroom_builtin_find(stroom_builtin_policies, CATALOGUE_PATH);
	size_t size = e ? e->size : 0, n = 0;
	const char *text = e ? e->text : NULL;
	cursor c;
	line l;
	int seen_header = 0, rc;
	*count = 0;
	if (!text)
		return stroom_error_set(STROOM_ENOTFOUND, CATALOGUE_PATH " was not compiled in");
	c.p = text, c.end = text + size, c.number = 0;
	while (next_line(&c, &l)) {
		if (is_comment(&l))
			continue;
		if (!seen_header) {
			if (l.len != sizeof header - 1 || memcmp(l.s, header, l.len))
				return stroom_error_set(STROOM_EPARSE,
							CATALOGUE_PATH ":%d: header: expected '%s'",
							l.number, header);
			seen_header = 1;
			continue;
		}
		if (n == want && (rc = parse_row(&l, out)) != 0)
			return rc;
		n++;
	}
	*count = n;
	if (want != SIZE_MAX && want >= n)
		return stroom_error_set(STROOM_ENOTFOUND, "condition %zu: the catalogue has %zu", want,
					n);
	return 0;
}

size_t stroom_conditions_count(void)
{
	size_t n;
	walk(SIZE_MAX, NULL, &n);
	return n;
}

int stroom_conditions_get(size_t i, stroom_condition *out)
{
	size_t n;
	if (i == SIZE_MAX)
		return stroom_error_set(STROOM_ENOTFOUND, "condition %zu: no such row", i);
	return walk(i, out, &n);
}

int stroom_conditions_find(const char *code, stroom_condition *out)
{
	size_t i, n = stroom_conditions_count();
	int rc;
	for (i = 0; i < n; i++) {
		if ((rc = stroom_conditions_get(i, out)) != 0)
			return rc;
		if (!strcmp(out->code, code))
			return 0;
	}
	return stroom_error_set(STROOM_ENOTFOUND, "condition '%s': unknown code (2.a-2.r, 3.a-3.g)",
				code);
}

/* A series is "on" when some month has a value above 0 (empty = the neutral value). */
static int series_on(const stroom_series *s)
{
	int i;
	for (i = 0; i < s->n; i++)
		if (s->value[i] > 0)
			return 1;
	return 0;
}

/* A prior moves its lever unless it is fixed at the no-effect value. */
static int prior_set(const stroom_prior *pr, double none)
{
	return pr->dist != STROOM_PRIOR_FIXED || pr->a != none;
}

/* An instrument is used when it has slots in some month: the catalogue in a
 * scenario costs and does nothing until a scenario gives it places. */
static int instruments_used(const stroom_params *p, int after_exit)
{
	int i;
	for (i = 0; i < p->n_instruments && i < STROOM_MAX_INSTRUMENTS; i++)
		if (!p->instrument[i].after_exit == !after_exit && series_on(&p->instrument[i].slots))
			return 1;
	return 0;
}

int stroom_conditions_lever_used(const stroom_params *p, const char *key)
{
	if (!strcmp(key, "teams"))
		return p->n_teams > 0;
	if (!strcmp(key, "capacity.elasticity"))
		return prior_set(&p->capacity_elasticity, 0.0);
	if (!strcmp(key, "instruments"))
		return instruments_used(p, 0);
	if (!strcmp(key, "instruments.after_exit"))
		return instruments_used(p, 1);
	if (!strcmp(key, "gate.search_share"))
		return p->gate_search_share > 0;
	if (!strcmp(key, "gate.search_effect"))
		return prior_set(&p->gate_search_effect, 0.0);
	if (!strcmp(key, "gate.selection"))
		return prior_set(&p->gate_selection, 0.0);
	/* The other keys of these groups act only through the series that switches them on. */
	if (!strcmp(key, "prevention.target") || !strcmp(key, "prevention.reach") ||
	    !strcmp(key, "prevention.effect"))
		return series_on(&p->prevention_reach);
	if (!strcmp(key, "enforcement.controls") || !strcmp(key, "enforcement.detection") ||
	    !strcmp(key, "enforcement.termination_share") ||
	    !strcmp(key, "enforcement.sanction_pct") || !strcmp(key, "enforcement.sanction_months") ||
	    !strcmp(key, "enforcement.recovery_eurocent"))
		return series_on(&p->enforcement_controls);
	if (!strcmp(key, "targets.pressure") || !strcmp(key, "targets.work") ||
	    !strcmp(key, "targets.nondurable"))
		return series_on(&p->targets_pressure);
	if (!strcmp(key, "hazard.lks_share"))
		return p->lks_share > 0;
	return stroom_error_set(STROOM_ENOTFOUND, "lever '%s': not a lever key of the catalogue", key);
}

void stroom_conditions_each_used(const stroom_params *p,
				 void (*fn)(void *payload, const stroom_condition *c,
					    const char *key, int k),
				 void *payload)
{
	stroom_condition c;
	size_t i, n = stroom_conditions_count();
	for (i = 0; i < n; i++) {
		const char *k, *semi;
		char key[sizeof c.levers];
		int used = 0;
		if (stroom_conditions_get(i, &c) != 0)
			continue; /* a malformed builtin row; test_conditions rejects it */
		for (k = c.levers; *k; k = semi ? semi + 1 : k + strlen(k)) {
			size_t len;
			semi = strchr(k, ';');
			len = semi ? (size_t)(semi - k) : strlen(k);
			memcpy(key, k, len);
			key[len] = '\0';
			if (stroom_conditions_lever_used(p, key) == 1)
				fn(payload, &c, key, used++);
		}
		if (used)
			fn(payload, &c, NULL, used);
	}
}

static void touched_line(void *payload, const stroom_condition *c, const char *key, int k)
{
	stroom_sbuf *b = payload;
	if (!key)
		stroom_sbuf_printf(b, ")\n");
	else if (k)
		stroom_sbuf_printf(b, ", %s", key);
	else
		stroom_sbuf_printf(b, "%s %s (%s", c->code, c->name_en, key);
}

size_t stroom_conditions_touched(const stroom_params *p, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	if (buf && size)
		buf[0] = '\0';
	stroom_conditions_each_used(p, touched_line, &b);
	return b.len;
}
