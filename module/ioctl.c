// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl layer: one handler per command of the UAPI header.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/bindox.h>
#include "buffer.h"
#include "hold.h"
#include "coordinator.h"
#include "domain.h"
#include "handle.h"
#include "ioctl.h"
#include "policy.h"
#include "proc.h"
#include "transfer.h"

/*
 * Each handler checks at build time that its argument has the size the
 * UAPI layout gives it (the same for 32-bit and 64-bit callers) and the
 * size its command encodes.
 */

static int bindox_ioctl_version(struct bindox_version __user *uarg)
{
	struct bindox_version v = {
		.major = BINDOX_VERSION_MAJOR,
		.minor = BINDOX_VERSION_MINOR,
	};

	BUILD_BUG_ON(sizeof(v) != 8 || _IOC_SIZE(BINDOX_IOC_VERSION) != 8);
	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

static int bindox_ioctl_set_coordinator(struct bindox_proc *proc,
					struct file *file, u64 __user *uarg)
{
	u64 flags;

	BUILD_BUG_ON(sizeof(flags) != 8 ||
		     _IOC_SIZE(BINDOX_IOC_SET_COORDINATOR) != 8);
	if (get_user(flags, uarg))
		return -EFAULT;
	if (flags)
		return -EINVAL;
	/*
	 * Only on the host domain, with CAP_SYS_ADMIN in the initial user
	 * namespace both now and when the file was opened.
	 */
	if (!proc->domain->is_host || !capable(CAP_SYS_ADMIN) ||
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	return bindox_coordinator_claim(proc);
}

static int bindox_ioctl_call(struct bindox_proc *proc,
			     struct bindox_call_args __user *uarg)
{
	struct bindox_domain *domain = proc->domain;
	struct bindox_call_args args;
	int err;

	BUILD_BUG_ON(sizeof(args) != 112 || _IOC_SIZE(BINDOX_IOC_CALL) != 112);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.tx.flags || args.reply.reserved)
		return -EINVAL;
	/* The restart of a parked call: admitted already. */
	if (bindox_transfer_resume(proc, &args, &err))
		return err;
	/* Domain admission: no more calls under way than its limit. */
	if (atomic_inc_return(&domain->calls) >
	    bindox_domain_limit(domain, BINDOX_LIMIT_CALLS)) {
		atomic_dec(&domain->calls);
		return -EAGAIN;
	}
	err = bindox_transfer_call(proc, &args, uarg);
	atomic_dec(&domain->calls);
	return err;
}

static int bindox_ioctl_send(struct bindox_proc *proc,
			     struct bindox_transaction __user *uarg)
{
	struct bindox_transaction tx;

	BUILD_BUG_ON(sizeof(tx) != 32 || _IOC_SIZE(BINDOX_IOC_SEND) != 32);
	if (copy_from_user(&tx, uarg, sizeof(tx)))
		return -EFAULT;
	if ((tx.flags & ~BINDOX_TF_WAIT_ROOM) != BINDOX_TF_ONEWAY)
		return -EINVAL;
	return bindox_transfer_send(proc, &tx);
}

/*
 * RECV and REPLY_RECV's receive. On EMSGSIZE the time left goes back in
 * @utimeout, for the retry with larger room.
 */
static int bindox_ioctl_receive(struct bindox_proc *proc,
				struct bindox_message *msg,
				struct bindox_message __user *umsg,
				s64 timeout_ns, s64 __user *utimeout)
{
	int err = bindox_transfer_receive(proc, msg, umsg, &timeout_ns);

	if (err == -EMSGSIZE && put_user(timeout_ns, utimeout))
		return -EFAULT;
	return err;
}

static int bindox_ioctl_recv(struct bindox_proc *proc,
			     struct bindox_recv_args __user *uarg)
{
	struct bindox_recv_args args;

	BUILD_BUG_ON(sizeof(args) != 80 || _IOC_SIZE(BINDOX_IOC_RECV) != 80);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.msg.reserved)
		return -EINVAL;
	return bindox_ioctl_receive(proc, &args.msg, &uarg->msg,
				    args.timeout_ns, &uarg->timeout_ns);
}

/*
 * Answers reply_id (if not 0) and then receives as BINDOX_IOC_RECV. Once
 * the reply is consumed reply_id is set to 0 in user memory, so a failed
 * receive still tells whether the answer went out.
 */
static int bindox_ioctl_reply_recv(struct bindox_proc *proc,
				   struct bindox_reply_recv_args __user *uarg)
{
	struct bindox_reply_recv_args args;
	int err;

	BUILD_BUG_ON(sizeof(args) != 120 ||
		     _IOC_SIZE(BINDOX_IOC_REPLY_RECV) != 120);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;
	if (args.reply_id) {
		err = bindox_transfer_reply(proc, args.reply_id, &args.reply);
		if (err)
			return err;
		if (put_user((u64)0, &uarg->reply_id))
			return -EFAULT;
	}
	/* Checked only now: the reply above went out whatever it says. */
	if (args.msg.reserved)
		return -EINVAL;
	return bindox_ioctl_receive(proc, &args.msg, &uarg->msg,
				    args.timeout_ns, &uarg->timeout_ns);
}

static int bindox_ioctl_handle_release(struct bindox_proc *proc,
				       struct bindox_handle_args __user *uarg)
{
	struct bindox_handle_args args;

	BUILD_BUG_ON(sizeof(args) != 8 ||
		     _IOC_SIZE(BINDOX_IOC_HANDLE_RELEASE) != 8);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;
	return bindox_handle_put_id(proc, args.handle);
}

static int bindox_ioctl_death_subscribe(struct bindox_proc *proc,
					struct bindox_death_args __user *uarg)
{
	struct bindox_death_args args;

	BUILD_BUG_ON(sizeof(args) != 16 ||
		     _IOC_SIZE(BINDOX_IOC_DEATH_SUBSCRIBE) != 16);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;
	return bindox_death_watch(proc, args.handle, args.cookie);
}

static int bindox_ioctl_death_unsubscribe(struct bindox_proc *proc,
					  struct bindox_death_args __user *uarg)
{
	struct bindox_death_args args;

	BUILD_BUG_ON(sizeof(args) != 16 ||
		     _IOC_SIZE(BINDOX_IOC_DEATH_UNSUBSCRIBE) != 16);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;
	return bindox_death_unwatch(proc, args.handle, args.cookie);
}

/* @size bytes from user memory at @uptr, in kvmalloc()ed memory. */
static void *bindox_ioctl_copy_array(u64 uptr, size_t size)
{
	void *p = kvmalloc(size ? size : 1, GFP_KERNEL_ACCOUNT);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, u64_to_user_ptr(uptr), size)) {
		kvfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

static int bindox_ioctl_policy_load(struct bindox_proc *proc,
				    struct bindox_policy_load __user *uarg)
{
	struct bindox_policy_load args;
	struct bindox_policy_rule *rules;
	char *strings;
	s64 gen;

	BUILD_BUG_ON(sizeof(args) != 32 ||
		     _IOC_SIZE(BINDOX_IOC_POLICY_LOAD) != 32);
	/* The Coordinator alone sets the policy. */
	if (!bindox_coordinator_owned_by(proc))
		return -EPERM;
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.rule_count > BINDOX_POLICY_MAX_RULES ||
	    args.strings_size > BINDOX_POLICY_MAX_STRINGS)
		return -E2BIG;
	rules = bindox_ioctl_copy_array(args.rules_ptr,
					array_size(args.rule_count,
						   sizeof(*rules)));
	if (IS_ERR(rules))
		return PTR_ERR(rules);
	strings = bindox_ioctl_copy_array(args.strings_ptr, args.strings_size);
	if (IS_ERR(strings)) {
		kvfree(rules);
		return PTR_ERR(strings);
	}
	gen = bindox_policy_replace(rules, args.rule_count, strings,
				    args.strings_size);
	if (gen < 0)
		return gen;
	return put_user(gen, &uarg->generation) ? -EFAULT : 0;
}

static int bindox_ioctl_buffer_alloc(struct bindox_proc *proc,
				     struct bindox_buffer_alloc __user *uarg)
{
	struct bindox_buffer_alloc args;
	int err;

	BUILD_BUG_ON(sizeof(args) != 24 ||
		     _IOC_SIZE(BINDOX_IOC_BUFFER_ALLOC) != 24);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags)
		return -EINVAL;
	err = bindox_hold_alloc(proc, &args);
	if (err)
		return err;
	if (copy_to_user(uarg, &args, sizeof(args))) {
		bindox_hold_release(proc, args.id);
		return -EFAULT;
	}
	return 0;
}

static int bindox_ioctl_buffer_release(struct bindox_proc *proc,
				       struct bindox_buffer_info __user *uarg)
{
	struct bindox_buffer_info args;

	BUILD_BUG_ON(sizeof(args) != 24 ||
		     _IOC_SIZE(BINDOX_IOC_BUFFER_RELEASE) != 24);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!args.id || args.flags || args.size || args.offset)
		return -EINVAL;
	return bindox_hold_release(proc, args.id);
}

static int bindox_ioctl_buffer_info(struct bindox_proc *proc,
				    struct bindox_buffer_info __user *uarg)
{
	struct bindox_buffer_info args;
	int err;

	BUILD_BUG_ON(sizeof(args) != 24 ||
		     _IOC_SIZE(BINDOX_IOC_BUFFER_INFO) != 24);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	err = bindox_hold_info(proc, &args);
	if (err)
		return err;
	return copy_to_user(uarg, &args, sizeof(args)) ? -EFAULT : 0;
}

static int bindox_ioctl_buffer_map(struct file *file,
				   struct bindox_buffer_map_args __user *uarg)
{
	struct bindox_buffer_map_args args;
	int err;

	BUILD_BUG_ON(sizeof(args) != 24 ||
		     _IOC_SIZE(BINDOX_IOC_BUFFER_MAP) != 24);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~(BINDOX_MAP_WRITE | BINDOX_MAP_REUSE)) ||
	    (args.addr && !(args.flags & BINDOX_MAP_REUSE)) || !args.size ||
	    args.size > TASK_SIZE || args.addr > TASK_SIZE)
		return -EINVAL;
	if (args.flags & BINDOX_MAP_REUSE)
		return bindox_buffer_map_reuse(file->private_data, &args);
	err = bindox_buffer_map(file, &args);
	if (err)
		return err;
	if (copy_to_user(uarg, &args, sizeof(args))) {
		/* The caller cannot learn the address: the mapping goes. */
		vm_munmap(args.addr, args.size);
		return -EFAULT;
	}
	return 0;
}

/**
 * bindox_ioctl() - the ioctls of a domain's device
 * @file:	the device file
 * @cmd:	a BINDOX_IOC_* command
 * @arg:	its argument's address in user memory
 *
 * Return: the handler's answer, -ENODEV once the file's domain was removed
 * by force, -ENOTTY for an unknown command.
 */
long bindox_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
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
		return bindox_ioctl_set_coordinator(proc, file, uarg);
	case BINDOX_IOC_CALL:
		return bindox_ioctl_call(proc, uarg);
	case BINDOX_IOC_SEND:
		return bindox_ioctl_send(proc, uarg);
	case BINDOX_IOC_RECV:
		return bindox_ioctl_recv(proc, uarg);
	case BINDOX_IOC_REPLY_RECV:
		return bindox_ioctl_reply_recv(proc, uarg);
	case BINDOX_IOC_HANDLE_RELEASE:
		return bindox_ioctl_handle_release(proc, uarg);
	case BINDOX_IOC_DEATH_SUBSCRIBE:
		return bindox_ioctl_death_subscribe(proc, uarg);
	case BINDOX_IOC_DEATH_UNSUBSCRIBE:
		return bindox_ioctl_death_unsubscribe(proc, uarg);
	case BINDOX_IOC_POLICY_LOAD:
		return bindox_ioctl_policy_load(proc, uarg);
	case BINDOX_IOC_BUFFER_ALLOC:
		return bindox_ioctl_buffer_alloc(proc, uarg);
	case BINDOX_IOC_BUFFER_RELEASE:
		return bindox_ioctl_buffer_release(proc, uarg);
	case BINDOX_IOC_BUFFER_INFO:
		return bindox_ioctl_buffer_info(proc, uarg);
	case BINDOX_IOC_BUFFER_MAP:
		return bindox_ioctl_buffer_map(file, uarg);
	default:
		return -ENOTTY;
	}
}

/* The control device (/dev/bindox-control): domains at run time. */

static int bindox_ioctl_domain_add(struct bindox_domain_config __user *uarg)
{
	struct bindox_domain_config cfg;
	struct bindox_domain *d;

	BUILD_BUG_ON(sizeof(cfg) != 112 ||
		     _IOC_SIZE(BINDOX_CTL_DOMAIN_ADD) != 112);
	if (copy_from_user(&cfg, uarg, sizeof(cfg)))
		return -EFAULT;
	d = bindox_domain_add(&cfg);
	if (IS_ERR(d))
		return PTR_ERR(d);
	/* Reports what it got; a removal meanwhile only makes that stale. */
	strscpy(cfg.name, d->name, sizeof(cfg.name));
	cfg.id = 0;
	if (bindox_domain_info(&cfg))
		return 0;
	return copy_to_user(uarg, &cfg, sizeof(cfg)) ? -EFAULT : 0;
}

static int bindox_ioctl_domain_remove(struct bindox_domain_remove __user *uarg)
{
	struct bindox_domain_remove args;
	struct bindox_domain *d;

	BUILD_BUG_ON(sizeof(args) != 40 ||
		     _IOC_SIZE(BINDOX_CTL_DOMAIN_REMOVE) != 40);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~BINDOX_DOMAIN_FORCE) || args.reserved ||
	    strnlen(args.name, sizeof(args.name)) == sizeof(args.name))
		return -EINVAL;
	d = bindox_domain_remove(args.name, args.flags & BINDOX_DOMAIN_FORCE);
	if (IS_ERR(d))
		return PTR_ERR(d);
	/* No file can open it any more: end the ones that did. */
	if (args.flags & BINDOX_DOMAIN_FORCE)
		bindox_procs_kill_domain(d);
	bindox_domain_unref(d);		/* the list's reference */
	return 0;
}

static int bindox_ioctl_domain_update(struct bindox_domain_config __user *uarg)
{
	struct bindox_domain_config cfg;

	BUILD_BUG_ON(sizeof(cfg) != 112 ||
		     _IOC_SIZE(BINDOX_CTL_DOMAIN_UPDATE) != 112);
	if (copy_from_user(&cfg, uarg, sizeof(cfg)))
		return -EFAULT;
	if (strnlen(cfg.name, sizeof(cfg.name)) == sizeof(cfg.name))
		return -EINVAL;
	return bindox_domain_update(&cfg);
}

static int bindox_ioctl_domain_info(struct bindox_domain_config __user *uarg)
{
	struct bindox_domain_config cfg;
	int err;

	BUILD_BUG_ON(sizeof(cfg) != 112 ||
		     _IOC_SIZE(BINDOX_CTL_DOMAIN_INFO) != 112);
	if (copy_from_user(&cfg, uarg, sizeof(cfg)))
		return -EFAULT;
	err = bindox_domain_info(&cfg);
	if (err)
		return err;
	return copy_to_user(uarg, &cfg, sizeof(cfg)) ? -EFAULT : 0;
}

/**
 * bindox_control_ioctl() - the ioctls of the control device
 * @file:	the control device's file
 * @cmd:	a BINDOX_CTL_* command
 * @arg:	its argument's address in user memory
 *
 * Return: the handler's answer, -EPERM without CAP_SYS_ADMIN, -ENOTTY for
 * an unknown command.
 */
long bindox_control_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* The initial user namespace's: a container's root is not enough. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case BINDOX_CTL_DOMAIN_ADD:
		return bindox_ioctl_domain_add(uarg);
	case BINDOX_CTL_DOMAIN_REMOVE:
		return bindox_ioctl_domain_remove(uarg);
	case BINDOX_CTL_DOMAIN_UPDATE:
		return bindox_ioctl_domain_update(uarg);
	case BINDOX_CTL_DOMAIN_INFO:
		return bindox_ioctl_domain_info(uarg);
	default:
		return -ENOTTY;
	}
}
