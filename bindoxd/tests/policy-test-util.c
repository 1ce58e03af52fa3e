/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared bits of the policy tests (policy-test-util.h).
 */

#include <string.h>
#include "policy-test-util.h"

typedef struct {
	const char *name;
	uint32_t id;
} TestId;

static const TestId test_users[] = {
	{ "root", 0 }, { "daemon", 1 }, { "cameraserver", 101047 }, { NULL, 0 },
};
static const TestId test_groups[] = {
	{ "root", 0 }, { "audio", 29 }, { "video", 44 }, { NULL, 0 },
};

static bool test_lookup(const char *name, uint32_t *id, void *data)
{
	const TestId *t;

	for (t = data; t->name; t++) {
		if (strcmp(t->name, name) == 0) {
			*id = t->id;
			return true;
		}
	}
	return false;
}

static bool test_user(const char *name, uint32_t *id, void *data)
{
	return test_lookup(name, id, (void *)test_users);
}

static bool test_group(const char *name, uint32_t *id, void *data)
{
	return test_lookup(name, id, (void *)test_groups);
}

const PolicyResolver test_resolver = {
	.user = test_user,
	.group = test_group,
};

Policy *test_compile(const char *xml)
{
	g_autoptr(GError) error = NULL;
	Policy *p;

	p = policy_compile_string("test.xml", xml, strlen(xml), &test_resolver, NULL,
					 &error);
	ck_assert_msg(p != NULL, "compiling failed: %s\n%s", error ? error->message : "?", xml);
	ck_assert_ptr_null(error);
	return p;
}

void test_assert_failed(const GError *error, const PolicyErrorLocation *where,
			PolicyErrorCode code, const char *file, unsigned int line,
			unsigned int column, const char *part)
{
	g_autofree char *prefix = line ? g_strdup_printf("%s:%u:%u: ", file, line, column)
				       : g_strdup_printf("%s: ", file);

	ck_assert_ptr_nonnull(error);
	ck_assert_msg(error->domain == POLICY_ERROR && error->code == (int)code,
		      "expected code %d, got %s %d: %s", code, g_quark_to_string(error->domain),
		      error->code, error->message);
	ck_assert_msg(g_str_has_prefix(error->message, prefix),
		      "expected the place %s, got: %s", prefix, error->message);
	ck_assert_msg(strstr(error->message, part) != NULL, "expected \"%s\" in: %s", part,
		      error->message);
	ck_assert_str_eq(where->file, file);
	ck_assert_uint_eq(where->line, line);
	ck_assert_uint_eq(where->column, column);
}

void test_assert_error_len(const char *text, size_t len, PolicyErrorCode code,
			   unsigned int line, unsigned int column, const char *part)
{
	PolicyErrorLocation where = { 0 };
	g_autoptr(GError) error = NULL;
	Policy *p;

	p = policy_compile_string("test.xml", text, len, &test_resolver, &where, &error);
	ck_assert_msg(p == NULL, "compiled without error:\n%.*s", (int)MIN(len, 2000), text);
	test_assert_failed(error, &where, code, "test.xml", line, column, part);
	policy_error_location_clear(&where);
	ck_assert_ptr_null(where.file);
}

void test_assert_error(const char *xml, PolicyErrorCode code, unsigned int line,
		       unsigned int column, const char *part)
{
	test_assert_error_len(xml, strlen(xml), code, line, column, part);
}

char *test_rule_string(const Policy *p, uint32_t off, uint32_t len)
{
	ck_assert_uint_le((size_t)off + len, p->strings_size);
	return g_strndup(len ? p->strings + off : "", len);
}

void test_assert_rule(const Policy *p, size_t i, uint32_t actions, uint32_t flags,
		      uint32_t uid, uint32_t gid, const char *domain, const char *peer_domain,
		      const char *service, uint32_t source)
{
	const struct bindox_policy_rule *r;
	g_autofree char *d = NULL, *pd = NULL, *s = NULL;

	ck_assert_uint_lt(i, p->n_rules);
	r = &p->rules[i];
	d = test_rule_string(p, r->domain_off, r->domain_len);
	pd = test_rule_string(p, r->peer_domain_off, r->peer_domain_len);
	s = test_rule_string(p, r->service_off, r->service_len);
	ck_assert_msg(r->actions == actions, "rule %zu: actions %#x, expected %#x", i, r->actions,
		      actions);
	ck_assert_msg(r->flags == flags, "rule %zu: flags %#x, expected %#x", i, r->flags, flags);
	ck_assert_uint_eq(r->uid, uid);
	ck_assert_uint_eq(r->gid, gid);
	ck_assert_str_eq(d, domain);
	ck_assert_str_eq(pd, peer_domain);
	ck_assert_str_eq(s, service);
	ck_assert_uint_eq(r->source, source);
	ck_assert_uint_eq(r->reserved, 0);
	/* Empty strings point at the start of the blob. */
	if (!r->domain_len)
		ck_assert_uint_eq(r->domain_off, 0);
	if (!r->peer_domain_len)
		ck_assert_uint_eq(r->peer_domain_off, 0);
	if (!r->service_len)
		ck_assert_uint_eq(r->service_off, 0);
}

bool test_check(const Policy *p, uint32_t action, const char *domain, uint32_t uid,
		uint32_t gid, const char *service, const char *peer, long *rule)
{
	PolicyRequest req = {
		.action = action,
		.domain = domain,
		.uid = uid,
		.gid = gid,
		.service = service,
		.peer_domain = peer,
	};

	return policy_check(p, &req, rule);
}
