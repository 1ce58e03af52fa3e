/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_PROTO_H
#define CAMERA_ADAS_PROTO_H

/*
 * The camera's protocol, the same over Bindox and over a UNIX socket. The
 * client asks, the camera answers (binder style, one call per frame):
 *
 * - SUBSCRIBE: the camera starts its sensor; reply CameraSubscribeReply.
 * - NEXT: the client hands back the frame it is done with (Bindox: a
 *   moved buffer object in the request; socket: nothing, the camera copied
 *   it out already) and waits for the next new frame; reply
 *   CameraFrameReply, then the frame (Bindox: one moved buffer object;
 *   socket: frame_bytes() bytes).
 * - UNSUBSCRIBE: hands back the last frame; reply CameraStatusReply.
 *
 * Requests are one u32 op (then the buffer object, if any). Both ends run
 * on one host: values are in host byte order.
 */

#include <stdint.h>

#define CAMERA_SERVICE "vendor.camera.front"

enum {
	CAMERA_OP_SUBSCRIBE = 1,
	CAMERA_OP_NEXT = 2,
	CAMERA_OP_UNSUBSCRIBE = 3,
};

typedef struct CameraStatusReply {
	int32_t status;		/* 0 or a negative errno */
	uint32_t reserved;
} CameraStatusReply;

typedef struct CameraSubscribeReply {
	int32_t status;
	uint32_t width;
	uint32_t height;
	uint32_t fps;
} CameraSubscribeReply;

typedef struct CameraFrameReply {
	int32_t status;
	uint32_t reserved;
	uint64_t seq;
	uint64_t capture_ns;
	uint64_t camera_cpu_ns;	/* the camera process's CPU time so far */
	uint64_t camera_dropped; /* frames the camera lost so far */
} CameraFrameReply;

#endif /* CAMERA_ADAS_PROTO_H */
