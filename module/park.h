/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_PARK_H
#define __BINDOX_PARK_H

/**
 * DOC: Parked calls
 *
 * A call whose wait a signal interrupts cannot simply be sent again: the
 * server may have acted on it already. When the signal runs no handler
 * (it is ignored, stops or continues the process, or the task is being
 * frozen, as with a paused container), the call is *parked* instead: it
 * stays under way, the driver writes a token into the reply's id and the
 * ioctl ends with -ERESTARTNOHAND, which the kernel turns into a restart of
 * the same ioctl. The restarted ioctl finds the token and goes on waiting
 * for the same reply. A signal that runs a handler or kills ends the call
 * with -EINTR, as before.
 *
 * A parked call is the proc's, under the calling thread's id: at most one
 * per thread. A park nobody resumes (a handler ran after all) ends when
 * its thread makes its next call on the proc, or when the proc's file is
 * released.
 */

#include <linux/types.h>
#include <uapi/linux/bindox.h>

struct bindox_proc;
struct bindox_txn;

struct bindox_park {
	struct bindox_txn *txn;		/* ref: the call, on proc->calls */
	struct bindox_call_args args;	/* as the call came, reply.id 0 */
	struct bindox_call_args __user *uargs;
	unsigned long deadline;		/* in jiffies, unless @forever */
	bool forever;
	u64 token;			/* written to the reply's id */
};

enum bindox_signal_effect {
	BINDOX_SIGNAL_GONE,		/* nothing pending any more */
	BINDOX_SIGNAL_RESTARTS,		/* no handler runs: restart */
	BINDOX_SIGNAL_ENDS,		/* a handler runs, or a fatal one */
};

enum bindox_signal_effect bindox_signal_effect(void);

struct bindox_park *bindox_park_new(const struct bindox_park *wait);
int bindox_park_store(struct bindox_proc *proc, struct bindox_park *park,
		      struct bindox_park **stale);
struct bindox_park *bindox_park_take(struct bindox_proc *proc);
struct bindox_park *bindox_park_take_any(struct bindox_proc *proc);
void bindox_park_free(struct bindox_park *park);

#endif /* __BINDOX_PARK_H */
