// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The camera's sensor thread and its ring of frame buffers (camera-ring.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "camera-ring.h"
#include "clock.h"

int camera_ring_init(CameraRing *r, const FrameFormat *f, unsigned int n_slots)
{
	pthread_condattr_t attr;

	if (!f->fps || !f->width || !f->height || n_slots < 2 || n_slots > CAMERA_RING_MAX)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->format = *f;
	r->n_slots = n_slots;
	r->latest = -1;
	r->tmpl = frame_template_new(f->width);
	if (!r->tmpl)
		return -ENOMEM;
	pthread_mutex_init(&r->control, NULL);
	pthread_mutex_init(&r->lock, NULL);
	/* Timed waits on the clock the frames are stamped with. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->ready, &attr);
	pthread_condattr_destroy(&attr);
	return 0;
}

void camera_ring_destroy(CameraRing *r)
{
	camera_ring_stop(r);
	pthread_cond_destroy(&r->ready);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->control);
	free(r->tmpl);
	r->tmpl = NULL;
}

static int camera_ring_grab_free(CameraRing *r)
{
	for (unsigned int i = 0; i < r->n_slots; i++)
		if (r->slots[i].state == CAMERA_SLOT_FREE) {
			r->slots[i].state = CAMERA_SLOT_FILLING;
			return (int)i;
		}
	return -1;
}

/*
 * Take frame @seq into a free buffer and make it the latest. Its capture
 * time is when it is complete (drawn), as a sensor's frame is once read
 * out: latencies then measure what happens to it afterwards.
 */
static void camera_ring_capture(CameraRing *r, uint64_t seq)
{
	int64_t capture_ns;
	int slot;

	pthread_mutex_lock(&r->lock);
	slot = camera_ring_grab_free(r);
	if (slot < 0)
		r->lost_no_buffer++;
	pthread_mutex_unlock(&r->lock);
	if (slot < 0)
		return;

	/* Outside the lock: nobody else touches a FILLING slot. */
	frame_fill(r->slots[slot].data, &r->format, r->tmpl, seq);
	capture_ns = monotonic_ns();
	frame_stamp(r->slots[slot].data, (uint64_t)capture_ns);

	pthread_mutex_lock(&r->lock);
	if (r->latest >= 0) {
		r->slots[r->latest].state = CAMERA_SLOT_FREE;
		r->lost_replaced++;
	}
	r->slots[slot].state = CAMERA_SLOT_READY;
	r->slots[slot].seq = seq;
	r->slots[slot].capture_ns = (uint64_t)capture_ns;
	r->latest = slot;
	r->taken++;
	pthread_cond_broadcast(&r->ready);
	pthread_mutex_unlock(&r->lock);
}

static void *camera_ring_sensor(void *arg)
{
	CameraRing *r = arg;
	int64_t period = NSEC_PER_SEC / r->format.fps;
	int64_t start = monotonic_ns();
	uint64_t seq = 0;

	for (;;) {
		int64_t now = monotonic_ns();
		/* The frame slot of the sensor's clock we are in. */
		uint64_t tick = (uint64_t)((now - start) / period) + 1;
		struct timespec next;
		bool stop;

		pthread_mutex_lock(&r->lock);
		stop = r->stop;
		if (tick > seq + 1)
			r->lost_late += tick - seq - 1;	/* slots we slept through */
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
		seq = tick;
		camera_ring_capture(r, seq);
		next = ns_to_timespec(start + (int64_t)seq * period);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	return NULL;
}

int camera_ring_start(CameraRing *r)
{
	int e = 0;

	pthread_mutex_lock(&r->control);
	if (r->running) {
		e = EALREADY;
	} else {
		pthread_mutex_lock(&r->lock);
		r->stop = false;
		pthread_mutex_unlock(&r->lock);
		e = pthread_create(&r->sensor, NULL, camera_ring_sensor, r);
		r->running = e == 0;
	}
	pthread_mutex_unlock(&r->control);
	return -e;
}

void camera_ring_stop(CameraRing *r)
{
	/* Held across the join: a thread may be joined only once. */
	pthread_mutex_lock(&r->control);
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->ready);
	pthread_mutex_unlock(&r->lock);
	if (r->running)
		pthread_join(r->sensor, NULL);
	r->running = false;
	pthread_mutex_unlock(&r->control);
}

int camera_ring_take(CameraRing *r, int64_t timeout_ns)
{
	struct timespec until = ns_to_timespec(monotonic_ns() + timeout_ns);
	int slot = -ETIMEDOUT;

	pthread_mutex_lock(&r->lock);
	while (r->latest < 0 && !r->stop)
		if (pthread_cond_timedwait(&r->ready, &r->lock, &until) == ETIMEDOUT)
			break;
	if (r->stop) {
		slot = -ESHUTDOWN;
	} else if (r->latest >= 0) {
		slot = r->latest;
		r->slots[slot].state = CAMERA_SLOT_TAKEN;
		r->latest = -1;
	}
	pthread_mutex_unlock(&r->lock);
	return slot;
}

void camera_ring_put(CameraRing *r, int slot)
{
	pthread_mutex_lock(&r->lock);
	r->slots[slot].state = CAMERA_SLOT_FREE;
	pthread_mutex_unlock(&r->lock);
}

int camera_ring_find_taken(CameraRing *r, uint64_t seq)
{
	int found = -ENOENT;

	pthread_mutex_lock(&r->lock);
	for (unsigned int i = 0; i < r->n_slots; i++)
		if (r->slots[i].state == CAMERA_SLOT_TAKEN && r->slots[i].seq == seq)
			found = (int)i;
	pthread_mutex_unlock(&r->lock);
	return found;
}

uint64_t camera_ring_lost(CameraRing *r)
{
	uint64_t lost;

	pthread_mutex_lock(&r->lock);
	lost = r->lost_no_buffer + r->lost_replaced + r->lost_late;
	pthread_mutex_unlock(&r->lock);
	return lost;
}
