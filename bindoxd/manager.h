/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_MANAGER_H
#define BINDOXD_MANAGER_H

/*
 * The daemon's state: one sd-event loop with the bindox device (the
 * Coordinator), the system bus, the inotify watches of the policy and
 * domain folders, the udev monitor and the signals. Everything runs on
 * that one thread.
 */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include "coordinator.h"
#include "domain-config.h"
#include "domain-ctl.h"
#include "domain-provision.h"
#include "domain-state.h"
#include "domains.h"
#include "ruleset.h"
#include "watch.h"

#define MANAGER_DEFAULT_DEVICE "/dev/bindox"
#define MANAGER_DEFAULT_POLICY_DIR BINDOX_POLICY_ADMIN_DIR
#define MANAGER_DEFAULT_VENDOR_POLICY_DIR BINDOX_POLICY_VENDOR_DIR
#define MANAGER_DEFAULT_DOMAINS_DIR BINDOX_DOMAINS_ADMIN_DIR
#define MANAGER_DEFAULT_VENDOR_DOMAINS_DIR BINDOX_DOMAINS_VENDOR_DIR
#define MANAGER_DEFAULT_CONTROL_DEVICE DOMAIN_CTL_DEFAULT_DEVICE
#define MANAGER_DEFAULT_STATE_DIR DOMAIN_STATE_DEFAULT_DIR

/* How often a busy domain's removal is tried again. */
#define MANAGER_DOMAIN_RETRY_USEC (5 * 1000 * 1000ULL)

typedef struct BusDomainView BusDomainView;

typedef struct ManagerOptions {
	const char *device;
	const char *policy_dir;
	const char *vendor_policy_dir;
	const char *domains_dir;
	const char *vendor_domains_dir;
	const char *control_device;
	const char *state_dir;
} ManagerOptions;

typedef struct Manager {
	ManagerOptions options;

	sd_event *event;
	sd_bus *bus;
	Coordinator *coordinator;
	Ruleset *ruleset;
	Watch *watch;
	Domains *domains;

	/* Provisioning (manager-domains.c); provision is NULL without the control device. */
	DomainCtl ctl;
	DomainProvision *provision;
	Watch *domains_watch;
	sd_event_source *domains_retry;

	/* The domain object being read on the bus (bus-domain.c). */
	BusDomainView *domain_view;

	/* The driver's interface version (BINDOX_IOC_VERSION). */
	uint32_t driver_major;
	uint32_t driver_minor;
} Manager;

/* The driver's module version (MODULE_VERSION, in sysfs) is read here. */
#define MANAGER_MODULE_VERSION_FILE "/sys/module/bindox/version"
/* The domains' devices, with the driver's denial counters (denied_*). */
#define MANAGER_SYSFS_CLASS "/sys/class/bindox"

/*
 * Everything but the bus: opens the device and becomes the Coordinator,
 * loads the policy (a failure is logged; the built-in default stays in
 * force), watches the folders and the devices.
 */
int manager_new(const ManagerOptions *options, Manager **out);
Manager *manager_free(Manager *m);

/* Connects to the system bus, publishes the objects, takes the name. */
int manager_connect_bus(Manager *m);

/*
 * Reloads the policy (SIGHUP, D-Bus, inotify). On success: services that
 * may no longer be registered are removed and PolicyReloaded is emitted.
 * On failure the policy in force stays and @failure says why (may be
 * NULL; else clear it with ruleset_failure_clear()).
 */
int manager_reload_policy(Manager *m, const char *trigger, RulesetFailure *failure);

/* ---- manager-domains.c ---- */

/*
 * Opens the control device (without one, the domain files are not
 * applied: logged), reads the record of bindoxd's domains and watches the
 * domain folders. Call after the Coordinator exists.
 */
int manager_domains_start(Manager *m);
void manager_domains_stop(Manager *m);

/*
 * Reads the domain files and applies them (bindox-domains(5)); logs what
 * was done. Returns the number of problems (bad files, refusals, domains
 * that are not bindoxd's); with @problems, their messages (char *) are
 * appended there.
 */
unsigned int manager_reload_domains(Manager *m, const char *trigger, GPtrArray *problems);

/*
 * AddDomain and RemoveDomain (domain-provision.h has their errors), logged;
 * -ENODEV without the control device.
 */
int manager_add_domain(Manager *m, struct bindox_domain_config *cfg);
int manager_remove_domain(Manager *m, const char *name, bool force, uint32_t *connections);

/* The domain's name for the driver's id @id (the Coordinator's hook). */
const char *manager_domain_name(Manager *m, uint32_t id);

#endif /* BINDOXD_MANAGER_H */
