/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Statistics of timing samples, the same for every mode of ipcbench:
 * nearest-rank percentiles, mean, standard deviation, and the range
 * (spread) of a series.
 */
#ifndef IPCBENCH_STATS_H
#define IPCBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Figures of one series of samples, in the samples' unit. */
typedef struct Summary {
	double mean;
	double stddev;			/* population standard deviation */
	uint64_t min, p25, p50, p75, p90, p99, max;
} Summary;

/* The smallest and largest of a series of values (e.g. per-round medians). */
typedef struct Spread {
	double min, max;
	bool any;
} Spread;

void sort_u64(uint64_t *v, uint64_t n);
void sort_double(double *v, size_t n);

/* Nearest-rank percentile (@pct in 1..100) of @n >= 1 sorted samples. */
uint64_t percentile_sorted(const uint64_t *sorted, uint64_t n, unsigned int pct);

double mean_u64(const uint64_t *v, uint64_t n);

/* Population standard deviation of @n values around @mean; 0 when @n is 0. */
double stddev_u64(const uint64_t *v, uint64_t n, double mean);

/* Sort @v (@n >= 1) in place and fill @s; -EINVAL when @n is 0. */
int summarize(uint64_t *v, uint64_t n, Summary *s);

void spread_add(Spread *s, double value);

#endif
