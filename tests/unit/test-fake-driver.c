/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fake driver answers as <linux/bindox.h> says the driver does: one
 * test per rule that the library tests rely on, each with the twin that
 * shows the same request is accepted where the rule does not apply. The
 * requests are raw ioctls, so that the library's own checks stay out of
 * the way.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <bindox/bindox.h>
#include "conn-private.h"
#include "fake-driver.h"
#include "fake-pair.h"
#include "check-main.h"

#define SERVER_COOKIE 0x5e7

static BindoxConn *server_conn, *client_conn;
static int server_fd, client_fd;
/* The client's handle to the server's node SERVER_COOKIE. */
static uint32_t server_handle;

static void setup(void)
{
	fake_pair_open(&server_conn, &client_conn);
	server_fd = bindox_conn_fd(server_conn);
	client_fd = bindox_conn_fd(client_conn);
	server_handle = fake_pair_handle(server_conn, client_conn, SERVER_COOKIE);
}

static void teardown(void)
{
	fake_pair_close(&server_conn, &client_conn);
}

/* A message being built: data and object offsets. */
typedef struct Payload {
	uint8_t data[512];
	uint64_t offsets[4];
	uint32_t size;
	uint32_t n_offsets;
} Payload;

static void payload_bytes(Payload *pl, const void *p, uint32_t n)
{
	memcpy(pl->data + pl->size, p, n);
	pl->size += n;
}

static void payload_node(Payload *pl, uint64_t cookie)
{
	struct bindox_object obj = { .type = BINDOX_OBJ_NODE, .value = cookie };

	pl->size = (pl->size + BINDOX_OBJECT_ALIGN - 1) & ~(BINDOX_OBJECT_ALIGN - 1);
	pl->offsets[pl->n_offsets++] = pl->size;
	payload_bytes(pl, &obj, sizeof(obj));
}

/* A Coordinator request: header and name (REGISTER: and a node). */
static void payload_coord(Payload *pl, uint32_t op, const char *name)
{
	struct bindox_coord_request req = { .op = op, .name_len = (uint32_t)strlen(name) };

	memset(pl, 0, sizeof(*pl));
	payload_bytes(pl, &req, sizeof(req));
	payload_bytes(pl, name, req.name_len);
	if (op == BINDOX_COORD_REGISTER)
		payload_node(pl, 42);
}

static struct bindox_payload payload_uapi(const Payload *pl)
{
	return (struct bindox_payload){
		.data_ptr = (uintptr_t)pl->data,
		.offsets_ptr = (uintptr_t)pl->offsets,
		.data_size = pl->size,
		.offsets_count = pl->n_offsets,
	};
}

/* BINDOX_IOC_CALL with a reply buffer of the UAPI's maximum size. */
static int raw_call(int fd, uint32_t handle, uint32_t flags, const Payload *pl, int64_t timeout_ns)
{
	static uint8_t reply_data[BINDOX_MAX_DATA_SIZE];
	static uint64_t reply_offsets[BINDOX_MAX_OBJECTS];
	struct bindox_call_args a = {
		.tx = { .handle = handle, .flags = flags, .payload = payload_uapi(pl) },
		.reply.payload = {
			.data_ptr = (uintptr_t)reply_data,
			.offsets_ptr = (uintptr_t)reply_offsets,
			.data_size = BINDOX_MAX_DATA_SIZE,
			.offsets_count = BINDOX_MAX_OBJECTS,
		},
		.timeout_ns = timeout_ns,
	};

	return bindox_conn_ioctl(fd, BINDOX_IOC_CALL, &a);
}

static int raw_send(int fd, uint32_t handle, uint32_t flags, const Payload *pl)
{
	struct bindox_transaction tx = { .handle = handle, .flags = flags,
					 .payload = payload_uapi(pl) };

	return bindox_conn_ioctl(fd, BINDOX_IOC_SEND, &tx);
}

/* BINDOX_IOC_RECV into a buffer that fits anything; the message's type. */
static int raw_recv(int fd, int64_t timeout_ns, uint32_t *type)
{
	static uint8_t data[BINDOX_MAX_DATA_SIZE];
	static uint64_t offsets[BINDOX_MAX_OBJECTS];
	struct bindox_recv_args a = {
		.msg.payload = {
			.data_ptr = (uintptr_t)data,
			.offsets_ptr = (uintptr_t)offsets,
			.data_size = BINDOX_MAX_DATA_SIZE,
			.offsets_count = BINDOX_MAX_OBJECTS,
		},
		.timeout_ns = timeout_ns,
	};
	int r = bindox_conn_ioctl(fd, BINDOX_IOC_RECV, &a);

	if (r == 0 && type)
		*type = a.msg.type;
	return r;
}

/*
 * A call to handle 0 must be a Coordinator request (EINVAL otherwise), as
 * bindox_coordinator_check_request() checks. A call that passes is sent
 * and, with timeout 0, abandoned at once (ETIMEDOUT) but queued.
 */
START_TEST(test_coordinator_calls_have_the_protocol_form)
{
	Payload pl;
	uint32_t type;

	/* Empty. */
	memset(&pl, 0, sizeof(pl));
	ck_assert_int_eq(raw_call(client_fd, BINDOX_HANDLE_COORDINATOR, 0, &pl, 0), -EINVAL);
	/* An unknown op, an invalid name, a LOOKUP with a node, a REGISTER without. */
	payload_coord(&pl, 9, "svc");
	ck_assert_int_eq(raw_call(client_fd, BINDOX_HANDLE_COORDINATOR, 0, &pl, 0), -EINVAL);
	payload_coord(&pl, BINDOX_COORD_LOOKUP, "s/c");
	ck_assert_int_eq(raw_call(client_fd, BINDOX_HANDLE_COORDINATOR, 0, &pl, 0), -EINVAL);
	payload_coord(&pl, BINDOX_COORD_LOOKUP, "svc");
	payload_node(&pl, 1);
	ck_assert_int_eq(raw_call(client_fd, BINDOX_HANDLE_COORDINATOR, 0, &pl, 0), -EINVAL);
	payload_coord(&pl, BINDOX_COORD_REGISTER, "svc");
	pl.n_offsets = 0;
	ck_assert_int_eq(raw_call(client_fd, BINDOX_HANDLE_COORDINATOR, 0, &pl, 0), -EINVAL);
	ck_assert_uint_eq(fake_driver_count_queued(server_fd), 0);

	/* The twins: well-formed requests reach the Coordinator. */
	payload_coord(&pl, BINDOX_COORD_LOOKUP, "svc");
	ck_assert_int_eq(raw_call(client_fd, BINDOX_HANDLE_COORDINATOR, 0, &pl, 0), -ETIMEDOUT);
	payload_coord(&pl, BINDOX_COORD_REGISTER, "svc");
	ck_assert_int_eq(raw_call(client_fd, BINDOX_HANDLE_COORDINATOR, 0, &pl, 0), -ETIMEDOUT);
	ck_assert_uint_eq(fake_driver_count_queued(server_fd), 2);
	ck_assert_int_eq(raw_recv(server_fd, 0, &type), 0);
	ck_assert_uint_eq(type, BINDOX_MSG_CALL);

	/* The empty call the Coordinator refuses goes to any other node. */
	memset(&pl, 0, sizeof(pl));
	ck_assert_int_eq(raw_call(client_fd, server_handle, 0, &pl, 0), -ETIMEDOUT);
}
END_TEST

/* One-way messages never reach the Coordinator, even well-formed ones. */
START_TEST(test_no_oneway_to_coordinator)
{
	Payload pl;
	uint32_t type;

	payload_coord(&pl, BINDOX_COORD_LOOKUP, "svc");
	ck_assert_int_eq(raw_send(client_fd, BINDOX_HANDLE_COORDINATOR, BINDOX_TF_ONEWAY, &pl),
			 -EINVAL);
	ck_assert_uint_eq(fake_driver_count_queued(server_fd), 0);

	/* Twin: the same message to a node of the same process is queued. */
	ck_assert_int_eq(raw_send(client_fd, server_handle, BINDOX_TF_ONEWAY, &pl), 0);
	ck_assert_int_eq(raw_recv(server_fd, 0, &type), 0);
	ck_assert_uint_eq(type, BINDOX_MSG_ONEWAY);
}
END_TEST

/* CALL's flags must be 0, SEND's BINDOX_TF_ONEWAY (| BINDOX_TF_WAIT_ROOM). */
START_TEST(test_unknown_transaction_flags)
{
	Payload pl = { 0 };

	ck_assert_int_eq(raw_call(client_fd, server_handle, BINDOX_TF_ONEWAY, &pl, 0), -EINVAL);
	ck_assert_int_eq(raw_call(client_fd, server_handle, 1U << 1, &pl, 0), -EINVAL);
	ck_assert_int_eq(raw_call(client_fd, server_handle, 1U << 31, &pl, 0), -EINVAL);
	ck_assert_int_eq(raw_send(client_fd, server_handle, 0, &pl), -EINVAL);
	ck_assert_int_eq(raw_send(client_fd, server_handle, BINDOX_TF_WAIT_ROOM, &pl), -EINVAL);
	ck_assert_int_eq(raw_send(client_fd, server_handle, BINDOX_TF_ONEWAY | 1U << 2, &pl),
			 -EINVAL);
	ck_assert_uint_eq(fake_driver_count_queued(server_fd), 0);

	/* Twins. */
	ck_assert_int_eq(raw_call(client_fd, server_handle, 0, &pl, 0), -ETIMEDOUT);
	ck_assert_int_eq(raw_send(client_fd, server_handle, BINDOX_TF_ONEWAY, &pl), 0);
	ck_assert_int_eq(raw_send(client_fd, server_handle,
				  BINDOX_TF_ONEWAY | BINDOX_TF_WAIT_ROOM, &pl), 0);
	ck_assert_uint_eq(fake_driver_count_queued(server_fd), 3);
}
END_TEST

/* One Coordinator: a second claim fails with EBUSY, by anybody. */
START_TEST(test_one_coordinator_claim)
{
	BindoxConn *other = NULL;
	uint64_t flags = 0;

	ck_assert_int_eq(bindox_conn_ioctl(server_fd, BINDOX_IOC_SET_COORDINATOR, &flags), -EBUSY);
	ck_assert_int_eq(bindox_conn_ioctl(client_fd, BINDOX_IOC_SET_COORDINATOR, &flags), -EBUSY);
	flags = 1;
	ck_assert_int_eq(bindox_conn_ioctl(client_fd, BINDOX_IOC_SET_COORDINATOR, &flags), -EINVAL);

	/* Twin: once the Coordinator is gone, the place is free again. */
	fake_driver_kill(server_fd);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &other), 0);
	ck_assert_int_eq(bindox_conn_become_coordinator(other), 0);
	bindox_conn_close(other);
}
END_TEST

/* A claim by a process that already has a node with cookie 0: EEXIST. */
START_TEST(test_coordinator_claim_cookie_taken)
{
	BindoxConn *other = NULL;
	uint64_t flags = 0;
	Payload pl = { 0 };

	/* The client's node 0 comes to life when it is first sent. */
	payload_node(&pl, 0);
	ck_assert_int_eq(raw_send(client_fd, server_handle, BINDOX_TF_ONEWAY, &pl), 0);
	fake_driver_kill(server_fd);
	ck_assert_int_eq(bindox_conn_ioctl(client_fd, BINDOX_IOC_SET_COORDINATOR, &flags), -EEXIST);

	/* Twin: a process without node 0 may claim the free place. */
	ck_assert_int_eq(bindox_conn_open("/dev/null", &other), 0);
	ck_assert_int_eq(bindox_conn_ioctl(bindox_conn_fd(other), BINDOX_IOC_SET_COORDINATOR,
					   &flags), 0);
	bindox_conn_close(other);
}
END_TEST

/* Data or objects over the limits: E2BIG (EMSGSIZE is for capacities). */
START_TEST(test_limits_are_e2big)
{
	static uint8_t data[BINDOX_MAX_DATA_SIZE + 1];
	static uint64_t offsets[BINDOX_MAX_OBJECTS + 1];
	struct bindox_transaction tx = {
		.handle = server_handle,
		.flags = BINDOX_TF_ONEWAY,
		.payload = { .data_ptr = (uintptr_t)data, .offsets_ptr = (uintptr_t)offsets },
	};

	tx.payload.data_size = BINDOX_MAX_DATA_SIZE + 1;
	ck_assert_int_eq(bindox_conn_ioctl(client_fd, BINDOX_IOC_SEND, &tx), -E2BIG);
	tx.payload.data_size = 0;
	tx.payload.offsets_count = BINDOX_MAX_OBJECTS + 1;
	ck_assert_int_eq(bindox_conn_ioctl(client_fd, BINDOX_IOC_SEND, &tx), -E2BIG);
	ck_assert_uint_eq(fake_driver_count_queued(server_fd), 0);

	/* Twin: exactly the limit goes through. */
	tx.payload.offsets_count = 0;
	tx.payload.data_size = BINDOX_MAX_DATA_SIZE;
	ck_assert_int_eq(bindox_conn_ioctl(client_fd, BINDOX_IOC_SEND, &tx), 0);
	ck_assert_uint_eq(fake_driver_count_queued(server_fd), 1);
}
END_TEST

/* Timeout 0: a receive fails with EAGAIN, a call with ETIMEDOUT. */
START_TEST(test_zero_timeout)
{
	Payload pl = { 0 };

	ck_assert_int_eq(raw_recv(server_fd, 0, NULL), -EAGAIN);
	ck_assert_int_eq(raw_call(client_fd, server_handle, 0, &pl, 0), -ETIMEDOUT);
	/* Twin: with the message queued, the receive takes it. */
	ck_assert_int_eq(raw_recv(server_fd, 0, NULL), 0);
}
END_TEST

typedef struct Blocked {
	pthread_t thread;
	int fd;
	uint32_t handle;
	bool call;	/* else receive */
	int r;
} Blocked;

static void *blocked_run(void *p)
{
	Blocked *b = p;
	Payload pl = { 0 };

	b->r = b->call ? raw_call(b->fd, b->handle, 0, &pl, -1) : raw_recv(b->fd, -1, NULL);
	return NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * A killed process (its domain removed by force): its waiting receive and
 * every later ioctl fail with ENODEV, its waiting call with
 * BINDOX_EDEADPEER; never EBADF or ENOTTY.
 */
START_TEST(test_killed_process)
{
	Blocked recv = { .fd = server_fd };
	Blocked call = { .fd = client_fd, .handle = server_handle, .call = true };
	Payload pl = { 0 };

	/* The server waits to receive, the client in a call to the server. */
	ck_assert_int_eq(pthread_create(&recv.thread, NULL, blocked_run, &recv), 0);
	sleep_ms(20);
	ck_assert_int_eq(pthread_create(&call.thread, NULL, blocked_run, &call), 0);
	ck_assert_int_eq(pthread_join(recv.thread, NULL), 0);
	ck_assert_int_eq(recv.r, 0);	/* twin: alive, it receives the call */

	/* The caller is killed while its call waits for the reply. */
	fake_driver_kill(client_fd);
	ck_assert_int_eq(pthread_join(call.thread, NULL), 0);
	ck_assert_int_eq(call.r, -BINDOX_EDEADPEER);

	/* The server is killed while it waits for the next message. */
	recv.r = 1;
	ck_assert_int_eq(pthread_create(&recv.thread, NULL, blocked_run, &recv), 0);
	sleep_ms(20);
	fake_driver_kill(server_fd);
	ck_assert_int_eq(pthread_join(recv.thread, NULL), 0);
	ck_assert_int_eq(recv.r, -ENODEV);

	ck_assert_int_eq(raw_recv(server_fd, 0, NULL), -ENODEV);
	ck_assert_int_eq(raw_call(server_fd, 1, 0, &pl, 0), -ENODEV);
	ck_assert_int_eq(raw_send(client_fd, server_handle, BINDOX_TF_ONEWAY, &pl), -ENODEV);
	ck_assert_int_eq(bindox_conn_ioctl(client_fd, BINDOX_IOC_HANDLE_RELEASE,
					   &(struct bindox_handle_args){ .handle = server_handle }),
			 -ENODEV);
}
END_TEST

/* Calls to a node whose owner died fail with BINDOX_EDEADPEER. */
START_TEST(test_dead_peer_is_edeadpeer)
{
	Payload pl = { 0 };

	ck_assert_int_eq(raw_call(client_fd, server_handle, 0, &pl, 0), -ETIMEDOUT);
	fake_driver_kill(server_fd);
	ck_assert_int_eq(raw_call(client_fd, server_handle, 0, &pl, 0), -BINDOX_EDEADPEER);
	ck_assert_int_eq(raw_send(client_fd, server_handle, BINDOX_TF_ONEWAY, &pl),
			 -BINDOX_EDEADPEER);
	/* Without a Coordinator, handle 0 is ENXIO. */
	payload_coord(&pl, BINDOX_COORD_LOOKUP, "svc");
	ck_assert_int_eq(raw_call(client_fd, BINDOX_HANDLE_COORDINATOR, 0, &pl, 0), -ENXIO);
}
END_TEST

static Suite *fake_driver_suite(void)
{
	Suite *s = suite_create("fake-driver");
	TCase *tc = tcase_create("uapi");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_coordinator_calls_have_the_protocol_form);
	tcase_add_test(tc, test_no_oneway_to_coordinator);
	tcase_add_test(tc, test_unknown_transaction_flags);
	tcase_add_test(tc, test_one_coordinator_claim);
	tcase_add_test(tc, test_coordinator_claim_cookie_taken);
	tcase_add_test(tc, test_limits_are_e2big);
	tcase_add_test(tc, test_zero_timeout);
	tcase_add_test(tc, test_killed_process);
	tcase_add_test(tc, test_dead_peer_is_edeadpeer);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(fake_driver_suite)
