// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtt: 64-byte request/reply round trips between two processes, for several
 * IPC methods side by side in one run. A benchmark, not a test.
 *
 *   rtt [--iterations N] [--rounds N] [--warmup N] [--methods LIST]
 *       [--same-cpu] [--device PATH] [--json FILE]
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
 * Methods and the system calls one round trip costs, as designed:
 *   bindox  client: 1 ioctl (BINDOX_IOC_CALL, via bindox_call())
 *           server: 1 ioctl (BINDOX_IOC_REPLY_RECV, via bindox_reply_recv():
 *                   answers the previous call and waits for the next)
 *   uds     AF_UNIX SOCK_STREAM socketpair; client write+read, server
 *           read+write
 *   pipe    two pipes; client write+read, server read+write
 * Both sides also count the syscalls (or one-ioctl library calls) they
 * actually issued, so the table shows designed and counted figures. The
 * server's count includes its first receive and its last one (end of file,
 * or the stop call) of each round, hence a little above the design.
 *
 * bindox setup (not timed): a child becomes the Coordinator (it is root in
 * the test VM) and answers the server's REGISTER and the client's LOOKUP
 * with the libbindox Coordinator helpers, then exits; if another process is
 * already the Coordinator (EBUSY), that one is used instead. The client
 * calls the handle the LOOKUP gave it. A call with no data tells the server
 * to stop; for uds and pipe, end of file does.
 *
 * --same-cpu pins every process to CPU 0 (sched_setaffinity); by default
 * nothing is pinned.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bindox/bindox.h>

#include "bench-coord.h"

#define MSG_SIZE 64U
#define DEFAULT_ITERATIONS 20000U
#define DEFAULT_WARMUP 500U
#define DEFAULT_ROUNDS 6U
/* Setup steps (REGISTER, LOOKUP) must not hang the benchmark. */
#define SETUP_TIMEOUT_NS (30LL * 1000 * 1000 * 1000)
#define SERVICE_COOKIE 1U

enum method_id { METHOD_BINDOX, METHOD_UDS, METHOD_PIPE, N_METHODS };

typedef struct Options {
	uint64_t iterations;	/* timed round trips per method, over all rounds */
	uint64_t warmup;	/* untimed round trips per method and round */
	unsigned int rounds;
	bool same_cpu;
	const char *device;
	const char *json;
	enum method_id order[N_METHODS];
	unsigned int n_methods;
} Options;

/* What one method needs while it runs; filled by its setup. */
typedef struct Ctx {
	const Options *opt;
	pid_t server;		/* the echo server child */
	int ctl;		/* read end: status and counts from the server */
	int wfd, rfd;		/* uds, pipe: client's write and read ends */
	BindoxConn *conn;	/* bindox: the client's connection */
	BindoxMsg *req, *reply;
	uint32_t handle;	/* bindox: the server's handle */
	uint64_t client_syscalls;
} Ctx;

typedef struct Method {
	const char *name;
	unsigned int design_client;	/* syscalls per round trip, as designed */
	unsigned int design_server;
	int (*setup)(Ctx *ctx);
	int (*round_trip)(Ctx *ctx, const uint8_t *req, uint8_t *rep);
	int (*stop)(Ctx *ctx);		/* ask the server to exit */
} Method;

typedef struct Result {
	const char *name;
	int error;			/* 0, or the negative errno that stopped it */
	const char *what;		/* which step failed */
	unsigned int design_client, design_server;
	/* Accumulated over the rounds. */
	uint64_t *samples;		/* opt->iterations slots, ns */
	uint64_t n_samples;
	uint64_t loop_ns;		/* wall time of the timed loops */
	uint64_t client_syscalls;
	uint64_t server_syscalls, server_rounds;
	double round_p50_min_us, round_p50_max_us;
	/* Final figures. */
	double client_per_rt, server_per_rt;
	double p50_us, p99_us, mean_us, min_us, max_us;
	double calls_per_sec;
} Result;

/* What a server child reports on its control pipe when it exits. */
typedef struct ServerReport {
	uint64_t syscalls;	/* every syscall of its serving loop */
	uint64_t rounds;	/* 64-byte requests answered */
} ServerReport;

static int64_t now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- small I/O helpers ---- */

/* Read exactly @n bytes; 0 at end of file before any byte, 1 when done. */
static int read_full(int fd, void *buf, size_t n, uint64_t *syscalls)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (uint8_t *)buf + got, n - got);

		if (syscalls)
			(*syscalls)++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return got == 0 ? 0 : -EPIPE;
		got += (size_t)r;
	}
	return 1;
}

static int write_full(int fd, const void *buf, size_t n, uint64_t *syscalls)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, (const uint8_t *)buf + done, n - done);

		if (syscalls)
			(*syscalls)++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)r;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Server side of the control pipe: a status after setup, a report at the end. */
static void ctl_send_status(int ctl, int32_t status)
{
	(void)write_full(ctl, &status, sizeof(status), NULL);
}

static void ctl_send_report(int ctl, uint64_t syscalls, uint64_t rounds)
{
	ServerReport rep = { .syscalls = syscalls, .rounds = rounds };

	(void)write_full(ctl, &rep, sizeof(rep), NULL);
}

static int ctl_recv_status(int ctl)
{
	int32_t status;
	int r = read_full(ctl, &status, sizeof(status), NULL);

	if (r <= 0)
		return r < 0 ? r : -ECHILD;
	return status;
}

/*
 * Fork a child that runs @fn with the write end of a fresh control pipe;
 * the parent keeps the read end in *@ctl. @close_in_child lists the
 * parent's descriptors the child must not keep (-1 entries are skipped).
 */
static pid_t fork_child(int (*fn)(void *arg, int ctl), void *arg, int *ctl,
			const int *close_in_child, size_t n_close)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		size_t i;

		/* Do not outlive the client (e.g. blocked in a bindox receive). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
			_exit(1);
		close(p[0]);
		for (i = 0; i < n_close; i++)
			if (close_in_child[i] >= 0)
				close(close_in_child[i]);
		_exit(fn(arg, p[1]) < 0 ? 1 : 0);
	}
	close(p[1]);
	*ctl = p[0];
	return pid;
}

/* Reap a child; kill it first if @force. Return 0 if it exited with 0. */
static int reap(pid_t *pid, bool force)
{
	int status;

	if (*pid <= 0)
		return 0;
	if (force)
		(void)kill(*pid, SIGKILL);
	while (waitpid(*pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*pid = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return -ECHILD;
}

/* ---- uds and pipe: the same echo server over a pair of descriptors ---- */

typedef struct FdServerArg {
	int rfd, wfd;
} FdServerArg;

static int fd_server(void *arg, int ctl)
{
	const FdServerArg *a = arg;
	uint8_t buf[MSG_SIZE];
	uint64_t syscalls = 0, rounds = 0;
	int r;

	ctl_send_status(ctl, 0);
	for (;;) {
		r = read_full(a->rfd, buf, sizeof(buf), &syscalls);
		if (r <= 0)
			break;	/* 0: the client closed its end */
		r = write_full(a->wfd, buf, sizeof(buf), &syscalls);
		if (r < 0)
			break;
		rounds++;
	}
	ctl_send_report(ctl, syscalls, rounds);
	return r;
}

/* Start fd_server on (srv_r, srv_w); the client keeps (cli_w, cli_r). */
static int fd_setup(Ctx *ctx, int srv_r, int srv_w, int cli_w, int cli_r)
{
	FdServerArg arg = { .rfd = srv_r, .wfd = srv_w };
	const int close_child[] = { cli_w, cli_r };
	int r;

	ctx->wfd = cli_w;
	ctx->rfd = cli_r;
	ctx->server = fork_child(fd_server, &arg, &ctx->ctl, close_child, 2);
	close(srv_r);
	if (srv_w != srv_r)
		close(srv_w);
	if (ctx->server < 0)
		return (int)ctx->server;
	r = ctl_recv_status(ctx->ctl);
	return r < 0 ? r : 0;
}

static int uds_setup(Ctx *ctx)
{
	int sv[2], cli_r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* Server: sv[1] both ways; client: sv[0] both ways (a dup to read). */
	cli_r = fcntl(sv[0], F_DUPFD_CLOEXEC, 0);
	if (cli_r < 0) {
		int err = -errno;

		close(sv[0]);
		close(sv[1]);
		return err;
	}
	return fd_setup(ctx, sv[1], sv[1], sv[0], cli_r);
}

static int pipe_setup(Ctx *ctx)
{
	int c2s[2], s2c[2];

	if (pipe2(c2s, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(s2c, O_CLOEXEC) < 0) {
		int err = -errno;

		close(c2s[0]);
		close(c2s[1]);
		return err;
	}
	/* fd_setup closes the server's ends in the parent, the client's in the child. */
	return fd_setup(ctx, c2s[0], s2c[1], c2s[1], s2c[0]);
}

static int fd_round_trip(Ctx *ctx, const uint8_t *req, uint8_t *rep)
{
	int r;

	r = write_full(ctx->wfd, req, MSG_SIZE, &ctx->client_syscalls);
	if (r < 0)
		return r;
	r = read_full(ctx->rfd, rep, MSG_SIZE, &ctx->client_syscalls);
	if (r <= 0)
		return r < 0 ? r : -EPIPE;
	return 0;
}

static int fd_stop(Ctx *ctx)
{
	close_fd(&ctx->wfd);
	close_fd(&ctx->rfd);
	return 0;
}

/* ---- bindox ---- */

typedef struct BindoxChildArg {
	const char *device;
	const char *name;
} BindoxChildArg;

/* The Coordinator child: see bench-coord.h (-EBUSY: someone else is). */
static int coord_child(void *arg, int ctl)
{
	const BindoxChildArg *a = arg;

	return bench_coordinator(a->device, a->name, ctl);
}

/*
 * The bindox echo server: registers its node under the service name, then
 * answers every 64-byte call with a copy of its data, with one
 * BINDOX_IOC_REPLY_RECV per round trip. A call without data ends it.
 */
static int bindox_server_child(void *arg, int ctl)
{
	const BindoxChildArg *a = arg;
	BindoxConn *conn = NULL;
	BindoxMsg *in = NULL, *out = NULL;
	uint64_t syscalls = 0, rounds = 0, id;
	int r;

	r = bindox_conn_open(a->device, &conn);
	if (r >= 0)
		r = bindox_msg_new(&in);
	if (r >= 0)
		r = bindox_msg_new(&out);
	if (r >= 0)
		r = bindox_msg_reserve(in, MSG_SIZE, 0);
	if (r >= 0)
		r = bindox_msg_reserve(out, MSG_SIZE, 0);
	if (r >= 0)
		r = bindox_service_register(conn, a->name, SERVICE_COOKIE);
	ctl_send_status(ctl, r < 0 ? r : 0);
	if (r < 0)
		goto out;

	r = bindox_recv(conn, in, -1);
	syscalls++;
	while (r >= 0) {
		const void *data;
		size_t size;

		if (bindox_msg_get_type(in) != BINDOX_MSG_CALL) {
			r = bindox_recv(conn, in, -1);
			syscalls++;
			continue;
		}
		id = bindox_msg_get_id(in);
		data = bindox_msg_get_data(in, &size);
		if (size != MSG_SIZE) {
			/* The stop request: answer it without waiting for more. */
			r = bindox_reply(conn, id, NULL, in);
			syscalls++;
			break;
		}
		bindox_msg_reset(out);
		r = bindox_msg_append_bytes(out, data, size);
		if (r < 0)
			break;
		r = bindox_reply_recv(conn, &id, out, in, -1);
		syscalls++;
		rounds++;
	}
	ctl_send_report(ctl, syscalls, rounds);
out:
	bindox_msg_free(out);
	bindox_msg_free(in);
	bindox_conn_close(conn);
	return r < 0 ? r : 0;
}

static int bindox_setup(Ctx *ctx)
{
	static unsigned int n_setups;
	char name[64];
	BindoxChildArg arg = { .device = ctx->opt->device, .name = name };
	pid_t coord;
	int coord_ctl = -1;
	int r;

	/* Unique per round, in case a shared Coordinator is slow to forget. */
	snprintf(name, sizeof(name), "bench.rtt.%ld.%u", (long)getpid(), n_setups++);

	coord = fork_child(coord_child, &arg, &coord_ctl, NULL, 0);
	if (coord < 0)
		return (int)coord;
	r = ctl_recv_status(coord_ctl);
	close_fd(&coord_ctl);
	if (r == -EBUSY) {
		/* Someone else is the Coordinator: use it. */
		(void)reap(&coord, false);
		r = 0;
	}
	if (r < 0)
		goto fail;

	ctx->server = fork_child(bindox_server_child, &arg, &ctx->ctl, NULL, 0);
	if (ctx->server < 0) {
		r = (int)ctx->server;
		goto fail;
	}
	r = ctl_recv_status(ctx->ctl);
	if (r < 0)
		goto fail;

	/* Opened only now, so that no child inherits the client's file. */
	r = bindox_conn_open(ctx->opt->device, &ctx->conn);
	if (r >= 0)
		r = bindox_service_lookup(ctx->conn, name, &ctx->handle, SETUP_TIMEOUT_NS);
	if (r >= 0)
		r = bindox_msg_new(&ctx->req);
	if (r >= 0)
		r = bindox_msg_new(&ctx->reply);
	if (r >= 0)
		r = bindox_msg_reserve(ctx->req, MSG_SIZE, 0);
	if (r >= 0)
		r = bindox_msg_reserve(ctx->reply, MSG_SIZE, 0);
	if (r < 0)
		goto fail;
	/* Our Coordinator exits once it has answered the LOOKUP. */
	r = reap(&coord, false);
	if (r < 0)
		goto fail;
	return 0;
fail:
	(void)reap(&coord, true);
	return r;
}

static int bindox_round_trip(Ctx *ctx, const uint8_t *req, uint8_t *rep)
{
	const void *data;
	size_t size;
	int r;

	bindox_msg_reset(ctx->req);
	r = bindox_msg_append_bytes(ctx->req, req, MSG_SIZE);
	if (r < 0)
		return r;
	r = bindox_call(ctx->conn, ctx->handle, ctx->req, ctx->reply, -1);
	ctx->client_syscalls++;
	if (r < 0)
		return r;
	data = bindox_msg_get_data(ctx->reply, &size);
	if (size != MSG_SIZE)
		return -EBADMSG;
	memcpy(rep, data, MSG_SIZE);
	return 0;
}

static int bindox_stop(Ctx *ctx)
{
	int r = 0;

	if (ctx->conn && ctx->handle) {
		/* An empty call: the server answers it and exits. */
		bindox_msg_reset(ctx->req);
		r = bindox_call(ctx->conn, ctx->handle, ctx->req, ctx->reply, SETUP_TIMEOUT_NS);
	}
	ctx->reply = bindox_msg_free(ctx->reply);
	ctx->req = bindox_msg_free(ctx->req);
	ctx->conn = bindox_conn_close(ctx->conn);
	return r;
}

static const Method methods[N_METHODS] = {
	[METHOD_BINDOX] = { "bindox", 1, 1, bindox_setup, bindox_round_trip, bindox_stop },
	[METHOD_UDS] = { "uds", 2, 2, uds_setup, fd_round_trip, fd_stop },
	[METHOD_PIPE] = { "pipe", 2, 2, pipe_setup, fd_round_trip, fd_stop },
};

/* ---- the measurement, the same for every method ---- */

static void fill_request(uint8_t *req, uint64_t seq)
{
	size_t i;

	memcpy(req, &seq, sizeof(seq));
	for (i = sizeof(seq); i < MSG_SIZE; i++)
		req[i] = (uint8_t)(seq + i);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile (@pct in 1..100) of @n >= 1 sorted samples, in us. */
static double percentile_us(const uint64_t *sorted, uint64_t n, unsigned int pct)
{
	uint64_t rank = (pct * n + 99) / 100;	/* ceil(pct / 100 * n) */

	if (rank < 1)
		rank = 1;
	return (double)sorted[rank - 1] / 1000.0;
}

/*
 * One round of one method: start its server, warm up, time @n round trips
 * into res->samples (after those of earlier rounds), stop the server.
 */
static int run_round(const Method *m, const Options *opt, uint64_t n, uint64_t *seq,
		     Result *res)
{
	Ctx ctx = { .opt = opt, .server = -1, .ctl = -1, .wfd = -1, .rfd = -1 };
	uint64_t *samples = res->samples + res->n_samples;
	uint8_t req[MSG_SIZE], rep[MSG_SIZE];
	ServerReport srv = { 0 };
	uint64_t i;
	int64_t t0, t1;
	double p50;
	int r, r2;

	r = m->setup(&ctx);
	if (r < 0) {
		res->what = "setup";
		goto out;
	}
	for (i = 0; i < opt->warmup; i++, (*seq)++) {
		fill_request(req, *seq);
		r = m->round_trip(&ctx, req, rep);
		if (r < 0 || memcmp(req, rep, MSG_SIZE) != 0) {
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
		if (r < 0 || memcmp(req, rep, MSG_SIZE) != 0) {
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
	qsort(samples, n, sizeof(*samples), cmp_u64);
	p50 = percentile_us(samples, n, 50);
	if (res->round_p50_min_us == 0 || p50 < res->round_p50_min_us)
		res->round_p50_min_us = p50;
	if (p50 > res->round_p50_max_us)
		res->round_p50_max_us = p50;

out:
	r2 = m->stop(&ctx);
	if (r >= 0 && r2 < 0) {
		r = r2;
		res->what = "stopping the server";
	}
	if (ctx.ctl >= 0) {
		/* The server's counts; it sends them when it exits. */
		if (r >= 0 && read_full(ctx.ctl, &srv, sizeof(srv), NULL) <= 0) {
			r = -ECHILD;
			res->what = "server report";
		}
		close_fd(&ctx.ctl);
	}
	r2 = reap(&ctx.server, r < 0);
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
static void result_finish(Result *res)
{
	uint64_t i, n = res->n_samples, sum = 0;

	if (res->error || n == 0)
		return;
	for (i = 0; i < n; i++)
		sum += res->samples[i];
	qsort(res->samples, n, sizeof(*res->samples), cmp_u64);
	res->p50_us = percentile_us(res->samples, n, 50);
	res->p99_us = percentile_us(res->samples, n, 99);
	res->min_us = (double)res->samples[0] / 1000.0;
	res->max_us = (double)res->samples[n - 1] / 1000.0;
	res->mean_us = (double)sum / (double)n / 1000.0;
	res->calls_per_sec = (double)n * 1e9 / (double)res->loop_ns;
	res->client_per_rt = (double)res->client_syscalls / (double)n;
	if (res->server_rounds)
		res->server_per_rt = (double)res->server_syscalls / (double)res->server_rounds;
}

/* ---- output ---- */

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

typedef struct SysInfo {
	char kernel[128];
	char clocksource[64];
	long cpus;
} SysInfo;

static void sysinfo_get(SysInfo *si)
{
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(si->kernel, sizeof(si->kernel), "%s", u.release);
	else
		snprintf(si->kernel, sizeof(si->kernel), "unknown");
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  si->clocksource, sizeof(si->clocksource));
	si->cpus = sysconf(_SC_NPROCESSORS_ONLN);
}

static const Result *find_result(const Result *res, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(res[i].name, name) == 0 && res[i].error == 0)
			return &res[i];
	return NULL;
}

static void print_table(const Options *opt, const SysInfo *si, const Result *res, unsigned int n)
{
	const Result *b, *u;
	unsigned int i;

	printf("rtt: %u-byte request/reply round trips, client and server in two processes\n",
	       MSG_SIZE);
	printf("kernel %s, %ld CPUs online, clocksource %s, pinning: %s\n", si->kernel, si->cpus,
	       si->clocksource, opt->same_cpu ? "both on CPU 0 (--same-cpu)" : "none");
	printf("%" PRIu64 " timed round trips per method, in %u interleaved round(s) (order rotated\n"
	       "each round; fresh server and %" PRIu64 " warm-up round trips per round)\n\n",
	       opt->iterations, opt->rounds, opt->warmup);
	printf("%-7s  %-9s  %-11s  %9s  %9s  %9s  %9s  %10s  %s\n", "method", "syscalls", "counted",
	       "p50 us", "p99 us", "mean us", "min us", "calls/s", "p50 of rounds, us");
	printf("%-7s  %-9s  %-11s\n", "", "cli+srv", "cli+srv");
	for (i = 0; i < n; i++) {
		const Result *r = &res[i];
		char design[16], counted[24];

		snprintf(design, sizeof(design), "%u+%u", r->design_client, r->design_server);
		if (r->error) {
			printf("%-7s  %-9s  FAILED (%s: %s)\n", r->name, design,
			       r->what ? r->what : "?", bindox_strerror(r->error));
			continue;
		}
		snprintf(counted, sizeof(counted), "%.2f+%.2f", r->client_per_rt, r->server_per_rt);
		printf("%-7s  %-9s  %-11s  %9.2f  %9.2f  %9.2f  %9.2f  %10.0f  %.2f..%.2f\n", r->name,
		       design, counted, r->p50_us, r->p99_us, r->mean_us, r->min_us, r->calls_per_sec,
		       r->round_p50_min_us, r->round_p50_max_us);
	}
	b = find_result(res, n, "bindox");
	u = find_result(res, n, "uds");
	if (b && u)
		printf("\nbindox/uds: p50 %.2fx, p99 %.2fx (lower is better), "
		       "calls/s %.2fx (higher is better)\n",
		       b->p50_us / u->p50_us, b->p99_us / u->p99_us,
		       b->calls_per_sec / u->calls_per_sec);
	fflush(stdout);
}

static int write_json(const char *path, const Options *opt, const SysInfo *si,
		      const Result *res, unsigned int n)
{
	FILE *f = fopen(path, "we");
	unsigned int i;

	if (!f)
		return -errno;
	fprintf(f, "{\n  \"benchmark\": \"rtt\",\n  \"message_size\": %u,\n", MSG_SIZE);
	fprintf(f, "  \"iterations\": %" PRIu64 ",\n  \"warmup_per_round\": %" PRIu64 ",\n",
		opt->iterations, opt->warmup);
	fprintf(f, "  \"rounds\": %u,\n", opt->rounds);
	fprintf(f, "  \"same_cpu\": %s,\n", opt->same_cpu ? "true" : "false");
	fprintf(f, "  \"kernel\": \"%s\",\n  \"cpus_online\": %ld,\n  \"clocksource\": \"%s\",\n",
		si->kernel, si->cpus, si->clocksource);
	fprintf(f, "  \"methods\": [\n");
	for (i = 0; i < n; i++) {
		const Result *r = &res[i];

		fprintf(f, "    {\"name\": \"%s\", \"syscalls_client_design\": %u, "
			"\"syscalls_server_design\": %u, ", r->name, r->design_client,
			r->design_server);
		if (r->error)
			fprintf(f, "\"error\": \"%s: %s\"}", r->what ? r->what : "?",
				bindox_strerror(r->error));
		else
			fprintf(f, "\"syscalls_client_counted\": %.4f, "
				"\"syscalls_server_counted\": %.4f, \"p50_us\": %.3f, "
				"\"p99_us\": %.3f, \"mean_us\": %.3f, \"min_us\": %.3f, "
				"\"max_us\": %.3f, \"calls_per_sec\": %.1f, "
				"\"round_p50_min_us\": %.3f, \"round_p50_max_us\": %.3f}",
				r->client_per_rt, r->server_per_rt, r->p50_us, r->p99_us,
				r->mean_us, r->min_us, r->max_us, r->calls_per_sec,
				r->round_p50_min_us, r->round_p50_max_us);
		fprintf(f, "%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

/* ---- options ---- */

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"Usage: %s [options]\n"
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
		argv0, DEFAULT_ITERATIONS, DEFAULT_ROUNDS, DEFAULT_WARMUP, BINDOX_DEVICE_DEFAULT);
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_methods(const char *s, Options *o)
{
	char buf[128], *tok, *save = NULL;
	unsigned int seen = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	o->n_methods = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int m;

		for (m = 0; m < N_METHODS; m++)
			if (strcmp(tok, methods[m].name) == 0)
				break;
		if (m == N_METHODS || (seen & (1U << m)))
			return -EINVAL;
		seen |= 1U << m;
		o->order[o->n_methods++] = (enum method_id)m;
	}
	return o->n_methods ? 0 : -EINVAL;
}

static int options_parse(int argc, char **argv, Options *o)
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
	int c;

	uint64_t v;

	*o = (Options){ .iterations = DEFAULT_ITERATIONS, .warmup = DEFAULT_WARMUP,
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
			usage(stdout, argv[0]);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || o->iterations < o->rounds)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	Result res[N_METHODS] = { 0 };
	Options opt;
	SysInfo si;
	unsigned int i, round;
	uint64_t seq = 0;
	int failed = 0, r;

	if (options_parse(argc, argv, &opt) < 0) {
		usage(stderr, argv[0]);
		return 2;
	}
	/* A server that dies must fail a write, not kill the client. */
	signal(SIGPIPE, SIG_IGN);

	if (opt.same_cpu) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		/* Before any fork: every child inherits the mask. */
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			fprintf(stderr, "rtt: sched_setaffinity: %s\n", strerror(errno));
			return 1;
		}
	}

	for (i = 0; i < opt.n_methods; i++) {
		const Method *m = &methods[opt.order[i]];

		res[i].name = m->name;
		res[i].design_client = m->design_client;
		res[i].design_server = m->design_server;
		res[i].samples = calloc(opt.iterations, sizeof(*res[i].samples));
		if (!res[i].samples) {
			fprintf(stderr, "rtt: out of memory\n");
			return 1;
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
			unsigned int k = (round + i) % opt.n_methods;

			if (res[k].error)
				continue;
			r = run_round(&methods[opt.order[k]], &opt, n, &seq, &res[k]);
			if (r < 0) {
				res[k].error = r;
				fprintf(stderr, "rtt: %s: %s failed: %s\n", res[k].name,
					res[k].what, bindox_strerror(r));
				failed = 1;
			}
		}
	}
	for (i = 0; i < opt.n_methods; i++)
		result_finish(&res[i]);

	print_table(&opt, &si, res, opt.n_methods);
	if (opt.json) {
		r = write_json(opt.json, &opt, &si, res, opt.n_methods);
		if (r < 0) {
			fprintf(stderr, "rtt: %s: %s\n", opt.json, strerror(-r));
			failed = 1;
		}
	}
	for (i = 0; i < opt.n_methods; i++)
		free(res[i].samples);
	return failed;
}
