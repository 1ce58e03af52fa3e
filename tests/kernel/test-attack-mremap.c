/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A buffer mapping moved with mremap() onto an address where a huge page
 * of it fits, while the page table of that address already holds small
 * entries (moved along from the old place). The fault for an untouched
 * page must add a small entry: a huge entry over a page table made the
 * kernel warn (vmf_insert_pfn_pmd) and the write retry for ever.
 */

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bxt.h"

#define MIB (1024UL * 1024UL)
#define PAGE 4096UL

/* A free, 2 MiB-aligned range of @len bytes (reserved, then given back). */
static uint8_t *aligned_hole_ck(size_t len)
{
	uint8_t *p = mmap(NULL, len + 2 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *a;

	ck_assert_ptr_ne(p, MAP_FAILED);
	a = (uint8_t *)(((uintptr_t)p + 2 * MIB - 1) & ~(2 * MIB - 1));
	ck_assert_int_eq(munmap(p, len + 2 * MIB), 0);
	return a;
}

/* Write @v at @p in a child; the child's wait status or -ETIMEDOUT. */
static int write_in_child(uint8_t *p, uint8_t v)
{
	pid_t pid = bxt_fork_ck();

	if (pid == 0) {
		*(volatile uint8_t *)p = v;
		_exit(0);
	}
	return bxt_waitpid(pid, 20000);
}

START_TEST(test_mremap_onto_huge_alignment)
{
	struct bindox_buffer_alloc a = { .size = 4 * MIB };
	uint8_t *hole, *p, *q;
	int fd, st;

	fd = bxt_open_ck();
	BXT_OK(bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a));

	/* Mapped one page past a 2 MiB boundary: no huge entry fits. */
	hole = aligned_hole_ck(4 * MIB + PAGE);
	p = mmap(hole + PAGE, 4 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 (off_t)a.offset);
	ck_assert_ptr_eq(p, hole + PAGE);
	p[0] = 1;	/* a page table with a small entry */

	/* Allowed twin: an untouched page there takes a small entry. */
	st = write_in_child(p + 8 * PAGE, 2);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	ck_assert_uint_eq(p[8 * PAGE], 2);

	/* Moved to an aligned address, taking its page table along. */
	hole = aligned_hole_ck(4 * MIB);
	q = mremap(p, 4 * MIB, 4 * MIB, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	ck_assert_ptr_eq(q, hole);
	ck_assert_uint_eq(q[0], 1);

	/* An untouched page of the first 2 MiB, in a child: it may hang. */
	st = write_in_child(q + 5 * PAGE, 3);
	ck_assert_msg(st != -ETIMEDOUT, "the write never completed");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	ck_assert_uint_eq(q[5 * PAGE], 3);
	/* The second 2 MiB, untouched, gets its huge entry as usual. */
	q[2 * MIB] = 4;
	ck_assert_uint_eq(q[2 * MIB], 4);

	ck_assert_int_eq(munmap(q, 4 * MIB), 0);
	close(fd);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *mremap_suite(void)
{
	Suite *s = suite_create("attack-mremap");

	tcase_add_test(bxt_tcase(s, "mremap"), test_mremap_onto_huge_alignment);
	return s;
}

int main(void)
{
	return bxt_run(mremap_suite());
}
