// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The throughput mode's bindox and uds methods (tput.h); binder's is in
 * tput-binder.c. Both servers echo a call's request as its reply and count
 * every message they take in TputShared.served.
 *
 *   bindox  libbindox's BindoxServer: p->workers threads on one connection,
 *           each looping on bindox_reply_recv() (one ioctl answers the
 *           previous call and takes the next message). Clients: one
 *           connection each, bindox_call() or bindox_send_oneway_wait()
 *           (a full queue makes it wait, as a socket's write) to the
 *           handle a LOOKUP gave them.
 *   uds     one listening UNIX stream socket and a thread per accepted
 *           connection (so as many threads as clients, whatever
 *           p->workers says), each doing read + write per call; one-way:
 *           the client writes, the server reads, nothing comes back.
 *
 * bindox setup (not timed): a Coordinator child (bindox-setup.h) answers
 * the server's REGISTER and the clients' LOOKUPs, then exits.
 */
#define _GNU_SOURCE
#include "tput.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bindox/bindox.h>
#include <bindox/server.h>

#include "bindox-setup.h"
#include "unixsock.h"
#include "util.h"

#define SETUP_TIMEOUT_NS (30LL * 1000 * 1000 * 1000)
#define SERVICE_COOKIE 1U

/* A name (bindox) or socket path (uds) unique per measurement. */
static void unique_addr(TputParams *p, const char *fmt)
{
	static unsigned int n_setups;

	snprintf(p->addr, sizeof(p->addr), fmt, (long)getpid(), n_setups++);
}

/* ---- bindox ---- */

static int bindox_prepare(TputParams *p, pid_t *aux)
{
	unique_addr(p, "bench.tput.%ld.%u");
	return bench_coordinator_start(p->device, p->addr, p->clients, aux);
}

static int bindox_handle(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	TputShared *sh = userdata;
	const void *data;
	size_t size;

	atomic_fetch_add_explicit(&sh->served.n, 1, memory_order_relaxed);
	if (!reply)
		return 0;	/* one-way */
	data = bindox_msg_get_data(request, &size);
	return bindox_msg_append_bytes(reply, data, size);
}

static int bindox_serve(const TputParams *p, TputShared *sh, int ctl, int stop_fd)
{
	BindoxConn *conn = NULL;
	BindoxServer *srv = NULL;
	int r, r2;

	r = bindox_conn_open(p->device, &conn);
	if (r >= 0)
		r = bindox_service_register(conn, p->addr, SERVICE_COOKIE);
	if (r >= 0)
		r = bindox_server_new(conn, p->workers, bindox_handle, sh, &srv);
	if (r >= 0)
		r = bindox_server_start(srv);
	tput_send_status(ctl, r);
	if (r >= 0)
		r = tput_wait_eof(stop_fd);
	if (srv) {
		r2 = bindox_server_stop(srv);
		if (r >= 0 && r2 < 0)
			r = r2;
		bindox_server_free(srv);
	}
	bindox_conn_close(conn);
	return r;
}

struct TputClient {
	TputClientBase base;
	BindoxConn *conn;	/* bindox */
	BindoxMsg *req, *rep;
	uint32_t handle;
	int fd;			/* uds */
};

static int bindox_connect(const TputParams *p, TputClient **out)
{
	TputClient *c = tput_client_alloc(p, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->fd = -1;
	r = bindox_open_with_msgs(p->device, p->size, 0, &c->conn, &c->req, &c->rep);
	if (r >= 0)
		r = bindox_service_lookup(c->conn, p->addr, &c->handle, SETUP_TIMEOUT_NS);
	if (r < 0) {
		bindox_msg_free(c->rep);
		bindox_msg_free(c->req);
		bindox_conn_close(c->conn);
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

static int bindox_op(TputClient *c, const uint8_t *req, uint8_t *rep)
{
	const void *data;
	size_t size;
	int r;

	bindox_msg_reset(c->req);
	r = bindox_msg_append_bytes(c->req, req, c->base.size);
	if (r < 0)
		return r;
	if (c->base.oneway)
		return bindox_send_oneway_wait(c->conn, c->handle, c->req);
	r = bindox_call(c->conn, c->handle, c->req, c->rep, -1);
	if (r < 0)
		return r;
	data = bindox_msg_get_data(c->rep, &size);
	if (size != c->base.size)
		return -EBADMSG;
	memcpy(rep, data, size);
	return 0;
}

static void bindox_close(TputClient *c)
{
	bindox_msg_free(c->rep);
	bindox_msg_free(c->req);
	bindox_conn_close(c->conn);
	free(c);
}

const TputMethod tput_method_bindox = {
	.name = "bindox",
	.server_how = "BindoxServer: N worker threads on one connection, each looping on "
		      "bindox_reply_recv() (one ioctl per call)",
	.prepare = bindox_prepare,
	.serve = bindox_serve,
	.connect = bindox_connect,
	.op = bindox_op,
	.close = bindox_close,
};

/* ---- uds ---- */

static int uds_prepare(TputParams *p, pid_t *aux)
{
	*aux = -1;
	unique_addr(p, "/tmp/ipcbench-tput-%ld-%u.sock");
	return 0;
}

typedef struct UdsConn {
	pthread_t thread;
	bool started;
	int fd;
	const TputParams *p;
	TputShared *sh;
	int error;
} UdsConn;

/* One connection's thread: read a message, count it, echo it for a call. */
static void *uds_conn_thread(void *arg)
{
	UdsConn *uc = arg;
	uint8_t *buf = malloc(uc->p->size);
	int r = buf ? 0 : -ENOMEM;

	while (r >= 0) {
		r = read_full(uc->fd, buf, uc->p->size);
		if (r <= 0)
			break;	/* 0: the client closed its end */
		atomic_fetch_add_explicit(&uc->sh->served.n, 1, memory_order_relaxed);
		if (!uc->p->oneway)
			r = write_full(uc->fd, buf, uc->p->size);
	}
	uc->error = r < 0 ? r : 0;
	free(buf);
	return NULL;
}

static int uds_serve(const TputParams *p, TputShared *sh, int ctl, int stop_fd)
{
	UdsConn *conns = calloc(p->clients, sizeof(*conns));
	unsigned int i;
	int lfd = -1, r = 0;

	if (!conns)
		r = -ENOMEM;
	for (i = 0; conns && i < p->clients; i++)
		conns[i].fd = -1;
	if (r >= 0) {
		lfd = uds_listen_path(p->addr);
		r = lfd < 0 ? lfd : 0;
	}
	tput_send_status(ctl, r);
	for (i = 0; r >= 0 && i < p->clients; i++) {
		UdsConn *uc = &conns[i];

		*uc = (UdsConn){ .p = p, .sh = sh, .fd = -1 };
		uc->fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (uc->fd < 0) {
			r = -errno;
			break;
		}
		r = -pthread_create(&uc->thread, NULL, uds_conn_thread, uc);
		uc->started = r == 0;
	}
	if (r >= 0)
		r = tput_wait_eof(stop_fd);
	/* The clients have exited by now: every thread ends at end of file. */
	for (i = 0; conns && i < p->clients; i++) {
		if (conns[i].started) {
			pthread_join(conns[i].thread, NULL);
			if (r >= 0 && conns[i].error < 0)
				r = conns[i].error;
		}
		if (conns[i].fd >= 0)
			close(conns[i].fd);
	}
	if (lfd >= 0) {
		close(lfd);
		unlink(p->addr);
	}
	free(conns);
	return r;
}

static int uds_connect(const TputParams *p, TputClient **out)
{
	TputClient *c = tput_client_alloc(p, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->fd = uds_connect_path(p->addr);
	if (c->fd < 0) {
		int r = c->fd;

		free(c);
		return r;
	}
	*out = c;
	return 0;
}

static int uds_op(TputClient *c, const uint8_t *req, uint8_t *rep)
{
	int r = write_full(c->fd, req, c->base.size);

	if (r < 0 || c->base.oneway)
		return r;
	r = read_full(c->fd, rep, c->base.size);
	return r <= 0 ? (r < 0 ? r : -EPIPE) : 0;
}

static void uds_close(TputClient *c)
{
	close(c->fd);
	free(c);
}

const TputMethod tput_method_uds = {
	.name = "uds",
	.server_how = "one listening UNIX stream socket, a thread per connection "
		      "(read + write per call)",
	.prepare = uds_prepare,
	.serve = uds_serve,
	.connect = uds_connect,
	.op = uds_op,
	.close = uds_close,
};
