/*
 * cli_runs.c: the run archive on the command line (docs/archive.md).
 *
 * `stroom runs list|show ID|diff ID ID|rm ID|export ID DIR [--archive PATH]`, and
 * what run, compare and calibrate share (cli_archive.h): --archive PATH and
 * --no-archive, opening the archive before any work (a bad one is exit 2 before
 * anything runs), and recording the output once it is complete. A record that
 * cannot be written is a warning: the output directory is complete and stays, and
 * the command's exit code is the one it had.
 */
#include "cli.h"
#include "cli_archive.h"
#include "cli_fit.h"

#include <stroom/output.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- what run, compare and calibrate share --------------------------------- */

void stroom_cli_archive_init(stroom_cli_archive *a, const char *cmd, int argc, char **argv)
{
	const char *env = getenv("STROOM_ARCHIVE");
	memset(a, 0, sizeof *a);
	a->cmd = cmd;
	a->argc = argc;
	a->argv = argv;
	if (env && !strcmp(env, "off"))
		a->off = 1;
	else if (env && env[0])
		a->path = env;
}

int stroom_cli_archive_option(int argc, char **argv, int *i, stroom_cli_archive *a)
{
	if (!strcmp(argv[*i], "--no-archive")) {
		a->off = 1;
		return 1;
	}
	if (strcmp(argv[*i], "--archive"))
		return 0;
	if (*i + 1 >= argc || !argv[*i + 1][0]) {
		stroom_cli_bad("--archive", "a file (the archive database)", *i + 1 < argc ? argv[*i + 1] : "");
		return -1;
	}
	a->path = argv[++*i];
	a->off = 0;
	return 1;
}

/* The archive's path: --archive, STROOM_ARCHIVE, or the default. 0, or one line
 * printed and EXIT_BADINPUT. */
static int archive_where(const char *path, char *buf, size_t size)
{
	int err;
	if (path) {
		snprintf(buf, size, "%s", path);
		return 0;
	}
	if ((err = stroom_archive_default_path(buf, size)) != 0) {
		fprintf(stderr, "stroom: %s: give the archive with --archive PATH\n", stroom_error_last());
		return EXIT_BADINPUT;
	}
	return 0;
}

int stroom_cli_archive_open(stroom_cli_archive *a)
{
	int err;
	if (a->off)
		return 0;
	if (archive_where(a->path, a->where, sizeof a->where))
		return EXIT_BADINPUT;
	if ((err = stroom_archive_open(&a->db, a->where, STROOM_ARCHIVE_CREATE, NULL)) != 0) {
		fprintf(stderr, "stroom: %s; choose another --archive PATH, or --no-archive\n",
			stroom_error_last());
		return EXIT_BADINPUT;
	}
	return 0;
}

void stroom_cli_archive_close(stroom_cli_archive *a)
{
	stroom_archive_close(a->db);
	a->db = NULL;
}

/* The command line as typed, each argument quoted for a POSIX shell when it needs
 * it (malloc'd; NULL when out of memory). */
static char *command_line(const stroom_cli_archive *a)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    "_-./:=,+@%";
	size_t need = strlen("stroom ") + strlen(a->cmd) + 1;
	char *s, *o;
	int i;
	for (i = 0; i < a->argc; i++)
		need += 4 * strlen(a->argv[i]) + 3;
	s = malloc(need);
	if (!s)
		return NULL;
	o = s + sprintf(s, "stroom %s", a->cmd);
	for (i = 0; i < a->argc; i++) {
		const char *p = a->argv[i];
		*o++ = ' ';
		if (p[0] && strspn(p, plain) == strlen(p)) {
			o += sprintf(o, "%s", p);
			continue;
		}
		*o++ = '\'';
		for (; *p; p++) {
			if (*p == '\'') {
				memcpy(o, "'\\''", 4);
				o += 4;
			} else {
				*o++ = *p;
			}
		}
		*o++ = '\'';
	}
	*o = '\0';
	return s;
}

/* Records (from dir, or from files when files is not NULL) and says how it went. */
static void record(stroom_cli_archive *a, stroom_archive_kind kind, const char *scenario,
		   double target_p, const char *dir, const stroom_archive_file *files, size_t n, int say)
{
	stroom_archive_meta m;
	int64_t id = 0;
	int err;
	char *cmd;
	if (a->off || !a->db)
		return;
	cmd = command_line(a);
	m.kind = kind;
	m.command = cmd ? cmd : a->cmd;
	m.scenario = scenario;
	m.target_p = target_p;
	err = files ? stroom_archive_record_files(a->db, &m, dir, files, n, &id)
		    : stroom_archive_record_dir(a->db, &m, dir, &id);
	free(cmd);
	if (err) {
		if (dir)
			fprintf(stderr, "stroom: warning: not recorded in the archive: %s; '%s' is complete "
				"and stays\n", stroom_error_last(), stroom_cli_printable(dir).s);
		else
			fprintf(stderr, "stroom: warning: not recorded in the archive: %s\n",
				stroom_error_last());
		return;
	}
	if (say)
		printf("Archived: record %lld in %s\n", (long long)id, a->where);
}

void stroom_cli_archive_run(stroom_cli_archive *a, const stroom_results *r, const stroom_params *p,
			    const char *dir, int say)
{
	double pt = NAN;
	int t = p->target_month - stroom_results_start(r), R = stroom_results_replicates(r), k, below = 0;
	if (p->target_households > 0 && t >= 0 && t < stroom_results_months(r) && R > 0) {
		for (k = 0; k < R; k++)
			below += stroom_results_value(r, k, t, STROOM_IND_CASELOAD, 0) <= p->target_households;
		pt = (double)below / R;
	}
	record(a, STROOM_ARCHIVE_RUN, p->name, pt, dir, NULL, 0, say);
}

void stroom_cli_archive_dir(stroom_cli_archive *a, stroom_archive_kind kind, const char *scenario,
			    const char *dir, int say)
{
	record(a, kind, scenario, NAN, dir, NULL, 0, say);
}

void stroom_cli_archive_files(stroom_cli_archive *a, stroom_archive_kind kind, const char *scenario,
			      const char *dir, const stroom_archive_file *files, size_t n, int say)
{
	record(a, kind, scenario, NAN, dir, files, n, say);
}

/* --- stroom runs ----------------------------------------------------------- */

static const char usage[] =
	"usage: stroom runs list [--limit N] [--archive PATH]\n"
	"       stroom runs show ID [--archive PATH]\n"
	"       stroom runs diff ID ID [--archive PATH]\n"
	"       stroom runs rm ID [--archive PATH]\n"
	"       stroom runs export ID DIR [--archive PATH]\n"
	"  the run archive: every run, compare and calibrate is recorded with its files\n"
	"  (docs/archive.md). list: newest first (id, time, kind, scenario, P(target),\n"
	"  directory); show: the record, its manifest and its summary; diff: the scenario\n"
	"  keys, settings and inputs that differ and the headline results of both; rm:\n"
	"  remove a record; export: write its files into DIR (which must not exist), equal\n"
	"  to the directory that was recorded.\n"
	"  --archive PATH: the archive (default: $STROOM_ARCHIVE, else\n"
	"  $XDG_DATA_HOME/stroom/archive.sqlite, else ~/.local/share/stroom/archive.sqlite).\n"
	"  Exit 0 ok, 1 failed, 2 bad input (an unknown ID, a file that is not an archive).\n";

/* A record's id: 0, or one line and EXIT_BADINPUT. */
static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;
	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return stroom_cli_bad("ID", "a record number (see 'stroom runs list')", s ? s : "");
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 1)
		return stroom_cli_bad("ID", "a record number (see 'stroom runs list')", s);
	*id = v;
	return 0;
}

static void print_p(const stroom_archive_record *r)
{
	if (r->kind == STROOM_ARCHIVE_COMPARE && (isfinite(r->target_p) || isfinite(r->target_p_a)))
		printf("%5.3f/%5.3f", r->target_p_a, r->target_p);
	else if (isfinite(r->target_p))
		printf("%11.3f", r->target_p);
	else
		printf("%11s", "-");
}

static int runs_list(stroom_archive *ar, int limit)
{
	stroom_archive_record *recs = NULL;
	size_t n = 0, i;
	int w = 24;
	int err = stroom_archive_list(ar, limit, &recs, &n);
	if (err)
		return stroom_cli_fail(err);
	/* the scenario column as wide as its longest entry (a comparison's "A vs B") */
	for (i = 0; i < n; i++) {
		size_t len = strlen(stroom_cli_printable(recs[i].scenario).s);
		if (len > (size_t)w && len <= 200)
			w = (int)len;
	}
	printf("%5s  %-20s  %-9s  %-*s  %11s  %s\n", "id", "recorded (UTC)", "kind", w, "scenario",
	       "P(target)", "directory");
	for (i = 0; i < n; i++) {
		const stroom_archive_record *r = &recs[i];
		printf("%5lld  %-20s  %-9s  %-*s  ", (long long)r->id, r->created_utc,
		       stroom_archive_kind_name(r->kind), w, stroom_cli_printable(r->scenario).s);
		print_p(r);
		printf("  %s\n", r->directory[0] ? stroom_cli_printable(r->directory).s : "-");
	}
	stroom_archive_records_free(ar, recs, n);
	return EXIT_OK;
}

/* Prints "  LABEL  VALUE" for a manifest key that is a number or a string. */
static void show_key(json_t *m, const char *key, const char *label)
{
	json_t *v = json_object_get(m, key);
	if (json_is_integer(v))
		printf("  %-10s %lld\n", label, (long long)json_integer_value(v));
	else if (json_is_string(v))
		printf("  %-10s %s\n", label, stroom_cli_printable(json_string_value(v)).s);
}

static void show_inputs(json_t *inputs, const char *side)
{
	size_t i;
	json_t *e;
	json_array_foreach(inputs, i, e) {
		json_t *path = json_object_get(e, "path"), *sha = json_object_get(e, "sha256");
		if (json_is_string(path) && json_is_string(sha))
			printf("  %-10s %s  sha256 %s\n", side, stroom_cli_printable(json_string_value(path)).s,
			       stroom_cli_printable(json_string_value(sha)).s);
	}
}

static int runs_show(stroom_archive *ar, int64_t id)
{
	stroom_archive_record *r = NULL;
	char **names = NULL, *text = NULL;
	size_t n = 0, i, len;
	json_t *m;
	int err;
	if ((err = stroom_archive_get(ar, id, &r)) != 0 ||
	    (err = stroom_archive_file_names(ar, id, &names, &n)) != 0) {
		stroom_archive_records_free(ar, r, 1);
		return stroom_cli_fail(err);
	}
	printf("record %lld: %s of %s, recorded %s by stroom %s\n", (long long)r->id,
	       stroom_archive_kind_name(r->kind), stroom_cli_printable(r->scenario).s, r->created_utc,
	       stroom_cli_printable(r->stroom_version).s);
	printf("  command    %s\n", stroom_cli_printable(r->command).s);
	printf("  directory  %s\n", r->directory[0] ? stroom_cli_printable(r->directory).s
						    : "- (none written; 'stroom runs export' writes one)");
	printf("  files     ");
	for (i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf(" (%lld bytes)\n", (long long)r->bytes);
	m = json_loads(r->manifest, 0, NULL);
	if (m) {
		show_key(m, "seed", "seed");
		show_key(m, "replicates", "replicates");
		show_inputs(json_object_get(m, "inputs"), "input");
		show_inputs(json_object_get(json_object_get(m, "a"), "inputs"), "input A");
		show_inputs(json_object_get(json_object_get(m, "b"), "inputs"), "input B");
		json_decref(m);
	}
	if (r->kind == STROOM_ARCHIVE_COMPARE && (isfinite(r->target_p) || isfinite(r->target_p_a)))
		printf("  P(target)  A %.3f, B %.3f\n", r->target_p_a, r->target_p);
	else if (isfinite(r->target_p))
		printf("  P(target)  %.3f\n", r->target_p);
	/* the summary the command printed: summary.txt, or a fit's fit.txt */
	err = stroom_archive_file_data(ar, id, "summary.txt", &text, &len);
	if (err == STROOM_ENOTFOUND)
		err = stroom_archive_file_data(ar, id, "fit.txt", &text, &len);
	if (!err) {
		printf("\n");
		fwrite(text, 1, len, stdout);
	}
	stroom_archive_data_free(ar, text);
	stroom_archive_names_free(ar, names, n);
	stroom_archive_records_free(ar, r, 1);
	return err && err != STROOM_ENOTFOUND ? stroom_cli_fail(err) : EXIT_OK;
}

static int runs_diff(stroom_archive *ar, int64_t a, int64_t b)
{
	static const char *const titles[] = {"settings and scenario keys that differ",
					     "inputs whose sha256 differs", "results",
					     "files that differ"};
	stroom_archive_record *ra = NULL, *rb = NULL;
	stroom_archive_diff_item *d = NULL;
	size_t n = 0, i;
	int err, section = -1, changed = 0;
	if ((err = stroom_archive_get(ar, a, &ra)) != 0 || (err = stroom_archive_get(ar, b, &rb)) != 0 ||
	    (err = stroom_archive_diff(ar, a, b, &d, &n)) != 0) {
		stroom_archive_records_free(ar, ra, 1);
		stroom_archive_records_free(ar, rb, 1);
		return stroom_cli_fail(err);
	}
	printf("record %lld (%s of %s, %s) -> record %lld (%s of %s, %s)\n", (long long)a,
	       stroom_archive_kind_name(ra->kind), stroom_cli_printable(ra->scenario).s, ra->created_utc,
	       (long long)b, stroom_archive_kind_name(rb->kind), stroom_cli_printable(rb->scenario).s,
	       rb->created_utc);
	for (i = 0; i < n; i++) {
		if ((int)d[i].section != section) {
			section = (int)d[i].section;
			printf("\n%s\n", titles[section]);
		}
		changed += d[i].section == STROOM_DIFF_SETTING || d[i].section == STROOM_DIFF_INPUT;
		printf("  %s: %s -> ", stroom_cli_printable(d[i].key).s,
		       d[i].a[0] ? stroom_cli_printable(d[i].a).s : "(none)");
		printf("%s\n", d[i].b[0] ? stroom_cli_printable(d[i].b).s : "(none)");
	}
	if (!changed)
		printf("\nno setting, scenario key or input differs\n");
	stroom_archive_diff_free(ar, d, n);
	stroom_archive_records_free(ar, ra, 1);
	stroom_archive_records_free(ar, rb, 1);
	return EXIT_OK;
}

static int runs_rm(stroom_archive *ar, int64_t id)
{
	stroom_archive_record *r = NULL;
	int err;
	if ((err = stroom_archive_get(ar, id, &r)) != 0 || (err = stroom_archive_remove(ar, id)) != 0) {
		stroom_archive_records_free(ar, r, 1);
		return stroom_cli_fail(err);
	}
	printf("removed record %lld (%s of %s, recorded %s)\n", (long long)id,
	       stroom_archive_kind_name(r->kind), stroom_cli_printable(r->scenario).s, r->created_utc);
	stroom_archive_records_free(ar, r, 1);
	return EXIT_OK;
}

static int runs_export(stroom_archive *ar, int64_t id, const char *dir)
{
	struct stat st;
	int err;
	if (lstat(dir, &st) == 0) {
		fprintf(stderr, "stroom: runs export: '%s' already exists; choose a new directory\n",
			stroom_cli_printable(dir).s);
		return EXIT_BADINPUT;
	}
	if ((err = stroom_output_check_dir(dir)) != 0)
		return stroom_cli_fail(err);
	stroom_cli_catch_signals();
	err = stroom_archive_export(ar, id, dir, stroom_cli_write_cancelled, NULL);
	if (err == STROOM_EINTR) {
		return stroom_cli_interrupted_exit("nothing written");
	}
	if (err)
		return stroom_cli_fail(err);
	printf("%s\n", dir);
	return EXIT_OK;
}

int stroom_cli_runs(int argc, char **argv)
{
	const char *sub = NULL, *pos[3] = {NULL, NULL, NULL}, *path = getenv("STROOM_ARCHIVE");
	char where[4096];
	int i, np = 0, want, code;
	long limit = 0;
	int64_t id[2] = {0, 0};
	stroom_archive *ar = NULL;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "--archive")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return stroom_cli_bad("--archive", "a file (the archive database)",
						      i + 1 < argc ? argv[i + 1] : "");
			path = argv[++i];
		} else if (!strcmp(a, "--limit")) {
			if (i + 1 >= argc)
				return stroom_cli_bad("--limit", "a whole number", "");
			if (stroom_cli_whole("--limit", argv[++i], 1, 1000000000, &limit))
				return EXIT_BADINPUT;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "stroom: runs: unknown option '%s' (see 'stroom runs --help')\n",
				stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		} else if (!sub) {
			sub = a;
		} else if (np < 3) {
			pos[np++] = a;
		} else {
			np++;
		}
	}
	if (!sub) {
		fprintf(stderr, "stroom: runs needs list, show, diff, rm or export (see 'stroom runs "
			"--help')\n");
		return EXIT_BADINPUT;
	}
	want = !strcmp(sub, "list") ? 0
	       : !strcmp(sub, "show") || !strcmp(sub, "rm") ? 1
	       : !strcmp(sub, "diff") || !strcmp(sub, "export") ? 2
								   : -1;
	if (want < 0) {
		fprintf(stderr, "stroom: runs: unknown subcommand '%s' (see 'stroom runs --help')\n",
			stroom_cli_printable(sub).s);
		return EXIT_BADINPUT;
	}
	if (np != want) {
		static const char *const takes[] = {"no argument", "one ID", "two IDs", "ID DIR"};
		fprintf(stderr, "stroom: runs %s takes %s (see 'stroom runs --help')\n", sub,
			takes[!strcmp(sub, "export") ? 3 : want]);
		return EXIT_BADINPUT;
	}
	if (limit && strcmp(sub, "list")) {
		fprintf(stderr, "stroom: runs %s: --limit is for 'runs list'\n", sub);
		return EXIT_BADINPUT;
	}
	for (i = 0; i < np && i < 2; i++)
		if ((i == 0 || strcmp(sub, "export")) && parse_id(pos[i], &id[i]))
			return EXIT_BADINPUT;
	if (path && !strcmp(path, "off"))
		path = NULL; /* STROOM_ARCHIVE=off turns recording off; reading uses the default */
	if (archive_where(path && path[0] ? path : NULL, where, sizeof where))
		return EXIT_BADINPUT;
	if ((code = stroom_archive_open(&ar, where, 0, NULL)) != 0) {
		if (code == STROOM_ENOTFOUND && !strcmp(sub, "list")) {
			fprintf(stderr, "stroom: %s\n", stroom_error_last());
			return EXIT_OK;
		}
		return stroom_cli_fail(code);
	}
	if (!strcmp(sub, "list"))
		code = runs_list(ar, (int)limit);
	else if (!strcmp(sub, "show"))
		code = runs_show(ar, id[0]);
	else if (!strcmp(sub, "rm"))
		code = runs_rm(ar, id[0]);
	else if (!strcmp(sub, "diff"))
		code = runs_diff(ar, id[0], id[1]);
	else
		code = runs_export(ar, id[0], pos[1]);
	stroom_archive_close(ar);
	return code;
}
