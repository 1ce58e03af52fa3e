// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The throughput mode's binder method (tput.h), on the guest's
 * binder_linux through binder-ipc.h.
 *
 * Server: the context manager (handle 0) of the binder device, with a fixed
 * pool of p->workers looper threads on its one binder file, each entered
 * with BC_ENTER_LOOPER up front; BINDER_SET_MAX_THREADS 0 tells the driver
 * not to ask for more (BR_SPAWN_LOOPER). A looper copies a call's request
 * out of the binder buffer and sends it back as the reply (BC_FREE_BUFFER
 * and BC_REPLY in one write, then waits for the next transaction in the
 * same ioctl); a one-way transaction is counted and its buffer freed with
 * the next write.
 *
 * Clients: one binder file each, synchronous transactions to handle 0, or
 * one-way ones (TF_ONE_WAY). binder_linux hands one-way transactions to
 * one node one at a time (the next is queued until the receiver frees the
 * buffer of the last), and refuses them with BR_FAILED_REPLY when the
 * receiver's space for one-way buffers (half its mapping) is full: that is
 * reported as -EAGAIN, "full", and the client retries.
 *
 * Stopping: a looper blocked in the driver wakes only for work, and the
 * context manager cannot send a transaction to itself, so at the stop the
 * server process exits with its loopers still waiting (exit_group ends
 * them; the driver releases the file).
 */
#define _GNU_SOURCE
#include "tput.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "binder-ipc.h"

#define CONTEXT_MGR_TRIES 200	/* x 50 ms: the last server's release is deferred */
#define CODE_ECHO 1U

/* ---- server ---- */

typedef struct BinderLooper {
	pthread_t thread;
	BinderIpc ipc;		/* the server's file and mapping; own queues */
	TputShared *sh;
	size_t size;
	uint8_t *buf;		/* the request, copied out before its buffer is freed */
	_Atomic int error;
} BinderLooper;

static ssize_t looper_return(BinderIpc *b, uint32_t cmd, const uint8_t *payload, void *ctx)
{
	BinderLooper *l = ctx;
	struct binder_transaction_data tr;

	if (cmd != BR_TRANSACTION)
		return binder_ipc_error_of(cmd);
	memcpy(&tr, payload, sizeof(tr));
	b->pending_free = tr.data.ptr.buffer;
	atomic_fetch_add_explicit(&l->sh->served.n, 1, memory_order_relaxed);
	if (tr.flags & TF_ONE_WAY) {
		binder_ipc_push_free(b);
		return sizeof(tr);
	}
	if (tr.code != CODE_ECHO || tr.data_size != l->size)
		return -EPROTO;
	memcpy(l->buf, (const void *)(uintptr_t)tr.data.ptr.buffer, l->size);
	binder_ipc_queue_reply(b, l->buf, l->size);
	return sizeof(tr);
}

static void *looper_thread(void *arg)
{
	BinderLooper *l = arg;
	int r = 0;

	binder_ipc_enter_looper(&l->ipc);
	while (r >= 0)
		r = binder_ipc_read_returns(&l->ipc, looper_return, l);
	atomic_store(&l->error, r);
	return NULL;
}

static int binder_serve(const TputParams *p, TputShared *sh, int ctl, int stop_fd)
{
	BinderLooper *loopers = calloc(p->workers, sizeof(*loopers));
	BinderIpc main_ipc = { .fd = -1 };
	uint32_t max_threads = 0;
	unsigned int i = 0, n_started;
	int r = loopers ? 0 : -ENOMEM;

	if (r >= 0)
		r = binder_ipc_open(&main_ipc, p->binder_device);
	if (r >= 0)
		r = binder_ipc_become_manager(&main_ipc, CONTEXT_MGR_TRIES);
	if (r >= 0 && ioctl(main_ipc.fd, BINDER_SET_MAX_THREADS, &max_threads) < 0)
		r = -errno;
	for (i = 0; r >= 0 && i < p->workers; i++) {
		BinderLooper *l = &loopers[i];

		l->sh = sh;
		l->size = p->size;
		l->ipc.fd = main_ipc.fd;
		l->ipc.map = main_ipc.map;
		l->buf = malloc(p->size);
		if (!l->buf) {
			r = -ENOMEM;
			break;
		}
		r = -pthread_create(&l->thread, NULL, looper_thread, l);
		if (r < 0)
			break;
	}
	n_started = i;
	tput_send_status(ctl, r);
	if (r >= 0)
		r = tput_wait_eof(stop_fd);
	for (i = 0; r >= 0 && i < p->workers; i++)
		r = atomic_load(&loopers[i].error);
	if (n_started == 0 && loopers) {
		/* No looper uses the file or the buffers. */
		binder_ipc_close(&main_ipc);
		for (i = 0; i < p->workers; i++)
			free(loopers[i].buf);
		free(loopers);
	}
	/*
	 * Otherwise loopers may still be in the driver with our file: the
	 * process exits next (see the top of the file), so their memory and
	 * the file stay as they are.
	 */
	return r;
}

/* ---- clients ---- */

struct TputClient {
	TputClientBase base;
	BinderIpc ipc;
};

static int binder_connect(const TputParams *p, TputClient **out)
{
	TputClient *c = tput_client_alloc(p, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	r = binder_ipc_open(&c->ipc, p->binder_device);
	if (r < 0) {
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

/* The one return a one-way send waits for: BR_TRANSACTION_COMPLETE, or a failure. */
static ssize_t oneway_return(BinderIpc *b, uint32_t cmd, const uint8_t *payload, void *ctx)
{
	(void)b;
	(void)payload;
	(void)ctx;
	return cmd == BR_FAILED_REPLY ? -EAGAIN : binder_ipc_error_of(cmd);
}

static int binder_op(TputClient *c, const uint8_t *req, uint8_t *rep)
{
	struct binder_transaction_data reply;
	int r;

	if (c->base.oneway) {
		/*
		 * binder_ipc_read_returns() takes BR_TRANSACTION_COMPLETE itself:
		 * the driver queues it (or the failure) before the read, so one
		 * write and read is the whole send.
		 */
		binder_ipc_queue_transaction(&c->ipc, 0, CODE_ECHO, req, c->base.size, TF_ONE_WAY);
		return binder_ipc_read_returns(&c->ipc, oneway_return, NULL);
	}
	r = binder_ipc_transact(&c->ipc, 0, CODE_ECHO, req, c->base.size, &reply);
	if (r < 0)
		return r;
	if (reply.data_size != c->base.size)
		return -EBADMSG;
	memcpy(rep, (const void *)(uintptr_t)reply.data.ptr.buffer, c->base.size);
	return 0;
}

static void binder_client_close(TputClient *c)
{
	binder_ipc_close(&c->ipc);
	free(c);
}

const TputMethod tput_method_binder = {
	.name = "binder",
	.server_how = "context manager with N looper threads (BC_ENTER_LOOPER, "
		      "BINDER_SET_MAX_THREADS 0) on one binder file; BC_FREE_BUFFER + "
		      "BC_REPLY and the next read in one ioctl per call",
	.prepare = NULL,
	.serve = binder_serve,
	.connect = binder_connect,
	.op = binder_op,
	.close = binder_client_close,
};
