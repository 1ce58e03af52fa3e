/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbindox's BindoxServer answers every call, on the real driver: when the
 * handler fails, and when the driver refuses the handler's reply (larger
 * than the caller's capacity: EMSGSIZE; a handle the server does not hold:
 * EINVAL), the caller gets the empty reply that <bindox/server.h> promises
 * instead of waiting for ever. Each refusal has its twin, the same call
 * answered in full, and the server keeps serving. And a server whose file
 * the driver ends (its domain removed by force) stops and reports ENODEV.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

#define COOKIE 0x5e4e7ULL

enum {
	OP_ECHO = 1,	/* u32 n -> n bytes */
	OP_FAIL = 2,	/* writes a reply, then fails with -EIO */
	OP_HANDLE = 3,	/* u32 handle -> that handle as an object */
};

static int handler(void *userdata, BindoxMsg *req, BindoxMsg *reply)
{
	static const uint8_t bytes[64];
	atomic_uint *calls = userdata;
	uint32_t op, arg;
	int r;

	if (bindox_msg_get_type(req) != BINDOX_MSG_CALL)
		return 0;
	atomic_fetch_add(calls, 1);
	r = bindox_msg_read_u32(req, &op);
	if (r == 0)
		r = bindox_msg_read_u32(req, &arg);
	if (r < 0)
		return r;
	switch (op) {
	case OP_ECHO:
		return bindox_msg_append_bytes(reply, bytes, arg < sizeof(bytes) ? arg : sizeof(bytes));
	case OP_FAIL:
		(void)bindox_msg_append_u32(reply, 1);
		return -EIO;
	case OP_HANDLE:
		return bindox_msg_append_handle(reply, arg);
	default:
		return -EOPNOTSUPP;
	}
}

/* Call @op(@arg); the reply's data bytes and objects. */
static void call_ck(BindoxConn *cli, uint32_t h, BindoxMsg *reply, uint32_t op, uint32_t arg,
		    size_t *size, size_t *n_objects)
{
	BindoxMsg *req = NULL;

	BXT_OK(bindox_msg_new(&req));
	BXT_OK(bindox_msg_append_u32(req, op));
	BXT_OK(bindox_msg_append_u32(req, arg));
	BXT_OK(bindox_call(cli, h, req, reply, BXT_LONG_NS));
	bindox_msg_get_data(reply, size);
	*n_objects = bindox_msg_get_n_objects(reply);
	bindox_msg_free(req);
}

START_TEST(refused_replies_are_answered_empty)
{
	BxtCoord *co = bxt_coord_start_ck();
	BindoxConn *srv = bxt_conn_ck(), *cli = bxt_conn_ck();
	BindoxMsg *small = NULL, *big = NULL;
	BindoxServer *server = NULL;
	static atomic_uint calls;
	size_t size, n;
	uint32_t h, own;

	h = bxt_link_ck(bindox_conn_fd(srv), COOKIE, bindox_conn_fd(cli));
	/* A handle the server holds: to a node of the client's. */
	own = bxt_link_ck(bindox_conn_fd(cli), 7, bindox_conn_fd(srv));
	BXT_OK(bindox_server_new(srv, 2, handler, &calls, &server));
	BXT_OK(bindox_server_start(server));
	BXT_OK(bindox_msg_new(&small));
	BXT_OK(bindox_msg_new(&big));
	BXT_OK(bindox_msg_reserve(small, 16, 0));

	/* Capacity: 16 bytes fit the caller, 64 do not (EMSGSIZE). */
	call_ck(cli, h, small, OP_ECHO, 16, &size, &n);
	ck_assert_uint_eq(size, 16);
	call_ck(cli, h, small, OP_ECHO, 64, &size, &n);
	ck_assert_uint_eq(size, 0);
	ck_assert_uint_eq(n, 0);
	call_ck(cli, h, big, OP_ECHO, 64, &size, &n);
	ck_assert_uint_eq(size, 64);

	/* Objects: a handle the server holds travels, an unknown one (EINVAL) not. */
	call_ck(cli, h, big, OP_HANDLE, own, &size, &n);
	ck_assert_uint_eq(n, 1);
	call_ck(cli, h, big, OP_HANDLE, 999, &size, &n);
	ck_assert_uint_eq(size, 0);
	ck_assert_uint_eq(n, 0);

	/* The handler's failure: what it wrote is not sent. */
	call_ck(cli, h, big, OP_FAIL, 0, &size, &n);
	ck_assert_uint_eq(size, 0);
	ck_assert_uint_eq(n, 0);

	/* Still serving. */
	call_ck(cli, h, big, OP_ECHO, 8, &size, &n);
	ck_assert_uint_eq(size, 8);
	ck_assert_uint_eq(atomic_load(&calls), 7);

	BXT_OK(bindox_server_stop(server));
	bindox_server_free(server);
	bindox_msg_free(small);
	bindox_msg_free(big);
	bindox_conn_close(cli);
	bindox_conn_close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(ended_file_stops_the_server)
{
	struct bindox_domain_config c;
	struct bindox_domain_remove rm;
	BindoxServer *server = NULL;
	BindoxConn *conn = NULL;
	static atomic_uint calls;
	char path[64];
	int ctl, i, r = -ENOENT;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "srvloop%d", (int)getpid());
	c.mode = 0600;
	ctl = open("/dev/bindox-control", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(ctl, 0);
	BXT_OK(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_ADD, &c));
	snprintf(path, sizeof(path), "/dev/bindox.d/%s", c.name);
	for (i = 0; i < 200 && r == -ENOENT; i++) {
		r = bindox_conn_open(path, &conn);
		if (r == -ENOENT)
			bxt_sleep_ms(10);
	}
	BXT_OK(r);
	BXT_OK(bindox_server_new(conn, 2, handler, &calls, &server));
	BXT_OK(bindox_server_start(server));

	memset(&rm, 0, sizeof(rm));
	snprintf(rm.name, sizeof(rm.name), "%s", c.name);
	/* Without force, an open domain stays. */
	BXT_ERR(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_REMOVE, &rm), EBUSY);
	rm.flags = BINDOX_DOMAIN_FORCE;
	BXT_OK(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_REMOVE, &rm));
	bxt_sleep_ms(300);	/* the workers' poll: BINDOX_SERVER_POLL_NS */
	BXT_ERR(bindox_server_stop(server), ENODEV);
	BXT_OK(bindox_server_stop(server));

	bindox_server_free(server);
	bindox_conn_close(conn);
	close(ctl);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *server_replies_suite(void)
{
	Suite *s = suite_create("server-replies");
	TCase *tc = bxt_tcase(s, "server");

	tcase_add_test(tc, refused_replies_are_answered_empty);
	tcase_add_test(tc, ended_file_stops_the_server);
	return s;
}

int main(void)
{
	return bxt_run(server_replies_suite());
}
