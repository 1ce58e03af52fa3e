/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manager object /org/bindox/Coordinator1, interface
 * org.bindox.Coordinator1: methods, properties and signals. Reading is open
 * to every caller; ReloadPolicy needs euid 0, checked from the sender's
 * credentials as the bus reports them. ListDomains is in bus-domain.c,
 * AddDomain and RemoveDomain in bus-domain-admin.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "bus.h"
#include "log.h"

#ifndef BINDOX_VERSION_STRING
#error "meson defines BINDOX_VERSION_STRING"
#endif

static int bus_property_version(sd_bus *bus, const char *path, const char *interface,
				const char *property, sd_bus_message *reply, void *userdata,
				sd_bus_error *error)
{
	return sd_bus_message_append(reply, "s", BINDOX_VERSION_STRING);
}

static int bus_property_service_count(sd_bus *bus, const char *path, const char *interface,
				      const char *property, sd_bus_message *reply,
				      void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;

	return sd_bus_message_append(reply, "u",
				     (uint32_t)registry_count(coordinator_registry(m->coordinator)));
}

static int bus_property_policy_generation(sd_bus *bus, const char *path, const char *interface,
					  const char *property, sd_bus_message *reply,
					  void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;

	return sd_bus_message_append(reply, "t", ruleset_generation(m->ruleset));
}

static int bus_property_device(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	Manager *m = userdata;

	return sd_bus_message_append(reply, "s", m->options.device);
}

/* The module's MODULE_VERSION, "" when sysfs does not say. */
static int bus_property_driver_version(sd_bus *bus, const char *path, const char *interface,
				       const char *property, sd_bus_message *reply,
				       void *userdata, sd_bus_error *error)
{
	g_autofree char *version = NULL;

	if (!g_file_get_contents(MANAGER_MODULE_VERSION_FILE, &version, NULL, NULL))
		return sd_bus_message_append(reply, "s", "");
	return sd_bus_message_append(reply, "s", g_strstrip(version));
}

static int bus_property_interface_version(sd_bus *bus, const char *path, const char *interface,
					  const char *property, sd_bus_message *reply,
					  void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;
	g_autofree char *version = g_strdup_printf("%" PRIu32 ".%" PRIu32, m->driver_major,
						   m->driver_minor);

	return sd_bus_message_append(reply, "s", version);
}

static int bus_property_policy_files(sd_bus *bus, const char *path, const char *interface,
				     const char *property, sd_bus_message *reply, void *userdata,
				     sd_bus_error *error)
{
	Manager *m = userdata;

	return sd_bus_message_append_strv(reply, ruleset_policy(m->ruleset)->files);
}

static int bus_property_policy_rules(sd_bus *bus, const char *path, const char *interface,
				     const char *property, sd_bus_message *reply, void *userdata,
				     sd_bus_error *error)
{
	Manager *m = userdata;

	return sd_bus_message_append(reply, "u", (uint32_t)ruleset_policy(m->ruleset)->n_rules);
}

/* The sum of the driver's counter @attr ("denied_call") over every domain. */
static uint64_t bus_driver_denials(const char *attr)
{
	GDir *dir = g_dir_open(MANAGER_SYSFS_CLASS, 0, NULL);
	const char *device;
	uint64_t sum = 0;

	while (dir && (device = g_dir_read_name(dir))) {
		g_autofree char *file = g_build_filename(MANAGER_SYSFS_CLASS, device, attr, NULL);
		g_autofree char *text = NULL;

		if (g_file_get_contents(file, &text, NULL, NULL))
			sum += g_ascii_strtoull(text, NULL, 10);
	}
	if (dir)
		g_dir_close(dir);
	return sum;
}

/*
 * The driver refuses what bindoxd lets through (and every call); bindoxd
 * refuses lookups of hidden services itself, before the driver sees them:
 * the sum of both.
 */
static int bus_property_denials(sd_bus *bus, const char *path, const char *interface,
				const char *property, sd_bus_message *reply, void *userdata,
				sd_bus_error *error)
{
	Manager *m = userdata;
	const CoordinatorDenials *d = coordinator_denials(m->coordinator);
	uint64_t n;

	if (strcmp(property, "DeniedRegistrations") == 0)
		n = d->registrations + bus_driver_denials("denied_register");
	else if (strcmp(property, "DeniedLookups") == 0)
		n = d->lookups + bus_driver_denials("denied_lookup");
	else
		n = bus_driver_denials("denied_call");
	return sd_bus_message_append(reply, "t", n);
}

typedef int (*BusAppendItem)(sd_bus_message *reply, const void *item);

/* Reply to @msg with an array of @element, one per item of @items. */
static int bus_reply_array(sd_bus_message *msg, const char *element, const GPtrArray *items,
			   BusAppendItem append)
{
	sd_bus_message *reply = NULL;
	guint i;
	int r;

	r = sd_bus_message_new_method_return(msg, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', element);
	for (i = 0; r >= 0 && i < items->len; i++)
		r = append(reply, g_ptr_array_index(items, i));
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int bus_append_service(sd_bus_message *reply, const void *item)
{
	const Service *s = item;
	char *path = bus_service_path(s->name);
	int r;

	if (!path)
		return -ENOMEM;
	r = sd_bus_message_append(reply, "(ssuuutto)", s->name, s->domain, (uint32_t)s->owner.pid,
				  (uint32_t)s->owner.euid, (uint32_t)s->owner.egid,
				  s->registered_usec, s->clients, path);
	free(path);
	return r;
}

static int bus_method_list_services(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;
	g_autoptr(GPtrArray) all = registry_list(coordinator_registry(m->coordinator));

	return bus_reply_array(msg, "(ssuuutto)", all, bus_append_service);
}

static int bus_method_get_service(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;
	const char *name;
	char *path;
	int r;

	r = sd_bus_message_read(msg, "s", &name);
	if (r < 0)
		return r;
	if (!registry_find(coordinator_registry(m->coordinator), name))
		return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_SERVICE,
					 "No service \"%s\" is registered", name);
	path = bus_service_path(name);
	if (!path)
		return -ENOMEM;
	r = sd_bus_reply_method_return(msg, "o", path);
	free(path);
	return r;
}

int bus_require_root(sd_bus_message *msg, const char *what, sd_bus_error *error)
{
	sd_bus_creds *creds = NULL;
	uid_t euid = 0;
	int r;

	r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID, &creds);
	if (r < 0)
		return r;
	/* Augmented credentials are read from /proc, racily: not for decisions. */
	if (sd_bus_creds_get_augmented_mask(creds) & SD_BUS_CREDS_EUID)
		r = -EPERM;
	else
		r = sd_bus_creds_get_euid(creds, &euid);
	sd_bus_creds_unref(creds);
	if (r < 0 || euid != 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
					 "%s needs root (euid 0)", what);
	return 0;
}

/* "; the domains: PROBLEM; PROBLEM" for the problems of a domain reload, or "". */
static char *bus_domain_problems(const GPtrArray *problems)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < problems->len; i++)
		g_string_append_printf(s, "%s%s", i ? "; " : "",
				       (const char *)g_ptr_array_index(problems, i));
	return g_string_free(s, FALSE);
}

/*
 * The domain files first, then the policy (as SIGHUP). A bad policy fails
 * the call as before; problems with the domain files (each file applied
 * on its own) fail it with DomainsFailed once the rest is done.
 */
static int bus_method_reload_policy(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *domains = NULL;
	RulesetFailure failure;
	int r;

	r = bus_require_root(msg, "ReloadPolicy", error);
	if (r < 0)
		return r;

	(void)manager_reload_domains(m, "ReloadPolicy", problems);
	domains = bus_domain_problems(problems);
	r = manager_reload_policy(m, "ReloadPolicy", &failure);
	if (r < 0) {
		r = sd_bus_error_setf(error,
				      failure.kind == RULESET_FAILED_FILE ?
					      BUS_ERROR_POLICY_INVALID :
					      BUS_ERROR_POLICY_LOAD_FAILED,
				      "%s; the policy in force stays (generation %" PRIu64 ")%s%s",
				      failure.message, ruleset_generation(m->ruleset),
				      problems->len ? "; domains: " : "", domains);
		ruleset_failure_clear(&failure);
		return r;
	}
	if (problems->len)
		return sd_bus_error_setf(error, BUS_ERROR_DOMAINS_FAILED,
					 "%s; the other domains were applied, and the policy "
					 "(generation %" PRIu64 ")",
					 domains, ruleset_generation(m->ruleset));
	return sd_bus_reply_method_return(msg, "t", ruleset_generation(m->ruleset));
}

static int bus_method_check_access(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;
	const char *domain, *action, *service;
	g_autofree char *rule = NULL;
	PolicyRequest req;
	uint32_t uid, gid;
	const Service *s;
	bool allowed;
	int r;

	r = sd_bus_message_read(msg, "suuss", &domain, &uid, &gid, &action, &service);
	if (r < 0)
		return r;
	memset(&req, 0, sizeof(req));
	req.action = policy_action_from_name(action);
	if (!req.action)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Unknown action \"%s\" (register, lookup or call)",
					 action);
	if (bindox_service_name_validate(service, strlen(service)) < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Invalid service name \"%s\"", service);
	if (bindox_service_name_validate(domain, strlen(domain)) < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Invalid domain name \"%s\"", domain);

	/* Lookups and calls go to the domain of the registered service. */
	s = registry_find(coordinator_registry(m->coordinator), service);
	req.domain = domain;
	req.uid = uid;
	req.gid = gid;
	req.service = service;
	req.peer_domain = (s && req.action != BINDOX_POLICY_ACT_REGISTER) ? s->domain : NULL;

	allowed = ruleset_check(m->ruleset, &req, &rule);
	return sd_bus_reply_method_return(msg, "bs", allowed, rule);
}

static const sd_bus_vtable bus_manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", bus_property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("ServiceCount", "u", bus_property_service_count, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("PolicyGeneration", "t", bus_property_policy_generation, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("PolicyFiles", "as", bus_property_policy_files, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_PROPERTY("PolicyRules", "u", bus_property_policy_rules, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Device", "s", bus_property_device, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("DriverVersion", "s", bus_property_driver_version, 0,
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("DriverInterfaceVersion", "s", bus_property_interface_version, 0,
			SD_BUS_VTABLE_PROPERTY_CONST),
	/* Counters: read them, no signal on every denial. */
	SD_BUS_PROPERTY("DeniedRegistrations", "t", bus_property_denials, 0, 0),
	SD_BUS_PROPERTY("DeniedLookups", "t", bus_property_denials, 0, 0),
	SD_BUS_PROPERTY("DeniedCalls", "t", bus_property_denials, 0, 0),
	SD_BUS_METHOD_WITH_ARGS("ListServices", SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(ssuuutto)", services),
				bus_method_list_services, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetService", SD_BUS_ARGS("s", name), SD_BUS_RESULT("o", path),
				bus_method_get_service, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListDomains", SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(susuuuuaso)", domains),
				bus_method_list_domains, SD_BUS_VTABLE_UNPRIVILEGED),
	/*
	 * These three change the system. Unprivileged for sd-bus: their
	 * bus_require_root() decides, with a clear error.
	 */
	SD_BUS_METHOD_WITH_ARGS("ReloadPolicy", SD_BUS_NO_ARGS, SD_BUS_RESULT("t", generation),
				bus_method_reload_policy, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("AddDomain",
				SD_BUS_ARGS("s", name, "u", uid, "u", gid, "u", mode, "a{st}",
					    limits),
				SD_BUS_RESULT("u", id, "o", path), bus_method_add_domain,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("RemoveDomain", SD_BUS_ARGS("s", name, "b", force),
				SD_BUS_NO_RESULT, bus_method_remove_domain,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CheckAccess",
				SD_BUS_ARGS("s", domain, "u", uid, "u", gid, "s", action,
					    "s", service),
				SD_BUS_RESULT("b", allowed, "s", rule), bus_method_check_access,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("ServiceRegistered", SD_BUS_ARGS("s", name, "o", path), 0),
	SD_BUS_SIGNAL_WITH_ARGS("ServiceRemoved", SD_BUS_ARGS("s", name, "o", path, "s", reason),
				0),
	SD_BUS_SIGNAL_WITH_ARGS("PolicyReloaded", SD_BUS_ARGS("t", generation), 0),
	SD_BUS_VTABLE_END
};

int bus_manager_add(Manager *m)
{
	int r;

	r = sd_bus_add_object_vtable(m->bus, NULL, BUS_PATH, BUS_INTERFACE, bus_manager_vtable, m);
	if (r < 0)
		return r;
	/* InterfacesAdded/Removed for the service and domain objects. */
	return sd_bus_add_object_manager(m->bus, NULL, BUS_PATH);
}

static void bus_log_emit(int r, const char *what)
{
	if (r < 0)
		log_warning("cannot emit %s: %s", what, strerror(-r));
}

/*
 * The object's InterfacesAdded and ServiceRegistered (@reason NULL), or
 * InterfacesRemoved and ServiceRemoved (while @s is still registered:
 * InterfacesRemoved needs the object).
 */
static void bus_emit_service_signals(Manager *m, const Service *s, const char *reason)
{
	const char *member = reason ? "ServiceRemoved" : "ServiceRegistered";
	char *path;

	if (!m->bus)
		return;
	path = bus_service_path(s->name);
	if (!path) {
		bus_log_emit(-ENOMEM, member);
		return;
	}
	if (reason) {
		bus_log_emit(sd_bus_emit_object_removed(m->bus, path), "InterfacesRemoved");
		bus_log_emit(sd_bus_emit_signal(m->bus, BUS_PATH, BUS_INTERFACE, member, "sos",
						s->name, path, reason),
			     member);
	} else {
		bus_log_emit(sd_bus_emit_object_added(m->bus, path), "InterfacesAdded");
		bus_log_emit(sd_bus_emit_signal(m->bus, BUS_PATH, BUS_INTERFACE, member, "so",
						s->name, path),
			     member);
	}
	free(path);
}

void bus_emit_service_registered(Manager *m, const Service *s)
{
	bus_emit_service_signals(m, s, NULL);
	bus_emit_service_count_changed(m);
}

void bus_emit_service_removed(Manager *m, const Service *s, ServiceRemovedReason reason)
{
	bus_emit_service_signals(m, s, service_removed_reason_to_string(reason));
}

void bus_emit_service_count_changed(Manager *m)
{
	if (!m->bus)
		return;
	bus_log_emit(sd_bus_emit_properties_changed(m->bus, BUS_PATH, BUS_INTERFACE,
						    "ServiceCount", NULL),
		     "PropertiesChanged");
}

void bus_emit_policy_reloaded(Manager *m)
{
	if (!m->bus)
		return;
	bus_log_emit(sd_bus_emit_signal(m->bus, BUS_PATH, BUS_INTERFACE, "PolicyReloaded", "t",
					ruleset_generation(m->ruleset)),
		     "PolicyReloaded");
	bus_log_emit(sd_bus_emit_properties_changed(m->bus, BUS_PATH, BUS_INTERFACE,
						    "PolicyGeneration", "PolicyFiles", "PolicyRules",
						    NULL),
		     "PropertiesChanged");
}
