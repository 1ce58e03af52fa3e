// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipcbench tput: throughput of one server with a pool of worker threads
 * under 1..N concurrent client processes, for several methods in one run
 * (methods: tput-methods.c, tput-binder.c).
 *
 *   ipcbench tput [--clients LIST] [--sizes LIST] [--kinds LIST]
 *                 [--methods LIST] [--seconds S] [--warmup S] [--rounds N] [--workers N]
 *                 [--client-uid UID] [--device PATH] [--binder-device PATH] [--json FILE]
 *
 * One measurement (a method, a kind, a size, a number of clients C): this
 * process, the orchestrator, starts the server (a child with its worker
 * threads) and C client children. Each client connects, reports that it is
 * ready and waits for the start (end of file on a shared pipe); then it
 * does calls (or sends one-way messages) back to back until the stop flag
 * in shared memory is set, counting in shared memory what it did. The
 * orchestrator lets them run for the warm-up, reads every counter, sleeps
 * for the measured window, reads them again and sets the stop flag: rates
 * are counter differences over the window's length, without any clock read
 * in the clients. Calls: answered calls per second, summed over the
 * clients. One-way: messages the server received per second (what the
 * clients sent but the server had not taken at the end does not count).
 *
 * Every call's request carries the client's sequence number and a pattern;
 * the client checks that the reply is its echo. The measurements of one
 * (kind, size, clients) run the methods back to back, so that the ratios
 * between methods are within a short stretch of the machine's time; and
 * each round runs every point in turn, so that the machine's slow and fast
 * periods fall on all points alike, and a point's rate can be compared
 * with another's of the same round.
 */
#define _GNU_SOURCE
#include "tput.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <bindox/bindox.h>

#include "child.h"
#include "json.h"
#include "stats.h"
#include "sysinfo.h"
#include "util.h"

#define MAX_LIST 8U
#define MAX_ROUNDS 15U
#define STATUS_TIMEOUT_MS 30000

static const TputMethod *const all_methods[] = {
	&tput_method_bindox,
	&tput_method_uds,
	&tput_method_binder,
};
#define N_ALL_METHODS (sizeof(all_methods) / sizeof(all_methods[0]))

typedef struct TputOptions {
	unsigned int clients[MAX_LIST], n_clients;
	uint64_t sizes[MAX_LIST];
	unsigned int n_sizes;
	bool kinds[2];			/* [0] calls, [1] one-way */
	const TputMethod *methods[N_ALL_METHODS];
	unsigned int n_methods;
	double seconds, warmup;
	unsigned int rounds;
	unsigned int workers;		/* 0: as many as clients */
	int64_t client_uid;		/* -1: the clients keep the caller's */
	const char *device, *binder_device;
	const char *json;
} TputOptions;

/* One measurement's figures. */
typedef struct TputResult {
	const TputMethod *method;
	bool oneway;
	uint64_t size;
	unsigned int clients, workers;
	int error;
	const char *what;
	double per_sec;			/* calls answered, or messages the server received */
	double sent_per_sec;		/* one-way: messages the clients sent */
	double client_min, client_max;	/* per client, per second */
	uint64_t retries;		/* one-way sends refused as full */
	double setup_s, teardown_s;	/* start to the go, stop to all reaped */
	double round_min, round_max;	/* per_sec of the slowest and fastest round */
	double over_uds, over_binder;	/* bindox: paired_ratio()'s median, or NaN */
} TputResult;

/* A point beyond the CPU count against the one within it, per round. */
typedef struct TputScaling {
	const TputResult *point;	/* the method's summary at the point */
	unsigned int ref_clients;	/* the most clients within the CPU count */
	double median, min, max;	/* of the rounds' ratios */
} TputScaling;

/* ---- helpers for the methods' processes ---- */

void tput_send_status(int ctl, int status)
{
	int32_t s = status;

	(void)write_full(ctl, &s, sizeof(s));
}

int tput_wait_eof(int fd)
{
	char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

void *tput_client_alloc(const TputParams *p, size_t bytes)
{
	TputClientBase *b = calloc(1, bytes);

	if (b) {
		b->size = p->size;
		b->oneway = p->oneway;
	}
	return b;
}

/* A child's status from its control pipe, waiting at most STATUS_TIMEOUT_MS. */
static int recv_status(int ctl)
{
	int32_t status;
	int r = wait_fd(ctl, POLLIN, STATUS_TIMEOUT_MS);

	if (r < 0)
		return r;
	r = read_full(ctl, &status, sizeof(status));
	if (r <= 0)
		return r < 0 ? r : -ECHILD;
	return status;
}

/* ---- the children ---- */

static const char *kind_name(bool oneway)
{
	return oneway ? "oneway" : "call";
}

/* The pipe ends a child must not keep: the orchestrator's ends. */
typedef struct ChildArg {
	const TputMethod *m;
	const TputParams *p;
	TputShared *sh;
	unsigned int idx;	/* clients: which one */
	int go_r;		/* end of file: start */
	int stop_r;		/* the server: end of file: stop */
	int orch_fds[2];	/* the orchestrator's write ends of both */
} ChildArg;

static void close_orchestrator_ends(const ChildArg *a)
{
	close(a->orch_fds[0]);
	close(a->orch_fds[1]);
}

static int server_main(void *arg, int ctl)
{
	const ChildArg *a = arg;

	close_orchestrator_ends(a);
	close(a->go_r);
	return a->m->serve(a->p, a->sh, ctl, a->stop_r);
}

static void fill_request(uint8_t *req, size_t size, uint64_t seq)
{
	size_t i;

	memcpy(req, &seq, sizeof(seq));
	for (i = sizeof(seq); i < size; i++)
		req[i] = (uint8_t)(seq + i);
}

static int client_main(void *arg, int ctl)
{
	const ChildArg *a = arg;
	const TputParams *p = a->p;
	_Atomic uint64_t *done = &a->sh->done[a->idx].n;
	TputClient *c = NULL;
	uint8_t *req = NULL, *rep = NULL;
	uint64_t seq = 0;
	int r;

	close_orchestrator_ends(a);
	close(a->stop_r);
	req = malloc(p->size);
	rep = malloc(p->size);
	r = req && rep ? 0 : -ENOMEM;
	/* Before connecting: the driver counts a file's messages by its opener's uid. */
	if (r >= 0 && p->client_uid >= 0 &&
	    (setgroups(0, NULL) < 0 || setgid((gid_t)p->client_uid) < 0 ||
	     setuid((uid_t)p->client_uid) < 0))
		r = -errno;
	if (r >= 0)
		r = a->m->connect(p, &c);
	tput_send_status(ctl, r);
	if (r >= 0)
		r = tput_wait_eof(a->go_r);
	while (r >= 0 && !atomic_load_explicit(&a->sh->stop, memory_order_relaxed)) {
		fill_request(req, p->size, seq);
		r = a->m->op(c, req, rep);
		if (r == -EAGAIN) {
			/* One-way queue full: let the server run, then try again. */
			atomic_fetch_add_explicit(&a->sh->retries[a->idx].n, 1,
						  memory_order_relaxed);
			sched_yield();
			r = 0;
			continue;
		}
		if (r >= 0 && !p->oneway && memcmp(req, rep, p->size) != 0)
			r = -EBADMSG;
		if (r >= 0)
			atomic_store_explicit(done, ++seq, memory_order_relaxed);
	}
	if (c)
		a->m->close(c);
	free(req);
	free(rep);
	return r;
}

/* ---- one measurement ---- */

static void sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s,
			       .tv_nsec = (long)((s - (double)(time_t)s) * 1e9) };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* Every counter at once (as nearly as the loop allows). */
static void snapshot(const TputShared *sh, unsigned int clients, uint64_t *done, uint64_t *served)
{
	unsigned int i;

	*served = atomic_load(&sh->served.n);
	for (i = 0; i < clients; i++)
		done[i] = atomic_load(&sh->done[i].n);
}

static int run_one(const TputOptions *opt, TputShared *sh, TputResult *res)
{
	const TputMethod *m = res->method;
	TputParams p = { .device = opt->device, .binder_device = opt->binder_device,
			 .size = res->size, .oneway = res->oneway, .clients = res->clients,
			 .workers = res->workers, .client_uid = opt->client_uid };
	pid_t aux = -1, server = -1, clients[TPUT_MAX_CLIENTS];
	int srv_ctl = -1, cli_ctl[TPUT_MAX_CLIENTS], go[2] = { -1, -1 }, stop[2] = { -1, -1 };
	uint64_t done0[TPUT_MAX_CLIENTS], done1[TPUT_MAX_CLIENTS], served0, served1, sum = 0;
	ChildArg arg = { .m = m, .p = &p, .sh = sh };
	unsigned int i, n = res->clients;
	int64_t start = now_ns(), t0, t1 = 0;
	double dt;
	int r = 0, r2;

	for (i = 0; i < n; i++) {
		clients[i] = -1;
		cli_ctl[i] = -1;
	}
	memset(sh, 0, sizeof(*sh));
	if (m->prepare) {
		r = m->prepare(&p, &aux);
		if (r < 0) {
			res->what = "setup";
			goto out;
		}
	}
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(stop, O_CLOEXEC) < 0) {
		r = -errno;
		res->what = "pipe";
		goto out;
	}
	arg.go_r = go[0];
	arg.stop_r = stop[0];
	arg.orch_fds[0] = go[1];
	arg.orch_fds[1] = stop[1];

	server = spawn_child(server_main, &arg, NULL, &srv_ctl);
	r = server < 0 ? (int)server : recv_status(srv_ctl);
	if (r < 0) {
		res->what = "server setup";
		goto out;
	}
	for (i = 0; i < n; i++) {
		arg.idx = i;
		clients[i] = spawn_child(client_main, &arg, NULL, &cli_ctl[i]);
		if (clients[i] < 0) {
			r = (int)clients[i];
			res->what = "starting a client";
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		r = recv_status(cli_ctl[i]);
		if (r < 0) {
			res->what = "client connect";
			goto out;
		}
	}
	r = reap_child(&aux, false);
	if (r < 0) {
		res->what = "setup helper";
		goto out;
	}

	close_fd(&go[1]);	/* start */
	res->setup_s = (double)(now_ns() - start) / 1e9;
	sleep_s(opt->warmup);
	snapshot(sh, n, done0, &served0);
	t0 = now_ns();
	sleep_s(opt->seconds);
	snapshot(sh, n, done1, &served1);
	t1 = now_ns();
	atomic_store(&sh->stop, 1);

	dt = (double)(t1 - t0) / 1e9;
	for (i = 0; i < n; i++) {
		double rate = (double)(done1[i] - done0[i]) / dt;

		sum += done1[i] - done0[i];
		if (i == 0 || rate < res->client_min)
			res->client_min = rate;
		if (i == 0 || rate > res->client_max)
			res->client_max = rate;
		res->retries += atomic_load(&sh->retries[i].n);
	}
	res->sent_per_sec = (double)sum / dt;
	res->per_sec = res->oneway ? (double)(served1 - served0) / dt : res->sent_per_sec;

out:
	/* Clients first: they end at the stop flag (or are killed on failure). */
	if (r < 0)
		atomic_store(&sh->stop, 1);
	for (i = 0; i < n; i++) {
		r2 = reap_child(&clients[i], r < 0);
		if (r >= 0 && r2 < 0) {
			r = r2;
			res->what = "a client failed";
		}
		close_fd(&cli_ctl[i]);
	}
	close_fd(&go[1]);
	close_fd(&stop[1]);	/* the server stops */
	r2 = reap_child(&server, r < 0);
	if (r >= 0 && r2 < 0) {
		r = r2;
		res->what = "server exit status";
	}
	(void)reap_child(&aux, true);
	close_fd(&srv_ctl);
	close_fd(&go[0]);
	close_fd(&stop[0]);
	if (t1)
		res->teardown_s = (double)(now_ns() - t1) / 1e9;
	res->error = r < 0 ? r : 0;
	return r;
}

/*
 * Every point's methods once: the order rotated by @round so that each
 * method takes every place in turn. @all has the round's slots
 * [point][method]; @out the points' summaries, where a method that failed
 * once keeps its error and is not run again.
 */
static int run_round(const TputOptions *opt, TputShared *sh, TputResult *out, TputResult *all,
		     unsigned int n_points, unsigned int round)
{
	unsigned int p, i, mi, n = opt->n_methods;
	int failed = 0;

	for (p = 0; p < n_points; p++) {
		for (i = 0; i < n; i++) {
			TputResult *t;

			mi = (round + i) % n;
			t = &all[p * n + mi];
			if (out[p * n + mi].error)
				continue;
			*t = out[p * n + mi];
			if (run_one(opt, sh, t) < 0) {
				out[p * n + mi] = *t;
				fprintf(stderr, "ipcbench tput: %s %s %" PRIu64 " B, %u clients: %s: %s\n",
					t->method->name, kind_name(t->oneway), t->size, t->clients,
					t->what, bindox_strerror(t->error));
				failed = -1;
			}
		}
	}
	return failed;
}

/*
 * A method's result at a point: its median round (of an even number, the
 * upper one), with the range of its rounds. @rounds are the point's
 * slots in each round, @stride apart.
 */
static void summarize_point(TputResult *out, const TputResult *rounds, size_t stride,
		      unsigned int n_rounds)
{
	double rates[MAX_ROUNDS];
	unsigned int i;

	for (i = 0; i < n_rounds; i++)
		rates[i] = rounds[i * stride].per_sec;
	sort_double(rates, n_rounds);
	/* The round whose rate is the median: its clients' range goes with it. */
	for (i = 0; rounds[i * stride].per_sec != rates[n_rounds / 2]; i++)
		;
	*out = rounds[i * stride];
	out->round_min = rates[0];
	out->round_max = rates[n_rounds - 1];
}

/*
 * The rate of slot @a over slot @b round by round (@all's rounds @stride
 * apart): the median of those ratios, and their range. Two slots of one
 * round were measured close in time, so the ratio is not the host's drift
 * between rounds, where a ratio of two medians can pair a slow round of
 * one with a fast round of the other.
 */
static void paired_ratio(const TputResult *all, size_t stride, unsigned int n_rounds, size_t a,
			 size_t b, double *median, double *min, double *max)
{
	double ratios[MAX_ROUNDS];
	unsigned int r;

	for (r = 0; r < n_rounds; r++) {
		const TputResult *x = &all[r * stride + a], *y = &all[r * stride + b];

		ratios[r] = y->per_sec > 0 ? x->per_sec / y->per_sec : 0;
	}
	sort_double(ratios, n_rounds);
	*median = ratios[n_rounds / 2];
	if (min)
		*min = ratios[0];
	if (max)
		*max = ratios[n_rounds - 1];
}

/* The index of method @name in opt->methods, or -1. */
static int method_index(const TputOptions *opt, const char *name)
{
	unsigned int i;

	for (i = 0; i < opt->n_methods; i++)
		if (strcmp(opt->methods[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* Bindox against uds and binder at every point, round by round. */
static void compute_bindox_ratios(const TputOptions *opt, TputResult *res, const TputResult *all,
				  unsigned int n_points)
{
	int b = method_index(opt, "bindox"), u = method_index(opt, "uds");
	int d = method_index(opt, "binder");
	unsigned int p, n = opt->n_methods;
	size_t stride = (size_t)n_points * n;

	if (b < 0)
		return;
	for (p = 0; p < n_points; p++) {
		TputResult *r = &res[p * n + b];

		r->over_uds = r->over_binder = NAN;
		if (r->error)
			continue;
		if (u >= 0 && !res[p * n + u].error)
			paired_ratio(all, stride, opt->rounds, p * n + b, p * n + u, &r->over_uds,
				     NULL, NULL);
		if (d >= 0 && !res[p * n + d].error)
			paired_ratio(all, stride, opt->rounds, p * n + b, p * n + d,
				     &r->over_binder, NULL, NULL);
	}
}

/*
 * Each point beyond the CPU count against the same kind, size and method
 * at the most clients within it, round by round. Fills @sc; returns how
 * many.
 */
static unsigned int compute_scaling(const TputOptions *opt, long cpus, const TputResult *res,
				    const TputResult *all, unsigned int n_points,
				    TputScaling *sc)
{
	unsigned int p, q, ref, mi, n = opt->n_methods, k = 0;
	size_t stride = (size_t)n_points * n;

	for (p = 0; p < n_points; p++) {
		const TputResult *pt = &res[p * n];

		if (pt->clients <= cpus)
			continue;
		ref = n_points;
		for (q = 0; q < n_points; q++) {
			const TputResult *qt = &res[q * n];

			if (qt->oneway == pt->oneway && qt->size == pt->size &&
			    qt->clients <= cpus &&
			    (ref == n_points || qt->clients > res[ref * n].clients))
				ref = q;
		}
		if (ref == n_points)
			continue;
		for (mi = 0; mi < n; mi++) {
			if (res[p * n + mi].error || res[ref * n + mi].error)
				continue;
			sc[k] = (TputScaling){ .point = &res[p * n + mi],
					       .ref_clients = res[ref * n].clients };
			paired_ratio(all, stride, opt->rounds, p * n + mi, ref * n + mi,
				     &sc[k].median, &sc[k].min, &sc[k].max);
			k++;
		}
	}
	return k;
}

/* ---- output ---- */

static void print_ratio(const char *label, double v)
{
	if (v == v)
		printf("  %s %.2fx", label, v);
}

static void print_scaling(const TputScaling *sc, unsigned int n, long cpus)
{
	unsigned int i;

	if (!n)
		return;
	printf("\nbeyond the %ld CPUs: each round's rate over the same round's with the\n"
	       "most clients within them (median of the rounds, and their range)\n", cpus);
	printf("%-6s  %5s  %7s  %-7s  %8s  %s\n", "kind", "size", "clients", "method", "against",
	       "ratio");
	for (i = 0; i < n; i++) {
		const TputResult *r = sc[i].point;

		printf("%-6s  %5" PRIu64 "  %7u  %-7s  %8u  %.2fx (%.2f..%.2f)\n",
		       kind_name(r->oneway), r->size, r->clients, r->method->name,
		       sc[i].ref_clients, sc[i].median, sc[i].min, sc[i].max);
	}
}

static void print_results(const TputOptions *opt, const SysInfo *si, const TputResult *res,
			  unsigned int n, const TputScaling *sc, unsigned int n_sc)
{
	unsigned int i;

	printf("ipcbench tput: one server with a worker pool, 1..%u client processes\n",
	       opt->clients[opt->n_clients - 1]);
	printf("kernel %s, %ld CPUs online; %.2f s measured after %.2f s warm-up, %u round(s)\n"
	       "per point (each method's median round shown; a ratio is the median of\n"
	       "the rounds' ratios, both methods measured back to back in each)\n",
	       si->kernel, si->cpus, opt->seconds, opt->warmup, opt->rounds);
	printf("workers: %s; bindox busy_poll_ns %s\n",
	       opt->workers ? "fixed (--workers)" : "as many as clients", si->busy_poll_ns);
	if (opt->client_uid >= 0)
		printf("clients as uid and gid %" PRId64 "\n", opt->client_uid);
	printf("\n");
	printf("%-6s  %5s  %7s  %-7s  %10s  %17s  %17s  %s\n", "kind", "size", "clients",
	       "method", "per second", "rounds min..max", "per client /s", "ratios");
	for (i = 0; i < n; i++) {
		const TputResult *r = &res[i];

		printf("%-6s  %5" PRIu64 "  %7u  %-7s  ", kind_name(r->oneway), r->size, r->clients,
		       r->method->name);
		if (r->error) {
			printf("FAILED (%s: %s)\n", r->what ? r->what : "?",
			       bindox_strerror(r->error));
			continue;
		}
		printf("%10.0f  %8.0f..%-7.0f  %8.0f..%-7.0f", r->per_sec, r->round_min,
		       r->round_max, r->client_min, r->client_max);
		if (strcmp(r->method->name, "bindox") == 0) {
			print_ratio("bindox/uds", r->over_uds);
			print_ratio("bindox/binder", r->over_binder);
		}
		if (r->oneway)
			printf("  (sent %.0f/s, %" PRIu64 " full)", r->sent_per_sec, r->retries);
		printf("\n");
	}
	print_scaling(sc, n_sc, si->cpus);
	fflush(stdout);
}

static void write_result_json(JsonWriter *w, const TputResult *r)
{
	json_object_begin(w, NULL);
	json_string(w, "kind", kind_name(r->oneway));
	json_u64(w, "size", r->size);
	json_u64(w, "clients", r->clients);
	json_u64(w, "workers", r->workers);
	json_string(w, "method", r->method->name);
	if (r->error) {
		json_error(w, r->what, r->error);
		json_object_end(w);
		return;
	}
	json_double(w, "per_sec", r->per_sec, 1);
	json_double(w, "client_min_per_sec", r->client_min, 1);
	json_double(w, "client_max_per_sec", r->client_max, 1);
	json_double(w, "fairness_min_over_max",
		    r->client_max > 0 ? r->client_min / r->client_max : NAN, 3);
	if (r->oneway) {
		json_double(w, "sent_per_sec", r->sent_per_sec, 1);
		json_u64(w, "sends_refused_full", r->retries);
	}
	json_double(w, "rounds_min_per_sec", r->round_min, 1);
	json_double(w, "rounds_max_per_sec", r->round_max, 1);
	json_double(w, "setup_s", r->setup_s, 3);
	json_double(w, "teardown_s", r->teardown_s, 3);
	json_object_end(w);
}

/* What write_json() writes. */
typedef struct TputReport {
	const TputOptions *opt;
	const SysInfo *si;
	const TputResult *res;
	unsigned int n;
	const TputScaling *scaling;
	unsigned int n_scaling;
} TputReport;

static void write_json(JsonWriter *w, const void *ctx)
{
	const TputReport *rep = ctx;
	const TputOptions *opt = rep->opt;
	const TputResult *res = rep->res;
	unsigned int i, n = rep->n;

	json_object_begin(w, NULL);
	json_string(w, "benchmark", "tput");
	json_double(w, "seconds", opt->seconds, 3);
	json_double(w, "warmup_seconds", opt->warmup, 3);
	json_u64(w, "rounds", opt->rounds);
	json_string(w, "workers", opt->workers ? "fixed" : "as many as clients");
	json_i64(w, "client_uid", opt->client_uid);
	sysinfo_json(w, rep->si);
	json_array_begin(w, "methods");
	for (i = 0; i < opt->n_methods; i++) {
		json_object_begin(w, NULL);
		json_string(w, "name", opt->methods[i]->name);
		json_string(w, "server", opt->methods[i]->server_how);
		json_object_end(w);
	}
	json_array_end(w);
	json_array_begin(w, "results");
	for (i = 0; i < n; i++)
		write_result_json(w, &res[i]);
	json_array_end(w);
	/* Bindox against the others, per point, within this run. */
	json_array_begin(w, "ratios");
	for (i = 0; i < n; i++) {
		if (strcmp(res[i].method->name, "bindox") != 0)
			continue;
		json_object_begin(w, NULL);
		json_string(w, "kind", kind_name(res[i].oneway));
		json_u64(w, "size", res[i].size);
		json_u64(w, "clients", res[i].clients);
		json_double(w, "bindox_over_uds", res[i].over_uds, 3);
		json_double(w, "bindox_over_binder", res[i].over_binder, 3);
		json_object_end(w);
	}
	json_array_end(w);
	/* Each point beyond the CPUs against the most clients within them. */
	json_array_begin(w, "beyond_cpus");
	for (i = 0; i < rep->n_scaling; i++) {
		const TputScaling *sc = &rep->scaling[i];

		json_object_begin(w, NULL);
		json_string(w, "kind", kind_name(sc->point->oneway));
		json_u64(w, "size", sc->point->size);
		json_u64(w, "clients", sc->point->clients);
		json_string(w, "method", sc->point->method->name);
		json_u64(w, "against_clients", sc->ref_clients);
		json_double(w, "ratio_median", sc->median, 3);
		json_double(w, "ratio_min", sc->min, 3);
		json_double(w, "ratio_max", sc->max, 3);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

/* ---- options ---- */

#define DEFAULT_CLIENTS "1,2,4,8,16"
#define DEFAULT_SIZES "64,4096"
#define DEFAULT_KINDS "call,oneway"
#define DEFAULT_METHODS "bindox,uds,binder"
#define DEFAULT_SECONDS 0.5
#define DEFAULT_WARMUP 0.15
/* At least the sequence number; at most what bindox sends inline. */
#define MIN_SIZE sizeof(uint64_t)
#define MAX_SIZE (256U * 1024U)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ipcbench tput [options]\n"
		"Throughput of one server with a pool of worker threads under concurrent\n"
		"client processes: bindox, UNIX stream socket (uds) and binder, side by side.\n\n"
		"  --clients LIST   numbers of client processes (default %s; max %u)\n"
		"  --sizes LIST     request (and reply) sizes in bytes (default %s)\n"
		"  --kinds LIST     call (request and reply), oneway (no reply)\n"
		"                   (default %s)\n"
		"  --methods LIST   in run order (default %s)\n"
		"  --seconds S      measured window per point (default %.2f)\n"
		"  --warmup S       running before the window opens (default %.2f)\n"
		"  --rounds N       measure every point N times (at most %u): each round\n"
		"                   runs all points in turn, the methods' order rotated\n"
		"                   per round; report each method's median round, the\n"
		"                   range of its rounds, and each point beyond the CPU\n"
		"                   count over the same round's within it (default 1)\n"
		"  --workers N      server threads (default: as many as clients)\n"
		"  --client-uid UID the clients drop to UID (and gid UID) before they\n"
		"                   connect, as a container's would (bindox only: its\n"
		"                   device must be open to UID; default: the caller's)\n"
		"  --device PATH    bindox device (default %s)\n"
		"  --binder-device PATH  binder device (default /dev/binder)\n"
		"  --json FILE      also write the results as JSON\n"
		"  -h, --help       this text\n",
		DEFAULT_CLIENTS, TPUT_MAX_CLIENTS, DEFAULT_SIZES, DEFAULT_KINDS, DEFAULT_METHODS,
		DEFAULT_SECONDS, DEFAULT_WARMUP, MAX_ROUNDS, BINDOX_DEVICE_DEFAULT);
}

/* A comma-separated list of numbers in [@min, @max], at most MAX_LIST. */
static int parse_numbers(const char *s, uint64_t min, uint64_t max, uint64_t *out,
			 unsigned int *n)
{
	char buf[128], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_LIST || parse_u64(tok, min, max, &out[*n]) < 0)
			return -EINVAL;
		(*n)++;
	}
	return *n ? 0 : -EINVAL;
}

/* Each name of the comma-separated @s is one of @names; sets @chosen[i]. */
static int parse_names(const char *s, const char *const *names, unsigned int n_names,
		       bool *chosen, unsigned int *order, unsigned int *n_order)
{
	char buf[128], *tok, *save = NULL;
	unsigned int i;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	memset(chosen, 0, n_names * sizeof(*chosen));
	*n_order = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n_names && strcmp(tok, names[i]) != 0; i++)
			;
		if (i == n_names || chosen[i])
			return -EINVAL;
		chosen[i] = true;
		order[(*n_order)++] = i;
	}
	return *n_order ? 0 : -EINVAL;
}

static int parse_methods(const char *s, TputOptions *o)
{
	const char *names[N_ALL_METHODS];
	bool chosen[N_ALL_METHODS];
	unsigned int order[N_ALL_METHODS], i;
	int r;

	for (i = 0; i < N_ALL_METHODS; i++)
		names[i] = all_methods[i]->name;
	r = parse_names(s, names, N_ALL_METHODS, chosen, order, &o->n_methods);
	for (i = 0; r >= 0 && i < o->n_methods; i++)
		o->methods[i] = all_methods[order[i]];
	return r;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 3600))
		return -EINVAL;
	*out = v;
	return 0;
}

/* Say which option's value was refused; the usage follows. */
static int refused(const char *name, const char *value)
{
	fprintf(stderr, "ipcbench tput: --%s %s: refused\n", name, value);
	return -EINVAL;
}

static int options_parse(int argc, char **argv, TputOptions *o)
{
	static const struct option longopts[] = {
		{ "clients", required_argument, NULL, 'c' },
		{ "sizes", required_argument, NULL, 's' },
		{ "kinds", required_argument, NULL, 'k' },
		{ "methods", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "workers", required_argument, NULL, 'W' },
		{ "client-uid", required_argument, NULL, 'u' },
		{ "device", required_argument, NULL, 'd' },
		{ "binder-device", required_argument, NULL, 'b' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const kind_names[] = { "call", "oneway" };
	const char *clients = DEFAULT_CLIENTS, *kinds = DEFAULT_KINDS;
	uint64_t list[MAX_LIST], v;
	unsigned int order[2], n, i;
	int c, at = 0;

	*o = (TputOptions){ .seconds = DEFAULT_SECONDS, .warmup = DEFAULT_WARMUP, .rounds = 1,
			    .client_uid = -1,
			    .device = BINDOX_DEVICE_DEFAULT, .binder_device = "/dev/binder" };
	if (parse_methods(DEFAULT_METHODS, o) < 0 ||
	    parse_numbers(DEFAULT_SIZES, MIN_SIZE, MAX_SIZE, o->sizes, &o->n_sizes) < 0)
		return -EINVAL;

	while ((c = getopt_long(argc, argv, "h", longopts, &at)) != -1) {
		switch (c) {
		case 'c':
			clients = optarg;
			break;
		case 's':
			if (parse_numbers(optarg, MIN_SIZE, MAX_SIZE, o->sizes,
					  &o->n_sizes) < 0)
				return refused(longopts[at].name, optarg);
			break;
		case 'k':
			kinds = optarg;
			break;
		case 'm':
			if (parse_methods(optarg, o) < 0)
				return refused(longopts[at].name, optarg);
			break;
		case 't':
			if (parse_seconds(optarg, &o->seconds) < 0 || o->seconds == 0)
				return refused(longopts[at].name, optarg);
			break;
		case 'w':
			if (parse_seconds(optarg, &o->warmup) < 0)
				return refused(longopts[at].name, optarg);
			break;
		case 'r':
			if (parse_u64(optarg, 1, MAX_ROUNDS, &v) < 0)
				return refused(longopts[at].name, optarg);
			o->rounds = (unsigned int)v;
			break;
		case 'W':
			if (parse_u64(optarg, 1, TPUT_MAX_CLIENTS, &v) < 0)
				return refused(longopts[at].name, optarg);
			o->workers = (unsigned int)v;
			break;
		case 'u':
			/* (uid_t)-1 means "unchanged" to setuid(). */
			if (parse_u64(optarg, 0, UINT32_MAX - 1, &v) < 0)
				return refused(longopts[at].name, optarg);
			o->client_uid = (int64_t)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'd':
			o->device = optarg;
			break;
		case 'b':
			o->binder_device = optarg;
			break;
		case 'j':
			o->json = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ipcbench tput: unexpected argument %s\n", argv[optind]);
		return -EINVAL;
	}
	if (parse_numbers(clients, 1, TPUT_MAX_CLIENTS, list, &n) < 0)
		return refused("clients", clients);
	for (i = 0; i < n; i++)
		o->clients[i] = (unsigned int)list[i];
	o->n_clients = n;
	if (parse_names(kinds, kind_names, 2, o->kinds, order, &n) < 0)
		return refused("kinds", kinds);
	/* The others' servers make no endpoint another uid may open. */
	if (o->client_uid >= 0 &&
	    (o->n_methods != 1 || o->methods[0] != &tput_method_bindox)) {
		fprintf(stderr, "ipcbench tput: --client-uid takes --methods bindox alone\n");
		return -EINVAL;
	}
	return 0;
}

int tput_main(int argc, char **argv)
{
	TputOptions opt;
	TputResult *res = NULL, *all = NULL;
	TputScaling *scaling = NULL;
	TputShared *sh;
	SysInfo si;
	unsigned int n = 0, n_points = 0, n_scaling, ci, si_, k, p, mi, round;
	size_t max_slots, stride;
	int failed = 0, r;

	if (options_parse(argc, argv, &opt) < 0) {
		usage(stderr);
		return 2;
	}
	/* A server that dies must fail a write, not kill a client. */
	signal(SIGPIPE, SIG_IGN);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		fprintf(stderr, "ipcbench tput: mmap: %s\n", strerror(errno));
		return 1;
	}
	/* Every kind, size, count and method: the most one round can hold. */
	max_slots = (size_t)opt.n_clients * opt.n_sizes * 2 * opt.n_methods;
	res = calloc(max_slots, sizeof(*res));
	all = calloc(max_slots * opt.rounds, sizeof(*all));
	scaling = calloc(max_slots, sizeof(*scaling));
	if (!res || !all || !scaling) {
		fprintf(stderr, "ipcbench tput: out of memory\n");
		failed = 1;
		goto out;
	}
	sysinfo_get(&si);

	/* The points in the order of the output, each method's slot set up. */
	for (k = 0; k < 2; k++) {
		if (!opt.kinds[k])
			continue;
		for (si_ = 0; si_ < opt.n_sizes; si_++) {
			for (ci = 0; ci < opt.n_clients; ci++, n_points++) {
				for (mi = 0; mi < opt.n_methods; mi++)
					res[n++] = (TputResult){
						.method = opt.methods[mi], .oneway = k == 1,
						.size = opt.sizes[si_], .clients = opt.clients[ci],
						.workers = opt.workers ? opt.workers : opt.clients[ci] };
			}
		}
	}
	/* A round's slots: [point][method]. */
	stride = (size_t)n_points * opt.n_methods;
	for (round = 0; round < opt.rounds; round++)
		if (run_round(&opt, sh, res, &all[round * stride], n_points, round) < 0)
			failed = 1;
	for (p = 0; p < n_points; p++)
		for (mi = 0; mi < opt.n_methods; mi++)
			if (!res[p * opt.n_methods + mi].error)
				summarize_point(&res[p * opt.n_methods + mi],
						&all[p * opt.n_methods + mi], stride, opt.rounds);
	compute_bindox_ratios(&opt, res, all, n_points);
	n_scaling = compute_scaling(&opt, si.cpus, res, all, n_points, scaling);

	print_results(&opt, &si, res, n, scaling, n_scaling);
	if (opt.json) {
		TputReport rep = { .opt = &opt, .si = &si, .res = res, .n = n,
				   .scaling = scaling, .n_scaling = n_scaling };

		/* The top object and its lists one member a line; each result on one. */
		r = json_write_file(opt.json, 2, write_json, &rep);
		if (r < 0) {
			fprintf(stderr, "ipcbench tput: %s: %s\n", opt.json, strerror(-r));
			failed = 1;
		}
	}
out:
	free(scaling);
	free(all);
	free(res);
	munmap(sh, sizeof(*sh));
	return failed;
}
