// SPDX-License-Identifier: GPL-2.0-or-later
/* Figures of one run, and their output: see results.h. */
#define _GNU_SOURCE
#include "results.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of @n >= 1 sorted samples (ns), in ms. */
static double pct_ms(const uint64_t *sorted, uint64_t n, unsigned int pct)
{
	uint64_t rank = (pct * n + 99) / 100;

	if (rank < 1)
		rank = 1;
	return (double)sorted[rank - 1] / 1e6;
}

static double mean_ms(const uint64_t *v, uint64_t n)
{
	double sum = 0;
	uint64_t i;

	for (i = 0; i < n; i++)
		sum += (double)v[i];
	return sum / (double)n / 1e6;
}

int result_compute(RunResult *res, const uint64_t (*client)[2], const uint64_t *server_write,
		   uint64_t n, const SideReport *crep, const SideReport *srep)
{
	uint64_t *iter = calloc(n, sizeof(*iter)), *xfer = calloc(n, sizeof(*xfer));
	uint64_t *cw = calloc(n, sizeof(*cw)), *sw = calloc(n, sizeof(*sw));
	uint64_t *both = calloc(n, sizeof(*both));
	uint64_t i;
	int r = -ENOMEM;

	if (n == 0) {
		r = -EINVAL;
		goto out;
	}
	if (!iter || !xfer || !cw || !sw || !both)
		goto out;
	for (i = 0; i < n; i++) {
		uint64_t writes = client[i][1] + server_write[i];

		iter[i] = client[i][0];
		cw[i] = client[i][1];
		sw[i] = server_write[i];
		both[i] = writes;
		xfer[i] = iter[i] > writes ? iter[i] - writes : 0;
	}
	res->iter_mean_ms = mean_ms(iter, n);
	res->transfer_mean_ms = mean_ms(xfer, n);
	qsort(iter, n, sizeof(*iter), cmp_u64);
	qsort(xfer, n, sizeof(*xfer), cmp_u64);
	qsort(cw, n, sizeof(*cw), cmp_u64);
	qsort(sw, n, sizeof(*sw), cmp_u64);
	qsort(both, n, sizeof(*both), cmp_u64);
	res->iter_p50_ms = pct_ms(iter, n, 50);
	res->iter_p99_ms = pct_ms(iter, n, 99);
	res->iter_min_ms = (double)iter[0] / 1e6;
	res->iter_max_ms = (double)iter[n - 1] / 1e6;
	res->transfer_p50_ms = pct_ms(xfer, n, 50);
	res->transfer_p99_ms = pct_ms(xfer, n, 99);
	res->client_write_p50_ms = pct_ms(cw, n, 50);
	res->server_write_p50_ms = pct_ms(sw, n, 50);
	res->writes_p50_ms = pct_ms(both, n, 50);
	res->client_cpu_s = (double)(crep->cpu_user_ns + crep->cpu_sys_ns) / 1e9;
	res->server_cpu_s = (double)(srep->cpu_user_ns + srep->cpu_sys_ns) / 1e9;
	res->client_minflt = crep->minor_faults;
	res->server_minflt = srep->minor_faults;
	res->majflt = crep->major_faults + srep->major_faults;
	r = 0;
out:
	free(iter);
	free(xfer);
	free(cw);
	free(sw);
	free(both);
	return r;
}

static void size_str(char *buf, size_t size, uint64_t bytes)
{
	if (bytes >= (1ULL << 30) && bytes % (1ULL << 30) == 0)
		snprintf(buf, size, "%" PRIu64 "G", bytes >> 30);
	else if (bytes >= (1ULL << 20) && bytes % (1ULL << 20) == 0)
		snprintf(buf, size, "%" PRIu64 "M", bytes >> 20);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, size, "%" PRIu64 "K", bytes >> 10);
	else
		snprintf(buf, size, "%" PRIu64, bytes);
}

void result_print_header(FILE *f)
{
	fprintf(f, "%-6s %-8s %5s %10s %10s %10s %10s %10s %8s %10s %9s %9s\n", "size", "method",
		"iters", "iter p50", "iter p99", "xfer p50", "writes", "iter mean", "cpu s",
		"minflt", "pss MiB", "cg MiB");
	fflush(f);
}

void result_print(FILE *f, const RunResult *res)
{
	char sz[24], cg[24];

	size_str(sz, sizeof(sz), res->size);
	if (res->error[0]) {
		fprintf(f, "%-6s %-8s FAILED: %s\n", sz, res->method, res->error);
		fflush(f);
		return;
	}
	if (res->cgroup_peak >= 0)
		snprintf(cg, sizeof(cg), "%.1f", (double)res->cgroup_peak / 1048576.0);
	else
		snprintf(cg, sizeof(cg), "-");
	fprintf(f, "%-6s %-8s %5" PRIu64 " %10.3f %10.3f %10.3f %10.3f %10.3f %8.3f %10" PRIu64
		" %9.1f %9s\n",
		sz, res->method, res->iterations, res->iter_p50_ms, res->iter_p99_ms,
		res->transfer_p50_ms, res->writes_p50_ms, res->iter_mean_ms,
		res->client_cpu_s + res->server_cpu_s, res->client_minflt + res->server_minflt,
		(double)res->pss_peak / 1048576.0, cg);
	fflush(f);
}

/* @s as a JSON string (the texts here are ours: escape quotes and backslashes). */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

void result_write_json(FILE *f, const RunResult *res)
{
	uint64_t peak;

	fprintf(f, "{\"workload\": ");
	json_str(f, res->workload);
	fprintf(f, ", \"method\": ");
	json_str(f, res->method);
	fprintf(f, ", \"size_bytes\": %" PRIu64 ", \"iterations\": %" PRIu64
		", \"warmup\": %" PRIu64 ", \"how\": ", res->size, res->iterations, res->warmup);
	json_str(f, res->how);
	if (res->error[0]) {
		fprintf(f, ", \"error\": ");
		json_str(f, res->error);
		fprintf(f, "}\n");
		fflush(f);
		return;
	}
	/* The cgroup sees kernel-side memory too; PSS is the fallback. */
	peak = res->cgroup_peak >= 0 ? (uint64_t)res->cgroup_peak : res->pss_peak;
	fprintf(f,
		", \"iter_ms\": {\"mean\": %.4f, \"p50\": %.4f, \"p99\": %.4f, \"min\": %.4f, "
		"\"max\": %.4f}, \"transfer_ms\": {\"p50\": %.4f, \"mean\": %.4f, \"p99\": %.4f}, "
		"\"writes_ms\": {\"client_p50\": %.4f, \"server_p50\": %.4f, \"sum_p50\": %.4f}, "
		"\"cpu_s\": %.4f, \"client_cpu_s\": %.4f, \"server_cpu_s\": %.4f, "
		"\"minor_faults\": %" PRIu64 ", \"client_minor_faults\": %" PRIu64
		", \"server_minor_faults\": %" PRIu64 ", \"major_faults\": %" PRIu64
		", \"peak_mem_bytes\": %" PRIu64 ", \"peak_mem_source\": \"%s\", "
		"\"pss_peak_bytes\": %" PRIu64 ", \"pss_samples\": %" PRIu64,
		res->iter_mean_ms, res->iter_p50_ms, res->iter_p99_ms, res->iter_min_ms,
		res->iter_max_ms, res->transfer_p50_ms, res->transfer_mean_ms, res->transfer_p99_ms,
		res->client_write_p50_ms, res->server_write_p50_ms, res->writes_p50_ms,
		res->client_cpu_s + res->server_cpu_s, res->client_cpu_s, res->server_cpu_s,
		res->client_minflt + res->server_minflt, res->client_minflt, res->server_minflt,
		res->majflt, peak, res->cgroup_peak >= 0 ? "cgroup memory.peak" : "pss",
		res->pss_peak, res->pss_samples);
	if (res->cgroup_peak >= 0)
		fprintf(f, ", \"cgroup_peak_bytes\": %" PRId64, res->cgroup_peak);
	fprintf(f, "}\n");
	fflush(f);
}
