/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_TRANSFER_H
#define __BINDOX_TRANSFER_H

/**
 * DOC: Transfers
 *
 * What the message ioctls do, once the ioctl layer (ioctl.c) has copied
 * their arguments in and checked them. A client's call is one ioctl: build,
 * queue, sleep until the reply, copy it out. A server's
 * BINDOX_IOC_REPLY_RECV is one ioctl too: answer the previous call, then
 * wait for the next message. Both wake their peer with a sync wakeup,
 * since they are about to sleep.
 */

#include <uapi/linux/bindox.h>

struct bindox_proc;

int bindox_transfer_call(struct bindox_proc *proc,
			 struct bindox_call_args *args,
			 struct bindox_call_args __user *uargs);
bool bindox_transfer_resume(struct bindox_proc *proc,
			    const struct bindox_call_args *args, int *err);
void bindox_transfer_drop_parked(struct bindox_proc *proc);
int bindox_transfer_send(struct bindox_proc *proc,
			 const struct bindox_transaction *tx);
int bindox_transfer_reply(struct bindox_proc *proc, u64 id,
			  const struct bindox_payload *payload);
int bindox_transfer_receive(struct bindox_proc *proc,
			    struct bindox_message *msg,
			    struct bindox_message __user *umsg, s64 *timeout_ns);

#endif /* __BINDOX_TRANSFER_H */
