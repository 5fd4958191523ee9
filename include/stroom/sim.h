/*
 * stroom/sim.h: the monthly microsimulation engine and its results.
 *
 * stroom_sim_run runs params->replicates replicates of the monthly model (see
 * docs/model.md) from one starting population, in parallel threads. Each replicate
 * is a pure function of (params, population, replicate index): its random draws
 * are keyed by (seed, replicate, household, month, purpose), so results are
 * bit-identical for any number of threads. Workspaces are allocated once per
 * thread before the first month; the monthly loop allocates nothing.
 *
 * Results are counts per (replicate, month, indicator, group): the caseload on the
 * first of the month and each flow over the month, for the groups listed by
 * stroom_results_group_name.
 */
#ifndef STROOM_SIM_H
#define STROOM_SIM_H

#include <stroom/common.h>
#include <stroom/population.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	STROOM_IND_CASELOAD,        /* households on benefit on the 1st of the month */
	STROOM_IND_INFLOW_NEW,      /* new households starting a spell during the month */
	STROOM_IND_INFLOW_RETURN,   /* households returning after an exit to work or LKS */
	STROOM_IND_EXIT_WORK,       /* exits to work */
	STROOM_IND_EXIT_LKS,        /* exits to work with wage subsidy (loonkostensubsidie) */
	STROOM_IND_EXIT_OTHER,      /* other exits (moving, partner income, education, ...) */
	STROOM_IND_EXIT_ENFORCEMENT,/* terminations after enforcement */
	STROOM_IND_EXIT_PENSION,    /* exits at pension (AOW) age */
	STROOM_IND_PARTTIME,        /* households on benefit with part-time earnings, 1st of month */
	STROOM_IND_GATE_DETERRED,   /* applicants who did not enter: search period or selection */
	STROOM_IND_INFLOW_PREVENTED,/* applicants who did not enter thanks to prevention */
	STROOM_IND_SANCTIONS,       /* sanctions (verlagingen) imposed after a control */
	STROOM_IND_TERMINATIONS,    /* benefits ended after a control (part of exit_enforcement) */
	STROOM_NIND
};

/* Money per month in eurocent (int64), per replicate and group. */
enum {
	STROOM_MONEY_BENEFIT,       /* benefits paid to households on benefit, incl. holiday allowance */
	STROOM_MONEY_LKS,           /* wage-cost subsidies paid for households that left with LKS */
	STROOM_MONEY_INSTRUMENTS,   /* instrument costs: participants x cost per month */
	STROOM_MONEY_RECOVERIES,    /* recovered after controls (terugvorderingen) */
	STROOM_NMONEY
};

/* "caseload", "inflow_new", ... as in series.csv. */
STROOM_API const char *stroom_indicator_name(int indicator);
/* "spending_benefit_eurocent", "spending_lks_eurocent", "spending_instruments_eurocent",
 * "recoveries_eurocent". */
STROOM_API const char *stroom_money_name(int money);

/* Progress callback: called from the calling thread about every 100 ms with the
 * replicates finished; a nonzero return cancels the run (STROOM_EINTR). */
typedef int (*stroom_progress_cb)(int done, int total, void *payload);

typedef struct stroom_sim_options {
	unsigned int version;             /* STROOM_SIM_OPTIONS_VERSION */
	int threads;                      /* 0 = one per online CPU */
	const stroom_allocator *allocator;/* NULL = malloc */
	stroom_progress_cb progress;      /* may be NULL */
	void *payload;
	const stroom_rules *rules;        /* benefit rules; NULL = the builtin rules */
	int fixed_parameters;             /* 1 = every prior at its central value */
	/* A block of the replicates (for splitting a run across processes, e.g. MPI
	 * ranks): only replicates [first_replicate, first_replicate + replicate_count)
	 * are computed, each with exactly the draws it has in a full run (draws are
	 * keyed by the replicate index). The results still have params->replicates
	 * replicates; the others stay zero until stroom_results_copy_replicates fills
	 * them. replicate_count 0 = every replicate from first_replicate on. */
	int first_replicate;
	int replicate_count;
	/* Random stream of the households (municipality k of a national run uses
	 * k + 1): a nonzero stream mixes into the seed of every household and inflow
	 * draw, while the priors stay drawn from (seed, replicate), so parameters are
	 * shared by all streams of a replicate. 0 = the scenario's own draws. */
	uint32_t stream;
	/* Joint draws (the scenario's posterior: stroom_run_inputs_posterior), or NULL:
	 * replicate r takes row stroom_posterior_row(posterior, seed, r) for the
	 * posterior's columns (with fixed_parameters: their means); every other drawn
	 * parameter keeps its prior. Not owned; must outlive the call. */
	const struct stroom_posterior *posterior;
} stroom_sim_options;
#define STROOM_SIM_OPTIONS_VERSION 1
#define STROOM_SIM_OPTIONS_INIT {STROOM_SIM_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL}

typedef struct stroom_results stroom_results;

/*
 * Runs the simulation. Returns 0 and *out (caller frees with stroom_results_free),
 * STROOM_EINVAL for parameters the engine cannot use (detail says which),
 * STROOM_ENOMEM, or STROOM_EINTR when the progress callback cancelled the run.
 */
STROOM_API int stroom_sim_run(stroom_results **out, const stroom_params *params,
			      const stroom_population *pop, const stroom_sim_options *opts);
STROOM_API void stroom_results_free(stroom_results *r);

/*
 * The limits of one run (docs/architecture.md, "Guarantees"): the households it
 * may hold (the starting stock plus the horizon's inflow with room for 10
 * standard deviations a month, in every replicate's draws: 4 million is ten
 * times the Netherlands' whole bijstand caseload) and the bytes of its results
 * (replicates x months x groups).
 */
#define STROOM_SIM_MAX_HOUSEHOLDS 4000000
#define STROOM_SIM_MAX_RESULT_BYTES ((size_t)8 << 30)

/* What stroom_sim_check found a run of the parameters can reach. */
typedef struct stroom_sim_bounds {
	double households;          /* the most households a replicate holds */
	double spending_eurocent;   /* the most benefit, LKS and other spending in a year */
	int spending_year;          /* ... in this year */
	double recoveries_eurocent; /* the most recoveries in a year */
	int recoveries_year;
	size_t result_bytes;        /* the results' memory */
} stroom_sim_bounds;

/*
 * Checks, without running, everything stroom_sim_run(out, p, pop, opts) refuses
 * for a starting population of n_start households (it calls this first): the
 * engine's needs beyond the schema, every replicate's draws (or their central
 * values with opts->fixed_parameters), the households and the memory of the run,
 * and that the benefit rules cover its months. Fills *bounds (may be NULL).
 * Returns 0 or STROOM_EINVAL whose detail starts with the keys responsible
 * ("inflow.per_year, inflow.shock, ...: ...").
 */
STROOM_API int stroom_sim_check(const stroom_params *p, size_t n_start,
				const stroom_sim_options *opts, stroom_sim_bounds *bounds);

/* Bytes of engine state per household slot (each thread's workspace holds the
 * starting households plus the horizon's largest plausible inflow). */
STROOM_API size_t stroom_sim_state_bytes(void);

STROOM_API int stroom_results_replicates(const stroom_results *r);
STROOM_API int stroom_results_months(const stroom_results *r);   /* params end - start + 1 */
STROOM_API stroom_month stroom_results_start(const stroom_results *r);
STROOM_API int stroom_results_threads(const stroom_results *r);  /* threads actually used */
STROOM_API int stroom_results_groups(const stroom_results *r);
/* Group names: "all", distance ("short", ...), areas, duration bands ("<1y", ...),
 * age bands ("<27", ...), household types ("single", ...). Borrowed. */
STROOM_API const char *stroom_results_group_name(const stroom_results *r, int group);
/* The dimension a group belongs to: "all", "distance", "area", "duration", "age"
 * or "type" (static strings); NULL for a group out of range. */
STROOM_API const char *stroom_results_group_dimension(const stroom_results *r, int group);
/* Index of a group by name, or -1. */
STROOM_API int stroom_results_group_index(const stroom_results *r, const char *name);
/* Count for replicate rep, month index t (0 = start), indicator, group. */
STROOM_API int32_t stroom_results_value(const stroom_results *r, int rep, int t, int indicator,
					int group);
/* Money (eurocent) for replicate rep, month index t, money indicator, group. */
STROOM_API int64_t stroom_results_money(const stroom_results *r, int rep, int t, int money, int group);
/* Teams: clients on the 1st of month t (households the team serves). */
STROOM_API int32_t stroom_results_team_clients(const stroom_results *r, int rep, int t, int team);
/* Instruments: starts during month t, and participants on the 1st of month t. */
STROOM_API int32_t stroom_results_instrument_starts(const stroom_results *r, int rep, int t, int k);
STROOM_API int32_t stroom_results_instrument_participants(const stroom_results *r, int rep, int t,
							  int k);
/* Parameters drawn from priors, per replicate: how many, each one's scenario key
 * (borrowed) and its value in replicate rep. The policy priors come first
 * ("capacity.elasticity", ..., "instruments.NAME.lockin", ...), then the uncertain
 * parameters ("inflow.per_year", "hazard.work.distance.short", ...); a fixed prior
 * is listed with its value. With fixed_parameters every value is the central one. */
STROOM_API int stroom_results_drawn_count(const stroom_results *r);
STROOM_API const char *stroom_results_drawn_name(const stroom_results *r, int i);
STROOM_API double stroom_results_drawn_value(const stroom_results *r, int rep, int i);
/* The caseload on the 1st of the month after the last month (end + 1), per replicate. */
STROOM_API int32_t stroom_results_final_caseload(const stroom_results *r, int rep, int group);

/*
 * Moving results between processes (MPI) and adding them up. All of these copy
 * or add the integers (and the drawn doubles) bit for bit, so a run split into
 * blocks and put together again equals the run done in one piece.
 *
 * stroom_results_pack writes the shape and replicates [first, first + count) of
 * r into buf (size bytes) and returns the bytes needed (call with size 0 to ask);
 * it writes nothing when size is too small. stroom_results_unpack makes new
 * results of the full shape from such a buffer, with those replicates filled and
 * the others zero (caller frees); STROOM_EINVAL for a buffer that is not a pack,
 * STROOM_ENOMEM. Both ends must be the same build (the layout is raw memory).
 */
STROOM_API size_t stroom_results_pack(const stroom_results *r, int first, int count, void *buf,
				      size_t size);
STROOM_API int stroom_results_unpack(stroom_results **out, const void *buf, size_t size,
				     const stroom_allocator *a);
/* Copies replicates [first, first + count) of src into dst (same shape).
 * STROOM_EINVAL when the shapes or the range do not fit. */
STROOM_API int stroom_results_copy_replicates(stroom_results *dst, const stroom_results *src, int first,
					      int count);
/*
 * Adds src's counts and money into dst, replicate by replicate (the national total
 * of municipalities run with the same seed and replicates): integer sums, so the
 * order of the additions cannot change the result. The drawn parameters are the
 * same in both (shared priors) and stay dst's. STROOM_EINVAL when the shapes differ.
 */
STROOM_API int stroom_results_add(stroom_results *dst, const stroom_results *src);

#ifdef __cplusplus
}
#endif
#endif
