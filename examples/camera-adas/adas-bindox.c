// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ADAS client's Bindox source: the camera is looked up through the
 * Coordinator (the driver checks the policy on the lookup and on every
 * call), and each frame arrives as a moved Mapping Delivery buffer that
 * this process maps and reads in place; it goes back to the camera,
 * moved again, in the next call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bindox/bindox.h>
#include "adas.h"
#include "clock.h"
#include "proto.h"

/* Longer than the camera's wait for a frame (CAMERA_NEXT_WAIT_NS). */
#define ADAS_CALL_TIMEOUT_NS (20LL * NSEC_PER_SEC)

typedef struct AdasBindox {
	AdasSource base;
	BindoxConn *conn;
	uint32_t handle;
	BindoxMsg *req;
	BindoxMsg *reply;
	BindoxBuffer *held;	/* the frame being analysed */
} AdasBindox;

/* Call the camera with @op, handing back the frame held. */
static int adas_bindox_call(AdasBindox *ab, uint32_t op)
{
	int r;

	bindox_msg_reset(ab->req);
	r = bindox_msg_append_u32(ab->req, op);
	if (r >= 0 && ab->held)
		r = bindox_msg_append_buffer(ab->req, ab->held, BINDOX_BUFFER_MOVE);
	if (r >= 0)
		r = bindox_call(ab->conn, ab->handle, ab->req, ab->reply, ADAS_CALL_TIMEOUT_NS);
	/* Moved away (or lost with a failed call): drop our id of it. */
	bindox_buffer_release(ab->held);
	ab->held = NULL;
	return r;
}

/* The status of a reply that carries only a status. */
static int adas_bindox_status(BindoxMsg *reply)
{
	CameraStatusReply s;
	size_t size;
	const void *data = bindox_msg_get_data(reply, &size);

	if (size != sizeof(s))
		return -EBADMSG;
	memcpy(&s, data, sizeof(s));
	return s.status > 0 ? -EBADMSG : s.status;
}

static int adas_bindox_next(AdasSource *s, AdasFrame *f)
{
	AdasBindox *ab = (AdasBindox *)s;
	CameraFrameReply fr;
	const void *p;
	int r = adas_bindox_call(ab, CAMERA_OP_NEXT);

	if (r < 0)
		return r;
	if (bindox_msg_get_n_objects(ab->reply) == 0)
		return adas_bindox_status(ab->reply);
	r = bindox_msg_read_bytes(ab->reply, sizeof(fr), &p);
	if (r < 0)
		return r;
	memcpy(&fr, p, sizeof(fr));
	if (fr.status < 0)
		return fr.status;
	r = bindox_msg_get_buffer(ab->reply, 0, &ab->held);
	if (r < 0)
		return r;
	if (bindox_buffer_size(ab->held) < frame_bytes(&s->format))
		return -EBADMSG;
	*f = (AdasFrame){
		.data = bindox_buffer_data(ab->held),
		.seq = fr.seq,
		.capture_ns = fr.capture_ns,
		.camera_cpu_ns = fr.camera_cpu_ns,
		.camera_dropped = fr.camera_dropped,
	};
	return 0;
}

static int adas_bindox_unsubscribe(AdasSource *s)
{
	AdasBindox *ab = (AdasBindox *)s;
	int r = adas_bindox_call(ab, CAMERA_OP_UNSUBSCRIBE);

	return r < 0 ? r : adas_bindox_status(ab->reply);
}

static void adas_bindox_free(AdasSource *s)
{
	AdasBindox *ab = (AdasBindox *)s;

	if (!ab)
		return;
	bindox_buffer_release(ab->held);
	if (ab->handle)
		bindox_handle_release(ab->conn, ab->handle);
	bindox_msg_free(ab->req);
	bindox_msg_free(ab->reply);
	bindox_conn_close(ab->conn);
	free(ab);
}

static int adas_bindox_subscribe(AdasBindox *ab)
{
	CameraSubscribeReply sr;
	const void *p;
	int r = adas_bindox_call(ab, CAMERA_OP_SUBSCRIBE);

	if (r >= 0)
		r = bindox_msg_read_bytes(ab->reply, sizeof(sr), &p);
	if (r < 0)
		return r;
	memcpy(&sr, p, sizeof(sr));
	if (sr.status < 0)
		return sr.status;
	ab->base.format = (FrameFormat){ .width = sr.width, .height = sr.height, .fps = sr.fps };
	return 0;
}

int adas_bindox_open(const char *device, const char *service, AdasSource **out)
{
	AdasBindox *ab = calloc(1, sizeof(*ab));
	const char *step = "open";
	int r;

	if (!ab)
		return -ENOMEM;
	ab->base = (AdasSource){
		.name = "bindox",
		.next = adas_bindox_next,
		.unsubscribe = adas_bindox_unsubscribe,
		.free = adas_bindox_free,
	};
	r = bindox_conn_open(device, &ab->conn);
	if (r >= 0)
		r = bindox_msg_new(&ab->req);
	if (r >= 0)
		r = bindox_msg_new(&ab->reply);
	/* Replies are small: a header and one buffer object. */
	if (r >= 0)
		r = bindox_msg_reserve(ab->reply, 256, 4);
	if (r >= 0) {
		step = "lookup";
		r = bindox_service_lookup(ab->conn, service, &ab->handle, ADAS_CALL_TIMEOUT_NS);
	}
	if (r >= 0) {
		printf("adas: looked up \"%s\" through the Coordinator: handle %u\n", service,
		       ab->handle);
		step = "subscribe";
		r = adas_bindox_subscribe(ab);
	}
	if (r < 0) {
		fprintf(stderr, "adas: %s \"%s\": %s (%s)\n", step, service, bindox_strerror(r),
			bindox_errno_name(r) ? bindox_errno_name(r) : "?");
		adas_bindox_free(&ab->base);
		return r;
	}
	*out = &ab->base;
	return 0;
}
