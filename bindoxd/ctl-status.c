/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxctl status: bindoxd's and the driver's versions, the device and
 * whether the caller may open it, the policy in force, the domains, the
 * services and the requests the policy refused (the driver's counters
 * and bindoxd's), from the manager
 * object's properties and ListDomains.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "bus-names.h"
#include "ctl-diagnose.h"
#include "ctl-json.h"
#include "ctl.h"

typedef struct Status {
	char *version;
	char *driver_version;
	char *interface_version;
	char *device;
	uint64_t generation;
	uint32_t rules;
	char **policy_files;
	uint32_t services;
	uint64_t denied_registrations;
	uint64_t denied_lookups;
	uint64_t denied_calls;
	GPtrArray *domains;	/* char *, names */
} Status;

static void status_clear(Status *st)
{
	g_free(st->version);
	g_free(st->driver_version);
	g_free(st->interface_version);
	g_free(st->device);
	g_strfreev(st->policy_files);
	if (st->domains)
		g_ptr_array_unref(st->domains);
	memset(st, 0, sizeof(*st));
}

/* One property of the a{sv}, into @st when it is one status shows. */
static int status_read_property(sd_bus_message *reply, const char *name, const char *type,
				void *userdata)
{
	Status *st = userdata;
	static const struct {
		const char *name;
		const char *type;
		size_t offset;
	} wanted[] = {
		{ "Version", "s", offsetof(Status, version) },
		{ "DriverVersion", "s", offsetof(Status, driver_version) },
		{ "DriverInterfaceVersion", "s", offsetof(Status, interface_version) },
		{ "Device", "s", offsetof(Status, device) },
		{ "PolicyGeneration", "t", offsetof(Status, generation) },
		{ "PolicyRules", "u", offsetof(Status, rules) },
		{ "PolicyFiles", "as", offsetof(Status, policy_files) },
		{ "ServiceCount", "u", offsetof(Status, services) },
		{ "DeniedRegistrations", "t", offsetof(Status, denied_registrations) },
		{ "DeniedLookups", "t", offsetof(Status, denied_lookups) },
		{ "DeniedCalls", "t", offsetof(Status, denied_calls) },
	};
	const char *s;
	size_t i;
	int r;

	for (i = 0; i < G_N_ELEMENTS(wanted); i++) {
		void *field = (char *)st + wanted[i].offset;

		if (strcmp(wanted[i].name, name) != 0 || strcmp(wanted[i].type, type) != 0)
			continue;
		if (strcmp(type, "as") == 0)
			return sd_bus_message_read_strv(reply, (char ***)field);
		if (type[0] != 's')
			return sd_bus_message_read_basic(reply, type[0], field);
		r = sd_bus_message_read_basic(reply, 's', &s);
		if (r >= 0)
			*(char **)field = g_strdup(s);
		return r;
	}
	return sd_bus_message_skip(reply, type);
}

static int status_read_properties(sd_bus_message *reply, Status *st)
{
	int r = ctl_read_properties(reply, status_read_property, st);

	if (r >= 0 && !st->version)
		r = -EBADMSG;
	return r;
}

/* The names from ListDomains' a(susuuuuaso). */
static int status_read_domains(sd_bus_message *reply, Status *st)
{
	const char *name;
	int r;

	st->domains = g_ptr_array_new_with_free_func(g_free);
	r = sd_bus_message_enter_container(reply, 'a', "(susuuuuaso)");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'r', "susuuuuaso")) > 0) {
		r = sd_bus_message_read(reply, "s", &name);
		if (r >= 0)
			g_ptr_array_add(st->domains, g_strdup(name));
		if (r >= 0)
			r = sd_bus_message_skip(reply, "usuuuuaso");
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
	}
	return r < 0 ? r : sd_bus_message_exit_container(reply);
}

static void status_print_json(const Status *st, int device_access, const char *hint)
{
	char **f;
	guint i;

	fputc('{', stdout);
	ctl_json_member_string(stdout, 1, "version", st->version);
	ctl_json_member_string(stdout, 0, "driver_version", st->driver_version ? st->driver_version : "");
	ctl_json_member_string(stdout, 0, "interface_version", st->interface_version ? st->interface_version : "");
	ctl_json_member_string(stdout, 0, "device", st->device ? st->device : "");
	fputs(device_access == 0 ? ", \"device_access\": true" : ", \"device_access\": false", stdout);
	if (hint)
		ctl_json_member_string(stdout, 0, "device_hint", hint);
	ctl_json_member_uint(stdout, 0, "policy_generation", st->generation);
	ctl_json_member_uint(stdout, 0, "policy_rules", st->rules);
	fputs(", \"policy_files\": [", stdout);
	for (f = st->policy_files; f && *f; f++) {
		if (f != st->policy_files)
			fputs(", ", stdout);
		ctl_json_string(stdout, *f);
	}
	fputs("], \"domains\": [", stdout);
	for (i = 0; i < st->domains->len; i++) {
		if (i)
			fputs(", ", stdout);
		ctl_json_string(stdout, g_ptr_array_index(st->domains, i));
	}
	fputc(']', stdout);
	ctl_json_member_uint(stdout, 0, "services", st->services);
	ctl_json_member_uint(stdout, 0, "denied_registrations", st->denied_registrations);
	ctl_json_member_uint(stdout, 0, "denied_lookups", st->denied_lookups);
	ctl_json_member_uint(stdout, 0, "denied_calls", st->denied_calls);
	fputs("}\n", stdout);
}

static void status_print(const Status *st, int device_access, const char *hint)
{
	unsigned int n_files = st->policy_files ? g_strv_length(st->policy_files) : 0;
	char **f;
	guint i;

	printf("Coordinator:    bindoxd %s (%s)\n", st->version, BUS_NAME);
	printf("Driver:         bindox %s, interface %s\n",
	       st->driver_version && st->driver_version[0] ? st->driver_version : "(unknown)",
	       st->interface_version ? st->interface_version : "(unknown)");
	printf("Device:         %s\n", st->device ? st->device : "(unknown)");
	if (device_access == 0)
		printf("Device access:  yes\n");
	else
		printf("Device access:  no: %s\n", hint ? hint : strerror(-device_access));
	if (st->generation == 0)
		printf("Policy:         none loaded, the built-in default decides\n");
	else
		printf("Policy:         generation %" PRIu64 ", %" PRIu32 " rule%s from %u file%s\n",
		       st->generation, st->rules, st->rules == 1 ? "" : "s", n_files,
		       n_files == 1 ? "" : "s");
	for (f = st->policy_files; f && *f; f++)
		printf("                %s\n", *f);
	printf("Domains:        %u", st->domains->len);
	for (i = 0; i < st->domains->len; i++)
		printf("%s%s", i ? ", " : ": ", (const char *)g_ptr_array_index(st->domains, i));
	printf("\nServices:       %" PRIu32 "\n", st->services);
	printf("Denied:         %" PRIu64 " registration%s, %" PRIu64 " lookup%s, %" PRIu64
	       " call%s\n",
	       st->denied_registrations, st->denied_registrations == 1 ? "" : "s",
	       st->denied_lookups, st->denied_lookups == 1 ? "" : "s", st->denied_calls,
	       st->denied_calls == 1 ? "" : "s");
}

int ctl_status(Ctl *ctl)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	g_autofree char *hint = NULL;
	const char *what = "status";
	Status st = { 0 };
	int device_access, r;

	r = sd_bus_call_method(ctl->bus, BUS_NAME, BUS_PATH, "org.freedesktop.DBus.Properties",
			       "GetAll", &error, &reply, "s", BUS_INTERFACE);
	if (r >= 0)
		r = status_read_properties(reply, &st);
	reply = sd_bus_message_unref(reply);
	if (r >= 0) {
		what = "ListDomains";
		r = sd_bus_call_method(ctl->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "ListDomains",
				       &error, &reply, NULL);
	}
	if (r >= 0)
		r = status_read_domains(reply, &st);
	if (r < 0) {
		r = ctl_error(what, &error, r);
		goto out;
	}

	device_access = ctl_diagnose_device(st.device ? st.device : CTL_DEVICE, &hint);
	if (ctl->json)
		status_print_json(&st, device_access, hint);
	else
		status_print(&st, device_access, hint);
	r = CTL_EXIT_OK;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	status_clear(&st);
	return r;
}
