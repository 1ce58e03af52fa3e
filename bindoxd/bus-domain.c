/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The domains on the bus: ListDomains, and one object per domain,
 * /org/bindox/Coordinator1/domain/<name escaped with sd_bus_path_encode()>,
 * served by a fallback vtable and listed by a node enumerator, like the
 * services. Owner, mode, limits and counts are read when asked (they change
 * without events): owner and mode from the device node, which is what
 * decides who may open it (for the host's node udev's rule sets them), the
 * rest from sysfs. The services are the registry's entries whose owner is
 * in the domain.
 */

#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "bus.h"
#include "log.h"

/* One domain as the bus shows it, built afresh for each call. */
struct BusDomainView {
	char *name;
	uint32_t id;
	char *device;
	DomainStatus status;
	char **services;	/* NULL-terminated */
	int managed;		/* created by bindoxd: from a domain file, or AddDomain */
	char *file;		/* that file's name, "" if added over D-Bus or not bindoxd's */
	int removal_pending;	/* no longer declared, waits until it is free */
};

void bus_domain_view_free(BusDomainView *v)
{
	if (!v)
		return;
	g_free(v->name);
	g_free(v->device);
	g_strfreev(v->services);
	g_free(v->file);
	g_free(v);
}

char *bus_domain_path(const char *name)
{
	char *path = NULL;

	if (sd_bus_path_encode(BUS_DOMAIN_PREFIX, name, &path) < 0)
		return NULL;
	return path;
}

/* The names of the registered services whose owner is in @domain, sorted. */
static char **bus_domain_services(Manager *m, const char *domain)
{
	g_autoptr(GPtrArray) all = registry_list(coordinator_registry(m->coordinator));
	GPtrArray *names = g_ptr_array_new();
	guint i;

	for (i = 0; i < all->len; i++) {
		const Service *s = g_ptr_array_index(all, i);

		if (strcmp(s->domain, domain) == 0)
			g_ptr_array_add(names, g_strdup(s->name));
	}
	g_ptr_array_add(names, NULL);
	return (char **)g_ptr_array_free(names, FALSE);
}

static BusDomainView *bus_domain_view_new(Manager *m, const Domain *d)
{
	BusDomainView *v = g_new0(BusDomainView, 1);
	struct stat st;
	const DomainRecord *rec = m->provision ? domain_provision_record(m->provision, d->name)
					       : NULL;

	v->name = g_strdup(d->name);
	v->id = d->id;
	v->device = g_strdup(d->devnode ? d->devnode : "");
	(void)domains_read_status(m->domains, d, &v->status);
	if (d->devnode && stat(d->devnode, &st) == 0 && S_ISCHR(st.st_mode)) {
		v->status.uid = (uint32_t)st.st_uid;
		v->status.gid = (uint32_t)st.st_gid;
		v->status.mode = (uint32_t)(st.st_mode & 07777);
	}
	v->services = bus_domain_services(m, d->name);
	v->managed = rec != NULL;
	v->file = g_strdup(rec ? rec->file : "");
	v->removal_pending = rec && rec->removal_pending;
	return v;
}

static int bus_append_domain(sd_bus_message *reply, Manager *m, const Domain *d)
{
	g_autoptr(BusDomainView) v = bus_domain_view_new(m, d);
	char *path = bus_domain_path(d->name);
	int r;

	if (!path)
		return -ENOMEM;
	r = sd_bus_message_open_container(reply, 'r', "susuuuuaso");
	if (r >= 0)
		r = sd_bus_message_append(reply, "susuuuu", v->name, v->id, v->device,
					  v->status.uid, v->status.gid, v->status.mode,
					  v->status.connections);
	if (r >= 0)
		r = sd_bus_message_append_strv(reply, v->services);
	if (r >= 0)
		r = sd_bus_message_append(reply, "o", path);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	free(path);
	return r;
}

int bus_method_list_domains(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;
	g_autoptr(GPtrArray) all = domains_list(m->domains);
	sd_bus_message *reply = NULL;
	guint i;
	int r;

	r = sd_bus_message_new_method_return(msg, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "(susuuuuaso)");
	for (i = 0; r >= 0 && i < all->len; i++)
		r = bus_append_domain(reply, m, g_ptr_array_index(all, i));
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static const Domain *bus_domain_from_path(Manager *m, const char *path)
{
	char *name = NULL;
	const Domain *d;

	if (sd_bus_path_decode(path, BUS_DOMAIN_PREFIX, &name) <= 0)
		return NULL;
	d = domains_find(m->domains, name);
	free(name);
	return d;
}

/*
 * The object of @path: a view built now, kept until the next call (one
 * call's properties all read the same view).
 */
static int bus_domain_find(sd_bus *bus, const char *path, const char *interface,
			   void *userdata, void **found, sd_bus_error *error)
{
	Manager *m = userdata;
	const Domain *d = bus_domain_from_path(m, path);

	if (!d)
		return 0;
	bus_domain_view_free(m->domain_view);
	m->domain_view = bus_domain_view_new(m, d);
	*found = m->domain_view;
	return 1;
}

static int bus_domain_enumerate(sd_bus *bus, const char *prefix, void *userdata,
				char ***nodes, sd_bus_error *error)
{
	Manager *m = userdata;
	g_autoptr(GPtrArray) all = domains_list(m->domains);
	char **paths;
	guint i;

	/* sd-bus frees the array and its strings with free(). */
	paths = calloc(all->len + 1, sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	for (i = 0; i < all->len; i++) {
		const Domain *d = g_ptr_array_index(all, i);

		paths[i] = bus_domain_path(d->name);
		if (!paths[i]) {
			while (i > 0)
				free(paths[--i]);
			free(paths);
			return -ENOMEM;
		}
	}
	*nodes = paths;
	return 0;
}

static int bus_domain_property_services(sd_bus *bus, const char *path, const char *interface,
					const char *property, sd_bus_message *reply,
					void *userdata, sd_bus_error *error)
{
	const BusDomainView *v = userdata;

	return sd_bus_message_append_strv(reply, v->services);
}

#define VIEW(field) offsetof(BusDomainView, field)
#define STATUS(field) (offsetof(BusDomainView, status) + offsetof(DomainStatus, field))

/* Counts and limits change without a signal: read them. */
static const sd_bus_vtable bus_domain_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Name", "s", NULL, VIEW(name), SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Id", "u", NULL, VIEW(id), SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Device", "s", NULL, VIEW(device), SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Uid", "u", NULL, STATUS(uid), 0),
	SD_BUS_PROPERTY("Gid", "u", NULL, STATUS(gid), 0),
	SD_BUS_PROPERTY("Mode", "u", NULL, STATUS(mode), 0),
	SD_BUS_PROPERTY("Connections", "u", NULL, STATUS(connections), 0),
	SD_BUS_PROPERTY("Nodes", "u", NULL, STATUS(nodes), 0),
	SD_BUS_PROPERTY("Calls", "u", NULL, STATUS(calls), 0),
	SD_BUS_PROPERTY("BufferBytes", "t", NULL, STATUS(buffer_bytes), 0),
	SD_BUS_PROPERTY("MaxConnections", "u", NULL, STATUS(limits.max_connections), 0),
	SD_BUS_PROPERTY("MaxHandles", "u", NULL, STATUS(limits.max_handles), 0),
	SD_BUS_PROPERTY("MaxNodes", "u", NULL, STATUS(limits.max_nodes), 0),
	SD_BUS_PROPERTY("MaxCalls", "u", NULL, STATUS(limits.max_calls), 0),
	SD_BUS_PROPERTY("MaxOneway", "u", NULL, STATUS(limits.max_oneway), 0),
	SD_BUS_PROPERTY("MaxOnewayBytes", "u", NULL, STATUS(limits.max_oneway_bytes), 0),
	SD_BUS_PROPERTY("MaxBufferBytes", "t", NULL, STATUS(limits.max_buffer_bytes), 0),
	SD_BUS_PROPERTY("Services", "as", bus_domain_property_services, 0, 0),
	SD_BUS_PROPERTY("Managed", "b", NULL, VIEW(managed), 0),
	SD_BUS_PROPERTY("File", "s", NULL, VIEW(file), 0),
	SD_BUS_PROPERTY("RemovalPending", "b", NULL, VIEW(removal_pending), 0),
	SD_BUS_VTABLE_END
};

int bus_domain_add(Manager *m)
{
	int r;

	r = sd_bus_add_fallback_vtable(m->bus, NULL, BUS_DOMAIN_PREFIX, BUS_DOMAIN_INTERFACE,
				       bus_domain_vtable, bus_domain_find, m);
	if (r < 0)
		return r;
	return sd_bus_add_node_enumerator(m->bus, NULL, BUS_DOMAIN_PREFIX, bus_domain_enumerate,
					  m);
}

static void bus_domain_emit(Manager *m, const Domain *d, bool added)
{
	char *path;
	int r;

	if (!m->bus)
		return;
	path = bus_domain_path(d->name);
	if (!path)
		return;
	r = added ? sd_bus_emit_object_added(m->bus, path) :
		    sd_bus_emit_object_removed(m->bus, path);
	if (r < 0)
		log_warning("cannot emit %s for %s: %s",
			    added ? "InterfacesAdded" : "InterfacesRemoved", path, strerror(-r));
	free(path);
}

void bus_emit_domain_added(Manager *m, const Domain *d)
{
	bus_domain_emit(m, d, true);
}

void bus_emit_domain_removed(Manager *m, const Domain *d)
{
	bus_domain_emit(m, d, false);
}
