/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_FRAME_H
#define CAMERA_ADAS_FRAME_H

/*
 * A synthetic camera frame: one page of header, then width x height RGBA
 * pixels. The picture is diagonal colour stripes that move with the
 * sequence number, so every frame differs from the one before and any
 * frame can be recomputed (and so checked) from its sequence number alone:
 * row y of frame seq is the template row starting at pixel
 * (2 y + 8 seq) mod width.
 */

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAGIC 0x464d4143U		/* "CAMF" */
#define FRAME_HEADER_BYTES 4096U
#define FRAME_REGIONS_X 4U
#define FRAME_REGIONS_Y 4U
#define FRAME_REGIONS (FRAME_REGIONS_X * FRAME_REGIONS_Y)

typedef struct FrameFormat {
	uint32_t width;
	uint32_t height;
	uint32_t fps;
} FrameFormat;

/* At the start of every frame buffer. */
typedef struct FrameHeader {
	uint32_t magic;
	uint32_t width;
	uint32_t height;
	uint32_t reserved;
	uint64_t seq;
	uint64_t capture_ns;	/* CLOCK_MONOTONIC when the frame was complete */
} FrameHeader;

/* Bytes of one frame, header included. */
size_t frame_bytes(const FrameFormat *f);

/*
 * The template row: 2 x width pixels (so that any row is one contiguous
 * slice of it). Returns NULL without memory; free() it.
 */
uint32_t *frame_template_new(uint32_t width);

/* Draw frame @seq into @buf (frame_bytes() long). */
void frame_fill(void *buf, const FrameFormat *f, const uint32_t *tmpl, uint64_t seq);
/* Stamp the capture time into a frame's header. */
void frame_stamp(void *buf, uint64_t capture_ns);

/*
 * Check that @buf holds exactly frame @seq of format @f: header and every
 * pixel. Return: 0, or -EBADMSG.
 */
int frame_verify(const void *buf, const FrameFormat *f, const uint32_t *tmpl, uint64_t seq);

/*
 * Mean brightness (luma, 0-255, BT.601 weights) of each of the
 * FRAME_REGIONS_X x FRAME_REGIONS_Y regions, row by row, from every pixel.
 */
void frame_region_luma(const void *buf, const FrameFormat *f, double luma[FRAME_REGIONS]);

#endif /* CAMERA_ADAS_FRAME_H */
