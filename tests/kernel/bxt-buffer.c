/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Support of the buffer tests: see bxt-buffer.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bxt.h"
#include "bxt-buffer.h"

#define PAGEMAP_PRESENT (1ULL << 63)
#define PAGEMAP_PFN_MASK ((1ULL << 55) - 1)
#define SERVER_COOKIE 0xB0FFE2ULL
#define SERVER_KEEP_MAX 16

uint64_t bxb_pfn(const void *p)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t entry = 0;
	off_t at = (off_t)((uintptr_t)p / (uintptr_t)page) * (off_t)sizeof(entry);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, &entry, sizeof(entry), at);
	close(fd);
	if (n != (ssize_t)sizeof(entry) || !(entry & PAGEMAP_PRESENT))
		return 0;
	return entry & PAGEMAP_PFN_MASK;
}

long bxb_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

size_t bxb_probe_offset(size_t size, int i)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	switch (i) {
	case 0:
		return 0;
	case 1:
		return size / 2 / page * page;
	default:
		return size - page;
	}
}

void bxb_probe_pfns(const void *p, size_t size, uint64_t pfn[BXB_PROBES])
{
	int i;

	for (i = 0; i < BXB_PROBES; i++) {
		const volatile uint8_t *q = (const uint8_t *)p + bxb_probe_offset(size, i);

		(void)*q;
		pfn[i] = bxb_pfn((const void *)q);
	}
}

uint64_t bxb_touch(const void *p, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), off;
	uint64_t sum = 0;

	for (off = 0; off < size; off += page)
		sum += ((const volatile uint8_t *)p)[off];
	return sum;
}

uint64_t bxb_sum(const void *p, size_t size)
{
	const volatile uint64_t *w = p;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < size / sizeof(*w); i++)
		sum += w[i];
	return sum;
}

int bxb_access_signal(void *p, bool write)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		if (write)
			*(volatile uint8_t *)p = 0x5A;
		else
			(void)*(volatile uint8_t *)p;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return WTERMSIG(status);
	return WEXITSTATUS(status) == 0 ? 0 : -EPROTO;
}

int bxb_info(int fd, uint32_t id, struct bindox_buffer_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = id;
	return bxt_ioctl(fd, BINDOX_IOC_BUFFER_INFO, info);
}

/* ---- the server ---- */

typedef struct Server {
	BxbServer *pub;
	BindoxConn *conn;
	BindoxBuffer *kept[SERVER_KEEP_MAX];
	int n_kept;
} Server;

#define REPORT_FAIL(rep, err)                                                    \
	do {                                                                     \
		(rep)->status = (err);                                           \
		(rep)->line = __LINE__;                                          \
	} while (0)

/* What a holder sees of a received buffer: content, frames, rights. */
static void server_inspect(Server *s, BindoxBuffer *b, BxbReport *rep)
{
	struct bindox_buffer_info info;
	uint8_t *p = bindox_buffer_data(b);
	size_t size = bindox_buffer_size(b);
	long page = sysconf(_SC_PAGESIZE);
	void *q;
	int i, r;
	long f0;

	rep->writable = bindox_buffer_writable(b);
	rep->size = size;
	r = bxb_info(bindox_conn_fd(s->conn), bindox_buffer_id(b), &info);
	if (r < 0) {
		REPORT_FAIL(rep, r);
		return;
	}
	rep->info_flags = info.flags;
	f0 = bxb_minflt();
	(void)bxb_touch(p, size);
	rep->faults = bxb_minflt() - f0;
	rep->sum = bxb_sum(p, size);
	for (i = 0; i < BXB_PROBES; i++)
		rep->byte[i] = p[bxb_probe_offset(size, i)];
	bxb_probe_pfns(p, size, rep->pfn);
	if (!rep->writable) {
		rep->write_signal = bxb_access_signal(p, true);
		rep->mprotect_errno = mprotect(p, size, PROT_READ | PROT_WRITE) ? errno : 0;
		q = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, bindox_conn_fd(s->conn),
			 (off_t)bindox_buffer_id(b) * page);
		rep->mmap_rw_errno = q == MAP_FAILED ? errno : 0;
		if (q != MAP_FAILED)
			munmap(q, size);
	}
}

/* Fill a buffer that was moved here with @byte. */
static void server_fill(BindoxBuffer *b, uint8_t byte, BxbReport *rep)
{
	uint8_t *p = bindox_buffer_data(b);
	size_t size = bindox_buffer_size(b);
	long f0;
	int i;

	rep->writable = bindox_buffer_writable(b);
	rep->size = size;
	if (!rep->writable) {
		REPORT_FAIL(rep, -EACCES);
		return;
	}
	for (i = 0; i < BXB_PROBES; i++)
		rep->byte[i] = p[bxb_probe_offset(size, i)];
	f0 = bxb_minflt();
	memset(p, byte, size);
	rep->faults = bxb_minflt() - f0;
	bxb_probe_pfns(p, size, rep->pfn);
}

/* Look at a kept buffer again: has it changed? */
static void server_recheck(Server *s, BxbReport *rep)
{
	uint8_t *p;
	size_t size;
	int i;

	if (s->n_kept == 0) {
		REPORT_FAIL(rep, -ENOENT);
		return;
	}
	p = bindox_buffer_data(s->kept[0]);
	size = bindox_buffer_size(s->kept[0]);
	rep->size = size;
	rep->sum = bxb_sum(p, size);
	for (i = 0; i < BXB_PROBES; i++)
		rep->byte[i] = p[bxb_probe_offset(size, i)];
}

static void server_drop(Server *s)
{
	while (s->n_kept > 0)
		bindox_buffer_release(s->kept[--s->n_kept]);
}

/*
 * Handle one call: fill @reply. *@release is a buffer to release once the
 * reply is out (it was moved back in it).
 */
static void server_handle(Server *s, BindoxMsg *req, BindoxMsg *reply, BindoxBuffer **release)
{
	BxbReport rep = { 0 };
	BindoxBuffer *b = NULL;
	uint32_t cmd = 0, arg = 0;
	int r;

	bindox_msg_reset(reply);
	r = bindox_msg_read_u32(req, &cmd);
	if (r == 0)
		r = bindox_msg_read_u32(req, &arg);
	if (r == 0 && cmd != BXB_DROP && cmd != BXB_RECHECK)
		r = bindox_msg_get_buffer(req, 0, &b);
	if (r < 0) {
		REPORT_FAIL(&rep, r);
		goto out;
	}
	switch (cmd) {
	case BXB_INSPECT:
		server_inspect(s, b, &rep);
		if (arg && s->n_kept < SERVER_KEEP_MAX) {
			s->kept[s->n_kept++] = b;
			b = NULL;
		}
		break;
	case BXB_FILL_RETURN:
		server_fill(b, (uint8_t)arg, &rep);
		break;
	case BXB_DROP:
		server_drop(s);
		break;
	case BXB_RECHECK:
		server_recheck(s, &rep);
		break;
	default:
		REPORT_FAIL(&rep, -EINVAL);
		break;
	}
out:
	rep.kept = s->n_kept;
	r = bindox_msg_append_bytes(reply, &rep, sizeof(rep));
	if (r == 0 && cmd == BXB_FILL_RETURN && rep.status == 0)
		r = bindox_msg_append_buffer(reply, b, BINDOX_BUFFER_MOVE);
	*release = b;
}

static int server_child(void *arg)
{
	Server s = { .pub = arg };
	BindoxBuffer *release = NULL;
	BindoxMsg *req = NULL, *reply = NULL;
	uint64_t id = 0;

	BXT_CHILD_EQ(bindox_conn_open(BXT_DEVICE, &s.conn), 0);
	BXT_CHILD_EQ(bindox_msg_new(&req), 0);
	BXT_CHILD_EQ(bindox_msg_new(&reply), 0);
	BXT_CHILD_EQ(bxt_register(bindox_conn_fd(s.conn), s.pub->name, SERVER_COOKIE), 0);
	bxt_put(s.pub->rep[1], 1);
	for (;;) {
		int r = bindox_reply_recv(s.conn, &id, reply, req, -1);

		/* The reply went out (id is 0 again): its moved buffer is gone. */
		if (id == 0 && release) {
			bindox_buffer_release(release);
			release = NULL;
		}
		BXT_CHILD_EQ(r, 0);
		if (bindox_msg_get_type(req) != BINDOX_MSG_CALL)
			continue;
		id = bindox_msg_get_id(req);
		server_handle(&s, req, reply, &release);
	}
}

void bxb_server_start_ck(BxbServer *s)
{
	memset(s, 0, sizeof(*s));
	bxt_unique_name(s->name, sizeof(s->name), "buf");
	bxt_pipe_ck(s->rep);
	s->pid = bxt_spawn_ck(server_child, s);
	close(s->rep[1]);
	ck_assert_uint_eq(bxt_get_ck(s->rep[0]), 1);
}

void bxb_server_kill_ck(BxbServer *s)
{
	bxt_kill_ck(s->pid);
	s->pid = 0;
	close(s->rep[0]);
}

void bxb_env_up_ck(BxbEnv *e, int n_servers)
{
	int i;

	ck_assert_int_le(n_servers, BXB_SERVERS_MAX);
	memset(e, 0, sizeof(*e));
	e->coord = bxt_coord_spawn_ck();
	e->c = bxt_conn_ck();
	e->n = n_servers;
	for (i = 0; i < n_servers; i++) {
		bxb_server_start_ck(&e->srv[i]);
		BXT_OK(bxt_lookup(bindox_conn_fd(e->c), e->srv[i].name, &e->h[i]));
	}
}

void bxb_env_down_ck(BxbEnv *e)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (e->srv[i].pid > 0)
			bxb_server_kill_ck(&e->srv[i]);
	bindox_conn_close(e->c);
	bxt_coord_kill_ck(e->coord);
	bxt_assert_no_leaks();
}

int bxb_call(BindoxConn *c, uint32_t h, uint32_t cmd, uint32_t arg, BindoxBuffer *b,
	     uint32_t mode, BxbReport *rep, BindoxBuffer **back)
{
	BindoxMsg *req = NULL, *reply = NULL;
	const void *data;
	int r;

	if (back)
		*back = NULL;
	r = bindox_msg_new(&req);
	if (r == 0)
		r = bindox_msg_new(&reply);
	if (r == 0)
		r = bindox_msg_append_u32(req, cmd);
	if (r == 0)
		r = bindox_msg_append_u32(req, arg);
	if (r == 0 && b)
		r = bindox_msg_append_buffer(req, b, mode);
	if (r == 0)
		r = bindox_call(c, h, req, reply, BXT_LONG_NS);
	if (r == 0)
		r = bindox_msg_read_bytes(reply, sizeof(*rep), &data);
	if (r == 0)
		memcpy(rep, data, sizeof(*rep));
	if (r == 0 && back && bindox_msg_get_n_objects(reply) == 1)
		r = bindox_msg_get_buffer(reply, 0, back);
	bindox_msg_free(reply);
	bindox_msg_free(req);
	return r;
}

/* ---- module parameters ---- */

unsigned long bxb_param_get_ck(const char *name)
{
	char path[128];
	unsigned long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/bindox/parameters/%s", name);
	f = fopen(path, "re");
	ck_assert_msg(f, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fscanf(f, "%lu", &v), 1);
	fclose(f);
	return v;
}

int bxb_param_set(const char *name, unsigned long value)
{
	char path[128];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "/sys/module/bindox/parameters/%s", name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fprintf(f, "%lu\n", value) < 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

void bxb_param_set_ck(const char *name, unsigned long value)
{
	int r = bxb_param_set(name, value);

	ck_assert_msg(r == 0, "setting %s: %s", name, bxt_errname(r));
}
