/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system resolver: user and group names through NSS on the host, the
 * way bindoxd sees them (its /etc/passwd and /etc/group, not a container's).
 */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include "policy-private.h"

/* getpwnam_r/getgrnam_r buffers grow up to this on ERANGE. */
#define RESOLVE_MAX_BUFFER (1024U * 1024U)

static size_t resolve_buffer_size(int sysconf_name)
{
	long n = sysconf(sysconf_name);

	return n > 0 ? (size_t)n : 16384;
}

static bool resolve_user(const char *name, uint32_t *id, void *data)
{
	size_t size;

	for (size = resolve_buffer_size(_SC_GETPW_R_SIZE_MAX); size <= RESOLVE_MAX_BUFFER;
	     size *= 2) {
		g_autofree char *buf = g_malloc(size);
		struct passwd pw, *found = NULL;
		int r = getpwnam_r(name, &pw, buf, size, &found);

		if (r == ERANGE)
			continue;
		if (r != 0 || !found)
			return false;
		*id = (uint32_t)pw.pw_uid;
		return true;
	}
	return false;
}

static bool resolve_group(const char *name, uint32_t *id, void *data)
{
	size_t size;

	for (size = resolve_buffer_size(_SC_GETGR_R_SIZE_MAX); size <= RESOLVE_MAX_BUFFER;
	     size *= 2) {
		g_autofree char *buf = g_malloc(size);
		struct group gr, *found = NULL;
		int r = getgrnam_r(name, &gr, buf, size, &found);

		if (r == ERANGE)
			continue;
		if (r != 0 || !found)
			return false;
		*id = (uint32_t)gr.gr_gid;
		return true;
	}
	return false;
}

const BindoxPolicyResolver *bindox_policy_system_resolver(void)
{
	static const BindoxPolicyResolver resolver = {
		.user = resolve_user,
		.group = resolve_group,
	};

	return &resolver;
}
