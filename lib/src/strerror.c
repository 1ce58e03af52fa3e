/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Thread-safe names and descriptions of the errno values libbindox returns.
 */

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <linux/bindox.h>
#include <bindox/error.h>

typedef struct ErrnoEntry {
	int code;
	const char *name;
	const char *text;
} ErrnoEntry;

/* Aliases (EWOULDBLOCK, EDEADLOCK, ENOTSUP) share values and are left out. */
static const ErrnoEntry errno_table[] = {
	{ BINDOX_EDEADPEER, "BINDOX_EDEADPEER", "peer died" },
	{ EPERM, "EPERM", "operation not permitted" },
	{ ENOENT, "ENOENT", "no such name or file" },
	{ ESRCH, "ESRCH", "no such process" },
	{ EINTR, "EINTR", "interrupted by a signal" },
	{ EIO, "EIO", "input/output error" },
	{ ENXIO, "ENXIO", "no such device or address" },
	{ E2BIG, "E2BIG", "argument list too long" },
	{ EBADF, "EBADF", "bad file descriptor" },
	{ EAGAIN, "EAGAIN", "nothing available, try again" },
	{ ENOMEM, "ENOMEM", "out of memory" },
	{ EACCES, "EACCES", "permission denied" },
	{ EFAULT, "EFAULT", "bad address" },
	{ EBUSY, "EBUSY", "device or resource busy" },
	{ EEXIST, "EEXIST", "already exists" },
	{ ENODEV, "ENODEV", "no such device" },
	{ EISDIR, "EISDIR", "is a directory" },
	{ EINVAL, "EINVAL", "invalid argument" },
	{ ENFILE, "ENFILE", "too many open files in system" },
	{ EMFILE, "EMFILE", "too many open files" },
	{ ENOTTY, "ENOTTY", "not a bindox device (inappropriate ioctl)" },
	{ ENOSPC, "ENOSPC", "no space left" },
	{ EPIPE, "EPIPE", "broken pipe" },
	{ ERANGE, "ERANGE", "result out of range" },
	{ EDEADLK, "EDEADLK", "operation would deadlock" },
	{ ELOOP, "ELOOP", "refers to the caller's own node" },
	{ ENAMETOOLONG, "ENAMETOOLONG", "name too long" },
	{ ENOSYS, "ENOSYS", "function not implemented" },
	{ ENODATA, "ENODATA", "no data available" },
	{ EPROTO, "EPROTO", "protocol error (driver version mismatch)" },
	{ EBADMSG, "EBADMSG", "malformed message" },
	{ EOVERFLOW, "EOVERFLOW", "value too large" },
	{ EMSGSIZE, "EMSGSIZE", "message too large" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "operation not supported" },
	{ ENOBUFS, "ENOBUFS", "no buffer space available" },
	{ ENOTCONN, "ENOTCONN", "not connected" },
	{ ECONNRESET, "ECONNRESET", "connection reset" },
	{ ECONNREFUSED, "ECONNREFUSED", "connection refused" },
	{ ETIMEDOUT, "ETIMEDOUT", "timed out" },
	{ EALREADY, "EALREADY", "already in progress" },
	{ EINPROGRESS, "EINPROGRESS", "operation in progress" },
	{ EDQUOT, "EDQUOT", "quota exceeded" },
	{ ECANCELED, "ECANCELED", "operation canceled" },
	{ ENOTRECOVERABLE, "ENOTRECOVERABLE", "state not recoverable" },
};

static const ErrnoEntry *errno_find(int err)
{
	size_t i;

	if (err == INT_MIN)	/* -INT_MIN does not fit in an int */
		return NULL;
	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (errno_table[i].code == err)
			return &errno_table[i];
	return NULL;
}

const char *bindox_strerror(int err)
{
	const ErrnoEntry *e;

	if (err == 0)
		return "success";
	e = errno_find(err);
	return e ? e->text : "unknown error";
}

const char *bindox_errno_name(int err)
{
	const ErrnoEntry *e = errno_find(err);

	return e ? e->name : NULL;
}
