/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_CLOCK_H
#define CAMERA_ADAS_CLOCK_H

/*
 * Clocks both sides read: CLOCK_MONOTONIC is one clock for every container
 * of the host (they share no time namespace), so a capture time taken by
 * the camera and an analysis time taken by the client can be subtracted.
 */

#include <stdint.h>
#include <time.h>

#define NSEC_PER_SEC 1000000000LL

static inline int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static inline int64_t monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* CPU time of the whole process, all threads. */
static inline int64_t process_cpu_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static inline struct timespec ns_to_timespec(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC_PER_SEC, .tv_nsec = ns % NSEC_PER_SEC };

	return ts;
}

#endif /* CAMERA_ADAS_CLOCK_H */
