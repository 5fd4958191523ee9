/*
 * bands.c: the fixed classifications of the model (age, duration, household type,
 * distance, stream), their names as used in scenarios and outputs, and step
 * series lookup.
 */
#include <stroom/population.h>
#include <stroom/scenario.h>

static const char *const age_names[STROOM_NAGE] = {"<27", "27-39", "40-54", "55+"};
static const char *const dur_names[STROOM_NDUR] = {"<1y", "1-2y", "2-5y", ">5y"};
static const char *const type_names[STROOM_NTYPE] = {"single", "single_parent", "couple"};
static const char *const dist_names[STROOM_NDIST] = {"short", "medium", "long"};
static const char *const stream_names[STROOM_NSTREAM] = {"werk", "prestatie010", "other"};

#define NAME_OR_NULL(tab, i) ((i) >= 0 && (i) < (int)(sizeof(tab) / sizeof(tab[0])) ? tab[i] : NULL)

const char *stroom_age_band_name(int band) { return NAME_OR_NULL(age_names, band); }
const char *stroom_duration_band_name(int band) { return NAME_OR_NULL(dur_names, band); }
const char *stroom_type_name(int type) { return NAME_OR_NULL(type_names, type); }
const char *stroom_distance_name(int dist) { return NAME_OR_NULL(dist_names, dist); }
const char *stroom_stream_name(int stream) { return NAME_OR_NULL(stream_names, stream); }

int stroom_age_band(stroom_month birth_month, stroom_month m)
{
	int32_t age_months = m - birth_month;
	if (age_months < 27 * 12)
		return STROOM_AGE_LT27;
	if (age_months < 40 * 12)
		return STROOM_AGE_27_39;
	if (age_months < 55 * 12)
		return STROOM_AGE_40_54;
	return STROOM_AGE_55P;
}

int stroom_duration_band(stroom_month spell_start, stroom_month m)
{
	int32_t d = m - spell_start;
	if (d < 12)
		return STROOM_DUR_LT1;
	if (d < 24)
		return STROOM_DUR_1_2;
	if (d < 60)
		return STROOM_DUR_2_5;
	return STROOM_DUR_GT5;
}

double stroom_series_at(const stroom_series *s, stroom_month m, double default_value)
{
	int i;
	double v;
	if (s->n <= 0 || m < s->month[0])
		return default_value;
	v = s->value[0];
	for (i = 1; i < s->n && s->month[i] <= m; i++)
		v = s->value[i];
	return v;
}
