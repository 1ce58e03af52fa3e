/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 32-bit processes on the 64-bit kernel: the UAPI has one layout, and the
 * driver only widens the argument pointer (compat_ptr_ioctl). This test is
 * the 64-bit server of bindox-m32-client (built with -m32 from
 * m32-client.c); it asserts the client's exit status and what the server
 * side sees of it: its calls, objects and one-way message, and its answer
 * to a call.
 */

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "bxt.h"

#ifndef BXT_M32_CLIENT
#error "BXT_M32_CLIENT: path of the -m32 client"
#endif

#define SVC_COOKIE 0x64C0ULL
#define CLIENT_COOKIE 0x3232ULL
#define SERVER_NEW_COOKIE 0x6464ULL

typedef struct Exec {
	char name[64];
	char pid[16];
} Exec;

static int exec_client(void *arg)
{
	Exec *x = arg;

	execl(BXT_M32_CLIENT, BXT_M32_CLIENT, x->name, x->pid, (char *)NULL);
	perror("exec " BXT_M32_CLIENT);
	return 127;
}

START_TEST(client_is_32_bit)
{
	unsigned char ident[EI_NIDENT];
	FILE *f = fopen(BXT_M32_CLIENT, "rb");

	ck_assert_msg(f, "%s is missing", BXT_M32_CLIENT);
	ck_assert_uint_eq(fread(ident, 1, sizeof(ident), f), sizeof(ident));
	fclose(f);
	ck_assert(!memcmp(ident, ELFMAG, SELFMAG));
	ck_assert_uint_eq(ident[EI_CLASS], ELFCLASS32);
}
END_TEST

START_TEST(m32_client_and_m64_server)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck();
	struct bindox_message m;
	struct bindox_object o;
	BxtBuf b, r;
	uint32_t hc;
	uint8_t *p;
	Exec x;
	pid_t pid;

	bxt_unique_name(x.name, sizeof(x.name), "m32");
	snprintf(x.pid, sizeof(x.pid), "%d", (int)getpid());
	BXT_OK(bxt_register(srv, x.name, SVC_COOKIE));
	pid = bxt_spawn_ck(exec_client, &x);

	/* Its call: data, its node (a handle for us), our own node back. */
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(srv, &b, &m, BXT_LONG_NS));
	ck_assert_uint_eq(m.type, BINDOX_MSG_CALL);
	ck_assert_uint_eq(m.cookie, SVC_COOKIE);
	ck_assert_int_eq(m.sender_pid, pid);
	ck_assert_uint_eq(m.sender_euid, 0);
	ck_assert_uint_eq(b.size, 8 + 2 * sizeof(o));
	ck_assert(!memcmp(b.data, "m32:", 4));
	ck_assert_uint_eq(b.n, 2);
	ck_assert_uint_eq(b.offs[0], 8);
	ck_assert_uint_eq(b.offs[1], 32);
	o = bxt_buf_obj_at(&b, 0);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_HANDLE);
	ck_assert_uint_ne(o.value, 0);
	hc = (uint32_t)o.value;
	o = bxt_buf_obj_at(&b, 1);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_NODE);
	ck_assert_uint_eq(o.value, SVC_COOKIE);

	/* Reply: data, its node (it gets it back as its own), a new node of ours. */
	bxt_buf_init(&r);
	bxt_buf_str(&r, "m64-reply");
	bxt_buf_obj(&r, BINDOX_OBJ_HANDLE, hc);
	bxt_buf_obj(&r, BINDOX_OBJ_NODE, SERVER_NEW_COOKIE);
	ck_assert_int_eq(bxt_reply(srv, m.id, &r, NULL), 0);

	/* We call it: it receives and answers through the compat path. */
	bxt_buf_init(&b);
	bxt_buf_str(&b, "m64-call");
	bxt_buf_init(&r);
	BXT_OK(bxt_call(srv, hc, &b, &r, &m, BXT_LONG_NS));
	ck_assert_int_eq(m.sender_pid, pid);
	ck_assert(r.size == 10 && !memcmp(r.data, "m32-answer", 10));

	/* Its one-way message to our new node, with the buffer it moved. */
	bxt_buf_init(&b);
	BXT_OK(bxt_recv(srv, &b, &m, BXT_LONG_NS));
	ck_assert_uint_eq(m.type, BINDOX_MSG_ONEWAY);
	ck_assert_uint_eq(m.cookie, SERVER_NEW_COOKIE);
	ck_assert(b.size == 16 + sizeof(o) && !memcmp(b.data, "m32-oneway", 10));
	ck_assert_uint_eq(b.n, 1);
	o = bxt_buf_obj_at(&b, 0);
	ck_assert_uint_eq(o.type, BINDOX_OBJ_BUFFER);
	ck_assert_uint_eq(o.flags, BINDOX_BUF_MOVE | BINDOX_BUF_WRITABLE);
	ck_assert_uint_eq(o.size, 3 * 1024 * 1024);
	p = mmap(NULL, o.size, PROT_READ, MAP_SHARED, srv, (off_t)o.value * 4096);
	ck_assert(p != MAP_FAILED);
	ck_assert(!memcmp(p, "m32-buffer", 10));
	ck_assert_uint_eq(p[o.size - 1], 0x32);
	munmap(p, o.size);

	bxt_reap_ck(pid);
	/* Its file is closed: its node is dead. */
	bxt_buf_init(&b);
	BXT_ERR(bxt_send(srv, hc, &b), BINDOX_EDEADPEER);
	BXT_OK(bxt_release(srv, hc));
	close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *compat32_suite(void)
{
	Suite *s = suite_create("compat32");
	TCase *tc = bxt_tcase(s, "compat32");

	tcase_add_test(tc, client_is_32_bit);
	tcase_add_test(tc, m32_client_and_m64_server);
	return s;
}

int main(void)
{
	return bxt_run(compat32_suite());
}
