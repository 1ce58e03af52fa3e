/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared policy cases (tests/policy-cases) against the driver: each
 * line of cases.tsv done for real, in the domains it names, by a file
 * opened with the uid and gid it names. bindoxd's evaluator runs the same
 * table as a unit test (bindoxd/tests/test-policy-cases.c), so that the
 * two cannot drift apart.
 *
 * For lookup and call, root in the peer domain registers the service, and
 * for call the subject looks it up, under a table that allows all that;
 * then the case's table (rules.xml, or none for the built-in default) is
 * loaded and the subject does what the case says. main() creates the
 * container domains the cases name, and removes them and resets the policy
 * after the suite.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "bxt.h"
#include "policy-cases.h"

#define CONTROL "/dev/bindox-control"

/* What each case starts from: every registration, lookup and call allowed. */
static const char setup_xml[] =
	"<bindox-policy><policy domain=\"*\">"
	"<allow register=\"*\"/><allow lookup=\"*\" call=\"*\" peer-domain=\"*\"/>"
	"</policy></bindox-policy>";

static PolicyCases *cases;
static Policy *setup_policy;

/* A node of @domain that anyone may open (the domain's own is 0600). */
static void world_path(char *buf, size_t size, const char *domain)
{
	snprintf(buf, size, "/dev/bxt-cases-%s", domain);
}

/* Loads @p (NULL: no rules, the built-in default) as the Coordinator. */
static int load_policy(BxtCoord *co, const Policy *p)
{
	struct bindox_policy_load a = { 0 };

	if (p) {
		a.rules_ptr = (uintptr_t)p->rules;
		a.strings_ptr = (uintptr_t)p->strings;
		a.rule_count = (uint32_t)p->n_rules;
		a.strings_size = (uint32_t)p->strings_size;
	}
	return bxt_ioctl(bindox_conn_fd(co->conn), BINDOX_IOC_POLICY_LOAD, &a);
}

/*
 * Opens @domain's node with effective @uid and @gid: the driver takes the
 * subject's ids from the file's credentials.
 */
static int open_as(const char *domain, uid_t uid, gid_t gid)
{
	char path[64];
	int fd;

	world_path(path, sizeof(path), domain);
	ck_assert_int_eq(setegid(gid), 0);
	ck_assert_int_eq(seteuid(uid), 0);
	fd = bxt_try_open(path);
	ck_assert_int_eq(seteuid(0), 0);
	ck_assert_int_eq(setegid(0), 0);
	ck_assert_msg(fd >= 0, "open %s as %u:%u: %s", path, (unsigned)uid, (unsigned)gid,
		      bxt_errname(fd));
	return fd;
}

START_TEST(test_case)
{
	const PolicyCase *c = &cases->cases[_i];
	g_autofree char *what = policy_case_describe(c);
	BxtCoord *co = bxt_coord_start_ck();
	int srv = -1, subject, r = 0;
	bool echoing = false;
	BxtEcho echo;
	uint32_t h = 0;

	BXT_OK(load_policy(co, setup_policy));
	subject = open_as(c->domain, c->uid, c->gid);
	if (c->peer) {
		srv = open_as(c->peer, 0, 0);
		BXT_OK(bxt_register(srv, c->service, 0x5e));
	}
	if (c->action == BINDOX_POLICY_ACT_CALL) {
		BXT_OK(bxt_lookup(subject, c->service, &h));
		bxt_echo_start_ck(&echo, srv);
		echoing = true;
	}

	BXT_OK(load_policy(co, c->rules ? cases->rules : NULL));
	switch (c->action) {
	case BINDOX_POLICY_ACT_REGISTER:
		r = bxt_register(subject, c->service, 0x5f);
		break;
	case BINDOX_POLICY_ACT_LOOKUP:
		r = bxt_lookup(subject, c->service, &h);
		break;
	case BINDOX_POLICY_ACT_CALL:
		r = bxt_call_small(subject, h);
		break;
	}
	ck_assert_msg(r == -c->error, "%s: the driver answers %s, the table says %s", what,
		      r ? bxt_errname(r) : "allowed", c->error ? bxt_errname(-c->error) : "allow");
	if (echoing) {
		ck_assert_uint_eq(atomic_load(&echo.calls), r == 0 ? 1 : 0);
		bxt_echo_stop_ck(&echo);
	}

	BXT_OK(load_policy(co, NULL));
	close(subject);
	if (srv >= 0)
		close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *cases_suite(void)
{
	Suite *s = suite_create("policy-cases");
	TCase *tc = bxt_tcase(s, "driver");

	tcase_add_loop_test(tc, test_case, 0, (int)cases->n_cases);
	return s;
}

/* ---- the domains, outside the suite ---- */

static int domain_ctl(int ctl, unsigned long request, const char *name)
{
	struct bindox_domain_config cfg;
	struct bindox_domain_remove rm;

	if (request == BINDOX_CTL_DOMAIN_ADD) {
		memset(&cfg, 0, sizeof(cfg));
		snprintf(cfg.name, sizeof(cfg.name), "%s", name);
		cfg.mode = 0600;
		return bxt_ioctl(ctl, request, &cfg);
	}
	memset(&rm, 0, sizeof(rm));
	snprintf(rm.name, sizeof(rm.name), "%s", name);
	rm.flags = BINDOX_DOMAIN_FORCE;
	return bxt_ioctl(ctl, request, &rm);
}

/* A world-openable copy of the domain's node, once devtmpfs has it. */
static int make_world_node(const char *domain)
{
	char node[64], world[64];
	struct stat st;
	int i;

	if (strcmp(domain, BINDOX_HOST_DOMAIN) == 0)
		snprintf(node, sizeof(node), "%s", BXT_DEVICE);
	else
		snprintf(node, sizeof(node), "/dev/bindox.d/%s", domain);
	for (i = 0; stat(node, &st) < 0; i++) {
		if (i == 500)
			return -errno;
		usleep(10000);
	}
	world_path(world, sizeof(world), domain);
	unlink(world);
	if (mknod(world, S_IFCHR | 0600, st.st_rdev) < 0 || chmod(world, 0666) < 0)
		return -errno;
	return 0;
}

static int domains_up(void)
{
	int ctl = bxt_try_open(CONTROL), r = ctl < 0 ? ctl : 0;

	for (size_t i = 0; r == 0 && cases->domains[i]; i++) {
		const char *name = cases->domains[i];

		/* One left by an earlier run that died goes first. */
		(void)domain_ctl(ctl, BINDOX_CTL_DOMAIN_REMOVE, name);
		r = domain_ctl(ctl, BINDOX_CTL_DOMAIN_ADD, name);
		if (r == 0)
			r = make_world_node(name);
		if (r < 0)
			fprintf(stderr, "test-policy-cases: domain %s: %s\n", name, bxt_errname(r));
	}
	if (r == 0)
		r = make_world_node(BINDOX_HOST_DOMAIN);
	if (ctl >= 0)
		close(ctl);
	return r;
}

static int domains_down(void)
{
	struct bindox_policy_load empty = { 0 };
	int ctl = bxt_try_open(CONTROL), fd, r = ctl < 0 ? ctl : 0;
	char world[64];

	for (size_t i = 0; ctl >= 0 && cases->domains[i]; i++) {
		world_path(world, sizeof(world), cases->domains[i]);
		unlink(world);
		if (domain_ctl(ctl, BINDOX_CTL_DOMAIN_REMOVE, cases->domains[i]) < 0)
			r = -EIO;
	}
	world_path(world, sizeof(world), BINDOX_HOST_DOMAIN);
	unlink(world);
	if (ctl >= 0)
		close(ctl);
	/* Leave the built-in default in force for the programs that run next. */
	fd = bxt_try_open(BXT_DEVICE);
	if (fd < 0 || bxt_claim(fd) < 0 || bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &empty) < 0)
		r = -EIO;
	if (fd >= 0)
		close(fd);
	return r;
}

int main(void)
{
	g_autoptr(GError) error = NULL;
	int r = EXIT_FAILURE;

	cases = policy_cases_load(POLICY_CASES_DIR, &error);
	setup_policy = policy_compile_string("setup", setup_xml, sizeof(setup_xml) - 1,
					     policy_system_resolver(), NULL, error ? NULL : &error);
	if (!cases || !setup_policy) {
		fprintf(stderr, "test-policy-cases: %s\n", error->message);
	} else if (domains_up() == 0) {
		r = bxt_run(cases_suite());
	}
	if (cases && domains_down() < 0) {
		fprintf(stderr, "test-policy-cases: could not remove the domains or reset the policy\n");
		r = EXIT_FAILURE;
	}
	policy_free(setup_policy);
	policy_cases_free(cases);
	return r;
}
