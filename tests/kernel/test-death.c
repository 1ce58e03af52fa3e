/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Death of a server process: death notifications (on exit, on SIGKILL, for
 * an already dead node, unsubscribed), and calls pending from several
 * client threads when the server is killed in the middle of them: every one
 * fails with BINDOX_EDEADPEER, none hangs, nothing leaks.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

#define COOKIE 0x5E7A7E1ULL

/* A server in a child process: one node (two with @cookie2), registered. */
typedef struct Srv {
	char name[64];
	char name2[64];
	uint64_t cookie, cookie2;
	int hold;	/* calls to receive and leave unanswered */
	int ctl[2];	/* parent -> child: anything (or EOF) makes it exit */
	int rep[2];	/* child -> parent: 1 registered, 2 holding the calls */
	pid_t pid;
} Srv;

static int server_child(void *arg)
{
	Srv *s = arg;
	int fd = bxt_try_open(BXT_DEVICE), i;
	uint64_t cmd;

	BXT_CHILD_CHECK(fd >= 0);
	close(s->ctl[1]);
	BXT_CHILD_EQ(bxt_register(fd, s->name, s->cookie), 0);
	if (s->cookie2)
		BXT_CHILD_EQ(bxt_register(fd, s->name2, s->cookie2), 0);
	bxt_put(s->rep[1], 1);
	for (i = 0; i < s->hold; i++) {
		BxtBuf b;

		bxt_buf_init(&b);
		BXT_CHILD_EQ(bxt_recv(fd, &b, NULL, BXT_LONG_NS), 0);
	}
	if (s->hold)
		bxt_put(s->rep[1], 2);
	(void)bxt_get(s->ctl[0], &cmd, -1);
	return 0;	/* exiting closes fd */
}

static void server_start(Srv *s, int hold, bool two_nodes)
{
	memset(s, 0, sizeof(*s));
	bxt_unique_name(s->name, sizeof(s->name), "srv");
	s->cookie = COOKIE;
	if (two_nodes) {
		bxt_unique_name(s->name2, sizeof(s->name2), "srv2");
		s->cookie2 = COOKIE + 1;
	}
	s->hold = hold;
	bxt_pipe_ck(s->ctl);
	bxt_pipe_ck(s->rep);
	s->pid = bxt_spawn_ck(server_child, s);
	close(s->ctl[0]);
	close(s->rep[1]);
	ck_assert_uint_eq(bxt_get_ck(s->rep[0]), 1);
}

/* Let the server exit by itself. */
static void server_exit(Srv *s)
{
	close(s->ctl[1]);
	bxt_reap_ck(s->pid);
	close(s->rep[0]);
}

static void server_kill(Srv *s)
{
	bxt_kill_ck(s->pid);
	close(s->ctl[1]);
	close(s->rep[0]);
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void expect_death(int fd, uint64_t cookie, int64_t timeout_ns)
{
	struct bindox_message m;
	BxtBuf b;

	bxt_buf_init(&b);
	BXT_OK(bxt_recv(fd, &b, &m, timeout_ns));
	ck_assert_uint_eq(m.type, BINDOX_MSG_DEATH);
	ck_assert_uint_eq(m.cookie, cookie);
	ck_assert_uint_eq(m.flags, 0);
	ck_assert_uint_eq(m.id, 0);
	ck_assert_int_eq(m.sender_pid, 0);
	ck_assert_uint_eq(m.payload.data_size, 0);
	ck_assert_uint_eq(m.payload.offsets_count, 0);
}

static void expect_dead_peer(int fd, uint32_t h)
{
	BxtBuf b, r;

	bxt_buf_init(&b);
	bxt_buf_init(&r);
	bxt_buf_str(&b, "anyone?");
	BXT_ERR(bxt_call(fd, h, &b, &r, NULL, BXT_LONG_NS), BINDOX_EDEADPEER);
	BXT_ERR(bxt_send(fd, h, &b), BINDOX_EDEADPEER);
}

START_TEST(death_on_exit)
{
	pid_t co = bxt_coord_spawn_ck();
	int cli = bxt_open_ck();
	uint32_t h = 0;
	Srv s;

	server_start(&s, 0, false);
	BXT_OK(bxt_lookup(cli, s.name, &h));
	BXT_OK(bxt_subscribe(cli, h, 0xD1));
	BXT_ERR(bxt_subscribe(cli, h, 0xD2), EBUSY);
	ck_assert(!readable(cli));

	server_exit(&s);
	expect_death(cli, 0xD1, BXT_LONG_NS);
	expect_dead_peer(cli, h);
	/* Delivering the notification ended the subscription. */
	BXT_ERR(bxt_unsubscribe(cli, h, 0xD1), EINVAL);
	BXT_ERR(bxt_recv(cli, NULL, NULL, 0), EAGAIN);

	/* The handle still names the dead node: a new subscription fires at once. */
	BXT_OK(bxt_subscribe(cli, h, 0xD2));
	expect_death(cli, 0xD2, 0);

	BXT_OK(bxt_release(cli, h));
	close(cli);
	bxt_coord_kill_ck(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(death_on_sigkill_every_subscriber)
{
	pid_t co = bxt_coord_spawn_ck();
	int cli1 = bxt_open_ck(), cli2 = bxt_open_ck();
	uint64_t seen = 0;
	uint32_t h1 = 0, h2 = 0, h3 = 0;
	Srv s;
	int i;

	server_start(&s, 0, true);
	BXT_OK(bxt_lookup(cli1, s.name, &h1));
	BXT_OK(bxt_lookup(cli1, s.name2, &h3));
	BXT_OK(bxt_lookup(cli2, s.name, &h2));
	BXT_OK(bxt_subscribe(cli1, h1, 0x11));
	BXT_OK(bxt_subscribe(cli1, h3, 0x13));
	BXT_OK(bxt_subscribe(cli2, h2, 0x22));

	server_kill(&s);
	/* Both of cli1's nodes died: two notifications, in either order. */
	for (i = 0; i < 2; i++) {
		struct bindox_message m;

		BXT_OK(bxt_recv(cli1, NULL, &m, BXT_LONG_NS));
		ck_assert_uint_eq(m.type, BINDOX_MSG_DEATH);
		ck_assert(m.cookie == 0x11 || m.cookie == 0x13);
		seen |= m.cookie;
	}
	ck_assert_uint_eq(seen, 0x11 | 0x13);
	BXT_ERR(bxt_recv(cli1, NULL, NULL, 0), EAGAIN);
	expect_death(cli2, 0x22, BXT_LONG_NS);
	expect_dead_peer(cli1, h1);
	expect_dead_peer(cli2, h2);

	close(cli1);
	close(cli2);
	bxt_coord_kill_ck(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(subscribe_to_dead_node)
{
	pid_t co = bxt_coord_spawn_ck();
	int cli = bxt_open_ck();
	uint32_t h = 0;
	Srv s;

	server_start(&s, 0, false);
	BXT_OK(bxt_lookup(cli, s.name, &h));
	server_kill(&s);
	expect_dead_peer(cli, h);
	ck_assert(!readable(cli));
	BXT_OK(bxt_subscribe(cli, h, 0xDEAD));
	/* Queued at once. */
	ck_assert(readable(cli));
	expect_death(cli, 0xDEAD, 0);
	ck_assert(!readable(cli));

	close(cli);
	bxt_coord_kill_ck(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(unsubscribe_stops_notification)
{
	pid_t co = bxt_coord_spawn_ck();
	int cli = bxt_open_ck();
	uint32_t h = 0, h2 = 0;
	Srv s;

	server_start(&s, 0, true);
	BXT_OK(bxt_lookup(cli, s.name, &h));
	BXT_OK(bxt_lookup(cli, s.name2, &h2));
	BXT_OK(bxt_subscribe(cli, h, 0xA));
	BXT_ERR(bxt_unsubscribe(cli, h, 0xB), EINVAL);	/* not that cookie */
	BXT_OK(bxt_unsubscribe(cli, h, 0xA));
	BXT_ERR(bxt_unsubscribe(cli, h, 0xA), EINVAL);	/* already gone */
	/* Releasing the last reference of a handle ends its subscription too. */
	BXT_OK(bxt_subscribe(cli, h2, 0xC));
	BXT_OK(bxt_release(cli, h2));

	server_kill(&s);
	BXT_ERR(bxt_recv(cli, NULL, NULL, 300 * BXT_MS), ETIMEDOUT);
	ck_assert(!readable(cli));

	/* A notification already queued is withdrawn by unsubscribing. */
	BXT_OK(bxt_subscribe(cli, h, 0xE));
	ck_assert(readable(cli));
	BXT_OK(bxt_unsubscribe(cli, h, 0xE));
	ck_assert(!readable(cli));
	BXT_ERR(bxt_recv(cli, NULL, NULL, 0), EAGAIN);

	close(cli);
	bxt_coord_kill_ck(co);
	bxt_assert_no_leaks();
}
END_TEST

#define N_CALLERS 6
#define N_HELD 3

typedef struct Caller {
	int fd;
	uint32_t h;
	int result;
	int64_t returned_ns;
} Caller;

static void *caller_thread(void *arg)
{
	Caller *c = arg;
	BxtBuf b, r;

	bxt_buf_init(&b);
	bxt_buf_init(&r);
	bxt_buf_str(&b, "work");
	/* Bounded, so that a lost wakeup shows up as ETIMEDOUT, not a hang. */
	c->result = bxt_call(c->fd, c->h, &b, &r, NULL, BXT_LONG_NS);
	c->returned_ns = bxt_now_ns();
	return NULL;
}

START_TEST(server_killed_during_calls)
{
	pid_t co = bxt_coord_spawn_ck();
	int cli = bxt_open_ck(), other = bxt_open_ck();
	pthread_t threads[N_CALLERS];
	Caller callers[N_CALLERS];
	uint32_t h = 0, h_other = 0;
	int64_t killed, end;
	Srv s;
	int i, r;

	server_start(&s, N_HELD, false);
	BXT_OK(bxt_lookup(cli, s.name, &h));
	/* Another client process-like proc watches the node too. */
	BXT_OK(bxt_lookup(other, s.name, &h_other));
	BXT_OK(bxt_subscribe(other, h_other, 0x0DD));

	for (i = 0; i < N_CALLERS; i++) {
		callers[i] = (Caller){ .fd = cli, .h = h, .result = 1 };
		ck_assert_int_eq(pthread_create(&threads[i], NULL, caller_thread, &callers[i]), 0);
	}
	/* N_HELD calls are in flight at the server, the others queued there. */
	ck_assert_uint_eq(bxt_get_ck(s.rep[0]), 2);
	BXT_OK(bxt_wait_queued(N_CALLERS - N_HELD, BXT_LONG_MS));

	killed = bxt_now_ns();
	server_kill(&s);
	for (i = 0; i < N_CALLERS; i++)
		ck_assert_msg(bxt_join(threads[i], BXT_LONG_MS + 10000, NULL) == 0,
			      "caller %d hangs", i);
	for (i = 0; i < N_CALLERS; i++) {
		ck_assert_msg(callers[i].result == -BINDOX_EDEADPEER, "caller %d: %s", i,
			      bxt_errname(callers[i].result));
		ck_assert_msg(callers[i].returned_ns - killed < 10 * BXT_SEC,
			      "caller %d took %lld ms after the kill", i,
			      (long long)(callers[i].returned_ns - killed) / BXT_MS);
	}
	expect_dead_peer(cli, h);
	expect_death(other, 0x0DD, BXT_LONG_NS);

	/* The Coordinator heard of it as well and dropped the name. */
	end = bxt_now_ns() + BXT_LONG_NS;
	while ((r = bxt_lookup(other, s.name, &h_other)) == 0 && bxt_now_ns() < end)
		bxt_sleep_ms(10);
	ck_assert_int_eq(r, -ENOENT);

	close(cli);
	close(other);
	bxt_coord_kill_ck(co);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *death_suite(void)
{
	Suite *s = suite_create("death");
	TCase *tc = bxt_tcase(s, "notification");

	tcase_add_test(tc, death_on_exit);
	tcase_add_test(tc, death_on_sigkill_every_subscriber);
	tcase_add_test(tc, subscribe_to_dead_node);
	tcase_add_test(tc, unsubscribe_stops_notification);
	tc = bxt_tcase(s, "pending");
	tcase_add_test(tc, server_killed_during_calls);
	return s;
}

int main(void)
{
	return bxt_run(death_suite());
}
