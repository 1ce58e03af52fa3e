// SPDX-License-Identifier: GPL-2.0
/*
 * File operations of every bindox device: one proc per open file.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <uapi/linux/bindox.h>
#include "buffer.h"
#include "coordinator.h"
#include "domain.h"
#include "file.h"
#include "handle.h"
#include "policy.h"
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

static int bindox_ioctl_version(void __user *uarg)
{
	struct bindox_version v = {
		.major = BINDOX_VERSION_MAJOR,
		.minor = BINDOX_VERSION_MINOR,
	};

	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

static int bindox_ioctl_coordinator(struct bindox_proc *proc,
				    struct file *file, u64 __user *uarg)
{
	u64 flags;

	if (get_user(flags, uarg))
		return -EFAULT;
	if (flags)
		return -EINVAL;
	return bindox_coordinator_claim(proc, file);
}

static int bindox_ioctl_release(struct bindox_proc *proc, void __user *uarg)
{
	struct bindox_handle_args args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;
	return bindox_handle_put_id(proc, args.handle);
}

static int bindox_ioctl_death(struct bindox_proc *proc, void __user *uarg,
			      bool subscribe)
{
	struct bindox_death_args args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;
	if (subscribe)
		return bindox_death_watch(proc, args.handle, args.cookie);
	return bindox_death_unwatch(proc, args.handle, args.cookie);
}

static long bindox_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct bindox_proc *proc = file->private_data;
	void __user *uarg = (void __user *)arg;

	/* Its domain was removed by force: the file is good for nothing. */
	if (READ_ONCE(proc->dead))
		return -ENODEV;
	switch (cmd) {
	case BINDOX_IOC_VERSION:
		return bindox_ioctl_version(uarg);
	case BINDOX_IOC_SET_COORDINATOR:
		return bindox_ioctl_coordinator(proc, file, uarg);
	case BINDOX_IOC_CALL:
		return bindox_transfer_call(proc, uarg);
	case BINDOX_IOC_SEND:
		return bindox_transfer_send(proc, uarg);
	case BINDOX_IOC_RECV:
		return bindox_transfer_recv(proc, uarg);
	case BINDOX_IOC_REPLY_RECV:
		return bindox_transfer_reply_recv(proc, uarg);
	case BINDOX_IOC_HANDLE_RELEASE:
		return bindox_ioctl_release(proc, uarg);
	case BINDOX_IOC_DEATH_SUBSCRIBE:
		return bindox_ioctl_death(proc, uarg, true);
	case BINDOX_IOC_DEATH_UNSUBSCRIBE:
		return bindox_ioctl_death(proc, uarg, false);
	case BINDOX_IOC_POLICY_LOAD:
		return bindox_policy_load(proc, uarg);
	case BINDOX_IOC_BUFFER_ALLOC:
	case BINDOX_IOC_BUFFER_RELEASE:
	case BINDOX_IOC_BUFFER_INFO:
		return bindox_buffer_ioctl(proc, cmd, uarg);
	case BINDOX_IOC_BUFFER_MAP:
		return bindox_buffer_map_ioctl(file, uarg);
	default:
		return -ENOTTY;
	}
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
