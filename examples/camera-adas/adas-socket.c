// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ADAS client's socket source, for comparison: every frame is read
 * out of a UNIX stream socket into a buffer of this process (a copy).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "adas.h"
#include "proto.h"
#include "sock-io.h"

typedef struct AdasSocket {
	AdasSource base;
	int fd;
	void *frame;
} AdasSocket;

static int adas_socket_request(AdasSocket *as, uint32_t op)
{
	return sock_write_all(as->fd, &op, sizeof(op));
}

static int adas_socket_next(AdasSource *s, AdasFrame *f)
{
	AdasSocket *as = (AdasSocket *)s;
	CameraFrameReply fr;
	int r = adas_socket_request(as, CAMERA_OP_NEXT);

	if (r >= 0)
		r = sock_read_all(as->fd, &fr, sizeof(fr));
	if (r < 0)
		return r;
	if (fr.status < 0)
		return fr.status;
	r = sock_read_all(as->fd, as->frame, frame_bytes(&s->format));
	if (r < 0)
		return r;
	*f = (AdasFrame){
		.data = as->frame,
		.seq = fr.seq,
		.capture_ns = fr.capture_ns,
		.camera_cpu_ns = fr.camera_cpu_ns,
		.camera_dropped = fr.camera_dropped,
	};
	return 0;
}

static int adas_socket_unsubscribe(AdasSource *s)
{
	AdasSocket *as = (AdasSocket *)s;
	CameraStatusReply st;
	int r = adas_socket_request(as, CAMERA_OP_UNSUBSCRIBE);

	if (r >= 0)
		r = sock_read_all(as->fd, &st, sizeof(st));
	return r < 0 ? r : st.status;
}

static void adas_socket_free(AdasSource *s)
{
	AdasSocket *as = (AdasSocket *)s;

	if (!as)
		return;
	if (as->fd >= 0)
		close(as->fd);
	free(as->frame);
	free(as);
}

static int adas_socket_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int adas_socket_open(const char *path, AdasSource **out)
{
	AdasSocket *as = calloc(1, sizeof(*as));
	CameraSubscribeReply sr;
	int r;

	if (!as)
		return -ENOMEM;
	as->base = (AdasSource){
		.name = "socket",
		.next = adas_socket_next,
		.unsubscribe = adas_socket_unsubscribe,
		.free = adas_socket_free,
	};
	as->fd = adas_socket_connect(path);
	r = as->fd;
	if (r >= 0)
		r = adas_socket_request(as, CAMERA_OP_SUBSCRIBE);
	if (r >= 0)
		r = sock_read_all(as->fd, &sr, sizeof(sr));
	if (r >= 0 && sr.status < 0)
		r = sr.status;
	if (r >= 0) {
		as->base.format = (FrameFormat){ .width = sr.width, .height = sr.height,
						 .fps = sr.fps };
		as->frame = malloc(frame_bytes(&as->base.format));
		if (!as->frame)
			r = -ENOMEM;
	}
	if (r < 0) {
		fprintf(stderr, "adas: socket %s: %s\n", path, strerror(-r));
		adas_socket_free(&as->base);
		return r;
	}
	printf("adas: connected to the camera's socket %s\n", path);
	*out = &as->base;
	return 0;
}
