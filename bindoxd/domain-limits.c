/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The limits of a domain by name; see domain-limits.h.
 */

#include <string.h>
#include "domain-limits.h"

#define LIMIT(key, field, wide, bytes, bound) \
	{ key, offsetof(struct bindox_domain_limits, field), wide, bytes, \
	  BINDOX_DOMAIN_##bound##_MIN, BINDOX_DOMAIN_##bound##_MAX }

const DomainLimitSpec domain_limit_specs[DOMAIN_LIMIT_COUNT] = {
	LIMIT("connections", max_connections, false, false, CONNECTIONS),
	LIMIT("handles", max_handles, false, false, HANDLES),
	LIMIT("nodes", max_nodes, false, false, NODES),
	LIMIT("calls", max_calls, false, false, CALLS),
	LIMIT("oneway", max_oneway, false, false, ONEWAY),
	LIMIT("oneway-bytes", max_oneway_bytes, false, true, ONEWAY_BYTES),
	LIMIT("buffer-bytes", max_buffer_bytes, true, true, BUFFER_BYTES),
};

const DomainLimitSpec *domain_limit_find(const char *key)
{
	size_t i;

	for (i = 0; i < DOMAIN_LIMIT_COUNT; i++)
		if (strcmp(domain_limit_specs[i].key, key) == 0)
			return &domain_limit_specs[i];
	return NULL;
}

bool domain_limit_in_range(const DomainLimitSpec *spec, uint64_t value)
{
	return value >= spec->min && value <= spec->max;
}

void domain_limit_store(struct bindox_domain_limits *limits, const DomainLimitSpec *spec,
			uint64_t value)
{
	char *field = (char *)limits + spec->offset;

	if (spec->wide) {
		uint64_t v = value;

		memcpy(field, &v, sizeof(v));
	} else {
		uint32_t v = (uint32_t)value;

		memcpy(field, &v, sizeof(v));
	}
}
