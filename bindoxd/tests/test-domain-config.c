/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The domain files (domain-config.c): a good file, defaults, every kind of
 * bad input with its place (FILE:LINE:COLUMN), and the folders: a bad file
 * skipped while the others count, a name declared by two files, /etc
 * replacing and masking /usr/share.
 */

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "domain-config.h"
#include "policy-test-util.h"

/* ---- one document ---- */

static GPtrArray *parse_ok(const char *xml)
{
	g_autoptr(GError) error = NULL;
	GPtrArray *decls;

	decls = domain_config_parse("test.xml", xml, strlen(xml), &test_resolver, NULL, &error);
	ck_assert_msg(decls != NULL, "refused: %s\n%s", error ? error->message : "?", xml);
	return decls;
}

static void assert_parse_error(const char *xml, PolicyErrorCode code, unsigned int line,
			       unsigned int column, const char *part)
{
	PolicyErrorLocation where = { 0 };
	g_autoptr(GError) error = NULL;
	GPtrArray *decls;

	decls = domain_config_parse("test.xml", xml, strlen(xml), &test_resolver, &where, &error);
	ck_assert_msg(decls == NULL, "accepted:\n%s", xml);
	test_assert_failed(error, &where, code, "test.xml", line, column, part);
	policy_error_location_clear(&where);
}

/* A document with one <domain ATTRS>INNER</domain> on line 2, at column 3. */
static char *one_domain(const char *attrs, const char *inner)
{
	return g_strdup_printf("<bindox-domains>\n  <domain %s>%s</domain>\n</bindox-domains>\n",
			       attrs, inner);
}

START_TEST(test_good_file)
{
	static const char xml[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- two containers -->\n"
		"<bindox-domains>\n"
		"  <domain name=\"android-ivi\" user=\"cameraserver\" group=\"video\"\n"
		"          mode=\"0660\" remove=\"force\">\n"
		"    <limits connections=\"64\" handles=\"1000\" nodes=\"200\" calls=\"32\"\n"
		"            oneway=\"16\" oneway-bytes=\"1M\" buffer-bytes=\"2G\"/>\n"
		"  </domain>\n"
		"  <domain name=\"linux-adas\" user=\"100000\" group=\"100000\" mode=\"660\"/>\n"
		"</bindox-domains>\n";
	g_autoptr(GPtrArray) decls = parse_ok(xml);
	const DomainDecl *a, *b;

	ck_assert_uint_eq(decls->len, 2);
	a = g_ptr_array_index(decls, 0);
	ck_assert_str_eq(a->name, "android-ivi");
	ck_assert_uint_eq(a->uid, 101047);
	ck_assert_uint_eq(a->gid, 44);
	ck_assert_uint_eq(a->mode, 0660);
	ck_assert(a->force_remove);
	ck_assert_uint_eq(a->limits.max_connections, 64);
	ck_assert_uint_eq(a->limits.max_handles, 1000);
	ck_assert_uint_eq(a->limits.max_nodes, 200);
	ck_assert_uint_eq(a->limits.max_calls, 32);
	ck_assert_uint_eq(a->limits.max_oneway, 16);
	ck_assert_uint_eq(a->limits.max_oneway_bytes, 1U << 20);
	ck_assert_uint_eq(a->limits.max_buffer_bytes, 2ULL << 30);
	ck_assert_str_eq(a->file, "test.xml");
	ck_assert_uint_eq(a->line, 4);
	ck_assert_uint_eq(a->column, 17);

	b = g_ptr_array_index(decls, 1);
	ck_assert_str_eq(b->name, "linux-adas");
	ck_assert_uint_eq(b->uid, 100000);
	ck_assert_uint_eq(b->gid, 100000);
	ck_assert_uint_eq(b->mode, 0660);
	ck_assert(!b->force_remove);
	ck_assert_uint_eq(b->limits.max_connections, 0);
	ck_assert_uint_eq(b->limits.max_buffer_bytes, 0);
	ck_assert_uint_eq(b->line, 9);
}
END_TEST

START_TEST(test_defaults_and_empty)
{
	g_autoptr(GPtrArray) decls = parse_ok("<bindox-domains><domain name=\"g\"/></bindox-domains>");
	g_autoptr(GPtrArray) none = parse_ok("<bindox-domains/>");
	const DomainDecl *d = g_ptr_array_index(decls, 0);
	struct bindox_domain_limits zero = { 0 };

	ck_assert_uint_eq(d->uid, 0);
	ck_assert_uint_eq(d->gid, 0);
	ck_assert_uint_eq(d->mode, DOMAIN_DEFAULT_MODE);
	ck_assert(!d->force_remove);
	ck_assert_mem_eq(&d->limits, &zero, sizeof(zero));
	ck_assert_uint_eq(none->len, 0);

	/* remove="wait" is the default spelled out; the largest limits pass. */
	g_ptr_array_unref(parse_ok("<bindox-domains><domain name=\"w\" remove=\"wait\" mode=\"0\">"
				   "<limits connections=\"65536\" handles=\"16777216\" "
				   "nodes=\"16777216\" calls=\"65536\" oneway=\"65536\" "
				   "oneway-bytes=\"1G\" buffer-bytes=\"16T\"/>"
				   "</domain></bindox-domains>"));
}
END_TEST

START_TEST(test_syntax_errors)
{
	/* The end tag that does not match is the error, at its place. */
	assert_parse_error("<bindox-domains>\n  <domain name=\"a\">\n</bindox-domains>\n",
			   POLICY_ERROR_SYNTAX, 3, 17, "XML syntax");
	assert_parse_error("<bindox-domains>\n  <domain name=\"a\"/\n</bindox-domains>\n",
			   POLICY_ERROR_SYNTAX, 2, 20, "XML syntax");
	assert_parse_error("", POLICY_ERROR_SYNTAX, 1, 1, "empty");
	assert_parse_error("<!-- nothing -->\n", POLICY_ERROR_SYNTAX, 2, 1,
			   "no <bindox-domains>");
	assert_parse_error("<bindox-policy/>", POLICY_ERROR_ELEMENT, 1, 1,
			   "<bindox-domains>");
	assert_parse_error("<bindox-domains>\n<domain name=\"a\"><limits/><limits/></domain>"
			   "</bindox-domains>",
			   POLICY_ERROR_ELEMENT, 2, 27, "a second <limits>");
	assert_parse_error("<bindox-domains>\n <policy domain=\"a\"/></bindox-domains>",
			   POLICY_ERROR_ELEMENT, 2, 2, "unknown element <policy>");
	assert_parse_error("<bindox-domains>\n <limits/></bindox-domains>",
			   POLICY_ERROR_ELEMENT, 2, 2, "holds <domain> elements only");
	assert_parse_error("<bindox-domains>\n <domain name=\"a\">x</domain></bindox-domains>",
			   POLICY_ERROR_ELEMENT, 2, 19, "text is not allowed");
	assert_parse_error("<bindox-domains>\n <domain nam=\"a\"/></bindox-domains>",
			   POLICY_ERROR_ATTRIBUTE, 2, 10, "unknown attribute \"nam\"");
	assert_parse_error("<bindox-domains>\n <domain mode=\"0600\"/></bindox-domains>",
			   POLICY_ERROR_ATTRIBUTE, 2, 2, "needs a name");
	assert_parse_error("<bindox-domains>\n <domain name=\"a\" remove=\"now\"/></bindox-domains>",
			   POLICY_ERROR_ATTRIBUTE, 2, 27, "invalid remove=\"now\"");
}
END_TEST

START_TEST(test_unknown_user_and_group)
{
	g_autofree char *user = one_domain("name=\"a\" user=\"nosuchuser\"", "");
	g_autofree char *group = one_domain("name=\"a\" user=\"daemon\" group=\"nosuchgroup\"", "");
	g_autofree char *empty = one_domain("name=\"a\" user=\"\"", "");
	g_autofree char *range = one_domain("name=\"a\" group=\"4294967295\"", "");

	assert_parse_error(user, POLICY_ERROR_USER, 2, 26, "unknown user \"nosuchuser\"");
	assert_parse_error(group, POLICY_ERROR_USER, 2, 41,
			   "unknown group \"nosuchgroup\"");
	assert_parse_error(empty, POLICY_ERROR_ATTRIBUTE, 2, 26, "empty user");
	assert_parse_error(range, POLICY_ERROR_ATTRIBUTE, 2, 27, "out of range");
}
END_TEST

START_TEST(test_bad_names)
{
	static const char *const bad[] = {
		"host", "control", "Android", "-a", ".a", "_a", "a/b", "a b", "a*",
		"abcdefghijklmnopqrstuvwxyz012345",	/* 32 characters */
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *attrs = g_strdup_printf("name=\"%s\"", bad[i]);
		g_autofree char *xml = one_domain(attrs, "");

		assert_parse_error(xml, POLICY_ERROR_ATTRIBUTE, 2, 17,
				   "invalid domain name");
	}
	g_ptr_array_unref(parse_ok("<bindox-domains><domain name=\"abcdefghijklmnopqrstuvwxyz01234\"/>"
				   "<domain name=\"0.a_b-c\"/></bindox-domains>"));
	ck_assert(domain_name_is_valid("android-ivi"));
	ck_assert(!domain_name_is_valid(""));
	ck_assert(!domain_name_is_valid("host"));
}
END_TEST

START_TEST(test_bad_modes)
{
	static const char *const refused[] = { "0666", "0777", "0606", "0001", "1770", "4770" };
	static const char *const invalid[] = { "", "abc", "0880", "rw", "00660", "-660" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(refused); i++) {
		g_autofree char *attrs = g_strdup_printf("name=\"a\" mode=\"%s\"", refused[i]);
		g_autofree char *xml = one_domain(attrs, "");

		assert_parse_error(xml, POLICY_ERROR_ATTRIBUTE, 2, 26, "at most 0770");
	}
	for (i = 0; i < G_N_ELEMENTS(invalid); i++) {
		g_autofree char *attrs = g_strdup_printf("name=\"a\" mode=\"%s\"", invalid[i]);
		g_autofree char *xml = one_domain(attrs, "");

		assert_parse_error(xml, POLICY_ERROR_ATTRIBUTE, 2, 26, "invalid mode");
	}
}
END_TEST

START_TEST(test_limits_out_of_range)
{
	static const struct {
		const char *attr;
		PolicyErrorCode code;
		const char *part;
	} cases[] = {
		{ "connections=\"65537\"", POLICY_ERROR_LIMIT, "out of range: 1 to 65536" },
		{ "connections=\"0\"", POLICY_ERROR_LIMIT, "leave it out" },
		{ "handles=\"16777217\"", POLICY_ERROR_LIMIT, "out of range" },
		{ "nodes=\"99999999999999999999999\"", POLICY_ERROR_LIMIT, "out of range" },
		{ "calls=\"65537\"", POLICY_ERROR_LIMIT, "out of range" },
		{ "oneway=\"70000\"", POLICY_ERROR_LIMIT, "out of range" },
		{ "oneway-bytes=\"1025M\"", POLICY_ERROR_LIMIT, "out of range" },
		{ "buffer-bytes=\"17T\"", POLICY_ERROR_LIMIT, "out of range" },
		{ "buffer-bytes=\"0K\"", POLICY_ERROR_LIMIT, "out of range" },
		{ "connections=\"1K\"", POLICY_ERROR_ATTRIBUTE, "invalid connections" },
		{ "buffer-bytes=\"1X\"", POLICY_ERROR_ATTRIBUTE, "invalid buffer-bytes" },
		{ "buffer-bytes=\"K\"", POLICY_ERROR_ATTRIBUTE, "invalid buffer-bytes" },
		{ "calls=\"-1\"", POLICY_ERROR_ATTRIBUTE, "invalid calls" },
		{ "calls=\"\"", POLICY_ERROR_ATTRIBUTE, "invalid calls" },
		{ "pipes=\"1\"", POLICY_ERROR_ATTRIBUTE, "unknown attribute \"pipes\"" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *inner = g_strdup_printf("<limits %s/>", cases[i].attr);
		g_autofree char *xml = one_domain("name=\"a\"", inner);
		/* Attribute names start at column 28, their values after NAME=". */
		bool at_name = strstr(cases[i].part, "unknown") != NULL;
		unsigned int column = 28 + (at_name ? 0 : (unsigned int)(strchr(cases[i].attr, '"') -
									  cases[i].attr + 1));

		assert_parse_error(xml, cases[i].code, 2, column, cases[i].part);
	}
}
END_TEST

START_TEST(test_duplicate_in_file)
{
	assert_parse_error("<bindox-domains>\n <domain name=\"a\"/>\n <domain name=\"a\"/>\n"
			   "</bindox-domains>",
			   POLICY_ERROR_ATTRIBUTE, 3, 16, "declared twice (first at line 2)");
}
END_TEST

/* The shipped example is a good file. */
START_TEST(test_example_file)
{
	g_autofree char *dir = g_build_filename(BINDOX_POLICY_SOURCE_DIR, "examples", "domains.d",
						NULL);
	g_autoptr(DomainConfig) c = domain_config_load_dirs(NULL, dir, &test_resolver);
	const DomainDecl *ivi;

	ck_assert_msg(c->errors->len == 0, "%s", c->errors->len ?
		      (char *)g_ptr_array_index(c->errors, 0) : "");
	ck_assert_uint_eq(c->domains->len, 2);
	ivi = domain_config_find(c, "android-ivi");
	ck_assert_ptr_nonnull(ivi);
	ck_assert_uint_eq(ivi->uid, 100000);
	ck_assert(ivi->force_remove);
	ck_assert_uint_eq(ivi->limits.max_buffer_bytes, 2ULL << 30);
	ck_assert_uint_eq(domain_config_find(c, "linux-adas")->mode, 0660);
}
END_TEST

/* ---- the folders ---- */

static char *tmp_root;
static char *vendor;
static char *admin;

static void setup(void)
{
	tmp_root = g_dir_make_tmp("bindox-domains-XXXXXX", NULL);
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

static void write_file(const char *dir, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);

	ck_assert(g_file_set_contents(path, text, -1, NULL));
}

static DomainConfig *load(void)
{
	return domain_config_load_dirs(vendor, admin, &test_resolver);
}

/* The declared names, joined with spaces. */
static char *names(const DomainConfig *c)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < c->domains->len; i++) {
		const DomainDecl *d = g_ptr_array_index(c->domains, i);

		g_string_append_printf(s, "%s%s", i ? " " : "", d->name);
	}
	return g_string_free(s, FALSE);
}

START_TEST(test_dirs_missing_and_empty)
{
	g_autoptr(DomainConfig) none = domain_config_load_dirs(NULL, NULL, &test_resolver);
	g_autoptr(DomainConfig) missing = domain_config_load_dirs("/nonexistent/a", "/nonexistent/b",
								  &test_resolver);
	g_autoptr(DomainConfig) empty = load();

	ck_assert_uint_eq(none->domains->len, 0);
	ck_assert_uint_eq(missing->domains->len, 0);
	ck_assert_uint_eq(missing->errors->len, 0);
	ck_assert(!missing->incomplete);
	ck_assert_uint_eq(empty->domains->len, 0);
}
END_TEST

START_TEST(test_bad_file_skipped)
{
	g_autoptr(DomainConfig) c = NULL;
	g_autofree char *got = NULL;
	g_autofree char *bad = g_build_filename(admin, "20-bad.xml", NULL);
	g_autofree char *prefix = g_strdup_printf("%s:4:17: ", bad);

	write_file(admin, "10-good.xml",
		   "<bindox-domains><domain name=\"b\"/><domain name=\"a\"/></bindox-domains>");
	write_file(admin, "20-bad.xml",
		   "<bindox-domains>\n <domain name=\"c\"/>\n <domain name=\"d\">\n"
		   "</bindox-domains>\n");
	write_file(admin, "30-user.xml",
		   "<bindox-domains><domain name=\"e\" user=\"ghost\"/></bindox-domains>");
	write_file(admin, "40-good.xml", "<bindox-domains><domain name=\"f\"/></bindox-domains>");
	write_file(admin, "notes.txt", "not a domain file");
	write_file(admin, ".hidden.xml", "<broken");
	c = load();
	got = names(c);
	ck_assert_str_eq(got, "a b f");
	ck_assert_uint_eq(c->errors->len, 2);
	ck_assert(domain_config_file_is_bad(c, "20-bad.xml"));
	ck_assert(domain_config_file_is_bad(c, "30-user.xml"));
	ck_assert(!domain_config_file_is_bad(c, "10-good.xml"));
	ck_assert(!c->incomplete);
	ck_assert_msg(g_str_has_prefix(g_ptr_array_index(c->errors, 0), prefix), "%s",
		      (char *)g_ptr_array_index(c->errors, 0));
	ck_assert_ptr_nonnull(strstr(g_ptr_array_index(c->errors, 1), "unknown user \"ghost\""));
	ck_assert_str_eq(domain_config_find(c, "f")->file + strlen(admin), "/40-good.xml");
	ck_assert_ptr_null(domain_config_find(c, "c"));
}
END_TEST

START_TEST(test_duplicates_across_files)
{
	g_autoptr(DomainConfig) c = NULL;
	g_autofree char *got = NULL;
	g_autofree char *first = g_build_filename(vendor, "10-a.xml", NULL);

	write_file(vendor, "10-a.xml", "<bindox-domains><domain name=\"x\"/></bindox-domains>");
	write_file(admin, "20-b.xml",
		   "<bindox-domains>\n<domain name=\"y\"/>\n<domain name=\"x\" mode=\"0660\"/>\n"
		   "</bindox-domains>");
	c = load();
	got = names(c);
	/* The later file is the bad one: nothing of it counts, y included. */
	ck_assert_str_eq(got, "x");
	ck_assert_uint_eq(domain_config_find(c, "x")->mode, DOMAIN_DEFAULT_MODE);
	ck_assert(domain_config_file_is_bad(c, "20-b.xml"));
	ck_assert_uint_eq(c->errors->len, 1);
	ck_assert_ptr_nonnull(strstr(g_ptr_array_index(c->errors, 0), "20-b.xml:3:15: domain \"x\" "
									  "is declared already"));
	ck_assert_ptr_nonnull(strstr(g_ptr_array_index(c->errors, 0), first));
}
END_TEST

START_TEST(test_admin_overrides_vendor)
{
	g_autoptr(DomainConfig) c = NULL;
	g_autoptr(DomainConfig) masked = NULL;
	g_autofree char *got = NULL;
	g_autofree char *link = g_build_filename(admin, "60-gone.xml", NULL);

	write_file(vendor, "50-ivi.xml",
		   "<bindox-domains><domain name=\"a\"/><domain name=\"b\"/></bindox-domains>");
	write_file(admin, "50-ivi.xml",
		   "<bindox-domains><domain name=\"c\" mode=\"0660\"/></bindox-domains>");
	write_file(vendor, "60-gone.xml", "<bindox-domains><domain name=\"d\"/></bindox-domains>");
	write_file(vendor, "70-kept.xml", "<bindox-domains><domain name=\"e\"/></bindox-domains>");
	c = load();
	got = names(c);
	ck_assert_str_eq(got, "c d e");
	ck_assert(g_str_has_prefix(domain_config_find(c, "c")->file, admin));
	ck_assert_str_eq(domain_decl_file_name(domain_config_find(c, "c")), "50-ivi.xml");

	/* A link to /dev/null masks the vendor file. */
	ck_assert_int_eq(symlink("/dev/null", link), 0);
	masked = load();
	g_free(got);
	got = names(masked);
	ck_assert_str_eq(got, "c e");
	ck_assert_uint_eq(masked->errors->len, 0);
}
END_TEST

START_TEST(test_bad_vendor_file_replaced)
{
	g_autoptr(DomainConfig) c = NULL;
	g_autofree char *dangling = g_build_filename(vendor, "50-x.xml", NULL);
	g_autofree char *replacement = g_build_filename(admin, "50-x.xml", NULL);

	/* A vendor file that cannot be read does not count once /etc replaces it. */
	ck_assert_int_eq(symlink("/nonexistent/file.xml", dangling), 0);
	write_file(admin, "50-x.xml", "<bindox-domains><domain name=\"x\"/></bindox-domains>");
	c = load();
	ck_assert_uint_eq(c->errors->len, 0);
	ck_assert_ptr_nonnull(domain_config_find(c, "x"));

	/* ... and is an error of its own when nothing replaces it. */
	ck_assert_int_eq(g_unlink(replacement), 0);
	domain_config_free(g_steal_pointer(&c));
	c = load();
	ck_assert_uint_eq(c->errors->len, 1);
	ck_assert(domain_config_file_is_bad(c, "50-x.xml"));
	ck_assert_ptr_nonnull(strstr(g_ptr_array_index(c->errors, 0), "cannot read"));
}
END_TEST

START_TEST(test_unreadable_folder)
{
	g_autoptr(DomainConfig) c = NULL;
	g_autofree char *file = g_build_filename(tmp_root, "plain", NULL);

	ck_assert(g_file_set_contents(file, "", -1, NULL));
	c = domain_config_load_dirs(vendor, file, &test_resolver);
	ck_assert(c->incomplete);
	ck_assert_uint_eq(c->errors->len, 1);
}
END_TEST

static Suite *domain_config_suite(void)
{
	Suite *s = suite_create("domain-config");
	TCase *doc = tcase_create("document");
	TCase *dirs = tcase_create("folders");

	tcase_add_test(doc, test_good_file);
	tcase_add_test(doc, test_defaults_and_empty);
	tcase_add_test(doc, test_syntax_errors);
	tcase_add_test(doc, test_unknown_user_and_group);
	tcase_add_test(doc, test_bad_names);
	tcase_add_test(doc, test_bad_modes);
	tcase_add_test(doc, test_limits_out_of_range);
	tcase_add_test(doc, test_duplicate_in_file);
	tcase_add_test(doc, test_example_file);
	suite_add_tcase(s, doc);

	tcase_add_checked_fixture(dirs, setup, teardown);
	tcase_add_test(dirs, test_dirs_missing_and_empty);
	tcase_add_test(dirs, test_bad_file_skipped);
	tcase_add_test(dirs, test_duplicates_across_files);
	tcase_add_test(dirs, test_admin_overrides_vendor);
	tcase_add_test(dirs, test_bad_vendor_file_replaced);
	tcase_add_test(dirs, test_unreadable_folder);
	suite_add_tcase(s, dirs);
	return s;
}

TEST_MAIN(domain_config_suite)
