/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_DOMAIN_CONFIG_H
#define BINDOXD_DOMAIN_CONFIG_H

/*
 * The domain files (bindox-domains(5)): XML read with GMarkup, like the
 * policy, from /usr/share/bindox/domains.d and /etc/bindox/domains.d (a
 * file of the same name in /etc replaces the vendor file, a link to
 * /dev/null masks it).
 *
 *   <bindox-domains>
 *     <domain name="NAME" [user="NAME|UID"] [group="NAME|GID"] [mode="0660"]
 *             [remove="wait|force"]>
 *       <limits [connections="N"] [handles="N"] [nodes="N"] [calls="N"]
 *               [oneway="N"] [oneway-bytes="SIZE"] [buffer-bytes="SIZE"]/>
 *     </domain>
 *   </bindox-domains>
 *
 * Every file is checked on its own: a file with an error is reported (as
 * "FILE:LINE:COLUMN: message", the policy's format and error codes) and
 * skipped as a whole, and the domains it declared before must be left as
 * they are. The other files still count.
 */

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <linux/bindox.h>
#include "domain-limits.h"
#include "policy.h"

#ifndef BINDOX_DOMAINS_VENDOR_DIR
#define BINDOX_DOMAINS_VENDOR_DIR "/usr/share/bindox/domains.d"
#endif
#ifndef BINDOX_DOMAINS_ADMIN_DIR
#define BINDOX_DOMAINS_ADMIN_DIR "/etc/bindox/domains.d"
#endif

#define DOMAIN_DEFAULT_MODE 0600U

/* One <domain> as declared. */
typedef struct DomainDecl {
	char *name;
	uint32_t uid;
	uint32_t gid;
	uint32_t mode;
	bool force_remove;	/* remove="force": end its connections when undeclared */
	struct bindox_domain_limits limits;	/* 0: the driver's default */
	char *file;		/* the path it was read from */
	unsigned int line;	/* of its name attribute's value */
	unsigned int column;
} DomainDecl;

/* What the folders declare now. */
typedef struct DomainConfig {
	GPtrArray *domains;	/* DomainDecl *, sorted by name */
	GPtrArray *errors;	/* char *: "FILE:LINE:COLUMN: message", one per bad file */
	GHashTable *bad_files;	/* file names (no folder) of the files skipped */
	bool incomplete;	/* a folder could not be listed: nothing is known to be gone */
} DomainConfig;

/*
 * True for a name the driver accepts: 1..BINDOX_DOMAIN_NAME_MAX bytes of
 * [a-z0-9._-], starting with a letter or a digit, not "host" or "control".
 */
bool domain_name_is_valid(const char *name);

/*
 * Parses one document. Returns its declarations (DomainDecl *, in document
 * order; free with g_ptr_array_unref()), or NULL with @error (and @where,
 * if not NULL) set.
 */
GPtrArray *domain_config_parse(const char *file, const char *text, size_t len,
			       const PolicyResolver *resolver,
			       PolicyErrorLocation *where, GError **error);

/*
 * Reads every *.xml of @vendor_dir and @admin_dir (either may be NULL or
 * missing) in the C-locale order of names. A name declared by two files
 * is an error of the later file. Never NULL.
 */
DomainConfig *domain_config_load_dirs(const char *vendor_dir, const char *admin_dir,
				      const PolicyResolver *resolver);

const DomainDecl *domain_config_find(const DomainConfig *c, const char *name);

/* True when the file named @file_name (no folder) was skipped for an error. */
bool domain_config_file_is_bad(const DomainConfig *c, const char *file_name);

DomainConfig *domain_config_free(DomainConfig *c);
void domain_decl_free(DomainDecl *d);

/* The file name without its folder (points into @d->file). */
const char *domain_decl_file_name(const DomainDecl *d);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainConfig, domain_config_free)

#endif /* BINDOXD_DOMAIN_CONFIG_H */
