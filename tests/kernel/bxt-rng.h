/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * bxt-rng: the seeded generator of the randomized in-guest tests
 * (test-fuzz, test-killstorm), splitmix64: a run is reproduced from its
 * seed alone.
 */

#include <stdbool.h>
#include <stdint.h>

typedef struct Rng {
	uint64_t s;
} Rng;

static inline uint64_t rng_next(Rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (n > 0; the bias is irrelevant here). */
static inline uint32_t rnd(Rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

/* True with probability @p percent. */
static inline bool pct(Rng *r, uint32_t p)
{
	return rnd(r, 100) < p;
}
