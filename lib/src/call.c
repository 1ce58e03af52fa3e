/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sending: calls (send + wait for the reply, one ioctl) and one-way messages.
 */

#include <errno.h>
#include <linux/bindox.h>
#include <bindox/transact.h>
#include "conn-private.h"
#include "msg-private.h"

int bindox_call(BindoxConn *c, uint32_t handle, const BindoxMsg *req, BindoxMsg *reply,
		int64_t timeout_ns)
{
	struct bindox_call_args args = { 0 };
	int r;

	if (!c || !req || !reply || req == reply)
		return -EINVAL;

	/* Nothing reserved: offer the largest reply the UAPI allows. */
	if (reply->cap_data == 0 && reply->cap_offsets == 0) {
		r = bindox_msg_reserve(reply, BINDOX_MAX_DATA_SIZE, BINDOX_MAX_OBJECTS);
		if (r < 0)
			return r;
	}
	bindox_msg_reset(reply);

	args.tx.handle = handle;
	args.tx.flags = 0;
	bindox_msg_payload_for_send(req, &args.tx.payload);
	bindox_msg_payload_for_recv(reply, &args.reply);
	args.timeout_ns = timeout_ns;

	r = bindox_conn_ioctl(c->fd, BINDOX_IOC_CALL, &args);
	if (r < 0)
		return r;

	r = bindox_msg_payload_finish(reply, &args.reply);
	if (r == 0)
		reply->conn = c;
	return r;
}

static int send_oneway(BindoxConn *c, uint32_t handle, const BindoxMsg *msg, uint32_t flags)
{
	struct bindox_transaction tx = { 0 };

	if (!c || !msg)
		return -EINVAL;

	tx.handle = handle;
	tx.flags = flags;
	bindox_msg_payload_for_send(msg, &tx.payload);

	return bindox_conn_ioctl(c->fd, BINDOX_IOC_SEND, &tx);
}

int bindox_send_oneway(BindoxConn *c, uint32_t handle, const BindoxMsg *msg)
{
	return send_oneway(c, handle, msg, BINDOX_TF_ONEWAY);
}

int bindox_send_oneway_wait(BindoxConn *c, uint32_t handle, const BindoxMsg *msg)
{
	return send_oneway(c, handle, msg, BINDOX_TF_ONEWAY | BINDOX_TF_WAIT_ROOM);
}
