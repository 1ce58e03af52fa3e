/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The files shipped in policy/: the vendor default and the examples compile,
 * the default grants exactly what the built-in default grants, and the
 * paper's scenario (camera in android-ivi, ADAS client in linux-adas)
 * decides as its comments say.
 */

#include <string.h>
#include "policy-test-util.h"

#define REG BINDOX_POLICY_ACT_REGISTER
#define LOOKUP BINDOX_POLICY_ACT_LOOKUP
#define CALL BINDOX_POLICY_ACT_CALL

static Policy *compile_file(const char *name)
{
	g_autofree char *path = g_build_filename(BINDOX_POLICY_SOURCE_DIR, name, NULL);
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;
	Policy *p;
	gsize len;

	ck_assert_msg(g_file_get_contents(path, &text, &len, &error), "%s: %s", path,
		      error ? error->message : "?");
	p = policy_compile_string(path, text, len, &test_resolver, NULL, &error);
	ck_assert_msg(p != NULL, "%s", error ? error->message : "?");
	ck_assert_uint_gt(p->n_rules, 0);
	return p;
}

/* Every example and the default compile, alone and loaded together. */
START_TEST(test_all_files_compile)
{
	g_autofree char *examples = g_build_filename(BINDOX_POLICY_SOURCE_DIR, "examples", NULL);
	g_autoptr(GError) error = NULL;
	GDir *d = g_dir_open(examples, 0, &error);
	unsigned int n = 0;
	const char *name;
	Policy *p;

	ck_assert_msg(d != NULL, "%s", error ? error->message : "?");
	while ((name = g_dir_read_name(d))) {
		g_autofree char *rel = g_build_filename("examples", name, NULL);

		if (!g_str_has_suffix(name, ".xml"))
			continue;
		policy_free(compile_file(rel));
		n++;
	}
	g_dir_close(d);
	ck_assert_uint_ge(n, 3);
	policy_free(compile_file("00-default.xml"));

	/* policy/ as the vendor folder, the examples as the admin's. */
	p = policy_load_dirs(BINDOX_POLICY_SOURCE_DIR, examples, &test_resolver, NULL,
				    &error);
	ck_assert_msg(p != NULL, "%s", error ? error->message : "?");
	ck_assert_uint_eq(g_strv_length(p->files), n + 1);
	ck_assert(g_str_has_suffix(p->files[0], "/00-default.xml"));
	policy_free(p);
}
END_TEST

/* 00-default.xml and the built-in default agree on every request. */
START_TEST(test_default_file_is_builtin_default)
{
	static const char *const domains[] = { "host", "android-ivi", "linux-adas" };
	static const uint32_t ids[] = { 0, 1, 1000, 101047 };
	static const uint32_t actions[] = { REG, LOOKUP, CALL };
	static const char *const services[] = { "a", "vendor.camera.front" };
	Policy *p = compile_file("00-default.xml");
	size_t a, d, pd, u, g, s;
	unsigned int checked = 0;

	for (a = 0; a < G_N_ELEMENTS(actions); a++)
	for (d = 0; d < G_N_ELEMENTS(domains); d++)
	for (pd = 0; pd <= G_N_ELEMENTS(domains); pd++)
	for (u = 0; u < G_N_ELEMENTS(ids); u++)
	for (g = 0; g < G_N_ELEMENTS(ids); g++)
	for (s = 0; s < G_N_ELEMENTS(services); s++) {
		/* pd == the count: no peer domain given (the subject's own). */
		const char *peer = pd < G_N_ELEMENTS(domains) ? domains[pd] : NULL;
		bool builtin = test_check(NULL, actions[a], domains[d], ids[u], ids[g],
					  services[s], peer, NULL);
		bool file = test_check(p, actions[a], domains[d], ids[u], ids[g], services[s],
				       peer, NULL);

		ck_assert_msg(builtin == file, "action %u %s uid %u gid %u %s peer %s", actions[a],
			      domains[d], ids[u], ids[g], services[s], peer ? peer : "-");
		checked++;
	}
	ck_assert_uint_eq(checked, 3 * 3 * 4 * 4 * 4 * 2);
	policy_free(p);
}
END_TEST

START_TEST(test_camera_adas_scenario)
{
	Policy *p = compile_file("examples/50-camera-adas.xml");
	const uint32_t cameraserver = 101047, adas = 201000;

	/* cameraserver registers the cameras in android-ivi; nobody else does. */
	ck_assert(test_check(p, REG, "android-ivi", cameraserver, 101047, "vendor.camera.front",
			     NULL, NULL));
	ck_assert(test_check(p, REG, "android-ivi", cameraserver, 0, "vendor.camera.rear", NULL,
			     NULL));
	ck_assert(!test_check(p, REG, "android-ivi", cameraserver, 0, "vendor.audio", NULL, NULL));
	ck_assert(!test_check(p, REG, "android-ivi", 100000, 0, "vendor.camera.front", NULL, NULL));
	ck_assert(!test_check(p, REG, "android-ivi", 1047, 0, "vendor.camera.front", NULL, NULL));
	ck_assert(!test_check(p, REG, "linux-adas", cameraserver, 0, "vendor.camera.front", NULL,
			      NULL));

	/* The ADAS client finds and calls the front camera across domains ... */
	ck_assert(test_check(p, LOOKUP, "linux-adas", adas, 201000, "vendor.camera.front",
			     "android-ivi", NULL));
	ck_assert(test_check(p, CALL, "linux-adas", adas, 201000, "vendor.camera.front",
			     "android-ivi", NULL));
	/* ... not the rear camera, not as another user, not in another domain. */
	ck_assert(!test_check(p, LOOKUP, "linux-adas", adas, 0, "vendor.camera.rear", "android-ivi",
			      NULL));
	ck_assert(!test_check(p, CALL, "linux-adas", 201001, 0, "vendor.camera.front",
			      "android-ivi", NULL));
	ck_assert(!test_check(p, CALL, "linux-adas", adas, 0, "vendor.camera.front", "host", NULL));
	ck_assert(!test_check(p, REG, "linux-adas", adas, 0, "vendor.camera.front", NULL, NULL));

	/* Android apps use the cameras within their domain (the default). */
	ck_assert(test_check(p, CALL, "android-ivi", 110052, 110052, "vendor.camera.front", NULL,
			     NULL));
	/* Android apps do not reach into linux-adas. */
	ck_assert(!test_check(p, LOOKUP, "android-ivi", 110052, 0, "adas.brake", "linux-adas",
			      NULL));
	policy_free(p);
}
END_TEST

/* The default and all examples loaded together, as the comments say. */
START_TEST(test_examples_together)
{
	g_autofree char *examples = g_build_filename(BINDOX_POLICY_SOURCE_DIR, "examples", NULL);
	g_autoptr(GError) error = NULL;
	Policy *p = policy_load_dirs(BINDOX_POLICY_SOURCE_DIR, examples,
						  &test_resolver, NULL, &error);

	ck_assert_msg(p != NULL, "%s", error ? error->message : "?");
	/* 60-lockdown.xml: diag.reset is nobody's, not even host root's. */
	ck_assert(!test_check(p, REG, "host", 0, 0, "diag.reset", NULL, NULL));
	ck_assert(test_check(p, REG, "host", 0, 0, "diag.other", NULL, NULL));
	ck_assert(!test_check(p, LOOKUP, "linux-adas", 201005, 0, "nav.map", NULL, NULL));
	ck_assert(test_check(p, LOOKUP, "linux-adas", 201005, 0, "diag.log", NULL, NULL));
	ck_assert(test_check(p, CALL, "linux-adas", 201000, 0, "nav.map", NULL, NULL));
	/* 40-host-services.xml. */
	ck_assert(test_check(p, REG, "host", 1000, 44, "host.camera.rear", NULL, NULL));
	ck_assert(!test_check(p, REG, "host", 1000, 1000, "host.camera.rear", NULL, NULL));
	ck_assert(test_check(p, CALL, "android-ivi", 110052, 0, "vehicle.status.speed", "host",
			     NULL));
	ck_assert(test_check(p, LOOKUP, "linux-adas", 201005, 0, "vehicle.status.reset", "host",
			     NULL));
	ck_assert(!test_check(p, CALL, "linux-adas", 201005, 0, "vehicle.status.reset", "host",
			      NULL));
	ck_assert(!test_check(p, CALL, "linux-adas", 201005, 0, "vehicle.door", "host", NULL));
	ck_assert(test_check(p, LOOKUP, "host", 0, 0, "vendor.camera.rear", "android-ivi", NULL));
	ck_assert(!test_check(p, LOOKUP, "host", 1000, 0, "vendor.camera.rear", "android-ivi",
			      NULL));
	/* 50-camera-adas.xml still holds. */
	ck_assert(test_check(p, CALL, "linux-adas", 201000, 0, "vendor.camera.front",
			     "android-ivi", NULL));
	policy_free(p);
}
END_TEST

START_TEST(test_system_resolver)
{
	static const char xml[] = "<bindox-policy><policy domain=\"host\" user=\"root\" group=\"root\">"
				  "<allow register=\"x\"/></policy></bindox-policy>";
	static const char bad[] = "<bindox-policy><policy domain=\"host\" "
				  "user=\"bindox-no-such-user\"/></bindox-policy>";
	g_autoptr(GError) error = NULL;
	Policy *p = policy_compile_string("s.xml", xml, strlen(xml), NULL, NULL,
						       &error);

	/* root is uid 0 and gid 0 everywhere. */
	ck_assert_msg(p != NULL, "%s", error ? error->message : "?");
	test_assert_rule(p, 0, REG, BINDOX_POLICY_RULE_ALLOW | BINDOX_POLICY_RULE_UID |
				    BINDOX_POLICY_RULE_GID, 0, 0, "host", "", "x", 0);
	policy_free(p);

	ck_assert_ptr_null(policy_compile_string("s.xml", bad, strlen(bad),
							policy_system_resolver(), NULL,
							&error));
	ck_assert(g_error_matches(error, POLICY_ERROR, POLICY_ERROR_USER));
}
END_TEST

static Suite *files_suite(void)
{
	Suite *s = suite_create("policy-files");
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, test_all_files_compile);
	tcase_add_test(tc, test_default_file_is_builtin_default);
	tcase_add_test(tc, test_camera_adas_scenario);
	tcase_add_test(tc, test_examples_together);
	tcase_add_test(tc, test_system_resolver);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(files_suite)
