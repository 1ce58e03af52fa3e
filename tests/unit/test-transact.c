/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calls, one-way messages, receiving and REPLY_RECV against the fake driver:
 * reply capacities, EMSGSIZE growth, timeouts, reply-id reporting, dead peers
 * and death notifications. The client talks to a node of the server's, not
 * to handle 0, whose messages the driver restricts to the Coordinator
 * protocol.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <bindox/bindox.h>
#include "fake-driver.h"
#include "fake-pair.h"
#include "msg-private.h"
#include "check-main.h"

#define NR(ioc) (_IOC_NR(ioc))

#define SERVER_COOKIE 0x5e7

static BindoxConn *server_conn, *client_conn;
/* The client's handle to the server's node SERVER_COOKIE. */
static uint32_t server_handle;

static void setup(void)
{
	fake_pair_open(&server_conn, &client_conn);
	server_handle = fake_pair_handle(server_conn, client_conn, SERVER_COOKIE);
}

static void teardown(void)
{
	fake_pair_close(&server_conn, &client_conn);
}

static BindoxMsg *msg_new(void)
{
	BindoxMsg *m = NULL;

	ck_assert_int_eq(bindox_msg_new(&m), 0);
	return m;
}

/* A call running on its own thread, so that the test thread can serve it. */
typedef struct AsyncCall {
	BindoxConn *conn;
	uint32_t handle;
	BindoxMsg *req;
	BindoxMsg *reply;
	int64_t timeout_ns;
	int r;
	pthread_t thread;
} AsyncCall;

static void *async_call_run(void *p)
{
	AsyncCall *a = p;

	a->r = bindox_call(a->conn, a->handle, a->req, a->reply, a->timeout_ns);
	return NULL;
}

static void async_call_start(AsyncCall *a, BindoxConn *conn, uint32_t handle, BindoxMsg *req,
			     BindoxMsg *reply, int64_t timeout_ns)
{
	*a = (AsyncCall){ .conn = conn, .handle = handle, .req = req, .reply = reply,
			  .timeout_ns = timeout_ns };
	ck_assert_int_eq(pthread_create(&a->thread, NULL, async_call_run, a), 0);
}

static int async_call_join(AsyncCall *a)
{
	ck_assert_int_eq(pthread_join(a->thread, NULL), 0);
	return a->r;
}

START_TEST(test_version)
{
	BindoxConn *c = NULL;
	uint32_t major = 0, minor = 0;

	ck_assert_int_eq(bindox_conn_get_version(server_conn, &major, &minor), 0);
	ck_assert_uint_eq(major, BINDOX_VERSION_MAJOR);
	ck_assert_int_ge(bindox_conn_fd(server_conn), 0);

	fake_driver_set_version(BINDOX_VERSION_MAJOR + 1, 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &c), -EPROTO);
	ck_assert_ptr_null(c);

	fake_driver_set_version(BINDOX_VERSION_MAJOR, BINDOX_VERSION_MINOR + 5);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &c), 0);
	ck_assert_int_eq(bindox_conn_get_version(c, &major, &minor), 0);
	ck_assert_uint_eq(minor, BINDOX_VERSION_MINOR + 5);
	bindox_conn_close(c);
}
END_TEST

START_TEST(test_no_coordinator)
{
	BindoxMsg *m = msg_new(), *reply = msg_new();
	uint32_t h;

	fake_driver_kill(bindox_conn_fd(server_conn));
	ck_assert_int_eq(bindox_call(client_conn, BINDOX_HANDLE_COORDINATOR, m, reply, -1), -ENXIO);
	ck_assert_int_eq(bindox_send_oneway(client_conn, BINDOX_HANDLE_COORDINATOR, m), -ENXIO);
	ck_assert_int_eq(bindox_service_lookup(client_conn, "x", &h, -1), -ENXIO);
	ck_assert_int_eq(bindox_call(client_conn, 5, m, reply, -1), -EINVAL);
	ck_assert_int_eq(bindox_handle_release(client_conn, BINDOX_HANDLE_COORDINATOR), -EINVAL);
	bindox_msg_free(m);
	bindox_msg_free(reply);
}
END_TEST

START_TEST(test_call_roundtrip)
{
	BindoxMsg *req = msg_new(), *reply = msg_new(), *in = msg_new(), *out = msg_new();
	BindoxCreds creds;
	const char *s;
	uint64_t id;
	uint32_t h;
	AsyncCall a;

	fake_driver_set_creds(bindox_conn_fd(client_conn), 1234, 1000, 1001, 7);
	ck_assert_int_eq(bindox_msg_append_string(req, "ping"), 0);
	async_call_start(&a, client_conn, server_handle, req, reply, -1);

	ck_assert_int_eq(bindox_recv(server_conn, in, -1), 0);
	ck_assert_uint_eq(bindox_msg_get_type(in), BINDOX_MSG_CALL);
	ck_assert(bindox_msg_get_cookie(in) == SERVER_COOKIE);
	id = bindox_msg_get_id(in);
	ck_assert(id != 0);
	ck_assert_int_eq(bindox_msg_get_creds(in, &creds), 0);
	ck_assert_int_eq(creds.pid, 1234);
	ck_assert_uint_eq(creds.euid, 1000);
	ck_assert_uint_eq(creds.egid, 1001);
	ck_assert_uint_eq(creds.domain, 7);
	ck_assert_int_eq(bindox_msg_read_string(in, &s, NULL), 0);
	ck_assert_str_eq(s, "ping");

	ck_assert_int_eq(bindox_msg_append_string(out, "pong"), 0);
	ck_assert_int_eq(bindox_msg_append_node(out, 0xabc), 0);
	ck_assert_int_eq(bindox_reply(server_conn, id, out, in), 0);

	ck_assert_int_eq(async_call_join(&a), 0);
	ck_assert_uint_eq(bindox_msg_get_type(reply), BINDOX_MSG_REPLY);
	ck_assert_int_eq(bindox_msg_read_string(reply, &s, NULL), 0);
	ck_assert_str_eq(s, "pong");
	ck_assert_int_eq(bindox_msg_read_handle(reply, &h), 0);
	ck_assert_int_eq(bindox_msg_read_end(reply), 0);
	/* Nothing reserved: the default reply capacity is the UAPI maximum. */
	ck_assert_uint_eq(reply->cap_data, BINDOX_MAX_DATA_SIZE);
	ck_assert_uint_eq(reply->cap_offsets, BINDOX_MAX_OBJECTS);
	ck_assert_uint_eq(fake_driver_handle_refs(bindox_conn_fd(client_conn), h), 1);

	/* Calling the node arrives with its cookie. */
	async_call_start(&a, client_conn, h, req, reply, -1);
	ck_assert_int_eq(bindox_recv(server_conn, in, -1), 0);
	ck_assert(bindox_msg_get_cookie(in) == 0xabc);
	ck_assert_int_eq(bindox_reply(server_conn, bindox_msg_get_id(in), NULL, in), 0);
	ck_assert_int_eq(async_call_join(&a), 0);
	ck_assert_ptr_null(bindox_msg_get_data(reply, NULL));	/* empty reply */

	/* Handles are released one reference at a time. */
	ck_assert_int_eq(bindox_handle_release(client_conn, h), 0);
	ck_assert_int_eq(fake_driver_count_handles(bindox_conn_fd(client_conn)), 1);
	ck_assert_int_eq(bindox_handle_release(client_conn, h), -EINVAL);

	bindox_msg_free(req);
	bindox_msg_free(reply);
	bindox_msg_free(in);
	bindox_msg_free(out);
}
END_TEST

START_TEST(test_oneway_and_recv_growth)
{
	BindoxMsg *out = msg_new(), *in = msg_new();
	static uint8_t blob[10000];
	unsigned int before;
	const void *p;
	uint64_t cookie;
	size_t i;

	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)i;
	ck_assert_int_eq(bindox_msg_append_bytes(out, blob, sizeof(blob)), 0);
	ck_assert_int_eq(bindox_msg_append_node(out, 5), 0);
	ck_assert_int_eq(bindox_msg_append_node(out, 6), 0);
	ck_assert_int_eq(bindox_send_oneway(client_conn, server_handle, out), 0);

	/* A small receiver: the library grows it and receives again. */
	ck_assert_int_eq(bindox_msg_reserve(in, 16, 0), 0);
	before = fake_driver_count_ioctls(NR(BINDOX_IOC_RECV));
	ck_assert_int_eq(bindox_recv(server_conn, in, 0), 0);
	ck_assert_uint_eq(fake_driver_count_ioctls(NR(BINDOX_IOC_RECV)) - before, 2);
	ck_assert_uint_eq(bindox_msg_get_type(in), BINDOX_MSG_ONEWAY);
	ck_assert_uint_eq(bindox_msg_get_flags(in) & BINDOX_TF_ONEWAY, BINDOX_TF_ONEWAY);
	ck_assert(bindox_msg_get_id(in) == 0);
	ck_assert_int_eq(bindox_msg_read_bytes(in, sizeof(blob), &p), 0);
	ck_assert_mem_eq(p, blob, sizeof(blob));
	/* The client's nodes reach the server as handles. */
	ck_assert_int_eq(bindox_msg_read_node(in, &cookie), -EBADMSG);
	ck_assert_int_eq(bindox_msg_read_handle(in, &(uint32_t){ 0 }), 0);
	ck_assert_int_eq(bindox_msg_read_handle(in, &(uint32_t){ 0 }), 0);
	ck_assert_int_eq(bindox_msg_read_end(in), 0);
	ck_assert_uint_eq(fake_driver_count_queued(bindox_conn_fd(server_conn)), 0);

	bindox_msg_free(out);
	bindox_msg_free(in);
}
END_TEST

/*
 * A receive that has to grow its room retries within the caller's timeout:
 * with what the driver gave back as left of it (1.2 on), or, from an older
 * driver that gives nothing back, with what the library's clock says.
 */
static void recv_growth_timeout_ck(uint32_t driver_minor, bool reply_recv)
{
	BindoxMsg *out = msg_new(), *in = msg_new();
	static uint8_t blob[1000];
	FakeRecvTimeout t[FAKE_RECV_LOG];
	const int64_t timeout = 5000000000LL;

	fake_pair_close(&server_conn, &client_conn);
	fake_pair_open_minor(&server_conn, &client_conn, driver_minor);
	server_handle = fake_pair_handle(server_conn, client_conn, SERVER_COOKIE);
	ck_assert_int_eq(bindox_msg_append_bytes(out, blob, sizeof(blob)), 0);
	ck_assert_int_eq(bindox_send_oneway(client_conn, server_handle, out), 0);
	ck_assert_int_eq(bindox_msg_reserve(in, 16, 0), 0);
	fake_driver_recv_timeouts(t, FAKE_RECV_LOG);

	if (reply_recv)
		ck_assert_int_eq(bindox_reply_recv(server_conn, NULL, NULL, in, timeout), 0);
	else
		ck_assert_int_eq(bindox_recv(server_conn, in, timeout), 0);
	ck_assert_uint_eq(fake_driver_recv_timeouts(t, FAKE_RECV_LOG), 2);
	ck_assert(t[0].given == timeout);
	if (driver_minor >= 2) {
		ck_assert(t[0].left < timeout);
		ck_assert(t[1].given == t[0].left);
	} else {
		ck_assert(t[0].left == timeout);
		ck_assert(t[1].given < timeout && t[1].given > timeout - 1000000000LL);
	}
	bindox_msg_free(out);
	bindox_msg_free(in);
}

START_TEST(test_recv_growth_within_timeout)
{
	recv_growth_timeout_ck(BINDOX_VERSION_MINOR, false);
	recv_growth_timeout_ck(BINDOX_VERSION_MINOR, true);
	recv_growth_timeout_ck(1, false);
	recv_growth_timeout_ck(1, true);
}
END_TEST

/* The waiting send is a one-way SEND with the wait flag, delivered as usual. */
START_TEST(test_oneway_wait)
{
	BindoxMsg *out = msg_new(), *in = msg_new();
	uint32_t v = 0;

	ck_assert_int_eq(bindox_msg_append_u32(out, 42), 0);
	ck_assert_int_eq(bindox_send_oneway_wait(client_conn, server_handle, out), 0);
	ck_assert_int_eq(bindox_recv(server_conn, in, 0), 0);
	ck_assert_uint_eq(bindox_msg_get_type(in), BINDOX_MSG_ONEWAY);
	ck_assert_int_eq(bindox_msg_read_u32(in, &v), 0);
	ck_assert_uint_eq(v, 42);

	bindox_msg_free(out);
	bindox_msg_free(in);
}
END_TEST

START_TEST(test_recv_timeouts)
{
	BindoxMsg *in = msg_new();

	ck_assert_int_eq(bindox_msg_append_u32(in, 1), 0);
	ck_assert_int_eq(bindox_recv(server_conn, in, 0), -EAGAIN);
	ck_assert_ptr_null(bindox_msg_get_data(in, NULL));	/* content replaced */
	ck_assert_int_eq(bindox_recv(server_conn, in, 20 * 1000 * 1000), -ETIMEDOUT);
	ck_assert_int_eq(bindox_reply_recv(server_conn, NULL, NULL, in, 0), -EAGAIN);
	bindox_msg_free(in);
}
END_TEST

START_TEST(test_reply_recv_reports_reply)
{
	BindoxMsg *req = msg_new(), *reply = msg_new(), *in = msg_new(), *out = msg_new();
	const void *p;
	uint64_t id = 0;
	AsyncCall a;

	async_call_start(&a, client_conn, server_handle, req, reply, -1);
	ck_assert_int_eq(bindox_reply_recv(server_conn, &id, NULL, in, -1), 0);
	ck_assert_uint_eq(bindox_msg_get_type(in), BINDOX_MSG_CALL);
	id = bindox_msg_get_id(in);

	/* Reply goes out, the receive half finds nothing: id is 0. */
	ck_assert_int_eq(bindox_msg_append_u64(out, 99), 0);
	ck_assert_int_eq(bindox_reply_recv(server_conn, &id, out, in, 0), -EAGAIN);
	ck_assert(id == 0);
	ck_assert_int_eq(async_call_join(&a), 0);
	ck_assert_int_eq(bindox_msg_read_bytes(reply, 8, &p), 0);

	bindox_msg_free(req);
	bindox_msg_free(reply);
	bindox_msg_free(in);
	bindox_msg_free(out);
}
END_TEST

START_TEST(test_reply_too_big)
{
	BindoxMsg *req = msg_new(), *reply = msg_new(), *in = msg_new(), *out = msg_new();
	static uint8_t big[100];
	uint64_t id, id0;
	uint32_t v;
	AsyncCall a;

	/* The caller offers 8 bytes and no objects. */
	ck_assert_int_eq(bindox_msg_reserve(reply, 8, 0), 0);
	async_call_start(&a, client_conn, server_handle, req, reply, -1);
	ck_assert_int_eq(bindox_recv(server_conn, in, -1), 0);
	id = id0 = bindox_msg_get_id(in);

	ck_assert_int_eq(bindox_msg_append_bytes(out, big, sizeof(big)), 0);
	ck_assert_int_eq(bindox_reply_recv(server_conn, &id, out, in, 0), -EMSGSIZE);
	ck_assert(id == id0);	/* not sent: the caller still waits */
	ck_assert_int_eq(bindox_reply(server_conn, id, out, in), -EMSGSIZE);

	bindox_msg_reset(out);
	ck_assert_int_eq(bindox_msg_append_u32(out, 7), 0);
	ck_assert_int_eq(bindox_reply(server_conn, id, out, in), 0);
	ck_assert_int_eq(async_call_join(&a), 0);
	ck_assert_int_eq(bindox_msg_read_u32(reply, &v), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_uint_eq(reply->cap_data, 8);	/* a reserved capacity is respected */

	bindox_msg_free(req);
	bindox_msg_free(reply);
	bindox_msg_free(in);
	bindox_msg_free(out);
}
END_TEST

START_TEST(test_reply_with_queued_message)
{
	BindoxMsg *req = msg_new(), *reply = msg_new(), *in = msg_new(), *other = msg_new();
	static uint8_t big[5000];
	unsigned int before;
	uint64_t id;
	AsyncCall a;

	async_call_start(&a, client_conn, server_handle, req, reply, -1);
	ck_assert_int_eq(bindox_recv(server_conn, in, -1), 0);
	id = bindox_msg_get_id(in);

	/* A one-way message larger than @in's capacity is queued meanwhile. */
	ck_assert_int_eq(bindox_msg_append_bytes(other, big, sizeof(big)), 0);
	ck_assert_int_eq(bindox_send_oneway(client_conn, server_handle, other), 0);
	ck_assert_uint_lt(in->cap_data, sizeof(big));

	/* bindox_reply() must not lose it: it is handed back (after growing). */
	before = fake_driver_count_ioctls(NR(BINDOX_IOC_REPLY_RECV));
	ck_assert_int_eq(bindox_reply(server_conn, id, NULL, in), 1);
	ck_assert_uint_eq(fake_driver_count_ioctls(NR(BINDOX_IOC_REPLY_RECV)) - before, 2);
	ck_assert_uint_eq(bindox_msg_get_type(in), BINDOX_MSG_ONEWAY);
	ck_assert_uint_eq(in->n_data, sizeof(big));
	ck_assert_int_eq(async_call_join(&a), 0);

	bindox_msg_free(req);
	bindox_msg_free(reply);
	bindox_msg_free(in);
	bindox_msg_free(other);
}
END_TEST

START_TEST(test_call_timeout_then_late_reply)
{
	BindoxMsg *req = msg_new(), *reply = msg_new(), *in = msg_new();
	uint64_t id;

	/* Nobody answers in time. */
	ck_assert_int_eq(bindox_call(client_conn, server_handle, req, reply,
				     20 * 1000 * 1000), -ETIMEDOUT);
	ck_assert_int_eq(bindox_recv(server_conn, in, 0), 0);
	id = bindox_msg_get_id(in);
	/* A reply to a caller that gave up is dropped without error. */
	ck_assert_int_eq(bindox_reply(server_conn, id, NULL, in), 0);

	bindox_msg_free(req);
	bindox_msg_free(reply);
	bindox_msg_free(in);
}
END_TEST

START_TEST(test_dead_peer)
{
	BindoxMsg *req = msg_new(), *reply = msg_new(), *in = msg_new();
	uint32_t h = fake_pair_handle(server_conn, client_conn, 0x77);
	AsyncCall a;

	/* One subscription per handle; unsubscribing needs the cookie. */
	ck_assert_int_eq(bindox_death_subscribe(client_conn, h, 0xd2e), 0);
	ck_assert_int_eq(bindox_death_subscribe(client_conn, h, 0xd1e), -EBUSY);
	ck_assert_int_eq(bindox_death_unsubscribe(client_conn, h, 0xd1e), -EINVAL);
	ck_assert_int_eq(bindox_death_unsubscribe(client_conn, h, 0xd2e), 0);
	ck_assert_int_eq(bindox_death_unsubscribe(client_conn, h, 0xd2e), -EINVAL);
	ck_assert_int_eq(bindox_death_subscribe(client_conn, h, 0xd1e), 0);

	/* The server dies while handling the call. */
	async_call_start(&a, client_conn, h, req, reply, -1);
	ck_assert_int_eq(bindox_recv(server_conn, in, -1), 0);
	fake_driver_kill(bindox_conn_fd(server_conn));
	ck_assert_int_eq(async_call_join(&a), -BINDOX_EDEADPEER);
	ck_assert_str_eq(bindox_strerror(a.r), "peer died");

	/* Later calls fail the same way; the subscriber hears of the death. */
	ck_assert_int_eq(bindox_call(client_conn, h, req, reply, -1), -BINDOX_EDEADPEER);
	ck_assert_int_eq(bindox_recv(client_conn, in, 0), 0);
	ck_assert_uint_eq(bindox_msg_get_type(in), BINDOX_MSG_DEATH);
	ck_assert(bindox_msg_get_cookie(in) == 0xd1e);
	ck_assert_int_eq(bindox_recv(client_conn, in, 0), -EAGAIN);	/* only one */
	ck_assert_int_eq(bindox_handle_release(client_conn, h), 0);

	bindox_msg_free(req);
	bindox_msg_free(reply);
	bindox_msg_free(in);
}
END_TEST

static Suite *transact_suite(void)
{
	Suite *s = suite_create("transact");
	TCase *tc = tcase_create("fake-driver");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_no_coordinator);
	tcase_add_test(tc, test_call_roundtrip);
	tcase_add_test(tc, test_oneway_and_recv_growth);
	tcase_add_test(tc, test_oneway_wait);
	tcase_add_test(tc, test_recv_growth_within_timeout);
	tcase_add_test(tc, test_recv_timeouts);
	tcase_add_test(tc, test_reply_recv_reports_reply);
	tcase_add_test(tc, test_reply_too_big);
	tcase_add_test(tc, test_reply_with_queued_message);
	tcase_add_test(tc, test_call_timeout_then_late_reply);
	tcase_add_test(tc, test_dead_peer);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(transact_suite)
