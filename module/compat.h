/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, in one place. Feature tests rather than
 * version checks wherever a symbol can be tested for.
 */
#ifndef __BINDOX_COMPAT_H
#define __BINDOX_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "bindox needs Linux 6.1 or later"
#endif

#endif /* __BINDOX_COMPAT_H */
