/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_IOCTL_H
#define __BINDOX_IOCTL_H

/**
 * DOC: The ioctl layer
 *
 * Every ioctl of the UAPI header has one handler in ioctl.c,
 * bindox_ioctl_<command>(). A handler copies its argument in (its size is
 * checked against the UAPI layout at build time), refuses what the UAPI
 * header calls invalid, checks who may do it (the Coordinator alone loads
 * policy; only a privileged process on the host domain becomes the
 * Coordinator; a domain admits no more calls than its limit), and then
 * calls the object code, which takes kernel types only. The exceptions are
 * the copies that are an object's job: a message's payload
 * (bindox_txn_build(), bindox_txn_copy_out()) and a received message or
 * reply (bindox_transfer_receive(), bindox_transfer_call()), whose copy-out
 * must be undone with the delivery if it fails.
 */

#include <linux/fs.h>

long bindox_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
long bindox_control_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg);

#endif /* __BINDOX_IOCTL_H */
