/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_MANAGER_H
#define BINDOXD_MANAGER_H

/*
 * The daemon's state: one sd-event loop with the bindox device (the
 * Coordinator), the system bus, the policy folders' inotify watch, the udev
 * monitor and the signals. Everything runs on that one thread.
 */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include "coordinator.h"
#include "domains.h"
#include "ruleset.h"
#include "watch.h"

#define MANAGER_DEFAULT_DEVICE "/dev/bindox"
#define MANAGER_DEFAULT_POLICY_DIR BINDOX_POLICY_ADMIN_DIR
#define MANAGER_DEFAULT_VENDOR_POLICY_DIR BINDOX_POLICY_VENDOR_DIR

typedef struct ManagerOptions {
	const char *device;
	const char *policy_dir;
	const char *vendor_policy_dir;
} ManagerOptions;

typedef struct Manager {
	ManagerOptions options;

	sd_event *event;
	sd_bus *bus;
	Coordinator *coordinator;
	Ruleset *ruleset;
	Watch *watch;
	Domains *domains;
} Manager;

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

#endif /* BINDOXD_MANAGER_H */
