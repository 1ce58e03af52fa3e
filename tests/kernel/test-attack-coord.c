/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replies of the Coordinator that are not in the protocol's form: the
 * driver checks what a LOOKUP reply hands out before the caller gets it,
 * and must not trip over objects where it expects a handle.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

typedef struct Lookup {
	int fd;
	pthread_t thread;
	int result;
	uint32_t h;
} Lookup;

static void *lookup_run(void *arg)
{
	Lookup *l = arg;

	l->result = bxt_lookup(l->fd, "attack.coord", &l->h);
	return NULL;
}

/* Receive the LOOKUP call at the raw Coordinator @coord; its id. */
static uint64_t recv_lookup_ck(int coord)
{
	struct bindox_message hdr;
	BxtBuf b;

	bxt_buf_init(&b);
	BXT_OK(bxt_recv(coord, &b, &hdr, BXT_LONG_NS));
	ck_assert_uint_eq(hdr.type, BINDOX_MSG_CALL);
	return hdr.id;
}

/* A LOOKUP reply with status 0 and @obj as its only object. */
static void reply_with_ck(int coord, uint64_t id, const struct bindox_object *obj)
{
	struct bindox_coord_reply rep = { .status = 0 };
	BxtBuf m, b;

	bxt_buf_init(&m);
	bxt_buf_put(&m, &rep, sizeof(rep));
	m.offs[m.n++] = m.size;
	bxt_buf_put(&m, obj, sizeof(*obj));
	bxt_buf_init(&b);
	BXT_OK(bxt_reply(coord, id, &m, &b));
}

START_TEST(test_lookup_reply_with_a_buffer)
{
	struct bindox_buffer_alloc a = { .size = 4096 };
	struct bindox_object o = { 0 };
	int coord, cli;
	Lookup l = { 0 };

	coord = bxt_open_ck();
	BXT_OK(bxt_claim(coord));
	cli = bxt_open_ck();
	l.fd = cli;

	/* Allowed twin: a reply in the protocol's form gives a handle. */
	ck_assert_int_eq(pthread_create(&l.thread, NULL, lookup_run, &l), 0);
	{
		uint64_t id = recv_lookup_ck(coord);

		/* A node of the Coordinator's: the caller gets a handle. */
		o.type = BINDOX_OBJ_NODE;
		o.value = 0xc0;
		reply_with_ck(coord, id, &o);
	}
	BXT_OK(bxt_join(l.thread, BXT_LONG_MS, NULL));
	BXT_OK(l.result);
	ck_assert_uint_ne(l.h, 0);

	/* The attack: the reply's object is a buffer, not a handle. */
	l.h = 0;
	ck_assert_int_eq(pthread_create(&l.thread, NULL, lookup_run, &l), 0);
	{
		uint64_t id = recv_lookup_ck(coord);

		BXT_OK(bxt_ioctl(coord, BINDOX_IOC_BUFFER_ALLOC, &a));
		o.type = BINDOX_OBJ_BUFFER;
		o.flags = BINDOX_BUF_MOVE;
		o.value = a.id;
		reply_with_ck(coord, id, &o);
	}
	BXT_OK(bxt_join(l.thread, BXT_LONG_MS, NULL));
	/* Passed on as it is; the caller's protocol check refuses it. */
	BXT_ERR(l.result, EBADMSG);

	close(cli);
	close(coord);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *coord_suite(void)
{
	Suite *s = suite_create("attack-coord");

	tcase_add_test(bxt_tcase(s, "lookup-reply"), test_lookup_reply_with_a_buffer);
	return s;
}

int main(void)
{
	return bxt_run(coord_suite());
}
