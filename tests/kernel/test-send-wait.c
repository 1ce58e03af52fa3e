/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A one-way send with BINDOX_TF_WAIT_ROOM waits while the target's queue
 * has no room for it, as a blocking write to a full socket does, where the
 * same send without the flag fails with EAGAIN at once:
 * - it goes out once the receiver takes one message, exactly once, last,
 *   and the receiver does not see the flag;
 * - a stop and continue leaves it waiting (the ioctl restarts);
 * - a handler without SA_RESTART ends it with EINTR, nothing queued;
 * - the target's death ends it with BINDOX_EDEADPEER;
 * - a receive that brings the queue to half its length wakes it.
 * The queue is full for the sender when its uid holds its share
 * (max_queued_per_sender) of the target's queue, or (the last) when the
 * queue holds max_queued messages.
 */

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define COOKIE 0x5e4dULL
#define INSTANCE "bindox-test-send-wait"

/* The size of @head padded to @size bytes: the larger of the two. */
static size_t padded_size(const char *head, size_t size)
{
	return size > strlen(head) ? size : strlen(head);
}

/* A message of @head, padded with @pad to @size bytes if that is more. */
static void padded_message(BxtBuf *m, const char *head, char pad, size_t size)
{
	char padding[BXT_BUF_DATA];
	size_t n = padded_size(head, size) - strlen(head);

	memset(padding, pad, n);
	bxt_buf_init(m);
	bxt_buf_str(m, head);
	bxt_buf_put(m, padding, n);
}

/* Send "fill" until the queue refuses: the uid's whole share, asserted. */
static unsigned long fill_share_ck(BxtEnv *e)
{
	unsigned long share = bxb_param_get_ck("max_queued_per_sender");
	unsigned long sent = 0;
	BxtBuf m;

	padded_message(&m, "fill", 'f', 0);
	while (sent <= share && bxt_send(e->cli, e->h, &m) == 0)
		sent++;
	ck_assert_uint_eq(sent, share);
	/* The twin: without the flag, a full queue refuses at once. */
	BXT_ERR(bxt_send_flags(e->cli, e->h, BINDOX_TF_ONEWAY, &m), EAGAIN);
	return sent;
}

/* Send "fill" padded to @size bytes without waiting: @want, 0 or -errno. */
static void send_fill_ck(BxtEnv *e, size_t size, int want)
{
	BxtBuf m;

	padded_message(&m, "fill", 'f', size);
	ck_assert_int_eq(bxt_send(e->cli, e->h, &m), want);
}

/*
 * A process that sends "waited" (padded to @size bytes if more) with
 * BINDOX_TF_WAIT_ROOM and exits with 0, or with the error; with @handler,
 * SIGUSR1 runs a handler (no SA_RESTART).
 */
static pid_t fork_waiting_sender(BxtEnv *e, bool handler, size_t size)
{
	pid_t pid;
	BxtBuf m;

	pid = bxt_fork_ck();
	if (pid == 0) {
		/* The target dies when the test closes its file: not ours. */
		close(e->srv);
		if (handler)
			BXT_CHILD_EQ(bxt_usr1_handler(0), 0);
		padded_message(&m, "waited", 'w', size);
		_exit(-bxt_send_flags(e->cli, e->h,
				  BINDOX_TF_ONEWAY | BINDOX_TF_WAIT_ROOM, &m));
	}
	bxt_wait_asleep_ck(pid);
	return pid;
}

/*
 * Receive @n "fill" messages, then @last (padded to @last_size bytes if
 * more) if not NULL, then nothing.
 */
static void receive_all_ck(BxtEnv *e, unsigned long n, const char *last, size_t last_size)
{
	struct bindox_message hdr;
	BxtBuf b;

	for (unsigned long i = 0; i < n; i++) {
		bxt_buf_init(&b);
		BXT_OK(bxt_recv(e->srv, &b, &hdr, BXT_LONG_NS));
		ck_assert(b.size >= 4 && !memcmp(b.data, "fill", 4));
	}
	if (last) {
		bxt_buf_init(&b);
		BXT_OK(bxt_recv(e->srv, &b, &hdr, BXT_LONG_NS));
		ck_assert_uint_eq(b.size, padded_size(last, last_size));
		ck_assert(!memcmp(b.data, last, strlen(last)));
		ck_assert_uint_eq(hdr.type, BINDOX_MSG_ONEWAY);
		ck_assert_uint_eq(hdr.flags, BINDOX_TF_ONEWAY);
	}
	bxt_buf_init(&b);
	BXT_ERR(bxt_recv(e->srv, &b, NULL, 0), EAGAIN);
}

/* Take one message off the queue: the room the waiting sender needs. */
static void receive_one_ck(BxtEnv *e)
{
	BxtBuf b;

	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e->srv, &b, NULL, BXT_LONG_NS));
}

/*
 * The test's start: a queue full for the client's uid and a sender
 * waiting for room in it; *@n "fill" messages are queued.
 */
static pid_t waiting_sender_ck(BxtEnv *e, unsigned long *n, bool handler)
{
	bxt_env_up_ck(e, COOKIE);
	*n = fill_share_ck(e);
	return fork_waiting_sender(e, handler, 0);
}

/* The waiting sender still waits; one receive lets it send, once, last. */
static void room_lets_it_send_ck(BxtEnv *e, pid_t pid, unsigned long n)
{
	bxt_still_running_ck(pid);
	receive_one_ck(e);
	bxt_reap_ck(pid);
	receive_all_ck(e, n - 1, "waited", 0);
	bxt_env_down_ck(e);
}

START_TEST(full_queue_send_waits_for_room)
{
	unsigned long n;
	BxtEnv e;
	pid_t pid;

	pid = waiting_sender_ck(&e, &n, false);
	room_lets_it_send_ck(&e, pid, n);
}
END_TEST

/* Sent once: a restart does not send it twice. */
START_TEST(stopped_and_continued_send_goes_on_waiting)
{
	unsigned long n;
	BxtEnv e;
	pid_t pid;

	pid = waiting_sender_ck(&e, &n, false);
	bxt_stop_continue_ck(pid);
	room_lets_it_send_ck(&e, pid, n);
}
END_TEST

START_TEST(handler_ends_waiting_send_with_eintr)
{
	unsigned long n;
	BxtEnv e;
	pid_t pid;

	pid = waiting_sender_ck(&e, &n, true);
	ck_assert_int_eq(kill(pid, SIGUSR1), 0);
	bxt_reap_exit_ck(pid, EINTR);
	receive_all_ck(&e, n, NULL, 0);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(target_death_ends_waiting_send)
{
	unsigned long n;
	BxtEnv e;
	pid_t pid;

	pid = waiting_sender_ck(&e, &n, false);
	close(e.srv);
	e.srv = -1;
	bxt_reap_exit_ck(pid, BINDOX_EDEADPEER);
	bxt_env_down_ck(&e);
}
END_TEST

/*
 * A dequeue that brings the queue's length to half its limit wakes a
 * waiting sender for which every limit is then at half. The queue (at
 * most 8 messages) is full with 8 messages of 966 bytes in all; the
 * waiting sender's 600 bytes need the domain's one-way bytes (limit 1000)
 * at 400, which the fourth receive brings, as it brings the length to 4:
 * so nothing else makes room for it, and its own look every 10 ms cannot
 * be taken for the wake. The trace shows the room queue's wake function
 * called during that receive; it was not when the uid's share, far from
 * its limit, hid the length's fall to half.
 */
START_TEST(queue_at_half_wakes_waiting_sender)
{
	static const size_t sizes[] = { 450, 8, 8, 100, 100, 100, 100, 100 };
	unsigned long max_bytes = bxb_param_get_ck("max_domain_oneway_bytes");
	unsigned long max = bxb_param_get_ck("max_queued");
	char *trace;
	BxtEnv e;
	pid_t pid;

	bxb_param_set_ck("max_queued", 8);
	bxb_param_set_ck("max_domain_oneway_bytes", 1000);
	bxt_env_up_ck(&e, COOKIE);
	for (size_t i = 0; i < 8; i++)
		send_fill_ck(&e, sizes[i], 0);
	send_fill_ck(&e, 8, -EAGAIN);
	pid = fork_waiting_sender(&e, false, 600);
	for (int i = 0; i < 3; i++)
		receive_one_ck(&e);
	/* 5 messages of 500 bytes: no room for 600 yet. */
	bxt_sleep_ms(30);
	bxt_still_running_ck(pid);

	bxt_trace_instance_ck(INSTANCE);
	bxt_trace_write_ck(INSTANCE, "set_ftrace_filter", "bindox_room_wake");
	bxt_trace_write_ck(INSTANCE, "current_tracer", "function");
	receive_one_ck(&e);
	bxt_reap_ck(pid);
	/* Not "nop": changing the tracer empties the buffer. */
	bxt_trace_write_ck(INSTANCE, "tracing_on", "0");
	trace = bxt_trace_take_ck(INSTANCE);
	ck_assert_msg(strstr(trace, "bindox_room_wake"),
		      "the receive that brought the queue to half woke no waiting sender:\n%.2000s",
		      trace);
	free(trace);
	receive_all_ck(&e, 4, "waited", 600);
	bxb_param_set_ck("max_queued", max);
	bxb_param_set_ck("max_domain_oneway_bytes", max_bytes);
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *send_wait_suite(void)
{
	Suite *s = suite_create("send-wait");
	TCase *tc = bxt_tcase(s, "send-wait");

	tcase_add_test(tc, full_queue_send_waits_for_room);
	tcase_add_test(tc, stopped_and_continued_send_goes_on_waiting);
	tcase_add_test(tc, handler_ends_waiting_send_with_eintr);
	tcase_add_test(tc, target_death_ends_waiting_send);
	tcase_add_test(tc, queue_at_half_wakes_waiting_sender);
	return s;
}

int main(void)
{
	return bxt_run(send_wait_suite());
}
