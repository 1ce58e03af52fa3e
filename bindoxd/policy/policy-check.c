/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evaluator: the driver's decision, computed in bindoxd for CheckAccess
 * (semantics in <linux/bindox.h>: the last matching rule decides, else the
 * built-in default). tests/policy-cases holds the cases both must agree on;
 * a change here needs its case there, which runs against the driver too.
 */

#include <string.h>
#include "policy-private.h"

/* The rule's string at @off/@len, compared with @len bytes of @s. */
static bool blob_has(const Policy *p, uint32_t off, uint32_t len, const char *s,
		     size_t s_len)
{
	if (len != s_len || (size_t)off + len > p->strings_size)
		return false;
	return len == 0 || memcmp(p->strings + off, s, len) == 0;
}

static bool rule_matches(const Policy *p, const struct bindox_policy_rule *r,
			 const PolicyRequest *req, const char *peer)
{
	size_t service_len = strlen(req->service);

	if (!(r->actions & req->action))
		return false;
	if ((r->flags & BINDOX_POLICY_RULE_UID) && r->uid != req->uid)
		return false;
	if ((r->flags & BINDOX_POLICY_RULE_GID) && r->gid != req->gid)
		return false;
	if (r->domain_len != 0 &&
	    !blob_has(p, r->domain_off, r->domain_len, req->domain, strlen(req->domain)))
		return false;
	if (r->flags & BINDOX_POLICY_RULE_PREFIX) {
		if (service_len < r->service_len ||
		    !blob_has(p, r->service_off, r->service_len, req->service, r->service_len))
			return false;
	} else if (!blob_has(p, r->service_off, r->service_len, req->service, service_len)) {
		return false;
	}
	if (r->flags & BINDOX_POLICY_RULE_ANY_PEER)
		return true;
	if (r->peer_domain_len == 0)
		return strcmp(peer, req->domain) == 0;
	return blob_has(p, r->peer_domain_off, r->peer_domain_len, peer, strlen(peer));
}

/*
 * The driver asks whether the subject's domain is the host domain (id 0);
 * bindoxd knows domains by name, and the driver gives the name "host" to
 * that domain and refuses it for any other, so the two questions are one.
 */
static bool is_host_domain(const char *domain)
{
	return strcmp(domain, BINDOX_HOST_DOMAIN) == 0;
}

static bool builtin_default(const PolicyRequest *req, const char *peer)
{
	if (req->action == BINDOX_POLICY_ACT_REGISTER)
		return req->uid == 0 && is_host_domain(req->domain);
	return strcmp(peer, req->domain) == 0;
}

bool policy_check(const Policy *p, const PolicyRequest *req, long *rule_out)
{
	const char *peer;
	size_t i;

	if (rule_out)
		*rule_out = -1;
	g_return_val_if_fail(req && req->domain && req->service, false);
	if (req->action == 0 || (req->action & (req->action - 1)) != 0 ||
	    (req->action & ~BINDOX_POLICY_ACT_ALL) != 0)
		return false;

	/* A registered service lives in its owner's domain: for register, the subject's. */
	peer = req->action == BINDOX_POLICY_ACT_REGISTER || !req->peer_domain ? req->domain
									   : req->peer_domain;
	for (i = p ? p->n_rules : 0; i > 0; i--) {
		const struct bindox_policy_rule *r = &p->rules[i - 1];

		if (rule_matches(p, r, req, peer)) {
			if (rule_out)
				*rule_out = (long)(i - 1);
			return (r->flags & BINDOX_POLICY_RULE_ALLOW) != 0;
		}
	}
	return builtin_default(req, peer);
}

const char *policy_action_name(uint32_t action)
{
	switch (action) {
	case BINDOX_POLICY_ACT_REGISTER:
		return "register";
	case BINDOX_POLICY_ACT_LOOKUP:
		return "lookup";
	case BINDOX_POLICY_ACT_CALL:
		return "call";
	default:
		return NULL;
	}
}

uint32_t policy_action_from_name(const char *name)
{
	uint32_t action;

	for (action = 1; action & BINDOX_POLICY_ACT_ALL; action <<= 1)
		if (strcmp(name, policy_action_name(action)) == 0)
			return action;
	return 0;
}

char *policy_describe_rule(const Policy *p, long rule)
{
	const PolicyOrigin *o;

	if (rule < 0)
		return g_strdup("built-in default: only uid 0 in the host domain may register; "
				"lookup and call are allowed within a domain; nothing crosses "
				"domains");
	if (!p || (size_t)rule >= p->n_rules || p->rules[rule].source >= p->n_origins)
		return g_strdup_printf("rule %ld: unknown", rule);
	o = &p->origins[p->rules[rule].source];
	return g_strdup_printf("%s:%u:%u: %s", o->file, o->line, o->column, o->text);
}
