/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of services; see registry.h.
 */

#include <errno.h>
#include <string.h>
#include "registry.h"

/* What the registry knows about one handle: its subscription and users. */
typedef struct HandleUse {
	uint64_t death_cookie;
	unsigned int n_names;
} HandleUse;

struct Registry {
	GHashTable *services;	/* name -> Service (owned) */
	GHashTable *handles;	/* GUINT_TO_POINTER(handle) -> HandleUse (owned) */
	uint64_t next_cookie;
};

static void service_free(gpointer p)
{
	Service *s = p;

	g_free(s->name);
	g_free(s->domain);
	g_free(s);
}

Registry *registry_new(void)
{
	Registry *r = g_new0(Registry, 1);

	r->services = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, service_free);
	r->handles = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	r->next_cookie = 1;
	return r;
}

Registry *registry_free(Registry *r)
{
	if (!r)
		return NULL;
	g_hash_table_destroy(r->services);
	g_hash_table_destroy(r->handles);
	g_free(r);
	return NULL;
}

int registry_add(Registry *r, const char *name, uint32_t handle, const BindoxCreds *owner,
		 const char *domain, uint64_t now_usec, Service **out, bool *subscribe)
{
	HandleUse *use;
	Service *s;

	if (g_hash_table_contains(r->services, name))
		return -EEXIST;

	use = g_hash_table_lookup(r->handles, GUINT_TO_POINTER(handle));
	*subscribe = !use;
	if (!use) {
		use = g_new0(HandleUse, 1);
		use->death_cookie = r->next_cookie++;
		g_hash_table_insert(r->handles, GUINT_TO_POINTER(handle), use);
	}
	use->n_names++;

	s = g_new0(Service, 1);
	s->name = g_strdup(name);
	s->handle = handle;
	s->death_cookie = use->death_cookie;
	s->owner = *owner;
	s->domain = g_strdup(domain);
	s->registered_usec = now_usec;
	g_hash_table_insert(r->services, s->name, s);
	*out = s;
	return 0;
}

Service *registry_find(const Registry *r, const char *name)
{
	return g_hash_table_lookup(r->services, name);
}

bool registry_remove(Registry *r, Service *s)
{
	gpointer key = GUINT_TO_POINTER(s->handle);
	HandleUse *use = g_hash_table_lookup(r->handles, key);
	bool last = true;

	if (use && --use->n_names > 0)
		last = false;
	else
		g_hash_table_remove(r->handles, key);
	g_hash_table_remove(r->services, s->name);
	return last;
}

GPtrArray *registry_find_by_cookie(const Registry *r, uint64_t cookie)
{
	GPtrArray *found = registry_list(r);
	guint i = 0;

	while (i < found->len) {
		const Service *s = g_ptr_array_index(found, i);

		if (s->death_cookie == cookie)
			i++;
		else
			g_ptr_array_remove_index(found, i);
	}
	return found;
}

static gint service_compare_by_name(gconstpointer a, gconstpointer b)
{
	const Service *sa = *(Service *const *)a;
	const Service *sb = *(Service *const *)b;

	return strcmp(sa->name, sb->name);
}

GPtrArray *registry_list(const Registry *r)
{
	GPtrArray *all = g_ptr_array_sized_new(g_hash_table_size(r->services));
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, r->services);
	while (g_hash_table_iter_next(&it, NULL, &value))
		g_ptr_array_add(all, value);
	g_ptr_array_sort(all, service_compare_by_name);
	return all;
}

size_t registry_count(const Registry *r)
{
	return g_hash_table_size(r->services);
}
