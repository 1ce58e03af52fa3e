/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bindox domains from udev; see domains.h.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libudev.h>
#include "domains.h"
#include "log.h"
#include "policy.h"

#define DOMAINS_PREFIX "bindox"

struct Domains {
	struct udev *udev;
	struct udev_monitor *monitor;
	sd_event_source *source;
	GHashTable *by_syspath;	/* syspath -> Domain (owned) */
	const DomainsHooks *hooks;
	void *userdata;
};

char *domains_name_from_sysname(const char *sysname)
{
	size_t n = strlen(DOMAINS_PREFIX);

	if (!sysname || strncmp(sysname, DOMAINS_PREFIX, n) != 0)
		return NULL;
	if (sysname[n] == '\0')
		return g_strdup(BINDOX_HOST_DOMAIN);
	if (sysname[n] == '-' && sysname[n + 1] != '\0')
		return g_strdup(sysname + n + 1);
	return NULL;
}

static void domain_free(gpointer p)
{
	Domain *d = p;

	g_free(d->name);
	g_free(d->devnode);
	g_free(d->syspath);
	g_free(d);
}

/* A decimal number of at most @max, or false. */
static bool parse_number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (!s || !g_ascii_isdigit(s[0]))
		return false;
	errno = 0;
	*out = g_ascii_strtoull(s, &end, 10);
	while (g_ascii_isspace(*end))
		end++;
	return errno == 0 && *end == '\0' && *out <= max;
}

/* The domain of a bindox device, or NULL for another device. */
static Domain *domain_from_device(struct udev_device *dev)
{
	const char *syspath = udev_device_get_syspath(dev);
	const char *subsystem = udev_device_get_subsystem(dev);
	const char *name = udev_device_get_property_value(dev, "BINDOX_DOMAIN");
	const char *id = udev_device_get_property_value(dev, "BINDOX_DOMAIN_ID");
	g_autofree char *from_sysname = domains_name_from_sysname(udev_device_get_sysname(dev));
	uint64_t n;
	Domain *d;

	if (!syspath || !subsystem || strcmp(subsystem, DOMAINS_SUBSYSTEM) != 0 ||
	    (!name && !from_sysname))
		return NULL;
	d = g_new0(Domain, 1);
	d->name = g_strdup(name ? name : from_sysname);
	d->devnode = g_strdup(udev_device_get_devnode(dev));
	d->syspath = g_strdup(syspath);
	if (!id)
		id = udev_device_get_sysattr_value(dev, "domain_id");
	if (parse_number(id, UINT32_MAX - 1, &n))
		d->id = (uint32_t)n;
	else
		d->id = strcmp(d->name, BINDOX_HOST_DOMAIN) == 0 ? 0 : DOMAINS_NO_ID;
	return d;
}

static void domains_added(Domains *ds, Domain *d)
{
	log_struct(LOG_INFO, &(LogFields){ .domain = d->name }, "domain %s (id %u): %s", d->name,
		   d->id, d->devnode ? d->devnode : d->syspath);
	if (ds->hooks && ds->hooks->added)
		ds->hooks->added(ds->userdata, d);
}

/* Takes @d out and frees it, telling the hooks first. */
static void domains_remove(Domains *ds, Domain *d)
{
	log_struct(LOG_INFO, &(LogFields){ .domain = d->name }, "domain %s (id %u) removed: %s",
		   d->name, d->id, d->devnode ? d->devnode : d->syspath);
	if (ds->hooks && ds->hooks->removing)
		ds->hooks->removing(ds->userdata, d);
	g_hash_table_remove(ds->by_syspath, d->syspath);
}

/* Puts @d (owned) in place of what @ds knew of its device. */
static void domains_put(Domains *ds, Domain *d)
{
	Domain *old = g_hash_table_lookup(ds->by_syspath, d->syspath);

	if (old && strcmp(old->name, d->name) != 0) {
		domains_remove(ds, old);
		old = NULL;
	}
	g_hash_table_replace(ds->by_syspath, d->syspath, d);
	if (!old)
		domains_added(ds, d);
}

/* Scans sysfs; returns the domains found by syspath. */
static GHashTable *domains_scan(Domains *ds)
{
	GHashTable *found = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, domain_free);
	struct udev_enumerate *e = udev_enumerate_new(ds->udev);
	struct udev_list_entry *entry;
	int r;

	if (!e)
		return found;
	r = udev_enumerate_add_match_subsystem(e, DOMAINS_SUBSYSTEM);
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0) {
		log_warning("cannot enumerate the bindox devices: %s", strerror(-r));
		udev_enumerate_unref(e);
		return found;
	}
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *dev =
			udev_device_new_from_syspath(ds->udev, udev_list_entry_get_name(entry));
		Domain *d = dev ? domain_from_device(dev) : NULL;

		if (d)
			g_hash_table_replace(found, d->syspath, d);
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	return found;
}

void domains_refresh(Domains *ds)
{
	g_autoptr(GHashTable) found = domains_scan(ds);
	g_autoptr(GPtrArray) gone = g_ptr_array_new();
	GHashTableIter it;
	gpointer key, value;
	guint i;

	g_hash_table_iter_init(&it, ds->by_syspath);
	while (g_hash_table_iter_next(&it, &key, &value))
		if (!g_hash_table_contains(found, key))
			g_ptr_array_add(gone, value);
	for (i = 0; i < gone->len; i++)
		domains_remove(ds, g_ptr_array_index(gone, i));

	g_hash_table_iter_init(&it, found);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		g_hash_table_iter_steal(&it);
		domains_put(ds, value);
	}
}

static int domains_on_event(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	Domains *ds = userdata;
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(ds->monitor))) {
		const char *action = udev_device_get_action(dev);
		const char *syspath = udev_device_get_syspath(dev);

		if (action && syspath && strcmp(action, "remove") == 0) {
			Domain *old = g_hash_table_lookup(ds->by_syspath, syspath);

			if (old)
				domains_remove(ds, old);
		} else if (action && (strcmp(action, "add") == 0 ||
				      strcmp(action, "change") == 0)) {
			Domain *d = domain_from_device(dev);

			if (d)
				domains_put(ds, d);
		}
		udev_device_unref(dev);
	}
	return 0;
}

static int domains_monitor(Domains *ds, sd_event *event)
{
	int r;

	ds->monitor = udev_monitor_new_from_netlink(ds->udev, "udev");
	if (!ds->monitor)
		return errno ? -errno : -ENOMEM;
	r = udev_monitor_filter_add_match_subsystem_devtype(ds->monitor, DOMAINS_SUBSYSTEM, NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(ds->monitor);
	if (r >= 0)
		r = sd_event_add_io(event, &ds->source, udev_monitor_get_fd(ds->monitor), EPOLLIN,
				    domains_on_event, ds);
	return r < 0 ? r : 0;
}

int domains_new(sd_event *event, const DomainsHooks *hooks, void *userdata, Domains **out)
{
	Domains *ds;
	int r;

	ds = g_new0(Domains, 1);
	ds->by_syspath = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, domain_free);
	ds->udev = udev_new();
	if (!ds->udev) {
		domains_free(ds);
		return -ENOMEM;
	}
	/* The first scan is not news: the hooks hear of changes only. */
	domains_refresh(ds);
	ds->hooks = hooks;
	ds->userdata = userdata;

	/* Without udev's events, the list changes only on refreshes. */
	if (event) {
		r = domains_monitor(ds, event);
		if (r < 0)
			log_warning("cannot follow device events (%s): domains that others "
				    "create or remove are seen late", strerror(-r));
	}
	*out = ds;
	return 0;
}

Domains *domains_free(Domains *ds)
{
	if (!ds)
		return NULL;
	sd_event_source_disable_unref(ds->source);
	udev_monitor_unref(ds->monitor);
	udev_unref(ds->udev);
	g_hash_table_destroy(ds->by_syspath);
	g_free(ds);
	return NULL;
}

static gint domain_compare_by_name(gconstpointer a, gconstpointer b)
{
	const Domain *da = *(Domain *const *)a;
	const Domain *db = *(Domain *const *)b;

	return strcmp(da->name, db->name);
}

GPtrArray *domains_list(const Domains *ds)
{
	GPtrArray *all = g_ptr_array_new();
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, ds->by_syspath);
	while (g_hash_table_iter_next(&it, NULL, &value))
		g_ptr_array_add(all, value);
	g_ptr_array_sort(all, domain_compare_by_name);
	return all;
}

const Domain *domains_find(const Domains *ds, const char *name)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, ds->by_syspath);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		const Domain *d = value;

		if (strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

static const Domain *domains_lookup_id(const Domains *ds, uint32_t id)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, ds->by_syspath);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		const Domain *d = value;

		if (d->id == id)
			return d;
	}
	return NULL;
}

const Domain *domains_find_by_id(Domains *ds, uint32_t id)
{
	const Domain *d = domains_lookup_id(ds, id);

	if (d || id == DOMAINS_NO_ID)
		return d;
	domains_refresh(ds);
	return domains_lookup_id(ds, id);
}

/* A sysfs attribute of @dev as a number; false if it is missing or bad. */
static bool read_attr(struct udev_device *dev, const char *attr, int base, uint64_t max,
		      uint64_t *out)
{
	const char *value = udev_device_get_sysattr_value(dev, attr);
	char *end;

	if (!value || !g_ascii_isdigit(value[0]))
		return false;
	errno = 0;
	*out = g_ascii_strtoull(value, &end, base);
	while (g_ascii_isspace(*end))
		end++;
	return errno == 0 && *end == '\0' && *out <= max;
}

int domains_read_status(const Domains *ds, const Domain *d, DomainStatus *st)
{
	static const struct {
		const char *attr;
		size_t offset;
		bool wide;
	} attrs[] = {
		{ "uid", offsetof(DomainStatus, uid), false },
		{ "gid", offsetof(DomainStatus, gid), false },
		{ "connections", offsetof(DomainStatus, connections), false },
		{ "nodes", offsetof(DomainStatus, nodes), false },
		{ "calls", offsetof(DomainStatus, calls), false },
		{ "buffer_bytes", offsetof(DomainStatus, buffer_bytes), true },
		{ "max_connections", offsetof(DomainStatus, limits.max_connections), false },
		{ "max_handles", offsetof(DomainStatus, limits.max_handles), false },
		{ "max_nodes", offsetof(DomainStatus, limits.max_nodes), false },
		{ "max_calls", offsetof(DomainStatus, limits.max_calls), false },
		{ "max_oneway", offsetof(DomainStatus, limits.max_oneway), false },
		{ "max_oneway_bytes", offsetof(DomainStatus, limits.max_oneway_bytes), false },
		{ "max_buffer_bytes", offsetof(DomainStatus, limits.max_buffer_bytes), true },
	};
	/* A new device object each time: libudev caches attribute values. */
	struct udev_device *dev = udev_device_new_from_syspath(ds->udev, d->syspath);
	uint64_t v;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (!dev)
		return -ENODEV;
	for (i = 0; i < G_N_ELEMENTS(attrs); i++) {
		if (!read_attr(dev, attrs[i].attr, 10, attrs[i].wide ? UINT64_MAX : UINT32_MAX, &v))
			continue;
		if (attrs[i].wide)
			G_STRUCT_MEMBER(uint64_t, st, attrs[i].offset) = v;
		else
			G_STRUCT_MEMBER(uint32_t, st, attrs[i].offset) = (uint32_t)v;
	}
	if (read_attr(dev, "mode", 8, 07777, &v))
		st->mode = (uint32_t)v;
	udev_device_unref(dev);
	return 0;
}
