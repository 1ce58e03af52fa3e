/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared support of the in-guest kernel tests; see bxt.h.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bxt.h"
#include "test-coordinator.h"

const char *bxt_errname(int err)
{
	const char *s;

	if (err == 0)
		return "0";
	if (err < 0)
		err = -err;
	s = strerrorname_np(err);
	return s ? s : "unknown errno";
}

/* ---- Check glue ---- */

TCase *bxt_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, BXT_TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, bxt_setup, NULL);
	suite_add_tcase(s, tc);
	return tc;
}

int bxt_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	/* One line per test in the VM's logs, unless CK_VERBOSITY says otherwise. */
	srunner_run_all(sr, getenv("CK_VERBOSITY") ? CK_ENV : CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void bxt_setup(void)
{
	BxtCounters c = { 0 };
	int64_t end = bxt_now_ns() + 10 * BXT_SEC;
	struct stat st;
	int r;

	/* A child that dies early must not kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	ck_assert_msg(stat(BXT_DEVICE, &st) == 0 && S_ISCHR(st.st_mode),
		      BXT_DEVICE " missing: is bindox.ko loaded? (run in the VM)");
	for (;;) {
		r = bxt_counters_read(&c);
		ck_assert_msg(r == 0, "cannot read " BXT_COUNTERS ": %s", bxt_errname(r));
		if (bxt_counters_zero(&c))
			return;
		if (bxt_now_ns() > end)
			break;
		bxt_sleep_ms(20);
	}
	ck_abort_msg("objects left over before the test: procs %ld nodes %ld handles %ld "
		     "transactions %ld deaths %ld buffers %ld buffer_ids %ld buffer_bytes %ld",
		     c.procs, c.nodes, c.handles, c.transactions, c.deaths, c.buffers,
		     c.buffer_ids, c.buffer_bytes);
}

/* ---- counters and state ---- */

int bxt_counters_read(BxtCounters *c)
{
	char name[64];
	long v;
	FILE *f;
	int n = 0;

	memset(c, 0, sizeof(*c));
	f = fopen(BXT_COUNTERS, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %ld", name, &v) == 2) {
		n++;
		if (!strcmp(name, "procs"))
			c->procs = v;
		else if (!strcmp(name, "nodes"))
			c->nodes = v;
		else if (!strcmp(name, "handles"))
			c->handles = v;
		else if (!strcmp(name, "transactions"))
			c->transactions = v;
		else if (!strcmp(name, "deaths"))
			c->deaths = v;
		else if (!strcmp(name, "buffers"))
			c->buffers = v;
		else if (!strcmp(name, "buffer_ids"))
			c->buffer_ids = v;
		else if (!strcmp(name, "buffer_bytes"))
			c->buffer_bytes = v;
	}
	fclose(f);
	return n == 8 ? 0 : -EBADMSG;
}

bool bxt_counters_zero(const BxtCounters *c)
{
	return !c->procs && !c->nodes && !c->handles && !c->transactions && !c->deaths &&
	       !c->buffers && !c->buffer_ids && !c->buffer_bytes;
}

/* Taint flags of a kernel warning (W), an oops (D) or a bad page (B). */
#define BXT_TAINT_BAD ((1UL << 9) | (1UL << 7) | (1UL << 5))

void bxt_assert_no_leaks(void)
{
	BxtCounters c = { 0 };
	int64_t end = bxt_now_ns() + 10 * BXT_SEC;
	unsigned long taint = 0;
	FILE *f;

	f = fopen("/proc/sys/kernel/tainted", "re");
	ck_assert(f);
	ck_assert_int_eq(fscanf(f, "%lu", &taint), 1);
	fclose(f);
	ck_assert_msg(!(taint & BXT_TAINT_BAD),
		      "the kernel is tainted %#lx: a warning or oops happened (see dmesg)", taint);

	for (;;) {
		BXT_OK(bxt_counters_read(&c));
		if (bxt_counters_zero(&c))
			return;
		if (bxt_now_ns() > end)
			break;
		bxt_sleep_ms(20);
	}
	ck_abort_msg("leak: with every fd closed the counters read procs %ld nodes %ld "
		     "handles %ld transactions %ld deaths %ld buffers %ld buffer_ids %ld "
		     "buffer_bytes %ld",
		     c.procs, c.nodes, c.handles, c.transactions, c.deaths, c.buffers,
		     c.buffer_ids, c.buffer_bytes);
}

int bxt_state_queued(void)
{
	char line[512];
	int total = 0;
	FILE *f;

	f = fopen(BXT_STATE, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *q = strstr(line, " queued ");

		if (q)
			total += atoi(q + 8);
	}
	fclose(f);
	return total;
}

int bxt_wait_queued(int n, int timeout_ms)
{
	int64_t end = bxt_now_ns() + timeout_ms * BXT_MS;

	for (;;) {
		int q = bxt_state_queued();

		if (q == n)
			return 0;
		if (q < 0)
			return q;
		if (bxt_now_ns() > end)
			return -ETIMEDOUT;
		bxt_sleep_ms(10);
	}
}

/* ---- time ---- */

int64_t bxt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * BXT_SEC + ts.tv_nsec;
}

void bxt_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * BXT_MS };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- device ---- */

int bxt_try_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int bxt_open_ck(void)
{
	int fd = bxt_try_open(BXT_DEVICE);

	ck_assert_msg(fd >= 0, "open " BXT_DEVICE ": %s", bxt_errname(fd));
	return fd;
}

BindoxConn *bxt_conn_ck(void)
{
	BindoxConn *c = NULL;

	BXT_OK(bindox_conn_open(BXT_DEVICE, &c));
	return c;
}

int bxt_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? -errno : 0;
}

int bxt_claim(int fd)
{
	__u64 flags = 0;

	return bxt_ioctl(fd, BINDOX_IOC_SET_COORDINATOR, &flags);
}

void bxt_world_node_ck(char *path)
{
	static unsigned int n;
	struct stat st;

	ck_assert_int_eq(stat(BXT_DEVICE, &st), 0);
	snprintf(path, 64, "/dev/bxt-world-%d-%u", (int)getpid(), n++);
	unlink(path);
	ck_assert_msg(mknod(path, S_IFCHR | 0600, st.st_rdev) == 0, "mknod %s: %s", path,
		      bxt_errname(errno));
	ck_assert_int_eq(chmod(path, 0666), 0);
}

bool bxt_is_bindox_fd(int fd)
{
	static dev_t rdev;
	static bool have;
	struct stat st;

	if (!have) {
		if (stat(BXT_DEVICE, &st) < 0)
			return false;
		rdev = st.st_rdev;
		have = true;
	}
	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == rdev;
}

/* ---- raw messages ---- */

void bxt_buf_init(BxtBuf *b)
{
	bxt_buf_init_ext(b, b->inline_data, BXT_BUF_DATA, b->inline_offs, BXT_BUF_OBJS);
}

void bxt_buf_init_ext(BxtBuf *b, void *data, uint32_t cap, uint64_t *offs, uint32_t ocap)
{
	b->data = data;
	b->offs = offs;
	b->cap = cap;
	b->ocap = ocap;
	b->size = 0;
	b->n = 0;
}

void bxt_buf_clear(BxtBuf *b)
{
	b->size = 0;
	b->n = 0;
}

void bxt_buf_put(BxtBuf *b, const void *p, size_t n)
{
	if (b->size + n > b->cap)
		abort();	/* a bug in the test itself */
	memcpy(b->data + b->size, p, n);
	b->size += n;
}

void bxt_buf_u64(BxtBuf *b, uint64_t v)
{
	bxt_buf_put(b, &v, sizeof(v));
}

void bxt_buf_str(BxtBuf *b, const char *s)
{
	bxt_buf_put(b, s, strlen(s));
}

void bxt_buf_obj(BxtBuf *b, uint32_t type, uint64_t value)
{
	static const uint8_t zeros[8];
	struct bindox_object o = { .type = type, .value = value };

	bxt_buf_put(b, zeros, (8 - b->size % 8) % 8);
	if (b->n >= b->ocap)
		abort();
	b->offs[b->n++] = b->size;
	bxt_buf_put(b, &o, sizeof(o));
}

struct bindox_object bxt_buf_obj_at(const BxtBuf *b, uint32_t i)
{
	struct bindox_object o;

	memcpy(&o, b->data + b->offs[i], sizeof(o));
	return o;
}

uint64_t bxt_buf_u64_at(const BxtBuf *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b->data + off, sizeof(v));
	return v;
}

void bxt_buf_send_payload(const BxtBuf *b, struct bindox_payload *p)
{
	memset(p, 0, sizeof(*p));
	if (!b)
		return;
	p->data_ptr = (uintptr_t)b->data;
	p->offsets_ptr = (uintptr_t)b->offs;
	p->data_size = b->size;
	p->offsets_count = b->n;
}

static void recv_payload(const BxtBuf *b, struct bindox_payload *p)
{
	memset(p, 0, sizeof(*p));
	if (!b)
		return;
	p->data_ptr = (uintptr_t)b->data;
	p->offsets_ptr = (uintptr_t)b->offs;
	p->data_size = b->cap;
	p->offsets_count = b->ocap;
}

static void recv_done(BxtBuf *b, const struct bindox_message *m)
{
	if (b) {
		b->size = m->payload.data_size;
		b->n = m->payload.offsets_count;
	}
}

int bxt_call(int fd, uint32_t handle, const BxtBuf *req, BxtBuf *rep,
	     struct bindox_message *hdr, int64_t timeout_ns)
{
	struct bindox_call_args a;
	int r;

	memset(&a, 0, sizeof(a));
	a.tx.handle = handle;
	bxt_buf_send_payload(req, &a.tx.payload);
	recv_payload(rep, &a.reply.payload);
	a.timeout_ns = timeout_ns;
	r = bxt_ioctl(fd, BINDOX_IOC_CALL, &a);
	if (r == 0)
		recv_done(rep, &a.reply);
	if (hdr)
		*hdr = a.reply;
	return r;
}

int bxt_send(int fd, uint32_t handle, const BxtBuf *m)
{
	struct bindox_transaction tx;

	memset(&tx, 0, sizeof(tx));
	tx.handle = handle;
	tx.flags = BINDOX_TF_ONEWAY;
	bxt_buf_send_payload(m, &tx.payload);
	return bxt_ioctl(fd, BINDOX_IOC_SEND, &tx);
}

int bxt_recv(int fd, BxtBuf *b, struct bindox_message *hdr, int64_t timeout_ns)
{
	struct bindox_recv_args a;
	int r;

	memset(&a, 0, sizeof(a));
	recv_payload(b, &a.msg.payload);
	a.timeout_ns = timeout_ns;
	r = bxt_ioctl(fd, BINDOX_IOC_RECV, &a);
	if (r == 0)
		recv_done(b, &a.msg);
	if (hdr)
		*hdr = a.msg;
	return r;
}

int bxt_reply_recv(int fd, uint64_t *reply_id, const BxtBuf *reply, BxtBuf *b,
		   struct bindox_message *hdr, int64_t timeout_ns)
{
	struct bindox_reply_recv_args a;
	int r;

	memset(&a, 0, sizeof(a));
	a.reply_id = reply_id ? *reply_id : 0;
	bxt_buf_send_payload(reply, &a.reply);
	recv_payload(b, &a.msg.payload);
	a.timeout_ns = timeout_ns;
	r = bxt_ioctl(fd, BINDOX_IOC_REPLY_RECV, &a);
	if (reply_id)
		*reply_id = a.reply_id;
	if (r == 0)
		recv_done(b, &a.msg);
	if (hdr)
		*hdr = a.msg;
	return r;
}

int bxt_reply(int fd, uint64_t id, const BxtBuf *reply, BxtBuf *b)
{
	int r = bxt_reply_recv(fd, &id, reply, b, NULL, 0);

	if (id != 0)
		return r < 0 ? r : -EPROTO;	/* the reply did not go out */
	return r == -EAGAIN ? 0 : 1;
}

int bxt_release(int fd, uint32_t handle)
{
	struct bindox_handle_args a = { .handle = handle };

	return bxt_ioctl(fd, BINDOX_IOC_HANDLE_RELEASE, &a);
}

int bxt_subscribe(int fd, uint32_t handle, uint64_t cookie)
{
	struct bindox_death_args a = { .handle = handle, .cookie = cookie };

	return bxt_ioctl(fd, BINDOX_IOC_DEATH_SUBSCRIBE, &a);
}

int bxt_unsubscribe(int fd, uint32_t handle, uint64_t cookie)
{
	struct bindox_death_args a = { .handle = handle, .cookie = cookie };

	return bxt_ioctl(fd, BINDOX_IOC_DEATH_UNSUBSCRIBE, &a);
}

/* ---- the Coordinator protocol, raw ---- */

void bxt_coord_request(BxtBuf *b, uint32_t op, const char *name, size_t name_len,
		       bool node, uint64_t cookie)
{
	struct bindox_coord_request hdr = { .op = op, .name_len = (uint32_t)name_len };

	bxt_buf_clear(b);
	bxt_buf_put(b, &hdr, sizeof(hdr));
	bxt_buf_put(b, name, name_len);
	if (node)
		bxt_buf_obj(b, BINDOX_OBJ_NODE, cookie);
}

static int coord_transact(int fd, uint32_t op, const char *name, uint64_t cookie,
			  uint32_t *h)
{
	struct bindox_coord_reply rep;
	BxtBuf req, reply;
	int r;

	bxt_buf_init(&req);
	bxt_buf_init(&reply);
	bxt_coord_request(&req, op, name, strlen(name), op == BINDOX_COORD_REGISTER, cookie);
	reply.cap = 64;
	reply.ocap = 1;
	r = bxt_call(fd, BINDOX_HANDLE_COORDINATOR, &req, &reply, NULL, BXT_LONG_NS);
	if (r < 0)
		return r;
	if (reply.size < sizeof(rep))
		return -EBADMSG;
	memcpy(&rep, reply.data, sizeof(rep));
	if (rep.status == 0 && h) {
		struct bindox_object o;

		if (reply.n != 1 || reply.offs[0] != 8 || reply.size != 8 + sizeof(o))
			return -EBADMSG;
		o = bxt_buf_obj_at(&reply, 0);
		if (o.type != BINDOX_OBJ_HANDLE || o.value == 0 || o.value > UINT32_MAX)
			return -EBADMSG;
		*h = (uint32_t)o.value;
	} else if (reply.n != 0) {
		return -EBADMSG;
	}
	return rep.status;
}

int bxt_register(int fd, const char *name, uint64_t cookie)
{
	return coord_transact(fd, BINDOX_COORD_REGISTER, name, cookie, NULL);
}

int bxt_lookup(int fd, const char *name, uint32_t *h)
{
	return coord_transact(fd, BINDOX_COORD_LOOKUP, name, 0, h);
}

int bxt_unregister(int fd, const char *name)
{
	return coord_transact(fd, BINDOX_COORD_UNREGISTER, name, 0, NULL);
}

void bxt_unique_name(char *buf, size_t size, const char *tag)
{
	static atomic_uint n;

	snprintf(buf, size, "bxt-%d-%u-%s", (int)getpid(), atomic_fetch_add(&n, 1), tag);
}

uint32_t bxt_link_ck(int srv_fd, uint64_t cookie, int cli_fd)
{
	char name[64];
	uint32_t h = 0;

	bxt_unique_name(name, sizeof(name), "link");
	BXT_OK(bxt_register(srv_fd, name, cookie));
	BXT_OK(bxt_lookup(cli_fd, name, &h));
	ck_assert_uint_ne(h, 0);
	return h;
}

/* ---- a Coordinator ---- */

static int coord_handler(void *userdata, BindoxMsg *req, BindoxMsg *reply)
{
	BxtCoord *c = userdata;
	uint32_t type = bindox_msg_get_type(req);

	pthread_mutex_lock(&c->lock);
	if (type == BINDOX_MSG_CALL) {
		BxtCoordSeen s;
		uint32_t op = 0, h = 0;

		memset(&s, 0, sizeof(s));
		if (bindox_coord_request_parse(req, &op, s.name, sizeof(s.name), &h) == 0)
			s.op = op;
		bindox_msg_rewind(req);
		s.n_objects = (uint32_t)bindox_msg_get_n_objects(req);
		if (s.n_objects)
			(void)bindox_msg_get_object(req, 0, &s.obj, NULL);
		s.cookie = bindox_msg_get_cookie(req);
		(void)bindox_msg_get_creds(req, &s.creds);
		if (c->n_calls < BXT_COORD_SEEN_MAX)
			c->seen[c->n_calls] = s;
		c->n_calls++;
	} else if (type == BINDOX_MSG_DEATH) {
		c->n_deaths++;
	}
	pthread_mutex_unlock(&c->lock);
	return test_coordinator_handle(c->tc, req, reply);
}

int bxt_coord_start(BxtCoord **out)
{
	TestCoordinator *tc = NULL;
	BxtCoord *c;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	r = bindox_conn_open(BXT_DEVICE, &c->conn);
	if (r == 0)
		r = bindox_conn_become_coordinator(c->conn);
	if (r == 0)
		r = test_coordinator_new(c->conn, &tc);
	c->tc = tc;
	/*
	 * One thread, as bindoxd has: a lookup's reply then goes out (in
	 * REPLY_RECV) before the next message is taken, so a server's death
	 * cannot release the handle the reply carries in between. With two
	 * threads it could, the driver refused the reply, and the caller got
	 * the server loop's empty answer (the kill storm saw it as EBADMSG).
	 */
	if (r == 0)
		r = bindox_server_new(c->conn, 1, coord_handler, c, &c->server);
	if (r == 0)
		r = bindox_server_start(c->server);
	if (r < 0) {
		bxt_coord_stop(c);
		return r;
	}
	*out = c;
	return 0;
}

BxtCoord *bxt_coord_start_ck(void)
{
	BxtCoord *c = NULL;

	BXT_OK(bxt_coord_start(&c));
	return c;
}

void bxt_coord_stop(BxtCoord *c)
{
	if (!c)
		return;
	c->server = bindox_server_free(c->server);
	c->tc = test_coordinator_free(c->tc);
	c->conn = bindox_conn_close(c->conn);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

unsigned int bxt_coord_calls(BxtCoord *c)
{
	unsigned int n;

	pthread_mutex_lock(&c->lock);
	n = c->n_calls;
	pthread_mutex_unlock(&c->lock);
	return n;
}

bool bxt_coord_seen(BxtCoord *c, unsigned int i, BxtCoordSeen *out)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	ok = i < c->n_calls && i < BXT_COORD_SEEN_MAX;
	if (ok)
		*out = c->seen[i];
	pthread_mutex_unlock(&c->lock);
	return ok;
}

static int coord_child(void *arg)
{
	int *ready = arg;
	BxtCoord *c = NULL;
	sigset_t set;
	int sig, r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	r = bxt_coord_start(&c);
	if (r < 0) {
		fprintf(stderr, "bxt coordinator: %s\n", bxt_errname(r));
		return 1;
	}
	bxt_put(ready[1], 1);
	close(ready[1]);
	sigwait(&set, &sig);
	bxt_coord_stop(c);
	return 0;
}

pid_t bxt_coord_spawn_ck(void)
{
	int ready[2];
	pid_t pid;

	bxt_pipe_ck(ready);
	pid = bxt_spawn_ck(coord_child, ready);
	close(ready[1]);
	ck_assert_msg(bxt_get_ck(ready[0]) == 1, "coordinator did not start");
	close(ready[0]);
	return pid;
}

void bxt_coord_kill_ck(pid_t pid)
{
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	bxt_reap_ck(pid);
}

/* ---- the usual setup ---- */

void bxt_env_up_ck(BxtEnv *e, uint64_t cookie)
{
	e->coord = bxt_coord_start_ck();
	e->srv = bxt_open_ck();
	e->cli = bxt_open_ck();
	e->cookie = cookie;
	e->h = bxt_link_ck(e->srv, cookie, e->cli);
}

void bxt_env_down_ck(BxtEnv *e)
{
	if (e->cli >= 0)
		close(e->cli);
	if (e->srv >= 0)
		close(e->srv);
	e->cli = e->srv = -1;
	bxt_coord_stop(e->coord);
	e->coord = NULL;
	bxt_assert_no_leaks();
}

/* ---- echo server ---- */

static void echo_fail(BxtEcho *e, int r)
{
	int expected = 0;

	atomic_compare_exchange_strong(&e->error, &expected, r);
}

/* Release the handles a received request brought (after answering it). */
static void echo_release(BxtEcho *e, const BxtBuf *b)
{
	uint32_t i;

	for (i = 0; i < b->n; i++) {
		struct bindox_object o = bxt_buf_obj_at(b, i);

		if (o.type == BINDOX_OBJ_HANDLE && bxt_release(e->fd, (uint32_t)o.value) < 0)
			echo_fail(e, -EBADMSG);
	}
}

static void *echo_thread(void *arg)
{
	BxtEcho *e = arg;
	BxtBuf *bufs = NULL;
	void *data[2] = { NULL, NULL };
	uint64_t *offs[2] = { NULL, NULL };
	BxtBuf *cur, *prev;
	uint64_t id = 0;
	int i, r;

	bufs = calloc(2, sizeof(*bufs));
	for (i = 0; i < 2 && bufs; i++) {
		data[i] = malloc(BINDOX_MAX_DATA_SIZE);
		offs[i] = malloc(BINDOX_MAX_OBJECTS * sizeof(uint64_t));
		if (!data[i] || !offs[i])
			break;
		bxt_buf_init_ext(&bufs[i], data[i], BINDOX_MAX_DATA_SIZE, offs[i],
				 BINDOX_MAX_OBJECTS);
	}
	if (!bufs || i < 2) {
		echo_fail(e, -ENOMEM);
		goto out;
	}
	cur = &bufs[0];
	prev = &bufs[1];
	prev->n = 0;

	for (;;) {
		struct bindox_message m;
		bool stopping = atomic_load(&e->stop);
		BxtBuf *t;

		if (stopping && id == 0)
			break;
		/* Answer the previous call (prev) with its own content, receive into cur. */
		bxt_buf_init_ext(cur, cur->data, BINDOX_MAX_DATA_SIZE, cur->offs,
				 BINDOX_MAX_OBJECTS);
		r = bxt_reply_recv(e->fd, &id, id ? prev : NULL, cur, &m,
				   stopping ? 0 : 100 * BXT_MS);
		if (r < 0 && id != 0) {
			/* The reply was refused: answer with an empty one instead. */
			atomic_fetch_add(&e->reply_errors, 1);
			if (prev->size == 0 && prev->n == 0) {
				echo_fail(e, r);
				break;
			}
			echo_release(e, prev);
			bxt_buf_clear(prev);
			continue;
		}
		/* The reply (if any) went out: drop what its request brought. */
		echo_release(e, prev);
		prev->n = 0;
		if (r == -ETIMEDOUT || r == -EAGAIN)
			continue;
		if (r < 0) {
			echo_fail(e, r);
			break;
		}
		if (m.type == BINDOX_MSG_CALL) {
			pthread_mutex_lock(&e->lock);
			e->last_cookie = m.cookie;
			e->last_creds.pid = m.sender_pid;
			e->last_creds.euid = m.sender_euid;
			e->last_creds.egid = m.sender_egid;
			e->last_creds.domain = m.sender_domain;
			pthread_mutex_unlock(&e->lock);
			atomic_fetch_add(&e->calls, 1);
			id = m.id;
			t = prev;
			prev = cur;
			cur = t;
		} else if (m.type == BINDOX_MSG_ONEWAY) {
			atomic_fetch_add(&e->oneways, 1);
			echo_release(e, cur);
		}
	}
out:
	for (i = 0; i < 2; i++) {
		free(data[i]);
		free(offs[i]);
	}
	free(bufs);
	return NULL;
}

void bxt_echo_start_ck(BxtEcho *e, int fd)
{
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	atomic_init(&e->stop, false);
	pthread_mutex_init(&e->lock, NULL);
	ck_assert_int_eq(pthread_create(&e->thread, NULL, echo_thread, e), 0);
}

void bxt_echo_stop_ck(BxtEcho *e)
{
	int err;

	atomic_store(&e->stop, true);
	ck_assert_msg(bxt_join(e->thread, BXT_LONG_MS, NULL) == 0, "echo server hangs");
	err = atomic_load(&e->error);
	ck_assert_msg(err == 0, "echo server failed: %s", bxt_errname(err));
	ck_assert_msg(atomic_load(&e->reply_errors) == 0,
		      "the driver refused %u of the echo server's replies",
		      atomic_load(&e->reply_errors));
	pthread_mutex_destroy(&e->lock);
}

/* ---- children and threads ---- */

static void close_bindox_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int fds[256], n = 0, i;

	if (!d)
		_exit(98);
	while ((de = readdir(d)) && n < 256) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	for (i = 0; i < n; i++)
		if (bxt_is_bindox_fd(fds[i]))
			close(fds[i]);
}

pid_t bxt_spawn_ck(BxtChildFn fn, void *arg)
{
	pid_t parent = getpid();
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", bxt_errname(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(97);
		close_bindox_fds();
		fflush(NULL);
		_exit(fn(arg));
	}
	return pid;
}

int bxt_waitpid(pid_t pid, int timeout_ms)
{
	int64_t end = bxt_now_ns() + timeout_ms * BXT_MS;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -errno;
		if (bxt_now_ns() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		bxt_sleep_ms(5);
	}
}

void bxt_reap_ck(pid_t pid)
{
	int st = bxt_waitpid(pid, BXT_LONG_MS);

	ck_assert_msg(st >= 0, "child %d: %s", (int)pid, bxt_errname(st));
	ck_assert_msg(WIFEXITED(st), "child %d killed by signal %d", (int)pid,
		      WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	ck_assert_msg(WEXITSTATUS(st) == 0, "child %d exited with %d (see its stderr)",
		      (int)pid, WEXITSTATUS(st));
}

void bxt_kill_ck(pid_t pid)
{
	int st;

	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	st = bxt_waitpid(pid, BXT_LONG_MS);
	ck_assert_msg(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "child %d did not die of SIGKILL (status %d)", (int)pid, st);
}

int bxt_join(pthread_t t, int timeout_ms, void **ret)
{
	struct timespec ts;
	int r;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (timeout_ms % 1000) * BXT_MS;
	if (ts.tv_nsec >= BXT_SEC) {
		ts.tv_sec++;
		ts.tv_nsec -= BXT_SEC;
	}
	r = pthread_timedjoin_np(t, ret, &ts);
	return r == 0 ? 0 : -r;
}

void bxt_child_fail(const char *file, int line, const char *what, long got)
{
	fprintf(stderr, "%s:%d: check in child %d failed: %s (value %ld%s%s)\n", file, line,
		(int)getpid(), what, got, got < 0 ? ", " : "",
		got < 0 && got > -4096 ? bxt_errname((int)got) : "");
	fflush(stderr);
	_exit(99);
}

/* ---- pipes ---- */

void bxt_pipe_ck(int p[2])
{
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
}

int bxt_put(int fd, uint64_t v)
{
	ssize_t n = write(fd, &v, sizeof(v));

	if (n < 0)
		return -errno;
	return n == sizeof(v) ? 0 : -EIO;
}

int bxt_get(int fd, uint64_t *v, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = read(fd, v, sizeof(*v));
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	return n == sizeof(*v) ? 0 : -EIO;
}

uint64_t bxt_get_ck(int fd)
{
	uint64_t v = 0;

	BXT_OK(bxt_get(fd, &v, BXT_LONG_MS));
	return v;
}

/* ---- credentials ---- */

int bxt_cap_effective(int cap, bool on)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	if (on)
		data[cap / 32].effective |= 1U << (cap % 32);
	else
		data[cap / 32].effective &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

int bxt_become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return -errno;
	return 0;
}

int bxt_unchroot(int *old_root)
{
	char dir[64];
	int i;

	*old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*old_root < 0)
		return -errno;
	/* chroot into a subdirectory while the cwd stays above it, then climb. */
	snprintf(dir, sizeof(dir), "/tmp/bxt-unchroot-%d", (int)getpid());
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || chdir("/") < 0 || chroot(dir) < 0)
		return -errno;
	for (i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return -errno;
	if (chroot(".") < 0)
		return -errno;
	return 0;
}

int bxt_rechroot(int old_root)
{
	char dir[64];

	if (fchdir(old_root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return -errno;
	close(old_root);
	snprintf(dir, sizeof(dir), "/tmp/bxt-unchroot-%d", (int)getpid());
	rmdir(dir);
	return 0;
}
