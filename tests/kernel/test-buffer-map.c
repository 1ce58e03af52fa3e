/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How buffers are mapped: BINDOX_IOC_BUFFER_MAP maps a buffer and fills its
 * page tables (no fault when it is used, the same page frames as a plain
 * mmap), refuses bad requests and missing rights; a 2 MiB page is one
 * entry (fault counts of a plain mmap); system calls copy to and from
 * buffer memory like any other (the entries are the driver's own); mappings that are split (mprotect), moved (mremap) or
 * inherited (fork) keep the data and lose access when the buffer moves; a
 * buffer that comes back takes over its old mapping (BINDOX_MAP_REUSE),
 * and only a mapping of the same buffer, whole, alone and without access
 * qualifies.
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

/* Four huge pages and a tail of three small ones. */
#define SIZE (8 * BXB_MIB + 3 * 4096)
#define PAGE 4096UL

static bool faulted(int sig)
{
	return sig == SIGBUS || sig == SIGSEGV;
}

/* BINDOX_IOC_BUFFER_MAP: 0 and *@p, or -errno. */
static int map_ioctl(int fd, uint32_t id, uint32_t flags, uint64_t size, void **p)
{
	struct bindox_buffer_map_args a = { .id = id, .flags = flags, .size = size };
	int r = bxt_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &a);

	if (r == 0)
		*p = (void *)(uintptr_t)a.addr;
	return r;
}

static uint32_t alloc_ck(int fd, uint64_t size)
{
	struct bindox_buffer_alloc a = { .size = size };

	BXT_OK(bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a));
	ck_assert_uint_eq(a.size, size);
	return a.id;
}

START_TEST(map_ioctl_maps_and_fills_the_page_tables)
{
	int fd = bxt_open_ck();
	uint32_t id = alloc_ck(fd, SIZE);
	uint8_t *p, *q;
	long f0, faults;
	size_t off;

	BXT_OK(map_ioctl(fd, id, BINDOX_MAP_WRITE, SIZE, (void **)&p));
	ck_assert_uint_eq((uintptr_t)p % (2 * BXB_MIB), 0);
	/* Every page is present before it is touched. */
	for (off = 0; off < SIZE; off += PAGE)
		ck_assert_msg(bxb_pfn(p + off) != 0, "page at %zu not present", off);
	/* So writing and reading all of it takes no fault. */
	f0 = bxb_minflt();
	memset(p, 0x5a, SIZE);
	ck_assert_uint_eq(bxb_sum(p, SIZE), 0x5a5a5a5a5a5a5a5aULL * (SIZE / 8));
	faults = bxb_minflt() - f0;
	ck_assert_msg(faults <= 2, "%ld faults using a filled mapping", faults);

	/* A plain mmap of the same id: the same frames, one fault per 2 MiB. */
	q = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, (off_t)id * (off_t)PAGE);
	ck_assert(q != MAP_FAILED);
	f0 = bxb_minflt();
	(void)bxb_touch(q, SIZE);
	faults = bxb_minflt() - f0;
	ck_assert_msg(faults <= 4 + 3 + 2, "%ld faults touching 4 huge and 3 small pages",
		      faults);
	for (off = 0; off < SIZE; off += 64 * PAGE)
		ck_assert_uint_eq(bxb_pfn(q + off), bxb_pfn(p + off));
	ck_assert_uint_eq(bxb_pfn(q + SIZE - PAGE), bxb_pfn(p + SIZE - PAGE));
	ck_assert_uint_eq(q[SIZE - 1], 0x5a);

	/* A read-only one: reads work, writes fault. */
	munmap(q, SIZE);
	BXT_OK(map_ioctl(fd, id, 0, 3 * BXB_MIB, (void **)&q));
	ck_assert_uint_eq(q[3 * BXB_MIB - 1], 0x5a);
	ck_assert(faulted(bxb_access_signal(q, true)));
	ck_assert_int_eq(bxb_access_signal(q, false), 0);
	munmap(q, 3 * BXB_MIB);
	munmap(p, SIZE);
	close(fd);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(map_ioctl_refuses_bad_requests)
{
	int fd = bxt_open_ck();
	uint32_t id = alloc_ck(fd, 4 * BXB_MIB);
	struct bindox_buffer_map_args a = { .id = id, .size = 4096, .addr = 4096 };
	void *p;

	BXT_ERR(map_ioctl(fd, id, 2, 4096, &p), EINVAL);
	BXT_ERR(map_ioctl(fd, id, BINDOX_MAP_WRITE | 2, 4096, &p), EINVAL);
	BXT_ERR(bxt_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &a), EINVAL);
	BXT_ERR(map_ioctl(fd, id, 0, 0, &p), EINVAL);
	BXT_ERR(map_ioctl(fd, id, 0, 4 * BXB_MIB + 1, &p), EINVAL);
	BXT_ERR(map_ioctl(fd, id, 0, UINT64_MAX, &p), EINVAL);
	BXT_ERR(map_ioctl(fd, id + 1, 0, 4096, &p), EINVAL);
	BXT_ERR(map_ioctl(fd, 0, 0, 4096, &p), EINVAL);
	BXT_ERR(bxt_ioctl(fd, BINDOX_IOC_BUFFER_MAP, NULL), EFAULT);
	/* Less than the whole buffer is fine. */
	BXT_OK(map_ioctl(fd, id, BINDOX_MAP_WRITE, 4096, &p));
	munmap(p, 4096);
	close(fd);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(map_ioctl_checks_the_rights)
{
	BindoxBuffer *shared = NULL, *moved = NULL;
	BxbReport rep;
	BxbEnv e;
	uint8_t *p;
	int fd;

	bxb_env_up_ck(&e, 1);
	fd = bindox_conn_fd(e.c);
	BXT_OK(bindox_buffer_alloc(e.c, 4 * BXB_MIB, &shared));
	memset(bindox_buffer_data(shared), 0x21, 4 * BXB_MIB);
	BXT_OK(bxb_call(e.c, e.h[0], BXB_INSPECT, 0, shared, BINDOX_BUFFER_SHARE, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	/* Sealed: no writable mapping, a read-only one whose writes fault. */
	BXT_ERR(map_ioctl(fd, bindox_buffer_id(shared), BINDOX_MAP_WRITE, 4 * BXB_MIB,
			  (void **)&p), EACCES);
	BXT_OK(map_ioctl(fd, bindox_buffer_id(shared), 0, 4 * BXB_MIB, (void **)&p));
	ck_assert_uint_eq(p[4 * BXB_MIB - 1], 0x21);
	ck_assert(faulted(bxb_access_signal(p, true)));
	ck_assert_int_eq(mprotect(p, 4096, PROT_READ | PROT_WRITE), -1);
	munmap(p, 4 * BXB_MIB);

	/* Moved away: no mapping at all. */
	BXT_OK(bindox_buffer_alloc(e.c, 2 * BXB_MIB, &moved));
	BXT_OK(bxb_call(e.c, e.h[0], BXB_INSPECT, 1, moved, BINDOX_BUFFER_MOVE, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	BXT_ERR(map_ioctl(fd, bindox_buffer_id(moved), 0, 4096, (void **)&p), EACCES);
	bindox_buffer_release(moved);
	bindox_buffer_release(shared);
	bxb_env_down_ck(&e);
}
END_TEST

START_TEST(system_calls_copy_to_and_from_buffers)
{
	BindoxConn *c = bxt_conn_ck();
	BindoxBuffer *b = NULL;
	char pipe_out[64];
	int pfd[2];
	uint8_t *p;

	BXT_OK(bindox_buffer_alloc(c, 4 * BXB_MIB, &b));
	p = bindox_buffer_data(b);
	memset(p, 'x', 64);
	/* Out of it, and into it across a 2 MiB boundary. */
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(write(pfd[1], p, 64), 64);
	ck_assert_int_eq(read(pfd[0], pipe_out, 64), 64);
	ck_assert(memcmp(pipe_out, p, 64) == 0);
	memset(pipe_out, 'y', 64);
	ck_assert_int_eq(write(pfd[1], pipe_out, 64), 64);
	ck_assert_int_eq(read(pfd[0], p + 2 * BXB_MIB - 32, 64), 64);
	ck_assert_uint_eq(p[2 * BXB_MIB + 31], 'y');
	close(pfd[0]);
	close(pfd[1]);
	bindox_buffer_release(b);
	bindox_conn_close(c);
	bxt_assert_no_leaks();
}
END_TEST

/* A child that checks every byte of @p is @byte: exit 0 if so. */
static int child_checks(const uint8_t *p, size_t size, uint8_t byte)
{
	pid_t pid = bxt_fork_ck();
	int status;

	if (pid == 0) {
		size_t i;

		for (i = 0; i < size; i++)
			if (p[i] != byte)
				_exit(1);
		_exit(0);
	}
	status = bxt_waitpid(pid, BXT_LONG_MS);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

START_TEST(split_moved_and_inherited_mappings)
{
	const size_t size = 6 * BXB_MIB;
	BindoxBuffer *b = NULL;
	BxbReport rep;
	BxbEnv e;
	uint8_t *p, *q, *hint;

	bxb_env_up_ck(&e, 1);
	BXT_OK(bindox_buffer_alloc(e.c, size, &b));
	p = bindox_buffer_data(b);
	memset(p, 0x37, size);

	/* One page in the middle of a huge page made read-only: a split. */
	ck_assert_int_eq(mprotect(p + BXB_MIB, PAGE, PROT_READ), 0);
	ck_assert_int_eq(child_checks(p, size, 0x37), 0);
	ck_assert(faulted(bxb_access_signal(p + BXB_MIB, true)));
	ck_assert_int_eq(bxb_access_signal(p + BXB_MIB + PAGE, true), 0);
	ck_assert_int_eq(mprotect(p + BXB_MIB, PAGE, PROT_READ | PROT_WRITE), 0);

	/* Moved to an address that is not 2 MiB aligned: small entries. */
	hint = mmap(NULL, size + 2 * BXB_MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(hint != MAP_FAILED);
	q = (uint8_t *)(((uintptr_t)hint + 2 * BXB_MIB) & ~(2 * BXB_MIB - 1)) + PAGE;
	q = mremap(p + 2 * BXB_MIB, 2 * BXB_MIB, 2 * BXB_MIB, MREMAP_MAYMOVE | MREMAP_FIXED, q);
	ck_assert(q != MAP_FAILED);
	ck_assert_int_eq(child_checks(q, 2 * BXB_MIB, 0x37), 0);
	memset(q, 0x38, 2 * BXB_MIB);
	ck_assert_uint_eq(p[0], 0x37);

	/* Moving the buffer revokes every piece: split, moved and inherited. */
	BXT_OK(bxb_call(e.c, e.h[0], BXB_INSPECT, 1, b, BINDOX_BUFFER_MOVE, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	ck_assert(faulted(bxb_access_signal(p, false)));
	ck_assert(faulted(bxb_access_signal(p + BXB_MIB, false)));
	ck_assert(faulted(bxb_access_signal(q, false)));
	ck_assert(faulted(bxb_access_signal(p + 5 * BXB_MIB, false)));
	ck_assert_int_ne(child_checks(p + 4 * BXB_MIB, PAGE, 0x37), 0);
	munmap(hint, size + 2 * BXB_MIB);
	bindox_buffer_release(b);
	bxb_env_down_ck(&e);
}
END_TEST

/* BINDOX_IOC_BUFFER_MAP with BINDOX_MAP_REUSE of the mapping at @addr. */
static int reuse_ioctl(int fd, uint32_t id, uint32_t flags, uint64_t size, void *addr)
{
	struct bindox_buffer_map_args a = {
		.id = id, .flags = flags | BINDOX_MAP_REUSE, .size = size,
		.addr = (uint64_t)(uintptr_t)addr,
	};

	return bxt_ioctl(fd, BINDOX_IOC_BUFFER_MAP, &a);
}

START_TEST(a_buffer_that_comes_back_reuses_its_mapping)
{
	const size_t size = 4 * BXB_MIB;
	BindoxBuffer *b = NULL, *back = NULL, *back2 = NULL, *other = NULL;
	uint8_t *p, *q, *r, *t, *anon;
	BxbReport rep;
	BxbEnv e;
	int fd, hold[2];
	pid_t child;
	char c;

	bxb_env_up_ck(&e, 1);
	fd = bindox_conn_fd(e.c);
	BXT_OK(bindox_buffer_alloc(e.c, size, &b));
	p = bindox_buffer_data(b);
	memset(p, 0x41, size);
	/* The library hands the moved-away mapping to the buffer that returns. */
	BXT_OK(bxb_call(e.c, e.h[0], BXB_FILL_RETURN, 0x42, b, BINDOX_BUFFER_MOVE, &rep, &back));
	ck_assert_int_eq(rep.status, 0);
	ck_assert_ptr_eq(bindox_buffer_data(back), p);
	ck_assert_ptr_null(bindox_buffer_data(b));
	ck_assert_uint_eq(p[size - 1], 0x42);
	memset(p, 0x43, size);
	bindox_buffer_release(b);

	/* What the driver refuses: a mapping that still gives access, ... */
	BXT_ERR(reuse_ioctl(fd, bindox_buffer_id(back), BINDOX_MAP_WRITE, size, p), EINVAL);
	/* ... one that is not a buffer's, one of another buffer, ... */
	anon = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(anon != MAP_FAILED);
	BXT_ERR(reuse_ioctl(fd, bindox_buffer_id(back), BINDOX_MAP_WRITE, size, anon), EINVAL);
	munmap(anon, size);
	BXT_OK(bindox_buffer_alloc(e.c, size, &other));
	BXT_OK(bxb_call(e.c, e.h[0], BXB_INSPECT, 1, other, BINDOX_BUFFER_MOVE, &rep, NULL));
	BXT_ERR(reuse_ioctl(fd, bindox_buffer_id(back), BINDOX_MAP_WRITE, size,
			    bindox_buffer_data(other)), EINVAL);

	/* Three more mappings of the buffer; then it travels once more. */
	BXT_OK(map_ioctl(fd, bindox_buffer_id(back), BINDOX_MAP_WRITE, size, (void **)&q));
	BXT_OK(map_ioctl(fd, bindox_buffer_id(back), BINDOX_MAP_WRITE, size, (void **)&r));
	BXT_OK(map_ioctl(fd, bindox_buffer_id(back), BINDOX_MAP_WRITE, size, (void **)&t));
	BXT_OK(bxb_call(e.c, e.h[0], BXB_FILL_RETURN, 0x44, back, BINDOX_BUFFER_MOVE, &rep,
			&back2));
	ck_assert_int_eq(rep.status, 0);
	ck_assert_ptr_eq(bindox_buffer_data(back2), p);
	/* ... a size or protection that differs, a split mapping, ... */
	BXT_ERR(reuse_ioctl(fd, bindox_buffer_id(back2), BINDOX_MAP_WRITE, size / 2, q), EINVAL);
	BXT_ERR(reuse_ioctl(fd, bindox_buffer_id(back2), 0, size, q), EINVAL);
	ck_assert_int_eq(mprotect(r, 4096, PROT_READ), 0);
	BXT_ERR(reuse_ioctl(fd, bindox_buffer_id(back2), BINDOX_MAP_WRITE, size, r), EINVAL);
	/* ... what is left of one whose first page went (alone, but not from the start), ... */
	ck_assert_int_eq(munmap(t, 4096), 0);
	BXT_ERR(reuse_ioctl(fd, bindox_buffer_id(back2), BINDOX_MAP_WRITE, size - 4096, t + 4096),
		EINVAL);
	/* ... and one that a child shares. */
	ck_assert_int_eq(pipe(hold), 0);
	child = bxt_fork_ck();
	if (child == 0) {
		close(hold[1]);
		_exit(read(hold[0], &c, 1) < 0);
	}
	close(hold[0]);
	BXT_ERR(reuse_ioctl(fd, bindox_buffer_id(back2), BINDOX_MAP_WRITE, size, q), EINVAL);
	close(hold[1]);
	ck_assert_int_eq(bxt_waitpid(child, BXT_LONG_MS), 0);
	ck_assert(faulted(bxb_access_signal(q, false)));

	/* Alone again: it serves the new id, filled, with the same frames. */
	BXT_OK(reuse_ioctl(fd, bindox_buffer_id(back2), BINDOX_MAP_WRITE, size, q));
	ck_assert_uint_ne(bxb_pfn(q + size - 4096), 0);
	ck_assert_uint_eq(bxb_pfn(q), bxb_pfn(p));
	ck_assert_uint_eq(q[size - 1], 0x44);
	q[0] = 0x45;
	ck_assert_uint_eq(p[0], 0x45);
	ck_assert(faulted(bxb_access_signal(r, false)));
	munmap(q, size);
	munmap(r, size);
	munmap(t + 4096, size - 4096);
	bindox_buffer_release(other);
	bindox_buffer_release(back);
	bindox_buffer_release(back2);
	bxb_env_down_ck(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buffer-map");
	TCase *tc = bxt_tcase(s, "buffer-map");

	tcase_add_test(tc, map_ioctl_maps_and_fills_the_page_tables);
	tcase_add_test(tc, map_ioctl_refuses_bad_requests);
	tcase_add_test(tc, map_ioctl_checks_the_rights);
	tcase_add_test(tc, system_calls_copy_to_and_from_buffers);
	tcase_add_test(tc, split_moved_and_inherited_mappings);
	tcase_add_test(tc, a_buffer_that_comes_back_reuses_its_mapping);
	return bxt_run(s);
}
