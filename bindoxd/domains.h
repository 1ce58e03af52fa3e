/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_DOMAINS_H
#define BINDOXD_DOMAINS_H

/*
 * The driver's domains as devices: class (subsystem) "bindox", one
 * character device per domain. The host domain is the device "bindox"
 * (/dev/bindox, id 0, "host"), a domain NAME the device "bindox-NAME"
 * (/dev/bindox.d/NAME). Their uevents carry BINDOX_DOMAIN (the name) and
 * BINDOX_DOMAIN_ID (the id that messages report as sender_domain), and
 * their sysfs attributes the owner, mode, limits and live counts.
 *
 * Found with libudev: enumerated at start and on domains_refresh(), then
 * followed through a udev monitor as devices come and go. An id that is
 * not known yet (a domain whose event has not arrived) makes the lookup
 * enumerate again, so that a request from a new domain is not mistaken
 * for one from an unknown domain.
 */

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <systemd/sd-event.h>
#include <linux/bindox.h>

#define DOMAINS_SUBSYSTEM "bindox"
#define DOMAINS_NO_ID UINT32_MAX

typedef struct Domain {
	char *name;	/* "host" for the host domain */
	uint32_t id;	/* DOMAINS_NO_ID if the device does not say */
	char *devnode;	/* e.g. /dev/bindox.d/android-ivi, NULL if unknown */
	char *syspath;
} Domain;

/* What the owner hears about (the D-Bus objects). */
typedef struct DomainsHooks {
	void (*added)(void *userdata, const Domain *d);
	/* Before @d goes away. */
	void (*removing)(void *userdata, const Domain *d);
} DomainsHooks;

typedef struct Domains Domains;

/*
 * Enumerates the devices and, with @event, attaches a monitor of udev's
 * events (one that cannot be set up is logged and left out). @hooks may
 * be NULL.
 */
int domains_new(sd_event *event, const DomainsHooks *hooks, void *userdata, Domains **out);
Domains *domains_free(Domains *ds);

/* Enumerates again: after bindoxd created or removed domains itself. */
void domains_refresh(Domains *ds);

/* The domains known now, sorted by name (borrowed pointers). */
GPtrArray *domains_list(const Domains *ds);

const Domain *domains_find(const Domains *ds, const char *name);

/* The domain with the driver's id @id, enumerating again if it is not known. */
const Domain *domains_find_by_id(Domains *ds, uint32_t id);

/*
 * The domain name of a device's sysname: "bindox" -> "host", "bindox-NAME"
 * -> NAME; NULL for other devices. Free with g_free(). Used when a device
 * has no BINDOX_DOMAIN property.
 */
char *domains_name_from_sysname(const char *sysname);

/* What sysfs says of a domain now. */
typedef struct DomainStatus {
	uint32_t uid;
	uint32_t gid;
	uint32_t mode;
	uint32_t connections;
	uint32_t nodes;
	uint32_t calls;
	uint64_t buffer_bytes;
	struct bindox_domain_limits limits;	/* in force */
} DomainStatus;

/* Reads the attributes afresh; -ENODEV once the device is gone. */
int domains_read_status(const Domains *ds, const Domain *d, DomainStatus *st);

#endif /* BINDOXD_DOMAINS_H */
