/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Many mappings of one buffer: revoking the buffer (a move, a seal, the
 * owner letting go) walks every VMA of it, so a holder that mapped a
 * shared buffer tens of thousands of times made the owner's revoke slow.
 * A file may now make at most max_buffer_maps buffer VMAs (new mappings,
 * and mprotect() of a part, which splits one).
 */

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define LIMIT 8

START_TEST(test_mappings_per_file_are_bounded)
{
	unsigned long max = bxb_param_get_ck("max_buffer_maps");
	struct bindox_buffer_alloc a = { .size = 8192 };
	void *p[LIMIT];
	void *extra;
	int fd, other, i;

	fd = bxt_open_ck();
	other = bxt_open_ck();
	BXT_OK(bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a));
	bxb_param_set_ck("max_buffer_maps", LIMIT);

	/* Allowed twin: up to the limit. */
	for (i = 0; i < LIMIT; i++) {
		p[i] = mmap(NULL, a.size, PROT_READ, MAP_SHARED, fd, (off_t)a.offset);
		ck_assert_ptr_ne(p[i], MAP_FAILED);
	}
	extra = mmap(NULL, a.size, PROT_READ, MAP_SHARED, fd, (off_t)a.offset);
	ck_assert(extra == MAP_FAILED);
	ck_assert_int_eq(errno, ENOMEM);
	/* Splitting one with mprotect() would make one more. */
	ck_assert_int_eq(mprotect(p[0], 4096, PROT_NONE), -1);
	ck_assert_int_eq(errno, ENOMEM);
	/* One gone, one more may come. */
	ck_assert_int_eq(munmap(p[0], a.size), 0);
	p[0] = mmap(NULL, a.size, PROT_READ, MAP_SHARED, fd, (off_t)a.offset);
	ck_assert_ptr_ne(p[0], MAP_FAILED);
	/* Another file has its own count. */
	BXT_OK(bxt_ioctl(other, BINDOX_IOC_BUFFER_ALLOC, &a));
	extra = mmap(NULL, a.size, PROT_READ, MAP_SHARED, other, (off_t)a.offset);
	ck_assert_ptr_ne(extra, MAP_FAILED);

	bxb_param_set_ck("max_buffer_maps", max);
	munmap(extra, a.size);
	for (i = 0; i < LIMIT; i++)
		munmap(p[i], a.size);
	close(other);
	close(fd);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *maps_suite(void)
{
	Suite *s = suite_create("attack-maps");

	tcase_add_test(bxt_tcase(s, "maps"), test_mappings_per_file_are_bounded);
	return s;
}

int main(void)
{
	return bxt_run(maps_suite());
}
