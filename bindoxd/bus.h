/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_BUS_H
#define BINDOXD_BUS_H

/*
 * The D-Bus interface (bindoxd(8) documents it): the manager object
 * /org/bindox/Coordinator1 (bus-manager.c, bus-domain-admin.c), one child
 * object per service under /org/bindox/Coordinator1/service (bus-service.c)
 * and one per domain under /org/bindox/Coordinator1/domain (bus-domain.c).
 */

#include <glib.h>
#include "bus-names.h"
#include "manager.h"

/* bus-manager.c */
int bus_manager_add(Manager *m);
/*
 * Methods that change the system: 0 if the sender's euid is 0 as the bus
 * vouches for it (not read from /proc), else AccessDenied in @error.
 */
int bus_require_root(sd_bus_message *msg, const char *what, sd_bus_error *error);
void bus_emit_service_registered(Manager *m, const Service *s);
/* While @s is still registered: */
void bus_emit_service_removed(Manager *m, const Service *s, ServiceRemovedReason reason);
/* After the registry changed: */
void bus_emit_service_count_changed(Manager *m);
void bus_emit_policy_reloaded(Manager *m);

/* bus-domain.c */
int bus_domain_add(Manager *m);
/* The object path of domain @name (free with free()), NULL without memory. */
char *bus_domain_path(const char *name);
/* ListDomains() -> a(susuuuuaso) */
int bus_method_list_domains(sd_bus_message *msg, void *userdata, sd_bus_error *error);
void bus_emit_domain_added(Manager *m, const Domain *d);
/* While @d is still listed: */
void bus_emit_domain_removed(Manager *m, const Domain *d);
void bus_domain_view_free(BusDomainView *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BusDomainView, bus_domain_view_free)

/* bus-domain-admin.c: AddDomain(s name, u uid, u gid, u mode, a{st} limits) -> u id, o path */
int bus_method_add_domain(sd_bus_message *msg, void *userdata, sd_bus_error *error);
/* RemoveDomain(s name, b force) */
int bus_method_remove_domain(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* bus-service.c */
int bus_service_add(Manager *m);
/* The object path of service @name (free with free()), NULL without memory. */
char *bus_service_path(const char *name);

#endif /* BINDOXD_BUS_H */
