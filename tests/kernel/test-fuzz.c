/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A seeded ioctl fuzzer that knows the UAPI (module/uapi/linux/bindox.h).
 *
 * Worker threads pick operations at random from a seeded generator and run
 * them against a set of device fds: every ioctl (VERSION, SET_COORDINATOR,
 * CALL, SEND, RECV, REPLY_RECV, HANDLE_RELEASE, DEATH_SUBSCRIBE and
 * _UNSUBSCRIBE, POLICY_LOAD, BUFFER_ALLOC, _RELEASE, _INFO, _MAP, an unknown
 * one), mmap(2), munmap(2), mprotect(2), mremap(2) and madvise(2) of
 * buffer ids, reads and writes through those mappings, by the process and
 * by the kernel (process_vm_readv/writev, /proc/self/mem, read(2) and
 * write(2), vmsplice(2), mlock(2), msync(2)), forked children that inherit
 * the mappings and fds, poll(2), and closes and re-opens of the fds. The
 * arguments are valid or mutated: payloads with arrays of node, handle and
 * buffer objects (move, share, unknown flags; offsets unaligned,
 * overlapping, decreasing, out of range; counts and sizes over the limits;
 * pointers to nothing), Coordinator requests well and badly formed, policy
 * tables, and the handles, buffer ids, call ids and mappings that earlier
 * calls handed out, their neighbours and stale ones from closed fds.
 *
 * The fds: a Coordinator (the tests' libbindox Coordinator, stopped and
 * restarted now and then; while it is down the fuzzed fds may claim the
 * slot themselves), N_SERVERS fds that a thread each serves (REPLY_RECV
 * with short timeouts, fuzzed replies) and N_SLOTS - N_SERVERS clients that
 * the workers receive on. Every wait is bounded (timeouts of 0 to a few
 * ms), so the run ends. Afterwards everything is unmapped and closed and
 * the live-object counters must read zero.
 *
 * The module's limits are lowered for the run (max_queued, max_buffers,
 * max_nodes, max_handles and the buffer byte quotas), so that the quota
 * paths are reached and memory stays bounded; main() puts them back.
 *
 * Environment:
 *   BINDOX_FUZZ_SEED     the seed (decimal or 0x hex); default FUZZ_SEED
 *   BINDOX_FUZZ_CALLS    operations in all (every ioctl, mmap, munmap,
 *                        mprotect, touch, poll, close/open counts one);
 *                        default FUZZ_CI_CALLS
 *   BINDOX_FUZZ_THREADS  worker threads, default 4
 * The seed fixes each thread's sequence of operations and arguments. What
 * the kernel answers also depends on how the threads interleave, so a
 * failure found with several threads may need BINDOX_FUZZ_THREADS=1 (or a
 * few runs) to come back. The program prints the seed, the operations made
 * of each kind and how many returned each errno, and fails on an errno the
 * UAPI does not document for that call, on a delivered message that breaks
 * the UAPI's rules (offsets, object types), on the kernel reading or
 * writing a mapping where the process's own access faults with SIGBUS (a
 * revoked or sealed buffer), on leaked objects and on a tainted kernel.
 *
 * Cost: in the QEMU TCG guest of tests/vm (2 vCPUs, slub_debug=FZPU) the
 * fuzzer makes 1,300 to 2,900 operations per second, depending on how busy
 * the host is (measured on 2 host cores, mostly shared with a second VM;
 * the guest is busy in the kernel most of the time, the rest is bounded
 * waits). CI's FUZZ_CI_CALLS (200,000) take 70 to 150 s of guest time. The
 * million calls and more come from tests/stress/run-fuzz-long.sh (many
 * seeds in one VM).
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-rng.h"
#include "bxt-buffer.h"

#define FUZZ_SEED 0xb1d0c5eedULL
#define FUZZ_CI_CALLS 200000UL
#define FUZZ_THREADS_DEFAULT 4
#define FUZZ_THREADS_MAX 16

#define PAGE 4096UL
#define N_SLOTS 6
#define N_SERVERS 3	/* slots 0 .. N_SERVERS-1 have a serving thread */
#define POOL_N 16
#define MAPS_MAX 32
#define N_NAMES 12
#define DATA_CAP (BINDOX_MAX_DATA_SIZE + PAGE)
#define OFFS_CAP 512U

/* The limits of the run (module parameters). */
static const struct {
	const char *name;
	unsigned long value;
} fuzz_params[] = {
	{ "max_queued", 64 },
	{ "max_buffers", 128 },
	{ "max_nodes", 64 },
	{ "max_handles", 1024 },
	{ "max_proc_buffer_bytes", 64UL << 20 },
	{ "max_domain_buffer_bytes", 192UL << 20 },
};
#define N_PARAMS (sizeof(fuzz_params) / sizeof(fuzz_params[0]))

/* ---- operations and the tally of their results ---- */

enum {
	OP_VERSION,
	OP_SET_COORD,
	OP_CALL,
	OP_CALL_COORD,	/* a call to handle 0 in the Coordinator's protocol */
	OP_SEND,
	OP_RECV,
	OP_REPLY_RECV,
	OP_SERVE,	/* REPLY_RECV of a serving thread */
	OP_HANDLE_RELEASE,
	OP_DEATH_SUB,
	OP_DEATH_UNSUB,
	OP_POLICY_LOAD,
	OP_BUF_ALLOC,
	OP_BUF_RELEASE,
	OP_BUF_INFO,
	OP_BUF_MAP,
	OP_MMAP,
	OP_MUNMAP,
	OP_MPROTECT,
	OP_TOUCH,
	OP_MREMAP,
	OP_MADVISE,
	OP_GUP,		/* the kernel reaching into a mapping: GUP, copies, pipes */
	OP_FORK,	/* a child that inherits the mappings and the fds */
	OP_POLL,
	OP_BAD_IOCTL,
	OP_REOPEN,
	OP_COORD_RESTART,
	N_OPS
};

static const char *const op_names[N_OPS] = {
	[OP_VERSION] = "VERSION",
	[OP_SET_COORD] = "SET_COORDINATOR",
	[OP_CALL] = "CALL",
	[OP_CALL_COORD] = "CALL(coordinator)",
	[OP_SEND] = "SEND",
	[OP_RECV] = "RECV",
	[OP_REPLY_RECV] = "REPLY_RECV",
	[OP_SERVE] = "REPLY_RECV(server)",
	[OP_HANDLE_RELEASE] = "HANDLE_RELEASE",
	[OP_DEATH_SUB] = "DEATH_SUBSCRIBE",
	[OP_DEATH_UNSUB] = "DEATH_UNSUBSCRIBE",
	[OP_POLICY_LOAD] = "POLICY_LOAD",
	[OP_BUF_ALLOC] = "BUFFER_ALLOC",
	[OP_BUF_RELEASE] = "BUFFER_RELEASE",
	[OP_BUF_INFO] = "BUFFER_INFO",
	[OP_BUF_MAP] = "BUFFER_MAP",
	[OP_MMAP] = "mmap",
	[OP_MUNMAP] = "munmap",
	[OP_MPROTECT] = "mprotect",
	[OP_TOUCH] = "touch",
	[OP_MREMAP] = "mremap",
	[OP_MADVISE] = "madvise",
	[OP_GUP] = "kernel access",
	[OP_FORK] = "fork",
	[OP_POLL] = "poll",
	[OP_BAD_IOCTL] = "unknown ioctl",
	[OP_REOPEN] = "close+open",
	[OP_COORD_RESTART] = "coordinator restart",
};

/* Relative weights of the workers' operations (OP_SERVE is the servers'). */
static const unsigned int op_weights[N_OPS] = {
	[OP_VERSION] = 10,
	[OP_SET_COORD] = 8,
	[OP_CALL] = 120,
	[OP_CALL_COORD] = 60,
	[OP_SEND] = 90,
	[OP_RECV] = 70,
	[OP_REPLY_RECV] = 60,
	[OP_HANDLE_RELEASE] = 40,
	[OP_DEATH_SUB] = 30,
	[OP_DEATH_UNSUB] = 25,
	[OP_POLICY_LOAD] = 12,
	[OP_BUF_ALLOC] = 60,
	[OP_BUF_RELEASE] = 35,
	[OP_BUF_INFO] = 40,
	[OP_BUF_MAP] = 45,
	[OP_MMAP] = 40,
	[OP_MUNMAP] = 30,
	[OP_MPROTECT] = 25,
	[OP_TOUCH] = 50,
	[OP_MREMAP] = 15,
	[OP_MADVISE] = 20,
	[OP_GUP] = 40,
	[OP_FORK] = 2,
	[OP_POLL] = 10,
	[OP_BAD_IOCTL] = 8,
	[OP_REOPEN] = 3,
	[OP_COORD_RESTART] = 1,
};

/* Result classes: an errno, or a signal caught while touching a mapping. */
#define FZ_SIGBUS 1001
#define FZ_SIGSEGV 1002

static const int classes[] = {
	0,	 EINVAL,    EFAULT,    E2BIG,	  ENOMEM,     EINTR,	  ENOTTY,
	EPERM,	 EBUSY,	    EEXIST,    ENXIO,	  EOWNERDEAD, EAGAIN,	  EMSGSIZE,
	ENOSPC,	 EDQUOT,    EACCES,    ETIMEDOUT, ENOENT,     EBADF,	  EIO,
	FZ_SIGBUS, FZ_SIGSEGV,
};
#define N_CLASSES (sizeof(classes) / sizeof(classes[0]) + 1)	/* + "other" */
#define CLASS_OTHER (N_CLASSES - 1)

static unsigned int class_of(int r)
{
	unsigned int i;

	if (r < 0)
		r = -r;
	for (i = 0; i < N_CLASSES - 1; i++)
		if (classes[i] == r)
			return i;
	return CLASS_OTHER;
}

static const char *class_name(unsigned int c)
{
	if (c == CLASS_OTHER)
		return "other";
	if (classes[c] == 0)
		return "ok";
	if (classes[c] == FZ_SIGBUS)
		return "SIGBUS";
	if (classes[c] == FZ_SIGSEGV)
		return "SIGSEGV";
	return bxt_errname(classes[c]);
}

#define E(x) (1ULL << class_of(x))
#define XFER_ERRS                                                                  \
	(E(EINVAL) | E(EFAULT) | E(E2BIG) | E(ENOMEM) | E(ENXIO) | E(EOWNERDEAD) |  \
	 E(EAGAIN) | E(EACCES) | E(EBUSY) | E(ENOSPC))
#define RECV_ERRS                                                                  \
	(E(EINVAL) | E(EFAULT) | E(EAGAIN) | E(ETIMEDOUT) | E(EMSGSIZE) | E(ENOSPC) | \
	 E(ENOMEM))

/* What the UAPI documents for each operation (as E() bits; 0 is always fine). */
static uint64_t allowed[N_OPS];

static void allowed_init(void)
{
	allowed[OP_VERSION] = E(EFAULT);
	allowed[OP_SET_COORD] = E(EINVAL) | E(EFAULT) | E(EPERM) | E(EBUSY) | E(EEXIST);
	allowed[OP_CALL] = XFER_ERRS | E(ETIMEDOUT) | E(EMSGSIZE);
	allowed[OP_CALL_COORD] = allowed[OP_CALL];
	allowed[OP_SEND] = XFER_ERRS | E(EMSGSIZE);
	allowed[OP_RECV] = RECV_ERRS;
	allowed[OP_REPLY_RECV] = XFER_ERRS | RECV_ERRS;
	allowed[OP_SERVE] = allowed[OP_REPLY_RECV];
	allowed[OP_HANDLE_RELEASE] = E(EINVAL) | E(EFAULT);
	allowed[OP_DEATH_SUB] = E(EINVAL) | E(EFAULT) | E(EBUSY) | E(ENOMEM);
	allowed[OP_DEATH_UNSUB] = E(EINVAL) | E(EFAULT);
	allowed[OP_POLICY_LOAD] = E(EINVAL) | E(EFAULT) | E(E2BIG) | E(EPERM) | E(ENOMEM);
	allowed[OP_BUF_ALLOC] = E(EINVAL) | E(EFAULT) | E(EDQUOT) | E(ENOSPC) | E(ENOMEM);
	allowed[OP_BUF_RELEASE] = E(EINVAL) | E(EFAULT);
	allowed[OP_BUF_INFO] = E(EINVAL) | E(EFAULT);
	allowed[OP_BUF_MAP] = E(EINVAL) | E(EFAULT) | E(EACCES) | E(ENOMEM);
	allowed[OP_MMAP] = E(EINVAL) | E(EACCES) | E(ENOMEM);
	allowed[OP_MUNMAP] = E(EINVAL);
	allowed[OP_MPROTECT] = E(EACCES) | E(ENOMEM) | E(EINVAL);
	allowed[OP_TOUCH] = E(FZ_SIGBUS) | E(FZ_SIGSEGV);
	/* Generic system calls: any errno; what they must not do is checked apart. */
	allowed[OP_MREMAP] = ~0ULL;
	allowed[OP_MADVISE] = ~0ULL;
	allowed[OP_GUP] = ~0ULL;
	allowed[OP_FORK] = E(FZ_SIGBUS) | E(FZ_SIGSEGV);
	allowed[OP_POLL] = 0;
	allowed[OP_BAD_IOCTL] = E(ENOTTY);
	allowed[OP_REOPEN] = 0;
	allowed[OP_COORD_RESTART] = E(EBUSY);
}

#define N_FINDINGS 8

static struct {
	atomic_ulong n[N_OPS][N_CLASSES];
	atomic_ulong clean[N_OPS], clean_ok[N_OPS];	/* operations meant to be valid */
	atomic_ulong total;		/* operations made */
	unsigned long budget;
	atomic_ulong bad;		/* results the UAPI does not allow */
	pthread_mutex_t lock;
	char findings[N_FINDINGS][160];
	unsigned int n_findings;
} tally = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void finding(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void finding(const char *fmt, ...)
{
	va_list ap;

	atomic_fetch_add(&tally.bad, 1);
	pthread_mutex_lock(&tally.lock);
	if (tally.n_findings < N_FINDINGS) {
		va_start(ap, fmt);
		vsnprintf(tally.findings[tally.n_findings++], sizeof(tally.findings[0]), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&tally.lock);
}

static _Thread_local bool thread_clean;

/* Count the result @r (0 or -errno) of @op; complain if undocumented. */
static void count(int op, int r)
{
	unsigned int c = class_of(r);

	if (thread_clean) {
		atomic_fetch_add_explicit(&tally.clean[op], 1, memory_order_relaxed);
		if (r == 0)
			atomic_fetch_add_explicit(&tally.clean_ok[op], 1, memory_order_relaxed);
	}
	atomic_fetch_add_explicit(&tally.n[op][c], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&tally.total, 1, memory_order_relaxed);
	if (r != 0 && allowed[op] != ~0ULL && (c == CLASS_OTHER || !(allowed[op] & (1ULL << c))))
		finding("%s returned %s (%d), which its UAPI does not document", op_names[op],
			r <= -FZ_SIGBUS ? class_name(c) : bxt_errname(r), r);
}

static bool budget_left(void)
{
	return atomic_load_explicit(&tally.total, memory_order_relaxed) < tally.budget;
}

/* ---- the fds and what they were handed ---- */

typedef struct Pool {
	uint64_t v[POOL_N];
	uint64_t aux[POOL_N];	/* buffers: the size */
	unsigned int n, next;
} Pool;

static void pool_add(Pool *p, uint64_t v, uint64_t aux)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		if (p->v[i] == v) {	/* known: just refresh what goes with it */
			p->aux[i] = aux;
			return;
		}
	}
	p->v[p->next] = v;
	p->aux[p->next] = aux;
	p->next = (p->next + 1) % POOL_N;
	if (p->n < POOL_N)
		p->n++;
}

static void pool_remove(Pool *p, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		if (p->v[i] == v) {
			p->v[i] = p->v[p->n - 1];
			p->aux[i] = p->aux[p->n - 1];
			p->n--;
			p->next = p->n;
			return;
		}
	}
}

/* A remembered value (false if none); @drop: forget it. */
static bool pool_pick(Pool *p, Rng *r, uint64_t *v, uint64_t *aux, bool drop)
{
	unsigned int i;

	if (!p->n)
		return false;
	i = rnd(r, p->n);
	if (pct(r, 50))	/* the newest: it is most likely still valid */
		i = p->next ? p->next - 1 : p->n - 1;
	if (i >= p->n)
		i = p->n - 1;
	*v = p->v[i];
	if (aux)
		*aux = p->aux[i];
	if (drop) {
		p->v[i] = p->v[p->n - 1];
		p->aux[i] = p->aux[p->n - 1];
		p->n--;
		p->next = p->n;
	}
	return true;
}

typedef struct Slot {
	pthread_rwlock_t life;	/* read: using fd; write: closing or opening it */
	int fd;
	unsigned int index;
	pthread_mutex_t lock;	/* the pools */
	Pool handles, bufs, calls, subs;
	atomic_bool is_coord;	/* claimed the Coordinator slot itself */
} Slot;

static Slot slots[N_SLOTS];

/* The libbindox Coordinator (NULL while stopped). */
static struct {
	pthread_rwlock_t life;
	BxtCoord *co;
} coord;

typedef struct Mapping {
	uint8_t *addr;
	size_t len;
} Mapping;

/* Mappings of buffers; touched and unmapped only under the lock. */
static struct {
	pthread_mutex_t lock;
	Mapping m[MAPS_MAX];
	unsigned int n;
} maps = { .lock = PTHREAD_MUTEX_INITIALIZER };

static atomic_bool stop_servers;

/* ---- per-thread state ---- */

typedef struct Thr {
	Rng rng;
	bool clean;		/* this operation's arguments are meant to be valid */
	unsigned int index;
	pthread_t thread;
	uint8_t *data;		/* DATA_CAP bytes, then an inaccessible page */
	uint64_t *offs;		/* OFFS_CAP */
	uint8_t *rdata;		/* receive: BINDOX_MAX_DATA_SIZE */
	uint64_t *roffs;	/* receive: BINDOX_MAX_OBJECTS */
	struct bindox_policy_rule rules[8];
	char strings[64];
	int pipe[2];		/* for copies and vmsplice out of mappings */
} Thr;

static int thr_init(Thr *t, uint64_t seed, unsigned int index)
{
	uint8_t *p;

	memset(t, 0, sizeof(*t));
	t->index = index;
	t->rng.s = seed ^ (0xd1b54a32d192ed03ULL * (index + 1));
	p = mmap(NULL, DATA_CAP + PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	if (p == MAP_FAILED)
		return -errno;
	if (mprotect(p + DATA_CAP, PAGE, PROT_NONE) < 0)
		return -errno;
	t->data = p;
	t->offs = calloc(OFFS_CAP, sizeof(uint64_t));
	t->rdata = malloc(BINDOX_MAX_DATA_SIZE);
	t->roffs = calloc(BINDOX_MAX_OBJECTS, sizeof(uint64_t));
	if (pipe2(t->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	return t->offs && t->rdata && t->roffs ? 0 : -ENOMEM;
}

static void thr_free(Thr *t)
{
	if (t->data)
		munmap(t->data, DATA_CAP + PAGE);
	free(t->offs);
	free(t->rdata);
	free(t->roffs);
	close(t->pipe[0]);
	close(t->pipe[1]);
}

/* A pointer to nothing: NULL, the guard page, kernel memory, unaligned. */
static uint64_t bad_ptr(Thr *t)
{
	switch (rnd(&t->rng, 4)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)(t->data + DATA_CAP);
	case 2:
		return 0xffff880000000000ULL;	/* kernel memory */
	default:
		return 1;
	}
}

/* ---- picking values ---- */

/* A mutation with probability @p percent, in a "dirty" operation only. */
static bool mut(Thr *t, uint32_t p)
{
	return !t->clean && pct(&t->rng, p);
}

/* A value near @v: itself mostly, else a neighbour (dirty only). */
static uint64_t near(Thr *t, uint64_t v)
{
	Rng *r = &t->rng;

	if (t->clean)
		return v;
	switch (rnd(r, 6)) {
	case 0:
		return v + 1;
	case 1:
		return v - 1;
	case 2:
		return v ^ (1ULL << rnd(r, 32));
	default:
		return v;
	}
}

static uint32_t pick_handle(Thr *t, Slot *s)
{
	uint64_t v = 0;
	bool have;

	pthread_mutex_lock(&s->lock);
	have = pool_pick(&s->handles, &t->rng, &v, NULL, false);
	pthread_mutex_unlock(&s->lock);
	if (have && (t->clean || pct(&t->rng, 60)))
		return (uint32_t)near(t, v);
	if (t->clean)
		return 0;
	switch (rnd(&t->rng, 5)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return 1 + rnd(&t->rng, 16);
	case 3:
		return UINT32_MAX - rnd(&t->rng, 2);
	default:
		return (uint32_t)rng_next(&t->rng);
	}
}

static uint32_t pick_buf(Thr *t, Slot *s, uint64_t *size)
{
	uint64_t v = 0, sz = PAGE;
	bool have;

	pthread_mutex_lock(&s->lock);
	have = pool_pick(&s->bufs, &t->rng, &v, &sz, false);
	pthread_mutex_unlock(&s->lock);
	if (size)
		*size = have ? sz : PAGE * (1 + rnd(&t->rng, 4));
	if (have && (t->clean || pct(&t->rng, 60)))
		return (uint32_t)near(t, v);
	switch (rnd(&t->rng, 4)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return 1 + rnd(&t->rng, 64);
	default:
		return pct(&t->rng, 50) ? INT32_MAX : (uint32_t)rng_next(&t->rng);
	}
}

static uint64_t pick_cookie(Thr *t)
{
	if (pct(&t->rng, 90))
		return rnd(&t->rng, 8);
	return rng_next(&t->rng);
}

static int64_t pick_timeout_call(Thr *t)
{
	static const int64_t choices[] = { 0, 1 * BXT_MS, 2 * BXT_MS, 5 * BXT_MS, 20 * BXT_MS };

	return choices[rnd(&t->rng, 5)];
}

static int64_t pick_timeout_recv(Thr *t)
{
	switch (rnd(&t->rng, 10)) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
		return 0;
	case 6:
	case 7:
	case 8:
		return 1 * BXT_MS;
	default:
		return 3 * BXT_MS;
	}
}

static Slot *pick_slot(Thr *t)
{
	return &slots[rnd(&t->rng, N_SLOTS)];
}

/* Take @s's fd for an operation; -1 if it is closed. Undo with slot_put(). */
static int slot_get(Slot *s)
{
	pthread_rwlock_rdlock(&s->life);
	return s->fd;
}

static void slot_put(Slot *s)
{
	pthread_rwlock_unlock(&s->life);
}

static int do_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

/* ---- payloads ---- */

enum { PL_PLAIN, PL_COORD_REQ, PL_COORD_REPLY };

static void put(Thr *t, uint32_t *pos, const void *p, size_t n)
{
	if (*pos + n <= DATA_CAP)
		memcpy(t->data + *pos, p, n);
	*pos += (uint32_t)n;
}

static void gen_object(Thr *t, Slot *s, struct bindox_object *o, uint32_t type)
{
	Rng *r = &t->rng;

	memset(o, 0, sizeof(*o));
	o->type = type;
	switch (type) {
	case BINDOX_OBJ_NODE:
		o->value = pick_cookie(t);
		break;
	case BINDOX_OBJ_HANDLE:
		o->value = pick_handle(t, s);
		if (mut(t, 5))
			o->value |= (uint64_t)rnd(r, 4) << 32;
		break;
	case BINDOX_OBJ_BUFFER:
		o->value = pick_buf(t, s, NULL);
		switch (t->clean ? 4 + rnd(r, 16) : rnd(r, 20)) {
		case 0:
			o->flags = 0;
			break;
		case 1:
			o->flags = BINDOX_BUF_MOVE | BINDOX_BUF_SHARE;
			break;
		case 2:
			o->flags = (uint32_t)rng_next(r);
			break;
		case 3:
			o->flags = BINDOX_BUF_WRITABLE << rnd(r, 3);
			break;
		default:
			o->flags = pct(r, 50) ? BINDOX_BUF_MOVE : BINDOX_BUF_SHARE;
		}
		break;
	default:
		o->value = rng_next(r);
	}
	if (type != BINDOX_OBJ_BUFFER && mut(t, 5))
		o->flags = 1U << rnd(r, 32);
	if (mut(t, 5))
		o->reserved = rng_next(r) | 1;
}

static uint32_t pick_type(Thr *t, Slot *s)
{
	Rng *r = &t->rng;

	if (t->clean) {
		/* Only kinds the slot has: nodes always, handles and buffers if any. */
		uint32_t kinds[3] = { BINDOX_OBJ_NODE }, n = 1;

		pthread_mutex_lock(&s->lock);
		if (s->handles.n)
			kinds[n++] = BINDOX_OBJ_HANDLE;
		if (s->bufs.n)
			kinds[n++] = BINDOX_OBJ_BUFFER;
		pthread_mutex_unlock(&s->lock);
		return kinds[rnd(r, n)];
	}
	switch (rnd(r, 20)) {
	case 0:
		return 0;
	case 1:
		return 4 + rnd(r, 4);
	case 2:
		return (uint32_t)rng_next(r);
	default:
		return 1 + rnd(r, 3);
	}
}

/* A service name: mostly one of N_NAMES, sometimes not a valid one. */
static size_t gen_name(Thr *t, char *name, size_t cap)
{
	Rng *r = &t->rng;
	size_t n;

	switch (t->clean ? 4 + rnd(r, 16) : rnd(r, 20)) {
	case 0:
		return 0;
	case 1:
		return (size_t)snprintf(name, cap, "fz%u/bad", rnd(r, N_NAMES));
	case 2:
		n = BINDOX_NAME_MAX + rnd(r, 2);
		memset(name, 'a' + rnd(r, 26), n);
		return n;
	case 3:
		n = (size_t)snprintf(name, cap, "fz%u", rnd(r, N_NAMES));
		name[rnd(r, (uint32_t)n)] = (char)rng_next(r);
		return n;
	default:
		return (size_t)snprintf(name, cap, "fz%u", rnd(r, N_NAMES));
	}
}

static uint32_t pick_nobj(Thr *t)
{
	Rng *r = &t->rng;
	uint32_t x = rnd(r, 100);

	if (t->clean)
		return x < 50 ? 0 : 1 + rnd(r, 3);
	if (x < 45)
		return 0;
	if (x < 80)
		return 1 + rnd(r, 3);
	if (x < 95)
		return 4 + rnd(r, 13);
	return 17 + rnd(r, BINDOX_MAX_OBJECTS - 16);
}

/*
 * Build a payload in @t's scratch: a header (a Coordinator request or
 * reply, or random bytes), objects, a tail; then perhaps one mutation.
 */
static void gen_payload(Thr *t, Slot *s, struct bindox_payload *p, int kind)
{
	Rng *r = &t->rng;
	uint32_t n = 0, pos = 0, i, tail;
	struct bindox_object o;
	uint64_t zero = 0;

	memset(p, 0, sizeof(*p));
	if (kind == PL_COORD_REQ) {
		struct bindox_coord_request req;
		char name[BINDOX_NAME_MAX + 8];
		size_t len = gen_name(t, name, sizeof(name));

		req.op = !mut(t, 10) ? 1 + rnd(r, 3) : (uint32_t)rng_next(r);
		req.name_len = (uint32_t)len;
		if (mut(t, 10))
			req.name_len += rnd(r, 16) - 8;
		put(t, &pos, &req, sizeof(req));
		put(t, &pos, name, len);
		if (req.op == BINDOX_COORD_REGISTER && !mut(t, 10))
			n = 1;
		else if (mut(t, 10))
			n = 1 + rnd(r, 3);
	} else if (kind == PL_COORD_REPLY) {
		struct bindox_coord_reply rep = {
			.status = pct(r, 70) ? 0 : -(int32_t)rnd(r, 140),
			.reserved = mut(t, 10) ? 1 : 0,
		};

		put(t, &pos, &rep, sizeof(rep));
		n = pct(r, 60) ? 1 : pick_nobj(t);
	} else {
		uint32_t head = rnd(r, 4) ? rnd(r, 41) : 0;

		for (i = 0; i < head; i++)
			t->data[pos++] = (uint8_t)rng_next(r);
		n = pick_nobj(t);
	}

	for (i = 0; i < n; i++) {
		uint32_t type;

		if (kind == PL_COORD_REQ && i == 0 && !mut(t, 10))
			type = BINDOX_OBJ_NODE;
		else if (kind == PL_COORD_REPLY && i == 0 && !mut(t, 20))
			type = BINDOX_OBJ_HANDLE;
		else
			type = pick_type(t, s);
		while (pos % BINDOX_OBJECT_ALIGN)
			put(t, &pos, &zero, 1);
		if (mut(t, 10))
			put(t, &pos, &zero, 8);
		t->offs[i] = pos;
		gen_object(t, s, &o, type);
		put(t, &pos, &o, sizeof(o));
	}

	/* The tail: mostly a few bytes, sometimes a lot (not written). */
	switch (kind != PL_PLAIN && !mut(t, 20) ? 2 : rnd(r, t->clean ? 200 : 40)) {
	case 0:
		tail = rnd(r, BINDOX_MAX_DATA_SIZE - pos + 1);
		break;
	case 1:
		tail = BINDOX_MAX_DATA_SIZE - pos + (t->clean ? 0 : rnd(r, 2));
		break;
	case 2:
		tail = 0;
		break;
	default:
		tail = rnd(r, 4) ? 0 : rnd(r, 64);
		for (i = 0; i < tail && pos + i < DATA_CAP; i++)
			t->data[pos + i] = (uint8_t)i;
	}
	pos += tail;

	p->data_ptr = (uintptr_t)t->data;
	p->offsets_ptr = (uintptr_t)t->offs;
	p->data_size = pos;
	p->offsets_count = n;
	if (n == 0 && pct(r, 50))
		p->offsets_ptr = 0;
	if (pos == 0 && pct(r, 50))
		p->data_ptr = 0;

	if (!mut(t, 30))
		return;
	switch (rnd(r, 14)) {
	case 0:	/* unaligned */
		if (n)
			t->offs[rnd(r, n)] += 1 + rnd(r, 7);
		break;
	case 1:	/* decreasing */
		if (n >= 2) {
			uint64_t x;

			i = 1 + rnd(r, n - 1);
			x = t->offs[i];
			t->offs[i] = t->offs[i - 1];
			t->offs[i - 1] = x;
		}
		break;
	case 2:	/* overlapping */
		if (n >= 2) {
			i = 1 + rnd(r, n - 1);
			t->offs[i] = t->offs[i - 1] + 8 * rnd(r, 3);
		}
		break;
	case 3:	/* out of range */
		if (n) {
			static const uint64_t far[] = { 8, 16, 24, 1ULL << 32, UINT64_MAX - 7 };

			t->offs[rnd(r, n)] = pos - 16 + far[rnd(r, 5)];
		}
		break;
	case 4:	/* more offsets than written */
		p->offsets_count = n + 1 + rnd(r, 4);
		for (i = n; i < p->offsets_count && i < OFFS_CAP; i++)
			t->offs[i] = rng_next(r) & ~7ULL;
		break;
	case 5:	/* the data cut short */
		if (pos)
			p->data_size = rnd(r, pos);
		break;
	case 6:	/* huge counts */
		p->offsets_count = pct(r, 50) ? BINDOX_MAX_OBJECTS + 1 : UINT32_MAX - rnd(r, 2);
		break;
	case 7:
		p->data_size = pct(r, 50) ? BINDOX_MAX_DATA_SIZE + 1 : UINT32_MAX;
		break;
	case 8:	/* bad pointers */
		p->data_ptr = bad_ptr(t);
		break;
	case 9:
		p->offsets_ptr = bad_ptr(t);
		break;
	case 10:	/* the data runs into the guard page */
		if (pos > 1)
			p->data_ptr = (uintptr_t)(t->data + DATA_CAP - pos / 2);
		break;
	case 11:	/* the offsets run into an unmapped page */
		if (n)
			p->offsets_ptr = (uintptr_t)(t->data + DATA_CAP - 8 * (n / 2));
		break;
	case 12:	/* a duplicate offset */
		if (n >= 2)
			t->offs[n - 1] = t->offs[n - 2];
		break;
	default:	/* an object's type field torn */
		if (n)
			t->data[t->offs[rnd(r, n)] + rnd(r, 24)] ^= (uint8_t)(1 + rnd(r, 255));
	}
}

/* Receive capacities: full mostly, sometimes too small or bad. */
static void gen_recv_payload(Thr *t, struct bindox_payload *p)
{
	Rng *r = &t->rng;

	p->data_ptr = (uintptr_t)t->rdata;
	p->offsets_ptr = (uintptr_t)t->roffs;
	p->data_size = BINDOX_MAX_DATA_SIZE;
	p->offsets_count = BINDOX_MAX_OBJECTS;
	if (t->clean)
		return;
	switch (rnd(r, 10)) {
	case 0:
		p->data_size = rnd(r, 64);
		break;
	case 1:
		p->offsets_count = rnd(r, 2);
		break;
	case 2:
		p->data_size = 0;
		p->offsets_count = 0;
		break;
	case 3:
		if (pct(r, 50))
			p->data_ptr = bad_ptr(t);
		else
			p->offsets_ptr = bad_ptr(t);
		break;
	case 4:	/* more than the limits: the driver clamps them */
		p->data_size = UINT32_MAX;
		p->offsets_count = UINT32_MAX;
		/* The driver may write up to its limits only: our buffers hold that. */
		break;
	default:
		break;
	}
}

/*
 * Learn from a delivered message: handles, buffer ids and call ids go into
 * @s's pools. Checks what the UAPI promises about it.
 */
static void absorb(Thr *t, Slot *s, const struct bindox_message *m, const char *what)
{
	uint32_t size = m->payload.data_size, n = m->payload.offsets_count, i;
	uint64_t end = 0;

	if (m->type < BINDOX_MSG_CALL || m->type > BINDOX_MSG_REPLY) {
		finding("%s delivered a message of type %u", what, m->type);
		return;
	}
	if (size > BINDOX_MAX_DATA_SIZE || n > BINDOX_MAX_OBJECTS) {
		finding("%s delivered %u bytes and %u objects", what, size, n);
		return;
	}
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < n; i++) {
		uint64_t off = t->roffs[i];
		struct bindox_object o;

		if (off % BINDOX_OBJECT_ALIGN || off < end || off + sizeof(o) > size) {
			finding("%s delivered object %u at offset %" PRIu64 " of %u bytes", what,
				i, off, size);
			break;
		}
		end = off + sizeof(o);
		memcpy(&o, t->rdata + off, sizeof(o));
		if (o.type == BINDOX_OBJ_HANDLE && o.value && o.value <= UINT32_MAX)
			pool_add(&s->handles, o.value, 0);
		else if (o.type == BINDOX_OBJ_BUFFER && o.value && o.value <= INT32_MAX)
			pool_add(&s->bufs, o.value, o.size);
		else if (o.type != BINDOX_OBJ_NODE) {
			finding("%s delivered an object of type %u value %#" PRIx64, what, o.type,
				(uint64_t)o.value);
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

/*
 * A valid-meant call or send without objects to @handle failed with EINVAL:
 * the handle went (released by a fuzzed HANDLE_RELEASE); forget it.
 */
static void forget_handle(Thr *t, Slot *s, const struct bindox_payload *p, uint32_t handle,
			  int r)
{
	if (!t->clean || r != -EINVAL || p->offsets_count || !handle)
		return;
	pthread_mutex_lock(&s->lock);
	pool_remove(&s->handles, handle);
	pthread_mutex_unlock(&s->lock);
}

/* Leave the call @id to whoever answers it later. */
static void keep_call(Slot *s, uint64_t id)
{
	pthread_mutex_lock(&s->lock);
	pool_add(&s->calls, id, 0);
	pthread_mutex_unlock(&s->lock);
}

/* ---- the operations ---- */

static void op_version(Thr *t)
{
	Slot *s = pick_slot(t);
	struct bindox_version v = { 0 };
	int fd = slot_get(s), r;

	r = mut(t, 10) ? do_ioctl(fd, BINDOX_IOC_VERSION, (void *)(uintptr_t)bad_ptr(t))
			    : do_ioctl(fd, BINDOX_IOC_VERSION, &v);
	slot_put(s);
	count(OP_VERSION, r);
	if (r == 0 && (v.major != BINDOX_VERSION_MAJOR || v.minor != BINDOX_VERSION_MINOR))
		finding("VERSION said %u.%u", v.major, v.minor);
}

static void op_set_coord(Thr *t)
{
	Slot *s = pick_slot(t);
	__u64 flags = !mut(t, 40) ? 0 : 1ULL << rnd(&t->rng, 64);
	int fd = slot_get(s), r;

	r = mut(t, 6) ? do_ioctl(fd, BINDOX_IOC_SET_COORDINATOR, (void *)(uintptr_t)bad_ptr(t))
			    : do_ioctl(fd, BINDOX_IOC_SET_COORDINATOR, &flags);
	if (r == 0)
		atomic_store(&s->is_coord, true);
	slot_put(s);
	count(OP_SET_COORD, r);
}

static void op_call(Thr *t, bool to_coord)
{
	Slot *s = pick_slot(t);
	struct bindox_call_args a;
	int fd, r;

	memset(&a, 0, sizeof(a));
	if (t->clean && !to_coord) {
		/* Nothing to call yet: look a service up. */
		pthread_mutex_lock(&s->lock);
		to_coord = s->handles.n == 0;
		pthread_mutex_unlock(&s->lock);
	}
	a.tx.handle = to_coord ? BINDOX_HANDLE_COORDINATOR : pick_handle(t, s);
	if (mut(t, 6))
		a.tx.flags = 1U << rnd(&t->rng, 32);
	a.timeout_ns = pick_timeout_call(t);
	if (mut(t, 4))
		a.reply.reserved = 1;
	gen_recv_payload(t, &a.reply.payload);
	fd = slot_get(s);
	gen_payload(t, s, &a.tx.payload, to_coord ? PL_COORD_REQ : PL_PLAIN);
	r = mut(t, 2) ? do_ioctl(fd, BINDOX_IOC_CALL, (void *)(uintptr_t)bad_ptr(t))
			    : do_ioctl(fd, BINDOX_IOC_CALL, &a);
	if (r == 0)
		absorb(t, s, &a.reply, op_names[OP_CALL]);
	forget_handle(t, s, &a.tx.payload, a.tx.handle, r);
	slot_put(s);
	count(to_coord ? OP_CALL_COORD : OP_CALL, r);
}

static void op_send(Thr *t)
{
	Slot *s = pick_slot(t);
	struct bindox_transaction tx;
	bool to_coord;
	int fd, r;

	memset(&tx, 0, sizeof(tx));
	pthread_mutex_lock(&s->lock);
	to_coord = s->handles.n == 0 || pct(&t->rng, 10);
	pthread_mutex_unlock(&s->lock);
	tx.handle = to_coord ? BINDOX_HANDLE_COORDINATOR : pick_handle(t, s);
	tx.flags = !mut(t, 10) ? BINDOX_TF_ONEWAY : (uint32_t)rng_next(&t->rng);
	fd = slot_get(s);
	gen_payload(t, s, &tx.payload, tx.handle == 0 && !mut(t, 50) ? PL_COORD_REQ : PL_PLAIN);
	r = do_ioctl(fd, BINDOX_IOC_SEND, &tx);
	forget_handle(t, s, &tx.payload, tx.handle, r);
	slot_put(s);
	count(OP_SEND, r);
}

/* Answer @id on @s (or only receive if 0) and receive with @timeout. */
static int reply_recv(Thr *t, Slot *s, int fd, uint64_t id, int64_t timeout, int op)
{
	struct bindox_reply_recv_args a;
	int r;

	memset(&a, 0, sizeof(a));
	a.reply_id = id;
	if (mut(t, 4))
		a.reserved = 1;
	if (mut(t, 4))
		a.msg.reserved = 1;
	gen_payload(t, s, &a.reply,
		    atomic_load(&s->is_coord) && pct(&t->rng, 50) ? PL_COORD_REPLY : PL_PLAIN);
	if (pct(&t->rng, 60)) {	/* mostly small replies: keep the big ones rare */
		a.reply.data_size = a.reply.data_size > 256 ? 256 : a.reply.data_size;
		if (a.reply.offsets_count > 4 && a.reply.offsets_count <= OFFS_CAP)
			a.reply.offsets_count = 4;
	}
	gen_recv_payload(t, &a.msg.payload);
	a.timeout_ns = timeout;
	r = do_ioctl(fd, BINDOX_IOC_REPLY_RECV, &a);
	if (r == 0) {
		absorb(t, s, &a.msg, op_names[op]);
		if (a.msg.type == BINDOX_MSG_CALL)
			keep_call(s, a.msg.id);
	}
	count(op, r);
	return r;
}

static void op_recv(Thr *t)
{
	Slot *s = pick_slot(t);
	struct bindox_recv_args a;
	int fd, r;

	memset(&a, 0, sizeof(a));
	gen_recv_payload(t, &a.msg.payload);
	a.timeout_ns = pick_timeout_recv(t);
	if (mut(t, 4))
		a.msg.reserved = 1;
	fd = slot_get(s);
	r = do_ioctl(fd, BINDOX_IOC_RECV, &a);
	if (r == 0) {
		absorb(t, s, &a.msg, op_names[OP_RECV]);
		/* Answer a call at once, half of the time. */
		if (a.msg.type == BINDOX_MSG_CALL && pct(&t->rng, 50))
			reply_recv(t, s, fd, a.msg.id, 0, OP_REPLY_RECV);
		else if (a.msg.type == BINDOX_MSG_CALL)
			keep_call(s, a.msg.id);
	}
	slot_put(s);
	count(OP_RECV, r);
}

static void op_reply_recv(Thr *t)
{
	Slot *s = pick_slot(t);
	uint64_t id = 0;
	bool have;
	int fd;

	pthread_mutex_lock(&s->lock);
	have = pool_pick(&s->calls, &t->rng, &id, NULL, pct(&t->rng, 70));
	pthread_mutex_unlock(&s->lock);
	if (!have || mut(t, 40)) {
		switch (rnd(&t->rng, 4)) {
		case 0:
			id = 0;
			break;
		case 1:
			id = (uint64_t)(1 + rnd(&t->rng, 8)) << 32 | (1 + rnd(&t->rng, 8));
			break;
		case 2:
			id = rng_next(&t->rng);
			break;
		default:
			id = near(t, id);
		}
	}
	fd = slot_get(s);
	reply_recv(t, s, fd, id, pick_timeout_recv(t), OP_REPLY_RECV);
	slot_put(s);
}

static void op_handle_release(Thr *t)
{
	Slot *s = pick_slot(t);
	struct bindox_handle_args a = { 0 };
	uint64_t v;
	bool have;
	int fd, r;

	pthread_mutex_lock(&s->lock);
	have = pool_pick(&s->handles, &t->rng, &v, NULL, pct(&t->rng, 80));
	pthread_mutex_unlock(&s->lock);
	a.handle = have && !mut(t, 40) ? (uint32_t)v : pick_handle(t, s);
	if (mut(t, 6))
		a.reserved = 1;
	fd = slot_get(s);
	r = do_ioctl(fd, BINDOX_IOC_HANDLE_RELEASE, &a);
	slot_put(s);
	count(OP_HANDLE_RELEASE, r);
}

static void op_death(Thr *t, bool subscribe)
{
	Slot *s = pick_slot(t);
	struct bindox_death_args a = { 0 };
	int fd, r;

	a.handle = pick_handle(t, s);
	if (!subscribe && t->clean) {
		uint64_t v;

		pthread_mutex_lock(&s->lock);
		if (pool_pick(&s->subs, &t->rng, &v, NULL, true))
			a.handle = (uint32_t)v;
		pthread_mutex_unlock(&s->lock);
	}
	a.cookie = t->clean ? a.handle : pct(&t->rng, 80) ? rnd(&t->rng, 4) : rng_next(&t->rng);
	if (mut(t, 6))
		a.reserved = 1;
	fd = slot_get(s);
	r = do_ioctl(fd, subscribe ? BINDOX_IOC_DEATH_SUBSCRIBE : BINDOX_IOC_DEATH_UNSUBSCRIBE, &a);
	slot_put(s);
	if (subscribe && r == 0 && a.cookie == a.handle) {
		pthread_mutex_lock(&s->lock);
		pool_add(&s->subs, a.handle, 0);
		pthread_mutex_unlock(&s->lock);
	}
	count(subscribe ? OP_DEATH_SUB : OP_DEATH_UNSUB, r);
}

/* A policy table: the default, allow-all, or random rules; then mutations. */
static void gen_policy(Thr *t, struct bindox_policy_load *a)
{
	static const char blob[] = "hostfz0fz1bindoxfz";
	Rng *r = &t->rng;
	uint32_t n = 0, i;

	memset(a, 0, sizeof(*a));
	memcpy(t->strings, blob, sizeof(blob) - 1);
	switch (t->clean ? rnd(r, 7) : rnd(r, 10)) {
	case 0:
	case 1:
	case 2:
	case 3:
		n = 0;
		break;
	case 4:
	case 5:
	case 6:
		n = 1;
		memset(&t->rules[0], 0, sizeof(t->rules[0]));
		t->rules[0].actions = BINDOX_POLICY_ACT_ALL;
		t->rules[0].flags = BINDOX_POLICY_RULE_ALLOW | BINDOX_POLICY_RULE_PREFIX |
				    BINDOX_POLICY_RULE_ANY_PEER;
		break;
	default:
		n = 1 + rnd(r, 8);
		for (i = 0; i < n; i++) {
			struct bindox_policy_rule *p = &t->rules[i];

			memset(p, 0, sizeof(*p));
			p->actions = 1 + rnd(r, BINDOX_POLICY_ACT_ALL);
			p->flags = rnd(r, BINDOX_POLICY_RULE_ALL_FLAGS + 1) |
				   (pct(r, 70) ? BINDOX_POLICY_RULE_ALLOW : 0);
			p->uid = rnd(r, 3) ? 0 : 1000;
			p->gid = rnd(r, 3) ? 0 : 1000;
			if (pct(r, 30)) {
				p->domain_off = 0;
				p->domain_len = 4;
			}
			p->service_off = 4 + 3 * rnd(r, 2);
			p->service_len = pct(r, 50) ? 2 : 3;
			if (pct(r, 20)) {
				p->peer_domain_off = 10;
				p->peer_domain_len = 6;
			}
			p->source = i;
			if (pct(r, 20)) {
				switch (rnd(r, 7)) {
				case 0:
					p->actions = pct(r, 50) ? 0 : 1U << rnd(r, 32);
					break;
				case 1:
					p->flags |= 1U << (5 + rnd(r, 27));
					break;
				case 2:
					p->service_off = sizeof(blob) - 2 + rnd(r, 4);
					break;
				case 3:
					p->domain_len = UINT32_MAX - rnd(r, 4);
					break;
				case 4:
					p->reserved = 1;
					break;
				case 5:
					p->service_len = 0;
					break;
				default:	/* a name that is not [A-Za-z0-9._-] */
					t->strings[p->service_off] = '/';
				}
			}
		}
	}
	a->rules_ptr = (uintptr_t)t->rules;
	a->strings_ptr = (uintptr_t)t->strings;
	a->rule_count = n;
	a->strings_size = sizeof(blob) - 1;
	if (mut(t, 20)) {
		switch (rnd(r, 6)) {
		case 0:
			a->rule_count = BINDOX_POLICY_MAX_RULES + 1;
			break;
		case 1:
			a->rule_count = pct(r, 50) ? BINDOX_POLICY_MAX_RULES : 9 + rnd(r, 100);
			break;
		case 2:
			a->strings_size = BINDOX_POLICY_MAX_STRINGS + rnd(r, 2);
			break;
		case 3:
			a->rules_ptr = bad_ptr(t);
			break;
		case 4:
			a->strings_ptr = bad_ptr(t);
			break;
		default:
			a->generation = rng_next(r);
		}
	}
}

static void op_policy_load(Thr *t)
{
	struct bindox_policy_load a;
	int r;

	gen_policy(t, &a);
	if (pct(&t->rng, 50)) {
		pthread_rwlock_rdlock(&coord.life);
		r = coord.co ? do_ioctl(bindox_conn_fd(coord.co->conn), BINDOX_IOC_POLICY_LOAD, &a)
			     : -EPERM;
		pthread_rwlock_unlock(&coord.life);
	} else {
		Slot *s = pick_slot(t);
		int fd = slot_get(s);

		r = do_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &a);
		slot_put(s);
	}
	count(OP_POLICY_LOAD, r);
}

static void op_buf_alloc(Thr *t)
{
	static const uint64_t sizes[] = { 1, PAGE, PAGE + 1, 2UL << 20, (2UL << 20) + PAGE };
	Slot *s = pick_slot(t);
	struct bindox_buffer_alloc a = { 0 };
	Rng *r = &t->rng;
	uint32_t x = rnd(r, 100);
	int fd, ret;

	if (t->clean)
		x = x * 90 / 100;
	if (x < 50)
		a.size = sizes[rnd(r, 3)];
	else if (x < 80)
		a.size = 1 + rnd(r, 64 * 1024);
	else if (x < 90)
		a.size = sizes[3 + rnd(r, 2)];
	else if (x < 93)
		a.size = (8UL << 20) + rnd(r, 24UL << 20);
	else if (x < 96)
		a.size = 0;
	else
		a.size = pct(r, 50) ? UINT64_MAX - rnd(r, PAGE) : 1ULL << (33 + rnd(r, 30));
	if (mut(t, 6))
		a.flags = 1U << rnd(r, 32);
	if (mut(t, 4))
		a.id = 1;
	fd = slot_get(s);
	ret = mut(t, 4) ? do_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, (void *)(uintptr_t)bad_ptr(t))
			: do_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a);
	if (ret == 0) {
		if (!a.id || a.size % PAGE || a.offset != (uint64_t)a.id * PAGE)
			finding("BUFFER_ALLOC gave id %u size %" PRIu64 " offset %#" PRIx64, a.id,
				(uint64_t)a.size, (uint64_t)a.offset);
		pthread_mutex_lock(&s->lock);
		pool_add(&s->bufs, a.id, a.size);
		pthread_mutex_unlock(&s->lock);
	}
	slot_put(s);
	count(OP_BUF_ALLOC, ret);
}

static void op_buf_info(Thr *t, bool release)
{
	Slot *s = pick_slot(t);
	struct bindox_buffer_info a = { 0 };
	uint64_t v = 0, size = 0;
	bool have = false;
	int fd, r;

	if (release) {
		pthread_mutex_lock(&s->lock);
		have = pool_pick(&s->bufs, &t->rng, &v, &size, pct(&t->rng, 80));
		pthread_mutex_unlock(&s->lock);
	}
	a.id = have && !mut(t, 40) ? (uint32_t)v : pick_buf(t, s, NULL);
	if (mut(t, 6)) {
		a.flags = 1;
		a.size = 4096;
	}
	fd = slot_get(s);
	r = do_ioctl(fd, release ? BINDOX_IOC_BUFFER_RELEASE : BINDOX_IOC_BUFFER_INFO, &a);
	slot_put(s);
	if (t->clean && r == -EINVAL) {	/* gone: forget it */
		pthread_mutex_lock(&s->lock);
		pool_remove(&s->bufs, a.id);
		pthread_mutex_unlock(&s->lock);
	}
	count(release ? OP_BUF_RELEASE : OP_BUF_INFO, r);
	if (!release && r == 0 &&
	    ((a.flags & ~(BINDOX_BUF_WRITABLE | BINDOX_BUF_SEALED | BINDOX_BUF_MOVED)) ||
	     !a.size || a.size % PAGE || a.offset != (uint64_t)a.id * PAGE))
		finding("BUFFER_INFO of %u: flags %#x size %" PRIu64 " offset %#" PRIx64, a.id,
			a.flags, (uint64_t)a.size, (uint64_t)a.offset);
}

/* Remember a mapping; if the table is full, unmap it at once. */
static void maps_add(void *addr, size_t len)
{
	len = (len + PAGE - 1) / PAGE * PAGE;
	pthread_mutex_lock(&maps.lock);
	if (maps.n < MAPS_MAX) {
		maps.m[maps.n].addr = addr;
		maps.m[maps.n].len = len;
		maps.n++;
		addr = NULL;
	}
	pthread_mutex_unlock(&maps.lock);
	if (addr)
		munmap(addr, len);
}

/* The mapping of the table that starts at @addr, or NULL; maps.lock held. */
static Mapping *maps_starting_at(uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < maps.n; i++)
		if ((uintptr_t)maps.m[i].addr == addr)
			return &maps.m[i];
	return NULL;
}

static uint64_t pick_map_size(Thr *t, uint64_t size)
{
	if (size == 0 || size > (64ULL << 20))
		size = PAGE;
	switch (t->clean ? 2 + rnd(&t->rng, 10) : rnd(&t->rng, 12)) {
	case 0:
		return 0;
	case 1:
		return size + 1 + rnd(&t->rng, 2 * PAGE);
	case 2:
		return 1 + rnd(&t->rng, (uint32_t)(size < PAGE ? PAGE : size));
	case 3:
		return PAGE;
	case 4:
		return UINT64_MAX - rnd(&t->rng, PAGE);
	default:
		return size;
	}
}

static void op_buf_map(Thr *t)
{
	Slot *s = pick_slot(t);
	struct bindox_buffer_map_args a = { 0 };
	Rng *r = &t->rng;
	uint64_t size;
	bool reuse = false;
	unsigned int mi = 0;
	Mapping *m;
	int fd, ret;

	a.id = pick_buf(t, s, &size);
	a.size = pick_map_size(t, size);
	a.flags = pct(r, 50) ? BINDOX_MAP_WRITE : 0;
	if (mut(t, 6))
		a.flags |= 1U << rnd(r, 32);
	if (mut(t, 4))
		a.addr = (uintptr_t)(t->data + PAGE * rnd(r, 4));
	fd = slot_get(s);
	if (pct(r, 20)) {
		/* Reuse one of our mappings (whole, or not quite). */
		pthread_mutex_lock(&maps.lock);
		if (maps.n) {
			mi = rnd(r, maps.n);
			reuse = true;
			a.flags |= BINDOX_MAP_REUSE;
			a.addr = (uintptr_t)maps.m[mi].addr + (mut(t, 20) ? PAGE : 0);
			a.size = !mut(t, 40) ? maps.m[mi].len : a.size;
			ret = do_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &a);
			/*
			 * One page further on can be another mapping of ours,
			 * placed in a hole that munmap left: that one is fine.
			 */
			m = ret == 0 ? maps_starting_at(a.addr) : NULL;
			if (ret == 0 && !m)
				finding("BUFFER_MAP reused %p at %#" PRIx64,
					(void *)maps.m[mi].addr, (uint64_t)a.addr);
			if (m)
				m->len = (a.size + PAGE - 1) / PAGE * PAGE;
		} else {
			ret = do_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &a);
		}
		pthread_mutex_unlock(&maps.lock);
	} else {
		ret = do_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &a);
	}
	slot_put(s);
	count(OP_BUF_MAP, ret);
	if (ret == 0 && !reuse)
		maps_add((void *)(uintptr_t)a.addr, a.size);
}

static void op_mmap(Thr *t)
{
	Slot *s = pick_slot(t);
	Rng *r = &t->rng;
	uint64_t size;
	uint32_t id = pick_buf(t, s, &size);
	uint64_t len = pick_map_size(t, size);
	int prot = pct(r, 50) ? PROT_READ | PROT_WRITE : PROT_READ;
	int flags = !mut(t, 10) ? MAP_SHARED : MAP_PRIVATE;
	off_t off = (off_t)id * (off_t)PAGE;
	void *p;
	int fd, ret;

	if (len > (1ULL << 40))
		len = 1ULL << 40;
	if (mut(t, 6))
		off += (off_t)(1 + rnd(r, PAGE - 1));	/* not page-aligned */
	fd = slot_get(s);
	p = mmap(NULL, len, prot, flags, fd, off);
	ret = p == MAP_FAILED ? -errno : 0;
	slot_put(s);
	count(OP_MMAP, ret);
	if (ret == 0)
		maps_add(p, len);
}

static void op_munmap(Thr *t)
{
	Rng *r = &t->rng;
	int ret = 0;

	pthread_mutex_lock(&maps.lock);
	if (maps.n) {
		unsigned int i = rnd(r, maps.n);
		Mapping *m = &maps.m[i];
		size_t pages = m->len / PAGE;

		if (pages > 1 && pct(r, 30)) {
			/* The tail, or a hole that splits it in two. */
			size_t from = 1 + rnd(r, (uint32_t)pages - 1);
			size_t to = from + 1 + rnd(r, (uint32_t)(pages - from));

			ret = munmap(m->addr + from * PAGE, (to - from) * PAGE) < 0 ? -errno : 0;
			if (ret == 0) {
				if (to < pages && maps.n < MAPS_MAX) {
					maps.m[maps.n].addr = m->addr + to * PAGE;
					maps.m[maps.n].len = (pages - to) * PAGE;
					maps.n++;
				} else if (to < pages) {
					munmap(m->addr + to * PAGE, (pages - to) * PAGE);
				}
				m->len = from * PAGE;
			}
		} else {
			ret = munmap(m->addr, m->len) < 0 ? -errno : 0;
			if (ret == 0)
				*m = maps.m[--maps.n];
		}
	}
	pthread_mutex_unlock(&maps.lock);
	count(OP_MUNMAP, ret);
}

static void op_mprotect(Thr *t)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE, PROT_WRITE };
	Rng *r = &t->rng;
	int ret = 0;

	pthread_mutex_lock(&maps.lock);
	if (maps.n) {
		Mapping *m = &maps.m[rnd(r, maps.n)];
		size_t pages = m->len / PAGE;
		size_t from = pct(r, 70) ? 0 : rnd(r, (uint32_t)pages);
		size_t n = pct(r, 70) ? pages - from : 1 + rnd(r, (uint32_t)(pages - from));

		ret = mprotect(m->addr + from * PAGE, n * PAGE, prots[rnd(r, 4)]) < 0 ? -errno : 0;
	}
	pthread_mutex_unlock(&maps.lock);
	count(OP_MPROTECT, ret);
}

static _Thread_local sigjmp_buf probe_jmp;
static _Thread_local volatile sig_atomic_t probing;

static void on_fault(int sig)
{
	if (probing) {
		probing = 0;
		siglongjmp(probe_jmp, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Write @v to @p, or read it into *@out (if not NULL): 0, or the signal it
 * raised as -FZ_SIG*.
 */
static int probe_rw(volatile uint8_t *p, bool write, uint8_t v, uint8_t *out)
{
	int sig = sigsetjmp(probe_jmp, 1);

	if (sig)
		return sig == SIGBUS ? -FZ_SIGBUS : -FZ_SIGSEGV;
	probing = 1;
	if (write)
		*p = v;
	else if (out)
		*out = *p;
	else
		(void)*p;
	probing = 0;
	return 0;
}

static int probe(volatile uint8_t *p, bool write, uint8_t v)
{
	return probe_rw(p, write, v, NULL);
}

static void op_touch(Thr *t)
{
	Rng *r = &t->rng;
	int ret = 0;

	pthread_mutex_lock(&maps.lock);
	if (maps.n) {
		Mapping *m = &maps.m[rnd(r, maps.n)];
		size_t off = (size_t)rnd(r, (uint32_t)(m->len / PAGE)) * PAGE + rnd(r, PAGE);

		ret = probe(m->addr + off, pct(r, 50), (uint8_t)rng_next(r));
	}
	pthread_mutex_unlock(&maps.lock);
	count(OP_TOUCH, ret);
}


/* Files the kernel-access operations use (opened by the test). */
static int fd_self_mem = -1, fd_zero = -1;

/* mremap(2) of a mapping: shrink, grow, move, keep the old one. */
static void op_mremap(Thr *t)
{
	Rng *r = &t->rng;
	int ret = 0;

	pthread_mutex_lock(&maps.lock);
	if (maps.n) {
		Mapping *m = &maps.m[rnd(r, maps.n)];
		size_t len = m->len, nlen;
		int flags;
		void *p;

		switch (rnd(r, 4)) {
		case 0:
			nlen = len > PAGE ? len / 2 / PAGE * PAGE : PAGE;
			break;
		case 1:
			nlen = len + PAGE;
			break;
		case 2:
			nlen = 2 * len;
			break;
		default:
			nlen = len;
		}
		switch (rnd(r, 10)) {
		case 0:
		case 1:
			flags = 0;
			break;
		case 2:
			flags = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
			nlen = len;
			break;
		default:
			flags = MREMAP_MAYMOVE;
		}
		p = mremap(m->addr, len, nlen, flags);
		ret = p == MAP_FAILED ? -errno : 0;
		if (ret == 0 && (flags & MREMAP_DONTUNMAP)) {
			/* The old range stays mapped (empty): remember both. */
			if (maps.n < MAPS_MAX) {
				maps.m[maps.n].addr = p;
				maps.m[maps.n].len = nlen;
				maps.n++;
			} else {
				munmap(p, nlen);
			}
		} else if (ret == 0) {
			m->addr = p;
			m->len = nlen;
		}
	}
	pthread_mutex_unlock(&maps.lock);
	count(OP_MREMAP, ret);
}

static void op_madvise(Thr *t)
{
	static const int advice[] = {
		MADV_DONTNEED,	 MADV_REMOVE,	  MADV_WILLNEED,       MADV_SEQUENTIAL,
		MADV_DONTFORK,	 MADV_DOFORK,	  MADV_WIPEONFORK,     MADV_KEEPONFORK,
		MADV_HUGEPAGE,	 MADV_NOHUGEPAGE, MADV_COLD,	       MADV_PAGEOUT,
		MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_FREE,    MADV_MERGEABLE,
		MADV_DONTDUMP,	 MADV_NORMAL,
	};
	Rng *r = &t->rng;
	int ret = 0;

	pthread_mutex_lock(&maps.lock);
	if (maps.n) {
		Mapping *m = &maps.m[rnd(r, maps.n)];
		size_t pages = m->len / PAGE;
		size_t from = pct(r, 60) ? 0 : rnd(r, (uint32_t)pages);
		size_t n = pct(r, 60) ? pages - from : 1 + rnd(r, (uint32_t)(pages - from));
		int adv = advice[rnd(r, sizeof(advice) / sizeof(advice[0]))];

		ret = madvise(m->addr + from * PAGE, n * PAGE, adv) < 0 ? -errno : 0;
	}
	pthread_mutex_unlock(&maps.lock);
	count(OP_MADVISE, ret);
}

/* process_vm_readv/writev of @len bytes at @addr: bytes moved or -errno. */
static ssize_t vm_rw(void *local, void *addr, size_t len, bool write)
{
	struct iovec l = { .iov_base = local, .iov_len = len };
	struct iovec rm = { .iov_base = addr, .iov_len = len };
	ssize_t n = write ? process_vm_writev(getpid(), &l, 1, &rm, 1, 0)
			  : process_vm_readv(getpid(), &l, 1, &rm, 1, 0);

	return n < 0 ? -errno : n;
}

static ssize_t mem_rw(void *local, void *addr, size_t len, bool write)
{
	ssize_t n = write ? pwrite(fd_self_mem, local, len, (off_t)(uintptr_t)addr)
			  : pread(fd_self_mem, local, len, (off_t)(uintptr_t)addr);

	return n < 0 ? -errno : n;
}

/*
 * One byte at @p through the kernel (process_vm_* or /proc/self/mem),
 * checked against a plain access just before: where a load or store
 * raises SIGBUS (the driver refused the fault: a revoked, released or
 * sealed buffer) the kernel's own access must fail too, and a store that
 * went through must be there to read. The maps lock is held, so nothing
 * gives the mapping access back meanwhile.
 */
static int gup_checked(Thr *t, uint8_t *p, bool write, bool via_mem)
{
	uint8_t v = (uint8_t)rng_next(&t->rng), w = (uint8_t)(v + 1), got = 0;
	int direct = probe(p, write, v);
	ssize_t n = via_mem ? mem_rw(write ? &w : &got, p, 1, write)
			    : vm_rw(write ? &w : &got, p, 1, write);
	const char *how = via_mem ? "/proc/self/mem" : write ? "process_vm_writev" : "process_vm_readv";

	if (n == 1 && direct == -FZ_SIGBUS)
		finding("%s %s a buffer mapping at %p where a %s raises SIGBUS", how,
			write ? "wrote" : "read", (void *)p, write ? "store" : "load");
	if (n == 1 && write && direct == 0 && probe_rw(p, false, 0, &got) == 0 && got != w)
		finding("%s wrote %#x at %p but %#x is there", how, w, (void *)p, got);
	return n < 0 ? (int)n : 0;
}

static void op_gup(Thr *t)
{
	Rng *r = &t->rng;
	int ret = 0;

	pthread_mutex_lock(&maps.lock);
	if (maps.n) {
		Mapping *m = &maps.m[rnd(r, maps.n)];
		size_t off = (size_t)rnd(r, (uint32_t)(m->len / PAGE)) * PAGE + rnd(r, PAGE);
		size_t len = 1 + rnd(r, (uint32_t)(m->len - off < PAGE ? m->len - off : PAGE));
		uint8_t *p = m->addr + off;
		struct iovec iov = { .iov_base = p, .iov_len = len };
		unsigned char vec[16];
		ssize_t n;

		switch (rnd(r, 11)) {
		case 0:
		case 1:
			ret = gup_checked(t, p, pct(r, 50), false);
			break;
		case 2:
		case 3:
			ret = gup_checked(t, p, pct(r, 50), true);
			break;
		case 4:	/* copy_to_user into the mapping */
			n = read(fd_zero, p, len);
			ret = n < 0 ? -errno : 0;
			break;
		case 5:	/* copy_from_user out of it */
			n = write(t->pipe[1], p, len);
			ret = n < 0 ? -errno : 0;
			while (read(t->pipe[0], t->rdata, PAGE) > 0)
				;
			break;
		case 6:	/* the pipe takes references to the pages */
			n = vmsplice(t->pipe[1], &iov, 1, SPLICE_F_NONBLOCK);
			ret = n < 0 ? -errno : 0;
			while (read(t->pipe[0], t->rdata, PAGE) > 0)
				;
			break;
		case 7:
			ret = mincore(m->addr, m->len < 16 * PAGE ? m->len : 16 * PAGE, vec) < 0 ? -errno
												 : 0;
			break;
		case 8:
			ret = msync(m->addr, m->len, pct(r, 50) ? MS_SYNC : MS_INVALIDATE) < 0 ? -errno
											     : 0;
			break;
		case 9:
			ret = mlock(m->addr, m->len) < 0 ? -errno : 0;
			if (ret == 0 && pct(r, 70))
				munlock(m->addr, m->len);
			break;
		default:
			ret = munlock(m->addr, m->len) < 0 ? -errno : 0;
		}
	}
	pthread_mutex_unlock(&maps.lock);
	count(OP_GUP, ret);
}

/*
 * Fork a child that inherits the mappings and the fds: it touches some of
 * the mappings and, on an inherited fd (the same proc, another process),
 * maps a buffer, asks for its info or receives, then exits. Only system
 * calls in the child: the other threads may hold any lock at the fork.
 */
static void op_fork(Thr *t)
{
	Rng *r = &t->rng;
	Slot *s = pick_slot(t);
	volatile uint8_t *touch[3] = { NULL, NULL, NULL };
	bool write[3] = { false, false, false };
	struct bindox_buffer_map_args map = { 0 };
	struct bindox_buffer_info info = { 0 };
	struct bindox_recv_args recv = { 0 };
	uint64_t size;
	unsigned int i, what = rnd(r, 3);
	int fd, st, ret;
	pid_t pid;

	map.id = info.id = pick_buf(t, s, &size);
	map.size = pick_map_size(t, size);
	map.flags = pct(r, 50) ? BINDOX_MAP_WRITE : 0;
	pthread_mutex_lock(&maps.lock);
	for (i = 0; i < 3 && maps.n; i++) {
		Mapping *m = &maps.m[rnd(r, maps.n)];

		touch[i] = m->addr + (size_t)rnd(r, (uint32_t)(m->len / PAGE)) * PAGE;
		write[i] = pct(r, 50);
	}
	fd = slot_get(s);
	pid = fork();
	if (pid == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		sigaction(SIGBUS, &dfl, NULL);
		sigaction(SIGSEGV, &dfl, NULL);
		if (what == 0)
			ioctl(fd, BINDOX_IOC_BUFFER_MAP, &map);
		else if (what == 1)
			ioctl(fd, BINDOX_IOC_BUFFER_INFO, &info);
		else
			ioctl(fd, BINDOX_IOC_RECV, &recv);	/* no capacity: EMSGSIZE or EAGAIN */
		for (i = 0; i < 3; i++) {
			if (!touch[i])
				continue;
			if (write[i])
				*touch[i] = 1;
			else
				(void)*touch[i];
		}
		if (map.addr)
			*(volatile uint8_t *)(uintptr_t)map.addr;
		_exit(0);
	}
	ret = pid < 0 ? -errno : 0;
	slot_put(s);
	if (pid > 0) {
		/* With the maps lock held: the child's stores are its only ones. */
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(st))
			ret = WTERMSIG(st) == SIGBUS ? -FZ_SIGBUS : WTERMSIG(st) == SIGSEGV ? -FZ_SIGSEGV
											      : -EIO;
		else if (WEXITSTATUS(st) != 0)
			ret = -EIO;
		if (ret == -EIO)
			finding("a forked child ended with status %#x", st);
	}
	pthread_mutex_unlock(&maps.lock);
	count(OP_FORK, ret);
}

static void op_poll(Thr *t)
{
	struct pollfd pfd[N_SLOTS];
	unsigned int i;
	int r;

	(void)t;
	for (i = 0; i < N_SLOTS; i++)
		pthread_rwlock_rdlock(&slots[i].life);
	for (i = 0; i < N_SLOTS; i++) {
		pfd[i].fd = slots[i].fd;
		pfd[i].events = POLLIN;
	}
	r = poll(pfd, N_SLOTS, 0) < 0 ? -errno : 0;
	for (i = 0; i < N_SLOTS; i++)
		pthread_rwlock_unlock(&slots[i].life);
	count(OP_POLL, r);
}

static void op_bad_ioctl(Thr *t)
{
	static const unsigned long reqs[] = {
		_IOWR(BINDOX_IOC_MAGIC, 0x0a, __u64),
		_IOWR(BINDOX_IOC_MAGIC, 0x14, struct bindox_buffer_info),
		_IOWR(BINDOX_IOC_MAGIC, 0x02, struct bindox_transaction),	/* CALL's size */
		_IOR(BINDOX_IOC_MAGIC, 0x00, struct bindox_version),
		_IOWR('b', 0x02, struct bindox_call_args),
	};
	Slot *s = pick_slot(t);
	uint64_t arg[16] = { 0 };
	int fd = slot_get(s), r;

	r = do_ioctl(fd, reqs[rnd(&t->rng, 5)], arg);
	slot_put(s);
	count(OP_BAD_IOCTL, r);
}

static int slot_open(Slot *s)
{
	s->fd = bxt_try_open(BXT_DEVICE);
	return s->fd < 0 ? s->fd : 0;
}

/* A new proc: forget what the old one had, but for one stale value each. */
static void slot_forget(Slot *s)
{
	pthread_mutex_lock(&s->lock);
	s->handles.n = s->handles.n ? 1 : 0;
	s->bufs.n = s->bufs.n ? 1 : 0;
	s->calls.n = s->calls.n ? 1 : 0;
	s->subs.n = 0;
	s->subs.next = 0;
	s->handles.next = s->handles.n;
	s->bufs.next = s->bufs.n;
	s->calls.next = s->calls.n;
	pthread_mutex_unlock(&s->lock);
}

static void op_reopen(Thr *t)
{
	Slot *s = pick_slot(t);
	int r;

	pthread_rwlock_wrlock(&s->life);
	close(s->fd);
	atomic_store(&s->is_coord, false);
	r = slot_open(s);
	pthread_rwlock_unlock(&s->life);
	slot_forget(s);
	count(OP_REOPEN, r);
}

static void op_coord_restart(Thr *t)
{
	int r = 0;

	pthread_rwlock_wrlock(&coord.life);
	if (coord.co) {
		bxt_coord_stop(coord.co);
		coord.co = NULL;
		if (pct(&t->rng, 70))
			r = bxt_coord_start(&coord.co);
	} else {
		unsigned int i;

		/* A fuzzed fd holds the slot: close it first. */
		for (i = 0; i < N_SLOTS; i++) {
			Slot *s = &slots[i];

			if (!atomic_load(&s->is_coord))
				continue;
			pthread_rwlock_wrlock(&s->life);
			close(s->fd);
			atomic_store(&s->is_coord, false);
			if (slot_open(s) < 0)
				finding("re-opening %s failed", BXT_DEVICE);
			pthread_rwlock_unlock(&s->life);
			slot_forget(s);
		}
		r = bxt_coord_start(&coord.co);
	}
	if (r < 0)
		coord.co = NULL;
	pthread_rwlock_unlock(&coord.life);
	count(OP_COORD_RESTART, r);
}

/* ---- the threads ---- */

static unsigned int op_total_weight;

static int pick_op(Thr *t)
{
	uint32_t x = rnd(&t->rng, op_total_weight);
	int op;

	for (op = 0; op < N_OPS; op++) {
		if (x < op_weights[op])
			return op;
		x -= op_weights[op];
	}
	return OP_VERSION;
}

static void *worker(void *arg)
{
	Thr *t = arg;

	while (budget_left()) {
		t->clean = pct(&t->rng, 65);
		thread_clean = t->clean;
		switch (pick_op(t)) {
		case OP_VERSION: op_version(t); break;
		case OP_SET_COORD: op_set_coord(t); break;
		case OP_CALL: op_call(t, false); break;
		case OP_CALL_COORD: op_call(t, true); break;
		case OP_SEND: op_send(t); break;
		case OP_RECV: op_recv(t); break;
		case OP_REPLY_RECV: op_reply_recv(t); break;
		case OP_HANDLE_RELEASE: op_handle_release(t); break;
		case OP_DEATH_SUB: op_death(t, true); break;
		case OP_DEATH_UNSUB: op_death(t, false); break;
		case OP_POLICY_LOAD: op_policy_load(t); break;
		case OP_BUF_ALLOC: op_buf_alloc(t); break;
		case OP_BUF_RELEASE: op_buf_info(t, true); break;
		case OP_BUF_INFO: op_buf_info(t, false); break;
		case OP_BUF_MAP: op_buf_map(t); break;
		case OP_MMAP: op_mmap(t); break;
		case OP_MUNMAP: op_munmap(t); break;
		case OP_MPROTECT: op_mprotect(t); break;
		case OP_TOUCH: op_touch(t); break;
		case OP_MREMAP: op_mremap(t); break;
		case OP_MADVISE: op_madvise(t); break;
		case OP_GUP: op_gup(t); break;
		case OP_FORK: op_fork(t); break;
		case OP_POLL: op_poll(t); break;
		case OP_BAD_IOCTL: op_bad_ioctl(t); break;
		case OP_REOPEN: op_reopen(t); break;
		case OP_COORD_RESTART: op_coord_restart(t); break;
		default: break;
		}
	}
	return NULL;
}

/*
 * A serving thread: REPLY_RECV on its slot with a few ms of timeout,
 * answering the call it got last time (mostly; some it leaves to the
 * workers or never answers).
 */
static void *server(void *arg)
{
	Thr *t = arg;
	Slot *s = &slots[t->index];
	uint64_t id = 0;

	while (!atomic_load(&stop_servers)) {
		struct bindox_reply_recv_args a;
		int fd = slot_get(s), r;

		memset(&a, 0, sizeof(a));
		a.reply_id = id;
		t->clean = pct(&t->rng, 70);
		thread_clean = t->clean;
		gen_payload(t, s, &a.reply,
			    atomic_load(&s->is_coord) && pct(&t->rng, 70) ? PL_COORD_REPLY
									: PL_PLAIN);
		if (pct(&t->rng, 70)) {
			a.reply.data_size = a.reply.data_size > 128 ? 128 : a.reply.data_size;
			if (a.reply.offsets_count > 2 && a.reply.offsets_count <= OFFS_CAP)
				a.reply.offsets_count = 2;
		}
		a.msg.payload.data_ptr = (uintptr_t)t->rdata;
		a.msg.payload.offsets_ptr = (uintptr_t)t->roffs;
		a.msg.payload.data_size = BINDOX_MAX_DATA_SIZE;
		a.msg.payload.offsets_count = BINDOX_MAX_OBJECTS;
		a.timeout_ns = (1 + rnd(&t->rng, 5)) * BXT_MS;
		r = do_ioctl(fd, BINDOX_IOC_REPLY_RECV, &a);
		if (r == 0)
			absorb(t, s, &a.msg, op_names[OP_SERVE]);
		slot_put(s);
		count(OP_SERVE, r);
		id = 0;
		if (r == 0 && a.msg.type == BINDOX_MSG_CALL) {
			if (pct(&t->rng, 90))
				id = a.msg.id;
			else
				keep_call(s, a.msg.id);
		}
	}
	return NULL;
}

/* ---- the test ---- */

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);
	char *end;
	uint64_t x;

	if (!v || !*v)
		return def;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "%s=%s is not a number; using %" PRIu64 "\n", name, v, def);
		return def;
	}
	return x;
}

static void print_tally(double secs)
{
	unsigned long total = atomic_load(&tally.total);
	int op;
	unsigned int c;

	printf("fuzz: %lu operations in %.1f s: %.0f per second\n", total, secs,
	       secs > 0 ? total / secs : 0.0);
	for (op = 0; op < N_OPS; op++) {
		unsigned long sum = 0;

		for (c = 0; c < N_CLASSES; c++)
			sum += atomic_load(&tally.n[op][c]);
		printf("  %-20s %8lu:", op_names[op], sum);
		for (c = 0; c < N_CLASSES; c++) {
			unsigned long n = atomic_load(&tally.n[op][c]);

			if (n)
				printf(" %s %lu", class_name(c), n);
		}
		if (atomic_load(&tally.clean[op]))
			printf(" (valid-meant %lu, ok %lu)", atomic_load(&tally.clean[op]),
			       atomic_load(&tally.clean_ok[op]));
		printf("\n");
	}
	fflush(stdout);
}

START_TEST(fuzz_ioctls)
{
	uint64_t seed = env_u64("BINDOX_FUZZ_SEED", FUZZ_SEED);
	unsigned long n_threads = env_u64("BINDOX_FUZZ_THREADS", FUZZ_THREADS_DEFAULT);
	Thr *workers, *servers;
	struct sigaction sa;
	int64_t start;
	unsigned int i;
	int op;

	tally.budget = env_u64("BINDOX_FUZZ_CALLS", FUZZ_CI_CALLS);
	if (n_threads < 1 || n_threads > FUZZ_THREADS_MAX)
		n_threads = FUZZ_THREADS_DEFAULT;
	printf("fuzz: BINDOX_FUZZ_SEED=%#" PRIx64 " BINDOX_FUZZ_CALLS=%lu BINDOX_FUZZ_THREADS=%lu\n",
	       seed, tally.budget, n_threads);
	fflush(stdout);
	allowed_init();
	for (op = 0; op < N_OPS; op++)
		op_total_weight += op_weights[op];
	for (i = 0; i < N_PARAMS; i++)
		BXT_OK(bxb_param_set(fuzz_params[i].name, fuzz_params[i].value));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	ck_assert_int_eq(sigaction(SIGBUS, &sa, NULL), 0);
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);

	fd_self_mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	fd_zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ck_assert(fd_self_mem >= 0 && fd_zero >= 0);
	pthread_rwlock_init(&coord.life, NULL);
	BXT_OK(bxt_coord_start(&coord.co));
	for (i = 0; i < N_SLOTS; i++) {
		pthread_rwlockattr_t attr;

		pthread_rwlockattr_init(&attr);
		pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&slots[i].life, &attr);
		pthread_rwlockattr_destroy(&attr);
		pthread_mutex_init(&slots[i].lock, NULL);
		slots[i].index = i;
		BXT_OK(slot_open(&slots[i]));
	}

	workers = calloc(n_threads, sizeof(*workers));
	servers = calloc(N_SERVERS, sizeof(*servers));
	ck_assert(workers && servers);
	start = bxt_now_ns();
	for (i = 0; i < N_SERVERS; i++) {
		BXT_OK(thr_init(&servers[i], seed ^ 0x5e5e5e5eULL, i));
		ck_assert_int_eq(pthread_create(&servers[i].thread, NULL, server, &servers[i]), 0);
	}
	for (i = 0; i < n_threads; i++) {
		BXT_OK(thr_init(&workers[i], seed, i));
		ck_assert_int_eq(pthread_create(&workers[i].thread, NULL, worker, &workers[i]), 0);
	}
	for (i = 0; i < n_threads; i++)
		pthread_join(workers[i].thread, NULL);
	atomic_store(&stop_servers, true);
	for (i = 0; i < N_SERVERS; i++)
		pthread_join(servers[i].thread, NULL);
	print_tally((bxt_now_ns() - start) / 1e9);

	for (i = 0; i < n_threads; i++)
		thr_free(&workers[i]);
	for (i = 0; i < N_SERVERS; i++)
		thr_free(&servers[i]);
	free(workers);
	free(servers);
	for (i = 0; i < maps.n; i++)
		munmap(maps.m[i].addr, maps.m[i].len);
	maps.n = 0;
	for (i = 0; i < N_SLOTS; i++)
		close(slots[i].fd);
	close(fd_self_mem);
	close(fd_zero);
	bxt_coord_stop(coord.co);
	coord.co = NULL;

	for (i = 0; i < tally.n_findings; i++)
		printf("fuzz: FOUND: %s\n", tally.findings[i]);
	fflush(stdout);
	ck_assert_msg(atomic_load(&tally.bad) == 0,
		      "%lu result(s) the UAPI does not allow, first: %s (seed %#" PRIx64 ")",
		      atomic_load(&tally.bad), tally.findings[0], seed);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *fuzz_suite(void)
{
	Suite *s = suite_create("fuzz");
	TCase *tc = bxt_tcase(s, "ioctls");
	uint64_t calls = env_u64("BINDOX_FUZZ_CALLS", FUZZ_CI_CALLS);

	/* A bound that only a hang reaches: 400 operations per second. */
	if (calls / 400 > BXT_TEST_TIMEOUT)
		tcase_set_timeout(tc, (double)(calls / 400));
	tcase_add_test(tc, fuzz_ioctls);
	return s;
}

/* The module parameters as they were before, restored after the run. */
static unsigned long saved[N_PARAMS];
static bool have_saved[N_PARAMS];

static bool param_read(const char *name, unsigned long *v)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/module/bindox/parameters/%s", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok;
}

int main(void)
{
	unsigned int i;
	int r;

	for (i = 0; i < N_PARAMS; i++)
		have_saved[i] = param_read(fuzz_params[i].name, &saved[i]);
	r = bxt_run(fuzz_suite());
	for (i = 0; i < N_PARAMS; i++)
		if (have_saved[i] && bxb_param_set(fuzz_params[i].name, saved[i]) < 0)
			fprintf(stderr, "test-fuzz: could not restore %s\n", fuzz_params[i].name);
	/* Leave the built-in default policy for the programs that run next. */
	{
		struct bindox_policy_load a = { 0 };
		int fd = bxt_try_open(BXT_DEVICE);

		if (fd >= 0) {
			if (bxt_claim(fd) == 0)
				(void)bxt_ioctl(fd, BINDOX_IOC_POLICY_LOAD, &a);
			close(fd);
		}
	}
	return r;
}
