/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_POLICY_H
#define BINDOXD_POLICY_H

/*
 * The policy: XML files (bindox-policy(5)) parsed with GMarkup and compiled
 * into the flat rule table of <linux/bindox.h> (struct bindox_policy_rule),
 * which the driver enforces. bindoxd evaluates the same table itself, with
 * the same semantics as the driver, to answer CheckAccess.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <linux/bindox.h>

/* Where policy files live (meson passes the configured paths). */
#ifndef BINDOX_POLICY_VENDOR_DIR
#define BINDOX_POLICY_VENDOR_DIR "/usr/share/bindox/policy.d"
#endif
#ifndef BINDOX_POLICY_ADMIN_DIR
#define BINDOX_POLICY_ADMIN_DIR "/etc/bindox/policy.d"
#endif

/* A policy file larger than this is refused (POLICY_ERROR_LIMIT). */
#define POLICY_MAX_FILE_SIZE (64U * 1024U * 1024U)

/* Where a rule came from, and what its XML said (for CheckAccess). */
typedef struct {
	char *file;		/* path of the XML file; points into Policy.files */
	unsigned int line;	/* 1-based, of the <allow>/<deny> element's "<" */
	unsigned int column;	/* 1-based, in characters */
	char *text;		/* the rule as XML, e.g.
				 * <policy domain="a"> <allow register="vendor.camera.*"/> */
} PolicyOrigin;

/* A compiled policy: rules in evaluation order, strings, origins. */
typedef struct {
	struct bindox_policy_rule *rules;
	size_t n_rules;
	char *strings;		/* the blob the rules' offsets point into (NULL when empty) */
	size_t strings_size;
	PolicyOrigin *origins;	/* n_origins entries; rules[i].source indexes it */
	size_t n_origins;
	char **files;		/* the files read, in order, NULL-terminated */
} Policy;

/* Error domain for policy errors; codes below. */
#define POLICY_ERROR (policy_error_quark())
GQuark policy_error_quark(void);

typedef enum {
	POLICY_ERROR_IO,		/* a file or folder could not be read */
	POLICY_ERROR_SYNTAX,	/* not well-formed XML, or empty */
	POLICY_ERROR_ELEMENT,	/* unknown or misplaced element, text content */
	POLICY_ERROR_ATTRIBUTE,	/* unknown, missing, duplicate or bad attribute */
	POLICY_ERROR_WILDCARD,	/* a bad service pattern */
	POLICY_ERROR_USER,	/* unknown user or group name */
	POLICY_ERROR_LIMIT,	/* too many rules or too large */
} PolicyErrorCode;

/*
 * Errors carry their place: the GError message starts with
 * "FILE:LINE:COLUMN: " and these give the same numbers to tests and to
 * the D-Bus reply. Lines and columns count from 1, columns in characters.
 * An error about a whole file or folder (I/O, size) has line and column 0
 * and its message starts with "FILE: ".
 */
typedef struct {
	char *file;
	unsigned int line;
	unsigned int column;
} PolicyErrorLocation;

/*
 * Resolves user and group names; tests inject their own. Decimal numbers
 * never reach it: the compiler takes them as ids itself.
 */
typedef struct {
	/* Return true and set *id when the name is known. */
	bool (*user)(const char *name, uint32_t *id, void *data);
	bool (*group)(const char *name, uint32_t *id, void *data);
	void *data;
} PolicyResolver;

/* The system's resolver: getpwnam_r/getgrnam_r, i.e. the host's databases. */
const PolicyResolver *policy_system_resolver(void);

/*
 * Parse and compile one document. @file names it in errors. On failure
 * returns NULL, sets @error and, if @where is not NULL, fills it (free with
 * policy_error_location_clear()).
 */
Policy *policy_compile_string(const char *file, const char *text, size_t len,
					   const PolicyResolver *resolver,
					   PolicyErrorLocation *where, GError **error);

/*
 * Read every *.xml of @vendor_dir and @admin_dir (either may be NULL or
 * missing), a file in @admin_dir replacing the @vendor_dir file of the same
 * name, in the C-locale order of file names, and compile them into one table
 * (the rules of each file in document order). Names starting with "." are
 * ignored, and so is anything that is not a regular file, except that a
 * symbolic link to /dev/null in @admin_dir masks the vendor file of its
 * name. One bad file fails the whole load. No files at all gives an empty
 * table (the built-in default).
 */
Policy *policy_load_dirs(const char *vendor_dir, const char *admin_dir,
				      const PolicyResolver *resolver,
				      PolicyErrorLocation *where, GError **error);

void policy_free(Policy *p);
void policy_error_location_clear(PolicyErrorLocation *where);

/* A request, as the driver sees it. Domain names, not ids. */
typedef struct {
	uint32_t action;	/* one BINDOX_POLICY_ACT_* bit */
	const char *domain;	/* subject's domain name */
	uint32_t uid;		/* subject's euid (initial user namespace) */
	uint32_t gid;		/* subject's egid */
	const char *service;	/* service name */
	const char *peer_domain; /* owner's domain; NULL: same as domain.
				  * Ignored for register (the peer is the subject). */
} PolicyRequest;

/*
 * Evaluate like the driver (the rules from the last to the first, the first
 * match decides; see <linux/bindox.h>). A rule's peer condition: ANY_PEER
 * matches every peer domain; else an empty peer string matches the
 * subject's own domain; else the peer's domain must equal it. Returns true
 * for allow. *rule_out (if not NULL) is the index of the deciding rule, or
 * -1 when the built-in default decided. @p NULL is the empty policy. An
 * @action that is not exactly one BINDOX_POLICY_ACT_* bit is denied (-1).
 */
bool policy_check(const Policy *p, const PolicyRequest *req, long *rule_out);

/* "register", "lookup", "call" -> one BINDOX_POLICY_ACT_* bit; 0 if unknown. */
uint32_t policy_action_from_name(const char *name);

/* The name of one BINDOX_POLICY_ACT_* bit; NULL for anything else. */
const char *policy_action_name(uint32_t action);

/*
 * What decided a verdict, for humans: "FILE:LINE:COLUMN: TEXT" for
 * @rule >= 0, a sentence about the built-in default for -1. Free with
 * g_free().
 */
char *policy_describe_rule(const Policy *p, long rule);

/* The name of the host domain, as the driver reports it. */
#define BINDOX_HOST_DOMAIN "host"

#endif /* BINDOXD_POLICY_H */
