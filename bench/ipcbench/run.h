/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two sides of one run, each in its own process: the server loop and
 * the client loop, with their timing, CPU and fault accounting, and the
 * reports they send to the orchestrator on their control pipes.
 */
#ifndef IPCBENCH_RUN_H
#define IPCBENCH_RUN_H

#include <stdint.h>

#include "method.h"

/* What both sides are told about the run. */
typedef struct RunSpec {
	const Method *method;
	MethodParams params;
	uint64_t warmup;	/* untimed exchanges first */
	uint64_t iterations;	/* timed exchanges; one untimed exchange follows */
} RunSpec;

/* Sent by each side once set up (after connect(), or after listen()). */
typedef struct ReadyMsg {
	int32_t status;
	char addr[ADDR_SIZE];
} ReadyMsg;

/*
 * Sent by each side at the end, followed by @n samples: the server sends
 * n write times (ns), the client n pairs (iteration ns, write ns).
 */
typedef struct SideReport {
	int32_t status;
	char what[60];		/* the failed step */
	uint64_t n;
	uint64_t cpu_user_ns, cpu_sys_ns;	/* over the timed exchanges */
	uint64_t minor_faults, major_faults;
} SideReport;

/* The server process's body: listen, report ready, serve, report. */
int run_server(const RunSpec *spec, int ctl);

/*
 * The client process's body: connect, report ready, wait for one byte on
 * @go, run the exchanges, report.
 */
int run_client(const RunSpec *spec, const char *addr, int ctl, int go);

#endif
