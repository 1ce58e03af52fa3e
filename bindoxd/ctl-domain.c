/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxctl domain add|remove; see ctl-domain.h. The arguments are read
 * completely before anything is sent, and bindoxd checks them again: the
 * client only turns names into ids and sizes into numbers.
 */

#include <inttypes.h>
#include <string.h>
#include "bus-names.h"
#include "ctl-domain-args.h"
#include "ctl-domain.h"
#include "ctl-json.h"
#include "ctl.h"

void ctl_domain_usage(FILE *f)
{
	fputs("  domain add NAME [--owner USER] [--group GROUP] [--mode MODE]\n"
	      "             [--limit KEY=VALUE]...\n"
	      "                                add a domain at run time (root only)\n"
	      "  domain remove [--force] NAME  remove a domain added with \"domain add\"\n"
	      "                                (root only); --force ends its connections\n",
	      f);
}

/* Sends AddDomain with the limits as a{st}. */
static int ctl_domain_call_add(sd_bus *bus, const CtlDomainArgs *a, sd_bus_error *error,
			       sd_bus_message **reply)
{
	sd_bus_message *msg = NULL;
	size_t i;
	int r;

	r = sd_bus_message_new_method_call(bus, &msg, BUS_NAME, BUS_PATH, BUS_INTERFACE,
					   "AddDomain");
	if (r >= 0)
		r = sd_bus_message_append(msg, "suuu", a->name, a->uid, a->gid, a->mode);
	if (r >= 0)
		r = sd_bus_message_open_container(msg, 'a', "{st}");
	for (i = 0; r >= 0 && i < a->n_limits; i++)
		r = sd_bus_message_append(msg, "{st}", a->limit_keys[i], a->limit_values[i]);
	if (r >= 0)
		r = sd_bus_message_close_container(msg);
	if (r >= 0)
		r = sd_bus_call(bus, msg, 0, error, reply);
	sd_bus_message_unref(msg);
	return r;
}

static int ctl_domain_add(sd_bus *bus, const CtlDomainArgs *a)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *path = NULL;
	uint32_t id = 0;
	int r;

	r = ctl_domain_call_add(bus, a, &error, &reply);
	if (r >= 0)
		r = sd_bus_message_read(reply, "uo", &id, &path);
	if (r < 0) {
		r = ctl_error("AddDomain", &error, r);
		goto out;
	}
	if (a->json) {
		fputc('{', stdout);
		ctl_json_member_string(stdout, 1, "name", a->name);
		ctl_json_member_uint(stdout, 0, "id", id);
		ctl_json_member_string(stdout, 0, "path", path);
		fputs("}\n", stdout);
	} else {
		printf("domain %s added: id %" PRIu32 ", object %s\n", a->name, id, path);
	}
	r = CTL_EXIT_OK;
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return r;
}

static int ctl_domain_remove(sd_bus *bus, const CtlDomainArgs *a)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "RemoveDomain", &error,
			       NULL, "sb", a->name, (int)a->force);
	if (r < 0) {
		r = ctl_error("RemoveDomain", &error, r);
		sd_bus_error_free(&error);
		return r;
	}
	if (a->json) {
		fputc('{', stdout);
		ctl_json_member_string(stdout, 1, "name", a->name);
		fputs(a->force ? ", \"forced\": true}\n" : ", \"forced\": false}\n", stdout);
	} else {
		printf("domain %s removed\n", a->name);
	}
	return CTL_EXIT_OK;
}

int ctl_domain(const char *address, bool json, char **args)
{
	sd_bus *bus = NULL;
	CtlDomainArgs a;
	int r;

	r = ctl_domain_args_parse(args, &a);
	if (r < 0)
		return CTL_EXIT_USAGE;
	if (r > 0) {
		ctl_domain_usage(stdout);
		return CTL_EXIT_OK;
	}
	a.json = a.json || json;
	r = ctl_connect(address, &bus);
	if (r < 0)
		return ctl_error(address ? address : "cannot connect to the system bus", NULL, r);
	r = a.add ? ctl_domain_add(bus, &a) : ctl_domain_remove(bus, &a);
	sd_bus_flush_close_unref(bus);
	return r;
}
