/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's domains: the devices it sees (domains.c), the domain files
 * it applies through the control device (domain-provision.c), the watch of
 * their folders and the retries of busy removals. See manager.h.
 */

#include <errno.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "bus.h"
#include "log.h"
#include "manager.h"

static void manager_on_domain_added(void *userdata, const Domain *d)
{
	bus_emit_domain_added(userdata, d);
}

static void manager_on_domain_removing(void *userdata, const Domain *d)
{
	Manager *m = userdata;

	/* Forced removal ended its files; their services go now, with the reason. */
	coordinator_remove_domain(m->coordinator, d->name);
	bus_emit_domain_removed(m, d);
}

static const DomainsHooks manager_domains_hooks = {
	.added = manager_on_domain_added,
	.removing = manager_on_domain_removing,
};

const char *manager_domain_name(Manager *m, uint32_t id)
{
	const Domain *d = m->domains ? domains_find_by_id(m->domains, id) : NULL;

	if (d)
		return d->name;
	return id == 0 ? BINDOX_HOST_DOMAIN : NULL;
}

/* Logs @actions; appends the problems to @problems. Returns their number. */
static unsigned int manager_log_actions(const GPtrArray *actions, GPtrArray *problems)
{
	unsigned int n = 0;
	guint i;

	for (i = 0; i < actions->len; i++) {
		const DomainAction *a = g_ptr_array_index(actions, i);
		int priority = LOG_INFO;

		switch (a->kind) {
		case DOMAIN_ACTION_CREATED:
		case DOMAIN_ACTION_UPDATED:
		case DOMAIN_ACTION_REMOVED:
		case DOMAIN_ACTION_FORGOTTEN:
			break;
		case DOMAIN_ACTION_KEPT_BUSY:
			priority = LOG_NOTICE;
			break;
		case DOMAIN_ACTION_UNTOUCHED:
		case DOMAIN_ACTION_NOT_OURS:
			priority = LOG_WARNING;
			break;
		case DOMAIN_ACTION_FAILED:
			priority = LOG_ERR;
			break;
		}
		log_struct(priority, &(LogFields){ .domain = a->name }, "%s", a->message);
		if (domain_action_is_problem(a)) {
			n++;
			if (problems)
				g_ptr_array_add(problems, g_strdup(a->message));
		}
	}
	return n;
}

static int manager_on_domains_retry(sd_event_source *s, uint64_t usec, void *userdata);

/* Tries the waiting removals again in a while, as long as there are any. */
static void manager_schedule_retry(Manager *m)
{
	bool pending = m->provision && domain_provision_pending(m->provision);
	int r;

	if (!pending) {
		if (m->domains_retry)
			(void)sd_event_source_set_enabled(m->domains_retry, SD_EVENT_OFF);
		return;
	}
	if (m->domains_retry) {
		r = sd_event_source_set_time_relative(m->domains_retry, MANAGER_DOMAIN_RETRY_USEC);
		if (r >= 0)
			r = sd_event_source_set_enabled(m->domains_retry, SD_EVENT_ONESHOT);
	} else {
		r = sd_event_add_time_relative(m->event, &m->domains_retry, CLOCK_MONOTONIC,
					       MANAGER_DOMAIN_RETRY_USEC, 0,
					       manager_on_domains_retry, m);
	}
	if (r < 0)
		log_warning("cannot arm the timer for busy domains (%s): their removal is "
			    "tried again on the next reload", strerror(-r));
}

static int manager_on_domains_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	Manager *m = userdata;
	g_autoptr(GPtrArray) actions = domain_provision_retry(m->provision);

	(void)manager_log_actions(actions, NULL);
	if (actions->len)
		domains_refresh(m->domains);
	manager_schedule_retry(m);
	return 0;
}

unsigned int manager_reload_domains(Manager *m, const char *trigger, GPtrArray *problems)
{
	g_autoptr(DomainConfig) c = NULL;
	g_autoptr(GPtrArray) actions = NULL;
	unsigned int n;
	guint i;

	c = domain_config_load_dirs(m->options.vendor_domains_dir, m->options.domains_dir,
				    policy_system_resolver());
	for (i = 0; i < c->errors->len; i++) {
		const char *message = g_ptr_array_index(c->errors, i);

		log_struct(LOG_ERR, &(LogFields){ .message_id = LOG_MESSAGE_DOMAINS_RELOADED },
			   "domain reload (%s): %s; the file is skipped, its domains stay as they are",
			   trigger, message);
		if (problems)
			g_ptr_array_add(problems, g_strdup(message));
	}
	n = c->errors->len;

	if (!m->provision) {
		if (c->domains->len) {
			log_error("domain reload (%s): %u domains declared, but there is no control "
				  "device %s: none applied", trigger, c->domains->len,
				  m->options.control_device);
			if (problems)
				g_ptr_array_add(problems,
						g_strdup_printf("no control device %s: the domains "
								"are not applied",
								m->options.control_device));
			n++;
		}
		return n;
	}

	actions = domain_provision_apply(m->provision, c);
	n += manager_log_actions(actions, problems);
	log_struct(LOG_INFO, &(LogFields){ .message_id = LOG_MESSAGE_DOMAINS_RELOADED },
		   "domain reload (%s): %u declared, %u problems", trigger, c->domains->len, n);
	/* What bindoxd changed is visible now; udev's events come later. */
	domains_refresh(m->domains);
	manager_schedule_retry(m);
	return n;
}

static void manager_on_domain_files_changed(void *userdata)
{
	(void)manager_reload_domains(userdata, "files changed", NULL);
}

/* The record of bindoxd's domains, in the state folder (made if missing). */
static char *manager_state_path(const Manager *m)
{
	if (g_mkdir_with_parents(m->options.state_dir, 0755) < 0) {
		log_warning("cannot create %s (%s): bindoxd will not know its domains after a "
			    "restart", m->options.state_dir, g_strerror(errno));
		return NULL;
	}
	return g_build_filename(m->options.state_dir, DOMAIN_STATE_FILE_NAME, NULL);
}

int manager_domains_start(Manager *m)
{
	const char *dirs[3] = { m->options.domains_dir, m->options.vendor_domains_dir, NULL };
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *state = NULL;
	guint i;
	int r;

	/* ListDomains reads the live list; domains.c logs the changes. */
	r = domains_new(m->event, &manager_domains_hooks, m, &m->domains);
	if (r < 0) {
		log_error("cannot list the bindox devices: %s", strerror(-r));
		return r;
	}

	r = domain_ctl_open(m->options.control_device, &m->ctl);
	if (r < 0) {
		log_notice("cannot open %s (%s): the domain files are not applied",
			   m->options.control_device, strerror(-r));
	} else {
		state = manager_state_path(m);
		m->provision = domain_provision_new(&m->ctl, state, warnings);
		for (i = 0; i < warnings->len; i++)
			log_warning("%s", (const char *)g_ptr_array_index(warnings, i));
	}
	(void)manager_reload_domains(m, "start", NULL);

	r = watch_new(m->event, dirs, manager_on_domain_files_changed, m, &m->domains_watch);
	if (r < 0)
		log_error("cannot watch the domain folders: %s", strerror(-r));
	return r;
}

void manager_domains_stop(Manager *m)
{
	m->domains_retry = sd_event_source_disable_unref(m->domains_retry);
	m->domains_watch = watch_free(m->domains_watch);
	m->provision = domain_provision_free(m->provision);
	if (m->ctl.ops)
		domain_ctl_close(&m->ctl);
	m->domains = domains_free(m->domains);
}

int manager_add_domain(Manager *m, struct bindox_domain_config *cfg)
{
	g_autoptr(GPtrArray) actions = NULL;
	int r;

	if (!m->provision)
		return -ENODEV;
	actions = domain_actions_new();
	r = domain_provision_add(m->provision, cfg, actions);
	(void)manager_log_actions(actions, NULL);
	if (r >= 0)
		domains_refresh(m->domains);
	return r;
}

int manager_remove_domain(Manager *m, const char *name, bool force, uint32_t *connections)
{
	g_autoptr(GPtrArray) actions = NULL;
	int r;

	*connections = 0;
	if (!m->provision)
		return -ENODEV;
	actions = domain_actions_new();
	r = domain_provision_remove(m->provision, name, force, connections, actions);
	(void)manager_log_actions(actions, NULL);
	if (r >= 0)
		domains_refresh(m->domains);
	return r;
}
