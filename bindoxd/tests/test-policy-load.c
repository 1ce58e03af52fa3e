/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading the policy folders: file selection, C-locale order, the admin
 * folder replacing and masking vendor files, and errors naming the file.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "policy-test-util.h"

static char *tmp_root;
static char *vendor;
static char *admin;

static void setup(void)
{
	tmp_root = g_dir_make_tmp("bindox-policy-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmp_root);
	vendor = g_build_filename(tmp_root, "vendor", NULL);
	admin = g_build_filename(tmp_root, "admin", NULL);
	ck_assert_int_eq(g_mkdir(vendor, 0755), 0);
	ck_assert_int_eq(g_mkdir(admin, 0755), 0);
}

static void remove_tree(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d))) {
			g_autofree char *child = g_build_filename(path, name, NULL);

			remove_tree(child);
		}
		g_dir_close(d);
		g_rmdir(path);
	} else {
		g_unlink(path);
	}
}

static void teardown(void)
{
	remove_tree(tmp_root);
	g_clear_pointer(&tmp_root, g_free);
	g_clear_pointer(&vendor, g_free);
	g_clear_pointer(&admin, g_free);
}

static char *write_file(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);

	ck_assert(g_file_set_contents(path, text, -1, NULL));
	return path;
}

/* A file with one rule: lookup of @service in domain "d". */
static char *write_rule(const char *dir, const char *name, const char *service)
{
	g_autofree char *xml = g_strdup_printf("<bindox-policy><policy domain=\"d\">"
					       "<allow lookup=\"%s\"/></policy></bindox-policy>\n",
					       service);

	return write_file(dir, name, xml);
}

static Policy *load_ok(const char *v, const char *a)
{
	g_autoptr(GError) error = NULL;
	Policy *p = policy_load_dirs(v, a, &test_resolver, NULL, &error);

	ck_assert_msg(p != NULL, "loading failed: %s", error ? error->message : "?");
	return p;
}

static void assert_load_fails(PolicyErrorCode code, const char *file, unsigned int line,
			      unsigned int column, const char *part)
{
	PolicyErrorLocation where = { 0 };
	g_autoptr(GError) error = NULL;

	ck_assert_ptr_null(policy_load_dirs(vendor, admin, &test_resolver, &where, &error));
	test_assert_failed(error, &where, code, file, line, column, part);
	policy_error_location_clear(&where);
}

/* The services of the rules, in order, joined with spaces. */
static char *services(const Policy *p)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < p->n_rules; i++) {
		g_autofree char *name = test_rule_string(p, p->rules[i].service_off,
							 p->rules[i].service_len);

		g_string_append_printf(s, "%s%s", i ? " " : "", name);
	}
	return g_string_free(s, FALSE);
}

START_TEST(test_override)
{
	g_autofree char *v10 = write_rule(vendor, "10-a.xml", "vendor.a");
	g_autofree char *v20 = write_rule(vendor, "20-b.xml", "vendor.b");
	g_autofree char *a20 = write_rule(admin, "20-b.xml", "admin.b");
	g_autofree char *a15 = write_rule(admin, "15-c.xml", "admin.c");
	Policy *p = load_ok(vendor, admin);
	g_autofree char *got = services(p);

	ck_assert_str_eq(got, "vendor.a admin.c admin.b");
	ck_assert_str_eq(p->files[0], v10);
	ck_assert_str_eq(p->files[1], a15);
	ck_assert_str_eq(p->files[2], a20);
	ck_assert_ptr_null(p->files[3]);
	/* Origins name their file; rules keep their source index. */
	ck_assert_uint_eq(p->n_origins, 3);
	ck_assert_str_eq(p->origins[p->rules[2].source].file, a20);
	ck_assert_uint_eq(p->origins[2].line, 1);
	ck_assert_uint_eq(p->origins[2].column, 35);
	/* One blob for all files: "d" is stored once. */
	ck_assert_uint_eq(p->strings_size, strlen("d" "vendor.a" "admin.c" "admin.b"));
	policy_free(p);
}
END_TEST

START_TEST(test_order_and_selection)
{
	g_autofree char *f1 = write_rule(vendor, "9-y.xml", "s.9");
	g_autofree char *f2 = write_rule(vendor, "10-x.xml", "s.10");
	g_autofree char *f3 = write_rule(admin, "a.xml", "s.a");
	g_autofree char *f4 = write_rule(admin, "B.xml", "s.B");
	g_autofree char *f5 = write_rule(admin, "_.xml", "s._");
	/* Not policy files: other suffixes, hidden files, folders. */
	g_autofree char *n1 = write_file(admin, "README", "not xml");
	g_autofree char *n2 = write_file(admin, "a.xml~", "not xml");
	g_autofree char *n3 = write_file(admin, ".hidden.xml", "not xml");
	g_autofree char *n4 = write_file(vendor, "x.xml.dpkg-dist", "not xml");
	g_autofree char *n5 = write_file(vendor, ".xml", "not xml");
	g_autofree char *dir = g_build_filename(vendor, "dir.xml", NULL);
	Policy *p;
	g_autofree char *got = NULL;

	ck_assert_int_eq(g_mkdir(dir, 0755), 0);
	p = load_ok(vendor, admin);
	got = services(p);
	/* Byte order: digits, upper case, "_", lower case. */
	ck_assert_str_eq(got, "s.10 s.9 s.B s._ s.a");
	policy_free(p);
}
END_TEST

START_TEST(test_mask)
{
	g_autofree char *v10 = write_rule(vendor, "10-a.xml", "vendor.a");
	g_autofree char *v20 = write_rule(vendor, "20-b.xml", "vendor.b");
	g_autofree char *link = g_build_filename(admin, "20-b.xml", NULL);
	Policy *p;
	g_autofree char *got = NULL;

	ck_assert_int_eq(symlink("/dev/null", link), 0);
	p = load_ok(vendor, admin);
	got = services(p);
	ck_assert_str_eq(got, "vendor.a");
	ck_assert_str_eq(p->files[0], v10);
	ck_assert_ptr_null(p->files[1]);
	policy_free(p);
}
END_TEST

START_TEST(test_no_files)
{
	g_autofree char *missing = g_build_filename(tmp_root, "missing", NULL);
	Policy *p = load_ok(vendor, admin);

	ck_assert_uint_eq(p->n_rules, 0);
	ck_assert_ptr_null(p->files[0]);
	policy_free(p);

	p = load_ok(missing, NULL);
	ck_assert_uint_eq(p->n_rules, 0);
	policy_free(p);

	p = load_ok(NULL, NULL);
	ck_assert_uint_eq(p->n_rules, 0);
	ck_assert(test_check(p, BINDOX_POLICY_ACT_REGISTER, "host", 0, 0, "a", NULL, NULL));
	policy_free(p);
}
END_TEST

/* One bad file fails the load and is named, with the place in it. */
START_TEST(test_bad_file)
{
	g_autofree char *v10 = write_rule(vendor, "10-a.xml", "vendor.a");
	g_autofree char *a20 = write_file(admin, "20-b.xml",
					  "<bindox-policy>\n  <policy domain=\"d\" user=\"nobody-here\"/>\n"
					  "</bindox-policy>\n");
	g_autofree char *v30 = write_rule(vendor, "30-c.xml", "vendor.c*");

	assert_load_fails(POLICY_ERROR_USER, a20, 2, 28, "unknown user \"nobody-here\"");
	/* With that fixed, the next bad file. */
	g_free(write_rule(admin, "20-b.xml", "admin.b"));
	assert_load_fails(POLICY_ERROR_WILDCARD, v30, 1, 50, "bad wildcard \"vendor.c*\"");
	/* An empty file. */
	g_free(write_rule(vendor, "30-c.xml", "vendor.c"));
	g_free(write_file(admin, "40-empty.xml", ""));
	{
		g_autofree char *empty = g_build_filename(admin, "40-empty.xml", NULL);

		assert_load_fails(POLICY_ERROR_SYNTAX, empty, 1, 1, "the file is empty");
	}
}
END_TEST

START_TEST(test_io_errors)
{
	g_autofree char *link = g_build_filename(admin, "10-dangling.xml", NULL);
	g_autofree char *not_dir = write_file(tmp_root, "file", "x");
	PolicyErrorLocation where = { 0 };
	g_autoptr(GError) error = NULL;

	/* A dangling link cannot be read. */
	ck_assert_int_eq(symlink("/nonexistent/bindox.xml", link), 0);
	assert_load_fails(POLICY_ERROR_IO, link, 0, 0,
			  "cannot read: No such file or directory");

	/* A folder that is not one. */
	ck_assert_ptr_null(policy_load_dirs(not_dir, NULL, &test_resolver, &where, &error));
	test_assert_failed(error, &where, POLICY_ERROR_IO, not_dir, 0, 0,
			   "cannot open the folder: Not a directory");
	policy_error_location_clear(&where);
}
END_TEST

/* A sparse file just over the size limit: refused before parsing. */
START_TEST(test_file_too_large)
{
	g_autofree char *path = g_build_filename(vendor, "50-large.xml", NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)POLICY_MAX_FILE_SIZE + 4096), 0);
	close(fd);
	assert_load_fails(POLICY_ERROR_LIMIT, path, 0, 0, "the file is larger than");
}
END_TEST

/* BINDOX_POLICY_MAX_RULES counts the rules of all files together. */
START_TEST(test_rule_limit_across_files)
{
	GString *xml = g_string_new(NULL);
	g_autofree char *second = NULL;
	unsigned int i;

	g_string_append(xml, "<bindox-policy><policy domain=\"d\">\n");
	for (i = 0; i < 40000; i++)
		g_string_append_printf(xml, "<allow call=\"s%u\"/>\n", i);
	g_string_append(xml, "</policy></bindox-policy>\n");
	g_free(write_file(vendor, "10-first.xml", xml->str));
	second = write_file(admin, "20-second.xml", xml->str);
	/* 25536 rules of the second file fit; the next, on line 25538, does not. */
	assert_load_fails(POLICY_ERROR_LIMIT, second, 25538, 1, "too many rules");
	g_string_free(xml, TRUE);
}
END_TEST

static Suite *load_suite(void)
{
	Suite *s = suite_create("policy-load");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_override);
	tcase_add_test(tc, test_order_and_selection);
	tcase_add_test(tc, test_mask);
	tcase_add_test(tc, test_no_files);
	tcase_add_test(tc, test_bad_file);
	tcase_add_test(tc, test_io_errors);
	tcase_add_test(tc, test_file_too_large);
	tcase_add_test(tc, test_rule_limit_across_files);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(load_suite)
