/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of the driver (tracefs: events/bindox/), in the manner of
 * binder's: a call or one-way message sent, received, replied to and
 * finished at its caller; a buffer moved, sealed or revoked; a refusal of
 * the policy; a busy poll. Every message carries a debug id, unique while
 * the module is loaded, so that a tool pairs bindox_send with the
 * bindox_receive, bindox_reply and bindox_call_done of the same call
 * (bench/bindox-latency.bt does).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bindox

#if !defined(_BINDOX_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BINDOX_TRACE_H

#include <linux/tracepoint.h>
#include "busy_poll.h"
#include "compat.h"
#include <uapi/linux/bindox.h>

/*
 * A call or a one-way message is queued at its receiver; recorded under the
 * receiver's lock, so always before the receiver's bindox_receive of it.
 */
TRACE_EVENT(bindox_send,
	TP_PROTO(u32 debug_id, bool oneway, u32 handle, u32 data_size,
		 u32 n_objs),
	TP_ARGS(debug_id, oneway, handle, data_size, n_objs),
	TP_STRUCT__entry(
		__field(u32, debug_id)
		__field(bool, oneway)
		__field(u32, handle)
		__field(u32, data_size)
		__field(u32, n_objs)
	),
	TP_fast_assign(
		__entry->debug_id = debug_id;
		__entry->oneway = oneway;
		__entry->handle = handle;
		__entry->data_size = data_size;
		__entry->n_objs = n_objs;
	),
	TP_printk("debug_id=%u oneway=%d handle=%u data_size=%u n_objs=%u",
		  __entry->debug_id, __entry->oneway, __entry->handle,
		  __entry->data_size, __entry->n_objs)
);

/* The receiver took it: @id is what it answers a call with (0: one-way). */
TRACE_EVENT(bindox_receive,
	TP_PROTO(u32 debug_id, u64 id),
	TP_ARGS(debug_id, id),
	TP_STRUCT__entry(
		__field(u32, debug_id)
		__field(u64, id)
	),
	TP_fast_assign(
		__entry->debug_id = debug_id;
		__entry->id = id;
	),
	TP_printk("debug_id=%u id=0x%llx", __entry->debug_id, __entry->id)
);

/*
 * The server answered the call @debug_id; @error is the driver's verdict
 * on the reply (0: handed over, or dropped if the caller gave up).
 */
TRACE_EVENT(bindox_reply,
	TP_PROTO(u32 debug_id, u32 reply_debug_id, u32 data_size, int error),
	TP_ARGS(debug_id, reply_debug_id, data_size, error),
	TP_STRUCT__entry(
		__field(u32, debug_id)
		__field(u32, reply_debug_id)
		__field(u32, data_size)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->debug_id = debug_id;
		__entry->reply_debug_id = reply_debug_id;
		__entry->data_size = data_size;
		__entry->error = error;
	),
	TP_printk("debug_id=%u reply_debug_id=%u data_size=%u error=%d",
		  __entry->debug_id, __entry->reply_debug_id,
		  __entry->data_size, __entry->error)
);

/* The caller's BINDOX_IOC_CALL returns, with the reply or @error. */
TRACE_EVENT(bindox_call_done,
	TP_PROTO(u32 debug_id, int error),
	TP_ARGS(debug_id, error),
	TP_STRUCT__entry(
		__field(u32, debug_id)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->debug_id = debug_id;
		__entry->error = error;
	),
	TP_printk("debug_id=%u error=%d", __entry->debug_id, __entry->error)
);

/*
 * Buffers, named by their memory's inode number (as /proc/PID/maps shows
 * it), never by a kernel address.
 */
DECLARE_EVENT_CLASS(bindox_buffer_class,
	TP_PROTO(unsigned long ino, u64 size, int error),
	TP_ARGS(ino, size, error),
	TP_STRUCT__entry(
		__field(unsigned long, ino)
		__field(u64, size)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->ino = ino;
		__entry->size = size;
		__entry->error = error;
	),
	TP_printk("ino=%lu size=%llu error=%d", __entry->ino, __entry->size,
		  __entry->error)
);

/* The sender's hold let go: the buffer belongs to the message now. */
DEFINE_EVENT(bindox_buffer_class, bindox_buffer_move,
	TP_PROTO(unsigned long ino, u64 size, int error),
	TP_ARGS(ino, size, error));
/* Nobody may write any more (a shared buffer); -EBUSY: a page is pinned. */
DEFINE_EVENT(bindox_buffer_class, bindox_buffer_seal,
	TP_PROTO(unsigned long ino, u64 size, int error),
	TP_ARGS(ino, size, error));
/* Every mapping zapped, so that rights taken away stick. */
DEFINE_EVENT(bindox_buffer_class, bindox_buffer_revoke,
	TP_PROTO(unsigned long ino, u64 size, int error),
	TP_ARGS(ino, size, error));

/* The policy refused @action (BINDOX_POLICY_ACT_*) to @domain's @uid. */
TRACE_EVENT(bindox_policy_denied,
	TP_PROTO(const char *domain, u32 uid, u32 gid, u32 action,
		 const char *service, u32 service_len, const char *peer),
	TP_ARGS(domain, uid, gid, action, service, service_len, peer),
	TP_STRUCT__entry(
		__string(domain, domain)
		__field(u32, uid)
		__field(u32, gid)
		__field(u32, action)
		__dynamic_array(char, service, service_len + 1)
		__string(peer, peer)
	),
	TP_fast_assign(
		bindox_assign_str(domain, domain);
		__entry->uid = uid;
		__entry->gid = gid;
		__entry->action = action;
		memcpy(__get_dynamic_array(service), service, service_len);
		((char *)__get_dynamic_array(service))[service_len] = '\0';
		bindox_assign_str(peer, peer);
	),
	TP_printk("domain=%s uid=%u gid=%u action=%s service=%s peer=%s",
		  __get_str(domain), __entry->uid, __entry->gid,
		  __print_flags(__entry->action, "|",
				{ BINDOX_POLICY_ACT_REGISTER, "register" },
				{ BINDOX_POLICY_ACT_LOOKUP, "lookup" },
				{ BINDOX_POLICY_ACT_CALL, "call" }),
		  __get_str(service), __get_str(peer))
);

/*
 * A wait polled before it would sleep (busy_poll.h): for up to
 * @window_ns, for @polled_ns; @answered: what it waited for came, so it
 * did not sleep; @cut: another task wanted the CPU. Waits that did not
 * poll record nothing.
 */
DECLARE_EVENT_CLASS(bindox_busy_poll_class,
	TP_PROTO(const struct bindox_busy_poll_wait *w, bool answered),
	TP_ARGS(w, answered),
	TP_STRUCT__entry(
		__field(u32, window_ns)
		__field(u32, polled_ns)
		__field(bool, answered)
		__field(bool, cut)
	),
	TP_fast_assign(
		__entry->window_ns = w->end - w->start;
		__entry->polled_ns = min_t(u64, w->stop - w->start, U32_MAX);
		__entry->answered = answered;
		__entry->cut = w->cut;
	),
	TP_printk("window_ns=%u polled_ns=%u answered=%d cut=%d",
		  __entry->window_ns, __entry->polled_ns, __entry->answered,
		  __entry->cut)
);

/* A caller polled for its reply. */
DEFINE_EVENT_CONDITION(bindox_busy_poll_class, bindox_call_poll,
	TP_PROTO(const struct bindox_busy_poll_wait *w, bool answered),
	TP_ARGS(w, answered),
	TP_CONDITION(w->end));
/* A receiver polled for a message. */
DEFINE_EVENT_CONDITION(bindox_busy_poll_class, bindox_receive_poll,
	TP_PROTO(const struct bindox_busy_poll_wait *w, bool answered),
	TP_ARGS(w, answered),
	TP_CONDITION(w->end));

#endif /* _BINDOX_TRACE_H */

/* Out of the kernel's tree: the header is found beside the sources. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE bindox_trace
#include <trace/define_trace.h>
