// SPDX-License-Identifier: GPL-2.0
/*
 * Busy polling before a wait sleeps: the module parameter and how each
 * side of a proc learns its poll window (busy_poll.h).
 */
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include "busy_poll.h"

unsigned int bindox_busy_poll_ns;

static int bindox_busy_poll_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, BINDOX_BUSY_POLL_MAX_NS);
}

static const struct kernel_param_ops bindox_busy_poll_ops = {
	.set = bindox_busy_poll_set,
	.get = param_get_uint,
};
module_param_cb(busy_poll_ns, &bindox_busy_poll_ops, &bindox_busy_poll_ns,
		0644);
MODULE_PARM_DESC(busy_poll_ns,
		 "Longest poll of a waiting call or receive before it sleeps, in ns; each side learns its own up to this (0: never; at most 1000000)");

/*
 * A wait that did not poll and took up to a few busy_poll_ns: try the
 * whole window, unless polls that ran out tell this side to let some
 * such waits pass first.
 */
static u32 bindox_busy_poll_try(struct bindox_busy_poll *side, u32 max)
{
	u16 skip = READ_ONCE(side->skip);

	if (!skip)
		return max;
	WRITE_ONCE(side->skip, skip - 1);
	return 0;
}

/* A poll ran out and its wait was longer than any poll: wait longer to try. */
static void bindox_busy_poll_miss(struct bindox_busy_poll *side)
{
	u8 misses = min(READ_ONCE(side->misses) + 1,
			BINDOX_BUSY_POLL_MAX_MISSES);

	WRITE_ONCE(side->misses, misses);
	WRITE_ONCE(side->skip, (1U << misses) - 1);
}

/**
 * bindox_busy_poll_learn() - adapt a side's poll window to a wait that slept
 * @w:	the wait, begun with bindox_busy_poll_start()
 *
 * A wait that slept and still ended within busy_poll_ns would have been
 * spared its sleep and wakeup by a poll a little longer than it took; one
 * that took longer would not have been, by any poll.
 */
void bindox_busy_poll_learn(const struct bindox_busy_poll_wait *w)
{
	u32 max = READ_ONCE(bindox_busy_poll_ns);
	u64 waited;
	u32 ns = 0;

	if (!w->side || !max)
		return;
	waited = local_clock() - w->start;
	if (w->cut)
		ns = 0;
	else if (waited <= max)
		ns = min_t(u64, waited + waited / 4, max);
	else if (!w->end && waited <= BINDOX_BUSY_POLL_RETRY * (u64)max)
		ns = bindox_busy_poll_try(w->side, max);
	else if (w->end)
		bindox_busy_poll_miss(w->side);
	WRITE_ONCE(w->side->window_ns, ns < BINDOX_BUSY_POLL_MIN_NS ? 0 : ns);
}
