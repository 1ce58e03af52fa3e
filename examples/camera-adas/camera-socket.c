// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The camera over a UNIX stream socket, for comparison: the same protocol
 * and the same ring, but every frame is copied into the socket (and by the
 * client out of it again), as a camera without Bindox would do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "camera.h"
#include "clock.h"
#include "proto.h"
#include "sock-io.h"

static int camera_socket_listen(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	/* The client runs as another uid (another container's). */
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || chmod(path, 0666) ||
	    listen(fd, 1)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static int camera_socket_frame(CameraRing *ring, int fd, size_t bytes)
{
	CameraFrameReply f = { 0 };
	int r, slot = camera_ring_take(ring, CAMERA_NEXT_WAIT_NS);

	if (slot < 0) {
		f.status = slot;
		return sock_write_all(fd, &f, sizeof(f));
	}
	f.seq = ring->slots[slot].seq;
	f.capture_ns = ring->slots[slot].capture_ns;
	f.camera_cpu_ns = (uint64_t)process_cpu_ns();
	f.camera_dropped = camera_ring_lost(ring);
	r = sock_write_all(fd, &f, sizeof(f));
	if (r >= 0)
		r = sock_write_all(fd, ring->slots[slot].data, bytes);
	/* Copied into the socket: the sensor may reuse the buffer. */
	camera_ring_put(ring, slot);
	return r;
}

/* Answer requests until UNSUBSCRIBE or the end of the connection. */
static int camera_socket_session(CameraRing *ring, int fd, uint64_t *delivered)
{
	size_t bytes = frame_bytes(&ring->format);
	bool subscribed = false;

	for (;;) {
		CameraSubscribeReply s = {
			.width = ring->format.width,
			.height = ring->format.height,
			.fps = ring->format.fps,
		};
		CameraStatusReply st = { 0 };
		uint32_t op;
		int r = sock_read_all(fd, &op, sizeof(op));

		if (r == -ECONNRESET)
			return 0;
		if (r < 0)
			return r;
		switch (op) {
		case CAMERA_OP_SUBSCRIBE:
			s.status = subscribed ? -EBUSY : camera_ring_start(ring);
			subscribed = subscribed || s.status == 0;
			printf("camera: SUBSCRIBE over the socket: %s\n",
			       s.status ? strerror(-s.status) : "streaming");
			r = sock_write_all(fd, &s, sizeof(s));
			break;
		case CAMERA_OP_NEXT:
			if (!subscribed) {
				CameraFrameReply f = { .status = -EPROTO };

				r = sock_write_all(fd, &f, sizeof(f));
				break;
			}
			r = camera_socket_frame(ring, fd, bytes);
			if (r >= 0)
				(*delivered)++;
			break;
		case CAMERA_OP_UNSUBSCRIBE:
			camera_ring_stop(ring);
			return sock_write_all(fd, &st, sizeof(st));
		default:
			return -EPROTO;
		}
		if (r < 0)
			return r;
	}
}

int camera_serve_socket(CameraRing *ring, const CameraOptions *o)
{
	size_t bytes = frame_bytes(&ring->format);
	uint64_t delivered = 0;
	int r = 0, lfd, fd;
	unsigned int i;

	for (i = 0; i < ring->n_slots; i++) {
		ring->slots[i].data = calloc(1, bytes);
		if (!ring->slots[i].data) {
			r = -ENOMEM;
			goto out;
		}
	}
	lfd = camera_socket_listen(o->socket_path);
	if (lfd < 0) {
		r = lfd;
		fprintf(stderr, "camera: listen on %s: %s\n", o->socket_path, strerror(-r));
		goto out;
	}
	printf("camera: listening on %s\n", o->socket_path);
	camera_say_ready(o);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		r = -errno;
	} else {
		r = camera_socket_session(ring, fd, &delivered);
		close(fd);
	}
	close(lfd);
	unlink(o->socket_path);
	printf("camera: UNIX socket: delivered %llu frames as copies\n",
	       (unsigned long long)delivered);
out:
	camera_ring_stop(ring);
	for (i = 0; i < ring->n_slots; i++) {
		free(ring->slots[i].data);
		ring->slots[i].data = NULL;
	}
	return r;
}
