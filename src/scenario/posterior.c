/*
 * posterior.c: the joint draws of `posterior: FILE` (include/stroom/posterior.h).
 *
 * The file is read whole (stroom_read_file: size limit, text check), then line
 * by line: comments ('#') and blank lines are skipped, the first other line is
 * the header draw,chain,NAME,..., every later one a row of as many fields. Each
 * NAME must be a draw name of the scenario (stroom_params_draw_names) and each
 * value finite and within that draw's bounds, so a row applied to a replicate
 * gives a parameter set the schema accepts. Messages point at FILE:LINE:COL,
 * columns counted in characters.
 */
#include "builtin.h"
#include "internal.h"
#include "rng_int.h"

#include <stroom/posterior.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stroom_posterior {
	stroom_allocator alloc;
	char *path;
	int ncols;
	size_t nrows;
	char (*name)[STROOM_DRAW_NAME_LEN]; /* ncols */
	int *idx;                           /* ncols: position in the draw vector of the
					       parameters it was loaded for */
	double *mean;                       /* ncols */
	double *v;                          /* nrows x ncols */
};

/* Characters (not bytes) from line start s to p, plus one: a 1-based column. */
static int col_of(const char *s, const char *p)
{
	int c = 1;
	for (; s < p; s++)
		c += ((unsigned char)*s & 0xc0) != 0x80;
	return c;
}

/* One field of a line: [b, e). */
typedef struct field {
	const char *b, *e;
} field;

/* A printable copy of a field for messages (at most 40 characters). */
static const char *shown(const field *f, char *buf, size_t size)
{
	size_t n = (size_t)(f->e - f->b);
	if (n > 40)
		snprintf(buf, size, "%.40s...", f->b);
	else
		snprintf(buf, size, "%.*s", (int)n, f->b);
	return buf;
}

static int parse_uint(const field *f)
{
	const char *s = f->b;
	long v = 0;
	if (s == f->e)
		return -1;
	for (; s < f->e; s++) {
		if (*s < '0' || *s > '9' || v > 100000000L)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

static int parse_num(const field *f, double *out)
{
	char buf[64], *end;
	size_t n = (size_t)(f->e - f->b);
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, f->b, n);
	buf[n] = '\0';
	if (buf[0] == ' ' || buf[0] == '\t' || buf[0] == '\n')
		return -1;
	errno = 0;
	*out = strtod(buf, &end);
	if (*end != '\0' || !isfinite(*out))
		return -1;
	return 0;
}

/* The n draw names of p as one line for messages: those drawn from a prior
 * first, then the fixed ones, "a, b, c" (cut with "..."). */
static void name_list(char (*names)[STROOM_DRAW_NAME_LEN], const int *fixed, int n, char *buf,
		      size_t size)
{
	size_t len = 0;
	int i, pass, k = 0;
	buf[0] = '\0';
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			size_t need = strlen(names[i]) + 2;
			if (fixed[i] != pass)
				continue;
			if (len + need + 8 >= size) {
				snprintf(buf + len, size - len, "%s...", k ? ", " : "");
				return;
			}
			len += (size_t)snprintf(buf + len, size - len, "%s%s", k++ ? ", " : "", names[i]);
		}
}

void stroom_posterior_free(stroom_posterior *post)
{
	stroom_allocator a;
	if (!post)
		return;
	a = post->alloc;
	stroom_free(&a, post->path);
	stroom_free(&a, post->name);
	stroom_free(&a, post->idx);
	stroom_free(&a, post->mean);
	stroom_free(&a, post->v);
	stroom_free(&a, post);
}

/* Splits line [s, e) at commas into f (at most max); returns the number of fields
 * the line has (may exceed max). */
static int split(const char *s, const char *e, field *f, int max)
{
	int n = 0;
	const char *b = s;
	for (;; s++) {
		if (s == e || *s == ',') {
			if (n < max) {
				f[n].b = b;
				f[n].e = s;
			}
			n++;
			if (s == e)
				break;
			b = s + 1;
		}
	}
	return n;
}

static int parse(stroom_posterior *post, const char *text, size_t len, const stroom_params *p)
{
	const stroom_allocator *a = &post->alloc;
	const char *path = post->path, *s = text, *end = text + len;
	char (*names)[STROOM_DRAW_NAME_LEN] = NULL;
	double lo[STROOM_DRAW_MAX], hi[STROOM_DRAW_MAX];
	int fixed_prior[STROOM_DRAW_MAX];
	field f[STROOM_DRAW_MAX + 3];
	char got[64];
	int fcol[STROOM_DRAW_MAX]; /* the field of each kept column */
	/* a builtin scenario's posterior (src/core/builtin.h) leaves out the columns
	 * of parameters a scenario extending it no longer draws (it fixed them) */
	const int builtin = !strncmp(path, STROOM_BUILTIN_PREFIX, strlen(STROOM_BUILTIN_PREFIX));
	int nd, nf = 0, line = 0, have_header = 0, i, j, err = 0;
	size_t lines = 1, cap = 0, k;
	const char *q;

	for (q = text; q < end; q++)
		lines += *q == '\n';
	names = stroom_malloc(a, STROOM_DRAW_MAX * sizeof *names);
	if (!names)
		return STROOM_ENOMEM;
	nd = stroom_params_draw_names(p, names);
	stroom_params_draw_bounds(p, lo, hi, fixed_prior);
	if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	while (s < end && !err) {
		const char *e = memchr(s, '\n', (size_t)(end - s)), *ls = s;
		int n;
		if (!e)
			e = end;
		s = e < end ? e + 1 : end;
		line++;
		if (e > ls && e[-1] == '\r')
			e--;
		if (e == ls || ls[0] == '#')
			continue;
		n = split(ls, e, f, STROOM_DRAW_MAX + 3);
		if (!have_header) {
			static const char *const fixed[2] = {"draw", "chain"};
			for (i = 0; i < 2; i++)
				if (i >= n || (size_t)(f[i].e - f[i].b) != strlen(fixed[i]) ||
				    memcmp(f[i].b, fixed[i], strlen(fixed[i]))) {
					err = stroom_error_set(
						STROOM_EPARSE, "%s:%d:%d: header: expected column '%s', got '%s'",
						path, line, i < n ? col_of(ls, f[i].b) : col_of(ls, e), fixed[i],
						i < n ? shown(&f[i], got, sizeof got) : "");
					goto done;
				}
			if (n < 3) {
				err = stroom_error_set(STROOM_EPARSE,
						       "%s:%d:%d: header: expected at least one parameter "
						       "column after draw,chain, got none",
						       path, line, col_of(ls, e));
				goto done;
			}
			if (n - 2 > nd && !builtin) {
				err = stroom_error_set(STROOM_EPARSE,
						       "%s:%d: header: expected at most %d parameter columns "
						       "(the drawn parameters of scenario %s), got %d",
						       path, line, nd, p->name, n - 2);
				goto done;
			}
			post->ncols = n - 2;
			nf = n;
			post->name = stroom_calloc(a, (size_t)post->ncols, sizeof *post->name);
			post->idx = stroom_calloc(a, (size_t)post->ncols, sizeof *post->idx);
			post->mean = stroom_calloc(a, (size_t)post->ncols, sizeof *post->mean);
			/* rows to hold: at most the lines, the row limit, and what the
			 * text can hold (a row of n non-empty fields takes 2n - 1 bytes
			 * or more) */
			cap = lines < STROOM_POSTERIOR_MAX_ROWS ? lines : STROOM_POSTERIOR_MAX_ROWS;
			if (cap > len / (2 * (size_t)n - 1) + 1)
				cap = len / (2 * (size_t)n - 1) + 1;
			post->v = stroom_calloc(a, cap * (size_t)post->ncols, sizeof *post->v);
			if (!post->name || !post->idx || !post->mean || !post->v) {
				err = STROOM_ENOMEM;
				goto done;
			}
			for (j = 0, i = 2; i < n; i++) {
				const field *h = &f[i];
				size_t hl = (size_t)(h->e - h->b);
				int c = col_of(ls, h->b), found = -1, dup, t;
				for (t = 0; t < nd && found < 0; t++)
					if (strlen(names[t]) == hl && !memcmp(names[t], h->b, hl))
						found = t;
				if (found < 0 && builtin)
					continue;
				if (found < 0) {
					char list[600];
					name_list(names, fixed_prior, nd, list, sizeof list);
					err = stroom_error_set(STROOM_EPARSE,
							       "%s:%d:%d: header: expected a drawn parameter of "
							       "scenario %s (%s), got '%s'",
							       path, line, c, p->name, list,
							       shown(h, got, sizeof got));
					goto done;
				}
				for (dup = 0; dup < j; dup++)
					if (post->idx[dup] == found) {
						err = stroom_error_set(STROOM_EPARSE,
								       "%s:%d:%d: header: expected each parameter "
								       "once, got '%s' a second time",
								       path, line, c, names[found]);
						goto done;
					}
				post->idx[j] = found;
				fcol[j] = i;
				snprintf(post->name[j], sizeof post->name[j], "%s", names[found]);
				j++;
			}
			post->ncols = j;
			if (j == 0) {
				err = stroom_error_set(STROOM_EPARSE,
						       "%s:%d:1: header: expected a drawn parameter of scenario "
						       "%s among the columns, got none",
						       path, line, p->name);
				goto done;
			}
			have_header = 1;
			continue;
		}
		if (n != nf) {
			err = stroom_error_set(STROOM_EPARSE, "%s:%d:%d: expected %d fields as in the header, got %d",
					       path, line, n > nf ? col_of(ls, f[nf].b) : col_of(ls, e), nf, n);
			goto done;
		}
		if (post->nrows >= STROOM_POSTERIOR_MAX_ROWS || post->nrows >= cap) {
			err = stroom_error_set(STROOM_EINVAL, "%s:%d:1: expected at most %d rows, got more",
					       path, line, STROOM_POSTERIOR_MAX_ROWS);
			goto done;
		}
		for (i = 0; i < 2; i++)
			if (parse_uint(&f[i]) < 0) {
				err = stroom_error_set(STROOM_EPARSE,
						       "%s:%d:%d: %s: expected a whole number 0 or more, got '%s'",
						       path, line, col_of(ls, f[i].b), i ? "chain" : "draw",
						       shown(&f[i], got, sizeof got));
				goto done;
			}
		for (j = 0; j < post->ncols; j++) {
			double x;
			int d = post->idx[j];
			const field *fj = &f[fcol[j]];
			if (parse_num(fj, &x) != 0) {
				err = stroom_error_set(STROOM_EPARSE, "%s:%d:%d: %s: expected a finite number, got '%s'",
						       path, line, col_of(ls, fj->b), post->name[j],
						       shown(fj, got, sizeof got));
				goto done;
			}
			if (!(x >= lo[d] && x <= hi[d])) {
				err = stroom_error_set(STROOM_EINVAL,
						       "%s:%d:%d: %s: expected a value from %g to %g (its "
						       "bounds), got %s",
						       path, line, col_of(ls, fj->b), post->name[j], lo[d],
						       hi[d], shown(fj, got, sizeof got));
				goto done;
			}
			post->v[post->nrows * (size_t)post->ncols + (size_t)j] = x;
		}
		post->nrows++;
	}
	if (!have_header) {
		err = stroom_error_set(STROOM_EPARSE, "%s:%d:1: expected a header line draw,chain,NAME,..., got none",
				       path, line > 0 ? line : 1);
		goto done;
	}
	if (post->nrows == 0) {
		err = stroom_error_set(STROOM_EPARSE, "%s:%d:1: expected at least one row after the header, got none",
				       path, line > 0 ? line : 1);
		goto done;
	}
	for (j = 0; j < post->ncols; j++) {
		double sum = 0;
		for (k = 0; k < post->nrows; k++)
			sum += post->v[k * (size_t)post->ncols + (size_t)j];
		post->mean[j] = sum / (double)post->nrows;
	}
done:
	stroom_free(a, names);
	return err;
}

int stroom_posterior_load_string(stroom_posterior **out, const char *text, size_t len,
				 const char *name, const stroom_params *p, const stroom_allocator *al)
{
	const stroom_allocator *a = stroom_alloc_or_default(al);
	stroom_posterior *post;
	int err;
	*out = NULL;
	if ((err = stroom_text_check(text, len, name, 0)) != 0)
		return err;
	post = stroom_calloc(a, 1, sizeof *post);
	if (!post)
		return STROOM_ENOMEM;
	post->alloc = *a;
	post->path = stroom_strdup(&post->alloc, name);
	if (!post->path) {
		stroom_posterior_free(post);
		return STROOM_ENOMEM;
	}
	if ((err = parse(post, text, len, p)) != 0) {
		stroom_posterior_free(post);
		return err;
	}
	*out = post;
	return 0;
}

int stroom_posterior_load(stroom_posterior **out, const char *path, const stroom_params *p,
			  const stroom_allocator *al)
{
	const stroom_allocator *a = stroom_alloc_or_default(al);
	char *text = NULL, context[STROOM_PATH_LEN + 16];
	size_t len = 0;
	int err;
	*out = NULL;
	{
		/* a builtin scenario's posterior is compiled in (src/core/builtin.h) */
		const stroom_builtin *bp = stroom_builtin_posterior(path);
		if (bp && strncmp(path, STROOM_BUILTIN_PREFIX, strlen(STROOM_BUILTIN_PREFIX)) == 0)
			return stroom_posterior_load_string(out, bp->text, bp->size, path, p, al);
	}
	snprintf(context, sizeof context, "posterior: ");
	if ((err = stroom_read_file(a, path, STROOM_INPUT_POSTERIOR, context, &text, &len)) != 0)
		return err;
	err = stroom_posterior_load_string(out, text, len, path, p, al);
	stroom_free(a, text);
	return err;
}

const char *stroom_posterior_path(const stroom_posterior *post) { return post->path; }
size_t stroom_posterior_rows(const stroom_posterior *post) { return post->nrows; }
int stroom_posterior_columns(const stroom_posterior *post) { return post->ncols; }

const char *stroom_posterior_column(const stroom_posterior *post, int c)
{
	return c >= 0 && c < post->ncols ? post->name[c] : NULL;
}

double stroom_posterior_value(const stroom_posterior *post, size_t row, int c)
{
	if (c < 0 || c >= post->ncols || row >= post->nrows)
		return NAN;
	return post->v[row * (size_t)post->ncols + (size_t)c];
}

double stroom_posterior_mean(const stroom_posterior *post, int c)
{
	return c >= 0 && c < post->ncols ? post->mean[c] : NAN;
}

int stroom_posterior_column_index(const stroom_posterior *post, const char *name)
{
	int c;
	for (c = 0; c < post->ncols; c++)
		if (!strcmp(post->name[c], name))
			return c;
	return -1;
}

size_t stroom_posterior_row(const stroom_posterior *post, uint64_t seed, uint32_t replicate)
{
	double u[4];
	size_t j;
	if (!post || post->nrows == 0)
		return 0;
	stroom_rng_draw(stroom_rng_key(seed), replicate, 0, 0, STROOM_PURPOSE_POSTERIOR, 0, u);
	j = (size_t)(u[0] * (double)post->nrows);
	return j < post->nrows ? j : post->nrows - 1;
}

int stroom_params_draw_values_post(const stroom_params *p, const stroom_posterior *post,
				   uint32_t rep, int central, double *v)
{
	char names[STROOM_DRAW_MAX][STROOM_DRAW_NAME_LEN];
	int n = stroom_params_draw_values(p, rep, central, v), c, i;
	size_t row;
	if (!post)
		return n;
	stroom_params_draw_names(p, names);
	row = stroom_posterior_row(post, p->seed, rep);
	for (c = 0; c < post->ncols; c++) {
		int d = post->idx[c];
		if (d >= n || strcmp(names[d], post->name[c]) != 0)
			for (d = -1, i = 0; i < n && d < 0; i++)
				if (!strcmp(names[i], post->name[c]))
					d = i;
		if (d >= 0)
			v[d] = central ? post->mean[c] : post->v[row * (size_t)post->ncols + (size_t)c];
	}
	return n;
}
