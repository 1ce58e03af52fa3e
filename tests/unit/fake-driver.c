/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-process fake of the bindox driver; see fake-driver.h. One global lock
 * and one condition variable: simple, and fast enough for unit tests.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bindox.h>
#include "conn-private.h"
#include "fake-buffers.h"
#include "fake-driver.h"

#define FAKE_MAX_PROCS 32
#define FAKE_MAX_HANDLES 64
#define FAKE_MAX_SUBS 64

typedef struct FakeProc FakeProc;

typedef struct FakeNode {
	FakeProc *owner;
	uint64_t cookie;
	bool dead;
	struct FakeNode *next;
} FakeNode;

typedef struct FakeRef {
	FakeNode *node;
	unsigned int refs;
} FakeRef;

/* A death subscription: at most one per handle, as in the module. */
typedef struct FakeSub {
	FakeNode *node;
	uint32_t handle;
	uint64_t cookie;
} FakeSub;

typedef struct FakeMsg {
	uint32_t type;
	uint32_t flags;
	uint64_t id;
	uint64_t cookie;
	int32_t pid;
	uint32_t euid, egid, domain;
	uint8_t *data;
	size_t n_data;
	uint64_t *offsets;
	size_t n_offsets;
	struct FakeMsg *next;
} FakeMsg;

enum { CALL_QUEUED, CALL_DELIVERED, CALL_DONE };

typedef struct FakeCall {
	uint64_t id;
	FakeProc *caller;
	FakeProc *target;
	bool caller_gone;
	int state;
	int error;
	size_t cap_data, cap_offsets;
	FakeMsg *reply;
	struct FakeCall *next;
} FakeCall;

struct FakeProc {
	bool used;
	bool dead;	/* killed: every ioctl fails with ENODEV */
	int fd;
	int32_t pid;
	uint32_t euid, egid, domain;
	FakeRef handles[FAKE_MAX_HANDLES];	/* index = handle; 0 unused */
	FakeSub subs[FAKE_MAX_SUBS];
	FakeMsg *head, *tail;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	FakeProc procs[FAKE_MAX_PROCS];
	FakeProc *coordinator;
	FakeNode *coordinator_node;
	FakeNode *nodes;
	FakeCall *calls;
	uint64_t next_id;
	uint32_t major, minor;
	unsigned int ioctls[32];
	FakeRecvTimeout recv_timeouts[FAKE_RECV_LOG];
	unsigned int n_recv;
} fake = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.next_id = 1,
	.major = BINDOX_VERSION_MAJOR,
	.minor = BINDOX_VERSION_MINOR,
};

static FakeMsg *fake_msg_free(FakeMsg *m)
{
	if (m) {
		free(m->data);
		free(m->offsets);
		free(m);
	}
	return NULL;
}

static FakeProc *fake_proc_find(int fd)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_PROCS; i++)
		if (fake.procs[i].used && fake.procs[i].fd == fd)
			return &fake.procs[i];
	return NULL;
}

static void fake_enqueue(FakeProc *p, FakeMsg *m)
{
	m->next = NULL;
	if (p->tail)
		p->tail->next = m;
	else
		p->head = m;
	p->tail = m;
	pthread_cond_broadcast(&fake.cond);
}

static FakeNode *fake_node_get(FakeProc *owner, uint64_t cookie)
{
	FakeNode *n;

	for (n = fake.nodes; n; n = n->next)
		if (n->owner == owner && n->cookie == cookie && !n->dead)
			return n;

	n = calloc(1, sizeof(*n));
	if (!n)
		abort();
	n->owner = owner;
	n->cookie = cookie;
	n->next = fake.nodes;
	fake.nodes = n;
	return n;
}

/* The handle @p has for @node, creating it; one reference more. */
static uint32_t fake_ref_acquire(FakeProc *p, FakeNode *node)
{
	uint32_t h, free_h = 0;

	for (h = 1; h < FAKE_MAX_HANDLES; h++) {
		if (p->handles[h].node == node) {
			p->handles[h].refs++;
			return h;
		}
		if (!p->handles[h].node && !free_h)
			free_h = h;
	}
	if (!free_h)
		abort();
	p->handles[free_h].node = node;
	p->handles[free_h].refs = 1;
	return free_h;
}

static FakeNode *fake_handle_node(FakeProc *p, uint64_t handle)
{
	if (handle == BINDOX_HANDLE_COORDINATOR)
		return fake.coordinator_node;
	if (handle >= FAKE_MAX_HANDLES)
		return NULL;
	return p->handles[handle].node;
}

/* The limits (E2BIG) and pointers (EFAULT) of a payload, as txn_build. */
static int fake_payload_check(const struct bindox_payload *pl)
{
	if (pl->data_size > BINDOX_MAX_DATA_SIZE || pl->offsets_count > BINDOX_MAX_OBJECTS)
		return -E2BIG;
	if ((pl->data_size && !pl->data_ptr) || (pl->offsets_count && !pl->offsets_ptr))
		return -EFAULT;
	return 0;
}

static bool fake_name_valid(const uint8_t *name, uint32_t len)
{
	uint32_t i;

	if (len < 1 || len > BINDOX_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '.' || name[i] == '_' ||
		      name[i] == '-'))
			return false;
	return true;
}

/*
 * A message to the Coordinator must have the form the UAPI header gives
 * (module/coordinator.c, bindox_coordinator_check_request()): a call, never
 * one-way, with a request header, a valid name and, for REGISTER only,
 * exactly one node object right after the name. -EINVAL otherwise.
 */
static int fake_coordinator_check(const struct bindox_transaction *tx)
{
	const struct bindox_payload *pl = &tx->payload;
	const uint8_t *data = (const uint8_t *)(uintptr_t)pl->data_ptr;
	struct bindox_coord_request req;
	struct bindox_object obj;
	uint64_t at;
	uint32_t name_end;
	int r;

	r = fake_payload_check(pl);
	if (r < 0)
		return r;
	if (tx->flags & BINDOX_TF_ONEWAY || pl->data_size < sizeof(req))
		return -EINVAL;
	memcpy(&req, data, sizeof(req));
	if (req.name_len > pl->data_size - sizeof(req) ||
	    !fake_name_valid(data + sizeof(req), req.name_len))
		return -EINVAL;
	name_end = sizeof(req) + req.name_len;

	switch (req.op) {
	case BINDOX_COORD_REGISTER:
		if (pl->offsets_count != 1)
			return -EINVAL;
		memcpy(&at, (const void *)(uintptr_t)pl->offsets_ptr, sizeof(at));
		if (at != ((name_end + BINDOX_OBJECT_ALIGN - 1) & ~(BINDOX_OBJECT_ALIGN - 1)) ||
		    pl->data_size != at + sizeof(obj))
			return -EINVAL;
		memcpy(&obj, data + at, sizeof(obj));
		return obj.type == BINDOX_OBJ_NODE ? 0 : -EINVAL;
	case BINDOX_COORD_LOOKUP:
	case BINDOX_COORD_UNREGISTER:
		return pl->offsets_count || pl->data_size != name_end ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

/*
 * Copy a payload from @sender into a message for @receiver, translating
 * objects. Validates everything before taking any reference.
 */
static int fake_payload_copy(FakeProc *sender, FakeProc *receiver, const struct bindox_payload *pl,
			     FakeMsg **out)
{
	FakeNode *nodes[BINDOX_MAX_OBJECTS];
	uint64_t end = 0;
	FakeMsg *m;
	size_t i;
	int r;

	r = fake_payload_check(pl);
	if (r < 0)
		return r;

	m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	m->n_data = pl->data_size;
	m->n_offsets = pl->offsets_count;
	m->data = malloc(m->n_data + 1);
	m->offsets = malloc(m->n_offsets * sizeof(uint64_t) + 1);
	if (!m->data || !m->offsets)
		abort();
	if (m->n_data)
		memcpy(m->data, (const void *)(uintptr_t)pl->data_ptr, m->n_data);
	if (m->n_offsets)
		memcpy(m->offsets, (const void *)(uintptr_t)pl->offsets_ptr,
		       m->n_offsets * sizeof(uint64_t));

	for (i = 0; i < m->n_offsets; i++) {
		struct bindox_object obj;
		uint64_t at = m->offsets[i];

		if (at % BINDOX_OBJECT_ALIGN || at < end || at > m->n_data ||
		    m->n_data - at < sizeof(obj))
			goto einval;
		memcpy(&obj, m->data + at, sizeof(obj));
		nodes[i] = NULL;
		end = at + sizeof(obj);
		if (obj.type == BINDOX_OBJ_BUFFER) {
			r = fake_buffers_check(sender->fd, &obj);

			if (r < 0) {
				fake_msg_free(m);
				return r;
			}
			continue;
		}
		if (obj.flags || obj.reserved)
			goto einval;
		if (obj.type == BINDOX_OBJ_NODE)
			nodes[i] = fake_node_get(sender, obj.value);
		else if (obj.type == BINDOX_OBJ_HANDLE && obj.value != BINDOX_HANDLE_COORDINATOR &&
			 fake_handle_node(sender, obj.value))
			nodes[i] = fake_handle_node(sender, obj.value);
		else
			goto einval;
	}

	for (i = 0; i < m->n_offsets; i++) {
		struct bindox_object obj = { 0 };

		if (!nodes[i]) {
			memcpy(&obj, m->data + m->offsets[i], sizeof(obj));
			fake_buffers_deliver(sender->fd, receiver->fd, &obj);
			memcpy(m->data + m->offsets[i], &obj, sizeof(obj));
			continue;
		}
		if (nodes[i]->owner == receiver) {
			obj.type = BINDOX_OBJ_NODE;
			obj.value = nodes[i]->cookie;
		} else {
			obj.type = BINDOX_OBJ_HANDLE;
			obj.value = fake_ref_acquire(receiver, nodes[i]);
		}
		memcpy(m->data + m->offsets[i], &obj, sizeof(obj));
	}

	m->pid = sender->pid;
	m->euid = sender->euid;
	m->egid = sender->egid;
	m->domain = sender->domain;
	*out = m;
	return 0;

einval:
	fake_msg_free(m);
	return -EINVAL;
}

static void fake_deadline(int64_t timeout_ns, struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	if (timeout_ns <= 0)
		return;
	ts->tv_sec += timeout_ns / 1000000000LL;
	ts->tv_nsec += timeout_ns % 1000000000LL;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Wait for a change; -EAGAIN for timeout 0, -ETIMEDOUT past the deadline. */
static int fake_wait(int64_t timeout_ns, const struct timespec *deadline, int zero_error)
{
	if (timeout_ns < 0) {
		pthread_cond_wait(&fake.cond, &fake.lock);
		return 0;
	}
	if (timeout_ns == 0)
		return zero_error;
	if (pthread_cond_timedwait(&fake.cond, &fake.lock, deadline) == ETIMEDOUT)
		return -ETIMEDOUT;
	return 0;
}

static FakeCall *fake_call_find(uint64_t id)
{
	FakeCall *c;

	for (c = fake.calls; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static void fake_call_unlink(FakeCall *call)
{
	FakeCall **pp;

	for (pp = &fake.calls; *pp; pp = &(*pp)->next)
		if (*pp == call) {
			*pp = call->next;
			return;
		}
}

static int fake_ioc_call(FakeProc *p, struct bindox_call_args *a)
{
	struct timespec deadline;
	FakeNode *node;
	FakeCall *call;
	FakeMsg *m;
	int r;

	if (a->tx.flags || a->reply.reserved)
		return -EINVAL;
	node = fake_handle_node(p, a->tx.handle);
	if (!node)
		return a->tx.handle == BINDOX_HANDLE_COORDINATOR ? -ENXIO : -EINVAL;
	if (node == fake.coordinator_node) {
		r = fake_coordinator_check(&a->tx);
		if (r < 0)
			return r;
	}
	if (node->dead)
		return -EOWNERDEAD;

	r = fake_payload_copy(p, node->owner, &a->tx.payload, &m);
	if (r < 0)
		return r;

	call = calloc(1, sizeof(*call));
	if (!call)
		abort();
	call->id = fake.next_id++;
	call->caller = p;
	call->target = node->owner;
	call->cap_data = a->reply.payload.data_size;
	call->cap_offsets = a->reply.payload.offsets_count;
	call->next = fake.calls;
	fake.calls = call;

	m->type = BINDOX_MSG_CALL;
	m->id = call->id;
	m->cookie = node->cookie;
	fake_enqueue(node->owner, m);

	fake_deadline(a->timeout_ns, &deadline);
	while (call->state != CALL_DONE) {
		/* Killed while waiting: the calls it made fail (the UAPI). */
		if (p->dead) {
			call->caller_gone = true;
			return -BINDOX_EDEADPEER;
		}
		r = fake_wait(a->timeout_ns, &deadline, -ETIMEDOUT);
		if (r < 0 && call->state != CALL_DONE) {
			call->caller_gone = true;
			return r;
		}
	}

	fake_call_unlink(call);
	r = call->error;
	if (r == 0) {
		m = call->reply;
		/* memcpy() wants real pointers even for 0 bytes. */
		if (m->n_data)
			memcpy((void *)(uintptr_t)a->reply.payload.data_ptr, m->data, m->n_data);
		if (m->n_offsets)
			memcpy((void *)(uintptr_t)a->reply.payload.offsets_ptr, m->offsets,
			       m->n_offsets * sizeof(uint64_t));
		a->reply.type = BINDOX_MSG_REPLY;
		a->reply.flags = 0;
		a->reply.id = 0;
		a->reply.cookie = 0;
		a->reply.sender_pid = m->pid;
		a->reply.sender_euid = m->euid;
		a->reply.sender_egid = m->egid;
		a->reply.sender_domain = m->domain;
		a->reply.payload.data_size = (uint32_t)m->n_data;
		a->reply.payload.offsets_count = (uint32_t)m->n_offsets;
		fake_msg_free(m);
	}
	free(call);
	return r;
}

static int fake_ioc_send(FakeProc *p, struct bindox_transaction *tx)
{
	FakeNode *node;
	FakeMsg *m;
	int r;

	/* The fake's queues have no limit: waiting for room never waits. */
	if ((tx->flags & ~BINDOX_TF_WAIT_ROOM) != BINDOX_TF_ONEWAY)
		return -EINVAL;
	node = fake_handle_node(p, tx->handle);
	if (!node)
		return tx->handle == BINDOX_HANDLE_COORDINATOR ? -ENXIO : -EINVAL;
	if (node == fake.coordinator_node) {
		r = fake_coordinator_check(tx);
		if (r < 0)
			return r;
	}
	if (node->dead)
		return -EOWNERDEAD;

	r = fake_payload_copy(p, node->owner, &tx->payload, &m);
	if (r < 0)
		return r;
	m->type = BINDOX_MSG_ONEWAY;
	m->flags = BINDOX_TF_ONEWAY;
	m->cookie = node->cookie;
	fake_enqueue(node->owner, m);
	return 0;
}

/* What is left until @deadline of a positive timeout, at least 1 ns. */
static int64_t fake_time_left(const struct timespec *deadline)
{
	struct timespec now;
	int64_t left;

	clock_gettime(CLOCK_REALTIME, &now);
	left = (deadline->tv_sec - now.tv_sec) * 1000000000LL +
	       (deadline->tv_nsec - now.tv_nsec);
	return left > 0 ? left : 1;
}

/* On EMSGSIZE *@timeout_ns is what is left of a positive one (driver 1.2 on). */
static int fake_receive(FakeProc *p, struct bindox_message *out, __s64 *timeout_ns_io)
{
	int64_t timeout_ns = *timeout_ns_io;
	struct timespec deadline;
	FakeCall *call;
	FakeMsg *m;
	int r;

	if (fake.n_recv < FAKE_RECV_LOG)
		fake.recv_timeouts[fake.n_recv++] = (FakeRecvTimeout){ timeout_ns, timeout_ns };
	if (out->reserved)
		return -EINVAL;

	fake_deadline(timeout_ns, &deadline);
	while (!p->head) {
		/* Killed while waiting, as a domain removed by force. */
		if (p->dead)
			return -ENODEV;
		r = fake_wait(timeout_ns, &deadline, -EAGAIN);
		if (r < 0 && !p->head)
			return r;
	}

	m = p->head;
	if (m->n_data > out->payload.data_size || m->n_offsets > out->payload.offsets_count) {
		out->payload.data_size = (uint32_t)m->n_data;
		out->payload.offsets_count = (uint32_t)m->n_offsets;
		if (timeout_ns > 0 && fake.minor >= 2)
			*timeout_ns_io = fake_time_left(&deadline);
		if (fake.n_recv <= FAKE_RECV_LOG)
			fake.recv_timeouts[fake.n_recv - 1].left = *timeout_ns_io;
		return -EMSGSIZE;
	}

	p->head = m->next;
	if (!p->head)
		p->tail = NULL;

	if (m->n_data)
		memcpy((void *)(uintptr_t)out->payload.data_ptr, m->data, m->n_data);
	if (m->n_offsets)
		memcpy((void *)(uintptr_t)out->payload.offsets_ptr, m->offsets,
		       m->n_offsets * sizeof(uint64_t));
	out->type = m->type;
	out->flags = m->flags;
	out->id = m->id;
	out->cookie = m->cookie;
	out->sender_pid = m->pid;
	out->sender_euid = m->euid;
	out->sender_egid = m->egid;
	out->sender_domain = m->domain;
	out->payload.data_size = (uint32_t)m->n_data;
	out->payload.offsets_count = (uint32_t)m->n_offsets;

	if (m->type == BINDOX_MSG_CALL) {
		call = fake_call_find(m->id);
		if (call)
			call->state = CALL_DELIVERED;
	}
	fake_msg_free(m);
	return 0;
}

static int fake_ioc_reply_recv(FakeProc *p, struct bindox_reply_recv_args *a)
{
	FakeCall *call;
	FakeMsg *m;
	int r;

	if (a->reserved)
		return -EINVAL;

	if (a->reply_id) {
		call = fake_call_find(a->reply_id);
		if (!call || call->target != p || call->state != CALL_DELIVERED)
			return -EINVAL;

		if (call->caller_gone) {
			fake_call_unlink(call);
			free(call);
		} else {
			if (a->reply.data_size > call->cap_data ||
			    a->reply.offsets_count > call->cap_offsets)
				return -EMSGSIZE;
			r = fake_payload_copy(p, call->caller, &a->reply, &m);
			if (r < 0)
				return r;
			call->reply = m;
			call->state = CALL_DONE;
			pthread_cond_broadcast(&fake.cond);
		}
		a->reply_id = 0;
	}

	return fake_receive(p, &a->msg, &a->timeout_ns);
}

static int fake_ioc_handle_release(FakeProc *p, struct bindox_handle_args *a)
{
	size_t i;

	if (a->reserved || a->handle == 0 || a->handle >= FAKE_MAX_HANDLES ||
	    !p->handles[a->handle].node)
		return -EINVAL;
	if (--p->handles[a->handle].refs > 0)
		return 0;

	/* The last reference: the handle and its subscription go away. */
	p->handles[a->handle].node = NULL;
	for (i = 0; i < FAKE_MAX_SUBS; i++)
		if (p->subs[i].node && p->subs[i].handle == a->handle)
			p->subs[i].node = NULL;
	return 0;
}

static void fake_death_notify(FakeProc *p, FakeSub *sub)
{
	FakeMsg *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	m->type = BINDOX_MSG_DEATH;
	m->cookie = sub->cookie;
	sub->node = NULL;
	fake_enqueue(p, m);
}

static int fake_ioc_death(FakeProc *p, struct bindox_death_args *a, bool subscribe)
{
	FakeSub *free_sub = NULL;
	FakeNode *node;
	size_t i;

	if (a->reserved || a->handle == 0)
		return -EINVAL;
	node = fake_handle_node(p, a->handle);
	if (!node)
		return -EINVAL;

	for (i = 0; i < FAKE_MAX_SUBS; i++) {
		FakeSub *sub = &p->subs[i];

		if (!sub->node) {
			if (!free_sub)
				free_sub = sub;
			continue;
		}
		if (sub->handle != a->handle)
			continue;
		if (subscribe)
			return -EBUSY;
		if (sub->cookie != a->cookie)
			return -EINVAL;
		sub->node = NULL;
		return 0;
	}
	if (!subscribe)
		return -EINVAL;
	if (!free_sub)
		return -ENOMEM;

	free_sub->node = node;
	free_sub->handle = a->handle;
	free_sub->cookie = a->cookie;
	if (node->dead)
		fake_death_notify(p, free_sub);
	return 0;
}

static void fake_proc_kill_locked(FakeProc *p)
{
	FakeNode *n;
	FakeCall *c, *next;
	FakeMsg *m;
	size_t i, j;

	for (n = fake.nodes; n; n = n->next)
		if (n->owner == p)
			n->dead = true;

	for (i = 0; i < FAKE_MAX_PROCS; i++) {
		if (!fake.procs[i].used || &fake.procs[i] == p)
			continue;
		for (j = 0; j < FAKE_MAX_SUBS; j++) {
			FakeSub *sub = &fake.procs[i].subs[j];

			if (sub->node && sub->node->dead)
				fake_death_notify(&fake.procs[i], sub);
		}
	}

	for (c = fake.calls; c; c = next) {
		next = c->next;
		if (c->target == p && c->state != CALL_DONE) {
			c->state = CALL_DONE;
			c->error = -EOWNERDEAD;
		}
		if (c->caller == p)
			c->caller_gone = true;
	}

	while ((m = p->head)) {
		p->head = m->next;
		fake_msg_free(m);
	}
	p->tail = NULL;
	if (fake.coordinator == p) {
		fake.coordinator = NULL;
		fake.coordinator_node = NULL;
	}
	fake_buffers_drop(p->fd);
	memset(p->handles, 0, sizeof(p->handles));
	memset(p->subs, 0, sizeof(p->subs));
	/* The slot stays, dead, so that its fd keeps failing (ENODEV). */
	p->dead = true;
	pthread_cond_broadcast(&fake.cond);
}

static int fake_ioc_version(int fd, struct bindox_version *v)
{
	FakeProc *p = fake_proc_find(fd);
	size_t i;

	/*
	 * The fake cannot see close(2). The library asks for the version only
	 * when it opens a file, so VERSION on a dead fd is a new file that got
	 * the old number: a fresh process.
	 */
	if (!p || p->dead) {
		for (i = 0; !p && i < FAKE_MAX_PROCS && fake.procs[i].used; i++)
			;
		if (i == FAKE_MAX_PROCS)
			return -ENOMEM;
		if (!p)
			p = &fake.procs[i];
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->fd = fd;
		p->pid = (int32_t)getpid();
		p->euid = (uint32_t)geteuid();
		p->egid = (uint32_t)getegid();
	}
	v->major = fake.major;
	v->minor = fake.minor;
	return 0;
}

/* One Coordinator at a time, even a second claim by the same one. */
static int fake_ioc_set_coordinator(FakeProc *p, uint64_t flags)
{
	FakeNode *n;

	if (flags)
		return -EINVAL;
	if (fake.coordinator)
		return -EBUSY;
	for (n = fake.nodes; n; n = n->next)
		if (n->owner == p && n->cookie == 0 && !n->dead)
			return -EEXIST;
	fake.coordinator = p;
	fake.coordinator_node = fake_node_get(p, 0);
	return 0;
}

int bindox_conn_ioctl(int fd, unsigned long request, void *arg)
{
	FakeProc *p;
	int r;

	pthread_mutex_lock(&fake.lock);
	fake.ioctls[_IOC_NR(request) & 31]++;

	if (request == BINDOX_IOC_VERSION) {
		r = fake_ioc_version(fd, arg);
		goto out;
	}

	p = fake_proc_find(fd);
	if (!p) {
		r = -ENOTTY;
		goto out;
	}
	if (p->dead) {
		r = -ENODEV;
		goto out;
	}

	switch (request) {
	case BINDOX_IOC_SET_COORDINATOR:
		r = fake_ioc_set_coordinator(p, *(__u64 *)arg);
		break;
	case BINDOX_IOC_CALL:
		r = fake_ioc_call(p, arg);
		break;
	case BINDOX_IOC_SEND:
		r = fake_ioc_send(p, arg);
		break;
	case BINDOX_IOC_RECV:
		r = fake_receive(p, &((struct bindox_recv_args *)arg)->msg,
				 &((struct bindox_recv_args *)arg)->timeout_ns);
		break;
	case BINDOX_IOC_REPLY_RECV:
		r = fake_ioc_reply_recv(p, arg);
		break;
	case BINDOX_IOC_HANDLE_RELEASE:
		r = fake_ioc_handle_release(p, arg);
		break;
	case BINDOX_IOC_DEATH_SUBSCRIBE:
		r = fake_ioc_death(p, arg, true);
		break;
	case BINDOX_IOC_DEATH_UNSUBSCRIBE:
		r = fake_ioc_death(p, arg, false);
		break;
	default:
		r = fake_buffers_ioctl(fd, request, arg);
		break;
	}

out:
	pthread_mutex_unlock(&fake.lock);
	return r;
}

void fake_driver_reset(void)
{
	size_t i;

	pthread_mutex_lock(&fake.lock);
	for (i = 0; i < FAKE_MAX_PROCS; i++) {
		if (fake.procs[i].used && !fake.procs[i].dead)
			fake_proc_kill_locked(&fake.procs[i]);
		memset(&fake.procs[i], 0, sizeof(fake.procs[i]));
	}
	fake.major = BINDOX_VERSION_MAJOR;
	fake.minor = BINDOX_VERSION_MINOR;
	memset(fake.ioctls, 0, sizeof(fake.ioctls));
	fake.n_recv = 0;
	pthread_mutex_unlock(&fake.lock);
}

unsigned int fake_driver_recv_timeouts(FakeRecvTimeout *out, unsigned int max)
{
	unsigned int i, n;

	pthread_mutex_lock(&fake.lock);
	n = fake.n_recv < max ? fake.n_recv : max;
	for (i = 0; i < n; i++)
		out[i] = fake.recv_timeouts[i];
	fake.n_recv = 0;
	pthread_mutex_unlock(&fake.lock);
	return n;
}

void fake_driver_set_version(uint32_t major, uint32_t minor)
{
	pthread_mutex_lock(&fake.lock);
	fake.major = major;
	fake.minor = minor;
	pthread_mutex_unlock(&fake.lock);
}

void fake_driver_set_creds(int fd, pid_t pid, uid_t euid, gid_t egid, uint32_t domain)
{
	FakeProc *p;

	pthread_mutex_lock(&fake.lock);
	p = fake_proc_find(fd);
	if (p) {
		p->pid = (int32_t)pid;
		p->euid = (uint32_t)euid;
		p->egid = (uint32_t)egid;
		p->domain = domain;
	}
	pthread_mutex_unlock(&fake.lock);
}

void fake_driver_kill(int fd)
{
	FakeProc *p;

	pthread_mutex_lock(&fake.lock);
	p = fake_proc_find(fd);
	if (p && !p->dead)
		fake_proc_kill_locked(p);
	pthread_mutex_unlock(&fake.lock);
}

int fake_driver_count_handles(int fd)
{
	FakeProc *p;
	int n = -1;
	size_t h;

	pthread_mutex_lock(&fake.lock);
	p = fake_proc_find(fd);
	if (p)
		for (n = 0, h = 1; h < FAKE_MAX_HANDLES; h++)
			n += p->handles[h].node != NULL;
	pthread_mutex_unlock(&fake.lock);
	return n;
}

unsigned int fake_driver_handle_refs(int fd, uint32_t handle)
{
	unsigned int refs = 0;
	FakeProc *p;

	pthread_mutex_lock(&fake.lock);
	p = fake_proc_find(fd);
	if (p && handle < FAKE_MAX_HANDLES && p->handles[handle].node)
		refs = p->handles[handle].refs;
	pthread_mutex_unlock(&fake.lock);
	return refs;
}

unsigned int fake_driver_count_queued(int fd)
{
	unsigned int n = 0;
	FakeProc *p;
	FakeMsg *m;

	pthread_mutex_lock(&fake.lock);
	p = fake_proc_find(fd);
	if (p)
		for (m = p->head; m; m = m->next)
			n++;
	pthread_mutex_unlock(&fake.lock);
	return n;
}

unsigned int fake_driver_count_ioctls(unsigned int nr)
{
	unsigned int n;

	pthread_mutex_lock(&fake.lock);
	n = fake.ioctls[nr & 31];
	pthread_mutex_unlock(&fake.lock);
	return n;
}
