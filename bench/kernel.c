/*
 * kernel.c: the practical lower bound for the engine (docs/performance.md). Per
 * household-month it does exactly one keyed Philox4x32-10 draw (the engine's
 * stroom_rng_draw) and one lookup in a table of exit thresholds, and counts
 * exits; households that exit are replaced, so the stock stays constant. Prints
 * household-months per second. usage: kernel HOUSEHOLDS MONTHS REPLICATES
 */
#include "rng_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	uint32_t households = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 32649;
	uint32_t months = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 84;
	uint32_t reps = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 20;
	philox4x32_key_t key = stroom_rng_key(20240101);
	uint8_t *cell = malloc(households);
	double table[256];
	uint64_t exits = 0;
	struct timespec t0, t1;
	uint32_t rep, m, h;
	double secs;
	if (!cell)
		return 1;
	for (h = 0; h < 256; h++)
		table[h] = 0.001 + 0.0001 * h;
	for (h = 0; h < households; h++)
		cell[h] = (uint8_t)(h * 2654435761u >> 24);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (rep = 0; rep < reps; rep++)
		for (m = 0; m < months; m++)
			for (h = 0; h < households; h++) {
				double r[4];
				stroom_rng_draw(key, rep, h, m, STROOM_PURPOSE_EXIT, 0, r);
				exits += r[0] < table[cell[h]];
			}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
	printf("kernel: %u households x %u months x %u replicates = %.0f household-months in %.3f s: "
	       "%.1f million household-months/s (exits %llu)\n",
	       households, months, reps, (double)households * months * reps, secs,
	       (double)households * months * reps / secs / 1e6, (unsigned long long)exits);
	free(cell);
	return 0;
}
