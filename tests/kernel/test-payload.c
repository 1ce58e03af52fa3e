/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbindox payloads (bindox/payload.h) on the real driver: sizes below,
 * at and above the threshold and beyond BINDOX_MAX_DATA_SIZE arrive byte
 * for byte; the large ones as moved buffers (the same page frames, the
 * sender's mapping faults afterwards); a reply travels back in the buffer
 * its call came in, into the caller's old mapping; the threshold is per
 * connection and refused beyond BINDOX_MAX_DATA_SIZE.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include "bxt.h"
#include "bxt-buffer.h"

/* A Coordinator, a server and a client connection, the client's handle. */
typedef struct PayloadEnv {
	BxtCoord *coord;
	BindoxConn *srv, *cli;
	uint32_t h;
} PayloadEnv;

static void env_up(PayloadEnv *e)
{
	e->coord = bxt_coord_start_ck();
	e->srv = bxt_conn_ck();
	e->cli = bxt_conn_ck();
	e->h = bxt_link_ck(bindox_conn_fd(e->srv), 1, bindox_conn_fd(e->cli));
}

static void env_down(PayloadEnv *e)
{
	e->cli = bindox_conn_close(e->cli);
	e->srv = bindox_conn_close(e->srv);
	bxt_coord_stop(e->coord);
	e->coord = NULL;
	bxt_assert_no_leaks();
}

static uint8_t pattern(size_t i, unsigned int seed)
{
	return (uint8_t)(i * 131U + i / 4093U + seed);
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = pattern(i, seed);
}

/* Index of the first byte of @p that is not pattern @seed, or @n. */
static size_t first_wrong(const uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pattern(i, seed))
			break;
	return i;
}

static bool faulted(int sig)
{
	return sig == SIGBUS || sig == SIGSEGV;
}

/*
 * Send a payload of @size bytes (pattern @seed, then a u32) from the client
 * to the server one-way; check every byte on the other side, and that it
 * came inline or, if @in_buffer, as a moved buffer in the very same page
 * frames that the sender can no longer touch.
 */
static void send_and_check(PayloadEnv *e, size_t size, unsigned int seed, bool in_buffer)
{
	BindoxMsg *out = NULL, *in = NULL;
	struct bindox_buffer_info info;
	uint64_t pfn[BXB_PROBES], pfn_in[BXB_PROBES];
	struct bindox_object obj;
	BindoxBuffer *b = NULL;
	const uint8_t *data;
	uint32_t tail;
	uint8_t *p;
	size_t n;
	int i;

	BXT_OK(bindox_msg_new(&out));
	BXT_OK(bindox_msg_new(&in));
	BXT_OK(bindox_msg_payload_reserve(out, e->cli, size, NULL, (void **)&p));
	fill(p, size, seed);
	BXT_OK(bindox_msg_append_u32(out, 0xFEED0000U + seed));
	ck_assert_uint_eq(bindox_msg_get_n_objects(out), in_buffer ? 1 : 0);
	if (in_buffer)
		bxb_probe_pfns(p, size, pfn);

	BXT_OK(bindox_send_oneway(e->cli, e->h, out));
	BXT_OK(bindox_recv(e->srv, in, BXT_LONG_NS));
	BXT_OK(bindox_msg_get_payload(in, (const void **)&data, &n));
	ck_assert_uint_eq(n, size);
	n = first_wrong(data, size, seed);
	ck_assert_msg(n == size, "size %zu: byte %zu differs", size, n);
	BXT_OK(bindox_msg_read_u32(in, &tail));
	ck_assert_uint_eq(tail, 0xFEED0000U + seed);
	BXT_OK(bindox_msg_read_end(in));

	if (!in_buffer) {
		ck_assert_uint_eq(bindox_msg_get_n_objects(in), 0);
		BXT_ERR(bindox_msg_take_payload_buffer(in, &b), ENODATA);
	} else {
		/* Not copied: the receiver reads the sender's page frames. */
		bxb_probe_pfns(data, size, pfn_in);
		for (i = 0; i < BXB_PROBES; i++)
			ck_assert_msg(pfn_in[i] == pfn[i] && pfn[i] != 0,
				      "size %zu, probe %d: pfn %#llx sent, %#llx received", size,
				      i, (unsigned long long)pfn[i],
				      (unsigned long long)pfn_in[i]);
		/* Moved: the sender's id is spent and its mapping faults. */
		BXT_OK(bindox_msg_get_object(out, 0, &obj, NULL));
		BXT_OK(bxb_info(bindox_conn_fd(e->cli), (uint32_t)obj.value, &info));
		ck_assert_uint_eq(info.flags, BINDOX_BUF_MOVED);
		ck_assert(faulted(bxb_access_signal(p, true)));
		ck_assert(faulted(bxb_access_signal(p + size - 1, false)));
		/* The receiver owns it, writable. */
		BXT_OK(bindox_msg_take_payload_buffer(in, &b));
		ck_assert(bindox_buffer_writable(b));
		ck_assert_ptr_eq(bindox_buffer_data(b), data);
		BXT_OK(bxb_info(bindox_conn_fd(e->srv), bindox_buffer_id(b), &info));
		ck_assert_uint_eq(info.flags, BINDOX_BUF_WRITABLE);
		((uint8_t *)bindox_buffer_data(b))[0] = 1;
		bindox_buffer_release(b);
	}
	bindox_msg_free(out);
	bindox_msg_free(in);
}

START_TEST(sizes_below_at_and_above_the_threshold)
{
	const size_t min = BINDOX_PAYLOAD_BUFFER_MIN;
	PayloadEnv e;

	env_up(&e);
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(e.cli), min);
	send_and_check(&e, 0, 1, false);
	send_and_check(&e, 1, 2, false);
	send_and_check(&e, min - 1, 3, false);
	send_and_check(&e, min, 4, true);
	send_and_check(&e, min + 1, 5, true);
	send_and_check(&e, BINDOX_MAX_DATA_SIZE + 1, 6, true);
	send_and_check(&e, 16 * BXB_MIB + 3, 7, true);
	env_down(&e);
}
END_TEST

START_TEST(the_threshold_is_per_connection_and_checked)
{
	PayloadEnv e;

	env_up(&e);
	BXT_ERR(bindox_conn_set_payload_buffer_min(e.cli, BINDOX_MAX_DATA_SIZE + 1), EINVAL);
	BXT_ERR(bindox_conn_set_payload_buffer_min(NULL, 4096), EINVAL);
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(e.cli), BINDOX_PAYLOAD_BUFFER_MIN);

	BXT_OK(bindox_conn_set_payload_buffer_min(e.cli, 4096));
	ck_assert_uint_eq(bindox_conn_get_payload_buffer_min(e.srv), BINDOX_PAYLOAD_BUFFER_MIN);
	send_and_check(&e, 4095, 1, false);
	send_and_check(&e, 4096, 2, true);

	/*
	 * The largest threshold: what fits in a message goes inline (here with
	 * the u32 send_and_check() appends), what does not in a buffer.
	 */
	BXT_OK(bindox_conn_set_payload_buffer_min(e.cli, BINDOX_MAX_DATA_SIZE));
	send_and_check(&e, BINDOX_MAX_DATA_SIZE - BINDOX_PAYLOAD_HEADER_SIZE - 4, 3, false);
	send_and_check(&e, BINDOX_MAX_DATA_SIZE - BINDOX_PAYLOAD_HEADER_SIZE + 1, 4, true);
	env_down(&e);
}
END_TEST

/* The server: answer one call with its payload inverted, in its own buffer. */
typedef struct Echo {
	PayloadEnv *e;
	int step;	/* the step that failed, 0 if none */
	int r;
	bool reused;
} Echo;

static void *echo_run(void *arg)
{
	Echo *x = arg;
	BindoxMsg *in = NULL, *out = NULL;
	BindoxBuffer *b = NULL;
	const uint8_t *data;
	uint8_t *p;
	size_t n, i;

	x->step = 1;
	x->r = bindox_msg_new(&in);
	if (x->r == 0 && (x->step = 2, x->r = bindox_msg_new(&out)) == 0 &&
	    (x->step = 3, x->r = bindox_recv(x->e->srv, in, BXT_LONG_NS)) == 0 &&
	    (x->step = 4, x->r = bindox_msg_get_payload(in, (const void **)&data, &n)) == 0 &&
	    (x->step = 5, x->r = bindox_msg_take_payload_buffer(in, &b)) == 0 &&
	    (x->step = 6, x->r = bindox_msg_payload_reserve(out, x->e->srv, n, &b,
							   (void **)&p)) == 0) {
		x->reused = !b && p == data;
		for (i = 0; i < n; i++)
			p[i] = (uint8_t)~data[i];
		x->step = 7;
		x->r = bindox_reply(x->e->srv, bindox_msg_get_id(in), out, in);
		if (x->r >= 0)
			x->step = x->r = 0;
	}
	bindox_buffer_release(b);
	bindox_msg_free(in);
	bindox_msg_free(out);
	return NULL;
}

START_TEST(a_reply_returns_in_the_buffer_of_its_call)
{
	const size_t size = 2 * BXB_MIB + 5;
	BindoxMsg *req = NULL, *reply = NULL;
	Echo x = { 0 };
	const uint8_t *data;
	PayloadEnv e;
	pthread_t t;
	uint8_t *p;
	size_t n, i;

	env_up(&e);
	x.e = &e;
	BXT_OK(bindox_msg_new(&req));
	BXT_OK(bindox_msg_new(&reply));
	BXT_OK(bindox_msg_payload_reserve(req, e.cli, size, NULL, (void **)&p));
	fill(p, size, 9);
	ck_assert_int_eq(pthread_create(&t, NULL, echo_run, &x), 0);
	BXT_OK(bindox_call(e.cli, e.h, req, reply, BXT_LONG_NS));
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(x.r == 0, "server step %d: %s", x.step, bxt_errname(x.r));
	ck_assert_msg(x.reused, "the server allocated a buffer for its reply");

	/* Back in the caller's old mapping, inverted in place. */
	BXT_OK(bindox_msg_get_payload(reply, (const void **)&data, &n));
	ck_assert_uint_eq(n, size);
	ck_assert_ptr_eq(data, p);
	for (i = 0; i < size; i++) {
		uint8_t inverted = (uint8_t)~data[i];

		if (inverted != pattern(i, 9))
			break;
	}
	ck_assert_msg(i == size, "byte %zu differs", i);
	bindox_msg_free(req);
	bindox_msg_free(reply);
	env_down(&e);
}
END_TEST

START_TEST(ordinary_data_is_no_payload)
{
	BindoxMsg *out = NULL, *in = NULL;
	const void *data;
	PayloadEnv e;

	env_up(&e);
	BXT_OK(bindox_msg_new(&out));
	BXT_OK(bindox_msg_new(&in));
	BXT_OK(bindox_msg_append_string(out, "BDXPAYLD is only a marker at the start"));
	BXT_OK(bindox_send_oneway(e.cli, e.h, out));
	BXT_OK(bindox_recv(e.srv, in, BXT_LONG_NS));
	BXT_ERR(bindox_msg_get_payload(in, &data, NULL), ENOMSG);
	bindox_msg_free(out);
	bindox_msg_free(in);
	env_down(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("payload");
	TCase *tc = bxt_tcase(s, "payload");

	tcase_add_test(tc, sizes_below_at_and_above_the_threshold);
	tcase_add_test(tc, the_threshold_is_per_connection_and_checked);
	tcase_add_test(tc, a_reply_returns_in_the_buffer_of_its_call);
	tcase_add_test(tc, ordinary_data_is_no_payload);
	return bxt_run(s);
}
