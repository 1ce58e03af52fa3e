/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Many threads at once: 8 client threads x 1,000 calls to a libbindox
 * server with 4 worker threads. Every request carries (thread, sequence)
 * and every reply echoes it: each reply must reach the thread that made
 * the call, and the server must see every call exactly once, in order per
 * client thread.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

#define N_CLIENTS 8
#define N_CALLS 1000
#define N_WORKERS 4
#define COOKIE 0x7EAD5ULL

typedef struct Server {
	atomic_uint per_client[N_CLIENTS];
	atomic_uint next_seq[N_CLIENTS];
	atomic_uint out_of_order;
	atomic_uint bad;
	atomic_uint total;
	atomic_uint workers_used;
} Server;

static _Thread_local bool worker_counted;

static int server_handler(void *userdata, BindoxMsg *req, BindoxMsg *reply)
{
	Server *s = userdata;
	uint32_t tid, seq;
	int r;

	if (bindox_msg_get_type(req) != BINDOX_MSG_CALL || !reply ||
	    bindox_msg_get_cookie(req) != COOKIE) {
		atomic_fetch_add(&s->bad, 1);
		return -EBADMSG;
	}
	if (bindox_msg_read_u32(req, &tid) < 0 || bindox_msg_read_u32(req, &seq) < 0 ||
	    bindox_msg_read_end(req) < 0 || tid >= N_CLIENTS) {
		atomic_fetch_add(&s->bad, 1);
		return -EBADMSG;
	}
	if (!worker_counted) {
		worker_counted = true;
		atomic_fetch_add(&s->workers_used, 1);
	}
	/* A client thread's calls are sequential: they arrive in order. */
	if (atomic_exchange(&s->next_seq[tid], seq + 1) != seq)
		atomic_fetch_add(&s->out_of_order, 1);
	atomic_fetch_add(&s->per_client[tid], 1);
	atomic_fetch_add(&s->total, 1);

	r = bindox_msg_append_u32(reply, tid);
	if (r == 0)
		r = bindox_msg_append_u32(reply, seq);
	if (r == 0)
		r = bindox_msg_append_u32(reply, ~seq);
	return r;
}

typedef struct Client {
	BindoxConn *conn;
	uint32_t h;
	uint32_t tid;
	unsigned int ok;
	unsigned int mismatches;
	int error;
	uint32_t first_bad_tid, first_bad_seq;
} Client;

static void *client_thread(void *arg)
{
	Client *c = arg;
	BindoxMsg *req = NULL, *rep = NULL;
	uint32_t seq;
	int r;

	r = bindox_msg_new(&req);
	if (r == 0)
		r = bindox_msg_new(&rep);
	if (r == 0)
		r = bindox_msg_reserve(rep, 64, 0);
	for (seq = 0; r == 0 && seq < N_CALLS; seq++) {
		uint32_t t = ~0U, s = ~0U, ns = 0;

		bindox_msg_reset(req);
		r = bindox_msg_append_u32(req, c->tid);
		if (r == 0)
			r = bindox_msg_append_u32(req, seq);
		if (r == 0)
			r = bindox_call(c->conn, c->h, req, rep, BXT_LONG_NS);
		if (r < 0)
			break;
		if (bindox_msg_read_u32(rep, &t) < 0 || bindox_msg_read_u32(rep, &s) < 0 ||
		    bindox_msg_read_u32(rep, &ns) < 0 || bindox_msg_read_end(rep) < 0 ||
		    t != c->tid || s != seq || ns != ~seq) {
			if (!c->mismatches) {
				c->first_bad_tid = t;
				c->first_bad_seq = s;
			}
			c->mismatches++;
		} else {
			c->ok++;
		}
	}
	c->error = r;
	bindox_msg_free(req);
	bindox_msg_free(rep);
	return NULL;
}

static void run_clients(Client *clients, Server *s)
{
	pthread_t threads[N_CLIENTS];
	int64_t t0 = bxt_now_ns();
	unsigned int i;

	for (i = 0; i < N_CLIENTS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, client_thread, &clients[i]), 0);
	for (i = 0; i < N_CLIENTS; i++)
		ck_assert_msg(bxt_join(threads[i], 10 * 60 * 1000, NULL) == 0,
			      "client thread %u hangs", i);
	printf("%u calls from %u threads in %.2f s; %u of %u server workers used\n",
	       atomic_load(&s->total), N_CLIENTS, (bxt_now_ns() - t0) / 1e9,
	       atomic_load(&s->workers_used), N_WORKERS);
	for (i = 0; i < N_CLIENTS; i++) {
		ck_assert_msg(clients[i].error == 0, "client %u: %s after %u calls", i,
			      bxt_errname(clients[i].error), clients[i].ok);
		ck_assert_msg(clients[i].mismatches == 0,
			      "client %u got %u replies of other calls (first: thread %u seq %u)",
			      i, clients[i].mismatches, clients[i].first_bad_tid,
			      clients[i].first_bad_seq);
		ck_assert_uint_eq(clients[i].ok, N_CALLS);
		ck_assert_uint_eq(atomic_load(&s->per_client[i]), N_CALLS);
	}
	ck_assert_uint_eq(atomic_load(&s->total), N_CLIENTS * N_CALLS);
	ck_assert_uint_eq(atomic_load(&s->out_of_order), 0);
	ck_assert_uint_eq(atomic_load(&s->bad), 0);
	/* Concurrent callers keep more than one worker busy. */
	ck_assert_uint_ge(atomic_load(&s->workers_used), 2);
}

START_TEST(eight_threads_one_connection)
{
	static Server s;
	Client clients[N_CLIENTS];
	BxtCoord *co = bxt_coord_start_ck();
	BindoxConn *srv = bxt_conn_ck(), *cli = bxt_conn_ck();
	BindoxServer *server = NULL;
	uint32_t h, i;

	h = bxt_link_ck(bindox_conn_fd(srv), COOKIE, bindox_conn_fd(cli));
	BXT_OK(bindox_server_new(srv, N_WORKERS, server_handler, &s, &server));
	BXT_OK(bindox_server_start(server));

	/* All client threads share one connection: one proc in the driver. */
	memset(clients, 0, sizeof(clients));
	for (i = 0; i < N_CLIENTS; i++)
		clients[i] = (Client){ .conn = cli, .h = h, .tid = i };
	run_clients(clients, &s);

	BXT_OK(bindox_server_stop(server));
	bindox_server_free(server);
	bindox_conn_close(cli);
	bindox_conn_close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(eight_threads_own_connections)
{
	static Server s;
	Client clients[N_CLIENTS];
	BindoxConn *conns[N_CLIENTS];
	BxtCoord *co = bxt_coord_start_ck();
	BindoxConn *srv = bxt_conn_ck();
	BindoxServer *server = NULL;
	char name[64];
	uint32_t i;

	bxt_unique_name(name, sizeof(name), "threads");
	BXT_OK(bxt_register(bindox_conn_fd(srv), name, COOKIE));
	BXT_OK(bindox_server_new(srv, N_WORKERS, server_handler, &s, &server));
	BXT_OK(bindox_server_start(server));

	memset(clients, 0, sizeof(clients));
	for (i = 0; i < N_CLIENTS; i++) {
		conns[i] = bxt_conn_ck();
		clients[i] = (Client){ .conn = conns[i], .tid = i };
		BXT_OK(bindox_service_lookup(conns[i], name, &clients[i].h, BXT_LONG_NS));
	}
	run_clients(clients, &s);

	BXT_OK(bindox_server_stop(server));
	bindox_server_free(server);
	for (i = 0; i < N_CLIENTS; i++)
		bindox_conn_close(conns[i]);
	bindox_conn_close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = bxt_tcase(s, "threads");

	tcase_add_test(tc, eight_threads_one_connection);
	tcase_add_test(tc, eight_threads_own_connections);
	return s;
}

int main(void)
{
	return bxt_run(threads_suite());
}
