/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver's trace events (tracefs: events/bindox/), read from a trace
 * instance of the test's own: a call's bindox_send, bindox_receive,
 * bindox_reply and bindox_call_done carry one debug id, in that order,
 * even when the server takes the call on another CPU at once; a one-way
 * message is sent and received; a buffer moved there and back
 * gives bindox_buffer_move and bindox_buffer_revoke, a shared one
 * bindox_buffer_seal; a registration the policy refuses gives
 * bindox_policy_denied with who asked for what.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define COOKIE 0x7ace0ULL
#define INSTANCE "bindox-test-trace"
/* Sizes no other message of the test has, to find its events. */
#define CALL_SIZE 37
#define ONEWAY_SIZE 41
#define MOVE_SIZE (3 * BXB_MIB)
#define SHARE_SIZE (5 * BXB_MIB)
/* Calls enough that some are taken while their sender is still sending. */
#define ORDER_CALLS 1000

/* A trace instance with the bindox events on, and nothing else. */
static void trace_start_ck(void)
{
	bxt_trace_instance_ck(INSTANCE);
	bxt_trace_write_ck(INSTANCE, "events/bindox/enable", "1");
}

/* What the instance recorded (caller frees); the instance goes. */
static char *trace_stop_ck(void)
{
	bxt_trace_write_ck(INSTANCE, "events/bindox/enable", "0");
	return bxt_trace_take_ck(INSTANCE);
}

/* The first line after @from holding @event and then @fields, or NULL. */
static const char *find_event(const char *from, const char *event, const char *fields)
{
	char needle[256];

	snprintf(needle, sizeof(needle), " %s: %s", event, fields);
	return strstr(from, needle);
}

/* find_event() that must succeed; the failure shows what was recorded. */
static const char *find_event_ck(const char *text, const char *from, const char *event,
				 const char *fields)
{
	const char *at = find_event(from, event, fields);

	ck_assert_msg(at, "no \"%s: %s\" in the trace:\n%.3000s", event, fields, text);
	return at;
}

/* How many lines of @text are @event ending in @suffix. */
static int count_events(const char *text, const char *event, const char *suffix)
{
	char needle[128];
	const char *line, *end;
	size_t n = strlen(suffix);
	int count = 0;

	snprintf(needle, sizeof(needle), " %s: ", event);
	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if ((size_t)(end - line) >= n && !memcmp(end - n, suffix, n) &&
		    memmem(line, (size_t)(end - line), needle, strlen(needle)))
			count++;
	}
	return count;
}

/* The debug id of the bindox_send of @size bytes, one-way or not. */
static unsigned int send_debug_id_ck(const char *text, int oneway, unsigned int size)
{
	const char *at = text;
	unsigned int id, got_oneway, handle, data_size;

	while ((at = find_event(at, "bindox_send", "debug_id="))) {
		at += strlen(" bindox_send: ");
		if (sscanf(at, "debug_id=%u oneway=%u handle=%u data_size=%u", &id,
			   &got_oneway, &handle, &data_size) == 4 &&
		    (int)got_oneway == oneway && data_size == size)
			return id;
	}
	ck_abort_msg("no bindox_send oneway=%d data_size=%u in the trace:\n%.3000s", oneway,
		     size, text);
	return 0;
}

START_TEST(a_call_and_a_oneway_message)
{
	char fields[64], *text;
	const char *at;
	unsigned int call_id, oneway_id;
	BxtEcho echo;
	BxtBuf req, rep;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	bxt_echo_start_ck(&echo, e.srv);
	bxt_buf_init(&req);
	bxt_buf_init(&rep);
	trace_start_ck();
	memset(req.data, 0x5a, CALL_SIZE);
	req.size = CALL_SIZE;
	BXT_OK(bxt_call(e.cli, e.h, &req, &rep, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(rep.size, CALL_SIZE);
	req.size = ONEWAY_SIZE;
	BXT_OK(bxt_send(e.cli, e.h, &req));
	ck_assert_msg(bxt_wait_queued(0, BXT_LONG_MS) == 0, "the one-way message stays queued");
	bxt_echo_stop_ck(&echo);	/* its receive is over */
	text = trace_stop_ck();
	bxt_env_down_ck(&e);

	call_id = send_debug_id_ck(text, 0, CALL_SIZE);
	snprintf(fields, sizeof(fields), "debug_id=%u ", call_id);
	at = find_event_ck(text, find_event(text, "bindox_send", fields), "bindox_receive",
			   fields);
	at = find_event_ck(text, at, "bindox_reply", fields);
	snprintf(fields, sizeof(fields), "debug_id=%u error=0", call_id);
	find_event_ck(text, at, "bindox_call_done", fields);

	oneway_id = send_debug_id_ck(text, 1, ONEWAY_SIZE);
	ck_assert_uint_ne(oneway_id, call_id);
	snprintf(fields, sizeof(fields), "debug_id=%u id=0x0", oneway_id);
	find_event_ck(text, text, "bindox_receive", fields);
	free(text);
}
END_TEST

/*
 * How many bindox_receive lines of @text come after the bindox_send of
 * their debug id; *@early counts those that come before it (or without).
 */
static int receives_after_send(const char *text, int *early)
{
	static const char send[] = " bindox_send: ", receive[] = " bindox_receive: ";
	static unsigned int sent[ORDER_CALLS * 2];
	const char *line, *end, *at;
	unsigned int id, n_sent = 0, i;
	int ordered = 0;

	*early = 0;
	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if ((at = memmem(line, (size_t)(end - line), send, strlen(send))) &&
		    sscanf(at + strlen(send), "debug_id=%u", &id) == 1) {
			ck_assert_uint_lt(n_sent, ORDER_CALLS * 2);
			sent[n_sent++] = id;
		} else if ((at = memmem(line, (size_t)(end - line), receive, strlen(receive))) &&
			   sscanf(at + strlen(receive), "debug_id=%u", &id) == 1) {
			for (i = 0; i < n_sent && sent[i] != id; i++)
				;
			if (i < n_sent)
				ordered++;
			else
				++*early;
		}
	}
	return ordered;
}

/*
 * bindox_send says the call is queued, so a server that takes it at once
 * on another CPU must not record its bindox_receive first: a tool that
 * pairs the events (bench/bindox-latency.bt) would lose the call.
 */
START_TEST(a_call_is_sent_before_it_is_received)
{
	BxtBuf req, rep;
	BxtEcho echo;
	BxtEnv e;
	char *text;
	int early, ordered, i;

	bxt_env_up_ck(&e, COOKIE);
	bxt_echo_start_ck(&echo, e.srv);
	bxt_buf_init(&req);
	bxt_buf_init(&rep);
	req.size = CALL_SIZE;
	trace_start_ck();
	for (i = 0; i < ORDER_CALLS; i++)
		BXT_OK(bxt_call(e.cli, e.h, &req, &rep, NULL, BXT_LONG_NS));
	text = trace_stop_ck();
	bxt_echo_stop_ck(&echo);
	bxt_env_down_ck(&e);

	ordered = receives_after_send(text, &early);
	ck_assert_msg(early == 0 && ordered == ORDER_CALLS,
		      "%d of %d calls received before their bindox_send (%d after)", early,
		      ORDER_CALLS, ordered);
	free(text);
}
END_TEST

START_TEST(buffers_moved_revoked_and_sealed)
{
	BindoxBuffer *moved = NULL, *back = NULL, *shared = NULL;
	char fields[64], *text;
	BxbReport rep;
	BxbEnv e;

	bxb_env_up_ck(&e, 1);
	BXT_OK(bindox_buffer_alloc(e.c, MOVE_SIZE, &moved));
	BXT_OK(bindox_buffer_alloc(e.c, SHARE_SIZE, &shared));
	trace_start_ck();
	BXT_OK(bxb_call(e.c, e.h[0], BXB_FILL_RETURN, 0x22, moved, BINDOX_BUFFER_MOVE, &rep,
			&back));
	ck_assert_int_eq(rep.status, 0);
	BXT_OK(bxb_call(e.c, e.h[0], BXB_INSPECT, 0, shared, BINDOX_BUFFER_SHARE, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	text = trace_stop_ck();
	bindox_buffer_release(moved);
	bindox_buffer_release(back);
	bindox_buffer_release(shared);
	bxb_env_down_ck(&e);

	/* There (the client's hold) and back (the server's). */
	snprintf(fields, sizeof(fields), " size=%lu error=0", MOVE_SIZE);
	ck_assert_msg(count_events(text, "bindox_buffer_move", fields) == 2,
		      "not two bindox_buffer_move of %lu bytes:\n%.3000s", MOVE_SIZE, text);
	ck_assert_msg(count_events(text, "bindox_buffer_revoke", fields) >= 1,
		      "no bindox_buffer_revoke of %lu bytes:\n%.3000s", MOVE_SIZE, text);
	snprintf(fields, sizeof(fields), " size=%lu error=0", SHARE_SIZE);
	ck_assert_msg(count_events(text, "bindox_buffer_seal", fields) == 1,
		      "not one bindox_buffer_seal of %lu bytes:\n%.3000s", SHARE_SIZE, text);
	free(text);
}
END_TEST

static int register_child(void *arg)
{
	int fd;

	BXT_CHILD_EQ(bxt_become(1000, 1000), 0);
	fd = bxt_try_open(arg);
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_register(fd, "trace.refused", 0x77), -EACCES);
	close(fd);
	return 0;
}

START_TEST(a_refusal_of_the_policy)
{
	struct bindox_policy_load no_rules = { 0 };
	BxtCoord *co = bxt_coord_start_ck();
	char world[64], *text;

	bxt_world_node_ck(world);
	/* No rules: the built-in default, which lets only root register. */
	BXT_OK(bxt_ioctl(bindox_conn_fd(co->conn), BINDOX_IOC_POLICY_LOAD, &no_rules));
	trace_start_ck();
	bxt_reap_ck(bxt_spawn_ck(register_child, world));
	text = trace_stop_ck();
	bxt_coord_stop(co);
	bxt_assert_no_leaks();

	find_event_ck(text, text, "bindox_policy_denied",
		      "domain=host uid=1000 gid=1000 action=register service=trace.refused "
		      "peer=host");
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = bxt_tcase(s, "events");

	tcase_add_test(tc, a_call_and_a_oneway_message);
	tcase_add_test(tc, a_call_is_sent_before_it_is_received);
	tcase_add_test(tc, buffers_moved_revoked_and_sealed);
	tcase_add_test(tc, a_refusal_of_the_policy);
	return bxt_run(s);
}
