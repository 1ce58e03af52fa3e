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

/* One NSS lookup: 0 and *id, ENOENT for no such name, or an errno. */
typedef int (*ResolveLookup)(const char *name, char *buf, size_t size, uint32_t *id);

static int lookup_user(const char *name, char *buf, size_t size, uint32_t *id)
{
	struct passwd pw, *found = NULL;
	int r = getpwnam_r(name, &pw, buf, size, &found);

	if (r == 0 && found)
		*id = (uint32_t)pw.pw_uid;
	return r ? r : found ? 0 : ENOENT;
}

static int lookup_group(const char *name, char *buf, size_t size, uint32_t *id)
{
	struct group gr, *found = NULL;
	int r = getgrnam_r(name, &gr, buf, size, &found);

	if (r == 0 && found)
		*id = (uint32_t)gr.gr_gid;
	return r ? r : found ? 0 : ENOENT;
}

/* Runs @lookup with a buffer that grows while it is too small. */
static bool resolve(ResolveLookup lookup, int size_hint, const char *name, uint32_t *id)
{
	long hint = sysconf(size_hint);
	size_t size;

	for (size = hint > 0 ? (size_t)hint : 16384; size <= RESOLVE_MAX_BUFFER; size *= 2) {
		g_autofree char *buf = g_malloc(size);
		int r = lookup(name, buf, size, id);

		if (r != ERANGE)
			return r == 0;
	}
	return false;
}

static bool resolve_user(const char *name, uint32_t *id, void *data)
{
	return resolve(lookup_user, _SC_GETPW_R_SIZE_MAX, name, id);
}

static bool resolve_group(const char *name, uint32_t *id, void *data)
{
	return resolve(lookup_group, _SC_GETGR_R_SIZE_MAX, name, id);
}

const PolicyResolver *policy_system_resolver(void)
{
	static const PolicyResolver resolver = {
		.user = resolve_user,
		.group = resolve_group,
	};

	return &resolver;
}
