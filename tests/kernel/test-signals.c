/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signals and timeouts: a call interrupted by a signal whose handler runs
 * returns EINTR at once (also with SA_RESTART: calls are never sent again)
 * whether the server holds it or it is still queued; the server's late
 * reply is dropped without error; a signal that runs no handler (ignored,
 * stop and continue) leaves the call waiting for its reply; a handler
 * interrupts receives too (test-recv-restart: nothing else does, when they
 * wait forever); call timeouts give ETIMEDOUT; a caller killed while
 * waiting, or while stopped in a call, leaves nothing behind.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

#define COOKIE 0x516ULL

static void block_signals(void)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/* A server thread that takes one call, optionally signals the caller, waits, replies. */
typedef struct Slow {
	int fd;
	pthread_t caller;
	bool signal_caller;
	int delay_ms;
	atomic_bool received;
	atomic_bool replying;
	int recv_result;
	int reply_result;
	int reply_again;
} Slow;

static void *slow_server(void *arg)
{
	Slow *s = arg;
	struct bindox_message m;
	BxtBuf b;

	block_signals();
	bxt_buf_init(&b);
	s->recv_result = bxt_recv(s->fd, &b, &m, BXT_LONG_NS);
	if (s->recv_result < 0)
		return NULL;
	atomic_store(&s->received, true);
	if (s->signal_caller)
		pthread_kill(s->caller, SIGUSR1);
	bxt_sleep_ms(s->delay_ms);
	atomic_store(&s->replying, true);
	/* A reply with a node and data: dropped as a whole. */
	bxt_buf_init(&b);
	bxt_buf_str(&b, "late");
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 0x1A7E);
	s->reply_result = bxt_reply(s->fd, m.id, &b, NULL);
	s->reply_again = bxt_reply(s->fd, m.id, &b, NULL);
	return NULL;
}

static int call(int fd, uint32_t h, int64_t timeout_ns)
{
	BxtBuf b, r;

	bxt_buf_init(&b);
	bxt_buf_init(&r);
	bxt_buf_str(&b, "slow?");
	return bxt_call(fd, h, &b, &r, NULL, timeout_ns);
}

/* _i: 0 without SA_RESTART, 1 with it (calls are never restarted). */
START_TEST(signal_interrupts_call_in_flight)
{
	Slow s = { .signal_caller = true, .delay_ms = 1000 };
	pthread_t t;
	BxtEnv e;
	int r;

	ck_assert_int_eq(bxt_usr1_handler(_i ? SA_RESTART : 0), 0);
	bxt_env_up_ck(&e, COOKIE);
	s.fd = e.srv;
	s.caller = pthread_self();
	ck_assert_int_eq(pthread_create(&t, NULL, slow_server, &s), 0);

	r = call(e.cli, e.h, -1);
	ck_assert_msg(r == -EINTR, "call: %s", bxt_errname(r));
	ck_assert_msg(!atomic_load(&s.replying), "the call waited for the late reply");
	ck_assert_int_eq(bxt_usr1_count, 1);

	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(s.recv_result, 0);
	/* The late reply is consumed and dropped without error... */
	ck_assert_msg(s.reply_result == 0, "late reply: %s", bxt_errname(s.reply_result));
	/* ...and the id is used up. */
	ck_assert_int_eq(s.reply_again, -EINVAL);
	ck_assert(!readable(e.cli));
	bxt_env_down_ck(&e);
}
END_TEST

/* Signals @target repeatedly until told to stop, once @wait_queued is met. */
typedef struct Signaler {
	pthread_t target;
	int wait_queued;	/* -1: don't wait */
	atomic_bool *start;	/* or wait for this flag; NULL: don't */
	atomic_bool done;
	int sent;
} Signaler;

static void *signaler(void *arg)
{
	Signaler *g = arg;

	block_signals();
	if (g->wait_queued >= 0 && bxt_wait_queued(g->wait_queued, BXT_LONG_MS) < 0)
		return NULL;
	while (g->start && !atomic_load(g->start))
		bxt_sleep_ms(5);
	/* Repeat: the first one may land before the target sleeps. */
	while (!atomic_load(&g->done)) {
		bxt_sleep_ms(50);
		if (atomic_load(&g->done))
			break;
		pthread_kill(g->target, SIGUSR1);
		g->sent++;
	}
	return NULL;
}

static void signaler_stop(Signaler *g, pthread_t t)
{
	atomic_store(&g->done, true);
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
}

START_TEST(signal_interrupts_queued_call)
{
	Signaler g = { .wait_queued = 1 };
	pthread_t t;
	BxtEnv e;
	int r;

	ck_assert_int_eq(bxt_usr1_handler(0), 0);
	bxt_env_up_ck(&e, COOKIE);
	g.target = pthread_self();
	ck_assert_int_eq(pthread_create(&t, NULL, signaler, &g), 0);
	/* Nobody receives: the call stays queued until the signal. */
	r = call(e.cli, e.h, -1);
	signaler_stop(&g, t);
	ck_assert_msg(r == -EINTR, "call: %s", bxt_errname(r));
	ck_assert_int_ge(bxt_usr1_count, 1);
	/* The abandoned call left the server's queue. */
	BXT_OK(bxt_wait_queued(0, BXT_LONG_MS));
	ck_assert(!readable(e.srv));
	BXT_ERR(bxt_recv(e.srv, NULL, NULL, 0), EAGAIN);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Caller {
	int fd;
	uint32_t h;
	int result;
	atomic_bool returned;
} Caller;

static void *caller_thread(void *arg)
{
	Caller *c = arg;

	block_signals();
	c->result = call(c->fd, c->h, BXT_LONG_NS);
	atomic_store(&c->returned, true);
	return NULL;
}

START_TEST(signal_interrupts_receive)
{
	Signaler g = { .wait_queued = -1 };
	Signaler g2 = { .wait_queued = -1 };
	Caller c = { 0 };
	struct bindox_message m;
	pthread_t t, tc;
	uint64_t id;
	BxtBuf b;
	BxtEnv e;
	int r;

	ck_assert_int_eq(bxt_usr1_handler(0), 0);
	bxt_env_up_ck(&e, COOKIE);

	/* A receive waiting forever. */
	g.target = pthread_self();
	ck_assert_int_eq(pthread_create(&t, NULL, signaler, &g), 0);
	bxt_buf_init(&b);
	r = bxt_recv(e.srv, &b, NULL, -1);
	signaler_stop(&g, t);
	ck_assert_msg(r == -EINTR, "recv: %s", bxt_errname(r));

	/* REPLY_RECV: the reply goes out, then the wait is interrupted. */
	c.fd = e.cli;
	c.h = e.h;
	ck_assert_int_eq(pthread_create(&tc, NULL, caller_thread, &c), 0);
	BXT_OK(bxt_recv(e.srv, &b, &m, BXT_LONG_NS));
	g2.target = pthread_self();
	g2.start = &c.returned;
	ck_assert_int_eq(pthread_create(&t, NULL, signaler, &g2), 0);
	id = m.id;
	bxt_buf_init(&b);
	bxt_buf_str(&b, "answer");
	r = bxt_reply_recv(e.srv, &id, &b, &b, NULL, -1);
	signaler_stop(&g2, t);
	ck_assert_msg(r == -EINTR, "reply_recv: %s", bxt_errname(r));
	ck_assert_uint_eq(id, 0);	/* the reply went out */
	ck_assert_int_eq(bxt_join(tc, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(c.result, 0);
	bxt_env_down_ck(&e);
}
END_TEST

/* A thread that calls with one signal unblocked (the others block it). */
typedef struct OpenCaller {
	BxtEnv *e;
	int sig;
	int result;
	atomic_bool returned;
} OpenCaller;

static void *open_caller(void *arg)
{
	OpenCaller *c = arg;
	sigset_t one;

	sigemptyset(&one);
	sigaddset(&one, c->sig);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	c->result = call(c->e->cli, c->e->h, BXT_LONG_NS);
	atomic_store(&c->returned, true);
	return NULL;
}

/*
 * _i: 0 SIGCHLD with its default action, 1 SIGUSR2 set to SIG_IGN. Sent to
 * the process while every other thread blocks it, it wakes the caller,
 * then it is dropped: as when a child exits while the thread that forked
 * it blocks signals (glibc's pthread_create() does, for a moment).
 */
START_TEST(ignored_signal_leaves_call_waiting)
{
	int sig = _i ? SIGUSR2 : SIGCHLD;
	Slow s = { .delay_ms = 1000 };
	OpenCaller c = { .sig = sig };
	pthread_t t, tc;
	sigset_t one;
	int sent = 0;
	BxtEnv e;

	if (_i)
		signal(SIGUSR2, SIG_IGN);
	/* Blocked before the Coordinator's threads start: they inherit it. */
	sigemptyset(&one);
	sigaddset(&one, sig);
	pthread_sigmask(SIG_BLOCK, &one, NULL);
	bxt_env_up_ck(&e, COOKIE);
	s.fd = e.srv;
	c.e = &e;
	ck_assert_int_eq(pthread_create(&t, NULL, slow_server, &s), 0);
	ck_assert_int_eq(pthread_create(&tc, NULL, open_caller, &c), 0);
	while (!atomic_load(&c.returned)) {
		kill(getpid(), sig);
		sent++;
		bxt_sleep_ms(20);
	}
	ck_assert_int_eq(bxt_join(tc, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_msg(c.result == 0, "call: %s after %d signals", bxt_errname(c.result), sent);
	ck_assert_int_gt(sent, 10);
	ck_assert_int_eq(s.reply_result, 0);
	bxt_env_down_ck(&e);
}
END_TEST

static long parked_calls(void)
{
	BxtCounters c;

	BXT_OK(bxt_counters_read(&c));
	return c.parked_calls;
}

/* A process that makes one call on @e's client file and exits with its result. */
static pid_t fork_caller(BxtEnv *e)
{
	pid_t pid = bxt_fork_ck();

	if (pid == 0)
		_exit(-call(e->cli, e->h, BXT_LONG_NS));
	return pid;
}

/*
 * Up @e, with @s serving in thread @t, and a process whose call @s took:
 * stopped while its call waits, the caller's call is parked, not ended.
 */
static pid_t stopped_caller_ck(BxtEnv *e, Slow *s, pthread_t *t)
{
	pid_t pid;

	bxt_env_up_ck(e, COOKIE);
	s->fd = e->srv;
	ck_assert_int_eq(pthread_create(t, NULL, slow_server, s), 0);
	pid = fork_caller(e);
	while (!atomic_load(&s->received))
		bxt_sleep_ms(5);
	bxt_stop_ck(pid);
	ck_assert_int_eq(parked_calls(), 1);
	return pid;
}

/* _i: 0 the reply comes after the continue, 1 while the caller is stopped. */
START_TEST(stopped_and_continued_caller_gets_its_reply)
{
	Slow s = { .delay_ms = _i ? 300 : 1500 };
	pthread_t t;
	BxtEnv e;
	pid_t pid;

	pid = stopped_caller_ck(&e, &s, &t);
	if (_i)
		ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	bxt_sleep_ms(200);
	ck_assert_int_eq(kill(pid, SIGCONT), 0);
	/* Exit status 0: the call returned the reply. */
	bxt_reap_ck(pid);
	if (!_i)
		ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(s.reply_result, 0);
	ck_assert_int_eq(parked_calls(), 0);
	bxt_env_down_ck(&e);
}
END_TEST

/* Killed while stopped in a call: the park ends with the file. */
START_TEST(caller_killed_while_stopped_in_call)
{
	Slow s = { .delay_ms = 300 };
	pthread_t t;
	BxtEnv e;
	pid_t pid;

	pid = stopped_caller_ck(&e, &s, &t);
	bxt_kill_ck(pid);
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(s.reply_result, 0);
	/* The parent still has the file open: the park waits for it... */
	ck_assert_int_eq(parked_calls(), 1);
	/* ...and goes with it (bxt_env_down_ck() checks every counter). */
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(call_timeout_slow_server)
{
	Slow s = { .signal_caller = false, .delay_ms = 1500 };
	int64_t t0, dt;
	pthread_t t;
	BxtEnv e;
	int r;

	bxt_env_up_ck(&e, COOKIE);
	s.fd = e.srv;
	ck_assert_int_eq(pthread_create(&t, NULL, slow_server, &s), 0);
	t0 = bxt_now_ns();
	r = call(e.cli, e.h, 200 * BXT_MS);
	dt = bxt_now_ns() - t0;
	ck_assert_msg(r == -ETIMEDOUT, "call: %s", bxt_errname(r));
	ck_assert_msg(dt >= 190 * BXT_MS, "timed out after %lld ms", (long long)dt / BXT_MS);
	ck_assert_msg(!atomic_load(&s.replying), "the call waited for the late reply");
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(s.recv_result, 0);
	ck_assert_msg(s.reply_result == 0, "late reply: %s", bxt_errname(s.reply_result));
	ck_assert_int_eq(s.reply_again, -EINVAL);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(call_timeout_nobody_receives)
{
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	BXT_ERR(call(e.cli, e.h, 100 * BXT_MS), ETIMEDOUT);
	BXT_OK(bxt_wait_queued(0, BXT_LONG_MS));
	BXT_ERR(bxt_recv(e.srv, NULL, NULL, 0), EAGAIN);
	bxt_env_down_ck(&e);
}
END_TEST

/*
 * Timeout 0 on a call: it does not block, fails with ETIMEDOUT (the UAPI:
 * "a call is sent and, unless its reply is already there, abandoned at once
 * with ETIMEDOUT"; EAGAIN is a receive's answer), and the abandoned call
 * leaves the queue.
 */
START_TEST(call_timeout_zero_does_not_block)
{
	int64_t t0, dt;
	BxtEnv e;
	int r;

	bxt_env_up_ck(&e, COOKIE);
	t0 = bxt_now_ns();
	r = call(e.cli, e.h, 0);
	dt = bxt_now_ns() - t0;
	ck_assert_msg(r == -ETIMEDOUT, "call: %s", bxt_errname(r));
	ck_assert_msg(dt < 2 * BXT_SEC, "a call with timeout 0 blocked %lld ms",
		      (long long)dt / BXT_MS);
	BXT_OK(bxt_wait_queued(0, BXT_LONG_MS));
	BXT_ERR(bxt_recv(e.srv, NULL, NULL, 0), EAGAIN);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Victim {
	char name[64];
	int ready[2];
} Victim;

static int victim_child(void *arg)
{
	Victim *v = arg;
	int fd = bxt_try_open(BXT_DEVICE);
	uint32_t h = 0;

	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_lookup(fd, v->name, &h), 0);
	bxt_put(v->ready[1], 1);
	call(fd, h, -1);
	return 1;	/* never answered: killed first */
}

START_TEST(caller_killed_while_waiting)
{
	struct bindox_message m;
	Victim v;
	BxtBuf b;
	BxtEnv e;
	pid_t pid;

	bxt_env_up_ck(&e, COOKIE);
	bxt_unique_name(v.name, sizeof(v.name), "victim");
	BXT_OK(bxt_register(e.srv, v.name, 0x77));
	bxt_pipe_ck(v.ready);
	pid = bxt_spawn_ck(victim_child, &v);
	ck_assert_uint_eq(bxt_get_ck(v.ready[0]), 1);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &m, BXT_LONG_NS));
	ck_assert_uint_eq(m.type, BINDOX_MSG_CALL);
	ck_assert_uint_eq(m.cookie, 0x77);
	ck_assert_int_eq(m.sender_pid, pid);

	bxt_kill_ck(pid);
	bxt_buf_init(&b);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 0x1A7E);
	ck_assert_int_eq(bxt_reply(e.srv, m.id, &b, NULL), 0);
	BXT_ERR(bxt_reply(e.srv, m.id, &b, NULL), EINVAL);
	close(v.ready[0]);
	close(v.ready[1]);
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *signals_suite(void)
{
	Suite *s = suite_create("signals");
	TCase *tc = bxt_tcase(s, "signals");

	tcase_add_loop_test(tc, signal_interrupts_call_in_flight, 0, 2);
	tcase_add_test(tc, signal_interrupts_queued_call);
	tcase_add_test(tc, signal_interrupts_receive);
	tcase_add_loop_test(tc, ignored_signal_leaves_call_waiting, 0, 2);
	tcase_add_loop_test(tc, stopped_and_continued_caller_gets_its_reply, 0, 2);
	tcase_add_test(tc, caller_killed_while_stopped_in_call);
	tc = bxt_tcase(s, "timeouts");
	tcase_add_test(tc, call_timeout_slow_server);
	tcase_add_test(tc, call_timeout_nobody_receives);
	tcase_add_test(tc, call_timeout_zero_does_not_block);
	tcase_add_test(tc, caller_killed_while_waiting);
	return s;
}

int main(void)
{
	return bxt_run(signals_suite());
}
