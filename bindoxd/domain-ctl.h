/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_DOMAIN_CTL_H
#define BINDOXD_DOMAIN_CTL_H

/*
 * The driver's domain control device, /dev/bindox-control
 * (BINDOX_CTL_DOMAIN_* in <linux/bindox.h>), behind a table of operations
 * so that the provisioning decisions can be tested against a fake.
 */

#include <stdint.h>
#include <linux/bindox.h>

#define DOMAIN_CTL_DEFAULT_DEVICE "/dev/bindox-control"

/* Each returns 0 or a negative errno, as the ioctl of its name does. */
typedef struct DomainCtlOps {
	int (*add)(void *data, struct bindox_domain_config *cfg);
	int (*update)(void *data, struct bindox_domain_config *cfg);
	int (*remove)(void *data, const char *name, uint32_t flags);
	/* By name, or with an empty name the domain with the smallest id >= cfg->id. */
	int (*info)(void *data, struct bindox_domain_config *cfg);
} DomainCtlOps;

typedef struct DomainCtl {
	const DomainCtlOps *ops;
	void *data;
} DomainCtl;

/* Opens @path (O_RDWR, O_CLOEXEC); the ioctl operations use the descriptor. */
int domain_ctl_open(const char *path, DomainCtl *out);
void domain_ctl_close(DomainCtl *ctl);

#endif /* BINDOXD_DOMAIN_CTL_H */
