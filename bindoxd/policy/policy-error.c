/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Policy errors: the error domain, and messages that start with their place.
 */

#include "policy-private.h"

G_DEFINE_QUARK(bindox-policy-error-quark, policy_error)

void policy_error_setv(GError **error, PolicyErrorLocation *where,
		       PolicyErrorCode code, const char *file, unsigned int line,
		       unsigned int column, const char *format, va_list ap)
{
	g_autofree char *message = g_strdup_vprintf(format, ap);

	if (where) {
		policy_error_location_clear(where);
		where->file = g_strdup(file);
		where->line = line;
		where->column = column;
	}
	if (line == 0)
		g_set_error(error, POLICY_ERROR, code, "%s: %s", file, message);
	else
		g_set_error(error, POLICY_ERROR, code, "%s:%u:%u: %s", file, line, column,
			    message);
}

void policy_error_set(GError **error, PolicyErrorLocation *where, PolicyErrorCode code,
		      const char *file, unsigned int line, unsigned int column,
		      const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	policy_error_setv(error, where, code, file, line, column, format, ap);
	va_end(ap);
}

void policy_error_location_clear(PolicyErrorLocation *where)
{
	if (!where)
		return;
	g_clear_pointer(&where->file, g_free);
	where->line = 0;
	where->column = 0;
}
