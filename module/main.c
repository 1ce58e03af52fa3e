// SPDX-License-Identifier: GPL-2.0
/*
 * Bindox: secure IPC between containers on one host. Module entry points.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "bindox.h"
#include "buffer.h"
#include "compat.h"
#include "control.h"
#include "domain.h"
#include "policy.h"
#include "proc.h"
#include "stats.h"

unsigned int bindox_max_handles = 65536;
module_param_named(max_handles, bindox_max_handles, uint, 0644);
MODULE_PARM_DESC(max_handles, "Most handles one open file may hold");

unsigned int bindox_max_nodes = 16384;
module_param_named(max_nodes, bindox_max_nodes, uint, 0644);
MODULE_PARM_DESC(max_nodes, "Most nodes one open file may own");

unsigned int bindox_max_queued = 4096;
module_param_named(max_queued, bindox_max_queued, uint, 0644);
MODULE_PARM_DESC(max_queued, "Most messages waiting in one open file's queue");

unsigned int bindox_max_queued_per_sender = 1024;
module_param_named(max_queued_per_sender, bindox_max_queued_per_sender, uint,
		   0644);
MODULE_PARM_DESC(max_queued_per_sender,
		 "Most messages from the senders of one uid in one queue");

static int __init bindox_init(void)
{
	int err;

	err = bindox_buffers_init();
	if (err)
		return err;
	bindox_debugfs_init(bindox_procs_dump);
	err = bindox_domains_init();
	if (err)
		goto debugfs;
	err = bindox_control_init();
	if (err)
		goto domains;
	return 0;
domains:
	bindox_domains_exit();
debugfs:
	bindox_debugfs_exit();
	bindox_buffers_exit();
	return err;
}

/* Every file is closed (each pins the module); domains left go now. */
static void __exit bindox_exit(void)
{
	bindox_control_exit();
	bindox_domains_exit();
	bindox_policy_exit();
	bindox_debugfs_exit();
	bindox_buffers_exit();
}

module_init(bindox_init);
module_exit(bindox_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Bindox: secure IPC between containers");
MODULE_VERSION("0.1.0");
