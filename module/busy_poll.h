/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_BUSY_POLL_H
#define __BINDOX_BUSY_POLL_H

/**
 * DOC: Busy polling
 *
 * A thread that waits for a call's reply, or for a message to receive,
 * may poll before it sleeps, like a socket's SO_BUSY_POLL: when the other
 * side runs on another CPU and answers within the poll, neither side
 * sleeps nor waits to be woken, at the price of the CPU time polled.
 *
 * How long is learnt, as KVM's halt polling does, separately for a proc's
 * callers and for its receivers (struct bindox_busy_poll), up to
 * bindox_busy_poll_ns (module parameter busy_poll_ns; 0 never polls).
 * After a wait that slept (bindox_busy_poll_learn()): a wait within
 * busy_poll_ns sets the window a little above it; a longer one closes it,
 * so that a side whose waits are long (an idle server, a slow peer) polls
 * no more, unless that side did not poll at all and waited up to a few
 * busy_poll_ns (its wait included the wakeup a poll spares): then it
 * tries the whole window. Such tries back off while their polls run out:
 * after the n-th in a row, the next comes 2^n - 1 of those waits later,
 * until a poll is answered. A poll that another task cut short closes the
 * window: the CPU is wanted.
 *
 * A thread polls only while it is the only task that could run on its
 * CPU, and stops as soon as another is (need_resched(),
 * single_task_running()), a signal is pending or the time is up; a wait
 * that begins with another there does not poll and closes the window (a
 * caller and its server on one CPU each wait while the other runs).
 * The wait that follows a poll is the usual one, so a poll changes when a
 * thread sleeps, never what it receives. Every poll is a trace event,
 * bindox_call_poll or bindox_receive_poll (bindox_trace.h): how long it
 * could have polled, how long it did, and whether what it waited for came.
 */

#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>

#define BINDOX_BUSY_POLL_MAX_NS	1000000U

/*
 * A side that did not poll tries again after waits of up to this many
 * busy_poll_ns.
 */
#define BINDOX_BUSY_POLL_RETRY	4

/* Below this a window is not worth a poll: it shrinks to none. */
#define BINDOX_BUSY_POLL_MIN_NS	1000U

extern unsigned int bindox_busy_poll_ns;

/* At most 2^this - 1 waits between two tries whose polls run out. */
#define BINDOX_BUSY_POLL_MAX_MISSES	8

/*
 * How long one side of a proc (its callers, or its receivers) polls next,
 * and how it backs off; written without a lock by whichever of its
 * threads waited last (a lost update costs one poll more or less).
 */
struct bindox_busy_poll {
	u32 window_ns;
	u16 skip;	/* waits to let pass before the next try */
	u8 misses;	/* polls run out in a row, since one was answered */
};

/* One wait's poll, on the waiting thread's stack. */
struct bindox_busy_poll_wait {
	struct bindox_busy_poll *side;	/* NULL: neither polls nor learns */
	u64 start;			/* local_clock() */
	u64 end;			/* 0: no poll */
	u64 stop;			/* when the poll ended */
	bool cut;			/* another task ended it early */
};

/* Whether another task could run on this CPU. */
static inline bool bindox_busy_poll_cpu_wanted(void)
{
	return need_resched() || !single_task_running();
}

/*
 * Begin a wait of @side (NULL for a wait that must not poll). A wait that
 * begins while another task could run on this CPU does not poll: the task
 * it waits for may be that one (a caller and its server on one CPU). It
 * closes the window, as a poll cut short would, without reading the clock.
 */
static inline void bindox_busy_poll_start(struct bindox_busy_poll_wait *w,
					  struct bindox_busy_poll *side)
{
	u32 max = READ_ONCE(bindox_busy_poll_ns);
	u32 ns;

	w->side = max ? side : NULL;
	if (w->side && bindox_busy_poll_cpu_wanted()) {
		if (READ_ONCE(side->window_ns))
			WRITE_ONCE(side->window_ns, 0);
		w->side = NULL;
	}
	ns = w->side ? min(READ_ONCE(side->window_ns), max) : 0;
	w->start = w->side ? local_clock() : 0;
	w->end = ns ? w->start + ns : 0;
	w->stop = 0;
	w->cut = false;
}

/*
 * Whether the poll may go on (the caller cpu_relax()es). Not while
 * another task could run on this CPU: the one polled for may be it (a
 * caller and its server on one CPU, after a sync wakeup that does not
 * preempt), and it would wait for the whole poll.
 */
static inline bool bindox_busy_poll_more(const struct bindox_busy_poll_wait *w)
{
	return w->end && !bindox_busy_poll_cpu_wanted() &&
	       !signal_pending(current) && local_clock() < w->end;
}

/*
 * The poll is over, @answered if what it waited for came: note when, and
 * whether another task cut it short, for the trace event and for
 * bindox_busy_poll_learn() if the wait goes on to sleep. An answered poll
 * ends the side's backing off.
 */
static inline void bindox_busy_poll_stop(struct bindox_busy_poll_wait *w,
					 bool answered)
{
	if (!w->end)
		return;
	w->stop = local_clock();
	w->cut = bindox_busy_poll_cpu_wanted() && w->stop < w->end;
	if (answered && READ_ONCE(w->side->misses)) {
		WRITE_ONCE(w->side->misses, 0);
		WRITE_ONCE(w->side->skip, 0);
	}
}

void bindox_busy_poll_learn(const struct bindox_busy_poll_wait *w);

#endif /* __BINDOX_BUSY_POLL_H */
