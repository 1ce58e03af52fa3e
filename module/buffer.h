/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_BUFFER_H
#define __BINDOX_BUFFER_H

/**
 * DOC: Buffers (Mapping Delivery)
 *
 * A *buffer* is memory for large payloads that travel without a copy. It is
 * a file on the driver's private tmpfs mount (``huge=within_size``), so that
 * every whole 2 MiB of it is one transparent huge page and a mapping of
 * 1 GiB costs 512 page table entries, not 262,144. The pages are allocated
 * and zeroed when the buffer is created, in the allocating task, which
 * charges them to its memory cgroup; the allocating proc's, its user's and
 * its domain's byte quotas pay for the buffer until it is freed, wherever
 * the buffer moves. The buffer keeps a reference to each of its folios
 * (@folios) and marks the file unevictable, so that its memory stays where
 * it is (no reclaim, no migration) for as long as the buffer lives:
 * mappings point at the page frames directly. Since it cannot move, it is
 * not allocated from movable memory.
 *
 * A *hold* is a proc's claim on a buffer, an id in its buffer table
 * (hold.h).
 *
 * Access is checked in three places: bindox_buffer_mmap() (the hold must be
 * ACTIVE, a writable mapping needs the right to write, a read-only mapping
 * loses VM_MAYWRITE), the page fault handlers (every entry that is
 * installed, and every entry that is made writable, is checked) and the
 * mprotect hook. *Revoking* (a hold leaving ACTIVE, or a seal) changes the
 * state first, then takes @map_lock for writing once, which waits for the
 * faults that checked the old state (they hold it for reading until their
 * entry is in place), and then zaps every mapping of the buffer. Moving or
 * sealing an open buffer also fails with -EBUSY while anything outside the
 * driver holds a reference to one of its pages, which no zap can revoke.
 *
 * Mappings are page frame mappings (VM_MIXEDMAP, entries marked special):
 * the fault handlers install the frames themselves, a 2 MiB folio as one
 * PMD entry, and no rmap or per-page map count is touched, which is what
 * makes mapping and revoking cheap. They are VM_IO too, which
 * get_user_pages() refuses (vmsplice(), process_vm_readv(), /proc/PID/mem
 * and direct I/O get EFAULT), except that before Linux 6.12 its lockless
 * path can take a reference to a page under a huge entry, which it does
 * not know as special; that reference is what revoking checks for. The VMAs are
 * mappings of the buffer's mapping file (@map_file, an inode of the
 * driver's pseudo file system), so that unmap_mapping_range() finds them
 * all, while nothing can open that file again (/proc/PID/map_files gets
 * ENXIO) nor read or write it. The tmpfs file that holds the memory is
 * reachable from nowhere. /proc/self/pagemap shows the frames, which are
 * the same for every holder: nothing is ever copied. Each VMA holds its
 * hold (for the rights) and the buffer (for the memory).
 *
 * Lifetime: a buffer is referenced by the holds in proc tables (until they
 * are released or MOVED: a moved id does not keep the memory), by messages
 * carrying it and by mappings; it is freed with the last reference. Its
 * mapping file pins the module, because a mapping can outlive every bindox
 * file descriptor.
 */

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct bindox_buffer_map_args;
struct bindox_hold;
struct bindox_object;
struct bindox_proc;
struct bindox_txn;
struct file;
struct seq_file;
struct vm_area_struct;

/* Quotas, module parameters. */
extern unsigned long bindox_max_proc_buffer_bytes;
extern unsigned long bindox_max_domain_buffer_bytes;
extern unsigned int bindox_max_buffer_maps;

struct bindox_buffer {
	struct kref kref;
	struct file *file;		/* tmpfs file: the memory */
	struct file *map_file;		/* what mappings map; pins the module */
	u64 size;			/* bytes, a multiple of PAGE_SIZE */
	pgoff_t pages;
	/* ref: the allocator; its file's, user's and domain's quotas pay */
	struct bindox_proc *charged;
	unsigned long flags;		/* BINDOX_BUFFER_*, set once */
	struct mutex seal_lock;		/* serializes bindox_buffer_seal() */
	/* Read around a fault's check and entry, written once by revoking. */
	struct rw_semaphore map_lock;
	struct folio **folios;		/* refs, in file order; set once */
	unsigned long n_folios;
};

/* What names @buffer in trace events: its mappings' inode number. */
static inline unsigned long bindox_buffer_ino(const struct bindox_buffer *buffer)
{
	return file_inode(buffer->map_file)->i_ino;
}

/* Bits of bindox_buffer.flags. */
#define BINDOX_BUFFER_SEALED	0	/* nobody may write any more */
#define BINDOX_BUFFER_SEALED_CLEAN 1	/* and no writer is left: revoked */

/* One buffer object of a message. */
struct bindox_msg_buffer {
	struct bindox_buffer *buffer;	/* ref */
	struct bindox_hold *from;	/* ref: MOVE: the sender's hold */
	struct bindox_hold *to;		/* the receiver's hold while delivered */
	u32 mode;			/* BINDOX_BUF_MOVE or BINDOX_BUF_SHARE */
};

/* buffer.c: the memory */
int bindox_buffers_init(void);
void bindox_buffers_exit(void);
struct bindox_buffer *bindox_buffer_new(struct bindox_proc *proc, u64 size);
void bindox_buffer_free(struct kref *kref);
int bindox_buffer_revoke(struct bindox_buffer *buffer, bool check_refs);
unsigned long bindox_buffer_folio_slot(const struct bindox_buffer *buffer,
				       pgoff_t index);
struct folio *bindox_buffer_folio(const struct bindox_buffer *buffer,
				  pgoff_t index);
int bindox_buffer_seal(struct bindox_buffer *buffer);

/* buffer_map.c: mmap and page faults */
int bindox_buffer_mmap(struct file *file, struct vm_area_struct *vma);
int bindox_buffer_map(struct file *file, struct bindox_buffer_map_args *args);
int bindox_buffer_map_reuse(struct bindox_proc *proc,
			    const struct bindox_buffer_map_args *args);
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
unsigned long bindox_buffer_get_unmapped_area(struct file *file,
					      unsigned long addr,
					      unsigned long len,
					      unsigned long pgoff,
					      unsigned long flags);
#else
#define bindox_buffer_get_unmapped_area NULL
#endif

/* msg_buffer.c: buffers in messages */
int bindox_msg_buffer_attach(struct bindox_txn *txn, u32 index,
			     struct bindox_proc *sender,
			     const struct bindox_object *obj);
int bindox_msg_buffer_revoke(struct bindox_txn *txn);
void bindox_msg_buffer_commit(struct bindox_txn *txn,
			      struct bindox_proc *sender);
void bindox_msg_buffer_uncommit(struct bindox_txn *txn,
				struct bindox_proc *sender);
int bindox_msg_buffer_translate(struct bindox_txn *txn, u32 index,
				struct bindox_proc *proc,
				struct bindox_object *obj);
void bindox_msg_buffer_untranslate(struct bindox_txn *txn, u32 index,
				   struct bindox_proc *proc);
void bindox_msg_buffer_publish(struct bindox_txn *txn);
void bindox_msg_buffer_free(struct bindox_txn *txn);

static inline struct bindox_buffer *
bindox_buffer_ref(struct bindox_buffer *buffer)
{
	if (buffer)
		kref_get(&buffer->kref);
	return buffer;
}

static inline struct bindox_buffer *
bindox_buffer_unref(struct bindox_buffer *buffer)
{
	if (buffer)
		kref_put(&buffer->kref, bindox_buffer_free);
	return NULL;
}

#endif /* __BINDOX_BUFFER_H */
