/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Coordinator protocol spoken with raw ioctls: register, look up,
 * unregister, and a handle from a server to a client; see bxt.h.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

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
