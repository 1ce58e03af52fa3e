/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calls, one-way messages and receiving, with raw ioctls: data round trips,
 * ordering, REPLY_RECV, timeouts, capacities (EMSGSIZE both ways), the
 * size limits, and handles and nodes carried inside messages.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

#define COOKIE 0xC0FFEE0001ULL

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed + (i >> 8));
}

START_TEST(round_trip)
{
	static const uint32_t sizes[] = { 0, 1, 7, 8, 100, 4095, 4096 };
	struct bindox_message hdr;
	BxtBuf req, rep;
	BxtEcho echo;
	BxtEnv e;
	size_t i;

	bxt_env_up_ck(&e, COOKIE);
	bxt_echo_start_ck(&echo, e.srv);
	bxt_buf_init(&req);
	bxt_buf_init(&rep);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		bxt_buf_clear(&req);
		fill(req.data, sizes[i], (unsigned int)i);
		req.size = sizes[i];
		memset(rep.data, 0xee, BXT_BUF_DATA);
		BXT_OK(bxt_call(e.cli, e.h, &req, &rep, &hdr, BXT_LONG_NS));
		ck_assert_uint_eq(hdr.type, BINDOX_MSG_REPLY);
		ck_assert_uint_eq(hdr.flags, 0);
		ck_assert_uint_eq(hdr.id, 0);
		ck_assert_int_eq(hdr.sender_pid, getpid());
		ck_assert_uint_eq(hdr.sender_euid, 0);
		ck_assert_uint_eq(hdr.sender_domain, 0);
		ck_assert_uint_eq(rep.size, sizes[i]);
		ck_assert_uint_eq(rep.n, 0);
		ck_assert(!memcmp(rep.data, req.data, sizes[i]));
		ck_assert_uint_eq(echo.last_cookie, COOKIE);
	}
	ck_assert_uint_eq(atomic_load(&echo.calls), i);
	bxt_echo_stop_ck(&echo);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(oneway_in_order)
{
	struct bindox_message m;
	BxtBuf b;
	BxtEnv e;
	uint64_t i;

	bxt_env_up_ck(&e, COOKIE);
	bxt_buf_init(&b);
	for (i = 0; i < 32; i++) {
		bxt_buf_clear(&b);
		bxt_buf_u64(&b, i);
		/* The sender does not wait: all 32 are queued. */
		BXT_OK(bxt_send(e.cli, e.h, &b));
	}
	for (i = 0; i < 32; i++) {
		bxt_buf_init(&b);
		BXT_OK(bxt_recv(e.srv, &b, &m, 0));
		ck_assert_uint_eq(m.type, BINDOX_MSG_ONEWAY);
		ck_assert_uint_eq(m.flags, BINDOX_TF_ONEWAY);
		ck_assert_uint_eq(m.id, 0);
		ck_assert_uint_eq(m.cookie, COOKIE);
		ck_assert_int_eq(m.sender_pid, getpid());
		ck_assert_uint_eq(b.size, 8);
		ck_assert_uint_eq(bxt_buf_u64_at(&b, 0), i);
	}
	BXT_ERR(bxt_recv(e.srv, &b, NULL, 0), EAGAIN);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Caller {
	int fd;
	uint32_t h;
	const char *req[2];
	char rep[2][32];
	int result[2];
	uint32_t cap;		/* reply capacity, 0: the BxtBuf's */
	uint32_t ocap;
	int64_t timeout_ns;
} Caller;

static void *caller_thread(void *arg)
{
	Caller *c = arg;
	int i;

	for (i = 0; i < 2 && c->req[i]; i++) {
		BxtBuf req, rep;

		bxt_buf_init(&req);
		bxt_buf_init(&rep);
		if (c->cap) {
			rep.cap = c->cap;
			rep.ocap = c->ocap;
		}
		bxt_buf_str(&req, c->req[i]);
		c->result[i] = bxt_call(c->fd, c->h, &req, &rep, NULL,
					c->timeout_ns ? c->timeout_ns : BXT_LONG_NS);
		if (c->result[i] == 0 && rep.size < sizeof(c->rep[i]))
			memcpy(c->rep[i], rep.data, rep.size);
	}
	return NULL;
}

START_TEST(reply_recv_answers_and_receives)
{
	Caller c = { .req = { "one", "two" } };
	struct bindox_message m;
	BxtBuf in, out;
	uint64_t id1, id2, id;
	pthread_t t;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	c.fd = e.cli;
	c.h = e.h;
	ck_assert_int_eq(pthread_create(&t, NULL, caller_thread, &c), 0);

	bxt_buf_init(&in);
	bxt_buf_init(&out);
	BXT_OK(bxt_recv(e.srv, &in, &m, BXT_LONG_NS));
	ck_assert_uint_eq(m.type, BINDOX_MSG_CALL);
	ck_assert_uint_eq(m.flags, 0);
	ck_assert_uint_ne(m.id, 0);
	ck_assert(in.size == 3 && !memcmp(in.data, "one", 3));
	id1 = m.id;

	/* One ioctl: answer "one", then wait for and receive "two". */
	bxt_buf_str(&out, "r-one");
	id = id1;
	BXT_OK(bxt_reply_recv(e.srv, &id, &out, &in, &m, BXT_LONG_NS));
	ck_assert_uint_eq(id, 0);	/* consumed */
	ck_assert_uint_eq(m.type, BINDOX_MSG_CALL);
	ck_assert(in.size == 3 && !memcmp(in.data, "two", 3));
	id2 = m.id;
	ck_assert_uint_ne(id2, 0);

	/* The last answer, with nothing more to receive. */
	bxt_buf_clear(&out);
	bxt_buf_str(&out, "r-two");
	id = id2;
	BXT_ERR(bxt_reply_recv(e.srv, &id, &out, &in, &m, 0), EAGAIN);
	ck_assert_uint_eq(id, 0);

	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(c.result[0], 0);
	ck_assert_int_eq(c.result[1], 0);
	ck_assert_str_eq(c.rep[0], "r-one");
	ck_assert_str_eq(c.rep[1], "r-two");

	/* Both ids are used up. */
	BXT_ERR(bxt_reply(e.srv, id1, &out, NULL), EINVAL);
	BXT_ERR(bxt_reply(e.srv, id2, &out, NULL), EINVAL);
	bxt_env_down_ck(&e);
}
END_TEST

static void *late_sender(void *arg)
{
	BxtEnv *e = arg;
	BxtBuf b;

	bxt_sleep_ms(100);
	bxt_buf_init(&b);
	bxt_buf_str(&b, "late");
	return (void *)(intptr_t)bxt_send(e->cli, e->h, &b);
}

START_TEST(receive_timeouts)
{
	struct bindox_message m;
	int64_t t0, dt;
	void *ret = NULL;
	pthread_t t;
	uint64_t id = 0;
	BxtBuf b;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	bxt_buf_init(&b);

	/* 0 does not block. */
	t0 = bxt_now_ns();
	BXT_ERR(bxt_recv(e.srv, &b, NULL, 0), EAGAIN);
	BXT_ERR(bxt_reply_recv(e.srv, &id, NULL, &b, NULL, 0), EAGAIN);
	dt = bxt_now_ns() - t0;
	ck_assert_msg(dt < 2 * BXT_SEC, "timeout 0 blocked for %lld ns", (long long)dt);

	/* Positive: ETIMEDOUT after about that long. */
	t0 = bxt_now_ns();
	BXT_ERR(bxt_recv(e.srv, &b, NULL, 100 * BXT_MS), ETIMEDOUT);
	dt = bxt_now_ns() - t0;
	ck_assert_msg(dt >= 90 * BXT_MS, "timed out after %lld ns only", (long long)dt);
	t0 = bxt_now_ns();
	BXT_ERR(bxt_reply_recv(e.srv, &id, NULL, &b, NULL, 100 * BXT_MS), ETIMEDOUT);
	ck_assert(bxt_now_ns() - t0 >= 90 * BXT_MS);

	/* Negative: waits until something comes. */
	ck_assert_int_eq(pthread_create(&t, NULL, late_sender, &e), 0);
	BXT_OK(bxt_recv(e.srv, &b, &m, -1));
	ck_assert_uint_eq(m.type, BINDOX_MSG_ONEWAY);
	ck_assert(b.size == 4 && !memcmp(b.data, "late", 4));
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, &ret), 0);
	ck_assert_int_eq((int)(intptr_t)ret, 0);
	bxt_env_down_ck(&e);
}
END_TEST

/*
 * RECV (or REPLY_RECV answering nothing) with room for @cap bytes and
 * @timeout_ns; *@left is what the driver left in timeout_ns.
 */
static int recv_into(int fd, bool reply_recv, uint32_t cap, int64_t timeout_ns,
		     int64_t *left)
{
	struct bindox_reply_recv_args rr;
	struct bindox_recv_args r;
	char room[8];
	int err;

	memset(&r, 0, sizeof(r));
	r.msg.payload.data_ptr = (uintptr_t)room;
	r.msg.payload.data_size = cap;
	r.timeout_ns = timeout_ns;
	if (!reply_recv) {
		err = bxt_ioctl(fd, BINDOX_IOC_RECV, &r);
		*left = r.timeout_ns;
		return err;
	}
	memset(&rr, 0, sizeof(rr));
	rr.msg = r.msg;
	rr.timeout_ns = timeout_ns;
	err = bxt_ioctl(fd, BINDOX_IOC_REPLY_RECV, &rr);
	*left = rr.timeout_ns;
	return err;
}

/*
 * A message too large for the room waits in the queue (EMSGSIZE); the
 * retry with larger room must not wait longer than the caller asked in
 * all, so the driver gives back what is left of a positive timeout.
 */
START_TEST(emsgsize_gives_back_time_left)
{
	int64_t left;
	pthread_t t;
	void *ret;
	BxtBuf b;
	BxtEnv e;
	int i;

	bxt_env_up_ck(&e, COOKIE);
	for (i = 0; i < 2; i++) {
		/* Found at once: nothing waited, the timeout comes back whole. */
		bxt_buf_init(&b);
		bxt_buf_str(&b, "late");
		BXT_OK(bxt_send(e.cli, e.h, &b));
		BXT_ERR(recv_into(e.srv, i, 2, 5 * BXT_SEC, &left), EMSGSIZE);
		ck_assert_int_eq(left, 5 * BXT_SEC);
		BXT_ERR(recv_into(e.srv, i, 2, -1, &left), EMSGSIZE);
		ck_assert_int_eq(left, -1);
		BXT_ERR(recv_into(e.srv, i, 2, 0, &left), EMSGSIZE);
		ck_assert_int_eq(left, 0);
		BXT_OK(recv_into(e.srv, i, 4, 0, &left));

		/* Sent 100 ms into the wait: about 100 ms less is left. */
		ck_assert_int_eq(pthread_create(&t, NULL, late_sender, &e), 0);
		BXT_ERR(recv_into(e.srv, i, 2, 5 * BXT_SEC, &left), EMSGSIZE);
		ck_assert_msg(left > 3 * BXT_SEC && left <= 5 * BXT_SEC - 80 * BXT_MS,
			      "%s left %lld ns of 5 s after a wait of 100 ms",
			      i ? "REPLY_RECV" : "RECV", (long long)left);
		ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, &ret), 0);
		ck_assert_int_eq((int)(intptr_t)ret, 0);
		BXT_OK(recv_into(e.srv, i, 4, left, &left));
	}
	bxt_env_down_ck(&e);
}
END_TEST

/*
 * The driver keeps freed messages' data buffers for their sender's next
 * messages. Whatever size comes next, larger or smaller than the ones
 * before, inline, at the spares' limit or beyond it, one to five queued
 * at once (more than the driver keeps), each message arrives with exactly
 * its own bytes and nothing beyond them.
 */
/* The bytes of copy @k of message @i: no two messages of the test alike. */
static uint8_t reused_fill(size_t i, size_t k)
{
	return (uint8_t)(0x10 + i * 5 + k);
}

START_TEST(reused_data_buffers_leak_nothing)
{
	static const uint32_t sizes[] = { 4096, 1000, 257, 256, 16384, 16385,
					  300, 65536, 2048 };
	static uint8_t out_data[65536], in_data[65536 + 64];
	BxtBuf out, in;
	struct bindox_message m;
	size_t i, j, k, queued;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		queued = 1 + i % 5;
		for (k = 0; k < queued; k++) {
			memset(out_data, reused_fill(i, k), sizes[i]);
			bxt_buf_init_ext(&out, out_data, sizeof(out_data), NULL, 0);
			out.size = sizes[i];
			BXT_OK(bxt_send(e.cli, e.h, &out));
		}
		for (k = 0; k < queued; k++) {
			uint8_t fill = reused_fill(i, k);

			memset(in_data, 0xEE, sizeof(in_data));
			bxt_buf_init_ext(&in, in_data, sizeof(in_data), NULL, 0);
			BXT_OK(bxt_recv(e.srv, &in, &m, 0));
			ck_assert_uint_eq(m.payload.data_size, sizes[i]);
			/* One assertion per message: Check records each. */
			for (j = 0; j < sizeof(in_data); j++)
				if (in_data[j] != (j < sizes[i] ? fill : 0xEE))
					break;
			ck_assert_msg(j == sizeof(in_data),
				      "message %zu.%zu (%u bytes): byte %zu is 0x%02x", i, k,
				      sizes[i], j, j < sizeof(in_data) ? in_data[j] : 0);
		}
	}
	BXT_ERR(bxt_recv(e.srv, &in, NULL, 0), EAGAIN);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(reply_larger_than_capacity)
{
	Caller c = { .req = { "q" }, .cap = 32, .ocap = 0 };
	struct bindox_message m;
	BxtBuf in, out;
	pthread_t t;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	c.fd = e.cli;
	c.h = e.h;
	ck_assert_int_eq(pthread_create(&t, NULL, caller_thread, &c), 0);
	bxt_buf_init(&in);
	bxt_buf_init(&out);
	BXT_OK(bxt_recv(e.srv, &in, &m, BXT_LONG_NS));

	/* 33 bytes, or an object (24 bytes), do not fit 32 bytes and no objects. */
	bxt_buf_str(&out, "0123456789abcdef0123456789abcdefX");
	ck_assert_uint_eq(out.size, 33);
	BXT_ERR(bxt_reply(e.srv, m.id, &out, NULL), EMSGSIZE);
	bxt_buf_clear(&out);
	bxt_buf_obj(&out, BINDOX_OBJ_NODE, 9);
	BXT_ERR(bxt_reply(e.srv, m.id, &out, NULL), EMSGSIZE);
	/* The caller still waits; a reply that fits goes through. */
	bxt_buf_clear(&out);
	bxt_buf_str(&out, "0123456789abcde");
	ck_assert_int_eq(bxt_reply(e.srv, m.id, &out, NULL), 0);

	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(c.result[0], 0);
	ck_assert_str_eq(c.rep[0], "0123456789abcde");
	bxt_env_down_ck(&e);
}
END_TEST

/*
 * A receive into @b with room for @cap bytes and @ocap objects fails with
 * EMSGSIZE and gives back the @size and @n_objs the message needs.
 */
static void recv_too_small_ck(int fd, BxtBuf *b, uint32_t cap, uint32_t ocap,
			      uint32_t size, uint32_t n_objs)
{
	struct bindox_message m;

	b->cap = cap;
	b->ocap = ocap;
	BXT_ERR(bxt_recv(fd, b, &m, 0), EMSGSIZE);
	ck_assert_uint_eq(m.payload.data_size, size);
	ck_assert_uint_eq(m.payload.offsets_count, n_objs);
}

START_TEST(message_larger_than_receive_buffer)
{
	Caller c = { .req = { "a call of 29 bytes, answered" } };
	struct bindox_message m;
	struct pollfd pfd;
	BxtBuf b, out;
	pthread_t t;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	/* One of 60 bytes without objects: the sizes it needs come back. */
	bxt_buf_init(&b);
	while (b.size < 60)
		bxt_buf_put(&b, "p", 1);
	BXT_OK(bxt_send(e.cli, e.h, &b));
	bxt_buf_init(&b);
	recv_too_small_ck(e.srv, &b, 10, BXT_BUF_OBJS, 60, 0);
	b.cap = 60;
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert_uint_eq(m.type, BINDOX_MSG_ONEWAY);
	ck_assert_uint_eq(b.size, 60);

	/* A one-way message of 100 bytes with one object. */
	bxt_buf_init(&b);
	bxt_buf_u64(&b, 42);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 0x77);
	while (b.size < 100)
		bxt_buf_put(&b, "x", 1);
	BXT_OK(bxt_send(e.cli, e.h, &b));

	bxt_buf_init(&b);
	recv_too_small_ck(e.srv, &b, 10, BXT_BUF_OBJS, 100, 1);
	recv_too_small_ck(e.srv, &b, 100, 0, 100, 1);
	/* Still queued. */
	pfd = (struct pollfd){ .fd = e.srv, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);

	b.ocap = 1;
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert_uint_eq(m.type, BINDOX_MSG_ONEWAY);
	ck_assert_uint_eq(b.size, 100);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_uint_eq(b.offs[0], 8);
	ck_assert_uint_eq(bxt_buf_u64_at(&b, 0), 42);
	ck_assert_uint_eq(bxt_buf_obj_at(&b, 0).type, BINDOX_OBJ_HANDLE);
	/* The refused attempts added no references: one release and it is gone. */
	BXT_OK(bxt_release(e.srv, (uint32_t)bxt_buf_obj_at(&b, 0).value));
	BXT_ERR(bxt_release(e.srv, (uint32_t)bxt_buf_obj_at(&b, 0).value), EINVAL);
	BXT_ERR(bxt_recv(e.srv, &b, NULL, 0), EAGAIN);

	/* A call that does not fit stays queued too, and its caller waits. */
	c.fd = e.cli;
	c.h = e.h;
	ck_assert_int_eq(pthread_create(&t, NULL, caller_thread, &c), 0);
	bxt_buf_init(&b);
	b.cap = 4;
	BXT_ERR(bxt_recv(e.srv, &b, &m, BXT_LONG_NS), EMSGSIZE);
	ck_assert_uint_eq(m.payload.data_size, strlen(c.req[0]));
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert_uint_eq(m.type, BINDOX_MSG_CALL);
	bxt_buf_init(&out);
	bxt_buf_str(&out, "ok");
	ck_assert_int_eq(bxt_reply(e.srv, m.id, &out, NULL), 0);
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(c.result[0], 0);
	ck_assert_str_eq(c.rep[0], "ok");
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Receiver {
	int fd;
	uint32_t cap;
	int64_t timeout_ns;
	int result;
	int64_t done_ns;
} Receiver;

static void *receiver_thread(void *arg)
{
	Receiver *r = arg;
	BxtBuf b;

	bxt_buf_init(&b);
	b.cap = r->cap;
	r->result = bxt_recv(r->fd, &b, NULL, r->timeout_ns);
	r->done_ns = bxt_now_ns();
	return NULL;
}

/*
 * Receivers wait exclusively, so a new message wakes one of them. Guards
 * that when that one's buffer is too small (EMSGSIZE, the message stays
 * queued) the driver wakes another: one that has room must not sleep on
 * until its timeout with a deliverable message in the queue.
 */
START_TEST(declined_message_wakes_another_receiver)
{
	Receiver small = { .cap = 8, .timeout_ns = 5 * BXT_SEC };
	Receiver big = { .cap = BXT_BUF_DATA, .timeout_ns = 5 * BXT_SEC };
	pthread_t ts, tb;
	int64_t sent;
	BxtBuf b;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	small.fd = big.fd = e.srv;
	/* Both wait, the small one first (exclusive waiters are woken in order). */
	ck_assert_int_eq(pthread_create(&ts, NULL, receiver_thread, &small), 0);
	bxt_sleep_ms(500);
	ck_assert_int_eq(pthread_create(&tb, NULL, receiver_thread, &big), 0);
	bxt_sleep_ms(500);

	bxt_buf_init(&b);
	b.size = 100;
	sent = bxt_now_ns();
	BXT_OK(bxt_send(e.cli, e.h, &b));
	ck_assert_int_eq(bxt_join(ts, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(bxt_join(tb, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(small.result, -EMSGSIZE);
	ck_assert_msg(big.result == 0, "the receiver with room: %s", bxt_errname(big.result));
	ck_assert_msg(big.done_ns - sent < 2 * BXT_SEC,
		      "the receiver with room got the message only after %lld ms "
		      "(woken by its own timeout, not by the message)",
		      (long long)(big.done_ns - sent) / BXT_MS);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(size_limits)
{
	uint8_t *req_data = malloc(BINDOX_MAX_DATA_SIZE + 8);
	uint8_t *rep_data = malloc(BINDOX_MAX_DATA_SIZE);
	uint64_t *req_offs = calloc(BINDOX_MAX_OBJECTS + 1, sizeof(uint64_t));
	uint64_t *rep_offs = calloc(BINDOX_MAX_OBJECTS, sizeof(uint64_t));
	BxtBuf req, rep;
	BxtEcho echo;
	BxtEnv e;
	uint32_t i;

	ck_assert(req_data && rep_data && req_offs && rep_offs);
	bxt_env_up_ck(&e, COOKIE);
	bxt_echo_start_ck(&echo, e.srv);

	/* Exactly BINDOX_MAX_DATA_SIZE bytes, there and back. */
	bxt_buf_init_ext(&req, req_data, BINDOX_MAX_DATA_SIZE + 8, req_offs,
			 BINDOX_MAX_OBJECTS + 1);
	bxt_buf_init_ext(&rep, rep_data, BINDOX_MAX_DATA_SIZE, rep_offs, BINDOX_MAX_OBJECTS);
	fill(req_data, BINDOX_MAX_DATA_SIZE, 3);
	req.size = BINDOX_MAX_DATA_SIZE;
	BXT_OK(bxt_call(e.cli, e.h, &req, &rep, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(rep.size, BINDOX_MAX_DATA_SIZE);
	ck_assert(!memcmp(rep_data, req_data, BINDOX_MAX_DATA_SIZE));
	BXT_OK(bxt_send(e.cli, e.h, &req));

	/* One byte more is refused before anything is queued. */
	req.size = BINDOX_MAX_DATA_SIZE + 1;
	BXT_ERR(bxt_call(e.cli, e.h, &req, &rep, NULL, BXT_LONG_NS), E2BIG);
	BXT_ERR(bxt_send(e.cli, e.h, &req), E2BIG);

	/* BINDOX_MAX_OBJECTS objects (our own nodes) come back as our nodes. */
	bxt_buf_clear(&req);
	for (i = 0; i < BINDOX_MAX_OBJECTS; i++)
		bxt_buf_obj(&req, BINDOX_OBJ_NODE, 1000 + i);
	BXT_OK(bxt_call(e.cli, e.h, &req, &rep, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(rep.n, BINDOX_MAX_OBJECTS);
	for (i = 0; i < BINDOX_MAX_OBJECTS; i++) {
		struct bindox_object o = bxt_buf_obj_at(&rep, i);

		ck_assert_uint_eq(o.type, BINDOX_OBJ_NODE);
		ck_assert_uint_eq(o.value, 1000 + i);
	}
	bxt_buf_obj(&req, BINDOX_OBJ_NODE, 5000);
	ck_assert_uint_eq(req.n, BINDOX_MAX_OBJECTS + 1);
	BXT_ERR(bxt_call(e.cli, e.h, &req, &rep, NULL, BXT_LONG_NS), E2BIG);
	BXT_ERR(bxt_send(e.cli, e.h, &req), E2BIG);

	bxt_echo_stop_ck(&echo);
	ck_assert_uint_eq(atomic_load(&echo.calls), 2);
	ck_assert_uint_eq(atomic_load(&echo.oneways), 1);
	bxt_env_down_ck(&e);
	free(req_data);
	free(rep_data);
	free(req_offs);
	free(rep_offs);
}
END_TEST

START_TEST(handles_travel_in_messages)
{
	struct bindox_message m;
	struct bindox_object o;
	uint32_t h_t, h_srv_t, h_srv_c;
	BxtBuf b;
	BxtEnv e;
	int t;

	bxt_env_up_ck(&e, COOKIE);
	/* A third process-like party T with node 0x7; the client holds h_t. */
	t = bxt_open_ck();
	h_t = bxt_link_ck(t, 0x7, e.cli);

	/* Client -> server: a handle (to T's node) and a node of its own. */
	bxt_buf_init(&b);
	bxt_buf_str(&b, "hdr");
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, h_t);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 0xC11);
	BXT_OK(bxt_send(e.cli, e.h, &b));
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert_uint_eq(b.n, 2);
	ck_assert_uint_eq(b.offs[0], 8);
	ck_assert_uint_eq(b.offs[1], 32);
	o = bxt_buf_obj_at(&b, 0);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_HANDLE);
	ck_assert_uint_eq(o.flags, 0);
	ck_assert_uint_eq(o.reserved, 0);
	h_srv_t = (uint32_t)o.value;
	o = bxt_buf_obj_at(&b, 1);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_HANDLE);
	h_srv_c = (uint32_t)o.value;
	ck_assert_uint_ne(h_srv_t, 0);
	ck_assert_uint_ne(h_srv_c, 0);
	ck_assert_uint_ne(h_srv_t, h_srv_c);

	/* The server's new handles work: T hears from it, with T's cookie. */
	bxt_buf_init(&b);
	bxt_buf_str(&b, "to T");
	BXT_OK(bxt_send(e.srv, h_srv_t, &b));
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(t, &b, &m, 0));
	ck_assert_uint_eq(m.cookie, 0x7);
	ck_assert(b.size == 4 && !memcmp(b.data, "to T", 4));

	/* A node sent back to its owner arrives as the owner's node. */
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, h_srv_t);
	BXT_OK(bxt_send(e.srv, h_srv_t, &b));
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(t, &b, &m, 0));
	ck_assert_uint_eq(b.n, 1);
	o = bxt_buf_obj_at(&b, 0);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_NODE);
	ck_assert_uint_eq(o.value, 0x7);

	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, h_srv_c);
	BXT_OK(bxt_send(e.srv, h_srv_c, &b));
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.cli, &b, &m, 0));
	ck_assert_uint_eq(m.cookie, 0xC11);
	o = bxt_buf_obj_at(&b, 0);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_NODE);
	ck_assert_uint_eq(o.value, 0xC11);

	close(t);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct HandleCaller {
	int fd;
	uint32_t h, h_t;
	BxtBuf rep;
	int result;
} HandleCaller;

static void *handle_caller(void *arg)
{
	HandleCaller *c = arg;
	BxtBuf req;

	bxt_buf_init(&req);
	bxt_buf_obj(&req, BINDOX_OBJ_HANDLE, c->h_t);
	bxt_buf_init(&c->rep);
	c->result = bxt_call(c->fd, c->h, &req, &c->rep, NULL, BXT_LONG_NS);
	return NULL;
}

START_TEST(handles_in_call_and_reply)
{
	HandleCaller c;
	struct bindox_message m;
	struct bindox_object o;
	uint32_t h_srv_t, h_new;
	BxtBuf in, out, b;
	pthread_t th;
	BxtEnv e;
	int t;

	bxt_env_up_ck(&e, COOKIE);
	t = bxt_open_ck();
	c.fd = e.cli;
	c.h = e.h;
	c.h_t = bxt_link_ck(t, 0x7, e.cli);
	ck_assert_int_eq(pthread_create(&th, NULL, handle_caller, &c), 0);

	bxt_buf_init(&in);
	BXT_OK(bxt_recv(e.srv, &in, &m, BXT_LONG_NS));
	ck_assert_uint_eq(m.type, BINDOX_MSG_CALL);
	ck_assert_uint_eq(in.n, 1);
	o = bxt_buf_obj_at(&in, 0);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_HANDLE);
	h_srv_t = (uint32_t)o.value;

	/* Reply: T's node again, and a new node of the server's. */
	bxt_buf_init(&out);
	bxt_buf_obj(&out, BINDOX_OBJ_HANDLE, h_srv_t);
	bxt_buf_obj(&out, BINDOX_OBJ_NODE, 0x5E2);
	ck_assert_int_eq(bxt_reply(e.srv, m.id, &out, NULL), 0);
	ck_assert_int_eq(bxt_join(th, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(c.result, 0);
	ck_assert_uint_eq(c.rep.n, 2);
	/* The client already held T's node: the same handle number. */
	o = bxt_buf_obj_at(&c.rep, 0);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_HANDLE);
	ck_assert_uint_eq(o.value, c.h_t);
	o = bxt_buf_obj_at(&c.rep, 1);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_HANDLE);
	h_new = (uint32_t)o.value;
	ck_assert_uint_ne(h_new, c.h_t);
	ck_assert_uint_ne(h_new, e.h);

	/* The new handle reaches the server's new node. */
	bxt_buf_init(&b);
	BXT_OK(bxt_send(e.cli, h_new, &b));
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert_uint_eq(m.cookie, 0x5E2);

	close(t);
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *call_suite(void)
{
	Suite *s = suite_create("call");
	TCase *tc = bxt_tcase(s, "data");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, oneway_in_order);
	tcase_add_test(tc, reply_recv_answers_and_receives);
	tcase_add_test(tc, receive_timeouts);
	tc = bxt_tcase(s, "sizes");
	tcase_add_test(tc, reply_larger_than_capacity);
	tcase_add_test(tc, message_larger_than_receive_buffer);
	tcase_add_test(tc, emsgsize_gives_back_time_left);
	tcase_add_test(tc, reused_data_buffers_leak_nothing);
	tcase_add_test(tc, declined_message_wakes_another_receiver);
	tcase_add_test(tc, size_limits);
	tc = bxt_tcase(s, "objects");
	tcase_add_test(tc, handles_travel_in_messages);
	tcase_add_test(tc, handles_in_call_and_reply);
	return s;
}

int main(void)
{
	return bxt_run(call_suite());
}
