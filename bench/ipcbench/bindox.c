// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bindox: a call per exchange. The server registers a service with a
 * Coordinator (bindox-setup.h, started by prepare() unless one runs); the
 * client in its container looks it up through the bind-mounted device and
 * calls it: one BINDOX_IOC_CALL per exchange on the client, one
 * BINDOX_IOC_REPLY_RECV on the server.
 *
 * Messages up to BINDOX_MAX_DATA_SIZE travel inline (copied by the driver).
 * Larger ones travel as a Mapping Delivery buffer (bindox/buffer.h), moved
 * each way: the client allocates one buffer, writes it and moves it to the
 * server with the call; the server, now the only writer, writes it and moves
 * it back with the reply. No byte is copied. Builds without buffer.h
 * support inline messages only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bindox/bindox.h>
#include <bindox/buffer.h>

#include "bindox-setup.h"
#include "child.h"
#include "method.h"
#include "util.h"

#define LOOKUP_TIMEOUT_NS (60LL * 1000 * 1000 * 1000)
#define SERVICE_COOKIE 1U
#define INLINE_MAX BINDOX_MAX_DATA_SIZE

struct MethodAux {
	pid_t coordinator;
};

struct MethodSide {
	BindoxConn *conn;
	uint32_t handle;		/* client: the service */
	BindoxMsg *out, *in;		/* client: request, reply; server: reply, request */
	size_t size;
	uint8_t *local;			/* inline messages: this side's buffer */
	BindoxBuffer *buf;		/* buffer messages: the buffer this side holds */
};

static void service_name(const MethodParams *p, char *name, size_t size)
{
	snprintf(name, size, "bench.ipc.%llx", (unsigned long long)p->run_id);
}

static bool use_buffers(const MethodSide *s)
{
	return s->size > INLINE_MAX;
}

/* ---- the Coordinator ---- */

static void bx_cleanup(MethodAux *aux)
{
	if (!aux)
		return;
	/* It exits after the one LOOKUP; if the run failed before, end it. */
	(void)reap_child(&aux->coordinator, true);
	free(aux);
}

static int bx_prepare(const MethodParams *p, MethodAux **out)
{
	MethodAux *aux = calloc(1, sizeof(*aux));
	char name[64];
	int r;

	if (!aux)
		return -ENOMEM;
	service_name(p, name, sizeof(name));
	r = bench_coordinator_start(p->bindox_device, name, 1, &aux->coordinator);
	if (r < 0) {
		free(aux);
		return r;
	}
	*out = aux;
	return 0;
}

/* ---- both sides ---- */

static void bx_close(MethodSide *s)
{
	if (!s)
		return;
	if (s->buf)
		bindox_buffer_release(s->buf);
	bindox_msg_free(s->out);
	bindox_msg_free(s->in);
	bindox_conn_close(s->conn);
	unmap_buffer(s->local, s->size);
	free(s);
}

static int bx_side_new(const MethodParams *p, MethodSide **out)
{
	MethodSide *s = calloc(1, sizeof(*s));
	size_t inline_bytes;
	int r;

	if (!s)
		return -ENOMEM;
	s->size = p->size;
	/* With buffers, a message carries just the buffer object. */
	inline_bytes = use_buffers(s) ? sizeof(struct bindox_object) : s->size;
	r = bindox_open_with_msgs(p->bindox_device, inline_bytes, 1, &s->conn, &s->out, &s->in);
	if (r >= 0 && !use_buffers(s)) {
		s->local = map_buffer(s->size);
		if (!s->local)
			r = -ENOMEM;
	}
	if (r < 0) {
		bx_close(s);
		return r;
	}
	*out = s;
	return 0;
}

/* Put this side's message into s->out: the bytes, or the buffer (moved). */
static int bx_build(MethodSide *s)
{
	bindox_msg_reset(s->out);
	if (use_buffers(s))
		return bindox_msg_append_buffer(s->out, s->buf, BINDOX_BUFFER_MOVE);
	return bindox_msg_append_bytes(s->out, s->local, s->size);
}

/*
 * The message just received into s->in: its bytes (inline), or the buffer
 * it moved to us, which replaces the one we held (moved away by now).
 */
static const void *bx_take(MethodSide *s)
{
	const void *data;
	size_t size;

	if (use_buffers(s)) {
		BindoxBuffer *b = NULL;

		if (bindox_msg_get_buffer(s->in, 0, &b) < 0)
			return NULL;
		if (s->buf)
			bindox_buffer_release(s->buf);
		s->buf = b;
		if (bindox_buffer_size(b) < s->size || !bindox_buffer_writable(b))
			return NULL;
		return bindox_buffer_data(b);
	}
	data = bindox_msg_get_data(s->in, &size);
	return size == s->size ? data : NULL;
}

static void *bx_buffer(MethodSide *s)
{
	if (use_buffers(s))
		return s->buf ? bindox_buffer_data(s->buf) : NULL;
	return s->local;
}

/* ---- server ---- */

static int bx_listen(const MethodParams *p, MethodSide **out, char *addr)
{
	MethodSide *s;
	int r;

	r = bx_side_new(p, &s);
	if (r < 0)
		return r;
	service_name(p, addr, ADDR_SIZE);
	r = bindox_service_register(s->conn, addr, SERVICE_COOKIE);
	if (r < 0) {
		bx_close(s);
		return r;
	}
	*out = s;
	return 0;
}

static int bx_accept(MethodSide *s)
{
	(void)s;	/* calls come through the driver */
	return 0;
}

/* A call without data or objects asks the server to stop. */
static bool is_stop(const BindoxMsg *m)
{
	size_t size;

	(void)bindox_msg_get_data(m, &size);
	return size == 0 && bindox_msg_get_n_objects(m) == 0;
}

static int bx_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	uint64_t id;
	int r;

	r = bindox_recv(s->conn, s->in, -1);
	while (r >= 0) {
		const void *in;

		if (bindox_msg_get_type(s->in) != BINDOX_MSG_CALL) {
			r = bindox_recv(s->conn, s->in, -1);
			continue;
		}
		id = bindox_msg_get_id(s->in);
		if (is_stop(s->in))
			return bindox_reply(s->conn, id, NULL, s->in) < 0 ? -EPIPE : 0;
		in = bx_take(s);
		if (!in)
			return -EBADMSG;
		/* Buffers: write in place (it is ours now); inline: into our own. */
		r = fn(userdata, in, bx_buffer(s));
		if (r < 0)
			return r;
		r = bx_build(s);
		if (r < 0)
			return r;
		r = bindox_reply_recv(s->conn, &id, s->out, s->in, -1);
	}
	return r;
}

/* ---- client ---- */

static int bx_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	MethodSide *s;
	int r;

	r = bx_side_new(p, &s);
	if (r < 0)
		return r;
	r = bindox_service_lookup(s->conn, addr, &s->handle, LOOKUP_TIMEOUT_NS);
	if (r >= 0 && use_buffers(s)) {
		r = bindox_buffer_alloc(s->conn, s->size, &s->buf);
		/* Map it in now, as the other methods populate their buffers. */
		if (r >= 0)
			memset(bindox_buffer_data(s->buf), 0, s->size);
	}
	if (r < 0) {
		bx_close(s);
		return r;
	}
	*out = s;
	return 0;
}

/* The whole round trip: one call. */
static int bx_send(MethodSide *s)
{
	int r = bx_build(s);

	if (r < 0)
		return r;
	return bindox_call(s->conn, s->handle, s->out, s->in, -1);
}

static int bx_recv(MethodSide *s)
{
	return bx_take(s) ? 1 : -EBADMSG;
}

static const void *bx_received(MethodSide *s)
{
	return use_buffers(s) ? bx_buffer(s) : bindox_msg_get_data(s->in, NULL);
}

static int bx_finish(MethodSide *s)
{
	bindox_msg_reset(s->out);
	return bindox_call(s->conn, s->handle, s->out, s->in, LOOKUP_TIMEOUT_NS);
}

const Method method_bindox = {
	.name = "bindox",
	.how = "one call per exchange; up to 256 KiB inline (copied by the driver), "
	       "larger messages as a Mapping Delivery buffer moved each way (no copy)",
	.prepare = bx_prepare,
	.cleanup = bx_cleanup,
	.listen = bx_listen,
	.accept = bx_accept,
	.serve = bx_serve,
	.connect = bx_connect,
	.buffer = bx_buffer,
	.send = bx_send,
	.recv = bx_recv,
	.received = bx_received,
	.finish = bx_finish,
	.close = bx_close,
};
