/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy in force; see ruleset.h.
 */

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <bindox/error.h>
#include "ruleset.h"

struct Ruleset {
	char *vendor_dir;
	char *admin_dir;
	int driver_fd;
	Policy *in_force;	/* never NULL */
	uint64_t generation;
};

/* The empty table: every request goes to the built-in default. */
static Policy *ruleset_empty_policy(void)
{
	Policy *p = g_new0(Policy, 1);

	p->files = g_new0(char *, 1);
	return p;
}

Ruleset *ruleset_new(const char *vendor_dir, const char *admin_dir, int driver_fd)
{
	Ruleset *rs = g_new0(Ruleset, 1);

	rs->vendor_dir = g_strdup(vendor_dir);
	rs->admin_dir = g_strdup(admin_dir);
	rs->driver_fd = driver_fd;
	rs->in_force = ruleset_empty_policy();
	return rs;
}

Ruleset *ruleset_free(Ruleset *rs)
{
	if (!rs)
		return NULL;
	policy_free(rs->in_force);
	g_free(rs->vendor_dir);
	g_free(rs->admin_dir);
	g_free(rs);
	return NULL;
}

/* BINDOX_IOC_POLICY_LOAD: the atomic swap in the driver. */
static int ruleset_load_into_driver(Ruleset *rs, const Policy *p, uint64_t *generation)
{
	struct bindox_policy_load args = {
		.rules_ptr = (uint64_t)(uintptr_t)p->rules,
		.strings_ptr = (uint64_t)(uintptr_t)p->strings,
		.rule_count = (uint32_t)p->n_rules,
		.strings_size = (uint32_t)p->strings_size,
	};

	if (ioctl(rs->driver_fd, BINDOX_IOC_POLICY_LOAD, &args) < 0)
		return -errno;
	*generation = args.generation;
	return 0;
}

int ruleset_reload(Ruleset *rs, RulesetFailure *failure)
{
	PolicyErrorLocation where = { 0 };
	GError *error = NULL;
	uint64_t generation = 0;
	Policy *p;
	int r;

	memset(failure, 0, sizeof(*failure));
	p = policy_load_dirs(rs->vendor_dir, rs->admin_dir, policy_system_resolver(),
				    &where, &error);
	if (!p) {
		failure->kind = RULESET_FAILED_FILE;
		failure->error = -EINVAL;
		failure->message = g_strdup(error->message);
		failure->file = g_steal_pointer(&where.file);
		g_error_free(error);
		return -EINVAL;
	}

	r = ruleset_load_into_driver(rs, p, &generation);
	if (r < 0) {
		const char *name = bindox_errno_name(r);

		failure->kind = RULESET_FAILED_DRIVER;
		failure->error = r;
		failure->message = g_strdup_printf(
			"the driver refused the policy (%zu rules from %u files): %s (%s)%s",
			p->n_rules, g_strv_length(p->files), name ? name : "?", bindox_strerror(r),
			r == -ENOTTY ? "; this driver has no BINDOX_IOC_POLICY_LOAD" : "");
		policy_free(p);
		return r;
	}

	policy_free(rs->in_force);
	rs->in_force = p;
	rs->generation = generation;
	return 0;
}

void ruleset_failure_clear(RulesetFailure *failure)
{
	g_clear_pointer(&failure->message, g_free);
	g_clear_pointer(&failure->file, g_free);
}

const Policy *ruleset_policy(const Ruleset *rs)
{
	return rs->in_force;
}

uint64_t ruleset_generation(const Ruleset *rs)
{
	return rs->generation;
}

bool ruleset_check(const Ruleset *rs, const PolicyRequest *req, char **rule)
{
	long index = -1;
	bool allowed;

	allowed = policy_check(rs->in_force, req, &index);
	*rule = policy_describe_rule(rs->in_force, index);
	return allowed;
}
