/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxctl: the command-line client of bindoxd's D-Bus interface. See
 * bindoxctl(1).
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-bus.h>
#include "bus-names.h"
#include "ctl-domain.h"
#include "ctl-json.h"
#include "ctl.h"

#ifndef BINDOX_VERSION_STRING
#error "meson defines BINDOX_VERSION_STRING"
#endif

typedef struct ServiceInfo {
	char *name;
	char *domain;
	uint32_t pid;
	uint32_t uid;
	uint32_t gid;
	uint64_t registered_usec;
	uint64_t clients;
	char *path;	/* only from ListServices */
} ServiceInfo;

static void ctl_usage(FILE *f)
{
	fputs("Usage: bindoxctl [OPTIONS] COMMAND [ARGS]\n"
	      "Query and manage the Bindox Coordinator (bindoxd) over D-Bus.\n"
	      "\n"
	      "Commands:\n"
	      "  list                          list the registered services\n"
	      "  show NAME                     show one service\n"
	      "  check DOMAIN UID GID ACTION SERVICE\n"
	      "                                ask the policy in force (ACTION: register,\n"
	      "                                lookup or call); exit status 3 if denied\n"
	      "  reload                        reload the domain files and the policy\n"
	      "                                (root only)\n"
	      "  domains                       list the Bindox domains: device, owner,\n"
	      "                                mode, connections, services\n"
	      "  status                        versions of bindoxd and the driver, the\n"
	      "                                device, policy, domains, services, denials\n"
	      "  verify FILE...                check policy and domain files offline\n"
	      "                                (no daemon needed); exit status 1 on errors\n",
	      f);
	ctl_domain_usage(f);
	fputs("\n"
	      "Options:\n"
	      "  -j, --json                    print JSON\n"
	      "      --address ADDRESS         talk to this bus instead of the system bus\n"
	      "  -h, --help                    show this help\n"
	      "      --version                 show the version\n",
	      f);
}

static void ctl_format_time(uint64_t usec, char *buf, size_t size)
{
	time_t t = (time_t)(usec / 1000000U);
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, size, "%" PRIu64, usec);
}

static void service_info_clear(ServiceInfo *si)
{
	free(si->name);
	free(si->domain);
	free(si->path);
	memset(si, 0, sizeof(*si));
}

static void ctl_print_service_json(const ServiceInfo *si)
{
	fputc('{', stdout);
	ctl_json_member_string(stdout, 1, "name", si->name);
	ctl_json_member_string(stdout, 0, "domain", si->domain);
	ctl_json_member_uint(stdout, 0, "pid", si->pid);
	ctl_json_member_uint(stdout, 0, "uid", si->uid);
	ctl_json_member_uint(stdout, 0, "gid", si->gid);
	ctl_json_member_uint(stdout, 0, "registered_usec", si->registered_usec);
	ctl_json_member_uint(stdout, 0, "clients", si->clients);
	if (si->path)
		ctl_json_member_string(stdout, 0, "path", si->path);
	fputc('}', stdout);
}

/* Read one (ssuuutto) of ListServices into @si (strings copied). */
static int ctl_read_service(sd_bus_message *reply, ServiceInfo *si)
{
	const char *name, *domain, *path;
	int r;

	r = sd_bus_message_read(reply, "(ssuuutto)", &name, &domain, &si->pid, &si->uid, &si->gid,
				&si->registered_usec, &si->clients, &path);
	if (r <= 0)
		return r;
	si->name = strdup(name);
	si->domain = strdup(domain);
	si->path = strdup(path);
	if (!si->name || !si->domain || !si->path)
		return -ENOMEM;
	return 1;
}

static int ctl_list(Ctl *ctl)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	ServiceInfo si = { 0 };
	unsigned int n = 0;
	char when[64];
	int r;

	r = sd_bus_call_method(ctl->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "ListServices", &error,
			       &reply, NULL);
	if (r < 0)
		goto fail;
	r = sd_bus_message_enter_container(reply, 'a', "(ssuuutto)");
	if (r < 0)
		goto fail;

	if (ctl->json)
		fputc('[', stdout);
	else
		printf("%-32s %-12s %8s %6s %6s %8s  %s\n", "NAME", "DOMAIN", "PID", "UID", "GID",
		       "CLIENTS", "REGISTERED");
	while ((r = ctl_read_service(reply, &si)) > 0) {
		if (ctl->json) {
			if (n > 0)
				fputs(", ", stdout);
			ctl_print_service_json(&si);
		} else {
			ctl_format_time(si.registered_usec, when, sizeof(when));
			printf("%-32s %-12s %8" PRIu32 " %6" PRIu32 " %6" PRIu32 " %8" PRIu64 "  %s\n",
			       si.name, si.domain, si.pid, si.uid, si.gid, si.clients, when);
		}
		n++;
		service_info_clear(&si);
	}
	service_info_clear(&si);
	if (r < 0)
		goto fail;
	if (ctl->json)
		fputs("]\n", stdout);
	else
		printf("\n%u service%s\n", n, n == 1 ? "" : "s");
	sd_bus_message_unref(reply);
	return CTL_EXIT_OK;
fail:
	sd_bus_message_unref(reply);
	r = ctl_error("ListServices", &error, r);
	sd_bus_error_free(&error);
	return r;
}

/* The properties of org.bindox.Coordinator1.Service, and where they go. */
typedef struct CtlProperty {
	const char *name;
	const char *type;	/* "s", "u" or "t" */
	size_t offset;
} CtlProperty;

static const CtlProperty ctl_service_properties[] = {
	{ "Name", "s", offsetof(ServiceInfo, name) },
	{ "Domain", "s", offsetof(ServiceInfo, domain) },
	{ "Pid", "u", offsetof(ServiceInfo, pid) },
	{ "Uid", "u", offsetof(ServiceInfo, uid) },
	{ "Gid", "u", offsetof(ServiceInfo, gid) },
	{ "RegisteredAt", "t", offsetof(ServiceInfo, registered_usec) },
	{ "Clients", "t", offsetof(ServiceInfo, clients) },
};

/* Read the variant's value into @si if @name is known with that type. */
static int ctl_read_property(sd_bus_message *reply, const char *name, const char *contents,
			     void *userdata)
{
	ServiceInfo *si = userdata;
	const char *str;
	size_t i;
	int r;

	for (i = 0; i < sizeof(ctl_service_properties) / sizeof(ctl_service_properties[0]); i++) {
		const CtlProperty *p = &ctl_service_properties[i];
		void *field = (char *)si + p->offset;

		if (strcmp(p->name, name) != 0 || strcmp(p->type, contents) != 0)
			continue;
		if (p->type[0] != 's')
			return sd_bus_message_read_basic(reply, p->type[0], field);
		r = sd_bus_message_read_basic(reply, 's', &str);
		if (r < 0)
			return r;
		free(*(char **)field);
		*(char **)field = strdup(str);
		return *(char **)field ? 0 : -ENOMEM;
	}
	return sd_bus_message_skip(reply, contents);
}

/* Parse the a{sv} of Properties.GetAll. */
static int ctl_read_service_properties(sd_bus_message *reply, ServiceInfo *si)
{
	int r = ctl_read_properties(reply, ctl_read_property, si);

	if (r >= 0 && (!si->name || !si->domain))
		return -EBADMSG;
	return r;
}

static int ctl_show(Ctl *ctl, const char *name)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	ServiceInfo si = { 0 };
	const char *path;
	char when[64];
	int r;

	r = sd_bus_call_method(ctl->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "GetService", &error,
			       &reply, "s", name);
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &path);
	if (r >= 0)
		si.path = strdup(path);
	if (r >= 0 && !si.path)
		r = -ENOMEM;
	reply = sd_bus_message_unref(reply);
	if (r >= 0)
		r = sd_bus_call_method(ctl->bus, BUS_NAME, si.path, "org.freedesktop.DBus.Properties",
				       "GetAll", &error, &reply, "s", BUS_SERVICE_INTERFACE);
	if (r >= 0)
		r = ctl_read_service_properties(reply, &si);
	if (r < 0) {
		r = ctl_error(name, &error, r);
		goto out;
	}

	if (ctl->json) {
		ctl_print_service_json(&si);
		fputc('\n', stdout);
	} else {
		ctl_format_time(si.registered_usec, when, sizeof(when));
		printf("Name:       %s\n"
		       "Object:     %s\n"
		       "Domain:     %s\n"
		       "Pid:        %" PRIu32 "\n"
		       "Uid:        %" PRIu32 "\n"
		       "Gid:        %" PRIu32 "\n"
		       "Registered: %s\n"
		       "Clients:    %" PRIu64 "\n",
		       si.name, si.path, si.domain, si.pid, si.uid, si.gid, when, si.clients);
	}
	r = CTL_EXIT_OK;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	service_info_clear(&si);
	return r;
}

static int ctl_parse_id(const char *s, const char *what, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > UINT32_MAX) {
		fprintf(stderr, "bindoxctl: %s must be a number: \"%s\"\n", what, s);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* check's arguments, before any bus connection: 0 or -EINVAL (reported). */
static int ctl_check_args(char **args, uint32_t *uid, uint32_t *gid)
{
	if (ctl_parse_id(args[1], "UID", uid) < 0 || ctl_parse_id(args[2], "GID", gid) < 0)
		return -EINVAL;
	if (strcmp(args[3], "register") != 0 && strcmp(args[3], "lookup") != 0 &&
	    strcmp(args[3], "call") != 0) {
		fprintf(stderr, "bindoxctl: ACTION must be register, lookup or call: \"%s\"\n",
			args[3]);
		return -EINVAL;
	}
	return 0;
}

static int ctl_check(Ctl *ctl, char **args)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *rule;
	uint32_t uid, gid;
	int allowed = 0;
	int r;

	if (ctl_check_args(args, &uid, &gid) < 0)
		return CTL_EXIT_USAGE;

	r = sd_bus_call_method(ctl->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "CheckAccess", &error,
			       &reply, "suuss", args[0], uid, gid, args[3], args[4]);
	if (r >= 0)
		r = sd_bus_message_read(reply, "bs", &allowed, &rule);
	if (r < 0) {
		r = ctl_error("CheckAccess", &error, r);
		goto out;
	}

	if (ctl->json) {
		fputc('{', stdout);
		ctl_json_member_string(stdout, 1, "domain", args[0]);
		ctl_json_member_uint(stdout, 0, "uid", uid);
		ctl_json_member_uint(stdout, 0, "gid", gid);
		ctl_json_member_string(stdout, 0, "action", args[3]);
		ctl_json_member_string(stdout, 0, "service", args[4]);
		fputs(allowed ? ", \"allowed\": true" : ", \"allowed\": false", stdout);
		ctl_json_member_string(stdout, 0, "rule", rule);
		fputs("}\n", stdout);
	} else {
		printf("%s\nrule: %s\n", allowed ? "allowed" : "denied", rule);
	}
	r = allowed ? CTL_EXIT_OK : CTL_EXIT_DENIED;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return r;
}

static int ctl_reload(Ctl *ctl)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	uint64_t generation = 0;
	int r;

	r = sd_bus_call_method(ctl->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "ReloadPolicy", &error,
			       &reply, NULL);
	if (r >= 0)
		r = sd_bus_message_read(reply, "t", &generation);
	if (r < 0) {
		r = ctl_error("ReloadPolicy", &error, r);
		goto out;
	}
	if (ctl->json)
		printf("{\"generation\": %" PRIu64 "}\n", generation);
	else
		printf("policy loaded, generation %" PRIu64 "\n", generation);
	r = CTL_EXIT_OK;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return r;
}

/* One (susuuuuaso) of ListDomains. */
typedef struct DomainInfo {
	const char *name;
	uint32_t id;
	const char *device;
	uint32_t uid;
	uint32_t gid;
	uint32_t mode;
	uint32_t connections;
	char **services;	/* NULL-terminated, owned */
	const char *path;
} DomainInfo;

static void domain_info_clear(DomainInfo *di)
{
	char **p;

	for (p = di->services; p && *p; p++)
		free(*p);
	free(di->services);
	memset(di, 0, sizeof(*di));
}

/* Returns 1 with @di filled, 0 at the end of the array, or a negative errno. */
static int ctl_read_domain(sd_bus_message *reply, DomainInfo *di)
{
	int r;

	r = sd_bus_message_enter_container(reply, 'r', "susuuuuaso");
	if (r <= 0)
		return r;
	r = sd_bus_message_read(reply, "susuuuu", &di->name, &di->id, &di->device, &di->uid,
				&di->gid, &di->mode, &di->connections);
	if (r >= 0)
		r = sd_bus_message_read_strv(reply, &di->services);
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &di->path);
	if (r >= 0)
		r = sd_bus_message_exit_container(reply);
	return r < 0 ? r : 1;
}

static void ctl_print_domain_json(const DomainInfo *di)
{
	char mode[8];
	char **p;

	snprintf(mode, sizeof(mode), "%04o", (unsigned int)di->mode);
	fputc('{', stdout);
	ctl_json_member_string(stdout, 1, "name", di->name);
	ctl_json_member_uint(stdout, 0, "id", di->id);
	ctl_json_member_string(stdout, 0, "device", di->device);
	ctl_json_member_uint(stdout, 0, "uid", di->uid);
	ctl_json_member_uint(stdout, 0, "gid", di->gid);
	ctl_json_member_string(stdout, 0, "mode", mode);
	ctl_json_member_uint(stdout, 0, "connections", di->connections);
	fputs(", \"services\": [", stdout);
	for (p = di->services; p && *p; p++) {
		if (p != di->services)
			fputs(", ", stdout);
		ctl_json_string(stdout, *p);
	}
	fputc(']', stdout);
	ctl_json_member_string(stdout, 0, "path", di->path);
	fputc('}', stdout);
}

static void ctl_print_domain(const DomainInfo *di)
{
	char **p;

	printf("%-24s %4" PRIu32 " %-32s %6" PRIu32 " %6" PRIu32 "  %04o %5" PRIu32 "  ",
	       di->name, di->id, di->device[0] ? di->device : "-", di->uid, di->gid,
	       (unsigned int)di->mode, di->connections);
	if (!di->services || !di->services[0])
		fputc('-', stdout);
	for (p = di->services; p && *p; p++)
		printf("%s%s", p != di->services ? "," : "", *p);
	fputc('\n', stdout);
}

static int ctl_domains(Ctl *ctl)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	DomainInfo di = { 0 };
	unsigned int n = 0;
	int r;

	r = sd_bus_call_method(ctl->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "ListDomains", &error,
			       &reply, NULL);
	if (r >= 0)
		r = sd_bus_message_enter_container(reply, 'a', "(susuuuuaso)");
	if (r < 0) {
		r = ctl_error("ListDomains", &error, r);
		goto out;
	}

	if (ctl->json)
		fputc('[', stdout);
	else
		printf("%-24s %4s %-32s %6s %6s  %4s %5s  %s\n", "DOMAIN", "ID", "DEVICE", "UID",
		       "GID", "MODE", "CONN", "SERVICES");
	while ((r = ctl_read_domain(reply, &di)) > 0) {
		if (ctl->json) {
			if (n > 0)
				fputs(", ", stdout);
			ctl_print_domain_json(&di);
		} else {
			ctl_print_domain(&di);
		}
		n++;
		domain_info_clear(&di);
	}
	domain_info_clear(&di);
	if (r < 0) {
		r = ctl_error("ListDomains", NULL, r);
		goto out;
	}
	if (ctl->json)
		fputs("]\n", stdout);
	r = CTL_EXIT_OK;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return r;
}

int ctl_connect(const char *address, sd_bus **out)
{
	sd_bus *bus = NULL;
	int r;

	if (!address)
		return sd_bus_open_system(out);
	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, address);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		return r;
	}
	*out = bus;
	return 0;
}

/* Each command, how many arguments it takes (-1: one or more), and whether it needs bindoxd. */
typedef struct CtlCommand {
	const char *name;
	int n_args;
	bool offline;
} CtlCommand;

static const CtlCommand ctl_commands[] = {
	{ "list", 0, false },	 { "show", 1, false },	 { "check", 5, false },
	{ "reload", 0, false },	 { "domains", 0, false }, { "status", 0, false },
	{ "verify", -1, true },
	{ CTL_DOMAIN_COMMAND, -1, false },	/* reads its own options */
};

static int ctl_run(Ctl *ctl, const char *command, char **args)
{
	if (strcmp(command, "list") == 0)
		return ctl_list(ctl);
	if (strcmp(command, "show") == 0)
		return ctl_show(ctl, args[0]);
	if (strcmp(command, "check") == 0)
		return ctl_check(ctl, args);
	if (strcmp(command, "reload") == 0)
		return ctl_reload(ctl);
	if (strcmp(command, "status") == 0)
		return ctl_status(ctl);
	if (strcmp(command, "verify") == 0)
		return ctl_verify(ctl, args);
	return ctl_domains(ctl);
}

int main(int argc, char **argv)
{
	enum { OPT_ADDRESS = 0x100, OPT_VERSION };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "address", required_argument, NULL, OPT_ADDRESS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *address = NULL, *command;
	const CtlCommand *cmd = NULL;
	Ctl ctl = { 0 };
	uint32_t id;
	size_t i;
	int c, n_args, r;

	while ((c = getopt_long(ctl_domain_global_argc(argc, argv), argv, "jh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'j':
			ctl.json = true;
			break;
		case OPT_ADDRESS:
			address = optarg;
			break;
		case 'h':
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		case OPT_VERSION:
			printf("bindoxctl %s\n", BINDOX_VERSION_STRING);
			return CTL_EXIT_OK;
		default:
			ctl_usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	command = argv[optind];
	for (i = 0; i < sizeof(ctl_commands) / sizeof(ctl_commands[0]); i++)
		if (strcmp(ctl_commands[i].name, command) == 0)
			cmd = &ctl_commands[i];
	if (!cmd) {
		fprintf(stderr, "bindoxctl: unknown command \"%s\" (see --help)\n", command);
		return CTL_EXIT_USAGE;
	}
	n_args = argc - optind - 1;
	if (cmd->n_args < 0 && n_args < 1) {
		fprintf(stderr, "bindoxctl: %s takes one or more arguments (see --help)\n", command);
		return CTL_EXIT_USAGE;
	}
	if (cmd->n_args >= 0 && n_args != cmd->n_args) {
		fprintf(stderr, "bindoxctl: %s takes %d argument%s (see --help)\n", command,
			cmd->n_args, cmd->n_args == 1 ? "" : "s");
		return CTL_EXIT_USAGE;
	}
	/* Every usage error is reported before the bus is touched. */
	if (strcmp(command, "check") == 0 && ctl_check_args(argv + optind + 1, &id, &id) < 0)
		return CTL_EXIT_USAGE;
	if (cmd->offline)
		return ctl_run(&ctl, command, argv + optind + 1);

	if (strcmp(command, CTL_DOMAIN_COMMAND) == 0)
		return ctl_domain(address, ctl.json, argv + optind + 1);
	r = ctl_connect(address, &ctl.bus);
	if (r < 0) {
		fprintf(stderr, "bindoxctl: cannot connect to %s: %s\n",
			address ? address : "the system bus", strerror(-r));
		if (!address)
			fputs("hint: is the D-Bus system bus running (systemctl status dbus)?\n",
			      stderr);
		return CTL_EXIT_FAILURE;
	}
	r = ctl_run(&ctl, command, argv + optind + 1);
	sd_bus_flush_close_unref(ctl.bus);
	return r;
}
