/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BindoxBuffer against the fake driver: allocation and its errors, moving
 * and sharing in one-way messages, calls and replies, taking received
 * buffers (once), the object checks of the message reader, and ids left
 * behind by a dying process. The kernel's enforcement (faults, pagemap) is
 * tested in the guest: tests/kernel/test-buffer*.c.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <bindox/bindox.h>
#include "buffer-fixture.h"
#include "conn-private.h"
#include "fake-driver.h"
#include "msg-private.h"
#include "check-main.h"

static BindoxBuffer *alloc_filled(BindoxConn *c, size_t size, int byte)
{
	BindoxBuffer *b = NULL;

	ck_assert_int_eq(bindox_buffer_alloc(c, size, &b), 0);
	memset(bindox_buffer_data(b), byte, bindox_buffer_size(b));
	return b;
}

static uint32_t info_flags(BindoxConn *c, uint32_t id)
{
	struct bindox_buffer_info info = { .id = id };

	ck_assert_int_eq(bindox_conn_ioctl(bindox_conn_fd(c), BINDOX_IOC_BUFFER_INFO, &info), 0);
	return info.flags;
}

/* Send @b from the client to the server (one-way); the server's copy. */
static BindoxMsg *send_to_server(BindoxBuffer *b, uint32_t mode)
{
	BindoxMsg *out = msg_new(), *in = msg_new();

	ck_assert_int_eq(bindox_msg_append_buffer(out, b, mode), 0);
	ck_assert_int_eq(bindox_send_oneway(client_conn, server_handle, out), 0);
	ck_assert_int_eq(bindox_recv(server_conn, in, 0), 0);
	bindox_msg_free(out);
	return in;
}

START_TEST(test_alloc)
{
	BindoxBuffer *b = NULL;
	uint8_t *p;
	size_t i;

	ck_assert_int_eq(bindox_buffer_alloc(client_conn, 1, &b), 0);
	ck_assert_uint_eq(bindox_buffer_size(b), page);
	ck_assert(bindox_buffer_writable(b));
	ck_assert_uint_ge(bindox_buffer_id(b), 1);
	p = bindox_buffer_data(b);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < page; i++)
		ck_assert_uint_eq(p[i], 0);
	ck_assert_uint_eq(info_flags(client_conn, bindox_buffer_id(b)), BINDOX_BUF_WRITABLE);
	ck_assert_uint_eq(fake_driver_count_buffers(), 1);
	bindox_buffer_release(b);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
	ck_assert_uint_eq(fake_driver_count_buffer_ids(bindox_conn_fd(client_conn)), 0);

	/* NULL is fine everywhere a buffer is read or released. */
	bindox_buffer_release(NULL);
	ck_assert_ptr_null(bindox_buffer_data(NULL));
	ck_assert_uint_eq(bindox_buffer_size(NULL), 0);
	ck_assert(!bindox_buffer_writable(NULL));
	ck_assert_uint_eq(bindox_buffer_id(NULL), 0);
}
END_TEST

START_TEST(test_alloc_errors)
{
	BindoxBuffer *b = NULL;

	ck_assert_int_eq(bindox_buffer_alloc(NULL, 1, &b), -EINVAL);
	ck_assert_int_eq(bindox_buffer_alloc(client_conn, 0, &b), -EINVAL);
	ck_assert_int_eq(bindox_buffer_alloc(client_conn, 1, NULL), -EINVAL);

	/* The driver's error passes through; nothing stays behind. */
	fake_driver_set_buffer_quota(4 * page);
	ck_assert_int_eq(bindox_buffer_alloc(client_conn, 4 * page + 1, &b), -EDQUOT);
	ck_assert_ptr_null(b);
	/* A mapping that fails gives the id back. */
	fake_driver_fail_mmap(-ENOMEM);
	ck_assert_int_eq(bindox_buffer_alloc(client_conn, page, &b), -ENOMEM);
	ck_assert_ptr_null(b);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
	ck_assert_uint_eq(fake_driver_count_buffer_ids(bindox_conn_fd(client_conn)), 0);
}
END_TEST

START_TEST(test_move)
{
	BindoxBuffer *b = alloc_filled(client_conn, 3 * page, 0x4D), *got = NULL, *again = NULL;
	uint32_t id = bindox_buffer_id(b);
	BindoxMsg *in;

	in = send_to_server(b, BINDOX_BUFFER_MOVE);
	/* Appending ended the sender's right to write; sending moved the id. */
	ck_assert(!bindox_buffer_writable(b));
	ck_assert_uint_eq(info_flags(client_conn, id), BINDOX_BUF_MOVED);

	ck_assert_uint_eq(bindox_msg_get_n_objects(in), 1);
	ck_assert_int_eq(bindox_msg_get_buffer(in, 0, &got), 0);
	ck_assert(bindox_buffer_writable(got));
	ck_assert_uint_eq(bindox_buffer_size(got), 3 * page);
	ck_assert_uint_eq(((uint8_t *)bindox_buffer_data(got))[3 * page - 1], 0x4D);
	/* Each delivered object is taken once. */
	ck_assert_int_eq(bindox_msg_get_buffer(in, 0, &again), -EALREADY);
	ck_assert_ptr_null(again);

	bindox_buffer_release(b);
	ck_assert_uint_eq(fake_driver_count_buffers(), 1);
	bindox_buffer_release(got);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
	bindox_msg_free(in);
}
END_TEST

START_TEST(test_share)
{
	BindoxBuffer *b = alloc_filled(client_conn, page, 0x53), *r1 = NULL, *r2 = NULL;
	BindoxMsg *in1, *in2;
	struct bindox_object obj;

	in1 = send_to_server(b, BINDOX_BUFFER_SHARE);
	in2 = send_to_server(b, BINDOX_BUFFER_SHARE);
	ck_assert(!bindox_buffer_writable(b));
	ck_assert_uint_eq(info_flags(client_conn, bindox_buffer_id(b)), BINDOX_BUF_SEALED);

	ck_assert_int_eq(bindox_msg_get_object(in1, 0, &obj, NULL), 0);
	ck_assert_uint_eq(obj.type, BINDOX_OBJ_BUFFER);
	ck_assert_uint_eq(obj.flags, BINDOX_BUF_SHARE);
	ck_assert_uint_eq(obj.size, page);
	ck_assert_int_eq(bindox_msg_get_buffer(in1, 0, &r1), 0);
	ck_assert_int_eq(bindox_msg_get_buffer(in2, 0, &r2), 0);
	ck_assert_uint_ne(bindox_buffer_id(r1), bindox_buffer_id(r2));
	ck_assert(!bindox_buffer_writable(r1));
	ck_assert(!bindox_buffer_writable(r2));
	ck_assert_uint_eq(((uint8_t *)bindox_buffer_data(r2))[0], 0x53);

	bindox_buffer_release(r1);
	bindox_buffer_release(b);
	ck_assert_uint_eq(fake_driver_count_buffers(), 1);
	bindox_buffer_release(r2);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
	bindox_msg_free(in1);
	bindox_msg_free(in2);
}
END_TEST

START_TEST(test_call_and_move_back)
{
	BindoxBuffer *b = alloc_filled(client_conn, 2 * page, 0x01), *srv = NULL, *back = NULL;
	BindoxMsg *in = msg_new(), *out = msg_new();
	FakeCaller c = { .req = msg_new(), .reply = msg_new() };
	uint64_t id;

	ck_assert_int_eq(bindox_msg_append_u32(c.req, 7), 0);
	ck_assert_int_eq(bindox_msg_append_buffer(c.req, b, BINDOX_BUFFER_MOVE), 0);
	fake_caller_start(&c, client_conn, server_handle);

	ck_assert_int_eq(bindox_recv(server_conn, in, -1), 0);
	id = bindox_msg_get_id(in);
	ck_assert_int_eq(bindox_msg_get_buffer(in, 0, &srv), 0);
	ck_assert(bindox_buffer_writable(srv));
	memset(bindox_buffer_data(srv), 0x02, bindox_buffer_size(srv));
	ck_assert_int_eq(bindox_msg_append_buffer(out, srv, BINDOX_BUFFER_MOVE), 0);
	ck_assert_int_eq(bindox_reply(server_conn, id, out, in), 0);
	ck_assert_int_eq(fake_caller_join(&c), 0);

	ck_assert_int_eq(bindox_msg_get_buffer(c.reply, 0, &back), 0);
	ck_assert(bindox_buffer_writable(back));
	ck_assert_uint_eq(((uint8_t *)bindox_buffer_data(back))[2 * page - 1], 0x02);
	ck_assert_uint_eq(info_flags(server_conn, bindox_buffer_id(srv)), BINDOX_BUF_MOVED);

	bindox_buffer_release(srv);
	bindox_buffer_release(b);
	bindox_buffer_release(back);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
	fake_caller_free(&c);
	bindox_msg_free(in);
	bindox_msg_free(out);
}
END_TEST

START_TEST(test_append_errors)
{
	BindoxBuffer *b = alloc_filled(client_conn, page, 0);
	BindoxMsg *m = msg_new();
	size_t i;

	ck_assert_int_eq(bindox_msg_append_buffer(NULL, b, BINDOX_BUFFER_MOVE), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_buffer(m, NULL, BINDOX_BUFFER_MOVE), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_buffer(m, b, 0), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_buffer(m, b, BINDOX_BUFFER_MOVE | BINDOX_BUFFER_SHARE),
			 -EINVAL);
	ck_assert_uint_eq(bindox_msg_get_n_objects(m), 0);
	/* A refused append leaves the buffer writable. */
	ck_assert(bindox_buffer_writable(b));

	for (i = 0; i < BINDOX_MAX_OBJECTS; i++)
		ck_assert_int_eq(bindox_msg_append_buffer(m, b, BINDOX_BUFFER_SHARE), 0);
	ck_assert_int_eq(bindox_msg_append_buffer(m, b, BINDOX_BUFFER_SHARE), -EMSGSIZE);
	bindox_buffer_release(b);
	bindox_msg_free(m);
}
END_TEST

START_TEST(test_get_errors)
{
	BindoxBuffer *b = alloc_filled(client_conn, page, 0), *got = NULL;
	BindoxMsg *built = msg_new(), *in;

	/* Not received: no connection to map it through. */
	ck_assert_int_eq(bindox_msg_append_buffer(built, b, BINDOX_BUFFER_SHARE), 0);
	ck_assert_int_eq(bindox_msg_get_buffer(built, 0, &got), -EINVAL);
	ck_assert_int_eq(bindox_msg_get_buffer(NULL, 0, &got), -EINVAL);

	/* Received: index out of range, not a buffer. */
	bindox_msg_reset(built);
	ck_assert_int_eq(bindox_msg_append_u32(built, 1), 0);
	ck_assert_int_eq(bindox_msg_append_node(built, 0xC0), 0);
	ck_assert_int_eq(bindox_msg_append_buffer(built, b, BINDOX_BUFFER_SHARE), 0);
	ck_assert_int_eq(bindox_send_oneway(client_conn, server_handle, built), 0);
	in = msg_new();
	ck_assert_int_eq(bindox_recv(server_conn, in, 0), 0);
	ck_assert_int_eq(bindox_msg_get_buffer(in, 2, &got), -EINVAL);
	ck_assert_int_eq(bindox_msg_get_buffer(in, 0, &got), -EBADMSG);
	ck_assert_int_eq(bindox_msg_get_buffer(in, 1, NULL), -EINVAL);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(bindox_msg_get_buffer(in, 1, &got), 0);

	/* A reset message has no connection any more. */
	bindox_msg_reset(in);
	ck_assert_int_eq(bindox_msg_get_buffer(in, 0, &got), -EINVAL);
	bindox_buffer_release(got);
	bindox_buffer_release(b);
	bindox_msg_free(built);
	bindox_msg_free(in);
}
END_TEST

START_TEST(test_reader_checks_buffer_objects)
{
	BindoxMsg *m = msg_new();
	struct bindox_object obj;

	ck_assert_int_eq(bindox_msg_append_object(m, BINDOX_OBJ_BUFFER, BINDOX_BUF_MOVE, 1), 0);
	ck_assert_int_eq(bindox_msg_append_object(m, BINDOX_OBJ_BUFFER,
						  BINDOX_BUF_SHARE | BINDOX_BUF_WRITABLE, 2), 0);
	ck_assert_int_eq(bindox_msg_append_object(m, BINDOX_OBJ_BUFFER,
						  BINDOX_BUF_MOVE | BINDOX_BUF_SHARE, 3), 0);
	ck_assert_int_eq(bindox_msg_append_object(m, BINDOX_OBJ_BUFFER, BINDOX_BUF_WRITABLE, 4),
			 0);
	ck_assert_int_eq(bindox_msg_append_object(m, BINDOX_OBJ_BUFFER, 1U << 7 | 1, 5), 0);
	ck_assert_int_eq(bindox_msg_append_object(m, BINDOX_OBJ_BUFFER + 1, 0, 6), 0);
	ck_assert_int_eq(bindox_msg_append_object(m, BINDOX_OBJ_HANDLE, BINDOX_BUF_MOVE, 7), 0);

	ck_assert_int_eq(bindox_msg_read_object(m, &obj), 0);
	ck_assert_uint_eq(obj.value, 1);
	ck_assert_int_eq(bindox_msg_read_object(m, &obj), 0);
	ck_assert_uint_eq(obj.value, 2);
	ck_assert_int_eq(bindox_msg_get_object(m, 2, NULL, NULL), -EBADMSG);
	ck_assert_int_eq(bindox_msg_get_object(m, 3, NULL, NULL), -EBADMSG);
	ck_assert_int_eq(bindox_msg_get_object(m, 4, NULL, NULL), -EBADMSG);
	ck_assert_int_eq(bindox_msg_get_object(m, 5, NULL, NULL), -EBADMSG);
	ck_assert_int_eq(bindox_msg_get_object(m, 6, NULL, NULL), -EBADMSG);
	bindox_msg_free(m);
}
END_TEST

START_TEST(test_sender_dies)
{
	BindoxBuffer *b = alloc_filled(client_conn, page, 0x5D), *got = NULL;
	BindoxMsg *in = send_to_server(b, BINDOX_BUFFER_MOVE);

	/* The sender's ids go with it; the receiver's buffer stays. */
	fake_driver_kill(bindox_conn_fd(client_conn));
	ck_assert_uint_eq(fake_driver_count_buffer_ids(bindox_conn_fd(client_conn)), 0);
	ck_assert_uint_eq(fake_driver_count_buffers(), 1);
	ck_assert_int_eq(bindox_msg_get_buffer(in, 0, &got), 0);
	ck_assert_uint_eq(((uint8_t *)bindox_buffer_data(got))[0], 0x5D);
	bindox_buffer_release(got);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
	/* (b's id died with its process: releasing it only frees the struct.) */
	bindox_buffer_release(b);
	bindox_msg_free(in);
}
END_TEST

static Suite *buffer_suite(void)
{
	Suite *s = suite_create("buffer");
	TCase *tc = tcase_create("buffer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alloc);
	tcase_add_test(tc, test_alloc_errors);
	tcase_add_test(tc, test_move);
	tcase_add_test(tc, test_share);
	tcase_add_test(tc, test_call_and_move_back);
	tcase_add_test(tc, test_append_errors);
	tcase_add_test(tc, test_get_errors);
	tcase_add_test(tc, test_reader_checks_buffer_objects);
	tcase_add_test(tc, test_sender_dies);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(buffer_suite)
