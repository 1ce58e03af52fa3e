/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A server's kept names (bindox_server_add_service()) on the fake driver:
 * registered at once, registered again with a new Coordinator after the old
 * one died, not kept when removed or when the first registration failed,
 * and a server stops at once although its keeper sleeps between probes.
 */

#include <errno.h>
#include <time.h>
#include <bindox/bindox.h>
#include "fake-driver.h"
#include "coordinator-registry.h"
#include "check-main.h"

/* A Coordinator: its connection, registry and server. */
typedef struct Coord {
	BindoxConn *conn;
	TestCoordinator *registry;
	BindoxServer *server;
} Coord;

static Coord coord;
static BindoxConn *service_conn, *client_conn;
static BindoxServer *service;

static void coord_start(Coord *c)
{
	ck_assert_int_eq(bindox_conn_open("/dev/null", &c->conn), 0);
	ck_assert_int_eq(bindox_conn_become_coordinator(c->conn), 0);
	ck_assert_int_eq(test_coordinator_new(c->conn, &c->registry), 0);
	ck_assert_int_eq(bindox_server_new(c->conn, 1, test_coordinator_handle, c->registry,
					   &c->server), 0);
	ck_assert_int_eq(bindox_server_start(c->server), 0);
}

/* The Coordinator process dies: the driver forgets it and its handles. */
static void coord_kill(Coord *c)
{
	c->server = bindox_server_free(c->server);
	fake_driver_kill(bindox_conn_fd(c->conn));
	c->registry = test_coordinator_free(c->registry);
	c->conn = bindox_conn_close(c->conn);
}

static int echo_handler(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	(void)userdata;
	if (!reply)
		return 0;
	return bindox_msg_append_u64(reply, bindox_msg_get_cookie(request));
}

static void setup(void)
{
	fake_driver_reset();
	coord_start(&coord);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &service_conn), 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &client_conn), 0);
	fake_driver_set_creds(bindox_conn_fd(service_conn), 100, 1000, 1000, 0);
	fake_driver_set_creds(bindox_conn_fd(client_conn), 200, 2000, 2000, 0);
	ck_assert_int_eq(bindox_server_new(service_conn, 1, echo_handler, NULL, &service), 0);
}

static void teardown(void)
{
	service = bindox_server_free(service);
	coord.server = bindox_server_free(coord.server);
	coord.registry = test_coordinator_free(coord.registry);
	fake_driver_reset();
	coord.conn = bindox_conn_close(coord.conn);
	service_conn = bindox_conn_close(service_conn);
	client_conn = bindox_conn_close(client_conn);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait until the Coordinator has @n names; return how long it took (ms). */
static int64_t wait_for_count(TestCoordinator *tc, size_t n, int64_t limit_ms)
{
	int64_t start = now_ms();

	while (test_coordinator_count(tc) != n) {
		ck_assert_msg(now_ms() - start < limit_ms, "registry has %zu names, want %zu",
			      test_coordinator_count(tc), n);
		sleep_ms(10);
	}
	return now_ms() - start;
}

/* The client looks @name up and calls it; returns the cookie that answered. */
static uint64_t client_call(const char *name)
{
	BindoxMsg *req = NULL, *reply = NULL;
	uint32_t h = 0;
	uint64_t v = 0;

	ck_assert_int_eq(bindox_service_lookup(client_conn, name, &h, -1), 0);
	ck_assert_int_eq(bindox_msg_new(&req), 0);
	ck_assert_int_eq(bindox_msg_new(&reply), 0);
	ck_assert_int_eq(bindox_call(client_conn, h, req, reply, -1), 0);
	ck_assert_int_eq(bindox_msg_read_u64(reply, &v), 0);
	ck_assert_int_eq(bindox_handle_release(client_conn, h), 0);
	bindox_msg_free(req);
	bindox_msg_free(reply);
	return v;
}

START_TEST(test_registers_at_once)
{
	ck_assert_int_eq(bindox_server_add_service(service, "org.example.a", 0xa), 0);
	ck_assert_int_eq(bindox_server_add_service(service, "org.example.b", 0xb), 0);
	ck_assert_uint_eq(test_coordinator_count(coord.registry), 2);
	ck_assert_int_eq(bindox_server_add_service(service, "org.example.a", 0xa), -EEXIST);
	ck_assert_int_eq(bindox_server_add_service(service, "bad name", 0xc), -EINVAL);
	ck_assert_int_eq(bindox_server_add_service(NULL, "org.example.c", 0xc), -EINVAL);

	ck_assert_int_eq(bindox_server_start(service), 0);
	ck_assert_uint_eq(client_call("org.example.b"), 0xb);
}
END_TEST

START_TEST(test_survives_coordinator_restart)
{
	int64_t took;

	ck_assert_int_eq(bindox_server_add_service(service, "org.example.a", 0xa), 0);
	ck_assert_int_eq(bindox_server_add_service(service, "org.example.b", 0xb), 0);
	ck_assert_int_eq(bindox_server_start(service), 0);

	coord_kill(&coord);
	/* No Coordinator for a while: the keeper retries with a backoff. */
	sleep_ms(1500);
	coord_start(&coord);
	ck_assert_uint_eq(test_coordinator_count(coord.registry), 0);

	took = wait_for_count(coord.registry, 2, 5000);
	/* Within a probe interval plus the longest backoff step. */
	ck_assert_int_lt(took, (BINDOX_SERVER_PROBE_NS + BINDOX_SERVER_RETRY_MAX_NS) / 1000000 + 500);
	ck_assert_uint_eq(client_call("org.example.a"), 0xa);
	ck_assert_uint_eq(client_call("org.example.b"), 0xb);

	/* Once known, it stays at that: no duplicates, no churn. */
	sleep_ms(1200);
	ck_assert_uint_eq(test_coordinator_count(coord.registry), 2);
}
END_TEST

START_TEST(test_quick_restart)
{
	/* The new Coordinator is up before the next probe: -ENOENT path. */
	ck_assert_int_eq(bindox_server_add_service(service, "org.example.a", 0xa), 0);
	ck_assert_int_eq(bindox_server_start(service), 0);
	coord_kill(&coord);
	coord_start(&coord);
	wait_for_count(coord.registry, 1, 5000);
	ck_assert_uint_eq(client_call("org.example.a"), 0xa);
}
END_TEST

START_TEST(test_removed_not_kept)
{
	BindoxServer *other = NULL;
	uint32_t h;

	ck_assert_int_eq(bindox_server_add_service(service, "org.example.a", 0xa), 0);
	ck_assert_int_eq(bindox_server_add_service(service, "org.example.b", 0xb), 0);
	ck_assert_int_eq(bindox_server_remove_service(service, "org.example.a"), 0);
	ck_assert_int_eq(bindox_server_remove_service(service, "org.example.a"), -ENOENT);
	ck_assert_uint_eq(test_coordinator_count(coord.registry), 1);
	ck_assert_int_eq(bindox_service_lookup(client_conn, "org.example.a", &h, -1), -ENOENT);

	/* A name another process holds: add fails, nothing is kept. */
	ck_assert_int_eq(bindox_server_new(client_conn, 1, echo_handler, NULL, &other), 0);
	ck_assert_int_eq(bindox_server_add_service(other, "org.example.b", 0xbb), -EEXIST);
	other = bindox_server_free(other);

	ck_assert_int_eq(bindox_server_start(service), 0);
	coord_kill(&coord);
	coord_start(&coord);
	wait_for_count(coord.registry, 1, 5000);
	sleep_ms(1200);
	ck_assert_uint_eq(test_coordinator_count(coord.registry), 1);
	ck_assert_int_eq(bindox_service_lookup(client_conn, "org.example.a", &h, -1), -ENOENT);
	ck_assert_uint_eq(client_call("org.example.b"), 0xb);
}
END_TEST

START_TEST(test_no_coordinator)
{
	coord_kill(&coord);
	ck_assert_int_eq(bindox_server_add_service(service, "org.example.a", 0xa), -ENXIO);
	ck_assert_int_eq(bindox_server_start(service), 0);
	coord_start(&coord);
	/* A failed first registration is not kept. */
	sleep_ms(1500);
	ck_assert_uint_eq(test_coordinator_count(coord.registry), 0);
}
END_TEST

START_TEST(test_stop_is_prompt)
{
	int64_t start;

	ck_assert_int_eq(bindox_server_add_service(service, "org.example.a", 0xa), 0);
	ck_assert_int_eq(bindox_server_start(service), 0);
	sleep_ms(50);
	start = now_ms();
	ck_assert_int_eq(bindox_server_stop(service), 0);
	/* Workers poll every 100 ms; the keeper is woken, not waited for. */
	ck_assert_int_lt(now_ms() - start, 500);
	/* And it can run again, still keeping the name. */
	ck_assert_int_eq(bindox_server_start(service), 0);
	coord_kill(&coord);
	coord_start(&coord);
	wait_for_count(coord.registry, 1, 5000);
}
END_TEST

static Suite *keeper_suite(void)
{
	Suite *s = suite_create("keeper");
	TCase *tc = tcase_create("fake-driver");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_registers_at_once);
	tcase_add_test(tc, test_survives_coordinator_restart);
	tcase_add_test(tc, test_quick_restart);
	tcase_add_test(tc, test_removed_not_kept);
	tcase_add_test(tc, test_no_coordinator);
	tcase_add_test(tc, test_stop_is_prompt);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(keeper_suite)
