/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Registration keeper: remembers the names a server registered and keeps
 * them registered across Coordinator restarts.
 *
 * Why a probe: the driver refuses a death subscription on handle 0 (the
 * Coordinator) with -EINVAL, so a restart cannot be seen as an event. A
 * thread of the server asks the Coordinator every BINDOX_SERVER_PROBE_NS
 * whether it still knows the first name (a LOOKUP of one's own node answers
 * -ELOOP). -ENOENT (a new Coordinator) or -ENXIO (none at all) starts a
 * re-registration of every name (as does a lookup the policy refuses), retried with a doubling backoff between
 * BINDOX_SERVER_RETRY_MIN_NS and BINDOX_SERVER_RETRY_MAX_NS until a
 * Coordinator answers. The thread sleeps on a condition variable in
 * between, so stopping is immediate unless a call is under way.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/bindox.h>
#include <bindox/coord.h>
#include <bindox/handle.h>
#include <bindox/server.h>
#include "server-keeper.h"
#include "service-private.h"

typedef struct KeptName {
	char name[BINDOX_NAME_BUF_SIZE];
	uint64_t cookie;
} KeptName;

struct ServerKeeper {
	BindoxConn *conn;

	/* Protects everything below; held during the keeper's calls too. */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	KeptName *names;
	size_t n_names;
	size_t cap_names;

	pthread_t thread;
	bool running;
	bool stop;
};

/* Outcome of one round of checking. */
typedef enum {
	KEEPER_OK,		/* the Coordinator knows us (or cannot be helped) */
	KEEPER_RETRY,		/* no Coordinator answered: try again soon */
} KeeperOutcome;

static int64_t keeper_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec keeper_timespec(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000LL),
		.tv_nsec = (long)(ns % 1000000000LL),
	};

	return ts;
}

int server_keeper_new(BindoxConn *conn, ServerKeeper **out)
{
	pthread_condattr_t attr;
	ServerKeeper *k;
	int r;

	if (!conn || !out)
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;

	r = pthread_condattr_init(&attr);
	if (r != 0)
		goto fail;
	r = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (r == 0)
		r = pthread_cond_init(&k->wake, &attr);
	(void)pthread_condattr_destroy(&attr);
	if (r != 0)
		goto fail;
	r = pthread_mutex_init(&k->lock, NULL);
	if (r != 0) {
		(void)pthread_cond_destroy(&k->wake);
		goto fail;
	}

	k->conn = conn;
	*out = k;
	return 0;
fail:
	free(k);
	return -r;
}

ServerKeeper *server_keeper_free(ServerKeeper *k)
{
	if (!k)
		return NULL;
	server_keeper_stop(k);
	(void)pthread_cond_destroy(&k->wake);
	(void)pthread_mutex_destroy(&k->lock);
	free(k->names);
	free(k);
	return NULL;
}

static KeptName *keeper_find(ServerKeeper *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->n_names; i++)
		if (strcmp(k->names[i].name, name) == 0)
			return &k->names[i];
	return NULL;
}

static int keeper_register(ServerKeeper *k, const char *name, uint64_t cookie)
{
	return service_transact(k->conn, BINDOX_COORD_REGISTER, name, cookie, NULL,
				BINDOX_SERVER_COORD_TIMEOUT_NS);
}

int server_keeper_add(ServerKeeper *k, const char *name, uint64_t cookie)
{
	KeptName *e;
	int r;

	if (!k || !name)
		return -EINVAL;
	r = bindox_service_name_validate(name, strlen(name));
	if (r < 0)
		return r;

	pthread_mutex_lock(&k->lock);
	if (keeper_find(k, name)) {
		r = -EEXIST;
		goto out;
	}
	if (k->n_names == k->cap_names) {
		size_t cap = k->cap_names ? k->cap_names * 2 : 4;
		KeptName *p = realloc(k->names, cap * sizeof(*p));

		if (!p) {
			r = -ENOMEM;
			goto out;
		}
		k->names = p;
		k->cap_names = cap;
	}

	r = keeper_register(k, name, cookie);
	if (r < 0)
		goto out;

	e = &k->names[k->n_names++];
	memset(e, 0, sizeof(*e));
	strcpy(e->name, name);
	e->cookie = cookie;
out:
	pthread_mutex_unlock(&k->lock);
	return r;
}

int server_keeper_remove(ServerKeeper *k, const char *name)
{
	KeptName *e;
	int r;

	if (!k || !name)
		return -EINVAL;

	pthread_mutex_lock(&k->lock);
	e = keeper_find(k, name);
	if (!e) {
		r = -ENOENT;
		goto out;
	}
	/* Forgotten whatever the Coordinator says: we stop keeping it. */
	r = service_transact(k->conn, BINDOX_COORD_UNREGISTER, name, 0, NULL,
			     BINDOX_SERVER_COORD_TIMEOUT_NS);
	*e = k->names[--k->n_names];
out:
	pthread_mutex_unlock(&k->lock);
	return r;
}

/* Errors that mean "no Coordinator is answering right now". */
static bool keeper_coordinator_absent(int r)
{
	return r == -ENXIO || r == -BINDOX_EDEADPEER || r == -ETIMEDOUT;
}

/* Register every name again; a name someone holds already counts as done. */
static KeeperOutcome keeper_reregister_locked(ServerKeeper *k)
{
	size_t i;
	int r;

	for (i = 0; i < k->n_names; i++) {
		r = keeper_register(k, k->names[i].name, k->names[i].cookie);
		if (keeper_coordinator_absent(r))
			return KEEPER_RETRY;
		/*
		 * 0 and -EEXIST: registered. Anything else (policy refuses,
		 * the name is invalid now) cannot be repaired from here; the
		 * next round asks again.
		 */
	}
	return KEEPER_OK;
}

static KeeperOutcome keeper_check_locked(ServerKeeper *k)
{
	uint32_t handle = 0;
	int r;

	if (k->n_names == 0)
		return KEEPER_OK;

	r = service_transact(k->conn, BINDOX_COORD_LOOKUP, k->names[0].name, 0, &handle,
			     BINDOX_SERVER_COORD_TIMEOUT_NS);
	if (r == -ELOOP)
		return KEEPER_OK;	/* our own node: the Coordinator knows us */
	if (r == 0) {
		/* Someone else holds the name now; not ours to fix. */
		(void)bindox_handle_release(k->conn, handle);
		return KEEPER_OK;
	}
	/*
	 * Unknown, no Coordinator, or a policy that refuses us the lookup (so
	 * that only registering again can tell: -EEXIST while it is known).
	 */
	if (r == -ENOENT || r == -ENXIO || r == -BINDOX_EDEADPEER || r == -EACCES ||
	    r == -EPERM)
		return keeper_reregister_locked(k);
	/* A slow or refusing Coordinator: ask again next round. */
	return KEEPER_OK;
}

static void *keeper_thread(void *userdata)
{
	ServerKeeper *k = userdata;
	int64_t backoff = 0, next;
	struct timespec until;

	pthread_mutex_lock(&k->lock);
	next = keeper_now_ns() + BINDOX_SERVER_PROBE_NS;
	while (!k->stop) {
		until = keeper_timespec(next);
		(void)pthread_cond_timedwait(&k->wake, &k->lock, &until);
		if (k->stop)
			break;
		if (keeper_now_ns() < next)
			continue;	/* spurious wakeup */

		if (keeper_check_locked(k) == KEEPER_OK) {
			backoff = 0;
			next = keeper_now_ns() + BINDOX_SERVER_PROBE_NS;
		} else {
			backoff = backoff ? backoff * 2 : BINDOX_SERVER_RETRY_MIN_NS;
			if (backoff > BINDOX_SERVER_RETRY_MAX_NS)
				backoff = BINDOX_SERVER_RETRY_MAX_NS;
			next = keeper_now_ns() + backoff;
		}
	}
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

int server_keeper_start(ServerKeeper *k)
{
	int r;

	if (!k)
		return -EINVAL;
	pthread_mutex_lock(&k->lock);
	k->stop = false;
	pthread_mutex_unlock(&k->lock);

	r = pthread_create(&k->thread, NULL, keeper_thread, k);
	if (r != 0)
		return -r;
	k->running = true;
	return 0;
}

void server_keeper_stop(ServerKeeper *k)
{
	if (!k || !k->running)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = true;
	pthread_cond_broadcast(&k->wake);
	pthread_mutex_unlock(&k->lock);
	(void)pthread_join(k->thread, NULL);
	k->running = false;
}
