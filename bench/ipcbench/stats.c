// SPDX-License-Identifier: GPL-2.0-or-later
/* Statistics of timing samples: see stats.h. */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void sort_u64(uint64_t *v, uint64_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void sort_double(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

uint64_t percentile_sorted(const uint64_t *sorted, uint64_t n, unsigned int pct)
{
	uint64_t rank = (pct * n + 99) / 100;	/* ceil(pct / 100 * n) */

	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

double mean_u64(const uint64_t *v, uint64_t n)
{
	double sum = 0;
	uint64_t i;

	for (i = 0; i < n; i++)
		sum += (double)v[i];
	return n ? sum / (double)n : 0;
}

double stddev_u64(const uint64_t *v, uint64_t n, double mean)
{
	double sum = 0;
	uint64_t i;

	for (i = 0; i < n; i++)
		sum += ((double)v[i] - mean) * ((double)v[i] - mean);
	return n ? sqrt(sum / (double)n) : 0;
}

int summarize(uint64_t *v, uint64_t n, Summary *s)
{
	if (n == 0)
		return -EINVAL;
	s->mean = mean_u64(v, n);
	s->stddev = stddev_u64(v, n, s->mean);
	sort_u64(v, n);
	s->min = v[0];
	s->max = v[n - 1];
	s->p25 = percentile_sorted(v, n, 25);
	s->p50 = percentile_sorted(v, n, 50);
	s->p75 = percentile_sorted(v, n, 75);
	s->p90 = percentile_sorted(v, n, 90);
	s->p99 = percentile_sorted(v, n, 99);
	return 0;
}

void spread_add(Spread *s, double value)
{
	if (!s->any || value < s->min)
		s->min = value;
	if (!s->any || value > s->max)
		s->max = value;
	s->any = true;
}
