/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindox_strerror() and bindox_errno_name().
 */

#include <errno.h>
#include <string.h>
#include <bindox/bindox.h>
#include "check-main.h"

START_TEST(test_strerror)
{
	ck_assert_str_eq(bindox_strerror(-BINDOX_EDEADPEER), "peer died");
	ck_assert_str_eq(bindox_strerror(-EOWNERDEAD), "peer died");
	ck_assert_str_eq(bindox_strerror(BINDOX_EDEADPEER), "peer died");
	ck_assert_str_eq(bindox_strerror(0), "success");
	ck_assert_str_eq(bindox_strerror(-EINVAL), "invalid argument");
	ck_assert_str_eq(bindox_strerror(-EBADMSG), "malformed message");
	ck_assert_str_eq(bindox_strerror(-ETIMEDOUT), "timed out");
	ck_assert_str_eq(bindox_strerror(-EAGAIN), bindox_strerror(-EWOULDBLOCK));
	ck_assert_str_eq(bindox_strerror(-123456), "unknown error");
	ck_assert_str_eq(bindox_strerror(-2147483647 - 1), "unknown error");
}
END_TEST

START_TEST(test_errno_name)
{
	static const int codes[] = {
		EPERM, ENOENT, EINTR, EAGAIN, ENOMEM, EACCES, EFAULT, EEXIST, EINVAL,
		ENOTTY, EPROTO, EBADMSG, EMSGSIZE, ETIMEDOUT, EOWNERDEAD, ENOBUFS,
	};
	size_t i;

	ck_assert_str_eq(bindox_errno_name(-BINDOX_EDEADPEER), "BINDOX_EDEADPEER");
	ck_assert_str_eq(bindox_errno_name(-EMSGSIZE), "EMSGSIZE");
	ck_assert_str_eq(bindox_errno_name(EPROTO), "EPROTO");
	ck_assert_ptr_null(bindox_errno_name(-123456));
	ck_assert_ptr_null(bindox_errno_name(0));

	/* Every code the library documents has a name and a description. */
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_ptr_nonnull(bindox_errno_name(-codes[i]));
		ck_assert_str_ne(bindox_strerror(-codes[i]), "unknown error");
	}
}
END_TEST

static Suite *strerror_suite(void)
{
	Suite *s = suite_create("strerror");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_errno_name);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(strerror_suite)
