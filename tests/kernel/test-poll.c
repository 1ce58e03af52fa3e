/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * poll(2) and epoll on the device: not readable with an empty queue,
 * readable (EPOLLIN) once a message (or a death notification) is queued, a
 * blocked epoll_wait() is woken, and not readable again once received.
 */

#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "bxt.h"

#define COOKIE 0x9011ULL

static int poll_in(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r = poll(&p, 1, 0);

	ck_assert_int_ge(r, 0);
	ck_assert_msg(!(p.revents & (POLLERR | POLLNVAL)), "revents %#x", p.revents);
	return r ? (p.revents & POLLIN) : 0;
}

static int epoll_in(int ep, int timeout_ms)
{
	struct epoll_event ev;
	int r = epoll_wait(ep, &ev, 1, timeout_ms);

	ck_assert_int_ge(r, 0);
	return r ? (int)(ev.events & EPOLLIN) : 0;
}

START_TEST(readable_only_with_messages)
{
	struct epoll_event ev = { .events = EPOLLIN };
	BxtBuf b;
	BxtEnv e;
	int ep;

	bxt_env_up_ck(&e, COOKIE);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ck_assert_int_ge(ep, 0);
	ck_assert_int_eq(epoll_ctl(ep, EPOLL_CTL_ADD, e.srv, &ev), 0);

	ck_assert_int_eq(poll_in(e.srv), 0);
	ck_assert_int_eq(epoll_in(ep, 0), 0);

	bxt_buf_init(&b);
	bxt_buf_str(&b, "wake up");
	BXT_OK(bxt_send(e.cli, e.h, &b));
	BXT_OK(bxt_send(e.cli, e.h, &b));
	ck_assert_int_ne(poll_in(e.srv), 0);
	ck_assert_int_ne(epoll_in(ep, 0), 0);
	/* The sender's own fd is not readable. */
	ck_assert_int_eq(poll_in(e.cli), 0);

	BXT_OK(bxt_recv(e.srv, &b, NULL, 0));
	ck_assert_int_ne(poll_in(e.srv), 0);	/* one left */
	BXT_OK(bxt_recv(e.srv, &b, NULL, 0));
	ck_assert_int_eq(poll_in(e.srv), 0);
	ck_assert_int_eq(epoll_in(ep, 0), 0);

	close(ep);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Waiter {
	int ep;
	int events;
	int64_t woke_ns;
} Waiter;

static void *epoll_waiter(void *arg)
{
	Waiter *w = arg;
	struct epoll_event ev;
	int r = epoll_wait(w->ep, &ev, 1, BXT_LONG_MS);

	w->woke_ns = bxt_now_ns();
	w->events = r == 1 ? (int)ev.events : -1;
	return NULL;
}

START_TEST(blocked_epoll_wait_is_woken)
{
	struct epoll_event ev = { .events = EPOLLIN };
	Waiter w = { 0 };
	int64_t sent;
	pthread_t t;
	BxtBuf b;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	w.ep = epoll_create1(EPOLL_CLOEXEC);
	ck_assert_int_ge(w.ep, 0);
	ck_assert_int_eq(epoll_ctl(w.ep, EPOLL_CTL_ADD, e.srv, &ev), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, epoll_waiter, &w), 0);
	bxt_sleep_ms(200);
	bxt_buf_init(&b);
	sent = bxt_now_ns();
	BXT_OK(bxt_send(e.cli, e.h, &b));
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS + 5000, NULL), 0);
	ck_assert_msg(w.events > 0 && (w.events & EPOLLIN), "epoll_wait: events %d", w.events);
	ck_assert_msg(w.woke_ns - sent < 5 * BXT_SEC, "woken after %lld ms",
		      (long long)(w.woke_ns - sent) / BXT_MS);
	BXT_OK(bxt_recv(e.srv, &b, NULL, 0));
	ck_assert_int_eq(epoll_in(w.ep, 0), 0);
	close(w.ep);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(readable_with_death_notification)
{
	int t, ep;
	uint32_t h;
	BxtEnv e;
	struct epoll_event ev = { .events = EPOLLIN };

	bxt_env_up_ck(&e, COOKIE);
	t = bxt_open_ck();
	h = bxt_link_ck(t, 0x7, e.cli);
	BXT_OK(bxt_subscribe(e.cli, h, 0xDD));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ck_assert_int_eq(epoll_ctl(ep, EPOLL_CTL_ADD, e.cli, &ev), 0);
	ck_assert_int_eq(poll_in(e.cli), 0);
	close(t);
	ck_assert_int_ne(epoll_in(ep, BXT_LONG_MS), 0);
	ck_assert_int_ne(poll_in(e.cli), 0);
	BXT_OK(bxt_recv(e.cli, NULL, NULL, 0));
	ck_assert_int_eq(poll_in(e.cli), 0);
	close(ep);
	bxt_env_down_ck(&e);
}
END_TEST

typedef struct Caller {
	int fd;
	uint32_t h;
	int result;
} Caller;

static void *caller_thread(void *arg)
{
	Caller *c = arg;
	BxtBuf b, r;

	bxt_buf_init(&b);
	bxt_buf_init(&r);
	c->result = bxt_call(c->fd, c->h, &b, &r, NULL, 500 * BXT_MS);
	return NULL;
}

START_TEST(readable_while_call_queued)
{
	Caller c;
	pthread_t t;
	BxtEnv e;

	bxt_env_up_ck(&e, COOKIE);
	c = (Caller){ .fd = e.cli, .h = e.h };
	ck_assert_int_eq(pthread_create(&t, NULL, caller_thread, &c), 0);
	BXT_OK(bxt_wait_queued(1, BXT_LONG_MS));
	ck_assert_int_ne(poll_in(e.srv), 0);
	/* The caller gives up: its call leaves the queue, nothing to read. */
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(c.result, -ETIMEDOUT);
	ck_assert_int_eq(poll_in(e.srv), 0);
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *poll_suite(void)
{
	Suite *s = suite_create("poll");
	TCase *tc = bxt_tcase(s, "poll");

	tcase_add_test(tc, readable_only_with_messages);
	tcase_add_test(tc, blocked_epoll_wait_is_woken);
	tcase_add_test(tc, readable_with_death_notification);
	tcase_add_test(tc, readable_while_call_queued);
	return s;
}

int main(void)
{
	return bxt_run(poll_suite());
}
