/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipcbench's throughput mode ("ipcbench tput"): C client processes doing
 * calls (or sending one-way messages) back to back against one server with
 * a pool of worker threads, for several methods in one run; see tput.c.
 * This header is the interface of its methods (tput-methods.c,
 * tput-binder.c).
 */
#ifndef IPCBENCH_TPUT_H
#define IPCBENCH_TPUT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TPUT_MAX_CLIENTS 64U
#define TPUT_ADDR_SIZE 108U	/* a UNIX socket path, a service name */

/* What one measurement is: the same for server and clients. */
typedef struct TputParams {
	const char *device;		/* bindox */
	const char *binder_device;
	size_t size;			/* bytes per request (and per reply) */
	bool oneway;			/* one-way messages instead of calls */
	unsigned int clients;
	unsigned int workers;		/* the server's threads */
	int64_t client_uid;		/* the clients' uid; -1: the orchestrator's */
	char addr[TPUT_ADDR_SIZE];	/* where clients find the server (method's own) */
} TputParams;

/* One cache line per counter, so that the clients do not share lines. */
typedef struct TputCounter {
	_Atomic uint64_t n;
	uint8_t pad[64 - sizeof(uint64_t)];
} TputCounter;

/*
 * Shared (MAP_SHARED) between the orchestrator, the server and the clients:
 * the orchestrator reads the counters at the start and the end of the
 * measured window and sets @stop at its end.
 */
typedef struct TputShared {
	_Atomic int stop;
	TputCounter served;			/* messages the server handled */
	TputCounter done[TPUT_MAX_CLIENTS];	/* per client: calls answered, messages sent */
	TputCounter retries[TPUT_MAX_CLIENTS];	/* one-way sends refused as full (-EAGAIN) */
} TputShared;

/*
 * A client's connection, the method's own struct TputClient, which starts
 * with this part.
 */
typedef struct TputClient TputClient;
typedef struct TputClientBase {
	size_t size;
	bool oneway;
} TputClientBase;

/* A zeroed struct of @bytes whose TputClientBase is filled from @p; or NULL. */
void *tput_client_alloc(const TputParams *p, size_t bytes);

typedef struct TputMethod {
	const char *name;
	const char *server_how;		/* the server's design, one line */
	/*
	 * In the orchestrator, before anything starts (may be NULL): fill
	 * p->addr and start helpers; *@aux a helper process to reap once
	 * every client has connected (-1: none).
	 */
	int (*prepare)(TputParams *p, pid_t *aux);
	/*
	 * The server process: set up, write an int32_t status to @ctl (0:
	 * ready), serve until @stop_fd reaches end of file, count every
	 * message handled in sh->served. Returns 0 or a negative errno.
	 */
	int (*serve)(const TputParams *p, TputShared *sh, int ctl, int stop_fd);
	/*
	 * A client process: connect; one call of @req (the reply into @rep)
	 * or one one-way send of @req (-EAGAIN: the queue is full, nothing
	 * was sent); close.
	 */
	int (*connect)(const TputParams *p, TputClient **out);
	int (*op)(TputClient *c, const uint8_t *req, uint8_t *rep);
	void (*close)(TputClient *c);
} TputMethod;

/* bindox, uds, binder: the default order. */
extern const TputMethod tput_method_bindox, tput_method_uds, tput_method_binder;

/* A server's status on its control pipe. */
void tput_send_status(int ctl, int status);

/* Block until @fd reaches end of file (the orchestrator closed its end). */
int tput_wait_eof(int fd);

/* The mode's main(): argv[0] is "tput". */
int tput_main(int argc, char **argv);

#endif
