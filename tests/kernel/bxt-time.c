/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monotonic time and sleeping for the in-guest kernel tests; see bxt.h.
 */

#include <errno.h>
#include <time.h>
#include "bxt.h"

int64_t bxt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * BXT_SEC + ts.tv_nsec;
}

void bxt_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * BXT_MS };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
