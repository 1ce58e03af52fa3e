/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Domain provisioning: the decisions; see domain-provision.h.
 */

#include <errno.h>
#include <string.h>
#include <bindox/error.h>
#include "domain-provision.h"

struct DomainProvision {
	DomainCtl ctl;
	DomainState *state;
};

const char *domain_action_kind_to_string(DomainActionKind kind)
{
	switch (kind) {
	case DOMAIN_ACTION_CREATED:
		return "created";
	case DOMAIN_ACTION_UPDATED:
		return "updated";
	case DOMAIN_ACTION_REMOVED:
		return "removed";
	case DOMAIN_ACTION_KEPT_BUSY:
		return "kept-busy";
	case DOMAIN_ACTION_NOT_OURS:
		return "not-ours";
	case DOMAIN_ACTION_UNTOUCHED:
		return "untouched";
	case DOMAIN_ACTION_FORGOTTEN:
		return "forgotten";
	case DOMAIN_ACTION_FAILED:
		return "failed";
	}
	return "unknown";
}

bool domain_action_is_problem(const DomainAction *a)
{
	return a->kind == DOMAIN_ACTION_FAILED || a->kind == DOMAIN_ACTION_NOT_OURS;
}

static void domain_action_free(gpointer p)
{
	DomainAction *a = p;

	g_free(a->name);
	g_free(a->message);
	g_free(a);
}

G_GNUC_PRINTF(5, 6)
static void report(GPtrArray *actions, DomainActionKind kind, const char *name, int error,
		   const char *format, ...)
{
	DomainAction *a = g_new0(DomainAction, 1);
	va_list ap;

	a->kind = kind;
	a->name = g_strdup(name);
	a->error = error;
	va_start(ap, format);
	a->message = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_ptr_array_add(actions, a);
}

static const char *errno_label(int error)
{
	const char *name = bindox_errno_name(error);

	return name ? name : "?";
}

static void report_failed(GPtrArray *actions, const char *name, const char *what, int error)
{
	report(actions, DOMAIN_ACTION_FAILED, name, error, "domain %s: %s failed: %s (%s)", name,
	       what, errno_label(error), g_strerror(-error));
}

/* Returns 0 or -EIO (reported). */
static int save(DomainProvision *p, GPtrArray *actions)
{
	g_autoptr(GError) error = NULL;

	if (domain_state_save(p->state, &error) < 0) {
		report(actions, DOMAIN_ACTION_FAILED, "", -EIO,
		       "cannot record the domains bindoxd created: %s (after a restart "
		       "bindoxd will leave them alone)", error->message);
		return -EIO;
	}
	return 0;
}

/* The driver's answer for the domain @name, or -ENOENT. */
static int info_by_name(DomainProvision *p, const char *name, struct bindox_domain_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (g_strlcpy(cfg->name, name, sizeof(cfg->name)) >= sizeof(cfg->name))
		return -ENOENT;
	return p->ctl.ops->info(p->ctl.data, cfg);
}

/*
 * Whether the driver's domain @name is the one bindoxd recorded: forgets
 * the record when it is gone or is another domain now. Fills @info.
 * Returns 0 (exists), -ENOENT, or another negative errno (unknown).
 */
static int check_record(DomainProvision *p, const char *name,
			struct bindox_domain_config *info, GPtrArray *actions)
{
	DomainRecord *rec = domain_state_find(p->state, name);
	int r = info_by_name(p, name, info);

	if (!rec || (r < 0 && r != -ENOENT))
		return r;
	if (r == -ENOENT) {
		report(actions, DOMAIN_ACTION_FORGOTTEN, name, 0,
		       "domain %s, created by bindoxd, no longer exists: forgotten", name);
		domain_state_forget(p->state, name);
	} else if (info->id != rec->id) {
		report(actions, DOMAIN_ACTION_FORGOTTEN, name, 0,
		       "domain %s has id %u, not %u as bindoxd created it: someone else made "
		       "it, so it is no longer bindoxd's", name, info->id, rec->id);
		domain_state_forget(p->state, name);
	}
	return r;
}

static void decl_to_config(const DomainDecl *d, struct bindox_domain_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	g_strlcpy(cfg->name, d->name, sizeof(cfg->name));
	cfg->uid = d->uid;
	cfg->gid = d->gid;
	cfg->mode = d->mode;
	cfg->limits = d->limits;
}

static void record_decl(DomainRecord *rec, const DomainDecl *d)
{
	g_free(rec->file);
	rec->file = g_strdup(domain_decl_file_name(d));
	rec->uid = d->uid;
	rec->gid = d->gid;
	rec->mode = d->mode;
	rec->force_remove = d->force_remove;
	rec->limits = d->limits;
	rec->removal_pending = false;
	rec->runtime = false;
}

static bool limits_equal(const struct bindox_domain_limits *a,
			 const struct bindox_domain_limits *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* A limit the file sets (non-zero) that the driver does not have in force. */
static bool limits_drifted(const struct bindox_domain_limits *want,
			   const struct bindox_domain_limits *have)
{
	return (want->max_connections && want->max_connections != have->max_connections) ||
	       (want->max_handles && want->max_handles != have->max_handles) ||
	       (want->max_nodes && want->max_nodes != have->max_nodes) ||
	       (want->max_calls && want->max_calls != have->max_calls) ||
	       (want->max_oneway && want->max_oneway != have->max_oneway) ||
	       (want->max_oneway_bytes && want->max_oneway_bytes != have->max_oneway_bytes) ||
	       (want->max_buffer_bytes && want->max_buffer_bytes != have->max_buffer_bytes);
}

/* The declared configuration differs from what bindoxd gave, or from the driver's. */
static bool needs_update(const DomainDecl *d, const DomainRecord *rec,
			 const struct bindox_domain_config *info)
{
	return d->uid != rec->uid || d->gid != rec->gid || d->mode != rec->mode ||
	       !limits_equal(&d->limits, &rec->limits) || d->uid != info->uid ||
	       d->gid != info->gid || d->mode != info->mode ||
	       limits_drifted(&d->limits, &info->limits);
}

static void create(DomainProvision *p, const DomainDecl *d, GPtrArray *actions)
{
	struct bindox_domain_config cfg;
	DomainRecord *rec;
	int r;

	decl_to_config(d, &cfg);
	r = p->ctl.ops->add(p->ctl.data, &cfg);
	if (r == -EEXIST) {
		report(actions, DOMAIN_ACTION_NOT_OURS, d->name, 0,
		       "domain %s (%s:%u:%u) was created by someone else meanwhile: left alone",
		       d->name, d->file, d->line, d->column);
		return;
	}
	if (r < 0) {
		report_failed(actions, d->name, "creating it", r);
		return;
	}
	rec = domain_state_put(p->state, d->name);
	rec->id = cfg.id;
	record_decl(rec, d);
	report(actions, DOMAIN_ACTION_CREATED, d->name, 0,
	       "domain %s created (id %u, owner %u:%u, mode %04o; %s:%u:%u)", d->name, cfg.id,
	       d->uid, d->gid, d->mode, d->file, d->line, d->column);
}

/* A run-time domain (AddDomain) that a file declares now becomes the file's. */
static void report_taken_over(GPtrArray *actions, const DomainDecl *d)
{
	report(actions, DOMAIN_ACTION_UPDATED, d->name, 0,
	       "domain %s, added over D-Bus, is declared by %s:%u:%u now: the file's from here "
	       "on (owner %u:%u, mode %04o)", d->name, d->file, d->line, d->column, d->uid,
	       d->gid, d->mode);
}

static void update(DomainProvision *p, const DomainDecl *d, DomainRecord *rec,
		   const struct bindox_domain_config *info, GPtrArray *actions)
{
	bool taken_over = rec->runtime;
	struct bindox_domain_config cfg;
	int r;

	if (!needs_update(d, rec, info)) {
		record_decl(rec, d);
		if (taken_over)
			report_taken_over(actions, d);
		return;
	}
	decl_to_config(d, &cfg);
	r = p->ctl.ops->update(p->ctl.data, &cfg);
	if (r < 0) {
		report_failed(actions, d->name, "updating it", r);
		return;
	}
	record_decl(rec, d);
	if (taken_over)
		report_taken_over(actions, d);
	else
		report(actions, DOMAIN_ACTION_UPDATED, d->name, 0,
		       "domain %s updated (owner %u:%u, mode %04o; %s:%u:%u)", d->name, d->uid,
		       d->gid, d->mode, d->file, d->line, d->column);
}

static void apply_decl(DomainProvision *p, const DomainDecl *d, GPtrArray *actions)
{
	struct bindox_domain_config info;
	DomainRecord *rec;
	int r;

	r = check_record(p, d->name, &info, actions);
	if (r == -ENOENT) {
		create(p, d, actions);
		return;
	}
	if (r < 0) {
		report_failed(actions, d->name, "asking the driver about it", r);
		return;
	}
	rec = domain_state_find(p->state, d->name);
	if (!rec) {
		report(actions, DOMAIN_ACTION_NOT_OURS, d->name, 0,
		       "domain %s (%s:%u:%u) exists, and bindoxd did not create it: left alone",
		       d->name, d->file, d->line, d->column);
		return;
	}
	update(p, d, rec, &info, actions);
}

/*
 * Removes bindoxd's domain @rec, which no file declares. A domain still in
 * use is reported once per reload, not on every @retrying.
 */
static void remove_undeclared(DomainProvision *p, DomainRecord *rec, bool retrying,
			      GPtrArray *actions)
{
	g_autofree char *name = g_strdup(rec->name);
	struct bindox_domain_config info;
	int r;

	r = check_record(p, name, &info, actions);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		report_failed(actions, name, "asking the driver about it", r);
		return;
	}
	rec = domain_state_find(p->state, name);
	if (!rec)
		return;	/* someone else's now */

	r = p->ctl.ops->remove(p->ctl.data, name, rec->force_remove ? BINDOX_DOMAIN_FORCE : 0);
	if (r == -EBUSY) {
		if (!retrying || !rec->removal_pending)
			report(actions, DOMAIN_ACTION_KEPT_BUSY, name, 0,
			       "domain %s is no longer declared but in use (connections: %u): "
			       "kept until it is free (remove=\"force\" would end them)",
			       name, info.connections);
		rec->removal_pending = true;
		return;
	}
	if (r == -ENOENT) {
		report(actions, DOMAIN_ACTION_FORGOTTEN, name, 0,
		       "domain %s, created by bindoxd, no longer exists: forgotten", name);
		domain_state_forget(p->state, name);
		return;
	}
	if (r < 0) {
		report_failed(actions, name, "removing it", r);
		return;
	}
	report(actions, DOMAIN_ACTION_REMOVED, name, 0, "domain %s removed%s", name,
	       rec->force_remove && info.connections ? " (forced: its connections ended)" : "");
	domain_state_forget(p->state, name);
}

DomainProvision *domain_provision_new(const DomainCtl *ctl, const char *state_path,
				      GPtrArray *warnings)
{
	DomainProvision *p = g_new0(DomainProvision, 1);
	g_autoptr(GPtrArray) all = NULL;
	guint i;

	p->ctl = *ctl;
	p->state = domain_state_load(state_path, warnings);
	all = domain_state_list(p->state);
	for (i = 0; i < all->len; i++) {
		const DomainRecord *rec = g_ptr_array_index(all, i);

		if (!domain_name_is_valid(rec->name)) {
			if (warnings)
				g_ptr_array_add(warnings,
						g_strdup_printf("%s: invalid domain name \"%s\": "
								"forgotten", state_path, rec->name));
			domain_state_forget(p->state, rec->name);
		}
	}
	return p;
}

DomainProvision *domain_provision_free(DomainProvision *p)
{
	if (!p)
		return NULL;
	domain_state_free(p->state);
	g_free(p);
	return NULL;
}

GPtrArray *domain_actions_new(void)
{
	return g_ptr_array_new_with_free_func(domain_action_free);
}

GPtrArray *domain_provision_apply(DomainProvision *p, const DomainConfig *c)
{
	GPtrArray *actions = domain_actions_new();
	g_autoptr(GPtrArray) recorded = domain_state_list(p->state);
	g_autoptr(GPtrArray) undeclared = g_ptr_array_new_with_free_func(g_free);
	guint i;

	/* Names first: creating and removing change the record. */
	for (i = 0; i < recorded->len; i++) {
		const DomainRecord *rec = g_ptr_array_index(recorded, i);

		/* Run-time domains stay until RemoveDomain, or a file declares them. */
		if (rec->runtime || domain_config_find(c, rec->name))
			continue;
		if (c->incomplete || domain_config_file_is_bad(c, rec->file))
			report(actions, DOMAIN_ACTION_UNTOUCHED, rec->name, 0,
			       "domain %s left as it is: %s", rec->name,
			       c->incomplete ? "a domain folder could not be read" :
					       "its file has an error");
		else
			g_ptr_array_add(undeclared, g_strdup(rec->name));
	}
	for (i = 0; i < c->domains->len; i++)
		apply_decl(p, g_ptr_array_index(c->domains, i), actions);
	for (i = 0; i < undeclared->len; i++) {
		DomainRecord *rec = domain_state_find(p->state, g_ptr_array_index(undeclared, i));

		if (rec)
			remove_undeclared(p, rec, false, actions);
	}
	(void)save(p, actions);
	return actions;
}

GPtrArray *domain_provision_retry(DomainProvision *p)
{
	GPtrArray *actions = domain_actions_new();
	g_autoptr(GPtrArray) recorded = domain_state_list(p->state);
	g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func(g_free);
	guint i;

	for (i = 0; i < recorded->len; i++) {
		const DomainRecord *rec = g_ptr_array_index(recorded, i);

		if (rec->removal_pending)
			g_ptr_array_add(pending, g_strdup(rec->name));
	}
	for (i = 0; i < pending->len; i++) {
		DomainRecord *rec = domain_state_find(p->state, g_ptr_array_index(pending, i));

		if (rec)
			remove_undeclared(p, rec, true, actions);
	}
	if (pending->len)
		(void)save(p, actions);
	return actions;
}

bool domain_provision_pending(const DomainProvision *p)
{
	g_autoptr(GPtrArray) recorded = domain_state_list(p->state);
	guint i;

	for (i = 0; i < recorded->len; i++) {
		const DomainRecord *rec = g_ptr_array_index(recorded, i);

		if (rec->removal_pending)
			return true;
	}
	return false;
}

const DomainRecord *domain_provision_record(const DomainProvision *p, const char *name)
{
	return domain_state_find(p->state, name);
}

int domain_provision_add(DomainProvision *p, struct bindox_domain_config *cfg,
			 GPtrArray *actions)
{
	const struct bindox_domain_config want = *cfg;
	struct bindox_domain_config info;
	DomainRecord *rec;
	int r;

	/* A record of a domain that is gone, or is someone else's now, goes first. */
	r = check_record(p, want.name, &info, actions);
	if (r == 0)
		return -EEXIST;
	if (r != -ENOENT)
		return r;
	r = p->ctl.ops->add(p->ctl.data, cfg);
	if (r < 0)
		return r;
	rec = domain_state_put(p->state, want.name);
	rec->id = cfg->id;
	rec->file = g_strdup("");
	rec->runtime = true;
	rec->uid = want.uid;
	rec->gid = want.gid;
	rec->mode = want.mode;
	rec->limits = want.limits;	/* as asked: 0 stays the default */
	if (save(p, actions) < 0) {
		/* Unrecorded, it would be no one's after a restart: undo it. */
		domain_state_forget(p->state, want.name);
		r = p->ctl.ops->remove(p->ctl.data, want.name, 0);
		if (r < 0)
			report_failed(actions, want.name, "removing it again", r);
		return -EIO;
	}
	report(actions, DOMAIN_ACTION_CREATED, want.name, 0,
	       "domain %s created over D-Bus (id %u, owner %u:%u, mode %04o)", want.name,
	       cfg->id, want.uid, want.gid, want.mode);
	return 0;
}

int domain_provision_remove(DomainProvision *p, const char *name, bool force,
			    uint32_t *connections, GPtrArray *actions)
{
	struct bindox_domain_config info;
	const DomainRecord *rec;
	int r;

	r = check_record(p, name, &info, actions);
	if (r < 0)
		return r;
	*connections = info.connections;
	rec = domain_state_find(p->state, name);
	if (!rec)
		return -EPERM;
	if (!rec->runtime)
		return -EACCES;
	r = p->ctl.ops->remove(p->ctl.data, name, force ? BINDOX_DOMAIN_FORCE : 0);
	if (r == -ENOENT)
		domain_state_forget(p->state, name);
	if (r < 0)
		return r;
	report(actions, DOMAIN_ACTION_REMOVED, name, 0, "domain %s removed over D-Bus%s", name,
	       force && info.connections ? " (forced: its connections ended)" : "");
	domain_state_forget(p->state, name);
	(void)save(p, actions);
	return 0;
}
