// SPDX-License-Identifier: GPL-2.0-or-later
/* Figures of one run, and their output: see results.h. */
#define _GNU_SOURCE
#include "results.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stats.h"

/* ns to ms */
static double ms(double ns)
{
	return ns / 1e6;
}

int result_compute(RunResult *res, const uint64_t (*client)[2], const uint64_t *server_write,
		   uint64_t n, const SideReport *crep, const SideReport *srep)
{
	uint64_t *iter = calloc(n, sizeof(*iter)), *xfer = calloc(n, sizeof(*xfer));
	uint64_t *cw = calloc(n, sizeof(*cw)), *sw = calloc(n, sizeof(*sw));
	uint64_t *both = calloc(n, sizeof(*both));
	Summary s_cw, s_sw, s_both;
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
	(void)summarize(iter, n, &res->iter);
	(void)summarize(xfer, n, &res->transfer);
	(void)summarize(cw, n, &s_cw);
	(void)summarize(sw, n, &s_sw);
	(void)summarize(both, n, &s_both);
	res->client_write_p50_ms = ms((double)s_cw.p50);
	res->server_write_p50_ms = ms((double)s_sw.p50);
	res->writes_p50_ms = ms((double)s_both.p50);
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
	fprintf(f, "%-6s %-8s %5s %10s %10s %10s %9s %9s %8s %10s %10s %8s %10s %9s %9s %7s\n",
		"size", "method", "iters", "iter p50", "iter p99", "xfer p50", "xfer min", "xfer p90",
		"xfer sd", "writes", "iter mean", "cpu s", "minflt", "pss MiB", "cg MiB", "wall s");
	fflush(f);
}

void result_print(FILE *f, const RunResult *res)
{
	char sz[24], cg[24];

	size_str(sz, sizeof(sz), res->size);
	if (res->error[0]) {
		fprintf(f, "%-6s %-8s FAILED after %.0f s: %s\n", sz, res->method, res->wall_s,
			res->error);
		fflush(f);
		return;
	}
	if (res->cgroup_peak >= 0)
		snprintf(cg, sizeof(cg), "%.1f", (double)res->cgroup_peak / 1048576.0);
	else
		snprintf(cg, sizeof(cg), "-");
	fprintf(f, "%-6s %-8s %5" PRIu64 " %10.3f %10.3f %10.3f %9.3f %9.3f %8.3f %10.3f %10.3f"
		" %8.3f %10" PRIu64 " %9.1f %9s %7.1f\n",
		sz, res->method, res->iterations, ms((double)res->iter.p50),
		ms((double)res->iter.p99), ms((double)res->transfer.p50),
		ms((double)res->transfer.min), ms((double)res->transfer.p90),
		ms(res->transfer.stddev), res->writes_p50_ms, ms(res->iter.mean),
		res->client_cpu_s + res->server_cpu_s, res->client_minflt + res->server_minflt,
		(double)res->pss_peak / 1048576.0, cg, res->wall_s);
	fflush(f);
}

/* @s (ns) as an object of ms: its mean, percentiles, range and stddev. */
static void json_summary_ms(JsonWriter *w, const char *key, const Summary *s)
{
	json_object_begin(w, key);
	json_double(w, "mean", ms(s->mean), 4);
	json_double(w, "p50", ms((double)s->p50), 4);
	json_double(w, "p99", ms((double)s->p99), 4);
	json_double(w, "min", ms((double)s->min), 4);
	json_double(w, "p25", ms((double)s->p25), 4);
	json_double(w, "p75", ms((double)s->p75), 4);
	json_double(w, "p90", ms((double)s->p90), 4);
	json_double(w, "max", ms((double)s->max), 4);
	json_double(w, "stddev", ms(s->stddev), 4);
	json_object_end(w);
}

void result_write_json(FILE *f, const RunResult *res)
{
	JsonWriter w;
	uint64_t peak;

	json_start(&w, f, 0);
	json_object_begin(&w, NULL);
	json_string(&w, "workload", res->workload);
	json_string(&w, "method", res->method);
	json_u64(&w, "size_bytes", res->size);
	json_u64(&w, "iterations", res->iterations);
	json_u64(&w, "warmup", res->warmup);
	json_string(&w, "how", res->how);
	json_double(&w, "wall_s", res->wall_s, 2);
	if (res->error[0]) {
		json_string(&w, "error", res->error);
		json_object_end(&w);
		(void)json_finish(&w);
		return;
	}
	/* The cgroup sees kernel-side memory too; PSS is the fallback. */
	peak = res->cgroup_peak >= 0 ? (uint64_t)res->cgroup_peak : res->pss_peak;
	json_summary_ms(&w, "iter_ms", &res->iter);
	json_summary_ms(&w, "transfer_ms", &res->transfer);
	json_object_begin(&w, "writes_ms");
	json_double(&w, "client_p50", res->client_write_p50_ms, 4);
	json_double(&w, "server_p50", res->server_write_p50_ms, 4);
	json_double(&w, "sum_p50", res->writes_p50_ms, 4);
	json_object_end(&w);
	json_double(&w, "cpu_s", res->client_cpu_s + res->server_cpu_s, 4);
	json_double(&w, "client_cpu_s", res->client_cpu_s, 4);
	json_double(&w, "server_cpu_s", res->server_cpu_s, 4);
	json_u64(&w, "minor_faults", res->client_minflt + res->server_minflt);
	json_u64(&w, "client_minor_faults", res->client_minflt);
	json_u64(&w, "server_minor_faults", res->server_minflt);
	json_u64(&w, "major_faults", res->majflt);
	json_u64(&w, "peak_mem_bytes", peak);
	json_string(&w, "peak_mem_source", res->cgroup_peak >= 0 ? "cgroup memory.peak" : "pss");
	json_u64(&w, "pss_peak_bytes", res->pss_peak);
	json_u64(&w, "pss_samples", res->pss_samples);
	if (res->cgroup_peak >= 0)
		json_i64(&w, "cgroup_peak_bytes", res->cgroup_peak);
	json_object_end(&w);
	(void)json_finish(&w);
}
