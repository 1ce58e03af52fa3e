// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * binder: Android's binder (the guest kernel's binder_linux module), spoken
 * with raw ioctls from <linux/android/binder.h>. The server is the context
 * manager (handle 0) of the binder device; the client in its container
 * calls it through the bind-mounted device node.
 *
 * A binder transaction lands in the receiver's binder buffer, a mapping of
 * about 1 MB (BINDER_IPC_MAP_SIZE), so a large message travels in chunks
 * of CHUNK bytes, one synchronous transaction each, the way a binder user
 * without shared memory must send it: the client pushes the chunks (PUSH
 * transactions, empty replies), the server copies each out of its binder
 * buffer into its own buffer; after the last one it writes its buffer, and
 * the client pulls the reply chunk by chunk (PULL transactions whose
 * replies carry the chunks), copying each out of its binder buffer. The
 * driver copies every byte once into the receiver's binder buffer, and the
 * receiver copies it once more into a buffer it may write.
 *
 * Transaction codes: the operation in the top 8 bits, the chunk number in
 * the low 24.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binder-ipc.h"
#include "method.h"
#include "util.h"

#define CHUNK (512U * 1024U)
#define OP_SHIFT 24
#define OP_PUSH 1U
#define OP_PULL 2U
#define OP_STOP 3U
#define CHUNK_MASK ((1U << OP_SHIFT) - 1U)
#define CONTEXT_MGR_TRIES 200	/* x 50 ms: the last server's release is deferred */

struct MethodSide {
	BinderIpc ipc;
	uint8_t *buf;			/* this side's message buffer */
	size_t size;
	uint32_t n_chunks;
};

static size_t chunk_len(const MethodSide *s, uint32_t idx)
{
	size_t off = (size_t)idx * CHUNK;

	return s->size - off < CHUNK ? s->size - off : CHUNK;
}

static void binder_close(MethodSide *s)
{
	if (!s)
		return;
	binder_ipc_close(&s->ipc);
	unmap_buffer(s->buf, s->size);
	free(s);
}

static int binder_side_new(const MethodParams *p, MethodSide **out)
{
	MethodSide *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->ipc.fd = -1;
	s->size = p->size;
	s->n_chunks = (uint32_t)((p->size + CHUNK - 1) / CHUNK);
	if (s->n_chunks > CHUNK_MASK) {
		free(s);
		return -EMSGSIZE;
	}
	r = binder_ipc_open(&s->ipc, p->binder_device);
	if (r < 0)
		goto fail;
	s->buf = map_buffer(s->size);
	if (!s->buf) {
		r = -ENOMEM;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	binder_close(s);
	return r;
}

static void *binder_buffer(MethodSide *s)
{
	return s->buf;
}

/* ---- server ---- */

static int binder_listen(const MethodParams *p, MethodSide **out, char *addr)
{
	MethodSide *s = NULL;
	int r;

	r = binder_side_new(p, &s);
	if (r < 0)
		return r;
	r = binder_ipc_become_manager(&s->ipc, CONTEXT_MGR_TRIES);
	if (r < 0) {
		binder_close(s);
		return r;
	}
	snprintf(addr, ADDR_SIZE, "%s", p->binder_device);
	binder_ipc_enter_looper(&s->ipc);
	*out = s;
	return 0;
}

static int binder_accept(MethodSide *s)
{
	(void)s;	/* transactions come through the driver */
	return 0;
}

typedef struct ServeState {
	MethodSide *side;
	MessageFn fn;
	void *userdata;
	bool sending;		/* false: taking PUSH chunks; true: answering PULLs */
	uint32_t next;		/* the chunk expected next */
	bool stop;
} ServeState;

/* One incoming transaction: queue its reply. */
static int serve_transaction(MethodSide *s, ServeState *st, const struct binder_transaction_data *tr)
{
	const void *reply = NULL;
	size_t reply_size = 0;
	uint32_t op = tr->code >> OP_SHIFT, idx = tr->code & CHUNK_MASK;
	int r = 0;

	s->ipc.pending_free = tr->data.ptr.buffer;
	if (op == OP_STOP) {
		st->stop = true;
	} else if (op == OP_PUSH) {
		if (st->sending || idx != st->next || tr->data_size != chunk_len(s, idx))
			return -EPROTO;
		memcpy(s->buf + (size_t)idx * CHUNK,
		       (const void *)(uintptr_t)tr->data.ptr.buffer, tr->data_size);
		if (++st->next == s->n_chunks) {
			r = st->fn(st->userdata, s->buf, s->buf);
			st->sending = true;
			st->next = 0;
		}
	} else if (op == OP_PULL) {
		if (!st->sending || idx != st->next)
			return -EPROTO;
		reply_size = chunk_len(s, idx);
		reply = s->buf + (size_t)idx * CHUNK;
		if (++st->next == s->n_chunks) {
			st->sending = false;
			st->next = 0;
		}
	} else {
		return -EPROTO;
	}
	if (r < 0)
		return r;
	binder_ipc_queue_reply(&s->ipc, reply, reply_size);
	return 0;
}

static ssize_t serve_return(BinderIpc *b, uint32_t cmd, const uint8_t *payload, void *ctx)
{
	ServeState *st = ctx;
	struct binder_transaction_data tr;
	int r;

	if (cmd != BR_TRANSACTION)
		return binder_ipc_error_of(cmd);
	(void)b;
	memcpy(&tr, payload, sizeof(tr));
	r = serve_transaction(st->side, st, &tr);
	return r < 0 ? r : (ssize_t)sizeof(tr);
}

static int binder_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	ServeState st = { .side = s, .fn = fn, .userdata = userdata };
	size_t got = 0;

	while (!st.stop) {
		int r = binder_ipc_read_returns(&s->ipc, serve_return, &st);

		if (r < 0)
			return r;
	}
	/* Send the last reply (to the stop). */
	return binder_ipc_io(&s->ipc, false, &got);
}

/* ---- client ---- */

static int binder_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	MethodParams q = *p;

	q.binder_device = addr;
	return binder_side_new(&q, out);
}

/* One synchronous transaction to the server (the context manager). */
static int transact(MethodSide *s, uint32_t code, const void *data, size_t size,
		    struct binder_transaction_data *reply_out)
{
	return binder_ipc_transact(&s->ipc, 0, code, data, size, reply_out);
}

static int binder_send(MethodSide *s)
{
	struct binder_transaction_data reply;
	uint32_t i;

	for (i = 0; i < s->n_chunks; i++) {
		int r = transact(s, OP_PUSH << OP_SHIFT | i, s->buf + (size_t)i * CHUNK,
				 chunk_len(s, i), &reply);

		if (r < 0)
			return r;
	}
	return 0;
}

static int binder_recv(MethodSide *s)
{
	struct binder_transaction_data reply;
	uint32_t i;

	for (i = 0; i < s->n_chunks; i++) {
		int r = transact(s, OP_PULL << OP_SHIFT | i, NULL, 0, &reply);

		if (r < 0)
			return r;
		if (reply.data_size != chunk_len(s, i))
			return -EBADMSG;
		memcpy(s->buf + (size_t)i * CHUNK, (const void *)(uintptr_t)reply.data.ptr.buffer,
		       reply.data_size);
	}
	return 1;
}

static int binder_finish(MethodSide *s)
{
	struct binder_transaction_data reply;

	return transact(s, OP_STOP << OP_SHIFT, NULL, 0, &reply);
}

const Method method_binder = {
	.name = "binder",
	.how = "binder_linux, raw ioctls, the server as context manager; chunked: "
	       "512 KiB per synchronous transaction (1 MB binder buffer), each chunk "
	       "copied by the driver and again out of the binder buffer",
	.listen = binder_listen,
	.accept = binder_accept,
	.serve = binder_serve,
	.connect = binder_connect,
	.buffer = binder_buffer,
	.send = binder_send,
	.recv = binder_recv,
	.finish = binder_finish,
	.close = binder_close,
};
