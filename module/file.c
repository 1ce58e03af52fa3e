// SPDX-License-Identifier: GPL-2.0
/*
 * File operations of every bindox device: one proc per open file.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include "buffer.h"
#include "domain.h"
#include "file.h"
#include "ioctl.h"
#include "proc.h"
#include "transfer.h"

static int bindox_open(struct inode *inode, struct file *file)
{
	struct bindox_domain *domain;
	struct bindox_proc *proc;
	int err;

	domain = container_of(inode->i_cdev, struct bindox_domain, cdev);
	err = bindox_domain_open(domain);
	if (err)
		return err;
	proc = bindox_proc_new(domain, file->f_cred);
	if (!proc) {
		bindox_domain_close(domain);
		return -ENOMEM;
	}
	file->private_data = proc;
	return nonseekable_open(inode, file);
}

static int bindox_release(struct inode *inode, struct file *file)
{
	bindox_transfer_drop_parked(file->private_data);
	bindox_proc_release(file->private_data);
	return 0;
}

static __poll_t bindox_poll(struct file *file, poll_table *wait)
{
	struct bindox_proc *proc = file->private_data;

	poll_wait(file, &proc->wait, wait);
	if (READ_ONCE(proc->dead))
		return EPOLLERR | EPOLLHUP;
	return READ_ONCE(proc->n_todo) ? EPOLLIN | EPOLLRDNORM : 0;
}

/*
 * The UAPI layout is the same for 32-bit and 64-bit processes, so a 32-bit
 * caller only needs its pointer argument widened. No .llseek: the device
 * has no file position, and bindox_open() makes the file nonseekable, so
 * lseek(2) fails with ESPIPE (pread and pwrite too).
 */
const struct file_operations bindox_fops = {
	.owner = THIS_MODULE,
	.open = bindox_open,
	.release = bindox_release,
	.poll = bindox_poll,
	.unlocked_ioctl = bindox_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = bindox_buffer_mmap,
	.get_unmapped_area = bindox_buffer_get_unmapped_area,
};
