/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The figures of one run, computed from both sides' reports, and as JSON. */
#ifndef IPCBENCH_RESULTS_H
#define IPCBENCH_RESULTS_H

#include <stdint.h>
#include <stdio.h>

#include "run.h"
#include "stats.h"

typedef struct RunResult {
	const char *workload;
	const char *method;
	const char *how;
	uint64_t size;
	uint64_t warmup, iterations;
	char error[160];		/* empty when the run succeeded */
	double wall_s;			/* the whole run: setup, exchanges, teardown */

	/* In ns: the iterations, and their transfer parts (minus the writes) */
	Summary iter, transfer;
	double client_write_p50_ms, server_write_p50_ms, writes_p50_ms;
	double client_cpu_s, server_cpu_s;
	uint64_t client_minflt, server_minflt, majflt;
	uint64_t pss_peak, pss_samples;
	int64_t cgroup_peak;		/* < 0: not measured */
} RunResult;

/*
 * Fill @res from @n client samples (iteration ns, write ns) and @n server
 * write times; reorders nothing in the inputs.
 */
int result_compute(RunResult *res, const uint64_t (*client)[2], const uint64_t *server_write,
		   uint64_t n, const SideReport *crep, const SideReport *srep);

void result_print_header(FILE *f);
void result_print(FILE *f, const RunResult *res);
void result_write_json(FILE *f, const RunResult *res);

#endif
