/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A receive waiting forever goes on through signals that run no handler:
 * a stop and continue, or a signal that is ignored once it is delivered
 * (the kernel restarts the ioctl; nothing was taken). A receive with a
 * timeout still ends with EINTR on them, and a handler always ends a
 * receive with EINTR (test-signals checks that one).
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

#define COOKIE 0x5E57ULL

/*
 * A process that receives once on @e's server file with @timeout_ns and
 * exits with 0 for the one-way message "after", else with the error.
 */
static pid_t fork_receiver(BxtEnv *e, int64_t timeout_ns)
{
	struct bindox_message m;
	int ready[2];
	pid_t pid;
	BxtBuf b;
	int r;

	bxt_pipe_ck(ready);
	pid = bxt_fork_ck();
	if (pid == 0) {
		bxt_put(ready[1], 1);
		bxt_buf_init(&b);
		r = bxt_recv(e->srv, &b, &m, timeout_ns);
		if (r)
			_exit(-r);
		BXT_CHILD_EQ(m.type, BINDOX_MSG_ONEWAY);
		BXT_CHILD_EQ(b.size, 5);
		BXT_CHILD_CHECK(!memcmp(b.data, "after", 5));
		_exit(0);
	}
	ck_assert_uint_eq(bxt_get_ck(ready[0]), 1);
	close(ready[0]);
	close(ready[1]);
	/* Asleep in the receive: the only wait after the pipe write. */
	bxt_wait_asleep_ck(pid);
	return pid;
}

static void send_after_ck(BxtEnv *e)
{
	BxtBuf b;

	bxt_buf_init(&b);
	bxt_buf_str(&b, "after");
	BXT_OK(bxt_send(e->cli, e->h, &b));
}

START_TEST(stopped_and_continued_receive_goes_on)
{
	BxtEnv e;
	pid_t pid;

	bxt_env_up_ck(&e, COOKIE);
	pid = fork_receiver(&e, -1);
	bxt_stop_continue_ck(pid);
	/* Before the message: a receive that ended would exit now. */
	bxt_still_running_ck(pid);
	send_after_ck(&e);
	bxt_reap_ck(pid);
	bxt_env_down_ck(&e);
}
END_TEST

/* With a timeout, the time waited would count twice: EINTR, as before. */
START_TEST(stopped_and_continued_timed_receive_ends)
{
	BxtEnv e;
	BxtBuf b;
	pid_t pid;

	bxt_env_up_ck(&e, COOKIE);
	pid = fork_receiver(&e, BXT_LONG_NS);
	bxt_stop_continue_ck(pid);
	bxt_reap_exit_ck(pid, EINTR);
	/* Nothing was taken: the message waits for the next receive. */
	send_after_ck(&e);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(b.size, 5);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Receiver {
	int fd;
	int result;
	atomic_bool returned;
} Receiver;

/* Receives forever with only SIGCHLD unblocked. */
static void *receiver_thread(void *arg)
{
	Receiver *r = arg;
	sigset_t one;
	BxtBuf b;

	sigemptyset(&one);
	sigaddset(&one, SIGCHLD);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	bxt_buf_init(&b);
	r->result = bxt_recv(r->fd, &b, NULL, -1);
	atomic_store(&r->returned, true);
	return NULL;
}

/*
 * SIGCHLD with its default action, sent to the process while every other
 * thread blocks it: it wakes the receiver and is dropped when delivered.
 */
START_TEST(ignored_signal_leaves_receive_waiting)
{
	Receiver r = { 0 };
	sigset_t one;
	pthread_t t;
	BxtEnv e;

	/* Blocked before the Coordinator's threads start: they inherit it. */
	sigemptyset(&one);
	sigaddset(&one, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &one, NULL);
	bxt_env_up_ck(&e, COOKIE);
	r.fd = e.srv;
	ck_assert_int_eq(pthread_create(&t, NULL, receiver_thread, &r), 0);
	for (int i = 0; i < 20; i++) {
		bxt_sleep_ms(20);
		kill(getpid(), SIGCHLD);
	}
	bxt_sleep_ms(100);
	ck_assert_msg(!atomic_load(&r.returned), "receive: %s",
		      bxt_errname(r.result));
	send_after_ck(&e);
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_msg(r.result == 0, "receive: %s", bxt_errname(r.result));
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *recv_restart_suite(void)
{
	Suite *s = suite_create("recv-restart");
	TCase *tc = bxt_tcase(s, "recv-restart");

	tcase_add_test(tc, stopped_and_continued_receive_goes_on);
	tcase_add_test(tc, stopped_and_continued_timed_receive_ends);
	tcase_add_test(tc, ignored_signal_leaves_receive_waiting);
	return s;
}

int main(void)
{
	return bxt_run(recv_restart_suite());
}
