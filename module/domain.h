/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_DOMAIN_H
#define __BINDOX_DOMAIN_H

/**
 * DOC: Domains
 *
 * A domain is one device node of the driver. The host domain is
 * /dev/bindox (id 0); containers get domains of their own, each with its own
 * node, so that the driver knows a process's domain from the file it opened
 * and never from anything the process says. A domain lives from its creation
 * until its device is removed and the last proc that opened it is gone: every
 * proc holds a reference.
 */

#include <linux/kref.h>
#include <linux/miscdevice.h>

struct bindox_domain {
	struct kref kref;
	u32 id;
	bool is_host;
	char name[32];			/* device name */
	char label[32];			/* name in policy rules */
	struct miscdevice misc;
	atomic64_t buffer_bytes;	/* bytes of live buffers, for the quota */
};

struct bindox_domain *bindox_domain_new(u32 id, const char *name,
					const char *label, bool is_host);
void bindox_domain_free(struct kref *kref);
int bindox_domain_register(struct bindox_domain *domain);
void bindox_domain_unregister(struct bindox_domain *domain);

static inline struct bindox_domain *bindox_domain_ref(struct bindox_domain *d)
{
	if (d)
		kref_get(&d->kref);
	return d;
}

static inline struct bindox_domain *bindox_domain_unref(struct bindox_domain *d)
{
	if (d)
		kref_put(&d->kref, bindox_domain_free);
	return NULL;
}

#endif /* __BINDOX_DOMAIN_H */
