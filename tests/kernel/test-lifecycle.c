/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Handle reference counts and the release ioctl, and teardown: closing
 * files with messages, objects, calls and subscriptions still around must
 * free everything (the counters return to zero).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define COOKIE 0x11FEULL

static int ping(int fd, uint32_t h)
{
	BxtBuf b, r;

	bxt_buf_init(&b);
	bxt_buf_init(&r);
	bxt_buf_str(&b, "ping");
	return bxt_call(fd, h, &b, &r, NULL, BXT_LONG_NS);
}

START_TEST(release_counts_deliveries)
{
	char name[64];
	uint32_t h1 = 0, h2 = 0;
	BxtEcho echo;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	bxt_echo_start_ck(&echo, e.srv);
	bxt_unique_name(name, sizeof(name), "twice");
	BXT_OK(bxt_register(e.srv, name, 0x2));

	/* The same node delivered twice: the same number, counted twice. */
	BXT_OK(bxt_lookup(e.cli, name, &h1));
	BXT_OK(bxt_lookup(e.cli, name, &h2));
	ck_assert_uint_eq(h1, h2);
	ck_assert_uint_ne(h1, e.h);
	BXT_OK(ping(e.cli, h1));
	BXT_OK(bxt_release(e.cli, h1));
	BXT_OK(ping(e.cli, h1));		/* one reference left */
	BXT_OK(bxt_release(e.cli, h1));
	/* Gone. */
	BXT_ERR(ping(e.cli, h1), EINVAL);
	BXT_ERR(bxt_release(e.cli, h1), EINVAL);
	BXT_ERR(bxt_subscribe(e.cli, h1, 1), EINVAL);
	BXT_ERR(bxt_send(e.cli, h1, NULL), EINVAL);
	/* The other handle is untouched. */
	BXT_OK(ping(e.cli, e.h));

	/* Looked up again after release: a handle again, working. */
	BXT_OK(bxt_lookup(e.cli, name, &h1));
	BXT_OK(ping(e.cli, h1));
	ck_assert_uint_eq(echo.last_cookie, 0x2);

	bxt_echo_stop_ck(&echo);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(release_errors)
{
	struct bindox_handle_args a;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	BXT_ERR(bxt_release(e.cli, 0), EINVAL);
	BXT_ERR(bxt_release(e.cli, e.h + 1000), EINVAL);
	BXT_ERR(bxt_release(e.cli, 0xffffffffU), EINVAL);
	/* The server owns the node but holds no handle to it. */
	BXT_ERR(bxt_release(e.srv, e.h), EINVAL);
	a = (struct bindox_handle_args){ .handle = e.h, .reserved = 1 };
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_HANDLE_RELEASE, &a), EINVAL);
	/* None of that dropped the reference. */
	BXT_OK(bxt_release(e.cli, e.h));
	BXT_ERR(bxt_release(e.cli, e.h), EINVAL);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(same_node_in_one_message)
{
	struct bindox_message m;
	uint32_t ht, hn;
	BxtBuf b;
	BxtEnv e;
	int t;

	bxt_env_up_ck(&e, COOKIE);
	t = bxt_open_ck();
	ht = bxt_link_ck(t, 0x7, e.cli);

	/* One handle twice and one cookie twice (one node). */
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, ht);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, ht);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 0xAB);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 0xAB);
	BXT_OK(bxt_send(e.cli, e.h, &b));
	/* And the same cookie in a second message. */
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 0xAB);
	BXT_OK(bxt_send(e.cli, e.h, &b));

	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert_uint_eq(b.n, 4);
	ck_assert_uint_eq(bxt_buf_obj_at(&b, 0).type, BINDOX_OBJ_HANDLE);
	ck_assert_uint_eq(bxt_buf_obj_at(&b, 0).value, bxt_buf_obj_at(&b, 1).value);
	ck_assert_uint_eq(bxt_buf_obj_at(&b, 2).type, BINDOX_OBJ_HANDLE);
	ck_assert_uint_eq(bxt_buf_obj_at(&b, 2).value, bxt_buf_obj_at(&b, 3).value);
	ck_assert_uint_ne(bxt_buf_obj_at(&b, 0).value, bxt_buf_obj_at(&b, 2).value);
	ht = (uint32_t)bxt_buf_obj_at(&b, 0).value;
	hn = (uint32_t)bxt_buf_obj_at(&b, 2).value;
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, 0));
	ck_assert_uint_eq(bxt_buf_obj_at(&b, 0).value, hn);

	/* ht was delivered twice, hn three times. */
	BXT_OK(bxt_release(e.srv, ht));
	BXT_OK(bxt_release(e.srv, ht));
	BXT_ERR(bxt_release(e.srv, ht), EINVAL);
	BXT_OK(bxt_release(e.srv, hn));
	BXT_OK(bxt_release(e.srv, hn));
	BXT_OK(bxt_release(e.srv, hn));
	BXT_ERR(bxt_release(e.srv, hn), EINVAL);

	close(t);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Caller {
	int fd;
	uint32_t h;
	int result;
} Caller;

static void *caller_thread(void *arg)
{
	Caller *c = arg;

	c->result = ping(c->fd, c->h);
	return NULL;
}

START_TEST(close_with_everything_pending)
{
	Caller c;
	struct bindox_message m;
	pthread_t th;
	uint32_t ht;
	BxtBuf b;
	BxtEnv e;
	int t, i;

	bxt_env_up_ck(&e, COOKIE);
	t = bxt_open_ck();
	ht = bxt_link_ck(t, 0x7, e.cli);
	BXT_OK(bxt_subscribe(e.cli, e.h, 0x5));
	BXT_OK(bxt_subscribe(e.cli, ht, 0x6));

	/* The server: a call in flight, one queued, one-way messages with objects. */
	c = (Caller){ .fd = e.cli, .h = e.h };
	ck_assert_int_eq(pthread_create(&th, NULL, caller_thread, &c), 0);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, BXT_LONG_NS));
	ck_assert_uint_eq(m.type, BINDOX_MSG_CALL);
	for (i = 0; i < 8; i++) {
		bxt_buf_init(&b);
		bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, ht);
		bxt_buf_obj(&b, BINDOX_OBJ_NODE, 100 + (uint64_t)i);
		BXT_OK(bxt_send(e.cli, e.h, &b));
	}
	/* T holds unreceived messages too. */
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 0x99);
	BXT_OK(bxt_send(e.cli, ht, &b));

	close(e.srv);
	e.srv = -1;
	ck_assert_int_eq(bxt_join(th, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(c.result, -BINDOX_EDEADPEER);
	BXT_OK(bxt_recv(e.cli, &b, &m, BXT_LONG_NS));
	ck_assert_uint_eq(m.type, BINDOX_MSG_DEATH);
	ck_assert_uint_eq(m.cookie, 0x5);
	/* T dies with the client's subscription and messages outstanding. */
	close(t);
	BXT_OK(bxt_recv(e.cli, &b, &m, BXT_LONG_NS));
	ck_assert_uint_eq(m.type, BINDOX_MSG_DEATH);
	ck_assert_uint_eq(m.cookie, 0x6);
	bxt_env_down_ck(&e);
}
END_TEST

static long read_param(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/bindox/parameters/%s", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

START_TEST(queue_limit)
{
	long max = read_param("max_queued"), i;
	long share = read_param("max_queued_per_sender");
	long domain_share = read_param("max_domain_oneway");
	BxtBuf b;
	BxtEnv e;

	ck_assert_msg(max > 0 && max <= 65536, "max_queued = %ld", max);
	/* One sender may fill the queue here (test-attack-flood: its share). */
	bxb_param_set_ck("max_queued_per_sender", (unsigned long)max);
	bxb_param_set_ck("max_domain_oneway", (unsigned long)max);
	bxt_env_up_ck(&e, COOKIE);
	bxt_buf_init(&b);
	for (i = 0; i < max; i++)
		BXT_OK(bxt_send(e.cli, e.h, &b));
	BXT_ERR(bxt_send(e.cli, e.h, &b), EAGAIN);
	BXT_ERR(ping(e.cli, e.h), EAGAIN);
	BXT_OK(bxt_recv(e.srv, &b, NULL, 0));
	BXT_OK(bxt_send(e.cli, e.h, &b));
	BXT_ERR(bxt_send(e.cli, e.h, &b), EAGAIN);
	/* Closing the receiver with a full queue frees it all. */
	bxt_env_down_ck(&e);
	bxb_param_set_ck("max_queued_per_sender", (unsigned long)share);
	bxb_param_set_ck("max_domain_oneway", (unsigned long)domain_share);
}
END_TEST

START_TEST(coordinator_exit_releases_registrations)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), i;
	char name[64];

	for (i = 0; i < 16; i++) {
		bxt_unique_name(name, sizeof(name), "many");
		BXT_OK(bxt_register(srv, name, 1000 + (uint64_t)i));
	}
	bxt_coord_stop(co);
	co = bxt_coord_start_ck();
	bxt_unique_name(name, sizeof(name), "again");
	BXT_OK(bxt_register(srv, name, 1));
	bxt_coord_stop(co);
	close(srv);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *lifecycle_suite(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *tc = bxt_tcase(s, "release");

	tcase_add_test(tc, release_counts_deliveries);
	tcase_add_test(tc, release_errors);
	tcase_add_test(tc, same_node_in_one_message);
	tc = bxt_tcase(s, "teardown");
	tcase_add_test(tc, close_with_everything_pending);
	tcase_add_test(tc, queue_limit);
	tcase_add_test(tc, coordinator_exit_releases_registrations);
	return s;
}

int main(void)
{
	return bxt_run(lifecycle_suite());
}
