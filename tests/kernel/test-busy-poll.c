/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The module parameter busy_poll_ns (module/busy_poll.h): bounded to 1 ms;
 * with it at its largest, calls and replies carry the same data, a
 * receive that must not wait (timeout 0) does not poll, timeouts still end
 * a receive and a call, and a signal with a handler still interrupts a
 * receive. The poll changes when a waiting thread sleeps, never what it
 * gets. Each side learns how long to poll: a receiver whose messages come
 * soon polls for them, one whose waits are long does not, and one whose
 * waits are a little longer than any poll tries ever more rarely. Polls are
 * counted from their trace events (bindox_call_poll, bindox_receive_poll)
 * of the test's own thread, not from CPU time, which TCG dilates. A server
 * that shares its CPU with its caller does not poll: the caller is the
 * task that CPU has to run.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define COOKIE 0xB5B0011ULL
#define PARAM "busy_poll_ns"
#define MAX_POLL_NS 1000000UL
#define INSTANCE "bindox-test-busy-poll"
#define RECEIVE_POLL "bindox_receive_poll"
#define CALL_POLL "bindox_call_poll"

/* What one thread's poll events (bindox_trace.h) recorded. */
typedef struct Polls {
	int count;
	int answered;		/* polls that what they waited for ended */
	int cut;		/* polls another task cut short */
	int64_t window_ns;	/* their windows, summed */
} Polls;

static void poll_event_path(char *path, size_t size, const char *event, const char *file)
{
	int n = snprintf(path, size, "events/bindox/%s/%s", event, file);

	ck_assert(n > 0 && (size_t)n < size);
}

/* Record @event, bindox_receive_poll or bindox_call_poll, of this thread. */
static void polls_trace_start_ck(const char *event)
{
	char path[128], filter[64];

	snprintf(filter, sizeof(filter), "common_pid == %ld", (long)syscall(SYS_gettid));
	bxt_trace_instance_ck(INSTANCE);
	poll_event_path(path, sizeof(path), event, "filter");
	bxt_trace_write_ck(INSTANCE, path, filter);
	poll_event_path(path, sizeof(path), event, "enable");
	bxt_trace_write_ck(INSTANCE, path, "1");
}

static Polls polls_trace_stop_ck(const char *event)
{
	unsigned int window, polled;
	char path[128], needle[64];
	int answered, cut;
	Polls polls = { 0 };
	const char *at;
	char *text;

	poll_event_path(path, sizeof(path), event, "enable");
	bxt_trace_write_ck(INSTANCE, path, "0");
	text = bxt_trace_take_ck(INSTANCE);
	snprintf(needle, sizeof(needle), " %s: ", event);
	for (at = text; (at = strstr(at, needle)); ) {
		at += strlen(needle);
		ck_assert_msg(sscanf(at, "window_ns=%u polled_ns=%u answered=%d cut=%d", &window,
				     &polled, &answered, &cut) == 4,
			      "bad %s event: %.200s", event, at);
		polls.count++;
		polls.answered += answered;
		polls.cut += cut;
		polls.window_ns += window;
	}
	free(text);
	return polls;
}

static void poll_at_most(void)
{
	bxb_param_set_ck(PARAM, MAX_POLL_NS);
	ck_assert_uint_eq(bxb_param_get_ck(PARAM), MAX_POLL_NS);
}

/* Runs in the parent after the test case, whatever its tests did. */
static void poll_never(void)
{
	(void)bxb_param_set(PARAM, 0);
}

START_TEST(poll_time_is_bounded)
{
	bxb_param_set_ck(PARAM, 0);
	ck_assert_int_eq(bxb_param_set(PARAM, MAX_POLL_NS + 1), -EINVAL);
	ck_assert_uint_eq(bxb_param_get_ck(PARAM), 0);
	poll_at_most();
	bxb_param_set_ck(PARAM, 0);
	ck_assert_uint_eq(bxb_param_get_ck(PARAM), 0);
}
END_TEST

START_TEST(calls_carry_the_same_data_while_polling)
{
	struct bindox_message hdr;
	BxtBuf req, rep;
	BxtEcho echo;
	Polls polls;
	BxtEnv e;
	unsigned int i;
	size_t j;

	poll_at_most();
	bxt_env_up_ck(&e, COOKIE);
	bxt_echo_start_ck(&echo, e.srv);
	bxt_buf_init(&req);
	bxt_buf_init(&rep);
	polls_trace_start_ck(CALL_POLL);
	for (i = 0; i < 300; i++) {
		bxt_buf_clear(&req);
		req.size = (i * 37) % 2048;
		for (j = 0; j < req.size; j++)
			req.data[j] = (uint8_t)(i + j * 7);
		BXT_OK(bxt_call(e.cli, e.h, &req, &rep, &hdr, BXT_LONG_NS));
		ck_assert_uint_eq(hdr.type, BINDOX_MSG_REPLY);
		ck_assert_uint_eq(rep.size, req.size);
		ck_assert(!memcmp(rep.data, req.data, req.size));
	}
	polls = polls_trace_stop_ck(CALL_POLL);
	fprintf(stderr, "300 calls: %d polls, %d answered\n", polls.count, polls.answered);
	/* A call's wait is short: its side's window opens, and it polls. */
	ck_assert_int_gt(polls.count, 0);
	ck_assert_uint_eq(atomic_load(&echo.calls), 300);
	bxt_echo_stop_ck(&echo);
	bxt_env_down_ck(&e);
}
END_TEST

/*
 * Sends @count one-way messages, one every @gap_us, or with @calls makes
 * @count small calls one after the other, from its own thread.
 */
typedef struct Pacer {
	int fd;
	uint32_t handle;
	int count;
	long gap_us;
	bool calls;
	pthread_t thread;
	int result;
} Pacer;

static void *pace(void *arg)
{
	struct timespec gap;
	Pacer *p = arg;
	BxtBuf m;
	int i;

	gap.tv_sec = p->gap_us / 1000000;
	gap.tv_nsec = (p->gap_us % 1000000) * 1000;
	bxt_buf_init(&m);
	bxt_buf_u64(&m, 7);
	for (i = 0; i < p->count && !p->result; i++) {
		if (p->calls) {
			p->result = bxt_call_small(p->fd, p->handle);
			continue;
		}
		nanosleep(&gap, NULL);
		p->result = bxt_send(p->fd, p->handle, &m);
	}
	return NULL;
}

/*
 * A server and its caller pinned to one CPU: the server's reply wakes the
 * caller there, so the receive that follows begins while another task
 * could run on that CPU, and it does not poll. Before, each such receive
 * whose side's window was open began a poll that stopped at once, cut
 * short (every other one: the cut closed the window, the next wait
 * opened it again).
 */
START_TEST(a_receiver_sharing_its_cpu_does_not_poll)
{
	Pacer caller = { .count = 300, .calls = true };
	struct bindox_message hdr;
	uint64_t id = 0;
	Polls polls;
	BxtEnv e;
	BxtBuf b;
	int i;

	poll_at_most();
	bxt_env_up_ck(&e, COOKIE);
	bxt_buf_init(&b);
	caller.fd = e.cli;
	caller.handle = e.h;
	/* The caller's thread inherits the pinning. */
	ck_assert_int_eq(bxt_pin_cpu(0), 0);
	polls_trace_start_ck(RECEIVE_POLL);
	ck_assert_int_eq(pthread_create(&caller.thread, NULL, pace, &caller), 0);
	for (i = 0; i < caller.count; i++) {
		BXT_OK(bxt_reply_recv(e.srv, &id, NULL, &b, &hdr, 5 * BXT_SEC));
		id = hdr.id;
	}
	BXT_OK(bxt_reply(e.srv, id, NULL, &b));
	polls = polls_trace_stop_ck(RECEIVE_POLL);
	ck_assert_int_eq(bxt_join(caller.thread, 5000, NULL), 0);
	ck_assert_int_eq(caller.result, 0);
	fprintf(stderr, "300 receives on the caller's CPU: %d polls, %d answered, %d cut short\n",
		polls.count, polls.answered, polls.cut);
	/* A task the kernel wakes on that CPU may still cut a rare one. */
	ck_assert_msg(polls.cut <= 6,
		      "%d of 300 receives on the caller's CPU began a poll that was cut short",
		      polls.cut);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(receive_without_waiting_does_not_poll)
{
	const int rounds = 100;
	int64_t t0, dt;
	BxtEnv e;
	int i;

	poll_at_most();
	bxt_env_up_ck(&e, COOKIE);
	t0 = bxt_now_ns();
	for (i = 0; i < rounds; i++)
		BXT_ERR(bxt_recv(e.srv, NULL, NULL, 0), EAGAIN);
	dt = bxt_now_ns() - t0;
	/* Polling each time would take at least rounds ms. */
	ck_assert_msg(dt < rounds * BXT_MS / 2, "%d receives took %lld ns", rounds,
		      (long long)dt);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(timeouts_end_a_polling_receive_and_call)
{
	struct bindox_message hdr;
	BxtBuf req, rep;
	int64_t t0, dt;
	BxtEnv e;

	poll_at_most();
	bxt_env_up_ck(&e, COOKIE);
	t0 = bxt_now_ns();
	BXT_ERR(bxt_recv(e.srv, NULL, NULL, 30 * BXT_MS), ETIMEDOUT);
	dt = bxt_now_ns() - t0;
	ck_assert_msg(dt >= 25 * BXT_MS, "timed out after %lld ns only", (long long)dt);

	/* Nobody receives the call: it times out, polled or not. */
	bxt_buf_init(&req);
	bxt_buf_init(&rep);
	bxt_buf_u64(&req, 1);
	t0 = bxt_now_ns();
	BXT_ERR(bxt_call(e.cli, e.h, &req, &rep, &hdr, 30 * BXT_MS), ETIMEDOUT);
	dt = bxt_now_ns() - t0;
	ck_assert_msg(dt >= 25 * BXT_MS, "timed out after %lld ns only", (long long)dt);
	bxt_env_down_ck(&e);
}
END_TEST

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;

	ck_assert_int_eq(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts), 0);
	return ts.tv_sec * BXT_SEC + ts.tv_nsec;
}

typedef struct PacedCost {
	int64_t cpu_ns;		/* the receiving thread's CPU time */
	int64_t wall_ns;	/* the receives' wall time */
	Polls polls;		/* its bindox_receive_poll events */
} PacedCost;

/*
 * Receive @count messages paced @gap_us apart with busy_poll_ns at
 * @poll_ns: what the receiving thread spent, and how it polled.
 */
static PacedCost receive_paced(int count, long gap_us, unsigned long poll_ns)
{
	struct bindox_message hdr;
	Pacer p = { .count = count, .gap_us = gap_us };
	PacedCost cost = { 0 };
	int64_t cpu0, wall0;
	BxtEnv e;
	BxtBuf b;
	int i;

	bxb_param_set_ck(PARAM, poll_ns);
	bxt_env_up_ck(&e, COOKIE);
	bxt_buf_init(&b);
	p.fd = e.cli;
	p.handle = e.h;
	polls_trace_start_ck(RECEIVE_POLL);
	ck_assert_int_eq(pthread_create(&p.thread, NULL, pace, &p), 0);
	cpu0 = thread_cpu_ns();
	wall0 = bxt_now_ns();
	for (i = 0; i < count; i++)
		BXT_OK(bxt_recv(e.srv, &b, &hdr, 5 * BXT_SEC));
	cost.cpu_ns = thread_cpu_ns() - cpu0;
	cost.wall_ns = bxt_now_ns() - wall0;
	cost.polls = polls_trace_stop_ck(RECEIVE_POLL);
	ck_assert_int_eq(bxt_join(p.thread, 5000, NULL), 0);
	ck_assert_int_eq(p.result, 0);
	bxt_env_down_ck(&e);
	fprintf(stderr, "%d receives %ld us apart: %d polls, %d answered, windows %lld ns, CPU %lld of %lld ns\n",
		count, gap_us, cost.polls.count, cost.polls.answered,
		(long long)cost.polls.window_ns,
		(long long)cost.cpu_ns, (long long)cost.wall_ns);
	return cost;
}

/*
 * Each side's poll adapts to its waits: a receiver whose messages come
 * within a poll's reach polls for them, and they end its polls (its
 * thread is on the CPU for much of the time it waits); one whose waits
 * are long soon polls no more: its windows, summed, stay below two polls
 * of the longest (a window that opened closes after a long wait), where
 * polling every wait would spend one per receive.
 */
START_TEST(short_waits_are_polled)
{
	PacedCost c = receive_paced(200, 300, MAX_POLL_NS);

	ck_assert_msg(c.polls.answered * 4 >= 200,
		      "%d of 200 receives were answered while polling", c.polls.answered);
	ck_assert_msg(c.cpu_ns * 10 >= c.wall_ns * 3,
		      "the receiver ran for %lld of %lld ns",
		      (long long)c.cpu_ns, (long long)c.wall_ns);
}
END_TEST

START_TEST(long_waits_are_not_polled)
{
	PacedCost never = receive_paced(21, 20000, 0);
	PacedCost polling = receive_paced(21, 20000, MAX_POLL_NS);

	ck_assert_int_eq(never.polls.count, 0);
	ck_assert_msg(polling.polls.window_ns < 2 * (int64_t)MAX_POLL_NS,
		      "21 receives 20 ms apart polled %d times, for up to %lld ns in all",
		      polling.polls.count, (long long)polling.polls.window_ns);
}
END_TEST

/*
 * Waits a little longer than the longest poll: a side that did not poll
 * tries the whole window (its wait included the wakeup that a poll
 * spares), but each try whose poll runs out makes it let twice as many
 * such waits pass before the next; polls that never help stay rare.
 */
START_TEST(polls_that_run_out_back_off)
{
	PacedCost c = receive_paced(40, 2000, MAX_POLL_NS);

	ck_assert_msg(c.polls.count <= 8,
		      "40 receives 2 ms apart polled %d times (%d answered)",
		      c.polls.count, c.polls.answered);
}
END_TEST

typedef struct Receiver {
	int fd;
	int result;
} Receiver;

static void *receive_forever(void *arg)
{
	Receiver *r = arg;

	r->result = bxt_recv(r->fd, NULL, NULL, -1);
	return NULL;
}

START_TEST(signal_interrupts_a_polling_receive)
{
	Receiver r = { .result = 1 };
	pthread_t t;
	BxtEnv e;

	ck_assert_int_eq(bxt_usr1_handler(0), 0);
	poll_at_most();
	bxt_env_up_ck(&e, COOKIE);
	r.fd = e.srv;
	ck_assert_int_eq(pthread_create(&t, NULL, receive_forever, &r), 0);
	bxt_sleep_ms(50);
	ck_assert_int_eq(pthread_kill(t, SIGUSR1), 0);
	ck_assert_int_eq(bxt_join(t, 5000, NULL), 0);
	ck_assert_int_eq(r.result, -EINTR);
	ck_assert(bxt_usr1_count);
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *busy_poll_suite(void)
{
	Suite *s = suite_create("busy-poll");
	TCase *tc = bxt_tcase(s, "busy_poll_ns");

	tcase_add_unchecked_fixture(tc, NULL, poll_never);
	tcase_add_test(tc, poll_time_is_bounded);
	tcase_add_test(tc, calls_carry_the_same_data_while_polling);
	tcase_add_test(tc, a_receiver_sharing_its_cpu_does_not_poll);
	tcase_add_test(tc, receive_without_waiting_does_not_poll);
	tcase_add_test(tc, timeouts_end_a_polling_receive_and_call);
	tcase_add_test(tc, signal_interrupts_a_polling_receive);
	tcase_add_test(tc, short_waits_are_polled);
	tcase_add_test(tc, long_waits_are_not_polled);
	tcase_add_test(tc, polls_that_run_out_back_off);
	return s;
}

int main(void)
{
	return bxt_run(busy_poll_suite());
}
