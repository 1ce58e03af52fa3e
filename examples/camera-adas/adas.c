// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * camera-adas-client: the driver-assistance program in the Linux
 * container. It subscribes to the front camera, checks every frame against
 * what the camera must have drawn for its sequence number, measures the
 * mean brightness of 4 x 4 regions of it, and reports once a second:
 * frames per second, latency from capture to the end of the analysis
 * (p50, p99) and to the frame in hand (p50, before the analysis), frames
 * lost, and the CPU use of both sides. Exit status 0
 * only if it received frames and every one checked out.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "adas.h"
#include "clock.h"
#include "latency.h"
#include "options.h"
#include "proto.h"

static volatile sig_atomic_t adas_interrupted;

static void adas_on_signal(int sig)
{
	(void)sig;
	adas_interrupted = 1;
}

typedef struct AdasOptions {
	const char *device;
	const char *service;
	const char *socket_path;
	double seconds;
} AdasOptions;

/* Counts over a span of frames: the whole run, or the last second. */
typedef struct AdasSpan {
	uint64_t frames;
	uint64_t bad;
	uint64_t lost;
	int64_t start_ns;	/* arrival of the frame before the span */
	int64_t camera_cpu_ns;
	int64_t adas_cpu_ns;
	LatencyLog latency;	/* capture to the end of the analysis */
	LatencyLog delivery;	/* capture to the frame in hand */
} AdasSpan;

typedef struct AdasRun {
	AdasSource *src;
	uint32_t *tmpl;
	uint64_t last_seq;
	uint64_t camera_dropped;
	int64_t camera_cpu_ns;	/* as of the last frame */
	double luma[FRAME_REGIONS];
	AdasSpan total;
	AdasSpan second;
} AdasRun;

static void adas_usage(FILE *to)
{
	fprintf(to,
		"usage: camera-adas-client [--seconds S] [--device PATH] [--service NAME]\n"
		"                          [--socket PATH]\n"
		"  subscribes to " CAMERA_SERVICE " over Bindox (/dev/bindox) for S seconds\n"
		"  (default 10); --socket: to the camera's UNIX socket at PATH instead\n");
}

static int adas_parse(int argc, char **argv, AdasOptions *o)
{
	const char *seconds = NULL;
	bool help = false;
	const OptionSpec specs[] = {
		{ "--help", NULL, &help },
		{ "--seconds", &seconds, NULL },
		{ "--device", &o->device, NULL },
		{ "--service", &o->service, NULL },
		{ "--socket", &o->socket_path, NULL },
	};

	*o = (AdasOptions){ .service = CAMERA_SERVICE, .seconds = 10 };
	if (options_parse(argc, argv, specs, sizeof(specs) / sizeof(specs[0])) < 0)
		return -EINVAL;
	if (help) {
		adas_usage(stdout);
		exit(0);
	}
	if (seconds)
		o->seconds = strtod(seconds, NULL);
	return o->seconds > 0 ? 0 : -EINVAL;
}

static void adas_span_start(AdasSpan *s, const AdasRun *run, int64_t now)
{
	latency_clear(&s->latency);
	latency_clear(&s->delivery);
	s->frames = s->bad = s->lost = 0;
	s->start_ns = now;
	s->camera_cpu_ns = run->camera_cpu_ns;
	s->adas_cpu_ns = process_cpu_ns();
}

/* Print a span: live (a second) or the summary (the whole run). */
static void adas_span_print(AdasRun *run, AdasSpan *s, int64_t now, const char *prefix)
{
	double wall = (double)(now - s->start_ns) / NSEC_PER_SEC;
	double cam = (double)(run->camera_cpu_ns - s->camera_cpu_ns) / NSEC_PER_SEC;
	double own = (double)(process_cpu_ns() - s->adas_cpu_ns) / NSEC_PER_SEC;
	double lo = 255, hi = 0;

	for (unsigned int i = 0; i < FRAME_REGIONS; i++) {
		lo = run->luma[i] < lo ? run->luma[i] : lo;
		hi = run->luma[i] > hi ? run->luma[i] : hi;
	}
	if (wall <= 0)
		wall = 1e-9;
	printf("%s%5.1f fps | latency p50 %6.1f p99 %6.1f ms (delivery p50 %5.1f ms) | "
	       "dropped %llu | bad %llu | CPU camera %3.0f%% adas %3.0f%% | luma %3.0f..%3.0f\n",
	       prefix, (double)s->frames / wall,
	       (double)latency_percentile(&s->latency, 50) / 1e6,
	       (double)latency_percentile(&s->latency, 99) / 1e6,
	       (double)latency_percentile(&s->delivery, 50) / 1e6, (unsigned long long)s->lost,
	       (unsigned long long)s->bad, 100.0 * cam / wall, 100.0 * own / wall, lo, hi);
}

/* Check and analyse one frame, and count it. */
static void adas_frame(AdasRun *run, const AdasFrame *f, int64_t arrived_ns)
{
	const FrameFormat *fmt = &run->src->format;
	bool ok = frame_verify(f->data, fmt, run->tmpl, f->seq) == 0 && f->seq > run->last_seq;
	uint64_t lost = ok ? f->seq - run->last_seq - 1 : 0;
	int64_t latency;

	frame_region_luma(f->data, fmt, run->luma);
	latency = monotonic_ns() - (int64_t)f->capture_ns;
	if (!ok)
		fprintf(stderr, "adas: frame %llu does not check out\n",
			(unsigned long long)f->seq);
	if (ok)
		run->last_seq = f->seq;
	run->camera_cpu_ns = (int64_t)f->camera_cpu_ns;
	run->camera_dropped = f->camera_dropped;
	for (AdasSpan *s = &run->total; s; s = s == &run->total ? &run->second : NULL) {
		s->frames++;
		s->bad += !ok;
		s->lost += lost;
		latency_add(&s->latency, latency);
		latency_add(&s->delivery, arrived_ns - (int64_t)f->capture_ns);
	}
}

static int adas_run(AdasRun *run, const AdasOptions *o)
{
	int64_t start, deadline, tick;
	char prefix[64];
	AdasFrame f;
	int r;

	/* The first frame starts the clock: its CPU counters are the base. */
	r = run->src->next(run->src, &f);
	if (r < 0)
		return r;
	start = monotonic_ns();
	run->camera_cpu_ns = (int64_t)f.camera_cpu_ns;
	adas_span_start(&run->total, run, start);
	adas_span_start(&run->second, run, start);
	run->last_seq = f.seq - 1;	/* frames before the first one are not ours */
	adas_frame(run, &f, start);
	deadline = start + (int64_t)(o->seconds * NSEC_PER_SEC);
	tick = start + NSEC_PER_SEC;
	for (;;) {
		int64_t now = monotonic_ns();

		if (now >= tick) {
			/* Whole seconds since the start (a slow frame may span several). */
			int64_t elapsed = (now - start) / NSEC_PER_SEC;

			snprintf(prefix, sizeof(prefix), "adas[%s] %3lld s: ", run->src->name,
				 (long long)elapsed);
			adas_span_print(run, &run->second, now, prefix);
			adas_span_start(&run->second, run, now);
			tick = start + (elapsed + 1) * NSEC_PER_SEC;
		}
		if (now >= deadline || adas_interrupted)
			return 0;
		r = run->src->next(run->src, &f);
		if (r < 0)
			return r;
		adas_frame(run, &f, monotonic_ns());
	}
}

int main(int argc, char **argv)
{
	AdasRun run = { 0 };
	AdasOptions o;
	char prefix[64];
	int r, u;

	if (adas_parse(argc, argv, &o) < 0) {
		adas_usage(stderr);
		return 2;
	}
	signal(SIGTERM, adas_on_signal);
	signal(SIGINT, adas_on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("adas: pid %d uid %u\n", (int)getpid(), (unsigned)getuid());
	r = o.socket_path ? adas_socket_open(o.socket_path, &run.src)
			  : adas_bindox_open(o.device, o.service, &run.src);
	if (r < 0)
		return 1;
	printf("adas: subscribed over %s: %ux%u RGBA at %u fps, %.0f s\n", run.src->name,
	       run.src->format.width, run.src->format.height, run.src->format.fps, o.seconds);
	run.tmpl = frame_template_new(run.src->format.width);
	r = run.tmpl ? adas_run(&run, &o) : -ENOMEM;
	if (r < 0)
		fprintf(stderr, "adas: %s: %s\n", run.src->name, strerror(-r));
	u = run.src->unsubscribe(run.src);
	if (u < 0)
		fprintf(stderr, "adas: unsubscribe: %s\n", strerror(-u));
	snprintf(prefix, sizeof(prefix), "summary %-6s %llu frames: ", run.src->name,
		 (unsigned long long)run.total.frames);
	adas_span_print(&run, &run.total, monotonic_ns(), prefix);
	printf("adas: %s: %llu frames checked, %llu bad, %llu lost in transit "
	       "(the camera counted %llu lost)\n",
	       run.src->name, (unsigned long long)run.total.frames,
	       (unsigned long long)run.total.bad, (unsigned long long)run.total.lost,
	       (unsigned long long)run.camera_dropped);
	for (AdasSpan *s = &run.total; s; s = s == &run.total ? &run.second : NULL) {
		latency_free(&s->latency);
		latency_free(&s->delivery);
	}
	free(run.tmpl);
	run.src->free(run.src);
	return r < 0 || u < 0 || run.total.frames == 0 || run.total.bad ? 1 : 0;
}
