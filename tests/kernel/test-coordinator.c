/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Coordinator slot: who may take it (CAP_SYS_ADMIN in the initial user
 * namespace, now and when the device was opened), that there is one at a
 * time, that it frees when its file goes, and what happens to calls to
 * handle 0 without a Coordinator or when it dies.
 */

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include "bxt.h"

START_TEST(claim_as_root)
{
	int a = bxt_open_ck(), b = bxt_open_ck();

	BXT_OK(bxt_claim(a));
	/* One Coordinator at a time, also for the holder itself. */
	BXT_ERR(bxt_claim(b), EBUSY);
	BXT_ERR(bxt_claim(a), EBUSY);
	close(b);
	close(a);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(claim_flags_must_be_zero)
{
	int a = bxt_open_ck();
	__u64 flags = 1;

	BXT_ERR(bxt_ioctl(a, BINDOX_IOC_SET_COORDINATOR, &flags), EINVAL);
	flags = 1ULL << 63;
	BXT_ERR(bxt_ioctl(a, BINDOX_IOC_SET_COORDINATOR, &flags), EINVAL);
	/* Refused without taking the slot. */
	BXT_OK(bxt_claim(a));
	close(a);
	bxt_assert_no_leaks();
}
END_TEST

/* The thread of a client that asks the Coordinator something. */
typedef struct Lookup {
	int fd;
	const char *name;
	uint32_t h;
	int result;
} Lookup;

static void *lookup_thread(void *arg)
{
	Lookup *l = arg;

	l->result = bxt_lookup(l->fd, l->name, &l->h);
	return NULL;
}

/* Receive one Coordinator call on @fd and answer it with @status. */
static void serve_status(int fd, int status, struct bindox_message *m)
{
	struct bindox_coord_reply rep = { .status = status };
	BxtBuf req, reply;

	bxt_buf_init(&req);
	bxt_buf_init(&reply);
	BXT_OK(bxt_recv(fd, &req, m, BXT_LONG_NS));
	ck_assert_uint_eq(m->type, BINDOX_MSG_CALL);
	bxt_buf_put(&reply, &rep, sizeof(rep));
	ck_assert_int_eq(bxt_reply(fd, m->id, &reply, NULL), 0);
}

START_TEST(slot_frees_when_file_closes)
{
	struct bindox_message m;
	Lookup l = { .name = "nobody-home" };
	pthread_t t;
	int a = bxt_open_ck(), b = bxt_open_ck(), c = bxt_open_ck();
	uint32_t h;

	BXT_OK(bxt_claim(a));
	BXT_ERR(bxt_claim(b), EBUSY);
	close(a);
	BXT_OK(bxt_claim(b));

	/* Handle 0 now reaches b: its node has cookie 0. */
	l.fd = c;
	ck_assert_int_eq(pthread_create(&t, NULL, lookup_thread, &l), 0);
	serve_status(b, -ENOENT, &m);
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(l.result, -ENOENT);
	ck_assert_uint_eq(m.cookie, 0);
	ck_assert_int_eq(m.sender_pid, getpid());

	close(b);
	BXT_ERR(bxt_lookup(c, "x", &h), ENXIO);
	close(c);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(handle0_without_coordinator)
{
	int c = bxt_open_ck();
	BxtBuf b;
	uint32_t h;

	BXT_ERR(bxt_lookup(c, "x", &h), ENXIO);
	bxt_buf_init(&b);
	bxt_coord_request(&b, BINDOX_COORD_LOOKUP, "x", 1, false, 0);
	BXT_ERR(bxt_send(c, BINDOX_HANDLE_COORDINATOR, &b), ENXIO);
	/* Handle 0 is not in the table: no release, no death subscription. */
	BXT_ERR(bxt_release(c, BINDOX_HANDLE_COORDINATOR), EINVAL);
	BXT_ERR(bxt_subscribe(c, BINDOX_HANDLE_COORDINATOR, 1), EINVAL);
	close(c);
	bxt_assert_no_leaks();
}
END_TEST

static int child_setuid_after_open(void *arg)
{
	int fd = bxt_try_open(BXT_DEVICE);

	(void)arg;
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_become(65534, 65534), 0);
	BXT_CHILD_EQ(bxt_claim(fd), -EPERM);
	close(fd);
	return 0;
}

START_TEST(eperm_after_setuid)
{
	int a;

	bxt_reap_ck(bxt_spawn_ck(child_setuid_after_open, NULL));
	/* The slot stayed free. */
	a = bxt_open_ck();
	BXT_OK(bxt_claim(a));
	close(a);
	bxt_assert_no_leaks();
}
END_TEST

static int child_open_after_setuid(void *arg)
{
	const char *world = arg;
	int fd;

	BXT_CHILD_EQ(bxt_become(65534, 65534), 0);
	/* The device itself is root's only. */
	BXT_CHILD_EQ(bxt_try_open(BXT_DEVICE), -EACCES);
	fd = bxt_try_open(world);
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_claim(fd), -EPERM);
	close(fd);
	return 0;
}

START_TEST(eperm_opened_unprivileged)
{
	char world[64];
	int a;

	bxt_world_node_ck(world);
	bxt_reap_ck(bxt_spawn_ck(child_open_after_setuid, world));
	unlink(world);
	a = bxt_open_ck();
	BXT_OK(bxt_claim(a));
	close(a);
	bxt_assert_no_leaks();
}
END_TEST

static int child_capabilities(void *arg)
{
	int fd1, fd2;

	(void)arg;
	/* Opened without CAP_SYS_ADMIN: refused even with it now. */
	BXT_CHILD_EQ(bxt_cap_effective(CAP_SYS_ADMIN, false), 0);
	fd1 = bxt_try_open(BXT_DEVICE);
	BXT_CHILD_CHECK(fd1 >= 0);
	BXT_CHILD_EQ(bxt_cap_effective(CAP_SYS_ADMIN, true), 0);
	BXT_CHILD_EQ(bxt_claim(fd1), -EPERM);

	/* Opened with it, claimed without it: refused; with it: taken. */
	fd2 = bxt_try_open(BXT_DEVICE);
	BXT_CHILD_CHECK(fd2 >= 0);
	BXT_CHILD_EQ(bxt_cap_effective(CAP_SYS_ADMIN, false), 0);
	BXT_CHILD_EQ(bxt_claim(fd2), -EPERM);
	BXT_CHILD_EQ(bxt_cap_effective(CAP_SYS_ADMIN, true), 0);
	BXT_CHILD_EQ(bxt_claim(fd2), 0);
	close(fd1);
	close(fd2);
	return 0;
}

START_TEST(eperm_capability_now_and_at_open)
{
	bxt_reap_ck(bxt_spawn_ck(child_capabilities, NULL));
	bxt_assert_no_leaks();
}
END_TEST

static int child_userns_root(void *arg)
{
	int fd = bxt_try_open(BXT_DEVICE), old_root;

	(void)arg;
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_unchroot(&old_root), 0);
	BXT_CHILD_EQ(unshare(CLONE_NEWUSER) < 0 ? -errno : 0, 0);
	BXT_CHILD_EQ(bxt_rechroot(old_root), 0);
	/* Every capability, but in a user namespace of its own. */
	BXT_CHILD_EQ(bxt_claim(fd), -EPERM);
	close(fd);
	return 0;
}

START_TEST(eperm_in_user_namespace)
{
	bxt_reap_ck(bxt_spawn_ck(child_userns_root, NULL));
	bxt_assert_no_leaks();
}
END_TEST

/* A raw Coordinator that takes one call and never answers it. */
static int child_stuck_coordinator(void *arg)
{
	int *pipefd = arg;
	int fd = bxt_try_open(BXT_DEVICE);
	BxtBuf b;

	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_claim(fd), 0);
	bxt_put(pipefd[1], 1);
	bxt_buf_init(&b);
	BXT_CHILD_EQ(bxt_recv(fd, &b, NULL, BXT_LONG_NS), 0);
	bxt_put(pipefd[1], 2);
	for (;;)
		pause();
}

START_TEST(dying_coordinator_fails_pending_calls)
{
	Lookup l1 = { .name = "first" }, l2 = { .name = "second" };
	pthread_t t1, t2;
	int p[2], c, a;
	pid_t pid;
	uint32_t h;

	bxt_pipe_ck(p);
	pid = bxt_spawn_ck(child_stuck_coordinator, p);
	ck_assert_uint_eq(bxt_get_ck(p[0]), 1);
	c = bxt_open_ck();
	l1.fd = l2.fd = c;

	/* The first call is taken by the Coordinator (in flight)... */
	ck_assert_int_eq(pthread_create(&t1, NULL, lookup_thread, &l1), 0);
	ck_assert_uint_eq(bxt_get_ck(p[0]), 2);
	/* ...the second waits in its queue. */
	ck_assert_int_eq(pthread_create(&t2, NULL, lookup_thread, &l2), 0);
	BXT_OK(bxt_wait_queued(1, BXT_LONG_MS));

	bxt_kill_ck(pid);
	ck_assert_msg(bxt_join(t1, BXT_LONG_MS, NULL) == 0, "in-flight call hangs");
	ck_assert_msg(bxt_join(t2, BXT_LONG_MS, NULL) == 0, "queued call hangs");
	ck_assert_msg(l1.result == -BINDOX_EDEADPEER, "in-flight call: %s",
		      bxt_errname(l1.result));
	ck_assert_msg(l2.result == -BINDOX_EDEADPEER, "queued call: %s",
		      bxt_errname(l2.result));

	/* The slot is free: no Coordinator, then a new one. */
	BXT_ERR(bxt_lookup(c, "x", &h), ENXIO);
	a = bxt_open_ck();
	BXT_OK(bxt_claim(a));
	close(a);
	close(c);
	close(p[0]);
	close(p[1]);
	bxt_assert_no_leaks();
}
END_TEST

/* Two threads claim the slot at the same moment (a spinning barrier). */
typedef struct Claimer {
	int fd;
	atomic_int *arrived;
	int result;
} Claimer;

static void *claim_thread(void *arg)
{
	Claimer *c = arg;

	atomic_fetch_add(c->arrived, 1);
	while (atomic_load(c->arrived) < 2)
		;
	c->result = bxt_claim(c->fd);
	return NULL;
}

/*
 * Guards the claim race: two processes claim the slot at once. The UAPI
 * promises that the loser gets EBUSY and keeps nothing of the attempt, so
 * that once the Coordinator is gone it can claim the free slot (an early
 * driver made the loser's cookie-0 node before taking the slot, and the
 * loser kept it: EEXIST for ever after). The race is hit within a few
 * hundred rounds in the emulated guest, not in every run.
 */
START_TEST(claim_race_loser_can_claim_later)
{
	int iter;

	for (iter = 0; iter < 3000; iter++) {
		atomic_int arrived = 0;
		Claimer c[2];
		pthread_t t[2];
		int i, winner, r;

		for (i = 0; i < 2; i++) {
			c[i] = (Claimer){ .fd = bxt_open_ck(), .arrived = &arrived };
			ck_assert_int_eq(pthread_create(&t[i], NULL, claim_thread, &c[i]), 0);
		}
		for (i = 0; i < 2; i++)
			ck_assert_int_eq(bxt_join(t[i], BXT_LONG_MS, NULL), 0);
		ck_assert_msg((c[0].result == 0 && c[1].result == -EBUSY) ||
			      (c[1].result == 0 && c[0].result == -EBUSY),
			      "iteration %d: claims returned %s and %s", iter,
			      bxt_errname(c[0].result), bxt_errname(c[1].result));
		winner = c[0].result == 0 ? 0 : 1;
		close(c[winner].fd);
		/* The slot is free: the loser takes it now. */
		r = bxt_claim(c[!winner].fd);
		ck_assert_msg(r == 0,
			      "iteration %d: the loser of a claim race cannot claim the free slot: "
			      "%s", iter, bxt_errname(r));
		close(c[!winner].fd);
	}
	bxt_assert_no_leaks();
}
END_TEST

static Suite *coordinator_suite(void)
{
	Suite *s = suite_create("coordinator");
	TCase *tc = bxt_tcase(s, "slot");

	tcase_add_test(tc, claim_as_root);
	tcase_add_test(tc, claim_flags_must_be_zero);
	tcase_add_test(tc, slot_frees_when_file_closes);
	tcase_add_test(tc, handle0_without_coordinator);
	tcase_add_test(tc, dying_coordinator_fails_pending_calls);
	tcase_add_test(tc, claim_race_loser_can_claim_later);
	tc = bxt_tcase(s, "privilege");
	tcase_add_test(tc, eperm_after_setuid);
	tcase_add_test(tc, eperm_opened_unprivileged);
	tcase_add_test(tc, eperm_capability_now_and_at_open);
	tcase_add_test(tc, eperm_in_user_namespace);
	return s;
}

int main(void)
{
	return bxt_run(coordinator_suite());
}
