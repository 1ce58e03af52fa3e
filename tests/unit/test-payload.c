/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Payloads (bindox/payload.h) against the fake driver: the threshold and
 * its limits, argument checks, inline payloads below it and at the inline
 * limit, buffer payloads at and above it, data appended after a payload,
 * reuse of a received buffer for the reply, refused reuse, failures that
 * leave the message empty, and malformed headers. The kernel's side (the
 * sender's access revoked, sizes beyond BINDOX_MAX_DATA_SIZE) is tested in
 * the guest: tests/kernel/test-payload.c.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <bindox/bindox.h>
#include "buffer-fixture.h"
#include "fake-driver.h"
#include "check-main.h"

#define HDR BINDOX_PAYLOAD_HEADER_SIZE

/* Byte @i of the pattern of payload number @seed. */
static uint8_t pattern(size_t i, unsigned int seed)
{
	return (uint8_t)(i * 31U + i / 251U + seed);
}

static void fill(void *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		((uint8_t *)p)[i] = pattern(i, seed);
}

static void check_bytes(const void *p, size_t n, unsigned int seed)
{
	size_t i;

	/* One assertion: each one is a write to Check's pipe. */
	for (i = 0; i < n; i++)
		if (((const uint8_t *)p)[i] != pattern(i, seed))
			break;
	ck_assert_msg(i == n, "byte %zu of %zu differs", i, n);
}

/* Client -> server one-way: a payload of @size bytes and a u32 after it. */
static BindoxMsg *send_payload(size_t size, unsigned int seed)
{
	BindoxMsg *out = msg_new(), *in = msg_new();
	void *p = NULL;

	ck_assert_int_eq(bindox_msg_payload_reserve(out, client_conn, size, NULL, &p), 0);
	fill(p, size, seed);
	ck_assert_int_eq(bindox_msg_append_u32(out, 0xA11CE + seed), 0);
	ck_assert_int_eq(bindox_send_oneway(client_conn, server_handle, out), 0);
	ck_assert_int_eq(bindox_recv(server_conn, in, 0), 0);
	bindox_msg_free(out);
	return in;
}

/* The payload of @in is @size bytes of pattern @seed, then the u32. */
static void check_payload(BindoxMsg *in, size_t size, unsigned int seed)
{
	const void *p = NULL;
	size_t n = 0;
	uint32_t tail;

	ck_assert_int_eq(bindox_msg_get_payload(in, &p, &n), 0);
	ck_assert_uint_eq(n, size);
	ck_assert_uint_eq((uintptr_t)p % 8, 0);
	check_bytes(p, n, seed);
	ck_assert_int_eq(bindox_msg_read_u32(in, &tail), 0);
	ck_assert_uint_eq(tail, 0xA11CE + seed);
	ck_assert_int_eq(bindox_msg_read_end(in), 0);
}

START_TEST(test_threshold)
{
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(client_conn),
			  BINDOX_PAYLOAD_BUFFER_MIN);
	ck_assert_uint_eq(BINDOX_PAYLOAD_BUFFER_MIN, 12 * 1024);
	ck_assert_int_eq(bindox_conn_set_payload_buffer_min(NULL, 1), -EINVAL);
	ck_assert_int_eq(bindox_conn_set_payload_buffer_min(client_conn, BINDOX_MAX_DATA_SIZE + 1),
			 -EINVAL);
	ck_assert_int_eq(bindox_conn_set_payload_buffer_min(client_conn, SIZE_MAX), -EINVAL);
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(client_conn),
			  BINDOX_PAYLOAD_BUFFER_MIN);
	ck_assert_int_eq(bindox_conn_set_payload_buffer_min(client_conn, BINDOX_MAX_DATA_SIZE), 0);
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(client_conn), BINDOX_MAX_DATA_SIZE);
	ck_assert_int_eq(bindox_conn_set_payload_buffer_min(client_conn, 0), 0);
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(client_conn), 0);
	/* Per connection. */
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(server_conn),
			  BINDOX_PAYLOAD_BUFFER_MIN);
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(NULL), 0);
}
END_TEST

START_TEST(test_reserve_args)
{
	BindoxMsg *m = msg_new();
	void *p = NULL;
	size_t n;

	ck_assert_int_eq(bindox_msg_payload_reserve(NULL, client_conn, 1, NULL, &p), -EINVAL);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, NULL, 1, NULL, &p), -EINVAL);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 1, NULL, NULL), -EINVAL);
	ck_assert_ptr_null(bindox_msg_get_data(m, &n));

	/* A payload comes first, and only once. */
	ck_assert_int_eq(bindox_msg_append_u32(m, 1), 0);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 1, NULL, &p), -EBUSY);
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_append_node(m, 9), 0);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 1, NULL, &p), -EBUSY);
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 1, NULL, &p), 0);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 1, NULL, &p), -EBUSY);
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, BINDOX_PAYLOAD_BUFFER_MIN,
						    NULL, &p), 0);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 1, NULL, &p), -EBUSY);
	bindox_msg_free(m);
	ck_assert_uint_eq(fake_driver_count_buffer_ids(bindox_conn_fd(client_conn)), 0);
}
END_TEST

START_TEST(test_get_args)
{
	BindoxMsg *m = msg_new();
	BindoxBuffer *b = NULL;
	const void *p = NULL;
	void *w = NULL;

	ck_assert_int_eq(bindox_msg_get_payload(NULL, &p, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_get_payload(m, NULL, NULL), -EINVAL);
	ck_assert_int_eq(bindox_msg_take_payload_buffer(NULL, &b), -EINVAL);
	ck_assert_int_eq(bindox_msg_take_payload_buffer(m, NULL), -EINVAL);
	/* Empty, and data without the marker. */
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, NULL), -ENOMSG);
	ck_assert_int_eq(bindox_msg_append_string(m, "BDXPAYL"), 0);
	ck_assert_int_eq(bindox_msg_append_bytes(m, "0123456789012345678901234", 25), 0);
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, NULL), -ENOMSG);
	ck_assert_int_eq(bindox_msg_take_payload_buffer(m, &b), -ENOMSG);
	/* An inline payload has no buffer to take. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 10, NULL, &w), 0);
	ck_assert_int_eq(bindox_msg_take_payload_buffer(m, &b), -ENODATA);
	ck_assert_ptr_null(b);
	bindox_msg_free(m);
}
END_TEST

START_TEST(test_inline)
{
	const size_t sizes[] = { 1, 7, 1000, BINDOX_PAYLOAD_BUFFER_MIN - 1 };
	BindoxMsg *in;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		in = send_payload(sizes[i], (unsigned int)i);
		ck_assert_uint_eq(bindox_msg_get_n_objects(in), 0);
		check_payload(in, sizes[i], (unsigned int)i);
		/* Getting it again gives the same, the cursor behind it again. */
		check_payload(in, sizes[i], (unsigned int)i);
		bindox_msg_free(in);
	}
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
}
END_TEST

START_TEST(test_empty_is_inline)
{
	BindoxMsg *in;

	ck_assert_int_eq(bindox_conn_set_payload_buffer_min(client_conn, 0), 0);
	in = send_payload(0, 3);
	ck_assert_uint_eq(bindox_msg_get_n_objects(in), 0);
	check_payload(in, 0, 3);
	bindox_msg_free(in);
	/* With 0 every other size goes in a buffer. */
	in = send_payload(1, 4);
	ck_assert_uint_eq(bindox_msg_get_n_objects(in), 1);
	check_payload(in, 1, 4);
	bindox_msg_free(in);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
}
END_TEST

START_TEST(test_inline_limit)
{
	const size_t max = BINDOX_MAX_DATA_SIZE - HDR;
	BindoxMsg *m = msg_new();
	size_t n;
	void *p;

	ck_assert_int_eq(bindox_conn_set_payload_buffer_min(client_conn, BINDOX_MAX_DATA_SIZE), 0);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, max, NULL, &p), 0);
	bindox_msg_get_data(m, &n);
	ck_assert_uint_eq(n, BINDOX_MAX_DATA_SIZE);
	ck_assert_uint_eq(bindox_msg_get_n_objects(m), 0);
	/* Nothing fits after it. */
	ck_assert_int_eq(bindox_msg_append_u32(m, 1), -EMSGSIZE);
	bindox_msg_reset(m);

	/* One byte more does not fit inline: a buffer, below the threshold. */
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, max + 1, NULL, &p), 0);
	ck_assert_uint_eq(bindox_msg_get_n_objects(m), 1);
	ck_assert_uint_eq(fake_driver_count_buffers(), 1);
	bindox_msg_free(m);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
}
END_TEST

START_TEST(test_buffer)
{
	const size_t sizes[] = { BINDOX_PAYLOAD_BUFFER_MIN, BINDOX_PAYLOAD_BUFFER_MIN + 1,
				 BINDOX_MAX_DATA_SIZE + 1 };
	BindoxBuffer *b = NULL;
	const void *p;
	BindoxMsg *in;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		in = send_payload(sizes[i], (unsigned int)i);
		ck_assert_uint_eq(bindox_msg_get_n_objects(in), 1);
		check_payload(in, sizes[i], (unsigned int)i);
		ck_assert_int_eq(bindox_msg_take_payload_buffer(in, &b), 0);
		ck_assert(bindox_buffer_writable(b));
		ck_assert_uint_ge(bindox_buffer_size(b), sizes[i]);
		ck_assert_uint_eq(bindox_buffer_size(b) % page, 0);
		check_bytes(bindox_buffer_data(b), sizes[i], (unsigned int)i);
		/* Taken: the message has nothing left to give. */
		ck_assert_int_eq(bindox_msg_get_payload(in, &p, NULL), -EALREADY);
		ck_assert_int_eq(bindox_msg_take_payload_buffer(in, &b), -EALREADY);
		bindox_msg_free(in);
		ck_assert_uint_eq(fake_driver_count_buffers(), 1);
		bindox_buffer_release(b);
		ck_assert_uint_eq(fake_driver_count_buffers(), 0);
	}
	/* A buffer not taken goes with its message. */
	in = send_payload(BINDOX_PAYLOAD_BUFFER_MIN, 9);
	check_payload(in, BINDOX_PAYLOAD_BUFFER_MIN, 9);
	ck_assert_uint_eq(fake_driver_count_buffer_ids(bindox_conn_fd(server_conn)), 1);
	bindox_msg_reset(in);
	ck_assert_uint_eq(fake_driver_count_buffer_ids(bindox_conn_fd(server_conn)), 0);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
	bindox_msg_free(in);
}
END_TEST

/* The sender's own message: a taken buffer is gone for it too. */
START_TEST(test_sender_take)
{
	BindoxBuffer *b = NULL, *again = NULL;
	BindoxMsg *m = NULL;
	const void *q;
	void *p;

	ck_assert_int_eq(bindox_msg_new(&m), 0);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, BINDOX_PAYLOAD_BUFFER_MIN, NULL,
						    &p), 0);
	ck_assert_int_eq(bindox_msg_take_payload_buffer(m, &b), 0);
	ck_assert_ptr_eq(bindox_buffer_data(b), p);
	ck_assert_int_eq(bindox_msg_get_payload(m, &q, NULL), -EALREADY);
	ck_assert_int_eq(bindox_msg_take_payload_buffer(m, &again), -EALREADY);
	ck_assert_ptr_null(again);
	/* A reset message starts afresh. */
	bindox_msg_reset(m);
	ck_assert_int_eq(bindox_msg_get_payload(m, &q, NULL), -ENOMSG);
	bindox_msg_free(m);
	bindox_buffer_release(b);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
}
END_TEST

START_TEST(test_threshold_applies)
{
	BindoxMsg *in;

	ck_assert_int_eq(bindox_conn_set_payload_buffer_min(client_conn, 4096), 0);
	in = send_payload(4095, 1);
	ck_assert_uint_eq(bindox_msg_get_n_objects(in), 0);
	check_payload(in, 4095, 1);
	bindox_msg_free(in);
	in = send_payload(4096, 2);
	ck_assert_uint_eq(bindox_msg_get_n_objects(in), 1);
	check_payload(in, 4096, 2);
	bindox_msg_free(in);
}
END_TEST

/* The server answers in the buffer the call came in: no allocation. */
START_TEST(test_reply_reuses_buffer)
{
	const size_t size = 3 * BINDOX_PAYLOAD_BUFFER_MIN;
	FakeCaller c = { .req = msg_new(), .reply = msg_new() };
	BindoxMsg *in = msg_new(), *out = msg_new();
	BindoxBuffer *got = NULL, *keep;
	const void *rp;
	void *p = NULL;
	size_t n;

	ck_assert_int_eq(bindox_msg_payload_reserve(c.req, client_conn, size, NULL, &p), 0);
	fill(p, size, 5);
	fake_caller_start(&c, client_conn, server_handle);
	ck_assert_int_eq(bindox_recv(server_conn, in, -1), 0);
	ck_assert_int_eq(bindox_msg_take_payload_buffer(in, &got), 0);
	keep = got;

	/* Smaller than the buffer: it is taken, with its old content. */
	ck_assert_int_eq(bindox_msg_payload_reserve(out, server_conn, size - 1, &got, &p), 0);
	ck_assert_ptr_null(got);
	ck_assert_ptr_eq(p, bindox_buffer_data(keep));
	check_bytes(p, size - 1, 5);
	fill(p, size - 1, 6);
	ck_assert_uint_eq(fake_driver_count_buffers(), 1);
	ck_assert_int_eq(bindox_reply(server_conn, bindox_msg_get_id(in), out, in), 0);
	ck_assert_int_eq(fake_caller_join(&c), 0);

	ck_assert_int_eq(bindox_msg_get_payload(c.reply, &rp, &n), 0);
	ck_assert_uint_eq(n, size - 1);
	check_bytes(rp, n, 6);
	ck_assert_uint_eq(fake_driver_count_buffers(), 1);
	fake_caller_free(&c);
	bindox_msg_free(in);
	bindox_msg_free(out);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
}
END_TEST

START_TEST(test_reuse_refused)
{
	BindoxBuffer *small = NULL, *other = NULL, *appended = NULL, *offer;
	BindoxMsg *m = msg_new(), *x = msg_new();
	void *p;

	ck_assert_int_eq(bindox_buffer_alloc(client_conn, page, &small), 0);
	ck_assert_int_eq(bindox_buffer_alloc(server_conn, 2 * BINDOX_PAYLOAD_BUFFER_MIN, &other),
			 0);
	ck_assert_int_eq(bindox_buffer_alloc(client_conn, 2 * BINDOX_PAYLOAD_BUFFER_MIN,
					     &appended), 0);
	ck_assert_int_eq(bindox_msg_append_buffer(x, appended, BINDOX_BUFFER_SHARE), 0);

	/* Too small, another connection's, no longer writable: all kept. */
	offer = small;
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, BINDOX_PAYLOAD_BUFFER_MIN,
						    &offer, &p), 0);
	ck_assert_ptr_eq(offer, small);
	ck_assert_ptr_ne(p, bindox_buffer_data(small));
	bindox_msg_reset(m);
	offer = other;
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, BINDOX_PAYLOAD_BUFFER_MIN,
						    &offer, &p), 0);
	ck_assert_ptr_eq(offer, other);
	bindox_msg_reset(m);
	offer = appended;
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, BINDOX_PAYLOAD_BUFFER_MIN,
						    &offer, &p), 0);
	ck_assert_ptr_eq(offer, appended);
	bindox_msg_reset(m);
	/* An inline payload leaves the offer alone too. */
	offer = small;
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 16, &offer, &p), 0);
	ck_assert_ptr_eq(offer, small);
	ck_assert_uint_eq(fake_driver_count_buffers(), 3);

	bindox_buffer_release(small);
	bindox_buffer_release(other);
	bindox_buffer_release(appended);
	bindox_msg_free(m);
	bindox_msg_free(x);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
}
END_TEST

START_TEST(test_failure_leaves_message_empty)
{
	BindoxBuffer *small = NULL, *offer;
	BindoxMsg *m = msg_new();
	void *p = NULL;
	size_t n;

	ck_assert_int_eq(bindox_buffer_alloc(client_conn, page, &small), 0);
	fake_driver_set_buffer_quota(page);
	offer = small;
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 2 * BINDOX_PAYLOAD_BUFFER_MIN,
						    &offer, &p), -EDQUOT);
	ck_assert_ptr_eq(offer, small);
	ck_assert_ptr_null(bindox_msg_get_data(m, &n));
	ck_assert_uint_eq(n, 0);
	fake_driver_set_buffer_quota(UINT64_MAX);
	fake_driver_fail_mmap(-ENOMEM);
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, BINDOX_PAYLOAD_BUFFER_MIN,
						    NULL, &p), -ENOMEM);
	ck_assert_ptr_null(bindox_msg_get_data(m, &n));
	/* The buffer allocated before the mapping failed is gone again. */
	ck_assert_uint_eq(fake_driver_count_buffers(), 1);
	fake_driver_fail_mmap(0);
	/* The message is still good for a payload. */
	ck_assert_int_eq(bindox_msg_payload_reserve(m, client_conn, 8, NULL, &p), 0);
	bindox_buffer_release(small);
	bindox_msg_free(m);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
}
END_TEST

/* A header of @kind, @zero and @size as a sender could forge it. */
static void forge(BindoxMsg *m, uint32_t kind, uint32_t zero, uint64_t size)
{
	ck_assert_int_eq(bindox_msg_append_bytes(m, BINDOX_PAYLOAD_MARKER, 8), 0);
	ck_assert_int_eq(bindox_msg_append_u32(m, kind), 0);
	ck_assert_int_eq(bindox_msg_append_u32(m, zero), 0);
	ck_assert_int_eq(bindox_msg_append_u64(m, size), 0);
}

START_TEST(test_malformed)
{
	BindoxMsg *m = msg_new(), *in = msg_new();
	BindoxBuffer *b = NULL;
	const void *p;
	size_t n;

	forge(m, 1, 0, 4);
	ck_assert_int_eq(bindox_msg_append_u32(m, 7), 0);
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, &n), 0);	/* the twin that works */
	ck_assert_uint_eq(n, 4);
	bindox_msg_reset(m);
	forge(m, 1, 0, 5);	/* longer than the data */
	ck_assert_int_eq(bindox_msg_append_u32(m, 7), 0);
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, &n), -EBADMSG);
	bindox_msg_reset(m);
	forge(m, 1, 0, UINT64_MAX);
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, &n), -EBADMSG);
	bindox_msg_reset(m);
	forge(m, 1, 1, 0);	/* the zero field */
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, &n), -EBADMSG);
	bindox_msg_reset(m);
	forge(m, 3, 0, 0);	/* unknown kind */
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, &n), -EBADMSG);
	bindox_msg_reset(m);
	forge(m, 1, 0, 8);	/* an object inside the inline bytes */
	ck_assert_int_eq(bindox_msg_append_node(m, 5), 0);
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, &n), -EBADMSG);
	bindox_msg_reset(m);
	forge(m, 2, 0, 8);	/* a buffer payload without an object */
	ck_assert_int_eq(bindox_msg_append_u64(m, 0), 0);
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, &n), -EBADMSG);
	bindox_msg_reset(m);
	forge(m, 2, 0, 8);	/* whose object is not a buffer */
	ck_assert_int_eq(bindox_msg_append_node(m, 5), 0);
	ck_assert_int_eq(bindox_msg_get_payload(m, &p, &n), -EBADMSG);
	bindox_msg_reset(m);

	/* A buffer payload that claims more than the buffer delivered. */
	ck_assert_int_eq(bindox_buffer_alloc(client_conn, page, &b), 0);
	forge(m, 2, 0, page + 1);
	ck_assert_int_eq(bindox_msg_append_buffer(m, b, BINDOX_BUFFER_MOVE), 0);
	ck_assert_int_eq(bindox_send_oneway(client_conn, server_handle, m), 0);
	ck_assert_int_eq(bindox_recv(server_conn, in, 0), 0);
	ck_assert_int_eq(bindox_msg_get_payload(in, &p, &n), -EBADMSG);
	bindox_msg_free(in);
	bindox_buffer_release(b);
	bindox_msg_free(m);
	ck_assert_uint_eq(fake_driver_count_buffers(), 0);
}
END_TEST

static Suite *payload_suite(void)
{
	Suite *s = suite_create("payload");
	TCase *tc = tcase_create("payload");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_threshold);
	tcase_add_test(tc, test_reserve_args);
	tcase_add_test(tc, test_get_args);
	tcase_add_test(tc, test_inline);
	tcase_add_test(tc, test_empty_is_inline);
	tcase_add_test(tc, test_inline_limit);
	tcase_add_test(tc, test_buffer);
	tcase_add_test(tc, test_sender_take);
	tcase_add_test(tc, test_threshold_applies);
	tcase_add_test(tc, test_reply_reuses_buffer);
	tcase_add_test(tc, test_reuse_refused);
	tcase_add_test(tc, test_failure_leaves_message_empty);
	tcase_add_test(tc, test_malformed);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(payload_suite)
