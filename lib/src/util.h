/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Private helpers of libbindox: cleanup attributes behind small macros, and
 * arithmetic helpers. Nothing here is exported.
 *
 * `_cleanup_(fn)` runs fn(&var) when var goes out of scope; gcc and clang
 * (bionic builds with clang) both support it. Each `*p` cleanup function
 * accepts pointers to NULL. Use `util_steal_ptr(&var)` to hand ownership out.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(fn) __attribute__((__cleanup__(fn)))
#define _cleanup_free_ _cleanup_(util_freep)
#define _cleanup_close_ _cleanup_(util_closep)

#define UTIL_ALIGN8(x) (((x) + 7U) & ~(size_t)7U)
#define UTIL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define UTIL_MAX(a, b) ((a) > (b) ? (a) : (b))
#define UTIL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void util_freep(void *p)
{
	free(*(void **)p);
}

static inline void util_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void *util_steal_ptr_impl(void **p)
{
	void *v = *p;

	*p = NULL;
	return v;
}

#define util_steal_ptr(pp) util_steal_ptr_impl((void **)(pp))

static inline int util_steal_fd(int *fd)
{
	int v = *fd;

	*fd = -1;
	return v;
}

/*
 * Declare a cleanup function `name##p` that calls `fn` on a pointer, for
 * types whose destructor returns NULL (bindox_msg_free, ...).
 */
#define UTIL_DEFINE_CLEANUP(type, fn)				\
	static inline void fn##p(type **p)			\
	{							\
		if (*p)						\
			(void)fn(*p);				\
	}

#define UTIL_PTR_TO_U64(p) ((uint64_t)(uintptr_t)(p))
