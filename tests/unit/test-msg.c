/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BindoxMsg: builder/reader round trips, object offsets and alignment,
 * bounds, limits, and -EBADMSG on malformed (crafted) messages.
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
	ck_assert_ptr_nonnull(m);
	return m;
}

START_TEST(test_roundtrip)
{
	BindoxMsg *m = msg_new();
	static const char raw[3] = { 'a', 'b', 'c' };
	struct bindox_object obj;
	const void *p;
	const char *s;
	size_t len;
	uint32_t u32, h;
	uint64_t u64, cookie;

	ck_assert_int_eq(bindox_msg_append_u32(m, 0xdeadbeef), 0);
	ck_assert_int_eq(bindox_msg_append_string(m, "hello"), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 42), 0);
	ck_assert_int_eq(bindox_msg_append_u64(m, 0x0123456789abcdefULL), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(m, raw, sizeof(raw)), 0);
	ck_assert_int_eq(bindox_msg_append_node(m, 0xfeedULL), 0);
	ck_assert_int_eq(bindox_msg_append_string(m, ""), 0);
	ck_assert_uint_eq(bindox_msg_get_n_objects(m), 2);

	ck_assert_int_eq(bindox_msg_read_u32(m, &u32), 0);
	ck_assert_uint_eq(u32, 0xdeadbeef);
	ck_assert_int_eq(bindox_msg_read_string(m, &s, &len), 0);
	ck_assert_str_eq(s, "hello");
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(bindox_msg_read_handle(m, &h), 0);
	ck_assert_uint_eq(h, 42);
	ck_assert_int_eq(bindox_msg_read_u64(m, &u64), 0);
	ck_assert(u64 == 0x0123456789abcdefULL);
	ck_assert_int_eq(bindox_msg_read_bytes(m, 3, &p), 0);
	ck_assert_mem_eq(p, raw, 3);
	ck_assert_int_eq(bindox_msg_read_node(m, &cookie), 0);
	ck_assert(cookie == 0xfeedULL);
	ck_assert_int_eq(bindox_msg_read_string(m, &s, NULL), 0);
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(bindox_msg_read_end(m), 0);

	/* Past the end. */
	ck_assert_int_eq(bindox_msg_read_u32(m, &u32), -EBADMSG);
	ck_assert_int_eq(bindox_msg_read_object(m, &obj), -EBADMSG);

	/* Rewind reads the same again. */
	bindox_msg_rewind(m);
	ck_assert_int_eq(bindox_msg_read_u32(m, &u32), 0);
	ck_assert_uint_eq(u32, 0xdeadbeef);
	ck_assert_int_eq(bindox_msg_read_end(m), -EBADMSG);

	bindox_msg_free(m);
}
END_TEST

START_TEST(test_object_alignment)
{
	BindoxMsg *m = msg_new();
	struct bindox_object obj;
	const uint8_t *data;
	size_t size, off;

	ck_assert_int_eq(bindox_msg_append_bytes(m, "xyz", 3), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 7), 0);	/* padded to 8 */
	ck_assert_int_eq(bindox_msg_append_node(m, 9), 0);	/* 8 + 24 = 32, aligned */
	ck_assert_int_eq(bindox_msg_append_u32(m, 1), 0);	/* 56..60 */
	ck_assert_int_eq(bindox_msg_append_handle(m, 8), 0);	/* 64 */

	data = bindox_msg_get_data(m, &size);
	ck_assert_uint_eq(size, 64 + sizeof(struct bindox_object));
	ck_assert_uint_eq(bindox_msg_get_n_objects(m), 3);
	ck_assert_int_eq(data[3] | data[4] | data[5] | data[6] | data[7], 0);
	ck_assert_int_eq(data[60] | data[61] | data[62] | data[63], 0);

	ck_assert_int_eq(bindox_msg_get_object(m, 0, &obj, &off), 0);
	ck_assert_uint_eq(off, 8);
	ck_assert_uint_eq(obj.type, BINDOX_OBJ_HANDLE);
	ck_assert(obj.value == 7 && obj.flags == 0 && obj.reserved == 0);
	ck_assert_int_eq(bindox_msg_get_object(m, 1, &obj, &off), 0);
	ck_assert_uint_eq(off, 32);
	ck_assert_uint_eq(obj.type, BINDOX_OBJ_NODE);
	ck_assert_int_eq(bindox_msg_get_object(m, 2, NULL, &off), 0);
	ck_assert_uint_eq(off, 64);
	ck_assert_int_eq(bindox_msg_get_object(m, 3, &obj, &off), -EINVAL);

	/* The internal offsets array is what the driver will see. */
	ck_assert(m->offsets[0] == 8 && m->offsets[1] == 32 && m->offsets[2] == 64);

	bindox_msg_free(m);
}
END_TEST

START_TEST(test_read_checks_objects)
{
	BindoxMsg *m = msg_new();
	struct bindox_object obj;
	const void *p;
	uint64_t cookie, u64;
	uint32_t h, u32;

	ck_assert_int_eq(bindox_msg_append_u32(m, 5), 0);
	ck_assert_int_eq(bindox_msg_append_node(m, 77), 0);

	/* A data read may cover the padding but not run into the object. */
	ck_assert_int_eq(bindox_msg_read_bytes(m, 12, &p), -EBADMSG);
	ck_assert_int_eq(bindox_msg_read_u64(m, &u64), 0);
	bindox_msg_rewind(m);
	ck_assert_int_eq(bindox_msg_read_u32(m, &u32), 0);

	/* Wrong kind: refused, cursor unchanged. */
	ck_assert_int_eq(bindox_msg_read_handle(m, &h), -EBADMSG);
	ck_assert_int_eq(bindox_msg_read_node(m, &cookie), 0);
	ck_assert(cookie == 77);
	ck_assert_int_eq(bindox_msg_read_end(m), 0);

	/* An object read where there is only data. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_u64(m, 1), 0);
	ck_assert_int_eq(bindox_msg_append_u64(m, 2), 0);
	ck_assert_int_eq(bindox_msg_read_object(m, &obj), -EBADMSG);

	/* Data left before the next object: the object read is refused. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_u64(m, 1), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 3), 0);
	ck_assert_int_eq(bindox_msg_read_object(m, &obj), -EBADMSG);
	ck_assert_int_eq(bindox_msg_read_u64(m, &u64), 0);
	ck_assert_int_eq(bindox_msg_read_object(m, &obj), 0);
	ck_assert_uint_eq(obj.type, BINDOX_OBJ_HANDLE);

	bindox_msg_free(m);
}
END_TEST

/* Overwrite the object recorded at @index with raw field values. */
static void msg_poke_object(BindoxMsg *m, size_t index, uint32_t type, uint32_t flags,
			    uint64_t value, uint64_t reserved)
{
	struct bindox_object obj = {
		.type = type, .flags = flags, .value = value, .reserved = reserved,
	};

	memcpy(m->data + m->offsets[index], &obj, sizeof(obj));
}

START_TEST(test_malformed_objects)
{
	BindoxMsg *m = msg_new();
	struct bindox_object obj;
	uint32_t h;

	ck_assert_int_eq(bindox_msg_append_u64(m, 0), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 1), 0);

	msg_poke_object(m, 0, 99, 0, 1, 0);
	ck_assert_int_eq(bindox_msg_get_object(m, 0, &obj, NULL), -EBADMSG);
	msg_poke_object(m, 0, BINDOX_OBJ_HANDLE, 1, 1, 0);
	ck_assert_int_eq(bindox_msg_get_object(m, 0, &obj, NULL), -EBADMSG);
	msg_poke_object(m, 0, BINDOX_OBJ_HANDLE, 0, 1, 5);
	ck_assert_int_eq(bindox_msg_get_object(m, 0, &obj, NULL), -EBADMSG);

	/* A handle value that does not fit 32 bits. */
	msg_poke_object(m, 0, BINDOX_OBJ_HANDLE, 0, 1ULL << 32, 0);
	ck_assert_int_eq(bindox_msg_read_u64(m, &(uint64_t){ 0 }), 0);
	ck_assert_int_eq(bindox_msg_read_handle(m, &h), -EBADMSG);
	ck_assert_int_eq(bindox_msg_read_object(m, &obj), 0);	/* generic read sees it */

	/* Misaligned and out-of-bounds offsets. */
	msg_poke_object(m, 0, BINDOX_OBJ_HANDLE, 0, 1, 0);
	m->offsets[0] = 4;
	ck_assert_int_eq(bindox_msg_get_object(m, 0, &obj, NULL), -EBADMSG);
	bindox_msg_rewind(m);
	ck_assert_int_eq(bindox_msg_read_object(m, &obj), -EBADMSG);
	/* A data read runs into the (bogus) object at 4 as well. */
	ck_assert_int_eq(bindox_msg_read_u64(m, &(uint64_t){ 0 }), -EBADMSG);
	m->offsets[0] = 16;	/* 16 + 24 > 32 */
	ck_assert_int_eq(bindox_msg_get_object(m, 0, &obj, NULL), -EBADMSG);
	m->offsets[0] = UINT64_MAX - 7;
	ck_assert_int_eq(bindox_msg_get_object(m, 0, &obj, NULL), -EBADMSG);

	/* Offsets out of order: the second object cannot be reached. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_handle(m, 1), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 2), 0);
	m->offsets[0] = 24;
	m->offsets[1] = 0;
	ck_assert_int_eq(bindox_msg_read_object(m, &obj), -EBADMSG);

	bindox_msg_free(m);
}
END_TEST

START_TEST(test_malformed_strings)
{
	BindoxMsg *m = msg_new();
	const char *s;

	/* Length beyond the data. */
	ck_assert_int_eq(bindox_msg_append_u32(m, 10), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "abc", 4), 0);
	ck_assert_int_eq(bindox_msg_read_string(m, &s, NULL), -EBADMSG);
	ck_assert_uint_eq(m->rpos, 0);

	/* Missing NUL. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_u32(m, 3), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "abcd", 4), 0);
	ck_assert_int_eq(bindox_msg_read_string(m, &s, NULL), -EBADMSG);

	/* Embedded NUL. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_u32(m, 3), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "a\0c", 4), 0);
	ck_assert_int_eq(bindox_msg_read_string(m, &s, NULL), -EBADMSG);

	/* A length that would wrap. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_u32(m, UINT32_MAX), 0);
	ck_assert_int_eq(bindox_msg_read_string(m, &s, NULL), -EBADMSG);

	/* Too short for the length itself. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "ab", 2), 0);
	ck_assert_int_eq(bindox_msg_read_string(m, &s, NULL), -EBADMSG);

	/* A string may not swallow an object. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_u32(m, 20), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 1), 0);
	ck_assert_int_eq(bindox_msg_read_string(m, &s, NULL), -EBADMSG);

	bindox_msg_free(m);
}
END_TEST

START_TEST(test_limits)
{
	BindoxMsg *m = msg_new();
	static uint8_t big[BINDOX_MAX_DATA_SIZE];
	size_t i;

	ck_assert_int_eq(bindox_msg_append_bytes(m, big, sizeof(big)), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(m, big, 1), -EMSGSIZE);
	ck_assert_int_eq(bindox_msg_append_u32(m, 1), -EMSGSIZE);
	ck_assert_int_eq(bindox_msg_append_string(m, ""), -EMSGSIZE);
	ck_assert_int_eq(bindox_msg_append_handle(m, 1), -EMSGSIZE);
	ck_assert_uint_eq(bindox_msg_get_n_objects(m), 0);

	/* A failed object append leaves the message unchanged. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_bytes(m, big, sizeof(big) - 20), 0);
	ck_assert_int_eq(bindox_msg_append_node(m, 1), -EMSGSIZE);
	ck_assert_uint_eq(m->n_data, sizeof(big) - 20);
	ck_assert_uint_eq(m->n_offsets, 0);

	bindox_msg_reset(m);
	for (i = 0; i < BINDOX_MAX_OBJECTS; i++)
		ck_assert_int_eq(bindox_msg_append_node(m, i), 0);
	ck_assert_int_eq(bindox_msg_append_node(m, i), -EMSGSIZE);
	ck_assert_uint_eq(bindox_msg_get_n_objects(m), BINDOX_MAX_OBJECTS);

	bindox_msg_free(m);
}
END_TEST

START_TEST(test_reset_reserve)
{
	BindoxMsg *m = msg_new();
	BindoxCreds creds;
	size_t size;

	ck_assert_int_eq(bindox_msg_reserve(m, 1000, 10), 0);
	ck_assert_uint_ge(m->cap_data, 1000);
	ck_assert_uint_ge(m->cap_offsets, 10);
	ck_assert_int_eq(bindox_msg_reserve(m, 10, 1), 0);	/* never shrinks */
	ck_assert_uint_ge(m->cap_data, 1000);
	ck_assert_int_eq(bindox_msg_reserve(m, BINDOX_MAX_DATA_SIZE + 1, 0), -EINVAL);
	ck_assert_int_eq(bindox_msg_reserve(m, 0, BINDOX_MAX_OBJECTS + 1), -EINVAL);
	ck_assert_int_eq(bindox_msg_reserve(m, BINDOX_MAX_DATA_SIZE, BINDOX_MAX_OBJECTS), 0);

	ck_assert_int_eq(bindox_msg_append_string(m, "keep"), 0);
	ck_assert_int_eq(bindox_msg_reserve(m, 2000, 20), 0);	/* keeps content */
	ck_assert_ptr_nonnull(bindox_msg_get_data(m, &size));
	ck_assert_uint_eq(size, 4 + 5);

	/* A received header is cleared by reset. */
	m->type = BINDOX_MSG_CALL;
	m->id = 5;
	m->cookie = 6;
	m->creds.pid = 7;
	bindox_msg_reset(m);
	ck_assert_ptr_null(bindox_msg_get_data(m, &size));
	ck_assert_uint_eq(size, 0);
	ck_assert_uint_eq(bindox_msg_get_type(m), 0);
	ck_assert(bindox_msg_get_id(m) == 0 && bindox_msg_get_cookie(m) == 0);
	ck_assert_int_eq(bindox_msg_get_creds(m, &creds), 0);
	ck_assert_int_eq(creds.pid, 0);
	ck_assert_uint_eq(m->cap_data, BINDOX_MAX_DATA_SIZE);	/* capacity kept */

	bindox_msg_free(m);
}
END_TEST

START_TEST(test_empty)
{
	BindoxMsg *m = msg_new();
	const void *p;

	ck_assert_int_eq(bindox_msg_read_end(m), 0);
	ck_assert_int_eq(bindox_msg_read_bytes(m, 0, &p), 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(bindox_msg_read_bytes(m, 1, &p), -EBADMSG);
	ck_assert_int_eq(bindox_msg_append_bytes(m, NULL, 0), 0);
	ck_assert_ptr_null(bindox_msg_get_data(m, NULL));
	bindox_msg_free(m);
}
END_TEST

static Suite *msg_suite(void)
{
	Suite *s = suite_create("msg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_object_alignment);
	tcase_add_test(tc, test_read_checks_objects);
	tcase_add_test(tc, test_malformed_objects);
	tcase_add_test(tc, test_malformed_strings);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_reset_reserve);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(msg_suite)
