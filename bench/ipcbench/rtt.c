// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipcbench rtt: 64-byte request/reply round trips between two processes,
 * for several IPC methods side by side in one run (methods: rtt-methods.c).
 *
 *   ipcbench rtt [--iterations N] [--rounds N] [--warmup N] [--methods LIST]
 *                [--same-cpu] [--device PATH] [--json FILE]
 *
 * Process layout, the same for every method: this process is the client and
 * does all the timing; the server is a child forked for the method, which
 * echoes each 64-byte request back as a 64-byte reply. The client fills a
 * request (sequence number + fixed pattern), sends it, waits for the reply
 * and checks that it is the echo of the request. Each round trip is timed
 * with clock_gettime(CLOCK_MONOTONIC) on the client; calls per second is
 * N / (wall time of the timed loops).
 *
 * The methods run interleaved in rounds (default 6), the order rotated each
 * round, so that slow and fast periods of the machine (a TCG guest has
 * plenty) hit every method alike; each round starts a fresh server and
 * warms up first. The N timed round trips of a method are split over the
 * rounds and reported together; the spread of the per-round medians is
 * shown too.
 *
 * --same-cpu pins every process to CPU 0 (sched_setaffinity); by default
 * nothing is pinned.
 */
#define _GNU_SOURCE
#include "rtt.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "json.h"
#include "stats.h"
#include "sysinfo.h"
#include "util.h"

#define DEFAULT_ITERATIONS 20000U
#define DEFAULT_WARMUP 500U
#define DEFAULT_ROUNDS 6U
#define MAX_METHODS 8U

typedef struct RttOptions {
	uint64_t iterations;	/* timed round trips per method, over all rounds */
	uint64_t warmup;	/* untimed round trips per method and round */
	unsigned int rounds;
	bool same_cpu;
	const char *device;
	const char *json;
	const RttMethod *order[MAX_METHODS];
	unsigned int n_methods;
} RttOptions;

typedef struct RttResult {
	const RttMethod *method;
	int error;			/* 0, or the negative errno that stopped it */
	const char *what;		/* which step failed */
	/* Accumulated over the rounds. */
	uint64_t *samples;		/* opt->iterations slots, ns */
	uint64_t n_samples;
	uint64_t loop_ns;		/* wall time of the timed loops */
	uint64_t client_syscalls;
	uint64_t server_syscalls, server_rounds;
	Spread round_p50_us;		/* the medians of the rounds */
	/* Final figures. */
	Summary ns;
	double client_per_rt, server_per_rt;
	double calls_per_sec;
} RttResult;

static double us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static void fill_request(uint8_t *req, uint64_t seq)
{
	size_t i;

	memcpy(req, &seq, sizeof(seq));
	for (i = sizeof(seq); i < RTT_MSG_SIZE; i++)
		req[i] = (uint8_t)(seq + i);
}

/*
 * One round of one method: start its server, warm up, time @n round trips
 * into res->samples (after those of earlier rounds), stop the server.
 */
static int run_round(const RttOptions *opt, uint64_t n, uint64_t *seq, RttResult *res)
{
	const RttMethod *m = res->method;
	RttCtx ctx = { .device = opt->device, .server = -1, .ctl = -1, .wfd = -1, .rfd = -1 };
	uint64_t *samples = res->samples + res->n_samples;
	uint8_t req[RTT_MSG_SIZE], rep[RTT_MSG_SIZE];
	RttServerReport srv = { 0 };
	uint64_t i;
	int64_t t0, t1;
	int r, r2;

	r = m->setup(&ctx);
	if (r < 0) {
		res->what = "setup";
		goto out;
	}
	for (i = 0; i < opt->warmup; i++, (*seq)++) {
		fill_request(req, *seq);
		r = m->round_trip(&ctx, req, rep);
		if (r < 0 || memcmp(req, rep, RTT_MSG_SIZE) != 0) {
			res->what = "warm-up round trip";
			r = r < 0 ? r : -EBADMSG;
			goto out;
		}
	}

	ctx.client_syscalls = 0;
	t0 = now_ns();
	for (i = 0; i < n; i++, (*seq)++) {
		int64_t a, b;

		fill_request(req, *seq);
		a = now_ns();
		r = m->round_trip(&ctx, req, rep);
		b = now_ns();
		if (r < 0 || memcmp(req, rep, RTT_MSG_SIZE) != 0) {
			res->what = "round trip";
			r = r < 0 ? r : -EBADMSG;
			goto out;
		}
		samples[i] = (uint64_t)(b - a);
	}
	t1 = now_ns();

	res->n_samples += n;
	res->loop_ns += (uint64_t)(t1 - t0);
	res->client_syscalls += ctx.client_syscalls;
	/* This round's median, for the spread between rounds. */
	sort_u64(samples, n);
	spread_add(&res->round_p50_us, us(percentile_sorted(samples, n, 50)));

out:
	r2 = m->stop(&ctx);
	if (r >= 0 && r2 < 0) {
		r = r2;
		res->what = "stopping the server";
	}
	if (ctx.ctl >= 0) {
		/* The server's counts; it sends them when it exits. */
		if (r >= 0 && read_full(ctx.ctl, &srv, sizeof(srv)) <= 0) {
			r = -ECHILD;
			res->what = "server report";
		}
		close_fd(&ctx.ctl);
	}
	r2 = reap_child(&ctx.server, r < 0);
	if (r >= 0 && r2 < 0) {
		r = r2;
		res->what = "server exit status";
	}
	close_fd(&ctx.wfd);
	close_fd(&ctx.rfd);
	if (r >= 0) {
		res->server_syscalls += srv.syscalls;
		res->server_rounds += srv.rounds;
	}
	return r;
}

/* Turn the accumulated samples and counts into the reported figures. */
static void result_finish(RttResult *res)
{
	uint64_t n = res->n_samples;

	if (res->error || summarize(res->samples, n, &res->ns) < 0)
		return;
	res->calls_per_sec = (double)n * 1e9 / (double)res->loop_ns;
	res->client_per_rt = (double)res->client_syscalls / (double)n;
	if (res->server_rounds)
		res->server_per_rt = (double)res->server_syscalls / (double)res->server_rounds;
}

/* ---- output ---- */

static const RttResult *find_result(const RttResult *res, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(res[i].method->name, name) == 0 && res[i].error == 0)
			return &res[i];
	return NULL;
}

static void print_table(const RttOptions *opt, const SysInfo *si, const RttResult *res,
			unsigned int n)
{
	const RttResult *b, *u;
	unsigned int i;

	printf("ipcbench rtt: %u-byte request/reply round trips, client and server in two processes\n",
	       RTT_MSG_SIZE);
	printf("kernel %s, %ld CPUs online, clocksource %s, pinning: %s\n", si->kernel, si->cpus,
	       si->clocksource, opt->same_cpu ? "both on CPU 0 (--same-cpu)" : "none");
	printf("%" PRIu64 " timed round trips per method, in %u interleaved round(s) (order rotated\n"
	       "each round; fresh server and %" PRIu64 " warm-up round trips per round)\n\n",
	       opt->iterations, opt->rounds, opt->warmup);
	printf("%-7s  %-9s  %-11s  %9s  %9s  %9s  %9s  %10s  %s\n", "method", "syscalls", "counted",
	       "p50 us", "p99 us", "mean us", "min us", "calls/s", "p50 of rounds, us");
	printf("%-7s  %-9s  %-11s\n", "", "cli+srv", "cli+srv");
	for (i = 0; i < n; i++) {
		const RttResult *r = &res[i];
		char design[16], counted[24];

		snprintf(design, sizeof(design), "%u+%u", r->method->design_client,
			 r->method->design_server);
		if (r->error) {
			printf("%-7s  %-9s  FAILED (%s: %s)\n", r->method->name, design,
			       r->what ? r->what : "?", bindox_strerror(r->error));
			continue;
		}
		snprintf(counted, sizeof(counted), "%.2f+%.2f", r->client_per_rt, r->server_per_rt);
		printf("%-7s  %-9s  %-11s  %9.2f  %9.2f  %9.2f  %9.2f  %10.0f  %.2f..%.2f\n",
		       r->method->name, design, counted, us(r->ns.p50), us(r->ns.p99),
		       r->ns.mean / 1000.0, us(r->ns.min), r->calls_per_sec,
		       r->round_p50_us.min, r->round_p50_us.max);
	}
	b = find_result(res, n, "bindox");
	u = find_result(res, n, "uds");
	if (b && u)
		printf("\nbindox/uds: p50 %.2fx, p99 %.2fx (lower is better), "
		       "calls/s %.2fx (higher is better)\n",
		       (double)b->ns.p50 / (double)u->ns.p50, (double)b->ns.p99 / (double)u->ns.p99,
		       b->calls_per_sec / u->calls_per_sec);
	fflush(stdout);
}

static void write_method_json(JsonWriter *w, const RttResult *r)
{
	json_object_begin(w, NULL);
	json_string(w, "name", r->method->name);
	json_u64(w, "syscalls_client_design", r->method->design_client);
	json_u64(w, "syscalls_server_design", r->method->design_server);
	if (r->error) {
		json_error(w, r->what, r->error);
		json_object_end(w);
		return;
	}
	json_double(w, "syscalls_client_counted", r->client_per_rt, 4);
	json_double(w, "syscalls_server_counted", r->server_per_rt, 4);
	json_double(w, "p50_us", us(r->ns.p50), 3);
	json_double(w, "p99_us", us(r->ns.p99), 3);
	json_double(w, "mean_us", r->ns.mean / 1000.0, 3);
	json_double(w, "min_us", us(r->ns.min), 3);
	json_double(w, "max_us", us(r->ns.max), 3);
	json_double(w, "calls_per_sec", r->calls_per_sec, 1);
	json_double(w, "round_p50_min_us", r->round_p50_us.min, 3);
	json_double(w, "round_p50_max_us", r->round_p50_us.max, 3);
	json_object_end(w);
}

/* What write_json() writes. */
typedef struct RttReport {
	const RttOptions *opt;
	const SysInfo *si;
	const RttResult *res;
	unsigned int n;
} RttReport;

static void write_json(JsonWriter *w, const void *ctx)
{
	const RttReport *rep = ctx;
	const RttOptions *opt = rep->opt;
	unsigned int i;

	json_object_begin(w, NULL);
	json_string(w, "benchmark", "rtt");
	json_u64(w, "message_size", RTT_MSG_SIZE);
	json_u64(w, "iterations", opt->iterations);
	json_u64(w, "warmup_per_round", opt->warmup);
	json_u64(w, "rounds", opt->rounds);
	json_bool(w, "same_cpu", opt->same_cpu);
	sysinfo_json(w, rep->si);
	json_array_begin(w, "methods");
	for (i = 0; i < rep->n; i++)
		write_method_json(w, &rep->res[i]);
	json_array_end(w);
	json_object_end(w);
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ipcbench rtt [options]\n"
		"64-byte request/reply round trips between two processes: bindox, UNIX\n"
		"stream socketpair (uds) and pipes, side by side.\n\n"
		"  --iterations N   timed round trips per method, all rounds together\n"
		"                   (default %u)\n"
		"  --rounds N       interleave the methods in N rounds, rotating their order,\n"
		"                   so that they share the machine's slow and fast periods\n"
		"                   (default %u)\n"
		"  --warmup N       untimed round trips per method and round (default %u)\n"
		"  --methods LIST   comma-separated, in run order (default bindox,uds,pipe)\n"
		"  --same-cpu       pin client and server to CPU 0 (default: no pinning)\n"
		"  --device PATH    bindox device (default %s)\n"
		"  --json FILE      also write the results as JSON\n"
		"  -h, --help       this text\n",
		DEFAULT_ITERATIONS, DEFAULT_ROUNDS, DEFAULT_WARMUP, BINDOX_DEVICE_DEFAULT);
}

static int parse_methods(const char *s, RttOptions *o)
{
	char buf[128], *tok, *save = NULL;
	unsigned int seen = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	o->n_methods = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int m;

		for (m = 0; m < n_rtt_methods; m++)
			if (strcmp(tok, rtt_methods[m].name) == 0)
				break;
		if (m == n_rtt_methods || (seen & (1U << m)) || o->n_methods == MAX_METHODS)
			return -EINVAL;
		seen |= 1U << m;
		o->order[o->n_methods++] = &rtt_methods[m];
	}
	return o->n_methods ? 0 : -EINVAL;
}

static int options_parse(int argc, char **argv, RttOptions *o)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "methods", required_argument, NULL, 'm' },
		{ "same-cpu", no_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	*o = (RttOptions){ .iterations = DEFAULT_ITERATIONS, .warmup = DEFAULT_WARMUP,
			   .rounds = DEFAULT_ROUNDS, .device = BINDOX_DEVICE_DEFAULT };
	if (parse_methods("bindox,uds,pipe", o) < 0)
		return -EINVAL;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			/* Bounded so that the sample array stays reasonable. */
			if (parse_u64(optarg, 1, 100000000, &o->iterations) < 0)
				return -EINVAL;
			break;
		case 'w':
			if (parse_u64(optarg, 0, UINT64_MAX / 2, &o->warmup) < 0)
				return -EINVAL;
			break;
		case 'r':
			if (parse_u64(optarg, 1, 1000, &v) < 0)
				return -EINVAL;
			o->rounds = (unsigned int)v;
			break;
		case 'm':
			if (parse_methods(optarg, o) < 0)
				return -EINVAL;
			break;
		case 's':
			o->same_cpu = true;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || o->iterations < o->rounds)
		return -EINVAL;
	return 0;
}

static int pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0;
}

int rtt_main(int argc, char **argv)
{
	RttResult res[MAX_METHODS] = { 0 };
	RttOptions opt;
	SysInfo si;
	unsigned int i, round;
	uint64_t seq = 0;
	int failed = 0, r;

	if (options_parse(argc, argv, &opt) < 0) {
		usage(stderr);
		return 2;
	}
	/* A server that dies must fail a write, not kill the client. */
	signal(SIGPIPE, SIG_IGN);
	/* Before any fork: every child inherits the mask. */
	if (opt.same_cpu && (r = pin_to_cpu0()) < 0) {
		fprintf(stderr, "ipcbench rtt: sched_setaffinity: %s\n", strerror(-r));
		return 1;
	}

	for (i = 0; i < opt.n_methods; i++) {
		res[i].method = opt.order[i];
		res[i].samples = calloc(opt.iterations, sizeof(*res[i].samples));
		if (!res[i].samples) {
			fprintf(stderr, "ipcbench rtt: out of memory\n");
			failed = 1;
			goto out;
		}
	}
	sysinfo_get(&si);

	/*
	 * Round k runs the methods starting with the k-th of the list, so that
	 * each one takes every position equally often (for rounds a multiple
	 * of the number of methods).
	 */
	for (round = 0; round < opt.rounds; round++) {
		/* This round's share of the iterations; the first rounds take the rest. */
		uint64_t n = opt.iterations / opt.rounds +
			     (round < opt.iterations % opt.rounds ? 1 : 0);

		for (i = 0; i < opt.n_methods; i++) {
			RttResult *rk = &res[(round + i) % opt.n_methods];

			if (rk->error)
				continue;
			r = run_round(&opt, n, &seq, rk);
			if (r < 0) {
				rk->error = r;
				fprintf(stderr, "ipcbench rtt: %s: %s failed: %s\n", rk->method->name,
					rk->what, bindox_strerror(r));
				failed = 1;
			}
		}
	}
	for (i = 0; i < opt.n_methods; i++)
		result_finish(&res[i]);

	print_table(&opt, &si, res, opt.n_methods);
	if (opt.json) {
		RttReport rep = { .opt = &opt, .si = &si, .res = res, .n = opt.n_methods };

		/* The top object and the methods' list one member a line; each method on one. */
		r = json_write_file(opt.json, 2, write_json, &rep);
		if (r < 0) {
			fprintf(stderr, "ipcbench rtt: %s: %s\n", opt.json, strerror(-r));
			failed = 1;
		}
	}
out:
	for (i = 0; i < opt.n_methods; i++)
		free(res[i].samples);
	return failed;
}
