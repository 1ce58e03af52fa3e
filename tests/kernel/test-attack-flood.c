/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One client against a service shared with others:
 * - a flood of one-way messages fills only the flooding uid's share of the
 *   service's queue (max_queued_per_sender), so another client still gets
 *   through (it used to get EAGAIN once one client had queued 4,096);
 * - a message whose objects the receiver has no room for (one buffer
 *   shared many times over) is refused and taken off the queue, so the
 *   messages behind it are delivered (it used to stay at the head: every
 *   receive failed with ENOSPC and no other client was ever served).
 *
 * - the shares hold across a dozen uids, whose accounts stay at zero
 *   after their messages are received and are dropped past eight;
 *
 * - what one uid can make the kernel hold is bounded whatever the number
 *   of files it opens (max_user_nodes, max_user_msg_bytes,
 *   max_user_buffer_bytes): it used to be bounded per file only (eight
 *   files made 8 x 16,384 nodes; one member of a domain could take all of
 *   the domain's buffer memory).
 *
 * The clients are files opened with another effective uid: the driver
 * takes a sender's uid from the credentials its file was opened with.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define COOKIE 0xf100dULL

typedef struct Flood {
	BxtCoord *coord;
	char world[64];
	int srv;
	int a, b;	/* clients of uids 1000 and 1001 */
	uint32_t ha, hb;
	char name[64];	/* the service's */
} Flood;

/* Open the world-accessible node as @uid (the file keeps that identity). */
static int open_as_ck(const char *world, uid_t uid)
{
	int fd;

	ck_assert_int_eq(setresuid(-1, uid, -1), 0);
	fd = bxt_try_open(world);
	ck_assert_int_eq(setresuid(-1, 0, -1), 0);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static void flood_up_ck(Flood *f)
{
	char *name = f->name;

	f->coord = bxt_coord_start_ck();
	bxt_world_node_ck(f->world);
	f->srv = bxt_open_ck();
	f->a = open_as_ck(f->world, 1000);
	f->b = open_as_ck(f->world, 1001);
	bxt_unique_name(name, sizeof(f->name), "flooded");
	BXT_OK(bxt_register(f->srv, name, COOKIE));
	BXT_OK(bxt_lookup(f->a, name, &f->ha));
	BXT_OK(bxt_lookup(f->b, name, &f->hb));
}

static void flood_down_ck(Flood *f)
{
	close(f->a);
	close(f->b);
	close(f->srv);
	unlink(f->world);
	bxt_coord_stop(f->coord);
	bxt_assert_no_leaks();
}

/* Receive one message on @fd: its sender's uid, and its data in @b. */
static uint32_t recv_from_ck(int fd, BxtBuf *b)
{
	struct bindox_message hdr;

	bxt_buf_init(b);
	BXT_OK(bxt_recv(fd, b, &hdr, BXT_LONG_NS));
	return hdr.sender_euid;
}

START_TEST(test_one_sender_cannot_fill_a_queue)
{
	unsigned long max = bxb_param_get_ck("max_queued");
	unsigned long sent = 0, i;
	BxtBuf m;
	Flood f;

	flood_up_ck(&f);
	bxt_buf_init(&m);
	bxt_buf_str(&m, "flood");
	while (sent <= max && bxt_send(f.a, f.ha, &m) == 0)
		sent++;
	BXT_ERR(bxt_send(f.a, f.ha, &m), EAGAIN);

	/* Another uid still gets through, and is received after the flood. */
	bxt_buf_init(&m);
	bxt_buf_str(&m, "other");
	BXT_OK(bxt_send(f.b, f.hb, &m));
	ck_assert_uint_lt(sent, max);
	ck_assert_uint_eq(sent, bxb_param_get_ck("max_queued_per_sender"));
	for (i = 0; i < sent; i++)
		ck_assert_uint_eq(recv_from_ck(f.srv, &m), 1000);
	ck_assert_uint_eq(recv_from_ck(f.srv, &m), 1001);
	ck_assert(m.size == 5 && memcmp(m.data, "other", 5) == 0);

	/* Once received, the flooder's share is free again. */
	BXT_OK(bxt_send(f.a, f.ha, &m));
	ck_assert_uint_eq(recv_from_ck(f.srv, &m), 1000);
	flood_down_ck(&f);
}
END_TEST

#define MANY_UIDS 12

/*
 * The queue's accounts of many uids: an account that falls to zero stays
 * (a caller whose count goes 1, 0, 1 then allocates nothing), and past
 * eight such all are dropped. Twelve uids, in turns of one message each
 * and of one message from all, then one uid up to its share: every
 * message arrives from its uid, the share holds, the others pass it.
 */
START_TEST(test_shares_hold_across_many_uids)
{
	unsigned long share = bxb_param_get_ck("max_queued_per_sender");
	int fd[MANY_UIDS];
	uint32_t h[MANY_UIDS];
	unsigned long sent = 0, i;
	int turn, u;
	BxtBuf m;
	Flood f;

	flood_up_ck(&f);
	for (u = 0; u < MANY_UIDS; u++) {
		fd[u] = open_as_ck(f.world, 2000 + u);
		BXT_OK(bxt_lookup(fd[u], f.name, &h[u]));
	}
	bxt_buf_init(&m);
	bxt_buf_str(&m, "turn");
	for (turn = 0; turn < 3; turn++) {
		for (u = 0; u < MANY_UIDS; u++) {
			BXT_OK(bxt_send(fd[u], h[u], &m));
			ck_assert_uint_eq(recv_from_ck(f.srv, &m), 2000 + u);
		}
		for (u = 0; u < MANY_UIDS; u++)
			BXT_OK(bxt_send(fd[u], h[u], &m));
		for (u = 0; u < MANY_UIDS; u++)
			ck_assert_uint_eq(recv_from_ck(f.srv, &m), 2000 + u);
	}

	while (sent <= share && bxt_send(fd[5], h[5], &m) == 0)
		sent++;
	ck_assert_uint_eq(sent, share);
	BXT_ERR(bxt_send(fd[5], h[5], &m), EAGAIN);
	BXT_OK(bxt_send(fd[6], h[6], &m));
	for (i = 0; i < sent; i++)
		ck_assert_uint_eq(recv_from_ck(f.srv, &m), 2005);
	ck_assert_uint_eq(recv_from_ck(f.srv, &m), 2006);
	BXT_OK(bxt_send(fd[5], h[5], &m));
	ck_assert_uint_eq(recv_from_ck(f.srv, &m), 2005);

	for (u = 0; u < MANY_UIDS; u++)
		close(fd[u]);
	flood_down_ck(&f);
}
END_TEST

/* A message with @n objects that share buffer @id (n times one buffer). */
static void shared_many(BxtBuf *m, uint32_t id, int n)
{
	bxt_buf_init(m);
	for (int i = 0; i < n; i++) {
		bxt_buf_obj(m, BINDOX_OBJ_BUFFER, id);
		((struct bindox_object *)(m->data + m->offs[i]))->flags = BINDOX_BUF_SHARE;
	}
}

typedef struct Caller {
	int fd;
	uint32_t h;
	uint32_t id;
	int n;
	int result;
} Caller;

static void *call_shared(void *arg)
{
	Caller *c = arg;
	BxtBuf m, rep;

	shared_many(&m, c->id, c->n);
	bxt_buf_init(&rep);
	c->result = bxt_call(c->fd, c->h, &m, &rep, NULL, BXT_LONG_NS);
	return NULL;
}

START_TEST(test_undeliverable_message_leaves_the_queue)
{
	unsigned long max_buffers = bxb_param_get_ck("max_buffers");
	struct bindox_buffer_alloc a = { .size = 4096 };
	Caller c = { 0 };
	pthread_t t;
	BxtBuf m;
	Flood f;

	flood_up_ck(&f);
	bxb_param_set_ck("max_buffers", 4);
	BXT_OK(bxt_ioctl(f.a, BINDOX_IOC_BUFFER_ALLOC, &a));

	/* Allowed twin: as many ids as the receiver has room for. */
	shared_many(&m, a.id, 4);
	BXT_OK(bxt_send(f.a, f.ha, &m));
	bxt_buf_init(&m);
	BXT_OK(bxt_recv(f.srv, &m, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(m.n, 4);
	for (uint32_t i = 0; i < m.n; i++) {
		struct bindox_buffer_info info = { .id = (uint32_t)bxt_buf_obj_at(&m, i).value };

		BXT_OK(bxt_ioctl(f.srv, BINDOX_IOC_BUFFER_RELEASE, &info));
	}

	/* One-way: too many ids, then another client's message behind it. */
	shared_many(&m, a.id, 8);
	BXT_OK(bxt_send(f.a, f.ha, &m));
	bxt_buf_init(&m);
	bxt_buf_str(&m, "behind");
	BXT_OK(bxt_send(f.b, f.hb, &m));
	bxt_buf_init(&m);
	BXT_ERR(bxt_recv(f.srv, &m, NULL, BXT_LONG_NS), ENOSPC);
	ck_assert_uint_eq(recv_from_ck(f.srv, &m), 1001);
	ck_assert(m.size == 6 && memcmp(m.data, "behind", 6) == 0);
	BXT_ERR(bxt_recv(f.srv, NULL, NULL, 0), EAGAIN);

	/* A call: its caller gets the receiver's error. */
	c.fd = f.a;
	c.h = f.ha;
	c.id = a.id;
	c.n = 8;
	ck_assert_int_eq(pthread_create(&t, NULL, call_shared, &c), 0);
	BXT_OK(bxt_wait_queued(1, BXT_LONG_MS));
	bxt_buf_init(&m);
	BXT_ERR(bxt_recv(f.srv, &m, NULL, BXT_LONG_NS), ENOSPC);
	BXT_OK(bxt_join(t, BXT_LONG_MS, NULL));
	BXT_ERR(c.result, ENOSPC);

	bxb_param_set_ck("max_buffers", max_buffers);
	flood_down_ck(&f);
}
END_TEST

static int echo_handler(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	(void)userdata;
	(void)request;
	return bindox_msg_append_u32(reply, 7);
}

START_TEST(test_library_server_survives_a_refused_message)
{
	unsigned long max_buffers = bxb_param_get_ck("max_buffers");
	struct bindox_buffer_alloc a = { .size = 4096 };
	BindoxServer *server;
	BindoxConn *conn;
	char name[64];
	BxtBuf m, rep;
	Flood f;

	flood_up_ck(&f);
	BXT_OK(bindox_conn_open(f.world, &conn));
	BXT_OK(bindox_server_new(conn, 2, echo_handler, NULL, &server));
	BXT_OK(bindox_server_start(server));
	bxt_unique_name(name, sizeof(name), "libsrv");
	BXT_OK(bindox_server_add_service(server, name, 0x5e));
	BXT_OK(bxt_lookup(f.a, name, &f.ha));
	BXT_OK(bxt_ioctl(f.a, BINDOX_IOC_BUFFER_ALLOC, &a));

	/* A call it has no room for fails; the server goes on serving. */
	bxb_param_set_ck("max_buffers", 4);
	shared_many(&m, a.id, 8);
	bxt_buf_init(&rep);
	BXT_ERR(bxt_call(f.a, f.ha, &m, &rep, NULL, BXT_LONG_NS), ENOSPC);
	bxt_buf_init(&m);
	bxt_buf_init(&rep);
	BXT_OK(bxt_call(f.a, f.ha, &m, &rep, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(rep.size, 4);

	bxb_param_set_ck("max_buffers", max_buffers);
	BXT_OK(bindox_server_stop(server));
	bindox_server_free(server);
	bindox_conn_close(conn);
	flood_down_ck(&f);
}
END_TEST

/* Create @n nodes owned by @fd (cookies from @cookie on): 0 or -errno. */
static int make_nodes(int fd, uint32_t h, uint64_t cookie, int n)
{
	BxtBuf m;

	bxt_buf_init(&m);
	for (int i = 0; i < n; i++)
		bxt_buf_obj(&m, BINDOX_OBJ_NODE, cookie + (uint64_t)i);
	return bxt_send(fd, h, &m);
}

/* Receive and drop one message with handles on @fd. */
static void drain_one_ck(int fd)
{
	BxtBuf m;

	bxt_buf_init(&m);
	BXT_OK(bxt_recv(fd, &m, NULL, BXT_LONG_NS));
	for (uint32_t i = 0; i < m.n; i++)
		BXT_OK(bxt_release(fd, (uint32_t)bxt_buf_obj_at(&m, i).value));
}

START_TEST(test_nodes_per_user)
{
	unsigned long max_nodes = bxb_param_get_ck("max_nodes");
	int a2, a3, i;
	uint32_t h2, h3;
	char name[64];
	Flood f;

	flood_up_ck(&f);
	bxt_unique_name(name, sizeof(name), "nodes");
	BXT_OK(bxt_register(f.srv, name, COOKIE + 1));
	a2 = open_as_ck(f.world, 1000);
	a3 = open_as_ck(f.world, 1000);
	BXT_OK(bxt_lookup(a2, name, &h2));
	BXT_OK(bxt_lookup(a3, name, &h3));
	bxb_param_set_ck("max_nodes", 8);
	BXT_OK(bxb_param_set("max_user_nodes", 20));

	/* Two files of uid 1000 make 8 each; the third only what is left. */
	BXT_OK(make_nodes(f.a, f.ha, 100, 8));
	BXT_ERR(make_nodes(f.a, f.ha, 200, 1), ENOSPC);
	BXT_OK(make_nodes(a2, h2, 100, 8));
	BXT_OK(make_nodes(a3, h3, 100, 4));
	BXT_ERR(make_nodes(a3, h3, 200, 1), ENOSPC);
	/* Another uid is not affected. */
	BXT_OK(make_nodes(f.b, f.hb, 100, 8));
	/* Closing a file gives its nodes back to its user. */
	close(a2);
	BXT_OK(make_nodes(a3, h3, 200, 4));
	for (i = 0; i < 5; i++)
		drain_one_ck(f.srv);

	bxb_param_set_ck("max_nodes", max_nodes);
	bxb_param_set_ck("max_user_nodes", 65536);
	close(a3);
	flood_down_ck(&f);
}
END_TEST

START_TEST(test_message_bytes_per_user)
{
	static uint8_t big[BINDOX_MAX_DATA_SIZE];
	unsigned long sent = 0;
	int a2;
	uint32_t h2;
	char name[64];
	BxtBuf m;
	Flood f;

	flood_up_ck(&f);
	bxt_unique_name(name, sizeof(name), "bytes");
	BXT_OK(bxt_register(f.srv, name, COOKIE + 2));
	a2 = open_as_ck(f.world, 1000);
	BXT_OK(bxt_lookup(a2, name, &h2));
	BXT_OK(bxb_param_set("max_user_msg_bytes", 1UL << 20));

	/* 256 KiB one-way messages nobody receives: about 1 MiB in all. */
	bxt_buf_init_ext(&m, big, sizeof(big), NULL, 0);
	m.size = sizeof(big);
	while (sent < 8 && bxt_send(f.a, f.ha, &m) == 0)
		sent++;
	ck_assert_uint_eq(sent, 3);
	BXT_ERR(bxt_send(f.a, f.ha, &m), EDQUOT);
	BXT_ERR(bxt_send(a2, h2, &m), EDQUOT);
	/* Another uid sends; once one is received, uid 1000 may again. */
	BXT_OK(bxt_send(f.b, f.hb, &m));
	bxt_buf_init_ext(&m, big, sizeof(big), NULL, 0);
	BXT_OK(bxt_recv(f.srv, &m, NULL, BXT_LONG_NS));
	m.size = sizeof(big);
	BXT_OK(bxt_send(a2, h2, &m));

	bxb_param_set_ck("max_user_msg_bytes", 128UL << 20);
	close(a2);
	flood_down_ck(&f);
}
END_TEST

static int alloc_mib(int fd, unsigned long mib, uint32_t *id)
{
	struct bindox_buffer_alloc a = { .size = mib * BXB_MIB };
	int r = bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a);

	*id = a.id;
	return r;
}

START_TEST(test_buffer_bytes_per_user)
{
	struct bindox_buffer_info info = { 0 };
	uint32_t id, other;
	int a2;
	Flood f;

	flood_up_ck(&f);
	a2 = open_as_ck(f.world, 1000);
	BXT_OK(bxb_param_set("max_user_buffer_bytes", 8 * BXB_MIB));

	/* Two files of uid 1000 share its 8 MiB; uid 1001 has its own. */
	BXT_OK(alloc_mib(f.a, 6, &id));
	BXT_ERR(alloc_mib(a2, 4, &other), EDQUOT);
	BXT_OK(alloc_mib(f.b, 6, &other));
	info.id = id;
	BXT_OK(bxt_ioctl(f.a, BINDOX_IOC_BUFFER_RELEASE, &info));
	BXT_OK(alloc_mib(a2, 4, &other));

	bxb_param_set_ck("max_user_buffer_bytes", 8UL << 30);	/* the default */
	close(a2);
	flood_down_ck(&f);
}
END_TEST

static Suite *flood_suite(void)
{
	Suite *s = suite_create("attack-flood");

	tcase_add_test(bxt_tcase(s, "share"), test_one_sender_cannot_fill_a_queue);
	tcase_add_test(bxt_tcase(s, "share"), test_shares_hold_across_many_uids);
	tcase_add_test(bxt_tcase(s, "head"), test_undeliverable_message_leaves_the_queue);
	tcase_add_test(bxt_tcase(s, "library"), test_library_server_survives_a_refused_message);
	tcase_add_test(bxt_tcase(s, "user-nodes"), test_nodes_per_user);
	tcase_add_test(bxt_tcase(s, "user-bytes"), test_message_bytes_per_user);
	tcase_add_test(bxt_tcase(s, "user-buffers"), test_buffer_bytes_per_user);
	return s;
}

int main(void)
{
	return bxt_run(flood_suite());
}
