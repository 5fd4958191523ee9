/*
 * ipf.h: iterative proportional fitting (raking) of a dense multi-way table to
 * one-dimensional marginal totals. Internal to the library; the population
 * synthesis is its user. Small and explicit on purpose: Debian ships no C
 * library for IPF, and the tables here have at most a few thousand cells.
 */
#ifndef STROOM_IPF_H
#define STROOM_IPF_H

#include <stddef.h>

#define STROOM_IPF_MAX_DIMS 8

/* Why a fit stopped. */
enum {
	STROOM_IPF_CONVERGED = 0,     /* every marginal within tolerance */
	STROOM_IPF_EMPTY_MARGIN = 1,  /* a category has a positive target but all its cells are 0 */
	STROOM_IPF_NOT_CONVERGED = 2  /* the iteration limit was reached */
};

typedef struct stroom_ipf_result {
	int status;        /* STROOM_IPF_* */
	int iterations;    /* full raking cycles done */
	double max_error;  /* largest |marginal - target| at the end, in table units */
	size_t dim;        /* the dimension and category of the largest error (or of the */
	size_t category;   /* empty margin) */
} stroom_ipf_result;

/*
 * Rakes `cells` in place until every one-dimensional marginal matches its target.
 *
 * cells: the table in row-major order (the last dimension varies fastest), with
 * the seed (prior) values on entry; all values must be finite and >= 0. The fit
 * keeps the seed's interactions (odds ratios) and changes only what the marginals
 * force: it is the table closest to the seed in Kullback-Leibler divergence that
 * has the target marginals.
 * ndim, size: the number of dimensions (1..STROOM_IPF_MAX_DIMS) and their sizes.
 * target[k][j]: the target total of category j of dimension k; every dimension's
 * targets must sum to the same total (the caller normalises).
 * tolerance: stop when the largest absolute marginal error is below it.
 * work: scratch space of at least max(size[]) doubles.
 *
 * Returns 0 when converged, else a nonzero STROOM_IPF_* status; *res (not NULL)
 * says which. Allocates nothing and sets no error detail.
 */
int stroom_ipf_fit(double *cells, size_t ndim, const size_t *size,
		   const double *const *target, double tolerance, int max_iterations,
		   double *work, stroom_ipf_result *res);

#endif
