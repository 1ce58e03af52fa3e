/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interface every transport implements for ipcbench.
 *
 * One exchange: the client writes its whole buffer and passes it to the
 * server; the server checks what it got, writes the whole buffer and passes
 * it back; the client checks the reply. A Method gives both sides the means:
 *
 *   server:  listen() -> accept() -> serve(on_message) until the client ends
 *   client:  connect() -> { buffer(), fill, send(), recv(), buffer(), check }*
 *            -> finish() -> close()
 *
 * buffer() returns where this side writes its next message, received()
 * where the message of the last recv() is (NULL: the same as buffer());
 * which memory that is (a private copy, a shared mapping, a moved buffer, a
 * loaned chunk) is the method's business. Methods whose request/reply is one call (bindox, grpc, binder)
 * do the whole round trip in send() and let recv() only pick up the reply.
 *
 * Return values: negative errno on failure; recv() returns 1 for a message
 * and 0 when the peer has finished.
 */
#ifndef IPCBENCH_METHOD_H
#define IPCBENCH_METHOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ADDR_SIZE 256

typedef struct MethodParams {
	size_t size;			/* bytes per message, both ways */
	const char *run_dir;		/* private directory for sockets and configs */
	const char *bindox_device;
	const char *binder_device;
	uint64_t run_id;		/* unique per run: service names, topics */
	const char *cgroup;		/* the run's memory cgroup, or NULL */
} MethodParams;

typedef struct MethodSide MethodSide;	/* one side's state, per method */
typedef struct MethodAux MethodAux;	/* helpers the orchestrator runs */

/*
 * Called by the server for every message: check @in (the client's message),
 * then write the whole reply into @out (may be @in). Returns 0 or a negative
 * errno, which stops serving.
 */
typedef int (*MessageFn)(void *userdata, const void *in, void *out);

typedef struct Method {
	const char *name;
	const char *how;		/* how the bytes travel, for the report */
	size_t max_size;		/* largest message, 0: no limit */

	/* In the orchestrator (host side), around one run; both optional. */
	int (*prepare)(const MethodParams *p, MethodAux **out);
	void (*cleanup)(MethodAux *aux);
	/*
	 * Optional: a helper process that holds the transport's memory (a
	 * daemon owning the shared pool), counted with client and server.
	 * prepare() puts it into p->cgroup.
	 */
	pid_t (*memory_holder)(const MethodAux *aux);

	/* Server side. @addr receives what the client needs to connect. */
	int (*listen)(const MethodParams *p, MethodSide **out, char *addr);
	int (*accept)(MethodSide *s);
	int (*serve)(MethodSide *s, MessageFn fn, void *userdata);

	/* Client side. */
	int (*connect)(const MethodParams *p, const char *addr, MethodSide **out);
	void *(*buffer)(MethodSide *s);
	int (*send)(MethodSide *s);
	int (*recv)(MethodSide *s);
	const void *(*received)(MethodSide *s);	/* optional */
	int (*finish)(MethodSide *s);	/* make the server's serve() return */

	void (*close)(MethodSide *s);	/* either side; accepts NULL */
} Method;

/*
 * serve() for methods with a symmetric recv()/send()/buffer(): receive,
 * call @fn in place, send back, until recv() reports the end.
 */
int serve_in_place(const Method *m, MethodSide *s, MessageFn fn, void *userdata);

/* The methods compiled into this binary, in report order; NULL-terminated. */
extern const Method *const methods[];

extern const Method method_bindox;
extern const Method method_tcp;
extern const Method method_udp;
extern const Method method_uds;
extern const Method method_grpc;
extern const Method method_memfd;
extern const Method method_binder;
extern const Method method_iceoryx;

#ifdef __cplusplus
}
#endif

#endif
