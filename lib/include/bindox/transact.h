/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_TRANSACT_H
#define BINDOX_TRANSACT_H

/**
 * DOC: calls, one-way messages and receiving
 *
 * A call is one ioctl (BINDOX_IOC_CALL): the request is sent to a handle
 * and the thread waits for the reply. A server receives with bindox_recv()
 * or, on the hot path, answers the previous call and waits for the next
 * message in one ioctl with bindox_reply_recv().
 *
 * Timeouts are in nanoseconds: negative waits forever, 0 does not block
 * (-EAGAIN when nothing is there), positive fails with -ETIMEDOUT.
 *
 * Signals: nothing is restarted. A call that returns -EINTR may or may not
 * have been delivered to the server, and its reply, if any, is dropped by
 * the driver; the caller decides whether repeating it is safe. A receive
 * that returns -EINTR consumed nothing; one that waits forever returns it
 * only for a signal whose handler runs (the driver restarts it after a
 * stop and continue).
 *
 * Failures of a call: -BINDOX_EDEADPEER (EOWNERDEAD) when the process owning
 * the target node died before or while handling it; -ETIMEDOUT; -EINTR;
 * otherwise the driver's errno (e.g. -EINVAL for an unknown handle or a
 * malformed Coordinator request, -ENXIO for handle 0 while there is no
 * Coordinator, -EACCES or -EPERM when policy refuses it).
 */

#include <stdint.h>
#include <bindox/conn.h>
#include <bindox/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * bindox_call() - send a request and wait for its reply
 * @c:		connection
 * @handle:	target (BINDOX_HANDLE_COORDINATOR for the Coordinator)
 * @req:	the request
 * @reply:	receives the reply; must not be @req
 * @timeout_ns:	how long to wait for the reply
 *
 * The reply may be as large as @reply's current capacity. If @reply has no
 * capacity at all (new, never reserved), the library allocates
 * BINDOX_MAX_DATA_SIZE bytes and BINDOX_MAX_OBJECTS offsets for it (lazily,
 * once; pages never touched cost no memory). Reserve less with
 * bindox_msg_reserve() when the protocol's replies are known to be small.
 *
 * A reply larger than the capacity is refused on the server's side (its
 * reply fails with -EMSGSIZE); a &BindoxServer then answers with an empty
 * reply instead. The call cannot be retried by the library because it may
 * have had effects.
 *
 * Handles inside the reply belong to the caller from now on.
 *
 * A signal whose handler runs ends the wait with -EINTR (the call is
 * abandoned, never sent again). One that runs no handler (an ignored
 * signal, a stop and continue, a frozen or paused container) does not: the
 * driver parks the call and the restarted ioctl waits on for its reply.
 *
 * Return: 0 with the reply in @reply (type BINDOX_MSG_REPLY, cursor at the
 * start); -EINVAL for NULL arguments or @req == @reply; -ENOMEM; otherwise
 * the negative errno of the ioctl (see DOC above).
 */
int bindox_call(BindoxConn *c, uint32_t handle, const BindoxMsg *req, BindoxMsg *reply,
		int64_t timeout_ns);

/**
 * bindox_send_oneway() - send a one-way message
 * @c:		connection
 * @handle:	target
 * @msg:	the message
 *
 * BINDOX_IOC_SEND with BINDOX_TF_ONEWAY: returns once the message is queued;
 * there is no reply. A target queue without room for it (the driver's
 * limits per receiver, per sender uid and per sender domain) refuses it at
 * once: bindox_send_oneway_wait() waits for room instead.
 *
 * Return: 0, -EINVAL for NULL arguments, -EAGAIN when the target's queue
 * has no room (nothing was queued), -EMSGSIZE when the message has more
 * bytes than the sender's domain may have queued at one receiver in all
 * (its max_oneway_bytes: it could never fit), or the driver's negative
 * errno.
 */
int bindox_send_oneway(BindoxConn *c, uint32_t handle, const BindoxMsg *msg);

/**
 * bindox_send_oneway_wait() - send a one-way message, waiting for room
 * @c:		connection
 * @handle:	target
 * @msg:	the message
 *
 * As bindox_send_oneway(), with BINDOX_TF_WAIT_ROOM: where the target's
 * queue has no room for the message (bindox_send_oneway() returns -EAGAIN),
 * waits until a receiver takes a message and this one fits, as a blocking
 * write to a full socket does. A signal whose handler was installed
 * without SA_RESTART ends the wait with -EINTR; other signals, a stop and
 * continue included, leave it waiting. Nothing is queued unless it
 * returns 0. Two processes that send to each other this way while both
 * queues are full wait for ever.
 *
 * Return: 0, -EINVAL for NULL arguments (or from a driver older than
 * version 1.1, which does not know the flag), BINDOX_EDEADPEER (negated)
 * when the target dies while it waits, -EMSGSIZE at once for a message
 * that could never fit (see bindox_send_oneway()), or the driver's
 * negative errno.
 */
int bindox_send_oneway_wait(BindoxConn *c, uint32_t handle, const BindoxMsg *msg);

/**
 * bindox_recv() - wait for the next message
 * @c:		connection
 * @msg:	receives the message (its content is replaced)
 * @timeout_ns:	how long to wait
 *
 * If the queued message does not fit @msg's capacity, the driver keeps it
 * queued and reports its size; the library grows @msg and receives again
 * (within what remains of @timeout_ns).
 *
 * Return: 0 with the message in @msg; check bindox_msg_get_type(): a
 * BINDOX_MSG_CALL must be answered with its id (bindox_msg_get_id()).
 * -EAGAIN (timeout 0) or -ETIMEDOUT when nothing came; -EINTR on a signal
 * (waiting forever: only one whose handler runs); -EINVAL; -ENOMEM; or the
 * driver's errno.
 */
int bindox_recv(BindoxConn *c, BindoxMsg *msg, int64_t timeout_ns);

/**
 * bindox_reply_recv() - answer a call and wait for the next message
 * @c:		connection
 * @reply_id:	in: id of the call to answer, NULL or 0 to only receive;
 *		out: set to 0 once the reply went out
 * @reply:	the reply; NULL sends an empty reply
 * @next:	receives the next message, as bindox_recv()
 * @timeout_ns:	how long to wait for the next message
 *
 * One ioctl, BINDOX_IOC_REPLY_RECV. A failure can come from either half; the
 * driver zeroes the reply id once the reply has been consumed, and this
 * function passes that on through @reply_id:
 *
 * - *@reply_id == 0 after a failure: the reply went out (or was dropped
 *   because the caller had given up or died, which is not an error), and the
 *   receive failed (e.g. -ETIMEDOUT, -EAGAIN, -EINTR).
 * - *@reply_id != 0 after a failure: the reply did not go out. -EMSGSIZE
 *   means it is larger than the caller's capacity; send a smaller one (the
 *   caller is still waiting). Other errors come from validating the reply
 *   (e.g. -EINVAL for a bad object) or are -EINTR.
 *
 * Return: 0 if the reply (if any) went out and a message was received into
 * @next; otherwise a negative errno as described.
 */
int bindox_reply_recv(BindoxConn *c, uint64_t *reply_id, const BindoxMsg *reply,
		      BindoxMsg *next, int64_t timeout_ns);

/**
 * bindox_reply() - answer a call without waiting
 * @c:		connection
 * @reply_id:	id of the call to answer, not 0
 * @reply:	the reply; NULL sends an empty reply
 * @next:	receives a message that happened to be queued (required)
 *
 * BINDOX_IOC_REPLY_RECV with a timeout of 0. The UAPI has no reply-only
 * operation: if a message is already queued, the receive half takes it, and
 * it must not be lost, so it is handed back in @next. -EAGAIN from the
 * receive half (nothing queued) counts as success.
 *
 * Return: 0 if the reply went out and nothing was received; 1 if the reply
 * went out and a message was received into @next (handle it like one from
 * bindox_recv()); a negative errno if the reply did not go out (-EMSGSIZE:
 * larger than the caller's capacity, send a smaller one).
 */
int bindox_reply(BindoxConn *c, uint64_t reply_id, const BindoxMsg *reply, BindoxMsg *next);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_TRANSACT_H */
