// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * camera-adas-camera: the front camera of the car, a service in the
 * Android container. It registers vendor.camera.front with the Coordinator,
 * waits for one subscriber, streams synthetic frames to it from a small
 * ring of buffers, and exits when the subscriber leaves.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "camera.h"
#include "clock.h"
#include "options.h"
#include "proto.h"

volatile sig_atomic_t camera_interrupted;

static void camera_on_signal(int sig)
{
	(void)sig;
	camera_interrupted = 1;
}

static void camera_usage(FILE *to)
{
	fprintf(to,
		"usage: camera-adas-camera [--4k] [--fps N] [--ring N] [--device PATH]\n"
		"                          [--service NAME] [--socket PATH] [--ready FILE]\n"
		"  default: 1920x1080 RGBA at 30 fps over Bindox (/dev/bindox) as\n"
		"  " CAMERA_SERVICE "; --4k: 3840x2160 at 60 fps; --socket: over a\n"
		"  UNIX socket at PATH instead, copying every frame; --ring: buffers\n"
		"  in the ring (2-%u, default 4); --ready: file to create once ready\n",
		CAMERA_RING_MAX);
}

void camera_say_ready(const CameraOptions *o)
{
	int fd;

	if (!o->ready_file)
		return;
	fd = open(o->ready_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

static int camera_parse(int argc, char **argv, CameraOptions *o)
{
	const char *fps = NULL, *ring = NULL;
	bool uhd = false, help = false;
	const OptionSpec specs[] = {
		{ "--4k", NULL, &uhd },
		{ "--help", NULL, &help },
		{ "--fps", &fps, NULL },
		{ "--ring", &ring, NULL },
		{ "--device", &o->device, NULL },
		{ "--service", &o->service, NULL },
		{ "--socket", &o->socket_path, NULL },
		{ "--ready", &o->ready_file, NULL },
	};

	*o = (CameraOptions){
		.format = { .width = 1920, .height = 1080, .fps = 30 },
		.ring_size = 4,
		.service = CAMERA_SERVICE,
	};
	if (options_parse(argc, argv, specs, sizeof(specs) / sizeof(specs[0])) < 0)
		return -EINVAL;
	if (help) {
		camera_usage(stdout);
		exit(0);
	}
	if (uhd)
		o->format = (FrameFormat){ .width = 3840, .height = 2160, .fps = 60 };
	if (fps)
		o->format.fps = (uint32_t)strtoul(fps, NULL, 10);
	if (ring)
		o->ring_size = (unsigned int)strtoul(ring, NULL, 10);
	if (o->format.fps < 1 || o->format.fps > 1000)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	const char *transport;
	CameraOptions o;
	CameraRing ring;
	int r;

	if (camera_parse(argc, argv, &o) < 0) {
		camera_usage(stderr);
		return 2;
	}
	signal(SIGTERM, camera_on_signal);
	signal(SIGINT, camera_on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = camera_ring_init(&ring, &o.format, o.ring_size);
	if (r < 0) {
		fprintf(stderr, "camera: ring: %s\n", strerror(-r));
		return 1;
	}
	transport = o.socket_path ? "UNIX socket" : "Bindox";
	printf("camera: pid %d uid %u, %ux%u RGBA at %u fps, ring of %u buffers of %zu bytes, over %s\n",
	       (int)getpid(), (unsigned)getuid(), o.format.width, o.format.height, o.format.fps,
	       o.ring_size, frame_bytes(&o.format), transport);
	r = o.socket_path ? camera_serve_socket(&ring, &o) : camera_serve_bindox(&ring, &o);
	camera_ring_stop(&ring);
	printf("camera: %s: sensor took %llu frames, lost %llu (no free buffer %llu, "
	       "replaced before delivery %llu, sensor late %llu); CPU %.2f s\n",
	       transport, (unsigned long long)ring.taken,
	       (unsigned long long)camera_ring_lost(&ring),
	       (unsigned long long)ring.lost_no_buffer, (unsigned long long)ring.lost_replaced,
	       (unsigned long long)ring.lost_late, (double)process_cpu_ns() / NSEC_PER_SEC);
	camera_ring_destroy(&ring);
	if (r < 0)
		fprintf(stderr, "camera: %s\n", strerror(-r));
	return r < 0 ? 1 : 0;
}
