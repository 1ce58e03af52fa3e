/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_POLICY_H
#define __BINDOX_POLICY_H

/**
 * DOC: Policy
 *
 * One policy table for all domains, loaded by the Coordinator with
 * BINDOX_IOC_POLICY_LOAD (rules and semantics: see the UAPI header). Readers
 * evaluate it under RCU; a load validates the new table completely, swaps
 * the pointer under bindox_policy_lock and frees the old table after a
 * grace period. Every load bumps the generation, and decisions cached on
 * handles are only trusted for the generation they were made in. The table
 * outlives the Coordinator that loaded it: a restarted Coordinator finds it
 * in force until it loads its own.
 */

#include <linux/types.h>
#include <linux/uidgid.h>

struct bindox_domain;
struct bindox_policy_rule;

/**
 * struct bindox_policy_request - what is asked, and by whom
 * @action:	one BINDOX_POLICY_ACT_* bit
 * @domain:	the subject's domain
 * @euid:	the subject's effective uid
 * @egid:	the subject's effective gid
 * @service:	the service name (not NUL-terminated; may be empty)
 * @service_len: its length
 * @peer:	the domain of the service's owner (@domain for register)
 */
struct bindox_policy_request {
	u32 action;
	struct bindox_domain *domain;	/* non-const: it counts refusals */
	kuid_t euid;
	kgid_t egid;
	const char *service;
	u32 service_len;
	const struct bindox_domain *peer;
};

s64 bindox_policy_replace(struct bindox_policy_rule *rules, u32 n_rules,
			  char *strings, u32 strings_size);
bool bindox_name_chars_valid(const char *name, u32 len);
bool bindox_policy_allows(const struct bindox_policy_request *req);
u64 bindox_policy_generation(void);
void bindox_policy_exit(void);

#endif /* __BINDOX_POLICY_H */
