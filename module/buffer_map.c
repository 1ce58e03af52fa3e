// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping buffers: mmap on the device fd, and the checked page faults.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include "buffer.h"
#include "compat.h"
#include "proc.h"

/*
 * What a mapping holds: the hold it was made through (its rights) and the
 * buffer (its memory, even once the hold let go of it). Shared by the VMAs
 * a mapping is split into or copied to by fork().
 */
struct bindox_buffer_map {
	refcount_t refs;
	struct bindox_hold *hold;	/* ref */
	struct bindox_buffer *buffer;	/* ref */
};

static void bindox_buffer_vm_open(struct vm_area_struct *vma)
{
	struct bindox_buffer_map *map = vma->vm_private_data;

	refcount_inc(&map->refs);
}

static void bindox_buffer_vm_close(struct vm_area_struct *vma)
{
	struct bindox_buffer_map *map = vma->vm_private_data;

	if (!refcount_dec_and_test(&map->refs))
		return;
	bindox_hold_unref(map->hold);
	bindox_buffer_unref(map->buffer);
	kfree(map);
}

/*
 * A page is about to be mapped: the hold must be ACTIVE. The check is made
 * with the page locked, and the fault code keeps it locked until the page
 * table entry is in place: that is what bindox_buffer_revoke() waits for.
 */
static vm_fault_t bindox_buffer_fault(struct vm_fault *vmf)
{
	struct bindox_buffer_map *map = vmf->vma->vm_private_data;
	struct address_space *mapping = map->buffer->file->f_mapping;
	struct folio *folio;
	struct page *page;

	if (vmf->pgoff >= map->buffer->pages || !bindox_hold_may_read(map->hold))
		return VM_FAULT_SIGBUS;
	/* Every page exists (swapped in at worst): nothing is allocated. */
	page = shmem_read_mapping_page_gfp(mapping, vmf->pgoff,
					   mapping_gfp_mask(mapping));
	if (IS_ERR(page))
		return vmf_error(PTR_ERR(page));
	/* A huge page's lock and mapping are its folio's. */
	folio = page_folio(page);
	folio_lock(folio);
	if (folio->mapping != mapping || !bindox_hold_may_read(map->hold)) {
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return VM_FAULT_LOCKED;
}

/*
 * A page is about to become writable (a shared mapping with this hook maps
 * pages read-only first). Checked with the page locked, as above.
 */
static vm_fault_t bindox_buffer_page_mkwrite(struct vm_fault *vmf)
{
	struct bindox_buffer_map *map = vmf->vma->vm_private_data;
	struct folio *folio = page_folio(vmf->page);

	folio_lock(folio);
	if (folio->mapping != map->buffer->file->f_mapping ||
	    !bindox_hold_may_write(map->hold, map->buffer)) {
		folio_unlock(folio);
		return VM_FAULT_SIGBUS;
	}
	return VM_FAULT_LOCKED;
}

static int bindox_buffer_vm_mprotect(struct vm_area_struct *vma,
				     unsigned long start, unsigned long end,
				     unsigned long newflags)
{
	struct bindox_buffer_map *map = vma->vm_private_data;

	if ((newflags & VM_WRITE) &&
	    !bindox_hold_may_write(map->hold, map->buffer))
		return -EACCES;
	return 0;
}

static const struct vm_operations_struct bindox_buffer_vm_ops = {
	.open = bindox_buffer_vm_open,
	.close = bindox_buffer_vm_close,
	.fault = bindox_buffer_fault,
	.page_mkwrite = bindox_buffer_page_mkwrite,
	.mprotect = bindox_buffer_vm_mprotect,
};

/**
 * bindox_buffer_mmap() - map a buffer: mmap(2) on the device fd
 * @file:	the device file
 * @vma:	the new mapping; vm_pgoff is the id (offset = id * PAGE_SIZE)
 *
 * Only MAP_SHARED, from the start of the buffer, at most its size. The
 * mapping becomes a mapping of the buffer's tmpfs file; pages come in
 * through bindox_buffer_fault(). A hold that may not write cannot map
 * writable, nor mprotect() the mapping writable later.
 *
 * Return: 0; -EINVAL for an unknown id, a private mapping or a length over
 * the size; -EACCES if the hold no longer gives access, or for a writable
 * mapping of a buffer the proc may not write.
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
	/* VM_DONTEXPAND also keeps the mapping from being merged. */
	bindox_vm_flags_mod(vma, VM_DONTEXPAND, 0);
	vma->vm_ops = &bindox_buffer_vm_ops;
	vma->vm_private_data = map;
	vma->vm_pgoff = 0;
	vma_set_file(vma, map->buffer->file);
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
