/*
 * scenario.c: loading scenarios. A YAML document (libyaml's document API, which
 * keeps the line and column of every node) is walked as nested mappings; each
 * dotted path is looked up in the schema table (scenario_schema.c), which converts
 * and stores the value. `extends` loads the base first, from the builtins or a
 * file, so the extending file's keys override it (lists, series, priors and
 * selectors whole; record maps such as `teams` by name, field by field). After
 * the chain is applied the schema completes the scenario (record defaults,
 * selectors' area names) and runs its cross-key checks, the population CSV is
 * checked, and every input file is recorded with its SHA-256 for the run manifest.
 * Loading is all or nothing: on any error nothing is returned.
 *
 * libyaml allocates with malloc internally (it has no allocator hook); everything
 * this file allocates goes through the caller's allocator.
 */
#include "builtin.h"
#include "internal.h"
#include "scenario_int.h"

#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Bases an extends chain may have below the top scenario. */
#define MAX_EXTENDS 8
/* Longest dotted key path we look up (longer ones are unknown keys). */
#define MAX_KEY_PATH 256

typedef struct scenario_input {
	char *path;
	char sha256[SHA256_DIGEST_STRING_LENGTH];
} scenario_input;

/* Where a key was last set (file is one of the inputs' paths, owned by the scenario). */
typedef struct scenario_where {
	const char *file; /* NULL: only the default applies */
	size_t line, col;
} scenario_where;

struct stroom_scenario {
	stroom_allocator alloc;
	stroom_params params;
	scenario_input *inputs;
	size_t n_inputs, cap_inputs;
	scenario_where *where; /* [scenario_nkeys]: for messages about derived quantities */
	scenario_field_where *fields; /* each record field a file set ("teams.NAME.fte"), then
					 each month of a shock series ("inflow.shock.2020-04") */
	size_t n_fields;
};

/* Identity of a loaded document, for cycle detection. */
typedef struct source_id {
	int builtin;       /* index into stroom_builtins, or -1 */
	int has_file;      /* dev/ino are valid */
	dev_t dev;
	ino_t ino;
} source_id;

typedef struct load_ctx {
	stroom_scenario *sc;
	const stroom_allocator *alloc;
	scenario_keystate *st;         /* one per schema key (scenario_state_new) */
	scenario_field_where *months;  /* each month of a shock series a file set, by the
					  file that set the series last */
	size_t n_months, cap_months;
	source_id chain[MAX_EXTENDS + 1];
	const char *chain_name[MAX_EXTENDS + 1];
	int depth;                     /* documents on the chain */
} load_ctx;

/* Position of a node as "FILE:LINE:COL: " pieces. */
#define WHERE_FMT "%s:%zu:%zu: "
#define WHERE_ARGS(file, n) (file), (n)->start_mark.line + 1, (n)->start_mark.column + 1

static size_t builtin_count(void)
{
	size_t n = 0;
	while (stroom_builtins[n].name)
		n++;
	return n;
}

static int builtin_find(const char *name)
{
	size_t i;
	for (i = 0; stroom_builtins[i].name; i++)
		if (strcmp(stroom_builtins[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int builtin_find_path(const char *path)
{
	size_t i;
	for (i = 0; stroom_builtins[i].name; i++)
		if (strcmp(stroom_builtins[i].path, path) == 0)
			return (int)i;
	return -1;
}

/* "rotterdam, rotterdam-2017" into buf. */
static const char *builtin_list(char *buf, size_t size)
{
	size_t i, len = 0;
	buf[0] = '\0';
	for (i = 0; stroom_builtins[i].name && len < size; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", stroom_builtins[i].name);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return buf;
}

static int looks_like_path(const char *s)
{
	size_t n = strlen(s);
	return strchr(s, '/') || (n >= 5 && strcmp(s + n - 5, ".yaml") == 0) ||
	       (n >= 4 && strcmp(s + n - 4, ".yml") == 0);
}

/*
 * Writes rel resolved against the directory of `origin` into out (size bytes):
 * absolute paths and origins without a directory leave rel unchanged. Returns 0
 * or -1 when the result does not fit.
 */
static int resolve_relative(char *out, size_t size, const char *origin, const char *rel)
{
	const char *slash = strrchr(origin, '/');
	int n;
	if (rel[0] == '/' || !slash)
		n = snprintf(out, size, "%s", rel);
	else
		n = snprintf(out, size, "%.*s/%s", (int)(slash - origin), origin, rel);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/*
 * A file named by a builtin scenario is compiled in: `posterior: ../posteriors/NAME.csv`
 * in data/scenarios/X.yaml is resolved to data/posteriors/NAME.csv, which must be a
 * builtin posterior, and kept as STROOM_BUILTIN_PREFIX + that path (src/core/builtin.h).
 */
#define BUILTIN_UP "data/scenarios/../"
static int builtin_file(char *resolved, size_t size, const char *file, const yaml_node_t *vn,
			const char *key)
{
	char tmp[STROOM_PATH_LEN + 16];
	const char *rel = resolved;
	int n;
	if (strncmp(rel, BUILTIN_UP, strlen(BUILTIN_UP)) == 0)
		rel += strlen(BUILTIN_UP);
	n = snprintf(tmp, sizeof tmp, "%sdata/%s", STROOM_BUILTIN_PREFIX, rel);
	if (strcmp(key, "posterior") != 0 || rel == resolved || n < 0 || (size_t)n >= sizeof tmp ||
	    (size_t)n >= size || !stroom_builtin_posterior(tmp))
		return stroom_error_set(STROOM_EINVAL,
					WHERE_FMT "%s: expected a builtin file ../posteriors/NAME.csv "
						  "(data/posteriors), got '%s'",
					WHERE_ARGS(file, vn), key, resolved);
	memcpy(resolved, tmp, (size_t)n + 1);
	return 0;
}

/* Records an input file with the SHA-256 of its content (hex). Takes a copy of path. */
static int add_input(load_ctx *c, const char *path, const char *sha256)
{
	stroom_scenario *sc = c->sc;
	scenario_input *in;
	if (sc->n_inputs == sc->cap_inputs) {
		size_t cap = sc->cap_inputs ? 2 * sc->cap_inputs : 4;
		scenario_input *grown = stroom_realloc(c->alloc, sc->inputs, cap * sizeof *grown);
		if (!grown)
			return STROOM_ENOMEM;
		sc->inputs = grown;
		sc->cap_inputs = cap;
	}
	in = &sc->inputs[sc->n_inputs];
	in->path = stroom_strdup(c->alloc, path);
	if (!in->path)
		return STROOM_ENOMEM;
	memcpy(in->sha256, sha256, sizeof in->sha256);
	sc->n_inputs++;
	return 0;
}

/* Adds an input for text read from `path`; *name is the recorded (owned) path. */
static int add_text_input(load_ctx *c, const char *path, const char *text, size_t len,
			  const char **name)
{
	char hex[SHA256_DIGEST_STRING_LENGTH];
	int rc;
	SHA256Data((const uint8_t *)text, len, hex);
	if ((rc = add_input(c, path, hex)) != 0)
		return rc;
	*name = c->sc->inputs[c->sc->n_inputs - 1].path;
	return 0;
}


/* Turns a libyaml parser error into "FILE:LINE:COL: invalid YAML: ...". */
static int yaml_error(const yaml_parser_t *ps, const char *file)
{
	yaml_mark_t m = ps->error == YAML_READER_ERROR ? ps->mark : ps->problem_mark;
	if (ps->error == YAML_MEMORY_ERROR)
		return stroom_error_set(STROOM_ENOMEM, "%s: out of memory parsing YAML", file);
	if (ps->context)
		return stroom_error_set(STROOM_EPARSE,
					"%s:%zu:%zu: invalid YAML: %s (%s at line %zu)", file,
					m.line + 1, m.column + 1,
					ps->problem ? ps->problem : "error", ps->context,
					ps->context_mark.line + 1);
	return stroom_error_set(STROOM_EPARSE, "%s:%zu:%zu: invalid YAML: %s", file, m.line + 1,
				m.column + 1, ps->problem ? ps->problem : "error");
}

static int scalar_equals(const yaml_node_t *n, const char *s)
{
	size_t len = strlen(s);
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == len &&
	       memcmp(n->data.scalar.value, s, len) == 0;
}

static int same_scalar(const yaml_node_t *a, const yaml_node_t *b)
{
	return a->type == YAML_SCALAR_NODE && b->type == YAML_SCALAR_NODE &&
	       a->data.scalar.length == b->data.scalar.length &&
	       memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) == 0;
}

static int load_document(load_ctx *c, const char *text, size_t len, const char *origin,
			 source_id id);

static source_id builtin_id(int b)
{
	source_id id = {b, 0, 0, 0};
	return id;
}

/* The identity of the file at path (has_file = 0 when it cannot be stat'ed). */
static source_id file_id(const char *path)
{
	source_id id = {-1, 0, 0, 0};
	struct stat sb;
	if (stat(path, &sb) == 0) {
		id.has_file = 1;
		id.dev = sb.st_dev;
		id.ino = sb.st_ino;
	}
	return id;
}

/* Loads builtin b as a base (or the top scenario). */
static int load_builtin(load_ctx *c, int b)
{
	const stroom_builtin *bi = &stroom_builtins[b];
	source_id id = builtin_id(b);
	const char *name;
	int rc;
	if ((rc = add_text_input(c, bi->path, bi->text, bi->size, &name)) != 0)
		return rc;
	return load_document(c, bi->text, bi->size, name, id);
}

/* Loads the file at path; `context` prefixes errors opening it. */
static int load_file(load_ctx *c, const char *path, const char *context)
{
	char *text = NULL;
	size_t len = 0;
	source_id id = file_id(path);
	const char *name;
	int rc;

	if ((rc = stroom_read_file(c->alloc, path, STROOM_INPUT_SCENARIO, context, &text, &len)) !=
	    0)
		goto cleanup;
	if ((rc = add_text_input(c, path, text, len, &name)) != 0)
		goto cleanup;
	rc = load_document(c, text, len, name, id);
cleanup:
	stroom_free(c->alloc, text);
	return rc;
}

static int same_source(const source_id *a, const source_id *b)
{
	if (a->builtin >= 0 || b->builtin >= 0)
		return a->builtin == b->builtin;
	return a->has_file && b->has_file && a->dev == b->dev && a->ino == b->ino;
}

/*
 * Fails with "CONTEXT expected no cycle, got a.yaml -> b.yaml -> a.yaml" when the
 * document `id` (named `name`) is already on the extends chain.
 */
static int check_cycle(const load_ctx *c, source_id id, const char *name, const char *context)
{
	char chain[768];
	size_t len = 0;
	int i, from = -1, n;
	for (i = 0; i < c->depth && from < 0; i++)
		if (same_source(&c->chain[i], &id))
			from = i;
	if (from < 0)
		return 0;
	chain[0] = '\0';
	for (i = from; i < c->depth && len < sizeof chain; i++) {
		n = snprintf(chain + len, sizeof chain - len, "%s -> ", c->chain_name[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (len < sizeof chain)
		snprintf(chain + len, sizeof chain - len, "%s", name);
	return stroom_error_set(STROOM_EINVAL, "%sexpected no cycle, got %s", context, chain);
}

/*
 * Follows `extends: VALUE` of the document `origin`: a builtin name, or a path
 * relative to origin's directory. Checks depth and cycles before loading.
 */
static int load_base(load_ctx *c, const yaml_node_t *v, const char *origin)
{
	char target[STROOM_PATH_LEN], path[STROOM_PATH_LEN], context[STROOM_PATH_LEN + 64];
	char names[256];
	int b, rc;

	if (v->type != YAML_SCALAR_NODE || v->data.scalar.length == 0 ||
	    v->data.scalar.length >= sizeof target)
		return stroom_error_set(STROOM_EPARSE,
					WHERE_FMT "extends: expected a scenario name or path, got %s",
					WHERE_ARGS(origin, v),
					v->type == YAML_MAPPING_NODE    ? "a mapping"
					: v->type == YAML_SEQUENCE_NODE ? "a list"
					: v->data.scalar.length == 0	? "nothing"
									: "a path too long");
	memcpy(target, v->data.scalar.value, v->data.scalar.length);
	target[v->data.scalar.length] = '\0';
	snprintf(context, sizeof context, WHERE_FMT "extends: ", WHERE_ARGS(origin, v));

	if (c->depth > MAX_EXTENDS)
		return stroom_error_set(STROOM_EINVAL,
					"%sexpected at most %d levels of extends, got more at '%s'",
					context, MAX_EXTENDS, target);
	if (looks_like_path(target)) {
		if (resolve_relative(path, sizeof path, origin, target) != 0)
			return stroom_error_set(STROOM_EINVAL, "%sexpected a shorter path, got '%s'",
						context, target);
		/* A builtin extends another by path without leaving the compiled-in texts. */
		b = c->chain[c->depth - 1].builtin >= 0 ? builtin_find_path(path) : -1;
		if (b >= 0) {
			if ((rc = check_cycle(c, builtin_id(b), stroom_builtins[b].path, context)) != 0)
				return rc;
			return load_builtin(c, b);
		}
		if ((rc = check_cycle(c, file_id(path), path, context)) != 0)
			return rc;
		return load_file(c, path, context);
	}
	b = builtin_find(target);
	if (b < 0)
		return stroom_error_set(STROOM_ENOTFOUND,
					"%sexpected a builtin scenario (%s) or a path (with '/' or "
					"ending in .yaml), got '%s'",
					context, builtin_list(names, sizeof names), target);
	if ((rc = check_cycle(c, builtin_id(b), stroom_builtins[b].path, context)) != 0)
		return rc;
	return load_builtin(c, b);
}

/* Nonzero when a proper prefix of path names a record map ("teams.werk_zuid"). */
static int in_record_map(const char *path)
{
	char prefix[MAX_KEY_PATH];
	const char *dot;
	for (dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
		const scenario_key *k;
		size_t n = (size_t)(dot - path);
		if (n >= sizeof prefix)
			break;
		memcpy(prefix, path, n);
		prefix[n] = '\0';
		k = scenario_key_find(prefix);
		if (k && k->type == KEY_RECORDS)
			return 1;
	}
	return 0;
}

/*
 * Keeps where each month of series key k (one whose values may be priors, the
 * shocks) was written, as "inflow.shock.2020-04" with the line of its month, for
 * the scenario's sources; a file that sets the series again replaces them.
 */
static int keep_series_months(load_ctx *c, const scenario_key *k, yaml_document_t *doc,
			      const yaml_node_t *vn, const char *file)
{
	const stroom_series *ser = (const stroom_series *)(const void *)((const char *)&c->sc->params +
									  k->offset);
	size_t len = strlen(k->path), i, kept = 0;
	yaml_node_pair_t *pair;
	int j = 0;
	char m[16];
	for (i = 0; i < c->n_months; i++)
		if (!(strncmp(c->months[i].path, k->path, len) == 0 && c->months[i].path[len] == '.'))
			c->months[kept++] = c->months[i];
	c->n_months = kept;
	if (vn->type != YAML_MAPPING_NODE)
		return 0;
	for (pair = vn->data.mapping.pairs.start; pair < vn->data.mapping.pairs.top && j < ser->n;
	     pair++, j++) {
		const yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		scenario_field_where *w;
		if (c->n_months == c->cap_months) {
			size_t cap = c->cap_months ? 2 * c->cap_months : 16;
			scenario_field_where *grown =
				stroom_realloc(c->alloc, c->months, cap * sizeof *grown);
			if (!grown)
				return STROOM_ENOMEM;
			c->months = grown;
			c->cap_months = cap;
		}
		w = &c->months[c->n_months++];
		memset(w, 0, sizeof *w);
		snprintf(w->path, sizeof w->path, "%s.%s", k->path,
			 stroom_month_format(ser->month[j], m, sizeof m));
		w->unit = k->unit;
		w->file = file;
		w->line = kn->start_mark.line + 1;
	}
	return 0;
}

/*
 * Applies the pairs of mapping `map` at dotted path `prefix` ("" at the top) from
 * document `file`. Groups recurse; keys go to the schema; anything else is an
 * unknown key with a "did you mean" hint.
 */
static int apply_mapping(load_ctx *c, yaml_document_t *doc, yaml_node_t *map,
			 const char *prefix, const char *file)
{
	yaml_node_pair_t *pair, *prev;
	char path[MAX_KEY_PATH], hint[MAX_KEY_PATH];
	int rc;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		yaml_node_t *vn = yaml_document_get_node(doc, pair->value);
		const scenario_key *k;
		const char *key;
		size_t klen;
		int n;

		if (kn->type != YAML_SCALAR_NODE)
			return stroom_error_set(STROOM_EPARSE,
						WHERE_FMT "%s: expected a key name, got %s",
						WHERE_ARGS(file, kn), *prefix ? prefix : "scenario",
						kn->type == YAML_MAPPING_NODE ? "a mapping" : "a list");
		key = (const char *)kn->data.scalar.value;
		klen = kn->data.scalar.length;
		for (prev = map->data.mapping.pairs.start; prev < pair; prev++) {
			yaml_node_t *pk = yaml_document_get_node(doc, prev->key);
			if (same_scalar(pk, kn))
				return stroom_error_set(STROOM_EPARSE,
							WHERE_FMT "%s%s%.*s: expected each key once, "
							"got it again (first at line %zu)",
							WHERE_ARGS(file, kn), prefix, *prefix ? "." : "",
							(int)klen, key, pk->start_mark.line + 1);
		}
		if (!*prefix && scalar_equals(kn, "extends"))
			continue; /* followed before the keys were applied */
		n = snprintf(path, sizeof path, "%s%s%.*s", prefix, *prefix ? "." : "", (int)klen,
			     key);
		if (n < 0 || (size_t)n >= sizeof path || strlen(path) != (size_t)n || klen == 0)
			return stroom_error_set(STROOM_EPARSE, WHERE_FMT "%s%s%.*s: unknown key",
						WHERE_ARGS(file, kn), prefix, *prefix ? "." : "",
						(int)(klen < 40 ? klen : 40), key);
		k = scenario_key_find(path);
		if (memchr(key, '.', klen) &&
		    (k || scenario_key_is_group(path) || in_record_map(path)))
			return stroom_error_set(STROOM_EPARSE,
						WHERE_FMT "%s: expected nested keys, got a dotted key "
							  "(write each part as a mapping)",
						WHERE_ARGS(file, kn), path);
		if (k) {
			scenario_keystate *st = &c->st[k - scenario_keys];
			if ((rc = scenario_key_set(k, &c->sc->params, st, doc, vn, file)) != 0)
				return rc;
			if (k->type == KEY_SERIES && scenario_key_takes_prior(k) &&
			    (rc = keep_series_months(c, k, doc, vn, file)) != 0)
				return rc;
			st->set = 2;
			st->file = file;
			st->line = kn->start_mark.line + 1;
			st->col = kn->start_mark.column + 1;
			if (k->flags & KEY_FILE) {
				char *value = (char *)&c->sc->params + k->offset;
				char resolved[STROOM_PATH_LEN];
				/* a builtin posterior as a resolved dump names it: kept as it is */
				const int kept = strcmp(path, "posterior") == 0 &&
						 strncmp(value, STROOM_BUILTIN_PREFIX,
							 strlen(STROOM_BUILTIN_PREFIX)) == 0 &&
						 stroom_builtin_posterior(value) != NULL;
				if (kept)
					;
				else if (*value && resolve_relative(resolved, sizeof resolved, file,
							       value) != 0)
					return stroom_error_set(
						STROOM_EINVAL,
						WHERE_FMT "%s: expected a path of at most %d "
							  "characters relative to this file, got '%s'",
						WHERE_ARGS(file, vn), path, STROOM_PATH_LEN - 1, value);
				else if (*value && builtin_find_path(file) >= 0 &&
				    (rc = builtin_file(resolved, sizeof resolved, file, vn, path)) != 0)
					return rc;
				if (*value && !kept)
					memcpy(value, resolved, strlen(resolved) + 1);
			}
		} else if (scenario_key_is_group(path)) {
			if (vn->type != YAML_MAPPING_NODE)
				return stroom_error_set(STROOM_EPARSE,
							WHERE_FMT "%s: expected a mapping of keys, got %s",
							WHERE_ARGS(file, vn), path,
							vn->type == YAML_SEQUENCE_NODE ? "a list"
										       : "a scalar");
			if ((rc = apply_mapping(c, doc, vn, path, file)) != 0)
				return rc;
		} else if (scenario_key_suggest(path, hint, sizeof hint)) {
			return stroom_error_set(STROOM_EPARSE,
						WHERE_FMT "%s: unknown key; did you mean '%s'?",
						WHERE_ARGS(file, kn), path, hint);
		} else {
			return stroom_error_set(STROOM_EPARSE,
						WHERE_FMT "%s: unknown key (docs/scenario.md lists "
							  "every key)",
						WHERE_ARGS(file, kn), path);
		}
	}
	return 0;
}

/*
 * Parses one YAML document `origin` (already recorded as an input), follows its
 * extends and applies its keys over what the bases set.
 */
static int load_document(load_ctx *c, const char *text, size_t len, const char *origin,
			 source_id id)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	int have_parser = 0, have_doc = 0, rc = 0;
	yaml_node_t *root, *ext = NULL;

	c->chain[c->depth] = id;
	c->chain_name[c->depth] = origin;
	c->depth++;

	if (!yaml_parser_initialize(&parser)) {
		rc = stroom_error_set(STROOM_ENOMEM, "%s: out of memory parsing YAML", origin);
		goto cleanup;
	}
	have_parser = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_error(&parser, origin);
		goto cleanup;
	}
	have_doc = 1;
	if (!yaml_parser_load(&parser, &extra)) {
		rc = yaml_error(&parser, origin);
		goto cleanup;
	}
	root = yaml_document_get_root_node(&extra);
	if (root) {
		rc = stroom_error_set(STROOM_EPARSE,
				      WHERE_FMT "expected one YAML document, got a second one",
				      WHERE_ARGS(origin, root));
		yaml_document_delete(&extra);
		goto cleanup;
	}
	yaml_document_delete(&extra);

	root = yaml_document_get_root_node(&doc);
	if (!root)
		goto done; /* an empty file sets nothing */
	if (root->type != YAML_MAPPING_NODE) {
		rc = stroom_error_set(STROOM_EPARSE,
				      WHERE_FMT "expected a mapping of scenario keys, got %s",
				      WHERE_ARGS(origin, root),
				      root->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar");
		goto cleanup;
	}
	{
		yaml_node_pair_t *pair;
		for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top;
		     pair++) {
			yaml_node_t *kn = yaml_document_get_node(&doc, pair->key);
			if (scalar_equals(kn, "extends") && !ext)
				ext = yaml_document_get_node(&doc, pair->value);
		}
	}
	if (ext && (rc = load_base(c, ext, origin)) != 0)
		goto cleanup;
	if ((rc = apply_mapping(c, &doc, root, "", origin)) != 0)
		goto cleanup;
done:
	c->depth--;
cleanup:
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	return rc;
}

/*
 * Checks that the file of a KEY_FILE key (if set) is a readable regular file within
 * the limit of its kind and records its hash; errors point at the key.
 */
static int add_input_file(load_ctx *c, const char *top, const char *key, const char *path,
			  stroom_input_kind kind)
{
	const scenario_key *k = scenario_key_find(key);
	const scenario_keystate *st = &c->st[k - scenario_keys];
	char hex[SHA256_DIGEST_STRING_LENGTH], context[STROOM_PATH_LEN + MAX_KEY_PATH + 64];
	int rc;

	if (!*path)
		return 0;
	if (strncmp(path, STROOM_BUILTIN_PREFIX, strlen(STROOM_BUILTIN_PREFIX)) == 0) {
		const stroom_builtin *bp = stroom_builtin_posterior(path);
		if (bp) {
			SHA256Data((const uint8_t *)bp->text, bp->size, hex);
			return add_input(c, path, hex);
		}
	}
	snprintf(context, sizeof context, "%s:%zu:%zu: %s: ", st->file ? st->file : top,
		 st->file ? st->line : 1, st->file ? st->col : 1, key);
	if ((rc = stroom_hash_file(path, kind, context, hex)) != 0)
		return rc;
	return add_input(c, path, hex);
}

void stroom_scenario_free(stroom_scenario *s)
{
	stroom_allocator a;
	size_t i;
	if (!s)
		return;
	a = s->alloc;
	for (i = 0; i < s->n_inputs; i++)
		stroom_free(&a, s->inputs[i].path);
	stroom_free(&a, s->inputs);
	stroom_free(&a, s->where);
	stroom_free(&a, s->fields);
	stroom_free(&a, s);
}

/* Keeps where each record field was set (the load state is freed after the load),
 * then where each month of a shock series was written (months, n_months). */
static int keep_field_where(stroom_scenario *sc, const scenario_keystate *st,
			    const scenario_field_where *months, size_t n_months)
{
	size_t k, f, n = n_months;
	int pass, j;
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < scenario_nkeys; k++) {
			const scenario_record *r = scenario_keys[k].record;
			int count;
			if (scenario_keys[k].type != KEY_RECORDS || !st[k].rec)
				continue;
			memcpy(&count, (const char *)&sc->params + r->count_offset, sizeof count);
			for (j = 0; j < count && j < r->max; j++) {
				const char *rec = (const char *)&sc->params + r->array_offset +
						  (size_t)j * r->stride;
				for (f = 0; f < r->nfields; f++) {
					const scenario_keystate *fs = &st[k].rec[j].field[f];
					scenario_field_where *w;
					if (fs->set != 2 || !fs->file)
						continue;
					if (pass == 0) {
						n++;
						continue;
					}
					w = &sc->fields[sc->n_fields++];
					snprintf(w->path, sizeof w->path, "%s.%s.%s", scenario_keys[k].path,
						 rec + r->name_offset, r->fields[f].path);
					w->unit = r->fields[f].unit;
					w->file = fs->file;
					w->line = fs->line;
				}
			}
		}
		if (pass == 0 && n > 0) {
			sc->fields = stroom_calloc(&sc->alloc, n, sizeof *sc->fields);
			if (!sc->fields)
				return STROOM_ENOMEM;
		}
		if (n == 0)
			break;
	}
	if (n_months > 0) {
		memcpy(&sc->fields[sc->n_fields], months, n_months * sizeof *months);
		sc->n_fields += n_months;
	}
	return 0;
}

const scenario_field_where *scenario_field_wheres(const stroom_scenario *s, size_t *n)
{
	*n = s ? s->n_fields : 0;
	return s ? s->fields : NULL;
}

/*
 * The common path of load and load_string: defaults, then the document chain
 * (started by `start`), then the checks. Loads builtin `b` when b >= 0, else the
 * file `path` when text is NULL, else text with origin `path`.
 */
static int load(stroom_scenario **out, int b, const char *path, const char *text,
		const stroom_scenario_options *opts)
{
	const stroom_allocator *a = stroom_alloc_or_default(opts ? opts->allocator : NULL);
	load_ctx c;
	stroom_scenario *sc = NULL;
	const char *top = NULL;
	int rc;

	memset(&c, 0, sizeof c);
	*out = NULL;
	if (opts && opts->version != STROOM_SCENARIO_OPTIONS_VERSION) {
		rc = stroom_error_set(STROOM_EINVAL,
				      "stroom_scenario_options: expected version %d, got %u",
				      STROOM_SCENARIO_OPTIONS_VERSION, opts->version);
		goto cleanup;
	}
	sc = stroom_calloc(a, 1, sizeof *sc);
	if (!sc) {
		rc = STROOM_ENOMEM;
		goto cleanup;
	}
	sc->alloc = *a;
	c.sc = sc;
	c.alloc = &sc->alloc;
	c.st = scenario_state_new(c.alloc);
	if (!c.st) {
		rc = STROOM_ENOMEM;
		goto cleanup;
	}
	if ((rc = scenario_set_defaults(&sc->params, c.st)) != 0)
		goto cleanup;

	if (b >= 0) {
		rc = load_builtin(&c, b);
	} else if (!text) {
		rc = load_file(&c, path, "");
	} else {
		source_id id = {-1, 0, 0, 0};
		const char *name;
		size_t len = strlen(text);
		if ((rc = stroom_text_check(text, len, path, STROOM_TEXT_YAML)) == 0 &&
		    (rc = add_text_input(&c, path, text, len, &name)) == 0)
			rc = load_document(&c, text, len, name, id);
	}
	if (rc != 0)
		goto cleanup;
	top = sc->inputs[0].path;
	if ((rc = scenario_finish(&sc->params, c.st, top)) != 0)
		goto cleanup;
	if ((rc = add_input_file(&c, top, "population.csv", sc->params.population_csv,
				 STROOM_INPUT_HOUSEHOLDS)) != 0 ||
	    (rc = add_input_file(&c, top, "municipalities.csv", sc->params.municipalities_csv,
				 STROOM_INPUT_MUNICIPALITIES)) != 0 ||
	    (rc = add_input_file(&c, top, "budget.csv", sc->params.budget_csv,
				 STROOM_INPUT_BUDGET)) != 0 ||
	    (rc = add_input_file(&c, top, "posterior", sc->params.posterior_csv,
				 STROOM_INPUT_POSTERIOR)) != 0)
		goto cleanup;
	sc->where = stroom_calloc(c.alloc, scenario_nkeys, sizeof *sc->where);
	if (!sc->where) {
		rc = STROOM_ENOMEM;
		goto cleanup;
	}
	{
		size_t k;
		for (k = 0; k < scenario_nkeys; k++)
			if (c.st[k].set == 2 && c.st[k].file) {
				sc->where[k].file = c.st[k].file;
				sc->where[k].line = c.st[k].line;
				sc->where[k].col = c.st[k].col;
			}
	}
	if ((rc = keep_field_where(sc, c.st, c.months, c.n_months)) != 0)
		goto cleanup;
	*out = sc;
	sc = NULL;
cleanup:
	if (c.st)
		scenario_state_free(c.alloc, c.st); /* c.alloc lives in the scenario: free st first */
	if (c.months)
		stroom_free(c.alloc, c.months);
	stroom_scenario_free(sc);
	return rc;
}

int stroom_scenario_load(stroom_scenario **out, const char *name_or_path,
			 const stroom_scenario_options *opts)
{
	char names[256];
	int b;
	if (!out || !name_or_path) {
		if (out)
			*out = NULL;
		return stroom_error_set(STROOM_EINVAL, "stroom_scenario_load: expected a name or "
						       "path, got NULL");
	}
	if (looks_like_path(name_or_path))
		return load(out, -1, name_or_path, NULL, opts);
	b = builtin_find(name_or_path);
	if (b < 0) {
		*out = NULL;
		return stroom_error_set(STROOM_ENOTFOUND,
					"%s: unknown scenario: expected a builtin (%s) or a path "
					"(with '/' or ending in .yaml)",
					name_or_path, builtin_list(names, sizeof names));
	}
	return load(out, b, stroom_builtins[b].path, NULL, opts);
}

int stroom_scenario_load_string(stroom_scenario **out, const char *text, const char *origin,
				const stroom_scenario_options *opts)
{
	if (!out || !text) {
		if (out)
			*out = NULL;
		return stroom_error_set(STROOM_EINVAL,
					"stroom_scenario_load_string: expected text, got NULL");
	}
	return load(out, -1, origin && *origin ? origin : "(string)", text, opts);
}

const stroom_params *stroom_scenario_params(const stroom_scenario *s)
{
	return s ? &s->params : NULL;
}

const char *stroom_scenario_key_where(const stroom_scenario *s, const char *key, char *buf,
				      size_t size)
{
	const scenario_key *k = key ? scenario_key_find(key) : NULL;
	const scenario_where *w;
	if (!s || !s->where || !k || !buf || size == 0)
		return NULL;
	w = &s->where[k - scenario_keys];
	if (!w->file)
		return NULL;
	snprintf(buf, size, "%s:%zu:%zu", w->file, w->line, w->col);
	return buf;
}

int stroom_scenario_key_in_top(const stroom_scenario *s, const char *key)
{
	const scenario_key *k = key ? scenario_key_find(key) : NULL;
	return s && s->where && k && s->n_inputs > 0 && s->where[k - scenario_keys].file &&
	       s->where[k - scenario_keys].file == s->inputs[0].path;
}

size_t stroom_scenario_input_count(const stroom_scenario *s) { return s ? s->n_inputs : 0; }

const char *stroom_scenario_input_path(const stroom_scenario *s, size_t i)
{
	return s && i < s->n_inputs ? s->inputs[i].path : NULL;
}

const char *stroom_scenario_input_sha256(const stroom_scenario *s, size_t i)
{
	return s && i < s->n_inputs ? s->inputs[i].sha256 : NULL;
}

/* ---- builtins ---- */

size_t stroom_scenario_builtin_count(void) { return builtin_count(); }

const char *stroom_scenario_builtin_name(size_t i)
{
	return i < builtin_count() ? stroom_builtins[i].name : NULL;
}

/* The description is taken from the YAML at build time by cmake/embed.cmake. */
const char *stroom_scenario_builtin_description(size_t i)
{
	return i < builtin_count() ? stroom_builtins[i].description : NULL;
}
