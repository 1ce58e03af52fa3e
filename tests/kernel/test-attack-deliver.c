/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attacks on a message while it is being copied out to its receiver.
 *
 * The receiving thread's copy to user memory is stalled with userfaultfd
 * (the receive buffer is a registered page that is not there yet), so that
 * another thread of the receiving process has all the time it wants to
 * use what the message is about to hand over. Then the copy is either let
 * through (UFFDIO_COPY) or made to fail (the page is unmapped and the
 * fault woken: -EFAULT, and the message goes back to the queue).
 *
 * - A call can be answered only by the thread that has it: a reply to its
 *   id while the copy stalls is refused (it used to be accepted, and the
 *   caller then freed the txn under the receiver: use-after-free).
 * - The id of a moved buffer cannot be looked up, mapped or sent on while
 *   the copy stalls; after a failed copy the buffer is delivered again and
 *   its receiver is its only writer (it used to keep a second writable id
 *   for a buffer it had already moved on).
 * - Undoing a failed delivery takes back the handle it gave for its node,
 *   not whatever the handle's number names by then.
 * - A reply whose caller gave up gives the buffers it moved back to the
 *   replier (they used to be lost with the reply).
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bxt.h"

#define PAGE 4096UL
#define N_GUESS 8	/* call sequence numbers and slots, buffer ids tried */

/* ---- a receive whose copy-out stalls on a userfaultfd page ---- */

typedef struct Stall {
	int uffd;
	uint8_t *page;		/* the receive buffer's data: one page */
	uint64_t offs[BXT_BUF_OBJS];
	BxtBuf buf;
	int fd;			/* the receiver */
	pthread_t thread;
	int result;		/* of the receive */
	struct bindox_message hdr;
	atomic_bool done;
} Stall;

static void *stall_recv(void *arg)
{
	Stall *s = arg;

	s->result = bxt_recv(s->fd, &s->buf, &s->hdr, BXT_LONG_NS);
	atomic_store(&s->done, true);
	return NULL;
}

/* Start a receive on @fd and return once its copy-out is stuck. */
static void stall_start_ck(Stall *s, int fd)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct pollfd pfd;
	struct uffd_msg msg;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ck_assert_msg(s->uffd >= 0, "userfaultfd: %s", strerror(errno));
	ck_assert_int_eq(ioctl(s->uffd, UFFDIO_API, &api), 0);
	s->page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(s->page, MAP_FAILED);
	reg.range.start = (uintptr_t)s->page;
	reg.range.len = PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ck_assert_int_eq(ioctl(s->uffd, UFFDIO_REGISTER, &reg), 0);
	bxt_buf_init_ext(&s->buf, s->page, PAGE, s->offs, BXT_BUF_OBJS);
	ck_assert_int_eq(pthread_create(&s->thread, NULL, stall_recv, s), 0);

	pfd.fd = s->uffd;
	pfd.events = POLLIN;
	ck_assert_msg(poll(&pfd, 1, BXT_LONG_MS) == 1, "the receive never touched its buffer");
	ck_assert_int_eq(read(s->uffd, &msg, sizeof(msg)), (ssize_t)sizeof(msg));
	ck_assert_int_eq(msg.event, UFFD_EVENT_PAGEFAULT);
	bxt_sleep_ms(50);
	ck_assert_msg(!atomic_load(&s->done), "the receive did not wait for its page");
}

/* Let the copy through (@ok) or make it fail; join; the receive's result. */
static int stall_finish_ck(Stall *s, bool ok)
{
	static uint8_t zeros[PAGE];
	int r;

	if (ok) {
		struct uffdio_copy copy = {
			.dst = (uintptr_t)s->page,
			.src = (uintptr_t)zeros,
			.len = PAGE,
		};

		ck_assert_int_eq(ioctl(s->uffd, UFFDIO_COPY, &copy), 0);
	} else {
		struct uffdio_range wake = { .start = (uintptr_t)s->page, .len = PAGE };

		ck_assert_int_eq(munmap(s->page, PAGE), 0);
		ck_assert_int_eq(ioctl(s->uffd, UFFDIO_WAKE, &wake), 0);
	}
	ck_assert_int_eq(bxt_join(s->thread, BXT_LONG_MS, NULL), 0);
	if (ok)
		ck_assert_int_eq(munmap(s->page, PAGE), 0);
	close(s->uffd);
	r = s->result;
	return r;
}

/* ---- a caller in a thread ---- */

typedef struct Caller {
	int fd;
	uint32_t h;
	pthread_t thread;
	int result;
	BxtBuf rep;
	atomic_bool done;
} Caller;

static void *caller_run(void *arg)
{
	Caller *c = arg;
	BxtBuf req;

	bxt_buf_init(&req);
	bxt_buf_str(&req, "ping");
	bxt_buf_init(&c->rep);
	c->result = bxt_call(c->fd, c->h, &req, &c->rep, NULL, BXT_LONG_NS);
	atomic_store(&c->done, true);
	return NULL;
}

static void caller_start_ck(Caller *c, int fd, uint32_t h)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->h = h;
	ck_assert_int_eq(pthread_create(&c->thread, NULL, caller_run, c), 0);
	BXT_OK(bxt_wait_queued(1, BXT_LONG_MS));
}

static void caller_join_ck(Caller *c, const char *want)
{
	ck_assert_int_eq(bxt_join(c->thread, BXT_LONG_MS, NULL), 0);
	BXT_OK(c->result);
	ck_assert_uint_eq(c->rep.size, strlen(want));
	ck_assert(memcmp(c->rep.data, want, strlen(want)) == 0);
}

/* Answer every id a guesser would try; how many replies went out. */
static int reply_to_guesses(int fd)
{
	BxtBuf reply, b;
	int accepted = 0;

	bxt_buf_init(&reply);
	bxt_buf_str(&reply, "forged");
	bxt_buf_init(&b);
	for (uint64_t seq = 1; seq <= N_GUESS; seq++)
		for (uint64_t slot = 1; slot <= N_GUESS; slot++)
			if (bxt_reply(fd, seq << 32 | slot, &reply, &b) >= 0)
				accepted++;
	return accepted;
}

/* Answer the call a receive delivered with "pong". */
static void reply_pong_ck(int fd, uint64_t id)
{
	BxtBuf reply, b;

	bxt_buf_init(&reply);
	bxt_buf_str(&reply, "pong");
	bxt_buf_init(&b);
	BXT_OK(bxt_reply(fd, id, &reply, &b));
}

START_TEST(test_reply_while_copying_out)
{
	BxtEnv e;
	Caller c;
	Stall s;
	BxtBuf b;
	struct bindox_message hdr;

	bxt_env_up_ck(&e, 0xa1);

	/* Allowed twin: the thread that received the call answers it. */
	caller_start_ck(&c, e.cli, e.h);
	stall_start_ck(&s, e.srv);
	BXT_OK(stall_finish_ck(&s, true));
	ck_assert_uint_eq(s.hdr.type, BINDOX_MSG_CALL);
	reply_pong_ck(e.srv, s.hdr.id);
	caller_join_ck(&c, "pong");

	/* The attack: another thread answers while the copy stalls. */
	caller_start_ck(&c, e.cli, e.h);
	stall_start_ck(&s, e.srv);
	ck_assert_int_eq(reply_to_guesses(e.srv), 0);
	bxt_sleep_ms(50);
	ck_assert_msg(!atomic_load(&c.done), "the caller got an answer it should not have");

	/* The copy fails: the call is queued again, whole, and answered once. */
	BXT_ERR(stall_finish_ck(&s, false), EFAULT);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &hdr, BXT_LONG_NS));
	ck_assert_uint_eq(hdr.type, BINDOX_MSG_CALL);
	ck_assert_uint_eq(b.size, 4);
	ck_assert(memcmp(b.data, "ping", 4) == 0);
	reply_pong_ck(e.srv, hdr.id);
	caller_join_ck(&c, "pong");
	BXT_ERR(bxt_reply(e.srv, hdr.id, NULL, &b), EINVAL);

	bxt_env_down_ck(&e);
}
END_TEST

/* ---- buffers ---- */

static uint32_t buffer_alloc_ck(int fd)
{
	struct bindox_buffer_alloc a = { .size = PAGE };

	BXT_OK(bxt_ioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &a));
	ck_assert_uint_ne(a.id, 0);
	return a.id;
}

static int buffer_info(int fd, uint32_t id, uint32_t *flags)
{
	struct bindox_buffer_info i = { .id = id };
	int r = bxt_ioctl(fd, BINDOX_IOC_BUFFER_INFO, &i);

	*flags = i.flags;
	return r;
}

static int buffer_release(int fd, uint32_t id)
{
	struct bindox_buffer_info i = { .id = id };

	return bxt_ioctl(fd, BINDOX_IOC_BUFFER_RELEASE, &i);
}

/* A one-way message carrying buffer @id moved. */
static int send_moved(int fd, uint32_t h, uint32_t id)
{
	struct bindox_object o = { .type = BINDOX_OBJ_BUFFER, .flags = BINDOX_BUF_MOVE, .value = id };
	BxtBuf m;

	bxt_buf_init(&m);
	m.offs[m.n++] = 0;
	bxt_buf_put(&m, &o, sizeof(o));
	return bxt_send(fd, h, &m);
}

/* Receive one message carrying one buffer; its object as delivered. */
static struct bindox_object recv_buffer_ck(int fd)
{
	struct bindox_message hdr;
	BxtBuf b;

	bxt_buf_init(&b);
	BXT_OK(bxt_recv(fd, &b, &hdr, BXT_LONG_NS));
	ck_assert_uint_eq(b.n, 1);
	return bxt_buf_obj_at(&b, 0);
}

/* How many of the ids 1..N_GUESS are writable on @fd. */
static int writable_ids(int fd)
{
	uint32_t flags;
	int n = 0;

	for (uint32_t id = 1; id <= N_GUESS; id++)
		if (buffer_info(fd, id, &flags) == 0 && (flags & BINDOX_BUF_WRITABLE))
			n++;
	return n;
}

START_TEST(test_moved_buffer_while_copying_out)
{
	struct bindox_object o;
	uint32_t hv, flags, id;
	int v, found = 0, sent = 0;
	BxtEnv e;
	Stall s;

	bxt_env_up_ck(&e, 0xa2);
	v = bxt_open_ck();
	hv = bxt_link_ck(v, 0xa3, e.srv);

	/* Allowed twin: a buffer received whole can be moved on. */
	BXT_OK(send_moved(e.cli, e.h, buffer_alloc_ck(e.cli)));
	o = recv_buffer_ck(e.srv);
	ck_assert_uint_eq(o.flags, BINDOX_BUF_MOVE | BINDOX_BUF_WRITABLE);
	id = (uint32_t)o.value;
	BXT_OK(send_moved(e.srv, hv, id));
	o = recv_buffer_ck(v);
	ck_assert_uint_eq(o.flags, BINDOX_BUF_MOVE | BINDOX_BUF_WRITABLE);
	ck_assert_int_eq(writable_ids(e.srv), 0);
	BXT_OK(buffer_info(e.srv, id, &flags));
	ck_assert_uint_eq(flags, BINDOX_BUF_MOVED);
	BXT_OK(buffer_release(e.srv, id));
	BXT_OK(buffer_release(v, (uint32_t)o.value));

	/* The attack: while the copy stalls, use the id it is about to give. */
	BXT_OK(send_moved(e.cli, e.h, buffer_alloc_ck(e.cli)));
	stall_start_ck(&s, e.srv);
	for (id = 1; id <= N_GUESS; id++) {
		struct bindox_buffer_map_args map = { .id = id, .size = PAGE };

		if (buffer_info(e.srv, id, &flags) == 0)
			found++;
		if (bxt_ioctl(e.srv, BINDOX_IOC_BUFFER_MAP, &map) == 0)
			found++;
		if (send_moved(e.srv, hv, id) == 0)
			sent++;
	}
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(sent, 0);

	/* The copy fails; delivered again, the buffer has one writer. */
	BXT_ERR(stall_finish_ck(&s, false), EFAULT);
	o = recv_buffer_ck(e.srv);
	ck_assert_uint_eq(o.flags, BINDOX_BUF_MOVE | BINDOX_BUF_WRITABLE);
	ck_assert_int_eq(writable_ids(e.srv), 1);
	BXT_OK(send_moved(e.srv, hv, (uint32_t)o.value));
	o = recv_buffer_ck(v);
	ck_assert_uint_eq(o.flags, BINDOX_BUF_MOVE | BINDOX_BUF_WRITABLE);
	ck_assert_int_eq(writable_ids(e.srv), 0);
	BXT_ERR(bxt_recv(v, NULL, NULL, 0), EAGAIN);

	close(v);
	bxt_env_down_ck(&e);
}
END_TEST

/* A call that gives up after @ms; its result in @c->result. */
static void *caller_impatient(void *arg)
{
	Caller *c = arg;
	BxtBuf req;

	bxt_buf_init(&req);
	bxt_buf_init(&c->rep);
	c->result = bxt_call(c->fd, c->h, &req, &c->rep, NULL, 300 * BXT_MS);
	atomic_store(&c->done, true);
	return NULL;
}

START_TEST(test_reply_buffer_comes_back_when_caller_left)
{
	struct bindox_object o = { .type = BINDOX_OBJ_BUFFER, .flags = BINDOX_BUF_MOVE };
	struct bindox_message hdr;
	uint32_t flags;
	BxtBuf b, reply;
	BxtEnv e;
	Caller c;

	bxt_env_up_ck(&e, 0xa7);
	memset(&c, 0, sizeof(c));
	c.fd = e.cli;
	c.h = e.h;
	ck_assert_int_eq(pthread_create(&c.thread, NULL, caller_impatient, &c), 0);
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, &hdr, BXT_LONG_NS));
	ck_assert_int_eq(bxt_join(c.thread, BXT_LONG_MS, NULL), 0);
	BXT_ERR(c.result, ETIMEDOUT);

	/* The server answers too late, moving a buffer: it keeps it. */
	o.value = buffer_alloc_ck(e.srv);
	bxt_buf_init(&reply);
	reply.offs[reply.n++] = 0;
	bxt_buf_put(&reply, &o, sizeof(o));
	bxt_buf_init(&b);
	BXT_OK(bxt_reply(e.srv, hdr.id, &reply, &b));
	BXT_OK(buffer_info(e.srv, (uint32_t)o.value, &flags));
	ck_assert_uint_eq(flags, BINDOX_BUF_WRITABLE);

	bxt_env_down_ck(&e);
}
END_TEST

/* ---- handles ---- */

START_TEST(test_handle_number_reused_while_copying_out)
{
	uint32_t hw, hv, reused;
	int w, v;
	BxtEnv e;
	BxtBuf m, b;
	Stall s;

	bxt_env_up_ck(&e, 0xa4);
	w = bxt_open_ck();
	v = bxt_open_ck();
	hw = bxt_link_ck(w, 0xa5, e.cli);

	/* A message that gives the server a handle to w's node stalls. */
	bxt_buf_init(&m);
	bxt_buf_obj(&m, BINDOX_OBJ_HANDLE, hw);
	BXT_OK(bxt_send(e.cli, e.h, &m));
	stall_start_ck(&s, e.srv);

	/* Another thread drops that number and gets it again for v's node. */
	BXT_OK(bxt_release(e.srv, 1));
	hv = bxt_link_ck(v, 0xa6, e.srv);
	ck_assert_uint_eq(hv, 1);

	/* Undoing the failed delivery leaves the handle to v alone. */
	BXT_ERR(stall_finish_ck(&s, false), EFAULT);
	bxt_buf_init(&b);
	bxt_buf_str(&b, "hello");
	BXT_OK(bxt_send(e.srv, hv, &b));
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(v, &b, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(b.size, 5);

	/* Delivered again: a handle to w's node, under another number. */
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(e.srv, &b, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(b.n, 1);
	reused = (uint32_t)bxt_buf_obj_at(&b, 0).value;
	ck_assert_uint_ne(reused, hv);
	bxt_buf_clear(&b);
	BXT_OK(bxt_send(e.srv, reused, &b));
	BXT_OK(bxt_recv(w, NULL, NULL, BXT_LONG_NS));

	close(w);
	close(v);
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *deliver_suite(void)
{
	Suite *s = suite_create("attack-deliver");

	/* One case each, so that CK_RUN_CASE can pick one. */
	tcase_add_test(bxt_tcase(s, "reply"), test_reply_while_copying_out);
	tcase_add_test(bxt_tcase(s, "buffer"), test_moved_buffer_while_copying_out);
	tcase_add_test(bxt_tcase(s, "handle"), test_handle_number_reused_while_copying_out);
	tcase_add_test(bxt_tcase(s, "reply-gone"), test_reply_buffer_comes_back_when_caller_left);
	return s;
}

int main(void)
{
	return bxt_run(deliver_suite());
}
