/*
 * ev.c: the speed of the expected-value engine (docs/performance.md, "Expected-
 * value engine"). Builds the workspace for a builtin scenario (default
 * rotterdam) from its synthesised population, runs the chain RUNS times after a
 * warm-up on one core, and prints the median, the fastest and the slowest run
 * in milliseconds of the thread's CPU time (so that other processes on the
 * machine do not count), and the median wall-clock time. usage: bench_ev
 * [SCENARIO [RUNS]]
 */
#include <stroom/stroom.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "rotterdam";
	int runs = argc > 2 ? atoi(argv[2]) : 200, i;
	stroom_scenario *s = NULL;
	stroom_population *pop = NULL;
	stroom_ev *ev = NULL;
	const stroom_params *p;
	double *ms, *wall;
	if (runs < 1)
		runs = 1;
	ms = malloc((size_t)runs * sizeof *ms);
	wall = malloc((size_t)runs * sizeof *wall);
	if (!ms || !wall || stroom_scenario_load(&s, name, NULL) != 0 ||
	    stroom_population_synthesise(&pop, (p = stroom_scenario_params(s)), NULL, NULL) != 0 ||
	    stroom_ev_new(&ev, p, pop, NULL, NULL) != 0) {
		fprintf(stderr, "bench_ev: %s\n", stroom_error_last());
		return 1;
	}
	for (i = 0; i < 10; i++) /* warm-up */
		if (stroom_ev_run(ev, p) != 0) {
			fprintf(stderr, "bench_ev: %s\n", stroom_error_last());
			return 1;
		}
	for (i = 0; i < runs; i++) {
		struct timespec t0, t1, w0, w1;
		clock_gettime(CLOCK_MONOTONIC, &w0);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		stroom_ev_run(ev, p);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		clock_gettime(CLOCK_MONOTONIC, &w1);
		ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		wall[i] = (double)(w1.tv_sec - w0.tv_sec) * 1e3 + (double)(w1.tv_nsec - w0.tv_nsec) / 1e6;
	}
	qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
	qsort(wall, (size_t)runs, sizeof *wall, cmp_double);
	printf("%s: %d months, %d runs: CPU time median %.2f ms, fastest %.2f ms, slowest %.2f ms; "
	       "wall-clock median %.2f ms (caseload after the last month: %.1f)\n",
	       name, stroom_ev_months(ev), runs, ms[runs / 2], ms[0], ms[runs - 1], wall[runs / 2],
	       stroom_ev_value(ev, stroom_ev_months(ev), STROOM_IND_CASELOAD, 0));
	stroom_ev_free(ev);
	stroom_population_free(pop);
	stroom_scenario_free(s);
	free(ms);
	free(wall);
	return 0;
}
