/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_STATS_H
#define __BINDOX_STATS_H

/**
 * DOC: Live-object counters
 *
 * One counter per object type, raised on creation and lowered when the
 * object is freed. With no process holding the device open, every counter
 * must read zero: tests read /sys/kernel/debug/bindox/counters to prove that
 * nothing leaked.
 */

#include <linux/atomic.h>

struct seq_file;

enum bindox_stat {
	BINDOX_STAT_PROCS,
	BINDOX_STAT_NODES,
	BINDOX_STAT_HANDLES,
	BINDOX_STAT_TXNS,
	BINDOX_STAT_DEATHS,
	BINDOX_STAT_BUFFERS,
	BINDOX_STAT_HOLDS,
	BINDOX_STAT_PARKS,
	BINDOX_STAT_ACCOUNTS,
	BINDOX_STAT_COUNT,
};

extern atomic_t bindox_stats[BINDOX_STAT_COUNT];
/* Bytes of live buffers ("buffer_bytes"). */
extern atomic64_t bindox_buffer_bytes;

static inline void bindox_stat_inc(enum bindox_stat s)
{
	atomic_inc(&bindox_stats[s]);
}

static inline void bindox_stat_dec(enum bindox_stat s)
{
	atomic_dec(&bindox_stats[s]);
}

void bindox_debugfs_init(void (*dump)(struct seq_file *m));
void bindox_debugfs_exit(void);

#endif /* __BINDOX_STATS_H */
