/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindox-m32-client: a 32-bit (-m32) client for test-compat32, with raw
 * ioctls on <linux/bindox.h> only (no Check, no libbindox: neither exists
 * for 32-bit here). The 64-bit test process is the server; it runs
 *
 *   bindox-m32-client SERVICE SERVER_PID
 *
 * and expects exit status 0. Steps, each checked:
 *  1. BINDOX_IOC_VERSION;
 *  2. LOOKUP SERVICE through the Coordinator (handle 0);
 *  3. a call to the service carrying data, our node 0x3232 and the service's
 *     own handle; the reply must carry our node back as BINDOX_OBJ_NODE and
 *     a handle to a new node of the server's;
 *  4. receive a call from the server on our node and answer it with
 *     REPLY_RECV (timeout 0: EAGAIN after the reply went out);
 *  5. a one-way message to the server's new node, moving a 3 MiB buffer
 *     (allocated, mmap()ed and filled here; afterwards our id is MOVED);
 *  6. EFAULT for a pointer above 4 GiB, EAGAIN/ETIMEDOUT on an empty queue;
 *  7. death (un)subscription and handle release.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bindox.h>

#define MY_COOKIE 0x3232ULL
#define SERVER_NEW_COOKIE 0x6464ULL
#define BUF_SIZE (3U * 1024U * 1024U)

_Static_assert(sizeof(void *) == 4, "build this with -m32");

static int failures;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "m32-client:%d: check failed: %s\n",     \
				__LINE__, #cond);                                \
			failures++;                                              \
			exit(1);                                                 \
		}                                                                \
	} while (0)

#define CHECK_ERR(expr, err)                                                     \
	do {                                                                     \
		int r_ = (expr);                                                 \
		if (r_ != (err)) {                                               \
			fprintf(stderr, "m32-client:%d: %s = %d, expected %d\n", \
				__LINE__, #expr, r_, (err));                     \
			exit(1);                                                 \
		}                                                                \
	} while (0)

static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Append an object at the next 8-byte boundary of @data. */
static uint32_t put_obj(uint8_t *data, uint32_t size, uint64_t *offs, uint32_t *n,
			uint32_t type, uint64_t value)
{
	struct bindox_object o = { .type = type, .value = value };

	size = (size + 7U) & ~7U;
	memcpy(data + size, &o, sizeof(o));
	offs[(*n)++] = size;
	return size + (uint32_t)sizeof(o);
}

static struct bindox_object get_obj(const uint8_t *data, const uint64_t *offs, uint32_t i)
{
	struct bindox_object o;

	memcpy(&o, data + offs[i], sizeof(o));
	return o;
}

int main(int argc, char **argv)
{
	_Alignas(8) uint8_t data[512], rdata[512];
	uint64_t offs[8], roffs[8];
	struct bindox_version ver = { 0 };
	struct bindox_coord_request req;
	struct bindox_coord_reply rep;
	struct bindox_call_args ca;
	struct bindox_recv_args ra;
	struct bindox_reply_recv_args rr;
	struct bindox_transaction tx;
	struct bindox_handle_args ha;
	struct bindox_death_args da;
	struct bindox_object o;
	struct bindox_buffer_alloc ba = { .size = BUF_SIZE };
	struct bindox_buffer_info bi;
	uint8_t *buf;
	const char *name;
	uint32_t size, n, h, hn;
	pid_t server_pid;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SERVICE SERVER_PID\n", argv[0]);
		return 2;
	}
	name = argv[1];
	server_pid = (pid_t)atoi(argv[2]);

	/* 1. */
	fd = open("/dev/bindox", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_ERR(xioctl(fd, BINDOX_IOC_VERSION, &ver), 0);
	CHECK(ver.major == BINDOX_VERSION_MAJOR);

	/* 2. LOOKUP */
	req.op = BINDOX_COORD_LOOKUP;
	req.name_len = (uint32_t)strlen(name);
	memcpy(data, &req, sizeof(req));
	memcpy(data + sizeof(req), name, req.name_len);
	memset(&ca, 0, sizeof(ca));
	ca.tx.handle = BINDOX_HANDLE_COORDINATOR;
	ca.tx.payload.data_ptr = ptr(data);
	ca.tx.payload.data_size = (uint32_t)sizeof(req) + req.name_len;
	ca.reply.payload.data_ptr = ptr(rdata);
	ca.reply.payload.offsets_ptr = ptr(roffs);
	ca.reply.payload.data_size = sizeof(rdata);
	ca.reply.payload.offsets_count = 8;
	ca.timeout_ns = 30LL * 1000 * 1000 * 1000;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_CALL, &ca), 0);
	CHECK(ca.reply.type == BINDOX_MSG_REPLY);
	CHECK(ca.reply.payload.data_size == 8 + sizeof(o));
	CHECK(ca.reply.payload.offsets_count == 1 && roffs[0] == 8);
	memcpy(&rep, rdata, sizeof(rep));
	CHECK(rep.status == 0);
	o = get_obj(rdata, roffs, 0);
	CHECK(o.type == BINDOX_OBJ_HANDLE && o.value != 0 && o.value <= UINT32_MAX);
	h = (uint32_t)o.value;

	/* 3. A call with data, our node and the service's handle. */
	memset(data, 0, sizeof(data));
	memcpy(data, "m32:", 4);
	n = 0;
	size = put_obj(data, 4, offs, &n, BINDOX_OBJ_NODE, MY_COOKIE);
	size = put_obj(data, size, offs, &n, BINDOX_OBJ_HANDLE, h);
	memset(&ca, 0, sizeof(ca));
	ca.tx.handle = h;
	ca.tx.payload.data_ptr = ptr(data);
	ca.tx.payload.offsets_ptr = ptr(offs);
	ca.tx.payload.data_size = size;
	ca.tx.payload.offsets_count = n;
	ca.reply.payload.data_ptr = ptr(rdata);
	ca.reply.payload.offsets_ptr = ptr(roffs);
	ca.reply.payload.data_size = sizeof(rdata);
	ca.reply.payload.offsets_count = 8;
	ca.timeout_ns = 30LL * 1000 * 1000 * 1000;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_CALL, &ca), 0);
	CHECK(ca.reply.type == BINDOX_MSG_REPLY);
	CHECK(ca.reply.sender_pid == server_pid);
	CHECK(ca.reply.sender_euid == 0 && ca.reply.sender_domain == 0);
	CHECK(ca.reply.payload.offsets_count == 2);
	CHECK(ca.reply.payload.data_size == 16 + 2 * sizeof(o));
	CHECK(!memcmp(rdata, "m64-reply", 9));
	o = get_obj(rdata, roffs, 0);
	CHECK(o.type == BINDOX_OBJ_NODE && o.value == MY_COOKIE);
	o = get_obj(rdata, roffs, 1);
	CHECK(o.type == BINDOX_OBJ_HANDLE && o.value != 0 && o.value != h);
	hn = (uint32_t)o.value;

	/* 4. The server calls our node. */
	memset(&ra, 0, sizeof(ra));
	ra.msg.payload.data_ptr = ptr(rdata);
	ra.msg.payload.offsets_ptr = ptr(roffs);
	ra.msg.payload.data_size = sizeof(rdata);
	ra.msg.payload.offsets_count = 8;
	ra.timeout_ns = 30LL * 1000 * 1000 * 1000;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_RECV, &ra), 0);
	CHECK(ra.msg.type == BINDOX_MSG_CALL && ra.msg.id != 0);
	CHECK(ra.msg.cookie == MY_COOKIE);
	CHECK(ra.msg.sender_pid == server_pid);
	CHECK(ra.msg.payload.data_size == 8 && !memcmp(rdata, "m64-call", 8));
	memset(&rr, 0, sizeof(rr));
	rr.reply_id = ra.msg.id;
	rr.reply.data_ptr = ptr("m32-answer");
	rr.reply.data_size = 10;
	rr.msg.payload.data_ptr = ptr(rdata);
	rr.msg.payload.data_size = sizeof(rdata);
	rr.timeout_ns = 0;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_REPLY_RECV, &rr), -EAGAIN);
	CHECK(rr.reply_id == 0);

	/* 5. One-way to the server's new node, moving a buffer. */
	CHECK_ERR(xioctl(fd, BINDOX_IOC_BUFFER_ALLOC, &ba), 0);
	CHECK(ba.size == BUF_SIZE && ba.id != 0 && ba.offset == (uint64_t)ba.id * 4096);
	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)ba.offset);
	CHECK(buf != MAP_FAILED);
	memset(buf, 0x32, BUF_SIZE);
	memcpy(buf, "m32-buffer", 10);
	memset(data, 0, sizeof(data));
	memcpy(data, "m32-oneway", 10);
	n = 0;
	size = put_obj(data, 10, offs, &n, BINDOX_OBJ_BUFFER, ba.id);
	((struct bindox_object *)(data + offs[0]))->flags = BINDOX_BUF_MOVE;
	memset(&tx, 0, sizeof(tx));
	tx.handle = hn;
	tx.flags = BINDOX_TF_ONEWAY;
	tx.payload.data_ptr = ptr(data);
	tx.payload.offsets_ptr = ptr(offs);
	tx.payload.data_size = size;
	tx.payload.offsets_count = n;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_SEND, &tx), 0);
	bi = (struct bindox_buffer_info){ .id = ba.id };
	CHECK_ERR(xioctl(fd, BINDOX_IOC_BUFFER_INFO, &bi), 0);
	CHECK(bi.flags == BINDOX_BUF_MOVED && bi.size == BUF_SIZE);
	bi = (struct bindox_buffer_info){ .id = ba.id };
	CHECK_ERR(xioctl(fd, BINDOX_IOC_BUFFER_RELEASE, &bi), 0);
	munmap(buf, BUF_SIZE);
	tx.payload.offsets_count = 0;

	/* 6. Errors through the compat path. */
	tx.payload.data_ptr = 0xdead00000000ULL;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_SEND, &tx), -EFAULT);
	tx.payload.data_ptr = ptr(data);
	tx.payload.data_size = BINDOX_MAX_DATA_SIZE + 1;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_SEND, &tx), -E2BIG);
	memset(&ra, 0, sizeof(ra));
	CHECK_ERR(xioctl(fd, BINDOX_IOC_RECV, &ra), -EAGAIN);
	ra.timeout_ns = 10 * 1000 * 1000;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_RECV, &ra), -ETIMEDOUT);
	CHECK_ERR(xioctl(fd, BINDOX_IOC_RECV, (void *)(uintptr_t)0xfffff000U), -EFAULT);

	/* 7. Handles. */
	da = (struct bindox_death_args){ .handle = h, .cookie = 7 };
	CHECK_ERR(xioctl(fd, BINDOX_IOC_DEATH_SUBSCRIBE, &da), 0);
	CHECK_ERR(xioctl(fd, BINDOX_IOC_DEATH_UNSUBSCRIBE, &da), 0);
	ha = (struct bindox_handle_args){ .handle = hn };
	CHECK_ERR(xioctl(fd, BINDOX_IOC_HANDLE_RELEASE, &ha), 0);
	CHECK_ERR(xioctl(fd, BINDOX_IOC_HANDLE_RELEASE, &ha), -EINVAL);
	ha.handle = h;
	CHECK_ERR(xioctl(fd, BINDOX_IOC_HANDLE_RELEASE, &ha), 0);

	close(fd);
	printf("m32-client: all checks passed (%zu-bit pointers)\n", sizeof(void *) * 8);
	return failures ? 1 : 0;
}
