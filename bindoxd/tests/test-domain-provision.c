/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The provisioning decisions (domain-provision.c) against a fake control
 * device: create, update in place, remove, keep a busy domain and retry,
 * forced removal, domains bindoxd did not create, files with errors, the
 * driver refusing, the record surviving a restart, and run-time domains
 * (AddDomain, RemoveDomain) with what a reload does to them.
 */

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include "domain-provision.h"
#include "check-main.h"

/* ---- the fake control device ---- */

typedef struct {
	struct bindox_domain_config cfg;	/* as the driver reports it */
} FakeDomain;

typedef struct {
	GHashTable *domains;	/* name -> FakeDomain (owned) */
	uint32_t next_id;
	unsigned int adds, updates, removes;
	uint32_t last_remove_flags;
	int add_error;		/* returned by the next ADD, when not 0 */
} Fake;

/* What INFO reports for a limit left at 0: the module parameter's default. */
#define FAKE_DEFAULT_LIMIT 1000U

static Fake fake;

static void fake_fill_defaults(struct bindox_domain_limits *l)
{
	uint32_t *fields[] = { &l->max_connections, &l->max_handles, &l->max_nodes,
			       &l->max_calls, &l->max_oneway, &l->max_oneway_bytes };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(fields); i++)
		if (!*fields[i])
			*fields[i] = FAKE_DEFAULT_LIMIT;
	if (!l->max_buffer_bytes)
		l->max_buffer_bytes = FAKE_DEFAULT_LIMIT;
}

static int fake_add(void *data, struct bindox_domain_config *cfg)
{
	FakeDomain *d;

	ck_assert_ptr_eq(data, &fake);
	fake.adds++;
	if (fake.add_error) {
		int r = fake.add_error;

		fake.add_error = 0;
		return r;
	}
	if (g_hash_table_contains(fake.domains, cfg->name))
		return -EEXIST;
	ck_assert_uint_eq(cfg->mode & ~BINDOX_DOMAIN_MODE_ALLOWED, 0);
	d = g_new0(FakeDomain, 1);
	d->cfg = *cfg;
	d->cfg.id = fake.next_id++;
	fake_fill_defaults(&d->cfg.limits);
	*cfg = d->cfg;	/* ADD answers what INFO would */
	g_hash_table_insert(fake.domains, g_strdup(cfg->name), d);
	return 0;
}

static int fake_update(void *data, struct bindox_domain_config *cfg)
{
	FakeDomain *d = g_hash_table_lookup(fake.domains, cfg->name);

	fake.updates++;
	if (!d)
		return -ENOENT;
	d->cfg.uid = cfg->uid;
	d->cfg.gid = cfg->gid;
	d->cfg.mode = cfg->mode;
	d->cfg.limits = cfg->limits;
	fake_fill_defaults(&d->cfg.limits);
	return 0;
}

static int fake_remove(void *data, const char *name, uint32_t flags)
{
	FakeDomain *d = g_hash_table_lookup(fake.domains, name);

	fake.removes++;
	fake.last_remove_flags = flags;
	if (!d)
		return -ENOENT;
	if (d->cfg.connections && !(flags & BINDOX_DOMAIN_FORCE))
		return -EBUSY;
	g_hash_table_remove(fake.domains, name);
	return 0;
}

static int fake_info(void *data, struct bindox_domain_config *cfg)
{
	FakeDomain *d = g_hash_table_lookup(fake.domains, cfg->name);

	if (!d)
		return -ENOENT;
	*cfg = d->cfg;
	return 0;
}

static const DomainCtlOps fake_ops = {
	.add = fake_add,
	.update = fake_update,
	.remove = fake_remove,
	.info = fake_info,
};

static const DomainCtl fake_ctl = { .ops = &fake_ops, .data = &fake };

static FakeDomain *fake_find(const char *name)
{
	return g_hash_table_lookup(fake.domains, name);
}

/* A domain someone else made. */
static void fake_add_foreign(const char *name)
{
	struct bindox_domain_config cfg = { .mode = 0600 };

	g_strlcpy(cfg.name, name, sizeof(cfg.name));
	ck_assert_int_eq(fake_add(&fake, &cfg), 0);
}

static void fake_reset_counts(void)
{
	fake.adds = fake.updates = fake.removes = 0;
}

static char *tmp_root;
static char *state_path;

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.domains = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	fake.next_id = 1;
	tmp_root = g_dir_make_tmp("bindox-provision-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmp_root);
	state_path = g_build_filename(tmp_root, "domains", NULL);
}

static void teardown(void)
{
	g_unlink(state_path);
	g_rmdir(tmp_root);
	g_clear_pointer(&state_path, g_free);
	g_clear_pointer(&tmp_root, g_free);
	g_hash_table_destroy(fake.domains);
}

/* ---- configurations ---- */

static DomainConfig *config_new(void)
{
	DomainConfig *c = g_new0(DomainConfig, 1);

	c->domains = g_ptr_array_new_with_free_func((GDestroyNotify)domain_decl_free);
	c->errors = g_ptr_array_new_with_free_func(g_free);
	c->bad_files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return c;
}

static DomainDecl *config_add(DomainConfig *c, const char *name, const char *file, uint32_t mode)
{
	DomainDecl *d = g_new0(DomainDecl, 1);

	d->name = g_strdup(name);
	d->file = g_strdup_printf("/etc/bindox/domains.d/%s", file);
	d->uid = 1000;
	d->gid = 1000;
	d->mode = mode;
	d->line = 2;
	d->column = 17;
	g_ptr_array_add(c->domains, d);
	return d;
}

/* The actions as "kind:name" words, in order. */
static char *actions_string(const GPtrArray *actions)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < actions->len; i++) {
		const DomainAction *a = g_ptr_array_index(actions, i);

		g_string_append_printf(s, "%s%s:%s", i ? " " : "",
				       domain_action_kind_to_string(a->kind), a->name);
	}
	return g_string_free(s, FALSE);
}

/* Applies @c and checks the actions. */
static void apply_expect(DomainProvision *p, const DomainConfig *c, const char *want)
{
	g_autoptr(GPtrArray) actions = domain_provision_apply(p, c);
	g_autofree char *got = actions_string(actions);

	ck_assert_str_eq(got, want);
}

static void retry_expect(DomainProvision *p, const char *want)
{
	g_autoptr(GPtrArray) actions = domain_provision_retry(p);
	g_autofree char *got = actions_string(actions);

	ck_assert_str_eq(got, want);
}

/* ---- tests ---- */

START_TEST(test_create_then_nothing)
{
	g_autoptr(DomainConfig) c = config_new();
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);
	DomainDecl *d = config_add(c, "android-ivi", "50-ivi.xml", 0660);

	d->limits.max_connections = 64;
	config_add(c, "linux-adas", "60-adas.xml", 0600);
	apply_expect(p, c, "created:android-ivi created:linux-adas");
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake_find("android-ivi")->cfg.mode, 0660);
	ck_assert_uint_eq(fake_find("android-ivi")->cfg.uid, 1000);
	ck_assert_uint_eq(fake_find("android-ivi")->cfg.limits.max_connections, 64);
	ck_assert_ptr_nonnull(domain_provision_record(p, "android-ivi"));
	ck_assert_str_eq(domain_provision_record(p, "linux-adas")->file, "60-adas.xml");
	ck_assert(g_file_test(state_path, G_FILE_TEST_IS_REGULAR));

	/* Unchanged: no ioctl that changes anything, no change uevent. */
	fake_reset_counts();
	apply_expect(p, c, "");
	ck_assert_uint_eq(fake.adds + fake.updates + fake.removes, 0);
	domain_provision_free(p);
}
END_TEST

START_TEST(test_update_in_place)
{
	g_autoptr(DomainConfig) c = config_new();
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);
	DomainDecl *d = config_add(c, "a", "50-a.xml", 0600);
	uint32_t id;

	apply_expect(p, c, "created:a");
	id = fake_find("a")->cfg.id;
	fake_reset_counts();

	d->mode = 0660;
	d->gid = 44;
	d->limits.max_buffer_bytes = 1ULL << 30;
	apply_expect(p, c, "updated:a");
	ck_assert_uint_eq(fake.updates, 1);
	ck_assert_uint_eq(fake.adds + fake.removes, 0);
	ck_assert_uint_eq(fake_find("a")->cfg.id, id);
	ck_assert_uint_eq(fake_find("a")->cfg.mode, 0660);
	ck_assert_uint_eq(fake_find("a")->cfg.gid, 44);
	ck_assert_uint_eq(fake_find("a")->cfg.limits.max_buffer_bytes, 1ULL << 30);

	/* A limit back to the default (0) is an update too. */
	d->limits.max_buffer_bytes = 0;
	apply_expect(p, c, "updated:a");
	ck_assert_uint_eq(fake_find("a")->cfg.limits.max_buffer_bytes, FAKE_DEFAULT_LIMIT);

	/* Someone changed the owner behind bindoxd's back: set back. */
	fake_find("a")->cfg.uid = 0;
	apply_expect(p, c, "updated:a");
	ck_assert_uint_eq(fake_find("a")->cfg.uid, 1000);

	/* The file asks for remove="force" now: recorded, no ioctl. */
	fake_reset_counts();
	d->force_remove = true;
	apply_expect(p, c, "");
	ck_assert_uint_eq(fake.updates, 0);
	ck_assert(domain_provision_record(p, "a")->force_remove);
	domain_provision_free(p);
}
END_TEST

START_TEST(test_remove_undeclared)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(DomainConfig) none = config_new();
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);

	config_add(c, "a", "50-a.xml", 0600);
	config_add(c, "b", "50-a.xml", 0600);
	apply_expect(p, c, "created:a created:b");
	apply_expect(p, none, "removed:a removed:b");
	ck_assert_uint_eq(g_hash_table_size(fake.domains), 0);
	ck_assert_uint_eq(fake.last_remove_flags, 0);
	ck_assert_ptr_null(domain_provision_record(p, "a"));
	ck_assert(!domain_provision_pending(p));
	domain_provision_free(p);
}
END_TEST

START_TEST(test_keep_busy_then_retry)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(DomainConfig) none = config_new();
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);

	config_add(c, "a", "50-a.xml", 0660);
	apply_expect(p, c, "created:a");
	fake_find("a")->cfg.connections = 2;

	apply_expect(p, none, "kept-busy:a");
	ck_assert_ptr_nonnull(fake_find("a"));
	ck_assert(domain_provision_pending(p));
	ck_assert(domain_provision_record(p, "a")->removal_pending);
	/* Retries while it is busy are quiet; a reload says it again. */
	retry_expect(p, "");
	apply_expect(p, none, "kept-busy:a");

	fake_find("a")->cfg.connections = 0;
	retry_expect(p, "removed:a");
	ck_assert_ptr_null(fake_find("a"));
	ck_assert(!domain_provision_pending(p));
	retry_expect(p, "");
	domain_provision_free(p);
}
END_TEST

START_TEST(test_busy_declared_again)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(DomainConfig) none = config_new();
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);

	config_add(c, "a", "50-a.xml", 0660);
	apply_expect(p, c, "created:a");
	fake_find("a")->cfg.connections = 1;
	apply_expect(p, none, "kept-busy:a");
	/* Declared again before it was free: it stays, no removal waits. */
	apply_expect(p, c, "");
	ck_assert(!domain_provision_pending(p));
	fake_find("a")->cfg.connections = 0;
	retry_expect(p, "");
	ck_assert_ptr_nonnull(fake_find("a"));
	domain_provision_free(p);
}
END_TEST

START_TEST(test_forced_removal)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(DomainConfig) none = config_new();
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);

	config_add(c, "a", "50-a.xml", 0660)->force_remove = true;
	apply_expect(p, c, "created:a");
	fake_find("a")->cfg.connections = 3;
	apply_expect(p, none, "removed:a");
	ck_assert_uint_eq(fake.last_remove_flags, BINDOX_DOMAIN_FORCE);
	ck_assert_ptr_null(fake_find("a"));
	domain_provision_free(p);
}
END_TEST

START_TEST(test_not_ours_left_alone)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(DomainConfig) none = config_new();
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);

	fake_add_foreign("x");
	fake_add_foreign("y");
	fake_reset_counts();
	config_add(c, "x", "50-x.xml", 0660);
	apply_expect(p, c, "not-ours:x");
	ck_assert_uint_eq(fake.adds + fake.updates + fake.removes, 0);
	ck_assert_uint_eq(fake_find("x")->cfg.mode, 0600);
	ck_assert_ptr_null(domain_provision_record(p, "x"));

	/* Neither is removed when nothing declares them. */
	apply_expect(p, none, "");
	ck_assert_uint_eq(fake.removes, 0);
	ck_assert_ptr_nonnull(fake_find("x"));
	ck_assert_ptr_nonnull(fake_find("y"));
	domain_provision_free(p);
}
END_TEST

START_TEST(test_bad_file_untouched)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(DomainConfig) bad = config_new();
	g_autoptr(DomainConfig) incomplete = config_new();
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);

	config_add(c, "a", "20-b.xml", 0660);
	config_add(c, "b", "30-c.xml", 0660);
	apply_expect(p, c, "created:a created:b");

	/* 20-b.xml has an error now: a stays as it is; 30-c.xml is gone. */
	g_hash_table_add(bad->bad_files, g_strdup("20-b.xml"));
	fake_reset_counts();
	apply_expect(p, bad, "untouched:a removed:b");
	ck_assert_ptr_nonnull(fake_find("a"));
	ck_assert_ptr_nonnull(domain_provision_record(p, "a"));
	ck_assert_uint_eq(fake.removes, 1);

	/* A folder that could not be read: nothing is removed. */
	incomplete->incomplete = true;
	apply_expect(p, incomplete, "untouched:a");
	ck_assert_ptr_nonnull(fake_find("a"));
	domain_provision_free(p);
}
END_TEST

START_TEST(test_driver_refuses)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(GPtrArray) actions = NULL;
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);
	const DomainAction *a;

	config_add(c, "a", "50-a.xml", 0660);
	config_add(c, "b", "50-a.xml", 0660);
	fake.add_error = -ENOSPC;
	actions = domain_provision_apply(p, c);
	ck_assert_uint_eq(actions->len, 2);
	a = g_ptr_array_index(actions, 0);
	ck_assert_int_eq(a->kind, DOMAIN_ACTION_FAILED);
	ck_assert_int_eq(a->error, -ENOSPC);
	ck_assert(domain_action_is_problem(a));
	ck_assert_ptr_nonnull(strstr(a->message, "ENOSPC"));
	ck_assert_ptr_null(domain_provision_record(p, "a"));
	a = g_ptr_array_index(actions, 1);
	ck_assert_int_eq(a->kind, DOMAIN_ACTION_CREATED);
	ck_assert(!domain_action_is_problem(a));

	/* The next reload tries again. */
	apply_expect(p, c, "created:a");
	domain_provision_free(p);
}
END_TEST

START_TEST(test_restart_knows_its_domains)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(DomainConfig) none = config_new();
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);

	config_add(c, "a", "50-a.xml", 0660)->limits.max_calls = 7;
	config_add(c, "b", "50-a.xml", 0660);
	config_add(c, "c", "50-a.xml", 0660);
	apply_expect(p, c, "created:a created:b created:c");
	domain_provision_free(p);

	/* Meanwhile someone removed b, and removed c and made it again. */
	g_hash_table_remove(fake.domains, "b");
	g_hash_table_remove(fake.domains, "c");
	fake_add_foreign("c");

	p = domain_provision_new(&fake_ctl, state_path, warnings);
	ck_assert_uint_eq(warnings->len, 0);
	ck_assert_ptr_nonnull(domain_provision_record(p, "a"));
	ck_assert_uint_eq(domain_provision_record(p, "a")->limits.max_calls, 7);
	fake_reset_counts();
	apply_expect(p, none, "removed:a forgotten:b forgotten:c");
	ck_assert_ptr_null(fake_find("a"));
	ck_assert_ptr_nonnull(fake_find("c"));
	domain_provision_free(p);

	/* A record that cannot be read is forgotten, with a warning. */
	ck_assert(g_file_set_contents(state_path, "[Bad/Name]\nid=1\n[x]\nid=z\n", -1, NULL));
	p = domain_provision_new(&fake_ctl, state_path, warnings);
	ck_assert_uint_eq(warnings->len, 2);
	ck_assert_ptr_null(domain_provision_record(p, "x"));
	domain_provision_free(p);
}
END_TEST

/* ---- run-time domains (AddDomain, RemoveDomain) ---- */

static struct bindox_domain_config runtime_config(const char *name, uint32_t mode)
{
	struct bindox_domain_config cfg = { .uid = 1001, .gid = 1002, .mode = mode };

	g_strlcpy(cfg.name, name, sizeof(cfg.name));
	return cfg;
}

/* Adds @name over "D-Bus" and checks the answer and the actions. */
static int add_expect(DomainProvision *p, struct bindox_domain_config *cfg, const char *want)
{
	g_autoptr(GPtrArray) actions = domain_actions_new();
	g_autofree char *got = NULL;
	int r = domain_provision_add(p, cfg, actions);

	got = actions_string(actions);
	ck_assert_str_eq(got, want);
	return r;
}

static int remove_expect(DomainProvision *p, const char *name, bool force,
			 uint32_t *connections, const char *want)
{
	g_autoptr(GPtrArray) actions = domain_actions_new();
	g_autofree char *got = NULL;
	int r = domain_provision_remove(p, name, force, connections, actions);

	got = actions_string(actions);
	ck_assert_str_eq(got, want);
	return r;
}

START_TEST(test_runtime_add_and_remove)
{
	g_autoptr(DomainConfig) none = config_new();
	struct bindox_domain_config cfg = runtime_config("rt", 0640);
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);
	const DomainRecord *rec;
	uint32_t connections = 99;

	cfg.limits.max_calls = 5;
	ck_assert_int_eq(add_expect(p, &cfg, "created:rt"), 0);
	ck_assert_uint_eq(cfg.id, 1);
	ck_assert_uint_eq(cfg.limits.max_connections, FAKE_DEFAULT_LIMIT);
	ck_assert_uint_eq(fake_find("rt")->cfg.mode, 0640);
	ck_assert_uint_eq(fake_find("rt")->cfg.uid, 1001);
	rec = domain_provision_record(p, "rt");
	ck_assert_ptr_nonnull(rec);
	ck_assert(rec->runtime);
	ck_assert_str_eq(rec->file, "");
	/* The record keeps what was asked: 0 stays the driver's default. */
	ck_assert_uint_eq(rec->limits.max_calls, 5);
	ck_assert_uint_eq(rec->limits.max_connections, 0);

	/* A reload with no files keeps it: it is not a file's. */
	fake_reset_counts();
	apply_expect(p, none, "");
	ck_assert_uint_eq(fake.removes, 0);
	ck_assert_ptr_nonnull(fake_find("rt"));

	/* A restarted bindoxd still knows it as a run-time domain. */
	domain_provision_free(p);
	p = domain_provision_new(&fake_ctl, state_path, NULL);
	ck_assert(domain_provision_record(p, "rt")->runtime);
	apply_expect(p, none, "");

	ck_assert_int_eq(remove_expect(p, "rt", false, &connections, "removed:rt"), 0);
	ck_assert_uint_eq(connections, 0);
	ck_assert_uint_eq(fake.last_remove_flags, 0);
	ck_assert_ptr_null(fake_find("rt"));
	ck_assert_ptr_null(domain_provision_record(p, "rt"));
	domain_provision_free(p);

	/* The removal was recorded too. */
	p = domain_provision_new(&fake_ctl, state_path, NULL);
	ck_assert_ptr_null(domain_provision_record(p, "rt"));
	domain_provision_free(p);
}
END_TEST

START_TEST(test_runtime_refusals)
{
	g_autoptr(DomainConfig) c = config_new();
	struct bindox_domain_config cfg = runtime_config("rt", 0600);
	struct bindox_domain_config dup = runtime_config("rt", 0660);
	struct bindox_domain_config filed = runtime_config("filed", 0600);
	struct bindox_domain_config foreign = runtime_config("foreign", 0600);
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);
	uint32_t connections = 0;

	fake_add_foreign("foreign");
	config_add(c, "filed", "50-filed.xml", 0660);
	apply_expect(p, c, "created:filed");
	ck_assert_int_eq(add_expect(p, &cfg, "created:rt"), 0);

	/* Names in use: the driver is not even asked to replace anything. */
	fake_reset_counts();
	ck_assert_int_eq(add_expect(p, &dup, ""), -EEXIST);
	ck_assert_int_eq(add_expect(p, &filed, ""), -EEXIST);
	ck_assert_int_eq(add_expect(p, &foreign, ""), -EEXIST);
	ck_assert_uint_eq(fake.adds + fake.updates + fake.removes, 0);
	ck_assert_uint_eq(fake_find("rt")->cfg.mode, 0600);
	ck_assert(!domain_provision_record(p, "filed")->runtime);
	ck_assert_ptr_null(domain_provision_record(p, "foreign"));

	/* The driver's refusal leaves no record. */
	cfg = runtime_config("full", 0600);
	fake.add_error = -ENOSPC;
	ck_assert_int_eq(add_expect(p, &cfg, ""), -ENOSPC);
	ck_assert_ptr_null(domain_provision_record(p, "full"));

	/* Only run-time domains go by RemoveDomain. */
	ck_assert_int_eq(remove_expect(p, "none", false, &connections, ""), -ENOENT);
	ck_assert_int_eq(remove_expect(p, "foreign", false, &connections, ""), -EPERM);
	ck_assert_int_eq(remove_expect(p, "filed", false, &connections, ""), -EACCES);
	ck_assert_uint_eq(fake.removes, 0);
	ck_assert_ptr_nonnull(fake_find("foreign"));
	ck_assert_ptr_nonnull(fake_find("filed"));

	/* Busy: refused and kept, unless forced. */
	fake_find("rt")->cfg.connections = 2;
	ck_assert_int_eq(remove_expect(p, "rt", false, &connections, ""), -EBUSY);
	ck_assert_uint_eq(connections, 2);
	ck_assert_ptr_nonnull(fake_find("rt"));
	ck_assert(domain_provision_record(p, "rt")->runtime);
	ck_assert_int_eq(remove_expect(p, "rt", true, &connections, "removed:rt"), 0);
	ck_assert_uint_eq(fake.last_remove_flags, BINDOX_DOMAIN_FORCE);
	ck_assert_ptr_null(fake_find("rt"));
	domain_provision_free(p);
}
END_TEST

START_TEST(test_runtime_taken_over_by_file)
{
	g_autoptr(DomainConfig) c = config_new();
	g_autoptr(DomainConfig) none = config_new();
	struct bindox_domain_config cfg = runtime_config("rt", 0600);
	DomainProvision *p = domain_provision_new(&fake_ctl, state_path, NULL);
	const DomainRecord *rec;
	uint32_t connections = 0;
	uint32_t id;

	ck_assert_int_eq(add_expect(p, &cfg, "created:rt"), 0);
	id = cfg.id;
	/* A file declares it: the file's configuration applies in place. */
	config_add(c, "rt", "50-rt.xml", 0660);
	fake_reset_counts();
	apply_expect(p, c, "updated:rt");
	ck_assert_uint_eq(fake.adds + fake.removes, 0);
	ck_assert_uint_eq(fake_find("rt")->cfg.id, id);
	ck_assert_uint_eq(fake_find("rt")->cfg.mode, 0660);
	ck_assert_uint_eq(fake_find("rt")->cfg.uid, 1000);
	rec = domain_provision_record(p, "rt");
	ck_assert(!rec->runtime);
	ck_assert_str_eq(rec->file, "50-rt.xml");

	/* The file's now: RemoveDomain refuses, and it goes with the file. */
	ck_assert_int_eq(remove_expect(p, "rt", false, &connections, ""), -EACCES);
	apply_expect(p, none, "removed:rt");
	ck_assert_ptr_null(fake_find("rt"));
	domain_provision_free(p);
}
END_TEST

static Suite *domain_provision_suite(void)
{
	Suite *s = suite_create("domain-provision");
	TCase *tc = tcase_create("decisions");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_then_nothing);
	tcase_add_test(tc, test_update_in_place);
	tcase_add_test(tc, test_remove_undeclared);
	tcase_add_test(tc, test_keep_busy_then_retry);
	tcase_add_test(tc, test_busy_declared_again);
	tcase_add_test(tc, test_forced_removal);
	tcase_add_test(tc, test_not_ours_left_alone);
	tcase_add_test(tc, test_bad_file_untouched);
	tcase_add_test(tc, test_driver_refuses);
	tcase_add_test(tc, test_restart_knows_its_domains);
	tcase_add_test(tc, test_runtime_add_and_remove);
	tcase_add_test(tc, test_runtime_refusals);
	tcase_add_test(tc, test_runtime_taken_over_by_file);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(domain_provision_suite)
