/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, in one place. Feature tests rather than
 * version checks wherever a symbol can be tested for.
 */
#ifndef __BINDOX_COMPAT_H
#define __BINDOX_COMPAT_H

#include <linux/mm.h>
#include <linux/pfn_t.h>
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

/*
 * Linux 6.12 no longer exports vmf_insert_mixed_mkwrite() (its only user,
 * DAX, is built in). Its declaration stayed, so only the version tells.
 * From 6.12 on a small entry goes in read-only even for a write fault: the
 * write faults again, on the present entry, and ->pfn_mkwrite checks the
 * rights once more before the kernel makes the entry writable. That costs
 * one more fault per small page written (huge entries are not affected);
 * BINDOX_IOC_BUFFER_MAP takes it for the caller (BINDOX_INSERT_WRITABLE).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#define BINDOX_INSERT_WRITABLE true
static inline vm_fault_t bindox_vmf_insert_mixed(struct vm_area_struct *vma,
						 unsigned long addr, pfn_t pfn,
						 bool write)
{
	if (write)
		return vmf_insert_mixed_mkwrite(vma, addr, pfn);
	return vmf_insert_mixed(vma, addr, pfn);
}
#else
#define BINDOX_INSERT_WRITABLE false
static inline vm_fault_t bindox_vmf_insert_mixed(struct vm_area_struct *vma,
						 unsigned long addr, pfn_t pfn,
						 bool write)
{
	return vmf_insert_mixed(vma, addr, pfn);
}
#endif

/* device_type's devnode took a const device from 6.2 on, uevent from 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define BINDOX_DEVNODE_CONST const
#else
#define BINDOX_DEVNODE_CONST
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define BINDOX_UEVENT_CONST const
#else
#define BINDOX_UEVENT_CONST
#endif

/*
 * Linux 6.10 made a trace event's __assign_str() take the field alone: the
 * source is the one __string() named.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define bindox_assign_str(field, src) __assign_str(field)
#else
#define bindox_assign_str(field, src) __assign_str(field, src)
#endif

#endif /* __BINDOX_COMPAT_H */
