// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * binder: Android's binder (the guest kernel's binder_linux module), spoken
 * with raw ioctls from <linux/android/binder.h>. The server is the context
 * manager (handle 0) of the binder device; the client in its container
 * calls it through the bind-mounted device node.
 *
 * A binder transaction lands in the receiver's binder buffer, a mapping of
 * about 1 MB (here BINDER_MAP_SIZE), so a large message travels in chunks
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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/android/binder.h>

#include "method.h"
#include "util.h"

#define BINDER_MAP_SIZE (1024U * 1024U - 2U * 4096U)	/* as Android's ProcessState */
#define CHUNK (512U * 1024U)
#define OP_SHIFT 24
#define OP_PUSH 1U
#define OP_PULL 2U
#define OP_STOP 3U
#define CHUNK_MASK ((1U << OP_SHIFT) - 1U)
#define CONTEXT_MGR_TRIES 200	/* x 50 ms: the last server's release is deferred */

struct MethodSide {
	int fd;
	void *map;
	uint8_t *buf;			/* this side's message buffer */
	size_t size;
	uint32_t n_chunks;
	uint8_t wbuf[512];		/* commands to write */
	size_t wlen;
	uint8_t rbuf[1024];		/* returns read */
	binder_uintptr_t pending_free;	/* our last received binder buffer */
};

static size_t chunk_len(const MethodSide *s, uint32_t idx)
{
	size_t off = (size_t)idx * CHUNK;

	return s->size - off < CHUNK ? s->size - off : CHUNK;
}

static void push_cmd(MethodSide *s, uint32_t cmd, const void *arg, size_t size)
{
	memcpy(s->wbuf + s->wlen, &cmd, sizeof(cmd));
	if (size)
		memcpy(s->wbuf + s->wlen + sizeof(cmd), arg, size);
	s->wlen += sizeof(cmd) + size;
}

/* Free our last received buffer with the next write. */
static void push_free(MethodSide *s)
{
	if (s->pending_free) {
		push_cmd(s, BC_FREE_BUFFER, &s->pending_free, sizeof(s->pending_free));
		s->pending_free = 0;
	}
}

/* Write the queued commands; read returns if @read. *@got: bytes read. */
static int binder_io(MethodSide *s, bool read, size_t *got)
{
	struct binder_write_read bwr = {
		.write_size = s->wlen,
		.write_buffer = (binder_uintptr_t)(uintptr_t)s->wbuf,
		.read_size = read ? sizeof(s->rbuf) : 0,
		.read_buffer = (binder_uintptr_t)(uintptr_t)s->rbuf,
	};

	for (;;) {
		if (ioctl(s->fd, BINDER_WRITE_READ, &bwr) == 0)
			break;
		if (errno != EINTR)
			return -errno;
	}
	if (bwr.write_consumed < bwr.write_size)
		return -EIO;
	s->wlen = 0;
	*got = (size_t)bwr.read_consumed;
	return 0;
}

/*
 * Handle a return that needs no decision (reference counting of our node,
 * no-ops). Returns its payload size, or -1 for one the caller handles.
 */
static ssize_t handle_common(MethodSide *s, uint32_t cmd, const uint8_t *payload)
{
	struct binder_ptr_cookie pc;

	switch (cmd) {
	case BR_NOOP:
	case BR_OK:
	case BR_SPAWN_LOOPER:
	case BR_TRANSACTION_COMPLETE:
		return 0;
	case BR_INCREFS:
	case BR_ACQUIRE:
		memcpy(&pc, payload, sizeof(pc));
		push_cmd(s, cmd == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE, &pc, sizeof(pc));
		return sizeof(pc);
	case BR_RELEASE:
	case BR_DECREFS:
		return sizeof(pc);
	default:
		return -1;
	}
}

static int error_of(uint32_t cmd)
{
	switch (cmd) {
	case BR_DEAD_REPLY:
		return -EPIPE;
	case BR_FAILED_REPLY:
		return -ECOMM;
	case BR_FROZEN_REPLY:
		return -EAGAIN;
	default:
		return -EPROTO;
	}
}

/*
 * Write the queued commands, read the returns and go through them: the
 * routine ones here, the others through @fn, which returns the size of
 * their payload or a negative errno.
 */
static int read_returns(MethodSide *s,
			ssize_t (*fn)(MethodSide *s, uint32_t cmd, const uint8_t *payload, void *ctx),
			void *ctx)
{
	size_t got = 0, pos = 0;
	int r = binder_io(s, true, &got);

	if (r < 0)
		return r;
	while (pos + sizeof(uint32_t) <= got) {
		uint32_t cmd;
		ssize_t n;

		memcpy(&cmd, s->rbuf + pos, sizeof(cmd));
		pos += sizeof(cmd);
		n = handle_common(s, cmd, s->rbuf + pos);
		if (n < 0)
			n = fn(s, cmd, s->rbuf + pos, ctx);
		if (n < 0)
			return (int)n;
		pos += (size_t)n;
	}
	return 0;
}

static void binder_close(MethodSide *s)
{
	if (!s)
		return;
	if (s->pending_free && s->fd >= 0) {
		size_t got = 0;

		push_free(s);
		(void)binder_io(s, false, &got);
	}
	if (s->map)
		(void)munmap(s->map, BINDER_MAP_SIZE);
	close_fd(&s->fd);
	unmap_buffer(s->buf, s->size);
	free(s);
}

static int binder_side_new(const MethodParams *p, MethodSide **out)
{
	struct binder_version v = { 0 };
	MethodSide *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->size = p->size;
	s->n_chunks = (uint32_t)((p->size + CHUNK - 1) / CHUNK);
	if (s->n_chunks > CHUNK_MASK) {
		free(s);
		return -EMSGSIZE;
	}
	s->fd = open(p->binder_device, O_RDWR | O_CLOEXEC);
	if (s->fd < 0) {
		r = -errno;
		goto fail;
	}
	if (ioctl(s->fd, BINDER_VERSION, &v) < 0) {
		r = -errno;
		goto fail;
	}
	if (v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION) {
		r = -EPROTONOSUPPORT;
		goto fail;
	}
	s->map = mmap(NULL, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE | MAP_NORESERVE, s->fd, 0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		r = -errno;
		goto fail;
	}
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
	int i, r;

	r = binder_side_new(p, &s);
	if (r < 0)
		return r;
	for (i = 0; i < CONTEXT_MGR_TRIES; i++) {
		int32_t unused = 0;

		r = ioctl(s->fd, BINDER_SET_CONTEXT_MGR, &unused) < 0 ? -errno : 0;
		if (r != -EBUSY)
			break;
		usleep(50000);
	}
	if (r < 0) {
		binder_close(s);
		return r;
	}
	snprintf(addr, ADDR_SIZE, "%s", p->binder_device);
	push_cmd(s, BC_ENTER_LOOPER, NULL, 0);
	*out = s;
	return 0;
}

static int binder_accept(MethodSide *s)
{
	(void)s;	/* transactions come through the driver */
	return 0;
}

typedef struct ServeState {
	MessageFn fn;
	void *userdata;
	bool sending;		/* false: taking PUSH chunks; true: answering PULLs */
	uint32_t next;		/* the chunk expected next */
	bool stop;
} ServeState;

/* One incoming transaction: queue its reply. */
static int serve_transaction(MethodSide *s, ServeState *st, const struct binder_transaction_data *tr)
{
	struct binder_transaction_data reply = { 0 };
	uint32_t op = tr->code >> OP_SHIFT, idx = tr->code & CHUNK_MASK;
	int r = 0;

	s->pending_free = tr->data.ptr.buffer;
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
		reply.data_size = chunk_len(s, idx);
		reply.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)(s->buf + (size_t)idx * CHUNK);
		if (++st->next == s->n_chunks) {
			st->sending = false;
			st->next = 0;
		}
	} else {
		return -EPROTO;
	}
	if (r < 0)
		return r;
	push_free(s);
	push_cmd(s, BC_REPLY, &reply, sizeof(reply));
	return 0;
}

static ssize_t serve_return(MethodSide *s, uint32_t cmd, const uint8_t *payload, void *ctx)
{
	struct binder_transaction_data tr;
	int r;

	if (cmd != BR_TRANSACTION)
		return error_of(cmd);
	memcpy(&tr, payload, sizeof(tr));
	r = serve_transaction(s, ctx, &tr);
	return r < 0 ? r : (ssize_t)sizeof(tr);
}

static int binder_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	ServeState st = { .fn = fn, .userdata = userdata };
	size_t got = 0;

	while (!st.stop) {
		int r = read_returns(s, serve_return, &st);

		if (r < 0)
			return r;
	}
	/* Send the last reply (to the stop). */
	return binder_io(s, false, &got);
}

/* ---- client ---- */

static int binder_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	MethodParams q = *p;

	q.binder_device = addr;
	return binder_side_new(&q, out);
}

typedef struct TransactState {
	struct binder_transaction_data *reply;
	bool done;
} TransactState;

static ssize_t transact_return(MethodSide *s, uint32_t cmd, const uint8_t *payload, void *ctx)
{
	TransactState *st = ctx;

	if (cmd != BR_REPLY)
		return error_of(cmd);
	memcpy(st->reply, payload, sizeof(*st->reply));
	s->pending_free = st->reply->data.ptr.buffer;
	st->done = true;
	return sizeof(*st->reply);
}

/*
 * One synchronous transaction to the context manager; on success
 * *@reply_out describes the reply, which stays in our binder buffer until
 * the next transaction frees it.
 */
static int transact(MethodSide *s, uint32_t code, const void *data, size_t size,
		    struct binder_transaction_data *reply_out)
{
	struct binder_transaction_data tr = {
		.target.handle = 0,
		.code = code,
		.data_size = size,
		.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)data,
	};
	TransactState st = { .reply = reply_out };

	push_free(s);
	push_cmd(s, BC_TRANSACTION, &tr, sizeof(tr));
	while (!st.done) {
		int r = read_returns(s, transact_return, &st);

		if (r < 0)
			return r;
	}
	return reply_out->flags & TF_STATUS_CODE ? -EREMOTEIO : 0;
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
