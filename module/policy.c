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
#include <linux/uaccess.h>
#include <uapi/linux/bindox.h>
#include "coordinator.h"
#include "domain.h"
#include "policy.h"
#include "proc.h"

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

/* Copy a table in from user memory and check every rule. */
static struct bindox_policy *bindox_policy_copy_in(const struct bindox_policy_load *args)
{
	struct bindox_policy *p;
	u32 i;
	int err;

	if (args->rule_count > BINDOX_POLICY_MAX_RULES ||
	    args->strings_size > BINDOX_POLICY_MAX_STRINGS)
		return ERR_PTR(-E2BIG);
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->n_rules = args->rule_count;
	p->strings_size = args->strings_size;
	err = -ENOMEM;
	p->rules = kvmalloc_array(p->n_rules ? p->n_rules : 1,
				  sizeof(*p->rules), GFP_KERNEL_ACCOUNT);
	p->strings = kvmalloc(p->strings_size ? p->strings_size : 1,
			      GFP_KERNEL_ACCOUNT);
	if (!p->rules || !p->strings)
		goto fail;
	err = -EFAULT;
	if (copy_from_user(p->rules, u64_to_user_ptr(args->rules_ptr),
			   array_size(p->n_rules, sizeof(*p->rules))) ||
	    copy_from_user(p->strings, u64_to_user_ptr(args->strings_ptr),
			   p->strings_size))
		goto fail;
	for (i = 0; i < p->n_rules; i++) {
		err = bindox_policy_rule_check(p, &p->rules[i]);
		if (err)
			goto fail;
	}
	return p;
fail:
	bindox_policy_free(p);
	return ERR_PTR(err);
}

/**
 * bindox_policy_load() - BINDOX_IOC_POLICY_LOAD
 * @proc:	the caller, which must be the Coordinator
 * @uarg:	struct bindox_policy_load in user memory
 *
 * Return: 0 with the new generation written back; -EPERM for anyone but
 * the Coordinator; -E2BIG, -EINVAL, -EFAULT, -ENOMEM with the old table
 * still in force.
 */
int bindox_policy_load(struct bindox_proc *proc,
		       struct bindox_policy_load __user *uarg)
{
	struct bindox_policy_load args;
	struct bindox_policy *p, *old;
	u64 gen;

	if (!bindox_coordinator_owned_by(proc))
		return -EPERM;
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	p = bindox_policy_copy_in(&args);
	if (IS_ERR(p))
		return PTR_ERR(p);

	mutex_lock(&bindox_policy_lock);
	old = rcu_replace_pointer(bindox_policy, p,
				  lockdep_is_held(&bindox_policy_lock));
	gen = atomic64_inc_return(&bindox_policy_gen);
	mutex_unlock(&bindox_policy_lock);
	synchronize_rcu();
	bindox_policy_free(old);
	return put_user(gen, &uarg->generation) ? -EFAULT : 0;
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
	if (!allowed && hweight32(req->action) == 1 &&
	    __ffs(req->action) < BINDOX_DOMAIN_DENIED_COUNT)
		atomic64_inc(&req->domain->denied[__ffs(req->action)]);
	return allowed;
}

/**
 * bindox_policy_exit() - free the table at module unload
 */
void bindox_policy_exit(void)
{
	bindox_policy_free(rcu_replace_pointer(bindox_policy, NULL, true));
}
