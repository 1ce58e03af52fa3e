/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The module parameter busy_poll_ns (module/busy_poll.h): bounded to 1 ms;
 * with it at its largest, calls and replies carry the same data, a
 * receive that must not wait (timeout 0) does not poll, timeouts still end
 * a receive and a call, and a signal with a handler still interrupts a
 * receive. The poll changes when a waiting thread sleeps, never what it
 * gets. Each side learns how long to poll: a receiver whose messages come
 * soon polls for them, one whose waits are long does not.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define COOKIE 0xB5B0011ULL
#define PARAM "busy_poll_ns"
#define MAX_POLL_NS 1000000UL

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
	BxtEnv e;
	unsigned int i;
	size_t j;

	poll_at_most();
	bxt_env_up_ck(&e, COOKIE);
	bxt_echo_start_ck(&echo, e.srv);
	bxt_buf_init(&req);
	bxt_buf_init(&rep);
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
	ck_assert_uint_eq(atomic_load(&echo.calls), 300);
	bxt_echo_stop_ck(&echo);
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

/* Sends @count one-way messages, one every @gap_us, from its own thread. */
typedef struct Pacer {
	int fd;
	uint32_t handle;
	int count;
	long gap_us;
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
		nanosleep(&gap, NULL);
		p->result = bxt_send(p->fd, p->handle, &m);
	}
	return NULL;
}

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;

	ck_assert_int_eq(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts), 0);
	return ts.tv_sec * BXT_SEC + ts.tv_nsec;
}

#define MAX_PACED 200

typedef struct PacedCost {
	int64_t cpu_ns;		/* the receiving thread's CPU time */
	int64_t wall_ns;	/* the receives' wall time */
	int64_t median_ns;	/* the CPU time of the median receive */
} PacedCost;

static int cmp_ns(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Receive @count messages paced @gap_us apart with busy_poll_ns at
 * @poll_ns: what the receiving thread spent.
 */
static PacedCost receive_paced(int count, long gap_us, unsigned long poll_ns)
{
	struct bindox_message hdr;
	Pacer p = { .count = count, .gap_us = gap_us };
	int64_t each[MAX_PACED];
	int64_t cpu0, wall0, t;
	PacedCost cost;
	BxtEnv e;
	BxtBuf b;
	int i;

	ck_assert_int_le(count, MAX_PACED);
	bxb_param_set_ck(PARAM, poll_ns);
	bxt_env_up_ck(&e, COOKIE);
	bxt_buf_init(&b);
	p.fd = e.cli;
	p.handle = e.h;
	ck_assert_int_eq(pthread_create(&p.thread, NULL, pace, &p), 0);
	cpu0 = thread_cpu_ns();
	wall0 = bxt_now_ns();
	for (i = 0, t = cpu0; i < count; i++) {
		BXT_OK(bxt_recv(e.srv, &b, &hdr, 5 * BXT_SEC));
		each[i] = -t;
		t = thread_cpu_ns();
		each[i] += t;
	}
	cost.cpu_ns = t - cpu0;
	cost.wall_ns = bxt_now_ns() - wall0;
	qsort(each, count, sizeof(each[0]), cmp_ns);
	cost.median_ns = each[count / 2];
	ck_assert_int_eq(bxt_join(p.thread, 5000, NULL), 0);
	ck_assert_int_eq(p.result, 0);
	bxt_env_down_ck(&e);
	return cost;
}

/*
 * Each side's poll adapts to its waits: a receiver whose messages come
 * within a poll's reach polls for them (its thread is on the CPU for most
 * of the time it waits), one whose waits are long does not (it costs what
 * it costs without polling, not a poll more per message).
 */
START_TEST(short_waits_are_polled)
{
	PacedCost c = receive_paced(200, 300, MAX_POLL_NS);

	ck_assert_msg(c.cpu_ns * 10 >= c.wall_ns * 3,
		      "the receiver ran for %lld of %lld ns",
		      (long long)c.cpu_ns, (long long)c.wall_ns);
}
END_TEST

/*
 * The median receive, not the sum: under TCG a guest thread's CPU time
 * also counts the time its vCPU was not run by the host, and one such
 * pause can cost the whole run's margin.
 */
START_TEST(long_waits_are_not_polled)
{
	const int count = 21;
	PacedCost never = receive_paced(count, 20000, 0);
	PacedCost polling = receive_paced(count, 20000, MAX_POLL_NS);

	ck_assert_msg(polling.median_ns < never.median_ns + (int64_t)MAX_POLL_NS / 2,
		      "receives 20 ms apart, the median: %lld ns of CPU polling, %lld without (in all %lld and %lld)",
		      (long long)polling.median_ns, (long long)never.median_ns,
		      (long long)polling.cpu_ns, (long long)never.cpu_ns);
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
	tcase_add_test(tc, receive_without_waiting_does_not_poll);
	tcase_add_test(tc, timeouts_end_a_polling_receive_and_call);
	tcase_add_test(tc, signal_interrupts_a_polling_receive);
	tcase_add_test(tc, short_waits_are_polled);
	tcase_add_test(tc, long_waits_are_not_polled);
	return s;
}

int main(void)
{
	return bxt_run(busy_poll_suite());
}
