/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_DOMAIN_PROVISION_H
#define BINDOXD_DOMAIN_PROVISION_H

/*
 * Makes the driver's domains what the domain files declare
 * (bindox-domains(5)), touching only the domains bindoxd created itself:
 *  - a declared domain that does not exist is created (ADD);
 *  - a declared domain of bindoxd's whose owner, mode or limits differ is
 *    updated in place (UPDATE); one that bindoxd did not create is left
 *    alone, and reported;
 *  - a domain of bindoxd's that no file declares any more is removed
 *    (REMOVE); while it is in use (EBUSY) it is kept, and removal is tried
 *    again later (domain_provision_retry()), unless its file said
 *    remove="force": then its connections are ended;
 *  - a domain whose file has an error stays as it is, and so does every
 *    domain when a folder could not be read;
 *  - a run-time domain (AddDomain, domain_provision_add()) stays until
 *    RemoveDomain, unless a file declares it: then it is the file's.
 * What bindoxd created is kept in a DomainState file, so that a restarted
 * bindoxd knows its own domains: a recorded domain that no longer exists,
 * or exists with another id (the module was reloaded and someone else
 * made it), is forgotten.
 */

#include <stdbool.h>
#include <glib.h>
#include "domain-config.h"
#include "domain-ctl.h"
#include "domain-state.h"

typedef enum {
	DOMAIN_ACTION_CREATED,
	DOMAIN_ACTION_UPDATED,
	DOMAIN_ACTION_REMOVED,
	DOMAIN_ACTION_KEPT_BUSY,	/* undeclared but in use: removal waits */
	DOMAIN_ACTION_NOT_OURS,		/* declared, exists, not created by bindoxd */
	DOMAIN_ACTION_UNTOUCHED,	/* its file has an error (or a folder failed) */
	DOMAIN_ACTION_FORGOTTEN,	/* recorded, but removed by someone else */
	DOMAIN_ACTION_FAILED,		/* the driver refused (error) */
} DomainActionKind;

typedef struct DomainAction {
	DomainActionKind kind;
	char *name;
	int error;	/* DOMAIN_ACTION_FAILED: the ioctl's negative errno */
	char *message;	/* a sentence for the log and D-Bus */
} DomainAction;

/* True for the kinds that make a reload fail (FAILED, NOT_OURS). */
bool domain_action_is_problem(const DomainAction *a);

typedef struct DomainProvision DomainProvision;

/*
 * @ctl is copied (its data stays the caller's). @state_path NULL keeps the
 * record in memory. Problems reading the record go to @warnings (char *
 * messages; may be NULL).
 */
DomainProvision *domain_provision_new(const DomainCtl *ctl, const char *state_path,
				      GPtrArray *warnings);
DomainProvision *domain_provision_free(DomainProvision *p);

/* An empty list of DomainAction * (g_ptr_array_unref frees them). */
GPtrArray *domain_actions_new(void);

/* Applies @c; returns what was done (DomainAction *; g_ptr_array_unref). */
GPtrArray *domain_provision_apply(DomainProvision *p, const DomainConfig *c);

/* Tries the waiting removals again; returns what was done. */
GPtrArray *domain_provision_retry(DomainProvision *p);

/* Removals still waiting for their domain to be free. */
bool domain_provision_pending(const DomainProvision *p);

/*
 * AddDomain: creates the domain @cfg (name, owner, mode and limits checked
 * by the caller) as a run-time domain of bindoxd's. A reload keeps it while
 * no file declares it; a file that declares it takes it over (its
 * configuration applies, and it is removed when the file goes). On success
 * @cfg is what the driver answered (the id, the limits in force). Returns
 * 0 or a negative errno: -EEXIST for a name in use, the driver's refusal
 * (-EINVAL, -ENOSPC), or -EIO when it could not be recorded (then it is
 * removed again). What was done goes to @actions.
 */
int domain_provision_add(DomainProvision *p, struct bindox_domain_config *cfg,
			 GPtrArray *actions);

/*
 * RemoveDomain: removes the run-time domain @name; @force ends its open
 * files. @connections gets the number that were open. Returns 0 or a
 * negative errno: -ENOENT (no such domain), -EPERM (bindoxd did not create
 * it), -EACCES (a file declares it: it goes with the file), -EBUSY (in use
 * and not @force), or the driver's refusal.
 */
int domain_provision_remove(DomainProvision *p, const char *name, bool force,
			    uint32_t *connections, GPtrArray *actions);

/* bindoxd's record of @name, or NULL if bindoxd did not create it. */
const DomainRecord *domain_provision_record(const DomainProvision *p, const char *name);

const char *domain_action_kind_to_string(DomainActionKind kind);

#endif /* BINDOXD_DOMAIN_PROVISION_H */
