/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Domains at run time, through /dev/bindox-control: their nodes (own
 * major, named and owned by the kernel), the control device's checks and
 * bad input, per-domain limits, messages carrying the domain, and removal
 * (refused while in use, or forced: every file of the domain ends).
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "bxt.h"

#define CONTROL "/dev/bindox-control"

static int ctl_open_ck(void)
{
	int fd = open(CONTROL, O_RDWR | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "open %s: %s", CONTROL, strerror(errno));
	return fd;
}

static struct bindox_domain_config config(const char *name, uint32_t uid, uint32_t gid,
					  uint32_t mode)
{
	struct bindox_domain_config c;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.uid = uid;
	c.gid = gid;
	c.mode = mode;
	return c;
}

static int domain_add(int ctl, struct bindox_domain_config *c)
{
	return bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_ADD, c);
}

static int domain_remove(int ctl, const char *name, uint32_t flags)
{
	struct bindox_domain_remove r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.flags = flags;
	return bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_REMOVE, &r);
}

static int domain_info(int ctl, const char *name, struct bindox_domain_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	return bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_INFO, c);
}

static void node_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "/dev/bindox.d/%s", name);
}

/* Wait (devtmpfs is quick, but asynchronous) for @path to exist or not. */
static bool wait_path(const char *path, bool exists)
{
	struct stat st;

	for (int i = 0; i < 200; i++) {
		if ((stat(path, &st) == 0) == exists)
			return true;
		bxt_sleep_ms(10);
	}
	return false;
}

START_TEST(test_a_domain_gets_its_node)
{
	struct bindox_domain_config c = config("linux-adas", 1000, 1001, 0660), info;
	struct stat st, host;
	char path[64], sys[128], buf[64];
	int ctl = ctl_open_ck();
	FILE *f;

	BXT_OK(domain_add(ctl, &c));
	ck_assert_uint_gt(c.id, 0);
	node_path(path, sizeof(path), "linux-adas");
	ck_assert_msg(wait_path(path, true), "%s did not appear", path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(stat(BXT_DEVICE, &host), 0);
	ck_assert(S_ISCHR(st.st_mode));
	/* A major of its own, shared with /dev/bindox only; minor = id. */
	ck_assert_uint_eq(major(st.st_rdev), major(host.st_rdev));
	ck_assert_uint_ne(major(st.st_rdev), 10);
	ck_assert_uint_eq(minor(st.st_rdev), c.id);
	ck_assert_uint_eq(st.st_uid, 1000);
	ck_assert_uint_eq(st.st_gid, 1001);
	ck_assert_uint_eq(st.st_mode & 07777, 0660);

	/* sysfs and the uevent tell the same. */
	snprintf(sys, sizeof(sys), "/sys/class/bindox/bindox-linux-adas/mode");
	f = fopen(sys, "re");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, "0660\n");
	f = fopen("/sys/class/bindox/bindox-linux-adas/uevent", "re");
	ck_assert_ptr_nonnull(f);
	{
		char line[128];
		bool name = false, uid = false;

		while (fgets(line, sizeof(line), f)) {
			name |= !strcmp(line, "BINDOX_DOMAIN=linux-adas\n");
			uid |= !strcmp(line, "BINDOX_UID=1000\n");
		}
		ck_assert(name && uid);
	}
	fclose(f);

	/* Listed, by name and by id, with the host. */
	BXT_OK(domain_info(ctl, "linux-adas", &info));
	ck_assert_uint_eq(info.id, c.id);
	ck_assert_uint_eq(info.limits.max_connections, c.limits.max_connections);
	ck_assert_uint_gt(info.limits.max_connections, 0);
	BXT_OK(domain_info(ctl, "", &info));
	ck_assert_str_eq(info.name, "host");
	info.name[0] = '\0';
	info.id = 1;
	BXT_OK(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_INFO, &info));
	ck_assert_uint_ge(info.id, 1);

	BXT_OK(domain_remove(ctl, "linux-adas", 0));
	ck_assert_msg(wait_path(path, false), "%s stayed", path);
	BXT_ERR(domain_info(ctl, "linux-adas", &info), ENOENT);
	close(ctl);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(test_bad_input)
{
	static const char *const bad_names[] = {
		"", "host", "control", "Upper", "a b", "-lead", ".lead", "slash/x",
	};
	struct bindox_domain_config c, info;
	int ctl = ctl_open_ck();
	size_t i;

	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		c = config(bad_names[i], 0, 0, 0600);
		ck_assert_msg(domain_add(ctl, &c) == -EINVAL, "name \"%s\"", bad_names[i]);
	}
	/* Not terminated. */
	c = config("x", 0, 0, 0600);
	memset(c.name, 'a', sizeof(c.name));
	BXT_ERR(domain_add(ctl, &c), EINVAL);
	/* World-accessible modes, reserved fields, limits out of range. */
	c = config("ok-name", 0, 0, 0666);
	BXT_ERR(domain_add(ctl, &c), EINVAL);
	c = config("ok-name", 0, 0, 04660);
	BXT_ERR(domain_add(ctl, &c), EINVAL);
	c = config("ok-name", 0, 0, 0600);
	c.reserved = 1;
	BXT_ERR(domain_add(ctl, &c), EINVAL);
	c = config("ok-name", 0, 0, 0600);
	c.limits.max_connections = 1U << 20;
	BXT_ERR(domain_add(ctl, &c), EINVAL);
	c = config("ok-name", (uint32_t)-1, 0, 0600);
	BXT_ERR(domain_add(ctl, &c), EINVAL);
	/* None of that left anything behind. */
	BXT_ERR(domain_info(ctl, "ok-name", &info), ENOENT);

	/* Allowed twin, then a duplicate. */
	c = config("ok-name", 0, 0, 0600);
	BXT_OK(domain_add(ctl, &c));
	c = config("ok-name", 0, 0, 0600);
	BXT_ERR(domain_add(ctl, &c), EEXIST);
	BXT_ERR(domain_remove(ctl, "no-such", 0), ENOENT);
	BXT_ERR(domain_remove(ctl, "host", BINDOX_DOMAIN_FORCE), EINVAL);
	c = config("no-such", 0, 0, 0600);
	BXT_ERR(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_UPDATE, &c), ENOENT);
	BXT_ERR(bxt_ioctl(ctl, 0xdead, &c), ENOTTY);
	BXT_OK(domain_remove(ctl, "ok-name", 0));
	close(ctl);
	bxt_assert_no_leaks();
}
END_TEST

/* In a child: drop CAP_SYS_ADMIN (or enter a user namespace) and try. */
static int unprivileged_control(void *arg)
{
	struct bindox_domain_config c = config("sneaky", 0, 0, 0600);
	int ctl = open(CONTROL, O_RDWR | O_CLOEXEC);
	bool userns = arg != NULL;

	BXT_CHILD_CHECK(ctl >= 0);
	if (userns) {
		int old_root;

		BXT_CHILD_EQ(bxt_unchroot(&old_root), 0);
		BXT_CHILD_EQ(unshare(CLONE_NEWUSER), 0);
	} else {
		BXT_CHILD_EQ(bxt_cap_effective(21 /* CAP_SYS_ADMIN */, false), 0);
	}
	BXT_CHILD_EQ(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_ADD, &c), -EPERM);
	BXT_CHILD_EQ(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_INFO, &c), -EPERM);
	close(ctl);
	return 0;
}

START_TEST(test_control_needs_the_hosts_admin)
{
	int ctl = ctl_open_ck();
	struct bindox_domain_config c;

	/* Allowed twin: root with CAP_SYS_ADMIN. */
	BXT_OK(domain_info(ctl, "host", &c));
	bxt_reap_ck(bxt_spawn_ck(unprivileged_control, NULL));
	/* Root in a user namespace of its own is not the host's root. */
	bxt_reap_ck(bxt_spawn_ck(unprivileged_control, (void *)1));
	BXT_ERR(domain_info(ctl, "sneaky", &c), ENOENT);
	close(ctl);
	bxt_assert_no_leaks();
}
END_TEST

/*
 * Policy through the Coordinator @co: @allow lets everybody register, look
 * up and call everything across domains; otherwise the built-in default
 * (nothing crosses domains) is back.
 */
static void policy_ck(BxtCoord *co, bool allow)
{
	struct bindox_policy_rule r = {
		.actions = BINDOX_POLICY_ACT_ALL,
		.flags = BINDOX_POLICY_RULE_ALLOW | BINDOX_POLICY_RULE_PREFIX |
			 BINDOX_POLICY_RULE_ANY_PEER,
	};
	struct bindox_policy_load a = {
		.rules_ptr = (uintptr_t)&r,
		.rule_count = allow,
	};

	BXT_OK(bxt_ioctl(bindox_conn_fd(co->conn), BINDOX_IOC_POLICY_LOAD, &a));
}

/*
 * The end of a test that opened domain @name's files against the host
 * environment @e with policy_ck() on: policy back, environment down, the
 * domain removed, the control file closed, nothing left behind.
 */
static void domain_env_down_ck(BxtEnv *e, int ctl, const char *name)
{
	policy_ck(e->coord, false);
	bxt_env_down_ck(e);
	BXT_OK(domain_remove(ctl, name, 0));
	close(ctl);
	bxt_assert_no_leaks();
}

/* The domain id a message from @fd arrives with at the Coordinator. */
static uint32_t domain_of_sender_ck(BxtCoord *co, int fd)
{
	BxtCoordSeen seen;
	unsigned int n = bxt_coord_calls(co);
	uint32_t h;

	(void)bxt_lookup(fd, "nobody.here", &h);
	ck_assert(bxt_coord_seen(co, n, &seen));
	return seen.creds.domain;
}

START_TEST(test_messages_carry_the_domain)
{
	struct bindox_domain_config c = config("android-ivi", 0, 0, 0600);
	BxtCoord *co = bxt_coord_start_ck();
	int ctl = ctl_open_ck(), fd, host;
	char path[64];

	BXT_OK(domain_add(ctl, &c));
	node_path(path, sizeof(path), "android-ivi");
	ck_assert(wait_path(path, true));
	fd = bxt_try_open(path);
	ck_assert_int_ge(fd, 0);
	host = bxt_open_ck();
	/* Handle 0 reaches the one Coordinator from every domain. */
	ck_assert_uint_eq(domain_of_sender_ck(co, host), 0);
	ck_assert_uint_eq(domain_of_sender_ck(co, fd), c.id);
	/* A domain cannot become the Coordinator nor load policy. */
	BXT_ERR(bxt_claim(fd), EPERM);
	{
		struct bindox_policy_load a = { 0 };

		BXT_ERR(bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &a), EPERM);
	}
	/* Nothing crosses domains by default; a rule lets it. */
	{
		char name[64];
		uint32_t h = 0;

		bxt_unique_name(name, sizeof(name), "hostsvc");
		BXT_OK(bxt_register(host, name, 0x40));
		BXT_ERR(bxt_lookup(fd, name, &h), EACCES);
		policy_ck(co, true);
		BXT_OK(bxt_lookup(fd, name, &h));
		ck_assert_uint_ne(h, 0);
		policy_ck(co, false);
	}

	close(fd);
	close(host);
	BXT_OK(domain_remove(ctl, "android-ivi", 0));
	close(ctl);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(test_limits_per_domain)
{
	struct bindox_domain_config c = config("limited", 0, 0, 0600);
	int ctl = ctl_open_ck(), a, b, fd;
	char path[64];
	BxtEnv e;
	BxtBuf m;

	c.limits.max_connections = 2;
	c.limits.max_nodes = 3;
	c.limits.max_oneway = 2;
	BXT_OK(domain_add(ctl, &c));
	node_path(path, sizeof(path), "limited");
	ck_assert(wait_path(path, true));

	/* Connections: two, then EMFILE; raised in place, a third. */
	a = bxt_try_open(path);
	b = bxt_try_open(path);
	ck_assert(a >= 0 && b >= 0);
	BXT_ERR(bxt_try_open(path), EMFILE);
	c.limits.max_connections = 3;
	BXT_OK(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_UPDATE, &c));
	fd = bxt_try_open(path);
	ck_assert_int_ge(fd, 0);

	/* Nodes: three in the whole domain. */
	bxt_env_up_ck(&e, 0x1d);
	policy_ck(e.coord, true);
	{
		uint32_t hb = bxt_link_ck(e.srv, 0x1e, b);
		uint32_t hf;

		(void)hb;
		bxt_buf_init(&m);
		bxt_buf_obj(&m, BINDOX_OBJ_NODE, 1);
		bxt_buf_obj(&m, BINDOX_OBJ_NODE, 2);
		BXT_OK(bxt_send(b, hb, &m));
		hf = bxt_link_ck(e.srv, 0x1f, fd);
		bxt_buf_init(&m);
		bxt_buf_obj(&m, BINDOX_OBJ_NODE, 3);
		BXT_OK(bxt_send(fd, hf, &m));
		bxt_buf_init(&m);
		BXT_ERR(bxt_send(fd, hf, &m), EAGAIN);	/* the one-way share: 2 */
		bxt_buf_init(&m);
		BXT_OK(bxt_recv(e.srv, &m, NULL, BXT_LONG_NS));
		bxt_buf_init(&m);
		bxt_buf_obj(&m, BINDOX_OBJ_NODE, 4);
		BXT_ERR(bxt_send(fd, hf, &m), ENOSPC);	/* the fourth node */
	}
	close(a);
	close(b);
	close(fd);
	domain_env_down_ck(&e, ctl, "limited");
}
END_TEST

/* A one-way message of @size bytes of @fill. */
static void oneway_of(BxtBuf *m, size_t size, uint8_t fill)
{
	uint8_t bytes[128];

	ck_assert_uint_le(size, sizeof(bytes));
	memset(bytes, fill, size);
	bxt_buf_init(m);
	bxt_buf_put(m, bytes, size);
}

/*
 * max_oneway_bytes: what fits is queued, one byte more waits for room
 * (EAGAIN), and a message of more bytes than the whole limit, which no
 * receiver can ever make room for, is refused as too long, also when the
 * sender asked to wait for room (it used to wait for ever).
 */
START_TEST(test_oneway_bytes_per_domain)
{
	struct bindox_domain_config c = config("bytes", 0, 0, 0600);
	int ctl = ctl_open_ck(), fd;
	char path[64];
	uint32_t h;
	BxtEnv e;
	BxtBuf m;

	c.limits.max_oneway_bytes = 64;
	BXT_OK(domain_add(ctl, &c));
	node_path(path, sizeof(path), "bytes");
	ck_assert(wait_path(path, true));
	fd = bxt_try_open(path);
	ck_assert_int_ge(fd, 0);
	bxt_env_up_ck(&e, 0x20);
	policy_ck(e.coord, true);
	h = bxt_link_ck(e.srv, 0x21, fd);

	oneway_of(&m, 64, 0xa1);
	BXT_OK(bxt_send(fd, h, &m));
	oneway_of(&m, 1, 0xa2);
	BXT_ERR(bxt_send(fd, h, &m), EAGAIN);
	bxt_buf_init(&m);
	BXT_OK(bxt_recv(e.srv, &m, NULL, BXT_LONG_NS));
	ck_assert(m.size == 64 && m.data[0] == 0xa1 && m.data[63] == 0xa1);

	oneway_of(&m, 65, 0xa3);
	BXT_ERR(bxt_send(fd, h, &m), EMSGSIZE);
	BXT_ERR(bxt_send_flags(fd, h, BINDOX_TF_ONEWAY | BINDOX_TF_WAIT_ROOM, &m),
		EMSGSIZE);
	/* Raised in place, the same message goes. */
	c.limits.max_oneway_bytes = 65;
	BXT_OK(bxt_ioctl(ctl, BINDOX_CTL_DOMAIN_UPDATE, &c));
	BXT_OK(bxt_send_flags(fd, h, BINDOX_TF_ONEWAY | BINDOX_TF_WAIT_ROOM, &m));
	bxt_buf_init(&m);
	BXT_OK(bxt_recv(e.srv, &m, NULL, BXT_LONG_NS));
	ck_assert(m.size == 65 && m.data[0] == 0xa3 && m.data[64] == 0xa3);

	close(fd);
	domain_env_down_ck(&e, ctl, "bytes");
}
END_TEST

typedef struct Pending {
	int fd;
	uint32_t h;
	int result;
	pthread_t thread;
} Pending;

static void *pending_call(void *arg)
{
	Pending *p = arg;
	BxtBuf req, rep;

	bxt_buf_init(&req);
	bxt_buf_init(&rep);
	p->result = bxt_call(p->fd, p->h, &req, &rep, NULL, BXT_LONG_NS);
	return NULL;
}

START_TEST(test_removal_refused_while_used_or_forced)
{
	struct bindox_domain_config c = config("doomed", 0, 0, 0600);
	int ctl = ctl_open_ck(), fd;
	Pending out = { 0 }, in = { 0 };
	struct bindox_message hdr;
	char path[64];
	uint32_t h;
	BxtEnv e;
	BxtBuf m;

	BXT_OK(domain_add(ctl, &c));
	node_path(path, sizeof(path), "doomed");
	ck_assert(wait_path(path, true));
	fd = bxt_try_open(path);
	ck_assert_int_ge(fd, 0);
	BXT_ERR(domain_remove(ctl, "doomed", 0), EBUSY);

	/* A call out of the domain, and a call into it, both pending. */
	bxt_env_up_ck(&e, 0xd0);
	policy_ck(e.coord, true);
	out.fd = fd;
	out.h = bxt_link_ck(e.srv, 0xd1, fd);
	ck_assert_int_eq(pthread_create(&out.thread, NULL, pending_call, &out), 0);
	h = bxt_link_ck(fd, 0xd2, e.cli);
	in.fd = e.cli;
	in.h = h;
	ck_assert_int_eq(pthread_create(&in.thread, NULL, pending_call, &in), 0);
	BXT_OK(bxt_wait_queued(2, BXT_LONG_MS));
	bxt_buf_init(&m);
	BXT_OK(bxt_recv(e.srv, &m, &hdr, BXT_LONG_NS));	/* out's call, held */

	BXT_OK(domain_remove(ctl, "doomed", BINDOX_DOMAIN_FORCE));
	ck_assert_int_eq(bxt_join(out.thread, BXT_LONG_MS, NULL), 0);
	ck_assert_int_eq(bxt_join(in.thread, BXT_LONG_MS, NULL), 0);
	BXT_ERR(out.result, BINDOX_EDEADPEER);
	BXT_ERR(in.result, BINDOX_EDEADPEER);
	/* The file stays, good for nothing; the node is gone. */
	BXT_ERR(bxt_recv(fd, NULL, NULL, 0), ENODEV);
	ck_assert(wait_path(path, false));
	/* The server's late answer to the ended call goes nowhere. */
	ck_assert_int_ge(bxt_reply(e.srv, hdr.id, NULL, &m), 0);

	close(fd);
	policy_ck(e.coord, false);
	bxt_env_down_ck(&e);
	close(ctl);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *domains_suite(void)
{
	Suite *s = suite_create("domains");

	tcase_add_test(bxt_tcase(s, "node"), test_a_domain_gets_its_node);
	tcase_add_test(bxt_tcase(s, "bad-input"), test_bad_input);
	tcase_add_test(bxt_tcase(s, "control"), test_control_needs_the_hosts_admin);
	tcase_add_test(bxt_tcase(s, "messages"), test_messages_carry_the_domain);
	tcase_add_test(bxt_tcase(s, "limits"), test_limits_per_domain);
	tcase_add_test(bxt_tcase(s, "limits"), test_oneway_bytes_per_domain);
	tcase_add_test(bxt_tcase(s, "removal"), test_removal_refused_while_used_or_forced);
	return s;
}

int main(void)
{
	return bxt_run(domains_suite());
}
