/*
 * calib_fixture.h: what the calibration tests share (tests/test_calibrate.c,
 * tests/test_recovery.c). Include after <cmocka.h> and "calib_fit.h".
 */
#ifndef STROOM_TEST_CALIB_FIXTURE_H
#define STROOM_TEST_CALIB_FIXTURE_H

#include <stdio.h>
#include <string.h>

/* An observed row: period from m over months (0: a stock on that day), indicator
 * ind (STROOM_IND_* or STROOM_OBS_IND_*), group, value v in unit, at line. */
static stroom_obs_row obs_row(stroom_month m, int months, int ind, const char *group, double v,
			      int unit, int line)
{
	stroom_obs_row r;
	memset(&r, 0, sizeof r);
	r.month = m;
	r.months = months;
	r.indicator = ind;
	snprintf(r.group, sizeof r.group, "%s", group);
	r.value = v;
	r.unit = unit;
	r.line = line;
	return r;
}

#endif
