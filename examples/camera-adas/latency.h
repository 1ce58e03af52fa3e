/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_LATENCY_H
#define CAMERA_ADAS_LATENCY_H

/* A growing list of latencies in nanoseconds, and its percentiles. */

#include <stddef.h>
#include <stdint.h>

typedef struct LatencyLog {
	int64_t *v;
	size_t n;
	size_t cap;
} LatencyLog;

/* Return: 0 or -ENOMEM. */
int latency_add(LatencyLog *l, int64_t ns);
/* The @p-th percentile (0-100, nearest rank; sorts the log); 0 if empty. */
int64_t latency_percentile(LatencyLog *l, double p);
void latency_clear(LatencyLog *l);
void latency_free(LatencyLog *l);

#endif /* CAMERA_ADAS_LATENCY_H */
