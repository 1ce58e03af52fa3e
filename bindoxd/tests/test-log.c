/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxd's log (log.c): the journal fields of a message, the choice
 * between the journal and plain text from JOURNAL_STREAM and stderr, and
 * plain text without "<N>" prefixes. Sending to the journal itself is
 * tested in the VM (tests/integration/test-bindoxctl).
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib.h>
#include "log.h"
#include "check-main.h"

static void free_fields(char **fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		g_free(fields[i]);
}

START_TEST(test_fields_all)
{
	const LogFields f = {
		.message_id = LOG_MESSAGE_DENIED,
		.service = "vendor.camera",
		.domain = "android-ivi",
		.policy_file = "/etc/bindox/policy.d/10-a.xml",
	};
	char *out[LOG_FIELDS_MAX];
	size_t n = log_fields_build(LOG_NOTICE, &f, "lookup denied", out);

	ck_assert_uint_eq(n, 7);
	ck_assert_str_eq(out[0], "PRIORITY=5");
	ck_assert_str_eq(out[1], "MESSAGE=lookup denied");
	ck_assert_str_eq(out[2], "SYSLOG_IDENTIFIER=bindoxd");
	ck_assert_str_eq(out[3], "MESSAGE_ID=f4da8c35426c479cbacb558ebcaa568c");
	ck_assert_str_eq(out[4], "BINDOX_SERVICE=vendor.camera");
	ck_assert_str_eq(out[5], "BINDOX_DOMAIN=android-ivi");
	ck_assert_str_eq(out[6], "BINDOX_POLICY_FILE=/etc/bindox/policy.d/10-a.xml");
	free_fields(out, n);
}
END_TEST

START_TEST(test_fields_only_those_set)
{
	char *out[LOG_FIELDS_MAX];
	size_t n = log_fields_build(LOG_ERR, NULL, "plain", out);

	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(out[0], "PRIORITY=3");
	free_fields(out, n);

	n = log_fields_build(LOG_INFO, &(LogFields){ .domain = "guest" }, "x", out);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(out[3], "BINDOX_DOMAIN=guest");
	free_fields(out, n);
}
END_TEST

/* Each id is 128 bits in lower-case hex, and no two are the same. */
START_TEST(test_message_ids)
{
	static const char *const ids[] = {
		LOG_MESSAGE_DENIED,
		LOG_MESSAGE_POLICY_RELOADED,
		LOG_MESSAGE_POLICY_RELOAD_FAILED,
		LOG_MESSAGE_DOMAINS_RELOADED,
	};
	size_t i, j;

	for (i = 0; i < G_N_ELEMENTS(ids); i++) {
		ck_assert_uint_eq(strlen(ids[i]), 32);
		ck_assert_uint_eq(strspn(ids[i], "0123456789abcdef"), 32);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(ids[i], ids[j]);
	}
}
END_TEST

static char tmpdir[64];

/* Points stderr at a new file in tmpdir; returns its dev:ino. */
static char *stderr_to_file(const char *name)
{
	g_autofree char *path = g_build_filename(tmpdir, name, NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct stat st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
	ck_assert_int_eq(fstat(STDERR_FILENO, &st), 0);
	return g_strdup_printf("%llu:%llu", (unsigned long long)st.st_dev,
			       (unsigned long long)st.st_ino);
}

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s", "/tmp/test-log.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	GDir *dir = g_dir_open(tmpdir, 0, NULL);
	const char *name;

	while (dir && (name = g_dir_read_name(dir))) {
		g_autofree char *path = g_build_filename(tmpdir, name, NULL);

		unlink(path);
	}
	if (dir)
		g_dir_close(dir);
	rmdir(tmpdir);
}

START_TEST(test_journal_when_stream_matches)
{
	g_autofree char *id = stderr_to_file("journal");

	setenv("JOURNAL_STREAM", id, 1);
	log_setup();
	ck_assert(log_to_journal());
}
END_TEST

START_TEST(test_plain_when_stream_differs)
{
	g_autofree char *other = stderr_to_file("other");
	g_autofree char *id = stderr_to_file("stderr");

	/* systemd's variable, inherited by something that redirected stderr. */
	setenv("JOURNAL_STREAM", other, 1);
	log_setup();
	ck_assert(!log_to_journal());
	setenv("JOURNAL_STREAM", "garbage", 1);
	log_setup();
	ck_assert(!log_to_journal());
	unsetenv("JOURNAL_STREAM");
	log_setup();
	ck_assert(!log_to_journal());
	(void)id;
}
END_TEST

START_TEST(test_plain_text_has_no_level_prefix)
{
	g_autofree char *id = stderr_to_file("plain");
	g_autofree char *path = g_build_filename(tmpdir, "plain", NULL);
	g_autofree char *text = NULL;

	unsetenv("JOURNAL_STREAM");
	log_setup();
	log_error("cannot open %s: %s", "/dev/bindox", "No such file or directory");
	log_struct(LOG_NOTICE, &(LogFields){ .message_id = LOG_MESSAGE_DENIED, .service = "a.b" },
		   "lookup %s denied", "a.b");
	fflush(stderr);
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	ck_assert_str_eq(text, "bindoxd: cannot open /dev/bindox: No such file or directory\n"
			       "bindoxd: lookup a.b denied\n");
	(void)id;
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("fields");
	TCase *out = tcase_create("output");

	tcase_add_test(tc, test_fields_all);
	tcase_add_test(tc, test_fields_only_those_set);
	tcase_add_test(tc, test_message_ids);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(out, setup, teardown);
	tcase_add_test(out, test_journal_when_stream_matches);
	tcase_add_test(out, test_plain_when_stream_differs);
	tcase_add_test(out, test_plain_text_has_no_level_prefix);
	suite_add_tcase(s, out);
	return s;
}

TEST_MAIN(log_suite)
