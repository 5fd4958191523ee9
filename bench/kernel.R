#!/usr/bin/env Rscript
# kernel.R: the minimal model of bench/kernel.c as an analyst would write it in R
# with data.table (docs/performance.md): a table of households with their cell, and
# each month, vectorised over the households, one uniform draw per household and one
# lookup of the hazard table by cell; a household exits when its draw is below its
# hazard. As in kernel.c, a household that exits is replaced by one in the same
# cell, so the stock stays constant, and the exits are counted. Straightforward on
# purpose: no tuning beyond vectorising over households. R's own generator
# (Mersenne Twister) stands in for the keyed Philox draw.
# Prints household-months per second in the format of bench_kernel.
# usage: Rscript bench/kernel.R HOUSEHOLDS MONTHS REPLICATES
suppressPackageStartupMessages(library(data.table))

args <- commandArgs(trailingOnly = TRUE)
households <- if (length(args) >= 1) as.integer(args[1]) else 32649L
months <- if (length(args) >= 2) as.integer(args[2]) else 84L
reps <- if (length(args) >= 3) as.integer(args[3]) else 20L
if (anyNA(c(households, months, reps)) || min(households, months, reps) < 1)
  stop("usage: Rscript bench/kernel.R HOUSEHOLDS MONTHS REPLICATES")
set.seed(20240101)

# The hazard table and the households' cells: the same values as kernel.c
# (cell = h * 2654435761 mod 2^32, top 8 bits; exact in doubles below 2^53).
hazard <- data.table(cell = 0:255, hazard = 0.001 + 0.0001 * (0:255))
h <- as.numeric(0:(households - 1))
hh <- data.table(id = 0:(households - 1),
                 cell = as.integer(((h * 2654435761) %% 2^32) %/% 2^24))

exits <- 0
t0 <- proc.time()[["elapsed"]]
for (rep in seq_len(reps)) {
  for (m in seq_len(months)) {
    hh[, u := runif(.N)]                          # one draw per household
    hh[, p := hazard$hazard[cell + 1L]]           # this month's hazard by cell
    exits <- exits + hh[u < p, .N]                # exits (replaced in the same cell)
  }
}
secs <- proc.time()[["elapsed"]] - t0
hm <- as.numeric(households) * months * reps
cat(sprintf(paste0("kernel.R: %d households x %d months x %d replicates = %.0f household-months in %.3f s: ",
                   "%.1f million household-months/s (exits %.0f)\n"),
            households, months, reps, hm, secs, hm / secs / 1e6, exits))
