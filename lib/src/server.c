/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * BindoxServer: N worker threads, each looping on REPLY_RECV. See
 * <bindox/server.h> for the contract (handler errors, stop latency).
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <linux/bindox.h>
#include <bindox/server.h>
#include <bindox/transact.h>
#include "msg-private.h"
#include "server-keeper.h"
#include "util.h"

UTIL_DEFINE_CLEANUP(BindoxMsg, bindox_msg_free)

/* Initial receive capacity of each worker; grows on demand. */
#define SERVER_REQUEST_DATA_CAP 4096U
#define SERVER_REQUEST_OBJECTS_CAP 16U

struct BindoxServer {
	BindoxConn *conn;
	BindoxServerHandler handler;
	void *userdata;
	ServerKeeper *keeper;

	unsigned int n_threads;
	unsigned int n_started;
	pthread_t *threads;
	bool running;

	atomic_bool stop;
	atomic_int error;
};

/* Record the first fatal error of any worker. */
static void server_fail(BindoxServer *s, int err)
{
	int expected = 0;

	(void)atomic_compare_exchange_strong(&s->error, &expected, err);
}

static bool server_msg_is_empty(const BindoxMsg *m)
{
	return m->n_data == 0 && m->n_offsets == 0;
}

/* Run the handler for @req; for a call, leave the reply and its id pending. */
static void server_dispatch(BindoxServer *s, BindoxMsg *req, BindoxMsg *reply,
			    uint64_t *reply_id)
{
	int r;

	switch (bindox_msg_get_type(req)) {
	case BINDOX_MSG_CALL:
		bindox_msg_reset(reply);
		r = s->handler(s->userdata, req, reply);
		if (r < 0)
			bindox_msg_reset(reply);
		*reply_id = bindox_msg_get_id(req);
		break;
	case BINDOX_MSG_ONEWAY:
	case BINDOX_MSG_DEATH:
		(void)s->handler(s->userdata, req, NULL);
		break;
	default:
		/* Not for servers (BINDOX_MSG_REPLY, or a type from the future). */
		break;
	}
}

static void *server_worker(void *userdata)
{
	_cleanup_(bindox_msg_freep) BindoxMsg *req = NULL;
	_cleanup_(bindox_msg_freep) BindoxMsg *reply = NULL;
	BindoxServer *s = userdata;
	uint64_t reply_id = 0;
	bool stopping;
	int r;

	r = bindox_msg_new(&req);
	if (r >= 0)
		r = bindox_msg_new(&reply);
	if (r >= 0)
		r = bindox_msg_reserve(req, SERVER_REQUEST_DATA_CAP, SERVER_REQUEST_OBJECTS_CAP);
	if (r < 0) {
		server_fail(s, r);
		return NULL;
	}

	for (;;) {
		stopping = atomic_load(&s->stop);
		if (stopping && reply_id == 0)
			break;

		/* Once stopping, only flush the pending reply (and serve what is queued). */
		r = bindox_reply_recv(s->conn, &reply_id, reply, req,
				      stopping ? 0 : BINDOX_SERVER_POLL_NS);
		if (r < 0 && reply_id != 0) {
			/* The reply did not go out; the caller is still waiting. */
			if (r == -EINTR)
				continue;
			if (!server_msg_is_empty(reply))
				bindox_msg_reset(reply);	/* answer with the empty reply */
			else
				reply_id = 0;			/* even that was refused: give up */
			continue;
		}
		/*
		 * ENOSPC: the driver refused a message whose objects our
		 * tables had no room for (its caller got the error); the
		 * next one may fit.
		 */
		if (r == -ETIMEDOUT || r == -EAGAIN || r == -EINTR || r == -ENOSPC)
			continue;
		if (r < 0) {
			server_fail(s, r);
			break;
		}

		server_dispatch(s, req, reply, &reply_id);
	}

	return NULL;
}

int bindox_server_new(BindoxConn *conn, unsigned int n_threads, BindoxServerHandler handler,
		      void *userdata, BindoxServer **out)
{
	BindoxServer *s;
	int r;

	if (!conn || !handler || !out || n_threads == 0 || n_threads > BINDOX_SERVER_MAX_THREADS)
		return -EINVAL;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->threads = calloc(n_threads, sizeof(*s->threads));
	if (!s->threads) {
		free(s);
		return -ENOMEM;
	}
	r = server_keeper_new(conn, &s->keeper);
	if (r < 0) {
		free(s->threads);
		free(s);
		return r;
	}

	s->conn = conn;
	s->handler = handler;
	s->userdata = userdata;
	s->n_threads = n_threads;
	atomic_init(&s->stop, false);
	atomic_init(&s->error, 0);
	*out = s;
	return 0;
}

static void server_join(BindoxServer *s)
{
	server_keeper_stop(s->keeper);
	atomic_store(&s->stop, true);
	while (s->n_started > 0)
		(void)pthread_join(s->threads[--s->n_started], NULL);
}

int bindox_server_start(BindoxServer *s)
{
	sigset_t all, saved;
	int r = 0;

	if (!s)
		return -EINVAL;
	if (s->running)
		return -EALREADY;

	atomic_store(&s->stop, false);
	atomic_store(&s->error, 0);

	/* Workers inherit a mask with every signal blocked. */
	sigfillset(&all);
	r = pthread_sigmask(SIG_SETMASK, &all, &saved);
	if (r != 0)
		return -r;

	while (s->n_started < s->n_threads) {
		r = pthread_create(&s->threads[s->n_started], NULL, server_worker, s);
		if (r != 0)
			break;
		s->n_started++;
	}
	if (r == 0)
		r = -server_keeper_start(s->keeper);

	(void)pthread_sigmask(SIG_SETMASK, &saved, NULL);

	if (r != 0) {
		server_join(s);
		return -r;
	}

	s->running = true;
	return 0;
}

int bindox_server_stop(BindoxServer *s)
{
	pthread_t self;
	unsigned int i;

	if (!s)
		return -EINVAL;
	if (!s->running)
		return 0;

	self = pthread_self();
	for (i = 0; i < s->n_started; i++)
		if (pthread_equal(self, s->threads[i]))
			return -EDEADLK;

	server_join(s);
	s->running = false;
	return atomic_exchange(&s->error, 0);
}

BindoxServer *bindox_server_free(BindoxServer *s)
{
	if (!s)
		return NULL;
	/* Called from one of its own workers: leaking beats freeing under it. */
	if (bindox_server_stop(s) == -EDEADLK)
		return NULL;
	server_keeper_free(s->keeper);
	free(s->threads);
	free(s);
	return NULL;
}

int bindox_server_add_service(BindoxServer *s, const char *name, uint64_t cookie)
{
	if (!s)
		return -EINVAL;
	return server_keeper_add(s->keeper, name, cookie);
}

int bindox_server_remove_service(BindoxServer *s, const char *name)
{
	if (!s)
		return -EINVAL;
	return server_keeper_remove(s->keeper, name);
}
