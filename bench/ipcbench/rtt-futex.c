// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The round-trip mode's futex method (rtt.h): the floor of a round trip in
 * which each side sleeps until the other wakes it. It is memfd's design
 * with the cheapest wake-up the kernel has in place of the notices: one
 * shared anonymous mapping (a turn word, the request, the reply), made
 * before the server is forked. The client writes its request (before the
 * clock starts, as every method's client fills its request), sets the turn
 * to the server and wakes it (FUTEX_WAKE), then sleeps (FUTEX_WAIT) until
 * the turn is back; the server copies the request into the reply, sets the
 * turn back and wakes the client. The kernel copies nothing, checks
 * nothing and keeps nothing per message: what a round trip costs here is
 * two wake-ups, two sleeps and the four system calls that do them, the
 * part every method that blocks pays; anything a method costs above this
 * is its own work.
 */
#define _GNU_SOURCE
#include "rtt.h"

#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

enum {
	TURN_CLIENT,	/* the client may write; the server sleeps */
	TURN_SERVER,	/* a request is there for the server */
	TURN_STOP,	/* the server is to exit */
};

typedef struct FutexShared {
	_Atomic uint32_t turn;
	size_t size;		/* of the request and of the reply */
	uint8_t *request, *reply;	/* in the same mapping, after this */
} FutexShared;

/* Shared between processes: no FUTEX_PRIVATE_FLAG. */
static long futex_op(_Atomic uint32_t *word, int op, uint32_t val,
		     const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/*
 * Sleep while *turn is @busy; returns the new turn, or @busy if the server
 * (whose control pipe is @ctl; -1: we are the server) is gone: its end of
 * the pipe hung up or spoke. The client looks every second, since a server
 * that died never hands the turn back.
 */
static uint32_t wait_turn_change(FutexShared *shm, uint32_t busy, int ctl, uint64_t *syscalls)
{
	const struct timespec second = { .tv_sec = 1 };
	uint32_t t;

	while ((t = atomic_load_explicit(&shm->turn, memory_order_acquire)) == busy) {
		(*syscalls)++;
		/* EAGAIN (it changed already) and EINTR just look again. */
		if (futex_op(&shm->turn, FUTEX_WAIT, busy, ctl < 0 ? NULL : &second) < 0 &&
		    errno == ETIMEDOUT && wait_fd(ctl, POLLIN, 0) == 0)
			break;
	}
	return t;
}

static void give_turn(FutexShared *shm, uint32_t turn, uint64_t *syscalls)
{
	atomic_store_explicit(&shm->turn, turn, memory_order_release);
	(*syscalls)++;
	(void)futex_op(&shm->turn, FUTEX_WAKE, 1, NULL);
}

static int futex_server(void *arg, int ctl)
{
	FutexShared *shm = arg;
	uint64_t syscalls = 0, rounds = 0;

	rtt_ctl_send_status(ctl, 0);
	while (wait_turn_change(shm, TURN_CLIENT, -1, &syscalls) == TURN_SERVER) {
		memcpy(shm->reply, shm->request, shm->size);
		rounds++;
		give_turn(shm, TURN_CLIENT, &syscalls);
	}
	rtt_ctl_send_report(ctl, syscalls, rounds);
	return 0;
}

static size_t shared_bytes(size_t size)
{
	return sizeof(FutexShared) + 2 * size;
}

int rtt_futex_setup(RttCtx *ctx)
{
	FutexShared *shm;
	void *p;
	int r;

	if (ctx->size > (SIZE_MAX - sizeof(FutexShared)) / 2)
		return -EOVERFLOW;
	p = mmap(NULL, shared_bytes(ctx->size), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	shm = p;
	atomic_init(&shm->turn, TURN_CLIENT);
	shm->size = ctx->size;
	shm->request = (uint8_t *)(shm + 1);
	shm->reply = shm->request + ctx->size;
	ctx->priv = shm;
	ctx->server = spawn_child(futex_server, shm, NULL, &ctx->ctl);
	if (ctx->server < 0)
		return (int)ctx->server;
	r = rtt_ctl_recv_status(ctx->ctl);
	return r < 0 ? r : 0;
}

uint8_t *rtt_futex_request(RttCtx *ctx)
{
	FutexShared *shm = ctx->priv;

	return shm->request;
}

int rtt_futex_round_trip(RttCtx *ctx, const uint8_t **rep)
{
	FutexShared *shm = ctx->priv;
	uint32_t t;

	give_turn(shm, TURN_SERVER, &ctx->client_syscalls);
	t = wait_turn_change(shm, TURN_SERVER, ctx->ctl, &ctx->client_syscalls);
	if (t == TURN_SERVER)
		return -EPIPE;	/* the server died */
	if (t != TURN_CLIENT)
		return -EPROTO;
	*rep = shm->reply;
	return 0;
}

int rtt_futex_stop(RttCtx *ctx)
{
	FutexShared *shm = ctx->priv;

	if (!shm)
		return 0;
	/* The server's own mapping of the pages stays until it exits. */
	if (ctx->server > 0)
		give_turn(shm, TURN_STOP, &ctx->client_syscalls);
	(void)munmap(shm, shared_bytes(shm->size));
	ctx->priv = NULL;
	return 0;
}
