/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One D-Bus object per registered service,
 * /org/bindox/Coordinator1/service/<name escaped with sd_bus_path_encode()>,
 * served by a fallback vtable and listed by a node enumerator, so that
 * `busctl tree org.bindox.Coordinator1` shows the registry.
 */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "bus.h"

char *bus_service_path(const char *name)
{
	char *path = NULL;

	if (sd_bus_path_encode(BUS_SERVICE_PREFIX, name, &path) < 0)
		return NULL;
	return path;
}

static int bus_service_find(sd_bus *bus, const char *path, const char *interface,
			    void *userdata, void **found, sd_bus_error *error)
{
	Manager *m = userdata;
	char *name = NULL;
	Service *s;
	int r;

	r = sd_bus_path_decode(path, BUS_SERVICE_PREFIX, &name);
	if (r <= 0)
		return r;
	s = registry_find(coordinator_registry(m->coordinator), name);
	free(name);
	if (!s)
		return 0;
	*found = s;
	return 1;
}

static int bus_service_enumerate(sd_bus *bus, const char *prefix, void *userdata,
				 char ***nodes, sd_bus_error *error)
{
	Manager *m = userdata;
	g_autoptr(GPtrArray) all = registry_list(coordinator_registry(m->coordinator));
	char **paths;
	guint i;

	/* sd-bus frees the array and its strings with free(). */
	paths = calloc(all->len + 1, sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	for (i = 0; i < all->len; i++) {
		const Service *s = g_ptr_array_index(all, i);

		paths[i] = bus_service_path(s->name);
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

static const sd_bus_vtable bus_service_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Name", "s", NULL, offsetof(Service, name), SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Domain", "s", NULL, offsetof(Service, domain),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Pid", "u", NULL, offsetof(Service, owner.pid),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Uid", "u", NULL, offsetof(Service, owner.euid),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Gid", "u", NULL, offsetof(Service, owner.egid),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("RegisteredAt", "t", NULL, offsetof(Service, registered_usec),
			SD_BUS_VTABLE_PROPERTY_CONST),
	/* Changes with every lookup: read it, no signal. */
	SD_BUS_PROPERTY("Clients", "t", NULL, offsetof(Service, clients), 0),
	SD_BUS_VTABLE_END
};

int bus_service_add(Manager *m)
{
	int r;

	r = sd_bus_add_fallback_vtable(m->bus, NULL, BUS_SERVICE_PREFIX, BUS_SERVICE_INTERFACE,
				       bus_service_vtable, bus_service_find, m);
	if (r < 0)
		return r;
	return sd_bus_add_node_enumerator(m->bus, NULL, BUS_SERVICE_PREFIX, bus_service_enumerate,
					  m);
}
