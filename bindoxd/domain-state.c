/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record of the domains bindoxd created, as a GKeyFile: one group per
 * domain. See domain-state.h.
 */

#include <errno.h>
#include <string.h>
#include "domain-state.h"

struct DomainState {
	char *path;
	GHashTable *records;	/* name -> DomainRecord (owned) */
};

/* The limits' keys, in the order of struct bindox_domain_limits. */
static const struct {
	const char *key;
	size_t offset;
	bool wide;
} state_limits[] = {
	{ "max-connections", offsetof(struct bindox_domain_limits, max_connections), false },
	{ "max-handles", offsetof(struct bindox_domain_limits, max_handles), false },
	{ "max-nodes", offsetof(struct bindox_domain_limits, max_nodes), false },
	{ "max-calls", offsetof(struct bindox_domain_limits, max_calls), false },
	{ "max-oneway", offsetof(struct bindox_domain_limits, max_oneway), false },
	{ "max-oneway-bytes", offsetof(struct bindox_domain_limits, max_oneway_bytes), false },
	{ "max-buffer-bytes", offsetof(struct bindox_domain_limits, max_buffer_bytes), true },
};

static void record_free(gpointer p)
{
	DomainRecord *r = p;

	g_free(r->name);
	g_free(r->file);
	g_free(r);
}

static DomainState *state_new(const char *path)
{
	DomainState *s = g_new0(DomainState, 1);

	s->path = g_strdup(path);
	s->records = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, record_free);
	return s;
}

/* A uint32 key; false if it is missing or out of range. */
static bool read_u32(GKeyFile *kf, const char *group, const char *key, uint32_t *out,
		     GError **error)
{
	guint64 v = g_key_file_get_uint64(kf, group, key, error);

	if (*error)
		return false;
	if (v > UINT32_MAX) {
		g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
			    "%s is out of range", key);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool read_record(GKeyFile *kf, const char *group, DomainRecord *r, GError **error)
{
	g_autofree char *remove = NULL;
	size_t i;

	if (!read_u32(kf, group, "id", &r->id, error) ||
	    !read_u32(kf, group, "uid", &r->uid, error) ||
	    !read_u32(kf, group, "gid", &r->gid, error) ||
	    !read_u32(kf, group, "mode", &r->mode, error))
		return false;
	r->file = g_key_file_get_string(kf, group, "file", error);
	if (!r->file)
		return false;
	remove = g_key_file_get_string(kf, group, "remove", error);
	if (!remove)
		return false;
	r->force_remove = strcmp(remove, "force") == 0;
	/* Records written before AddDomain existed have no origin: a file's. */
	r->runtime = g_key_file_get_boolean(kf, group, "runtime", NULL);
	r->removal_pending = g_key_file_get_boolean(kf, group, "removal-pending", NULL);
	for (i = 0; i < G_N_ELEMENTS(state_limits); i++) {
		guint64 v = g_key_file_get_uint64(kf, group, state_limits[i].key, NULL);

		if (state_limits[i].wide)
			G_STRUCT_MEMBER(uint64_t, &r->limits, state_limits[i].offset) = v;
		else
			G_STRUCT_MEMBER(uint32_t, &r->limits, state_limits[i].offset) =
				(uint32_t)MIN(v, (guint64)UINT32_MAX);
	}
	return true;
}

DomainState *domain_state_load(const char *path, GPtrArray *warnings)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) groups = NULL;
	DomainState *s = state_new(path);
	size_t i;

	if (!path)
		return s;
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error)) {
		if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT) && warnings)
			g_ptr_array_add(warnings,
					g_strdup_printf("%s: %s: starting with no domains of "
							"bindoxd's own", path, error->message));
		return s;
	}
	groups = g_key_file_get_groups(kf, NULL);
	for (i = 0; groups[i]; i++) {
		DomainRecord *r = g_new0(DomainRecord, 1);

		r->name = g_strdup(groups[i]);
		if (!read_record(kf, groups[i], r, &error)) {
			if (warnings)
				g_ptr_array_add(warnings, g_strdup_printf("%s: [%s]: %s: forgotten",
									  path, groups[i],
									  error->message));
			g_clear_error(&error);
			record_free(r);
			continue;
		}
		g_hash_table_replace(s->records, r->name, r);
	}
	return s;
}

DomainState *domain_state_free(DomainState *s)
{
	if (!s)
		return NULL;
	g_hash_table_destroy(s->records);
	g_free(s->path);
	g_free(s);
	return NULL;
}

int domain_state_save(const DomainState *s, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GPtrArray) all = domain_state_list(s);
	g_autofree char *data = NULL;
	gsize len = 0;
	guint i;
	size_t j;

	if (!s->path)
		return 0;
	g_key_file_set_comment(kf, NULL, NULL,
			       " The domains bindoxd created (bindoxd(8)); do not edit.", NULL);
	for (i = 0; i < all->len; i++) {
		const DomainRecord *r = g_ptr_array_index(all, i);

		g_key_file_set_uint64(kf, r->name, "id", r->id);
		g_key_file_set_string(kf, r->name, "file", r->file);
		g_key_file_set_uint64(kf, r->name, "uid", r->uid);
		g_key_file_set_uint64(kf, r->name, "gid", r->gid);
		g_key_file_set_uint64(kf, r->name, "mode", r->mode);
		g_key_file_set_string(kf, r->name, "remove", r->force_remove ? "force" : "wait");
		g_key_file_set_boolean(kf, r->name, "removal-pending", r->removal_pending);
		g_key_file_set_boolean(kf, r->name, "runtime", r->runtime);
		for (j = 0; j < G_N_ELEMENTS(state_limits); j++)
			g_key_file_set_uint64(kf, r->name, state_limits[j].key,
					      state_limits[j].wide ?
						      G_STRUCT_MEMBER(uint64_t, &r->limits,
								      state_limits[j].offset) :
						      G_STRUCT_MEMBER(uint32_t, &r->limits,
								      state_limits[j].offset));
	}
	data = g_key_file_to_data(kf, &len, NULL);
	if (!g_file_set_contents(s->path, data, (gssize)len, error))
		return -EIO;
	return 0;
}

DomainRecord *domain_state_find(const DomainState *s, const char *name)
{
	return g_hash_table_lookup(s->records, name);
}

DomainRecord *domain_state_put(DomainState *s, const char *name)
{
	DomainRecord *r = g_new0(DomainRecord, 1);

	r->name = g_strdup(name);
	g_hash_table_replace(s->records, r->name, r);
	return r;
}

void domain_state_forget(DomainState *s, const char *name)
{
	g_hash_table_remove(s->records, name);
}

static gint record_compare_by_name(gconstpointer a, gconstpointer b)
{
	const DomainRecord *ra = *(DomainRecord *const *)a;
	const DomainRecord *rb = *(DomainRecord *const *)b;

	return strcmp(ra->name, rb->name);
}

GPtrArray *domain_state_list(const DomainState *s)
{
	GPtrArray *all = g_ptr_array_new();
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, s->records);
	while (g_hash_table_iter_next(&it, NULL, &value))
		g_ptr_array_add(all, value);
	g_ptr_array_sort(all, record_compare_by_name);
	return all;
}
