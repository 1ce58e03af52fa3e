/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Deadlines for operations that may issue more than one ioctl (a receive
 * that has to grow its buffers) but must honour the caller's timeout as a
 * whole. Timeouts follow the UAPI: negative waits forever, 0 polls,
 * positive is a relative limit in nanoseconds.
 */

#include <errno.h>
#include <stdint.h>
#include <time.h>

static inline int64_t time_util_now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Absolute deadline for a positive @timeout_ns, 0 otherwise (saturating). */
static inline int64_t time_util_deadline(int64_t timeout_ns)
{
	int64_t now;

	if (timeout_ns <= 0)
		return 0;
	now = time_util_now_ns();
	if (timeout_ns > INT64_MAX - now)
		return INT64_MAX;
	return now + timeout_ns;
}

/*
 * The timeout to pass to the next ioctl: @timeout_ns itself if it is not
 * positive, else what is left until @deadline; -ETIMEDOUT once it passed.
 */
static inline int time_util_left(int64_t timeout_ns, int64_t deadline, int64_t *left)
{
	int64_t now;

	if (timeout_ns <= 0) {
		*left = timeout_ns;
		return 0;
	}
	now = time_util_now_ns();
	if (now >= deadline)
		return -ETIMEDOUT;
	*left = deadline - now;
	return 0;
}
