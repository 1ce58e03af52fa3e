/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxd's Coordinator (coordinator.c) on the fake driver: the library's
 * register, lookup and unregister calls from client threads, answered by
 * coordinator_dispatch(); duplicates, ownership, policy decisions (the
 * built-in default and compiled tables), client counting, death of a
 * server with several names, revocation after a policy change, and
 * domains: a service hidden from another domain answers exactly as a name
 * that does not exist, and a removed domain's services leave.
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <bindox/bindox.h>
#include "coordinator.h"
#include "fake-driver.h"
#include "check-main.h"

static BindoxConn *coord_conn, *svc_conn, *cli_conn;
static Coordinator *coord;
static Policy *policy;
static GPtrArray *events;	/* what the hooks saw, as strings */

static void hook_added(void *userdata, const Service *s)
{
	g_ptr_array_add(events, g_strdup_printf("added %s", s->name));
}

static void hook_removing(void *userdata, const Service *s, ServiceRemovedReason reason)
{
	/* Still registered while the hook runs. */
	ck_assert_ptr_eq(registry_find(coordinator_registry(coord), s->name), s);
	g_ptr_array_add(events, g_strdup_printf("removing %s %s", s->name,
						service_removed_reason_to_string(reason)));
}

static void hook_removed(void *userdata)
{
	g_ptr_array_add(events, g_strdup("removed"));
}

static const Policy *hook_policy(void *userdata)
{
	return policy;
}

/* Domain ids of the fake driver's connections: 0 host, 1 and 2 containers. */
static const char *hook_domain_name(void *userdata, uint32_t id)
{
	static const char *const names[] = { "host", "android-ivi", "linux-adas" };

	return id < G_N_ELEMENTS(names) ? names[id] : NULL;
}

static const CoordinatorHooks hooks = {
	.added = hook_added,
	.removing = hook_removing,
	.removed = hook_removed,
	.policy = hook_policy,
	.domain_name = hook_domain_name,
};

static Policy *compile(const char *xml)
{
	GError *error = NULL;
	Policy *p = policy_compile_string("test.xml", xml, strlen(xml),
						       policy_system_resolver(), NULL,
						       &error);

	ck_assert_msg(p, "%s", error ? error->message : "?");
	return p;
}

static void set_policy(const char *xml)
{
	policy_free(policy);
	policy = compile(xml);
}

static void setup(void)
{
	fake_driver_reset();
	ck_assert_int_eq(bindox_conn_open("/dev/null", &coord_conn), 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &svc_conn), 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &cli_conn), 0);
	ck_assert_int_eq(bindox_conn_become_coordinator(coord_conn), 0);
	fake_driver_set_creds(bindox_conn_fd(svc_conn), 100, 0, 0, 0);
	fake_driver_set_creds(bindox_conn_fd(cli_conn), 200, 1000, 1000, 0);
	events = g_ptr_array_new_with_free_func(g_free);
	policy = compile("<bindox-policy/>");
	ck_assert_int_eq(coordinator_new(coord_conn, NULL, &hooks, NULL, &coord), 0);
}

static void teardown(void)
{
	coord = coordinator_free(coord);	/* closes coord_conn */
	fake_driver_reset();
	svc_conn = bindox_conn_close(svc_conn);
	cli_conn = bindox_conn_close(cli_conn);
	policy_free(policy);
	policy = NULL;
	g_ptr_array_unref(events);
}

/* One Coordinator request, made from a thread while the test dispatches. */
typedef struct Request {
	BindoxConn *conn;
	uint32_t op;
	const char *name;
	uint64_t cookie;
	uint32_t handle;
	int result;
	atomic_bool done;
} Request;

static void *request_thread(void *userdata)
{
	Request *rq = userdata;

	switch (rq->op) {
	case BINDOX_COORD_REGISTER:
		rq->result = bindox_service_register(rq->conn, rq->name, rq->cookie);
		break;
	case BINDOX_COORD_LOOKUP:
		rq->result = bindox_service_lookup(rq->conn, rq->name, &rq->handle, -1);
		break;
	default:
		rq->result = bindox_service_unregister(rq->conn, rq->name);
		break;
	}
	atomic_store(&rq->done, true);
	return NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

static int request(BindoxConn *conn, uint32_t op, const char *name, uint64_t cookie,
		   uint32_t *handle)
{
	Request rq = { .conn = conn, .op = op, .name = name, .cookie = cookie };
	pthread_t t;

	atomic_init(&rq.done, false);
	ck_assert_int_eq(pthread_create(&t, NULL, request_thread, &rq), 0);
	while (!atomic_load(&rq.done)) {
		ck_assert_int_eq(coordinator_dispatch(coord), 0);
		sleep_ms(1);
	}
	pthread_join(t, NULL);
	if (handle)
		*handle = rq.handle;
	return rq.result;
}

static int do_register(BindoxConn *c, const char *name, uint64_t cookie)
{
	return request(c, BINDOX_COORD_REGISTER, name, cookie, NULL);
}

static int do_lookup(BindoxConn *c, const char *name, uint32_t *handle)
{
	return request(c, BINDOX_COORD_LOOKUP, name, 0, handle);
}

static int do_unregister(BindoxConn *c, const char *name)
{
	return request(c, BINDOX_COORD_UNREGISTER, name, 0, NULL);
}

static int coord_handles(void)
{
	return fake_driver_count_handles(coordinator_fd(coord));
}

static void assert_events(const char *const *want, size_t n)
{
	size_t i;

	ck_assert_uint_eq(events->len, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(g_ptr_array_index(events, i), want[i]);
}

START_TEST(test_register_lookup)
{
	static const char *const want[] = { "added a.svc" };
	const Service *s;
	uint32_t h = 0;

	ck_assert_int_eq(do_register(svc_conn, "a.svc", 1), 0);
	assert_events(want, 1);
	s = registry_find(coordinator_registry(coord), "a.svc");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->owner.pid, 100);
	ck_assert_uint_eq(s->owner.euid, 0);
	ck_assert_str_eq(s->domain, "host");
	ck_assert_uint_gt(s->registered_usec, 0);
	ck_assert_int_eq(coord_handles(), 1);

	ck_assert_int_eq(do_lookup(cli_conn, "a.svc", &h), 0);
	ck_assert_uint_ne(h, 0);
	ck_assert_uint_eq(s->clients, 1);
	/* The owner's own lookup (its keeper's probe) is not a client. */
	ck_assert_int_eq(do_lookup(svc_conn, "a.svc", &h), -ELOOP);
	ck_assert_uint_eq(s->clients, 1);
	ck_assert_int_eq(do_lookup(cli_conn, "a.none", &h), -ENOENT);
}
END_TEST

START_TEST(test_duplicate)
{
	ck_assert_int_eq(do_register(svc_conn, "a.svc", 1), 0);
	ck_assert_int_eq(do_register(svc_conn, "a.svc", 2), -EEXIST);
	ck_assert_uint_eq(registry_count(coordinator_registry(coord)), 1);
	/* The refused node's reference was given back. */
	ck_assert_int_eq(coord_handles(), 1);
	ck_assert_uint_eq(events->len, 1);
}
END_TEST

START_TEST(test_unregister)
{
	static const char *const want[] = { "added a.svc", "removing a.svc unregistered",
					    "removed" };

	ck_assert_int_eq(do_register(svc_conn, "a.svc", 1), 0);
	ck_assert_int_eq(do_unregister(cli_conn, "a.svc"), -EPERM);
	ck_assert_int_eq(do_unregister(cli_conn, "a.none"), -ENOENT);
	ck_assert_int_eq(do_unregister(svc_conn, "a.svc"), 0);
	assert_events(want, 3);
	ck_assert_uint_eq(registry_count(coordinator_registry(coord)), 0);
	ck_assert_int_eq(coord_handles(), 0);
}
END_TEST

START_TEST(test_default_policy)
{
	/* Only uid 0 in the host domain may register. */
	ck_assert_int_eq(do_register(cli_conn, "user.x", 1), -EACCES);
	ck_assert_uint_eq(registry_count(coordinator_registry(coord)), 0);
	ck_assert_int_eq(coord_handles(), 0);
	ck_assert_uint_eq(events->len, 0);
}
END_TEST

START_TEST(test_compiled_policy)
{
	uint32_t h;

	set_policy("<bindox-policy>"
		   "<policy domain=\"host\" user=\"1000\">"
		   "<allow register=\"user.*\"/><deny lookup=\"a.*\"/>"
		   "</policy></bindox-policy>");
	ck_assert_int_eq(do_register(cli_conn, "user.x", 1), 0);
	ck_assert_int_eq(do_register(cli_conn, "other.x", 2), -EACCES);
	ck_assert_int_eq(do_register(svc_conn, "a.svc", 3), 0);
	ck_assert_int_eq(do_lookup(cli_conn, "a.svc", &h), -EACCES);
	/* Refused before the caller learns whether the name exists. */
	ck_assert_int_eq(do_lookup(cli_conn, "a.none", &h), -EACCES);
	ck_assert_int_eq(do_lookup(svc_conn, "user.x", &h), 0);
	ck_assert_uint_eq(registry_find(coordinator_registry(coord), "a.svc")->clients, 0);
}
END_TEST

static bool has_event(const char *event)
{
	guint i;

	for (i = 0; i < events->len; i++)
		if (strcmp(g_ptr_array_index(events, i), event) == 0)
			return true;
	return false;
}

START_TEST(test_server_death)
{
	int i;

	/* Two names on one node, one on another. */
	ck_assert_int_eq(do_register(svc_conn, "d.one", 1), 0);
	ck_assert_int_eq(do_register(svc_conn, "d.two", 1), 0);
	ck_assert_int_eq(do_register(svc_conn, "d.three", 2), 0);
	ck_assert_int_eq(coord_handles(), 2);

	fake_driver_kill(bindox_conn_fd(svc_conn));
	for (i = 0; i < 1000 && registry_count(coordinator_registry(coord)) > 0; i++) {
		ck_assert_int_eq(coordinator_dispatch(coord), 0);
		sleep_ms(1);
	}
	ck_assert_uint_eq(registry_count(coordinator_registry(coord)), 0);
	ck_assert_uint_eq(events->len, 3 + 3 * 2);
	ck_assert(has_event("removing d.one died"));
	ck_assert(has_event("removing d.two died"));
	ck_assert(has_event("removing d.three died"));
	ck_assert_int_eq(coord_handles(), 0);
}
END_TEST

START_TEST(test_revoke)
{
	static const char *const want[] = { "added user.x", "added a.svc",
					    "removing user.x revoked", "removed" };

	set_policy("<bindox-policy><policy domain=\"host\" user=\"1000\">"
		   "<allow register=\"user.*\"/></policy></bindox-policy>");
	ck_assert_int_eq(do_register(cli_conn, "user.x", 1), 0);
	ck_assert_int_eq(do_register(svc_conn, "a.svc", 1), 0);

	set_policy("<bindox-policy/>");
	coordinator_revoke(coord, policy);
	assert_events(want, G_N_ELEMENTS(want));
	ck_assert_ptr_null(registry_find(coordinator_registry(coord), "user.x"));
	ck_assert_ptr_nonnull(registry_find(coordinator_registry(coord), "a.svc"));
	ck_assert_int_eq(coord_handles(), 1);
}
END_TEST

/* Connections in the domains android-ivi (1) and linux-adas (2). */
static BindoxConn *ivi_conn, *adas_conn;

static void setup_domains(void)
{
	setup();
	ck_assert_int_eq(bindox_conn_open("/dev/null", &ivi_conn), 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", &adas_conn), 0);
	fake_driver_set_creds(bindox_conn_fd(ivi_conn), 300, 101047, 101047, 1);
	fake_driver_set_creds(bindox_conn_fd(adas_conn), 400, 201000, 201000, 2);
	set_policy("<bindox-policy><policy domain=\"android-ivi\">"
		   "<allow register=\"vendor.*\"/></policy></bindox-policy>");
}

static void teardown_domains(void)
{
	ivi_conn = bindox_conn_close(ivi_conn);
	adas_conn = bindox_conn_close(adas_conn);
	teardown();
}

START_TEST(test_hidden_like_missing)
{
	uint32_t h = 0;

	ck_assert_int_eq(do_register(ivi_conn, "vendor.camera.front", 1), 0);
	ck_assert_str_eq(registry_find(coordinator_registry(coord), "vendor.camera.front")->domain,
			 "android-ivi");
	/* Nothing crosses domains by default: the same answer as a missing name. */
	ck_assert_int_eq(do_lookup(adas_conn, "vendor.camera.front", &h), -ENOENT);
	ck_assert_int_eq(do_lookup(adas_conn, "vendor.camera.none", &h), -ENOENT);
	ck_assert_int_eq(do_unregister(adas_conn, "vendor.camera.front"), -ENOENT);
	ck_assert_int_eq(do_unregister(adas_conn, "vendor.camera.none"), -ENOENT);
	/* The host's root, too, sees only its own domain. */
	ck_assert_int_eq(do_lookup(svc_conn, "vendor.camera.front", &h), -ENOENT);
	ck_assert_uint_eq(registry_find(coordinator_registry(coord), "vendor.camera.front")->clients,
			  0);

	/* A name refused in the requester's own domain: EACCES, for both alike. */
	set_policy("<bindox-policy><policy domain=\"linux-adas\">"
		   "<deny lookup=\"vendor.*\"/></policy></bindox-policy>");
	ck_assert_int_eq(do_lookup(adas_conn, "vendor.camera.front", &h), -EACCES);
	ck_assert_int_eq(do_lookup(adas_conn, "vendor.camera.none", &h), -EACCES);

	/* Allowed across: found, and counted. */
	set_policy("<bindox-policy><policy domain=\"linux-adas\">"
		   "<allow lookup=\"vendor.camera.front\" peer-domain=\"android-ivi\"/>"
		   "</policy></bindox-policy>");
	ck_assert_int_eq(do_lookup(adas_conn, "vendor.camera.front", &h), 0);
	ck_assert_uint_ne(h, 0);
	ck_assert_uint_eq(registry_find(coordinator_registry(coord), "vendor.camera.front")->clients,
			  1);
	/* Visible, but not its own: EPERM, as in one domain. */
	ck_assert_int_eq(do_unregister(adas_conn, "vendor.camera.front"), -EPERM);
}
END_TEST

START_TEST(test_owner_unregisters_hidden_name)
{
	uint32_t h = 0;

	ck_assert_int_eq(do_register(ivi_conn, "vendor.audio", 1), 0);
	set_policy("<bindox-policy><policy domain=\"android-ivi\">"
		   "<allow register=\"vendor.*\"/><deny lookup=\"vendor.*\"/>"
		   "</policy></bindox-policy>");
	ck_assert_int_eq(do_lookup(ivi_conn, "vendor.audio", &h), -EACCES);
	ck_assert_int_eq(do_unregister(ivi_conn, "vendor.audio"), 0);
	ck_assert_uint_eq(registry_count(coordinator_registry(coord)), 0);
}
END_TEST

START_TEST(test_unknown_domain)
{
	BindoxConn *conn = NULL;

	/* A domain bindoxd cannot name is left to the driver's checks. */
	ck_assert_int_eq(bindox_conn_open("/dev/null", &conn), 0);
	fake_driver_set_creds(bindox_conn_fd(conn), 500, 1000, 1000, 9);
	ck_assert_int_eq(do_register(conn, "x.svc", 1), 0);
	ck_assert_str_eq(registry_find(coordinator_registry(coord), "x.svc")->domain, "#9");
	/* Revocation cannot judge it either. */
	set_policy("<bindox-policy/>");
	coordinator_revoke(coord, policy);
	ck_assert_ptr_nonnull(registry_find(coordinator_registry(coord), "x.svc"));
	bindox_conn_close(conn);
}
END_TEST

START_TEST(test_remove_domain)
{
	static const char *const want[] = { "added vendor.a", "added vendor.b", "added host.c",
					    "removing vendor.a domain-removed", "removed",
					    "removing vendor.b domain-removed", "removed" };

	ck_assert_int_eq(do_register(ivi_conn, "vendor.a", 1), 0);
	ck_assert_int_eq(do_register(ivi_conn, "vendor.b", 2), 0);
	ck_assert_int_eq(do_register(svc_conn, "host.c", 3), 0);
	coordinator_remove_domain(coord, "android-ivi");
	assert_events(want, G_N_ELEMENTS(want));
	ck_assert_uint_eq(registry_count(coordinator_registry(coord)), 1);
	ck_assert_int_eq(coord_handles(), 1);
	coordinator_remove_domain(coord, "linux-adas");
	ck_assert_uint_eq(registry_count(coordinator_registry(coord)), 1);
}
END_TEST

static Suite *coordinator_suite(void)
{
	Suite *s = suite_create("coordinator");
	TCase *tc = tcase_create("fake-driver");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_register_lookup);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_unregister);
	tcase_add_test(tc, test_default_policy);
	tcase_add_test(tc, test_compiled_policy);
	tcase_add_test(tc, test_server_death);
	tcase_add_test(tc, test_revoke);
	suite_add_tcase(s, tc);

	tc = tcase_create("domains");
	tcase_add_checked_fixture(tc, setup_domains, teardown_domains);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_hidden_like_missing);
	tcase_add_test(tc, test_owner_unregisters_hidden_name);
	tcase_add_test(tc, test_unknown_domain);
	tcase_add_test(tc, test_remove_domain);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(coordinator_suite)
