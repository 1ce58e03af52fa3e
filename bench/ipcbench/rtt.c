// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipcbench rtt: request/reply round trips between two processes, for
 * several IPC methods side by side in one run, at one message size or a
 * sweep of them (methods: rtt-methods.c).
 *
 *   ipcbench rtt [--iterations N] [--rounds N] [--warmup N] [--methods LIST]
 *                [--sizes LIST] [--same-cpu] [--device PATH]
 *                [--binder-device PATH] [--json FILE]
 *
 * Process layout, the same for every method: this process is the client and
 * does all the timing; the server is a child forked for the method, which
 * echoes each request back as a reply of the same size. The client fills a
 * request (every byte: the sequence number in the first 8, a byte pattern
 * of the sequence number after them) where the method wants it, then,
 * timed, sends it and waits for the reply; then it checks the reply: every
 * byte up to 64 KiB, above that the first and last bytes and one per MiB
 * (as ipcbench's paper mode checks). Each round trip is timed with
 * clock_gettime(CLOCK_MONOTONIC) on the client; calls per second is
 * N / (wall time of the timed loops, fills and checks included).
 *
 * The methods run interleaved in rounds (default 6), the order rotated each
 * round, so that slow and fast periods of the machine (a TCG guest has
 * plenty) hit every method alike; within a round every size runs in turn,
 * and each method at each size starts a fresh server and warms up first.
 * The N timed round trips of a method and size are split over the rounds
 * and reported together; the spread of the per-round medians is shown too.
 * Above 64 KiB, N and the warm-up shrink in proportion to the size (at
 * least one round trip per round), so that each size moves about as many
 * bytes as 64 KiB does.
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
#define DEFAULT_METHODS "bindox-inline,uds,pipe,binder,futex"
#define DEFAULT_BINDER_DEVICE "/dev/binder"
#define MAX_METHODS 16U
#define MAX_SIZES 16U
#define MAX_SIZE (1ULL << 30)
#define SCALE_FROM (64U * 1024U)	/* above: fewer iterations, in proportion */
#define RATIO_BASE "uds"		/* ratios within the run are against it */

typedef struct RttOptions {
	uint64_t iterations;	/* timed round trips per method, over all rounds */
	uint64_t warmup;	/* untimed round trips per method and round */
	unsigned int rounds;
	bool same_cpu;
	const char *device;
	const char *binder_device;
	const char *json;
	const RttMethod *order[MAX_METHODS];
	unsigned int n_methods;
	bool methods_given;
	uint64_t sizes[MAX_SIZES];
	unsigned int n_sizes;
} RttOptions;

typedef struct RttResult {
	const RttMethod *method;
	size_t size;
	uint64_t iterations;		/* timed round trips wanted */
	uint64_t warmup;		/* per round */
	bool not_possible;		/* above the method's max_size */
	int error;			/* 0, or the negative errno that stopped it */
	const char *what;		/* which step failed */
	/* Accumulated over the rounds. */
	uint64_t *samples;		/* iterations slots, ns */
	uint64_t n_samples;
	uint64_t loop_ns;		/* wall time of the timed loops */
	uint64_t client_syscalls;
	uint64_t server_syscalls, server_rounds;
	Spread round_p50_us;		/* the medians of the rounds */
	/* Final figures. */
	unsigned int design_client, design_server;
	Summary ns;
	double client_per_rt, server_per_rt;
	double calls_per_sec;
} RttResult;

/* One size of the run: its buffers and a result per method. */
typedef struct RttSize {
	size_t size;
	uint8_t *req_buf, *rep_buf;
	RttResult res[MAX_METHODS];
} RttSize;

static double us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

/* Round trips at @size for @base at 64 KiB and below; at least @min. */
static uint64_t scaled(uint64_t base, size_t size, uint64_t min)
{
	uint64_t n = base;

	if (size > SCALE_FROM)
		n = (uint64_t)((double)base * SCALE_FROM / (double)size);
	return n < min ? min : n;
}

/* Request @seq: its number in the first 8 bytes, its pattern after them. */
static void fill_request(uint8_t *req, size_t size, uint64_t seq)
{
	if (size < sizeof(seq)) {
		fill_message(req, size, client_tag(seq));
		return;
	}
	memcpy(req, &seq, sizeof(seq));
	fill_message(req + sizeof(seq), size - sizeof(seq), client_tag(seq));
}

static bool check_reply(const uint8_t *rep, size_t size, uint64_t seq)
{
	if (size < sizeof(seq))
		return check_message(rep, size, client_tag(seq));
	return memcmp(rep, &seq, sizeof(seq)) == 0 &&
	       check_message(rep + sizeof(seq), size - sizeof(seq), client_tag(seq));
}

/* One round trip with its fill before and its check after; *@ns: its time. */
static int timed_round_trip(const RttMethod *m, RttCtx *ctx, uint64_t seq, uint64_t *ns)
{
	const uint8_t *rep = NULL;
	uint8_t *req = m->request(ctx);
	int64_t a, b;
	int r;

	if (!req)
		return -EBADMSG;
	fill_request(req, ctx->size, seq);
	a = now_ns();
	r = m->round_trip(ctx, &rep);
	b = now_ns();
	if (r < 0)
		return r;
	if (!check_reply(rep, ctx->size, seq))
		return -EBADMSG;
	*ns = (uint64_t)(b - a);
	return 0;
}

/*
 * One round of one method at one size: start its server, warm up, time @n
 * round trips into res->samples (after those of earlier rounds), stop the
 * server.
 */
static int run_round(const RttOptions *opt, const RttSize *sz, uint64_t n, uint64_t *seq,
		     RttResult *res)
{
	const RttMethod *m = res->method;
	RttCtx ctx = { .device = opt->device, .binder_device = opt->binder_device,
		       .size = sz->size, .req_buf = sz->req_buf, .rep_buf = sz->rep_buf,
		       .server = -1, .ctl = -1, .wfd = -1, .rfd = -1 };
	uint64_t *samples = res->samples + res->n_samples;
	RttServerReport srv = { 0 };
	uint64_t i, ns;
	int64_t t0, t1;
	int r, r2;

	r = m->setup(&ctx);
	if (r < 0) {
		res->what = "setup";
		goto out;
	}
	for (i = 0; i < res->warmup; i++, (*seq)++) {
		r = timed_round_trip(m, &ctx, *seq, &ns);
		if (r < 0) {
			res->what = "warm-up round trip";
			goto out;
		}
	}

	ctx.client_syscalls = 0;
	t0 = now_ns();
	for (i = 0; i < n; i++, (*seq)++) {
		r = timed_round_trip(m, &ctx, *seq, &samples[i]);
		if (r < 0) {
			res->what = "round trip";
			goto out;
		}
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

	res->method->design(res->size, &res->design_client, &res->design_server);
	if (res->error || res->not_possible || summarize(res->samples, n, &res->ns) < 0)
		return;
	res->calls_per_sec = (double)n * 1e9 / (double)res->loop_ns;
	res->client_per_rt = (double)res->client_syscalls / (double)n;
	if (res->server_rounds)
		res->server_per_rt = (double)res->server_syscalls / (double)res->server_rounds;
}

static bool result_ok(const RttResult *r)
{
	return r->error == 0 && !r->not_possible && r->n_samples > 0;
}

/* ---- output ---- */

/* The result of the ratios' base method at this size, if it ran. */
static const RttResult *base_result(const RttSize *sz, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(sz->res[i].method->name, RATIO_BASE) == 0 && result_ok(&sz->res[i]))
			return &sz->res[i];
	return NULL;
}

static void print_size_table(const RttSize *sz, unsigned int n)
{
	const RttResult *base = base_result(sz, n);
	char label[32];
	unsigned int i;

	format_size(sz->size, label, sizeof(label));
	printf("%s: %" PRIu64 " timed round trips per method, %" PRIu64 " warm-up per round\n",
	       label, sz->res[0].iterations, sz->res[0].warmup);
	printf("%-13s  %-9s  %-13s  %10s  %10s  %10s  %10s  %9s  %-19s  %s\n", "method",
	       "syscalls", "counted", "p50 us", "p99 us", "mean us", "min us", "calls/s",
	       "p50 of rounds, us", "p50/" RATIO_BASE);
	printf("%-13s  %-9s  %-13s\n", "", "cli+srv", "cli+srv");
	for (i = 0; i < n; i++) {
		const RttResult *r = &sz->res[i];
		char design[24], counted[32], spread[48], ratio[16] = "-";

		snprintf(design, sizeof(design), "%u+%u", r->design_client, r->design_server);
		if (r->not_possible) {
			printf("%-13s  %-9s  not possible (%s)\n", r->method->name, "-",
			       r->method->max_size_why);
			continue;
		}
		if (r->error) {
			printf("%-13s  %-9s  FAILED (%s: %s)\n", r->method->name, design,
			       r->what ? r->what : "?", bindox_strerror(r->error));
			continue;
		}
		snprintf(counted, sizeof(counted), "%.2f+%.2f", r->client_per_rt, r->server_per_rt);
		snprintf(spread, sizeof(spread), "%.2f..%.2f", r->round_p50_us.min,
			 r->round_p50_us.max);
		if (base)
			snprintf(ratio, sizeof(ratio), "%.2fx", (double)r->ns.p50 / (double)base->ns.p50);
		printf("%-13s  %-9s  %-13s  %10.2f  %10.2f  %10.2f  %10.2f  %9.0f  %-19s  %s\n",
		       r->method->name, design, counted, us(r->ns.p50), us(r->ns.p99),
		       r->ns.mean / 1000.0, us(r->ns.min), r->calls_per_sec, spread, ratio);
	}
	printf("\n");
}

static void print_tables(const RttOptions *opt, const SysInfo *si, const RttSize *sizes)
{
	unsigned int s;

	printf("ipcbench rtt: request/reply round trips, client and server in two processes\n");
	printf("kernel %s, %ld CPUs online, clocksource %s, pinning: %s, bindox busy_poll_ns %s\n",
	       si->kernel, si->cpus, si->clocksource,
	       opt->same_cpu ? "both on CPU 0 (--same-cpu)" : "none", si->busy_poll_ns);
	printf("%u interleaved round(s) (order rotated each round; fresh server and warm-up\n"
	       "per method, size and round); p50/" RATIO_BASE ": lower is better\n\n",
	       opt->rounds);
	for (s = 0; s < opt->n_sizes; s++)
		print_size_table(&sizes[s], opt->n_methods);
	fflush(stdout);
}

static void write_ratio_json(JsonWriter *w, const RttResult *r, const RttResult *base)
{
	json_object_begin(w, "vs_" RATIO_BASE);
	json_double(w, "p50", (double)r->ns.p50 / (double)base->ns.p50, 4);
	json_double(w, "p99", (double)r->ns.p99 / (double)base->ns.p99, 4);
	json_double(w, "mean", r->ns.mean / base->ns.mean, 4);
	json_double(w, "calls_per_sec", r->calls_per_sec / base->calls_per_sec, 4);
	json_object_end(w);
}

static void write_method_json(JsonWriter *w, const RttResult *r, const RttResult *base)
{
	json_object_begin(w, NULL);
	json_string(w, "name", r->method->name);
	if (r->not_possible) {
		json_string(w, "not_possible", r->method->max_size_why);
		json_object_end(w);
		return;
	}
	json_u64(w, "syscalls_client_design", r->design_client);
	json_u64(w, "syscalls_server_design", r->design_server);
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
	if (base)
		write_ratio_json(w, r, base);
	json_object_end(w);
}

/* What write_json() writes. */
typedef struct RttReport {
	const RttOptions *opt;
	const SysInfo *si;
	const RttSize *sizes;
} RttReport;

static void write_json(JsonWriter *w, const void *ctx)
{
	const RttReport *rep = ctx;
	const RttOptions *opt = rep->opt;
	unsigned int s, i;

	json_object_begin(w, NULL);
	json_string(w, "benchmark", "rtt");
	json_u64(w, "iterations", opt->iterations);
	json_u64(w, "warmup_per_round", opt->warmup);
	json_u64(w, "rounds", opt->rounds);
	json_u64(w, "scaled_above_bytes", SCALE_FROM);
	json_bool(w, "same_cpu", opt->same_cpu);
	json_string(w, "ratios_against", RATIO_BASE);
	sysinfo_json(w, rep->si);
	json_array_begin(w, "sizes");
	for (s = 0; s < opt->n_sizes; s++) {
		const RttSize *sz = &rep->sizes[s];
		const RttResult *base = base_result(sz, opt->n_methods);

		json_object_begin(w, NULL);
		json_u64(w, "size", sz->size);
		json_u64(w, "iterations", sz->res[0].iterations);
		json_u64(w, "warmup_per_round", sz->res[0].warmup);
		json_array_begin(w, "methods");
		for (i = 0; i < opt->n_methods; i++)
			write_method_json(w, &sz->res[i], base);
		json_array_end(w);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

/* ---- options ---- */

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"Usage: ipcbench rtt [options]\n"
		"Request/reply round trips between two processes, several methods side by\n"
		"side, at one message size (64 bytes) or a sweep of sizes.\n\n"
		"  --iterations N   timed round trips per method and size, all rounds\n"
		"                   together (default %u; above 64 KiB fewer, in proportion\n"
		"                   to the size)\n"
		"  --rounds N       interleave the methods in N rounds, rotating their order,\n"
		"                   so that they share the machine's slow and fast periods\n"
		"                   (default %u)\n"
		"  --warmup N       untimed round trips per method, size and round (default\n"
		"                   %u; scaled like --iterations)\n"
		"  --methods LIST   comma-separated, in run order (default %s;\n"
		"                   with --sizes, all methods)\n"
		"  --sizes LIST     comma-separated message sizes, suffixes K M G (powers of\n"
		"                   1024), e.g. 64,1K,4K,16K,64K,256K,1M,16M (default 64)\n"
		"  --same-cpu       pin client and server to CPU 0 (default: no pinning)\n"
		"  --device PATH    bindox device (default %s)\n"
		"  --binder-device PATH  binder device (default %s)\n"
		"  --json FILE      also write the results as JSON, with each method's ratios\n"
		"                   against %s at the same size\n"
		"  -h, --help       this text\n\nMethods:\n",
		DEFAULT_ITERATIONS, DEFAULT_ROUNDS, DEFAULT_WARMUP, DEFAULT_METHODS,
		BINDOX_DEVICE_DEFAULT, DEFAULT_BINDER_DEVICE, RATIO_BASE);
	for (i = 0; i < n_rtt_methods; i++)
		fprintf(f, "  %-14s %s\n", rtt_methods[i].name, rtt_methods[i].how);
}

static int parse_methods(const char *s, RttOptions *o)
{
	char buf[256], *tok, *save = NULL;
	bool seen[MAX_METHODS] = { false };

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	o->n_methods = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int m;

		for (m = 0; m < n_rtt_methods; m++)
			if (strcmp(tok, rtt_methods[m].name) == 0)
				break;
		if (m == n_rtt_methods || m >= MAX_METHODS || seen[m])
			return -EINVAL;
		seen[m] = true;
		o->order[o->n_methods++] = &rtt_methods[m];
	}
	return o->n_methods ? 0 : -EINVAL;
}

static int parse_sizes(const char *s, RttOptions *o)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	o->n_sizes = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (o->n_sizes == MAX_SIZES || parse_size(tok, &v) < 0 || v > MAX_SIZE)
			return -EINVAL;
		o->sizes[o->n_sizes++] = v;
	}
	return o->n_sizes ? 0 : -EINVAL;
}

static int all_methods(RttOptions *o)
{
	unsigned int m;

	if (n_rtt_methods > MAX_METHODS)
		return -EINVAL;
	for (m = 0; m < n_rtt_methods; m++)
		o->order[m] = &rtt_methods[m];
	o->n_methods = n_rtt_methods;
	return 0;
}

static int options_parse(int argc, char **argv, RttOptions *o)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "methods", required_argument, NULL, 'm' },
		{ "sizes", required_argument, NULL, 'z' },
		{ "same-cpu", no_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "binder-device", required_argument, NULL, 'b' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool sizes_given = false;
	uint64_t v;
	int c;

	*o = (RttOptions){ .iterations = DEFAULT_ITERATIONS, .warmup = DEFAULT_WARMUP,
			   .rounds = DEFAULT_ROUNDS, .device = BINDOX_DEVICE_DEFAULT,
			   .binder_device = DEFAULT_BINDER_DEVICE,
			   .sizes = { RTT_DEFAULT_SIZE }, .n_sizes = 1 };
	if (parse_methods(DEFAULT_METHODS, o) < 0)
		return -EINVAL;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			/* Bounded so that the sample arrays stay reasonable. */
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
			o->methods_given = true;
			break;
		case 'z':
			if (parse_sizes(optarg, o) < 0)
				return -EINVAL;
			sizes_given = true;
			break;
		case 's':
			o->same_cpu = true;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'b':
			o->binder_device = optarg;
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
	if (sizes_given && !o->methods_given && all_methods(o) < 0)
		return -EINVAL;
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

static void sizes_free(RttSize *sizes, unsigned int n_sizes)
{
	unsigned int s, i;

	for (s = 0; s < n_sizes; s++) {
		for (i = 0; i < MAX_METHODS; i++)
			free(sizes[s].res[i].samples);
		unmap_buffer(sizes[s].req_buf, sizes[s].size);
		unmap_buffer(sizes[s].rep_buf, sizes[s].size);
	}
	free(sizes);
}

/* The client's buffers and an empty result per method, for every size. */
static int sizes_new(const RttOptions *opt, RttSize **out)
{
	RttSize *sizes = calloc(opt->n_sizes, sizeof(*sizes));
	unsigned int s, i;

	if (!sizes)
		return -ENOMEM;
	for (s = 0; s < opt->n_sizes; s++) {
		RttSize *sz = &sizes[s];

		sz->size = opt->sizes[s];
		sz->req_buf = map_buffer(sz->size);
		sz->rep_buf = map_buffer(sz->size);
		if (!sz->req_buf || !sz->rep_buf)
			goto fail;
		for (i = 0; i < opt->n_methods; i++) {
			RttResult *r = &sz->res[i];
			size_t max = opt->order[i]->max_size;

			r->method = opt->order[i];
			r->size = sz->size;
			r->iterations = scaled(opt->iterations, sz->size, opt->rounds);
			r->warmup = opt->warmup ? scaled(opt->warmup, sz->size, 1) : 0;
			r->not_possible = max && sz->size > max;
			r->samples = calloc(r->iterations, sizeof(*r->samples));
			if (!r->samples)
				goto fail;
		}
	}
	*out = sizes;
	return 0;
fail:
	sizes_free(sizes, opt->n_sizes);
	return -ENOMEM;
}

int rtt_main(int argc, char **argv)
{
	RttSize *sizes = NULL;
	RttOptions opt;
	SysInfo si;
	unsigned int i, s, round;
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
	if (sizes_new(&opt, &sizes) < 0) {
		fprintf(stderr, "ipcbench rtt: out of memory\n");
		return 1;
	}
	sysinfo_get(&si);

	/*
	 * Round k runs the methods starting with the k-th of the list, so that
	 * each one takes every position equally often (for rounds a multiple
	 * of the number of methods).
	 */
	for (round = 0; round < opt.rounds; round++) {
		for (s = 0; s < opt.n_sizes; s++) {
			for (i = 0; i < opt.n_methods; i++) {
				RttResult *rk = &sizes[s].res[(round + i) % opt.n_methods];
				/* This round's share; the first rounds take the rest. */
				uint64_t n = rk->iterations / opt.rounds +
					     (round < rk->iterations % opt.rounds ? 1 : 0);

				if (rk->error || rk->not_possible)
					continue;
				r = run_round(&opt, &sizes[s], n, &seq, rk);
				if (r < 0) {
					rk->error = r;
					fprintf(stderr, "ipcbench rtt: %s at %zu bytes: %s failed: %s\n",
						rk->method->name, rk->size, rk->what,
						bindox_strerror(r));
					failed = 1;
				}
			}
		}
	}
	for (s = 0; s < opt.n_sizes; s++)
		for (i = 0; i < opt.n_methods; i++)
			result_finish(&sizes[s].res[i]);

	print_tables(&opt, &si, sizes);
	if (opt.json) {
		RttReport rep = { .opt = &opt, .si = &si, .sizes = sizes };

		/* Down to the methods' lists one member a line; each method on one. */
		r = json_write_file(opt.json, 4, write_json, &rep);
		if (r < 0) {
			fprintf(stderr, "ipcbench rtt: %s: %s\n", opt.json, strerror(-r));
			failed = 1;
		}
	}
	sizes_free(sizes, opt.n_sizes);
	return failed;
}
