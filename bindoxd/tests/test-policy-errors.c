/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy compiler on bad input: every kind of error, with the exact
 * place (file, line, column; columns in characters) it reports.
 */

#include <string.h>
#include "policy-test-util.h"

#define E_SYNTAX POLICY_ERROR_SYNTAX
#define E_ELEMENT POLICY_ERROR_ELEMENT
#define E_ATTR POLICY_ERROR_ATTRIBUTE
#define E_WILDCARD POLICY_ERROR_WILDCARD
#define E_USER POLICY_ERROR_USER
#define E_LIMIT POLICY_ERROR_LIMIT

START_TEST(test_empty)
{
	test_assert_error("", E_SYNTAX, 1, 1, "the file is empty");
	/* Blank: at the end. */
	test_assert_error("  \n  ", E_SYNTAX, 2, 3, "the file is empty");
	/* Comments and declarations only. */
	test_assert_error("<?xml version=\"1.0\"?>\n<!-- nothing -->\n", E_SYNTAX, 3, 1,
			  "no <bindox-policy> element");
	/* A byte order mark alone. */
	test_assert_error("\xef\xbb\xbf", E_SYNTAX, 1, 1, "the file is empty");
}
END_TEST

START_TEST(test_broken_xml)
{
	/* Closing the wrong element: GMarkup stops at the ">". */
	test_assert_error("<bindox-policy>\n  <policy domain=\"a\">\n</bindox-policy>\n", E_SYNTAX,
			  3, 16, "XML syntax: Element “bindox-policy” was closed");
	/* Ends with an element open: at the end. */
	test_assert_error("<bindox-policy>\n  <policy domain=\"a\">\n", E_SYNTAX, 3, 1,
			  "Document ended unexpectedly");
	/* A value without quotes: at the value. */
	test_assert_error("<bindox-policy>\n  <policy domain=a/>", E_SYNTAX, 2, 18,
			  "expected an open quote mark");
	/* An unterminated comment. */
	test_assert_error("<bindox-policy>\n<!-- \n", E_SYNTAX, 3, 1, "inside a comment");
	/* Text before the root element. */
	test_assert_error("\n\nbindox-policy", E_SYNTAX, 3, 1, "Document must begin with an element");
	/* Text after it. */
	test_assert_error("<bindox-policy/>\n  x", E_SYNTAX, 2, 3, "Document must begin with an element");
	/* Unknown entity: GMarkup reports it at the end of the value. */
	test_assert_error("<bindox-policy><policy domain=\"&foo;\"/></bindox-policy>", E_SYNTAX, 1,
			  37, "Entity name “foo” is not known");
}
END_TEST

START_TEST(test_bad_encoding)
{
	static const char nul[] = "<bindox-policy>\n  <\0/bindox-policy>";

	test_assert_error("<bindox-policy>\n<!-- é \xff -->\n</bindox-policy>", E_SYNTAX, 2, 8,
			  "invalid UTF-8");
	test_assert_error_len(nul, sizeof(nul) - 1, E_SYNTAX, 2, 4, "a NUL byte");
}
END_TEST

START_TEST(test_unknown_element)
{
	test_assert_error("<bindox-policy>\n  <polcy domain=\"a\"/>\n</bindox-policy>", E_ELEMENT, 2,
			  3, "unknown element <polcy>");
	test_assert_error("<busconfig/>", E_ELEMENT, 1, 1, "unknown element <busconfig>");
	test_assert_error("<bindox-policy><policy domain=\"a\">\n\t<Allow lookup=\"x\"/>"
			  "</policy></bindox-policy>", E_ELEMENT, 2, 2, "unknown element <Allow>");
}
END_TEST

START_TEST(test_misplaced_element)
{
	test_assert_error("<policy domain=\"a\"/>", E_ELEMENT, 1, 1,
			  "<policy> is not allowed here: the root element must be <bindox-policy>");
	test_assert_error("<bindox-policy>\n <allow register=\"a\"/>\n</bindox-policy>", E_ELEMENT,
			  2, 2, "<allow> is not allowed here: <bindox-policy> holds <policy>");
	test_assert_error("<bindox-policy><bindox-policy/></bindox-policy>", E_ELEMENT, 1, 16,
			  "<bindox-policy> is not allowed here");
	test_assert_error("<bindox-policy><policy domain=\"a\"><policy domain=\"b\"/></policy>"
			  "</bindox-policy>", E_ELEMENT, 1, 35,
			  "<policy> is not allowed here: <policy> holds <allow> and <deny>");
	test_assert_error("<bindox-policy><policy domain=\"a\"><allow register=\"x\">"
			  "<deny register=\"y\"/></allow></policy></bindox-policy>", E_ELEMENT, 1, 55,
			  "<deny> is not allowed here: <allow> and <deny> are empty");
	test_assert_error("<bindox-policy/>\n<bindox-policy/>\n", E_ELEMENT, 2, 1,
			  "a second root element <bindox-policy>");
}
END_TEST

START_TEST(test_text)
{
	test_assert_error("<bindox-policy>\n  <policy domain=\"a\">\n    hello\n  </policy>\n"
			  "</bindox-policy>\n", E_ELEMENT, 3, 5, "text is not allowed in <policy>");
	test_assert_error("<bindox-policy><![CDATA[ x ]]></bindox-policy>", E_ELEMENT, 1, 26,
			  "text is not allowed in <bindox-policy>");
	test_assert_error("<bindox-policy>\n<policy domain=\"a\"></policy>x\n</bindox-policy>",
			  E_ELEMENT, 2, 29, "text is not allowed in <bindox-policy>");
	test_assert_error("<bindox-policy><policy domain=\"a\">\n"
			  "<allow lookup=\"s\"><!-- <a> --> &lt; </allow></policy></bindox-policy>",
			  E_ELEMENT, 2, 32, "text is not allowed in <allow>");
}
END_TEST

START_TEST(test_unknown_attribute)
{
	test_assert_error("<bindox-policy>\n  <policy domain=\"a\" usr=\"root\"/>\n</bindox-policy>",
			  E_ATTR, 2, 22, "unknown attribute \"usr\" in <policy>");
	test_assert_error("<bindox-policy version=\"1\"/>", E_ATTR, 1, 16,
			  "unknown attribute \"version\" in <bindox-policy>");
	test_assert_error("<bindox-policy><policy domain=\"a\">\n"
			  "<deny lookup=\"a\"\n      own=\"a\"/></policy></bindox-policy>",
			  E_ATTR, 3, 7, "unknown attribute \"own\" in <deny>");
}
END_TEST

START_TEST(test_duplicate_attribute)
{
	test_assert_error("<bindox-policy><policy domain=\"a\" domain=\"b\"/></bindox-policy>", E_ATTR,
			  1, 35, "duplicate attribute \"domain\" in <policy>");
	test_assert_error("<bindox-policy><policy domain=\"a\">\n"
			  "<allow call=\"x\" lookup=\"y\" call=\"x\"/></policy></bindox-policy>",
			  E_ATTR, 2, 28, "duplicate attribute \"call\" in <allow>");
}
END_TEST

START_TEST(test_missing_attribute)
{
	test_assert_error("<bindox-policy>\n\t<policy user=\"root\"/>\n</bindox-policy>", E_ATTR, 2, 2,
			  "<policy> needs a domain attribute");
	test_assert_error("<bindox-policy><policy domain=\"a\"><allow peer-domain=\"b\"/></policy>"
			  "</bindox-policy>", E_ATTR, 1, 35,
			  "<allow> needs at least one of register, lookup and call");
	test_assert_error("<bindox-policy><policy domain=\"a\"><deny/></policy></bindox-policy>",
			  E_ATTR, 1, 35, "<deny> needs at least one of register, lookup and call");
}
END_TEST

/* "<policy @attrs/>" on line 2 of a file, column 1 being its "<". */
static void assert_bad_policy(const char *attrs, PolicyErrorCode code, unsigned int column,
			      const char *part)
{
	g_autofree char *xml = g_strdup_printf("<bindox-policy>\n<policy %s/>\n</bindox-policy>\n",
					       attrs);

	test_assert_error(xml, code, 2, column, part);
}

START_TEST(test_bad_attribute_value)
{
	/* The place of a bad value is its first character (after the quote). */
	assert_bad_policy("domain=\"my domain\"", E_ATTR, 17, "invalid domain \"my domain\"");
	assert_bad_policy("domain=\"\"", E_ATTR, 17, "invalid domain \"\"");
	assert_bad_policy("domain=\"android-*\"", E_ATTR, 17, "invalid domain \"android-*\"");
	/* Quoted ">" and "<" before the bad value do not confuse the places. */
	assert_bad_policy("user='a>b' domain=\"a b\"", E_ATTR, 28, "invalid domain \"a b\"");
	test_assert_error("<bindox-policy><policy domain=\"a\">\n"
			  "<allow lookup=\"x\" peer-domain=\"a*\"/></policy></bindox-policy>", E_ATTR,
			  2, 32, "invalid peer-domain \"a*\"");
	test_assert_error("<bindox-policy><policy domain=\"a\">\n"
			  "<allow register=\"x\" peer-domain=\"b\"/></policy></bindox-policy>", E_ATTR,
			  2, 21, "peer-domain applies to lookup and call, not to register");
	/* A domain name longer than BINDOX_NAME_MAX. */
	{
		g_autofree char *name = g_strnfill(BINDOX_NAME_MAX + 1, 'd');
		g_autofree char *xml = g_strdup_printf(
			"<bindox-policy><policy domain=\"%s\"/></bindox-policy>", name);

		test_assert_error(xml, E_ATTR, 1, 32, "invalid domain");
	}
}
END_TEST

/* Each pattern in <allow lookup="...">, on line 3 from column 16. */
static void assert_bad_pattern(const char *pattern, const char *part)
{
	g_autofree char *xml = g_strdup_printf("<bindox-policy>\n<policy domain=\"a\">\n"
					       "<allow lookup=\"%s\"/>\n</policy>\n</bindox-policy>\n",
					       pattern);

	test_assert_error(xml, E_WILDCARD, 3, 16, part);
}

START_TEST(test_bad_wildcard)
{
	g_autofree char *long_name = g_strnfill(BINDOX_NAME_MAX + 1, 'n');
	g_autofree char *long_prefix = g_strconcat(long_name + 2, "..*", NULL);

	assert_bad_pattern("vendor*", "bad wildcard \"vendor*\"");
	assert_bad_pattern("*.camera", "bad wildcard \"*.camera\"");
	assert_bad_pattern("vendor.*.front", "bad wildcard \"vendor.*.front\"");
	assert_bad_pattern("vendor.camera.**", "bad wildcard \"vendor.camera.**\"");
	assert_bad_pattern("**", "bad wildcard \"**\"");
	assert_bad_pattern("a.*.*", "bad wildcard \"a.*.*\"");
	assert_bad_pattern(".*", "the prefix before \".*\" is empty");
	assert_bad_pattern("", "empty service pattern");
	assert_bad_pattern("vendor camera", "invalid service pattern \"vendor camera\"");
	assert_bad_pattern("vendor/camera.*", "invalid service pattern \"vendor/camera.*\"");
	assert_bad_pattern("caméra", "invalid service pattern \"caméra\"");
	assert_bad_pattern("a?", "invalid service pattern \"a?\"");
	assert_bad_pattern(long_name, "invalid service pattern");
	assert_bad_pattern(long_prefix, "invalid service pattern");

	/* The second pattern of a rule, where the first is fine. */
	test_assert_error("<bindox-policy>\n<policy domain=\"a\">\n"
			  "<allow lookup=\"a.*\" call=\"b*\"/>\n</policy>\n</bindox-policy>\n",
			  E_WILDCARD, 3, 27, "bad wildcard \"b*\"");
	/* Attributes over several lines. */
	test_assert_error("<bindox-policy>\n<policy domain=\"a\">\n<allow\n    lookup=\"a\"\n"
			  "    call=\"b*\"/>\n</policy>\n</bindox-policy>\n",
			  E_WILDCARD, 5, 11, "bad wildcard \"b*\"");
	/* Columns count characters: "é" is two bytes, one column. */
	test_assert_error("<bindox-policy>\n<policy domain=\"a\">\n"
			  "<!-- é --><allow lookup=\"x*\"/>\n</policy>\n</bindox-policy>\n",
			  E_WILDCARD, 3, 26, "bad wildcard \"x*\"");
	/* A byte order mark takes no column. */
	test_assert_error("\xef\xbb\xbf<bindox-policy><policy domain=\"a\"><deny register=\"x*\"/>"
			  "</policy></bindox-policy>", E_WILDCARD, 1, 51, "bad wildcard \"x*\"");
	/* After a multi-line DOCTYPE with an internal subset. */
	test_assert_error("<?xml version=\"1.0\"?>\n<!DOCTYPE bindox-policy [\n<!ELEMENT x ANY>\n]>\n"
			  "<bindox-policy><policy domain=\"a\"><deny call=\"*x\"/></policy>"
			  "</bindox-policy>", E_WILDCARD, 5, 47, "bad wildcard \"*x\"");
}
END_TEST

START_TEST(test_unknown_user)
{
	assert_bad_policy("domain=\"a\" user=\"nobody-here\"", E_USER, 26,
			  "unknown user \"nobody-here\"");
	assert_bad_policy("domain=\"a\" group=\"nogroup-here\"", E_USER, 27,
			  "unknown group \"nogroup-here\"");
	/* A name that is not a plain number is a name. */
	assert_bad_policy("domain=\"a\" user=\"-1\"", E_USER, 26, "unknown user \"-1\"");
	assert_bad_policy("domain=\"a\" user=\" 0\"", E_USER, 26, "unknown user \" 0\"");
	/* Names of users that exist in a container only: not on the host. */
	assert_bad_policy("domain=\"android-ivi\" user=\"u0_a52\"", E_USER, 36,
			  "unknown user \"u0_a52\"");
}
END_TEST

START_TEST(test_bad_id)
{
	assert_bad_policy("domain=\"a\" user=\"4294967295\"", E_ATTR, 26,
			  "user id 4294967295 is out of range");
	assert_bad_policy("domain=\"a\" group=\"99999999999999999999999\"", E_ATTR, 27,
			  "group id 99999999999999999999999 is out");
	assert_bad_policy("domain=\"a\" user=\"\"", E_ATTR, 26, "empty user");
}
END_TEST

/* "<deny lookup="sN"/>" lines from line 2 on: rule N is on line N + 2. */
static GString *many_rules(unsigned int n)
{
	GString *xml = g_string_new("<bindox-policy><policy domain=\"d\">\n");
	unsigned int i;

	for (i = 0; i < n; i++)
		g_string_append_printf(xml, "<deny lookup=\"s%u\"/>\n", i);
	return xml;
}

START_TEST(test_too_many_rules)
{
	GString *xml = many_rules(BINDOX_POLICY_MAX_RULES + 10);

	g_string_append(xml, "</policy></bindox-policy>\n");
	test_assert_error(xml->str, E_LIMIT, BINDOX_POLICY_MAX_RULES + 2, 1,
			  "too many rules: at most 65536");
	g_string_free(xml, TRUE);

	/* One element giving two rules, the second one too many. */
	xml = many_rules(BINDOX_POLICY_MAX_RULES - 1);
	g_string_append(xml, "  <deny register=\"r\" lookup=\"l\"/></policy></bindox-policy>\n");
	test_assert_error(xml->str, E_LIMIT, BINDOX_POLICY_MAX_RULES + 1, 3, "too many rules");
	g_string_free(xml, TRUE);
}
END_TEST

START_TEST(test_strings_too_large)
{
	GString *xml = g_string_new("<bindox-policy><policy domain=\"d\">\n");
	unsigned int i;

	/* "d" and then distinct 255-byte names: the 16449th goes over 4 MiB. */
	for (i = 0; i < 16449; i++) {
		g_autofree char *name = g_strdup_printf("%0255u", i);

		g_string_append_printf(xml, "<allow lookup=\"%s\"/>\n", name);
	}
	g_string_append(xml, "</policy></bindox-policy>\n");
	test_assert_error(xml->str, E_LIMIT, 16450, 1, "exceed 4194304 bytes");
	g_string_free(xml, TRUE);
}
END_TEST

START_TEST(test_file_too_large)
{
	size_t len = POLICY_MAX_FILE_SIZE + 1;
	g_autofree char *text = g_malloc(len);

	memset(text, ' ', len);
	test_assert_error_len(text, len, E_LIMIT, 0, 0, "the file is larger than 67108864 bytes");
}
END_TEST

START_TEST(test_no_location_wanted)
{
	g_autoptr(GError) error = NULL;

	/* @where and @error are optional. */
	ck_assert_ptr_null(policy_compile_string("x.xml", "<x/>", 4, &test_resolver, NULL,
							&error));
	ck_assert_str_eq(error->message, "x.xml:1:1: unknown element <x>");
	ck_assert_ptr_null(policy_compile_string("x.xml", "", 0, &test_resolver, NULL, NULL));
}
END_TEST

static Suite *errors_suite(void)
{
	Suite *s = suite_create("policy-errors");
	TCase *tc = tcase_create("errors");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_broken_xml);
	tcase_add_test(tc, test_bad_encoding);
	tcase_add_test(tc, test_unknown_element);
	tcase_add_test(tc, test_misplaced_element);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_unknown_attribute);
	tcase_add_test(tc, test_duplicate_attribute);
	tcase_add_test(tc, test_missing_attribute);
	tcase_add_test(tc, test_bad_attribute_value);
	tcase_add_test(tc, test_bad_wildcard);
	tcase_add_test(tc, test_unknown_user);
	tcase_add_test(tc, test_bad_id);
	tcase_add_test(tc, test_too_many_rules);
	tcase_add_test(tc, test_strings_too_large);
	tcase_add_test(tc, test_file_too_large);
	tcase_add_test(tc, test_no_location_wanted);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(errors_suite)
