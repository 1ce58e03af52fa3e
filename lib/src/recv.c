/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Receiving: plain receive, and reply + receive in one ioctl. When a queued
 * message does not fit, the driver answers EMSGSIZE, writes the sizes it
 * needs and keeps the message queued; we grow the buffers and try again
 * within what is left of the timeout. A driver from 1.2 on writes that
 * back too; for an older one we read the clock, which a receive that fits
 * never does (in a VM without a fast clocksource the two reads per receive
 * cost a one-way receiver a fifth of its rate).
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/bindox.h>
#include <bindox/transact.h>
#include "conn-private.h"
#include "msg-private.h"
#include "time-util.h"

/* Whether the driver writes back the time left on EMSGSIZE (1.2 on). */
static bool recv_driver_gives_time_left(const BindoxConn *c)
{
	return c->version_minor >= 2;
}

/* The deadline of a receive that may be retried, where the driver keeps none. */
static int64_t recv_deadline(const BindoxConn *c, int64_t timeout_ns)
{
	return recv_driver_gives_time_left(c) ? 0 : time_util_deadline(timeout_ns);
}

/*
 * The timeout for the retry after EMSGSIZE: what the driver gave back in
 * @written, or what is left until @deadline; -ETIMEDOUT once it passed.
 */
static int recv_retry_timeout(const BindoxConn *c, int64_t timeout_ns, int64_t deadline,
			      int64_t written, int64_t *left)
{
	if (recv_driver_gives_time_left(c)) {
		*left = written;
		return 0;
	}
	return time_util_left(timeout_ns, deadline, left);
}

int bindox_recv(BindoxConn *c, BindoxMsg *msg, int64_t timeout_ns)
{
	struct bindox_recv_args args;
	int64_t deadline, left;
	int r;

	if (!c || !msg)
		return -EINVAL;

	bindox_msg_reset(msg);
	deadline = recv_deadline(c, timeout_ns);
	left = timeout_ns;

	for (;;) {
		memset(&args, 0, sizeof(args));
		bindox_msg_payload_for_recv(msg, &args.msg);
		args.timeout_ns = left;

		r = bindox_conn_ioctl(c->fd, BINDOX_IOC_RECV, &args);
		if (r == -EMSGSIZE) {
			r = bindox_msg_payload_grow(msg, &args.msg.payload);
			if (r < 0)
				return r;
			r = recv_retry_timeout(c, timeout_ns, deadline, args.timeout_ns, &left);
			if (r < 0)
				return r;
			continue;
		}
		if (r < 0)
			return r;

		r = bindox_msg_payload_finish(msg, &args.msg);
		if (r == 0)
			msg->conn = c;
		return r;
	}
}

int bindox_reply_recv(BindoxConn *c, uint64_t *reply_id, const BindoxMsg *reply,
		      BindoxMsg *next, int64_t timeout_ns)
{
	struct bindox_reply_recv_args args;
	int64_t deadline, left;
	uint64_t id;
	int r;

	if (!c || !next || reply == next)
		return -EINVAL;

	id = reply_id ? *reply_id : 0;
	bindox_msg_reset(next);
	deadline = recv_deadline(c, timeout_ns);
	left = timeout_ns;

	for (;;) {
		memset(&args, 0, sizeof(args));
		args.reply_id = id;
		if (id != 0)
			bindox_msg_payload_for_send(reply, &args.reply);
		bindox_msg_payload_for_recv(next, &args.msg);
		args.timeout_ns = left;

		r = bindox_conn_ioctl(c->fd, BINDOX_IOC_REPLY_RECV, &args);
		/* Success implies the reply was consumed, whatever was written back. */
		id = (r == 0) ? 0 : args.reply_id;
		if (reply_id)
			*reply_id = id;

		if (r == -EMSGSIZE && id == 0) {
			/* The reply is out; the next message did not fit. */
			r = bindox_msg_payload_grow(next, &args.msg.payload);
			if (r < 0)
				return r;
			r = recv_retry_timeout(c, timeout_ns, deadline, args.timeout_ns, &left);
			if (r < 0)
				return r;
			continue;
		}
		if (r < 0)
			return r;

		r = bindox_msg_payload_finish(next, &args.msg);
		if (r == 0)
			next->conn = c;
		return r;
	}
}

int bindox_reply(BindoxConn *c, uint64_t reply_id, const BindoxMsg *reply, BindoxMsg *next)
{
	uint64_t id = reply_id;
	int r;

	if (!c || !next || reply_id == 0)
		return -EINVAL;

	r = bindox_reply_recv(c, &id, reply, next, 0);
	if (r == 0)
		return 1;
	if (id != 0)
		return r;
	/* The reply is out; the receive half found nothing (or left it queued). */
	bindox_msg_reset(next);
	return 0;
}
