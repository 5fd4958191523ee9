/*
 * cli_import.c: `stroom import cbs FILE --municipality NAME|GMxxxx --out FILE`:
 * one municipality's series from a CBS StatLine open-data export of the
 * bijstand tables (82015NED benefits per month, 85615NED inflow and outflow), in
 * either shape CBS publishes (OData JSON, semicolon CSV), written as an
 * observed-series CSV (docs/observed.md, which also says what was found about
 * the tables). The output is checked by the library's reader before it is
 * written, and written through a temporary file and a rename: complete or not
 * at all.
 */
#include "cli.h"
#include "internal.h"
#include "outfile.h"

#include <stroom/observed.h>

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char import_usage[] =
	"usage: stroom import cbs FILE --municipality GMxxxx|NAME --out FILE.csv\n"
	"                         [--regions FILE] [--table ID]\n"
	"\n"
	"Reads a CBS StatLine open-data export of the bijstand tables (82015NED:\n"
	"benefits per month; 85615NED: inflow and outflow per quarter or year), as the\n"
	"OData JSON ({\"odata.metadata\": ..., \"value\": [...]}) or the semicolon CSV,\n"
	"and writes the municipality's series as an observed-series CSV\n"
	"(docs/observed.md). FILE.csv must not exist.\n"
	"\n"
	"  --municipality M  the municipality: its CBS region code (GM0599) or its name\n"
	"                    as CBS labels it (Rotterdam); a name needs the labels in the\n"
	"                    file's RegioS column or a --regions file\n"
	"  --regions FILE    the table's RegioS dimension (OData JSON with Key and Title,\n"
	"                    or a CSV with Key;Title) to look a name up\n"
	"  --table ID        the table id for the source column when the file does not\n"
	"                    name it (a CSV; default: from the file name, e.g. 82015NED)\n"
	"  --out FILE.csv    the observed-series CSV to write\n"
	"\n"
	"Measures used (keys as CBS writes them, the _N suffix ignored):\n"
	"  ...Bijstandsuitkeringen... (the stock at the end of the month) -> caseload,\n"
	"      unit benefits, on the last day of the period (the 1st of the next month)\n"
	"  Instroom...  -> inflow;  Uitstroom... -> exits;  Uitstroom...Werk... ->\n"
	"      exit_work (unit benefits)\n"
	"Rows of other dimensions (e.g. age) are used only at their total (code T...).\n"
	"exit codes: 0 written, 2 bad input (nothing written)\n";

/* ---- the export as a table of cells ---- */

typedef struct cell {
	char *s;  /* text (trimmed), NULL when missing */
	double v; /* the number when has_v */
	int has_v;
} cell;

typedef struct table {
	int nkeys;
	char **keys;
	size_t nrows;
	cell *cells; /* nrows x nkeys */
	char id[16]; /* table id, "" unknown */
} table;

static void table_free(table *t)
{
	size_t i;
	int k;
	for (k = 0; k < t->nkeys; k++)
		free(t->keys[k]);
	for (i = 0; i < t->nrows * (size_t)t->nkeys; i++)
		free(t->cells[i].s);
	free(t->keys);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

static int oom(void)
{
	fprintf(stderr, "stroom: import cbs: out of memory\n");
	return EXIT_FAILED;
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* A CSV cell's number: digits with an optional sign and decimal point or comma;
 * "." or "" (CBS's missing) is no number. */
static int cell_number(const char *s, double *v)
{
	char buf[64], *end;
	size_t i, n = strlen(s);
	if (n == 0 || n >= sizeof buf || !strcmp(s, "."))
		return 0;
	for (i = 0; i <= n; i++)
		buf[i] = s[i] == ',' ? '.' : s[i];
	if (!isdigit((unsigned char)buf[0]) && buf[0] != '-')
		return 0;
	*v = strtod(buf, &end);
	return *end == '\0' && isfinite(*v);
}

/* Table id like 82015NED in s (5 digits and 3 letters), or "". */
static void find_table_id(const char *s, char *id, size_t size)
{
	const char *p;
	id[0] = '\0';
	for (p = s; p && *p; p++) {
		int i, ok = 1;
		for (i = 0; i < 8 && ok; i++)
			ok = p[i] && (i < 5 ? isdigit((unsigned char)p[i]) : isalpha((unsigned char)p[i]));
		if (ok && (p == s || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[8])) {
			snprintf(id, size, "%.8s", p);
			for (i = 5; i < 8; i++)
				id[i] = (char)toupper((unsigned char)id[i]);
			return;
		}
	}
}

/* The OData JSON shape. Returns 0 or an exit code after one line. */
static int read_json(table *t, const char *text, size_t len, const char *path)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je), *value, *meta, *first;
	const char *key;
	json_t *v;
	size_t i;
	int k;
	if (!root) {
		fprintf(stderr, "stroom: %s:%d:%d: expected the OData JSON of a CBS table, got invalid JSON (%s)\n",
			stroom_cli_printable(path).s, je.line, je.column, stroom_cli_printable(je.text).s);
		return EXIT_BADINPUT;
	}
	value = json_is_object(root) ? json_object_get(root, "value") : NULL;
	if (!json_is_array(value) || json_array_size(value) == 0 ||
	    !json_is_object(json_array_get(value, 0))) {
		fprintf(stderr,
			"stroom: %s: expected the OData JSON of a CBS table ({\"odata.metadata\": ..., "
			"\"value\": [{...}, ...]} with at least one row), got another shape\n",
			stroom_cli_printable(path).s);
		json_decref(root);
		return EXIT_BADINPUT;
	}
	meta = json_object_get(root, "odata.metadata");
	if (json_is_string(meta))
		find_table_id(json_string_value(meta), t->id, sizeof t->id);
	first = json_array_get(value, 0);
	t->nkeys = (int)json_object_size(first);
	t->keys = calloc((size_t)t->nkeys + 1, sizeof *t->keys);
	t->nrows = json_array_size(value);
	t->cells = calloc(t->nrows * (size_t)t->nkeys + 1, sizeof *t->cells);
	if (!t->keys || !t->cells) {
		json_decref(root);
		return oom();
	}
	k = 0;
	json_object_foreach(first, key, v)
	{
		if ((t->keys[k++] = strdup(key)) == NULL) {
			json_decref(root);
			return oom();
		}
	}
	for (i = 0; i < t->nrows; i++) {
		json_t *row = json_array_get(value, i);
		if (!json_is_object(row)) {
			fprintf(stderr, "stroom: %s: value[%zu]: expected an object (one row), got another JSON type\n",
				stroom_cli_printable(path).s, i);
			json_decref(root);
			return EXIT_BADINPUT;
		}
		for (k = 0; k < t->nkeys; k++) {
			cell *c = &t->cells[i * (size_t)t->nkeys + (size_t)k];
			v = json_object_get(row, t->keys[k]);
			if (json_is_number(v)) {
				char buf[64];
				c->v = json_number_value(v);
				c->has_v = isfinite(c->v);
				snprintf(buf, sizeof buf, "%.17g", c->v);
				c->s = strdup(buf);
			} else if (json_is_string(v)) {
				char *s = strdup(json_string_value(v));
				if (s) {
					c->s = strdup(trim(s));
					free(s);
				}
				if (c->s)
					c->has_v = cell_number(c->s, &c->v);
			} else {
				continue; /* null or absent: missing */
			}
			if (!c->s) {
				json_decref(root);
				return oom();
			}
		}
	}
	json_decref(root);
	return 0;
}

/* Splits a CSV line at `sep` (quotes "..." with "" inside) into at most max
 * fields, in place. Returns the number of fields, or -1 on a bad quote. */
static int split_csv(char *line, char sep, char **f, int max)
{
	char *s = line;
	int n = 0;
	for (;;) {
		char *start = s, *w = s;
		if (*s == '"') {
			s++;
			for (;;) {
				if (!*s)
					return -1;
				if (*s == '"') {
					if (s[1] == '"') {
						*w++ = '"';
						s += 2;
						continue;
					}
					s++;
					break;
				}
				*w++ = *s++;
			}
			while (*s == ' ')
				s++;
			if (*s && *s != sep)
				return -1;
		} else {
			while (*s && *s != sep)
				s++;
			w = s;
		}
		if (n < max)
			f[n] = start;
		n++;
		if (!*s) {
			*w = '\0';
			break;
		}
		*w = '\0';
		s++;
	}
	return n;
}

#define CSV_MAX_KEYS 256

/* The semicolon CSV shape. text is modified. Returns 0 or an exit code. */
static int read_csv(table *t, char *text, const char *path)
{
	char *p = text, *line, *f[CSV_MAX_KEYS];
	int lineno = 0, n, k, head = 0;
	size_t cap = 0;
	if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	while (*p) {
		char *e = strchr(p, '\n');
		size_t len;
		line = p;
		if (e) {
			*e = '\0';
			p = e + 1;
		} else {
			p += strlen(p);
		}
		len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		lineno++;
		if (!*trim(line))
			continue;
		n = split_csv(line, ';', f, CSV_MAX_KEYS);
		if (n < 0) {
			fprintf(stderr, "stroom: %s:%d: expected semicolon-separated fields with matching quotes, got a bad quote\n",
				stroom_cli_printable(path).s, lineno);
			return EXIT_BADINPUT;
		}
		if (!head) {
			if (n < 3 || n > CSV_MAX_KEYS) {
				fprintf(stderr,
					"stroom: %s:%d: expected a CBS CSV header (\"ID\";\"RegioS\";\"Perioden\";<measures>, semicolon-separated), got %d field%s\n",
					stroom_cli_printable(path).s, lineno, n, n == 1 ? "" : "s");
				return EXIT_BADINPUT;
			}
			t->nkeys = n;
			t->keys = calloc((size_t)n, sizeof *t->keys);
			if (!t->keys)
				return oom();
			for (k = 0; k < n; k++)
				if ((t->keys[k] = strdup(trim(f[k]))) == NULL)
					return oom();
			head = lineno;
			continue;
		}
		if (n != t->nkeys) {
			fprintf(stderr, "stroom: %s:%d: expected %d fields as in the header (line %d), got %d\n",
				stroom_cli_printable(path).s, lineno, t->nkeys, head, n);
			return EXIT_BADINPUT;
		}
		if (t->nrows == cap) {
			size_t nc = cap ? 2 * cap : 256;
			cell *c = realloc(t->cells, nc * (size_t)t->nkeys * sizeof *c);
			if (!c)
				return oom();
			t->cells = c;
			cap = nc;
		}
		for (k = 0; k < n; k++) {
			cell *c = &t->cells[t->nrows * (size_t)t->nkeys + (size_t)k];
			memset(c, 0, sizeof *c);
			c->s = strdup(trim(f[k]));
			if (!c->s) {
				t->nrows++; /* freed with the table */
				return oom();
			}
			c->has_v = cell_number(c->s, &c->v);
		}
		t->nrows++;
	}
	if (!head) {
		fprintf(stderr, "stroom: %s: expected a CBS export (OData JSON or semicolon CSV), got an empty file\n",
			stroom_cli_printable(path).s);
		return EXIT_BADINPUT;
	}
	return 0;
}

static int key_index(const table *t, const char *key)
{
	int k;
	for (k = 0; k < t->nkeys; k++)
		if (!strcmp(t->keys[k], key))
			return k;
	return -1;
}

static const cell *at(const table *t, size_t row, int k)
{
	return &t->cells[row * (size_t)t->nkeys + (size_t)k];
}

/* ---- measures ---- */

/* A measure key is CBS's Name_N; its stem is Name lowercased. 1 when key is one. */
static int measure_stem(const char *key, char *stem, size_t size)
{
	const char *u = strrchr(key, '_');
	size_t i, n;
	if (!u || u == key || !u[1])
		return 0;
	for (i = 1; u[i]; i++)
		if (!isdigit((unsigned char)u[i]))
			return 0;
	n = (size_t)(u - key);
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		stem[i] = (char)tolower((unsigned char)key[i]);
	stem[n] = '\0';
	return 1;
}

enum { M_NONE, M_CASELOAD, M_INFLOW, M_EXITS, M_EXIT_WORK };

/* What a measure stem maps to, and its preference among stock measures (the one
 * below the pension age first: the model's households leave at pension age). */
static int measure_kind(const char *stem, int *rank)
{
	*rank = 0;
	if (!strncmp(stem, "instroom", 8) || !strncmp(stem, "totaalinstroom", 14))
		return M_INFLOW;
	if (!strncmp(stem, "uitstroom", 9) || !strncmp(stem, "totaaluitstroom", 15)) {
		if (strstr(stem, "werk") && !strstr(stem, "loonkosten"))
			return M_EXIT_WORK;
		if (!strcmp(stem, "uitstroom") || !strcmp(stem, "totaaluitstroom") ||
		    !strcmp(stem, "uitstroombijstandsuitkeringen") ||
		    !strcmp(stem, "totaaluitstroombijstandsuitkeringen"))
			return M_EXITS;
		return M_NONE; /* another reason: not mapped */
	}
	if (strstr(stem, "bijstandsuitkeringen") && !strstr(stem, "vanafaow")) {
		*rank = strstr(stem, "totdeaowleeftijd") ? 3 : !strncmp(stem, "totaal", 6) ? 2 : 1;
		return M_CASELOAD;
	}
	return M_NONE;
}

static const char *kind_indicator(int kind)
{
	return kind == M_CASELOAD ? "caseload"
	       : kind == M_INFLOW ? "inflow"
	       : kind == M_EXITS  ? "exits"
				  : "exit_work";
}

/*
 * CBS period code to an observed period: YYYYMMnn a month, YYYYKWnn a quarter,
 * YYYYJJ00 a year. A stock is the count at the end of the period: its last day.
 * Returns 0 or -1.
 */
static int cbs_period(const char *code, int stock, char *out, size_t size)
{
	int y, n;
	char kind[3];
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(code) != 8 || sscanf(code, "%4d%2[A-Z]%2d", &y, kind, &n) != 3 || y < 1900 ||
	    y > 2199)
		return -1;
	for (n = 0; n < 8; n++)
		if (n != 4 && n != 5 && !isdigit((unsigned char)code[n]))
			return -1;
	n = (code[6] - '0') * 10 + (code[7] - '0');
	if (!strcmp(kind, "MM") && n >= 1 && n <= 12) {
		int d = mdays[n - 1] + (n == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
		if (stock)
			snprintf(out, size, "%04d-%02d-%02d", y, n, d);
		else
			snprintf(out, size, "%04d-%02d", y, n);
		return 0;
	}
	if (!strcmp(kind, "KW") && n >= 1 && n <= 4) {
		if (stock)
			snprintf(out, size, "%04d-%02d-%02d", y, 3 * n, n == 1 || n == 4 ? 31 : 30);
		else
			snprintf(out, size, "%04d-Q%d", y, n);
		return 0;
	}
	if (!strcmp(kind, "JJ") && n == 0) {
		if (stock)
			snprintf(out, size, "%04d-12-31", y);
		else
			snprintf(out, size, "%04d", y);
		return 0;
	}
	return -1;
}

/* ---- the municipality ---- */

static int is_gm_code(const char *s)
{
	int i;
	if (strlen(s) != 6 || toupper((unsigned char)s[0]) != 'G' || toupper((unsigned char)s[1]) != 'M')
		return 0;
	for (i = 2; i < 6; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Looks name up in a RegioS dimension file (JSON value[] of Key/Title, or CSV
 * with Key and Title columns): its code into code. Returns 0 or an exit code. */
static int lookup_region(const char *regions, const char *name, char *code, size_t size)
{
	table t;
	char *text = NULL;
	size_t len = 0, i;
	int err, kk, kt, code_ret = EXIT_BADINPUT;
	const char *p;
	memset(&t, 0, sizeof t);
	err = stroom_read_file(NULL, regions, STROOM_INPUT_CBS, "import cbs: --regions: ", &text, &len);
	if (err) {
		fprintf(stderr, "stroom: %s\n", stroom_error_last());
		return err == STROOM_EIO || err == STROOM_ENOMEM ? EXIT_FAILED : EXIT_BADINPUT;
	}
	for (p = text; *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'; p++)
		;
	err = *p == '{' ? read_json(&t, text, len, regions) : read_csv(&t, text, regions);
	if (err) {
		free(text);
		table_free(&t);
		return err;
	}
	kk = key_index(&t, "Key");
	kt = key_index(&t, "Title");
	if (kk < 0 || kt < 0) {
		fprintf(stderr, "stroom: %s: expected the RegioS dimension of a CBS table (keys Key and Title), got no %s\n",
			stroom_cli_printable(regions).s, kk < 0 ? "Key" : "Title");
	} else {
		for (i = 0; i < t.nrows; i++) {
			const cell *ck = at(&t, i, kk), *ct = at(&t, i, kt);
			if (ck->s && ct->s && !strcasecmp(ct->s, name)) {
				snprintf(code, size, "%s", ck->s);
				code_ret = 0;
				break;
			}
		}
		if (code_ret)
			fprintf(stderr, "stroom: --municipality: expected a region title in '%s', got '%s'\n",
				stroom_cli_printable(regions).s, stroom_cli_printable(name).s);
	}
	free(text);
	table_free(&t);
	return code_ret;
}

/* ---- writing ---- */

typedef struct outbuf {
	char *s;
	size_t len, cap;
	int failed;
} outbuf;

static void out_printf(outbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void out_printf(outbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->cap ? 2 * b->cap : 4096) + (size_t)n;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->failed = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Appends s as the inside of a quoted CSV field: a quote doubled, a control
 * character as a space (a field is one line). */
static void out_quoted(outbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"')
			out_printf(b, "\"\"");
		else
			out_printf(b, "%c", c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
}

/* ---- the command ---- */

typedef struct import_opts {
	const char *file, *municipality, *regions, *table, *out;
} import_opts;

static int import_cbs(const import_opts *o)
{
	table t;
	char *text = NULL, code[64], stem[128];
	const char *p;
	size_t len = 0, i;
	int err, kr, kp, k, code_ret = EXIT_BADINPUT, nused = 0, label_match = 0;
	int kinds[CSV_MAX_KEYS], best_rank = 0;
	outbuf b = {NULL, 0, 0, 0};
	size_t rows_out = 0;

	memset(&t, 0, sizeof t);
	code[0] = '\0';
	if (is_gm_code(o->municipality)) {
		snprintf(code, sizeof code, "GM%s", o->municipality + 2);
	} else if (o->regions) {
		if ((err = lookup_region(o->regions, o->municipality, code, sizeof code)) != 0)
			return err;
	}
	err = stroom_read_file(NULL, o->file, STROOM_INPUT_CBS, "import cbs: ", &text, &len);
	if (err) {
		fprintf(stderr, "stroom: %s\n", stroom_error_last());
		return err == STROOM_EIO || err == STROOM_ENOMEM ? EXIT_FAILED : EXIT_BADINPUT;
	}
	for (p = text; *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'; p++)
		;
	err = *p == '{' ? read_json(&t, text, len, o->file) : read_csv(&t, text, o->file);
	if (err)
		goto done;
	if (o->table)
		snprintf(t.id, sizeof t.id, "%s", o->table);
	else if (!t.id[0]) {
		const char *slash = strrchr(o->file, '/');
		find_table_id(slash ? slash + 1 : o->file, t.id, sizeof t.id);
	}
	kr = key_index(&t, "RegioS");
	kp = key_index(&t, "Perioden");
	if (kr < 0 || kp < 0) {
		fprintf(stderr, "stroom: %s: expected the keys RegioS and Perioden of a CBS regional table, got no %s\n",
			stroom_cli_printable(o->file).s, kr < 0 ? "RegioS" : "Perioden");
		goto done;
	}
	/* the measures, the best stock measure only */
	for (k = 0; k < t.nkeys && k < CSV_MAX_KEYS; k++) {
		int rank;
		kinds[k] = measure_stem(t.keys[k], stem, sizeof stem) ? measure_kind(stem, &rank) : M_NONE;
		if (kinds[k] == M_CASELOAD && rank > best_rank)
			best_rank = rank;
	}
	for (k = 0; k < t.nkeys && k < CSV_MAX_KEYS; k++) {
		int rank;
		if (kinds[k] == M_CASELOAD && measure_stem(t.keys[k], stem, sizeof stem)) {
			measure_kind(stem, &rank);
			if (rank != best_rank)
				kinds[k] = M_NONE;
			else
				best_rank = -1; /* the first of the best only */
		}
		nused += kinds[k] != M_NONE;
	}
	if (!nused) {
		fprintf(stderr,
			"stroom: %s: expected a usable measure (a key such as "
			"TotaalBijstandsuitkeringen_1, Instroom..._N or Uitstroom..._N), got none of %d keys\n",
			stroom_cli_printable(o->file).s, t.nkeys);
		goto done;
	}
	/* the municipality: by code, or by its label in the RegioS column */
	if (!code[0]) {
		for (i = 0; i < t.nrows && !code[0]; i++) {
			const cell *c = at(&t, i, kr);
			if (c->s && !strcasecmp(c->s, o->municipality)) {
				snprintf(code, sizeof code, "%s", c->s);
				label_match = 1;
			}
		}
		if (!code[0]) {
			fprintf(stderr,
				"stroom: --municipality: expected a CBS region code (GM0599) or, with "
				"--regions FILE, a region name, got '%s'\n",
				stroom_cli_printable(o->municipality).s);
			goto done;
		}
	}
	out_printf(&b, "# Imported by stroom import cbs from %s: CBS StatLine table %s, region %s",
		   stroom_cli_printable(o->file).s, t.id[0] ? t.id : "(id not named)",
		   stroom_cli_printable(code).s);
	if (!label_match && !is_gm_code(o->municipality))
		out_printf(&b, " = %s", stroom_cli_printable(o->municipality).s);
	out_printf(&b, ".\n");
	out_printf(&b, "# CBS counts benefits (uitkeringen); a stock is the count at the end of the\n"
		       "# period, dated on its last day (counted on the 1st of the next month).\n");
	out_printf(&b, "period,indicator,group,value,unit,source\n");
	for (k = 0; k < t.nkeys && k < CSV_MAX_KEYS; k++) {
		if (kinds[k] == M_NONE)
			continue;
		for (i = 0; i < t.nrows; i++) {
			const cell *r = at(&t, i, kr), *pc = at(&t, i, kp), *v = at(&t, i, k);
			char period[16];
			int j, total = 1;
			if (!r->s || strcasecmp(r->s, code))
				continue;
			/* other dimensions at their total only */
			for (j = 0; j < t.nkeys; j++) {
				const cell *d = at(&t, i, j);
				if (j == kr || j == kp || !strcmp(t.keys[j], "ID") ||
				    measure_stem(t.keys[j], stem, sizeof stem))
					continue;
				if (d->s && d->s[0] != 'T')
					total = 0;
			}
			if (!total || !v->has_v)
				continue;
			if (!pc->s || cbs_period(pc->s, kinds[k] == M_CASELOAD, period, sizeof period)) {
				fprintf(stderr,
					"stroom: %s: row %zu: Perioden: expected a CBS period code "
					"(2018MM01, 2018KW01, 2018JJ00), got '%s'\n",
					stroom_cli_printable(o->file).s, i + 1,
					stroom_cli_printable(pc->s ? pc->s : "").s);
				goto done;
			}
			out_printf(&b, "%s,%s,all,%.17g,benefits,\"CBS StatLine %s, ", period,
				   kind_indicator(kinds[k]), v->v, t.id[0] ? t.id : "(table id not named)");
			out_quoted(&b, t.keys[k]);
			out_printf(&b, ", %s, ", pc->s);
			out_quoted(&b, code);
			out_printf(&b, "\"\n");
			rows_out++;
		}
	}
	if (b.failed) {
		code_ret = oom();
		goto done;
	}
	if (!rows_out) {
		fprintf(stderr, "stroom: %s: expected rows of region %s with a value, got none\n",
			stroom_cli_printable(o->file).s, stroom_cli_printable(code).s);
		goto done;
	}
	{
		/* what is written must read back */
		stroom_observed *obs = NULL;
		err = stroom_observed_load_string(&obs, b.s, b.len, o->out, NULL);
		stroom_observed_free(obs);
		if (err) {
			fprintf(stderr, "stroom: import cbs: %s\n", stroom_error_last());
			code_ret = err == STROOM_ENOMEM ? EXIT_FAILED : EXIT_BADINPUT;
			goto done;
		}
	}
	err = stroom_write_file(o->out, b.s, b.len, NULL, NULL);
	code_ret = err ? stroom_cli_fail(err) : 0;
	if (!code_ret)
		fprintf(stderr, "stroom: wrote %zu rows for %s to %s\n", rows_out, code, o->out);
done:
	if (err > 0)
		code_ret = err;
	free(b.s);
	free(text);
	table_free(&t);
	return code_ret;
}

int stroom_cli_import(int argc, char **argv)
{
	import_opts o = {NULL, NULL, NULL, NULL, NULL};
	int i;
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(import_usage, stdout);
		return EXIT_OK;
	}
	if (argc < 1 || strcmp(argv[0], "cbs")) {
		fprintf(stderr, "stroom: import: expected the source 'cbs', got '%s' (see stroom import --help)\n",
			argc < 1 ? "" : stroom_cli_printable(argv[0]).s);
		return EXIT_BADINPUT;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = !strcmp(a, "--municipality") ? &o.municipality
				    : !strcmp(a, "--regions")    ? &o.regions
				    : !strcmp(a, "--table")      ? &o.table
				    : !strcmp(a, "--out")        ? &o.out
								 : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(import_usage, stdout);
			return EXIT_OK;
		}
		if (slot) {
			if (i + 1 >= argc) {
				fprintf(stderr, "stroom: import cbs: %s: option needs a value\n", a);
				return EXIT_BADINPUT;
			}
			*slot = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "stroom: import cbs: unknown option '%s' (see stroom import --help)\n",
				stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		} else if (!o.file) {
			o.file = a;
		} else {
			fprintf(stderr, "stroom: import cbs: expected one FILE, got a second '%s'\n",
				stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		}
	}
	if (!o.file || !o.municipality || !o.out) {
		fprintf(stderr, "stroom: import cbs: expected FILE, --municipality and --out (see stroom import --help)\n");
		return EXIT_BADINPUT;
	}
	if (o.table) {
		char id[16];
		find_table_id(o.table, id, sizeof id);
		if (strlen(o.table) != 8 || !id[0])
			return stroom_cli_bad("--table", "a CBS table id (82015NED)", o.table);
	}
	if (stroom_cli_check_new_file(o.out) != 0)
		return EXIT_BADINPUT;
	return import_cbs(&o);
}
