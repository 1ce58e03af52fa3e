/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_DOMAIN_LIMITS_H
#define BINDOXD_DOMAIN_LIMITS_H

/*
 * The limits of a domain by name, as the domain files' <limits>
 * attributes and AddDomain's limits argument spell them
 * ("connections", ..., "buffer-bytes"), with the bounds the driver
 * accepts: BINDOX_DOMAIN_*_MIN and _MAX of <linux/bindox.h>, the one place
 * they are written. 0 is not a limit: a limit left out is the driver's
 * default.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bindox.h>

typedef struct DomainLimitSpec {
	const char *key;
	size_t offset;		/* in struct bindox_domain_limits */
	bool wide;		/* __u64 rather than __u32 */
	bool bytes;		/* a size: the files take K, M, G and T */
	uint64_t min;
	uint64_t max;
} DomainLimitSpec;

#define DOMAIN_LIMIT_COUNT 7

/* The limits, in the order of struct bindox_domain_limits. */
extern const DomainLimitSpec domain_limit_specs[DOMAIN_LIMIT_COUNT];

/* The limit called @key, or NULL. */
const DomainLimitSpec *domain_limit_find(const char *key);

bool domain_limit_in_range(const DomainLimitSpec *spec, uint64_t value);

/* Stores @value (in range: check first) in @limits. */
void domain_limit_store(struct bindox_domain_limits *limits, const DomainLimitSpec *spec,
			uint64_t value);

#endif /* BINDOXD_DOMAIN_LIMITS_H */
