/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_ADAS_H
#define CAMERA_ADAS_ADAS_H

/*
 * The ADAS client (camera-adas-client) reads frames from a source: the
 * camera over Bindox (adas-bindox.c) or over a UNIX socket
 * (adas-socket.c). A source is open once it has subscribed.
 */

#include <stdint.h>
#include "frame.h"

typedef struct AdasFrame {
	const void *data;	/* frame_bytes() bytes, valid until the next call */
	uint64_t seq;
	uint64_t capture_ns;
	uint64_t camera_cpu_ns;
	uint64_t camera_dropped;
} AdasFrame;

typedef struct AdasSource AdasSource;
struct AdasSource {
	const char *name;
	FrameFormat format;
	/* Hand back the frame held, if any, and wait for the next one. */
	int (*next)(AdasSource *s, AdasFrame *f);
	/* Hand back the frame held and end the subscription. */
	int (*unsubscribe)(AdasSource *s);
	void (*free)(AdasSource *s);
};

/* Look @service up through the Coordinator and subscribe. */
int adas_bindox_open(const char *device, const char *service, AdasSource **out);
/* Connect to the camera's socket at @path and subscribe. */
int adas_socket_open(const char *path, AdasSource **out);

#endif /* CAMERA_ADAS_ADAS_H */
