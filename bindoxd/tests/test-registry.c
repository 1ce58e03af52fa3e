/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxd's registry (registry.c) on its own: names, duplicate refusal,
 * death cookies shared per handle, removal, listing order.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "registry.h"
#include "check-main.h"

static Registry *reg;
static const BindoxCreds owner = { .pid = 42, .euid = 1000, .egid = 100, .domain = 0 };

static void setup(void)
{
	reg = registry_new();
}

static void teardown(void)
{
	reg = registry_free(reg);
}

static Service *add(const char *name, uint32_t handle, bool *subscribe)
{
	Service *s = NULL;
	bool sub = false;

	ck_assert_int_eq(registry_add(reg, name, handle, &owner, "host", 1234, &s, &sub), 0);
	ck_assert_ptr_nonnull(s);
	if (subscribe)
		*subscribe = sub;
	return s;
}

START_TEST(test_add_find)
{
	bool subscribe = false;
	Service *s = add("vendor.camera.front", 7, &subscribe);

	ck_assert(subscribe);
	ck_assert_str_eq(s->name, "vendor.camera.front");
	ck_assert_str_eq(s->domain, "host");
	ck_assert_uint_eq(s->handle, 7);
	ck_assert_int_eq(s->owner.pid, 42);
	ck_assert_uint_eq(s->owner.euid, 1000);
	ck_assert_uint_eq(s->owner.egid, 100);
	ck_assert_uint_eq(s->registered_usec, 1234);
	ck_assert_uint_eq(s->clients, 0);
	ck_assert_uint_ne(s->death_cookie, 0);
	ck_assert_ptr_eq(registry_find(reg, "vendor.camera.front"), s);
	ck_assert_ptr_null(registry_find(reg, "vendor.camera.rear"));
	ck_assert_uint_eq(registry_count(reg), 1);
}
END_TEST

START_TEST(test_duplicate_refused)
{
	Service *first = add("a.b", 7, NULL), *s = NULL;
	bool subscribe = true;

	ck_assert_int_eq(registry_add(reg, "a.b", 8, &owner, "host", 1, &s, &subscribe), -EEXIST);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(registry_count(reg), 1);
	ck_assert_uint_eq(registry_find(reg, "a.b")->handle, 7);
	ck_assert_ptr_eq(registry_find(reg, "a.b"), first);
	/* The refused handle left no trace: a new name on it subscribes. */
	add("c.d", 8, &subscribe);
	ck_assert(subscribe);
}
END_TEST

START_TEST(test_names_share_a_handle)
{
	bool sub1 = false, sub2 = true, sub3 = false;
	Service *a = add("x.one", 5, &sub1);
	Service *b = add("x.two", 5, &sub2);
	Service *c = add("y.one", 6, &sub3);
	uint64_t cookie_a = a->death_cookie, cookie_c = c->death_cookie;

	ck_assert(sub1);
	ck_assert(!sub2);
	ck_assert(sub3);
	ck_assert_uint_eq(b->death_cookie, cookie_a);
	ck_assert_uint_ne(cookie_c, cookie_a);

	/* The first removal leaves the subscription to the other name. */
	ck_assert(!registry_remove(reg, a));
	ck_assert(registry_remove(reg, b));
	ck_assert(registry_remove(reg, c));
	ck_assert_uint_eq(registry_count(reg), 0);
}
END_TEST

START_TEST(test_find_by_cookie)
{
	Service *a = add("x.one", 5, NULL);
	GPtrArray *dead;

	add("x.two", 5, NULL);
	add("y.one", 6, NULL);

	dead = registry_find_by_cookie(reg, a->death_cookie);
	ck_assert_uint_eq(dead->len, 2);
	ck_assert_str_eq(((Service *)g_ptr_array_index(dead, 0))->name, "x.one");
	ck_assert_str_eq(((Service *)g_ptr_array_index(dead, 1))->name, "x.two");
	g_ptr_array_unref(dead);

	dead = registry_find_by_cookie(reg, 999);
	ck_assert_uint_eq(dead->len, 0);
	g_ptr_array_unref(dead);
}
END_TEST

START_TEST(test_list_sorted)
{
	static const char *const names[] = { "m.m", "a.z", "Z.a", "a.a", "0.0" };
	static const char *const sorted[] = { "0.0", "Z.a", "a.a", "a.z", "m.m" };
	GPtrArray *all;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(names); i++)
		add(names[i], (uint32_t)i + 1, NULL);
	all = registry_list(reg);
	ck_assert_uint_eq(all->len, G_N_ELEMENTS(sorted));
	for (i = 0; i < G_N_ELEMENTS(sorted); i++)
		ck_assert_str_eq(((Service *)g_ptr_array_index(all, i))->name, sorted[i]);
	g_ptr_array_unref(all);
}
END_TEST

START_TEST(test_handle_reused_after_removal)
{
	Service *a = add("x.one", 5, NULL);
	uint64_t old_cookie = a->death_cookie;
	bool subscribe = false;
	Service *b;

	ck_assert(registry_remove(reg, a));
	/* The driver may hand out handle 5 again for another node. */
	b = add("x.one", 5, &subscribe);
	ck_assert(subscribe);
	ck_assert_uint_ne(b->death_cookie, old_cookie);
}
END_TEST

START_TEST(test_many)
{
	char name[32];
	GPtrArray *all;
	unsigned int i;

	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "svc.%05u", i);
		add(name, i + 1, NULL);
	}
	ck_assert_uint_eq(registry_count(reg), 10000);
	all = registry_list(reg);
	ck_assert_str_eq(((Service *)g_ptr_array_index(all, 9999))->name, "svc.09999");
	g_ptr_array_unref(all);
	for (i = 0; i < 10000; i += 2) {
		snprintf(name, sizeof(name), "svc.%05u", i);
		ck_assert(registry_remove(reg, registry_find(reg, name)));
	}
	ck_assert_uint_eq(registry_count(reg), 5000);
}
END_TEST

static Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("registry");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_find);
	tcase_add_test(tc, test_duplicate_refused);
	tcase_add_test(tc, test_names_share_a_handle);
	tcase_add_test(tc, test_find_by_cookie);
	tcase_add_test(tc, test_list_sorted);
	tcase_add_test(tc, test_handle_reused_after_removal);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(registry_suite)
