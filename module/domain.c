// SPDX-License-Identifier: GPL-2.0
/*
 * Domains: one character device each, of the driver's own major.
 */
#include <linux/ctype.h>
#include <linux/idr.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "bindox.h"
#include "buffer.h"
#include "compat.h"
#include "domain.h"
#include "file.h"

unsigned int bindox_max_domain_connections = 4096;
module_param_named(max_domain_connections, bindox_max_domain_connections,
		   uint, 0644);
MODULE_PARM_DESC(max_domain_connections,
		 "Default: most open files of one domain's node");

unsigned int bindox_max_domain_nodes = 65536;
module_param_named(max_domain_nodes, bindox_max_domain_nodes, uint, 0644);
MODULE_PARM_DESC(max_domain_nodes, "Default: most nodes one domain may own");

unsigned int bindox_max_domain_calls = 4096;
module_param_named(max_domain_calls, bindox_max_domain_calls, uint, 0644);
MODULE_PARM_DESC(max_domain_calls,
		 "Default: most calls of one domain waiting for their reply");

unsigned int bindox_max_domain_oneway = 2048;
module_param_named(max_domain_oneway, bindox_max_domain_oneway, uint, 0644);
MODULE_PARM_DESC(max_domain_oneway,
		 "Default: most one-way messages of one domain queued at one receiver");

unsigned int bindox_max_domain_oneway_bytes = 16U << 20;
module_param_named(max_domain_oneway_bytes, bindox_max_domain_oneway_bytes,
		   uint, 0644);
MODULE_PARM_DESC(max_domain_oneway_bytes,
		 "Default: most bytes of one domain's one-way messages queued at one receiver");

/* Protects the list, the ids and every domain's configuration. */
static DEFINE_MUTEX(bindox_domains_lock);
static LIST_HEAD(bindox_domains);
static DEFINE_IDA(bindox_domain_ids);
static dev_t bindox_devt;

static struct class bindox_class = {
	.name = "bindox",
};

static struct bindox_domain *to_domain(const struct device *dev)
{
	return container_of(dev, struct bindox_domain, dev);
}

/**
 * bindox_domain_limit() - a limit of a domain in force
 * @domain:	the domain
 * @field:	BINDOX_LIMIT_*
 *
 * Return: the domain's own value, or the module parameter's if it is 0.
 */
u64 bindox_domain_limit(const struct bindox_domain *domain, int field)
{
	const struct bindox_domain_limits *l = &domain->limits;

	switch (field) {
	case BINDOX_LIMIT_CONNECTIONS:
		return READ_ONCE(l->max_connections) ?:
		       READ_ONCE(bindox_max_domain_connections);
	case BINDOX_LIMIT_HANDLES:
		return READ_ONCE(l->max_handles) ?: READ_ONCE(bindox_max_handles);
	case BINDOX_LIMIT_NODES:
		return READ_ONCE(l->max_nodes) ?:
		       READ_ONCE(bindox_max_domain_nodes);
	case BINDOX_LIMIT_CALLS:
		return READ_ONCE(l->max_calls) ?:
		       READ_ONCE(bindox_max_domain_calls);
	case BINDOX_LIMIT_ONEWAY:
		return READ_ONCE(l->max_oneway) ?:
		       READ_ONCE(bindox_max_domain_oneway);
	case BINDOX_LIMIT_ONEWAY_BYTES:
		return READ_ONCE(l->max_oneway_bytes) ?:
		       READ_ONCE(bindox_max_domain_oneway_bytes);
	case BINDOX_LIMIT_BUFFER_BYTES:
		return READ_ONCE(l->max_buffer_bytes) ?:
		       READ_ONCE(bindox_max_domain_buffer_bytes);
	}
	return 0;
}

/* ---- the device: uevent, node name, sysfs ---- */

static int bindox_domain_uevent(BINDOX_UEVENT_CONST struct device *dev,
				struct kobj_uevent_env *env)
{
	struct bindox_domain *d = to_domain(dev);

	return add_uevent_var(env, "BINDOX_DOMAIN=%s", d->name) ?:
	       add_uevent_var(env, "BINDOX_DOMAIN_ID=%u", d->id) ?:
	       add_uevent_var(env, "BINDOX_UID=%u",
			      from_kuid(&init_user_ns, READ_ONCE(d->uid))) ?:
	       add_uevent_var(env, "BINDOX_GID=%u",
			      from_kgid(&init_user_ns, READ_ONCE(d->gid))) ?:
	       add_uevent_var(env, "BINDOX_MODE=%04o", READ_ONCE(d->mode));
}

/* /dev/bindox for the host, /dev/bindox.d/<name> for the others. */
static char *bindox_domain_devnode(BINDOX_DEVNODE_CONST struct device *dev,
				   umode_t *mode, kuid_t *uid, kgid_t *gid)
{
	struct bindox_domain *d = to_domain(dev);

	if (mode)
		*mode = READ_ONCE(d->mode);
	if (uid)
		*uid = READ_ONCE(d->uid);
	if (gid)
		*gid = READ_ONCE(d->gid);
	return d->is_host ? NULL : kasprintf(GFP_KERNEL, "bindox.d/%s", d->name);
}

static void bindox_domain_release(struct device *dev)
{
	struct bindox_domain *d = to_domain(dev);

	if (!d->is_host)
		ida_free(&bindox_domain_ids, d->id);
	kfree(d);
}

#define BINDOX_DOMAIN_ATTR(_name, _fmt, _expr)				\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct bindox_domain *d = to_domain(dev);			\
									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static DEVICE_ATTR_RO(_name)

BINDOX_DOMAIN_ATTR(domain, "%s", d->name);
BINDOX_DOMAIN_ATTR(domain_id, "%u", d->id);
BINDOX_DOMAIN_ATTR(uid, "%u", from_kuid(&init_user_ns, READ_ONCE(d->uid)));
BINDOX_DOMAIN_ATTR(gid, "%u", from_kgid(&init_user_ns, READ_ONCE(d->gid)));
BINDOX_DOMAIN_ATTR(mode, "%04o", READ_ONCE(d->mode));
BINDOX_DOMAIN_ATTR(connections, "%d", atomic_read(&d->connections));
BINDOX_DOMAIN_ATTR(nodes, "%d", atomic_read(&d->nodes));
BINDOX_DOMAIN_ATTR(calls, "%d", atomic_read(&d->calls));
BINDOX_DOMAIN_ATTR(buffer_bytes, "%lld",
		   (long long)atomic64_read(&d->buffer_bytes));
BINDOX_DOMAIN_ATTR(denied_register, "%lld",
		   atomic64_read(&d->denied[BINDOX_DOMAIN_DENIED_REGISTER]));
BINDOX_DOMAIN_ATTR(denied_lookup, "%lld",
		   atomic64_read(&d->denied[BINDOX_DOMAIN_DENIED_LOOKUP]));
BINDOX_DOMAIN_ATTR(denied_call, "%lld",
		   atomic64_read(&d->denied[BINDOX_DOMAIN_DENIED_CALL]));
BINDOX_DOMAIN_ATTR(max_connections, "%llu",
		   bindox_domain_limit(d, BINDOX_LIMIT_CONNECTIONS));
BINDOX_DOMAIN_ATTR(max_handles, "%llu",
		   bindox_domain_limit(d, BINDOX_LIMIT_HANDLES));
BINDOX_DOMAIN_ATTR(max_nodes, "%llu",
		   bindox_domain_limit(d, BINDOX_LIMIT_NODES));
BINDOX_DOMAIN_ATTR(max_calls, "%llu",
		   bindox_domain_limit(d, BINDOX_LIMIT_CALLS));
BINDOX_DOMAIN_ATTR(max_oneway, "%llu",
		   bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY));
BINDOX_DOMAIN_ATTR(max_oneway_bytes, "%llu",
		   bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY_BYTES));
BINDOX_DOMAIN_ATTR(max_buffer_bytes, "%llu",
		   bindox_domain_limit(d, BINDOX_LIMIT_BUFFER_BYTES));

static struct attribute *bindox_domain_attrs[] = {
	&dev_attr_domain.attr,
	&dev_attr_domain_id.attr,
	&dev_attr_uid.attr,
	&dev_attr_gid.attr,
	&dev_attr_mode.attr,
	&dev_attr_connections.attr,
	&dev_attr_nodes.attr,
	&dev_attr_calls.attr,
	&dev_attr_buffer_bytes.attr,
	&dev_attr_denied_register.attr,
	&dev_attr_denied_lookup.attr,
	&dev_attr_denied_call.attr,
	&dev_attr_max_connections.attr,
	&dev_attr_max_handles.attr,
	&dev_attr_max_nodes.attr,
	&dev_attr_max_calls.attr,
	&dev_attr_max_oneway.attr,
	&dev_attr_max_oneway_bytes.attr,
	&dev_attr_max_buffer_bytes.attr,
	NULL
};
ATTRIBUTE_GROUPS(bindox_domain);

static const struct device_type bindox_domain_type = {
	.name = "bindox-domain",
	.groups = bindox_domain_groups,
	.uevent = bindox_domain_uevent,
	.devnode = bindox_domain_devnode,
	.release = bindox_domain_release,
};

/* ---- configuration ---- */

/* Names: 1..31 of [a-z0-9._-], first a letter or digit; two reserved. */
static bool bindox_domain_name_valid(const char *name, size_t size)
{
	size_t len = strnlen(name, size), i;

	if (!len || len == size || !isalnum(name[0]) ||
	    !strcmp(name, "host") || !strcmp(name, "control"))
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* A limit is 0 (the default) or within the UAPI header's bounds. */
static bool bindox_limit_ok(u64 value, u64 min, u64 max)
{
	return !value || (value >= min && value <= max);
}

/* Check and convert what a config asks for; the lock is held. */
static int bindox_domain_config_check(const struct bindox_domain_config *cfg,
				      kuid_t *uid, kgid_t *gid)
{
	const struct bindox_domain_limits *l = &cfg->limits;

	lockdep_assert_held(&bindox_domains_lock);
	*uid = make_kuid(&init_user_ns, cfg->uid);
	*gid = make_kgid(&init_user_ns, cfg->gid);
	if (!uid_valid(*uid) || !gid_valid(*gid) || cfg->flags ||
	    cfg->reserved || (cfg->mode & ~BINDOX_DOMAIN_MODE_ALLOWED))
		return -EINVAL;
	if (!bindox_limit_ok(l->max_connections, BINDOX_DOMAIN_CONNECTIONS_MIN,
			     BINDOX_DOMAIN_CONNECTIONS_MAX) ||
	    !bindox_limit_ok(l->max_handles, BINDOX_DOMAIN_HANDLES_MIN,
			     BINDOX_DOMAIN_HANDLES_MAX) ||
	    !bindox_limit_ok(l->max_nodes, BINDOX_DOMAIN_NODES_MIN,
			     BINDOX_DOMAIN_NODES_MAX) ||
	    !bindox_limit_ok(l->max_calls, BINDOX_DOMAIN_CALLS_MIN,
			     BINDOX_DOMAIN_CALLS_MAX) ||
	    !bindox_limit_ok(l->max_oneway, BINDOX_DOMAIN_ONEWAY_MIN,
			     BINDOX_DOMAIN_ONEWAY_MAX) ||
	    !bindox_limit_ok(l->max_oneway_bytes, BINDOX_DOMAIN_ONEWAY_BYTES_MIN,
			     BINDOX_DOMAIN_ONEWAY_BYTES_MAX) ||
	    !bindox_limit_ok(l->max_buffer_bytes, BINDOX_DOMAIN_BUFFER_BYTES_MIN,
			     BINDOX_DOMAIN_BUFFER_BYTES_MAX))
		return -EINVAL;
	return 0;
}

static void bindox_domain_config_set(struct bindox_domain *d,
				     const struct bindox_domain_config *cfg,
				     kuid_t uid, kgid_t gid)
{
	WRITE_ONCE(d->uid, uid);
	WRITE_ONCE(d->gid, gid);
	WRITE_ONCE(d->mode, cfg->mode);
	WRITE_ONCE(d->limits.max_connections, cfg->limits.max_connections);
	WRITE_ONCE(d->limits.max_handles, cfg->limits.max_handles);
	WRITE_ONCE(d->limits.max_nodes, cfg->limits.max_nodes);
	WRITE_ONCE(d->limits.max_calls, cfg->limits.max_calls);
	WRITE_ONCE(d->limits.max_oneway, cfg->limits.max_oneway);
	WRITE_ONCE(d->limits.max_oneway_bytes, cfg->limits.max_oneway_bytes);
	WRITE_ONCE(d->limits.max_buffer_bytes, cfg->limits.max_buffer_bytes);
}

static struct bindox_domain *bindox_domain_find(const char *name)
{
	struct bindox_domain *d;

	lockdep_assert_held(&bindox_domains_lock);
	list_for_each_entry(d, &bindox_domains, entry)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

/* Create, name and publish a domain's device; the lock is held. */
static struct bindox_domain *bindox_domain_create(u32 id, const char *name,
						  bool is_host)
{
	struct bindox_domain *d;

	lockdep_assert_held(&bindox_domains_lock);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->id = id;
	d->is_host = is_host;
	strscpy(d->name, name, sizeof(d->name));
	atomic64_set(&d->buffer_bytes, 0);
	device_initialize(&d->dev);
	d->dev.class = &bindox_class;
	d->dev.type = &bindox_domain_type;
	d->dev.devt = MKDEV(MAJOR(bindox_devt), id);
	/* The device's file operations, from above: a domain installs them. */
	cdev_init(&d->cdev, &bindox_fops);
	d->cdev.owner = THIS_MODULE;
	return d;
}

static int bindox_domain_publish(struct bindox_domain *d)
{
	int err;

	err = dev_set_name(&d->dev, d->is_host ? "bindox" : "bindox-%s",
			   d->name);
	if (!err)
		err = cdev_device_add(&d->cdev, &d->dev);
	if (err)
		return err;
	list_add_tail(&d->entry, &bindox_domains);
	return 0;
}

/**
 * bindox_domain_add() - BINDOX_CTL_DOMAIN_ADD
 * @cfg:	the configuration (name, owner, mode, limits), checked here
 *
 * Return: the domain (the list's reference, valid while listed), or an
 * ERR_PTR: -EINVAL, -EEXIST, -ENOSPC, -ENOMEM.
 */
struct bindox_domain *bindox_domain_add(const struct bindox_domain_config *cfg)
{
	struct bindox_domain *d;
	kuid_t uid;
	kgid_t gid;
	int id, err;

	if (!bindox_domain_name_valid(cfg->name, sizeof(cfg->name)))
		return ERR_PTR(-EINVAL);
	mutex_lock(&bindox_domains_lock);
	err = bindox_domain_config_check(cfg, &uid, &gid);
	if (!err && bindox_domain_find(cfg->name))
		err = -EEXIST;
	if (err)
		goto out;
	id = ida_alloc_range(&bindox_domain_ids, 1, BINDOX_MAX_DOMAINS,
			     GFP_KERNEL);
	if (id < 0) {
		err = id == -ENOSPC ? -ENOSPC : id;
		goto out;
	}
	d = bindox_domain_create(id, cfg->name, false);
	if (IS_ERR(d)) {
		ida_free(&bindox_domain_ids, id);
		err = PTR_ERR(d);
		goto out;
	}
	bindox_domain_config_set(d, cfg, uid, gid);
	err = bindox_domain_publish(d);
	if (err)
		put_device(&d->dev);	/* frees the id too */
out:
	mutex_unlock(&bindox_domains_lock);
	return err ? ERR_PTR(err) : d;
}

/* Take a domain off the list and its node away; the lock is held. */
static void bindox_domain_unpublish(struct bindox_domain *d)
{
	lockdep_assert_held(&bindox_domains_lock);
	WRITE_ONCE(d->removed, true);
	list_del_init(&d->entry);
	cdev_device_del(&d->cdev, &d->dev);
}

/**
 * bindox_domain_remove() - BINDOX_CTL_DOMAIN_REMOVE: take a domain away
 * @name:	the domain's name
 * @force:	remove it even while files of it are open
 *
 * No file can open the domain afterwards; with @force the caller then ends
 * the ones that did (bindox_procs_kill_domain()).
 *
 * Return: the domain, with the list's reference for the caller to drop;
 * or -ENOENT, -EINVAL for "host" or a bad name, -EBUSY while a file of it
 * is open and @force is not set.
 */
struct bindox_domain *bindox_domain_remove(const char *name, bool force)
{
	struct bindox_domain *d;
	int err = 0;

	if (!strcmp(name, "host"))
		return ERR_PTR(-EINVAL);
	mutex_lock(&bindox_domains_lock);
	d = bindox_domain_find(name);
	if (!d)
		err = -ENOENT;
	else if (!force && atomic_read(&d->connections))
		err = -EBUSY;
	else
		bindox_domain_unpublish(d);
	mutex_unlock(&bindox_domains_lock);
	return err ? ERR_PTR(err) : d;
}

/**
 * bindox_domain_update() - BINDOX_CTL_DOMAIN_UPDATE
 * @cfg:	the new owner, mode and limits of the domain @cfg->name
 *
 * The node's owner and mode follow (a change uevent tells udev).
 *
 * Return: 0, -ENOENT, -EINVAL.
 */
int bindox_domain_update(const struct bindox_domain_config *cfg)
{
	struct bindox_domain *d;
	kuid_t uid;
	kgid_t gid;
	int err;

	mutex_lock(&bindox_domains_lock);
	err = bindox_domain_config_check(cfg, &uid, &gid);
	d = err ? NULL : bindox_domain_find(cfg->name);
	if (!err && (!d || d->is_host))
		err = d ? -EINVAL : -ENOENT;
	if (!err) {
		bindox_domain_config_set(d, cfg, uid, gid);
		kobject_uevent(&d->dev.kobj, KOBJ_CHANGE);
	}
	mutex_unlock(&bindox_domains_lock);
	return err;
}

static void bindox_domain_describe(const struct bindox_domain *d,
				   struct bindox_domain_config *cfg)
{
	struct bindox_domain_limits *l = &cfg->limits;

	memset(cfg, 0, sizeof(*cfg));
	strscpy(cfg->name, d->name, sizeof(cfg->name));
	cfg->uid = from_kuid_munged(&init_user_ns, d->uid);
	cfg->gid = from_kgid_munged(&init_user_ns, d->gid);
	cfg->mode = d->mode;
	cfg->id = d->id;
	cfg->minor = MINOR(d->dev.devt);
	l->max_connections = bindox_domain_limit(d, BINDOX_LIMIT_CONNECTIONS);
	l->max_handles = bindox_domain_limit(d, BINDOX_LIMIT_HANDLES);
	l->max_nodes = bindox_domain_limit(d, BINDOX_LIMIT_NODES);
	l->max_calls = bindox_domain_limit(d, BINDOX_LIMIT_CALLS);
	l->max_oneway = bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY);
	l->max_oneway_bytes = bindox_domain_limit(d, BINDOX_LIMIT_ONEWAY_BYTES);
	l->max_buffer_bytes = bindox_domain_limit(d, BINDOX_LIMIT_BUFFER_BYTES);
	cfg->connections = atomic_read(&d->connections);
	cfg->nodes = atomic_read(&d->nodes);
	cfg->calls = atomic_read(&d->calls);
	cfg->buffer_bytes = atomic64_read(&d->buffer_bytes);
}

/**
 * bindox_domain_info() - BINDOX_CTL_DOMAIN_INFO
 * @cfg:	in: a name, or an empty name and the smallest id wanted;
 *		out: that domain's configuration and counts
 *
 * Return: 0, -ENOENT, -EINVAL for a name that is not terminated.
 */
int bindox_domain_info(struct bindox_domain_config *cfg)
{
	struct bindox_domain *d, *found = NULL;
	u32 from = cfg->id;

	if (strnlen(cfg->name, sizeof(cfg->name)) == sizeof(cfg->name))
		return -EINVAL;
	mutex_lock(&bindox_domains_lock);
	list_for_each_entry(d, &bindox_domains, entry) {
		if (cfg->name[0] ? !strcmp(d->name, cfg->name) :
		    d->id >= from && (!found || d->id < found->id))
			found = d;
	}
	if (found)
		bindox_domain_describe(found, cfg);
	mutex_unlock(&bindox_domains_lock);
	return found ? 0 : -ENOENT;
}

/* ---- opening ---- */

/**
 * bindox_domain_open() - count a new open file of a domain
 * @domain:	the domain whose node was opened
 *
 * Return: 0; -ENODEV once removed (an old inode can still lead here);
 * -EMFILE at its connection limit.
 */
int bindox_domain_open(struct bindox_domain *domain)
{
	int err = 0;

	mutex_lock(&bindox_domains_lock);
	if (domain->removed)
		err = -ENODEV;
	else if (atomic_read(&domain->connections) >=
		 bindox_domain_limit(domain, BINDOX_LIMIT_CONNECTIONS))
		err = -EMFILE;
	else
		atomic_inc(&domain->connections);
	mutex_unlock(&bindox_domains_lock);
	return err;
}

/**
 * bindox_domain_close() - an open file of a domain was released
 * @domain:	the domain
 */
void bindox_domain_close(struct bindox_domain *domain)
{
	atomic_dec(&domain->connections);
}

/* ---- module load and unload ---- */

/**
 * bindox_domains_init() - the device region, the class and the host domain
 *
 * Return: 0 or a negative errno.
 */
int bindox_domains_init(void)
{
	struct bindox_domain *host;
	int err;

	err = alloc_chrdev_region(&bindox_devt, 0, BINDOX_MAX_DOMAINS + 1,
				  "bindox");
	if (err)
		return err;
	err = class_register(&bindox_class);
	if (err)
		goto region;
	mutex_lock(&bindox_domains_lock);
	host = bindox_domain_create(0, "host", true);
	err = PTR_ERR_OR_ZERO(host);
	if (!err) {
		/* Root only; udev may widen it to the group "bindox". */
		host->uid = GLOBAL_ROOT_UID;
		host->gid = GLOBAL_ROOT_GID;
		host->mode = 0600;
		err = bindox_domain_publish(host);
		if (err)
			put_device(&host->dev);
	}
	mutex_unlock(&bindox_domains_lock);
	if (err)
		goto class;
	return 0;
class:
	class_unregister(&bindox_class);
region:
	unregister_chrdev_region(bindox_devt, BINDOX_MAX_DOMAINS + 1);
	return err;
}

/**
 * bindox_domains_exit() - remove every domain left, then the class
 *
 * No file is open any more (each pins the module).
 */
void bindox_domains_exit(void)
{
	struct bindox_domain *d;

	mutex_lock(&bindox_domains_lock);
	while ((d = list_first_entry_or_null(&bindox_domains,
					     struct bindox_domain, entry))) {
		bindox_domain_unpublish(d);
		put_device(&d->dev);
	}
	mutex_unlock(&bindox_domains_lock);
	class_unregister(&bindox_class);
	unregister_chrdev_region(bindox_devt, BINDOX_MAX_DOMAINS + 1);
	ida_destroy(&bindox_domain_ids);
}
