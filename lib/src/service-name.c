/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Service name validation: 1..BINDOX_NAME_MAX bytes of [A-Za-z0-9._-].
 */

#include <errno.h>
#include <stdbool.h>
#include <linux/bindox.h>
#include <bindox/coord.h>

static bool service_name_char_is_valid(char ch)
{
	/* Explicit ranges: independent of the locale, unlike isalnum(). */
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

int bindox_service_name_validate(const char *name, size_t len)
{
	size_t i;

	if (!name || len == 0 || len > BINDOX_NAME_MAX)
		return -EINVAL;

	for (i = 0; i < len; i++)
		if (!service_name_char_is_valid(name[i]))
			return -EINVAL;

	return 0;
}
