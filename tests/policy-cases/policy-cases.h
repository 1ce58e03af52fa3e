/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOX_TESTS_POLICY_CASES_H
#define BINDOX_TESTS_POLICY_CASES_H

/*
 * The shared policy cases (cases.tsv and rules.xml in this folder, format
 * in cases.tsv): read once, run by bindoxd's unit test against its
 * evaluator and by the in-guest test against the driver.
 */

#include <stdbool.h>
#include <stdint.h>
#include "policy.h"

typedef struct {
	unsigned int line;	/* in cases.tsv, for messages */
	bool rules;		/* rules.xml in force; false: the built-in default */
	char *domain;		/* the subject's domain */
	uint32_t uid;
	uint32_t gid;
	uint32_t action;	/* one BINDOX_POLICY_ACT_* bit */
	char *service;
	char *peer;		/* NULL for register */
	int error;		/* 0: allowed; else the positive errno of the refusal */
} PolicyCase;

typedef struct {
	PolicyCase *cases;
	size_t n_cases;
	Policy *rules;		/* rules.xml, compiled */
	char **domains;		/* every domain the cases name but host, NULL-terminated */
} PolicyCases;

/*
 * Reads @dir/cases.tsv and compiles @dir/rules.xml (numeric ids only: no
 * resolver). NULL with @error set when either is malformed.
 */
PolicyCases *policy_cases_load(const char *dir, GError **error);
void policy_cases_free(PolicyCases *pc);

/* The case as one line for messages: "cases.tsv:LINE: ACTION ..." (g_free). */
char *policy_case_describe(const PolicyCase *c);

#endif /* BINDOX_TESTS_POLICY_CASES_H */
