/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy compiler on valid documents: the compiled table, its string
 * blob and the origins, asserted field by field.
 */

#include <string.h>
#include "policy-test-util.h"

#define A_REG BINDOX_POLICY_ACT_REGISTER
#define A_LOOKUP BINDOX_POLICY_ACT_LOOKUP
#define A_CALL BINDOX_POLICY_ACT_CALL
#define F_ALLOW BINDOX_POLICY_RULE_ALLOW
#define F_UID BINDOX_POLICY_RULE_UID
#define F_GID BINDOX_POLICY_RULE_GID
#define F_PREFIX BINDOX_POLICY_RULE_PREFIX
#define F_ANY_PEER BINDOX_POLICY_RULE_ANY_PEER

/* The sketch, with the crossing made explicit by peer-domain. */
static const char sketch[] =
	"<bindox-policy>\n"
	"  <policy domain=\"android-ivi\" user=\"cameraserver\"><allow register=\"vendor.camera.*\"/></policy>\n"
	"  <policy domain=\"linux-adas\"><allow lookup=\"vendor.camera.front\" call=\"vendor.camera.front\" peer-domain=\"android-ivi\"/></policy>\n"
	"</bindox-policy>\n";

START_TEST(test_sketch_table)
{
	static const char blob[] = "android-ivivendor.camera.linux-adasvendor.camera.front";
	Policy *p = test_compile(sketch);
	const struct bindox_policy_rule *r;

	ck_assert_uint_eq(p->n_rules, 2);
	test_assert_rule(p, 0, A_REG, F_ALLOW | F_UID | F_PREFIX, 101047, 0, "android-ivi", "",
			 "vendor.camera.", 0);
	test_assert_rule(p, 1, A_LOOKUP | A_CALL, F_ALLOW, 0, 0, "linux-adas", "android-ivi",
			 "vendor.camera.front", 1);

	/* The blob, in order of first use, each string once. */
	ck_assert_uint_eq(p->strings_size, sizeof(blob) - 1);
	ck_assert_int_eq(memcmp(p->strings, blob, p->strings_size), 0);
	r = p->rules;
	ck_assert_uint_eq(r[0].domain_off, 0);
	ck_assert_uint_eq(r[0].domain_len, 11);
	ck_assert_uint_eq(r[0].service_off, 11);
	ck_assert_uint_eq(r[0].service_len, 14);
	ck_assert_uint_eq(r[1].domain_off, 25);
	ck_assert_uint_eq(r[1].domain_len, 10);
	ck_assert_uint_eq(r[1].peer_domain_off, 0); /* "android-ivi" again */
	ck_assert_uint_eq(r[1].peer_domain_len, 11);
	ck_assert_uint_eq(r[1].service_off, 35);
	ck_assert_uint_eq(r[1].service_len, 19);

	/* Origins: the "<" of each <allow>, and the rule as XML. */
	ck_assert_uint_eq(p->n_origins, 2);
	ck_assert_str_eq(p->origins[0].file, "test.xml");
	ck_assert_uint_eq(p->origins[0].line, 2);
	ck_assert_uint_eq(p->origins[0].column, 52);
	ck_assert_str_eq(p->origins[0].text,
			 "<policy domain=\"android-ivi\" user=\"cameraserver\"> "
			 "<allow register=\"vendor.camera.*\"/>");
	ck_assert_uint_eq(p->origins[1].line, 3);
	ck_assert_uint_eq(p->origins[1].column, 31);
	ck_assert_str_eq(p->origins[1].text,
			 "<policy domain=\"linux-adas\"> <allow lookup=\"vendor.camera.front\" "
			 "call=\"vendor.camera.front\" peer-domain=\"android-ivi\"/>");

	ck_assert_str_eq(p->files[0], "test.xml");
	ck_assert_ptr_null(p->files[1]);
	ck_assert_ptr_eq(p->origins[0].file, p->files[0]);
	policy_free(p);
}
END_TEST

START_TEST(test_empty_policy)
{
	Policy *p = test_compile("<bindox-policy/>");

	ck_assert_uint_eq(p->n_rules, 0);
	ck_assert_ptr_null(p->rules);
	ck_assert_uint_eq(p->strings_size, 0);
	ck_assert_ptr_null(p->strings);
	ck_assert_uint_eq(p->n_origins, 0);
	ck_assert_str_eq(p->files[0], "test.xml");
	policy_free(p);

	/* Policies without rules, and empty elements written out. */
	p = test_compile("<bindox-policy><policy domain=\"a\"></policy>"
			 "<policy domain=\"*\"/></bindox-policy>");
	ck_assert_uint_eq(p->n_rules, 0);
	policy_free(p);
}
END_TEST

/* One rule per distinct pattern, in the order register, lookup, call. */
START_TEST(test_actions_share_rules)
{
	Policy *p = test_compile(
		"<bindox-policy><policy domain=\"d\">\n"
		"<allow call=\"a\" lookup=\"b\" register=\"a\"/>\n"
		"<deny call=\"x.*\" lookup=\"x.*\"/>\n"
		"<allow lookup=\"b\" call=\"c\"/>\n"
		"<deny register=\"r\" lookup=\"r\" call=\"r\"/>\n"
		"</policy></bindox-policy>");

	ck_assert_uint_eq(p->n_rules, 6);
	test_assert_rule(p, 0, A_REG | A_CALL, F_ALLOW, 0, 0, "d", "", "a", 0);
	test_assert_rule(p, 1, A_LOOKUP, F_ALLOW, 0, 0, "d", "", "b", 0);
	test_assert_rule(p, 2, A_LOOKUP | A_CALL, F_PREFIX, 0, 0, "d", "", "x.", 1);
	test_assert_rule(p, 3, A_LOOKUP, F_ALLOW, 0, 0, "d", "", "b", 2);
	test_assert_rule(p, 4, A_CALL, F_ALLOW, 0, 0, "d", "", "c", 2);
	test_assert_rule(p, 5, BINDOX_POLICY_ACT_ALL, 0, 0, 0, "d", "", "r", 3);
	ck_assert_uint_eq(p->n_origins, 4);
	ck_assert_uint_eq(p->origins[3].line, 5);
	ck_assert_uint_eq(p->origins[3].column, 1);
	/* "d", "a", "b", "x.", "c", "r": each once. */
	ck_assert_uint_eq(p->strings_size, 7);
	policy_free(p);
}
END_TEST

START_TEST(test_patterns)
{
	Policy *p = test_compile(
		"<bindox-policy><policy domain=\"d\">"
		"<allow lookup=\"*\"/>"
		"<allow lookup=\"a.*\"/>"
		"<allow lookup=\"a.b-c_D.9.*\"/>"
		"<allow lookup=\"exact.name\"/>"
		"<allow lookup=\"a..*\"/>"
		"<allow lookup=\"-\"/>"
		"</policy></bindox-policy>");

	ck_assert_uint_eq(p->n_rules, 6);
	test_assert_rule(p, 0, A_LOOKUP, F_ALLOW | F_PREFIX, 0, 0, "d", "", "", 0);
	test_assert_rule(p, 1, A_LOOKUP, F_ALLOW | F_PREFIX, 0, 0, "d", "", "a.", 1);
	test_assert_rule(p, 2, A_LOOKUP, F_ALLOW | F_PREFIX, 0, 0, "d", "", "a.b-c_D.9.", 2);
	test_assert_rule(p, 3, A_LOOKUP, F_ALLOW, 0, 0, "d", "", "exact.name", 3);
	test_assert_rule(p, 4, A_LOOKUP, F_ALLOW | F_PREFIX, 0, 0, "d", "", "a..", 4);
	test_assert_rule(p, 5, A_LOOKUP, F_ALLOW, 0, 0, "d", "", "-", 5);
	policy_free(p);
}
END_TEST

START_TEST(test_subjects)
{
	Policy *p = test_compile(
		"<bindox-policy>"
		"<policy domain=\"*\"><allow lookup=\"s\"/></policy>"
		"<policy domain=\"host\" user=\"0\" group=\"video\"><allow register=\"s\"/></policy>"
		"<policy domain=\"c\" user=\"daemon\" group=\"4294967294\"><deny call=\"s\"/></policy>"
		"<policy domain=\"c\" user=\"*\" group=\"*\"><deny call=\"s\"/></policy>"
		"<policy domain=\"c\" group=\"007\"><deny call=\"s\"/></policy>"
		"<policy user=\"cameraserver\" domain=\"android-ivi\"><deny call=\"s\"/></policy>"
		"</bindox-policy>");

	ck_assert_uint_eq(p->n_rules, 6);
	test_assert_rule(p, 0, A_LOOKUP, F_ALLOW, 0, 0, "", "", "s", 0);
	test_assert_rule(p, 1, A_REG, F_ALLOW | F_UID | F_GID, 0, 44, "host", "", "s", 1);
	test_assert_rule(p, 2, A_CALL, F_UID | F_GID, 1, 4294967294U, "c", "", "s", 2);
	test_assert_rule(p, 3, A_CALL, 0, 0, 0, "c", "", "s", 3);
	test_assert_rule(p, 4, A_CALL, F_GID, 0, 7, "c", "", "s", 4);
	test_assert_rule(p, 5, A_CALL, F_UID, 101047, 0, "android-ivi", "", "s", 5);
	ck_assert_str_eq(p->origins[5].text,
			 "<policy user=\"cameraserver\" domain=\"android-ivi\"> <deny call=\"s\"/>");
	policy_free(p);
}
END_TEST

START_TEST(test_peer_domains)
{
	Policy *p = test_compile(
		"<bindox-policy><policy domain=\"a\">"
		"<allow lookup=\"s\" call=\"s\" peer-domain=\"*\"/>"
		"<allow call=\"s\" peer-domain=\"host\"/>"
		"<deny lookup=\"s\" peer-domain=\"a\"/>"
		"<deny lookup=\"s\"/>"
		"</policy></bindox-policy>");

	ck_assert_uint_eq(p->n_rules, 4);
	test_assert_rule(p, 0, A_LOOKUP | A_CALL, F_ALLOW | F_ANY_PEER, 0, 0, "a", "", "s", 0);
	test_assert_rule(p, 1, A_CALL, F_ALLOW, 0, 0, "a", "host", "s", 1);
	test_assert_rule(p, 2, A_LOOKUP, 0, 0, 0, "a", "a", "s", 2);
	test_assert_rule(p, 3, A_LOOKUP, 0, 0, 0, "a", "", "s", 3);
	policy_free(p);
}
END_TEST

/* What GMarkup passes through, and what XML allows around the elements. */
START_TEST(test_markup_extras)
{
	Policy *p = test_compile(
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!DOCTYPE bindox-policy SYSTEM \"/usr/share/xml/bindox/bindox-policy.dtd\" [\n"
		"  <!ELEMENT extra EMPTY>\n"
		"]>\n"
		"<!-- é <policy domain=\"commented-out\"> -->\n"
		"<bindox-policy>\r\n"
		"  <?tool data?>\n"
		"  <policy\n"
		"      domain = 'a' user='root'>\n"
		"    <![CDATA[ \n ]]>\n"
		"    <allow lookup=\"x&#46;y\"\n"
		"           call='a.&#x2A;'/>\n"
		"  </policy >\n"
		"</bindox-policy>\n"
		"<!-- trailing comment -->\n");

	/* Character references are resolved before the values are checked. */
	ck_assert_uint_eq(p->n_rules, 2);
	test_assert_rule(p, 0, A_LOOKUP, F_ALLOW | F_UID, 0, 0, "a", "", "x.y", 0);
	test_assert_rule(p, 1, A_CALL, F_ALLOW | F_UID | F_PREFIX, 0, 0, "a", "", "a.", 0);
	ck_assert_uint_eq(p->origins[0].line, 12);
	ck_assert_uint_eq(p->origins[0].column, 5);
	ck_assert_str_eq(p->origins[0].text,
			 "<policy domain=\"a\" user=\"root\"> <allow lookup=\"x.y\" call=\"a.*\"/>");
	policy_free(p);
}
END_TEST

START_TEST(test_describe)
{
	Policy *p = test_compile(sketch);
	g_autofree char *d0 = policy_describe_rule(p, 0);
	g_autofree char *d1 = policy_describe_rule(p, 1);
	g_autofree char *def = policy_describe_rule(p, -1);
	g_autofree char *bad = policy_describe_rule(p, 2);

	ck_assert_str_eq(d0, "test.xml:2:52: <policy domain=\"android-ivi\" user=\"cameraserver\"> "
			     "<allow register=\"vendor.camera.*\"/>");
	ck_assert(g_str_has_prefix(d1, "test.xml:3:31: <policy domain=\"linux-adas\"> <allow "));
	ck_assert(g_str_has_prefix(def, "built-in default"));
	ck_assert_str_eq(bad, "rule 2: unknown");
	policy_free(p);
}
END_TEST

/* Exactly BINDOX_POLICY_MAX_RULES rules compile. */
START_TEST(test_rule_limit_reached)
{
	GString *xml = g_string_new("<bindox-policy><policy domain=\"d\">\n");
	Policy *p;
	unsigned int i;

	for (i = 0; i < BINDOX_POLICY_MAX_RULES; i++)
		g_string_append_printf(xml, "<deny lookup=\"s%u\"/>\n", i);
	g_string_append(xml, "</policy></bindox-policy>\n");
	p = test_compile(xml->str);
	ck_assert_uint_eq(p->n_rules, BINDOX_POLICY_MAX_RULES);
	test_assert_rule(p, BINDOX_POLICY_MAX_RULES - 1, A_LOOKUP, 0, 0, 0, "d", "", "s65535",
			 BINDOX_POLICY_MAX_RULES - 1);
	ck_assert_uint_eq(p->origins[BINDOX_POLICY_MAX_RULES - 1].line,
			  BINDOX_POLICY_MAX_RULES + 1);
	policy_free(p);
	g_string_free(xml, TRUE);
}
END_TEST

static Suite *compile_suite(void)
{
	Suite *s = suite_create("policy-compile");
	TCase *tc = tcase_create("valid");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sketch_table);
	tcase_add_test(tc, test_empty_policy);
	tcase_add_test(tc, test_actions_share_rules);
	tcase_add_test(tc, test_patterns);
	tcase_add_test(tc, test_subjects);
	tcase_add_test(tc, test_peer_domains);
	tcase_add_test(tc, test_markup_extras);
	tcase_add_test(tc, test_describe);
	tcase_add_test(tc, test_rule_limit_reached);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(compile_suite)
