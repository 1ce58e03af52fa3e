/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_TRANSFER_H
#define __BINDOX_TRANSFER_H

/**
 * DOC: Transfers
 *
 * The ioctls that move messages. A client's call is one ioctl: build, queue,
 * sleep until the reply, copy it out. A server's BINDOX_IOC_REPLY_RECV is one
 * ioctl too: answer the previous call, then wait for the next message. Both
 * wake their peer with a sync wakeup, since they are about to sleep.
 */

#include <uapi/linux/bindox.h>

struct bindox_proc;

int bindox_transfer_call(struct bindox_proc *proc,
			 struct bindox_call_args __user *uargs);
int bindox_transfer_send(struct bindox_proc *proc,
			 struct bindox_transaction __user *utx);
int bindox_transfer_recv(struct bindox_proc *proc,
			 struct bindox_recv_args __user *uargs);
int bindox_transfer_reply_recv(struct bindox_proc *proc,
			       struct bindox_reply_recv_args __user *uargs);

#endif /* __BINDOX_TRANSFER_H */
