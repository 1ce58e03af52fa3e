/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arguments of "bindoxctl domain add|remove" (ctl-domain-args.c): what
 * each option gives, the defaults, and every kind of bad input refused
 * before anything would be sent.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "ctl-domain-args.h"
#include "check-main.h"

/* Parses a copy of the words (getopt reorders them). */
static int parse(CtlDomainArgs *out, const char *const *words)
{
	static char buf[16][64];
	static char *args[17];
	size_t i;

	for (i = 0; words[i]; i++) {
		ck_assert_uint_lt(i, 16);
		snprintf(buf[i], sizeof(buf[i]), "%s", words[i]);
		args[i] = buf[i];
	}
	args[i] = NULL;
	return ctl_domain_args_parse(args, out);
}

#define PARSE(out, ...) parse(out, (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_add_everything)
{
	CtlDomainArgs a;

	ck_assert_int_eq(PARSE(&a, "add", "--owner", "1001", "android-ivi", "--group=1002",
			       "--mode", "0640", "--limit", "connections=8", "--limit",
			       "buffer-bytes=64M", "-j"),
			 0);
	ck_assert(a.add);
	ck_assert_str_eq(a.name, "android-ivi");
	ck_assert_uint_eq(a.uid, 1001);
	ck_assert_uint_eq(a.gid, 1002);
	ck_assert_uint_eq(a.mode, 0640);
	ck_assert(a.json);
	ck_assert_uint_eq(a.n_limits, 2);
	ck_assert_str_eq(a.limit_keys[0], "connections");
	ck_assert_uint_eq(a.limit_values[0], 8);
	ck_assert_str_eq(a.limit_keys[1], "buffer-bytes");
	ck_assert_uint_eq(a.limit_values[1], 64ULL << 20);
}
END_TEST

START_TEST(test_add_defaults_and_names)
{
	CtlDomainArgs a;

	ck_assert_int_eq(PARSE(&a, "add", "x"), 0);
	ck_assert_uint_eq(a.uid, 0);
	ck_assert_uint_eq(a.gid, 0);
	ck_assert_uint_eq(a.mode, CTL_DOMAIN_DEFAULT_MODE);
	ck_assert_uint_eq(a.n_limits, 0);
	ck_assert(!a.json);
	/* Names of this host (root exists everywhere). */
	ck_assert_int_eq(PARSE(&a, "add", "--owner", "root", "--group", "root", "x"), 0);
	ck_assert_uint_eq(a.uid, 0);
	ck_assert_uint_eq(a.gid, 0);
}
END_TEST

START_TEST(test_remove)
{
	CtlDomainArgs a;

	ck_assert_int_eq(PARSE(&a, "remove", "x"), 0);
	ck_assert(!a.add);
	ck_assert(!a.force);
	ck_assert_str_eq(a.name, "x");
	ck_assert_int_eq(PARSE(&a, "remove", "x", "--force"), 0);
	ck_assert(a.force);
	ck_assert_int_eq(PARSE(&a, "remove", "--help"), 1);
	ck_assert_int_eq(PARSE(&a, "--help"), 1);
}
END_TEST

START_TEST(test_bad_input)
{
	CtlDomainArgs a;

	ck_assert_int_eq(PARSE(&a, "rename", "x"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "y"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--owner", "no-such-user-here"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--owner", "4294967295"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--group", "no-such-group-here"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--mode", "0800"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--mode", "12345"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--limit", "calls"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--limit", "=5"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--limit", "calls=-1"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--limit", "calls=5X"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "add", "x", "--force"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "remove", "x", "--mode", "0600"), -EINVAL);
	ck_assert_int_eq(PARSE(&a, "remove", "x", "--bogus"), -EINVAL);
}
END_TEST

START_TEST(test_sizes)
{
	uint64_t v = 0;

	ck_assert_int_eq(ctl_domain_parse_size("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(ctl_domain_parse_size("12", &v), 0);
	ck_assert_uint_eq(v, 12);
	ck_assert_int_eq(ctl_domain_parse_size("3K", &v), 0);
	ck_assert_uint_eq(v, 3072);
	ck_assert_int_eq(ctl_domain_parse_size("2G", &v), 0);
	ck_assert_uint_eq(v, 2ULL << 30);
	ck_assert_int_eq(ctl_domain_parse_size("16T", &v), 0);
	ck_assert_uint_eq(v, 16ULL << 40);
	ck_assert_int_eq(ctl_domain_parse_size("18446744073709551615", &v), 0);
	ck_assert_int_eq(ctl_domain_parse_size("18446744073709551616", &v), -ERANGE);
	ck_assert_int_eq(ctl_domain_parse_size("16777216T", &v), -ERANGE);
	ck_assert_int_eq(ctl_domain_parse_size("K", &v), -EINVAL);
	ck_assert_int_eq(ctl_domain_parse_size("", &v), -EINVAL);
	ck_assert_int_eq(ctl_domain_parse_size("+5", &v), -EINVAL);
}
END_TEST

START_TEST(test_global_argc)
{
	char *with[] = { "bindoxctl", "--json", "domain", "add", "--owner", "x", "d", NULL };
	char *without[] = { "bindoxctl", "--json", "domains", NULL };

	ck_assert_int_eq(ctl_domain_global_argc(7, with), 3);
	ck_assert_int_eq(ctl_domain_global_argc(3, without), 3);
}
END_TEST

static Suite *ctl_domain_args_suite(void)
{
	Suite *s = suite_create("ctl-domain-args");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_add_everything);
	tcase_add_test(tc, test_add_defaults_and_names);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_global_argc);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(ctl_domain_args_suite)
