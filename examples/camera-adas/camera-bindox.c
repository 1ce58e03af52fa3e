// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The camera over Bindox: vendor.camera.front is a node of this process,
 * registered with the Coordinator; every frame travels in the reply to the
 * client's NEXT call as a moved Mapping Delivery buffer (no copy: the
 * client maps the very pages the sensor wrote, and this process loses
 * access until the client moves the buffer back in its next call).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bindox/bindox.h>
#include "camera.h"
#include "clock.h"
#include "proto.h"

#define CAMERA_COOKIE 0xca3e7a0001ULL
#define CAMERA_SERVER_THREADS 2U

typedef struct CameraBindox {
	BindoxConn *conn;
	CameraRing *ring;
	size_t frame_bytes;
	pthread_mutex_t lock;
	bool subscribed;
	bool done;
	uint64_t delivered;
} CameraBindox;

static int camera_bindox_status(BindoxMsg *reply, int status)
{
	CameraStatusReply s = { .status = status };

	return bindox_msg_append_bytes(reply, &s, sizeof(s));
}

/*
 * Take back the buffer a request carries, if any: it must be the frame
 * buffer of a slot the client holds, moved (writable) and whole.
 */
static int camera_bindox_take_back(CameraBindox *cb, BindoxMsg *req)
{
	BindoxBuffer *b = NULL, *old;
	FrameHeader h;
	int r, slot;

	if (bindox_msg_get_n_objects(req) == 0)
		return 0;
	if (bindox_msg_get_n_objects(req) > 1)
		return -EBADMSG;
	r = bindox_msg_get_buffer(req, 0, &b);
	if (r < 0)
		return r;
	if (!bindox_buffer_writable(b) || bindox_buffer_size(b) < cb->frame_bytes) {
		bindox_buffer_release(b);
		return -EPERM;
	}
	memcpy(&h, bindox_buffer_data(b), sizeof(h));
	slot = camera_ring_find_taken(cb->ring, h.seq);
	if (slot < 0) {
		bindox_buffer_release(b);
		return -EINVAL;
	}
	/* The moved-away object of this buffer: its id and old mapping go. */
	old = cb->ring->slots[slot].owner;
	cb->ring->slots[slot].owner = b;
	cb->ring->slots[slot].data = bindox_buffer_data(b);
	bindox_buffer_release(old);
	camera_ring_put(cb->ring, slot);
	return 0;
}

static int camera_bindox_subscribe(CameraBindox *cb, BindoxMsg *req, BindoxMsg *reply)
{
	CameraSubscribeReply s = {
		.width = cb->ring->format.width,
		.height = cb->ring->format.height,
		.fps = cb->ring->format.fps,
	};
	BindoxCreds creds = { 0 };

	bindox_msg_get_creds(req, &creds);
	pthread_mutex_lock(&cb->lock);
	if (cb->subscribed) {
		s.status = -EBUSY;
	} else {
		s.status = camera_ring_start(cb->ring);
		cb->subscribed = s.status == 0;
	}
	pthread_mutex_unlock(&cb->lock);
	printf("camera: SUBSCRIBE from domain %u, pid %d euid %u in this container's namespaces: %s\n",
	       creds.domain, (int)creds.pid, (unsigned)creds.euid,
	       s.status ? bindox_strerror(s.status) : "streaming");
	return bindox_msg_append_bytes(reply, &s, sizeof(s));
}

static int camera_bindox_next(CameraBindox *cb, BindoxMsg *req, BindoxMsg *reply)
{
	CameraFrameReply f = { 0 };
	bool subscribed;
	CameraSlot *s;
	int r, slot;

	pthread_mutex_lock(&cb->lock);
	subscribed = cb->subscribed;
	pthread_mutex_unlock(&cb->lock);
	if (!subscribed)
		return camera_bindox_status(reply, -EPROTO);
	r = camera_bindox_take_back(cb, req);
	if (r < 0)
		return camera_bindox_status(reply, r);
	slot = camera_ring_take(cb->ring, CAMERA_NEXT_WAIT_NS);
	if (slot < 0)
		return camera_bindox_status(reply, slot);
	s = &cb->ring->slots[slot];
	f.seq = s->seq;
	f.capture_ns = s->capture_ns;
	f.camera_cpu_ns = (uint64_t)process_cpu_ns();
	f.camera_dropped = camera_ring_lost(cb->ring);
	r = bindox_msg_append_bytes(reply, &f, sizeof(f));
	if (r >= 0)
		r = bindox_msg_append_buffer(reply, s->owner, BINDOX_BUFFER_MOVE);
	if (r < 0) {
		camera_ring_put(cb->ring, slot);
		return r;
	}
	cb->delivered++;
	return 0;
}

static int camera_bindox_unsubscribe(CameraBindox *cb, BindoxMsg *req, BindoxMsg *reply)
{
	int r = camera_bindox_take_back(cb, req);

	/* The sensor first: once done is set, the main thread tears down. */
	camera_ring_stop(cb->ring);
	pthread_mutex_lock(&cb->lock);
	cb->done = true;
	pthread_mutex_unlock(&cb->lock);
	return camera_bindox_status(reply, r);
}

static int camera_bindox_handle(void *userdata, BindoxMsg *req, BindoxMsg *reply)
{
	CameraBindox *cb = userdata;
	uint32_t op;
	int r;

	if (!reply)
		return 0;	/* one-way messages: none in this protocol */
	r = bindox_msg_read_u32(req, &op);
	if (r < 0)
		return r;
	switch (op) {
	case CAMERA_OP_SUBSCRIBE:
		return camera_bindox_subscribe(cb, req, reply);
	case CAMERA_OP_NEXT:
		return camera_bindox_next(cb, req, reply);
	case CAMERA_OP_UNSUBSCRIBE:
		return camera_bindox_unsubscribe(cb, req, reply);
	default:
		return camera_bindox_status(reply, -EOPNOTSUPP);
	}
}

static int camera_bindox_alloc_ring(CameraBindox *cb)
{
	for (unsigned int i = 0; i < cb->ring->n_slots; i++) {
		BindoxBuffer *b;
		int r = bindox_buffer_alloc(cb->conn, cb->frame_bytes, &b);

		if (r < 0)
			return r;
		cb->ring->slots[i].owner = b;
		cb->ring->slots[i].data = bindox_buffer_data(b);
	}
	return 0;
}

static void camera_bindox_release_ring(CameraBindox *cb)
{
	for (unsigned int i = 0; i < cb->ring->n_slots; i++) {
		bindox_buffer_release(cb->ring->slots[i].owner);
		cb->ring->slots[i].owner = NULL;
		cb->ring->slots[i].data = NULL;
	}
}

static bool camera_bindox_done(CameraBindox *cb)
{
	bool done;

	pthread_mutex_lock(&cb->lock);
	done = cb->done;
	pthread_mutex_unlock(&cb->lock);
	return done || camera_interrupted;
}

int camera_serve_bindox(CameraRing *ring, const CameraOptions *o)
{
	CameraBindox cb = { .ring = ring, .frame_bytes = frame_bytes(&ring->format) };
	BindoxServer *server = NULL;
	int r, stop;

	pthread_mutex_init(&cb.lock, NULL);
	r = bindox_conn_open(o->device, &cb.conn);
	if (r < 0) {
		fprintf(stderr, "camera: open %s: %s\n", o->device ? o->device : "/dev/bindox",
			bindox_strerror(r));
		goto out;
	}
	r = camera_bindox_alloc_ring(&cb);
	if (r < 0) {
		fprintf(stderr, "camera: buffers: %s\n", bindox_strerror(r));
		goto out;
	}
	r = bindox_server_new(cb.conn, CAMERA_SERVER_THREADS, camera_bindox_handle, &cb, &server);
	if (r >= 0)
		r = bindox_server_start(server);
	if (r < 0) {
		fprintf(stderr, "camera: server: %s\n", bindox_strerror(r));
		goto out;
	}
	r = bindox_service_register(cb.conn, o->service, CAMERA_COOKIE);
	if (r < 0) {
		fprintf(stderr, "camera: register %s: %s\n", o->service, bindox_strerror(r));
		goto out;
	}
	printf("camera: registered \"%s\" with the Coordinator\n", o->service);
	camera_say_ready(o);
	while (!camera_bindox_done(&cb))
		nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
	bindox_service_unregister(cb.conn, o->service);
	printf("camera: Bindox: delivered %llu frames as moved buffers\n",
	       (unsigned long long)cb.delivered);
out:
	camera_ring_stop(ring);
	stop = bindox_server_stop(server);
	if (r >= 0 && stop < 0)
		r = stop;
	bindox_server_free(server);
	camera_bindox_release_ring(&cb);
	bindox_conn_close(cb.conn);
	pthread_mutex_destroy(&cb.lock);
	return r;
}
