/*
 * scenario_dump.c: text generated from the schema table: the resolved scenario as
 * YAML (`stroom run --dump-defaults`; loading it again gives identical params) and
 * as JSON (for manifest.json), and docs/scenario.md. All three walk the table in
 * order, so a key added to the table appears in each without further code; a
 * record map (`teams`, `instruments`) nests its records, whose fields come from
 * the record type's sub-table in the same way.
 *
 * Every writer follows snprintf: it returns the length it needs (without the NUL)
 * and writes at most size bytes, always NUL-terminated when size > 0.
 */
#include "builtin.h"
#include "internal.h"
#include "scenario_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Output goes through the core's growing text buffer (src/core/internal.h). */
typedef stroom_sbuf out;
#define put stroom_sbuf_printf

static void put_indent(out *o, int level)
{
	put(o, "%*s", 2 * level, "");
}

/*
 * The shortest decimal text that reads back as exactly v ("%.17g" is always
 * exact, but 0.059999999999999998 is hard to read); integral values without an
 * exponent.
 */
static const char *fmt_double(double v, char *buf, size_t size)
{
	int prec;
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v && !(v == 0 && signbit(v))) {
		snprintf(buf, size, "%lld", (long long)v);
		return buf;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return buf;
	}
	snprintf(buf, size, "%.17g", v);
	return buf;
}

static const void *cfield(const stroom_params *p, const scenario_key *k)
{
	return (const char *)p + k->offset;
}

/* A string quoted for YAML (double quotes) or JSON: the escapes both accept. */
static void put_quoted(out *o, const char *s, size_t max)
{
	size_t i;
	put(o, "\"");
	for (i = 0; i < max && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			put(o, "\\%c", ch);
		else if (ch == '\n')
			put(o, "\\n");
		else if (ch == '\t')
			put(o, "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			put(o, "\\u%04x", ch);
		else
			put(o, "%c", ch);
	}
	put(o, "\"");
}

/* Nonzero when a YAML plain scalar shows s unchanged (names like zuid, rotterdam-2017). */
static int plain_safe(const char *s)
{
	size_t i;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	      (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 0; s[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", s[i]))
			return 0;
	return 1;
}

static void put_name(out *o, const char *s, size_t max, int json)
{
	if (!json && memchr(s, '\0', max) && plain_safe(s))
		put(o, "%s", s);
	else
		put_quoted(o, s, max);
}

static void put_month(out *o, stroom_month m, int json)
{
	char buf[16];
	stroom_month_format(m, buf, sizeof buf);
	put(o, json ? "\"%s\"" : "%s", buf);
}

/* A prior: a plain number when fixed, else {DIST: [parameters]}. */
static void put_prior(out *o, const stroom_prior *pr, int json)
{
	const char *name = scenario_prior_name(pr->dist);
	char num[40];
	int i, n;
	if (pr->dist == STROOM_PRIOR_FIXED || !name) {
		if (pr->dist == STROOM_PRIOR_FIXED)
			put(o, "%s", fmt_double(pr->a, num, sizeof num));
		else /* not a valid prior: loading it fails, as it should */
			put(o, json ? "{\"invalid\": []}" : "{invalid: []}");
		return;
	}
	put(o, json ? "{\"%s\": [" : "{%s: [", name);
	if (pr->dist == STROOM_PRIOR_VALUES) {
		n = pr->nvalues < 0 || pr->nvalues > STROOM_PRIOR_MAX_VALUES ? 0 : pr->nvalues;
		for (i = 0; i < n; i++)
			put(o, "%s%s", i ? ", " : "", fmt_double(pr->values[i], num, sizeof num));
	} else {
		put(o, "%s, ", fmt_double(pr->a, num, sizeof num));
		put(o, "%s", fmt_double(pr->b, num, sizeof num));
	}
	put(o, "]}");
}

/* A selector: {class: [names], ...} without the classes that select all; {} for all. */
static void put_selector(out *o, const stroom_params *p, const stroom_selector *sel, int json)
{
	size_t c;
	int first = 1, i;
	put(o, "{");
	for (c = 0; c < scenario_nselector_classes; c++) {
		const scenario_selector_class *cl = &scenario_selector_classes[c];
		uint32_t mask = *(const uint32_t *)(const void *)((const char *)sel + cl->offset);
		int n = 0;
		if (!mask)
			continue;
		put(o, json ? "%s\"%s\": [" : "%s%s: [", first ? "" : ", ", cl->name);
		first = 0;
		for (i = 0; i < 32; i++) {
			const char *name = NULL;
			char bad[16];
			if (!(mask & (1u << i)))
				continue;
			if (!cl->label)
				name = i < p->n_areas ? p->area_name[i] : NULL;
			else
				name = i < cl->n ? cl->label(i) : NULL;
			put(o, "%s", n++ ? ", " : "");
			if (name) {
				put_name(o, name, STROOM_NAME_LEN, json);
			} else {
				/* Not a valid class: loading it fails, as it should. */
				snprintf(bad, sizeof bad, "#%d", i);
				put_quoted(o, bad, sizeof bad);
			}
		}
		put(o, "]");
	}
	put(o, "}");
}

/* The prior of the uncertain parameter at f (a double inside p), or NULL. */
static const stroom_prior *uncertain_of(const stroom_params *p, const void *f)
{
	return scenario_uncertain_at(p, (size_t)((const char *)f - (const char *)p));
}

/* The value of key (or record field) k at f in YAML flow style or JSON. */
static void put_value(out *o, const stroom_params *p, const scenario_key *k, const void *f,
		      int json)
{
	const stroom_prior *pr;
	char num[40];
	int i, n;

	switch (k->type) {
	case KEY_STRING:
		put_quoted(o, f, k->size);
		return;
	case KEY_NAME:
		put_name(o, f, k->size, json);
		return;
	case KEY_INT:
		put(o, "%d", *(const int *)f);
		return;
	case KEY_INT64:
		put(o, "%" PRId64, *(const int64_t *)f);
		return;
	case KEY_UINT64:
		put(o, "%" PRIu64, *(const uint64_t *)f);
		return;
	case KEY_DOUBLE:
		if ((pr = uncertain_of(p, f)) != NULL)
			put_prior(o, pr, json);
		else
			put(o, "%s", fmt_double(*(const double *)f, num, sizeof num));
		return;
	case KEY_MONTH:
		put_month(o, *(const stroom_month *)f, json);
		return;
	case KEY_LIST:
	case KEY_AREA_LIST:
		n = k->type == KEY_LIST ? k->length : p->n_areas;
		if (n < 0 || n > STROOM_MAX_AREAS)
			n = 0;
		put(o, "[");
		for (i = 0; i < n; i++) {
			put(o, "%s", i ? ", " : "");
			if ((pr = uncertain_of(p, (const double *)f + i)) != NULL)
				put_prior(o, pr, json);
			else
				put(o, "%s", fmt_double(((const double *)f)[i], num, sizeof num));
		}
		put(o, "]");
		return;
	case KEY_AREAS:
		n = p->n_areas < 0 || p->n_areas > STROOM_MAX_AREAS ? 0 : p->n_areas;
		put(o, "[");
		for (i = 0; i < n; i++) {
			put(o, "%s", i ? ", " : "");
			put_name(o, p->area_name[i], STROOM_NAME_LEN, json);
		}
		put(o, "]");
		return;
	case KEY_SERIES: {
		const stroom_series *s = f;
		n = s->n < 0 || s->n > STROOM_MAX_SERIES ? 0 : s->n;
		put(o, "{");
		for (i = 0; i < n; i++) {
			put(o, "%s", i ? ", " : "");
			put_month(o, s->month[i], json);
			put(o, ": ");
			if ((pr = uncertain_of(p, &s->value[i])) != NULL)
				put_prior(o, pr, json);
			else
				put(o, "%s", fmt_double(s->value[i], num, sizeof num));
		}
		put(o, "}");
		return;
	}
	case KEY_ENUM: {
		int v = *(const int *)f;
		const char *name = v >= 0 && v < k->length ? k->label(v) : NULL;
		if (name)
			put(o, json ? "\"%s\"" : "%s", name);
		else
			put(o, "%d", v); /* not a valid value: loading it fails, as it should */
		return;
	}
	case KEY_PRIOR:
		put_prior(o, f, json);
		return;
	case KEY_SELECTOR:
		put_selector(o, p, f, json);
		return;
	case KEY_RECORDS:
		put(o, "{}"); /* written by put_records */
		return;
	}
}

/*
 * A record map at nesting depth `depth` (its key already written): YAML block
 * mappings, NAME then its fields, in record order, or {} when empty; JSON objects.
 */
static void put_records(out *o, const stroom_params *p, const scenario_key *k, int depth,
			int json)
{
	const scenario_record *r = k->record;
	int n = *(const int *)(const void *)((const char *)p + r->count_offset), i;
	size_t f;
	if (n < 0 || n > r->max)
		n = 0;
	if (n == 0) {
		put(o, json ? "{}" : " {}\n");
		return;
	}
	put(o, json ? "{\n" : "\n");
	for (i = 0; i < n; i++) {
		const char *rec = (const char *)p + r->array_offset + (size_t)i * r->stride;
		if (json) {
			put(o, "%s", i ? ",\n" : "");
			put_indent(o, depth + 2);
			put_quoted(o, rec + r->name_offset, STROOM_NAME_LEN);
			put(o, ": {\n");
		} else {
			put_indent(o, depth + 1);
			put_name(o, rec + r->name_offset, STROOM_NAME_LEN, 0);
			put(o, ":\n");
		}
		for (f = 0; f < r->nfields; f++) {
			const scenario_key *fk = &r->fields[f];
			if (json) {
				put(o, "%s", f ? ",\n" : "");
				put_indent(o, depth + 3);
				put(o, "\"%s\": ", fk->path);
				put_value(o, p, fk, rec + fk->offset, 1);
			} else {
				put_indent(o, depth + 2);
				put(o, "%s: ", fk->path);
				put_value(o, p, fk, rec + fk->offset, 0);
				put(o, "\n");
			}
		}
		if (json) {
			put(o, "\n");
			put_indent(o, depth + 2);
			put(o, "}");
		}
	}
	if (json) {
		put(o, "\n");
		put_indent(o, depth + 1);
		put(o, "}");
	}
}

/* Number of dot-separated segments of path. */
static int segments(const char *path)
{
	int n = 1;
	for (; *path; path++)
		n += *path == '.';
	return n;
}

/* Segment i of path: start and length. */
static const char *segment(const char *path, int i, size_t *len)
{
	const char *s = path, *e;
	while (i-- > 0)
		s = strchr(s, '.') + 1;
	e = strchr(s, '.');
	*len = e ? (size_t)(e - s) : strlen(s);
	return s;
}

/* Number of leading group segments (all but the last) a and b share. */
static int shared_groups(const char *a, const char *b)
{
	int na = segments(a) - 1, nb = segments(b) - 1, i;
	for (i = 0; i < na && i < nb; i++) {
		size_t la, lb;
		const char *sa = segment(a, i, &la), *sb = segment(b, i, &lb);
		if (la != lb || memcmp(sa, sb, la) != 0)
			break;
	}
	return i;
}

/*
 * Writes every key in table order as nested mappings. Keys of one group are
 * contiguous in the table, so each group opens once.
 */
static size_t dump(const stroom_params *p, char *buf, size_t size, int json)
{
	out o = {buf, size, 0};
	const char *prev = "";
	int first[8] = {1, 1, 1, 1, 1, 1, 1, 1};
	size_t i;
	int level = 0, g;

	if (size)
		buf[0] = '\0';
	if (json) {
		put(&o, "{");
	} else {
		put(&o, "# Scenario ");
		put_name(&o, p->name, sizeof p->name, 0);
		put(&o, ", resolved: every key (docs/scenario.md).\n");
	}
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		int depth = segments(k->path) - 1, keep = shared_groups(prev, k->path);
		size_t len;
		const char *seg;
		for (; level > keep; level--) {
			if (json) {
				put(&o, "\n");
				put_indent(&o, level);
				put(&o, "}");
			}
		}
		for (g = level; g <= depth; g++) {
			seg = segment(k->path, g, &len);
			if (json) {
				put(&o, "%s\n", first[g] ? "" : ",");
				put_indent(&o, g + 1);
				put(&o, "\"%.*s\": ", (int)len, seg);
			} else {
				put_indent(&o, g);
				put(&o, "%.*s:", (int)len, seg);
			}
			first[g] = 0;
			if (g < depth) {
				first[g + 1] = 1;
				put(&o, json ? "{" : "\n");
			}
		}
		level = depth;
		if (k->type == KEY_RECORDS) {
			put_records(&o, p, k, depth, json);
		} else {
			if (!json)
				put(&o, " ");
			put_value(&o, p, k, cfield(p, k), json);
			if (!json)
				put(&o, "\n");
		}
		prev = k->path;
	}
	if (json) {
		for (; level > 0; level--) {
			put(&o, "\n");
			put_indent(&o, level);
			put(&o, "}");
		}
		put(&o, "\n}\n");
	}
	return o.len;
}

size_t stroom_params_to_yaml(const stroom_params *p, char *buf, size_t size)
{
	return dump(p, buf, size, 0);
}

size_t stroom_params_to_json(const stroom_params *p, char *buf, size_t size)
{
	return dump(p, buf, size, 1);
}

/* ---- where each key's value comes from (manifest.json "scenario_sources") ---- */

/* The text of an input file for its comments: the file on disk, else the builtin
 * with that path ("data/scenarios/NAME.yaml"); NULL when neither can be read. */
static char *source_text(const char *path, int *owned)
{
	const stroom_builtin *b;
	char *text = NULL;
	size_t len;
	*owned = 0;
	if (stroom_read_file(stroom_alloc_or_default(NULL), path, STROOM_INPUT_SCENARIO, "", &text,
			     &len) == 0) {
		*owned = 1;
		return text;
	}
	b = stroom_builtin_find(stroom_builtins, path);
	return b ? (char *)b->text : NULL;
}

/* The comment at the end of line `line` (1-based) of text: after a '#' that starts
 * the text or follows a blank, outside quotes; NULL and *len 0 when there is none. */
static const char *line_comment(const char *text, size_t line, size_t *len)
{
	const char *q = text, *end;
	char quote = 0;
	size_t l;
	*len = 0;
	for (l = 1; l < line && q; l++) {
		q = strchr(q, '\n');
		if (q)
			q++;
	}
	if (!q)
		return NULL;
	end = strchr(q, '\n');
	if (!end)
		end = q + strlen(q);
	for (; q < end; q++) {
		if (quote) {
			if (*q == quote)
				quote = 0;
		} else if (*q == '"' || *q == '\'') {
			quote = *q;
		} else if (*q == '#' && (q == text || q[-1] == ' ' || q[-1] == '\t')) {
			q++;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			while (end > q && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
				end--;
			*len = (size_t)(end - q);
			return q;
		}
	}
	return NULL;
}

/* The text of the last file read for comments (files repeat from key to key). */
typedef struct source_cache {
	char path[4200];
	char *text;
	int owned;
} source_cache;

/* One entry of "scenario_sources": "PATH": {"unit": ..., "file": ..., "line": N,
 * "comment": ...}, the last three when a file set it (file is NULL otherwise). */
static void put_source(out *o, source_cache *c, const char *path, const char *unit, const char *file,
		       size_t line, int first)
{
	put(o, "%s\n  ", first ? "" : ",");
	put_quoted(o, path, SIZE_MAX);
	put(o, ": {\"unit\": ");
	put_quoted(o, unit ? unit : "", SIZE_MAX);
	if (file) {
		put(o, ", \"file\": ");
		put_quoted(o, file, SIZE_MAX);
		put(o, ", \"line\": %zu", line);
		if (strcmp(c->path, file) != 0) {
			if (c->owned)
				stroom_free(stroom_alloc_or_default(NULL), c->text);
			c->text = source_text(file, &c->owned);
			snprintf(c->path, sizeof c->path, "%s", file);
		}
		if (c->text) {
			size_t n;
			const char *comment = line_comment(c->text, line, &n);
			if (comment) {
				put(o, ", \"comment\": ");
				put_quoted(o, comment, n);
			}
		}
	}
	put(o, "}");
}

size_t stroom_scenario_sources_json(const stroom_scenario *s, char *buf, size_t size)
{
	out o = {buf, size, 0};
	char where[4200];
	source_cache cache;
	const scenario_field_where *fw;
	size_t k, nf;
	if (size)
		buf[0] = '\0';
	memset(&cache, 0, sizeof cache);
	put(&o, "{");
	for (k = 0; k < scenario_nkeys; k++) {
		const scenario_key *key = &scenario_keys[k];
		const char *w = stroom_scenario_key_where(s, key->path, where, sizeof where);
		unsigned long line = 0;
		if (w) { /* FILE:LINE:COL; FILE may itself hold colons */
			char *c2 = strrchr(where, ':'), *c1;
			*c2 = '\0';
			c1 = strrchr(where, ':');
			*c1 = '\0';
			line = strtoul(c1 + 1, NULL, 10);
		}
		put_source(&o, &cache, key->path, key->unit, w ? where : NULL, line, k == 0);
	}
	fw = scenario_field_wheres(s, &nf);
	for (k = 0; k < nf; k++)
		put_source(&o, &cache, fw[k].path, fw[k].unit, fw[k].file, fw[k].line, 0);
	put(&o, "\n}");
	if (cache.owned)
		stroom_free(stroom_alloc_or_default(NULL), cache.text);
	return o.len;
}

/* ---- docs/scenario.md ---- */

static void put_type(out *o, const scenario_key *k)
{
	int i;
	switch (k->type) {
	case KEY_STRING:
		put(o, "text");
		return;
	case KEY_NAME:
		put(o, "name");
		return;
	case KEY_INT:
	case KEY_INT64:
	case KEY_UINT64:
		put(o, "integer");
		return;
	case KEY_DOUBLE:
		put(o, scenario_key_takes_prior(k) ? "number or prior" : "number");
		return;
	case KEY_MONTH:
		put(o, "month");
		return;
	case KEY_LIST:
		put(o, "list of %d%s: ", k->length,
		    scenario_key_takes_prior(k) ? " numbers or priors" : "");
		for (i = 0; i < k->length; i++)
			put(o, "%s`%s`", i ? ", " : "", k->label(i));
		return;
	case KEY_AREA_LIST:
		put(o, "list: one per area%s", scenario_key_takes_prior(k) ? ", numbers or priors" : "");
		return;
	case KEY_AREAS:
		put(o, "list of names");
		return;
	case KEY_SERIES:
		put(o, scenario_key_takes_prior(k) ? "series of numbers or priors" : "series");
		return;
	case KEY_ENUM:
		put(o, "one of ");
		for (i = 0; i < k->length; i++)
			put(o, "%s`%s`", i ? ", " : "", k->label(i));
		return;
	case KEY_PRIOR:
		put(o, "prior");
		return;
	case KEY_SELECTOR:
		put(o, "selector");
		return;
	case KEY_RECORDS:
		put(o, "records: %ss", k->record->what);
		return;
	}
}

static void put_bounds(out *o, const scenario_key *k)
{
	switch (k->type) {
	case KEY_STRING:
	case KEY_NAME:
		if (k->min > 0)
			put(o, "%.0f to %.0f characters", k->min, k->max);
		else
			put(o, "at most %.0f characters", k->max);
		return;
	case KEY_UINT64:
		put(o, "[0, 2^64 - 1]");
		return;
	case KEY_MONTH:
		put(o, "1900-01 to 2200-12");
		return;
	case KEY_AREAS:
		put(o, "%.0f to %.0f names", k->min, k->max);
		return;
	case KEY_ENUM:
	case KEY_SELECTOR:
		put(o, "-");
		return;
	case KEY_RECORDS:
		put(o, "at most %d %ss", k->record->max, k->record->what);
		return;
	case KEY_INT:
	case KEY_INT64:
	case KEY_DOUBLE:
	case KEY_LIST:
	case KEY_AREA_LIST:
	case KEY_SERIES:
	case KEY_PRIOR:
		put(o, "[%.15g, %.15g]", k->min, k->max);
		if (k->flags & KEY_SHARES)
			put(o, ", sum 1");
		if (k->flags & KEY_NONEMPTY)
			put(o, ", at least 1 month");
		if (k->flags & KEY_FROM_START)
			put(o, ", the first at or before start");
		if (k->flags & KEY_COUNT)
			put(o, ", whole numbers");
		return;
	}
}

/* `what` names the record a field belongs to ("team"), or NULL for keys. */
static void put_default(out *o, const scenario_key *k, const char *what)
{
	if (k->def_from)
		put(o, "the %s's `%s`", what ? what : "record", k->def_from);
	else if (!k->def)
		put(o, "required");
	else if (k->type == KEY_SERIES)
		put(o, "`%s` (= %.15g)", k->def, k->empty_value);
	else if (k->type == KEY_SELECTOR)
		put(o, "`%s` (= all)", k->def);
	else if (k->type == KEY_RECORDS)
		put(o, "`%s` (= none)", k->def);
	else if (!*k->def)
		put(o, "`\"\"`");
	else
		put(o, "`%s`", k->def);
}

/* In parts: C11 only promises string literals of 4095 characters. */
static const char *const markdown_intro[] = {
	"# Scenario files\n"
	"\n"
	"<!-- Generated from the schema table in src/scenario/scenario_schema.c by\n"
	"     stroom_scenario_schema_markdown(); do not edit. After changing the table, run\n"
	"     `STROOM_UPDATE_DOCS=1 build/tests/test_scenario` to regenerate. -->\n"
	"\n"
	"A scenario is a YAML file that sets every parameter of a run: the period, the\n"
	"households on benefit at the start, the inflow of new households, the monthly exit\n"
	"hazards, the policy target and the policy levers. Wherever stroom asks for a\n"
	"scenario it takes a builtin name (`rotterdam`, compiled in from `data/scenarios/`)\n"
	"or a path to a YAML file (anything containing `/` or ending in `.yaml` or `.yml`).\n"
	"\n"
	"**Keys.** Keys are nested mappings. The table names each by its dotted path, so\n"
	"`hazard.work.distance` is written\n"
	"\n"
	"```yaml\n"
	"hazard:\n"
	"  work:\n"
	"    distance: [0.060, 0.016, 0.0022]\n"
	"```\n"
	"\n"
	"A key that is not in the table is an error, with a hint when it is close to one\n"
	"(\"hazard.wrok: unknown key; did you mean 'hazard.work'?\"), and so is a key set\n"
	"twice in one mapping.\n"
	"\n"
	"**extends.** `extends: NAME-or-PATH` at the top level loads a base scenario first;\n"
	"the file then overrides only the keys it sets. A list, a series, a prior or a\n"
	"selector is replaced whole, never merged; the record maps `teams` and\n"
	"`instruments` are merged by name (see Record maps). Relative paths are relative\n"
	"to the extending file. Bases may extend further bases, at most 8 deep, without\n"
	"cycles.\n"
	"\n"
	"**Required keys and defaults.** Model numbers (hazards, shares, inflow) are\n"
	"required: the builtin scenarios set every one of them with its source, so a\n"
	"scenario of your own normally extends one and changes a few keys: `extends:\n"
	"generic` for any municipality (`stroom init` writes one, docs/init.md),\n"
	"`extends: rotterdam` for Rotterdam. Technical keys have defaults, and so have\n"
	"the policy levers (`teams`, `capacity`, `instruments`, `gate`, `prevention`,\n"
	"`enforcement`, `targets`), whose defaults have no effect: a scenario that does\n"
	"not set them runs as before.\n"
	"\n"
	"**Numbers.** A number is written with a '.' as its decimal point, never as a\n"
	"thousands separator: YAML reads `2.400` as 2.4. Write large numbers plainly\n"
	"(`2400`, `7000000`) or with underscores between digit groups (`2_400`,\n"
	"`7_000_000`). Keys that count households or people (or starts and controls a\n"
	"year), marked \"whole numbers\" in the bounds column, take whole numbers without\n"
	"a '.' only, so `inflow: {per_year: 2.400}` is an error that suggests `2400`; in\n"
	"their priors a number grouped like `7.700` is an error too.\n"
	"\n"
	"**Lists and shares.** Lists are written `[a, b, c]`, their entries in the order\n"
	"the type column gives (age bands, benefit duration, household type, distance to\n"
	"work, stream). A list of shares holds fractions that sum to 1 (within 1e-6).\n"
	"Lists marked \"one per area\" have one entry per name in `areas`, in that order.\n"
	"With one area they may be left out, and a list inherited from a base with other\n"
	"areas is dropped: each is then `[1]` (the whole stock and inflow, no area effect).\n"
	"So `extends: rotterdam` with `areas: [stad]` needs only its area teams removed\n"
	"(`werk_zuid: ~`); the builtin `generic` has one area and teams by distance.\n"
	"\n"
	"**Series.** A series is a mapping of months to numbers, `{2024-01: 1.00, 2025-01:\n"
	"0.98}`: each value holds from its month until the next one. Before the first\n"
	"month, and throughout for the empty series `{}`, the series stands for the value\n"
	"in the default column: 1 for a multiplier or the labour-market index, so a shock\n"
	"is written as `{2020-04: 1.25, 2021-01: 1.00}`; 0 for a policy lever such as\n"
	"`prevention.reach` or an instrument's `slots`, which are off until their first\n"
	"month. Months increase strictly, at most 64 of them. (The pension age is not a\n"
	"scenario key: it comes from the benefit rules, by birth month; see docs/rules.md.)\n"
	"\n",

	"**Priors.** An uncertain parameter (type \"prior\") is written as a number, which\n"
	"is fixed, or as one distribution, drawn once per replicate (reproducibly, from\n"
	"the seed):\n"
	"\n"
	"| written | distribution | conditions |\n"
	"|---|---|---|\n"
	"| `0.35` | fixed | within the key's bounds |\n"
	"| `{normal: [mean, sd]}` | normal | sd > 0; mean within the bounds |\n"
	"| `{lognormal: [meanlog, sdlog]}` | exp of a normal | sdlog > 0 |\n"
	"| `{beta: [alpha, beta]}` | beta | alpha > 0, beta > 0; only for keys with bounds "
	"inside [0, 1] |\n"
	"| `{uniform: [min, max]}` | uniform | min < max, both within the bounds |\n"
	"| `{values: [v1, v2, ...]}` | each value equally likely | 1 to 8 values, each within "
	"the bounds |\n"
	"\n"
	"Draws outside the key's bounds are drawn again (truncation). The central value\n"
	"is the fixed value, the mean (normal, beta, values), the median exp(meanlog)\n"
	"(lognormal) or the midpoint (uniform).\n"
	"\n"
	"**Uncertain parameters.** Besides the keys of type \"prior\" (policy effects),\n"
	"every key of type \"number or prior\", and every entry of a list marked \"numbers\n"
	"or priors\", may be written as a distribution in the same way; a list mixes\n"
	"numbers and priors freely:\n"
	"\n"
	"```yaml\n"
	"inflow:\n"
	"  per_year: {normal: [7000, 350]}\n"
	"hazard:\n"
	"  work:\n"
	"    distance: [{lognormal: [-2.66, 0.15]}, 0.024, 0.0022]\n"
	"```\n"
	"\n"
	"The key then holds the central value, and each replicate draws its own value,\n"
	"reproducibly from the seed and the key's name (`inflow.per_year`,\n"
	"`hazard.work.distance.short`: the key, then the list entry's name), so adding\n"
	"a prior elsewhere changes no other draw. `stroom run --fixed-parameters` runs\n"
	"every prior at its central value. In a scenario that extends another, setting\n"
	"the key (or the list) again replaces its priors; a plain number removes the\n"
	"prior. Shares (lists that sum to 1), integers, the other series and the\n"
	"starting population's numbers cannot carry a prior.\n"
	"\n"
	"A value of a series marked \"series of numbers or priors\" (the shocks\n"
	"`inflow.shock` and `hazard.work.shock`) may be a prior too, named after the key\n"
	"and its month (`inflow.shock.2020-04`); a series mixes numbers and priors:\n"
	"\n"
	"```yaml\n"
	"inflow:\n"
	"  shock: {2020-04: {lognormal: [0.22, 0.15]}, 2021-01: 0.90}\n"
	"```\n"
	"\n"
	"A scenario that extends another and sets the series replaces it whole, priors\n"
	"included. `labour_market.index` and the policy series take numbers only.\n"
	"\n"
	"**Selectors.** A selector (type \"selector\") says which households a team serves,\n"
	"an instrument admits or prevention reaches: a mapping of classes to lists of\n"
	"names, `{distance: [short, medium], area: [zuid]}`. The classes are `distance`\n"
	"(`short`, `medium`, `long`), `duration` (`<1y`, `1-2y`, `2-5y`, `\">5y\"`), `age`\n"
	"(`<27`, `27-39`, `40-54`, `55+`), `type` (`single`, `single_parent`, `couple`),\n"
	"`stream` (`werk`, `prestatie010`, `other`) and `area` (the names in `areas`). A\n"
	"household is selected when, for each class given, it is in one of the names\n"
	"listed; a class left out selects all, and `{}` selects every household. `>5y`\n"
	"must be quoted in YAML.\n"
	"\n",

	"**Record maps.** `teams` and `instruments` map names (a-z, 0-9, `_` and `-`, at\n"
	"most 31 characters) to records, whose fields the table lists as\n"
	"`teams.NAME.field`. Records keep the order of the file; a household on benefit is\n"
	"served by the first team with FTE that month that selects it. Over `rotterdam`\n"
	"(which has the teams jongeren, werk_zuid, werk_noord, prestatie010) this changes\n"
	"werk_zuid and adds a team and an instrument:\n"
	"\n"
	"```yaml\n"
	"extends: rotterdam\n"
	"teams:\n"
	"  werk_zuid:\n"
	"    serves: {distance: [short, medium], area: [zuid]}\n"
	"    norm: 65\n"
	"    fte: {2024-01: 41.5, 2026-01: 47}\n"
	"  participatie:\n"
	"    serves: {distance: [long]}\n"
	"    norm: 120\n"
	"    reference: 146\n"
	"    fte: {2024-01: 63.5}\n"
	"instruments:\n"
	"  proefplaats:\n"
	"    eligible: {distance: [medium], age: [<27, 27-39]}\n"
	"    slots: {2024-01: 850}\n"
	"    cost_eurocent: 61750\n"
	"    duration_months: 6\n"
	"    lockin: {uniform: [0.55, 0.85]}\n"
	"    effect: {normal: [1.35, 0.12]}\n"
	"    effect_months: 18\n"
	"    priority: gain\n"
	"```\n"
	"\n"
	"A scenario that extends another merges its record maps into the base's by name,\n"
	"field by field: a name the base has changes only the fields given, a new name\n"
	"adds a record at the end (its required fields must then be set), and `NAME: null`\n"
	"(or `~`) removes one. Over the example above,\n"
	"\n"
	"```yaml\n"
	"instruments:\n"
	"  proefplaats:\n"
	"    slots: {2025-01: 900}\n"
	"teams:\n"
	"  participatie: ~\n"
	"```\n"
	"\n"
	"changes only the slots of `proefplaats` and removes the team `participatie`;\n"
	"`teams: {}` changes nothing.\n"
	"\n"
	"**Units.** Hazards are monthly probabilities (\"per month\"); multipliers scale a\n"
	"hazard or a flow relative to 1; shares are fractions; months are written\n"
	"`YYYY-MM`, and a stock is counted on the 1st of its month.\n"
	"\n"
	"**Errors.** A problem is reported on one line, `FILE:LINE:COL: key: expected ...,\n"
	"got ...`, and nothing is loaded. `stroom run --dump-defaults` prints a scenario\n"
	"resolved, with every key; loading that output gives the same parameters.\n"
	"\n"
	"## Keys\n"
	"\n"
	"| key | type | bounds | default | unit | description |\n"
	"|---|---|---|---|---|---|\n",
};

static const char markdown_example[] =
	"\n"
	"## Example\n"
	"\n"
	"A scenario of your own, say `strenger.yaml`, that keeps everything of Rotterdam\n"
	"but doubles exits through enforcement and adds a temporary rise in inflow:\n"
	"\n"
	"```yaml\n"
	"extends: rotterdam\n"
	"name: rotterdam-strenger\n"
	"description: \"Rotterdam baseline, enforcement exits doubled, inflow +25% in 2025\"\n"
	"hazard:\n"
	"  enforcement: 0.0048\n"
	"inflow:\n"
	"  shock: {2025-01: 1.25, 2026-01: 1.0}\n"
	"```\n";

/* One row of the keys table; `what` names the record of a field (else NULL). */
static void put_row(out *o, const scenario_key *k, const char *path, const char *what)
{
	put(o, "| `%s` | ", path);
	put_type(o, k);
	put(o, " | ");
	put_bounds(o, k);
	put(o, " | ");
	put_default(o, k, what);
	put(o, " | %s | %s |\n", *k->unit ? k->unit : "-", k->doc);
}

/* Calls row for every key of the table, in order, and after a record map for each
 * of its fields (path "teams.NAME.fte", what "team"; NULL for keys). */
static void walk_keys(out *o, void (*row)(out *o, const scenario_key *k, const char *path,
					  const char *what))
{
	char path[128];
	size_t i, f;
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		row(o, k, k->path, NULL);
		if (k->type != KEY_RECORDS)
			continue;
		for (f = 0; f < k->record->nfields; f++) {
			const scenario_key *fk = &k->record->fields[f];
			snprintf(path, sizeof path, "%s.NAME.%s", k->path, fk->path);
			row(o, fk, path, k->record->what);
		}
	}
}

size_t stroom_scenario_schema_markdown(char *buf, size_t size)
{
	out o = {buf, size, 0};
	size_t i;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < STROOM_ARRAY_LEN(markdown_intro); i++)
		put(&o, "%s", markdown_intro[i]);
	walk_keys(&o, put_row);
	put(&o, "%s", markdown_example);
	return o.len;
}

/* The kind of a key's value for stroom_scenario_schema_keys. */
static const char *key_kind(const scenario_key *k)
{
	switch (k->type) {
	case KEY_INT:
	case KEY_INT64:
		return "integer";
	case KEY_DOUBLE:
	case KEY_PRIOR:
		return "number";
	case KEY_LIST:
		return k->flags & KEY_SHARES ? "shares" : "list";
	case KEY_AREA_LIST:
		return k->flags & KEY_SHARES ? "area_shares" : "area_list";
	case KEY_SERIES:
		return "series";
	case KEY_MONTH:
		return "month";
	case KEY_UINT64:
		return "uint64";
	default:
		return "other";
	}
}

/* One line of the keys table; a record map itself has no line (its fields do). */
static void put_key_line(out *o, const scenario_key *k, const char *path, const char *what)
{
	char lo[40], hi[40];
	(void)what;
	if (k->type == KEY_RECORDS)
		return;
	put(o, "%s\t%s\t%s\t%s\t%d\n", path, key_kind(k), fmt_double(k->min, lo, sizeof lo),
	    fmt_double(k->max, hi, sizeof hi), k->type == KEY_LIST ? k->length : 0);
}

size_t stroom_scenario_schema_keys(char *buf, size_t size)
{
	out o = {buf, size, 0};
	if (size)
		buf[0] = '\0';
	put(&o, "key\tkind\tmin\tmax\tentries\n");
	walk_keys(&o, put_key_line);
	return o.len;
}
