// SPDX-License-Identifier: GPL-2.0
/*
 * Domains: one misc device each.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include "domain.h"
#include "file.h"

/**
 * bindox_domain_new() - create a domain (not yet visible as a device)
 * @id:		the domain id reported to receivers
 * @name:	device name, e.g. "bindox"
 * @label:	the domain's name in policy rules, e.g. "host"
 * @is_host:	whether this is the host domain (the Coordinator's)
 *
 * Return: the domain with one reference, or NULL without memory.
 */
struct bindox_domain *bindox_domain_new(u32 id, const char *name,
					const char *label, bool is_host)
{
	struct bindox_domain *domain;

	domain = kzalloc(sizeof(*domain), GFP_KERNEL);
	if (!domain)
		return NULL;
	kref_init(&domain->kref);
	domain->id = id;
	domain->is_host = is_host;
	strscpy(domain->name, name, sizeof(domain->name));
	strscpy(domain->label, label, sizeof(domain->label));
	domain->misc.minor = MISC_DYNAMIC_MINOR;
	domain->misc.name = domain->name;
	domain->misc.fops = &bindox_fops;
	/* The host device is for privileged users; udev may widen it to a group. */
	domain->misc.mode = 0600;
	return domain;
}

/**
 * bindox_domain_free() - kref release function of a domain
 * @kref:	the domain's kref
 */
void bindox_domain_free(struct kref *kref)
{
	kfree(container_of(kref, struct bindox_domain, kref));
}

/**
 * bindox_domain_register() - make the domain's device node appear
 * @domain:	the domain
 *
 * Return: 0 or a negative errno.
 */
int bindox_domain_register(struct bindox_domain *domain)
{
	return misc_register(&domain->misc);
}

/**
 * bindox_domain_unregister() - remove the domain's device node
 * @domain:	the domain
 *
 * Procs that have the device open keep the domain alive.
 */
void bindox_domain_unregister(struct bindox_domain *domain)
{
	misc_deregister(&domain->misc);
}
