/*
 * archive_diff.c: what changed between two records of the run archive
 * (stroom_archive_diff, include/stroom/archive.h): the manifests flattened to
 * dotted keys with libjansson (the resolved scenario, the settings, the inputs'
 * sha256 by path), the headline results read from the stored tables, and the
 * stored files whose bytes differ.
 */
#include "archive_int.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines of a table longer than this are not looked into (ours are far shorter). */
#define MAX_LINE 4096
#define MAX_FIELDS 16

typedef struct kv {
	int section, rank; /* rank: the order of the results (caseload, P, budget) */
	char *key, *val;
} kv;

typedef struct kvs {
	stroom_archive *ar;
	kv *v;
	size_t n, cap;
	int err;
} kvs;

static void kvs_free(kvs *s)
{
	size_t i;
	for (i = 0; i < s->n; i++) {
		stroom_free(&s->ar->alloc, s->v[i].key);
		stroom_free(&s->ar->alloc, s->v[i].val);
	}
	stroom_free(&s->ar->alloc, s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* Appends (section, key, val); on failure s->err is set and later adds do nothing. */
static void kvs_add_ranked(kvs *s, int section, int rank, const char *key, const char *val)
{
	kv *e;
	if (s->err)
		return;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		kv *g = stroom_realloc(&s->ar->alloc, s->v, nc * sizeof *g);
		if (!g) {
			s->err = STROOM_ENOMEM;
			return;
		}
		s->v = g;
		s->cap = nc;
	}
	e = &s->v[s->n];
	e->section = section;
	e->rank = rank;
	e->key = stroom_strdup(&s->ar->alloc, key);
	e->val = stroom_strdup(&s->ar->alloc, val);
	if (!e->key || !e->val) {
		stroom_free(&s->ar->alloc, e->key);
		stroom_free(&s->ar->alloc, e->val);
		s->err = STROOM_ENOMEM;
		return;
	}
	s->n++;
}

static void kvs_add(kvs *s, int section, const char *key, const char *val)
{
	kvs_add_ranked(s, section, 0, key, val);
}

static int kv_cmp(const void *pa, const void *pb)
{
	const kv *a = pa, *b = pb;
	if (a->section != b->section)
		return a->section - b->section;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return strcmp(a->key, b->key);
}

/* A run's manifest keys that are results, not settings: how wide the interval is
 * with the posterior and with the priors alone, and how much the data narrowed it. */
static int is_result_key(const char *key)
{
	return !strncmp(key, "posterior.interval_width", 24) || !strcmp(key, "posterior.narrowed_pct");
}

/* A leaf's text: a string as it is, anything else as compact JSON (numbers to 10
 * significant digits: a difference further down is rounding, not a change). */
static void add_leaf(kvs *s, const char *key, json_t *j)
{
	int result = is_result_key(key);
	char *text;
	if (json_is_string(j)) {
		kvs_add_ranked(s, result ? STROOM_DIFF_RESULT : STROOM_DIFF_SETTING, result ? 3 : 0, key,
			       json_string_value(j));
		return;
	}
	text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(10));
	if (!text) {
		s->err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		return;
	}
	kvs_add_ranked(s, result ? STROOM_DIFF_RESULT : STROOM_DIFF_SETTING, result ? 3 : 0, key, text);
	free(text);
}

/* An "inputs" array: each {"path", "sha256"} as an input keyed by its path (with
 * the side of a comparison before it, "a: path"). */
static int add_inputs(kvs *s, const char *prefix, json_t *arr)
{
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		json_t *path = json_object_get(e, "path"), *sha = json_object_get(e, "sha256");
		char key[4200];
		if (!json_is_string(path) || !json_is_string(sha))
			return 0;
		snprintf(key, sizeof key, "%.*s%s%s", prefix[0] ? (int)strlen(prefix) - 1 : 0, prefix,
			 prefix[0] ? ": " : "", json_string_value(path));
		kvs_add(s, STROOM_DIFF_INPUT, key, json_string_value(sha));
	}
	return 1;
}

/* Flattens j into dotted keys under prefix ("" or "scenario.", ending with '.'). */
static void flatten(kvs *s, const char *prefix, json_t *j, int depth)
{
	const char *k;
	json_t *v;
	char key[4200];
	if (s->err)
		return;
	if (!json_is_object(j) || depth > 64) {
		snprintf(key, sizeof key, "%.*s", (int)strlen(prefix) - (prefix[0] ? 1 : 0), prefix);
		add_leaf(s, key, j);
		return;
	}
	json_object_foreach(j, k, v) {
		if (depth == 0 && !strcmp(k, "created_utc"))
			continue; /* when it was written: the records' times say it */
		if (!strcmp(k, "inputs") && json_is_array(v) && add_inputs(s, prefix, v))
			continue;
		snprintf(key, sizeof key, "%s%s.", prefix, k);
		flatten(s, key, v, depth + 1);
	}
}

/* --- the headline results, from the stored tables ------------------------- */

typedef struct field {
	const char *p;
	size_t len;
} field;

/* Splits one line (len bytes) at commas into at most MAX_FIELDS fields. */
static int split(const char *line, size_t len, field *f)
{
	int n = 0;
	const char *p = line, *end = line + len;
	while (n < MAX_FIELDS) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		f[n].p = p;
		f[n].len = c ? (size_t)(c - p) : (size_t)(end - p);
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}

static int field_is(const field *f, const char *s)
{
	return f->len == strlen(s) && !memcmp(f->p, s, f->len);
}

static double field_num(const field *f)
{
	char buf[64];
	char *end;
	double v;
	if (f->len == 0 || f->len >= sizeof buf)
		return NAN;
	memcpy(buf, f->p, f->len);
	buf[f->len] = '\0';
	v = strtod(buf, &end);
	return *end ? NAN : v;
}

/* Calls fn for every data line of a CSV table whose column `want` exists, with the
 * line's fields and that column's index. */
static void csv_each(const char *text, size_t len, const char *want,
		     void (*fn)(const field *f, int n, int col, void *payload), void *payload)
{
	const char *p = text, *end = text + len;
	field f[MAX_FIELDS];
	int col = -1, line = 0, n, i;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l < MAX_LINE && p[0] != '#') {
			n = split(p, l, f);
			if (line++ == 0) {
				for (i = 0; i < n; i++)
					if (field_is(&f[i], want))
						col = i;
				if (col < 0)
					return;
			} else if (col < n) {
				fn(f, n, col, payload);
			}
		}
		p = nl ? nl + 1 : end;
	}
}

typedef struct headline {
	kvs *s;
	int side; /* 0: a's value, else b's: values go into two lists */
	char month[16];
	const char *indicator, *label;
	int year_rows;
	double found;
} headline;

/* series.csv: the p50 of caseload, group all, in the target month. */
static void series_row(const field *f, int n, int col, void *payload)
{
	headline *h = payload;
	if (n > 3 && field_is(&f[0], h->month) && field_is(&f[1], "caseload") && field_is(&f[2], "all"))
		h->found = field_num(&f[col]);
}

/* budget.csv / compare.csv: one result per year (period YYYY, the indicator). */
static void year_row(const field *f, int n, int col, void *payload)
{
	headline *h = payload;
	char key[160], val[64];
	double v;
	if (n < 2 || f[0].len != 4 || !field_is(&f[1], h->indicator))
		return;
	v = field_num(&f[col]);
	snprintf(key, sizeof key, "budget result %.4s%s", f[0].p, h->label);
	snprintf(val, sizeof val, isfinite(v) ? "%.0f" : "-", v);
	kvs_add_ranked(h->s, STROOM_DIFF_RESULT, 2, key, val);
}

static void fmt_p(char *buf, size_t size, double p)
{
	if (isfinite(p))
		snprintf(buf, size, "%.3f", p);
	else
		snprintf(buf, size, "-");
}

/* The record's headline results into s (section RESULT). */
static int headlines(stroom_archive *ar, const stroom_archive_record *r, json_t *manifest, kvs *s)
{
	json_t *target = r->kind == STROOM_ARCHIVE_COMPARE
				 ? json_object_get(manifest, "target")
				 : json_object_get(json_object_get(manifest, "scenario"), "target");
	json_t *hh = json_object_get(target, "households"), *date = json_object_get(target, "date");
	const char *table = r->kind == STROOM_ARCHIVE_COMPARE ? "compare.csv"
			    : r->kind == STROOM_ARCHIVE_RUN    ? "budget.csv"
							       : NULL;
	char key[200], val[64], *data = NULL;
	size_t len = 0;
	headline h;
	int err;
	memset(&h, 0, sizeof h);
	h.s = s;
	if (json_is_integer(hh) && json_integer_value(hh) > 0 && json_is_string(date)) {
		long long n = (long long)json_integer_value(hh);
		const char *d = json_string_value(date);
		if (r->kind == STROOM_ARCHIVE_RUN) {
			snprintf(h.month, sizeof h.month, "%.7s", d);
			h.found = NAN;
			err = stroom_archive_file_data(ar, r->id, "series.csv", &data, &len);
			if (err && err != STROOM_ENOTFOUND)
				return err;
			if (!err)
				csv_each(data, len, "p50", series_row, &h);
			stroom_archive_data_free(ar, data);
			data = NULL;
			snprintf(key, sizeof key, "caseload median on %.7s-01 (target date)", d);
			snprintf(val, sizeof val, isfinite(h.found) ? "%.0f" : "-", h.found);
			kvs_add_ranked(s, STROOM_DIFF_RESULT, 0, key, val);
			snprintf(key, sizeof key, "P(caseload <= %lld on %.7s)", n, d);
			fmt_p(val, sizeof val, r->target_p);
			kvs_add_ranked(s, STROOM_DIFF_RESULT, 1, key, val);
		} else if (r->kind == STROOM_ARCHIVE_COMPARE) {
			snprintf(key, sizeof key, "P(caseload <= %lld on %.7s), A", n, d);
			fmt_p(val, sizeof val, r->target_p_a);
			kvs_add_ranked(s, STROOM_DIFF_RESULT, 1, key, val);
			snprintf(key, sizeof key, "P(caseload <= %lld on %.7s), B", n, d);
			fmt_p(val, sizeof val, r->target_p);
			kvs_add_ranked(s, STROOM_DIFF_RESULT, 1, key, val);
		}
	}
	if (!table)
		return s->err;
	err = stroom_archive_file_data(ar, r->id, table, &data, &len);
	if (err == STROOM_ENOTFOUND)
		return s->err; /* a run without a budget */
	if (err)
		return err;
	if (r->kind == STROOM_ARCHIVE_RUN) {
		h.indicator = "result";
		h.label = " (EUR, median)";
		csv_each(data, len, "p50", year_row, &h);
	} else {
		h.indicator = "budget_result_eur";
		h.label = ", B - A (EUR, median)";
		csv_each(data, len, "diff_p50", year_row, &h);
	}
	stroom_archive_data_free(ar, data);
	return s->err;
}

/* The stored files: name -> "N bytes, sha256 PREFIX" (section FILE). */
static int file_list(stroom_archive *ar, int64_t id, kvs *s)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(ar->db, "SELECT name, size, sha256 FROM file WHERE record_id = ?", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		sqlite3_finalize(st);
		return stroom_archive_sql_error(ar, "reading a record's files");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char val[128];
		const unsigned char *name = sqlite3_column_text(st, 0), *sha = sqlite3_column_text(st, 2);
		snprintf(val, sizeof val, "%lld bytes, sha256 %.12s", (long long)sqlite3_column_int64(st, 1),
			 sha ? (const char *)sha : "");
		kvs_add(s, STROOM_DIFF_FILE, name ? (const char *)name : "", val);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return stroom_archive_sql_error(ar, "reading a record's files");
	return s->err;
}

/* Everything diff compares of one record, sorted by (section, key). */
static int collect(stroom_archive *ar, int64_t id, kvs *s)
{
	stroom_archive_record *r = NULL;
	json_t *m;
	json_error_t je;
	int err;
	if ((err = stroom_archive_get(ar, id, &r)) != 0)
		return err;
	m = json_loads(r->manifest, 0, &je);
	if (!m) {
		err = stroom_error_set(STROOM_EPARSE, "archive '%s': record %lld: manifest.json:%d:%d: %s",
				       ar->path, (long long)id, je.line, je.column, je.text);
		stroom_archive_records_free(ar, r, 1);
		return err;
	}
	flatten(s, "", m, 0);
	err = s->err;
	if (!err)
		err = headlines(ar, r, m, s);
	if (!err)
		err = file_list(ar, id, s);
	json_decref(m);
	stroom_archive_records_free(ar, r, 1);
	if (!err)
		qsort(s->v, s->n, sizeof *s->v, kv_cmp);
	return err;
}

void stroom_archive_diff_free(stroom_archive *ar, stroom_archive_diff_item *items, size_t n)
{
	size_t i;
	if (!items)
		return;
	for (i = 0; i < n; i++) {
		stroom_free(&ar->alloc, (char *)items[i].key);
		stroom_free(&ar->alloc, (char *)items[i].a);
		stroom_free(&ar->alloc, (char *)items[i].b);
	}
	stroom_free(&ar->alloc, items);
}

int stroom_archive_diff(stroom_archive *ar, int64_t a, int64_t b, stroom_archive_diff_item **out,
			size_t *n)
{
	kvs sa, sb;
	stroom_archive_diff_item *items = NULL;
	size_t i = 0, j = 0, k = 0;
	int err;
	*out = NULL;
	*n = 0;
	memset(&sa, 0, sizeof sa);
	memset(&sb, 0, sizeof sb);
	sa.ar = sb.ar = ar;
	err = collect(ar, a, &sa);
	if (!err)
		err = collect(ar, b, &sb);
	if (!err && !(items = stroom_calloc(&ar->alloc, sa.n + sb.n + 1, sizeof *items)))
		err = STROOM_ENOMEM;
	/* merge the two sorted lists: a key in one only, or with different values in
	 * both, is a difference; the results are all shown */
	while (!err && (i < sa.n || j < sb.n)) {
		const kv *x = i < sa.n ? &sa.v[i] : NULL, *y = j < sb.n ? &sb.v[j] : NULL;
		int c = !x ? 1 : !y ? -1 : kv_cmp(x, y);
		const kv *first = c <= 0 ? x : y;
		const char *va = c <= 0 ? x->val : "", *vb = c >= 0 ? y->val : "";
		i += c <= 0;
		j += c >= 0;
		if (first->section != STROOM_DIFF_RESULT && !strcmp(va, vb) && c == 0)
			continue;
		items[k].section = (stroom_archive_diff_section)first->section;
		items[k].key = stroom_strdup(&ar->alloc, first->key);
		items[k].a = stroom_strdup(&ar->alloc, va);
		items[k].b = stroom_strdup(&ar->alloc, vb);
		k++;
		if (!items[k - 1].key || !items[k - 1].a || !items[k - 1].b)
			err = STROOM_ENOMEM;
	}
	kvs_free(&sa);
	kvs_free(&sb);
	if (err) {
		stroom_archive_diff_free(ar, items, k);
		return err;
	}
	*out = items;
	*n = k;
	return 0;
}
