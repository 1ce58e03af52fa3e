/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AddDomain and RemoveDomain on the manager interface: domains at run
 * time, for root only (the bus policy, and bus_require_root() here, so
 * that a bus configured otherwise still refuses). Every input is checked
 * before the driver is asked, so that a refusal changes nothing; what the
 * driver and the record then say is answered with an error of its own.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "bus.h"
#include "log.h"

static bool bus_domain_name_reserved(const char *name)
{
	return strcmp(name, BINDOX_HOST_DOMAIN) == 0 || strcmp(name, "control") == 0;
}

static int bus_check_domain_name(const char *name, sd_bus_error *error)
{
	if (bus_domain_name_reserved(name))
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Domain name \"%s\" is reserved", name);
	if (!domain_name_is_valid(name))
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Invalid domain name \"%s\": 1 to %u characters of "
					 "[a-z0-9._-], starting with a letter or a digit", name,
					 BINDOX_DOMAIN_NAME_MAX);
	return 0;
}

/* The a{st} of AddDomain: each key once, known, and in its range. */
static int bus_read_limits(sd_bus_message *msg, struct bindox_domain_limits *limits,
			   sd_bus_error *error)
{
	bool seen[DOMAIN_LIMIT_COUNT] = { false };
	const DomainLimitSpec *spec;
	const char *key;
	uint64_t value;
	int r;

	memset(limits, 0, sizeof(*limits));
	r = sd_bus_message_enter_container(msg, 'a', "{st}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(msg, "{st}", &key, &value)) > 0) {
		spec = domain_limit_find(key);
		if (!spec)
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "Unknown limit \"%s\" (connections, handles, "
						 "nodes, calls, oneway, oneway-bytes or "
						 "buffer-bytes)", key);
		if (seen[spec - domain_limit_specs])
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "Limit \"%s\" is given twice", key);
		seen[spec - domain_limit_specs] = true;
		if (!domain_limit_in_range(spec, value))
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "Limit %s=%" PRIu64 " is out of range: %" PRIu64
						 " to %" PRIu64 " (leave it out for the driver's "
						 "default)", key, value, spec->min, spec->max);
		domain_limit_store(limits, spec, value);
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(msg);
}

static int bus_no_control_device(Manager *m, sd_bus_error *error)
{
	return sd_bus_error_setf(error, BUS_ERROR_NO_CONTROL_DEVICE,
				 "No domain control device %s: the driver cannot add or remove "
				 "domains", m->options.control_device);
}

int bus_method_add_domain(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;
	struct bindox_domain_config cfg;
	const char *name;
	char *path;
	int r;

	r = bus_require_root(msg, "AddDomain", error);
	if (r < 0)
		return r;
	memset(&cfg, 0, sizeof(cfg));
	r = sd_bus_message_read(msg, "suuu", &name, &cfg.uid, &cfg.gid, &cfg.mode);
	if (r < 0)
		return r;
	r = bus_check_domain_name(name, error);
	if (r < 0)
		return r;
	/* (uid_t)-1 is no one's id. */
	if (cfg.uid == UINT32_MAX || cfg.gid == UINT32_MAX)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Invalid owner %" PRIu32 ":%" PRIu32 ": -1 is no one's id",
					 cfg.uid, cfg.gid);
	if (cfg.mode & ~BINDOX_DOMAIN_MODE_ALLOWED)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Mode %04" PRIo32 " is not allowed: whoever opens a "
					 "domain's node speaks as the domain, so the node gives "
					 "nothing to others (at most %04o)", cfg.mode,
					 BINDOX_DOMAIN_MODE_ALLOWED);
	r = bus_read_limits(msg, &cfg.limits, error);
	if (r < 0)
		return r;
	g_strlcpy(cfg.name, name, sizeof(cfg.name));

	r = manager_add_domain(m, &cfg);
	switch (r) {
	case 0:
		break;
	case -ENODEV:
		return bus_no_control_device(m, error);
	case -EEXIST:
		return sd_bus_error_setf(error, BUS_ERROR_DOMAIN_EXISTS,
					 "Domain \"%s\" exists already", name);
	case -ENOSPC:
		return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
					 "No room for domain \"%s\": the driver has %u domains "
					 "at most", name, BINDOX_MAX_DOMAINS);
	case -EIO:
		return sd_bus_error_setf(error, SD_BUS_ERROR_IO_ERROR,
					 "Domain \"%s\" could not be recorded in %s, so it was not "
					 "kept (see the log)", name, m->options.state_dir);
	default:
		return sd_bus_error_set_errnof(error, -r, "The driver refused domain \"%s\": %s",
					       name, strerror(-r));
	}
	path = bus_domain_path(name);
	if (!path)
		return -ENOMEM;
	r = sd_bus_reply_method_return(msg, "uo", cfg.id, path);
	free(path);
	return r;
}

int bus_method_remove_domain(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	Manager *m = userdata;
	const DomainRecord *rec;
	uint32_t connections = 0;
	const char *name;
	int force = 0;
	int r;

	r = bus_require_root(msg, "RemoveDomain", error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(msg, "sb", &name, &force);
	if (r < 0)
		return r;
	r = bus_check_domain_name(name, error);
	if (r < 0)
		return r;

	r = manager_remove_domain(m, name, force, &connections);
	switch (r) {
	case 0:
		return sd_bus_reply_method_return(msg, NULL);
	case -ENODEV:
		return bus_no_control_device(m, error);
	case -ENOENT:
		return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_DOMAIN,
					 "No domain \"%s\"", name);
	case -EBUSY:
		return sd_bus_error_setf(error, BUS_ERROR_DOMAIN_BUSY,
					 "Domain \"%s\" is in use (%" PRIu32 " open connections); "
					 "force ends them", name, connections);
	case -EPERM:
		return sd_bus_error_setf(error, BUS_ERROR_DOMAIN_NOT_RUNTIME,
					 "Domain \"%s\" was not created by bindoxd: left alone",
					 name);
	case -EACCES:
		rec = domain_provision_record(m->provision, name);
		return sd_bus_error_setf(error, BUS_ERROR_DOMAIN_NOT_RUNTIME,
					 "Domain \"%s\" is declared by the domain file %s: remove "
					 "it there", name, rec ? rec->file : "?");
	default:
		return sd_bus_error_set_errnof(error, -r, "The driver refused to remove domain "
					       "\"%s\": %s", name, strerror(-r));
	}
}
