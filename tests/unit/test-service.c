/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Coordinator protocol end to end on the fake driver: the library's
 * client calls (register, lookup, unregister) against the test coordinator's
 * registry running in a BindoxServer, and a service answering calls.
 */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <bindox/bindox.h>
#include "fake-driver.h"
#include "coordinator-registry.h"
#include "check-main.h"

#define NR(ioc) (_IOC_NR(ioc))

static BindoxConn *coord_conn, *service_conn, *client_conn;
static TestCoordinator *coordinator;
static BindoxServer *coord_server;

static void setup(void)
{
	fake_driver_reset();
	ck_assert_int_eq(bindox_conn_open("/dev/null", &coord_conn), 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &service_conn), 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &client_conn), 0);
	ck_assert_int_eq(bindox_conn_become_coordinator(coord_conn), 0);
	ck_assert_int_eq(test_coordinator_new(coord_conn, &coordinator), 0);
	ck_assert_int_eq(bindox_server_new(coord_conn, 2, test_coordinator_handle, coordinator,
					   &coord_server), 0);
	ck_assert_int_eq(bindox_server_start(coord_server), 0);
	fake_driver_set_creds(bindox_conn_fd(service_conn), 100, 1000, 1000, 1);
	fake_driver_set_creds(bindox_conn_fd(client_conn), 200, 2000, 2000, 1);
}

static void teardown(void)
{
	coord_server = bindox_server_free(coord_server);
	coordinator = test_coordinator_free(coordinator);
	fake_driver_reset();
	coord_conn = bindox_conn_close(coord_conn);
	service_conn = bindox_conn_close(service_conn);
	client_conn = bindox_conn_close(client_conn);
}

static int coord_handles(void)
{
	return fake_driver_count_handles(bindox_conn_fd(coord_conn));
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* The service: answers every call with its node's cookie. */
static int echo_handler(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	if (!reply)
		return 0;
	return bindox_msg_append_u64(reply, bindox_msg_get_cookie(request));
}

START_TEST(test_register_lookup_call)
{
	BindoxMsg *req = NULL, *reply = NULL;
	BindoxServer *svc = NULL;
	uint32_t h = 0;
	uint64_t v;

	ck_assert_int_eq(bindox_service_register(service_conn, "org.example.echo", 0xec0), 0);
	ck_assert_uint_eq(test_coordinator_count(coordinator), 1);
	ck_assert_int_eq(coord_handles(), 1);

	ck_assert_int_eq(bindox_service_lookup(client_conn, "org.example.echo", &h, -1), 0);
	ck_assert_uint_ne(h, 0);
	ck_assert_uint_eq(fake_driver_handle_refs(bindox_conn_fd(client_conn), h), 1);

	ck_assert_int_eq(bindox_server_new(service_conn, 1, echo_handler, NULL, &svc), 0);
	ck_assert_int_eq(bindox_server_start(svc), 0);
	ck_assert_int_eq(bindox_msg_new(&req), 0);
	ck_assert_int_eq(bindox_msg_new(&reply), 0);
	ck_assert_int_eq(bindox_call(client_conn, h, req, reply, -1), 0);
	ck_assert_int_eq(bindox_msg_read_u64(reply, &v), 0);
	ck_assert(v == 0xec0);

	ck_assert_int_eq(bindox_handle_release(client_conn, h), 0);
	bindox_server_free(svc);
	bindox_msg_free(req);
	bindox_msg_free(reply);
}
END_TEST

START_TEST(test_errors)
{
	unsigned int calls;
	uint32_t h;

	ck_assert_int_eq(bindox_service_register(service_conn, "svc", 1), 0);
	ck_assert_int_eq(bindox_service_register(client_conn, "svc", 2), -EEXIST);
	/* The refused registration's handle was released. */
	ck_assert_int_eq(coord_handles(), 1);

	ck_assert_int_eq(bindox_service_lookup(client_conn, "nope", &h, -1), -ENOENT);
	ck_assert_int_eq(bindox_service_unregister(client_conn, "nope"), -ENOENT);

	/* Invalid names never reach the driver. */
	calls = fake_driver_count_ioctls(NR(BINDOX_IOC_CALL));
	ck_assert_int_eq(bindox_service_lookup(client_conn, "bad name", &h, -1), -EINVAL);
	ck_assert_int_eq(bindox_service_register(client_conn, "", 1), -EINVAL);
	ck_assert_uint_eq(fake_driver_count_ioctls(NR(BINDOX_IOC_CALL)), calls);

	/* Only the registrant (or root in its domain) may unregister. */
	ck_assert_int_eq(bindox_service_unregister(client_conn, "svc"), -EPERM);
	ck_assert_int_eq(bindox_service_unregister(service_conn, "svc"), 0);
	ck_assert_int_eq(bindox_service_lookup(client_conn, "svc", &h, -1), -ENOENT);
	ck_assert_uint_eq(test_coordinator_count(coordinator), 0);
	ck_assert_int_eq(coord_handles(), 0);
}
END_TEST

START_TEST(test_malformed_request)
{
	BindoxMsg *req = NULL, *reply = NULL;
	struct bindox_coord_request hdr = { .op = BINDOX_COORD_LOOKUP, .name_len = 3 };
	int status;

	ck_assert_int_eq(bindox_msg_new(&req), 0);
	ck_assert_int_eq(bindox_msg_new(&reply), 0);
	/*
	 * A LOOKUP that carries a node: the driver refuses it before the
	 * Coordinator sees it, and no handle reaches the Coordinator.
	 */
	ck_assert_int_eq(bindox_msg_append_bytes(req, &hdr, sizeof(hdr)), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(req, "abc", 3), 0);
	ck_assert_int_eq(bindox_msg_append_node(req, 9), 0);
	ck_assert_int_eq(bindox_call(client_conn, BINDOX_HANDLE_COORDINATOR, req, reply, -1),
			 -EINVAL);
	ck_assert_int_eq(coord_handles(), 0);

	/* Its twin without the node reaches the Coordinator: not found. */
	bindox_msg_reset(req);
	ck_assert_int_eq(bindox_msg_append_bytes(req, &hdr, sizeof(hdr)), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(req, "abc", 3), 0);
	ck_assert_int_eq(bindox_call(client_conn, BINDOX_HANDLE_COORDINATOR, req, reply, -1), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(reply, &status, NULL), 0);
	ck_assert_int_eq(status, -ENOENT);
	ck_assert_int_eq(coord_handles(), 0);

	/*
	 * A form the driver passes but the Coordinator refuses: its own node
	 * arrives as a node, not a handle.
	 */
	ck_assert_int_eq(bindox_service_register(coord_conn, "abc", 9), -EBADMSG);
	ck_assert_int_eq(coord_handles(), 0);

	bindox_msg_free(req);
	bindox_msg_free(reply);
}
END_TEST

START_TEST(test_owner_death)
{
	BindoxConn *other = NULL;
	uint32_t h;
	int i;

	/* One node under two names, another node under a third. */
	ck_assert_int_eq(bindox_service_register(service_conn, "a.one", 1), 0);
	ck_assert_int_eq(bindox_service_register(service_conn, "a.two", 1), 0);
	ck_assert_int_eq(bindox_service_register(service_conn, "b.one", 2), 0);
	ck_assert_int_eq(bindox_service_register(client_conn, "c.client", 3), 0);
	ck_assert_uint_eq(test_coordinator_count(coordinator), 4);
	ck_assert_int_eq(coord_handles(), 3);

	/* Unregistering one of two names keeps the watch on the shared node. */
	ck_assert_int_eq(bindox_service_unregister(service_conn, "a.two"), 0);
	ck_assert_int_eq(coord_handles(), 3);

	fake_driver_kill(bindox_conn_fd(service_conn));
	for (i = 0; i < 400 && test_coordinator_count(coordinator) > 1; i++)
		sleep_ms(5);
	ck_assert_uint_eq(test_coordinator_count(coordinator), 1);
	ck_assert_int_eq(coord_handles(), 1);
	ck_assert_int_eq(bindox_service_lookup(client_conn, "a.one", &h, -1), -ENOENT);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &other), 0);
	ck_assert_int_eq(bindox_service_lookup(other, "c.client", &h, -1), 0);
	bindox_conn_close(other);
	/* Its owner gets its own node back: no handle for that. */
	ck_assert_int_eq(bindox_service_lookup(client_conn, "c.client", &h, -1), -ELOOP);
	ck_assert_int_eq(fake_driver_count_handles(bindox_conn_fd(client_conn)), 0);
}
END_TEST

static Suite *service_suite(void)
{
	Suite *s = suite_create("service");
	TCase *tc = tcase_create("fake-driver");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_register_lookup_call);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_malformed_request);
	tcase_add_test(tc, test_owner_death);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(service_suite)
