// SPDX-License-Identifier: GPL-2.0
/*
 * The control device: domains at run time.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include "control.h"
#include "ioctl.h"

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
