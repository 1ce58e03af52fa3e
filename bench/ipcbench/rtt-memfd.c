// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The round-trip mode's memfd method (rtt.h): shared memory with a
 * notice, the handoff userspace can build on its own. The client creates a
 * memfd of twice the message size (a request half, a reply half) and maps
 * it shared once, before it forks the server, so both sides use the same
 * mapping for the whole round. A round trip: the client writes its request
 * into the request half (before the clock starts, as every method's client
 * fills its request) and sends an 8-byte notice (a sequence number) over
 * an AF_UNIX socketpair; the server reads it, copies the request half into
 * the reply half and sends the notice back. Nothing keeps either side from
 * writing what the other reads.
 */
#define _GNU_SOURCE
#include "rtt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

typedef struct MemfdShared {
	uint8_t *map;		/* request half, then reply half */
	size_t size;		/* of one half */
	uint64_t seq;		/* notices sent by the client */
} MemfdShared;

typedef struct MemfdServerArg {
	const MemfdShared *shm;
	int sock;		/* the server's end */
	int cli;		/* the client's end, closed in the server */
} MemfdServerArg;

static int memfd_server(void *arg, int ctl)
{
	const MemfdServerArg *a = arg;
	const MemfdShared *shm = a->shm;
	uint64_t syscalls = 0, rounds = 0, notice;
	int r;

	/* Keep no client end open, or the client's close would not end us. */
	close(a->cli);
	rtt_ctl_send_status(ctl, 0);
	for (;;) {
		r = read_full_counted(a->sock, &notice, sizeof(notice), &syscalls);
		if (r <= 0)
			break;	/* 0: the client closed its end */
		memcpy(shm->map + shm->size, shm->map, shm->size);
		r = write_full_counted(a->sock, &notice, sizeof(notice), &syscalls);
		if (r < 0)
			break;
		rounds++;
	}
	rtt_ctl_send_report(ctl, syscalls, rounds);
	return r;
}

static void shared_free(MemfdShared *shm)
{
	if (!shm)
		return;
	if (shm->map)
		(void)munmap(shm->map, 2 * shm->size);
	free(shm);
}

/* The memfd, mapped shared and faulted in; the file itself is not kept. */
static int shared_new(size_t size, MemfdShared **out)
{
	MemfdShared *shm = calloc(1, sizeof(*shm));
	int fd, r = 0;
	void *p;

	if (!shm)
		return -ENOMEM;
	shm->size = size;
	fd = memfd_create("ipcbench-rtt", MFD_CLOEXEC);
	if (fd < 0) {
		free(shm);
		return -errno;
	}
	if (ftruncate(fd, (off_t)(2 * size)) < 0) {
		r = -errno;
	} else {
		p = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
		if (p == MAP_FAILED)
			r = -errno;
		else
			shm->map = p;
	}
	close(fd);
	if (r < 0) {
		free(shm);
		return r;
	}
	*out = shm;
	return 0;
}

int rtt_memfd_setup(RttCtx *ctx)
{
	MemfdServerArg arg;
	MemfdShared *shm = NULL;
	int sv[2], r;

	r = shared_new(ctx->size, &shm);
	if (r < 0)
		return r;
	ctx->priv = shm;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	arg = (MemfdServerArg){ .shm = shm, .sock = sv[1], .cli = sv[0] };
	ctx->wfd = sv[0];
	ctx->server = spawn_child(memfd_server, &arg, NULL, &ctx->ctl);
	close(sv[1]);
	if (ctx->server < 0)
		return (int)ctx->server;
	r = rtt_ctl_recv_status(ctx->ctl);
	return r < 0 ? r : 0;
}

uint8_t *rtt_memfd_request(RttCtx *ctx)
{
	const MemfdShared *shm = ctx->priv;

	return shm->map;
}

int rtt_memfd_round_trip(RttCtx *ctx, const uint8_t **rep)
{
	MemfdShared *shm = ctx->priv;
	uint64_t notice = ++shm->seq, back = 0;
	int r;

	r = write_full_counted(ctx->wfd, &notice, sizeof(notice), &ctx->client_syscalls);
	if (r < 0)
		return r;
	r = read_full_counted(ctx->wfd, &back, sizeof(back), &ctx->client_syscalls);
	if (r <= 0)
		return r < 0 ? r : -EPIPE;
	if (back != notice)
		return -EBADMSG;
	*rep = shm->map + shm->size;
	return 0;
}

int rtt_memfd_stop(RttCtx *ctx)
{
	close_fd(&ctx->wfd);
	shared_free(ctx->priv);
	ctx->priv = NULL;
	return 0;
}
