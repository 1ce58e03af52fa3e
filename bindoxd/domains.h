/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_DOMAINS_H
#define BINDOXD_DOMAINS_H

/*
 * Bindox domains, one per device node: the host domain is the misc device
 * "bindox" (/dev/bindox); a container's domain is a misc device named
 * "bindox-NAME" (or "bindox!NAME", which is how sysfs spells a device
 * name "bindox/NAME"). Found with libudev: enumerated at start, then
 * followed through a udev monitor as devices come and go.
 */

#include <stdint.h>
#include <glib.h>
#include <systemd/sd-event.h>

typedef struct Domain {
	char *name;	/* "host" for the host domain */
	char *devnode;	/* e.g. /dev/bindox, NULL if udev does not know it */
	char *syspath;
} Domain;

typedef struct Domains Domains;

/*
 * Enumerates the devices and attaches a monitor of udev's events to
 * @event. A monitor that cannot be set up is logged and left out.
 */
int domains_new(sd_event *event, Domains **out);
Domains *domains_free(Domains *ds);

/* The domains known now, sorted by name (borrowed pointers). */
GPtrArray *domains_list(const Domains *ds);

/*
 * The domain name of a sysfs device name: "bindox" -> "host",
 * "bindox-NAME" or "bindox!NAME" -> NAME; NULL for other devices.
 * Free with g_free().
 */
char *domains_name_from_sysname(const char *sysname);

/*
 * The name of the domain with the driver's id @id (struct bindox_message's
 * sender_domain), or NULL if it is not known. The driver gives the host
 * domain id 0; it does not yet tell the ids of other domains.
 */
const char *domains_name_from_id(uint32_t id);

#endif /* BINDOXD_DOMAINS_H */
