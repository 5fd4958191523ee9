/*
 * ipf.c: iterative proportional fitting (raking), the textbook algorithm of
 * Deming and Stephan (1940). Each cycle scales the table along one dimension at a
 * time so that dimension's marginal matches its target; cycles repeat until every
 * marginal is within tolerance. For one-dimensional marginals and a strictly
 * positive seed this always converges; zeros in the seed can make a set of
 * marginals unreachable, which shows as an empty margin or as no convergence.
 */
#include "ipf.h"

#include <math.h>

/* The category of flat cell index i along a dimension with the given stride. */
static size_t category_of(size_t i, size_t stride, size_t size) { return (i / stride) % size; }

/* sums[0..size-1] = the marginal of one dimension. */
static void marginal(const double *cells, size_t ncells, size_t stride, size_t size, double *sums)
{
	size_t i;
	for (i = 0; i < size; i++)
		sums[i] = 0.0;
	for (i = 0; i < ncells; i++)
		sums[category_of(i, stride, size)] += cells[i];
}

int stroom_ipf_fit(double *cells, size_t ndim, const size_t *size,
		   const double *const *target, double tolerance, int max_iterations,
		   double *work, stroom_ipf_result *res)
{
	size_t stride[STROOM_IPF_MAX_DIMS];
	size_t ncells = 1, k, j, i;
	int it;

	res->status = STROOM_IPF_NOT_CONVERGED;
	res->iterations = 0;
	res->max_error = HUGE_VAL;
	res->dim = 0;
	res->category = 0;
	if (ndim == 0 || ndim > STROOM_IPF_MAX_DIMS)
		return res->status;
	for (k = ndim; k-- > 0;) {
		stride[k] = ncells;
		ncells *= size[k];
	}

	for (it = 0;; it++) {
		/* Measure every marginal; stop when all fit. */
		res->max_error = 0.0;
		for (k = 0; k < ndim; k++) {
			marginal(cells, ncells, stride[k], size[k], work);
			for (j = 0; j < size[k]; j++) {
				double err = fabs(work[j] - target[k][j]);
				if (err > res->max_error || isnan(err)) {
					res->max_error = err;
					res->dim = k;
					res->category = j;
				}
			}
		}
		res->iterations = it;
		if (res->max_error < tolerance) {
			res->status = STROOM_IPF_CONVERGED;
			return res->status;
		}
		if (it >= max_iterations)
			return res->status;

		/* One raking cycle. */
		for (k = 0; k < ndim; k++) {
			double *factor = work;
			marginal(cells, ncells, stride[k], size[k], factor);
			for (j = 0; j < size[k]; j++) {
				if (factor[j] > 0.0) {
					factor[j] = target[k][j] / factor[j];
				} else if (target[k][j] > 0.0) {
					res->status = STROOM_IPF_EMPTY_MARGIN;
					res->dim = k;
					res->category = j;
					res->max_error = target[k][j];
					return res->status;
				} else {
					factor[j] = 0.0;
				}
			}
			for (i = 0; i < ncells; i++)
				cells[i] *= factor[category_of(i, stride[k], size[k])];
		}
	}
}
