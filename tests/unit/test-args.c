/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Argument validation: NULL pointers and bad sizes give -EINVAL (and
 * destructors accept NULL), across the whole API.
 */

#include <errno.h>
#include <bindox/bindox.h>
#include "check-main.h"

static int dummy_handler(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	return 0;
}

START_TEST(test_conn_args)
{
	ck_assert_int_eq(bindox_conn_open(NULL, NULL), -EINVAL);
	ck_assert_int_eq(bindox_conn_open("/dev/null", NULL), -EINVAL);
	ck_assert_int_eq(bindox_conn_fd(NULL), -EINVAL);
	ck_assert_int_eq(bindox_conn_get_version(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(bindox_conn_become_coordinator(NULL), -EINVAL);
	ck_assert_ptr_null(bindox_conn_close(NULL));
	ck_assert_int_eq(bindox_handle_release(NULL, 1), -EINVAL);
	ck_assert_int_eq(bindox_death_subscribe(NULL, 1, 1), -EINVAL);
	ck_assert_int_eq(bindox_death_unsubscribe(NULL, 1, 1), -EINVAL);
}
END_TEST

START_TEST(test_msg_args)
{
	struct bindox_object obj;
	BindoxCreds creds;
	const void *p;
	const char *s;
	uint32_t u32;
	uint64_t u64;
	BindoxMsg *m = NULL;

	ck_assert_int_eq(bindox_msg_new(NULL), -EINVAL);
	ck_assert_ptr_null(bindox_msg_free(NULL));
	bindox_msg_reset(NULL);
	bindox_msg_rewind(NULL);
	ck_assert_int_eq(bindox_msg_reserve(NULL, 1, 1), -EINVAL);

	ck_assert_int_eq(bindox_msg_append_bytes(NULL, "a", 1), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_u32(NULL, 1), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_u64(NULL, 1), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_string(NULL, "a"), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_handle(NULL, 1), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_node(NULL, 1), -EINVAL);

	ck_assert_int_eq(bindox_msg_read_bytes(NULL, 1, &p), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_u32(NULL, &u32), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_u64(NULL, &u64), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_string(NULL, &s, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_object(NULL, &obj), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_handle(NULL, &u32), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_node(NULL, &u64), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_end(NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_get_object(NULL, 0, &obj, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_get_creds(NULL, &creds), -EINVAL);
	ck_assert_ptr_null(bindox_msg_get_data(NULL, NULL));
	ck_assert_uint_eq(bindox_msg_get_n_objects(NULL), 0);
	ck_assert_uint_eq(bindox_msg_get_type(NULL), 0);
	ck_assert_uint_eq(bindox_msg_get_flags(NULL), 0);
	ck_assert(bindox_msg_get_id(NULL) == 0 && bindox_msg_get_cookie(NULL) == 0);

	ck_assert_int_eq(bindox_msg_new(&m), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(m, NULL, 1), -EINVAL);
	ck_assert_int_eq(bindox_msg_append_string(m, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_bytes(m, 0, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_u32(m, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_u64(m, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_string(m, NULL, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_object(m, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_handle(m, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_read_node(m, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_get_creds(m, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_reserve(m, BINDOX_MAX_DATA_SIZE + 1, 0), -EINVAL);
	ck_assert_int_eq(bindox_msg_reserve(m, 0, BINDOX_MAX_OBJECTS + 1), -EINVAL);
	bindox_msg_free(m);
}
END_TEST

START_TEST(test_transact_args)
{
	BindoxConn *c = NULL;
	BindoxMsg *a = NULL, *b = NULL;
	uint64_t id = 0;

	ck_assert_int_eq(bindox_msg_new(&a), 0);
	ck_assert_int_eq(bindox_msg_new(&b), 0);
	/* A fake connection: the fake driver answers VERSION on /dev/null. */
	ck_assert_int_eq(bindox_conn_open("/dev/null", &c), 0);

	ck_assert_int_eq(bindox_call(NULL, 1, a, b, -1), -EINVAL);
	ck_assert_int_eq(bindox_call(c, 1, NULL, b, -1), -EINVAL);
	ck_assert_int_eq(bindox_call(c, 1, a, NULL, -1), -EINVAL);
	ck_assert_int_eq(bindox_call(c, 1, a, a, -1), -EINVAL);
	ck_assert_int_eq(bindox_send_oneway(NULL, 1, a), -EINVAL);
	ck_assert_int_eq(bindox_send_oneway(c, 1, NULL), -EINVAL);
	ck_assert_int_eq(bindox_send_oneway_wait(NULL, 1, a), -EINVAL);
	ck_assert_int_eq(bindox_send_oneway_wait(c, 1, NULL), -EINVAL);
	ck_assert_int_eq(bindox_recv(NULL, a, 0), -EINVAL);
	ck_assert_int_eq(bindox_recv(c, NULL, 0), -EINVAL);
	ck_assert_int_eq(bindox_reply_recv(NULL, &id, a, b, 0), -EINVAL);
	ck_assert_int_eq(bindox_reply_recv(c, &id, a, NULL, 0), -EINVAL);
	ck_assert_int_eq(bindox_reply_recv(c, &id, a, a, 0), -EINVAL);
	ck_assert_int_eq(bindox_reply(NULL, 1, a, b), -EINVAL);
	ck_assert_int_eq(bindox_reply(c, 0, a, b), -EINVAL);
	ck_assert_int_eq(bindox_reply(c, 1, a, NULL), -EINVAL);

	ck_assert_int_eq(bindox_service_register(NULL, "a", 1), -EINVAL);
	ck_assert_int_eq(bindox_service_register(c, NULL, 1), -EINVAL);
	ck_assert_int_eq(bindox_service_register(c, "bad name", 1), -EINVAL);
	ck_assert_int_eq(bindox_service_register(c, "", 1), -EINVAL);
	ck_assert_int_eq(bindox_service_lookup(c, "a", NULL, -1), -EINVAL);
	ck_assert_int_eq(bindox_service_lookup(c, "a/b", &(uint32_t){ 0 }, -1), -EINVAL);
	ck_assert_int_eq(bindox_service_unregister(c, "a\nb"), -EINVAL);
	ck_assert_int_eq(bindox_service_unregister(NULL, "a"), -EINVAL);

	bindox_conn_close(c);
	bindox_msg_free(a);
	bindox_msg_free(b);
}
END_TEST

START_TEST(test_server_args)
{
	BindoxServer *s = NULL;
	BindoxConn *c = NULL;

	ck_assert_int_eq(bindox_conn_open("/dev/null", &c), 0);
	ck_assert_int_eq(bindox_server_new(NULL, 1, dummy_handler, NULL, &s), -EINVAL);
	ck_assert_int_eq(bindox_server_new(c, 0, dummy_handler, NULL, &s), -EINVAL);
	ck_assert_int_eq(bindox_server_new(c, BINDOX_SERVER_MAX_THREADS + 1, dummy_handler, NULL,
					   &s), -EINVAL);
	ck_assert_int_eq(bindox_server_new(c, 1, NULL, NULL, &s), -EINVAL);
	ck_assert_int_eq(bindox_server_new(c, 1, dummy_handler, NULL, NULL), -EINVAL);
	ck_assert_int_eq(bindox_server_start(NULL), -EINVAL);
	ck_assert_int_eq(bindox_server_stop(NULL), -EINVAL);
	ck_assert_ptr_null(bindox_server_free(NULL));

	/* Stop without start is fine; free without start too. */
	ck_assert_int_eq(bindox_server_new(c, 2, dummy_handler, NULL, &s), 0);
	ck_assert_int_eq(bindox_server_stop(s), 0);
	ck_assert_ptr_null(bindox_server_free(s));
	bindox_conn_close(c);
}
END_TEST

START_TEST(test_coord_args)
{
	char name[BINDOX_NAME_BUF_SIZE];
	uint32_t op, handle;
	BindoxMsg *m = NULL;

	ck_assert_int_eq(bindox_msg_new(&m), 0);
	ck_assert_int_eq(bindox_coord_request_parse(NULL, &op, name, sizeof(name), &handle), -EINVAL);
	ck_assert_int_eq(bindox_coord_request_parse(m, NULL, name, sizeof(name), &handle), -EINVAL);
	ck_assert_int_eq(bindox_coord_request_parse(m, &op, NULL, sizeof(name), &handle), -EINVAL);
	ck_assert_int_eq(bindox_coord_request_parse(m, &op, name, sizeof(name), NULL), -EINVAL);
	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_LOOKUP, NULL, 1, 0), -EINVAL);
	bindox_msg_free(m);
}
END_TEST

static Suite *args_suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_conn_args);
	tcase_add_test(tc, test_msg_args);
	tcase_add_test(tc, test_transact_args);
	tcase_add_test(tc, test_server_args);
	tcase_add_test(tc, test_coord_args);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(args_suite)
