/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Coordinator protocol: name validation, request and reply encoding and
 * parsing, malformed input.
 */

#include <errno.h>
#include <string.h>
#include <bindox/bindox.h>
#include "msg-private.h"
#include "check-main.h"

static BindoxMsg *msg_new(void)
{
	BindoxMsg *m = NULL;

	ck_assert_int_eq(bindox_msg_new(&m), 0);
	return m;
}

START_TEST(test_name_validate)
{
	char name[BINDOX_NAME_MAX + 2];

	ck_assert_int_eq(bindox_service_name_validate("a", 1), 0);
	ck_assert_int_eq(bindox_service_name_validate("org.example.Foo_bar-1", 21), 0);
	ck_assert_int_eq(bindox_service_name_validate("...", 3), 0);
	memset(name, 'x', sizeof(name));
	ck_assert_int_eq(bindox_service_name_validate(name, BINDOX_NAME_MAX), 0);
	ck_assert_int_eq(bindox_service_name_validate(name, BINDOX_NAME_MAX + 1), -EINVAL);
	ck_assert_int_eq(bindox_service_name_validate("", 0), -EINVAL);
	ck_assert_int_eq(bindox_service_name_validate(NULL, 3), -EINVAL);
	ck_assert_int_eq(bindox_service_name_validate("a b", 3), -EINVAL);
	ck_assert_int_eq(bindox_service_name_validate("a/b", 3), -EINVAL);
	ck_assert_int_eq(bindox_service_name_validate("a:b", 3), -EINVAL);
	ck_assert_int_eq(bindox_service_name_validate("\xc3\xa4", 2), -EINVAL);
	ck_assert_int_eq(bindox_service_name_validate("ab", 3), -EINVAL);	/* the NUL */
}
END_TEST

/* What the driver does to a REGISTER on its way: node -> Coordinator's handle. */
static void msg_node_to_handle(BindoxMsg *m, uint32_t handle)
{
	struct bindox_object obj = { .type = BINDOX_OBJ_HANDLE, .value = handle };

	ck_assert_uint_eq(m->n_offsets, 1);
	memcpy(m->data + m->offsets[0], &obj, sizeof(obj));
}

START_TEST(test_request_layout)
{
	BindoxMsg *m = msg_new();
	struct bindox_coord_request hdr;
	struct bindox_object obj;

	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_REGISTER, "abc", 3, 0x99), 0);
	ck_assert_uint_eq(m->n_data, 16 + sizeof(struct bindox_object));
	memcpy(&hdr, m->data, sizeof(hdr));
	ck_assert_uint_eq(hdr.op, BINDOX_COORD_REGISTER);
	ck_assert_uint_eq(hdr.name_len, 3);
	ck_assert_mem_eq(m->data + 8, "abc", 3);
	ck_assert_int_eq(m->data[11] | m->data[12] | m->data[13] | m->data[14] | m->data[15], 0);
	ck_assert_uint_eq(m->n_offsets, 1);
	ck_assert(m->offsets[0] == 16);
	memcpy(&obj, m->data + 16, sizeof(obj));
	ck_assert_uint_eq(obj.type, BINDOX_OBJ_NODE);
	ck_assert(obj.value == 0x99);

	/* LOOKUP: header and name, no objects, no padding. */
	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_LOOKUP, "abcd", 4, 0x99), 0);
	ck_assert_uint_eq(m->n_data, 12);
	ck_assert_uint_eq(m->n_offsets, 0);

	ck_assert_int_eq(bindox_coord_request_build(m, 0, "abc", 3, 0), -EINVAL);
	ck_assert_int_eq(bindox_coord_request_build(m, 4, "abc", 3, 0), -EINVAL);
	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_LOOKUP, "a b", 3, 0), -EINVAL);
	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_LOOKUP, "", 0, 0), -EINVAL);
	ck_assert_int_eq(bindox_coord_request_build(NULL, BINDOX_COORD_LOOKUP, "a", 1, 0), -EINVAL);
	bindox_msg_free(m);
}
END_TEST

START_TEST(test_request_roundtrip)
{
	BindoxMsg *m = msg_new();
	char name[BINDOX_NAME_BUF_SIZE];
	char longname[BINDOX_NAME_MAX];
	uint32_t op, handle;

	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_REGISTER, "svc.one", 7, 1), 0);
	msg_node_to_handle(m, 17);
	ck_assert_int_eq(bindox_coord_request_parse(m, &op, name, sizeof(name), &handle), 0);
	ck_assert_uint_eq(op, BINDOX_COORD_REGISTER);
	ck_assert_str_eq(name, "svc.one");
	ck_assert_uint_eq(handle, 17);

	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_LOOKUP, "svc.two", 7, 0), 0);
	handle = 55;
	ck_assert_int_eq(bindox_coord_request_parse(m, &op, name, sizeof(name), &handle), 0);
	ck_assert_uint_eq(op, BINDOX_COORD_LOOKUP);
	ck_assert_str_eq(name, "svc.two");
	ck_assert_uint_eq(handle, 0);

	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_UNREGISTER, "x", 1, 0), 0);
	ck_assert_int_eq(bindox_coord_request_parse(m, &op, name, sizeof(name), &handle), 0);
	ck_assert_uint_eq(op, BINDOX_COORD_UNREGISTER);
	ck_assert_str_eq(name, "x");

	/* The longest name, and a buffer one byte too small for it. */
	memset(longname, 'n', sizeof(longname));
	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_LOOKUP, longname,
						    sizeof(longname), 0), 0);
	ck_assert_int_eq(bindox_coord_request_parse(m, &op, name, sizeof(name), &handle), 0);
	ck_assert_uint_eq(strlen(name), BINDOX_NAME_MAX);
	ck_assert_int_eq(bindox_coord_request_parse(m, &op, name, BINDOX_NAME_MAX, &handle),
			 -ENOBUFS);
	bindox_msg_free(m);
}
END_TEST

static int parse(BindoxMsg *m)
{
	char name[BINDOX_NAME_BUF_SIZE];
	uint32_t op, handle;

	return bindox_coord_request_parse(m, &op, name, sizeof(name), &handle);
}

static void append_header(BindoxMsg *m, uint32_t op, uint32_t name_len)
{
	struct bindox_coord_request hdr = { .op = op, .name_len = name_len };

	ck_assert_int_eq(bindox_msg_append_bytes(m, &hdr, sizeof(hdr)), 0);
}

START_TEST(test_request_malformed)
{
	BindoxMsg *m = msg_new();

	/* Empty, short header. */
	ck_assert_int_eq(parse(m), -EBADMSG);
	ck_assert_int_eq(bindox_msg_append_u32(m, BINDOX_COORD_LOOKUP), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);

	/* Unknown op. */
	bindox_msg_reset(m);
	append_header(m, 9, 1);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "a", 1), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);

	/* name_len 0, too long, beyond the data. */
	bindox_msg_reset(m);
	append_header(m, BINDOX_COORD_LOOKUP, 0);
	ck_assert_int_eq(parse(m), -EBADMSG);
	bindox_msg_reset(m);
	append_header(m, BINDOX_COORD_LOOKUP, BINDOX_NAME_MAX + 1);
	ck_assert_int_eq(parse(m), -EBADMSG);
	bindox_msg_reset(m);
	append_header(m, BINDOX_COORD_LOOKUP, 5);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "abc", 3), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);

	/* Invalid characters. */
	bindox_msg_reset(m);
	append_header(m, BINDOX_COORD_LOOKUP, 3);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "a*c", 3), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);

	/* Trailing data. */
	bindox_msg_reset(m);
	append_header(m, BINDOX_COORD_LOOKUP, 3);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "abcd", 4), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);

	/* LOOKUP with an object. */
	bindox_msg_reset(m);
	append_header(m, BINDOX_COORD_LOOKUP, 3);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "abc", 3), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 4), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);

	/* REGISTER without its object, with two, with a node (not a handle). */
	bindox_msg_reset(m);
	append_header(m, BINDOX_COORD_REGISTER, 3);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "abc", 3), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);
	ck_assert_int_eq(bindox_msg_append_handle(m, 4), 0);
	ck_assert_int_eq(parse(m), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 5), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);
	ck_assert_int_eq(bindox_coord_request_build(m, BINDOX_COORD_REGISTER, "abc", 3, 1), 0);
	ck_assert_int_eq(parse(m), -EBADMSG);

	bindox_msg_free(m);
}
END_TEST

START_TEST(test_reply_roundtrip)
{
	BindoxMsg *m = msg_new();
	uint32_t handle = 0;
	int status = 1;

	ck_assert_int_eq(bindox_coord_reply_build(m, 0), 0);
	ck_assert_uint_eq(m->n_data, 8);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, NULL), 0);
	ck_assert_int_eq(status, 0);

	ck_assert_int_eq(bindox_coord_reply_build(m, -EEXIST), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, NULL), 0);
	ck_assert_int_eq(status, -EEXIST);
	/* A failed LOOKUP carries no handle. */
	ck_assert_int_eq(bindox_coord_reply_build(m, -ENOENT), 0);
	handle = 99;
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, &handle), 0);
	ck_assert_int_eq(status, -ENOENT);
	ck_assert_uint_eq(handle, 99);

	ck_assert_int_eq(bindox_coord_reply_build_handle(m, 12), 0);
	ck_assert_uint_eq(m->n_data, 8 + sizeof(struct bindox_object));
	ck_assert(m->n_offsets == 1 && m->offsets[0] == 8);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, &handle), 0);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(handle, 12);

	ck_assert_int_eq(bindox_coord_reply_build(m, 1), -EINVAL);
	ck_assert_int_eq(bindox_coord_reply_build(m, -100000), -EINVAL);
	ck_assert_int_eq(bindox_coord_reply_build(NULL, 0), -EINVAL);
	ck_assert_int_eq(bindox_coord_reply_build_handle(NULL, 1), -EINVAL);
	bindox_msg_free(m);
}
END_TEST

START_TEST(test_reply_malformed)
{
	BindoxMsg *m = msg_new();
	struct bindox_coord_reply hdr = { 0 };
	uint32_t handle;
	int status;

	/* Empty (a failed server handler) and short. */
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, NULL), -EBADMSG);
	ck_assert_int_eq(bindox_msg_append_u32(m, 0), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, NULL), -EBADMSG);

	/* Positive status, huge negative status, reserved set. */
	bindox_msg_reset(m);
	hdr.status = 3;
	ck_assert_int_eq(bindox_msg_append_bytes(m, &hdr, sizeof(hdr)), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, NULL), -EBADMSG);
	bindox_msg_reset(m);
	hdr.status = -5000;
	ck_assert_int_eq(bindox_msg_append_bytes(m, &hdr, sizeof(hdr)), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, NULL), -EBADMSG);
	bindox_msg_reset(m);
	hdr.status = 0;
	hdr.reserved = 1;
	ck_assert_int_eq(bindox_msg_append_bytes(m, &hdr, sizeof(hdr)), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, NULL), -EBADMSG);

	/* Successful LOOKUP without its handle; REGISTER reply with a handle. */
	ck_assert_int_eq(bindox_coord_reply_build(m, 0), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, &handle), -EBADMSG);
	ck_assert_int_eq(bindox_coord_reply_build_handle(m, 3), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, NULL), -EBADMSG);

	/* A node instead of a handle (the receiver's own); trailing data. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_bytes(m, &(struct bindox_coord_reply){ 0 }, 8), 0);
	ck_assert_int_eq(bindox_msg_append_node(m, 3), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, &handle), -ELOOP);
	ck_assert_int_eq(bindox_coord_reply_build(m, -ENOENT), 0);
	ck_assert_int_eq(bindox_msg_append_u32(m, 0), 0);
	ck_assert_int_eq(bindox_coord_reply_parse(m, &status, &handle), -EBADMSG);

	ck_assert_int_eq(bindox_coord_reply_parse(m, NULL, &handle), -EINVAL);
	ck_assert_int_eq(bindox_coord_reply_parse(NULL, &status, &handle), -EINVAL);
	bindox_msg_free(m);
}
END_TEST

static Suite *coord_suite(void)
{
	Suite *s = suite_create("coord");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_name_validate);
	tcase_add_test(tc, test_request_layout);
	tcase_add_test(tc, test_request_roundtrip);
	tcase_add_test(tc, test_request_malformed);
	tcase_add_test(tc, test_reply_roundtrip);
	tcase_add_test(tc, test_reply_malformed);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(coord_suite)
