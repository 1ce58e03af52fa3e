/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Shared bits of the Check unit tests.
 */

#include <check.h>
#include <stdlib.h>

typedef Suite *(*TestSuiteFn)(void);

/* Run the suites (fork mode, as Check defaults), exit status from failures. */
static inline int test_run(const TestSuiteFn *suites, size_t n)
{
	SRunner *sr = srunner_create(NULL);
	size_t i;
	int failed;

	for (i = 0; i < n; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#define TEST_MAIN(...)                                                  \
	int main(void)                                                  \
	{                                                               \
		static const TestSuiteFn suites[] = { __VA_ARGS__ };    \
		return test_run(suites, sizeof(suites) / sizeof(suites[0])); \
	}
