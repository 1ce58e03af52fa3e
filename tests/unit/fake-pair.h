/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The usual fixture of the fake-driver tests: a fresh fake driver, a
 * connection that is the Coordinator (the "server") and a client
 * connection. For Check's checked fixtures.
 *
 * The driver only lets calls of the Coordinator protocol's form reach
 * handle 0, so tests that want to talk to the server freely get a handle
 * to one of its nodes first, as real clients do: fake_pair_handle().
 */

#include <check.h>
#include <pthread.h>
#include <bindox/bindox.h>
#include "fake-driver.h"

/* With a driver that says it is of minor version @minor. */
static inline void fake_pair_open_minor(BindoxConn **server, BindoxConn **client,
					uint32_t minor)
{
	fake_driver_reset();
	fake_driver_set_version(BINDOX_VERSION_MAJOR, minor);
	ck_assert_int_eq(bindox_conn_open("/dev/null", server), 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", client), 0);
	ck_assert_int_eq(bindox_conn_become_coordinator(*server), 0);
}

static inline void fake_pair_open(BindoxConn **server, BindoxConn **client)
{
	fake_pair_open_minor(server, client, BINDOX_VERSION_MINOR);
}

static inline void fake_pair_close(BindoxConn **server, BindoxConn **client)
{
	fake_driver_reset();
	*server = bindox_conn_close(*server);
	*client = bindox_conn_close(*client);
}

/* A new empty message, asserted. */
static inline BindoxMsg *fake_msg_new_ck(void)
{
	BindoxMsg *m = NULL;

	ck_assert_int_eq(bindox_msg_new(&m), 0);
	return m;
}

typedef struct FakeLookup {
	BindoxConn *client;
	uint32_t handle;
	int r;
} FakeLookup;

static inline void *fake_lookup_run(void *p)
{
	FakeLookup *l = p;

	l->r = bindox_service_lookup(l->client, "fake.server", &l->handle, -1);
	return NULL;
}

/*
 * The client looks a service up; the server, as the Coordinator, answers
 * with its node @cookie. Returns the client's handle to that node: calls to
 * it arrive at @server with @cookie. @server must not be served by another
 * thread meanwhile.
 */
static inline uint32_t fake_pair_handle(BindoxConn *server, BindoxConn *client, uint64_t cookie)
{
	BindoxMsg *in = fake_msg_new_ck(), *out = fake_msg_new_ck();
	FakeLookup l = { .client = client };
	char name[BINDOX_NAME_BUF_SIZE];
	uint32_t op, node;
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, fake_lookup_run, &l), 0);
	ck_assert_int_eq(bindox_recv(server, in, -1), 0);
	ck_assert_int_eq(bindox_coord_request_parse(in, &op, name, sizeof(name), &node), 0);
	ck_assert_uint_eq(op, BINDOX_COORD_LOOKUP);
	ck_assert_int_eq(bindox_coord_reply_build(out, 0), 0);
	ck_assert_int_eq(bindox_msg_append_node(out, cookie), 0);
	ck_assert_int_eq(bindox_reply(server, bindox_msg_get_id(in), out, in), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(l.r, 0);
	bindox_msg_free(in);
	bindox_msg_free(out);
	return l.handle;
}

/*
 * The fixture of the buffer tests: fake_pair_open(), the client's handle
 * to the server's node 1 (returned), no buffer quota, mmap working.
 */
static inline uint32_t fake_pair_open_buffers(BindoxConn **server, BindoxConn **client)
{
	fake_pair_open(server, client);
	fake_driver_set_buffer_quota(UINT64_MAX);
	fake_driver_fail_mmap(0);
	return fake_pair_handle(*server, *client, 1);
}

/* A call made by a thread of its own, while the test serves it. */
typedef struct FakeCaller {
	BindoxConn *conn;
	uint32_t handle;
	BindoxMsg *req, *reply;
	int r;
	pthread_t thread;
} FakeCaller;

static inline void *fake_caller_run(void *arg)
{
	FakeCaller *c = arg;

	c->r = bindox_call(c->conn, c->handle, c->req, c->reply, -1);
	return NULL;
}

/* Start calling @handle on @conn with @c->req (messages made here). */
static inline void fake_caller_start(FakeCaller *c, BindoxConn *conn, uint32_t handle)
{
	c->conn = conn;
	c->handle = handle;
	if (!c->req)
		c->req = fake_msg_new_ck();
	if (!c->reply)
		c->reply = fake_msg_new_ck();
	ck_assert_int_eq(pthread_create(&c->thread, NULL, fake_caller_run, c), 0);
}

/* Wait for the call; its result. */
static inline int fake_caller_join(FakeCaller *c)
{
	ck_assert_int_eq(pthread_join(c->thread, NULL), 0);
	return c->r;
}

/* Free the messages. */
static inline void fake_caller_free(FakeCaller *c)
{
	c->req = bindox_msg_free(c->req);
	c->reply = bindox_msg_free(c->reply);
}
