/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_POLICY_TEST_UTIL_H
#define BINDOXD_POLICY_TEST_UTIL_H

/*
 * Shared bits of the policy tests: a resolver that does not depend on the
 * machine's /etc/passwd, and assertions on compiled tables and errors.
 */

#include "policy.h"
#include "check-main.h"

/*
 * Users: root 0, daemon 1, cameraserver 101047.
 * Groups: root 0, audio 29, video 44.
 */
extern const PolicyResolver test_resolver;

/* Compiles @xml as "test.xml" with test_resolver; fails the test on error. */
Policy *test_compile(const char *xml);

/*
 * Compiles @len bytes of @text as "test.xml" and checks that it fails with
 * @code at @line:@column, with a message that contains @part.
 */
void test_assert_error_len(const char *text, size_t len, PolicyErrorCode code,
			   unsigned int line, unsigned int column, const char *part);
void test_assert_error(const char *xml, PolicyErrorCode code, unsigned int line,
		       unsigned int column, const char *part);

/* Checks a load or compile error: code, file, place, message. */
void test_assert_failed(const GError *error, const PolicyErrorLocation *where,
			PolicyErrorCode code, const char *file, unsigned int line,
			unsigned int column, const char *part);

/* Checks every field of rule @i (strings compared by content). */
void test_assert_rule(const Policy *p, size_t i, uint32_t actions, uint32_t flags,
		      uint32_t uid, uint32_t gid, const char *domain, const char *peer_domain,
		      const char *service, uint32_t source);

/* The rule's string fields as NUL-terminated copies (g_free). */
char *test_rule_string(const Policy *p, uint32_t off, uint32_t len);

/* policy_check() in one call: action, domain, uid, gid, service, peer. */
bool test_check(const Policy *p, uint32_t action, const char *domain, uint32_t uid,
		uint32_t gid, const char *service, const char *peer, long *rule);

#endif /* BINDOXD_POLICY_TEST_UTIL_H */
