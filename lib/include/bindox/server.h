/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_SERVER_H
#define BINDOX_SERVER_H

/**
 * DOC: servers
 *
 * A &BindoxServer runs a handler on N threads (pthreads) of one connection.
 * Each thread loops on bindox_reply_recv(): one ioctl sends the reply to the
 * previous call and waits for the next message. Messages are dispatched by
 * type:
 *
 * - BINDOX_MSG_CALL: the handler fills @reply (empty, with capacity kept
 *   from earlier use), and the reply goes out with the thread's next ioctl.
 * - BINDOX_MSG_ONEWAY and BINDOX_MSG_DEATH: the handler is called with
 *   @reply NULL; nothing is answered. Use bindox_msg_get_type() to tell.
 * - anything else is ignored.
 *
 * Handler errors: every call is answered. If the handler returns a negative
 * errno for a CALL, whatever it wrote into @reply is discarded and an
 * **empty reply** (no data, no objects) is sent. An empty reply is
 * therefore reserved for "the server failed"; protocols that need to report
 * errors in detail put a status into their replies, as the Coordinator
 * protocol does. If the driver refuses the handler's reply (for instance
 * -EMSGSIZE, larger than the caller's capacity, or -EINVAL, a bad object),
 * the empty reply is sent instead. Positive handler returns are treated as 0.
 *
 * Stopping: the UAPI has no way to wake a thread blocked in the driver other
 * than a signal, and a library must not take over signals. So the threads
 * wait with a finite timeout of BINDOX_SERVER_POLL_NS and check a stop flag
 * between waits: bindox_server_stop() returns within about that time plus
 * the time a running handler needs. A thread that has an unanswered call
 * still sends its reply before it exits. Worker threads block all signals,
 * so that process signals go to the application's own threads.
 *
 * Handles received in requests belong to the handler (release them, or keep
 * them). The handler may use the connection (calls, releases, ...), but must
 * not call bindox_server_stop() or bindox_server_free() on its own server.
 * The connection must outlive the server.
 *
 * Coordinator restarts: names registered with bindox_server_add_service()
 * survive a restart of the Coordinator (bindoxd killed and started again):
 * the nodes live in the server's process, and the server registers its
 * names with the new Coordinator. The driver does not accept a death
 * subscription on handle 0 (-EINVAL), so the restart is found by probing:
 * while the server runs, one extra thread asks the Coordinator every
 * BINDOX_SERVER_PROBE_NS whether it still knows the first name (a LOOKUP,
 * which for one's own node answers -ELOOP). If the Coordinator does not
 * know it (-ENOENT), there is none (-ENXIO) or policy refuses the lookup
 * (-EACCES, -EPERM: then registering is the question, answered -EEXIST
 * while the name is known), every name is registered again, retried after BINDOX_SERVER_RETRY_MIN_NS, doubling up to
 * BINDOX_SERVER_RETRY_MAX_NS between attempts, for as long as no
 * Coordinator answers. A name someone else took meanwhile (-EEXIST) or that
 * policy no longer allows stays unregistered. The thread sleeps between
 * rounds; each call it makes waits at most BINDOX_SERVER_COORD_TIMEOUT_NS,
 * which also bounds how long bindox_server_stop() may wait for it. Names
 * registered with bindox_service_register() are not kept.
 */

#include <stdint.h>
#include <bindox/conn.h>
#include <bindox/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How long a worker waits in the driver before it checks the stop flag. */
#define BINDOX_SERVER_POLL_NS (100LL * 1000 * 1000)

/* How often a running server checks that the Coordinator knows its names. */
#define BINDOX_SERVER_PROBE_NS (1000LL * 1000 * 1000)

/* Backoff between re-registration attempts while no Coordinator answers. */
#define BINDOX_SERVER_RETRY_MIN_NS (50LL * 1000 * 1000)
#define BINDOX_SERVER_RETRY_MAX_NS (2000LL * 1000 * 1000)

/* Bound on each call the server makes to the Coordinator for its names. */
#define BINDOX_SERVER_COORD_TIMEOUT_NS (2000LL * 1000 * 1000)

/* Upper bound for the number of worker threads of one server. */
#define BINDOX_SERVER_MAX_THREADS 64U

typedef struct BindoxServer BindoxServer;

/**
 * typedef BindoxServerHandler - handles one received message
 * @userdata:	as given to bindox_server_new()
 * @request:	the message, cursor at the start
 * @reply:	the reply to fill for a BINDOX_MSG_CALL (empty on entry);
 *		NULL for BINDOX_MSG_ONEWAY and BINDOX_MSG_DEATH
 *
 * Runs on any of the worker threads, possibly concurrently: protect shared
 * state in @userdata.
 *
 * Every call is answered. When the handler fails, or the driver refuses
 * the reply it wrote (EMSGSIZE: larger than the caller's capacity; EINVAL:
 * an object the server cannot send, such as a handle it does not hold), the
 * caller gets an empty reply (no data, no objects) instead: bindox_call()
 * returns 0 with it, and a decoder that expects content fails (the
 * Coordinator protocol's with -EBADMSG). An empty reply therefore means
 * "the server failed"; a protocol that reports errors puts a status in its
 * replies.
 *
 * Return: 0, or a negative errno: what the handler wrote is discarded and
 * the empty reply is sent.
 */
typedef int (*BindoxServerHandler)(void *userdata, BindoxMsg *request, BindoxMsg *reply);

/**
 * bindox_server_new() - create a server (not yet running)
 * @conn:	the connection to serve; borrowed, must outlive the server
 * @n_threads:	1..BINDOX_SERVER_MAX_THREADS worker threads
 * @handler:	called for every message
 * @userdata:	passed to @handler
 * @out:	the new server
 *
 * Return: 0; -EINVAL for NULL arguments or a bad @n_threads; -ENOMEM.
 */
int bindox_server_new(BindoxConn *conn, unsigned int n_threads, BindoxServerHandler handler,
		      void *userdata, BindoxServer **out);

/**
 * bindox_server_start() - start the worker threads
 * @s:	server
 *
 * Return: 0; -EINVAL; -EALREADY if running; or the negative errno of
 * pthread_create() (the threads already started are stopped again).
 */
int bindox_server_start(BindoxServer *s);

/**
 * bindox_server_stop() - stop the worker threads and wait for them
 * @s:	server
 *
 * See DOC for the latency. The server can be started again afterwards.
 *
 * Return: 0 if the workers ran without a fatal error (or the server was
 * not running); the first fatal negative errno a worker hit (for example
 * -EBADF), which had made that worker exit early; -EDEADLK if called from a
 * worker thread; -EINVAL for NULL.
 */
int bindox_server_stop(BindoxServer *s);

/**
 * bindox_server_free() - stop (if running) and free a server
 * @s:	server, or NULL
 *
 * Return: NULL.
 */
BindoxServer *bindox_server_free(BindoxServer *s);

/**
 * bindox_server_add_service() - register a name and keep it registered
 * @s:		server
 * @name:	NUL-terminated service name
 * @cookie:	the cookie of the server's node for this name (calls to the
 *		service arrive with it)
 *
 * Registers @name now, as bindox_service_register() does but waiting at
 * most BINDOX_SERVER_COORD_TIMEOUT_NS, and on success remembers it, so that
 * the server registers it again after a Coordinator restart (see DOC).
 * May be called before or while the server runs, from any thread but a
 * worker's handler.
 *
 * Return: 0; -EINVAL for NULL or an invalid name; -EEXIST if @s already
 * keeps @name; -ENOMEM; otherwise as bindox_service_register() (the
 * Coordinator's status, -ENXIO without a Coordinator, -ETIMEDOUT), and
 * then @name is not remembered.
 */
int bindox_server_add_service(BindoxServer *s, const char *name, uint64_t cookie);

/**
 * bindox_server_remove_service() - unregister a kept name
 * @s:		server
 * @name:	a name given to bindox_server_add_service()
 *
 * Forgets @name and unregisters it with the Coordinator.
 *
 * Return: 0; -EINVAL; -ENOENT if @s does not keep @name; otherwise the
 * error of the unregistration (the name is forgotten all the same).
 */
int bindox_server_remove_service(BindoxServer *s, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_SERVER_H */
