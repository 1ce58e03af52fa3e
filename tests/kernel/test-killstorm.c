/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kill storm: processes that call, send one-way messages and move and
 * share buffers are killed with SIGKILL at random points, and the driver
 * must clean up after every one of them.
 *
 * Each round forks 1-2 servers and 1-3 clients (each with one or two
 * threads on one fd). Servers register a unique name with the Coordinator
 * (again now and then, in case it was restarted) and answer calls: they
 * map the buffers that come in, check their pattern, write into the moved
 * ones and move some back, release or keep the others, keep or release the
 * handles and nodes the requests carry and subscribe to the death of some.
 * Clients look the servers up and call them (small data with nodes and
 * handles, or a buffer moved or shared), send one-way messages, subscribe
 * to the servers' deaths and receive them. After a random delay (0 to
 * 300 ms, from the seed) the parent kills the round's processes in a
 * random order with random gaps, sometimes the Coordinator too (then it
 * starts a new one, at once while the others run or with the next round),
 * and reaps them: each must die of SIGKILL within BXT_LONG_MS. Every
 * LEAK_CHECK_EVERY rounds and at the end it also kills the Coordinator and
 * checks that every live-object counter is back to zero.
 *
 * Children report what they did, and anything the driver answered that
 * the UAPI does not allow for it, through shared memory: a call to a live
 * server that fails with anything but BINDOX_EDEADPEER, a pattern that
 * does not match, an errno out of place. The test fails on those.
 *
 * A second test checks what the storm needs of the harness: the children
 * it spawns write nothing to Check's results file.
 *
 * Environment: BINDOX_KILLSTORM_SEED (default KS_SEED) and
 * BINDOX_KILLSTORM_ROUNDS (default KS_CI_ROUNDS).
 *
 * Cost: in the QEMU TCG guest of tests/vm (2 vCPUs, slub_debug=FZPU) a
 * round takes 0.14 s (its forks, the delay, the kills and the reaping;
 * measured with the host's two cores shared with a second VM), so CI's
 * KS_CI_ROUNDS (1,000) take about 2 minutes 20 s of guest time;
 * tests/stress/run-killstorm-long.sh runs more rounds with more seeds.
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-rng.h"

#define KS_SEED 0x6b111ULL
#define KS_CI_ROUNDS 1000UL
#define LEAK_CHECK_EVERY 50
#define MAX_SERVERS 2
#define MAX_CLIENTS 3
#define PAGE 4096UL
#define SERVER_COOKIE 0x5e17e5ULL
#define CLIENT_COOKIE 0xc11e47ULL
#define DEATH_COOKIE 0xdeadULL
#define KEEP_MAX 8
#define CALL_TIMEOUT_NS (10 * BXT_SEC)
#define KID_LIFETIME_NS (60 * BXT_SEC)	/* nobody lives that long: the parent kills */

/* ---- what the children did, in memory shared with the parent ---- */

enum {
	ST_REGISTER,
	ST_LOOKUP,
	ST_CALL,
	ST_CALL_DEAD,
	ST_CALL_FULL,
	ST_ONEWAY,
	ST_BUF_MOVE,
	ST_BUF_SHARE,
	ST_BUF_BACK,
	ST_BUF_KEPT,
	ST_SERVED,
	ST_DEATHS,
	ST_NODES_SENT,
	N_ST
};

static const char *const st_names[N_ST] = {
	[ST_REGISTER] = "registrations",
	[ST_LOOKUP] = "lookups",
	[ST_CALL] = "calls answered",
	[ST_CALL_DEAD] = "calls to dead servers",
	[ST_CALL_FULL] = "sends to full queues",
	[ST_ONEWAY] = "one-way messages",
	[ST_BUF_MOVE] = "buffers moved",
	[ST_BUF_SHARE] = "buffers shared",
	[ST_BUF_BACK] = "buffers moved back",
	[ST_BUF_KEPT] = "buffers kept by servers",
	[ST_SERVED] = "calls served",
	[ST_DEATHS] = "death notifications",
	[ST_NODES_SENT] = "nodes and handles sent",
};

typedef struct Shared {
	atomic_ulong st[N_ST];
	atomic_uint bad;
	char first_bad[256];
} Shared;

static Shared *shared;

static void stat_add(int st)
{
	atomic_fetch_add_explicit(&shared->st[st], 1, memory_order_relaxed);
}

/* In a child: something the UAPI does not allow happened. */
static void bad(int round, const char *what, int r)
{
	char msg[sizeof(shared->first_bad)];

	snprintf(msg, sizeof(msg), "round %d, pid %d: %s: %d (%s)", round, (int)getpid(), what,
		 r, bxt_errname(r));
	fprintf(stderr, "killstorm: %s\n", msg);
	if (atomic_fetch_add(&shared->bad, 1) == 0)
		memcpy(shared->first_bad, msg, sizeof(msg));
}

/* ---- the processes of a round ---- */

typedef struct Kid {
	bool server;
	int index;
	int round;
	int n_threads;
	uint64_t seed;
	int n_servers;
	char names[MAX_SERVERS][64];
} Kid;

/* What the threads of one child share. */
typedef struct Proc {
	const Kid *kid;
	int fd;
	uint32_t h[MAX_SERVERS];	/* clients: handles to the servers (0: none) */
	atomic_bool dead[MAX_SERVERS];	/* clients: a death was delivered */
	atomic_int n_kept;		/* servers: buffers kept */
} Proc;

typedef struct KidThread {
	Proc *p;
	int index;
	Rng rng;
	pthread_t thread;
	BxtBuf req, rep;
} KidThread;

/* Request: header, then objects. Reply: header, then maybe a buffer. */
enum { CMD_ECHO = 1, CMD_BUF_RELEASE, CMD_BUF_KEEP, CMD_BUF_RETURN };

typedef struct KsReq {
	uint64_t seq;
	uint32_t cmd;
	uint32_t pattern;
} KsReq;

typedef struct KsRep {
	uint64_t seq;
	int32_t status;	/* 0, or the -errno of the server's step that failed */
	uint32_t line;
} KsRep;

static int buf_alloc(int fd, uint64_t size, uint32_t *id, uint64_t *real)
{
	struct bindox_buffer_alloc a = { .size = size };
	int r = bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a);

	*id = a.id;
	*real = a.size;
	return r;
}

static int buf_release(int fd, uint32_t id)
{
	struct bindox_buffer_info i = { .id = id };

	return bxt_ioctl(fd, BINDOX_IOC_BUFFER_RELEASE, &i);
}

/* Map buffer @id: with BUFFER_MAP or mmap(2), as @rng says. */
static int buf_map(Rng *rng, int fd, uint32_t id, uint64_t size, bool write, uint8_t **out)
{
	if (pct(rng, 50)) {
		struct bindox_buffer_map_args m = {
			.id = id,
			.flags = write ? BINDOX_MAP_WRITE : 0,
			.size = size,
		};
		int r = bxt_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &m);

		*out = (uint8_t *)(uintptr_t)m.addr;
		return r;
	}
	*out = mmap(NULL, size, write ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd,
		    (off_t)id * (off_t)PAGE);
	return *out == MAP_FAILED ? -errno : 0;
}

/* ---- a server ---- */

/* What to undo once the reply that carries a buffer back is out. */
typedef struct Pending {
	uint64_t id;		/* the call to answer, 0: none */
	uint32_t buf;		/* a buffer id to release afterwards, 0: none */
	uint8_t *map;
	uint64_t map_len;
	uint32_t handles[8];	/* handles the request brought, released after */
	int n_handles;
} Pending;

static void pending_done(KidThread *t, Pending *pd)
{
	Proc *p = t->p;
	int i, r;

	if (pd->map)
		munmap(pd->map, pd->map_len);
	if (pd->buf && (r = buf_release(p->fd, pd->buf)) < 0)
		bad(p->kid->round, "server: releasing a buffer", r);
	for (i = 0; i < pd->n_handles; i++)
		if ((r = bxt_release(p->fd, pd->handles[i])) < 0)
			bad(p->kid->round, "server: releasing a handle", r);
	memset(pd, 0, sizeof(*pd));
}

/* A call came in (in t->req): build the reply in t->rep and what to undo. */
static void serve_call(KidThread *t, const struct bindox_message *m, Pending *pd)
{
	Proc *p = t->p;
	KsReq q = { 0 };
	KsRep rep = { 0 };
	uint32_t i;
	int r;

	bxt_buf_init(&t->rep);
	pd->id = m->id;
	if (t->req.size >= sizeof(q))
		memcpy(&q, t->req.data, sizeof(q));
	rep.seq = q.seq;
	for (i = 0; i < t->req.n; i++) {
		struct bindox_object o = bxt_buf_obj_at(&t->req, i);

		if (o.type == BINDOX_OBJ_HANDLE) {
			/* Watch the sender's node now and then; keep or release the handle. */
			if (pct(&t->rng, 30)) {
				r = bxt_subscribe(p->fd, (uint32_t)o.value, DEATH_COOKIE);
				if (r < 0 && r != -EBUSY)
					bad(p->kid->round, "server: death subscription", r);
			} else if (pd->n_handles < 8) {
				pd->handles[pd->n_handles++] = (uint32_t)o.value;
			}
		} else if (o.type == BINDOX_OBJ_BUFFER) {
			bool writable = o.flags & BINDOX_BUF_WRITABLE;
			uint8_t *b = NULL;

			r = buf_map(&t->rng, p->fd, (uint32_t)o.value, o.size, writable, &b);
			if (r < 0) {
				bad(p->kid->round, "server: mapping a received buffer", r);
				rep.status = r;
				rep.line = __LINE__;
				continue;
			}
			if (b[0] != (uint8_t)q.pattern || b[o.size - 1] != (uint8_t)(q.pattern ^ 0x5a)) {
				rep.status = -EBADMSG;
				rep.line = __LINE__;
			}
			if (writable)
				b[0] = (uint8_t)(q.pattern ^ 0xff);
			if (q.cmd == CMD_BUF_RETURN && writable) {
				/* Move it back; drop our mapping and id once the reply is out. */
				pd->buf = (uint32_t)o.value;
				pd->map = b;
				pd->map_len = o.size;
				stat_add(ST_BUF_BACK);
			} else if (q.cmd == CMD_BUF_KEEP && atomic_fetch_add(&p->n_kept, 1) < KEEP_MAX) {
				stat_add(ST_BUF_KEPT);	/* mapping and id stay until we die */
			} else {
				munmap(b, o.size);
				r = buf_release(p->fd, (uint32_t)o.value);
				if (r < 0)
					bad(p->kid->round, "server: releasing a received buffer", r);
			}
		}
	}
	bxt_buf_put(&t->rep, &rep, sizeof(rep));
	if (pd->buf) {
		bxt_buf_obj(&t->rep, BINDOX_OBJ_BUFFER, pd->buf);
		/* bxt_buf_obj() leaves the flags 0: a move. */
		((struct bindox_object *)(t->rep.data + t->rep.offs[0]))->flags = BINDOX_BUF_MOVE;
	}
	stat_add(ST_SERVED);
}

static void *server_thread(void *arg)
{
	KidThread *t = arg;
	Proc *p = t->p;
	Pending pd = { 0 };
	int64_t end = bxt_now_ns() + KID_LIFETIME_NS, reg_at = 0;

	while (bxt_now_ns() < end) {
		struct bindox_message m;
		uint64_t id = pd.id;
		int r;

		/* Register (again: the Coordinator may have been restarted). */
		if (t->index == 0 && bxt_now_ns() > reg_at) {
			r = bxt_register(p->fd, p->kid->names[p->kid->index], SERVER_COOKIE);
			if (r == 0)
				stat_add(ST_REGISTER);
			else if (r != -EEXIST && r != -ENXIO && r != -BINDOX_EDEADPEER)
				bad(p->kid->round, "server: register", r);
			reg_at = bxt_now_ns() + (r == 0 || r == -EEXIST ? 200 : 5) * BXT_MS;
		}
		bxt_buf_init(&t->req);
		r = bxt_reply_recv(p->fd, &id, pd.id ? &t->rep : NULL, &t->req, &m, 20 * BXT_MS);
		if (id != 0)	/* the reply did not go out: no caller waits for it */
			bad(p->kid->round, "server: reply refused", r);
		pending_done(t, &pd);
		if (r == -ETIMEDOUT || r == -EAGAIN)
			continue;
		if (r < 0) {
			bad(p->kid->round, "server: receive", r);
			bxt_sleep_ms(5);
			continue;
		}
		if (m.type == BINDOX_MSG_CALL) {
			serve_call(t, &m, &pd);
		} else if (m.type == BINDOX_MSG_DEATH) {
			stat_add(ST_DEATHS);
		} else if (m.type == BINDOX_MSG_ONEWAY) {
			uint32_t i;

			for (i = 0; i < t->req.n; i++) {
				struct bindox_object o = bxt_buf_obj_at(&t->req, i);

				/* Keep some handles: the driver drops them when we die. */
				if (o.type == BINDOX_OBJ_HANDLE && pct(&t->rng, 70) &&
				    (r = bxt_release(p->fd, (uint32_t)o.value)) < 0)
					bad(p->kid->round, "server: releasing a handle", r);
			}
		} else {
			bad(p->kid->round, "server: message type", (int)m.type);
		}
	}
	return NULL;
}

/* ---- a client ---- */

/* A live server's handle, or 0. */
static uint32_t pick_server(KidThread *t, int *which)
{
	Proc *p = t->p;
	int i = (int)rnd(&t->rng, (uint32_t)p->kid->n_servers);

	if (!p->h[i] || atomic_load(&p->dead[i]))
		return 0;
	*which = i;
	return p->h[i];
}

/* The result of a call or send to a server that may have died meanwhile. */
static void client_result(KidThread *t, const char *what, int r)
{
	if (r == -BINDOX_EDEADPEER)
		stat_add(ST_CALL_DEAD);
	else if (r == -EAGAIN)
		stat_add(ST_CALL_FULL);
	else if (r < 0)
		bad(t->p->kid->round, what, r);
}

static void client_call(KidThread *t, uint32_t h, uint64_t seq)
{
	static const uint8_t filler[200] = { 1, 2, 3 };
	Proc *p = t->p;
	KsReq q = { .seq = seq, .cmd = CMD_ECHO };
	struct bindox_message hdr;
	KsRep rep;
	int r;

	bxt_buf_init(&t->req);
	bxt_buf_put(&t->req, &q, sizeof(q));
	bxt_buf_put(&t->req, filler, rnd(&t->rng, sizeof(filler)));
	if (pct(&t->rng, 30)) {
		bxt_buf_obj(&t->req, BINDOX_OBJ_NODE, CLIENT_COOKIE + rnd(&t->rng, 2));
		stat_add(ST_NODES_SENT);
	}
	if (pct(&t->rng, 10)) {
		bxt_buf_obj(&t->req, BINDOX_OBJ_HANDLE, h);	/* the server's own node */
		stat_add(ST_NODES_SENT);
	}
	bxt_buf_init(&t->rep);
	r = bxt_call(p->fd, h, &t->req, &t->rep, &hdr, CALL_TIMEOUT_NS);
	if (r < 0) {
		client_result(t, "client: call", r);
		return;
	}
	if (t->rep.size < sizeof(rep)) {
		bad(p->kid->round, "client: echo reply size", (int)t->rep.size);
		return;
	}
	memcpy(&rep, t->rep.data, sizeof(rep));
	if (rep.seq != seq || rep.status != 0)
		bad(p->kid->round, "client: echo reply", rep.status ? rep.status : -EBADMSG);
	else
		stat_add(ST_CALL);
}

static void client_buffer(KidThread *t, uint32_t h, uint64_t seq)
{
	static const uint32_t cmds[] = { CMD_BUF_RELEASE, CMD_BUF_KEEP, CMD_BUF_RETURN };
	Proc *p = t->p;
	bool move = pct(&t->rng, 60);
	uint64_t size = pct(&t->rng, 5) ? 2UL << 20 : PAGE * (1 + rnd(&t->rng, 16)), real;
	KsReq q = { .seq = seq, .cmd = cmds[rnd(&t->rng, 3)], .pattern = rnd(&t->rng, 256) };
	struct bindox_object *o;
	uint8_t *b;
	uint32_t id;
	KsRep rep;
	int r;

	r = buf_alloc(p->fd, size, &id, &real);
	if (r < 0) {
		bad(p->kid->round, "client: buffer alloc", r);
		return;
	}
	r = buf_map(&t->rng, p->fd, id, real, true, &b);
	if (r < 0) {
		bad(p->kid->round, "client: buffer map", r);
		buf_release(p->fd, id);
		return;
	}
	b[0] = (uint8_t)q.pattern;
	b[real - 1] = (uint8_t)(q.pattern ^ 0x5a);

	bxt_buf_init(&t->req);
	bxt_buf_put(&t->req, &q, sizeof(q));
	bxt_buf_obj(&t->req, BINDOX_OBJ_BUFFER, id);
	o = (struct bindox_object *)(t->req.data + t->req.offs[0]);
	o->flags = move ? BINDOX_BUF_MOVE : BINDOX_BUF_SHARE;
	stat_add(move ? ST_BUF_MOVE : ST_BUF_SHARE);
	bxt_buf_init(&t->rep);
	r = bxt_call(p->fd, h, &t->req, &t->rep, NULL, CALL_TIMEOUT_NS);
	if (r == 0) {
		memset(&rep, 0, sizeof(rep));
		if (t->rep.size >= sizeof(rep))
			memcpy(&rep, t->rep.data, sizeof(rep));
		if (t->rep.size < sizeof(rep) || rep.seq != seq || rep.status != 0)
			bad(p->kid->round, "client: buffer reply", rep.status ? rep.status : -EBADMSG);
		else
			stat_add(ST_CALL);
		if (t->rep.n == 1) {
			struct bindox_object back = bxt_buf_obj_at(&t->rep, 0);
			uint8_t *c;

			if (back.type != BINDOX_OBJ_BUFFER || !(back.flags & BINDOX_BUF_WRITABLE)) {
				bad(p->kid->round, "client: buffer moved back", -EBADMSG);
			} else if ((r = buf_map(&t->rng, p->fd, (uint32_t)back.value, back.size, true,
						&c)) < 0) {
				bad(p->kid->round, "client: mapping the buffer moved back", r);
			} else {
				if (c[0] != (uint8_t)(q.pattern ^ 0xff) ||
				    c[back.size - 1] != (uint8_t)(q.pattern ^ 0x5a))
					bad(p->kid->round, "client: pattern of the buffer moved back",
					    -EBADMSG);
				munmap(c, back.size);
			}
			if ((r = buf_release(p->fd, (uint32_t)back.value)) < 0)
				bad(p->kid->round, "client: releasing the buffer moved back", r);
		}
	} else {
		client_result(t, "client: buffer call", r);
	}
	/* A shared buffer is still ours to read; a moved one faults. */
	if (!move && b[0] != (uint8_t)q.pattern)
		bad(p->kid->round, "client: shared buffer changed", -EBADMSG);
	munmap(b, real);
	if ((r = buf_release(p->fd, id)) < 0)
		bad(p->kid->round, "client: releasing its buffer", r);
}

static void client_oneway(KidThread *t, uint32_t h)
{
	Proc *p = t->p;
	int r;

	bxt_buf_init(&t->req);
	bxt_buf_u64(&t->req, rng_next(&t->rng));
	if (pct(&t->rng, 40)) {
		bxt_buf_obj(&t->req, BINDOX_OBJ_NODE, CLIENT_COOKIE + rnd(&t->rng, 2));
		stat_add(ST_NODES_SENT);
	}
	r = bxt_send(p->fd, h, &t->req);
	if (r == 0)
		stat_add(ST_ONEWAY);
	else
		client_result(t, "client: one-way", r);
}

/* Deaths of the servers (and nothing else) may be queued for us. */
static void client_recv(KidThread *t)
{
	Proc *p = t->p;
	struct bindox_message m;
	int r, i;

	bxt_buf_init(&t->rep);
	r = bxt_recv(p->fd, &t->rep, &m, 0);
	if (r == -EAGAIN)
		return;
	if (r < 0) {
		bad(p->kid->round, "client: receive", r);
		return;
	}
	if (m.type != BINDOX_MSG_DEATH || m.cookie < DEATH_COOKIE ||
	    m.cookie >= DEATH_COOKIE + MAX_SERVERS) {
		bad(p->kid->round, "client: unexpected message", (int)m.type);
		return;
	}
	i = (int)(m.cookie - DEATH_COOKIE);
	atomic_store(&p->dead[i], true);
	stat_add(ST_DEATHS);
}

static void *client_thread(void *arg)
{
	KidThread *t = arg;
	Proc *p = t->p;
	int64_t end = bxt_now_ns() + KID_LIFETIME_NS;
	uint64_t seq = (uint64_t)p->kid->index << 48 | (uint64_t)rnd(&t->rng, 1U << 16) << 32;

	while (bxt_now_ns() < end) {
		uint32_t x = rnd(&t->rng, 100), h;
		int which = 0;

		h = pick_server(t, &which);
		if (!h) {
			client_recv(t);
			bxt_sleep_ms(1);
			continue;
		}
		seq++;
		if (x < 40)
			client_call(t, h, seq);
		else if (x < 60)
			client_oneway(t, h);
		else if (x < 90)
			client_buffer(t, h, seq);
		else
			client_recv(t);
	}
	return NULL;
}

/* Clients: look every server up (the Coordinator may be gone a while). */
static void client_lookups(Proc *p, Rng *rng)
{
	int64_t end = bxt_now_ns() + KID_LIFETIME_NS;
	int i, found = 0;

	while (found < p->kid->n_servers && bxt_now_ns() < end) {
		for (i = 0; i < p->kid->n_servers; i++) {
			uint32_t h = 0;
			int r;

			if (p->h[i])
				continue;
			r = bxt_lookup(p->fd, p->kid->names[i], &h);
			if (r == 0) {
				p->h[i] = h;
				found++;
				stat_add(ST_LOOKUP);
				if (pct(rng, 50) &&
				    (r = bxt_subscribe(p->fd, h, DEATH_COOKIE + (uint64_t)i)) < 0)
					bad(p->kid->round, "client: death subscription", r);
			} else if (r != -ENOENT && r != -ENXIO && r != -BINDOX_EDEADPEER) {
				bad(p->kid->round, "client: lookup", r);
			}
		}
		if (found < p->kid->n_servers)
			bxt_sleep_ms(2);
	}
}

static int kid_main(void *arg)
{
	const Kid *kid = arg;
	KidThread th[2];
	Proc p;
	Rng rng = { kid->seed };
	int i;

	memset(&p, 0, sizeof(p));
	p.kid = kid;
	p.fd = bxt_try_open(BXT_DEVICE);
	if (p.fd < 0) {
		bad(kid->round, "open", p.fd);
		return 1;
	}
	if (!kid->server)
		client_lookups(&p, &rng);
	for (i = 0; i < kid->n_threads; i++) {
		th[i].p = &p;
		th[i].index = i;
		th[i].rng.s = rng_next(&rng);
		if (i > 0 && pthread_create(&th[i].thread, NULL,
					    kid->server ? server_thread : client_thread, &th[i]))
			return 2;
	}
	/* Thread 0 is this one; the parent kills us long before they return. */
	(kid->server ? server_thread : client_thread)(&th[0]);
	for (i = 1; i < kid->n_threads; i++)
		pthread_join(th[i].thread, NULL);
	return 3;
}

/* ---- the parent ---- */

typedef struct Storm {
	Rng rng;
	pid_t coord;
	unsigned long coord_kills, coord_kills_mid, kids, kills;
	int64_t delay_ms;
} Storm;

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);
	char *end;
	uint64_t x;

	if (!v || !*v)
		return def;
	errno = 0;
	x = strtoull(v, &end, 0);
	return errno || *end ? def : x;
}

/* Reap @pid, which was sent SIGKILL: it must die of it, and soon. */
static void reap_killed_ck(pid_t pid, int round, const char *what)
{
	int st = bxt_waitpid(pid, BXT_LONG_MS);

	ck_assert_msg(st != -ETIMEDOUT, "round %d: %s %d still alive %d ms after SIGKILL", round,
		      what, (int)pid, BXT_LONG_MS);
	ck_assert_msg(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "round %d: %s %d ended with status %#x, not by SIGKILL (%s)", round, what,
		      (int)pid, st, shared->first_bad);
}

static void coord_kill(Storm *s, int round)
{
	ck_assert_int_eq(kill(s->coord, SIGKILL), 0);
	reap_killed_ck(s->coord, round, "coordinator");
	s->coord = 0;
	s->coord_kills++;
}

/* A random delay in ms: often short, sometimes long. */
static int pick_delay(Rng *r)
{
	uint32_t x = rnd(r, 100);

	if (x < 10)
		return 0;
	if (x < 40)
		return 1 + (int)rnd(r, 20);
	if (x < 80)
		return 20 + (int)rnd(r, 80);
	return 100 + (int)rnd(r, 200);
}

static void storm_round(Storm *s, int round, uint64_t seed)
{
	Rng *r = &s->rng;
	Kid kids[MAX_SERVERS + MAX_CLIENTS];
	pid_t pids[MAX_SERVERS + MAX_CLIENTS + 1];
	int n_servers = 1 + (int)rnd(r, MAX_SERVERS), n_clients = 1 + (int)rnd(r, MAX_CLIENTS);
	int n = n_servers + n_clients, i, delay;
	bool kill_coord = pct(r, 8), restart_mid = pct(r, 50), servers_first;

	if (!s->coord)
		s->coord = bxt_coord_spawn_ck();
	for (i = 0; i < n; i++) {
		Kid *k = &kids[i];
		int j;

		memset(k, 0, sizeof(*k));
		k->server = i < n_servers;
		k->index = k->server ? i : i - n_servers;
		k->round = round;
		k->n_threads = 1 + (int)rnd(r, 2);
		k->seed = seed ^ ((uint64_t)round << 20) ^ ((uint64_t)i << 8) ^ rng_next(r);
		k->n_servers = n_servers;
		for (j = 0; j < n_servers; j++)
			snprintf(k->names[j], sizeof(k->names[j]), "ks-%d-%d-%d", (int)getpid(),
				 round, j);
	}
	/* Servers or clients first, as it comes. */
	servers_first = pct(r, 50);
	for (i = 0; i < n; i++) {
		int k = servers_first ? i : n - 1 - i;

		pids[k] = bxt_spawn_ck(kid_main, &kids[k]);
	}
	s->kids += (unsigned long)n;

	delay = pick_delay(r);
	s->delay_ms += delay;
	bxt_sleep_ms(delay);
	if (kill_coord && restart_mid) {
		/* The Coordinator dies while they work, and a new one comes up. */
		coord_kill(s, round);
		s->coord_kills_mid++;
		bxt_sleep_ms(pick_delay(r) / 4);
		s->coord = bxt_coord_spawn_ck();
		bxt_sleep_ms(pick_delay(r) / 2);
	}
	/* Kill in a random order, sometimes with gaps. */
	for (i = n - 1; i > 0; i--) {
		int j = (int)rnd(r, (uint32_t)i + 1);
		pid_t x = pids[i];

		pids[i] = pids[j];
		pids[j] = x;
	}
	pids[n] = 0;
	if (kill_coord && !restart_mid)
		pids[n++] = s->coord;	/* in among them */
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(kill(pids[i], SIGKILL), 0);
		s->kills++;
		if (pct(r, 30))
			bxt_sleep_ms((int)rnd(r, 10));
	}
	for (i = 0; i < n; i++) {
		if (pids[i] == s->coord) {
			reap_killed_ck(s->coord, round, "coordinator");
			s->coord = 0;
			s->coord_kills++;
		} else {
			reap_killed_ck(pids[i], round, "child");
		}
	}
}

START_TEST(kill_storm)
{
	uint64_t seed = env_u64("BINDOX_KILLSTORM_SEED", KS_SEED);
	unsigned long rounds = env_u64("BINDOX_KILLSTORM_ROUNDS", KS_CI_ROUNDS), round;
	Storm s = { .rng = { seed } };
	int64_t start = bxt_now_ns();
	double secs;
	int i;

	printf("killstorm: BINDOX_KILLSTORM_SEED=%#" PRIx64 " BINDOX_KILLSTORM_ROUNDS=%lu\n", seed,
	       rounds);
	fflush(stdout);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	ck_assert(shared != MAP_FAILED);
	memset(shared, 0, sizeof(*shared));

	for (round = 1; round <= rounds; round++) {
		storm_round(&s, (int)round, seed);
		ck_assert_msg(atomic_load(&shared->bad) == 0, "round %lu: %u problem(s), first: %s",
			      round, atomic_load(&shared->bad), shared->first_bad);
		if (round % LEAK_CHECK_EVERY == 0 || round == rounds) {
			if (s.coord)
				coord_kill(&s, (int)round);
			bxt_assert_no_leaks();
		}
	}
	secs = (bxt_now_ns() - start) / 1e9;
	printf("killstorm: %lu rounds in %.1f s (%.2f s per round): %lu processes killed, "
	       "the Coordinator %lu times (%lu while the others ran), mean delay %.0f ms\n",
	       rounds, secs, rounds ? secs / rounds : 0.0, s.kills, s.coord_kills,
	       s.coord_kills_mid, rounds ? (double)s.delay_ms / rounds : 0.0);
	for (i = 0; i < N_ST; i++)
		printf("  %-26s %lu\n", st_names[i], atomic_load(&shared->st[i]));
	fflush(stdout);
	munmap(shared, sizeof(*shared));
}
END_TEST

/* ---- what the storm needs of the harness ---- */

#define QUIET_CHILDREN 20

/*
 * The file that Check's runner reads this test's results from: an
 * unlinked check_XXXXXX that the test process appends messages to, each
 * check a message with its source file's name in it. -1 if none.
 */
static int check_results_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int fd = -1;

	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		char link[PATH_MAX];
		ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);

		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strstr(link, "/check_") && strstr(link, " (deleted)"))
			fd = atoi(de->d_name);
	}
	closedir(d);
	return fd;
}

/* How often @needle occurs in the bytes of @fd from @from to @to. */
static int count_in_file(int fd, off_t from, off_t to, const char *needle)
{
	size_t len = (size_t)(to - from);
	char *buf = malloc(len + 1);
	int n = 0;

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(pread(fd, buf, len, from), (ssize_t)len);
	buf[len] = '\0';
	for (char *p = buf; (p = memmem(p, len - (size_t)(p - buf), needle, strlen(needle))); p++)
		n++;
	free(buf);
	return n;
}

static int child_returns(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * The storm kills children at any point, right after fork() too. A child
 * that wrote to Check's results there (a check of fork()'s result, made
 * in both processes) could be killed in the middle of that write, which
 * leaves half a message in the file: the runner could then read nothing
 * after it ("check_pack.c: Bad message type", once on arm64). Spawning
 * children must leave in the file only the parent's check of each fork.
 */
START_TEST(spawned_children_write_no_check_results)
{
	int fd = check_results_fd(), i, n, st;
	struct stat before, after;

	ck_assert_msg(fd >= 0, "no Check results file among this process's fds");
	ck_assert_int_eq(fstat(fd, &before), 0);
	for (i = 0; i < QUIET_CHILDREN; i++) {
		pid_t pid = bxt_spawn_ck(child_returns, NULL);

		/* Not bxt_reap_ck(): its checks would count, being in bxt-child.c. */
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ck_assert_int_eq(fstat(fd, &after), 0);
	n = count_in_file(fd, before.st_size, after.st_size, "bxt-child.c");
	ck_assert_msg(n == QUIET_CHILDREN,
		      "%d checks from bxt-child.c for %d children: the children wrote too", n,
		      QUIET_CHILDREN);
}
END_TEST

static Suite *storm_suite(void)
{
	Suite *s = suite_create("killstorm");
	TCase *tc = bxt_tcase(s, "sigkill");
	uint64_t rounds = env_u64("BINDOX_KILLSTORM_ROUNDS", KS_CI_ROUNDS);

	tcase_add_test(bxt_tcase(s, "harness"), spawned_children_write_no_check_results);
	/* A bound that only a hang reaches: a second per round. */
	if (rounds > BXT_TEST_TIMEOUT)
		tcase_set_timeout(tc, (double)rounds);
	tcase_add_test(tc, kill_storm);
	return s;
}

int main(void)
{
	return bxt_run(storm_suite());
}
