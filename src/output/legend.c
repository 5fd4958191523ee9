/*
 * legend.c: the run directory's legend files, which say what series.csv and
 * budget.csv hold: groups.csv (each group's dimension and label) and
 * indicators.csv (each indicator's file, unit and meaning). Neither changes the
 * files it describes.
 */
#include "internal.h"

#include <stroom/budget.h>
#include <stroom/output.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A CSV field: as it is, or quoted (with doubled quotes) when it holds a comma,
 * a quote or a line break. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* One row of three or four fields (d may be NULL). */
static void csv_row(FILE *f, const char *a, const char *b, const char *c, const char *d)
{
	csv_field(f, a);
	fputc(',', f);
	csv_field(f, b);
	fputc(',', f);
	csv_field(f, c);
	if (d) {
		fputc(',', f);
		csv_field(f, d);
	}
	fputc('\n', f);
}

/* 0, or STROOM_EIO naming the file when a write failed. */
static int written(FILE *f, const char *what)
{
	int e = errno ? errno : EIO;
	if (!ferror(f) && fflush(f) == 0)
		return 0;
	stroom_error_set(STROOM_EIO, "writing %s failed: %s", what, strerror(e));
	errno = e;
	return STROOM_EIO;
}

/* The label of a group of the engine's: dimension dim, index k within it. */
static const char *group_label(const char *dim, int k, const char *name, char *out, size_t size)
{
	static const char *const dist[STROOM_NDIST] = {
		"short distance to the labour market", "medium distance to the labour market",
		"long distance to the labour market"};
	static const char *const dur[STROOM_NDUR] = {"on benefit less than 1 year",
						    "on benefit 1 to 2 years", "on benefit 2 to 5 years",
						    "on benefit more than 5 years"};
	static const char *const age[STROOM_NAGE] = {"aged under 27", "aged 27 to 39", "aged 40 to 54",
						    "aged 55 or older"};
	static const char *const type[STROOM_NTYPE] = {"single adult", "single parent", "couple"};
	if (!strcmp(dim, "all"))
		return "all households on benefit";
	if (!strcmp(dim, "distance") && k < STROOM_NDIST)
		return dist[k];
	if (!strcmp(dim, "duration") && k < STROOM_NDUR)
		return dur[k];
	if (!strcmp(dim, "age") && k < STROOM_NAGE)
		return age[k];
	if (!strcmp(dim, "type") && k < STROOM_NTYPE)
		return type[k];
	snprintf(out, size, "area %s", name);
	return out;
}

int stroom_output_groups_csv(const stroom_results *r, const stroom_params *p, FILE *f)
{
	int G = stroom_results_groups(r), g, k = 0;
	const char *prev = "";
	char label[STROOM_NAME_LEN + 64];
	errno = 0;
	fprintf(f, "group,dimension,label\n");
	for (g = 0; g < G; g++) {
		const char *dim = stroom_results_group_dimension(r, g);
		const char *name = stroom_results_group_name(r, g);
		k = strcmp(dim, prev) ? 0 : k + 1; /* the index within the dimension */
		prev = dim;
		csv_row(f, name, dim, group_label(dim, k, name, label, sizeof label), NULL);
	}
	for (k = 0; k < p->n_teams; k++) {
		snprintf(label, sizeof label, "work team %s", p->team[k].name);
		csv_row(f, p->team[k].name, "team", label, NULL);
	}
	for (k = 0; k < p->n_instruments; k++) {
		snprintf(label, sizeof label, "instrument %s", p->instrument[k].name);
		csv_row(f, p->instrument[k].name, "instrument", label, NULL);
	}
	return written(f, "groups.csv");
}

/* Every indicator the run directory's tables can hold: its unit and meaning.
 * series.csv gives money in eurocent (the names end in _eurocent), budget.csv
 * in euro. */
static const struct {
	const char *name, *unit, *label;
} indicators[] = {
	{"caseload", "households", "households on benefit on the 1st of the month"},
	{"inflow_new", "households per month", "new households starting a spell during the month"},
	{"inflow_return", "households per month",
	 "households returning after a non-durable exit to work or LKS"},
	{"exit_work", "households per month", "exits to work"},
	{"exit_lks", "households per month", "exits to work with a wage-cost subsidy (LKS)"},
	{"exit_other", "households per month", "other exits (moving, partner income, education, ...)"},
	{"exit_enforcement", "households per month", "terminations after enforcement"},
	{"exit_pension", "households per month", "exits on reaching the AOW age"},
	{"parttime", "households", "households on benefit with part-time earnings on the 1st"},
	{"gate_deterred", "households per month",
	 "applicants who did not enter: the search period or selection at the gate"},
	{"inflow_prevented", "households per month", "applicants prevention kept from entering"},
	{"sanctions", "sanctions per month", "sanctions (verlagingen) imposed after a control"},
	{"terminations", "households per month",
	 "benefits ended after a control (part of exit_enforcement)"},
	{"spending_benefit_eurocent", "eurocent per month",
	 "benefits paid, incl. holiday allowance"},
	{"spending_lks_eurocent", "eurocent per month", "wage-cost subsidies (LKS) paid"},
	{"spending_instruments_eurocent", "eurocent per month",
	 "instrument costs: participants times the cost per month"},
	{"recoveries_eurocent", "eurocent per month", "recovered after controls (terugvorderingen)"},
	{"team_clients", "households", "the team's clients on the 1st of the month"},
	{"team_caseload", "households per FTE", "the team's clients per FTE on the 1st of the month"},
	{"instrument_starts", "participants per month", "starts in the instrument during the month"},
	{"instrument_participants", "participants", "participants in the instrument on the 1st"},
	{"cost_teams_eurocent", "eurocent per month", "execution cost of the teams (not in the BUIG)"},
	{"cost_instruments_eurocent", "eurocent per month",
	 "execution cost of the instruments (not in the BUIG)"},
	{"cost_enforcement_eurocent", "eurocent per month",
	 "execution cost of the controls (not in the BUIG)"},
	{"cost_prevention_eurocent", "eurocent per month",
	 "execution cost of prevention (not in the BUIG)"},
	{"cost_gate_eurocent", "eurocent per month", "execution cost of the gate (not in the BUIG)"},
	{"execution_cost_eurocent", "eurocent per month", "all execution costs (not in the BUIG)"},
	{"team_cost_eurocent", "eurocent per month", "execution cost of the team"},
	{"instrument_cost_eurocent", "eurocent per month", "execution cost of the instrument"},
	{"budget", "EUR per year", "the BUIG budget (gebundelde uitkering)"},
	{"spending", "EUR per year", "gross spending: benefits and LKS paid plus the other spending"},
	{"net_spending", "EUR per year", "spending less recoveries and other income"},
	{"result", "EUR per year", "budget less net spending (negative: deficit)"},
	{"result_pct", "percent of the budget", "the result as a share of the budget"},
	{"safety_net", "EUR per year", "the safety net paid (vangnetuitkering)"},
	{"own_risk", "EUR per year", "the deficit less the safety net: what the municipality bears"},
	{"volume_part", "EUR per year",
	 "the result's volume part: budget less households times the base price"},
	{"price_part", "EUR per year", "the result's price part: result less the volume part"},
	{"execution_cost_teams", "EUR per year", "execution cost of the teams (not in the BUIG)"},
	{"execution_cost_instruments", "EUR per year",
	 "execution cost of the instruments (not in the BUIG)"},
	{"execution_cost_enforcement", "EUR per year", "execution cost of the controls (not in the BUIG)"},
	{"execution_cost_prevention", "EUR per year", "execution cost of prevention (not in the BUIG)"},
	{"execution_cost_gate", "EUR per year", "execution cost of the gate (not in the BUIG)"},
	{"execution_cost", "EUR per year", "all execution costs (not in the BUIG)"},
};

/* One row of indicators.csv; an indicator the table lacks is an error (a bug:
 * tests/cli_groups.sh checks every indicator a run writes). */
static int indicator_row(FILE *f, const char *file, const char *name)
{
	size_t i;
	for (i = 0; i < STROOM_ARRAY_LEN(indicators); i++)
		if (!strcmp(indicators[i].name, name)) {
			csv_row(f, file, name, indicators[i].unit, indicators[i].label);
			return 0;
		}
	return stroom_error_set(STROOM_ERROR, "indicators.csv: no unit for indicator '%s'", name);
}

int stroom_output_indicators_csv(const stroom_results *r, const stroom_params *p, int has_budget,
				 FILE *f)
{
	static const char *const budget_names[] = {"budget",    "spending",   "net_spending",
						   "result",    "result_pct", "safety_net",
						   "own_risk",  "volume_part", "price_part"};
	char name[64];
	int k, err = 0;
	(void)r;
	errno = 0;
	fprintf(f, "file,indicator,unit,label\n");
	for (k = 0; k < STROOM_NIND && !err; k++)
		err = indicator_row(f, "series.csv", stroom_indicator_name(k));
	for (k = 0; k < STROOM_NMONEY && !err; k++)
		err = indicator_row(f, "series.csv", stroom_money_name(k));
	if (p->n_teams > 0 && !err && !(err = indicator_row(f, "series.csv", "team_clients")))
		err = indicator_row(f, "series.csv", "team_caseload");
	if (p->n_instruments > 0 && !err &&
	    !(err = indicator_row(f, "series.csv", "instrument_starts")))
		err = indicator_row(f, "series.csv", "instrument_participants");
	for (k = 0; k < STROOM_NCOST && !err; k++) {
		snprintf(name, sizeof name, "cost_%s_eurocent", stroom_cost_name(k));
		err = indicator_row(f, "series.csv", name);
	}
	if (!err)
		err = indicator_row(f, "series.csv", "execution_cost_eurocent");
	if (p->n_teams > 0 && !err)
		err = indicator_row(f, "series.csv", "team_cost_eurocent");
	if (p->n_instruments > 0 && !err)
		err = indicator_row(f, "series.csv", "instrument_cost_eurocent");
	for (k = 0; has_budget && k < (int)STROOM_ARRAY_LEN(budget_names) && !err; k++)
		err = indicator_row(f, "budget.csv", budget_names[k]);
	for (k = 0; has_budget && k <= STROOM_NCOST && !err; k++) {
		if (k < STROOM_NCOST)
			snprintf(name, sizeof name, "execution_cost_%s", stroom_cost_name(k));
		else
			snprintf(name, sizeof name, "execution_cost");
		err = indicator_row(f, "budget.csv", name);
	}
	return err ? err : written(f, "indicators.csv");
}
