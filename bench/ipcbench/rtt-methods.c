// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The round-trip mode's methods (rtt.h) and the system calls one round trip
 * costs, as designed:
 *   bindox  client: 1 ioctl (BINDOX_IOC_CALL, via bindox_call())
 *           server: 1 ioctl (BINDOX_IOC_REPLY_RECV, via bindox_reply_recv():
 *                   answers the previous call and waits for the next)
 *   uds     AF_UNIX SOCK_STREAM socketpair; client write+read, server
 *           read+write
 *   pipe    two pipes; client write+read, server read+write
 * Both sides also count the syscalls (or one-ioctl library calls) they
 * actually issue. The server's count includes its first receive and its
 * last one (end of file, or the stop call) of each round, hence a little
 * above the design.
 *
 * bindox setup (not timed): a Coordinator child (bindox-setup.h) answers the
 * server's REGISTER and the client's LOOKUP, then exits; the client calls
 * the handle the LOOKUP gave it. A call with no data tells the server to
 * stop; for uds and pipe, end of file does.
 */
#define _GNU_SOURCE
#include "rtt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "child.h"
#include "bindox-setup.h"
#include "util.h"

/* Setup steps (REGISTER, LOOKUP) and the stop call must not hang the run. */
#define SETUP_TIMEOUT_NS (30LL * 1000 * 1000 * 1000)
#define SERVICE_COOKIE 1U

/* Server side of the control pipe: a status after setup, a report at the end. */
static void ctl_send_status(int ctl, int32_t status)
{
	(void)write_full(ctl, &status, sizeof(status));
}

static void ctl_send_report(int ctl, uint64_t syscalls, uint64_t rounds)
{
	RttServerReport rep = { .syscalls = syscalls, .rounds = rounds };

	(void)write_full(ctl, &rep, sizeof(rep));
}

static int ctl_recv_status(int ctl)
{
	int32_t status;
	int r = read_full(ctl, &status, sizeof(status));

	if (r <= 0)
		return r < 0 ? r : -ECHILD;
	return status;
}

/* ---- uds and pipe: the same echo server over a pair of descriptors ---- */

typedef struct FdServerArg {
	int rfd, wfd;		/* the server's ends */
	int cli_w, cli_r;	/* the client's ends, closed in the server */
} FdServerArg;

static int fd_server(void *arg, int ctl)
{
	const FdServerArg *a = arg;
	uint8_t buf[RTT_MSG_SIZE];
	uint64_t syscalls = 0, rounds = 0;
	int r;

	/* Keep no client end open, or the client's close would not end us. */
	close(a->cli_w);
	close(a->cli_r);
	ctl_send_status(ctl, 0);
	for (;;) {
		r = read_full_counted(a->rfd, buf, sizeof(buf), &syscalls);
		if (r <= 0)
			break;	/* 0: the client closed its end */
		r = write_full_counted(a->wfd, buf, sizeof(buf), &syscalls);
		if (r < 0)
			break;
		rounds++;
	}
	ctl_send_report(ctl, syscalls, rounds);
	return r;
}

/* Start fd_server on (srv_r, srv_w); the client keeps (cli_w, cli_r). */
static int fd_setup(RttCtx *ctx, int srv_r, int srv_w, int cli_w, int cli_r)
{
	FdServerArg arg = { .rfd = srv_r, .wfd = srv_w, .cli_w = cli_w, .cli_r = cli_r };
	int r;

	ctx->wfd = cli_w;
	ctx->rfd = cli_r;
	ctx->server = spawn_child(fd_server, &arg, NULL, &ctx->ctl);
	close(srv_r);
	if (srv_w != srv_r)
		close(srv_w);
	if (ctx->server < 0)
		return (int)ctx->server;
	r = ctl_recv_status(ctx->ctl);
	return r < 0 ? r : 0;
}

static int uds_setup(RttCtx *ctx)
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

static int pipe_setup(RttCtx *ctx)
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

static int fd_round_trip(RttCtx *ctx, const uint8_t *req, uint8_t *rep)
{
	int r;

	r = write_full_counted(ctx->wfd, req, RTT_MSG_SIZE, &ctx->client_syscalls);
	if (r < 0)
		return r;
	r = read_full_counted(ctx->rfd, rep, RTT_MSG_SIZE, &ctx->client_syscalls);
	if (r <= 0)
		return r < 0 ? r : -EPIPE;
	return 0;
}

static int fd_stop(RttCtx *ctx)
{
	close_fd(&ctx->wfd);
	close_fd(&ctx->rfd);
	return 0;
}

/* ---- bindox ---- */

typedef struct BindoxServerArg {
	const char *device;
	const char *name;
} BindoxServerArg;

/*
 * The bindox echo server: registers its node under the service name, then
 * answers every 64-byte call with a copy of its data, with one
 * BINDOX_IOC_REPLY_RECV per round trip. A call without data ends it.
 */
static int bindox_server(void *arg, int ctl)
{
	const BindoxServerArg *a = arg;
	BindoxConn *conn = NULL;
	BindoxMsg *in = NULL, *out = NULL;
	uint64_t syscalls = 0, rounds = 0, id;
	int r;

	r = bindox_open_with_msgs(a->device, RTT_MSG_SIZE, 0, &conn, &out, &in);
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
		if (size != RTT_MSG_SIZE) {
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

static int bindox_setup(RttCtx *ctx)
{
	static unsigned int n_setups;
	char name[64];
	BindoxServerArg arg = { .device = ctx->device, .name = name };
	pid_t coord = -1;
	int r;

	/* Unique per round, in case a shared Coordinator is slow to forget. */
	snprintf(name, sizeof(name), "bench.rtt.%ld.%u", (long)getpid(), n_setups++);

	r = bench_coordinator_start(ctx->device, name, 1, &coord);
	if (r < 0)
		return r;
	ctx->server = spawn_child(bindox_server, &arg, NULL, &ctx->ctl);
	if (ctx->server < 0) {
		r = (int)ctx->server;
		goto fail;
	}
	r = ctl_recv_status(ctx->ctl);
	if (r < 0)
		goto fail;

	/* Opened only now, so that no child inherits the client's file. */
	r = bindox_open_with_msgs(ctx->device, RTT_MSG_SIZE, 0, &ctx->conn, &ctx->req,
				  &ctx->reply);
	if (r >= 0)
		r = bindox_service_lookup(ctx->conn, name, &ctx->handle, SETUP_TIMEOUT_NS);
	if (r < 0)
		goto fail;
	/* Our Coordinator exits once it has answered the LOOKUP. */
	r = reap_child(&coord, false);
	if (r < 0)
		goto fail;
	return 0;
fail:
	(void)reap_child(&coord, true);
	return r;
}

static int bindox_round_trip(RttCtx *ctx, const uint8_t *req, uint8_t *rep)
{
	const void *data;
	size_t size;
	int r;

	bindox_msg_reset(ctx->req);
	r = bindox_msg_append_bytes(ctx->req, req, RTT_MSG_SIZE);
	if (r < 0)
		return r;
	r = bindox_call(ctx->conn, ctx->handle, ctx->req, ctx->reply, -1);
	ctx->client_syscalls++;
	if (r < 0)
		return r;
	data = bindox_msg_get_data(ctx->reply, &size);
	if (size != RTT_MSG_SIZE)
		return -EBADMSG;
	memcpy(rep, data, RTT_MSG_SIZE);
	return 0;
}

static int bindox_stop(RttCtx *ctx)
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

const RttMethod rtt_methods[] = {
	{ "bindox", 1, 1, bindox_setup, bindox_round_trip, bindox_stop },
	{ "uds", 2, 2, uds_setup, fd_round_trip, fd_stop },
	{ "pipe", 2, 2, pipe_setup, fd_round_trip, fd_stop },
};

const unsigned int n_rtt_methods = sizeof(rtt_methods) / sizeof(rtt_methods[0]);
