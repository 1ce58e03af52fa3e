/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_COORDINATOR_H
#define BINDOXD_COORDINATOR_H

/*
 * The Coordinator on a bindox device: holds handle 0, answers REGISTER,
 * LOOKUP and UNREGISTER calls (the protocol of <bindox/coord.h>) from the
 * registry, and removes services whose node died. It runs on the daemon's
 * sd-event loop: the device is pollable, and each wakeup drains the queue
 * without blocking.
 *
 * Decisions: a name taken gives -EEXIST (the policy format has no
 * "replace"); register and lookup are checked against the policy in force
 * (the driver checks them too; this gives the client the same answer and
 * bindoxd a log line) and refused with -EACCES. A service the requester
 * may not look up is answered exactly as a name that is not registered,
 * in every domain, so that nobody learns what exists where they may not
 * look: -ENOENT, or -EACCES if the name is refused in the requester's own
 * domain too. UNREGISTER is for the registrant (same domain and euid) or
 * root in its domain, else -EPERM (-ENOENT for a service the requester
 * may not look up).
 */

#include <stdint.h>
#include <bindox/bindox.h>
#include <systemd/sd-event.h>
#include "policy.h"
#include "registry.h"

typedef enum {
	SERVICE_REMOVED_UNREGISTERED,
	SERVICE_REMOVED_DIED,
	SERVICE_REMOVED_REVOKED,
	SERVICE_REMOVED_DOMAIN_REMOVED,
} ServiceRemovedReason;

const char *service_removed_reason_to_string(ServiceRemovedReason reason);

/* What the Coordinator tells its owner (the D-Bus side). */
typedef struct CoordinatorHooks {
	/* A service was added. */
	void (*added)(void *userdata, const Service *s);
	/* A service is about to be removed (still in the registry). */
	void (*removing)(void *userdata, const Service *s, ServiceRemovedReason reason);
	/* ... and now it is gone. */
	void (*removed)(void *userdata);
	/* The policy in force, never NULL. */
	const Policy *(*policy)(void *userdata);
	/*
	 * The name of the driver's domain @id (a message's sender_domain), or
	 * NULL if it is not known: requests from there are left to the
	 * driver's checks. The string must stay valid during the call.
	 */
	const char *(*domain_name)(void *userdata, uint32_t id);
} CoordinatorHooks;

typedef struct Coordinator Coordinator;

/*
 * Takes over @conn, which must already be the Coordinator's connection
 * (bindox_conn_become_coordinator()). With @event, its descriptor is
 * watched there and every message is handled as it comes; without, call
 * coordinator_dispatch().
 */
int coordinator_new(BindoxConn *conn, sd_event *event, const CoordinatorHooks *hooks,
		    void *userdata, Coordinator **out);

/* Releases every handle and closes the connection. */
Coordinator *coordinator_free(Coordinator *c);

/* Handles every message queued now; returns 0 or a fatal negative errno. */
int coordinator_dispatch(Coordinator *c);

const Registry *coordinator_registry(const Coordinator *c);

/*
 * Requests bindoxd's own policy check refused since start: registrations,
 * and lookups (of a service the requester may not see, or of a name
 * refused in its own domain). The driver counts what it refuses itself
 * (every domain's denied_* in sysfs), calls among them.
 */
typedef struct CoordinatorDenials {
	uint64_t registrations;
	uint64_t lookups;
} CoordinatorDenials;

const CoordinatorDenials *coordinator_denials(const Coordinator *c);
int coordinator_fd(const Coordinator *c);

/*
 * After a policy change: removes the services that @policy does not allow
 * their owners to register any more.
 */
void coordinator_revoke(Coordinator *c, const Policy *policy);

/*
 * After the domain @domain was removed: its services leave the registry
 * (reason SERVICE_REMOVED_DOMAIN_REMOVED) without waiting for the death
 * of their nodes.
 */
void coordinator_remove_domain(Coordinator *c, const char *domain);

#endif /* BINDOXD_COORDINATOR_H */
