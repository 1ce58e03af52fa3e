/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_COORDINATOR_H
#define __BINDOX_COORDINATOR_H

/**
 * DOC: The Coordinator slot
 *
 * One process on the host domain may make itself the Coordinator (the
 * context manager). It needs CAP_SYS_ADMIN in the initial user namespace,
 * both now and when it opened the device. The driver creates the
 * Coordinator's node (cookie 0), and handle 0 in every proc resolves to it.
 * A second claimant gets EBUSY; when the Coordinator's proc dies, the slot is
 * free for the next one. Calls to the Coordinator carry the protocol of the
 * UAPI header, whose form the driver checks before delivering them.
 */

#include <linux/types.h>

struct bindox_node;
struct bindox_proc;
struct bindox_txn;

int bindox_coordinator_claim(struct bindox_proc *proc);
void bindox_coordinator_drop(struct bindox_proc *proc);
struct bindox_node *bindox_coordinator_node(void);
bool bindox_coordinator_owned_by(struct bindox_proc *proc);
int bindox_coordinator_check_request(const struct bindox_txn *txn,
				     struct bindox_proc *sender);
int bindox_coordinator_check_reply(struct bindox_txn *call,
				   const struct bindox_txn *reply);

#endif /* __BINDOX_COORDINATOR_H */
