/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The installed shared library with its real ioctl backend, where no driver
 * is needed: opening things that are not a bindox device fails cleanly.
 */

#include <errno.h>
#include <bindox/bindox.h>
#include "check-main.h"

START_TEST(test_open_errors)
{
	BindoxConn *c = NULL;

	ck_assert_int_eq(bindox_conn_open("/nonexistent/bindox", &c), -ENOENT);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &c), -ENOTTY);
	ck_assert_int_eq(bindox_conn_open("/", &c), -EISDIR);
	ck_assert_ptr_null(c);
}
END_TEST

static Suite *real_suite(void)
{
	Suite *s = suite_create("real-backend");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_open_errors);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(real_suite)
