/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxd's policy in force (ruleset.c) without a driver: a failed reload,
 * whether the files are bad or the device refuses the ioctl (/dev/null
 * answers ENOTTY, as a driver without BINDOX_IOC_POLICY_LOAD would), keeps
 * the table in force and says why; CheckAccess answers from that table.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "ruleset.h"
#include "check-main.h"

static char *root_dir, *vendor_dir, *admin_dir;
static int null_fd = -1;
static Ruleset *rs;

static void setup(void)
{
	root_dir = g_dir_make_tmp("bindoxd-ruleset-XXXXXX", NULL);
	ck_assert_ptr_nonnull(root_dir);
	vendor_dir = g_build_filename(root_dir, "vendor", NULL);
	admin_dir = g_build_filename(root_dir, "admin", NULL);
	ck_assert_int_eq(g_mkdir(vendor_dir, 0755), 0);
	ck_assert_int_eq(g_mkdir(admin_dir, 0755), 0);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(null_fd, 0);
	rs = ruleset_new(vendor_dir, admin_dir, null_fd);
}

/* Remove @dir and the files in it. */
static void remove_dir(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, name, NULL);

		g_remove(path);
		g_free(path);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(dir);
}

static void teardown(void)
{
	rs = ruleset_free(rs);
	close(null_fd);
	remove_dir(vendor_dir);
	remove_dir(admin_dir);
	remove_dir(root_dir);
	g_free(vendor_dir);
	g_free(admin_dir);
	g_free(root_dir);
}

static void write_admin_file(const char *name, const char *text)
{
	char *path = g_build_filename(admin_dir, name, NULL);

	ck_assert(g_file_set_contents(path, text, -1, NULL));
	g_free(path);
}

START_TEST(test_driver_refuses)
{
	RulesetFailure failure;

	write_admin_file("10-a.xml", "<bindox-policy><policy domain=\"host\" user=\"1000\">"
				     "<allow register=\"a.*\"/></policy></bindox-policy>");
	ck_assert_int_eq(ruleset_reload(rs, &failure), -ENOTTY);
	ck_assert_int_eq(failure.kind, RULESET_FAILED_DRIVER);
	ck_assert_int_eq(failure.error, -ENOTTY);
	ck_assert_ptr_nonnull(strstr(failure.message, "ENOTTY"));
	ck_assert_ptr_nonnull(strstr(failure.message, "1 rules from 1 files"));
	ruleset_failure_clear(&failure);
	ck_assert_ptr_null(failure.message);

	/* Nothing changed: the empty table, generation 0. */
	ck_assert_uint_eq(ruleset_generation(rs), 0);
	ck_assert_uint_eq(ruleset_policy(rs)->n_rules, 0);
}
END_TEST

START_TEST(test_bad_file)
{
	RulesetFailure failure;
	char *where;

	write_admin_file("20-bad.xml", "<bindox-policy>\n  <policy domain=\"host\">\n"
				       "    <allow regster=\"x\"/>\n  </policy>\n</bindox-policy>\n");
	ck_assert_int_eq(ruleset_reload(rs, &failure), -EINVAL);
	ck_assert_int_eq(failure.kind, RULESET_FAILED_FILE);
	where = g_strdup_printf("%s/20-bad.xml:3:12: ", admin_dir);
	ck_assert_msg(g_str_has_prefix(failure.message, where), "%s", failure.message);
	g_free(where);
	ruleset_failure_clear(&failure);
	ck_assert_uint_eq(ruleset_generation(rs), 0);
}
END_TEST

START_TEST(test_check_default)
{
	PolicyRequest req = {
		.action = BINDOX_POLICY_ACT_REGISTER,
		.domain = "host",
		.uid = 1000,
		.gid = 1000,
		.service = "a.b",
	};
	char *rule = NULL;

	ck_assert(!ruleset_check(rs, &req, &rule));
	ck_assert(g_str_has_prefix(rule, "built-in default"));
	g_free(rule);
	req.uid = 0;
	ck_assert(ruleset_check(rs, &req, &rule));
	g_free(rule);
	req.action = BINDOX_POLICY_ACT_CALL;
	req.uid = 1000;
	req.peer_domain = "other";
	ck_assert(!ruleset_check(rs, &req, &rule));
	g_free(rule);
}
END_TEST

START_TEST(test_actions)
{
	ck_assert_uint_eq(policy_action_from_name("register"), BINDOX_POLICY_ACT_REGISTER);
	ck_assert_uint_eq(policy_action_from_name("lookup"), BINDOX_POLICY_ACT_LOOKUP);
	ck_assert_uint_eq(policy_action_from_name("call"), BINDOX_POLICY_ACT_CALL);
	ck_assert_uint_eq(policy_action_from_name("Call"), 0);
	ck_assert_uint_eq(policy_action_from_name(""), 0);
}
END_TEST

static Suite *ruleset_suite(void)
{
	Suite *s = suite_create("ruleset");
	TCase *tc = tcase_create("no-driver");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_driver_refuses);
	tcase_add_test(tc, test_bad_file);
	tcase_add_test(tc, test_check_default);
	tcase_add_test(tc, test_actions);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(ruleset_suite)
