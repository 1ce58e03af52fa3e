/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver's policy: BINDOX_IOC_POLICY_LOAD (Coordinator only, validated
 * as a whole, a refused table leaves the old one in force, generations) and
 * its checks on register, lookup and call, with the built-in default and
 * revocation through handles already held when a new table is loaded,
 * and the refusals the host domain's sysfs attributes count.
 * The table is global: main() loads an empty one again after the suite, so
 * that later test programs see the built-in default even if a test failed.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

#define MAX_TEST_RULES 16

typedef struct Table {
	struct bindox_policy_rule rules[MAX_TEST_RULES];
	uint32_t n;
	char strings[1024];
	uint32_t size;
} Table;

/* Append @s to the blob; its offset and length out. */
static void table_str(Table *t, const char *s, uint32_t *off, uint32_t *len)
{
	size_t n = strlen(s);

	ck_assert(t->size + n <= sizeof(t->strings));
	memcpy(t->strings + t->size, s, n);
	*off = t->size;
	*len = (uint32_t)n;
	t->size += (uint32_t)n;
}

/*
 * A rule: @actions, @flags (ALLOW, PREFIX, ANY_PEER, UID, GID), the subject
 * domain (NULL: any), the service, the peer domain (NULL: the subject's).
 */
static struct bindox_policy_rule *table_rule(Table *t, uint32_t actions, uint32_t flags,
					     const char *domain, const char *service,
					     const char *peer)
{
	struct bindox_policy_rule *r;

	ck_assert_uint_lt(t->n, MAX_TEST_RULES);
	r = &t->rules[t->n++];
	memset(r, 0, sizeof(*r));
	r->actions = actions;
	r->flags = flags;
	r->source = t->n - 1;
	if (domain)
		table_str(t, domain, &r->domain_off, &r->domain_len);
	table_str(t, service, &r->service_off, &r->service_len);
	if (peer)
		table_str(t, peer, &r->peer_domain_off, &r->peer_domain_len);
	return r;
}

static int load(int fd, const Table *t, uint64_t *gen)
{
	struct bindox_policy_load a = {
		.rules_ptr = (uintptr_t)t->rules,
		.strings_ptr = (uintptr_t)t->strings,
		.rule_count = t->n,
		.strings_size = t->size,
	};
	int r = bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &a);

	if (r == 0 && gen)
		*gen = a.generation;
	return r;
}

static int coord_fd(BxtCoord *co)
{
	return bindox_conn_fd(co->conn);
}

static void load_ck(BxtCoord *co, const Table *t)
{
	BXT_OK(load(coord_fd(co), t, NULL));
}

/* ---- who may load ---- */

START_TEST(only_the_coordinator_loads)
{
	BxtCoord *co = bxt_coord_start_ck();
	int other = bxt_open_ck();
	uint64_t g1 = 0, g2 = 0;
	Table t = { 0 };

	BXT_ERR(load(other, &t, NULL), EPERM);
	BXT_OK(load(coord_fd(co), &t, &g1));
	BXT_OK(load(coord_fd(co), &t, &g2));
	ck_assert_uint_gt(g1, 0);
	ck_assert_uint_eq(g2, g1 + 1);
	close(other);
	bxt_coord_stop(co);
	/* Without a Coordinator nobody loads. */
	other = bxt_open_ck();
	BXT_ERR(load(other, &t, NULL), EPERM);
	close(other);
	bxt_assert_no_leaks();
}
END_TEST

/* ---- bad tables ---- */

static void expect_refused(int fd, const Table *t, int err, const char *what)
{
	int r = load(fd, t, NULL);

	ck_assert_msg(r == -err, "%s: got %s, expected %s", what, bxt_errname(r),
		      bxt_errname(-err));
}

START_TEST(bad_tables_are_refused_and_change_nothing)
{
	BxtCoord *co = bxt_coord_start_ck();
	int fd = coord_fd(co);
	struct bindox_policy_load a;
	uint64_t before = 0, after = 0;
	char name[64];
	Table t = { 0 }, bad;

	/* In force: nobody may register "deny.*". */
	table_rule(&t, BINDOX_POLICY_ACT_REGISTER, BINDOX_POLICY_RULE_PREFIX, NULL, "deny.", NULL);
	BXT_OK(load(fd, &t, &before));

	bad = t;
	bad.rules[0].actions = 0;
	expect_refused(fd, &bad, EINVAL, "no action");
	bad = t;
	bad.rules[0].actions = 1U << 7;
	expect_refused(fd, &bad, EINVAL, "unknown action");
	bad = t;
	bad.rules[0].flags |= 1U << 9;
	expect_refused(fd, &bad, EINVAL, "unknown flag");
	bad = t;
	bad.rules[0].reserved = 1;
	expect_refused(fd, &bad, EINVAL, "reserved field");
	bad = t;
	bad.rules[0].service_off = 0xffffffffU;
	expect_refused(fd, &bad, EINVAL, "offset overflow");
	bad = t;
	bad.rules[0].service_len = bad.size + 1;
	expect_refused(fd, &bad, EINVAL, "string past the blob");
	bad = t;
	bad.strings[0] = '*';
	expect_refused(fd, &bad, EINVAL, "bad character");
	bad = t;
	bad.rules[0].flags = BINDOX_POLICY_RULE_ANY_PEER;
	table_str(&bad, "x", &bad.rules[0].peer_domain_off, &bad.rules[0].peer_domain_len);
	expect_refused(fd, &bad, EINVAL, "any peer and a peer name");
	bad = t;
	bad.rules[0].flags = 0;
	bad.rules[0].service_len = 0;
	expect_refused(fd, &bad, EINVAL, "exact rule without a name");

	memset(&a, 0, sizeof(a));
	a.rule_count = BINDOX_POLICY_MAX_RULES + 1;
	a.rules_ptr = (uintptr_t)t.rules;
	BXT_ERR(bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &a), E2BIG);
	memset(&a, 0, sizeof(a));
	a.strings_size = BINDOX_POLICY_MAX_STRINGS + 1;
	BXT_ERR(bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &a), E2BIG);
	memset(&a, 0, sizeof(a));
	a.rule_count = 1;
	a.rules_ptr = 8;
	BXT_ERR(bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &a), EFAULT);
	BXT_ERR(bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, (void *)8), EFAULT);

	/* The old table is still in force, and its generation too. */
	bxt_unique_name(name, sizeof(name), "x");
	memcpy(name, "deny.", 5);
	BXT_ERR(bxt_register(fd, name, 0x51), EACCES);
	memset(&bad, 0, sizeof(bad));
	BXT_OK(load(fd, &bad, &after));
	ck_assert_uint_eq(after, before + 1);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

/* ---- register ---- */

typedef struct Child {
	const char *world;	/* 0666 node to open after dropping privileges */
	uid_t uid;
	gid_t gid;
	const char *name;
	int want;		/* expected result of the registration */
} Child;

static int register_child(void *arg)
{
	Child *c = arg;
	int fd;

	BXT_CHILD_EQ(bxt_become(c->uid, c->gid), 0);
	fd = bxt_try_open(c->world);
	BXT_CHILD_CHECK(fd >= 0);
	BXT_CHILD_EQ(bxt_register(fd, c->name, 0x77), c->want);
	close(fd);
	return 0;
}

static void register_as(const char *world, uid_t uid, gid_t gid, const char *name, int want)
{
	Child c = { .world = world, .uid = uid, .gid = gid, .name = name, .want = want };

	bxt_reap_ck(bxt_spawn_ck(register_child, &c));
}

START_TEST(register_default_and_rules)
{
	BxtCoord *co = bxt_coord_start_ck();
	char world[64], mine[64], mine2[64], other[64], denied[64];
	struct bindox_policy_rule *r;
	int root = bxt_open_ck();
	Table t = { 0 };

	bxt_world_node_ck(world);
	bxt_unique_name(mine, sizeof(mine), "svc");
	memcpy(mine, "u1000", 5);	/* "u1000<pid>-..." */
	bxt_unique_name(mine2, sizeof(mine2), "svc");
	memcpy(mine2, "u1000", 5);
	bxt_unique_name(other, sizeof(other), "svc");
	bxt_unique_name(denied, sizeof(denied), "svc");
	memcpy(denied, "u1000", 5);
	memcpy(denied + strlen(denied) - 3, "bad", 3);

	/* Built-in default: only root in the host domain registers. */
	BXT_OK(load(coord_fd(co), &t, NULL));
	register_as(world, 1000, 1000, mine, -EACCES);
	BXT_OK(bxt_register(root, other, 0x10));

	/* uid 1000 may register "u1000*", except names ending in "bad". */
	r = table_rule(&t, BINDOX_POLICY_ACT_REGISTER,
		       BINDOX_POLICY_RULE_ALLOW | BINDOX_POLICY_RULE_PREFIX |
			       BINDOX_POLICY_RULE_UID,
		       "host", "u1000", NULL);
	r->uid = 1000;
	table_rule(&t, BINDOX_POLICY_ACT_REGISTER, 0, NULL, denied, NULL);
	load_ck(co, &t);
	register_as(world, 1000, 1000, mine, 0);
	register_as(world, 1000, 1000, denied, -EACCES);
	/* The uid alone decides: a name the rule covers, uid 1001, then 1000. */
	register_as(world, 1001, 1000, mine2, -EACCES);
	register_as(world, 1000, 1000, mine2, 0);
	/* A rule for another domain does not apply here. */
	memset(&t, 0, sizeof(t));
	r = table_rule(&t, BINDOX_POLICY_ACT_REGISTER,
		       BINDOX_POLICY_RULE_ALLOW | BINDOX_POLICY_RULE_PREFIX, "android-ivi", "", NULL);
	load_ck(co, &t);
	register_as(world, 1000, 1000, denied, -EACCES);
	/* Groups. */
	memset(&t, 0, sizeof(t));
	r = table_rule(&t, BINDOX_POLICY_ACT_REGISTER,
		       BINDOX_POLICY_RULE_ALLOW | BINDOX_POLICY_RULE_PREFIX | BINDOX_POLICY_RULE_GID,
		       NULL, "", NULL);
	r->gid = 4242;
	load_ck(co, &t);
	register_as(world, 1000, 4242, denied, 0);
	register_as(world, 1000, 1000, denied + 1, -EACCES);

	memset(&t, 0, sizeof(t));
	load_ck(co, &t);
	unlink(world);
	close(root);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

/* ---- lookup and call ---- */

START_TEST(lookup_is_checked_when_the_handle_is_handed_out)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), cli = bxt_open_ck();
	uint32_t h = 0;
	char name[64];
	Table t = { 0 };

	bxt_unique_name(name, sizeof(name), "look");
	BXT_OK(bxt_register(srv, name, 0x21));
	table_rule(&t, BINDOX_POLICY_ACT_LOOKUP, 0, NULL, name, NULL);
	load_ck(co, &t);
	BXT_ERR(bxt_lookup(cli, name, &h), EACCES);
	/* A later rule allowing it wins. */
	table_rule(&t, BINDOX_POLICY_ACT_LOOKUP, BINDOX_POLICY_RULE_ALLOW, "host", name, NULL);
	load_ck(co, &t);
	BXT_OK(bxt_lookup(cli, name, &h));
	ck_assert_uint_ne(h, 0);
	/* Rules for other actions do not decide lookups. */
	memset(&t, 0, sizeof(t));
	table_rule(&t, BINDOX_POLICY_ACT_CALL | BINDOX_POLICY_ACT_REGISTER, 0, NULL, name, NULL);
	load_ck(co, &t);
	BXT_OK(bxt_lookup(cli, name, &h));
	/* Peer domain: a rule naming another peer does not match. */
	memset(&t, 0, sizeof(t));
	table_rule(&t, BINDOX_POLICY_ACT_LOOKUP, 0, NULL, name, "linux-adas");
	load_ck(co, &t);
	BXT_OK(bxt_lookup(cli, name, &h));
	table_rule(&t, BINDOX_POLICY_ACT_LOOKUP, BINDOX_POLICY_RULE_ANY_PEER, NULL, name, NULL);
	load_ck(co, &t);
	BXT_ERR(bxt_lookup(cli, name, &h), EACCES);

	memset(&t, 0, sizeof(t));
	load_ck(co, &t);
	close(cli);
	close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(a_new_table_revokes_calls_through_held_handles)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), cli = bxt_open_ck();
	BxtEcho echo;
	uint32_t h = 0;
	char name[64];
	Table t = { 0 };
	int i;

	bxt_unique_name(name, sizeof(name), "rev");
	BXT_OK(bxt_register(srv, name, 0x31));
	BXT_OK(bxt_lookup(cli, name, &h));
	bxt_echo_start_ck(&echo, srv);
	for (i = 0; i < 3; i++)
		BXT_OK(bxt_call_small(cli, h));

	/* Deny calls to the service: the handle the client holds stops working. */
	table_rule(&t, BINDOX_POLICY_ACT_CALL, BINDOX_POLICY_RULE_PREFIX, NULL, "bxt-", NULL);
	load_ck(co, &t);
	for (i = 0; i < 3; i++)
		BXT_ERR(bxt_call_small(cli, h), EACCES);
	/* One-way messages too. */
	{
		BxtBuf m;

		bxt_buf_init(&m);
		bxt_buf_u64(&m, 1);
		BXT_ERR(bxt_send(cli, h, &m), EACCES);
	}
	/* Allowed again by the next table. */
	memset(&t, 0, sizeof(t));
	load_ck(co, &t);
	BXT_OK(bxt_call_small(cli, h));
	ck_assert_uint_eq(atomic_load(&echo.calls), 4);

	bxt_echo_stop_ck(&echo);
	close(cli);
	close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(a_new_name_rechecks_calls_through_held_handles)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), cli = bxt_open_ck();
	char name[64], stricter[64];
	BxtEcho echo;
	uint32_t h = 0;
	Table t = { 0 };

	bxt_unique_name(name, sizeof(name), "open");
	bxt_unique_name(stricter, sizeof(stricter), "closed");
	table_rule(&t, BINDOX_POLICY_ACT_CALL, 0, NULL, stricter, NULL);
	load_ck(co, &t);
	BXT_OK(bxt_register(srv, name, 0x32));
	BXT_OK(bxt_lookup(cli, name, &h));
	bxt_echo_start_ck(&echo, srv);
	/* Allowed under its first name (the decision is cached now). */
	BXT_OK(bxt_call_small(cli, h));
	BXT_OK(bxt_call_small(cli, h));

	/* The same node registered under a name nobody may call. */
	BXT_OK(bxt_register(srv, stricter, 0x32));
	BXT_ERR(bxt_call_small(cli, h), EACCES);
	ck_assert_uint_eq(atomic_load(&echo.calls), 2);

	bxt_echo_stop_ck(&echo);
	memset(&t, 0, sizeof(t));
	load_ck(co, &t);
	close(cli);
	close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

/* ---- counters ---- */

/* The host domain's count of refused @action requests (sysfs). */
static unsigned long long denied(const char *action)
{
	char path[128];
	unsigned long long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/bindox/bindox/denied_%s", action);
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s", path);
	ck_assert_int_eq(fscanf(f, "%llu", &n), 1);
	fclose(f);
	return n;
}

START_TEST(refusals_are_counted_per_action)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), cli = bxt_open_ck();
	unsigned long long reg, look, calls;
	uint32_t h = 0, h2 = 0;
	char name[64], other[64];
	BxtEcho echo;
	Table t = { 0 };

	bxt_unique_name(name, sizeof(name), "count");
	bxt_unique_name(other, sizeof(other), "count");
	BXT_OK(bxt_register(srv, name, 0x41));
	BXT_OK(bxt_lookup(cli, name, &h));
	bxt_echo_start_ck(&echo, srv);
	reg = denied("register");
	look = denied("lookup");
	calls = denied("call");

	/* Allowed requests count nothing. */
	BXT_OK(bxt_call_small(cli, h));
	BXT_OK(bxt_lookup(cli, name, &h2));
	ck_assert_uint_eq(denied("register"), reg);
	ck_assert_uint_eq(denied("lookup"), look);
	ck_assert_uint_eq(denied("call"), calls);

	/* Each refusal once, under its own action. */
	table_rule(&t, BINDOX_POLICY_ACT_ALL, BINDOX_POLICY_RULE_PREFIX, NULL, "bxt-", NULL);
	load_ck(co, &t);
	BXT_ERR(bxt_register(srv, other, 0x42), EACCES);
	ck_assert_uint_eq(denied("register"), reg + 1);
	BXT_ERR(bxt_lookup(cli, name, &h2), EACCES);
	ck_assert_uint_eq(denied("lookup"), look + 1);
	BXT_ERR(bxt_call_small(cli, h), EACCES);
	ck_assert_uint_eq(denied("call"), calls + 1);
	ck_assert_uint_eq(denied("register"), reg + 1);
	ck_assert_uint_eq(denied("lookup"), look + 1);

	memset(&t, 0, sizeof(t));
	load_ck(co, &t);
	ck_assert_uint_eq(atomic_load(&echo.calls), 1);
	bxt_echo_stop_ck(&echo);
	close(cli);
	close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = bxt_tcase(s, "load");

	tcase_add_test(tc, only_the_coordinator_loads);
	tcase_add_test(tc, bad_tables_are_refused_and_change_nothing);
	tc = bxt_tcase(s, "checks");
	tcase_add_test(tc, register_default_and_rules);
	tcase_add_test(tc, lookup_is_checked_when_the_handle_is_handed_out);
	tcase_add_test(tc, a_new_table_revokes_calls_through_held_handles);
	tcase_add_test(tc, a_new_name_rechecks_calls_through_held_handles);
	tcase_add_test(tc, refusals_are_counted_per_action);
	return s;
}

/* Leave the built-in default in force for the programs that run next. */
static void reset_policy(void)
{
	struct bindox_policy_load a = { 0 };
	int fd = bxt_try_open(BXT_DEVICE);

	if (fd < 0)
		return;
	if (bxt_claim(fd) == 0 && bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &a) < 0)
		fprintf(stderr, "test-policy: could not reset the policy\n");
	close(fd);
}

int main(void)
{
	int r = bxt_run(policy_suite());

	reset_policy();
	return r;
}
