// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The round-trip mode's binder method (rtt.h), on the guest's binder_linux
 * (binder-ipc.h). The server child becomes the context manager (handle 0);
 * the client opens the device after the fork (a binder mapping belongs to
 * the process that made it) and calls handle 0.
 *
 * Up to ECHO_MAX bytes, a round trip is one synchronous transaction
 * (ECHO): the driver copies the request into the server's binder buffer,
 * the server replies with those bytes straight from there (the driver
 * copies them into the client's binder buffer) and then frees its buffer;
 * the client checks the reply where it landed and frees it with its next
 * transaction. One BINDER_WRITE_READ for the client, two for the server
 * (its reply returns at once; the second waits for the next call). The
 * server's free follows its reply in the same write, so the client's next
 * request may arrive before it: two requests must fit in the binder buffer
 * at once.
 *
 * A binder buffer is about 1 MB, so larger messages go in CHUNK pieces, as
 * ipcbench's binder method sends them: PUSH transactions (empty replies)
 * that the server copies into its own buffer, then PULL transactions whose
 * replies carry the chunks back, which the client copies out of its binder
 * buffer. Two ioctls per chunk for the client, four for the server; here
 * the server frees each received buffer before it replies.
 *
 * Transaction codes: the operation in the top 8 bits, the chunk number in
 * the low 24.
 */
#define _GNU_SOURCE
#include "rtt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "binder-ipc.h"
#include "child.h"
#include "util.h"

#define CHUNK (512U * 1024U)
#define ECHO_MAX (BINDER_IPC_MAP_SIZE / 2U - 4096U)	/* two in the buffer at once */
#define OP_SHIFT 24
#define OP_ECHO 1U
#define OP_PUSH 2U
#define OP_PULL 3U
#define OP_STOP 4U
#define CHUNK_MASK ((1U << OP_SHIFT) - 1U)
#define CONTEXT_MGR_TRIES 200	/* x 50 ms: the last server's release is deferred */

/* Chunks of a message: 0 for an ECHO (one transaction each way). */
static uint32_t n_chunks(size_t size)
{
	return size <= ECHO_MAX ? 0 : (uint32_t)((size + CHUNK - 1) / CHUNK);
}

static size_t chunk_len(size_t size, uint32_t idx)
{
	size_t off = (size_t)idx * CHUNK;

	return size - off < CHUNK ? size - off : CHUNK;
}

void rtt_binder_design(size_t size, unsigned int *client, unsigned int *server)
{
	uint32_t n = n_chunks(size);

	/*
	 * A server's BC_REPLY comes back at once with BR_TRANSACTION_COMPLETE
	 * (binder defers that return for calls only), so it takes a second
	 * BINDER_WRITE_READ to wait for the next transaction.
	 */
	*client = n ? 2 * n : 1;
	*server = 2 * *client;
}

/* ---- server ---- */

typedef struct BinderServer {
	size_t size;
	uint32_t n_chunks;
	uint8_t *buf;		/* chunked messages: the request, then the reply */
	uint32_t next;		/* the chunk expected next */
	bool pulling;		/* false: taking PUSHes; true: answering PULLs */
	bool stop;
	uint64_t rounds;
} BinderServer;

/* One incoming transaction: queue its reply (and the free of its buffer). */
static int serve_transaction(BinderIpc *b, BinderServer *srv,
			     const struct binder_transaction_data *tr)
{
	const uint8_t *data = (const uint8_t *)(uintptr_t)tr->data.ptr.buffer;
	uint32_t op = tr->code >> OP_SHIFT, idx = tr->code & CHUNK_MASK;
	const void *reply = NULL;
	size_t reply_size = 0;

	switch (op) {
	case OP_STOP:
		srv->stop = true;
		break;
	case OP_ECHO:
		if (srv->n_chunks || tr->data_size != srv->size)
			return -EPROTO;
		/* Reply with the bytes where they landed; free them after. */
		reply = data;
		reply_size = tr->data_size;
		srv->rounds++;
		break;
	case OP_PUSH:
		if (!srv->n_chunks || srv->pulling || idx != srv->next ||
		    tr->data_size != chunk_len(srv->size, idx))
			return -EPROTO;
		memcpy(srv->buf + (size_t)idx * CHUNK, data, tr->data_size);
		if (++srv->next == srv->n_chunks) {
			srv->pulling = true;
			srv->next = 0;
		}
		break;
	case OP_PULL:
		if (!srv->pulling || idx != srv->next)
			return -EPROTO;
		reply = srv->buf + (size_t)idx * CHUNK;
		reply_size = chunk_len(srv->size, idx);
		if (++srv->next == srv->n_chunks) {
			srv->pulling = false;
			srv->next = 0;
			srv->rounds++;
		}
		break;
	default:
		return -EPROTO;
	}
	b->pending_free = tr->data.ptr.buffer;
	if (op == OP_ECHO) {
		/* The reply is read from the received buffer: free it after. */
		struct binder_transaction_data echo = {
			.data_size = reply_size,
			.data.ptr.buffer = tr->data.ptr.buffer,
		};

		binder_ipc_push(b, BC_REPLY, &echo, sizeof(echo));
		binder_ipc_push_free(b);
	} else {
		binder_ipc_queue_reply(b, reply, reply_size);
	}
	return 0;
}

static ssize_t serve_return(BinderIpc *b, uint32_t cmd, const uint8_t *payload, void *ctx)
{
	struct binder_transaction_data tr;
	int r;

	if (cmd != BR_TRANSACTION)
		return binder_ipc_error_of(cmd);
	memcpy(&tr, payload, sizeof(tr));
	r = serve_transaction(b, ctx, &tr);
	return r < 0 ? r : (ssize_t)sizeof(tr);
}

typedef struct BinderServerArg {
	const char *device;
	size_t size;
} BinderServerArg;

static int binder_server(void *arg, int ctl)
{
	const BinderServerArg *a = arg;
	BinderServer srv = { .size = a->size, .n_chunks = n_chunks(a->size) };
	BinderIpc b = { .fd = -1 };
	size_t got = 0;
	int r;

	r = binder_ipc_open(&b, a->device);
	if (r >= 0)
		r = binder_ipc_become_manager(&b, CONTEXT_MGR_TRIES);
	if (r >= 0 && srv.n_chunks) {
		srv.buf = map_buffer(a->size);
		if (!srv.buf)
			r = -ENOMEM;
	}
	rtt_ctl_send_status(ctl, r < 0 ? r : 0);
	if (r < 0)
		goto out;
	binder_ipc_enter_looper(&b);
	b.ioctls = 0;
	while (!srv.stop) {
		/* Writes the last reply and waits for the next transaction. */
		r = binder_ipc_read_returns(&b, serve_return, &srv);
		if (r < 0)
			break;
	}
	/* Send the reply to the stop. */
	if (r >= 0)
		r = binder_ipc_io(&b, false, &got);
	rtt_ctl_send_report(ctl, b.ioctls, srv.rounds);
out:
	binder_ipc_close(&b);
	unmap_buffer(srv.buf, a->size);
	return r;
}

/* ---- client ---- */

int rtt_binder_setup(RttCtx *ctx)
{
	BinderServerArg arg = { .device = ctx->binder_device, .size = ctx->size };
	BinderIpc *b;
	int r;

	if (n_chunks(ctx->size) > CHUNK_MASK)
		return -EMSGSIZE;
	ctx->server = spawn_child(binder_server, &arg, NULL, &ctx->ctl);
	if (ctx->server < 0)
		return (int)ctx->server;
	r = rtt_ctl_recv_status(ctx->ctl);
	if (r < 0)
		return r;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	r = binder_ipc_open(b, ctx->binder_device);
	if (r < 0) {
		free(b);
		return r;
	}
	ctx->priv = b;
	return 0;
}

uint8_t *rtt_binder_request(RttCtx *ctx)
{
	return ctx->req_buf;
}

static int transact(RttCtx *ctx, uint32_t op, uint32_t idx, const void *data, size_t size,
		    struct binder_transaction_data *reply)
{
	BinderIpc *b = ctx->priv;
	uint64_t before = b->ioctls;
	int r;

	r = binder_ipc_transact(b, 0, op << OP_SHIFT | idx, data, size, reply);
	ctx->client_syscalls += b->ioctls - before;
	return r;
}

int rtt_binder_round_trip(RttCtx *ctx, const uint8_t **rep)
{
	struct binder_transaction_data reply;
	uint32_t i, n = n_chunks(ctx->size);
	int r;

	if (!n) {
		r = transact(ctx, OP_ECHO, 0, ctx->req_buf, ctx->size, &reply);
		if (r < 0)
			return r;
		if (reply.data_size != ctx->size)
			return -EBADMSG;
		/* In our binder buffer until the next transaction frees it. */
		*rep = (const uint8_t *)(uintptr_t)reply.data.ptr.buffer;
		return 0;
	}
	for (i = 0; i < n; i++) {
		r = transact(ctx, OP_PUSH, i, ctx->req_buf + (size_t)i * CHUNK,
			     chunk_len(ctx->size, i), &reply);
		if (r < 0)
			return r;
	}
	for (i = 0; i < n; i++) {
		r = transact(ctx, OP_PULL, i, NULL, 0, &reply);
		if (r < 0)
			return r;
		if (reply.data_size != chunk_len(ctx->size, i))
			return -EBADMSG;
		memcpy(ctx->rep_buf + (size_t)i * CHUNK,
		       (const void *)(uintptr_t)reply.data.ptr.buffer, reply.data_size);
	}
	*rep = ctx->rep_buf;
	return 0;
}

int rtt_binder_stop(RttCtx *ctx)
{
	struct binder_transaction_data reply;
	BinderIpc *b = ctx->priv;
	int r = 0;

	if (b) {
		r = transact(ctx, OP_STOP, 0, NULL, 0, &reply);
		binder_ipc_close(b);
		free(b);
		ctx->priv = NULL;
	}
	return r;
}
