// SPDX-License-Identifier: GPL-2.0-or-later
/* Sampling the PSS of client and server: see pss.h. */
#define _GNU_SOURCE
#include "pss.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct PssSampler {
	pthread_t thread;
	pid_t pids[PSS_MAX_PIDS];
	unsigned int n;
	unsigned int interval_ms;
	atomic_bool stop;
	uint64_t peak, samples;
};

/* Pss of @pid in bytes, 0 if it cannot be read (e.g. it has exited). */
static uint64_t pss_of(pid_t pid)
{
	char path[64], line[256];
	uint64_t kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pss: %" SCNu64 " kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static void sample(PssSampler *s)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < s->n; i++)
		sum += pss_of(s->pids[i]);
	if (sum > s->peak)
		s->peak = sum;
	s->samples++;
}

static void *sampler_main(void *arg)
{
	PssSampler *s = arg;

	while (!atomic_load(&s->stop)) {
		usleep(s->interval_ms * 1000U);
		sample(s);
	}
	return NULL;
}

int pss_sampler_start(const pid_t *pids, unsigned int n, unsigned int interval_ms,
		      PssSampler **out)
{
	PssSampler *s;
	int r;

	if (n > PSS_MAX_PIDS)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s->pids, pids, n * sizeof(*pids));
	s->n = n;
	s->interval_ms = interval_ms;
	atomic_init(&s->stop, false);
	sample(s);	/* at least one, however short the run */
	r = pthread_create(&s->thread, NULL, sampler_main, s);
	if (r) {
		free(s);
		return -r;
	}
	*out = s;
	return 0;
}

uint64_t pss_sampler_stop(PssSampler *s, uint64_t *n_samples)
{
	uint64_t peak;

	if (!s)
		return 0;
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	peak = s->peak;
	if (n_samples)
		*n_samples = s->samples;
	free(s);
	return peak;
}
