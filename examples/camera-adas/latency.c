// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Latency percentiles (latency.h).
 */
#include <errno.h>
#include <stdlib.h>
#include "latency.h"

int latency_add(LatencyLog *l, int64_t ns)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		int64_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ns;
	return 0;
}

static int latency_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t latency_percentile(LatencyLog *l, double p)
{
	double exact = p / 100.0 * (double)l->n;
	size_t rank = (size_t)exact;

	if (!l->n)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), latency_cmp);
	if ((double)rank < exact)
		rank++;	/* nearest rank: round up */
	if (rank > l->n)
		rank = l->n;
	return l->v[rank ? rank - 1 : 0];
}

void latency_clear(LatencyLog *l)
{
	l->n = 0;
}

void latency_free(LatencyLog *l)
{
	free(l->v);
	*l = (LatencyLog){ 0 };
}
