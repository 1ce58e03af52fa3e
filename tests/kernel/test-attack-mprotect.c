/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mprotect(PROT_READ) racing BINDOX_IOC_BUFFER_MAP with BINDOX_MAP_WRITE:
 * the ioctl maps writable and then fills the entries with write faults; a
 * second thread can make the mapping read-only in between. Filling then
 * asked the kernel for write faults in a read-only mapping, which warns on
 * Linux 6.2 and later (on 6.1 the entries stayed read-only). The fill now
 * sees the change and fails with EACCES.
 *
 * A race, not a deterministic interleaving: new mappings of one size land
 * at the same address again, so the second thread keeps protecting that
 * address while the first is inside the ioctl (and only then, so that it
 * never touches anything else mapped there). The test passes when every
 * map either worked or failed with EACCES and the kernel stays untainted.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "bxt.h"

#define SIZE (2UL * 1024 * 1024)
#define ITERATIONS 2000

typedef struct Race {
	atomic_uintptr_t addr;	/* where the next mapping should land; 0: idle */
	atomic_bool busy;	/* the protector may be using addr */
	atomic_bool stop;
	atomic_uint hits;	/* mprotect() calls that found it mapped */
} Race;

static void *protector(void *arg)
{
	Race *r = arg;

	while (!atomic_load(&r->stop)) {
		void *p;

		atomic_store(&r->busy, true);
		p = (void *)atomic_load(&r->addr);
		if (p && mprotect(p, SIZE, PROT_READ) == 0)
			atomic_fetch_add(&r->hits, 1);
		atomic_store(&r->busy, false);
	}
	return NULL;
}

/* Stop protecting; returns once the protector cannot touch @addr. */
static void disarm(Race *r)
{
	atomic_store(&r->addr, 0);
	while (atomic_load(&r->busy))
		;
}

START_TEST(test_mprotect_races_map)
{
	struct bindox_buffer_alloc a = { .size = SIZE };
	unsigned int ok = 0, refused = 0;
	uintptr_t last = 0;
	pthread_t t;
	Race r = { 0 };
	int fd, i;

	fd = bxt_open_ck();
	BXT_OK(bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a));
	ck_assert_int_eq(pthread_create(&t, NULL, protector, &r), 0);
	for (i = 0; i < ITERATIONS; i++) {
		struct bindox_buffer_map_args m = {
			.id = a.id, .flags = BINDOX_MAP_WRITE, .size = SIZE,
		};
		int err;

		atomic_store(&r.addr, last);
		err = bxt_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &m);
		disarm(&r);
		if (err == -EACCES) {
			refused++;
			continue;
		}
		BXT_OK(err);
		ok++;
		last = (uintptr_t)m.addr;
		ck_assert_int_eq(munmap((void *)last, SIZE), 0);
	}
	atomic_store(&r.stop, true);
	BXT_OK(bxt_join(t, BXT_LONG_MS, NULL));
	printf("%u mapped, %u refused, %u mprotect hits\n", ok, refused, atomic_load(&r.hits));
	ck_assert_uint_gt(ok, 0);

	close(fd);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *mprotect_suite(void)
{
	Suite *s = suite_create("attack-mprotect");

	tcase_add_test(bxt_tcase(s, "map-race"), test_mprotect_races_map);
	return s;
}

int main(void)
{
	return bxt_run(mprotect_suite());
}
