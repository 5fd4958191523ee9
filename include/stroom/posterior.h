/*
 * stroom/posterior.h: joint draws of a scenario's drawn parameters (posterior.csv).
 *
 * A posterior file holds one joint draw of some of a scenario's drawn parameters
 * per row: comment lines starting with '#' (its provenance), a header
 * `draw,chain,NAME,...` where each NAME is a draw name of the scenario (as the
 * results' drawn parameters name them: "capacity.elasticity",
 * "hazard.work.distance.short", ...), then one row per draw: draw and chain as
 * non-negative integers, the values as numbers within each parameter's bounds.
 * With `posterior: FILE` in a scenario, replicate r takes row
 * stroom_posterior_row(post, seed, r) for those parameters, so they keep the
 * correlations of the file; a drawn parameter without a column keeps its prior.
 * The central-value run takes each column's mean. See docs/model.md section 9.
 */
#ifndef STROOM_POSTERIOR_H
#define STROOM_POSTERIOR_H

#include <stroom/common.h>
#include <stroom/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most rows a posterior file may have (its size is limited to 16 MiB too). */
#define STROOM_POSTERIOR_MAX_ROWS 200000

typedef struct stroom_posterior stroom_posterior;

/*
 * Reads the posterior file at path and checks it against the scenario's
 * parameters p: every column after draw,chain a draw name of p (no duplicates),
 * every row as many fields as the header, every value finite and within that
 * parameter's bounds, at least one row and at most STROOM_POSTERIOR_MAX_ROWS.
 * Returns 0 and *out (free with stroom_posterior_free), or STROOM_EPARSE /
 * STROOM_EINVAL with a one-line detail "PATH:LINE:COL: NAME: expected ..., got
 * ...", STROOM_ENOTFOUND, STROOM_EIO or STROOM_ENOMEM.
 */
STROOM_API int stroom_posterior_load(stroom_posterior **out, const char *path, const stroom_params *p,
				     const stroom_allocator *al);
/* As stroom_posterior_load, from text (len bytes) named `name` in messages. */
STROOM_API int stroom_posterior_load_string(stroom_posterior **out, const char *text, size_t len,
					    const char *name, const stroom_params *p,
					    const stroom_allocator *al);
STROOM_API void stroom_posterior_free(stroom_posterior *post);

STROOM_API const char *stroom_posterior_path(const stroom_posterior *post);
STROOM_API size_t stroom_posterior_rows(const stroom_posterior *post);
/* The parameter columns (draw and chain not counted), their names (borrowed),
 * values and means. */
STROOM_API int stroom_posterior_columns(const stroom_posterior *post);
STROOM_API const char *stroom_posterior_column(const stroom_posterior *post, int c);
STROOM_API double stroom_posterior_value(const stroom_posterior *post, size_t row, int c);
STROOM_API double stroom_posterior_mean(const stroom_posterior *post, int c);
/* The column of draw name `name`, or -1. */
STROOM_API int stroom_posterior_column_index(const stroom_posterior *post, const char *name);

/*
 * The row replicate `replicate` of a run with `seed` takes: a pure function of
 * (seed, replicate, number of rows), from its own keyed Philox stream
 * (STROOM_PURPOSE_POSTERIOR), so it changes no other draw and does not depend on
 * threads or processes. Every row is about equally likely.
 */
STROOM_API size_t stroom_posterior_row(const stroom_posterior *post, uint64_t seed,
				       uint32_t replicate);

#ifdef __cplusplus
}
#endif
#endif
