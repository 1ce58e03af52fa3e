/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw messages: building them in a BxtBuf and moving them with the
 * driver's ioctls, without libbindox; see bxt.h.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bxt.h"

void bxt_buf_init(BxtBuf *b)
{
	bxt_buf_init_ext(b, b->inline_data, BXT_BUF_DATA, b->inline_offs, BXT_BUF_OBJS);
}

void bxt_buf_init_ext(BxtBuf *b, void *data, uint32_t cap, uint64_t *offs, uint32_t ocap)
{
	b->data = data;
	b->offs = offs;
	b->cap = cap;
	b->ocap = ocap;
	b->size = 0;
	b->n = 0;
}

void bxt_buf_clear(BxtBuf *b)
{
	b->size = 0;
	b->n = 0;
}

void bxt_buf_put(BxtBuf *b, const void *p, size_t n)
{
	if (b->size + n > b->cap)
		abort();	/* a bug in the test itself */
	memcpy(b->data + b->size, p, n);
	b->size += n;
}

void bxt_buf_u64(BxtBuf *b, uint64_t v)
{
	bxt_buf_put(b, &v, sizeof(v));
}

void bxt_buf_str(BxtBuf *b, const char *s)
{
	bxt_buf_put(b, s, strlen(s));
}

void bxt_buf_obj(BxtBuf *b, uint32_t type, uint64_t value)
{
	static const uint8_t zeros[8];
	struct bindox_object o = { .type = type, .value = value };

	bxt_buf_put(b, zeros, (8 - b->size % 8) % 8);
	if (b->n >= b->ocap)
		abort();
	b->offs[b->n++] = b->size;
	bxt_buf_put(b, &o, sizeof(o));
}

struct bindox_object bxt_buf_obj_at(const BxtBuf *b, uint32_t i)
{
	struct bindox_object o;

	memcpy(&o, b->data + b->offs[i], sizeof(o));
	return o;
}

uint64_t bxt_buf_u64_at(const BxtBuf *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b->data + off, sizeof(v));
	return v;
}

void bxt_buf_send_payload(const BxtBuf *b, struct bindox_payload *p)
{
	memset(p, 0, sizeof(*p));
	if (!b)
		return;
	p->data_ptr = (uintptr_t)b->data;
	p->offsets_ptr = (uintptr_t)b->offs;
	p->data_size = b->size;
	p->offsets_count = b->n;
}

static void recv_payload(const BxtBuf *b, struct bindox_payload *p)
{
	memset(p, 0, sizeof(*p));
	if (!b)
		return;
	p->data_ptr = (uintptr_t)b->data;
	p->offsets_ptr = (uintptr_t)b->offs;
	p->data_size = b->cap;
	p->offsets_count = b->ocap;
}

static void recv_done(BxtBuf *b, const struct bindox_message *m)
{
	if (b) {
		b->size = m->payload.data_size;
		b->n = m->payload.offsets_count;
	}
}

int bxt_call(int fd, uint32_t handle, const BxtBuf *req, BxtBuf *rep,
	     struct bindox_message *hdr, int64_t timeout_ns)
{
	struct bindox_call_args a;
	int r;

	memset(&a, 0, sizeof(a));
	a.tx.handle = handle;
	bxt_buf_send_payload(req, &a.tx.payload);
	recv_payload(rep, &a.reply.payload);
	a.timeout_ns = timeout_ns;
	r = bxt_ioctl(fd, BINDOX_IOC_CALL, &a);
	if (r == 0)
		recv_done(rep, &a.reply);
	if (hdr)
		*hdr = a.reply;
	return r;
}

int bxt_call_small(int fd, uint32_t handle)
{
	BxtBuf req, rep;

	bxt_buf_init(&req);
	bxt_buf_init(&rep);
	bxt_buf_u64(&req, 7);
	return bxt_call(fd, handle, &req, &rep, NULL, BXT_LONG_NS);
}

int bxt_send_flags(int fd, uint32_t handle, uint32_t flags, const BxtBuf *m)
{
	struct bindox_transaction tx;

	memset(&tx, 0, sizeof(tx));
	tx.handle = handle;
	tx.flags = flags;
	bxt_buf_send_payload(m, &tx.payload);
	return bxt_ioctl(fd, BINDOX_IOC_SEND, &tx);
}

int bxt_send(int fd, uint32_t handle, const BxtBuf *m)
{
	return bxt_send_flags(fd, handle, BINDOX_TF_ONEWAY, m);
}

int bxt_recv(int fd, BxtBuf *b, struct bindox_message *hdr, int64_t timeout_ns)
{
	struct bindox_recv_args a;
	int r;

	memset(&a, 0, sizeof(a));
	recv_payload(b, &a.msg.payload);
	a.timeout_ns = timeout_ns;
	r = bxt_ioctl(fd, BINDOX_IOC_RECV, &a);
	if (r == 0)
		recv_done(b, &a.msg);
	if (hdr)
		*hdr = a.msg;
	return r;
}

int bxt_reply_recv(int fd, uint64_t *reply_id, const BxtBuf *reply, BxtBuf *b,
		   struct bindox_message *hdr, int64_t timeout_ns)
{
	struct bindox_reply_recv_args a;
	int r;

	memset(&a, 0, sizeof(a));
	a.reply_id = reply_id ? *reply_id : 0;
	bxt_buf_send_payload(reply, &a.reply);
	recv_payload(b, &a.msg.payload);
	a.timeout_ns = timeout_ns;
	r = bxt_ioctl(fd, BINDOX_IOC_REPLY_RECV, &a);
	if (reply_id)
		*reply_id = a.reply_id;
	if (r == 0)
		recv_done(b, &a.msg);
	if (hdr)
		*hdr = a.msg;
	return r;
}

int bxt_reply(int fd, uint64_t id, const BxtBuf *reply, BxtBuf *b)
{
	int r = bxt_reply_recv(fd, &id, reply, b, NULL, 0);

	if (id != 0)
		return r < 0 ? r : -EPROTO;	/* the reply did not go out */
	return r == -EAGAIN ? 0 : 1;
}

int bxt_release(int fd, uint32_t handle)
{
	struct bindox_handle_args a = { .handle = handle };

	return bxt_ioctl(fd, BINDOX_IOC_HANDLE_RELEASE, &a);
}

int bxt_subscribe(int fd, uint32_t handle, uint64_t cookie)
{
	struct bindox_death_args a = { .handle = handle, .cookie = cookie };

	return bxt_ioctl(fd, BINDOX_IOC_DEATH_SUBSCRIBE, &a);
}

int bxt_unsubscribe(int fd, uint32_t handle, uint64_t cookie)
{
	struct bindox_death_args a = { .handle = handle, .cookie = cookie };

	return bxt_ioctl(fd, BINDOX_IOC_DEATH_UNSUBSCRIBE, &a);
}
