/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_DOMAIN_STATE_H
#define BINDOXD_DOMAIN_STATE_H

/*
 * The domains bindoxd created, and the configuration it gave them, kept
 * in a file under /run/bindox so that a restarted bindoxd still knows
 * which domains are its own (and which it must leave alone). /run is
 * emptied at boot, when the driver's domains are gone too.
 */

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <linux/bindox.h>

#define DOMAIN_STATE_DEFAULT_DIR "/run/bindox"
#define DOMAIN_STATE_FILE_NAME "domains"

typedef struct DomainRecord {
	char *name;
	uint32_t id;		/* the driver's id when bindoxd created it */
	char *file;		/* name (no folder) of the file that declares it; "" if runtime */
	bool runtime;		/* added over D-Bus (AddDomain), not by a file */
	uint32_t uid;
	uint32_t gid;
	uint32_t mode;
	bool force_remove;
	struct bindox_domain_limits limits;	/* as the file gave them (0: default) */
	bool removal_pending;	/* undeclared, but busy: removal waits */
} DomainRecord;

typedef struct DomainState DomainState;

/*
 * Reads @path (NULL: keep the state in memory only). A missing file is an
 * empty state; entries that cannot be read are dropped with a message in
 * @warnings (char *, may be NULL).
 */
DomainState *domain_state_load(const char *path, GPtrArray *warnings);
DomainState *domain_state_free(DomainState *s);

/* Writes the file atomically (mode 0644); 0 or a negative errno. */
int domain_state_save(const DomainState *s, GError **error);

DomainRecord *domain_state_find(const DomainState *s, const char *name);
/* Adds or replaces @name's record; returns it to be filled. */
DomainRecord *domain_state_put(DomainState *s, const char *name);
void domain_state_forget(DomainState *s, const char *name);

/* The records, sorted by name (borrowed). */
GPtrArray *domain_state_list(const DomainState *s);

#endif /* BINDOXD_DOMAIN_STATE_H */
