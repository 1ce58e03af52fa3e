/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Malformed input, with raw ioctls: every one refused with the errno the
 * UAPI header implies, nothing delivered, nothing leaked, no kernel warning
 * (bxt_assert_no_leaks() also checks the kernel's taint flags).
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>
#include "bxt.h"

#define COOKIE 0xBADULL

static void *bad_page(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert(p != MAP_FAILED);
	return p;
}

/* Nothing may have been queued at @fd. */
static void assert_nothing_delivered(int fd)
{
	BXT_ERR(bxt_recv(fd, NULL, NULL, 0), EAGAIN);
}

/* A call with bounded wait: if the kernel accepted it, ETIMEDOUT, not a hang. */
static int call_raw(int fd, uint32_t handle, uint32_t flags, const struct bindox_payload *p)
{
	struct bindox_call_args a;

	memset(&a, 0, sizeof(a));
	a.tx.handle = handle;
	a.tx.flags = flags;
	a.tx.payload = *p;
	a.timeout_ns = 300 * BXT_MS;
	return bxt_ioctl(fd, BINDOX_IOC_CALL, &a);
}

static int send_raw(int fd, uint32_t handle, uint32_t flags, const struct bindox_payload *p)
{
	struct bindox_transaction tx;

	memset(&tx, 0, sizeof(tx));
	tx.handle = handle;
	tx.flags = flags;
	tx.payload = *p;
	return bxt_ioctl(fd, BINDOX_IOC_SEND, &tx);
}

/* Both ways of sending @p to @h fail with @err. */
#define EXPECT_BOTH(fd, h, p, err, what)                                               \
	do {                                                                           \
		int r1_ = call_raw(fd, h, 0, p);                                       \
		int r2_ = send_raw(fd, h, BINDOX_TF_ONEWAY, p);                        \
		ck_assert_msg(r1_ == -(err) && r2_ == -(err),                          \
			      "%s: call %s, send %s, expected %s", what,               \
			      bxt_errname(r1_), bxt_errname(r2_), bxt_errname(err));   \
	} while (0)

START_TEST(unknown_handles)
{
	struct bindox_payload p = { 0 };
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	EXPECT_BOTH(e.cli, e.h + 1, &p, EINVAL, "handle h+1");
	EXPECT_BOTH(e.cli, 0xffffffffU, &p, EINVAL, "handle ~0");
	/* The owner has no handle to its own node. */
	EXPECT_BOTH(e.srv, e.h, &p, EINVAL, "server using the client's number");
	assert_nothing_delivered(e.srv);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(bad_pointers)
{
	static const unsigned long cmds[] = {
		BINDOX_IOC_VERSION, BINDOX_IOC_SET_COORDINATOR, BINDOX_IOC_CALL,
		BINDOX_IOC_SEND, BINDOX_IOC_RECV, BINDOX_IOC_REPLY_RECV,
		BINDOX_IOC_HANDLE_RELEASE, BINDOX_IOC_DEATH_SUBSCRIBE,
		BINDOX_IOC_DEATH_UNSUBSCRIBE,
	};
	struct bindox_payload p;
	uint8_t *page = bad_page();
	uint8_t *edge;
	BxtBuf b;
	BxtEnv e;
	size_t i;

	bxt_env_up_ck(&e, COOKIE);
	/* The argument pointer itself. */
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		BXT_ERR(bxt_ioctl(e.cli, cmds[i], page), EFAULT);
		BXT_ERR(bxt_ioctl(e.cli, cmds[i], NULL), EFAULT);
	}

	/* The data pointer: unmapped, NULL, running into an unmapped page. */
	p = (struct bindox_payload){ .data_ptr = (uintptr_t)page, .data_size = 16 };
	EXPECT_BOTH(e.cli, e.h, &p, EFAULT, "data_ptr unmapped");
	p.data_ptr = 0;
	EXPECT_BOTH(e.cli, e.h, &p, EFAULT, "data_ptr NULL");
	edge = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(edge != MAP_FAILED);
	ck_assert_int_eq(munmap(edge + 4096, 4096), 0);
	p.data_ptr = (uintptr_t)(edge + 4096 - 8);
	EXPECT_BOTH(e.cli, e.h, &p, EFAULT, "data crossing into an unmapped page");
	p.data_ptr = 0xffff800000000000ULL;	/* kernel space */
	EXPECT_BOTH(e.cli, e.h, &p, EFAULT, "data_ptr in kernel space");

	/* The offsets pointer, with good data holding an object. */
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 1);
	bxt_buf_send_payload(&b, &p);
	p.offsets_ptr = (uintptr_t)page;
	EXPECT_BOTH(e.cli, e.h, &p, EFAULT, "offsets_ptr unmapped");
	p.offsets_ptr = 0;
	EXPECT_BOTH(e.cli, e.h, &p, EFAULT, "offsets_ptr NULL");
	assert_nothing_delivered(e.srv);

	/* Pointers are not read when their size is 0. */
	p = (struct bindox_payload){ .data_ptr = (uintptr_t)page, .offsets_ptr = (uintptr_t)page };
	BXT_OK(send_raw(e.cli, e.h, BINDOX_TF_ONEWAY, &p));
	BXT_OK(bxt_recv(e.srv, NULL, NULL, 0));

	munmap(edge, 4096);
	munmap(page, 4096);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(size_limits)
{
	struct bindox_payload p;
	uint8_t *page = bad_page();
	BxtBuf b;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	bxt_buf_init(&b);
	bxt_buf_send_payload(&b, &p);
	p.data_size = BINDOX_MAX_DATA_SIZE + 1;
	EXPECT_BOTH(e.cli, e.h, &p, E2BIG, "data_size max+1");
	p.data_size = 0xffffffffU;
	EXPECT_BOTH(e.cli, e.h, &p, E2BIG, "data_size ~0");
	/* The limit is checked before the (bad) pointer. */
	p.data_ptr = (uintptr_t)page;
	EXPECT_BOTH(e.cli, e.h, &p, E2BIG, "data_size ~0, bad pointer");
	p = (struct bindox_payload){ .data_ptr = (uintptr_t)b.data,
				     .offsets_ptr = (uintptr_t)page,
				     .data_size = 64,
				     .offsets_count = BINDOX_MAX_OBJECTS + 1 };
	EXPECT_BOTH(e.cli, e.h, &p, E2BIG, "offsets_count max+1");
	p.offsets_count = 0xffffffffU;
	EXPECT_BOTH(e.cli, e.h, &p, E2BIG, "offsets_count ~0");
	assert_nothing_delivered(e.srv);
	munmap(page, 4096);
	bxt_env_down_ck(&e);
}
END_TEST

/* A 96-byte message with objects at @offs (filled with valid NODE objects). */
static void objects_at(BxtBuf *b, const uint64_t *offs, uint32_t n, uint32_t size)
{
	struct bindox_object o = { .type = BINDOX_OBJ_NODE, .value = 0x55 };
	uint32_t i;

	bxt_buf_init(b);
	memset(b->data, 0, size);
	b->size = size;
	for (i = 0; i < n; i++) {
		if (offs[i] + sizeof(o) <= size)
			memcpy(b->data + offs[i], &o, sizeof(o));
		b->offs[i] = offs[i];
	}
	b->n = n;
}

static void set_obj(BxtBuf *b, uint32_t i, uint32_t type, uint32_t flags, uint64_t value,
		    uint64_t reserved)
{
	struct bindox_object o = { .type = type, .flags = flags, .value = value,
				   .reserved = reserved };

	memcpy(b->data + b->offs[i], &o, sizeof(o));
}

#define EXPECT_OBJS_EINVAL(e, b, what)                                                 \
	do {                                                                           \
		struct bindox_payload p_;                                              \
		bxt_buf_send_payload(b, &p_);                                          \
		EXPECT_BOTH((e)->cli, (e)->h, &p_, EINVAL, what);                      \
	} while (0)

START_TEST(object_table)
{
	uint64_t offs[4];
	BxtBuf b;
	BxtEnv e;
	int t;
	uint32_t ht;

	bxt_env_up_ck(&e, COOKIE);
	t = bxt_open_ck();
	ht = bxt_link_ck(t, 0x7, e.cli);

	offs[0] = 4;
	objects_at(&b, offs, 1, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "offset not 8-aligned");
	offs[0] = 12;
	objects_at(&b, offs, 1, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "offset 12");
	offs[0] = 96;
	objects_at(&b, offs, 1, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "offset at the end");
	offs[0] = 4096;
	objects_at(&b, offs, 1, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "offset past the end");
	offs[0] = 1ULL << 63;
	objects_at(&b, offs, 1, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "offset 2^63");
	offs[0] = ~7ULL;
	objects_at(&b, offs, 1, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "offset 2^64-8 (wraps)");
	offs[0] = 80;
	objects_at(&b, offs, 1, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "object crossing the end");
	offs[0] = 0;
	objects_at(&b, offs, 1, 16);
	EXPECT_OBJS_EINVAL(&e, &b, "object larger than the data");
	offs[0] = 48;
	offs[1] = 0;
	objects_at(&b, offs, 2, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "offsets decreasing");
	offs[0] = 0;
	offs[1] = 16;
	objects_at(&b, offs, 2, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "objects overlapping");
	offs[0] = 24;
	offs[1] = 24;
	objects_at(&b, offs, 2, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "one offset twice");
	offs[0] = 0;
	offs[1] = 24;
	offs[2] = 8;
	objects_at(&b, offs, 3, 96);
	EXPECT_OBJS_EINVAL(&e, &b, "third offset going back");

	offs[0] = 8;
	objects_at(&b, offs, 1, 96);
	set_obj(&b, 0, 0, 0, 1, 0);
	EXPECT_OBJS_EINVAL(&e, &b, "object type 0");
	set_obj(&b, 0, 3, 0, 1, 0);
	EXPECT_OBJS_EINVAL(&e, &b, "object type 3");
	set_obj(&b, 0, 0xffffffffU, 0, 1, 0);
	EXPECT_OBJS_EINVAL(&e, &b, "object type ~0");
	set_obj(&b, 0, BINDOX_OBJ_NODE, 1, 1, 0);
	EXPECT_OBJS_EINVAL(&e, &b, "node flags 1");
	set_obj(&b, 0, BINDOX_OBJ_NODE, 0, 1, 1);
	EXPECT_OBJS_EINVAL(&e, &b, "node reserved 1");
	set_obj(&b, 0, BINDOX_OBJ_HANDLE, 0x80000000U, ht, 0);
	EXPECT_OBJS_EINVAL(&e, &b, "handle flags");
	set_obj(&b, 0, BINDOX_OBJ_HANDLE, 0, ht, 1ULL << 63);
	EXPECT_OBJS_EINVAL(&e, &b, "handle reserved");
	set_obj(&b, 0, BINDOX_OBJ_HANDLE, 0, ht + 100, 0);
	EXPECT_OBJS_EINVAL(&e, &b, "unknown handle");
	set_obj(&b, 0, BINDOX_OBJ_HANDLE, 0, (1ULL << 32) | ht, 0);
	EXPECT_OBJS_EINVAL(&e, &b, "handle beyond 32 bits (must not be truncated)");
	/* A bad second object after a good first one. */
	offs[0] = 0;
	offs[1] = 24;
	objects_at(&b, offs, 2, 96);
	set_obj(&b, 0, BINDOX_OBJ_HANDLE, 0, ht, 0);
	set_obj(&b, 1, BINDOX_OBJ_HANDLE, 0, 0xffffffffU, 0);
	EXPECT_OBJS_EINVAL(&e, &b, "second object unknown handle");
	assert_nothing_delivered(e.srv);

	/* The same layouts with valid objects go through. */
	set_obj(&b, 1, BINDOX_OBJ_NODE, 0, 0x55, 0);
	{
		struct bindox_payload p;

		bxt_buf_send_payload(&b, &p);
		BXT_OK(send_raw(e.cli, e.h, BINDOX_TF_ONEWAY, &p));
		bxt_buf_init(&b);
		BXT_OK(bxt_recv(e.srv, &b, NULL, 0));
		ck_assert_uint_eq(b.n, 2);
		ck_assert_uint_eq(b.size, 96);
	}
	close(t);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(handle0_object_without_coordinator)
{
	BxtBuf b;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	bxt_coord_stop(e.coord);
	e.coord = NULL;
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, BINDOX_HANDLE_COORDINATOR);
	BXT_ERR(bxt_send(e.cli, e.h, &b), ENXIO);
	assert_nothing_delivered(e.srv);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Caller {
	int fd;
	uint32_t h;
	BxtBuf rep;
	int result;
	bool bad_reply_buffer;
} Caller;

static void *caller_thread(void *arg)
{
	Caller *c = arg;
	BxtBuf req;

	bxt_buf_init(&req);
	bxt_buf_init(&c->rep);
	bxt_buf_str(&req, "call");
	if (c->bad_reply_buffer) {
		c->rep.data = bad_page();
		c->rep.cap = 4096;
	}
	c->result = bxt_call(c->fd, c->h, &req, &c->rep, NULL, BXT_LONG_NS);
	return NULL;
}

START_TEST(bad_replies)
{
	struct bindox_message m;
	uint8_t *page = bad_page();
	Caller c = { 0 };
	uint64_t id;
	pthread_t t;
	BxtBuf b;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	/* No such call. */
	bxt_buf_init(&b);
	BXT_ERR(bxt_reply(e.srv, 12345, &b, NULL), EINVAL);
	BXT_ERR(bxt_reply(e.srv, 1ULL << 32, &b, NULL), EINVAL);
	BXT_ERR(bxt_reply(e.srv, ~0ULL, &b, NULL), EINVAL);

	c.fd = e.cli;
	c.h = e.h;
	ck_assert_int_eq(pthread_create(&t, NULL, caller_thread, &c), 0);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, BXT_LONG_NS));
	ck_assert_uint_ne(m.id, 0);

	/*
	 * Same slot (low 32 bits), other sequence number (high 32 bits): a
	 * stale id is not the call.
	 */
	BXT_ERR(bxt_reply(e.srv, m.id ^ (1ULL << 32), &b, NULL), EINVAL);
	BXT_ERR(bxt_reply(e.srv, m.id & 0xffffffffULL, &b, NULL), EINVAL);
	/* A reply with a bad data pointer, a bad object: refused, id kept. */
	{
		struct bindox_reply_recv_args a;

		memset(&a, 0, sizeof(a));
		a.reply_id = m.id;
		a.reply = (struct bindox_payload){ .data_ptr = (uintptr_t)page, .data_size = 8 };
		BXT_ERR(bxt_ioctl(e.srv, BINDOX_IOC_REPLY_RECV, &a), EFAULT);
		ck_assert_uint_eq(a.reply_id, m.id);
		memset(&a, 0, sizeof(a));
		a.reply_id = m.id;
		a.reserved = 1;
		BXT_ERR(bxt_ioctl(e.srv, BINDOX_IOC_REPLY_RECV, &a), EINVAL);
		ck_assert_uint_eq(a.reply_id, m.id);
	}
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, 999);
	BXT_ERR(bxt_reply(e.srv, m.id, &b, NULL), EINVAL);
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 1);
	b.offs[0] = 4;
	BXT_ERR(bxt_reply(e.srv, m.id, &b, NULL), EINVAL);
	/* Still answerable. */
	bxt_buf_init(&b);
	bxt_buf_str(&b, "fine");
	id = m.id;
	BXT_ERR(bxt_reply_recv(e.srv, &id, &b, NULL, NULL, 0), EAGAIN);
	ck_assert_uint_eq(id, 0);
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(c.result, 0);
	ck_assert(c.rep.size == 4 && !memcmp(c.rep.data, "fine", 4));
	/* Answered: the id is gone. */
	BXT_ERR(bxt_reply(e.srv, m.id, &b, NULL), EINVAL);
	munmap(page, 4096);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(reply_not_copyable_to_caller)
{
	struct bindox_message m;
	Caller c = { .bad_reply_buffer = true };
	uint32_t ht, hs;
	pthread_t t;
	BxtBuf b;
	BxtEnv e;
	int tf;

	bxt_env_up_ck(&e, COOKIE);
	tf = bxt_open_ck();
	ht = bxt_link_ck(tf, 0x7, e.cli);
	hs = bxt_link_ck(tf, 0x7, e.srv);
	c.fd = e.cli;
	c.h = e.h;
	ck_assert_int_eq(pthread_create(&t, NULL, caller_thread, &c), 0);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, BXT_LONG_NS));
	/* The reply carries T's node, which the caller already holds as ht. */
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, hs);
	ck_assert_int_eq(bxt_reply(e.srv, m.id, &b, NULL), 0);
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_msg(c.result == -EFAULT, "call: %s", bxt_errname(c.result));
	/* The failed delivery left ht's count alone. */
	BXT_OK(bxt_release(e.cli, ht));
	BXT_ERR(bxt_release(e.cli, ht), EINVAL);
	munmap(c.rep.data, 4096);
	close(tf);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(receive_not_copyable)
{
	struct bindox_message m;
	uint8_t *page = bad_page();
	uint32_t ht;
	BxtBuf b;
	BxtEnv e;
	int tf;

	bxt_env_up_ck(&e, COOKIE);
	tf = bxt_open_ck();
	ht = bxt_link_ck(tf, 0x7, e.cli);
	bxt_buf_init(&b);
	bxt_buf_str(&b, "first");
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, ht);
	BXT_OK(bxt_send(e.cli, e.h, &b));
	bxt_buf_init(&b);
	bxt_buf_str(&b, "second");
	BXT_OK(bxt_send(e.cli, e.h, &b));

	/* Bad data, then bad offsets buffer: EFAULT, the message stays first. */
	bxt_buf_init(&b);
	b.data = page;
	BXT_ERR(bxt_recv(e.srv, &b, NULL, 0), EFAULT);
	bxt_buf_init(&b);
	b.offs = (uint64_t *)page;
	BXT_ERR(bxt_recv(e.srv, &b, NULL, 0), EFAULT);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert(b.size >= 5 && !memcmp(b.data, "first", 5));
	ck_assert_uint_eq(b.n, 1);
	/* One reference, not three. */
	BXT_OK(bxt_release(e.srv, (uint32_t)bxt_buf_obj_at(&b, 0).value));
	BXT_ERR(bxt_release(e.srv, (uint32_t)bxt_buf_obj_at(&b, 0).value), EINVAL);
	/* One without objects is put back too. */
	bxt_buf_init(&b);
	b.data = page;
	BXT_ERR(bxt_recv(e.srv, &b, NULL, 0), EFAULT);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert(b.size == 6 && !memcmp(b.data, "second", 6));
	BXT_ERR(bxt_recv(e.srv, &b, NULL, 0), EAGAIN);
	munmap(page, 4096);
	close(tf);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(reserved_fields)
{
	struct bindox_reply_recv_args rr;
	struct bindox_handle_args ha;
	struct bindox_death_args da;
	struct bindox_recv_args ra;
	struct bindox_call_args ca;
	BxtBuf b;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	bxt_buf_init(&b);
	bxt_buf_str(&b, "queued");
	BXT_OK(bxt_send(e.cli, e.h, &b));

	/* Receiving with a reserved field set consumes nothing. */
	memset(&ra, 0, sizeof(ra));
	ra.msg.reserved = 1;
	BXT_ERR(bxt_ioctl(e.srv, BINDOX_IOC_RECV, &ra), EINVAL);
	memset(&rr, 0, sizeof(rr));
	rr.reserved = 1;
	BXT_ERR(bxt_ioctl(e.srv, BINDOX_IOC_REPLY_RECV, &rr), EINVAL);
	memset(&rr, 0, sizeof(rr));
	rr.msg.reserved = 1ULL << 40;
	BXT_ERR(bxt_ioctl(e.srv, BINDOX_IOC_REPLY_RECV, &rr), EINVAL);

	/* A call whose reply description has reserved set is not sent. */
	memset(&ca, 0, sizeof(ca));
	ca.tx.handle = e.h;
	ca.reply.reserved = 1;
	ca.timeout_ns = 300 * BXT_MS;
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_CALL, &ca), EINVAL);

	ha = (struct bindox_handle_args){ .handle = e.h, .reserved = 1 };
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_HANDLE_RELEASE, &ha), EINVAL);
	da = (struct bindox_death_args){ .handle = e.h, .reserved = 1, .cookie = 1 };
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_DEATH_SUBSCRIBE, &da), EINVAL);
	BXT_OK(bxt_subscribe(e.cli, e.h, 1));
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_DEATH_UNSUBSCRIBE, &da), EINVAL);
	BXT_OK(bxt_unsubscribe(e.cli, e.h, 1));

	/* Only the one-way message is there, once. */
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, NULL, 0));
	ck_assert(b.size == 6 && !memcmp(b.data, "queued", 6));
	assert_nothing_delivered(e.srv);
	/* And the handle still has its single reference. */
	BXT_OK(bxt_release(e.cli, e.h));
	BXT_ERR(bxt_release(e.cli, e.h), EINVAL);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(ioctl_numbers_and_flags)
{
	struct bindox_payload p = { 0 };
	struct bindox_version v;
	unsigned long nr;
	char buf[256];
	__u64 flags;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	memset(buf, 0, sizeof(buf));
	for (nr = 0x09; nr < 0x100; nr += 0x17)
		BXT_ERR(bxt_ioctl(e.cli, _IOWR(BINDOX_IOC_MAGIC, nr, struct bindox_version), buf),
			ENOTTY);
	BXT_ERR(bxt_ioctl(e.cli, _IOWR(BINDOX_IOC_MAGIC + 1, 0x00, struct bindox_version), buf),
		ENOTTY);
	/* A known number with another size or direction is another command. */
	BXT_ERR(bxt_ioctl(e.cli, _IOWR(BINDOX_IOC_MAGIC, 0x02, struct bindox_transaction), buf),
		ENOTTY);
	BXT_ERR(bxt_ioctl(e.cli, _IOR(BINDOX_IOC_MAGIC, 0x00, struct bindox_version), buf),
		ENOTTY);
	BXT_ERR(bxt_ioctl(e.cli, _IO(BINDOX_IOC_MAGIC, 0x04), buf), ENOTTY);
	BXT_ERR(bxt_ioctl(e.cli, TCGETS, buf), ENOTTY);
	BXT_OK(bxt_ioctl(e.cli, BINDOX_IOC_VERSION, &v));
	ck_assert_uint_eq(v.major, BINDOX_VERSION_MAJOR);

	/* SET_COORDINATOR: flags must be 0 (checked before the slot). */
	flags = 2;
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_SET_COORDINATOR, &flags), EINVAL);

	/*
	 * SEND needs BINDOX_TF_ONEWAY, alone or with BINDOX_TF_WAIT_ROOM; CALL
	 * refuses both and unknown flags.
	 */
	BXT_ERR(send_raw(e.cli, e.h, 0, &p), EINVAL);
	BXT_ERR(send_raw(e.cli, e.h, BINDOX_TF_WAIT_ROOM, &p), EINVAL);
	BXT_ERR(send_raw(e.cli, e.h, BINDOX_TF_ONEWAY | 4, &p), EINVAL);
	BXT_ERR(send_raw(e.cli, e.h, BINDOX_TF_ONEWAY | 0x80000000U, &p), EINVAL);
	BXT_ERR(call_raw(e.cli, e.h, BINDOX_TF_ONEWAY, &p), EINVAL);
	BXT_ERR(call_raw(e.cli, e.h, BINDOX_TF_WAIT_ROOM, &p), EINVAL);
	BXT_ERR(call_raw(e.cli, e.h, 0x80000000U, &p), EINVAL);
	assert_nothing_delivered(e.srv);
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *badinput_suite(void)
{
	Suite *s = suite_create("badinput");
	TCase *tc = bxt_tcase(s, "send");

	tcase_add_test(tc, unknown_handles);
	tcase_add_test(tc, bad_pointers);
	tcase_add_test(tc, size_limits);
	tcase_add_test(tc, object_table);
	tcase_add_test(tc, handle0_object_without_coordinator);
	tc = bxt_tcase(s, "receive");
	tcase_add_test(tc, bad_replies);
	tcase_add_test(tc, reply_not_copyable_to_caller);
	tcase_add_test(tc, receive_not_copyable);
	tc = bxt_tcase(s, "args");
	tcase_add_test(tc, reserved_fields);
	tcase_add_test(tc, ioctl_numbers_and_flags);
	return s;
}

int main(void)
{
	return bxt_run(badinput_suite());
}
