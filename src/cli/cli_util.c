/*
 * cli_util.c: small helpers shared by the CLI sub-commands: output, and the options
 * and observed rows of calibrate and backtest (cli_fit.h).
 */
#include "cli.h"
#include "cli_fit.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void stroom_cli_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* A number written the Dutch way, which the options do not read: digits grouped
 * by '.' or ',' in threes ("8.000", "146.804.000") or a decimal comma
 * ("0,5", "146.804.000,00"). Writes the number as the options take it into out
 * (separators dropped, the decimal comma a '.') and returns 1; else 0. */
static int dutch_number(const char *s, char *out, size_t size)
{
	const char *p = s, *comma = strrchr(s, ',');
	size_t n = 0, group = 0, groups = 0;
	char sep = 0;
	int decimal = 0;
	if (*p == '-' && n + 1 < size)
		out[n++] = *p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	/* a decimal comma: the last ',' followed by one or two digits and nothing else */
	if (comma && isdigit((unsigned char)comma[1]) &&
	    (!comma[2] || (isdigit((unsigned char)comma[2]) && !comma[3])))
		decimal = 1;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= size)
				return 0;
			out[n++] = *p;
			group++;
		} else if (decimal && p == comma) {
			if (groups && group != 3)
				return 0;
			if (n + 1 >= size)
				return 0;
			out[n++] = '.';
			groups = 0;
			sep = 0;
			group = 0;
			decimal = 2;
		} else if ((*p == '.' || *p == ',') && decimal != 2) {
			/* a group separator: one kind throughout, after 1-3 digits, then threes */
			if ((sep && *p != sep) || (groups ? group != 3 : (group < 1 || group > 3)))
				return 0;
			sep = *p;
			groups++;
			group = 0;
		} else {
			return 0;
		}
	}
	if (groups && group != 3)
		return 0;
	if (!groups && decimal != 2)
		return 0;
	out[n] = 0;
	return 1;
}

int stroom_cli_one_scenario(const char *cmd, const char *arg, const char **scen)
{
	if (*scen) {
		fprintf(stderr, "stroom: %s takes one scenario (see 'stroom %s --help')\n", cmd, cmd);
		return EXIT_BADINPUT;
	}
	*scen = arg;
	return 0;
}

int stroom_cli_unknown_option(const char *cmd, const char *arg)
{
	fprintf(stderr, "stroom: %s: unknown option '%s' (see 'stroom %s --help')\n", cmd,
		stroom_cli_printable(arg).s, cmd);
	return EXIT_BADINPUT;
}

int stroom_cli_bad(const char *opt, const char *expected, const char *got)
{
	char plain[64];
	if (got && dutch_number(got, plain, sizeof plain))
		fprintf(stderr,
			"stroom: %s: expected %s, got '%s' (numbers take no thousands separator and "
			"'.' as decimal point: did you mean %s?)\n",
			opt, expected, stroom_cli_printable(got).s, plain);
	else
		fprintf(stderr, "stroom: %s: expected %s, got '%s'\n", opt, expected,
			stroom_cli_printable(got).s);
	return EXIT_BADINPUT;
}

int stroom_cli_check_new_file(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;
	if (lstat(path, &st) == 0) {
		fprintf(stderr, "stroom: '%s' already exists; remove it or choose another --out\n", path);
		return EXIT_BADINPUT;
	}
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "stroom: cannot write '%s': '%s' is not a directory\n", path, dir);
		return EXIT_BADINPUT;
	}
	if (stat(dir, &st) != 0 || access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "stroom: cannot write '%s': %s\n", path, strerror(errno));
		return EXIT_BADINPUT;
	}
	return 0;
}

stroom_cli_text stroom_cli_printable(const char *s)
{
	stroom_cli_text t;
	stroom_utf8_escape(t.s, sizeof t.s, s ? s : "", 0);
	return t;
}

int stroom_cli_whole(const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return stroom_cli_bad(opt, "a whole number", s ? s : "");
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		char what[80];
		snprintf(what, sizeof what, "a whole number from %ld to %ld", lo, hi);
		return stroom_cli_bad(opt, what, s);
	}
	*out = v;
	return 0;
}

int stroom_cli_fit_option(const char *cmd, int argc, char **argv, int *i, stroom_cli_fit_args *f,
			  stroom_calibrate_options *o)
{
	static const char *const opts[] = {"--observed", "--out", "--param", "--chains", "--iterations",
					   "--seed", "--threads"};
	const char *a = argv[*i], *val;
	size_t k;
	long v;
	for (k = 0; k < sizeof opts / sizeof opts[0] && strcmp(a, opts[k]); k++)
		;
	if (k == sizeof opts / sizeof opts[0])
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "stroom: %s: %s needs a value\n", cmd, a);
		return -1;
	}
	val = argv[++*i];
	if (!strcmp(a, "--observed")) {
		f->observed = val;
	} else if (!strcmp(a, "--out")) {
		f->out = val;
	} else if (!strcmp(a, "--param")) {
		if (f->n_keys == STROOM_CALIBRATE_MAX_KEYS) {
			fprintf(stderr, "stroom: %s: at most %d --param keys\n", cmd, STROOM_CALIBRATE_MAX_KEYS);
			return -1;
		}
		if (!val[0])
			return stroom_cli_bad("--param", "a scenario key", val), -1;
		f->keys[f->n_keys++] = val;
		o->keys = f->keys;
		o->n_keys = f->n_keys;
	} else if (!strcmp(a, "--seed")) {
		char *end;
		unsigned long long s;
		errno = 0;
		s = strtoull(val, &end, 10);
		if (!val[0] || val[0] == '-' || errno || *end)
			return stroom_cli_bad("--seed", "a whole number from 0 to 2^64 - 1", val), -1;
		o->seed = s;
	} else if (!strcmp(a, "--chains")) {
		if (stroom_cli_whole(a, val, 2, 64, &v))
			return -1;
		o->chains = (int)v;
	} else if (!strcmp(a, "--iterations")) {
		if (stroom_cli_whole(a, val, 20, 10000000, &v))
			return -1;
		o->iterations = (int)v;
	} else {
		if (stroom_cli_whole(a, val, 1, 1024, &v))
			return -1;
		o->threads = (int)v;
	}
	return 1;
}

int stroom_cli_exit_for(int err)
{
	return err == STROOM_EPARSE || err == STROOM_EINVAL || err == STROOM_ENOTFOUND ? EXIT_BADINPUT
											: EXIT_FAILED;
}

int stroom_cli_fail(int err)
{
	fprintf(stderr, "stroom: %s\n", stroom_error_last());
	return stroom_cli_exit_for(err);
}

int stroom_cli_observed_rows(const stroom_observed *obs, stroom_obs_row **rows, size_t *n_rows)
{
	size_t r, n = stroom_observed_count(obs);
	*rows = calloc(n + 1, sizeof **rows);
	*n_rows = 0;
	if (!*rows) {
		fprintf(stderr, "stroom: out of memory\n");
		return EXIT_FAILED;
	}
	for (r = 0; r < n; r++)
		(*rows)[r] = *stroom_observed_row(obs, r);
	*n_rows = n;
	return 0;
}

int stroom_cli_write_cancelled(const char *step, void *payload)
{
	(void)step;
	(void)payload;
	return stroom_cli_interrupted() != 0;
}

int stroom_cli_fit_load(const char *cmd, const char *scen, const stroom_cli_fit_args *f,
			stroom_calibrate_options *o, stroom_cli_fit_inputs *fi)
{
	stroom_check_options co = STROOM_CHECK_OPTIONS_INIT;
	int err;
	memset(fi, 0, sizeof *fi);
	co.fixed_parameters = 1;
	if ((err = stroom_check_run(&fi->in, scen, &co)) != 0)
		return stroom_cli_fail(err);
	fi->p = stroom_run_inputs_params(fi->in);
	o->rules = stroom_run_inputs_rules(fi->in);
	if (!stroom_run_inputs_population(fi->in)) {
		fprintf(stderr, "stroom: %s: %s fits one municipality (this scenario has "
			"municipalities.csv)\n", stroom_cli_printable(scen).s, cmd);
		return EXIT_BADINPUT;
	}
	if ((err = stroom_observed_load(&fi->obs, f->observed, NULL)) != 0)
		return stroom_cli_fail(err);
	return stroom_cli_observed_rows(fi->obs, &fi->rows, &fi->n_rows);
}

void stroom_cli_fit_inputs_free(stroom_cli_fit_inputs *fi)
{
	free(fi->rows);
	stroom_observed_free(fi->obs);
	stroom_run_inputs_free(fi->in);
	memset(fi, 0, sizeof *fi);
}

int stroom_cli_fit_outcome(int err, int run)
{
	if (err == STROOM_EINTR || (run && !err && stroom_cli_interrupted())) {
		return stroom_cli_interrupted_exit("nothing written");
	}
	return err ? stroom_cli_fail(err) : 0;
}
