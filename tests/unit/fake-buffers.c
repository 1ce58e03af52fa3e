/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Buffers of the fake driver; see fake-buffers.h.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conn-private.h"
#include "fake-buffers.h"
#include "fake-driver.h"

#define FAKE_MAX_IDS 256

typedef struct FakeBuf {
	unsigned int ids;	/* ids that refer to it */
	uint64_t size;
	uint8_t *data;
	bool sealed;
} FakeBuf;

typedef struct FakeId {
	int fd;			/* -1: unused */
	uint32_t id;
	bool moved;
	FakeBuf *buf;
} FakeId;

static struct {
	pthread_mutex_t lock;
	bool ready;
	FakeId ids[FAKE_MAX_IDS];
	unsigned int live;
	uint64_t quota;
	int mmap_error;
} fb = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static void fb_init_locked(void)
{
	size_t i;

	if (fb.ready)
		return;
	for (i = 0; i < FAKE_MAX_IDS; i++)
		fb.ids[i].fd = -1;
	fb.quota = UINT64_MAX;
	fb.ready = true;
}

static uint64_t fb_page(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static FakeId *fb_find(int fd, uint64_t id)
{
	size_t i;

	for (i = 0; i < FAKE_MAX_IDS; i++)
		if (fb.ids[i].fd == fd && fb.ids[i].id == id && id != 0)
			return &fb.ids[i];
	return NULL;
}

static void fb_put(FakeBuf *b)
{
	if (--b->ids == 0) {
		free(b->data);
		free(b);
		fb.live--;
	}
}

/* A new id for @buf in @fd's table (ids grow: not reused soon). */
static FakeId *fb_add(int fd, FakeBuf *buf)
{
	FakeId *slot = NULL;
	uint32_t max = 0;
	size_t i;

	for (i = 0; i < FAKE_MAX_IDS; i++) {
		if (fb.ids[i].fd == fd && fb.ids[i].id > max)
			max = fb.ids[i].id;
		if (fb.ids[i].fd < 0 && !slot)
			slot = &fb.ids[i];
	}
	if (!slot)
		return NULL;
	slot->fd = fd;
	slot->id = max + 1;
	slot->moved = false;
	slot->buf = buf;
	buf->ids++;
	return slot;
}

static void fb_remove(FakeId *id)
{
	fb_put(id->buf);
	memset(id, 0, sizeof(*id));
	id->fd = -1;
}

static int fb_alloc(int fd, struct bindox_buffer_alloc *a)
{
	uint64_t page = fb_page(), size;
	FakeBuf *b;
	FakeId *id;

	if (a->flags || a->size == 0)
		return -EINVAL;
	if (a->size > fb.quota)
		return -EDQUOT;
	size = (a->size + page - 1) / page * page;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->size = size;
	b->data = calloc(1, size);
	if (!b->data) {
		free(b);
		return -ENOMEM;
	}
	fb.live++;
	id = fb_add(fd, b);
	if (!id) {
		b->ids = 1;
		fb_put(b);
		return -ENOSPC;
	}
	a->size = size;
	a->id = id->id;
	a->offset = id->id * page;
	return 0;
}

static uint32_t fb_flags(const FakeId *id)
{
	if (id->moved)
		return BINDOX_BUF_MOVED | (id->buf->sealed ? BINDOX_BUF_SEALED : 0);
	return id->buf->sealed ? BINDOX_BUF_SEALED : BINDOX_BUF_WRITABLE;
}

int fake_buffers_ioctl(int fd, unsigned long request, void *arg)
{
	struct bindox_buffer_info *info = arg;
	FakeId *id;
	int r = 0;

	pthread_mutex_lock(&fb.lock);
	fb_init_locked();
	switch (request) {
	case BINDOX_IOC_BUFFER_ALLOC:
		r = fb_alloc(fd, arg);
		break;
	case BINDOX_IOC_BUFFER_INFO:
		id = fb_find(fd, info->id);
		if (!id) {
			r = -EINVAL;
			break;
		}
		info->flags = fb_flags(id);
		info->size = id->buf->size;
		info->offset = id->id * fb_page();
		break;
	case BINDOX_IOC_BUFFER_RELEASE:
		id = fb_find(fd, info->id);
		if (!id || info->flags || info->size || info->offset)
			r = -EINVAL;
		else
			fb_remove(id);
		break;
	default:
		r = -ENOTTY;
		break;
	}
	pthread_mutex_unlock(&fb.lock);
	return r;
}

int fake_buffers_check(int fd, const struct bindox_object *obj)
{
	FakeId *id;
	int r = 0;

	if ((obj->flags != BINDOX_BUF_MOVE && obj->flags != BINDOX_BUF_SHARE) || obj->reserved)
		return -EINVAL;
	pthread_mutex_lock(&fb.lock);
	fb_init_locked();
	id = fb_find(fd, obj->value);
	if (!id || id->moved)
		r = -EINVAL;
	pthread_mutex_unlock(&fb.lock);
	return r;
}

void fake_buffers_deliver(int from, int to, struct bindox_object *obj)
{
	FakeId *src, *dst;
	uint32_t mode = obj->flags;

	pthread_mutex_lock(&fb.lock);
	src = fb_find(from, obj->value);
	if (mode == BINDOX_BUF_MOVE)
		src->moved = true;
	else
		src->buf->sealed = true;
	dst = fb_add(to, src->buf);
	if (!dst)
		abort();
	obj->value = dst->id;
	obj->flags = mode | (fb_flags(dst) & BINDOX_BUF_WRITABLE);
	obj->size = dst->buf->size;
	pthread_mutex_unlock(&fb.lock);
}

void fake_buffers_drop(int fd)
{
	size_t i;

	pthread_mutex_lock(&fb.lock);
	fb_init_locked();
	for (i = 0; i < FAKE_MAX_IDS; i++)
		if (fb.ids[i].fd == fd)
			fb_remove(&fb.ids[i]);
	pthread_mutex_unlock(&fb.lock);
}

int bindox_conn_mmap(int fd, size_t size, uint64_t offset, bool writable, void **out)
{
	uint64_t page = fb_page();
	FakeId *id;
	int r = 0;

	pthread_mutex_lock(&fb.lock);
	fb_init_locked();
	id = offset % page ? NULL : fb_find(fd, offset / page);
	if (fb.mmap_error)
		r = fb.mmap_error;
	else if (!id || size > id->buf->size)
		r = -EINVAL;
	else if (id->moved || (writable && id->buf->sealed))
		r = -EACCES;
	else
		*out = id->buf->data;
	pthread_mutex_unlock(&fb.lock);
	return r;
}

/* The fake driver has one mapping per buffer: nothing to take over. */
int bindox_conn_remap(int fd, uint32_t id, void *addr, size_t size, bool writable)
{
	(void)fd;
	(void)id;
	(void)addr;
	(void)size;
	(void)writable;
	return -EOPNOTSUPP;
}

void bindox_conn_munmap(void *p, size_t size)
{
	(void)p;
	(void)size;
}

unsigned int fake_driver_count_buffers(void)
{
	unsigned int n;

	pthread_mutex_lock(&fb.lock);
	n = fb.live;
	pthread_mutex_unlock(&fb.lock);
	return n;
}

unsigned int fake_driver_count_buffer_ids(int fd)
{
	unsigned int n = 0;
	size_t i;

	pthread_mutex_lock(&fb.lock);
	fb_init_locked();
	for (i = 0; i < FAKE_MAX_IDS; i++)
		n += fb.ids[i].fd == fd;
	pthread_mutex_unlock(&fb.lock);
	return n;
}

void fake_driver_set_buffer_quota(uint64_t bytes)
{
	pthread_mutex_lock(&fb.lock);
	fb_init_locked();
	fb.quota = bytes;
	pthread_mutex_unlock(&fb.lock);
}

void fake_driver_fail_mmap(int error)
{
	pthread_mutex_lock(&fb.lock);
	fb.mmap_error = error;
	pthread_mutex_unlock(&fb.lock);
}
