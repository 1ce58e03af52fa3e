/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's state and its wiring; see manager.h.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <glib.h>
#include <bindox/bindox.h>
#include "bus.h"
#include "log.h"
#include "manager.h"

static void manager_on_service_added(void *userdata, const Service *s)
{
	bus_emit_service_registered(userdata, s);
}

static void manager_on_service_removing(void *userdata, const Service *s,
					ServiceRemovedReason reason)
{
	bus_emit_service_removed(userdata, s, reason);
}

static void manager_on_service_removed(void *userdata)
{
	bus_emit_service_count_changed(userdata);
}

static const Policy *manager_policy(void *userdata)
{
	Manager *m = userdata;

	return ruleset_policy(m->ruleset);
}

static const char *manager_coordinator_domain_name(void *userdata, uint32_t id)
{
	return manager_domain_name(userdata, id);
}

static const CoordinatorHooks manager_coordinator_hooks = {
	.added = manager_on_service_added,
	.removing = manager_on_service_removing,
	.removed = manager_on_service_removed,
	.policy = manager_policy,
	.domain_name = manager_coordinator_domain_name,
};

static void manager_on_policy_files_changed(void *userdata)
{
	(void)manager_reload_policy(userdata, "files changed", NULL);
}

int manager_reload_policy(Manager *m, const char *trigger, RulesetFailure *failure)
{
	const Policy *p;
	RulesetFailure f;
	int r;

	r = ruleset_reload(m->ruleset, &f);
	if (r < 0) {
		log_struct(LOG_ERR,
			   &(LogFields){ .message_id = LOG_MESSAGE_POLICY_RELOAD_FAILED,
					 .policy_file = f.file },
			   "policy reload (%s) failed: %s; the policy in force stays (generation %" PRIu64 ")",
			   trigger, f.message, ruleset_generation(m->ruleset));
		if (failure)
			*failure = f;
		else
			ruleset_failure_clear(&f);
		return r;
	}

	p = ruleset_policy(m->ruleset);
	log_struct(LOG_INFO, &(LogFields){ .message_id = LOG_MESSAGE_POLICY_RELOADED },
		   "policy reload (%s): %zu rules from %u files, generation %" PRIu64, trigger,
		   p->n_rules, g_strv_length(p->files), ruleset_generation(m->ruleset));
	coordinator_revoke(m->coordinator, p);
	bus_emit_policy_reloaded(m);
	return 0;
}

/* Open the device and take handle 0. */
static int manager_become_coordinator(const char *device, BindoxConn **out)
{
	BindoxConn *conn = NULL;
	int r;

	r = bindox_conn_open(device, &conn);
	if (r < 0) {
		log_error("cannot open %s: %s", device, bindox_strerror(r));
		return r;
	}
	r = bindox_conn_become_coordinator(conn);
	if (r < 0) {
		log_error("cannot become the Coordinator on %s: %s%s", device, bindox_strerror(r),
			  r == -EBUSY ? " (another Coordinator is running)" : "");
		bindox_conn_close(conn);
		return r;
	}
	*out = conn;
	return 0;
}

int manager_new(const ManagerOptions *options, Manager **out)
{
	const char *dirs[3];
	BindoxConn *conn = NULL;
	Manager *m;
	int r;

	m = g_new0(Manager, 1);
	m->options = *options;

	r = sd_event_default(&m->event);
	if (r < 0)
		goto fail;

	r = manager_become_coordinator(options->device, &conn);
	if (r < 0)
		goto fail;
	(void)bindox_conn_get_version(conn, &m->driver_major, &m->driver_minor);
	m->ruleset = ruleset_new(options->vendor_policy_dir, options->policy_dir,
				 bindox_conn_fd(conn));
	r = coordinator_new(conn, m->event, &manager_coordinator_hooks, m, &m->coordinator);
	if (r < 0) {
		bindox_conn_close(conn);
		goto fail;
	}
	log_info("Coordinator on %s", options->device);

	/* The domains first: the policy names them. */
	r = manager_domains_start(m);
	if (r < 0)
		goto fail;

	/* A policy that cannot be loaded leaves the built-in default in force. */
	(void)manager_reload_policy(m, "start", NULL);

	dirs[0] = options->policy_dir;
	dirs[1] = options->vendor_policy_dir;
	dirs[2] = NULL;
	r = watch_new(m->event, dirs, manager_on_policy_files_changed, m, &m->watch);
	if (r < 0) {
		log_error("cannot watch the policy folders: %s", strerror(-r));
		goto fail;
	}

	*out = m;
	return 0;
fail:
	manager_free(m);
	return r;
}

int manager_connect_bus(Manager *m)
{
	int r;

	r = sd_bus_default_system(&m->bus);
	if (r < 0) {
		log_error("cannot connect to the system bus: %s", strerror(-r));
		return r;
	}
	r = bus_manager_add(m);
	if (r >= 0)
		r = bus_service_add(m);
	if (r >= 0)
		r = bus_domain_add(m);
	if (r < 0) {
		log_error("cannot publish the D-Bus objects: %s", strerror(-r));
		return r;
	}
	r = sd_bus_request_name(m->bus, BUS_NAME, 0);
	if (r < 0) {
		log_error("cannot own the bus name %s: %s", BUS_NAME, strerror(-r));
		return r;
	}
	/* Without the bus nobody can manage us: exit, and systemd restarts us. */
	r = sd_bus_set_exit_on_disconnect(m->bus, 1);
	if (r >= 0)
		r = sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0) {
		log_error("cannot attach the bus to the event loop: %s", strerror(-r));
		return r;
	}
	return 0;
}

Manager *manager_free(Manager *m)
{
	if (!m)
		return NULL;
	m->bus = sd_bus_flush_close_unref(m->bus);
	bus_domain_view_free(m->domain_view);
	watch_free(m->watch);
	manager_domains_stop(m);
	coordinator_free(m->coordinator);
	ruleset_free(m->ruleset);
	sd_event_unref(m->event);
	g_free(m);
	return NULL;
}
