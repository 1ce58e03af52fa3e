/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_CONTROL_H
#define __BINDOX_CONTROL_H

/**
 * DOC: The control device
 *
 * /dev/bindox-control (a misc device, root only) adds, removes, updates and
 * lists domains (BINDOX_CTL_*). Every ioctl also needs CAP_SYS_ADMIN in
 * the initial user namespace, so that root in a container, even with the
 * node in reach, changes nothing. It is the style of loop-control and
 * binder-control: one node for the host's administrator (bindoxd), one
 * node per domain for the containers.
 */

int bindox_control_init(void);
void bindox_control_exit(void);

#endif /* __BINDOX_CONTROL_H */
