/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxd's domains (domains.c): device names to domain names, and a udev
 * enumeration of the class "bindox" that, on a host without the module,
 * finds nothing and knows no id. The devices themselves are tested in the
 * VM (tests/integration/test-domain-files).
 */

#include <string.h>
#include <glib.h>
#include "domains.h"
#include "check-main.h"

static void assert_sysname(const char *sysname, const char *want)
{
	char *got = domains_name_from_sysname(sysname);

	if (want)
		ck_assert_str_eq(got, want);
	else
		ck_assert_ptr_null(got);
	g_free(got);
}

START_TEST(test_sysnames)
{
	assert_sysname("bindox", "host");
	assert_sysname("bindox-android-ivi", "android-ivi");
	assert_sysname("bindox-", NULL);
	assert_sysname("bindox!linux-adas", NULL);
	assert_sysname("bindoxx", NULL);
	assert_sysname("binder", NULL);
	assert_sysname("", NULL);
	assert_sysname(NULL, NULL);
}
END_TEST

START_TEST(test_enumerate)
{
	sd_event *event = NULL;
	Domains *ds = NULL;
	GPtrArray *all;
	guint i;

	ck_assert_int_ge(sd_event_new(&event), 0);
	ck_assert_int_eq(domains_new(event, NULL, NULL, &ds), 0);
	all = domains_list(ds);
	/* Whatever is there is a bindox device with a name and its id. */
	for (i = 0; i < all->len; i++) {
		const Domain *d = g_ptr_array_index(all, i);

		ck_assert_ptr_nonnull(d->name);
		ck_assert_ptr_nonnull(strstr(d->syspath, "/bindox"));
		ck_assert_ptr_eq(domains_find_by_id(ds, d->id), d);
		ck_assert_ptr_eq(domains_find(ds, d->name), d);
	}
	if (all->len == 0) {
		ck_assert_ptr_null(domains_find_by_id(ds, 0));
		ck_assert_ptr_null(domains_find(ds, "host"));
	}
	ck_assert_ptr_null(domains_find_by_id(ds, DOMAINS_NO_ID));
	domains_refresh(ds);
	g_ptr_array_unref(all);
	domains_free(ds);
	sd_event_unref(event);
}
END_TEST

static Suite *domains_suite(void)
{
	Suite *s = suite_create("domains");
	TCase *tc = tcase_create("domains");

	tcase_add_test(tc, test_sysnames);
	tcase_add_test(tc, test_enumerate);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(domains_suite)
