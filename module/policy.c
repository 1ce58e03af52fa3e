// SPDX-License-Identifier: GPL-2.0
/*
 * The policy table: loading, validation and evaluation.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/bindox.h>
#include "domain.h"
#include "policy.h"
#include "bindox_trace.h"

struct bindox_policy {
	struct bindox_policy_rule *rules;
	u32 n_rules;
	char *strings;
	u32 strings_size;
};

static DEFINE_MUTEX(bindox_policy_lock);	/* serializes loads */
static struct bindox_policy __rcu *bindox_policy;	/* NULL: built-in */
static atomic64_t bindox_policy_gen = ATOMIC64_INIT(0);

/**
 * bindox_policy_generation() - the generation of the table in force
 *
 * Return: 0 before the first load, then one more per successful load.
 */
u64 bindox_policy_generation(void)
{
	return atomic64_read(&bindox_policy_gen);
}

static void bindox_policy_free(struct bindox_policy *p)
{
	if (!p)
		return;
	kvfree(p->rules);
	kvfree(p->strings);
	kfree(p);
}

/**
 * bindox_name_chars_valid() - whether a string has only name characters
 * @name:	the string (not NUL-terminated)
 * @len:	its length (0 is valid)
 *
 * The rule for service and domain names in rules and in requests to the
 * Coordinator.
 *
 * Return: true if every byte is one of [A-Za-z0-9._-].
 */
bool bindox_name_chars_valid(const char *name, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		char c = name[i];

		/* Plain ASCII ranges: isalnum() also accepts Latin-1. */
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

/* Whether [off, off + len) lies inside the blob and holds a valid name. */
static bool bindox_policy_string_ok(const struct bindox_policy *p, u32 off,
				    u32 len)
{
	u32 end;

	if (check_add_overflow(off, len, &end) || end > p->strings_size)
		return false;
	return bindox_name_chars_valid(p->strings + off, len);
}

static int bindox_policy_rule_check(const struct bindox_policy *p,
				    const struct bindox_policy_rule *r)
{
	if (!r->actions || r->actions & ~BINDOX_POLICY_ACT_ALL ||
	    r->flags & ~BINDOX_POLICY_RULE_ALL_FLAGS || r->reserved)
		return -EINVAL;
	if (r->flags & BINDOX_POLICY_RULE_ANY_PEER && r->peer_domain_len)
		return -EINVAL;
	if (!(r->flags & BINDOX_POLICY_RULE_PREFIX) && !r->service_len)
		return -EINVAL;
	if (r->domain_len > BINDOX_NAME_MAX ||
	    r->peer_domain_len > BINDOX_NAME_MAX ||
	    r->service_len > BINDOX_NAME_MAX)
		return -EINVAL;
	if (!bindox_policy_string_ok(p, r->domain_off, r->domain_len) ||
	    !bindox_policy_string_ok(p, r->peer_domain_off,
				     r->peer_domain_len) ||
	    !bindox_policy_string_ok(p, r->service_off, r->service_len))
		return -EINVAL;
	return 0;
}

/**
 * bindox_policy_replace() - check a table and put it in force
 * @rules:	the rules, kvmalloc()ed; the function takes them over
 * @n_rules:	their number, at most BINDOX_POLICY_MAX_RULES
 * @strings:	the string blob, kvmalloc()ed; taken over as well
 * @strings_size: its size, at most BINDOX_POLICY_MAX_STRINGS
 *
 * Who may load a table is the ioctl layer's question (the Coordinator).
 *
 * Return: the new generation, or -EINVAL or -ENOMEM with the old table
 * still in force.
 */
s64 bindox_policy_replace(struct bindox_policy_rule *rules, u32 n_rules,
			  char *strings, u32 strings_size)
{
	struct bindox_policy *p, *old;
	u32 i;
	int err;
	u64 gen;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		kvfree(rules);
		kvfree(strings);
		return -ENOMEM;
	}
	p->rules = rules;
	p->n_rules = n_rules;
	p->strings = strings;
	p->strings_size = strings_size;
	for (i = 0; i < p->n_rules; i++) {
		err = bindox_policy_rule_check(p, &p->rules[i]);
		if (err) {
			bindox_policy_free(p);
			return err;
		}
	}

	mutex_lock(&bindox_policy_lock);
	old = rcu_replace_pointer(bindox_policy, p,
				  lockdep_is_held(&bindox_policy_lock));
	gen = atomic64_inc_return(&bindox_policy_gen);
	mutex_unlock(&bindox_policy_lock);
	synchronize_rcu();
	bindox_policy_free(old);
	return gen;
}

static bool bindox_policy_str_eq(const struct bindox_policy *p, u32 off,
				 u32 len, const char *s, size_t s_len)
{
	return len == s_len && !memcmp(p->strings + off, s, len);
}

static bool bindox_policy_domain_eq(const struct bindox_policy *p, u32 off,
				    u32 len, const struct bindox_domain *d)
{
	return bindox_policy_str_eq(p, off, len, d->name, strlen(d->name));
}

/* Domains are objects: the same domain is the same pointer. */
static bool bindox_policy_same_domain(const struct bindox_policy_request *req)
{
	return req->peer == req->domain;
}

static bool bindox_policy_rule_matches(const struct bindox_policy *p,
				       const struct bindox_policy_rule *r,
				       const struct bindox_policy_request *req,
				       u32 uid, u32 gid)
{
	if (!(r->actions & req->action))
		return false;
	if (r->flags & BINDOX_POLICY_RULE_UID && r->uid != uid)
		return false;
	if (r->flags & BINDOX_POLICY_RULE_GID && r->gid != gid)
		return false;
	if (r->domain_len &&
	    !bindox_policy_domain_eq(p, r->domain_off, r->domain_len,
				     req->domain))
		return false;
	if (r->flags & BINDOX_POLICY_RULE_PREFIX) {
		if (r->service_len > req->service_len ||
		    memcmp(p->strings + r->service_off, req->service,
			   r->service_len))
			return false;
	} else if (!bindox_policy_str_eq(p, r->service_off, r->service_len,
					 req->service, req->service_len)) {
		return false;
	}
	if (r->flags & BINDOX_POLICY_RULE_ANY_PEER)
		return true;
	if (r->peer_domain_len)
		return bindox_policy_domain_eq(p, r->peer_domain_off,
					       r->peer_domain_len, req->peer);
	return bindox_policy_same_domain(req);
}

/* Without a table, or when no rule matches. */
static bool bindox_policy_default(const struct bindox_policy_request *req,
				  u32 uid)
{
	if (req->action == BINDOX_POLICY_ACT_REGISTER)
		return req->domain->is_host && uid == 0;
	return bindox_policy_same_domain(req);
}

/* The last matching rule decides; without one, the built-in default. */
static bool bindox_policy_decide(const struct bindox_policy_request *req)
{
	u32 uid = from_kuid_munged(&init_user_ns, req->euid);
	u32 gid = from_kgid_munged(&init_user_ns, req->egid);
	const struct bindox_policy *p;
	u32 i;

	rcu_read_lock();
	p = rcu_dereference(bindox_policy);
	for (i = p ? p->n_rules : 0; i-- > 0;) {
		const struct bindox_policy_rule *r = &p->rules[i];

		if (bindox_policy_rule_matches(p, r, req, uid, gid)) {
			rcu_read_unlock();
			return r->flags & BINDOX_POLICY_RULE_ALLOW;
		}
	}
	rcu_read_unlock();
	return bindox_policy_default(req, uid);
}

/**
 * bindox_policy_allows() - evaluate a request against the table in force
 * @req:	the request
 *
 * A refusal is counted in the requester's domain (its sysfs attributes
 * denied_register, denied_lookup and denied_call).
 *
 * Return: true if the request is allowed.
 */
bool bindox_policy_allows(const struct bindox_policy_request *req)
{
	bool allowed = bindox_policy_decide(req);

	BUILD_BUG_ON(BINDOX_POLICY_ACT_REGISTER != 1U << BINDOX_DOMAIN_DENIED_REGISTER ||
		     BINDOX_POLICY_ACT_LOOKUP != 1U << BINDOX_DOMAIN_DENIED_LOOKUP ||
		     BINDOX_POLICY_ACT_CALL != 1U << BINDOX_DOMAIN_DENIED_CALL);
	if (allowed)
		return true;
	if (hweight32(req->action) == 1 &&
	    __ffs(req->action) < BINDOX_DOMAIN_DENIED_COUNT)
		atomic64_inc(&req->domain->denied[__ffs(req->action)]);
	trace_bindox_policy_denied(req->domain->name,
				   from_kuid_munged(&init_user_ns, req->euid),
				   from_kgid_munged(&init_user_ns, req->egid),
				   req->action, req->service, req->service_len,
				   req->peer ? req->peer->name : "");
	return false;
}

/**
 * bindox_policy_exit() - free the table at module unload
 */
void bindox_policy_exit(void)
{
	bindox_policy_free(rcu_replace_pointer(bindox_policy, NULL, true));
}
