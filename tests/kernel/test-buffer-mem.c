/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory of Mapping Delivery buffers: per-process, per-domain and id-count
 * quotas (EDQUOT/ENOSPC/ENOMEM, nothing leaked), the charge to the
 * allocating process's memory cgroup, release when holders die (buffers in
 * flight, buffers that outlive their allocator), and the page fault counts
 * of a large buffer (BXT_BUFFER_MIB, default 256 MiB), which 2 MiB pages
 * keep in the hundreds rather than tens of thousands.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

/* The module's defaults (module/buffer.c, user.c, hold.c). */
#define DEFAULT_PROC_BYTES (4UL << 30)
#define DEFAULT_USER_BYTES (8UL << 30)
#define DEFAULT_DOMAIN_BYTES (16UL << 30)
#define DEFAULT_MAX_BUFFERS 4096UL

static void params_default(void)
{
	bxb_param_set_ck("max_proc_buffer_bytes", DEFAULT_PROC_BYTES);
	bxb_param_set_ck("max_user_buffer_bytes", DEFAULT_USER_BYTES);
	bxb_param_set_ck("max_domain_buffer_bytes", DEFAULT_DOMAIN_BYTES);
	bxb_param_set_ck("max_buffers", DEFAULT_MAX_BUFFERS);
}

static BxtCounters counters_ck(void)
{
	BxtCounters c;

	BXT_OK(bxt_counters_read(&c));
	return c;
}

START_TEST(quota_per_process)
{
	BindoxBuffer *a = NULL, *b = NULL, *x = NULL;
	BindoxConn *c, *c2 = bxt_conn_ck();
	BxbReport rep;
	BxbEnv e;

	bxb_env_up_ck(&e, 1);
	c = e.c;
	bxb_param_set_ck("max_proc_buffer_bytes", 8 * BXB_MIB);

	BXT_ERR(bindox_buffer_alloc(c, 8 * BXB_MIB + 1, &x), EDQUOT);
	BXT_OK(bindox_buffer_alloc(c, 6 * BXB_MIB, &a));
	BXT_OK(bindox_buffer_alloc(c, 2 * BXB_MIB, &b));
	BXT_ERR(bindox_buffer_alloc(c, 1, &x), EDQUOT);
	ck_assert_int_eq(counters_ck().buffer_bytes, 8 * BXB_MIB);
	/* Each open file has a quota of its own. */
	BXT_OK(bindox_buffer_alloc(c2, 8 * BXB_MIB, &x));
	bindox_buffer_release(x);

	/* The allocator pays while the buffer lives, wherever it went. */
	BXT_OK(bxb_call(c, e.h[0], BXB_INSPECT, 1, a, BINDOX_BUFFER_MOVE, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	bindox_buffer_release(a);
	BXT_ERR(bindox_buffer_alloc(c, 4096, &x), EDQUOT);
	BXT_OK(bxb_call(c, e.h[0], BXB_DROP, 0, NULL, 0, &rep, NULL));
	ck_assert_int_eq(rep.kept, 0);
	BXT_OK(bindox_buffer_alloc(c, 6 * BXB_MIB, &a));
	ck_assert_int_eq(counters_ck().buffer_bytes, 8 * BXB_MIB);

	bindox_buffer_release(a);
	bindox_buffer_release(b);
	bindox_conn_close(c2);
	bxb_env_down_ck(&e);
}
END_TEST

START_TEST(quota_per_domain)
{
	BindoxConn *c1 = bxt_conn_ck(), *c2 = bxt_conn_ck();
	BindoxBuffer *a = NULL, *b = NULL, *x = NULL;

	bxb_param_set_ck("max_proc_buffer_bytes", 8 * BXB_MIB);
	bxb_param_set_ck("max_domain_buffer_bytes", 12 * BXB_MIB);
	BXT_OK(bindox_buffer_alloc(c1, 8 * BXB_MIB, &a));
	BXT_ERR(bindox_buffer_alloc(c2, 8 * BXB_MIB, &x), EDQUOT);
	BXT_OK(bindox_buffer_alloc(c2, 4 * BXB_MIB, &b));
	BXT_ERR(bindox_buffer_alloc(c2, 4096, &x), EDQUOT);
	ck_assert_int_eq(counters_ck().buffers, 2);
	ck_assert_int_eq(counters_ck().buffer_bytes, 12 * BXB_MIB);

	/* The first process goes: its buffer with it, and its share of the quota. */
	bindox_buffer_release(a);
	bindox_conn_close(c1);
	BXT_OK(bindox_buffer_alloc(c2, 4 * BXB_MIB, &x));
	bindox_buffer_release(x);
	bindox_buffer_release(b);
	bindox_conn_close(c2);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(quota_on_ids_and_memory)
{
	struct bindox_buffer_alloc big = { .size = 64ULL << 30 };
	struct bindox_buffer_alloc a = { .size = 4096 }, a2 = { .size = 4096 };
	struct bindox_buffer_info info = { 0 };
	BxtEnv e;
	BxtBuf m;

	bxt_env_up_ck(&e, 0x1D5);
	bxb_param_set_ck("max_proc_buffer_bytes", 128UL << 30);
	bxb_param_set_ck("max_user_buffer_bytes", 128UL << 30);
	bxb_param_set_ck("max_domain_buffer_bytes", 128UL << 30);
	/* Far more than the machine has: refused up front, nothing left over. */
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_ALLOC, &big), ENOMEM);
	ck_assert_int_eq(counters_ck().buffers, 0);
	ck_assert_int_eq(counters_ck().buffer_bytes, 0);

	/* One id per process: a second is refused, also on receive. */
	bxb_param_set_ck("max_buffers", 1);
	BXT_OK(bxt_ioctl(e.srv, BINDOX_IOC_BUFFER_ALLOC, &a));
	BXT_OK(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_ALLOC, &a2));
	BXT_ERR(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_ALLOC, &big), ENOSPC);
	bxt_buf_init(&m);
	bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, a2.id);
	((struct bindox_object *)(m.data + m.offs[0]))->flags = BINDOX_BUF_MOVE;
	BXT_OK(bxt_send(e.cli, e.h, &m));
	bxt_buf_init(&m);
	BXT_ERR(bxt_recv(e.srv, &m, NULL, 0), ENOSPC);
	/* Refused, so that it blocks nobody: the moved buffer is gone. */
	ck_assert_int_eq(bxt_state_queued(), 0);
	ck_assert_int_eq(counters_ck().buffers, 1);
	info.id = a.id;
	BXT_OK(bxt_ioctl(e.srv, BINDOX_IOC_BUFFER_RELEASE, &info));
	/* With room, the next one arrives. */
	info.id = a2.id;
	BXT_OK(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_RELEASE, &info));
	BXT_OK(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_ALLOC, &a2));
	bxt_buf_init(&m);
	bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, a2.id);
	((struct bindox_object *)(m.data + m.offs[0]))->flags = BINDOX_BUF_MOVE;
	BXT_OK(bxt_send(e.cli, e.h, &m));
	bxt_buf_init(&m);
	BXT_OK(bxt_recv(e.srv, &m, NULL, 0));
	ck_assert_uint_eq(bxt_buf_obj_at(&m, 0).type, BINDOX_OBJ_BUFFER);
	ck_assert_uint_eq(bxt_buf_obj_at(&m, 0).size, 4096);
	ck_assert_uint_eq(bxt_buf_obj_at(&m, 0).flags, BINDOX_BUF_MOVE | BINDOX_BUF_WRITABLE);
	bxt_env_down_ck(&e);
}
END_TEST

/* The memory cgroup v2 hierarchy of the guest, or NULL. */
static const char *memcg_root(void)
{
	static const char root[] = "/sys/fs/cgroup";
	char buf[256] = "";
	FILE *f = fopen("/sys/fs/cgroup/cgroup.controllers", "re");

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strstr(buf, "memory") ? root : NULL;
}

static long cg_read(const char *dir, const char *file)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &v) != 1)
		v = -EBADMSG;
	fclose(f);
	return v;
}

static int cg_write(const char *dir, const char *file, const char *value)
{
	char path[256];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fputs(value, f) < 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

typedef struct Charged {
	char dir[128];
	int go[2];	/* parent -> child: 1 allocate, 2 release, 3 exit */
	int done[2];	/* child -> parent: step done */
} Charged;

/* In the cgroup: allocate 32 MiB, then release it, at the parent's word. */
static int charged_child(void *arg)
{
	Charged *ch = arg;
	char pid[32];
	BindoxConn *c = NULL;
	BindoxBuffer *b = NULL;
	uint64_t cmd;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	BXT_CHILD_EQ(cg_write(ch->dir, "cgroup.procs", pid), 0);
	BXT_CHILD_EQ(bindox_conn_open(BXT_DEVICE, &c), 0);
	bxt_put(ch->done[1], 1);
	while (bxt_get(ch->go[0], &cmd, -1) == 0) {
		if (cmd == 1)
			BXT_CHILD_EQ(bindox_buffer_alloc(c, 32 * BXB_MIB, &b), 0);
		else if (cmd == 2)
			bindox_buffer_release(b);
		else
			break;
		bxt_put(ch->done[1], cmd);
	}
	bindox_conn_close(c);
	return 0;
}

START_TEST(memory_is_charged_to_the_allocators_cgroup)
{
	const char *root = memcg_root();
	long before, after, released;
	Charged ch;
	pid_t pid;

	ck_assert_msg(root, "no cgroup2 memory controller at /sys/fs/cgroup");
	/* Enabling a controller that is on already is fine. */
	BXT_OK(cg_write(root, "cgroup.subtree_control", "+memory"));
	snprintf(ch.dir, sizeof(ch.dir), "%s/bxt-buffer-%d", root, (int)getpid());
	ck_assert_int_eq(mkdir(ch.dir, 0755), 0);
	bxt_pipe_ck(ch.go);
	bxt_pipe_ck(ch.done);
	pid = bxt_spawn_ck(charged_child, &ch);
	ck_assert_uint_eq(bxt_get_ck(ch.done[0]), 1);

	before = cg_read(ch.dir, "memory.current");
	ck_assert_int_ge(before, 0);
	bxt_put(ch.go[1], 1);
	ck_assert_uint_eq(bxt_get_ck(ch.done[0]), 1);
	after = cg_read(ch.dir, "memory.current");
	ck_assert_msg(after - before >= (long)(32 * BXB_MIB),
		      "memory.current grew by %ld bytes for a 32 MiB buffer", after - before);
	bxt_put(ch.go[1], 2);
	ck_assert_uint_eq(bxt_get_ck(ch.done[0]), 2);
	released = cg_read(ch.dir, "memory.current");
	ck_assert_msg(after - released >= (long)(30 * BXB_MIB),
		      "memory.current only fell by %ld bytes after the release",
		      after - released);
	fprintf(stderr, "memcg: before %ld, with a 32 MiB buffer %ld, released %ld bytes\n",
		before, after, released);

	bxt_put(ch.go[1], 3);
	bxt_reap_ck(pid);
	ck_assert_int_eq(rmdir(ch.dir), 0);
	bxt_assert_no_leaks();
}
END_TEST

typedef struct Sender {
	char name[64];
	int done[2];
} Sender;

/* Allocate two buffers, move one to the server, then wait to be killed. */
static int sender_child(void *arg)
{
	Sender *s = arg;
	BindoxBuffer *keep = NULL, *moved = NULL;
	BindoxConn *c = NULL;
	BxbReport rep;
	uint32_t h = 0;

	BXT_CHILD_EQ(bindox_conn_open(BXT_DEVICE, &c), 0);
	BXT_CHILD_EQ(bxt_lookup(bindox_conn_fd(c), s->name, &h), 0);
	BXT_CHILD_EQ(bindox_buffer_alloc(c, 16 * BXB_MIB, &keep), 0);
	BXT_CHILD_EQ(bindox_buffer_alloc(c, 8 * BXB_MIB, &moved), 0);
	memset(bindox_buffer_data(keep), 0x0C, 16 * BXB_MIB);
	memset(bindox_buffer_data(moved), 0x0D, 8 * BXB_MIB);
	BXT_CHILD_EQ(bxb_call(c, h, BXB_INSPECT, 1, moved, BINDOX_BUFFER_MOVE, &rep, NULL), 0);
	BXT_CHILD_EQ(rep.status, 0);
	BXT_CHILD_EQ(rep.byte[0], 0x0D);
	bxt_put(s->done[1], rep.sum);
	for (;;)
		pause();
}

START_TEST(buffers_go_when_holders_die)
{
	struct bindox_buffer_alloc a = { .size = 4 * BXB_MIB };
	uint64_t sum;
	BxbReport rep;
	BxbEnv be;
	Sender s;
	BxtEnv e;
	BxtBuf m;
	pid_t pid;
	int i;

	/* A buffer outlives its allocator while someone else holds it. */
	bxb_env_up_ck(&be, 1);
	memcpy(s.name, be.srv[0].name, sizeof(s.name));
	bxt_pipe_ck(s.done);
	pid = bxt_spawn_ck(sender_child, &s);
	sum = bxt_get_ck(s.done[0]);
	ck_assert_int_eq(counters_ck().buffers, 2);
	bxt_kill_ck(pid);
	for (i = 0; i < 500 && counters_ck().buffers != 1; i++)
		bxt_sleep_ms(10);
	ck_assert_int_eq(counters_ck().buffers, 1);
	ck_assert_int_eq(counters_ck().buffer_bytes, 8 * BXB_MIB);
	BXT_OK(bxb_call(be.c, be.h[0], BXB_RECHECK, 0, NULL, 0, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	ck_assert_uint_eq(rep.sum, sum);
	ck_assert_uint_eq(rep.byte[2], 0x0D);
	BXT_OK(bxb_call(be.c, be.h[0], BXB_DROP, 0, NULL, 0, &rep, NULL));
	ck_assert_int_eq(counters_ck().buffers, 0);
	bxb_env_down_ck(&be);

	/* A buffer in a message nobody receives goes with the receiver. */
	bxt_env_up_ck(&e, 0xD1E);
	BXT_OK(bxt_ioctl(e.cli, BINDOX_IOC_BUFFER_ALLOC, &a));
	bxt_buf_init(&m);
	bxt_buf_obj(&m, BINDOX_OBJ_BUFFER, a.id);
	((struct bindox_object *)(m.data + m.offs[0]))->flags = BINDOX_BUF_MOVE;
	BXT_OK(bxt_send(e.cli, e.h, &m));
	close(e.srv);
	e.srv = -1;
	/* The sender keeps only the moved id, until its file goes. */
	ck_assert_int_eq(counters_ck().buffers, 0);
	ck_assert_int_eq(counters_ck().buffer_ids, 1);
	bxt_env_down_ck(&e);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(large_buffer_fault_counts)
{
	const char *env = getenv("BXT_BUFFER_MIB");
	size_t mib = env ? strtoul(env, NULL, 10) : 256, size = mib * BXB_MIB;
	/* At most two faults per 2 MiB page, plus slack for the test itself. */
	long limit = (long)(size / (2 * BXB_MIB)) * 2 + 64, small = (long)(size / 4096);
	BindoxBuffer *b = NULL, *back = NULL;
	int64_t t0, t_alloc, t_fill;
	long f0, f_map, f_back, f_fill, f_again;
	BxbReport rep;
	BxbEnv e;

	bxb_env_up_ck(&e, 1);
	/* The library maps with BINDOX_IOC_BUFFER_MAP: the driver's faults. */
	f0 = bxb_minflt();
	t0 = bxt_now_ns();
	BXT_OK(bindox_buffer_alloc(e.c, size, &b));
	t_alloc = bxt_now_ns() - t0;
	f_map = bxb_minflt() - f0;

	f0 = bxb_minflt();
	t0 = bxt_now_ns();
	memset(bindox_buffer_data(b), 0xA1, size);
	t_fill = bxt_now_ns() - t0;
	f_fill = bxb_minflt() - f0;

	f0 = bxb_minflt();
	BXT_OK(bxb_call(e.c, e.h[0], BXB_FILL_RETURN, 0xA2, b, BINDOX_BUFFER_MOVE, &rep, &back));
	f_back = bxb_minflt() - f0;
	ck_assert_int_eq(rep.status, 0);
	ck_assert_ptr_nonnull(back);
	bindox_buffer_release(b);
	f0 = bxb_minflt();
	memset(bindox_buffer_data(back), 0xA3, size);
	f_again = bxb_minflt() - f0;

	fprintf(stderr,
		"fault counts for a %zu MiB buffer (4 KiB pages would take %ld each): "
		"mapping it at allocation %ld, sender writes all %ld, receiver writes all "
		"%lld, mapping it back (the round trip) %ld, sender writes all again %ld; "
		"alloc %.1f ms, first fill %.1f ms\n",
		mib, small, f_map, f_fill, (long long)rep.faults, f_back, f_again,
		t_alloc / 1e6, t_fill / 1e6);
	ck_assert_msg(f_map <= limit, "%ld faults mapping the buffer", f_map);
	ck_assert_msg(f_back <= limit, "%ld faults for the round trip", f_back);
	ck_assert_msg(f_fill <= limit, "%ld faults for the sender's fill", f_fill);
	ck_assert_msg(rep.faults <= limit, "%lld faults for the receiver's fill",
		      (long long)rep.faults);
	ck_assert_msg(f_again <= limit, "%ld faults for the second fill", f_again);

	/* A read-only receiver: reading all of it costs as little. */
	BXT_OK(bxb_call(e.c, e.h[0], BXB_INSPECT, 0, back, BINDOX_BUFFER_SHARE, &rep, NULL));
	ck_assert_int_eq(rep.status, 0);
	ck_assert_uint_eq(rep.byte[2], 0xA3);
	fprintf(stderr, "a sealed %zu MiB buffer: the receiver read all of it with %lld faults\n",
		mib, (long long)rep.faults);
	ck_assert_msg(rep.faults <= limit, "%lld faults for the reader", (long long)rep.faults);

	bindox_buffer_release(back);
	bxb_env_down_ck(&e);
}
END_TEST

static void setup_params(void)
{
	params_default();
}

int main(void)
{
	Suite *s = suite_create("buffer-mem");
	TCase *tc = bxt_tcase(s, "buffer-mem");
	int r;

	/* Each test starts from the defaults, even after one that failed. */
	tcase_add_checked_fixture(tc, setup_params, NULL);
	tcase_add_test(tc, quota_per_process);
	tcase_add_test(tc, quota_per_domain);
	tcase_add_test(tc, quota_on_ids_and_memory);
	tcase_add_test(tc, memory_is_charged_to_the_allocators_cgroup);
	tcase_add_test(tc, buffers_go_when_holders_die);
	tcase_add_test(tc, large_buffer_fault_counts);
	r = bxt_run(s);
	bxb_param_set("max_proc_buffer_bytes", DEFAULT_PROC_BYTES);
	bxb_param_set("max_user_buffer_bytes", DEFAULT_USER_BYTES);
	bxb_param_set("max_domain_buffer_bytes", DEFAULT_DOMAIN_BYTES);
	bxb_param_set("max_buffers", DEFAULT_MAX_BUFFERS);
	return r;
}
