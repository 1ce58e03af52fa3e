// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping buffers: mmap on the device fd, and the checked page faults.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <uapi/linux/bindox.h>
#include "buffer.h"
#include "hold.h"
#include "compat.h"
#include "proc.h"

/*
 * What a mapping holds: the hold it was made through (its rights), the
 * buffer (its memory, even once the hold let go of it) and the proc that
 * made it, whose bindox_max_buffer_maps its VMAs count against (revoking
 * walks every VMA of a buffer: one process must not make that slow for
 * the others). Shared by the VMAs a mapping is split into or copied to by
 * fork().
 */
struct bindox_buffer_map {
	refcount_t refs;		/* its VMAs */
	struct bindox_hold *hold;	/* ref */
	struct bindox_buffer *buffer;	/* ref */
	struct bindox_proc *proc;	/* ref */
};

unsigned int bindox_max_buffer_maps = 1024;
module_param_named(max_buffer_maps, bindox_max_buffer_maps, uint, 0644);
MODULE_PARM_DESC(max_buffer_maps,
		 "Most buffer mappings (VMAs) one open file may have made");

static void bindox_buffer_vm_open(struct vm_area_struct *vma)
{
	struct bindox_buffer_map *map = vma->vm_private_data;

	refcount_inc(&map->refs);
	atomic_inc(&map->proc->buffers.maps);
}

static void bindox_buffer_vm_close(struct vm_area_struct *vma)
{
	struct bindox_buffer_map *map = vma->vm_private_data;

	atomic_dec(&map->proc->buffers.maps);
	if (!refcount_dec_and_test(&map->refs))
		return;
	bindox_hold_unref(map->hold);
	bindox_buffer_unref(map->buffer);
	bindox_proc_unref(map->proc);
	kfree(map);
}

/*
 * Whether @folio is mapped with one PMD entry at @addr: a whole 2 MiB
 * folio, at the place in @vma where its first page belongs.
 */
static bool bindox_buffer_pmd_fits(struct vm_area_struct *vma,
				   unsigned long addr, struct folio *folio)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	unsigned long start = addr & HPAGE_PMD_MASK;

	return folio_nr_pages(folio) == HPAGE_PMD_NR &&
	       start >= vma->vm_start && vma->vm_end - start >= HPAGE_PMD_SIZE &&
	       linear_page_index(vma, start) == folio->index;
#else
	return false;
#endif
}

/*
 * Whether the faulting address may get a PMD entry: its PMD is empty or
 * huge. A PMD that points to a page table (left by small entries, or moved
 * here by mremap() from an address where the folio did not fit) keeps its
 * PTEs: installing a PMD over it would warn in the kernel and fail.
 */
static bool bindox_buffer_pmd_free(struct vm_fault *vmf)
{
	pmd_t pmd = READ_ONCE(*vmf->pmd);

	return pmd_none(pmd) || pmd_trans_huge(pmd) || pmd_devmap(pmd);
}

/*
 * Install the entry for the faulting address: a PMD for a whole huge
 * folio, a PTE otherwise (or, with @pmd_only, nothing: VM_FAULT_FALLBACK).
 * The rights are checked and the entry installed under map_lock, which
 * bindox_buffer_revoke() takes for writing before it zaps. Writable only
 * for a write fault; a later write comes back through pfn_mkwrite or
 * huge_fault. Where the kernel cannot install a small entry writable
 * (compat.h), a write fault installs it read-only and the write comes back
 * through pfn_mkwrite as well.
 */
static vm_fault_t bindox_buffer_insert(struct vm_fault *vmf, bool pmd_only)
{
	struct vm_area_struct *vma = vmf->vma;
	struct bindox_buffer_map *map = vma->vm_private_data;
	struct bindox_buffer *buffer = map->buffer;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	struct folio *folio;
	vm_fault_t ret;

	if (vmf->pgoff >= buffer->pages)
		return VM_FAULT_SIGBUS;
	folio = bindox_buffer_folio(buffer, vmf->pgoff);
	if (!folio)
		return VM_FAULT_SIGBUS;

	down_read(&buffer->map_lock);
	if (!bindox_hold_may_read(map->hold) ||
	    (write && !bindox_hold_may_write(map->hold, buffer)))
		ret = VM_FAULT_SIGBUS;
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	else if (bindox_buffer_pmd_fits(vma, vmf->address, folio) &&
		 bindox_buffer_pmd_free(vmf))
		ret = vmf_insert_pfn_pmd(vmf, pfn_to_pfn_t(folio_pfn(folio)),
					 write);
#endif
	else if (pmd_only)
		ret = VM_FAULT_FALLBACK;
	else
		ret = bindox_vmf_insert_mixed(vma, vmf->address & PAGE_MASK,
					      pfn_to_pfn_t(folio_pfn(folio) +
							   vmf->pgoff - folio->index),
					      write);
	up_read(&buffer->map_lock);
	return ret;
}

/* A page table entry is missing (the PMD may be empty too). */
static vm_fault_t bindox_buffer_fault(struct vm_fault *vmf)
{
	return bindox_buffer_insert(vmf, false);
}

/* A write to a huge entry that is read-only: make it writable, or refuse. */
static vm_fault_t bindox_buffer_huge_fault(struct vm_fault *vmf,
					   BINDOX_HUGE_FAULT_ARG)
{
	if (!BINDOX_HUGE_FAULT_IS_PMD)
		return VM_FAULT_FALLBACK;
	return bindox_buffer_insert(vmf, true);
}

/*
 * A write to a small entry that is read-only. No lock is needed: if the
 * rights go after this check, revoking zaps the entry before or after it
 * is made writable, and the fault code finds it changed in the first case.
 */
static vm_fault_t bindox_buffer_pfn_mkwrite(struct vm_fault *vmf)
{
	struct bindox_buffer_map *map = vmf->vma->vm_private_data;

	return bindox_hold_may_write(map->hold, map->buffer) ? 0 :
							       VM_FAULT_SIGBUS;
}

static int bindox_buffer_vm_mprotect(struct vm_area_struct *vma,
				     unsigned long start, unsigned long end,
				     unsigned long newflags)
{
	struct bindox_buffer_map *map = vma->vm_private_data;

	if ((newflags & VM_WRITE) &&
	    !bindox_hold_may_write(map->hold, map->buffer))
		return -EACCES;
	/* A part of the VMA makes one more. */
	if ((start != vma->vm_start || end != vma->vm_end) &&
	    atomic_read(&map->proc->buffers.maps) >=
	    READ_ONCE(bindox_max_buffer_maps))
		return -ENOMEM;
	return 0;
}

static const struct vm_operations_struct bindox_buffer_vm_ops = {
	.open = bindox_buffer_vm_open,
	.close = bindox_buffer_vm_close,
	.fault = bindox_buffer_fault,
	.huge_fault = bindox_buffer_huge_fault,
	.pfn_mkwrite = bindox_buffer_pfn_mkwrite,
	.mprotect = bindox_buffer_vm_mprotect,
};

/**
 * bindox_buffer_mmap() - map a buffer: mmap(2) on the device fd
 * @file:	the device file
 * @vma:	the new mapping; vm_pgoff is the id (offset = id * PAGE_SIZE)
 *
 * Only MAP_SHARED, from the start of the buffer, at most its size. The
 * mapping becomes a mapping of the buffer's mapping file whose page frames
 * the fault handlers map (bindox_buffer_insert()). A hold that may not
 * write cannot map writable, nor mprotect() the mapping writable later.
 *
 * Return: 0; -EINVAL for an unknown id, a private mapping or a length over
 * the size; -EACCES if the hold no longer gives access, or for a writable
 * mapping of a buffer the proc may not write; -ENOMEM over
 * bindox_max_buffer_maps.
 */
int bindox_buffer_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct bindox_proc *proc = file->private_data;
	struct bindox_buffer_map *map;
	struct bindox_hold *hold;
	int err = 0;

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff > U32_MAX)
		return -EINVAL;
	map = kzalloc(sizeof(*map), GFP_KERNEL_ACCOUNT);
	if (!map)
		return -ENOMEM;
	refcount_set(&map->refs, 1);
	mutex_lock(&proc->lock);
	hold = bindox_hold_lookup(proc, vma->vm_pgoff);
	if (hold) {
		map->hold = bindox_hold_ref(hold);
		map->buffer = bindox_buffer_ref(hold->buffer);
	}
	mutex_unlock(&proc->lock);

	if (!hold)
		err = -EINVAL;
	else if (!map->buffer || !bindox_hold_may_read(hold))
		err = -EACCES;
	else if (atomic_read(&proc->buffers.maps) >=
		 READ_ONCE(bindox_max_buffer_maps))
		err = -ENOMEM;
	else if (vma_pages(vma) > map->buffer->pages)
		err = -EINVAL;
	else if (!bindox_hold_may_write(hold, map->buffer) &&
		 (vma->vm_flags & VM_WRITE))
		err = -EACCES;
	if (err) {
		bindox_hold_unref(map->hold);
		bindox_buffer_unref(map->buffer);
		kfree(map);
		return err;
	}
	if (!bindox_hold_may_write(hold, map->buffer))
		bindox_vm_flags_mod(vma, 0, VM_MAYWRITE);
	/*
	 * Page frames, mapped by the fault handlers; VM_IO keeps
	 * get_user_pages() out (buffer.h). VM_DONTEXPAND also keeps the
	 * mapping from being merged; a core dump leaves it out.
	 */
	bindox_vm_flags_mod(vma, VM_MIXEDMAP | VM_IO | VM_DONTEXPAND |
			    VM_DONTDUMP, 0);
	map->proc = bindox_proc_ref(proc);
	atomic_inc(&proc->buffers.maps);
	vma->vm_ops = &bindox_buffer_vm_ops;
	vma->vm_private_data = map;
	vma->vm_pgoff = 0;
	vma_set_file(vma, map->buffer->map_file);
	return 0;
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
/**
 * bindox_buffer_get_unmapped_area() - where a buffer mapping goes
 * @file:	the device file
 * @addr:	hint
 * @len:	length
 * @pgoff:	the id (not a position in the buffer)
 * @flags:	mmap flags
 *
 * A buffer is mapped from its start: align as for offset 0, so that every
 * huge page of it is mapped with one PMD.
 *
 * Return: the address, or a negative errno.
 */
unsigned long bindox_buffer_get_unmapped_area(struct file *file,
					      unsigned long addr,
					      unsigned long len,
					      unsigned long pgoff,
					      unsigned long flags)
{
	return thp_get_unmapped_area(file, addr, len, 0, flags);
}
#endif

/* Whether the entry that maps @addr is a PMD (else a page's PTE). */
static bool bindox_buffer_entry_is_pmd(struct vm_area_struct *vma,
				       unsigned long addr)
{
	struct bindox_buffer_map *map = vma->vm_private_data;
	struct folio *folio;

	folio = bindox_buffer_folio(map->buffer, linear_page_index(vma, addr));
	return folio && bindox_buffer_pmd_fits(vma, addr, folio);
}

/* Huge entries installed under one hold of map_lock, between reschedules. */
#define BINDOX_FILL_BATCH	64

/*
 * The PMD for @addr when it is empty and the tables above it exist, so
 * that an entry can go in without the fault path, which allocates (and
 * frees again) a page table for every missing PMD entry; NULL otherwise.
 */
static pmd_t *bindox_buffer_empty_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud))
		return NULL;
	pmd = pmd_offset(pud, addr);
	/* Entries already there are the fault path's business. */
	return pmd_none(READ_ONCE(*pmd)) ? pmd : NULL;
}

/*
 * Install the huge entries of the buffer mapping @vma from @addr on, as
 * many in a row as fit (each a whole 2 MiB folio at its place, its PMD
 * empty), at most BINDOX_FILL_BATCH. The rights are checked once, with
 * map_lock held for reading across all the entries, which is what
 * bindox_buffer_insert() does for one: revoking waits for the batch, then
 * zaps it. Writable if @write. Called with mmap_lock held.
 *
 * Return: the address after the last entry installed, @addr if none (the
 * fault path's turn); *@ret is 0, VM_FAULT_SIGBUS without the rights, or
 * the error of an insert.
 */
static unsigned long bindox_buffer_fill_pmds(struct vm_area_struct *vma,
					     unsigned long addr, bool write,
					     vm_fault_t *ret)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	struct bindox_buffer_map *map = vma->vm_private_data;
	struct bindox_buffer *buffer = map->buffer;
	unsigned long slot, end;

	lockdep_assert_held(&vma->vm_mm->mmap_lock);
	*ret = 0;
	if (!IS_ALIGNED(addr, PMD_SIZE))
		return addr;
	slot = bindox_buffer_folio_slot(buffer, linear_page_index(vma, addr));
	end = min(buffer->n_folios, slot + BINDOX_FILL_BATCH);
	down_read(&buffer->map_lock);
	if (!bindox_hold_may_read(map->hold) ||
	    (write && !bindox_hold_may_write(map->hold, buffer))) {
		*ret = VM_FAULT_SIGBUS;
		goto out;
	}
	for (; slot < end; slot++) {
		struct folio *folio = buffer->folios[slot];
		struct vm_fault vmf = {
			.vma = vma,
			.address = addr,
			.pgoff = folio->index,
			.flags = write ? FAULT_FLAG_WRITE : 0,
		};

		if (!bindox_buffer_pmd_fits(vma, addr, folio))
			break;
		vmf.pmd = bindox_buffer_empty_pmd(vma->vm_mm, addr);
		if (!vmf.pmd)
			break;
		*ret = vmf_insert_pfn_pmd(&vmf, pfn_to_pfn_t(folio_pfn(folio)),
					  write);
		if (*ret != VM_FAULT_NOPAGE)
			break;
		*ret = 0;
		addr += PMD_SIZE;
	}
out:
	up_read(&buffer->map_lock);
#else
	*ret = 0;
#endif
	return addr;
}

/*
 * Fill every entry of the buffer mapping that starts at @addr, checked as
 * a fault would be, writable if @write: huge entries directly, in batches,
 * the rest through the fault handlers.
 */
static int bindox_buffer_fill(unsigned long addr, bool write)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	vm_fault_t ret;
	int err = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = vma_lookup(mm, addr);
	/* Another thread unmapped or replaced it already: not ours to fill. */
	if (!vma || vma->vm_start != addr || vma->vm_ops != &bindox_buffer_vm_ops) {
		err = -EAGAIN;
		goto out;
	}
	/* Or made it read-only (mprotect() runs under the write lock). */
	if (write && !(vma->vm_flags & VM_WRITE)) {
		err = -EACCES;
		goto out;
	}
	while (addr < vma->vm_end) {
		unsigned long next = bindox_buffer_fill_pmds(vma, addr, write,
							     &ret);

		if (next == addr && !(ret & VM_FAULT_ERROR)) {
			next = bindox_buffer_entry_is_pmd(vma, addr) ?
			       (addr & PMD_MASK) + PMD_SIZE : addr + PAGE_SIZE;
			ret = handle_mm_fault(vma, addr,
					      write ? FAULT_FLAG_WRITE : 0, NULL);
			/* A small entry went in read-only: fault it writable. */
			if (write && !BINDOX_INSERT_WRITABLE &&
			    !(ret & VM_FAULT_ERROR))
				ret = handle_mm_fault(vma, addr,
						      FAULT_FLAG_WRITE, NULL);
		}
		if (ret & VM_FAULT_ERROR) {
			err = (ret & VM_FAULT_OOM) ? -ENOMEM : -EACCES;
			break;
		}
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		addr = next;
		cond_resched();
	}
out:
	mmap_read_unlock(mm);
	return err;
}

/**
 * bindox_buffer_map_reuse() - BINDOX_MAP_REUSE: map again where it was
 * @proc:	the caller's proc
 * @args:	the ioctl's argument, checked by the ioctl layer
 *
 * Gives the mapping at @args->addr to hold @args->id of @proc, if it maps
 * the same buffer whole, alone, with the same protection
 * (BINDOX_MAP_WRITE), through a hold that gives no access any more. The
 * swap is made with mmap_lock held for writing, so that no fault sees it
 * half done. Then every page table entry of the mapping is filled.
 *
 * Return: 0; -EINVAL without such a mapping or id; -EACCES without the
 * rights; -EINTR; the errors of filling.
 */
int bindox_buffer_map_reuse(struct bindox_proc *proc,
			    const struct bindox_buffer_map_args *args)
{
	bool write = args->flags & BINDOX_MAP_WRITE;
	struct mm_struct *mm = current->mm;
	struct bindox_buffer *buffer = NULL;
	struct bindox_buffer_map *map;
	struct bindox_hold *hold, *old = NULL;
	struct vm_area_struct *vma;
	int err = -EINVAL, state;

	mutex_lock(&proc->lock);
	hold = bindox_hold_lookup(proc, args->id);
	if (hold && hold->buffer) {
		bindox_hold_ref(hold);
		buffer = bindox_buffer_ref(hold->buffer);
	}
	mutex_unlock(&proc->lock);
	if (!buffer) {
		err = hold ? -EACCES : -EINVAL;
		hold = NULL;
		goto out;
	}
	if (!bindox_hold_may_read(hold) ||
	    (write && !bindox_hold_may_write(hold, buffer))) {
		err = -EACCES;
		goto out;
	}
	if (mmap_write_lock_killable(mm)) {
		err = -EINTR;
		goto out;
	}
	vma = vma_lookup(mm, args->addr);
	if (vma && vma->vm_start == args->addr &&
	    vma->vm_ops == &bindox_buffer_vm_ops) {
		map = vma->vm_private_data;
		state = atomic_read(&map->hold->state);
		/*
		 * From the buffer's start (vm_pgoff is the position): what is
		 * left of a mapping whose head was unmapped is alone too.
		 */
		if (map->buffer == buffer && refcount_read(&map->refs) == 1 &&
		    vma->vm_pgoff == 0 &&
		    vma_pages(vma) == DIV_ROUND_UP(args->size, PAGE_SIZE) &&
		    !!(vma->vm_flags & VM_WRITE) == write &&
		    state != BINDOX_HOLD_ACTIVE && state != BINDOX_HOLD_SENDING) {
			old = map->hold;
			map->hold = hold;	/* our reference */
			hold = NULL;
			err = 0;
		}
	}
	mmap_write_unlock(mm);
	if (!err)
		err = bindox_buffer_fill(args->addr, write);
out:
	bindox_hold_unref(old);
	bindox_hold_unref(hold);
	bindox_buffer_unref(buffer);
	return err;
}

/**
 * bindox_buffer_map() - BINDOX_IOC_BUFFER_MAP without BINDOX_MAP_REUSE
 * @file:	the device file
 * @args:	the ioctl's argument, checked by the ioctl layer; @args->addr
 *		is set to the mapping's address
 *
 * mmap(2) of the buffer, as bindox_buffer_mmap() checks it, then every page
 * table entry of the mapping, so that its user takes no page faults. If
 * filling fails the mapping is undone (if another thread of the caller
 * replaced it meanwhile, that thread's mapping would go: the caller's own
 * doing), except on -EAGAIN.
 *
 * Return: 0; the errors of mmap(2); -EACCES if the rights went while
 * filling; -EINTR; -EFAULT.
 */
int bindox_buffer_map(struct file *file, struct bindox_buffer_map_args *args)
{
	unsigned long addr, prot = PROT_READ;
	int err;

	if (args->flags & BINDOX_MAP_WRITE)
		prot |= PROT_WRITE;
	addr = vm_mmap(file, 0, args->size, prot, MAP_SHARED,
		       (unsigned long)args->id << PAGE_SHIFT);
	if (IS_ERR_VALUE(addr))
		return (long)addr;
	err = bindox_buffer_fill(addr, prot & PROT_WRITE);
	args->addr = addr;
	if (err && err != -EAGAIN)
		vm_munmap(addr, args->size);
	return err;
}
