/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_DOMAIN_H
#define __BINDOX_DOMAIN_H

/**
 * DOC: Domains
 *
 * A domain is one device node of the driver: the host's /dev/bindox (id 0,
 * name "host", created at load) or a container's /dev/bindox.d/<name>,
 * created and removed at run time through the control device (control.c).
 * The driver knows a process's domain from the node it opened and never
 * from anything the process says. All domain nodes are character devices
 * of one major of the driver's own, minor = id, in the device class
 * "bindox"; the kernel names the node and sets its owner and mode
 * (devnode), and the uevent carries them for udev too.
 *
 * A domain is reference counted through its struct device (@dev): the
 * domain list, every proc that opened it and every message it sent hold a
 * reference, and the memory goes with the last one. Removing a domain
 * takes its node away at once (its character device too, and files that
 * still reach it through an old inode are refused at open: @removed); a
 * forced removal also ends every file of it (bindox_procs_kill_domain()).
 *
 * The configuration (@uid, @gid, @mode, @limits) is written under
 * bindox_domains_lock and read without it (READ_ONCE): a limit changed
 * meanwhile applies from the next check on. The live counts are atomic.
 */

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/uidgid.h>
#include <uapi/linux/bindox.h>

/* Indexes of bindox_domain.denied: one per BINDOX_POLICY_ACT_* bit. */
#define BINDOX_DOMAIN_DENIED_REGISTER	0	/* BINDOX_POLICY_ACT_REGISTER */
#define BINDOX_DOMAIN_DENIED_LOOKUP	1	/* BINDOX_POLICY_ACT_LOOKUP */
#define BINDOX_DOMAIN_DENIED_CALL	2	/* BINDOX_POLICY_ACT_CALL */
#define BINDOX_DOMAIN_DENIED_COUNT	3

struct bindox_domain {
	struct device dev;		/* its refcount is the domain's */
	struct cdev cdev;
	u32 id;				/* also the minor */
	bool is_host;
	char name[BINDOX_DOMAIN_NAME_MAX + 1];	/* in policy rules */
	bool removed;
	struct list_head entry;		/* in the domain list, while listed */

	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	struct bindox_domain_limits limits;	/* as given; 0: default */

	atomic_t connections;
	atomic_t nodes;
	atomic_t calls;
	atomic64_t buffer_bytes;
	/* Requests of this domain's processes the policy refused, by action. */
	atomic64_t denied[BINDOX_DOMAIN_DENIED_COUNT];
};

/* Per-domain limits' defaults, module parameters (domain.c). */
extern unsigned int bindox_max_domain_connections;
extern unsigned int bindox_max_domain_nodes;
extern unsigned int bindox_max_domain_calls;
extern unsigned int bindox_max_domain_oneway;
extern unsigned int bindox_max_domain_oneway_bytes;

int bindox_domains_init(void);
void bindox_domains_exit(void);
struct bindox_domain *bindox_domain_add(const struct bindox_domain_config *cfg);
struct bindox_domain *bindox_domain_remove(const char *name, bool force);
int bindox_domain_update(const struct bindox_domain_config *cfg);
int bindox_domain_info(struct bindox_domain_config *cfg);
int bindox_domain_open(struct bindox_domain *domain);
void bindox_domain_close(struct bindox_domain *domain);
u64 bindox_domain_limit(const struct bindox_domain *domain, int field);

/* Fields for bindox_domain_limit(). */
enum {
	BINDOX_LIMIT_CONNECTIONS,
	BINDOX_LIMIT_HANDLES,
	BINDOX_LIMIT_NODES,
	BINDOX_LIMIT_CALLS,
	BINDOX_LIMIT_ONEWAY,
	BINDOX_LIMIT_ONEWAY_BYTES,
	BINDOX_LIMIT_BUFFER_BYTES,
};

static inline struct bindox_domain *bindox_domain_ref(struct bindox_domain *d)
{
	if (d)
		get_device(&d->dev);
	return d;
}

static inline struct bindox_domain *bindox_domain_unref(struct bindox_domain *d)
{
	if (d)
		put_device(&d->dev);
	return NULL;
}

#endif /* __BINDOX_DOMAIN_H */
