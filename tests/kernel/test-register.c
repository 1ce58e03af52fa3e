/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Registering and looking up services through a Coordinator (the test
 * coordinator's registry on libbindox's server, in this process): what the
 * Coordinator receives, what the client's lookup reply carries after the
 * driver translated it, that the handle reaches the server's node, and the
 * driver's checks of the Coordinator protocol's form.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

START_TEST(register_lookup_call)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), cli = bxt_open_ck();
	char n1[64], n2[64];
	BxtCoordSeen s1, s2;
	uint32_t h1 = 0, h2 = 0, again = 0;
	BxtBuf req, rep;
	BxtEcho echo;

	bxt_unique_name(n1, sizeof(n1), "one");
	bxt_unique_name(n2, sizeof(n2), "two");
	BXT_OK(bxt_register(srv, n1, 0x1111));
	BXT_OK(bxt_register(srv, n2, 0x2222));

	/* The Coordinator got each node as a handle of its own. */
	ck_assert(bxt_coord_seen(co, 0, &s1));
	ck_assert(bxt_coord_seen(co, 1, &s2));
	ck_assert_uint_eq(s1.op, BINDOX_COORD_REGISTER);
	ck_assert_str_eq(s1.name, n1);
	ck_assert_uint_eq(s1.n_objects, 1);
	ck_assert_uint_eq(s1.obj.type, BINDOX_OBJ_HANDLE);
	ck_assert_uint_ne(s1.obj.value, 0);
	ck_assert_uint_eq(s1.cookie, 0);	/* the Coordinator's node */
	ck_assert_int_eq(s1.creds.pid, getpid());
	ck_assert_uint_eq(s1.creds.euid, 0);
	ck_assert_uint_eq(s1.creds.egid, 0);
	ck_assert_uint_eq(s1.creds.domain, 0);
	ck_assert_uint_eq(s2.obj.type, BINDOX_OBJ_HANDLE);
	ck_assert_uint_ne(s2.obj.value, 0);
	ck_assert_uint_ne(s2.obj.value, s1.obj.value);

	/*
	 * The client, with an empty table, looks up the second service first:
	 * the Coordinator sends its handle s2.obj.value, the client receives a
	 * handle of its own table (the first one), so the numbers differ.
	 */
	BXT_OK(bxt_lookup(cli, n2, &h2));
	ck_assert_uint_ne(h2, 0);
	ck_assert_msg(h2 != s2.obj.value,
		      "client got the Coordinator's handle number %u untranslated", h2);
	BXT_OK(bxt_lookup(cli, n1, &h1));
	ck_assert_uint_ne(h1, 0);
	ck_assert_uint_ne(h1, h2);
	/* The same node again: the same handle. */
	BXT_OK(bxt_lookup(cli, n2, &again));
	ck_assert_uint_eq(again, h2);

	/* Calls through the client's handles reach the right node. */
	bxt_echo_start_ck(&echo, srv);
	bxt_buf_init(&req);
	bxt_buf_init(&rep);
	bxt_buf_str(&req, "hello two");
	BXT_OK(bxt_call(cli, h2, &req, &rep, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(rep.size, req.size);
	ck_assert(!memcmp(rep.data, "hello two", req.size));
	ck_assert_uint_eq(echo.last_cookie, 0x2222);
	BXT_OK(bxt_call(cli, h1, &req, &rep, NULL, BXT_LONG_NS));
	ck_assert_uint_eq(echo.last_cookie, 0x1111);
	ck_assert_int_eq(echo.last_creds.pid, getpid());
	bxt_echo_stop_ck(&echo);

	close(cli);
	close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(lookup_unknown_and_unregister)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), cli = bxt_open_ck();
	char n[64];
	uint32_t h = 0;

	bxt_unique_name(n, sizeof(n), "svc");
	ck_assert_int_eq(bxt_lookup(cli, n, &h), -ENOENT);
	BXT_OK(bxt_register(srv, n, 7));
	ck_assert_int_eq(bxt_register(srv, n, 8), -EEXIST);
	BXT_OK(bxt_lookup(cli, n, &h));
	BXT_OK(bxt_unregister(srv, n));
	ck_assert_int_eq(bxt_lookup(cli, n, &h), -ENOENT);
	close(cli);
	close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

START_TEST(registration_dies_with_server)
{
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), cli = bxt_open_ck();
	int64_t end;
	char n[64];
	uint32_t h = 0;
	int r;

	bxt_unique_name(n, sizeof(n), "svc");
	BXT_OK(bxt_register(srv, n, 7));
	BXT_OK(bxt_lookup(cli, n, &h));
	close(srv);
	/* The Coordinator hears of the death and drops the name. */
	end = bxt_now_ns() + BXT_LONG_NS;
	while ((r = bxt_lookup(cli, n, &h)) == 0 && bxt_now_ns() < end)
		bxt_sleep_ms(10);
	ck_assert_int_eq(r, -ENOENT);
	pthread_mutex_lock(&co->lock);
	ck_assert_uint_eq(co->n_deaths, 1);
	pthread_mutex_unlock(&co->lock);
	close(cli);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

/* A raw call to handle 0 that the driver must refuse with EINVAL. */
static void expect_refused(int fd, const BxtBuf *req, const char *what)
{
	BxtBuf rep;
	int r;

	bxt_buf_init(&rep);
	rep.cap = 64;
	rep.ocap = 1;
	/* A bounded wait: if the request got through, the Coordinator answers. */
	r = bxt_call(fd, BINDOX_HANDLE_COORDINATOR, req, &rep, NULL, 5 * BXT_SEC);
	ck_assert_msg(r == -EINVAL, "%s: call returned %s, expected EINVAL", what,
		      bxt_errname(r));
}

static void request_raw(BxtBuf *b, uint32_t op, uint32_t name_len, const void *name,
			size_t name_bytes)
{
	struct bindox_coord_request hdr = { .op = op, .name_len = name_len };

	bxt_buf_clear(b);
	bxt_buf_put(b, &hdr, sizeof(hdr));
	bxt_buf_put(b, name, name_bytes);
}

START_TEST(driver_refuses_malformed_requests)
{
	static const char *const bad_names[] = { "a b", "a/b", "a:b", "caf\xc3\xa9", "x\ny",
						 "a*", "" };
	BxtCoord *co = bxt_coord_start_ck();
	int srv = bxt_open_ck(), cli = bxt_open_ck();
	char long_name[BINDOX_NAME_MAX + 2];
	unsigned int accepted;
	uint32_t h, other;
	BxtBuf b;
	size_t i;

	other = bxt_link_ck(srv, 0x5, cli);
	accepted = bxt_coord_calls(co);
	bxt_buf_init(&b);

	/* Unknown operations. */
	request_raw(&b, 0, 3, "abc", 3);
	expect_refused(cli, &b, "op 0");
	request_raw(&b, 4, 3, "abc", 3);
	expect_refused(cli, &b, "op 4");
	request_raw(&b, 0xffffffffU, 3, "abc", 3);
	expect_refused(cli, &b, "op ~0");

	/* Names: characters, empty, too long, longer than the data. */
	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		bxt_coord_request(&b, BINDOX_COORD_LOOKUP, bad_names[i], strlen(bad_names[i]),
				  false, 0);
		expect_refused(cli, &b, bad_names[i]);
	}
	request_raw(&b, BINDOX_COORD_LOOKUP, 3, "a\0b", 3);
	expect_refused(cli, &b, "NUL in name");
	memset(long_name, 'n', sizeof(long_name));
	request_raw(&b, BINDOX_COORD_LOOKUP, BINDOX_NAME_MAX + 1, long_name,
		    BINDOX_NAME_MAX + 1);
	expect_refused(cli, &b, "name of BINDOX_NAME_MAX + 1 bytes");
	request_raw(&b, BINDOX_COORD_LOOKUP, 10, "abc", 3);
	expect_refused(cli, &b, "name_len beyond the data");
	request_raw(&b, BINDOX_COORD_LOOKUP, 0xffffffffU, "abc", 3);
	expect_refused(cli, &b, "name_len ~0");

	/* Shorter than the header; no data at all. */
	bxt_buf_clear(&b);
	bxt_buf_put(&b, "\x02\0\0\0", 4);
	expect_refused(cli, &b, "4 bytes");
	bxt_buf_clear(&b);
	expect_refused(cli, &b, "no data");

	/* REGISTER needs exactly one NODE right after the name. */
	bxt_coord_request(&b, BINDOX_COORD_REGISTER, "svc", 3, false, 0);
	expect_refused(cli, &b, "REGISTER without object");
	bxt_coord_request(&b, BINDOX_COORD_REGISTER, "svc", 3, true, 1);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 2);
	expect_refused(cli, &b, "REGISTER with two nodes");
	bxt_coord_request(&b, BINDOX_COORD_REGISTER, "svc", 3, false, 0);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, other);
	expect_refused(cli, &b, "REGISTER with a handle");
	bxt_coord_request(&b, BINDOX_COORD_REGISTER, "svc", 3, false, 0);
	bxt_buf_u64(&b, 0);
	bxt_buf_obj(&b, BINDOX_OBJ_NODE, 1);
	expect_refused(cli, &b, "REGISTER with the node 8 bytes late");

	/* LOOKUP and UNREGISTER carry no objects. */
	bxt_coord_request(&b, BINDOX_COORD_LOOKUP, "svc", 3, true, 1);
	expect_refused(cli, &b, "LOOKUP with a node");
	bxt_coord_request(&b, BINDOX_COORD_UNREGISTER, "svc", 3, false, 0);
	bxt_buf_obj(&b, BINDOX_OBJ_HANDLE, other);
	expect_refused(cli, &b, "UNREGISTER with a handle");

	/* No one-way messages to the Coordinator. */
	bxt_coord_request(&b, BINDOX_COORD_LOOKUP, "svc", 3, false, 0);
	BXT_ERR(bxt_send(cli, BINDOX_HANDLE_COORDINATOR, &b), EINVAL);

	/* None of it reached the Coordinator. */
	ck_assert_uint_eq(bxt_coord_calls(co), accepted);

	/* The limits themselves are accepted: 255 bytes, every allowed class. */
	memset(long_name, 'n', BINDOX_NAME_MAX);
	long_name[BINDOX_NAME_MAX] = '\0';
	ck_assert_int_eq(bxt_lookup(cli, long_name, &h), -ENOENT);
	ck_assert_int_eq(bxt_lookup(cli, "Az09._-", &h), -ENOENT);
	ck_assert_uint_eq(bxt_coord_calls(co), accepted + 2);

	close(cli);
	close(srv);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

/*
 * The UAPI allows [A-Za-z0-9._-] in names only. The kernel's isalnum()
 * counts the Latin-1 letters (bytes 0xC0-0xFF but 0xD7 and 0xF7) as
 * alphanumeric: guards that the driver's name check does not rely on it
 * and such names never reach the Coordinator.
 */
START_TEST(driver_refuses_non_ascii_names)
{
	static const char *const names[] = { "caf\xe9", "\xc0", "x\xff", "\xdf\xe4\xf6" };
	BxtCoord *co = bxt_coord_start_ck();
	int cli = bxt_open_ck();
	unsigned int before = bxt_coord_calls(co);
	BxtBuf b;
	size_t i;

	bxt_buf_init(&b);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "name with byte %#x",
			 (unsigned char)names[i][strlen(names[i]) - 1]);
		bxt_coord_request(&b, BINDOX_COORD_LOOKUP, names[i], strlen(names[i]), false, 0);
		expect_refused(cli, &b, what);
	}
	ck_assert_uint_eq(bxt_coord_calls(co), before);
	close(cli);
	bxt_coord_stop(co);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *register_suite(void)
{
	Suite *s = suite_create("register");
	TCase *tc = bxt_tcase(s, "registry");

	tcase_add_test(tc, register_lookup_call);
	tcase_add_test(tc, lookup_unknown_and_unregister);
	tcase_add_test(tc, registration_dies_with_server);
	tc = bxt_tcase(s, "form");
	tcase_add_test(tc, driver_refuses_malformed_requests);
	tcase_add_test(tc, driver_refuses_non_ascii_names);
	return s;
}

int main(void)
{
	return bxt_run(register_suite());
}
