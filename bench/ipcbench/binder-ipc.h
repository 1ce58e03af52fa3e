/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * binder-ipc: the binder primitives ipcbench's modes share, spoken with raw
 * ioctls from <linux/android/binder.h> on the guest's binder_linux device.
 *
 * A BinderIpc is one open binder device with its receive mapping, a queue
 * of commands to write and a buffer of returns read. Commands are queued
 * with binder_ipc_push() (and the helpers around it) and written with the
 * next binder_ipc_io(); binder_ipc_read_returns() writes the queue, reads
 * the returns and hands each that needs a decision to a callback.
 *
 * A received transaction or reply stays in our binder buffer until it is
 * freed: its address goes to pending_free, and the next
 * binder_ipc_push_free() (which binder_ipc_transact() and
 * binder_ipc_queue_reply() call) queues the BC_FREE_BUFFER for it.
 */
#ifndef IPCBENCH_BINDER_IPC_H
#define IPCBENCH_BINDER_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/android/binder.h>

/* The receive mapping, as Android's ProcessState maps it. */
#define BINDER_IPC_MAP_SIZE (1024U * 1024U - 2U * 4096U)

typedef struct BinderIpc {
	int fd;
	void *map;			/* our binder buffer (read-only to us) */
	uint8_t wbuf[512];		/* commands to write */
	size_t wlen;
	uint8_t rbuf[1024];		/* returns read */
	binder_uintptr_t pending_free;	/* our last received binder buffer */
} BinderIpc;

/*
 * Called for a return binder_ipc_read_returns() does not handle itself:
 * returns the size of @cmd's payload, or a negative errno to stop.
 */
typedef ssize_t (*BinderReturnFn)(BinderIpc *b, uint32_t cmd, const uint8_t *payload,
				  void *ctx);

/* Open @device, check the protocol version, map the receive buffer. */
int binder_ipc_open(BinderIpc *b, const char *device);
/* Free a pending received buffer, unmap, close. Safe on a failed open. */
void binder_ipc_close(BinderIpc *b);

/*
 * Become the device's context manager (handle 0). A previous manager's
 * release is deferred in the driver, so EBUSY is retried @tries times,
 * 50 ms apart.
 */
int binder_ipc_become_manager(BinderIpc *b, unsigned int tries);
/* Queue BC_ENTER_LOOPER: this thread takes incoming transactions. */
void binder_ipc_enter_looper(BinderIpc *b);

/* Queue command @cmd with @size bytes of argument. */
void binder_ipc_push(BinderIpc *b, uint32_t cmd, const void *arg, size_t size);
/* Queue BC_FREE_BUFFER for our last received buffer, if any. */
void binder_ipc_push_free(BinderIpc *b);

/* Write the queued commands; read returns if @read. *@got: bytes read. */
int binder_ipc_io(BinderIpc *b, bool read, size_t *got);
/*
 * Write the queued commands, read the returns and go through them: the
 * routine ones (no-ops, reference counts of our node) here, the others
 * through @fn.
 */
int binder_ipc_read_returns(BinderIpc *b, BinderReturnFn fn, void *ctx);
/* The negative errno for a return that ends a transaction in failure. */
int binder_ipc_error_of(uint32_t cmd);

/* Queue a transaction to @handle (@flags: 0 or TF_ONE_WAY). */
void binder_ipc_queue_transaction(BinderIpc *b, uint32_t handle, uint32_t code,
				  const void *data, size_t size, uint32_t flags);
/*
 * Queue the reply to the transaction received last, freeing its buffer
 * first; @data is copied by the driver when the queue is written.
 */
void binder_ipc_queue_reply(BinderIpc *b, const void *data, size_t size);
/*
 * One synchronous transaction to @handle; on success *@reply_out describes
 * the reply, which stays in our binder buffer until the next
 * binder_ipc_push_free().
 */
int binder_ipc_transact(BinderIpc *b, uint32_t handle, uint32_t code, const void *data,
			size_t size, struct binder_transaction_data *reply_out);

#endif
