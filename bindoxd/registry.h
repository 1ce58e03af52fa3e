/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_REGISTRY_H
#define BINDOXD_REGISTRY_H

/*
 * The registry: service name -> the Coordinator's handle to the service's
 * node, with who registered it and when. A plain data structure (no driver
 * calls), so that it is testable on its own: the caller releases handles and
 * subscribes to deaths as the return values tell it.
 *
 * Each REGISTER gives the Coordinator one reference to the node, so each
 * entry owns one count of its handle. Several names may share a node (one
 * handle in the Coordinator's table) and then share one death subscription
 * (the driver allows one per handle), identified by a cookie.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <bindox/msg.h>

typedef struct Service {
	char *name;
	uint32_t handle;	/* the Coordinator's handle to the node */
	uint64_t death_cookie;	/* of the handle's death subscription */
	BindoxCreds owner;	/* the registering process, as the driver saw it */
	char *domain;		/* the owner's domain name */
	uint64_t registered_usec; /* CLOCK_REALTIME */
	uint64_t clients;	/* lookups served to other processes */
} Service;

typedef struct Registry Registry;

Registry *registry_new(void);
Registry *registry_free(Registry *r);

/*
 * Adds @name. *@subscribe tells whether the handle is new to the registry,
 * so that the caller must subscribe to its death with (*@out)->death_cookie.
 * Returns 0, or -EEXIST if the name is taken (nothing changes).
 */
int registry_add(Registry *r, const char *name, uint32_t handle, const BindoxCreds *owner,
		 const char *domain, uint64_t now_usec, Service **out, bool *subscribe);

Service *registry_find(const Registry *r, const char *name);

/*
 * Removes and frees @s. Returns true if it was the last name on its handle
 * (the death subscription has no other user).
 */
bool registry_remove(Registry *r, Service *s);

/* The services whose node died (borrowed pointers, by name). */
GPtrArray *registry_find_by_cookie(const Registry *r, uint64_t cookie);

/* All services, sorted by name (borrowed pointers). */
GPtrArray *registry_list(const Registry *r);

size_t registry_count(const Registry *r);

#endif /* BINDOXD_REGISTRY_H */
