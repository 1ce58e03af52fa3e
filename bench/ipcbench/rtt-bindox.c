// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The round-trip mode's bindox methods (rtt.h):
 *
 *   bindox-inline  the request's bytes inline in the call, the reply's
 *                  inline in the reply: the client copies its request into
 *                  the message, the driver copies it into the server's,
 *                  the server copies it into its reply, the driver copies
 *                  that back. Up to BINDOX_MAX_DATA_SIZE.
 *   bindox-buffer  one Bindox buffer (bindox/buffer.h), allocated at setup
 *                  by the client and reused: the client writes its request
 *                  into it and moves it to the server with the call
 *                  (BINDOX_BUFFER_MOVE); the server moves the same buffer
 *                  back with its reply, the request's bytes being the
 *                  echo. No byte is copied.
 *   bindox         what an application gets from libbindox's payloads
 *                  (bindox/payload.h): the library puts the payload inline
 *                  below the connection's threshold (the default,
 *                  BINDOX_PAYLOAD_BUFFER_MIN) and in a moved buffer from
 *                  there on. The client reserves its request's payload and
 *                  writes into it before the clock starts (as the buffer
 *                  method writes its buffer); the server answers inline
 *                  with a copy of the request, or with the buffer the
 *                  request came in (offered back to the library), and the
 *                  client keeps the reply's buffer for its next request.
 *
 * Setup (not timed): a Coordinator child (bindox-setup.h) answers the
 * server's REGISTER and the client's LOOKUP, then exits; the client calls
 * the handle the LOOKUP gave it. A call with neither data nor objects tells
 * the server to stop.
 */
#define _GNU_SOURCE
#include "rtt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bindox/buffer.h>

#include "bindox-setup.h"
#include "child.h"
#include "util.h"

/* Setup steps (REGISTER, LOOKUP) and the stop call must not hang the run. */
#define SETUP_TIMEOUT_NS (30LL * 1000 * 1000 * 1000)
#define SERVICE_COOKIE 1U

/* How the payload travels: the three methods of this file. */
typedef enum BindoxWay {
	WAY_INLINE,
	WAY_BUFFER,
	WAY_PAYLOAD,
} BindoxWay;

typedef struct BindoxServerArg {
	const char *device;
	const char *name;
	size_t size;
	BindoxWay way;
} BindoxServerArg;

/* Room in each message for the payload, or just the buffer object. */
static size_t msg_bytes(size_t size, BindoxWay way)
{
	switch (way) {
	case WAY_BUFFER:
		return sizeof(struct bindox_object);
	case WAY_PAYLOAD:
		size += BINDOX_PAYLOAD_HEADER_SIZE;
		return size < BINDOX_MAX_DATA_SIZE ? size : BINDOX_MAX_DATA_SIZE;
	default:
		return size;
	}
}

static size_t msg_objects(BindoxWay way)
{
	return way == WAY_INLINE ? 0 : 1;
}

/* The payload's echo: the request's buffer offered back, or a copy. */
static int build_payload_echo(const BindoxServerArg *a, BindoxConn *conn, BindoxMsg *in,
			      BindoxMsg *out, BindoxBuffer **held)
{
	const void *data;
	void *area;
	size_t size;
	int r;

	r = bindox_msg_get_payload(in, &data, &size);
	if (r < 0)
		return r;
	if (size != a->size)
		return -EBADMSG;
	if (*held)
		bindox_buffer_release(*held);
	*held = NULL;
	if (bindox_msg_take_payload_buffer(in, held) == -ENODATA) {
		r = bindox_msg_payload_reserve(out, conn, size, NULL, &area);
		if (r == 0)
			memcpy(area, data, size);
		return r;
	}
	/* The request's bytes are in the buffer already: they are the echo. */
	r = bindox_msg_payload_reserve(out, conn, size, held, &area);
	return r == 0 && area != data ? -EBADMSG : r;
}

static bool is_stop(const BindoxMsg *m)
{
	size_t size;

	(void)bindox_msg_get_data(m, &size);
	return size == 0 && bindox_msg_get_n_objects(m) == 0;
}

/*
 * Build the echo of the call in @in into @out: its bytes (inline), or the
 * buffer it moved to us, moved back (*@held: the buffer we hold).
 */
static int build_echo(const BindoxServerArg *a, BindoxConn *conn, BindoxMsg *in,
		      BindoxMsg *out, BindoxBuffer **held)
{
	const void *data;
	size_t size;
	int r;

	bindox_msg_reset(out);
	if (a->way == WAY_PAYLOAD)
		return build_payload_echo(a, conn, in, out, held);
	if (a->way == WAY_INLINE) {
		data = bindox_msg_get_data(in, &size);
		if (size != a->size)
			return -EBADMSG;
		return bindox_msg_append_bytes(out, data, size);
	}
	if (*held)
		bindox_buffer_release(*held);
	*held = NULL;
	r = bindox_msg_get_buffer(in, 0, held);
	if (r < 0)
		return r;
	if (bindox_buffer_size(*held) < a->size || !bindox_buffer_writable(*held))
		return -EBADMSG;
	return bindox_msg_append_buffer(out, *held, BINDOX_BUFFER_MOVE);
}

/*
 * The bindox echo server: registers its node under the service name, then
 * answers every call with its echo, one BINDOX_IOC_REPLY_RECV per round
 * trip.
 */
static int bindox_server(void *arg, int ctl)
{
	const BindoxServerArg *a = arg;
	BindoxConn *conn = NULL;
	BindoxMsg *in = NULL, *out = NULL;
	BindoxBuffer *held = NULL;
	uint64_t syscalls = 0, rounds = 0, id;
	int r;

	r = bindox_open_with_msgs(a->device, msg_bytes(a->size, a->way), msg_objects(a->way),
				  &conn, &out, &in);
	if (r >= 0)
		r = bindox_service_register(conn, a->name, SERVICE_COOKIE);
	rtt_ctl_send_status(ctl, r < 0 ? r : 0);
	if (r < 0)
		goto out;

	r = bindox_recv(conn, in, -1);
	syscalls++;
	while (r >= 0) {
		if (bindox_msg_get_type(in) != BINDOX_MSG_CALL) {
			r = bindox_recv(conn, in, -1);
			syscalls++;
			continue;
		}
		id = bindox_msg_get_id(in);
		if (is_stop(in)) {
			/* Answer it without waiting for more. */
			r = bindox_reply(conn, id, NULL, in);
			syscalls++;
			break;
		}
		r = build_echo(a, conn, in, out, &held);
		if (r < 0)
			break;
		r = bindox_reply_recv(conn, &id, out, in, -1);
		syscalls++;
		rounds++;
	}
	rtt_ctl_send_report(ctl, syscalls, rounds);
out:
	if (held)
		bindox_buffer_release(held);
	bindox_msg_free(out);
	bindox_msg_free(in);
	bindox_conn_close(conn);
	return r < 0 ? r : 0;
}

static int bindox_setup(RttCtx *ctx, BindoxWay way)
{
	static unsigned int n_setups;
	char name[64];
	BindoxServerArg arg = { .device = ctx->device, .name = name, .size = ctx->size,
				.way = way };
	BindoxBuffer *buf = NULL;
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
	r = rtt_ctl_recv_status(ctx->ctl);
	if (r < 0)
		goto fail;

	/* Opened only now, so that no child inherits the client's file. */
	r = bindox_open_with_msgs(ctx->device, msg_bytes(ctx->size, way), msg_objects(way),
				  &ctx->conn, &ctx->req, &ctx->reply);
	if (r >= 0)
		r = bindox_service_lookup(ctx->conn, name, &ctx->handle, SETUP_TIMEOUT_NS);
	if (r >= 0 && way == WAY_BUFFER) {
		r = bindox_buffer_alloc(ctx->conn, ctx->size, &buf);
		if (r >= 0) {
			/* Fault it in now, as the other methods' buffers are. */
			memset(bindox_buffer_data(buf), 0, ctx->size);
			ctx->priv = buf;
		}
	}
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

int rtt_bindox_inline_setup(RttCtx *ctx)
{
	return bindox_setup(ctx, WAY_INLINE);
}

int rtt_bindox_buffer_setup(RttCtx *ctx)
{
	return bindox_setup(ctx, WAY_BUFFER);
}

int rtt_bindox_payload_setup(RttCtx *ctx)
{
	return bindox_setup(ctx, WAY_PAYLOAD);
}

uint8_t *rtt_bindox_inline_request(RttCtx *ctx)
{
	return ctx->req_buf;
}

uint8_t *rtt_bindox_buffer_request(RttCtx *ctx)
{
	return bindox_buffer_data(ctx->priv);
}

/*
 * The library chooses where the payload goes; a buffer the last reply
 * brought (ctx->priv) is offered for it. NULL if it cannot reserve.
 */
uint8_t *rtt_bindox_payload_request(RttCtx *ctx)
{
	BindoxBuffer *spare = ctx->priv;
	void *area;
	int r;

	ctx->priv = NULL;
	bindox_msg_reset(ctx->req);
	r = bindox_msg_payload_reserve(ctx->req, ctx->conn, ctx->size, &spare, &area);
	/* Not taken (an inline payload, or too small): ours to release. */
	if (spare)
		bindox_buffer_release(spare);
	return r < 0 ? NULL : area;
}

/* Build the request (its bytes, or the buffer moved) and make the call. */
static int call(RttCtx *ctx, bool buffers)
{
	int r;

	bindox_msg_reset(ctx->req);
	if (buffers)
		r = bindox_msg_append_buffer(ctx->req, ctx->priv, BINDOX_BUFFER_MOVE);
	else
		r = bindox_msg_append_bytes(ctx->req, ctx->req_buf, ctx->size);
	if (r < 0)
		return r;
	ctx->client_syscalls++;
	return bindox_call(ctx->conn, ctx->handle, ctx->req, ctx->reply, -1);
}

int rtt_bindox_inline_round_trip(RttCtx *ctx, const uint8_t **rep)
{
	const void *data;
	size_t size;
	int r;

	r = call(ctx, false);
	if (r < 0)
		return r;
	data = bindox_msg_get_data(ctx->reply, &size);
	if (size != ctx->size)
		return -EBADMSG;
	*rep = data;
	return 0;
}

int rtt_bindox_buffer_round_trip(RttCtx *ctx, const uint8_t **rep)
{
	BindoxBuffer *back = NULL;
	int r;

	r = call(ctx, true);
	if (r < 0)
		return r;
	r = bindox_msg_get_buffer(ctx->reply, 0, &back);
	if (r < 0)
		return r;
	/* The moved one is only an id now; the same buffer came back. */
	bindox_buffer_release(ctx->priv);
	ctx->priv = back;
	if (bindox_buffer_size(back) < ctx->size || !bindox_buffer_writable(back))
		return -EBADMSG;
	*rep = bindox_buffer_data(back);
	return 0;
}

int rtt_bindox_payload_round_trip(RttCtx *ctx, const uint8_t **rep)
{
	BindoxBuffer *back = NULL;
	const void *data;
	size_t size;
	int r;

	ctx->client_syscalls++;
	r = bindox_call(ctx->conn, ctx->handle, ctx->req, ctx->reply, -1);
	if (r < 0)
		return r;
	r = bindox_msg_get_payload(ctx->reply, &data, &size);
	if (r < 0)
		return r;
	if (size != ctx->size)
		return -EBADMSG;
	/* Keep a buffer reply for the next request. */
	if (bindox_msg_take_payload_buffer(ctx->reply, &back) == 0)
		ctx->priv = back;
	*rep = data;
	return 0;
}

int rtt_bindox_stop(RttCtx *ctx)
{
	int r = 0;

	if (ctx->conn && ctx->handle) {
		/* An empty call: the server answers it and exits. */
		bindox_msg_reset(ctx->req);
		r = bindox_call(ctx->conn, ctx->handle, ctx->req, ctx->reply, SETUP_TIMEOUT_NS);
	}
	if (ctx->priv)
		bindox_buffer_release(ctx->priv);
	ctx->priv = NULL;
	ctx->reply = bindox_msg_free(ctx->reply);
	ctx->req = bindox_msg_free(ctx->req);
	ctx->conn = bindox_conn_close(ctx->conn);
	return r;
}
