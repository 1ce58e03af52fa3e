/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Containers made of plain namespaces, the way the container guide
 * describes them: each a user, mount and pid namespace of its own with its
 * own uid map, and its domain's node bind-mounted as /dev/bindox. The
 * Coordinator runs on the host.
 *
 * - android-ivi (container root = host uid 100000): an app (uid 10057,
 *   host 110057) registers vendor.camera.front;
 * - linux-adas (host 200000): looks it up and calls it, moving a buffer
 *   there, and gets another buffer moved back;
 * - guest (host 300000): the policy has no rule for it: its lookup is
 *   refused.
 * Each side sees the other's uid as the overflow uid (not mapped in its
 * namespace), its pid as 0 (not visible) and its domain. Neither container
 * can open another domain's node or the control device, become the
 * Coordinator or load policy.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bxt.h"

#define SERVICE "vendor.camera.front"
#define SIZE (2UL * 1024 * 1024)
#define APP_UID 10057

enum { ANDROID, ADAS, GUEST, N_CONTAINERS };

static const struct {
	const char *domain;
	uint32_t base;		/* host uid/gid of the container's 0 */
} containers[N_CONTAINERS] = {
	[ANDROID] = { "android-ivi", 100000 },
	[ADAS] = { "linux-adas", 200000 },
	[GUEST] = { "guest", 300000 },
};

typedef struct Box {
	int which;
	int p[2];	/* container -> test: ready, then its findings */
	int q[2];	/* test -> container: maps written */
} Box;

/* ---- inside a container ---- */

/* Once the maps are written: the ids the part runs with. */
static int enter_ck(Box *b, uid_t uid)
{
	uint64_t go;

	if (bxt_get(b->q[0], &go, BXT_LONG_MS) < 0)
		return -ETIMEDOUT;
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return -errno;
	if (uid && setresuid(uid, uid, uid))
		return -errno;
	return 0;
}

/* What no container may do. */
static int denied(int fd, const Box *b)
{
	char other[64];
	struct bindox_policy_load load = { 0 };

	snprintf(other, sizeof(other), "/dev/bindox.d/%s",
		 containers[b->which == ANDROID ? ADAS : ANDROID].domain);
	if (bxt_try_open(other) != -EACCES || bxt_try_open("/dev/bindox-control") != -EACCES)
		return 1;
	if (bxt_claim(fd) != -EPERM || bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &load) != -EPERM)
		return 2;
	return 0;
}

static uint32_t buffer_new(int fd, uint8_t fill)
{
	struct bindox_buffer_alloc a = { .size = SIZE };
	void *p;

	if (bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a))
		return 0;
	p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)a.offset);
	if (p == MAP_FAILED)
		return 0;
	memset(p, fill, SIZE);
	munmap(p, SIZE);
	return a.id;
}

/* Whether the buffer object @o delivered to @fd holds @fill throughout. */
static bool buffer_holds(int fd, struct bindox_object o, uint8_t fill)
{
	uint8_t *p;
	bool ok = true;

	if (o.type != BINDOX_OBJ_BUFFER || !(o.flags & BINDOX_BUF_WRITABLE))
		return false;
	p = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, (off_t)o.value * 4096);
	if (p == MAP_FAILED)
		return false;
	for (size_t i = 0; i < SIZE; i += 4096)
		ok &= p[i] == fill;
	munmap(p, SIZE);
	return ok;
}

static void add_moved(BxtBuf *m, uint32_t id)
{
	struct bindox_object o = { .type = BINDOX_OBJ_BUFFER, .flags = BINDOX_BUF_MOVE, .value = id };

	m->offs[m->n++] = m->size;
	bxt_buf_put(m, &o, sizeof(o));
}

/* android-ivi: the camera app serves one call. */
static int camera(Box *b)
{
	struct bindox_message hdr;
	BxtBuf req, rep;
	uint64_t go;
	int fd;

	BXT_CHILD_EQ(enter_ck(b, APP_UID), 0);
	fd = bxt_try_open(BXT_DEVICE);
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_register(fd, SERVICE, 0xca), 0);
	BXT_CHILD_EQ(denied(fd, b), 0);
	bxt_put(b->p[1], 1);
	bxt_buf_init(&req);
	BXT_CHILD_EQ(bxt_recv(fd, &req, &hdr, BXT_LONG_NS), 0);
	BXT_CHILD_EQ(req.n, 1);
	BXT_CHILD_CHECK(buffer_holds(fd, bxt_buf_obj_at(&req, 0), 0x5a));
	bxt_put(b->p[1], hdr.sender_euid);
	bxt_put(b->p[1], (uint32_t)hdr.sender_pid);
	bxt_put(b->p[1], hdr.sender_domain);
	bxt_buf_init(&rep);
	add_moved(&rep, buffer_new(fd, 0xa5));
	BXT_CHILD_EQ(bxt_reply(fd, hdr.id, &rep, &req), 0);
	/* Registered until the guest has tried, so its refusal is the policy's. */
	BXT_CHILD_EQ(bxt_get(b->q[0], &go, BXT_LONG_MS), 0);
	close(fd);
	return 0;
}

/* linux-adas: the analysis calls the camera, buffers both ways. */
static int adas(Box *b)
{
	struct bindox_message hdr;
	BxtBuf req, rep;
	uint32_t h = 0;
	int fd;

	BXT_CHILD_EQ(enter_ck(b, 0), 0);
	fd = bxt_try_open(BXT_DEVICE);
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(denied(fd, b), 0);
	BXT_CHILD_EQ(bxt_lookup(fd, SERVICE, &h), 0);
	bxt_buf_init(&req);
	add_moved(&req, buffer_new(fd, 0x5a));
	bxt_buf_init(&rep);
	BXT_CHILD_EQ(bxt_call(fd, h, &req, &rep, &hdr, BXT_LONG_NS), 0);
	BXT_CHILD_EQ(rep.n, 1);
	BXT_CHILD_CHECK(buffer_holds(fd, bxt_buf_obj_at(&rep, 0), 0xa5));
	bxt_put(b->p[1], hdr.sender_euid);
	bxt_put(b->p[1], (uint32_t)hdr.sender_pid);
	bxt_put(b->p[1], hdr.sender_domain);
	close(fd);
	return 0;
}

/* guest: no rule lets it see the camera. */
static int guest(Box *b)
{
	uint32_t h = 0;
	int fd;

	BXT_CHILD_EQ(enter_ck(b, 0), 0);
	fd = bxt_try_open(BXT_DEVICE);
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_lookup(fd, SERVICE, &h), -EACCES);
	close(fd);
	return 0;
}

/*
 * The container's first process, as a runtime sets one up: a mount
 * namespace with the domain's node bind-mounted as /dev/bindox, then user
 * and pid namespaces (out of the guest's chroot, which user namespaces
 * refuse, and back), and pid 1 of it runs the part.
 */
static int container(void *arg)
{
	Box *b = arg;
	int old_root, status;
	char node[64];
	pid_t pid;

	snprintf(node, sizeof(node), "/dev/bindox.d/%s", containers[b->which].domain);
	BXT_CHILD_EQ(unshare(CLONE_NEWNS) ? -errno : 0, 0);
	BXT_CHILD_EQ(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ? -errno : 0, 0);
	BXT_CHILD_EQ(mount(node, BXT_DEVICE, NULL, MS_BIND, NULL) ? -errno : 0, 0);
	BXT_CHILD_EQ(bxt_unchroot(&old_root), 0);
	BXT_CHILD_EQ(unshare(CLONE_NEWUSER | CLONE_NEWPID) ? -errno : 0, 0);
	BXT_CHILD_EQ(bxt_rechroot(old_root), 0);
	bxt_put(b->p[1], 1);	/* the test writes the maps now */
	pid = fork();
	BXT_CHILD_CHECK(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(b->which == ANDROID ? camera(b) : b->which == ADAS ? adas(b) : guest(b));
	}
	BXT_CHILD_EQ(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- the test, on the host ---- */

static void write_map(pid_t pid, const char *which, uint32_t base)
{
	char path[64], text[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, which);
	snprintf(text, sizeof(text), "0 %u 65536\n", base);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static pid_t start_ck(Box *b, int which)
{
	pid_t pid;

	b->which = which;
	bxt_pipe_ck(b->p);
	bxt_pipe_ck(b->q);
	pid = bxt_spawn_ck(container, b);
	ck_assert_uint_eq(bxt_get_ck(b->p[0]), 1);
	write_map(pid, "uid_map", containers[which].base);
	write_map(pid, "gid_map", containers[which].base);
	BXT_OK(bxt_put(b->q[1], 1));
	return pid;
}

/* Allow exactly the camera: registered in android-ivi, used from linux-adas. */
static void policy_ck(BxtCoord *co, bool on)
{
	static const char strings[] = "android-ivi" "linux-adas" "vendor.camera.";
	struct bindox_policy_rule r[2] = {
		{ .actions = BINDOX_POLICY_ACT_REGISTER,
		  .flags = BINDOX_POLICY_RULE_ALLOW | BINDOX_POLICY_RULE_PREFIX,
		  .domain_off = 0, .domain_len = 11, .service_off = 21, .service_len = 14 },
		{ .actions = BINDOX_POLICY_ACT_LOOKUP | BINDOX_POLICY_ACT_CALL,
		  .flags = BINDOX_POLICY_RULE_ALLOW | BINDOX_POLICY_RULE_PREFIX,
		  .domain_off = 11, .domain_len = 10, .service_off = 21, .service_len = 14,
		  .peer_domain_off = 0, .peer_domain_len = 11, .source = 1 },
	};
	struct bindox_policy_load a = {
		.rules_ptr = (uintptr_t)r,
		.strings_ptr = (uintptr_t)strings,
		.rule_count = on ? 2 : 0,
		.strings_size = on ? sizeof(strings) - 1 : 0,
	};

	BXT_OK(bxt_ioctl(bindox_conn_fd(co->conn), BINDOX_IOC_POLICY_LOAD, &a));
}

static void domains_ck(int ctl, bool add)
{
	for (int i = 0; i < N_CONTAINERS; i++) {
		struct bindox_domain_config c = { .mode = 0660 };
		struct bindox_domain_remove r = { 0 };

		snprintf(c.name, sizeof(c.name), "%s", containers[i].domain);
		snprintf(r.name, sizeof(r.name), "%s", containers[i].domain);
		/* The camera app's node: the app owns it, the container's root group. */
		c.uid = containers[i].base + (i == ANDROID ? APP_UID : 0);
		c.gid = containers[i].base;
		if (add)
			BXT_OK(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_ADD, &c));
		else
			BXT_OK(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_REMOVE, &r));
	}
}

static uint32_t domain_id_ck(int ctl, int which)
{
	struct bindox_domain_config c = { 0 };

	snprintf(c.name, sizeof(c.name), "%s", containers[which].domain);
	BXT_OK(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_INFO, &c));
	return c.id;
}

START_TEST(test_two_containers_and_a_guest)
{
	BxtCoord *co = bxt_coord_start_ck();
	int ctl = open("/dev/bindox-control", O_RDWR | O_CLOEXEC);
	Box box[N_CONTAINERS];
	pid_t pid[N_CONTAINERS];
	uint64_t euid, cpid, dom;

	ck_assert_int_ge(ctl, 0);
	domains_ck(ctl, true);
	bxt_sleep_ms(100);	/* devtmpfs makes the nodes */
	policy_ck(co, true);

	pid[ANDROID] = start_ck(&box[ANDROID], ANDROID);
	ck_assert_uint_eq(bxt_get_ck(box[ANDROID].p[0]), 1);	/* registered */
	pid[ADAS] = start_ck(&box[ADAS], ADAS);
	pid[GUEST] = start_ck(&box[GUEST], GUEST);

	/* The camera saw the analysis: unmapped uid, invisible pid, its domain. */
	euid = bxt_get_ck(box[ANDROID].p[0]);
	cpid = bxt_get_ck(box[ANDROID].p[0]);
	dom = bxt_get_ck(box[ANDROID].p[0]);
	ck_assert_uint_eq(euid, 65534);
	ck_assert_uint_eq(cpid, 0);
	ck_assert_uint_eq(dom, domain_id_ck(ctl, ADAS));
	/* And the other way round. */
	euid = bxt_get_ck(box[ADAS].p[0]);
	cpid = bxt_get_ck(box[ADAS].p[0]);
	dom = bxt_get_ck(box[ADAS].p[0]);
	ck_assert_uint_eq(euid, 65534);
	ck_assert_uint_eq(cpid, 0);
	ck_assert_uint_eq(dom, domain_id_ck(ctl, ANDROID));

	bxt_reap_ck(pid[GUEST]);
	BXT_OK(bxt_put(box[ANDROID].q[1], 1));	/* the camera may go now */
	for (int i = 0; i < N_CONTAINERS; i++) {
		if (i != GUEST)
			bxt_reap_ck(pid[i]);
		close(box[i].p[0]);
		close(box[i].p[1]);
		close(box[i].q[0]);
		close(box[i].q[1]);
	}
	policy_ck(co, false);
	domains_ck(ctl, false);
	close(ctl);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *containers_suite(void)
{
	Suite *s = suite_create("containers");

	tcase_add_test(bxt_tcase(s, "namespaces"), test_two_containers_and_a_guest);
	return s;
}

int main(void)
{
	return bxt_run(containers_suite());
}
