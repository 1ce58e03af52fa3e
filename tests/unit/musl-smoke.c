/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linked statically against the musl build of libbindox by
 * tests/helpers/build-musl.sh: exercises code that needs no driver.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bindox/bindox.h>

#define CHECK(expr)                                                            \
	do {                                                                   \
		if (!(expr)) {                                                 \
			fprintf(stderr, "musl-smoke: %s:%d: %s\n", __FILE__,  \
				__LINE__, #expr);                              \
			return 1;                                              \
		}                                                              \
	} while (0)

int main(void)
{
	char name[BINDOX_NAME_BUF_SIZE];
	BindoxConn *conn = NULL;
	BindoxMsg *m = NULL;
	const char *s;
	uint32_t op, handle, u32;
	uint64_t u64;

	CHECK(bindox_msg_new(&m) == 0);
	CHECK(bindox_msg_append_u32(m, 7) == 0);
	CHECK(bindox_msg_append_string(m, "musl") == 0);
	CHECK(bindox_msg_append_handle(m, 3) == 0);
	CHECK(bindox_msg_append_u64(m, 9) == 0);
	CHECK(bindox_msg_read_u32(m, &u32) == 0 && u32 == 7);
	CHECK(bindox_msg_read_string(m, &s, NULL) == 0 && strcmp(s, "musl") == 0);
	CHECK(bindox_msg_read_handle(m, &handle) == 0 && handle == 3);
	CHECK(bindox_msg_read_u64(m, &u64) == 0 && u64 == 9);
	CHECK(bindox_msg_read_end(m) == 0);

	/* A REGISTER as the Coordinator would see it (with a handle, not a node). */
	CHECK(bindox_coord_request_build(m, BINDOX_COORD_LOOKUP, "org.example", 11, 0) == 0);
	CHECK(bindox_coord_request_parse(m, &op, name, sizeof(name), &handle) == 0);
	CHECK(op == BINDOX_COORD_LOOKUP && strcmp(name, "org.example") == 0);
	m = bindox_msg_free(m);

	CHECK(strcmp(bindox_strerror(-BINDOX_EDEADPEER), "peer died") == 0);
	CHECK(bindox_conn_open("/nonexistent/bindox", &conn) == -ENOENT);
	CHECK(bindox_conn_open("/dev/null", &conn) == -ENOTTY);

	printf("musl-smoke: OK\n");
	return 0;
}
