/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_CAMERA_RING_H
#define CAMERA_ADAS_CAMERA_RING_H

/*
 * The camera's sensor: a thread that takes a frame every 1/fps seconds
 * into a free buffer of a small ring and offers it as the latest frame.
 * A transport takes the latest frame (camera_ring_take()), delivers it and
 * puts the buffer back once the client is done with it
 * (camera_ring_put()). Frames are lost, and counted, when the sensor finds
 * no free buffer, when a newer frame replaces one nobody took, and when
 * the sensor thread itself falls behind its clock.
 *
 * The transport provides the buffers: it sets data (and owner, anything
 * of its own) of every slot before camera_ring_start(), and may change
 * them for a slot it holds (taken, not yet put).
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "frame.h"

#define CAMERA_RING_MAX 16U

enum {
	CAMERA_SLOT_FREE,
	CAMERA_SLOT_FILLING,
	CAMERA_SLOT_READY,
	CAMERA_SLOT_TAKEN,
};

typedef struct CameraSlot {
	void *data;
	void *owner;
	int state;
	uint64_t seq;
	uint64_t capture_ns;
} CameraSlot;

typedef struct CameraRing {
	pthread_mutex_t control;	/* serialises start and stop */
	pthread_mutex_t lock;
	pthread_cond_t ready;
	FrameFormat format;
	uint32_t *tmpl;
	CameraSlot slots[CAMERA_RING_MAX];
	unsigned int n_slots;
	int latest;		/* READY slot, or -1 */
	bool running;		/* under control */
	bool stop;
	pthread_t sensor;
	uint64_t taken;		/* frames the sensor took */
	uint64_t lost_no_buffer;
	uint64_t lost_replaced;
	uint64_t lost_late;
} CameraRing;

/* Return: 0, -EINVAL, -ENOMEM. */
int camera_ring_init(CameraRing *r, const FrameFormat *f, unsigned int n_slots);
void camera_ring_destroy(CameraRing *r);

/* Start the sensor (frame 1 is taken now). Return: 0, -EALREADY, -errno. */
int camera_ring_start(CameraRing *r);
/* Stop the sensor and wake camera_ring_take(); any thread, any number of times. */
void camera_ring_stop(CameraRing *r);

/*
 * Wait up to @timeout_ns for a frame newer than any taken before and take
 * it. Return: its slot index; -ETIMEDOUT; -ESHUTDOWN once stopped.
 */
int camera_ring_take(CameraRing *r, int64_t timeout_ns);
/* Give a taken slot back to the sensor. */
void camera_ring_put(CameraRing *r, int slot);
/* The taken slot holding frame @seq, or -ENOENT. */
int camera_ring_find_taken(CameraRing *r, uint64_t seq);

/* Frames lost so far, for every reason. */
uint64_t camera_ring_lost(CameraRing *r);

#endif /* CAMERA_ADAS_CAMERA_RING_H */
