/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BindoxServer against the fake driver: concurrent calls on several
 * threads, handler errors and refused replies answered with an empty reply,
 * one-way and death dispatch, stop latency, restart, and error reporting.
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <bindox/bindox.h>
#include "fake-driver.h"
#include "fake-pair.h"
#include "check-main.h"

static BindoxConn *server_conn, *client_conn;
/* The client's handle to the server's node (handle 0 takes only Coordinator requests). */
static uint32_t server_handle;

typedef struct Ctx {
	BindoxServer *server;
	atomic_int calls;
	atomic_int oneways;
	atomic_int deaths;
	atomic_int stop_result;
	atomic_uint_fast64_t last_death_cookie;
	int sleep_ms;
} Ctx;

static void setup(void)
{
	fake_pair_open(&server_conn, &client_conn);
	server_handle = fake_pair_handle(server_conn, client_conn, 1);
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

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum {
	OP_ADD = 1,	/* u32 a, u32 b -> u32 a + b */
	OP_FAIL = 2,	/* handler returns -EIO after writing a reply */
	OP_BIG = 3,	/* 100 bytes of reply */
	OP_BAD_HANDLE = 4, /* a reply with a handle the server does not have */
	OP_STOP_SELF = 5, /* handler calls bindox_server_stop() on its own server */
	OP_SLOW = 6,	/* sleeps, then answers 1 */
};

static int handler(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	static const uint8_t big[100];
	Ctx *ctx = userdata;
	struct bindox_object obj;
	uint32_t op, a, b;
	int r;

	switch (bindox_msg_get_type(request)) {
	case BINDOX_MSG_ONEWAY:
		ck_assert_ptr_null(reply);
		atomic_fetch_add(&ctx->oneways, 1);
		/* A node sent along: watch it. */
		if (bindox_msg_read_object(request, &obj) == 0 && obj.type == BINDOX_OBJ_HANDLE)
			ck_assert_int_eq(bindox_death_subscribe(server_conn, (uint32_t)obj.value,
								0x5eed), 0);
		return 0;
	case BINDOX_MSG_DEATH:
		ck_assert_ptr_null(reply);
		atomic_store(&ctx->last_death_cookie, bindox_msg_get_cookie(request));
		atomic_fetch_add(&ctx->deaths, 1);
		return 0;
	case BINDOX_MSG_CALL:
		break;
	default:
		return -EBADMSG;
	}

	ck_assert_ptr_nonnull(reply);
	ck_assert_ptr_null(bindox_msg_get_data(reply, NULL));	/* empty on entry */
	atomic_fetch_add(&ctx->calls, 1);
	r = bindox_msg_read_u32(request, &op);
	if (r < 0)
		return r;

	switch (op) {
	case OP_ADD:
		r = bindox_msg_read_u32(request, &a);
		if (r >= 0)
			r = bindox_msg_read_u32(request, &b);
		if (r >= 0)
			r = bindox_msg_append_u32(reply, a + b);
		return r;
	case OP_FAIL:
		(void)bindox_msg_append_u32(reply, 123);
		return -EIO;
	case OP_BIG:
		return bindox_msg_append_bytes(reply, big, sizeof(big));
	case OP_BAD_HANDLE:
		return bindox_msg_append_handle(reply, 60);
	case OP_STOP_SELF:
		atomic_store(&ctx->stop_result, bindox_server_stop(ctx->server));
		return bindox_msg_append_u32(reply, 1);
	case OP_SLOW:
		sleep_ms(ctx->sleep_ms);
		return bindox_msg_append_u32(reply, 1);
	default:
		return -EOPNOTSUPP;
	}
}

static Ctx *ctx_new(unsigned int n_threads)
{
	Ctx *ctx = calloc(1, sizeof(*ctx));

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(bindox_server_new(server_conn, n_threads, handler, ctx, &ctx->server), 0);
	ck_assert_int_eq(bindox_server_start(ctx->server), 0);
	return ctx;
}

static void ctx_free(Ctx *ctx)
{
	ck_assert_int_eq(bindox_server_stop(ctx->server), 0);
	bindox_server_free(ctx->server);
	free(ctx);
}

/* Call op on the server; returns the reply's data size. */
static size_t call_op(uint32_t op, BindoxMsg *reply, int expect)
{
	BindoxMsg *req = msg_new();
	size_t size;

	ck_assert_int_eq(bindox_msg_append_u32(req, op), 0);
	ck_assert_int_eq(bindox_call(client_conn, server_handle, req, reply, -1),
			 expect);
	bindox_msg_get_data(reply, &size);
	bindox_msg_free(req);
	return size;
}

typedef struct Caller {
	pthread_t thread;
	uint32_t base;
	int failures;
} Caller;

static void *caller_run(void *p)
{
	BindoxMsg *req = NULL, *reply = NULL;
	Caller *c = p;
	uint32_t i, sum;

	if (bindox_msg_new(&req) < 0 || bindox_msg_new(&reply) < 0)
		abort();
	if (bindox_msg_reserve(reply, 64, 1) < 0)
		abort();
	for (i = 0; i < 200; i++) {
		bindox_msg_reset(req);
		if (bindox_msg_append_u32(req, OP_ADD) < 0 ||
		    bindox_msg_append_u32(req, c->base) < 0 || bindox_msg_append_u32(req, i) < 0)
			abort();
		if (bindox_call(client_conn, server_handle, req, reply, -1) < 0 ||
		    bindox_msg_read_u32(reply, &sum) < 0 || sum != c->base + i)
			c->failures++;
	}
	bindox_msg_free(req);
	bindox_msg_free(reply);
	return NULL;
}

START_TEST(test_concurrent_calls)
{
	Ctx *ctx = ctx_new(4);
	Caller callers[6];
	size_t i;

	for (i = 0; i < 6; i++) {
		callers[i] = (Caller){ .base = (uint32_t)(i * 100000) };
		ck_assert_int_eq(pthread_create(&callers[i].thread, NULL, caller_run, &callers[i]), 0);
	}
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(pthread_join(callers[i].thread, NULL), 0);
		ck_assert_int_eq(callers[i].failures, 0);
	}
	ck_assert_int_eq(atomic_load(&ctx->calls), 6 * 200);
	ctx_free(ctx);
}
END_TEST

START_TEST(test_errors_give_empty_reply)
{
	BindoxMsg *reply = msg_new();
	Ctx *ctx = ctx_new(1);

	ck_assert_int_eq(bindox_msg_reserve(reply, 8, 0), 0);
	/* Handler failure: what it wrote is discarded. */
	ck_assert_uint_eq(call_op(OP_FAIL, reply, 0), 0);
	/* Reply too large for the caller's 8 bytes. */
	ck_assert_uint_eq(call_op(OP_BIG, reply, 0), 0);
	/* Reply the driver refuses (a handle the server does not hold). */
	bindox_msg_free(reply);
	reply = msg_new();
	ck_assert_uint_eq(call_op(OP_BAD_HANDLE, reply, 0), 0);
	ck_assert_uint_eq(bindox_msg_get_n_objects(reply), 0);
	/* Unknown op, and a request that is not even an op. */
	ck_assert_uint_eq(call_op(99, reply, 0), 0);
	/* The server still works. */
	ck_assert_uint_eq(call_op(OP_SLOW, reply, 0), 4);

	bindox_msg_free(reply);
	ctx_free(ctx);
}
END_TEST

START_TEST(test_oneway_and_death)
{
	BindoxMsg *m = msg_new();
	BindoxConn *peer = NULL;
	uint32_t peer_handle;
	Ctx *ctx;
	int i;

	ck_assert_int_eq(bindox_conn_open("/dev/null", &peer), 0);
	peer_handle = fake_pair_handle(server_conn, peer, 1);
	ctx = ctx_new(2);
	ck_assert_int_eq(bindox_msg_append_node(m, 0xbeef), 0);
	ck_assert_int_eq(bindox_send_oneway(peer, peer_handle, m), 0);
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_send_oneway(client_conn, server_handle, m), 0);

	for (i = 0; i < 200 && atomic_load(&ctx->oneways) < 2; i++)
		sleep_ms(5);
	ck_assert_int_eq(atomic_load(&ctx->oneways), 2);

	fake_driver_kill(bindox_conn_fd(peer));
	for (i = 0; i < 200 && atomic_load(&ctx->deaths) < 1; i++)
		sleep_ms(5);
	ck_assert_int_eq(atomic_load(&ctx->deaths), 1);
	ck_assert(atomic_load(&ctx->last_death_cookie) == 0x5eed);
	ck_assert_int_eq(atomic_load(&ctx->calls), 0);

	bindox_conn_close(peer);
	bindox_msg_free(m);
	ctx_free(ctx);
}
END_TEST

START_TEST(test_stop_latency_and_restart)
{
	BindoxMsg *reply = msg_new();
	Ctx *ctx = ctx_new(8);
	int64_t t0;

	sleep_ms(10);
	t0 = now_ms();
	ck_assert_int_eq(bindox_server_stop(ctx->server), 0);
	/* Workers poll every BINDOX_SERVER_POLL_NS (100 ms). */
	ck_assert_int_lt(now_ms() - t0, 1000);
	ck_assert_int_eq(bindox_server_stop(ctx->server), 0);	/* idempotent */

	/* Restart: served again. */
	ck_assert_int_eq(bindox_server_start(ctx->server), 0);
	ck_assert_int_eq(bindox_server_start(ctx->server), -EALREADY);
	ck_assert_uint_eq(call_op(OP_SLOW, reply, 0), 4);

	bindox_msg_free(reply);
	ctx_free(ctx);
}
END_TEST

typedef struct SlowCall {
	pthread_t thread;
	BindoxMsg *reply;
	size_t size;
} SlowCall;

static void *slow_call_run(void *p)
{
	SlowCall *sc = p;

	sc->size = call_op(OP_SLOW, sc->reply, 0);
	return NULL;
}

START_TEST(test_stop_flushes_pending_reply)
{
	SlowCall sc = { .reply = msg_new() };
	Ctx *ctx = ctx_new(1);
	int i;

	ctx->sleep_ms = 200;
	ck_assert_int_eq(pthread_create(&sc.thread, NULL, slow_call_run, &sc), 0);
	for (i = 0; i < 200 && atomic_load(&ctx->calls) < 1; i++)
		sleep_ms(2);
	/* Stop while the handler runs: the reply must still go out. */
	ck_assert_int_eq(bindox_server_stop(ctx->server), 0);
	ck_assert_int_eq(pthread_join(sc.thread, NULL), 0);
	ck_assert_uint_eq(sc.size, 4);

	bindox_msg_free(sc.reply);
	bindox_server_free(ctx->server);
	free(ctx);
}
END_TEST

START_TEST(test_stop_from_handler)
{
	BindoxMsg *reply = msg_new();
	Ctx *ctx = ctx_new(1);

	ck_assert_uint_eq(call_op(OP_STOP_SELF, reply, 0), 4);
	ck_assert_int_eq(atomic_load(&ctx->stop_result), -EDEADLK);

	bindox_msg_free(reply);
	ctx_free(ctx);
}
END_TEST

START_TEST(test_fatal_error_reported)
{
	Ctx *ctx = ctx_new(2);
	int r;

	/*
	 * The driver ends the process's file (as when its domain is removed
	 * by force): a worker waiting in the driver and every later ioctl fail
	 * with ENODEV. The workers exit and stop reports that error.
	 */
	fake_driver_kill(bindox_conn_fd(server_conn));
	sleep_ms(300);
	r = bindox_server_stop(ctx->server);
	ck_assert_int_eq(r, -ENODEV);
	ck_assert_int_eq(bindox_server_stop(ctx->server), 0);
	bindox_server_free(ctx->server);
	free(ctx);
}
END_TEST

static Suite *server_suite(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("fake-driver");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_concurrent_calls);
	tcase_add_test(tc, test_errors_give_empty_reply);
	tcase_add_test(tc, test_oneway_and_death);
	tcase_add_test(tc, test_stop_latency_and_restart);
	tcase_add_test(tc, test_stop_flushes_pending_reply);
	tcase_add_test(tc, test_stop_from_handler);
	tcase_add_test(tc, test_fatal_error_reported);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(server_suite)
