/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evaluator: the built-in default, last match wins, prefixes, peer
 * domains, uid and gid, as <linux/bindox.h> describes them.
 */

#include "policy-test-util.h"

#define REG BINDOX_POLICY_ACT_REGISTER
#define LOOKUP BINDOX_POLICY_ACT_LOOKUP
#define CALL BINDOX_POLICY_ACT_CALL

/* Asserts the verdict and the deciding rule (-1: the default). */
#define ASSERT_CHECK(p, allowed, rule, action, domain, uid, gid, service, peer)              \
	do {                                                                                 \
		long r_ = -2;                                                                \
		bool ok_ = test_check(p, action, domain, uid, gid, service, peer, &r_);      \
		ck_assert_msg(ok_ == (allowed) && r_ == (rule),                              \
			      "%s %s uid %u gid %u -> %s (peer %s): got %s by rule %ld, "     \
			      "expected %s by rule %ld", #action, domain, (unsigned int)(uid), \
			      (unsigned int)(gid), service, peer ? peer : "(same)",           \
			      ok_ ? "allow" : "deny", r_, (allowed) ? "allow" : "deny",       \
			      (long)(rule));                                                 \
	} while (0)

static void assert_builtin_default(const Policy *p)
{
	/* Register: root in the host domain only. */
	ASSERT_CHECK(p, true, -1, REG, "host", 0, 0, "a", NULL);
	ASSERT_CHECK(p, true, -1, REG, "host", 0, 1000, "a", "other"); /* peer ignored */
	ASSERT_CHECK(p, false, -1, REG, "host", 1000, 0, "a", NULL);
	ASSERT_CHECK(p, false, -1, REG, "c1", 0, 0, "a", NULL);
	/* Lookup and call: within a domain. */
	ASSERT_CHECK(p, true, -1, LOOKUP, "c1", 1000, 1000, "a", NULL);
	ASSERT_CHECK(p, true, -1, LOOKUP, "c1", 1000, 1000, "a", "c1");
	ASSERT_CHECK(p, true, -1, CALL, "host", 1000, 1000, "a", "host");
	ASSERT_CHECK(p, false, -1, LOOKUP, "c1", 0, 0, "a", "c2");
	ASSERT_CHECK(p, false, -1, CALL, "c1", 0, 0, "a", "host");
	ASSERT_CHECK(p, false, -1, CALL, "host", 0, 0, "a", "c1");
}

START_TEST(test_default)
{
	Policy *p = test_compile("<bindox-policy/>");

	assert_builtin_default(NULL);
	assert_builtin_default(p);
	policy_free(p);

	/* Rules that do not match leave the default in charge. */
	p = test_compile("<bindox-policy><policy domain=\"other\">"
			 "<deny register=\"*\" lookup=\"*\" call=\"*\"/></policy></bindox-policy>");
	assert_builtin_default(p);
	policy_free(p);
}
END_TEST

START_TEST(test_bad_action)
{
	long rule = 5;

	ck_assert(!test_check(NULL, 0, "host", 0, 0, "a", NULL, &rule));
	ck_assert_int_eq(rule, -1);
	ck_assert(!test_check(NULL, LOOKUP | CALL, "host", 0, 0, "a", NULL, &rule));
	ck_assert(!test_check(NULL, 1U << 3, "host", 0, 0, "a", NULL, &rule));
	ck_assert(test_check(NULL, CALL, "host", 0, 0, "a", NULL, NULL));
}
END_TEST

START_TEST(test_last_match_wins)
{
	Policy *p = test_compile("<bindox-policy>\n"
				       "<policy domain=\"d\">\n"
				       "  <allow lookup=\"s.*\"/>\n"	/* 0 */
				       "  <deny lookup=\"s.secret\"/>\n"	/* 1 */
				       "</policy>\n"
				       "<policy domain=\"d\" user=\"1000\">\n"
				       "  <allow lookup=\"s.secret\"/>\n" /* 2 */
				       "</policy>\n"
				       "<policy domain=\"*\">\n"
				       "  <deny lookup=\"s.locked\"/>\n"	/* 3 */
				       "</policy>\n"
				       "</bindox-policy>\n");

	ASSERT_CHECK(p, true, 0, LOOKUP, "d", 1, 1, "s.open", NULL);
	ASSERT_CHECK(p, false, 1, LOOKUP, "d", 1, 1, "s.secret", NULL);
	ASSERT_CHECK(p, true, 2, LOOKUP, "d", 1000, 1, "s.secret", NULL);
	ASSERT_CHECK(p, false, 3, LOOKUP, "d", 1000, 1, "s.locked", NULL);
	ASSERT_CHECK(p, false, 3, LOOKUP, "e", 1000, 1, "s.locked", NULL);
	/* Deny rules for other actions do not matter. */
	ASSERT_CHECK(p, true, -1, CALL, "d", 1, 1, "s.secret", NULL);
	policy_free(p);

	/* The same rules the other way round. */
	p = test_compile("<bindox-policy><policy domain=\"d\">"
			 "<deny lookup=\"s.secret\"/><allow lookup=\"s.*\"/>"
			 "</policy></bindox-policy>");
	ASSERT_CHECK(p, true, 1, LOOKUP, "d", 1, 1, "s.secret", NULL);
	policy_free(p);
}
END_TEST

START_TEST(test_prefix)
{
	Policy *p = test_compile("<bindox-policy><policy domain=\"host\" user=\"1000\">"
				       "<allow register=\"vendor.camera.*\"/>"	/* 0 */
				       "<allow register=\"exact\"/>"		/* 1 */
				       "</policy><policy domain=\"host\" user=\"1001\">"
				       "<allow register=\"*\"/>"			/* 2 */
				       "</policy></bindox-policy>");

	ASSERT_CHECK(p, true, 0, REG, "host", 1000, 0, "vendor.camera.front", NULL);
	ASSERT_CHECK(p, true, 0, REG, "host", 1000, 0, "vendor.camera.x.y", NULL);
	/* The prefix includes the dot: neither the bare stem nor a longer word. */
	ASSERT_CHECK(p, false, -1, REG, "host", 1000, 0, "vendor.camera", NULL);
	ASSERT_CHECK(p, false, -1, REG, "host", 1000, 0, "vendor.cameras", NULL);
	/* "PREFIX.*" matches the prefix itself, "vendor.camera." (a valid name). */
	ASSERT_CHECK(p, true, 0, REG, "host", 1000, 0, "vendor.camera.", NULL);
	ASSERT_CHECK(p, false, -1, REG, "host", 1000, 0, "xvendor.camera.front", NULL);
	/* Exact names are exact. */
	ASSERT_CHECK(p, true, 1, REG, "host", 1000, 0, "exact", NULL);
	ASSERT_CHECK(p, false, -1, REG, "host", 1000, 0, "exactly", NULL);
	ASSERT_CHECK(p, false, -1, REG, "host", 1000, 0, "exac", NULL);
	/* "*" matches all. */
	ASSERT_CHECK(p, true, 2, REG, "host", 1001, 0, "anything.at-all_9", NULL);
	policy_free(p);
}
END_TEST

START_TEST(test_peer_domain)
{
	Policy *p = test_compile("<bindox-policy><policy domain=\"adas\">"
				       "<allow call=\"cam\" peer-domain=\"ivi\"/>"	/* 0 */
				       "<allow call=\"any\" peer-domain=\"*\"/>"	/* 1 */
				       "<deny call=\"own\"/>"			/* 2 */
				       "</policy></bindox-policy>");

	/* A named peer domain: that one only. */
	ASSERT_CHECK(p, true, 0, CALL, "adas", 5, 5, "cam", "ivi");
	ASSERT_CHECK(p, false, -1, CALL, "adas", 5, 5, "cam", "host");
	ASSERT_CHECK(p, true, -1, CALL, "adas", 5, 5, "cam", "adas"); /* default */
	ASSERT_CHECK(p, true, -1, CALL, "adas", 5, 5, "cam", NULL);
	/* "*": every peer domain, the subject's own too. */
	ASSERT_CHECK(p, true, 1, CALL, "adas", 5, 5, "any", "ivi");
	ASSERT_CHECK(p, true, 1, CALL, "adas", 5, 5, "any", "host");
	ASSERT_CHECK(p, true, 1, CALL, "adas", 5, 5, "any", NULL);
	/* No peer-domain: the subject's own domain only. */
	ASSERT_CHECK(p, false, 2, CALL, "adas", 5, 5, "own", "adas");
	ASSERT_CHECK(p, false, 2, CALL, "adas", 5, 5, "own", NULL);
	ASSERT_CHECK(p, false, -1, CALL, "adas", 5, 5, "own", "ivi");
	/* The subject's domain still has to match. */
	ASSERT_CHECK(p, false, -1, CALL, "ivi", 5, 5, "cam", "adas");
	policy_free(p);
}
END_TEST

START_TEST(test_uid_gid)
{
	Policy *p = test_compile("<bindox-policy>"
				       "<policy domain=\"c\" user=\"101047\"><allow register=\"u\"/></policy>"
				       "<policy domain=\"c\" group=\"video\"><allow register=\"g\"/></policy>"
				       "<policy domain=\"c\" user=\"7\" group=\"8\"><allow register=\"ug\"/></policy>"
				       "</bindox-policy>");

	ASSERT_CHECK(p, true, 0, REG, "c", 101047, 0, "u", NULL);
	/* A container's uid 1047 is not host uid 101047. */
	ASSERT_CHECK(p, false, -1, REG, "c", 1047, 0, "u", NULL);
	ASSERT_CHECK(p, true, 1, REG, "c", 1, 44, "g", NULL);
	ASSERT_CHECK(p, false, -1, REG, "c", 44, 1, "g", NULL);
	ASSERT_CHECK(p, true, 2, REG, "c", 7, 8, "ug", NULL);
	ASSERT_CHECK(p, false, -1, REG, "c", 7, 7, "ug", NULL);
	ASSERT_CHECK(p, false, -1, REG, "c", 8, 8, "ug", NULL);
	/* Root is not special to rules. */
	ASSERT_CHECK(p, false, -1, REG, "c", 0, 0, "u", NULL);
	policy_free(p);
}
END_TEST

/* A table built by hand, as another compiler might: the evaluator reads it. */
START_TEST(test_hand_built_table)
{
	static char strings[] = "hostabc.";
	struct bindox_policy_rule rules[] = {
		{ .actions = LOOKUP | CALL, .flags = BINDOX_POLICY_RULE_ALLOW,
		  .domain_off = 0, .domain_len = 4, .peer_domain_off = 4, .peer_domain_len = 1,
		  .service_off = 5, .service_len = 2 },
		{ .actions = CALL, .flags = BINDOX_POLICY_RULE_PREFIX,
		  .service_off = 6, .service_len = 2 },
		/* Out of bounds: never matches. */
		{ .actions = LOOKUP, .flags = BINDOX_POLICY_RULE_ALLOW,
		  .service_off = 7, .service_len = 5 },
	};
	Policy p = {
		.rules = rules,
		.n_rules = 3,
		.strings = strings,
		.strings_size = sizeof(strings) - 1,
	};

	ASSERT_CHECK(&p, true, 0, LOOKUP, "host", 3, 3, "bc", "a");
	ASSERT_CHECK(&p, true, 0, CALL, "host", 3, 3, "bc", "a");
	ASSERT_CHECK(&p, false, -1, LOOKUP, "host", 3, 3, "bc", "b");
	ASSERT_CHECK(&p, false, 1, CALL, "host", 3, 3, "c.x", NULL);
	ASSERT_CHECK(&p, false, -1, LOOKUP, "x", 3, 3, ".abcd", "y");
}
END_TEST

static Suite *check_suite(void)
{
	Suite *s = suite_create("policy-check");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_bad_action);
	tcase_add_test(tc, test_last_match_wins);
	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_peer_domain);
	tcase_add_test(tc, test_uid_gid);
	tcase_add_test(tc, test_hand_built_table);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(check_suite)
