/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_ERROR_H
#define BINDOX_ERROR_H

/*
 * <linux/bindox.h> defines BINDOX_EDEADPEER as EOWNERDEAD without including
 * <errno.h>; include it here so that the constant is usable.
 */
#include <errno.h>
#include <linux/bindox.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * bindox_strerror() - describe an error code
 * @err:	a negative errno as returned by libbindox (a positive errno
 *		number is accepted as well)
 *
 * Thread-safe (unlike strerror(3)): the strings are constant. -BINDOX_EDEADPEER
 * reads "peer died", because that is what it means on every bindox path.
 *
 * Return: a static string, "success" for 0, "unknown error" for codes it
 * does not know. Never NULL.
 */
const char *bindox_strerror(int err);

/**
 * bindox_errno_name() - symbolic name of an error code
 * @err:	a negative (or positive) errno
 *
 * Return: a static string such as "EINVAL" ("BINDOX_EDEADPEER" for
 * EOWNERDEAD), or NULL for codes it does not know.
 */
const char *bindox_errno_name(int err);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_ERROR_H */
