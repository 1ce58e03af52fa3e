// SPDX-License-Identifier: GPL-2.0
/*
 * Live-object counters and the debugfs files that show them and the
 * objects.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "stats.h"

atomic_t bindox_stats[BINDOX_STAT_COUNT];
atomic64_t bindox_buffer_bytes;

static const char * const bindox_stat_names[BINDOX_STAT_COUNT] = {
	[BINDOX_STAT_PROCS] = "procs",
	[BINDOX_STAT_NODES] = "nodes",
	[BINDOX_STAT_HANDLES] = "handles",
	[BINDOX_STAT_TXNS] = "transactions",
	[BINDOX_STAT_DEATHS] = "deaths",
	[BINDOX_STAT_BUFFERS] = "buffers",
	[BINDOX_STAT_HOLDS] = "buffer_ids",
	[BINDOX_STAT_PARKS] = "parked_calls",
	[BINDOX_STAT_ACCOUNTS] = "queue_accounts",
};

static struct dentry *bindox_debugfs_dir;
static void (*bindox_debugfs_dump)(struct seq_file *m);

static int counters_show(struct seq_file *m, void *unused)
{
	int i;

	for (i = 0; i < BINDOX_STAT_COUNT; i++)
		seq_printf(m, "%s %d\n", bindox_stat_names[i],
			   atomic_read(&bindox_stats[i]));
	seq_printf(m, "buffer_bytes %lld\n",
		   (long long)atomic64_read(&bindox_buffer_bytes));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int state_show(struct seq_file *m, void *unused)
{
	bindox_debugfs_dump(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state);

/**
 * bindox_debugfs_init() - create /sys/kernel/debug/bindox/
 * @dump:	writes the "state" file: every object, from the level that
 *		knows them all (bindox_procs_dump()), so that the counters
 *		need not reach up to it
 *
 * debugfs is optional: failures are ignored, as debugfs wants.
 */
void bindox_debugfs_init(void (*dump)(struct seq_file *m))
{
	bindox_debugfs_dump = dump;
	bindox_debugfs_dir = debugfs_create_dir("bindox", NULL);
	debugfs_create_file("counters", 0400, bindox_debugfs_dir, NULL,
			    &counters_fops);
	debugfs_create_file("state", 0400, bindox_debugfs_dir, NULL,
			    &state_fops);
}

/**
 * bindox_debugfs_exit() - remove /sys/kernel/debug/bindox/
 */
void bindox_debugfs_exit(void)
{
	debugfs_remove_recursive(bindox_debugfs_dir);
}
