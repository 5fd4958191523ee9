/*
 * cli_conditions.c: `stroom conditions`, the AEF conditions catalogue (seed 000)
 * as a table that fits 100 columns (code, English name, Rotterdam's rating, the
 * scenario keys that act on it), one condition in full (--code), or JSON. Given a
 * scenario, it marks the conditions whose levers the scenario uses and lists them
 * as a run's summary does (stroom_conditions_touched). The catalogue and the
 * lever logic are the library's; this file parses options and prints. Bad input
 * is one line on stderr and exit code 2.
 */
#include "cli.h"

#include <stroom/conditions.h>
#include <stroom/scenario.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char conditions_usage[] =
	"usage: stroom conditions [SCENARIO|FILE] [--json] [--code CODE]\n"
	"  the AEF conditions 2.a-3.g (AEF's 2024 report on Rotterdam's execution of the\n"
	"  Participatiewet) with Rotterdam's rating in that report and the scenario keys\n"
	"  that act on each; see docs/policy.md\n"
	"  SCENARIO|FILE  mark (*) the conditions whose levers this scenario uses\n"
	"  --code CODE    one condition in full, e.g. --code 2.e\n"
	"  --json         a JSON array (with --code: one object)\n"
	"  ratings: GOK no unused opportunities, MOK possibly unused opportunities,\n"
	"           R (possible) risks, GOK+R no unused opportunities but risks\n";

/* Table layout: marker, code, name, rating, levers; 100 columns in all. */
enum { W_MARK = 2, W_CODE = 5, W_NAME = 36, W_RATING = 7, W_LEVERS = 100 - 2 - 5 - 36 - 7 - 1 };

/*
 * Copies into out (at most width characters) the longest prefix of *text that
 * fits, breaking after a separator character (' ' or ';'), and advances *text
 * past it and past the separators that follow. ';' is shown as ", " (the
 * catalogue writes ';' where prose would have a comma).
 */
static void take_piece(const char **text, size_t width, char *out, size_t size)
{
	const char *s = *text;
	size_t n = 0, cut = 0, o = 0;
	/* measure in display characters: ';' shows as two */
	while (s[n]) {
		size_t w = 0, k;
		for (k = 0; k <= n && s[k]; k++)
			w += s[k] == ';' && s[k + 1] != ' ' ? 2 : 1;
		if (w > width)
			break;
		if (s[n] == ' ' || s[n] == ';')
			cut = n + 1;
		n++;
	}
	if (!s[n])
		cut = n; /* the rest fits */
	else if (!cut)
		cut = n; /* one long word: hard break */
	for (n = 0; n < cut && o + 2 < size; n++) {
		if (s[n] == ';') {
			out[o++] = ',';
			if (s[n + 1] != ' ')
				out[o++] = ' ';
		} else {
			out[o++] = s[n];
		}
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	s += cut;
	while (*s == ' ' || *s == ';')
		s++;
	*text = s;
}

static void print_row(const stroom_condition *c, int marked)
{
	const char *name = c->name_en, *levers = c->absent ? "(not in the report)"
					       : c->levers[0] ? c->levers
							      : "-";
	int first = 1;
	while (first || *name || *levers) {
		char np[W_NAME + 1], lp[W_LEVERS * 2 + 1], row[256];
		size_t len;
		take_piece(&name, W_NAME - 1, np, sizeof np);
		take_piece(&levers, W_LEVERS, lp, sizeof lp);
		snprintf(row, sizeof row, "%-*s%-*s%-*s%-*s%s", W_MARK, first && marked ? "*" : "",
			 W_CODE, first ? c->code : "", W_NAME, np, W_RATING, first ? c->rating : "",
			 lp);
		for (len = strlen(row); len && row[len - 1] == ' '; len--)
			row[len - 1] = '\0';
		puts(row);
		first = 0;
	}
}

/* A ';'-separated list as a JSON array of strings. */
static void json_list(const char *s)
{
	int first = 1;
	putchar('[');
	while (*s) {
		const char *semi = strchr(s, ';');
		size_t len = semi ? (size_t)(semi - s) : strlen(s);
		char item[200];
		if (len >= sizeof item)
			len = sizeof item - 1;
		memcpy(item, s, len);
		item[len] = '\0';
		printf(first ? "" : ", ");
		stroom_cli_json_str(item);
		first = 0;
		s = semi ? semi + 1 : s + strlen(s);
	}
	putchar(']');
}

/* Whether the scenario (NULL = none) uses a lever of c; the used ones into used (';'-list). */
static int touches(const stroom_params *p, const stroom_condition *c, char *used, size_t size)
{
	const char *s = c->levers;
	size_t o = 0;
	int any = 0;
	used[0] = '\0';
	if (!p)
		return 0;
	while (*s) {
		const char *semi = strchr(s, ';');
		size_t len = semi ? (size_t)(semi - s) : strlen(s);
		char key[sizeof c->levers];
		memcpy(key, s, len);
		key[len] = '\0';
		if (stroom_conditions_lever_used(p, key) == 1 && o + len + 2 < size) {
			o += (size_t)snprintf(used + o, size - o, "%s%s", any ? ";" : "", key);
			any = 1;
		}
		s = semi ? semi + 1 : s + strlen(s);
	}
	return any;
}

static void print_json(const stroom_condition *c, const stroom_params *p, const char *indent)
{
	char used[sizeof c->levers];
	int t = touches(p, c, used, sizeof used);
	printf("%s{\"code\": ", indent);
	stroom_cli_json_str(c->code);
	printf(", \"name_nl\": ");
	stroom_cli_json_str(c->name_nl);
	printf(", \"name_en\": ");
	stroom_cli_json_str(c->name_en);
	printf(",\n%s \"meaning\": ", indent);
	stroom_cli_json_str(c->meaning);
	printf(",\n%s \"levers\": ", indent);
	json_list(c->levers);
	printf(", \"hazards\": ");
	json_list(c->hazards);
	printf(", \"rotterdam_rating\": ");
	stroom_cli_json_str(c->rating);
	printf(", \"absent\": %s, \"lines\": ", c->absent ? "true" : "false");
	json_list(c->lines);
	printf(",\n%s \"note\": ", indent);
	stroom_cli_json_str(c->note);
	if (p) {
		printf(",\n%s \"touched\": %s, \"levers_used\": ", indent, t ? "true" : "false");
		json_list(used);
	}
	printf("}");
}

/* "  label    text", the text wrapped at 100 columns under itself (';' shown as ", "). */
static void print_field(const char *label, const char *text)
{
	int first = 1;
	if (!*text)
		text = "-";
	while (*text) {
		char piece[2 * 100];
		take_piece(&text, 100 - 11, piece, sizeof piece);
		printf("  %-9s%s\n", first ? label : "", piece);
		first = 0;
	}
}

static void print_full(const stroom_condition *c, const stroom_params *p)
{
	char used[sizeof c->levers];
	printf("%s %s (%s)\n", c->code, c->name_en, c->name_nl);
	print_field("rating", c->rating);
	print_field("meaning", c->meaning);
	print_field("levers", c->levers);
	print_field("flows", c->hazards);
	print_field("seed 000", c->lines);
	print_field("note", c->note);
	if (p)
		print_field("used", touches(p, c, used, sizeof used) ? used : "-");
}

int stroom_cli_conditions(int argc, char **argv)
{
	const char *scenario = NULL, *code = NULL;
	stroom_scenario *sc = NULL;
	const stroom_params *p = NULL;
	stroom_condition c;
	size_t i, n;
	int json = 0, err, code_rc = EXIT_OK, ntouched = 0;
	for (i = 0; i < (size_t)argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(conditions_usage, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			json = 1;
		} else if (!strcmp(a, "--code")) {
			if (i + 1 >= (size_t)argc) {
				fprintf(stderr, "stroom: --code: expected a code like 2.e\n");
				return EXIT_BADINPUT;
			}
			code = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr,
				"stroom: conditions: unknown option '%s' (see stroom conditions --help)\n",
				stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		} else if (scenario) {
			fprintf(stderr, "stroom: conditions: one scenario at most, got '%s' and '%s'\n",
				stroom_cli_printable(scenario).s, stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		} else {
			scenario = a;
		}
	}
	if (scenario) {
		if ((err = stroom_scenario_load(&sc, scenario, NULL)) != 0) {
			fprintf(stderr, "stroom: %s\n", stroom_error_last());
			return err == STROOM_EPARSE || err == STROOM_EINVAL || err == STROOM_ENOTFOUND
				       ? EXIT_BADINPUT
				       : EXIT_FAILED;
		}
		p = stroom_scenario_params(sc);
	}
	if (code) {
		if ((err = stroom_conditions_find(code, &c)) != 0) {
			fprintf(stderr, "stroom: %s\n", stroom_error_last());
			code_rc = err == STROOM_ENOTFOUND ? EXIT_BADINPUT : EXIT_FAILED;
		} else if (json) {
			print_json(&c, p, "");
			printf("\n");
		} else {
			print_full(&c, p);
		}
		goto cleanup;
	}
	n = stroom_conditions_count();
	if (json)
		printf("[\n");
	else
		printf("%-*s%-*s%-*s%-*s%s\n", W_MARK, "", W_CODE, "code", W_NAME, "condition",
		       W_RATING, "rating", "levers (scenario keys)");
	for (i = 0; i < n; i++) {
		char used[sizeof c.levers];
		if ((err = stroom_conditions_get(i, &c)) != 0) {
			fprintf(stderr, "stroom: %s\n", stroom_error_last());
			code_rc = EXIT_FAILED;
			goto cleanup;
		}
		if (json) {
			print_json(&c, p, "  ");
			printf(i + 1 < n ? ",\n" : "\n");
			continue;
		}
		if (touches(p, &c, used, sizeof used)) {
			ntouched++;
			print_row(&c, 1);
		} else {
			print_row(&c, 0);
		}
	}
	if (json) {
		printf("]\n");
	} else if (p) {
		size_t need = stroom_conditions_touched(p, NULL, 0);
		char *list = malloc(need + 1);
		printf("\n* = touched by the levers of scenario '%s': %d condition%s\n", p->name,
		       ntouched, ntouched == 1 ? "" : "s");
		if (list) {
			stroom_conditions_touched(p, list, need + 1);
			fputs(list, stdout);
			free(list);
		}
		printf("(the ratings are Rotterdam's, in AEF's 2024 report, not the scenario's)\n");
	} else {
		printf("\nratings (Rotterdam's, in AEF's 2024 report): GOK no unused opportunities, MOK "
		       "possibly unused\nopportunities, R (possible) risks, GOK+R no unused opportunities but "
		       "risks\n");
	}
cleanup:
	stroom_scenario_free(sc);
	return code_rc;
}
