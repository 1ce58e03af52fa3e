// SPDX-License-Identifier: GPL-2.0
/*
 * The control device: domains at run time.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <uapi/linux/bindox.h>
#include "control.h"
#include "domain.h"

static long bindox_control_add(struct bindox_domain_config __user *uarg)
{
	struct bindox_domain_config cfg;
	struct bindox_domain *d;

	BUILD_BUG_ON(sizeof(cfg) != 112);
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

static long bindox_control_remove(struct bindox_domain_remove __user *uarg)
{
	struct bindox_domain_remove args;

	BUILD_BUG_ON(sizeof(args) != 40);
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~BINDOX_DOMAIN_FORCE) || args.reserved ||
	    strnlen(args.name, sizeof(args.name)) == sizeof(args.name))
		return -EINVAL;
	return bindox_domain_remove(args.name,
				    args.flags & BINDOX_DOMAIN_FORCE);
}

static long bindox_control_update(struct bindox_domain_config __user *uarg)
{
	struct bindox_domain_config cfg;

	if (copy_from_user(&cfg, uarg, sizeof(cfg)))
		return -EFAULT;
	if (strnlen(cfg.name, sizeof(cfg.name)) == sizeof(cfg.name))
		return -EINVAL;
	return bindox_domain_update(&cfg);
}

static long bindox_control_info(struct bindox_domain_config __user *uarg)
{
	struct bindox_domain_config cfg;
	int err;

	if (copy_from_user(&cfg, uarg, sizeof(cfg)))
		return -EFAULT;
	err = bindox_domain_info(&cfg);
	if (err)
		return err;
	return copy_to_user(uarg, &cfg, sizeof(cfg)) ? -EFAULT : 0;
}

static long bindox_control_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* The initial user namespace's: a container's root is not enough. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case BINDOX_CTL_DOMAIN_ADD:
		return bindox_control_add(uarg);
	case BINDOX_CTL_DOMAIN_REMOVE:
		return bindox_control_remove(uarg);
	case BINDOX_CTL_DOMAIN_UPDATE:
		return bindox_control_update(uarg);
	case BINDOX_CTL_DOMAIN_INFO:
		return bindox_control_info(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations bindox_control_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = bindox_control_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice bindox_control_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "bindox-control",
	.fops = &bindox_control_fops,
	.mode = 0600,
};

/**
 * bindox_control_init() - make /dev/bindox-control appear
 *
 * Return: 0 or a negative errno.
 */
int bindox_control_init(void)
{
	return misc_register(&bindox_control_misc);
}

/**
 * bindox_control_exit() - remove /dev/bindox-control
 */
void bindox_control_exit(void)
{
	misc_deregister(&bindox_control_misc);
}
