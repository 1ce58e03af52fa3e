/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_RULESET_H
#define BINDOXD_RULESET_H

/*
 * The policy in force: compiled from the XML folders (policy.h) and loaded
 * into the driver with BINDOX_IOC_POLICY_LOAD. A reload that fails, because
 * a file is bad or because the driver refuses the table, changes nothing:
 * the table bindoxd answers CheckAccess with is always the one the driver
 * has (before the first successful load, the empty table: the built-in
 * default).
 */

#include <stdbool.h>
#include <stdint.h>
#include "policy.h"

typedef struct Ruleset Ruleset;

typedef enum {
	RULESET_FAILED_FILE,	/* a policy file is bad (or unreadable) */
	RULESET_FAILED_DRIVER,	/* the driver refused the compiled table */
} RulesetFailureKind;

typedef struct {
	RulesetFailureKind kind;
	int error;		/* RULESET_FAILED_DRIVER: the ioctl's negative errno */
	char *message;		/* for the log and the D-Bus reply (g_free) */
	char *file;		/* RULESET_FAILED_FILE: the file at fault (g_free) */
} RulesetFailure;

/* @driver_fd: the Coordinator's descriptor (borrowed). */
Ruleset *ruleset_new(const char *vendor_dir, const char *admin_dir, int driver_fd);
Ruleset *ruleset_free(Ruleset *rs);

/*
 * Compiles the folders and loads the result into the driver. Returns 0, or
 * a negative errno with @failure filled (free its message with
 * ruleset_failure_clear()).
 */
int ruleset_reload(Ruleset *rs, RulesetFailure *failure);
void ruleset_failure_clear(RulesetFailure *failure);

/* The table in force, and the driver's generation of it (0: none loaded). */
const Policy *ruleset_policy(const Ruleset *rs);
uint64_t ruleset_generation(const Ruleset *rs);

/*
 * Decides @req with the table in force. *@rule gets a description of the
 * deciding rule ("FILE:LINE:COLUMN: <allow .../>" or the built-in default);
 * free it with g_free().
 */
bool ruleset_check(const Ruleset *rs, const PolicyRequest *req, char **rule);


#endif /* BINDOXD_RULESET_H */
