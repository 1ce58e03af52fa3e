/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_CAMERA_H
#define CAMERA_ADAS_CAMERA_H

/*
 * The camera service (camera-adas-camera): serves one subscriber, over
 * Bindox (camera-bindox.c) or a UNIX socket (camera-socket.c), then
 * prints what its sensor did and exits.
 */

#include <signal.h>
#include "camera-ring.h"

typedef struct CameraOptions {
	FrameFormat format;
	unsigned int ring_size;
	const char *device;	/* Bindox node, NULL for /dev/bindox */
	const char *service;
	const char *socket_path; /* set: the UNIX socket transport */
	const char *ready_file;	/* created once clients may come */
} CameraOptions;

/*
 * How long a NEXT request waits for a frame before it is answered with
 * -ETIMEDOUT: generous, for an emulated VM on a loaded machine.
 */
#define CAMERA_NEXT_WAIT_NS (10LL * 1000 * 1000 * 1000)

/* Set by SIGTERM and SIGINT. */
extern volatile sig_atomic_t camera_interrupted;

/* Both return 0 once the subscriber is gone, or a negative errno. */
int camera_serve_bindox(CameraRing *ring, const CameraOptions *o);
int camera_serve_socket(CameraRing *ring, const CameraOptions *o);

/* Create o->ready_file, if any. */
void camera_say_ready(const CameraOptions *o);

#endif /* CAMERA_ADAS_CAMERA_H */
