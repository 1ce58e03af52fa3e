/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared policy cases (tests/policy-cases) against bindoxd's evaluator,
 * the one CheckAccess answers with. The same table runs against the driver
 * in the VM (tests/kernel/test-policy-cases.c), so that the two evaluators
 * cannot drift apart. Also checks the table itself: every rule of
 * rules.xml decides a case, and every denial has an allowed twin.
 */

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy-cases.h"

static PolicyCases *cases;

/* bindoxd's verdict on @c; *@rule: the deciding rule, -1 for the default. */
static bool evaluate(const PolicyCase *c, long *rule)
{
	PolicyRequest req = {
		.action = c->action,
		.domain = c->domain,
		.uid = c->uid,
		.gid = c->gid,
		.service = c->service,
		.peer_domain = c->peer,
	};

	return policy_check(c->rules ? cases->rules : NULL, &req, rule);
}

START_TEST(test_case)
{
	const PolicyCase *c = &cases->cases[_i];
	g_autofree char *what = policy_case_describe(c);
	long rule = -2;
	bool allowed = evaluate(c, &rule);

	ck_assert_msg(allowed == (c->error == 0), "%s: bindoxd says %s (rule %ld)", what,
		      allowed ? "allow" : "deny", rule);
	/* bindoxd's Coordinator refuses with the driver's errno. */
	ck_assert_msg(allowed || c->error == EACCES, "%s: bindoxd refuses with EACCES", what);
}
END_TEST

START_TEST(test_every_rule_decides_a_case)
{
	const Policy *p = cases->rules;
	g_autofree bool *decides = g_new0(bool, p->n_origins);
	bool default_decides = false;

	ck_assert_uint_gt(p->n_rules, 0);
	for (size_t i = 0; i < cases->n_cases; i++) {
		long rule = -2;

		if (!cases->cases[i].rules)
			continue;
		evaluate(&cases->cases[i], &rule);
		if (rule < 0)
			default_decides = true;
		else
			decides[p->rules[rule].source] = true;
	}
	for (size_t o = 0; o < p->n_origins; o++)
		ck_assert_msg(decides[o], "%s:%u: no case is decided by %s", p->origins[o].file,
			      p->origins[o].line, p->origins[o].text);
	ck_assert_msg(default_decides, "no case under rules.xml falls through to the default");
}
END_TEST

/* How many of the request's columns differ between @a and @b. */
static int columns_apart(const PolicyCase *a, const PolicyCase *b)
{
	return (strcmp(a->domain, b->domain) != 0) + (a->uid != b->uid) + (a->gid != b->gid) +
	       (a->action != b->action) + (strcmp(a->service, b->service) != 0) +
	       (g_strcmp0(a->peer, b->peer) != 0);
}

START_TEST(test_every_denial_has_an_allowed_twin)
{
	for (size_t i = 0; i < cases->n_cases; i++) {
		const PolicyCase *d = &cases->cases[i];
		g_autofree char *what = policy_case_describe(d);
		bool twin = false;

		if (d->error == 0)
			continue;
		for (size_t j = 0; j < cases->n_cases && !twin; j++) {
			const PolicyCase *a = &cases->cases[j];

			twin = a->error == 0 && a->rules == d->rules && columns_apart(a, d) == 1;
		}
		ck_assert_msg(twin, "%s: no allowed case differs from it in one column only",
			      what);
	}
}
END_TEST

static Suite *cases_suite(void)
{
	Suite *s = suite_create("policy-cases");
	TCase *tc = tcase_create("bindoxd");

	tcase_add_loop_test(tc, test_case, 0, (int)cases->n_cases);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, test_every_rule_decides_a_case);
	tcase_add_test(tc, test_every_denial_has_an_allowed_twin);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	g_autoptr(GError) error = NULL;
	SRunner *sr;
	int failed;

	cases = policy_cases_load(POLICY_CASES_DIR, &error);
	if (!cases) {
		fprintf(stderr, "test-policy-cases: %s\n", error->message);
		return EXIT_FAILURE;
	}
	sr = srunner_create(cases_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	policy_cases_free(cases);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
