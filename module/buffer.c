// SPDX-License-Identifier: GPL-2.0
/*
 * Buffers: the memory behind Mapping Delivery, its quotas, and revoking
 * access to it.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include "buffer.h"
#include "domain.h"
#include "proc.h"
#include "stats.h"
#include "user.h"
#include "bindox_trace.h"

unsigned long bindox_max_proc_buffer_bytes = 4UL << 30;
module_param_named(max_proc_buffer_bytes, bindox_max_proc_buffer_bytes,
		   ulong, 0644);
MODULE_PARM_DESC(max_proc_buffer_bytes,
		 "Most bytes of buffers one open file may have allocated");

unsigned long bindox_max_domain_buffer_bytes = 16UL << 30;
module_param_named(max_domain_buffer_bytes, bindox_max_domain_buffer_bytes,
		   ulong, 0644);
MODULE_PARM_DESC(max_domain_buffer_bytes,
		 "Most bytes of buffers the processes of one domain may have allocated");

static struct vfsmount *bindox_buffer_mnt;

/*
 * Mappings of buffers are mappings of a file of their own on this pseudo
 * file system: an inode that cannot be opened (open() of it, through
 * /proc/PID/map_files say, fails with ENXIO) and has no operations, so
 * that the driver's checks are the only way to the memory. Its address
 * space only collects the mappings, for bindox_buffer_revoke().
 */
#define BINDOX_MAP_FS_MAGIC	0x62786d66	/* "bxmf" */

static struct vfsmount *bindox_map_mnt;

static int bindox_map_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, BINDOX_MAP_FS_MAGIC) ? 0 : -ENOMEM;
}

/* Not registered: reachable only through bindox_map_mnt. */
static struct file_system_type bindox_map_fs_type = {
	.name = "bindox-map",
	.init_fs_context = bindox_map_init_fs_context,
	.kill_sb = kill_anon_super,
};

/* The mapping file pins the module: a mapping can outlive every fd. */
static const struct file_operations bindox_buffer_map_fops = {
	.owner = THIS_MODULE,
};

/**
 * bindox_buffers_init() - mount the private tmpfs that backs buffers
 *
 * With huge=within_size, every whole 2 MiB of a buffer is a huge page. If
 * the kernel cannot do that, buffers use small pages. Also mounts the
 * pseudo file system of the mapping files.
 *
 * Return: 0 or a negative errno.
 */
int bindox_buffers_init(void)
{
	struct file_system_type *type = get_fs_type("tmpfs");
	char huge_opt[] = "huge=within_size";	/* parsed in place */
	struct vfsmount *mnt;

	/* tmpfs is built in: the reference get_fs_type() took is a no-op. */
	if (!type)
		return -ENODEV;
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, huge_opt);
	if (IS_ERR(mnt)) {
		pr_notice("bindox: buffers without huge pages (%ld)\n",
			  PTR_ERR(mnt));
		mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, NULL);
	}
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	bindox_buffer_mnt = mnt;
	mnt = kern_mount(&bindox_map_fs_type);
	if (IS_ERR(mnt)) {
		kern_unmount(bindox_buffer_mnt);
		return PTR_ERR(mnt);
	}
	bindox_map_mnt = mnt;
	return 0;
}

/**
 * bindox_buffers_exit() - unmount the private file systems
 */
void bindox_buffers_exit(void)
{
	kern_unmount(bindox_map_mnt);
	kern_unmount(bindox_buffer_mnt);
}

/* The file that mappings of a buffer of @bytes are mappings of. */
static struct file *bindox_buffer_map_file(u64 bytes)
{
	struct inode *inode;
	struct file *file;

	/* The file's release drops it (fops_put()), as for anon inodes. */
	if (!try_module_get(THIS_MODULE))
		return ERR_PTR(-ENOENT);
	inode = alloc_anon_inode(bindox_map_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		module_put(THIS_MODULE);
		return ERR_CAST(inode);
	}
	inode->i_size = bytes;
	file = alloc_file_pseudo(inode, bindox_map_mnt, "bindox-buffer",
				 O_RDWR, &bindox_buffer_map_fops);
	if (IS_ERR(file)) {
		iput(inode);
		module_put(THIS_MODULE);
		return file;
	}
	/* Nothing reads or writes it as a file (MADV_REMOVE, say). */
	file->f_mode &= ~(FMODE_READ | FMODE_WRITE | FMODE_CAN_READ |
			  FMODE_CAN_WRITE);
	return file;
}

/* Add @bytes to a quota's usage, or fail with -EDQUOT leaving it alone. */
static int bindox_quota_charge(atomic64_t *used, u64 bytes,
			       unsigned long limit)
{
	s64 now;

	if (bytes > limit)
		return -EDQUOT;
	now = atomic64_add_return(bytes, used);
	if (now < 0 || (u64)now > limit) {
		atomic64_sub(bytes, used);
		return -EDQUOT;
	}
	return 0;
}

/* Charge the file's, the user's and the domain's quotas, or none. */
static int bindox_buffer_charge(struct bindox_proc *proc, u64 bytes)
{
	int err;

	err = bindox_quota_charge(&proc->buffers.bytes, bytes,
				  READ_ONCE(bindox_max_proc_buffer_bytes));
	if (err)
		return err;
	err = bindox_quota_charge(&proc->user->buffer_bytes, bytes,
				  READ_ONCE(bindox_max_user_buffer_bytes));
	if (err)
		goto proc;
	err = bindox_quota_charge(&proc->domain->buffer_bytes, bytes,
				  bindox_domain_limit(proc->domain,
						      BINDOX_LIMIT_BUFFER_BYTES));
	if (!err)
		return 0;
	atomic64_sub(bytes, &proc->user->buffer_bytes);
proc:
	atomic64_sub(bytes, &proc->buffers.bytes);
	return err;
}

static void bindox_buffer_uncharge(struct bindox_proc *proc, u64 bytes)
{
	atomic64_sub(bytes, &proc->domain->buffer_bytes);
	atomic64_sub(bytes, &proc->user->buffer_bytes);
	atomic64_sub(bytes, &proc->buffers.bytes);
}

/*
 * Look up every folio of @buffer, allocating it on the first pass: zeroed
 * by tmpfs, charged to this task's memory cgroup. Huge pages come whole,
 * so one lookup covers 512 pages. With @keep, the references are kept in
 * @buffer->folios (room for @keep of them); otherwise only counted.
 */
static int bindox_buffer_walk(struct bindox_buffer *buffer, unsigned long keep,
			      unsigned long *count)
{
	struct address_space *mapping = buffer->file->f_mapping;
	gfp_t gfp = mapping_gfp_mask(mapping) | __GFP_RETRY_MAYFAIL |
		    __GFP_NOWARN;
	pgoff_t index = 0;

	*count = 0;
	while (index < buffer->pages) {
		struct folio *folio;
		struct page *page;

		page = shmem_read_mapping_page_gfp(mapping, index, gfp);
		if (IS_ERR(page))
			return PTR_ERR(page);
		folio = page_folio(page);
		index = folio_next_index(folio);
		if (*count < keep) {
			buffer->folios[*count] = folio;
			buffer->n_folios = *count + 1;
		} else {
			folio_put(folio);
			/* Folios cannot split between the passes. */
			if (keep)
				return -ENOMEM;
		}
		(*count)++;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * Allocate every page now and keep a reference to each folio. The file is
 * unevictable first, so that the pages never go to swap; the references
 * keep them from being migrated: mappings point at their frames.
 */
static int bindox_buffer_populate(struct bindox_buffer *buffer)
{
	struct address_space *mapping = buffer->file->f_mapping;
	unsigned long n;
	int err;

	mapping_set_unevictable(mapping);
	/*
	 * Pages that cannot move are not taken from movable memory, where
	 * they would block compaction and memory hot-unplug.
	 */
	mapping_set_gfp_mask(mapping, mapping_gfp_mask(mapping) &
				      ~__GFP_MOVABLE);
	err = bindox_buffer_walk(buffer, 0, &n);
	if (err)
		return err;
	buffer->folios = kvmalloc_array(n, sizeof(*buffer->folios),
					GFP_KERNEL_ACCOUNT);
	if (!buffer->folios)
		return -ENOMEM;
	return bindox_buffer_walk(buffer, n, &n);
}

static void bindox_buffer_put_folios(struct bindox_buffer *buffer)
{
	unsigned long i;

	for (i = 0; i < buffer->n_folios; i++)
		folio_put(buffer->folios[i]);
	kvfree(buffer->folios);
}

/**
 * bindox_buffer_folio_slot() - where the folio that holds a page of a buffer is
 * @buffer:	the buffer
 * @index:	the page's index
 *
 * Return: its slot in @buffer->folios, or @buffer->n_folios if none holds
 * the page.
 */
unsigned long bindox_buffer_folio_slot(const struct bindox_buffer *buffer,
				       pgoff_t index)
{
	unsigned long lo = 0, hi = buffer->n_folios;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		struct folio *folio = buffer->folios[mid];

		if (index < folio->index)
			hi = mid;
		else if (index >= folio_next_index(folio))
			lo = mid + 1;
		else
			return mid;
	}
	return buffer->n_folios;
}

/**
 * bindox_buffer_folio() - the folio that holds a page of a buffer
 * @buffer:	the buffer
 * @index:	the page's index, below @buffer->pages
 *
 * Return: the folio (the buffer's reference keeps it), or NULL.
 */
struct folio *bindox_buffer_folio(const struct bindox_buffer *buffer,
				  pgoff_t index)
{
	unsigned long slot = bindox_buffer_folio_slot(buffer, index);

	return slot < buffer->n_folios ? buffer->folios[slot] : NULL;
}

/**
 * bindox_buffer_new() - allocate a buffer for a proc
 * @proc:	the allocating proc; its file's, user's and domain's quotas pay
 * @size:	bytes wanted, at least 1; rounded up to the page size
 *
 * Return: the buffer with one reference, or an ERR_PTR: -EINVAL for 0,
 * -EDQUOT over a quota, -ENOMEM, -EINTR on a fatal signal.
 */
struct bindox_buffer *bindox_buffer_new(struct bindox_proc *proc, u64 size)
{
	struct bindox_buffer *buffer;
	u64 bytes;
	int err;

	if (!size)
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(size, (u64)PAGE_SIZE - 1, &bytes))
		return ERR_PTR(-EDQUOT);
	bytes &= PAGE_MASK;
	if (bytes > MAX_LFS_FILESIZE)
		return ERR_PTR(-EDQUOT);
	err = bindox_buffer_charge(proc, bytes);
	if (err)
		return ERR_PTR(err);

	buffer = kzalloc(sizeof(*buffer), GFP_KERNEL_ACCOUNT);
	if (!buffer) {
		err = -ENOMEM;
		goto uncharge;
	}
	kref_init(&buffer->kref);
	mutex_init(&buffer->seal_lock);
	init_rwsem(&buffer->map_lock);
	buffer->size = bytes;
	buffer->pages = bytes >> PAGE_SHIFT;
	buffer->map_file = bindox_buffer_map_file(bytes);
	if (IS_ERR(buffer->map_file)) {
		err = PTR_ERR(buffer->map_file);
		goto free;
	}
	buffer->file = shmem_file_setup_with_mnt(bindox_buffer_mnt,
						 "bindox-buffer", bytes, 0);
	if (IS_ERR(buffer->file)) {
		err = PTR_ERR(buffer->file);
		goto unpin;
	}
	/* The tmpfs file is only the memory: nothing leads to it. */
	buffer->file->f_mode &= ~(FMODE_READ | FMODE_WRITE | FMODE_CAN_READ |
				  FMODE_CAN_WRITE);
	err = bindox_buffer_populate(buffer);
	if (err)
		goto unfile;

	buffer->charged = bindox_proc_ref(proc);
	bindox_stat_inc(BINDOX_STAT_BUFFERS);
	atomic64_add(bytes, &bindox_buffer_bytes);
	return buffer;

unfile:
	bindox_buffer_put_folios(buffer);
	fput(buffer->file);
unpin:
	fput(buffer->map_file);
free:
	mutex_destroy(&buffer->seal_lock);
	kfree(buffer);
uncharge:
	bindox_buffer_uncharge(proc, bytes);
	return ERR_PTR(err);
}

/**
 * bindox_buffer_free() - kref release function of a buffer
 * @kref:	the buffer's kref
 *
 * The memory goes with the last reference to the tmpfs file (mappings hold
 * their own). Dropping @map_file last lets the module go, once the VFS has
 * released that file, outside this code.
 */
void bindox_buffer_free(struct kref *kref)
{
	struct bindox_buffer *buffer = container_of(kref, struct bindox_buffer,
						    kref);
	struct file *map_file = buffer->map_file;

	bindox_buffer_put_folios(buffer);
	fput(buffer->file);
	bindox_buffer_uncharge(buffer->charged, buffer->size);
	atomic64_sub(buffer->size, &bindox_buffer_bytes);
	bindox_proc_unref(buffer->charged);
	mutex_destroy(&buffer->seal_lock);
	kfree(buffer);
	bindox_stat_dec(BINDOX_STAT_BUFFERS);
	fput(map_file);
}

/**
 * bindox_buffer_seal() - make a buffer read-only for everybody, for good
 * @buffer:	the buffer
 *
 * Seals and revokes every writable mapping. Returns only once that is
 * done (also when another thread sealed it first), so that a message
 * sharing the buffer is queued only when nobody can write it any more. A
 * page referenced from outside the driver leaves the buffer sealed but not
 * clean: the next call checks again.
 *
 * Return: 0, or -EBUSY while a page is referenced.
 */
int bindox_buffer_seal(struct bindox_buffer *buffer)
{
	int err = 0;

	mutex_lock(&buffer->seal_lock);
	if (!test_bit(BINDOX_BUFFER_SEALED_CLEAN, &buffer->flags)) {
		set_bit(BINDOX_BUFFER_SEALED, &buffer->flags);
		err = bindox_buffer_revoke(buffer, true);
		if (!err)
			set_bit(BINDOX_BUFFER_SEALED_CLEAN, &buffer->flags);
		trace_bindox_buffer_seal(bindox_buffer_ino(buffer),
					 buffer->size, err);
	}
	mutex_unlock(&buffer->seal_lock);
	return err;
}

/*
 * Whether anything outside the driver holds a page of @buffer. Each folio
 * has its page cache's references and the buffer's own; mappings take
 * none (the entries are special). More means that get_user_pages() took
 * one through a mapping (a pipe that vmsplice() filled, direct I/O in
 * flight, a DMA pin): it reaches the memory after every mapping is gone.
 */
static bool bindox_buffer_referenced(const struct bindox_buffer *buffer)
{
	unsigned long i;

	for (i = 0; i < buffer->n_folios; i++) {
		struct folio *folio = buffer->folios[i];
		long expected = folio_nr_pages(folio) + 1;
		long refs = folio_ref_count(folio);

		/*
		 * Off the LRU, a folio sits in a per-CPU batch that holds a
		 * reference until it is drained (or a scanner isolated it,
		 * which holds one too). The count is read first: a batch
		 * drained in between only makes the folio look busier.
		 */
		smp_rmb();
		if (!folio_test_lru(folio))
			expected++;
		if (refs > expected)
			return true;
	}
	return false;
}

/* Rescans of bindox_buffer_referenced(), 5 ms apart and then longer. */
#define BINDOX_REF_SCANS	4

/**
 * bindox_buffer_revoke() - make access rights that were taken away stick
 * @buffer:	the buffer, after a hold left ACTIVE or the buffer was sealed
 * @check_refs:	whether references from outside the driver make this fail
 *
 * Wait for the faults that checked the old rights (they hold @map_lock for
 * reading until their entry is in place), then zap every mapping. Faults
 * that start later see the new rights. References taken through the old
 * mappings are waited for a little, as memfd_wait_for_pins() does, since
 * page scanners take some for a moment.
 *
 * Return: 0, or -EBUSY if @check_refs and a page is still referenced.
 */
int bindox_buffer_revoke(struct bindox_buffer *buffer, bool check_refs)
{
	int scan, err = 0;

	/* The rights changed before: a full barrier orders that first. */
	smp_mb();
	down_write(&buffer->map_lock);
	up_write(&buffer->map_lock);
	unmap_mapping_range(buffer->map_file->f_mapping, 0, 0, 1);
	for (scan = 0; check_refs && bindox_buffer_referenced(buffer); scan++) {
		if (scan == BINDOX_REF_SCANS) {
			err = -EBUSY;
			break;
		}
		schedule_timeout_killable((HZ << scan) / 200);
	}
	trace_bindox_buffer_revoke(bindox_buffer_ino(buffer), buffer->size,
				   err);
	return err;
}
