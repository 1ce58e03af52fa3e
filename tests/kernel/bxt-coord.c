/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Coordinator for the in-guest kernel tests: the test Coordinator's
 * registry served by libbindox, recording what it saw; see bxt.h.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"
#include "coordinator-registry.h"

static int coord_handler(void *userdata, BindoxMsg *req, BindoxMsg *reply)
{
	BxtCoord *c = userdata;
	uint32_t type = bindox_msg_get_type(req);

	pthread_mutex_lock(&c->lock);
	if (type == BINDOX_MSG_CALL) {
		BxtCoordSeen s;
		uint32_t op = 0, h = 0;

		memset(&s, 0, sizeof(s));
		if (bindox_coord_request_parse(req, &op, s.name, sizeof(s.name), &h) == 0)
			s.op = op;
		bindox_msg_rewind(req);
		s.n_objects = (uint32_t)bindox_msg_get_n_objects(req);
		if (s.n_objects)
			(void)bindox_msg_get_object(req, 0, &s.obj, NULL);
		s.cookie = bindox_msg_get_cookie(req);
		(void)bindox_msg_get_creds(req, &s.creds);
		if (c->n_calls < BXT_COORD_SEEN_MAX)
			c->seen[c->n_calls] = s;
		c->n_calls++;
	} else if (type == BINDOX_MSG_DEATH) {
		c->n_deaths++;
	}
	pthread_mutex_unlock(&c->lock);
	return test_coordinator_handle(c->tc, req, reply);
}

int bxt_coord_start(BxtCoord **out)
{
	TestCoordinator *tc = NULL;
	BxtCoord *c;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	r = bindox_conn_open(BXT_DEVICE, &c->conn);
	if (r == 0)
		r = bindox_conn_become_coordinator(c->conn);
	if (r == 0)
		r = test_coordinator_new(c->conn, &tc);
	c->tc = tc;
	/*
	 * One thread, as bindoxd has: a lookup's reply then goes out (in
	 * REPLY_RECV) before the next message is taken, so a server's death
	 * cannot release the handle the reply carries in between. With two
	 * threads it could, the driver refused the reply, and the caller got
	 * the server loop's empty answer (the kill storm saw it as EBADMSG).
	 */
	if (r == 0)
		r = bindox_server_new(c->conn, 1, coord_handler, c, &c->server);
	if (r == 0)
		r = bindox_server_start(c->server);
	if (r < 0) {
		bxt_coord_stop(c);
		return r;
	}
	*out = c;
	return 0;
}

BxtCoord *bxt_coord_start_ck(void)
{
	BxtCoord *c = NULL;

	BXT_OK(bxt_coord_start(&c));
	return c;
}

void bxt_coord_stop(BxtCoord *c)
{
	if (!c)
		return;
	c->server = bindox_server_free(c->server);
	c->tc = test_coordinator_free(c->tc);
	c->conn = bindox_conn_close(c->conn);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

unsigned int bxt_coord_calls(BxtCoord *c)
{
	unsigned int n;

	pthread_mutex_lock(&c->lock);
	n = c->n_calls;
	pthread_mutex_unlock(&c->lock);
	return n;
}

bool bxt_coord_seen(BxtCoord *c, unsigned int i, BxtCoordSeen *out)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	ok = i < c->n_calls && i < BXT_COORD_SEEN_MAX;
	if (ok)
		*out = c->seen[i];
	pthread_mutex_unlock(&c->lock);
	return ok;
}

static int coord_child(void *arg)
{
	int *ready = arg;
	BxtCoord *c = NULL;
	sigset_t set;
	int sig, r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	r = bxt_coord_start(&c);
	if (r < 0) {
		fprintf(stderr, "bxt coordinator: %s\n", bxt_errname(r));
		return 1;
	}
	bxt_put(ready[1], 1);
	close(ready[1]);
	sigwait(&set, &sig);
	bxt_coord_stop(c);
	return 0;
}

pid_t bxt_coord_spawn_ck(void)
{
	int ready[2];
	pid_t pid;

	bxt_pipe_ck(ready);
	pid = bxt_spawn_ck(coord_child, ready);
	close(ready[1]);
	ck_assert_msg(bxt_get_ck(ready[0]) == 1, "coordinator did not start");
	close(ready[0]);
	return pid;
}

void bxt_coord_kill_ck(pid_t pid)
{
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	bxt_reap_ck(pid);
}
