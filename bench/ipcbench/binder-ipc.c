// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * binder-ipc: the binder primitives ipcbench's modes share (binder-ipc.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "binder-ipc.h"
#include "util.h"

int binder_ipc_open(BinderIpc *b, const char *device)
{
	struct binder_version v = { 0 };
	int r;

	memset(b, 0, sizeof(*b));
	b->fd = open(device, O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		return -errno;
	if (ioctl(b->fd, BINDER_VERSION, &v) < 0) {
		r = -errno;
		goto fail;
	}
	if (v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION) {
		r = -EPROTONOSUPPORT;
		goto fail;
	}
	b->map = mmap(NULL, BINDER_IPC_MAP_SIZE, PROT_READ, MAP_PRIVATE | MAP_NORESERVE, b->fd, 0);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		r = -errno;
		goto fail;
	}
	return 0;
fail:
	binder_ipc_close(b);
	return r;
}

void binder_ipc_close(BinderIpc *b)
{
	if (b->pending_free && b->fd >= 0) {
		size_t got = 0;

		binder_ipc_push_free(b);
		(void)binder_ipc_io(b, false, &got);
	}
	if (b->map)
		(void)munmap(b->map, BINDER_IPC_MAP_SIZE);
	b->map = NULL;
	close_fd(&b->fd);
}

int binder_ipc_become_manager(BinderIpc *b, unsigned int tries)
{
	unsigned int i;
	int r = -EBUSY;

	for (i = 0; i < tries; i++) {
		int32_t unused = 0;

		r = ioctl(b->fd, BINDER_SET_CONTEXT_MGR, &unused) < 0 ? -errno : 0;
		if (r != -EBUSY)
			break;
		usleep(50000);
	}
	return r;
}

void binder_ipc_enter_looper(BinderIpc *b)
{
	binder_ipc_push(b, BC_ENTER_LOOPER, NULL, 0);
}

void binder_ipc_push(BinderIpc *b, uint32_t cmd, const void *arg, size_t size)
{
	memcpy(b->wbuf + b->wlen, &cmd, sizeof(cmd));
	if (size)
		memcpy(b->wbuf + b->wlen + sizeof(cmd), arg, size);
	b->wlen += sizeof(cmd) + size;
}

void binder_ipc_push_free(BinderIpc *b)
{
	if (b->pending_free) {
		binder_ipc_push(b, BC_FREE_BUFFER, &b->pending_free, sizeof(b->pending_free));
		b->pending_free = 0;
	}
}

int binder_ipc_io(BinderIpc *b, bool read, size_t *got)
{
	struct binder_write_read bwr = {
		.write_size = b->wlen,
		.write_buffer = (binder_uintptr_t)(uintptr_t)b->wbuf,
		.read_size = read ? sizeof(b->rbuf) : 0,
		.read_buffer = (binder_uintptr_t)(uintptr_t)b->rbuf,
	};

	for (;;) {
		if (ioctl(b->fd, BINDER_WRITE_READ, &bwr) == 0)
			break;
		if (errno != EINTR)
			return -errno;
	}
	if (bwr.write_consumed < bwr.write_size)
		return -EIO;
	b->wlen = 0;
	*got = (size_t)bwr.read_consumed;
	return 0;
}

/*
 * Handle a return that needs no decision (reference counting of our node,
 * no-ops). Returns its payload size, or -1 for one the caller handles.
 */
static ssize_t handle_common(BinderIpc *b, uint32_t cmd, const uint8_t *payload)
{
	struct binder_ptr_cookie pc;

	switch (cmd) {
	case BR_NOOP:
	case BR_OK:
	case BR_SPAWN_LOOPER:
	case BR_TRANSACTION_COMPLETE:
		return 0;
	case BR_INCREFS:
	case BR_ACQUIRE:
		memcpy(&pc, payload, sizeof(pc));
		binder_ipc_push(b, cmd == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE, &pc,
				sizeof(pc));
		return sizeof(pc);
	case BR_RELEASE:
	case BR_DECREFS:
		return sizeof(pc);
	default:
		return -1;
	}
}

int binder_ipc_error_of(uint32_t cmd)
{
	switch (cmd) {
	case BR_DEAD_REPLY:
		return -EPIPE;
	case BR_FAILED_REPLY:
		return -ECOMM;
	case BR_FROZEN_REPLY:
		return -EAGAIN;
	default:
		return -EPROTO;
	}
}

int binder_ipc_read_returns(BinderIpc *b, BinderReturnFn fn, void *ctx)
{
	size_t got = 0, pos = 0;
	int r = binder_ipc_io(b, true, &got);

	if (r < 0)
		return r;
	while (pos + sizeof(uint32_t) <= got) {
		uint32_t cmd;
		ssize_t n;

		memcpy(&cmd, b->rbuf + pos, sizeof(cmd));
		pos += sizeof(cmd);
		n = handle_common(b, cmd, b->rbuf + pos);
		if (n < 0)
			n = fn(b, cmd, b->rbuf + pos, ctx);
		if (n < 0)
			return (int)n;
		pos += (size_t)n;
	}
	return 0;
}

void binder_ipc_queue_transaction(BinderIpc *b, uint32_t handle, uint32_t code,
				  const void *data, size_t size, uint32_t flags)
{
	struct binder_transaction_data tr = {
		.target.handle = handle,
		.code = code,
		.flags = flags,
		.data_size = size,
		.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)data,
	};

	binder_ipc_push(b, BC_TRANSACTION, &tr, sizeof(tr));
}

void binder_ipc_queue_reply(BinderIpc *b, const void *data, size_t size)
{
	struct binder_transaction_data reply = {
		.data_size = size,
		.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)data,
	};

	binder_ipc_push_free(b);
	binder_ipc_push(b, BC_REPLY, &reply, sizeof(reply));
}

typedef struct TransactState {
	struct binder_transaction_data *reply;
	bool done;
} TransactState;

static ssize_t transact_return(BinderIpc *b, uint32_t cmd, const uint8_t *payload, void *ctx)
{
	TransactState *st = ctx;

	if (cmd != BR_REPLY)
		return binder_ipc_error_of(cmd);
	memcpy(st->reply, payload, sizeof(*st->reply));
	b->pending_free = st->reply->data.ptr.buffer;
	st->done = true;
	return sizeof(*st->reply);
}

int binder_ipc_transact(BinderIpc *b, uint32_t handle, uint32_t code, const void *data,
			size_t size, struct binder_transaction_data *reply_out)
{
	TransactState st = { .reply = reply_out };

	binder_ipc_push_free(b);
	binder_ipc_queue_transaction(b, handle, code, data, size, 0);
	while (!st.done) {
		int r = binder_ipc_read_returns(b, transact_return, &st);

		if (r < 0)
			return r;
	}
	return reply_out->flags & TF_STATUS_CODE ? -EREMOTEIO : 0;
}
