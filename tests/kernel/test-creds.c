/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sender credentials as the receiver sees them: the sending process's pid
 * (in the receiver's pid namespace), the euid/egid the sender opened the
 * device with (in the receiver's user namespace, the overflow ids when
 * unmapped) and the domain. The receiver here is a raw Coordinator; the
 * senders send it a LOOKUP, which it answers with -ENOENT.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bxt.h"

#define PROBE "creds-probe"

/* Receive one Coordinator call on @fd and answer -ENOENT; the header out. */
static int serve_one(int fd, struct bindox_message *m)
{
	struct bindox_coord_reply rep = { .status = -ENOENT };
	BxtBuf req, reply;
	int r;

	bxt_buf_init(&req);
	bxt_buf_init(&reply);
	r = bxt_recv(fd, &req, m, BXT_LONG_NS);
	if (r < 0)
		return r;
	if (m->type != BINDOX_MSG_CALL)
		return -EBADMSG;
	bxt_buf_put(&reply, &rep, sizeof(rep));
	r = bxt_reply(fd, m->id, &reply, NULL);
	return r == 0 ? 0 : (r < 0 ? r : -EPROTO);
}

static int probe(int fd)
{
	uint32_t h;

	return bxt_lookup(fd, PROBE, &h);
}

enum sender_mode {
	SENDER_ROOT,
	SENDER_IDS_BEFORE_OPEN,	/* setresuid/setresgid, then open */
	SENDER_IDS_AFTER_OPEN,	/* open, then setresuid/setresgid */
};

typedef struct Sender {
	enum sender_mode mode;
	const char *world;	/* a 0666 node for unprivileged openers */
} Sender;

static int sender_child(void *arg)
{
	Sender *s = arg;
	int fd = -1;

	switch (s->mode) {
	case SENDER_ROOT:
		fd = bxt_try_open(BXT_DEVICE);
		break;
	case SENDER_IDS_BEFORE_OPEN:
		BXT_CHILD_EQ(bxt_become(1234, 4321), 0);
		fd = bxt_try_open(s->world);
		break;
	case SENDER_IDS_AFTER_OPEN:
		fd = bxt_try_open(BXT_DEVICE);
		BXT_CHILD_EQ(bxt_become(1234, 4321), 0);
		break;
	}
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(probe(fd), -ENOENT);
	close(fd);
	return 0;
}

/* Run a sender child against the Coordinator @co; the message it sent. */
static struct bindox_message send_from_child(int co, Sender *s, pid_t *pid)
{
	struct bindox_message m;

	*pid = bxt_spawn_ck(sender_child, s);
	BXT_OK(serve_one(co, &m));
	bxt_reap_ck(*pid);
	return m;
}

START_TEST(sender_root)
{
	Sender s = { .mode = SENDER_ROOT };
	struct bindox_message m;
	int co = bxt_open_ck();
	pid_t pid;

	BXT_OK(bxt_claim(co));
	m = send_from_child(co, &s, &pid);
	ck_assert_int_eq(m.sender_pid, pid);
	ck_assert_uint_eq(m.sender_euid, 0);
	ck_assert_uint_eq(m.sender_egid, 0);
	ck_assert_uint_eq(m.sender_domain, 0);
	close(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(sender_ids_before_open)
{
	Sender s = { .mode = SENDER_IDS_BEFORE_OPEN };
	struct bindox_message m;
	char world[64];
	int co = bxt_open_ck();
	pid_t pid;

	bxt_world_node_ck(world);
	s.world = world;
	BXT_OK(bxt_claim(co));
	m = send_from_child(co, &s, &pid);
	unlink(world);
	ck_assert_int_eq(m.sender_pid, pid);
	ck_assert_uint_eq(m.sender_euid, 1234);
	ck_assert_uint_eq(m.sender_egid, 4321);
	ck_assert_uint_eq(m.sender_domain, 0);
	close(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(opener_credentials_count)
{
	Sender s = { .mode = SENDER_IDS_AFTER_OPEN };
	struct bindox_message m;
	int co = bxt_open_ck();
	pid_t pid;

	BXT_OK(bxt_claim(co));
	m = send_from_child(co, &s, &pid);
	/* It is 1234/4321 by now, but opened the device as root. */
	ck_assert_int_eq(m.sender_pid, pid);
	ck_assert_uint_eq(m.sender_euid, 0);
	ck_assert_uint_eq(m.sender_egid, 0);
	close(co);
	bxt_assert_no_leaks();
}
END_TEST

static void *probe_thread(void *arg)
{
	return (void *)(intptr_t)probe(*(int *)arg);
}

START_TEST(sender_thread_reports_process)
{
	struct bindox_message m;
	int co = bxt_open_ck(), cli = bxt_open_ck();
	void *ret = NULL;
	pthread_t t;

	BXT_OK(bxt_claim(co));
	ck_assert_int_eq(pthread_create(&t, NULL, probe_thread, &cli), 0);
	BXT_OK(serve_one(co, &m));
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, &ret), 0);
	ck_assert_int_eq((int)(intptr_t)ret, -ENOENT);
	/* A thread's message carries its process's pid. */
	ck_assert_int_eq(m.sender_pid, getpid());
	close(cli);
	close(co);
	bxt_assert_no_leaks();
}
END_TEST

/* fork() in a child: PDEATHSIG, returns like fork(). */
static pid_t child_fork(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* pid 1 of a new pid namespace sees no parent (0). */
		if (getppid() != parent && getpid() != 1)
			_exit(97);
	}
	return pid;
}

static int child_wait(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return 96;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

typedef struct NsArgs {
	int p[2];	/* child -> parent */
	int q[2];	/* parent -> child */
} NsArgs;

/* Unshares a pid namespace; its first child (pid 1 there) sends the probe. */
static int pidns_sender_child(void *arg)
{
	NsArgs *a = arg;
	pid_t pid;

	BXT_CHILD_EQ(unshare(CLONE_NEWPID) < 0 ? -errno : 0, 0);
	pid = child_fork();
	BXT_CHILD_CHECK(pid >= 0);
	if (pid == 0) {
		int fd = bxt_try_open(BXT_DEVICE);

		BXT_CHILD_EQ(getpid(), 1);
		BXT_CHILD_CHECK(fd >= 0);
		BXT_CHILD_EQ(probe(fd), -ENOENT);
		_exit(0);
	}
	bxt_put(a->p[1], (uint64_t)pid);	/* as the parent's namespace sees it */
	return child_wait(pid);
}

START_TEST(sender_in_pid_namespace)
{
	struct bindox_message m;
	int co = bxt_open_ck();
	uint64_t gpid;
	NsArgs a;
	pid_t pid;

	BXT_OK(bxt_claim(co));
	bxt_pipe_ck(a.p);
	pid = bxt_spawn_ck(pidns_sender_child, &a);
	gpid = bxt_get_ck(a.p[0]);
	BXT_OK(serve_one(co, &m));
	bxt_reap_ck(pid);
	/* The receiver's view of the sender: its pid out here, not 1. */
	ck_assert_int_eq(m.sender_pid, (pid_t)gpid);
	ck_assert_int_ne(m.sender_pid, 1);
	close(co);
	close(a.p[0]);
	close(a.p[1]);
	bxt_assert_no_leaks();
}
END_TEST

/*
 * A Coordinator that is pid 1 of a new pid namespace. It reports the sender
 * pid of a call from outside, then of a call from its own child (whose pid
 * it knows in its namespace).
 */
static int pidns_receiver_child(void *arg)
{
	NsArgs *a = arg;
	pid_t pid;

	BXT_CHILD_EQ(unshare(CLONE_NEWPID) < 0 ? -errno : 0, 0);
	pid = child_fork();
	BXT_CHILD_CHECK(pid >= 0);
	if (pid == 0) {
		struct bindox_message m;
		int fd = bxt_try_open(BXT_DEVICE);
		pid_t c;

		BXT_CHILD_EQ(getpid(), 1);
		BXT_CHILD_CHECK(fd >= 0);
		BXT_CHILD_EQ(bxt_claim(fd), 0);
		bxt_put(a->p[1], 1);
		BXT_CHILD_EQ(serve_one(fd, &m), 0);
		bxt_put(a->p[1], (uint64_t)(uint32_t)m.sender_pid);

		c = child_fork();
		BXT_CHILD_CHECK(c >= 0);
		if (c == 0) {
			int cfd = bxt_try_open(BXT_DEVICE);

			BXT_CHILD_CHECK(cfd >= 0);
			BXT_CHILD_EQ(probe(cfd), -ENOENT);
			_exit(0);
		}
		BXT_CHILD_EQ(serve_one(fd, &m), 0);
		BXT_CHILD_EQ(child_wait(c), 0);
		bxt_put(a->p[1], (uint64_t)(uint32_t)c);
		bxt_put(a->p[1], (uint64_t)(uint32_t)m.sender_pid);
		_exit(0);
	}
	return child_wait(pid);
}

START_TEST(receiver_in_pid_namespace)
{
	Sender s = { .mode = SENDER_ROOT };
	uint64_t outside, inner_expected, inner_seen;
	NsArgs a;
	pid_t pid, spid;

	bxt_pipe_ck(a.p);
	pid = bxt_spawn_ck(pidns_receiver_child, &a);
	ck_assert_uint_eq(bxt_get_ck(a.p[0]), 1);
	spid = bxt_spawn_ck(sender_child, &s);
	outside = bxt_get_ck(a.p[0]);
	bxt_reap_ck(spid);
	inner_expected = bxt_get_ck(a.p[0]);
	inner_seen = bxt_get_ck(a.p[0]);
	bxt_reap_ck(pid);
	/* Not visible in the receiver's namespace: 0. */
	ck_assert_uint_eq(outside, 0);
	/* Inside it: the pid there. */
	ck_assert_uint_eq(inner_seen, inner_expected);
	ck_assert_uint_ne(inner_seen, 0);
	close(a.p[0]);
	close(a.p[1]);
	bxt_assert_no_leaks();
}
END_TEST

/*
 * A Coordinator in a new user namespace whose maps the parent writes. It
 * reports the euid and egid of two calls.
 */
static int userns_receiver_child(void *arg)
{
	NsArgs *a = arg;
	struct bindox_message m;
	int fd = bxt_try_open(BXT_DEVICE), old_root, i;
	uint64_t go;

	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_claim(fd), 0);
	BXT_CHILD_EQ(bxt_unchroot(&old_root), 0);
	BXT_CHILD_EQ(unshare(CLONE_NEWUSER) < 0 ? -errno : 0, 0);
	BXT_CHILD_EQ(bxt_rechroot(old_root), 0);
	bxt_put(a->p[1], 1);
	BXT_CHILD_EQ(bxt_get(a->q[0], &go, BXT_LONG_MS), 0);
	for (i = 0; i < 2; i++) {
		BXT_CHILD_EQ(serve_one(fd, &m), 0);
		bxt_put(a->p[1], m.sender_euid);
		bxt_put(a->p[1], m.sender_egid);
	}
	return 0;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_msg(fd >= 0, "open %s: %s", path, bxt_errname(errno));
	n = write(fd, text, strlen(text));
	ck_assert_msg(n == (ssize_t)strlen(text), "write %s: %s", path, bxt_errname(errno));
	close(fd);
}

static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* _i = 0: the namespace maps only uid/gid 0; 1: it maps 1234/4321 (as 0). */
START_TEST(receiver_in_user_namespace)
{
	Sender root = { .mode = SENDER_ROOT }, ids = { .mode = SENDER_IDS_BEFORE_OPEN };
	long ouid = read_long("/proc/sys/kernel/overflowuid");
	long ogid = read_long("/proc/sys/kernel/overflowgid");
	uint64_t uid_root, gid_root, uid_ids, gid_ids;
	char world[64], path[64];
	NsArgs a;
	pid_t pid, spid;

	ck_assert_int_eq(ouid, 65534);
	ck_assert_int_eq(ogid, 65534);
	bxt_world_node_ck(world);
	ids.world = world;
	bxt_pipe_ck(a.p);
	bxt_pipe_ck(a.q);
	pid = bxt_spawn_ck(userns_receiver_child, &a);
	ck_assert_uint_eq(bxt_get_ck(a.p[0]), 1);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	write_file(path, _i ? "0 1234 1\n" : "0 0 1\n");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	write_file(path, _i ? "0 4321 1\n" : "0 0 1\n");
	BXT_OK(bxt_put(a.q[1], 1));

	spid = bxt_spawn_ck(sender_child, &root);
	uid_root = bxt_get_ck(a.p[0]);
	gid_root = bxt_get_ck(a.p[0]);
	bxt_reap_ck(spid);
	spid = bxt_spawn_ck(sender_child, &ids);
	uid_ids = bxt_get_ck(a.p[0]);
	gid_ids = bxt_get_ck(a.p[0]);
	bxt_reap_ck(spid);
	bxt_reap_ck(pid);
	unlink(world);

	if (_i == 0) {
		ck_assert_uint_eq(uid_root, 0);
		ck_assert_uint_eq(gid_root, 0);
		ck_assert_uint_eq(uid_ids, (uint64_t)ouid);
		ck_assert_uint_eq(gid_ids, (uint64_t)ogid);
	} else {
		ck_assert_uint_eq(uid_root, (uint64_t)ouid);
		ck_assert_uint_eq(gid_root, (uint64_t)ogid);
		ck_assert_uint_eq(uid_ids, 0);
		ck_assert_uint_eq(gid_ids, 0);
	}
	close(a.p[0]);
	close(a.p[1]);
	close(a.q[0]);
	close(a.q[1]);
	bxt_assert_no_leaks();
}
END_TEST

/*
 * A file used by another process than its opener: the message carries the
 * opener's pid with the opener's ids (the pid used to be the sending
 * process's, mixing two identities), and 0 once the opener has exited.
 */
START_TEST(inherited_file_speaks_for_its_opener)
{
	struct bindox_message m;
	int co = bxt_open_ck(), cli = bxt_open_ck();
	int go[2], st;
	pid_t child, opener;
	pthread_t t;
	uint64_t v;

	BXT_OK(bxt_claim(co));
	/* Allowed twin: the opener itself (a thread of it). */
	ck_assert_int_eq(pthread_create(&t, NULL, probe_thread, &cli), 0);
	BXT_OK(serve_one(co, &m));
	ck_assert_int_eq(bxt_join(t, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(m.sender_pid, getpid());

	/* A child that inherited the file, not opened it. */
	child = bxt_fork_ck();
	if (child == 0)
		_exit(probe(cli) == -ENOENT ? 0 : 1);
	BXT_OK(serve_one(co, &m));
	ck_assert_int_eq(bxt_waitpid(child, BXT_LONG_MS), 0);
	ck_assert_int_eq(m.sender_pid, getpid());
	ck_assert_int_ne(m.sender_pid, child);

	/* The opener exits; the process it gave the file to sends. */
	bxt_pipe_ck(go);
	opener = bxt_fork_ck();
	if (opener == 0) {
		int fd = bxt_try_open(BXT_DEVICE);

		if (fd < 0 || fork() != 0)
			_exit(fd < 0);
		/* The grandchild: waits until its parent is reaped. */
		if (bxt_get(go[0], &v, BXT_LONG_MS) < 0)
			_exit(2);
		_exit(probe(fd) == -ENOENT ? 0 : 3);
	}
	st = bxt_waitpid(opener, BXT_LONG_MS);
	ck_assert_int_eq(st, 0);
	BXT_OK(bxt_put(go[1], 1));
	BXT_OK(serve_one(co, &m));
	ck_assert_int_eq(m.sender_pid, 0);
	ck_assert_uint_eq(m.sender_euid, 0);

	close(go[0]);
	close(go[1]);
	close(cli);
	close(co);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *creds_suite(void)
{
	Suite *s = suite_create("creds");
	TCase *tc = bxt_tcase(s, "ids");

	tcase_add_test(tc, sender_root);
	tcase_add_test(tc, sender_ids_before_open);
	tcase_add_test(tc, opener_credentials_count);
	tcase_add_test(tc, sender_thread_reports_process);
	tcase_add_test(tc, inherited_file_speaks_for_its_opener);
	tc = bxt_tcase(s, "namespaces");
	tcase_add_test(tc, sender_in_pid_namespace);
	tcase_add_test(tc, receiver_in_pid_namespace);
	tcase_add_loop_test(tc, receiver_in_user_namespace, 0, 2);
	return s;
}

int main(void)
{
	return bxt_run(creds_suite());
}
