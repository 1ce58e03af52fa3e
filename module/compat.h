/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, in one place. Feature tests rather than
 * version checks wherever a symbol can be tested for.
 */
#ifndef __BINDOX_COMPAT_H
#define __BINDOX_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "bindox needs Linux 6.1 or later"
#endif

/* Linux 6.3 made vm_flags read-only and added vm_flags_mod(). */
static inline void bindox_vm_flags_mod(struct vm_area_struct *vma,
				       vm_flags_t set, vm_flags_t clear)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/* Linux 6.6 gave vm_operations_struct.huge_fault the order of the entry. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define BINDOX_HUGE_FAULT_ARG unsigned int order
#define BINDOX_HUGE_FAULT_IS_PMD (order == PMD_ORDER)
#else
#define BINDOX_HUGE_FAULT_ARG enum page_entry_size pe_size
#define BINDOX_HUGE_FAULT_IS_PMD (pe_size == PE_SIZE_PMD)
#endif

#endif /* __BINDOX_COMPAT_H */
