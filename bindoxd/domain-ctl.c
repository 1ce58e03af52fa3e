/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control device's ioctls; see domain-ctl.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "domain-ctl.h"

static int ctl_fd(void *data)
{
	return (int)(intptr_t)data;
}

static int ctl_ioctl(void *data, unsigned long request, void *arg)
{
	int r;

	do
		r = ioctl(ctl_fd(data), request, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int ctl_add(void *data, struct bindox_domain_config *cfg)
{
	return ctl_ioctl(data, BINDOX_CTL_DOMAIN_ADD, cfg);
}

static int ctl_update(void *data, struct bindox_domain_config *cfg)
{
	return ctl_ioctl(data, BINDOX_CTL_DOMAIN_UPDATE, cfg);
}

static int ctl_remove(void *data, const char *name, uint32_t flags)
{
	struct bindox_domain_remove args = { .flags = flags };

	if (strlen(name) >= sizeof(args.name))
		return -EINVAL;
	strcpy(args.name, name);
	return ctl_ioctl(data, BINDOX_CTL_DOMAIN_REMOVE, &args);
}

static int ctl_info(void *data, struct bindox_domain_config *cfg)
{
	return ctl_ioctl(data, BINDOX_CTL_DOMAIN_INFO, cfg);
}

static const DomainCtlOps domain_ctl_ioctl_ops = {
	.add = ctl_add,
	.update = ctl_update,
	.remove = ctl_remove,
	.info = ctl_info,
};

int domain_ctl_open(const char *path, DomainCtl *out)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	out->ops = &domain_ctl_ioctl_ops;
	out->data = (void *)(intptr_t)fd;
	return 0;
}

void domain_ctl_close(DomainCtl *ctl)
{
	if (ctl->ops == &domain_ctl_ioctl_ops)
		close(ctl_fd(ctl->data));
	ctl->ops = NULL;
	ctl->data = NULL;
}
