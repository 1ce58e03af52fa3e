/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_CTL_DOMAIN_ARGS_H
#define BINDOXD_CTL_DOMAIN_ARGS_H

/*
 * The arguments of "bindoxctl domain add|remove", read without the bus
 * (so that the unit tests read them too).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_DOMAIN_COMMAND "domain"

/*
 * How many of @argv bindoxctl's global options may read: up to the first
 * "domain" (itself included), or all of them.
 */
int ctl_domain_global_argc(int argc, char **argv);

/* More --limit options than there are limits are refused by bindoxd anyway. */
#define CTL_DOMAIN_MAX_LIMITS 16

typedef struct CtlDomainArgs {
	bool add;		/* else remove */
	const char *name;
	uint32_t uid;		/* add: --owner, default 0 */
	uint32_t gid;		/* add: --group, default 0 */
	uint32_t mode;		/* add: --mode, default 0600 */
	bool force;		/* remove: --force */
	bool json;		/* -j, --json after "domain" */
	size_t n_limits;
	const char *limit_keys[CTL_DOMAIN_MAX_LIMITS];	/* as given, checked by bindoxd */
	uint64_t limit_values[CTL_DOMAIN_MAX_LIMITS];
} CtlDomainArgs;

#define CTL_DOMAIN_DEFAULT_MODE 0600U

/*
 * Reads @args ("add" or "remove", then its options and NAME; NULL-
 * terminated). The keys point into @args. Returns 0, 1 for --help, or
 * -EINVAL after printing why to stderr.
 */
int ctl_domain_args_parse(char **args, CtlDomainArgs *out);

/*
 * A user or group: a decimal id, or a name of this host. Returns 0 or
 * -EINVAL (-1 is no one's id).
 */
int ctl_domain_parse_user(const char *s, uint32_t *uid);
int ctl_domain_parse_group(const char *s, uint32_t *gid);

/* A decimal number with an optional K, M, G or T (x 1024); -EINVAL, -ERANGE. */
int ctl_domain_parse_size(const char *s, uint64_t *out);

#endif /* BINDOXD_CTL_DOMAIN_ARGS_H */
