/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bindox domains from udev; see domains.h.
 */

#include <errno.h>
#include <string.h>
#include <libudev.h>
#include "domains.h"
#include "log.h"
#include "policy.h"

#define DOMAINS_SUBSYSTEM "bindox"
#define DOMAINS_PREFIX "bindox"

struct Domains {
	struct udev *udev;
	struct udev_monitor *monitor;
	sd_event_source *source;
	GHashTable *by_syspath;	/* syspath -> Domain (owned) */
};

char *domains_name_from_sysname(const char *sysname)
{
	size_t n = strlen(DOMAINS_PREFIX);

	if (!sysname || strncmp(sysname, DOMAINS_PREFIX, n) != 0)
		return NULL;
	if (sysname[n] == '\0')
		return g_strdup(BINDOX_HOST_DOMAIN);
	if ((sysname[n] == '-' || sysname[n] == '!') && sysname[n + 1] != '\0')
		return g_strdup(sysname + n + 1);
	return NULL;
}

const char *domains_name_from_id(uint32_t id)
{
	return id == 0 ? BINDOX_HOST_DOMAIN : NULL;
}

static void domain_free(gpointer p)
{
	Domain *d = p;

	g_free(d->name);
	g_free(d->devnode);
	g_free(d->syspath);
	g_free(d);
}

/* Adds @dev if it is a bindox device; returns the domain added or NULL. */
static const Domain *domains_add_device(Domains *ds, struct udev_device *dev)
{
	const char *syspath = udev_device_get_syspath(dev);
	const char *devnode = udev_device_get_devnode(dev);
	char *name = domains_name_from_sysname(udev_device_get_sysname(dev));
	Domain *d;

	if (!name || !syspath) {
		g_free(name);
		return NULL;
	}
	d = g_new0(Domain, 1);
	d->name = name;
	d->devnode = g_strdup(devnode);
	d->syspath = g_strdup(syspath);
	g_hash_table_replace(ds->by_syspath, d->syspath, d);
	return d;
}

static int domains_enumerate(Domains *ds)
{
	struct udev_enumerate *e = udev_enumerate_new(ds->udev);
	struct udev_list_entry *entry;
	int r;

	if (!e)
		return -ENOMEM;
	r = udev_enumerate_add_match_subsystem(e, DOMAINS_SUBSYSTEM);
	if (r >= 0)
		r = udev_enumerate_add_match_sysname(e, DOMAINS_PREFIX "*");
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0) {
		udev_enumerate_unref(e);
		return r;
	}
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *dev =
			udev_device_new_from_syspath(ds->udev, udev_list_entry_get_name(entry));

		if (!dev)
			continue;
		(void)domains_add_device(ds, dev);
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	return 0;
}

static int domains_on_event(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	Domains *ds = userdata;
	struct udev_device *dev;
	const char *action, *syspath;
	const Domain *d;

	while ((dev = udev_monitor_receive_device(ds->monitor))) {
		action = udev_device_get_action(dev);
		syspath = udev_device_get_syspath(dev);
		if (action && syspath && strcmp(action, "remove") == 0) {
			Domain *old = g_hash_table_lookup(ds->by_syspath, syspath);

			if (old) {
				g_hash_table_steal(ds->by_syspath, syspath);
				log_info("domain %s removed (%s)", old->name,
					 old->devnode ? old->devnode : syspath);
				domain_free(old);
			}
		} else if (action && (strcmp(action, "add") == 0 || strcmp(action, "change") == 0)) {
			bool known = syspath && g_hash_table_contains(ds->by_syspath, syspath);

			d = domains_add_device(ds, dev);
			if (d && !known)
				log_info("domain %s added (%s)", d->name,
					 d->devnode ? d->devnode : d->syspath);
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
		return -errno ? -errno : -ENOMEM;
	r = udev_monitor_filter_add_match_subsystem_devtype(ds->monitor, DOMAINS_SUBSYSTEM, NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(ds->monitor);
	if (r >= 0)
		r = sd_event_add_io(event, &ds->source, udev_monitor_get_fd(ds->monitor), EPOLLIN,
				    domains_on_event, ds);
	return r < 0 ? r : 0;
}

int domains_new(sd_event *event, Domains **out)
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

	r = domains_enumerate(ds);
	if (r < 0) {
		domains_free(ds);
		return r;
	}
	/* Without udev's events the list is only what was there at start. */
	r = domains_monitor(ds, event);
	if (r < 0)
		log_warning("cannot follow device events (%s): the domain list will not change",
			    strerror(-r));

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
