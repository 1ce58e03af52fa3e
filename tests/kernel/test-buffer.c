/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mapping Delivery buffers: zeroed memory, zero copy (the same page frames
 * in sender and receiver, read from /proc/self/pagemap), move semantics (the
 * sender's accesses fault after sending, the buffer comes back after a
 * round trip), sealing (share mode: writes fault for everyone, mprotect and
 * writable mappings are refused, several receivers), refusal of ids a
 * process was never given, malformed buffer objects, a move that fails
 * gives the buffer back, and release.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define SIZE (8 * BXB_MIB)

static bool faulted(int sig)
{
	return sig == SIGBUS || sig == SIGSEGV;
}

/*
 * Two ways to the memory behind a mapping that skip mmap(2) on the device:
 * remap_file_pages() maps the mapping's file afresh, MADV_REMOVE punches a
 * hole into it. Both must fail. 0 or -errno.
 */
static int bypass_remap(void *p, size_t size)
{
	return remap_file_pages(p, size, 0, 0, 0) ? -errno : 0;
}

static int bypass_punch(void *p, size_t size)
{
	return madvise(p, size, MADV_REMOVE) ? -errno : 0;
}

/*
 * A child of the sender (it shares the mapping) that rewrites all of it
 * with @first, @first + 1, ... until it faults. Returns once its first
 * write has landed (the last byte is no longer @initial).
 */
static pid_t writer_start(uint8_t *p, uint8_t initial, uint8_t first)
{
	pid_t pid = bxt_fork_ck();

	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		for (;; first++)
			memset(p, first, SIZE);
	}
	while (*(volatile uint8_t *)(p + SIZE - 1) == initial)
		bxt_sleep_ms(1);
	return pid;
}

START_TEST(alloc_is_zeroed_and_writable)
{
	BindoxConn *c = bxt_conn_ck();
	struct bindox_buffer_info info;
	BindoxBuffer *b = NULL;
	uint8_t *p;
	size_t i;

	BXT_OK(bindox_buffer_alloc(c, 3 * BXB_MIB + 1, &b));
	ck_assert_uint_eq(bindox_buffer_size(b), 3 * BXB_MIB + 4096);
	ck_assert(bindox_buffer_writable(b));
	p = bindox_buffer_data(b);
	for (i = 0; i < bindox_buffer_size(b); i++)
		ck_assert_msg(p[i] == 0, "byte %zu is %u", i, p[i]);
	memset(p, 0xC3, bindox_buffer_size(b));
	ck_assert_uint_eq(p[bindox_buffer_size(b) - 1], 0xC3);
	BXT_OK(bxb_info(bindox_conn_fd(c), bindox_buffer_id(b), &info));
	ck_assert_uint_eq(info.flags, BINDOX_BUF_WRITABLE);
	ck_assert_uint_eq(info.size, bindox_buffer_size(b));
	ck_assert_uint_eq(info.offset, (uint64_t)bindox_buffer_id(b) * 4096);
	bindox_buffer_release(b);

	/* A second buffer is zeroed too, though the first one's pages were dirty. */
	BXT_OK(bindox_buffer_alloc(c, SIZE, &b));
	p = bindox_buffer_data(b);
	for (i = 0; i < SIZE; i += 64)
		ck_assert_msg(p[i] == 0, "byte %zu is %u", i, p[i]);
	bindox_buffer_release(b);
	bindox_conn_close(c);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(move_is_zero_copy_and_revokes_the_sender)
{
	struct bindox_buffer_info info;
	uint64_t pfn[BXB_PROBES], pfn_back[BXB_PROBES];
	BindoxBuffer *b = NULL, *back = NULL;
	BxbReport rep;
	BxbEnv e;
	uint8_t *p, *q;
	uint32_t id;
	int i;

	bxb_env_up_ck(&e, 1);
	BXT_OK(bindox_buffer_alloc(e.c, SIZE, &b));
	p = bindox_buffer_data(b);
	memset(p, 0x11, SIZE);
	bxb_probe_pfns(p, SIZE, pfn);
	for (i = 0; i < BXB_PROBES; i++)
		ck_assert_msg(pfn[i] != 0, "no page frame number (not root?)");
	id = bindox_buffer_id(b);
	/*
	 * A second mapping of the sender's: the library hands the first one
	 * (@p) to the buffer when it comes back.
	 */
	q = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, bindox_conn_fd(e.c),
		 (off_t)id * 4096);
	ck_assert(q != MAP_FAILED);
	q[0] = 0x11;

	/* The server fills it with 0x22 and moves it back. */
	BXT_OK(bxb_call(e.c, e.h[0], BXB_FILL_RETURN, 0x22, b, BINDOX_BUFFER_MOVE, &rep, &back));
	ck_assert_msg(rep.status == 0, "server failed at line %d: %s", rep.line,
		      bxt_errname(rep.status));
	ck_assert(rep.writable);
	ck_assert_uint_eq(rep.size, SIZE);
	for (i = 0; i < BXB_PROBES; i++) {
		/* The receiver saw the sender's data in the very same frames. */
		ck_assert_uint_eq(rep.byte[i], 0x11);
		ck_assert_msg(rep.pfn[i] == pfn[i], "probe %d: sender pfn %#llx, receiver %#llx",
			      i, (unsigned long long)pfn[i], (unsigned long long)rep.pfn[i]);
	}

	/* The sender lost every access: its pages are unmapped and fault. */
	ck_assert(!bindox_buffer_writable(b));
	ck_assert_uint_eq(bxb_pfn(q), 0);
	ck_assert(faulted(bxb_access_signal(q, true)));
	ck_assert(faulted(bxb_access_signal(q, false)));
	BXT_OK(bxb_info(bindox_conn_fd(e.c), id, &info));
	ck_assert_uint_eq(info.flags, BINDOX_BUF_MOVED);
	ck_assert(mmap(NULL, SIZE, PROT_READ, MAP_SHARED, bindox_conn_fd(e.c),
		       (off_t)id * 4096) == MAP_FAILED);
	ck_assert_int_eq(errno, EACCES);
	/* Nor can it reach the memory behind its old mapping some other way. */
	ck_assert_int_eq(bypass_remap(q, SIZE), -EACCES);
	ck_assert_int_eq(bypass_punch(q, SIZE), -EBADF);
	munmap(q, SIZE);
	bindox_buffer_release(b);

	/* It came back into its old mapping: the server's data, the same frames. */
	ck_assert_ptr_nonnull(back);
	ck_assert_ptr_eq(bindox_buffer_data(back), p);
	ck_assert(bindox_buffer_writable(back));
	ck_assert_uint_eq(bindox_buffer_size(back), SIZE);
	p = bindox_buffer_data(back);
	bxb_probe_pfns(p, SIZE, pfn_back);
	for (i = 0; i < BXB_PROBES; i++) {
		ck_assert_uint_eq(p[bxb_probe_offset(SIZE, i)], 0x22);
		ck_assert_uint_eq(pfn_back[i], pfn[i]);
	}
	memset(p, 0x33, SIZE);
	ck_assert_uint_eq(p[SIZE - 1], 0x33);
	bindox_buffer_release(back);
	bxb_env_down_ck(&e);
}
END_TEST

START_TEST(move_sender_cannot_change_what_receiver_reads)
{
	BindoxBuffer *b = NULL;
	BxbReport rep, again;
	BxbEnv e;
	uint8_t *p;
	pid_t writer;
	int status, i;

	bxb_env_up_ck(&e, 1);
	BXT_OK(bindox_buffer_alloc(e.c, SIZE, &b));
	p = bindox_buffer_data(b);
	memset(p, 0x44, SIZE);

	writer = writer_start(p, 0x44, 0x66);

	/* Moved while being written: the writer faults at once. */
	BXT_OK(bxb_call(e.c, e.h[0], BXB_INSPECT, 1, b, BINDOX_BUFFER_MOVE, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	status = bxt_waitpid(writer, BXT_LONG_MS);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
		      "the sender's writer was not stopped by SIGBUS (status %#x)", status);

	/* What the receiver read is what it keeps reading. */
	bxt_sleep_ms(200);
	BXT_OK(bxb_call(e.c, e.h[0], BXB_RECHECK, 0, NULL, 0, &again, NULL));
	ck_assert_int_eq(again.status, 0);
	ck_assert_uint_eq(again.sum, rep.sum);
	for (i = 0; i < BXB_PROBES; i++)
		ck_assert_uint_eq(again.byte[i], rep.byte[i]);
	bindox_buffer_release(b);
	bxb_env_down_ck(&e);
}
END_TEST

START_TEST(share_seals_for_everyone)
{
	struct bindox_buffer_info info;
	uint64_t pfn[BXB_PROBES];
	BindoxBuffer *b = NULL;
	BxbReport rep;
	BxbEnv e;
	uint8_t *p;
	int i, k;

	bxb_env_up_ck(&e, 2);
	BXT_OK(bindox_buffer_alloc(e.c, SIZE, &b));
	p = bindox_buffer_data(b);
	memset(p, 0x5E, SIZE);
	bxb_probe_pfns(p, SIZE, pfn);

	/* Several receivers, each keeping it mapped read-only. */
	for (k = 0; k < 2; k++) {
		BXT_OK(bxb_call(e.c, e.h[k], BXB_INSPECT, 1, b, BINDOX_BUFFER_SHARE, &rep, NULL));
		ck_assert_msg(rep.status == 0, "server %d failed at line %d: %s", k, rep.line,
			      bxt_errname(rep.status));
		ck_assert(!rep.writable);
		ck_assert_uint_eq(rep.info_flags, BINDOX_BUF_SEALED);
		ck_assert_uint_eq(rep.kept, 1);
		for (i = 0; i < BXB_PROBES; i++) {
			ck_assert_uint_eq(rep.byte[i], 0x5E);
			ck_assert_uint_eq(rep.pfn[i], pfn[i]);
		}
		/* Receivers cannot write, nor get the right to. */
		ck_assert(faulted(rep.write_signal));
		ck_assert_int_eq(rep.mprotect_errno, EACCES);
		ck_assert_int_eq(rep.mmap_rw_errno, EACCES);
	}

	/* The sender still reads, but its writable mapping faults on write. */
	BXT_OK(bxb_info(bindox_conn_fd(e.c), bindox_buffer_id(b), &info));
	ck_assert_uint_eq(info.flags, BINDOX_BUF_SEALED);
	ck_assert_int_eq(bxb_access_signal(p, false), 0);
	ck_assert_uint_eq(p[SIZE / 2], 0x5E);
	ck_assert(faulted(bxb_access_signal(p, true)));
	ck_assert(faulted(bxb_access_signal(p + SIZE - 1, true)));
	ck_assert_int_eq(mprotect(p, SIZE, PROT_READ), 0);
	ck_assert_int_eq(mprotect(p, SIZE, PROT_READ | PROT_WRITE), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert(mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, bindox_conn_fd(e.c),
		       (off_t)bindox_buffer_id(b) * 4096) == MAP_FAILED);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(bypass_punch(p, SIZE), -EBADF);
	ck_assert_int_eq(bypass_remap(p, SIZE), -EACCES);
	ck_assert_uint_eq(p[SIZE / 2], 0x5E);
	/* Sharing again is fine; it stays sealed. */
	BXT_OK(bxb_call(e.c, e.h[0], BXB_INSPECT, 0, b, BINDOX_BUFFER_SHARE, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	ck_assert_uint_eq(rep.kept, 1);
	bindox_buffer_release(b);
	bxb_env_down_ck(&e);
}
END_TEST

typedef struct Sharer {
	BxbEnv *e;
	int k;
	BindoxBuffer *b;
	BxbReport rep;
	int r;
	pthread_t thread;
} Sharer;

static void *sharer_run(void *arg)
{
	Sharer *s = arg;

	s->r = bxb_call(s->e->c, s->e->h[s->k], BXB_INSPECT, 1, s->b, BINDOX_BUFFER_SHARE,
			&s->rep, NULL);
	return NULL;
}

START_TEST(share_from_two_threads_while_written)
{
	BindoxBuffer *b = NULL;
	Sharer sh[2];
	BxbReport again;
	BxbEnv e;
	uint8_t *p;
	pid_t writer;
	int status, k;

	bxb_env_up_ck(&e, 2);
	BXT_OK(bindox_buffer_alloc(e.c, SIZE, &b));
	p = bindox_buffer_data(b);
	writer = writer_start(p, 0, 1);

	/* Whichever share seals it, neither message leaves before the writer is out. */
	for (k = 0; k < 2; k++) {
		sh[k] = (Sharer){ .e = &e, .k = k, .b = b };
		ck_assert_int_eq(pthread_create(&sh[k].thread, NULL, sharer_run, &sh[k]), 0);
	}
	for (k = 0; k < 2; k++) {
		BXT_OK(bxt_join(sh[k].thread, BXT_LONG_MS, NULL));
		BXT_OK(sh[k].r);
		ck_assert_int_eq(sh[k].rep.status, 0);
	}
	status = bxt_waitpid(writer, BXT_LONG_MS);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS);
	ck_assert_uint_eq(sh[0].rep.sum, sh[1].rep.sum);
	bxt_sleep_ms(100);
	for (k = 0; k < 2; k++) {
		BXT_OK(bxb_call(e.c, e.h[k], BXB_RECHECK, 0, NULL, 0, &again, NULL));
		ck_assert_uint_eq(again.sum, sh[k].rep.sum);
	}
	bindox_buffer_release(b);
	bxb_env_down_ck(&e);
}
END_TEST

/* A process that was never handed a buffer: guessing ids gets it nothing. */
static int guesser(void *arg)
{
	uint32_t max_id = *(uint32_t *)arg, id;
	int fd = bxt_try_open(BXT_DEVICE);
	struct bindox_buffer_info info;

	BXT_CHILD_CHECK(fd >= 0);
	for (id = 0; id <= max_id + 16; id++) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, (off_t)id * 4096);

		BXT_CHILD_CHECK(p == MAP_FAILED && errno == EINVAL);
		BXT_CHILD_EQ(bxb_info(fd, id, &info), -EINVAL);
		info.id = id;
		info.flags = 0;
		BXT_CHILD_EQ(bxt_ioctl(fd, BINDOX_IOC_BUFFER_RELEASE, &info), -EINVAL);
	}
	close(fd);
	return 0;
}

START_TEST(ungranted_ids_are_refused)
{
	BindoxConn *c = bxt_conn_ck();
	BindoxBuffer *b[4];
	uint32_t max_id = 0;
	int i;

	for (i = 0; i < 4; i++) {
		BXT_OK(bindox_buffer_alloc(c, 64 * 1024, &b[i]));
		memset(bindox_buffer_data(b[i]), 0x77, 64 * 1024);
		if (bindox_buffer_id(b[i]) > max_id)
			max_id = bindox_buffer_id(b[i]);
	}
	bxt_reap_ck(bxt_spawn_ck(guesser, &max_id));
	/* Nor can the guesser's ids reach ours in a message: ids are per process. */
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(((uint8_t *)bindox_buffer_data(b[i]))[0], 0x77);
	for (i = 0; i < 4; i++)
		bindox_buffer_release(b[i]);
	bindox_conn_close(c);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(bad_objects_and_mappings_are_refused)
{
	BxtEnv e;
	BxtBuf m;
	struct bindox_buffer_alloc a = { .size = 4 * BXB_MIB };
	struct bindox_buffer_info info;
	const uint32_t bad_flags[] = { 0, BINDOX_BUF_MOVE | BINDOX_BUF_SHARE,
				       BINDOX_BUF_WRITABLE, BINDOX_BUF_MOVE | BINDOX_BUF_WRITABLE };
	void *p;
	size_t i;

	bxt_env_up_ck(&e, 0xBAD);
	BXT_OK(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_ALLOC, &a));
	ck_assert_uint_eq(a.size, 4 * BXB_MIB);
	ck_assert_uint_eq(a.offset, (uint64_t)a.id * 4096);

	for (i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		struct bindox_object *o;

		bxt_buf_init(&m);
		bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, a.id);
		o = (struct bindox_object *)(m.data + m.offs[0]);
		o->flags = bad_flags[i];
		BXT_ERR(bxt_send(e.cli, e.h, &m), EINVAL);
	}
	/* Reserved (size) set, unknown id, id 0. */
	bxt_buf_init(&m);
	bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, a.id);
	((struct bindox_object *)(m.data + m.offs[0]))->flags = BINDOX_BUF_SHARE;
	((struct bindox_object *)(m.data + m.offs[0]))->size = 4096;
	BXT_ERR(bxt_send(e.cli, e.h, &m), EINVAL);
	for (i = 0; i < 2; i++) {
		bxt_buf_init(&m);
		bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, i ? a.id + 1000 : 0);
		((struct bindox_object *)(m.data + m.offs[0]))->flags = BINDOX_BUF_MOVE;
		BXT_ERR(bxt_send(e.cli, e.h, &m), EINVAL);
	}
	/* The same buffer moved twice in one message. */
	bxt_buf_init(&m);
	bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, a.id);
	bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, a.id);
	((struct bindox_object *)(m.data + m.offs[0]))->flags = BINDOX_BUF_MOVE;
	((struct bindox_object *)(m.data + m.offs[1]))->flags = BINDOX_BUF_MOVE;
	BXT_ERR(bxt_send(e.cli, e.h, &m), EBUSY);
	/* None of that took the buffer away. */
	BXT_OK(bxb_info(e.cli, a.id, &info));
	ck_assert_uint_eq(info.flags, BINDOX_BUF_WRITABLE);

	/* Mappings: private, longer than the buffer, not from its start. */
	ck_assert(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, e.cli, (off_t)a.offset) == MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(mmap(NULL, a.size + 4096, PROT_READ, MAP_SHARED, e.cli, (off_t)a.offset) ==
		  MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(mmap(NULL, 4096, PROT_READ, MAP_SHARED, e.cli, (off_t)(a.offset + 4096)) ==
		  MAP_FAILED);
	/* A mapping cannot grow past the buffer either. */
	p = mmap(NULL, a.size, PROT_READ, MAP_SHARED, e.cli, (off_t)a.offset);
	ck_assert(p != MAP_FAILED);
	ck_assert(mremap(p, a.size, 2 * a.size, MREMAP_MAYMOVE) == MAP_FAILED);
	munmap(p, a.size);

	/* Release needs the reserved fields zero, and a known id. */
	memset(&info, 0, sizeof(info));
	info.id = a.id;
	info.size = 1;
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_RELEASE, &info), EINVAL);
	info.size = 0;
	BXT_OK(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_RELEASE, &info));
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_RELEASE, &info), EINVAL);
	/* Allocation: size 0, flags set. */
	memset(&a, 0, sizeof(a));
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_ALLOC, &a), EINVAL);
	a.size = 4096;
	a.flags = 1;
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_ALLOC, &a), EINVAL);
	bxt_env_down_ck(&e);
}
END_TEST

START_TEST(failed_move_gives_the_buffer_back)
{
	struct bindox_buffer_info info;
	BindoxMsg *m = NULL, *r = NULL;
	BindoxBuffer *b = NULL;
	BxbEnv e;
	uint8_t *p;

	bxb_env_up_ck(&e, 1);
	BXT_OK(bindox_buffer_alloc(e.c, SIZE, &b));
	p = bindox_buffer_data(b);
	memset(p, 0x12, SIZE);
	BXT_OK(bindox_msg_new(&m));
	BXT_OK(bindox_msg_new(&r));
	BXT_OK(bindox_msg_append_buffer(m, b, BINDOX_BUFFER_MOVE));

	/* The Coordinator takes no buffers: refused before it is queued. */
	BXT_ERR(bindox_call(e.c, BINDOX_HANDLE_COORDINATOR, m, r, BXT_LONG_NS), EINVAL);
	BXT_OK(bxb_info(bindox_conn_fd(e.c), bindox_buffer_id(b), &info));
	ck_assert_uint_eq(info.flags, BINDOX_BUF_WRITABLE);
	/* Its mapping was revoked for the attempt and works again. */
	p[0] = 0x13;
	ck_assert_uint_eq(p[SIZE - 1], 0x12);

	/* A dead peer: the same. */
	bxb_server_kill_ck(&e.srv[0]);
	BXT_ERR(bindox_call(e.c, e.h[0], m, r, BXT_LONG_NS), BINDOX_EDEADPEER);
	BXT_ERR(bindox_send_oneway(e.c, e.h[0], m), BINDOX_EDEADPEER);
	BXT_OK(bxb_info(bindox_conn_fd(e.c), bindox_buffer_id(b), &info));
	ck_assert_uint_eq(info.flags, BINDOX_BUF_WRITABLE);
	memset(p, 0x14, SIZE);

	bindox_msg_free(m);
	bindox_msg_free(r);
	bindox_buffer_release(b);
	bxb_env_down_ck(&e);
}
END_TEST

START_TEST(release_revokes_the_mapping)
{
	struct bindox_buffer_alloc a = { .size = SIZE };
	struct bindox_buffer_info info = { 0 };
	uint64_t pfn_p[BXB_PROBES], pfn_q[BXB_PROBES];
	int fd = bxt_open_ck(), i;
	uint8_t *p, *q;

	BXT_OK(bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a));
	p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)a.offset);
	q = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, (off_t)a.offset);
	ck_assert(p != MAP_FAILED && q != MAP_FAILED);
	memset(p, 0x21, SIZE);
	ck_assert_uint_eq(q[SIZE - 1], 0x21);
	bxb_probe_pfns(p, SIZE, pfn_p);
	bxb_probe_pfns(q, SIZE, pfn_q);
	for (i = 0; i < BXB_PROBES; i++)
		ck_assert_uint_eq(pfn_p[i], pfn_q[i]);

	info.id = a.id;
	BXT_OK(bxt_ioctl(fd, BINDOX_IOC_BUFFER_RELEASE, &info));
	/* Both mappings fault from now on; the memory goes with them. */
	ck_assert(faulted(bxb_access_signal(q, false)));
	ck_assert(faulted(bxb_access_signal(p + SIZE - 1, true)));
	BXT_ERR(bxb_info(fd, a.id, &info), EINVAL);
	munmap(p, SIZE);
	munmap(q, SIZE);
	close(fd);
	bxt_assert_no_leaks();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buffer");
	TCase *tc = bxt_tcase(s, "buffer");

	tcase_add_test(tc, alloc_is_zeroed_and_writable);
	tcase_add_test(tc, move_is_zero_copy_and_revokes_the_sender);
	tcase_add_test(tc, move_sender_cannot_change_what_receiver_reads);
	tcase_add_test(tc, share_seals_for_everyone);
	tcase_add_test(tc, share_from_two_threads_while_written);
	tcase_add_test(tc, ungranted_ids_are_refused);
	tcase_add_test(tc, bad_objects_and_mappings_are_refused);
	tcase_add_test(tc, failed_move_gives_the_buffer_back);
	tcase_add_test(tc, release_revokes_the_mapping);
	return bxt_run(s);
}
