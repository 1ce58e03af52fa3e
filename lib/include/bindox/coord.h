/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef BINDOX_COORD_H
#define BINDOX_COORD_H

/**
 * DOC: the Coordinator protocol
 *
 * The Coordinator (bindoxd) holds the registry of service names. Clients
 * talk to it with calls to handle 0, in the format defined at the end of
 * <linux/bindox.h>:
 *
 * - request data: &struct bindox_coord_request (op, name_len), the name
 *   (name_len bytes, not NUL-terminated); for REGISTER, at the next 8-byte
 *   boundary, exactly one BINDOX_OBJ_NODE object (the service's node).
 * - reply data: &struct bindox_coord_reply (status: 0 or a negative errno),
 *   followed for a successful LOOKUP by one BINDOX_OBJ_HANDLE object.
 *
 * Names are 1..BINDOX_NAME_MAX bytes of [A-Za-z0-9._-].
 *
 * The client side is bindox_service_register(), bindox_service_lookup()
 * and bindox_service_unregister(). A Coordinator (bindoxd, the test
 * coordinator) keeps the registry and answers each call with
 * bindox_coord_answer(), giving the three operations as a
 * &BindoxCoordOps; that decodes with bindox_coord_request_parse() and
 * encodes with bindox_coord_reply_build*(). The encoders and decoders are
 * public so that both sides, and tests, share one implementation.
 */

#include <stddef.h>
#include <stdint.h>
#include <bindox/conn.h>
#include <bindox/msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Size of a buffer that holds any valid name and its NUL. */
#define BINDOX_NAME_BUF_SIZE (BINDOX_NAME_MAX + 1U)

/**
 * bindox_service_name_validate() - check a service name
 * @name:	the name (need not be NUL-terminated)
 * @len:	its length in bytes
 *
 * Return: 0 if @name is 1..BINDOX_NAME_MAX bytes of [A-Za-z0-9._-],
 * -EINVAL otherwise (also for NULL).
 */
int bindox_service_name_validate(const char *name, size_t len);

/**
 * bindox_service_register() - register a service name for one of our nodes
 * @c:		connection
 * @name:	NUL-terminated service name
 * @cookie:	the node's cookie (see bindox_msg_append_node()); calls to the
 *		service arrive with this cookie
 *
 * Waits for the Coordinator without a timeout.
 *
 * Return: 0; -EINVAL for an invalid name or NULL arguments; the
 * Coordinator's status (e.g. -EEXIST if the name is taken, -EACCES/-EPERM
 * when policy refuses); -EBADMSG if its reply is malformed; or the errno
 * of the call.
 */
int bindox_service_register(BindoxConn *c, const char *name, uint64_t cookie);

/**
 * bindox_service_lookup() - find a service
 * @c:		connection
 * @name:	NUL-terminated service name
 * @handle_out:	the service's handle in our table; owned by the caller
 *		(release it with bindox_handle_release())
 * @timeout_ns:	how long to wait for the Coordinator's reply
 *
 * Return: 0; -EINVAL; -ENOENT if no service has that name (the
 * Coordinator's status); -ELOOP if the service is a node of the calling
 * process itself (the driver hands an owner its own node back as
 * BINDOX_OBJ_NODE, so there is no handle: call your own code directly);
 * -EBADMSG for a malformed reply; or the errno of the call.
 */
int bindox_service_lookup(BindoxConn *c, const char *name, uint32_t *handle_out,
			  int64_t timeout_ns);

/**
 * bindox_service_unregister() - drop a registration
 * @c:		connection
 * @name:	NUL-terminated service name
 *
 * Waits for the Coordinator without a timeout.
 *
 * Return: 0; -EINVAL; the Coordinator's status (-ENOENT, -EPERM, ...);
 * -EBADMSG; or the errno of the call.
 */
int bindox_service_unregister(BindoxConn *c, const char *name);

/**
 * bindox_coord_request_build() - encode a Coordinator request
 * @m:		message, reset first
 * @op:		enum bindox_coord_op
 * @name:	service name (need not be NUL-terminated)
 * @name_len:	its length
 * @cookie:	REGISTER: the node's cookie; ignored otherwise
 *
 * Return: 0; -EINVAL for a bad op, name or NULL arguments; -ENOMEM.
 */
int bindox_coord_request_build(BindoxMsg *m, uint32_t op, const char *name, size_t name_len,
			       uint64_t cookie);

/**
 * bindox_coord_request_parse() - decode a request received by the Coordinator
 * @m:			the received call (read from the start)
 * @op:			enum bindox_coord_op
 * @name_buf:		receives the name, NUL-terminated
 * @name_buf_size:	at least BINDOX_NAME_BUF_SIZE is always enough
 * @node_handle:	REGISTER: the Coordinator's handle to the service's
 *			node (a reference it now owns); 0 for other ops
 *
 * Strict: the request must consist of exactly what the op defines. If the
 * node arrives as BINDOX_OBJ_NODE (a process registering its own node with
 * itself) the request is refused with -EBADMSG.
 *
 * On failure, handles carried by @m are not released: the caller still owns
 * them (see bindox_msg_get_object()).
 *
 * Return: 0; -EINVAL for NULL arguments; -ENOBUFS if @name_buf is too small
 * for the name; -EBADMSG if the request is malformed (unknown op, invalid
 * name, wrong objects, trailing data).
 */
int bindox_coord_request_parse(BindoxMsg *m, uint32_t *op, char *name_buf, size_t name_buf_size,
			       uint32_t *node_handle);

/**
 * bindox_coord_reply_build() - encode a reply carrying only a status
 * @reply:	message, reset first
 * @status:	0 or a negative errno
 *
 * Return: 0; -EINVAL for NULL or a positive @status; -ENOMEM.
 */
int bindox_coord_reply_build(BindoxMsg *reply, int status);

/**
 * bindox_coord_reply_build_handle() - encode a successful LOOKUP reply
 * @reply:	message, reset first
 * @handle:	the Coordinator's handle to the service (it keeps its own
 *		reference; the client gets a new one)
 *
 * Return: 0; -EINVAL; -ENOMEM.
 */
int bindox_coord_reply_build_handle(BindoxMsg *reply, uint32_t handle);

/**
 * bindox_coord_reply_parse() - decode the Coordinator's reply
 * @reply:	the reply (read from the start)
 * @status:	the Coordinator's status, 0 or a negative errno
 * @handle_out:	NULL if no handle is expected (REGISTER, UNREGISTER);
 *		otherwise, when *@status is 0, the handle the reply carries
 *
 * Return: 0 if the reply is well formed (the outcome is in *@status);
 * -ELOOP if a handle was expected but the object is a BINDOX_OBJ_NODE, i.e.
 * the receiver's own node; -EINVAL for NULL arguments; -EBADMSG if it is
 * malformed (short, a status that is not 0 or a negative errno, missing or
 * unexpected objects, trailing data).
 */
int bindox_coord_reply_parse(BindoxMsg *reply, int *status, uint32_t *handle_out);

/**
 * struct BindoxCoordOps - what a Coordinator does for each request
 * @register_service:	REGISTER @name for the node behind @handle. The
 *			Coordinator owns that reference from now on, also
 *			when it refuses: keep it or bindox_handle_release()
 *			it. Returns 0 or the negative errno the client gets.
 * @lookup_service:	LOOKUP @name: 0 with *@handle the Coordinator's own
 *			handle to the service (it keeps its reference; the
 *			client gets a new one), or the negative errno the
 *			client gets.
 * @unregister_service:	UNREGISTER @name: 0 or the negative errno the
 *			client gets.
 *
 * Each is called with the userdata given to bindox_coord_answer() and the
 * request, whose sender bindox_msg_get_creds() tells; @name is a valid,
 * NUL-terminated service name.
 */
typedef struct BindoxCoordOps {
	int (*register_service)(void *userdata, const BindoxMsg *request, const char *name,
				uint32_t handle);
	int (*lookup_service)(void *userdata, const BindoxMsg *request, const char *name,
			      uint32_t *handle);
	int (*unregister_service)(void *userdata, const BindoxMsg *request, const char *name);
} BindoxCoordOps;

/**
 * bindox_coord_answer() - answer a call received by the Coordinator
 * @c:		the Coordinator's connection
 * @request:	a received BINDOX_MSG_CALL (read from the start)
 * @reply:	the reply to fill, reset first
 * @ops:	the Coordinator's operations; all three must be set
 * @userdata:	passed to @ops
 *
 * Decodes @request with bindox_coord_request_parse() and calls the
 * operation it names. A malformed request is refused with -EBADMSG
 * without calling @ops, and the handles it carries are released
 * (bindox_msg_release_handles()). Send @reply with bindox_reply().
 *
 * Return: 0 when @reply holds the answer (which may be a refusal);
 * -EINVAL for NULL arguments or an operation that returned a positive
 * value; -ENOMEM if the reply cannot be built.
 */
int bindox_coord_answer(BindoxConn *c, BindoxMsg *request, BindoxMsg *reply,
			const BindoxCoordOps *ops, void *userdata);

#ifdef __cplusplus
}
#endif

#endif /* BINDOX_COORD_H */
