/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Peak memory by sampling: a thread reads the Pss of every watched process
 * from /proc/PID/smaps_rollup every few milliseconds and keeps the largest
 * sum. PSS divides each shared page among the processes that map it, so a
 * page both sides map counts once in the sum. Pages the kernel keeps for
 * itself (socket buffers, binder's buffer) are not in it.
 */
#ifndef IPCBENCH_PSS_H
#define IPCBENCH_PSS_H

#include <stdint.h>
#include <sys/types.h>

#define PSS_MAX_PIDS 4

typedef struct PssSampler PssSampler;

int pss_sampler_start(const pid_t *pids, unsigned int n, unsigned int interval_ms,
		      PssSampler **out);
/* Stop; return the peak sum in bytes (0 if nothing could be read). */
uint64_t pss_sampler_stop(PssSampler *s, uint64_t *n_samples);

#endif
