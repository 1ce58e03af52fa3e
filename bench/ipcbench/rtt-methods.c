// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The round-trip mode's methods (rtt.h): the table, the control pipe every
 * server child reports on, and uds and pipe. The system calls one round
 * trip costs, as designed:
 *   bindox-inline  client: 1 ioctl (BINDOX_IOC_CALL, via bindox_call())
 *                  server: 1 ioctl (BINDOX_IOC_REPLY_RECV, via
 *                  bindox_reply_recv(): answers the previous call and waits
 *                  for the next); rtt-bindox.c
 *   bindox-buffer  the same calls, with a buffer moved each way
 *   bindox         the same calls, the payload inline or in a buffer as
 *                  libbindox chooses by its size
 *   uds            AF_UNIX SOCK_STREAM socketpair; client write+read,
 *                  server read+write
 *   pipe           two pipes; client write+read, server read+write
 *   binder         client 1 BINDER_WRITE_READ, server 2 (its reply
 *                  returns at once, the next one waits); twice that per
 *                  chunk when the message is sent in chunks; rtt-binder.c
 *   memfd          a notice over a socketpair: client write+read, server
 *                  read+write; rtt-memfd.c
 *   futex          memfd's shared memory with futex wake-ups: client
 *                  FUTEX_WAKE+FUTEX_WAIT, server the same (a wait that
 *                  finds the turn changed already is skipped); rtt-futex.c
 * Both sides also count the syscalls (or one-ioctl library calls) they
 * actually issue. The server's count includes its first receive and its
 * last one (end of file, or the stop call) of each round, hence a little
 * above the design; and a stream's read or write of more than its buffer
 * holds takes several calls.
 *
 * A method's server is a child forked by its setup; a stop call or end of
 * file ends it.
 */
#define _GNU_SOURCE
#include "rtt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bindox/buffer.h>

#include "child.h"
#include "util.h"

void rtt_ctl_send_status(int ctl, int32_t status)
{
	(void)write_full(ctl, &status, sizeof(status));
}

void rtt_ctl_send_report(int ctl, uint64_t syscalls, uint64_t rounds)
{
	RttServerReport rep = { .syscalls = syscalls, .rounds = rounds };

	(void)write_full(ctl, &rep, sizeof(rep));
}

int rtt_ctl_recv_status(int ctl)
{
	int32_t status;
	int r = read_full(ctl, &status, sizeof(status));

	if (r <= 0)
		return r < 0 ? r : -ECHILD;
	return status;
}

void rtt_design_1_1(size_t size, unsigned int *client, unsigned int *server)
{
	(void)size;
	*client = 1;
	*server = 1;
}

void rtt_design_2_2(size_t size, unsigned int *client, unsigned int *server)
{
	(void)size;
	*client = 2;
	*server = 2;
}

/* ---- uds and pipe: the same echo server over a pair of descriptors ---- */

typedef struct FdServerArg {
	int rfd, wfd;		/* the server's ends */
	int cli_w, cli_r;	/* the client's ends, closed in the server */
	size_t size;
} FdServerArg;

static int fd_server(void *arg, int ctl)
{
	const FdServerArg *a = arg;
	uint8_t *buf = map_buffer(a->size);
	uint64_t syscalls = 0, rounds = 0;
	int r;

	/* Keep no client end open, or the client's close would not end us. */
	close(a->cli_w);
	close(a->cli_r);
	rtt_ctl_send_status(ctl, buf ? 0 : -ENOMEM);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		r = read_full_counted(a->rfd, buf, a->size, &syscalls);
		if (r <= 0)
			break;	/* 0: the client closed its end */
		r = write_full_counted(a->wfd, buf, a->size, &syscalls);
		if (r < 0)
			break;
		rounds++;
	}
	rtt_ctl_send_report(ctl, syscalls, rounds);
	unmap_buffer(buf, a->size);
	return r;
}

/* Start fd_server on (srv_r, srv_w); the client keeps (cli_w, cli_r). */
static int fd_setup(RttCtx *ctx, int srv_r, int srv_w, int cli_w, int cli_r)
{
	FdServerArg arg = { .rfd = srv_r, .wfd = srv_w, .cli_w = cli_w, .cli_r = cli_r,
			    .size = ctx->size };
	int r;

	ctx->wfd = cli_w;
	ctx->rfd = cli_r;
	ctx->server = spawn_child(fd_server, &arg, NULL, &ctx->ctl);
	close(srv_r);
	if (srv_w != srv_r)
		close(srv_w);
	if (ctx->server < 0)
		return (int)ctx->server;
	r = rtt_ctl_recv_status(ctx->ctl);
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

static uint8_t *fd_request(RttCtx *ctx)
{
	return ctx->req_buf;
}

static int fd_round_trip(RttCtx *ctx, const uint8_t **rep)
{
	int r;

	r = write_full_counted(ctx->wfd, ctx->req_buf, ctx->size, &ctx->client_syscalls);
	if (r < 0)
		return r;
	r = read_full_counted(ctx->rfd, ctx->rep_buf, ctx->size, &ctx->client_syscalls);
	if (r <= 0)
		return r < 0 ? r : -EPIPE;
	*rep = ctx->rep_buf;
	return 0;
}

static int fd_stop(RttCtx *ctx)
{
	close_fd(&ctx->wfd);
	close_fd(&ctx->rfd);
	return 0;
}

/*
 * The table. A new method is one entry here (and its functions); rtt.c
 * runs whatever --methods names from it.
 */
const RttMethod rtt_methods[] = {
	{ "bindox",
	  "one call per round trip, libbindox's payload (bindox/payload.h): inline "
	  "below the library's threshold, a moved buffer from there on, the "
	  "reply's buffer reused for the next request",
	  0, NULL,
	  rtt_design_1_1, rtt_bindox_payload_setup, rtt_bindox_payload_request,
	  rtt_bindox_payload_round_trip, rtt_bindox_stop },
	{ "bindox-inline",
	  "one call per round trip, the payload inline in the message (copied by "
	  "the driver each way)",
	  BINDOX_MAX_DATA_SIZE, "inline payloads end at BINDOX_MAX_DATA_SIZE",
	  rtt_design_1_1, rtt_bindox_inline_setup, rtt_bindox_inline_request,
	  rtt_bindox_inline_round_trip, rtt_bindox_stop },
	{ "bindox-buffer",
	  "one call per round trip, the payload in a Bindox buffer moved to the "
	  "server with the call and back with the reply (no copy); one buffer per "
	  "round, allocated at setup and reused",
	  0, NULL,
	  rtt_design_1_1, rtt_bindox_buffer_setup, rtt_bindox_buffer_request,
	  rtt_bindox_buffer_round_trip, rtt_bindox_stop },
	{ "uds",
	  "AF_UNIX stream socketpair: write and read on each side (copied into and "
	  "out of the socket)",
	  0, NULL,
	  rtt_design_2_2, uds_setup, fd_request, fd_round_trip, fd_stop },
	{ "pipe",
	  "two pipes: write and read on each side (copied into and out of the pipe)",
	  0, NULL,
	  rtt_design_2_2, pipe_setup, fd_request, fd_round_trip, fd_stop },
	{ "binder",
	  "binder_linux, raw ioctls, the server as context manager: one "
	  "synchronous transaction whose reply carries the payload back (copied by "
	  "the driver each way); above about 500 KiB (two must fit in the 1 MB "
	  "binder buffer) the payload is pushed and pulled in 512 KiB chunks, one "
	  "transaction each, as ipcbench's binder method does",
	  0, NULL,
	  rtt_binder_design, rtt_binder_setup, rtt_binder_request, rtt_binder_round_trip,
	  rtt_binder_stop },
	{ "memfd",
	  "one memfd mapped shared by both sides once (request and reply halves); "
	  "the client writes the request into it and sends an 8-byte notice over a "
	  "socketpair, the server copies the request into the reply half and "
	  "answers with a notice (one copy, by the server, in user space)",
	  0, NULL,
	  rtt_design_2_2, rtt_memfd_setup, rtt_memfd_request, rtt_memfd_round_trip,
	  rtt_memfd_stop },
	{ "futex",
	  "the floor of a blocking round trip: request and reply in one shared "
	  "mapping, each side wakes the other with FUTEX_WAKE and sleeps in "
	  "FUTEX_WAIT; the server copies the request into the reply in user space "
	  "(no copy, check or state in the kernel)",
	  0, NULL,
	  rtt_design_2_2, rtt_futex_setup, rtt_futex_request, rtt_futex_round_trip,
	  rtt_futex_stop },
};

const unsigned int n_rtt_methods = sizeof(rtt_methods) / sizeof(rtt_methods[0]);
