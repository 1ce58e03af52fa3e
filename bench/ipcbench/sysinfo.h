/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the machine was, for the results of every ipcbench mode. */
#ifndef IPCBENCH_SYSINFO_H
#define IPCBENCH_SYSINFO_H

#include "json.h"

typedef struct SysInfo {
	char kernel[128];
	char cmdline[512];
	char clocksource[64];
	char busy_poll_ns[32];	/* bindox.ko's module parameter, or "unknown" */
	long cpus;
} SysInfo;

/*
 * Kernel release, its command line, the clocksource, the CPUs online and
 * bindox.ko's busy_poll_ns (module/busy_poll.h), which changes its latency.
 */
void sysinfo_get(SysInfo *si);

/* The same as members of the open JSON object. */
void sysinfo_json(JsonWriter *w, const SysInfo *si);

#endif
