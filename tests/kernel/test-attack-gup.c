/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ways around the driver's checks to a buffer's memory, through the
 * kernel's own access to user memory (get_user_pages()) and through the
 * file behind a mapping:
 * - /proc/PID/map_files/ of a buffer mapping used to open the buffer's
 *   tmpfs file afresh, writable: a process with CAP_SYS_ADMIN could write
 *   into a moved or sealed buffer. The mapping file cannot be opened now.
 * - process_vm_readv()/writev() and /proc/PID/mem reached the pages under
 *   huge entries; the mappings are VM_IO now, which they refuse.
 * - A page vmspliced into a pipe before a move kept showing the receiver's
 *   writes. Before Linux 6.12 vmsplice() still gets the page (its lockless
 *   path does not know the huge entry as special), so moving or sealing a
 *   buffer with a page referenced from outside fails with EBUSY until the
 *   reference is gone; from 6.12 on vmsplice() fails already.
 * Each attack first shows the same access working on ordinary memory, or
 * the buffer working once the outside reference is dropped.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define SIZE (2 * BXB_MIB)

typedef struct Gup {
	BxtEnv e;
	uint32_t id;
	uint8_t *p;	/* the client's writable mapping, filled */
} Gup;

static void gup_up_ck(Gup *g, uint64_t cookie)
{
	struct bindox_buffer_alloc a = { .size = SIZE };
	struct bindox_buffer_map_args m = { .flags = BINDOX_MAP_WRITE, .size = SIZE };

	bxt_env_up_ck(&g->e, cookie);
	BXT_OK(bxt_ioctl(g->e.cli, BINDOX_IOC_BUFFER_ALLOC, &a));
	g->id = a.id;
	m.id = a.id;
	BXT_OK(bxt_ioctl(g->e.cli, BINDOX_IOC_BUFFER_MAP, &m));
	g->p = (uint8_t *)(uintptr_t)m.addr;
	memset(g->p, 0x11, SIZE);
}

static void gup_down_ck(Gup *g)
{
	munmap(g->p, SIZE);
	bxt_env_down_ck(&g->e);
}

/* Send buffer @id from @fd in @mode (BINDOX_BUF_MOVE or _SHARE). */
static int send_buffer(int fd, uint32_t h, uint32_t id, uint32_t mode)
{
	BxtBuf m;

	bxt_buf_init(&m);
	bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, id);
	((struct bindox_object *)(m.data + m.offs[0]))->flags = mode;
	return bxt_send(fd, h, &m);
}

/* open() of the /proc/self/map_files entry of the mapping at @p. */
static int open_map_file(const void *p, size_t size)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)(uintptr_t)p,
		 (unsigned long)((uintptr_t)p + size));
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

START_TEST(test_map_files_cannot_reopen_a_buffer)
{
	uint8_t *shm;
	int fd;
	Gup g;

	/* Allowed twin: an ordinary shared file mapping reopens. */
	fd = memfd_create("twin", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(shm, MAP_FAILED);
	close(fd);
	fd = open_map_file(shm, 4096);
	ck_assert_int_ge(fd, 0);
	close(fd);
	munmap(shm, 4096);

	gup_up_ck(&g, 0x601);
	BXT_ERR(open_map_file(g.p, SIZE), ENXIO);
	gup_down_ck(&g);
}
END_TEST

START_TEST(test_remote_access_is_refused)
{
	static uint8_t plain[4096];
	uint8_t byte = 0x22;
	struct iovec local = { &byte, 1 }, remote;
	int mem;
	Gup g;

	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(mem, 0);
	/* Allowed twin: ordinary memory. */
	remote = (struct iovec){ plain, 1 };
	ck_assert_int_eq(process_vm_writev(getpid(), &local, 1, &remote, 1, 0), 1);
	ck_assert_int_eq(process_vm_readv(getpid(), &local, 1, &remote, 1, 0), 1);
	ck_assert_int_eq(pwrite(mem, &byte, 1, (off_t)(uintptr_t)plain), 1);
	ck_assert_uint_eq(plain[0], 0x22);

	gup_up_ck(&g, 0x602);
	remote = (struct iovec){ g.p + 4096, 1 };
	ck_assert_int_eq(process_vm_writev(getpid(), &local, 1, &remote, 1, 0), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(process_vm_readv(getpid(), &local, 1, &remote, 1, 0), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(pwrite(mem, &byte, 1, (off_t)(uintptr_t)(g.p + 4096)), -1);
	ck_assert_int_eq(pread(mem, &byte, 1, (off_t)(uintptr_t)(g.p + 4096)), -1);
	ck_assert_uint_eq(g.p[4096], 0x11);
	close(mem);
	gup_down_ck(&g);
}
END_TEST

/* vmsplice() a page of @p into a new pipe; 0 or -errno. */
static int splice_page(int pipefd[2], uint8_t *p)
{
	struct iovec iov = { p, 4096 };

	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	return vmsplice(pipefd[1], &iov, 1, 0) == 4096 ? 0 : -errno;
}

static void attack_with_spliced_page(uint32_t mode)
{
	uint8_t page[4096];
	int pfd[2], r;
	Gup g;

	gup_up_ck(&g, 0x603 + mode);
	r = splice_page(pfd, g.p);
	if (r == 0) {
		/* Before 6.12: the pipe holds a page; sending must wait. */
		BXT_ERR(send_buffer(g.e.cli, g.e.h, g.id, mode), EBUSY);
		ck_assert_int_eq(read(pfd[0], page, sizeof(page)), (ssize_t)sizeof(page));
		ck_assert_uint_eq(page[0], 0x11);
	} else {
		ck_assert_int_eq(r, -EFAULT);
	}
	/* Allowed twin: nothing outside holds a page; it goes. */
	BXT_OK(send_buffer(g.e.cli, g.e.h, g.id, mode));
	close(pfd[0]);
	close(pfd[1]);
	gup_down_ck(&g);
}

START_TEST(test_vmspliced_page_blocks_a_move)
{
	attack_with_spliced_page(BINDOX_BUF_MOVE);
}
END_TEST

START_TEST(test_vmspliced_page_blocks_a_seal)
{
	attack_with_spliced_page(BINDOX_BUF_SHARE);
}
END_TEST

static Suite *gup_suite(void)
{
	Suite *s = suite_create("attack-gup");

	tcase_add_test(bxt_tcase(s, "map-files"), test_map_files_cannot_reopen_a_buffer);
	tcase_add_test(bxt_tcase(s, "remote"), test_remote_access_is_refused);
	tcase_add_test(bxt_tcase(s, "vmsplice-move"), test_vmspliced_page_blocks_a_move);
	tcase_add_test(bxt_tcase(s, "vmsplice-seal"), test_vmspliced_page_blocks_a_seal);
	return s;
}

int main(void)
{
	return bxt_run(gup_suite());
}
