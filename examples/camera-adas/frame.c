// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Synthetic frames: drawing, checking and measuring them (frame.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "frame.h"

/* Horizontal shift per row and per frame, in pixels. */
#define FRAME_SHIFT_PER_ROW 2U
#define FRAME_SHIFT_PER_FRAME 8U

size_t frame_bytes(const FrameFormat *f)
{
	return FRAME_HEADER_BYTES + (size_t)f->width * f->height * 4U;
}

static uint32_t rgba(uint32_t r, uint32_t g, uint32_t b)
{
	/* Bytes R, G, B, A in memory on a little-endian host. */
	return (r & 0xffU) | (g & 0xffU) << 8 | (b & 0xffU) << 16 | 0xffU << 24;
}

uint32_t *frame_template_new(uint32_t width)
{
	uint32_t *t = malloc(2U * (size_t)width * sizeof(*t));

	if (!t)
		return NULL;
	for (uint32_t i = 0; i < width; i++) {
		uint32_t wave = (i * 4U) % 512U;

		t[i] = rgba(i * 255U / width, wave < 256U ? wave : 511U - wave,
			    (i / 240U) * 37U + 40U);
		t[width + i] = t[i];
	}
	return t;
}

static const uint32_t *frame_row_source(const FrameFormat *f, const uint32_t *tmpl,
					uint64_t seq, uint32_t y)
{
	uint64_t shift = (uint64_t)y * FRAME_SHIFT_PER_ROW + seq * FRAME_SHIFT_PER_FRAME;

	return tmpl + shift % f->width;
}

static uint32_t *frame_row(void *buf, const FrameFormat *f, uint32_t y)
{
	return (uint32_t *)((char *)buf + FRAME_HEADER_BYTES) + (size_t)y * f->width;
}

void frame_fill(void *buf, const FrameFormat *f, const uint32_t *tmpl, uint64_t seq)
{
	FrameHeader h = {
		.magic = FRAME_MAGIC,
		.width = f->width,
		.height = f->height,
		.seq = seq,
	};

	memcpy(buf, &h, sizeof(h));
	for (uint32_t y = 0; y < f->height; y++)
		memcpy(frame_row(buf, f, y), frame_row_source(f, tmpl, seq, y),
		       (size_t)f->width * 4U);
}

void frame_stamp(void *buf, uint64_t capture_ns)
{
	memcpy((char *)buf + offsetof(FrameHeader, capture_ns), &capture_ns, sizeof(capture_ns));
}

int frame_verify(const void *buf, const FrameFormat *f, const uint32_t *tmpl, uint64_t seq)
{
	FrameHeader h;

	memcpy(&h, buf, sizeof(h));
	if (h.magic != FRAME_MAGIC || h.width != f->width || h.height != f->height ||
	    h.seq != seq)
		return -EBADMSG;
	for (uint32_t y = 0; y < f->height; y++)
		if (memcmp(frame_row((void *)buf, f, y), frame_row_source(f, tmpl, seq, y),
			   (size_t)f->width * 4U))
			return -EBADMSG;
	return 0;
}

/* Sum of 256 x luma over @n pixels. */
static uint64_t luma_sum(const uint32_t *p, uint32_t n)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = p[i];

		sum += 77U * (v & 0xffU) + 150U * (v >> 8 & 0xffU) + 29U * (v >> 16 & 0xffU);
	}
	return sum;
}

void frame_region_luma(const void *buf, const FrameFormat *f, double luma[FRAME_REGIONS])
{
	uint64_t sums[FRAME_REGIONS] = { 0 };
	uint64_t pixels[FRAME_REGIONS] = { 0 };

	for (uint32_t y = 0; y < f->height; y++) {
		const uint32_t *row = frame_row((void *)buf, f, y);
		uint32_t ry = y * FRAME_REGIONS_Y / f->height;

		for (uint32_t rx = 0; rx < FRAME_REGIONS_X; rx++) {
			uint32_t x0 = rx * f->width / FRAME_REGIONS_X;
			uint32_t x1 = (rx + 1U) * f->width / FRAME_REGIONS_X;

			sums[ry * FRAME_REGIONS_X + rx] += luma_sum(row + x0, x1 - x0);
			pixels[ry * FRAME_REGIONS_X + rx] += x1 - x0;
		}
	}
	for (uint32_t i = 0; i < FRAME_REGIONS; i++)
		luma[i] = pixels[i] ? (double)sums[i] / 256.0 / (double)pixels[i] : 0.0;
}
