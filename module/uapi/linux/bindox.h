/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Bindox: secure IPC between containers on one host.
 *
 * This header is the single source of truth for the interface between the
 * bindox kernel module and userspace (libbindox, bindoxd). Every structure
 * uses fixed-width types and explicit padding and has the same layout for
 * 32-bit and 64-bit processes: pointers travel as __u64. All reserved and
 * padding fields must be zero on input; the driver refuses anything else with
 * EINVAL so that they can gain a meaning later.
 */
#ifndef _UAPI_LINUX_BINDOX_H
#define _UAPI_LINUX_BINDOX_H

#include <linux/errno.h>
#include <linux/types.h>
#include <linux/ioctl.h>

#define BINDOX_VERSION_MAJOR	1
/* 1: BINDOX_TF_WAIT_ROOM; 2: EMSGSIZE writes back the time left */
#define BINDOX_VERSION_MINOR	2

/* Handle 0 in every process refers to the Coordinator. */
#define BINDOX_HANDLE_COORDINATOR	0U

/* Limits of one message (data and objects travel inline, copied once in). */
#define BINDOX_MAX_DATA_SIZE	(256U * 1024U)
#define BINDOX_MAX_OBJECTS	256U
#define BINDOX_OBJECT_ALIGN	8U

/*
 * The error a call fails with when the process that owns the target node
 * died (before or while handling it). No other bindox path returns it.
 */
#define BINDOX_EDEADPEER	EOWNERDEAD

/* Kinds of objects embedded in a message's data at the offsets listed. */
enum bindox_object_type {
	/*
	 * A node owned by the sender, named by a cookie of the sender's
	 * choosing. The first time a process sends a cookie the driver creates
	 * the node. The owner receives its own nodes back as BINDOX_OBJ_NODE.
	 */
	BINDOX_OBJ_NODE = 1,
	/* A handle in the sender's table; the receiver gets its own handle. */
	BINDOX_OBJ_HANDLE = 2,
	/*
	 * A Mapping Delivery buffer in the sender's buffer table, sent with
	 * BINDOX_BUF_MOVE or BINDOX_BUF_SHARE in @flags. The receiver gets an
	 * id in its own buffer table (see "Buffers" below).
	 */
	BINDOX_OBJ_BUFFER = 3,
};

/**
 * struct bindox_object - an object embedded in message data
 * @type:	enum bindox_object_type
 * @flags:	BINDOX_OBJ_BUFFER: BINDOX_BUF_* (see below); otherwise 0
 * @value:	BINDOX_OBJ_NODE: the owner's cookie; BINDOX_OBJ_HANDLE: the
 *		handle; BINDOX_OBJ_BUFFER: the buffer's id
 * @reserved:	must be 0 when sending
 * @size:	the same field: a delivered BINDOX_OBJ_BUFFER carries the
 *		buffer's size in bytes here (0 for every other object)
 *
 * Objects sit at 8-byte aligned offsets inside the data, in increasing order,
 * without overlapping each other.
 */
struct bindox_object {
	__u32 type;
	__u32 flags;
	__u64 value;
	union {
		__u64 reserved;
		__u64 size;
	};
};

/**
 * struct bindox_payload - where a message's data and object offsets live
 * @data_ptr:		user address of the data
 * @offsets_ptr:	user address of an array of __u64 offsets into the data
 * @data_size:		sending: bytes of data; receiving: capacity in,
 *			bytes delivered (or needed, on EMSGSIZE) out
 * @offsets_count:	sending: number of offsets; receiving: capacity in,
 *			number delivered (or needed, on EMSGSIZE) out
 */
struct bindox_payload {
	__u64 data_ptr;
	__u64 offsets_ptr;
	__u32 data_size;
	__u32 offsets_count;
};

/* Transaction flags. */
#define BINDOX_TF_ONEWAY	(1U << 0)	/* no reply, the sender does not wait */
#define BINDOX_TF_WAIT_ROOM	(1U << 1)	/* SEND: wait while the queue is full */

/**
 * struct bindox_transaction - a message to send
 * @handle:	target handle in the sender's table (0: the Coordinator)
 * @flags:	BINDOX_TF_*
 * @payload:	what to send
 */
struct bindox_transaction {
	__u32 handle;
	__u32 flags;
	struct bindox_payload payload;
};

/* Kinds of delivered messages. */
enum bindox_message_type {
	BINDOX_MSG_CALL = 1,	/* a call: answer it with its id */
	BINDOX_MSG_ONEWAY = 2,	/* a one-way message: no reply expected */
	BINDOX_MSG_DEATH = 3,	/* a node you watch died; cookie is yours */
	BINDOX_MSG_REPLY = 4,	/* the reply to your call */
};

/**
 * struct bindox_message - a delivered message, filled by the driver
 * @type:		enum bindox_message_type (out)
 * @flags:		BINDOX_TF_* of the transaction (out)
 * @id:			BINDOX_MSG_CALL: the id to reply to (out). In a
 *			BINDOX_IOC_CALL's reply: 0 for a new call (in); when
 *			a signal that runs no handler interrupts the call,
 *			the driver writes a token here and the kernel
 *			restarts the ioctl, which then goes on waiting for
 *			the same reply instead of calling again
 * @cookie:		CALL/ONEWAY: the target node's cookie; DEATH: the
 *			subscriber's cookie (out)
 * @sender_pid:		the process that opened the sender's file, in the
 *			receiver's pid namespace; 0 if it is not visible
 *			there or has exited (out)
 * @sender_euid:	opener's effective uid, in the receiver's user
 *			namespace (overflow uid if unmapped) (out)
 * @sender_egid:	likewise for the effective gid (out)
 * @sender_domain:	id of the sender's domain (out)
 * @reserved:		must be 0
 * @payload:		capacities in, delivered sizes out
 *
 * Credentials are the driver's, never the sender's word: pid, uid and gid
 * all name the process that opened the sender's file, as it was when it
 * opened it (a file passed to another process keeps speaking for its
 * opener, as its credentials do).
 */
struct bindox_message {
	__u32 type;
	__u32 flags;
	__u64 id;
	__u64 cookie;
	__s32 sender_pid;
	__u32 sender_euid;
	__u32 sender_egid;
	__u32 sender_domain;
	__u64 reserved;
	struct bindox_payload payload;
};

/*
 * Timeouts in nanoseconds: negative waits forever, positive fails with
 * ETIMEDOUT when the time is up. 0 does not block: a receive fails with
 * EAGAIN when nothing is queued; a call is sent and, unless its reply is
 * already there, abandoned at once with ETIMEDOUT (a later reply is
 * dropped).
 */

/**
 * struct bindox_call_args - BINDOX_IOC_CALL: send and wait for the reply
 * @tx:		the call (BINDOX_TF_ONEWAY is refused)
 * @reply:	where the reply goes; its capacities bound the reply size
 * @timeout_ns:	how long to wait for the reply
 *
 * A signal whose handler runs ends the wait with EINTR and abandons the call
 * (it is never sent again, also with SA_RESTART). One that runs no handler
 * leaves the call waiting: the ioctl is restarted and resumes it (see @id in
 * struct bindox_message).
 */
struct bindox_call_args {
	struct bindox_transaction tx;
	struct bindox_message reply;
	__s64 timeout_ns;
};

/**
 * struct bindox_recv_args - BINDOX_IOC_RECV: wait for the next message
 * @msg:	the delivered message
 * @timeout_ns:	how long to wait (0: not at all, < 0: for ever); on
 *		EMSGSIZE a positive one is set to what is left of it (at
 *		least 1), for the receive that retries with larger room
 *
 * A signal whose handler runs ends the wait with EINTR (also with
 * SA_RESTART); nothing was taken. Waiting forever, a signal that runs no
 * handler (stop and continue, freezing) does not end it: the ioctl is
 * restarted. With a timeout such a signal ends it with EINTR, so that the
 * time waited is not counted twice.
 */
struct bindox_recv_args {
	struct bindox_message msg;
	__s64 timeout_ns;
};

/**
 * struct bindox_reply_recv_args - BINDOX_IOC_REPLY_RECV
 * @reply_id:	id of the call to answer, 0 to only receive; set to 0 by the
 *		driver once the reply is consumed, so that a failed receive
 *		can tell whether the reply went out
 * @reserved:	must be 0
 * @reply:	the reply's payload
 * @msg:	the next message (as BINDOX_IOC_RECV)
 * @timeout_ns:	how long to wait for the next message (as in
 *		struct bindox_recv_args, EMSGSIZE included)
 *
 * A reply to a caller that gave up (signal, timeout) or died is dropped
 * without error. A reply larger than the caller's capacity fails with
 * EMSGSIZE and can be retried with a smaller one.
 */
struct bindox_reply_recv_args {
	__u64 reply_id;
	__u64 reserved;
	struct bindox_payload reply;
	struct bindox_message msg;
	__s64 timeout_ns;
};

/**
 * struct bindox_version - BINDOX_IOC_VERSION
 * @major:	BINDOX_VERSION_MAJOR of the driver (out)
 * @minor:	BINDOX_VERSION_MINOR of the driver (out)
 */
struct bindox_version {
	__u32 major;
	__u32 minor;
};

/**
 * struct bindox_handle_args - handle release
 * @handle:	the handle
 * @reserved:	must be 0
 */
struct bindox_handle_args {
	__u32 handle;
	__u32 reserved;
};

/**
 * struct bindox_death_args - death notification (un)subscription
 * @handle:	the watched handle
 * @reserved:	must be 0
 * @cookie:	returned in the BINDOX_MSG_DEATH message
 */
struct bindox_death_args {
	__u32 handle;
	__u32 reserved;
	__u64 cookie;
};

/*
 * Policy: a flat table of rules compiled by bindoxd from the XML files in
 * /etc/bindox/policy.d and /usr/share/bindox/policy.d (bindox-policy(5)),
 * loaded with BINDOX_IOC_POLICY_LOAD by the Coordinator and enforced by the
 * driver on register, lookup and call.
 *
 * A request is described by: the action (one BINDOX_POLICY_ACT_* bit); the
 * subject, the process asking (its domain's name, its effective uid and gid
 * as the initial user namespace sees them); the service name; and, for
 * lookup and call, the domain of the process that registered the service
 * (the peer domain). For a call the service is the name the target node was
 * registered under last.
 *
 * Evaluation: the rules are tried in table order and the last rule that
 * matches decides (as in D-Bus policy). When no rule matches, the built-in
 * default decides: register is allowed to uid 0 in the host domain only;
 * lookup and call are allowed when the subject and the peer are in the same
 * domain; nothing crosses domains.
 *
 * A rule matches when all of these hold:
 *  - its actions include the action;
 *  - BINDOX_POLICY_RULE_UID: the subject's euid equals @uid;
 *  - BINDOX_POLICY_RULE_GID: the subject's egid equals @gid;
 *  - @domain_len is 0, or the subject's domain name equals the string;
 *  - @service: BINDOX_POLICY_RULE_PREFIX clear: the name equals the string;
 *    set: the name starts with the string (an empty string matches all);
 *  - @peer_domain_len is 0: the peer is in the subject's domain (always
 *    true for register); else the peer's domain name equals the string, or
 *    BINDOX_POLICY_RULE_ANY_PEER is set: any peer domain.
 *
 * Strings live in one blob; each is @..._off/@..._len bytes inside it, not
 * NUL-terminated. Names are [A-Za-z0-9._-] as for services.
 */
#define BINDOX_POLICY_MAX_RULES		65536U
#define BINDOX_POLICY_MAX_STRINGS	(4U * 1024U * 1024U)

#define BINDOX_POLICY_ACT_REGISTER	(1U << 0)
#define BINDOX_POLICY_ACT_LOOKUP	(1U << 1)
#define BINDOX_POLICY_ACT_CALL		(1U << 2)
#define BINDOX_POLICY_ACT_ALL		0x7U

#define BINDOX_POLICY_RULE_ALLOW	(1U << 0)	/* clear: deny */
#define BINDOX_POLICY_RULE_UID		(1U << 1)
#define BINDOX_POLICY_RULE_GID		(1U << 2)
#define BINDOX_POLICY_RULE_PREFIX	(1U << 3)
#define BINDOX_POLICY_RULE_ANY_PEER	(1U << 4)
#define BINDOX_POLICY_RULE_ALL_FLAGS	0x1fU

/**
 * struct bindox_policy_rule - one compiled rule
 * @actions:		BINDOX_POLICY_ACT_* bits, at least one
 * @flags:		BINDOX_POLICY_RULE_*
 * @uid:		with BINDOX_POLICY_RULE_UID: the euid to match
 * @gid:		with BINDOX_POLICY_RULE_GID: the egid to match
 * @domain_off:		subject domain name in the string blob
 * @domain_len:		its length, 0: any subject domain
 * @peer_domain_off:	peer domain name in the string blob
 * @peer_domain_len:	its length, 0: the subject's own domain
 * @service_off:	service name or prefix in the string blob
 * @service_len:	its length
 * @source:		opaque to the driver: bindoxd's index into its own
 *			table of rule origins (file, line, column)
 * @reserved:		must be 0
 */
struct bindox_policy_rule {
	__u32 actions;
	__u32 flags;
	__u32 uid;
	__u32 gid;
	__u32 domain_off;
	__u32 domain_len;
	__u32 peer_domain_off;
	__u32 peer_domain_len;
	__u32 service_off;
	__u32 service_len;
	__u32 source;
	__u32 reserved;
};

/**
 * struct bindox_policy_load - BINDOX_IOC_POLICY_LOAD: replace the policy
 * @rules_ptr:		user address of @rule_count struct bindox_policy_rule
 * @strings_ptr:	user address of the string blob
 * @rule_count:		0..BINDOX_POLICY_MAX_RULES (0: the built-in default)
 * @strings_size:	0..BINDOX_POLICY_MAX_STRINGS
 * @generation:		out: the generation number of the table now in force
 *			(increases by one with every successful load)
 *
 * Coordinator only (EPERM otherwise). The whole table is validated first
 * (EINVAL, E2BIG, EFAULT) and then swapped in atomically; there is one
 * table for the whole driver, every domain included (rules name the
 * domains they apply to). A refused table leaves the old one in force. Decisions cached on
 * handles are re-checked when the generation changes, so a new table also
 * revokes access through handles already held.
 */
struct bindox_policy_load {
	__u64 rules_ptr;
	__u64 strings_ptr;
	__u32 rule_count;
	__u32 strings_size;
	__u64 generation;
};

/*
 * The device fd is pollable: POLLIN while messages are queued. Receivers
 * (RECV, REPLY_RECV) wait exclusively: one queued message wakes one thread.
 *
 * Errors common to the ioctls: EFAULT (bad user pointer), EINVAL (a
 * reserved field or unknown flag set, a malformed object array: offsets
 * unaligned, not increasing, overlapping or out of range, an unknown object
 * type, a handle that does not exist in the sender's table), E2BIG (data or
 * object count over the limits), ENOMEM, EINTR (a signal; a call is then
 * abandoned, never restarted), ENOTTY (unknown ioctl). In particular:
 *  SET_COORDINATOR: EPERM (capability or domain), EBUSY (taken), EEXIST
 *	(the caller already uses cookie 0 for a node).
 *  CALL, SEND: ENXIO (handle 0 without a Coordinator), BINDOX_EDEADPEER
 *	(the target's owner died), EAGAIN (the target's queue is full, or
 *	holds its share of messages from senders of the caller's uid: see
 *	the max_queued and max_queued_per_sender module parameters). SEND:
 *	EMSGSIZE for a message of more data bytes than its domain's
 *	max_oneway_bytes, which no receiver can make room for. A call
 *	whose handles or buffers the receiver's tables have no room for
 *	fails with the receiver's error (ENOSPC, see RECV). SEND's flags must
 *	be BINDOX_TF_ONEWAY, alone or with BINDOX_TF_WAIT_ROOM; CALL's must
 *	be 0. With BINDOX_TF_WAIT_ROOM a SEND that the target's queue has no
 *	room for waits instead of failing with EAGAIN, as a blocking write
 *	to a full socket does: until a receiver takes a message and this
 *	one fits, or the target dies (BINDOX_EDEADPEER); a signal restarts
 *	it, or ends it with EINTR when a handler runs without SA_RESTART.
 *	Nothing is queued before it returns 0. Two procs that send to each
 *	other this way while both queues are full wait for ever, as two
 *	such sockets do. The receiver's message does not carry the flag.
 *  CALL, SEND, REPLY_RECV: EDQUOT when the messages the caller's uid has
 *	sent and that are not consumed yet would exceed max_user_msg_bytes;
 *	ENOSPC when a node object would exceed the nodes of the caller's file
 *	(max_nodes) or uid (max_user_nodes). Handles count against the
 *	receiver's file (max_handles) and uid (max_user_handles).
 *  RECV, REPLY_RECV: EMSGSIZE when the first queued message does not fit
 *	the capacities given: it stays queued, the sizes it needs are
 *	written back to msg.payload and what is left of a positive timeout
 *	to timeout_ns (so a retry needs no clock). ENOSPC when its handles
 *	or buffer ids would exceed the receiver's quotas (max_handles,
 *	max_buffers): it is taken off the queue, so that it blocks no other
 *	sender; a call fails with the same error, a one-way message is
 *	dropped. EINVAL for a reply_id that names no call waiting for an
 *	answer (unknown, already answered, or stale).
 *  HANDLE_RELEASE: EINVAL for an unknown handle or handle 0.
 *  DEATH_SUBSCRIBE: one subscription per handle (EBUSY for a second);
 *	a node that is already dead is reported at once.
 *  BUFFER_ALLOC: EDQUOT over a byte quota (max_proc_buffer_bytes,
 *	max_domain_buffer_bytes), ENOSPC over the id quota (max_buffers),
 *	ENOMEM, EINTR (a fatal signal while the memory is allocated).
 *  CALL, SEND, REPLY_RECV with buffer objects: EINVAL for an unknown or
 *	moved id, EBUSY for an id being moved by another message or an open
 *	buffer with pages pinned for DMA.
 *  mmap(2) of a buffer: EINVAL (unknown id, MAP_PRIVATE, longer than the
 *	buffer), EACCES (moved or released id, or PROT_WRITE without the
 *	right to write).
 *  BUFFER_MAP: the errors of mmap(2), EINVAL for an unknown flag, an
 *	addr that is not 0 (or, with BINDOX_MAP_REUSE, no mapping to reuse
 *	there), EACCES also when the rights were taken away while
 *	the page tables were filled (a move by another thread), EINTR.
 */

/*
 * Buffers (Mapping Delivery): large payloads that are never copied. A buffer
 * is memory the driver allocates (zeroed, charged to the allocating
 * process's memory cgroup and to its per-process and per-domain quotas) and
 * that processes map with mmap(2) on their device fd: MAP_SHARED, at offset
 * id * page size, any length up to the buffer's size, always from its start.
 * The driver checks every mapping and every page fault.
 *
 * A process reaches a buffer only through an id in its own buffer table,
 * given by BINDOX_IOC_BUFFER_ALLOC or by receiving a BINDOX_OBJ_BUFFER
 * object; ids mean nothing in another process. Who may do what:
 *
 *  - A new buffer is *open*: its only holder may read and write it.
 *  - BINDOX_BUF_MOVE: ownership passes to the receiver. From the moment the
 *    message is built, the sender's mappings are revoked: any later access
 *    through them faults (SIGBUS), and its id stays reserved, marked
 *    BINDOX_BUF_MOVED, until it releases it. The receiver may write if the
 *    buffer is open (BINDOX_BUF_WRITABLE in the delivered flags). If the
 *    send fails before the message is queued (or a reply cannot be handed
 *    over), the sender keeps the buffer.
 *  - BINDOX_BUF_SHARE: the buffer is sealed, for good, even if the send
 *    fails: nobody can write it any more (writes through existing mappings
 *    fault, mprotect(PROT_WRITE) fails with EACCES). The sender keeps
 *    reading it; each receiver gets a read-only id of its own.
 *  - Moving or sealing an open buffer fails with EBUSY while any of its
 *    pages is pinned for DMA (e.g. registered with io_uring), since a pin
 *    would outlive the revocation.
 *  - BINDOX_IOC_BUFFER_RELEASE drops an id; a mapping of it faults from then
 *    on. The memory is freed when the last id, message and mapping is gone
 *    (a process's ids go when its file is released).
 *
 * BINDOX_IOC_BUFFER_MAP maps a buffer as mmap(2) would and fills the
 * mapping's page tables before it returns, so that using a buffer just
 * received costs no page faults; a whole 2 MiB of a buffer is one page
 * table entry. Buffer memory is mapped as the driver's own: it stays
 * resident (never swapped) and is not counted in a process's RSS; the
 * memory cgroup of the allocator pays for it.
 */
#define BINDOX_BUF_MOVE		(1U << 0)	/* object flag in: ownership passes */
#define BINDOX_BUF_SHARE	(1U << 1)	/* object flag in: seal, share read-only */
#define BINDOX_BUF_WRITABLE	(1U << 2)	/* out: the holder may write */
#define BINDOX_BUF_SEALED	(1U << 3)	/* out: sealed, read-only for all */
#define BINDOX_BUF_MOVED	(1U << 4)	/* out: moved away, only release is left */

/**
 * struct bindox_buffer_alloc - BINDOX_IOC_BUFFER_ALLOC
 * @size:	in: bytes wanted, at least 1; out: the size, rounded up to
 *		the page size (over the quota: EDQUOT)
 * @flags:	must be 0
 * @id:		out: the buffer's id in the caller's table
 * @offset:	out: the mmap(2) offset of the buffer (id * page size)
 */
struct bindox_buffer_alloc {
	__u64 size;
	__u32 flags;
	__u32 id;
	__u64 offset;
};

/**
 * struct bindox_buffer_info - BINDOX_IOC_BUFFER_INFO and _RELEASE
 * @id:		in: a buffer id in the caller's table
 * @flags:	INFO out: BINDOX_BUF_WRITABLE, _SEALED, _MOVED; RELEASE: must
 *		be 0
 * @size:	INFO out: the size in bytes; RELEASE: must be 0
 * @offset:	INFO out: the mmap(2) offset; RELEASE: must be 0
 */
struct bindox_buffer_info {
	__u32 id;
	__u32 flags;
	__u64 size;
	__u64 offset;
};

/**
 * struct bindox_buffer_map_args - BINDOX_IOC_BUFFER_MAP
 * @id:		in: a buffer id in the caller's table
 * @flags:	in: BINDOX_MAP_WRITE for a writable mapping (needs the right
 *		to write), otherwise 0: read-only; BINDOX_MAP_REUSE to reuse a
 *		mapping that lost its access (see below)
 * @size:	in: bytes to map from the buffer's start, at least 1 and at
 *		most its size
 * @addr:	out: where the mapping is (in: must be 0); undo with munmap(2).
 *		With BINDOX_MAP_REUSE, in: the start of the mapping to reuse.
 *
 * BINDOX_MAP_REUSE saves the new mapping when a buffer comes back: the
 * mapping at @addr must be a whole mapping of the same buffer, made by
 * this process (from the buffer's start, not split, not shared with a
 * child), of @size, writable exactly if BINDOX_MAP_WRITE, whose id gives
 * no access any more (moved away or released). It then serves @id, with
 * @id's rights, and is filled like a new one. Otherwise EINVAL, and
 * nothing changed.
 */
struct bindox_buffer_map_args {
	__u32 id;
	__u32 flags;
	__u64 size;
	__u64 addr;
};

#define BINDOX_MAP_WRITE	(1U << 0)
#define BINDOX_MAP_REUSE	(1U << 1)

#define BINDOX_IOC_MAGIC	0xb7

#define BINDOX_IOC_VERSION	_IOWR(BINDOX_IOC_MAGIC, 0x00, struct bindox_version)
/* Argument: __u64 flags, must be 0. Needs CAP_SYS_ADMIN in the initial user namespace. */
#define BINDOX_IOC_SET_COORDINATOR _IOWR(BINDOX_IOC_MAGIC, 0x01, __u64)
#define BINDOX_IOC_CALL		_IOWR(BINDOX_IOC_MAGIC, 0x02, struct bindox_call_args)
#define BINDOX_IOC_SEND		_IOWR(BINDOX_IOC_MAGIC, 0x03, struct bindox_transaction)
#define BINDOX_IOC_RECV		_IOWR(BINDOX_IOC_MAGIC, 0x04, struct bindox_recv_args)
#define BINDOX_IOC_REPLY_RECV	_IOWR(BINDOX_IOC_MAGIC, 0x05, struct bindox_reply_recv_args)
#define BINDOX_IOC_HANDLE_RELEASE _IOWR(BINDOX_IOC_MAGIC, 0x06, struct bindox_handle_args)
#define BINDOX_IOC_DEATH_SUBSCRIBE _IOWR(BINDOX_IOC_MAGIC, 0x07, struct bindox_death_args)
#define BINDOX_IOC_DEATH_UNSUBSCRIBE _IOWR(BINDOX_IOC_MAGIC, 0x08, struct bindox_death_args)
#define BINDOX_IOC_POLICY_LOAD	_IOWR(BINDOX_IOC_MAGIC, 0x09, struct bindox_policy_load)
#define BINDOX_IOC_BUFFER_ALLOC	_IOWR(BINDOX_IOC_MAGIC, 0x10, struct bindox_buffer_alloc)
#define BINDOX_IOC_BUFFER_RELEASE _IOWR(BINDOX_IOC_MAGIC, 0x11, struct bindox_buffer_info)
#define BINDOX_IOC_BUFFER_INFO	_IOWR(BINDOX_IOC_MAGIC, 0x12, struct bindox_buffer_info)
#define BINDOX_IOC_BUFFER_MAP	_IOWR(BINDOX_IOC_MAGIC, 0x13, struct bindox_buffer_map_args)

/*
 * The Coordinator protocol: the data of a call to handle 0. The driver
 * checks its form before the Coordinator sees it.
 *
 * REGISTER: header, name, then (at the next 8-byte boundary) exactly one
 *	BINDOX_OBJ_NODE object: the service's node. The Coordinator gets a
 *	handle to it.
 * LOOKUP: header and name, no objects. The Coordinator's reply carries a
 *	struct bindox_coord_reply followed by one BINDOX_OBJ_HANDLE object
 *	when status is 0.
 * UNREGISTER: header and name, no objects.
 *
 * Names are 1..BINDOX_NAME_MAX bytes of [A-Za-z0-9._-], not NUL-terminated.
 */
#define BINDOX_NAME_MAX		255U

enum bindox_coord_op {
	BINDOX_COORD_REGISTER = 1,
	BINDOX_COORD_LOOKUP = 2,
	BINDOX_COORD_UNREGISTER = 3,
};

/**
 * struct bindox_coord_request - start of a call to the Coordinator
 * @op:		enum bindox_coord_op
 * @name_len:	bytes of the name that follows
 */
struct bindox_coord_request {
	__u32 op;
	__u32 name_len;
};

/**
 * struct bindox_coord_reply - start of the Coordinator's reply
 * @status:	0 or a negative errno
 * @reserved:	0
 */
struct bindox_coord_reply {
	__s32 status;
	__u32 reserved;
};

/*
 * Domains: one device node per container. The host domain is /dev/bindox
 * (id 0, name "host"); every other domain is created at run time through
 * the control device /dev/bindox-control, by the host's root only
 * (CAP_SYS_ADMIN in the initial user namespace; EPERM otherwise). All
 * domain nodes share one character device major of their own, so that a
 * container runtime can grant exactly one node ("c MAJOR:MINOR rwm"), and
 * the kernel names them /dev/bindox.d/<name>, owned by the domain's uid
 * and gid with the domain's mode. Their uevents carry BINDOX_DOMAIN,
 * BINDOX_DOMAIN_ID, BINDOX_UID, BINDOX_GID and BINDOX_MODE for udev, and
 * /sys/class/bindox/bindox-<name>/ shows the configuration and the live
 * counts. Which process is in which domain follows only from the node it
 * opened; messages carry the sender's domain id, and the Coordinator
 * reaches every domain through handle 0.
 *
 * Names: 1..BINDOX_DOMAIN_NAME_MAX bytes of [a-z0-9._-], starting with a
 * letter or a digit, NUL-terminated in the field; "host" and "control"
 * are reserved.
 */
#define BINDOX_DOMAIN_NAME_MAX	31U
#define BINDOX_MAX_DOMAINS	256U

/**
 * struct bindox_domain_limits - limits of one domain
 * @max_connections:	open files of the domain's node at once (EMFILE)
 * @max_handles:	handles one file of the domain may hold (ENOSPC)
 * @max_nodes:		nodes the domain's files may own in all (ENOSPC)
 * @max_calls:		calls from the domain waiting for their reply at
 *			once (EAGAIN)
 * @max_oneway:		one-way messages from the domain queued at one
 *			receiver (EAGAIN)
 * @max_oneway_bytes:	bytes of those (EAGAIN; EMSGSIZE for a message of
 *			more bytes than this, which could never fit)
 * @max_buffer_bytes:	bytes of buffers the domain's files have allocated
 *			(EDQUOT)
 *
 * 0 in a field means the module parameter's default (see modinfo bindox);
 * BINDOX_DOMAIN_INFO reports the values in force. Any other value must lie
 * between the field's BINDOX_DOMAIN_*_MIN and BINDOX_DOMAIN_*_MAX below
 * (EINVAL otherwise): bounded so that no sum of them can overflow.
 */
struct bindox_domain_limits {
	__u32 max_connections;
	__u32 max_handles;
	__u32 max_nodes;
	__u32 max_calls;
	__u32 max_oneway;
	__u32 max_oneway_bytes;
	__u64 max_buffer_bytes;
};

#define BINDOX_DOMAIN_CONNECTIONS_MIN		1U
#define BINDOX_DOMAIN_CONNECTIONS_MAX		65536U
#define BINDOX_DOMAIN_HANDLES_MIN		1U
#define BINDOX_DOMAIN_HANDLES_MAX		(1U << 24)
#define BINDOX_DOMAIN_NODES_MIN			1U
#define BINDOX_DOMAIN_NODES_MAX			(1U << 24)
#define BINDOX_DOMAIN_CALLS_MIN			1U
#define BINDOX_DOMAIN_CALLS_MAX			65536U
#define BINDOX_DOMAIN_ONEWAY_MIN		1U
#define BINDOX_DOMAIN_ONEWAY_MAX		65536U
#define BINDOX_DOMAIN_ONEWAY_BYTES_MIN		1U
#define BINDOX_DOMAIN_ONEWAY_BYTES_MAX		(1U << 30)
#define BINDOX_DOMAIN_BUFFER_BYTES_MIN		1ULL
#define BINDOX_DOMAIN_BUFFER_BYTES_MAX		(1ULL << 44)

/**
 * struct bindox_domain_config - BINDOX_CTL_DOMAIN_ADD, _UPDATE, _INFO
 * @name:	the domain's name, NUL-terminated (see above)
 * @uid:	owner of its node, as the host sees it
 * @gid:	group of its node, as the host sees it
 * @mode:	permission bits of its node: at most 0770, so that no node is
 *		world-accessible (EINVAL otherwise)
 * @id:		out: the domain's id, as messages report it
 * @minor:	out: the minor number of its node
 * @flags:	0 (ADD, UPDATE); INFO out: BINDOX_DOMAIN_REMOVED once removed
 * @limits:	in: limits (0: default); out: the limits in force
 * @connections: INFO out: files of the domain open now
 * @nodes:	INFO out: nodes they own
 * @calls:	INFO out: calls from the domain waiting for a reply
 * @reserved:	0
 * @buffer_bytes: INFO out: bytes of buffers they allocated
 *
 * The out fields are ignored on input, so that what INFO returned can be
 * changed and given to UPDATE. ADD creates the domain and its node, and
 * returns what INFO would: EEXIST for a name in use, EINVAL
 * for a bad name, mode or limit, ENOSPC with BINDOX_MAX_DOMAINS domains.
 * UPDATE sets the owner, mode and limits of an existing domain (ENOENT if
 * there is none): a lower limit applies to what comes next, nothing held
 * is taken away. INFO fills everything for @name, or, with @name empty,
 * for the domain with the smallest id that is >= @id (ENOENT when there
 * is none): a list is INFO with @id 0, 1 + the last id, ... The host
 * domain is listed too.
 */
struct bindox_domain_config {
	char name[BINDOX_DOMAIN_NAME_MAX + 1];
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 id;
	__u32 minor;
	__u32 flags;
	struct bindox_domain_limits limits;
	__u32 connections;
	__u32 nodes;
	__u32 calls;
	__u32 reserved;
	__u64 buffer_bytes;
};

#define BINDOX_DOMAIN_REMOVED	(1U << 0)
/* The permission bits a domain's node may have: nothing for others. */
#define BINDOX_DOMAIN_MODE_ALLOWED	0770U

/**
 * struct bindox_domain_remove - BINDOX_CTL_DOMAIN_REMOVE
 * @name:	the domain, NUL-terminated
 * @flags:	0 or BINDOX_DOMAIN_FORCE
 * @reserved:	0
 *
 * Removes the node at once. Without BINDOX_DOMAIN_FORCE a domain whose
 * node is still open is left as it is: EBUSY. With it, every open file of
 * the domain is ended: its calls, sent and received, fail with
 * BINDOX_EDEADPEER, its nodes die (their watchers are told), its buffers
 * are revoked, and every further use of the file fails with ENODEV. ENOENT
 * for an unknown name, EINVAL for "host".
 */
struct bindox_domain_remove {
	char name[BINDOX_DOMAIN_NAME_MAX + 1];
	__u32 flags;
	__u32 reserved;
};

#define BINDOX_DOMAIN_FORCE	(1U << 0)

#define BINDOX_CTL_MAGIC	0xb8

#define BINDOX_CTL_DOMAIN_ADD	_IOWR(BINDOX_CTL_MAGIC, 0x01, struct bindox_domain_config)
#define BINDOX_CTL_DOMAIN_REMOVE _IOWR(BINDOX_CTL_MAGIC, 0x02, struct bindox_domain_remove)
#define BINDOX_CTL_DOMAIN_UPDATE _IOWR(BINDOX_CTL_MAGIC, 0x03, struct bindox_domain_config)
#define BINDOX_CTL_DOMAIN_INFO	_IOWR(BINDOX_CTL_MAGIC, 0x04, struct bindox_domain_config)

#endif /* _UAPI_LINUX_BINDOX_H */
