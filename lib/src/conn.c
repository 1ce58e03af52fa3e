/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Opening and closing the device, version check, becoming the Coordinator.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/bindox.h>
#include <bindox/payload.h>
#include "conn-private.h"
#include "util.h"

int bindox_conn_open(const char *path, BindoxConn **out)
{
	_cleanup_close_ int fd = -1;
	struct bindox_version version = { 0 };
	BindoxConn *c;
	int r;

	if (!out)
		return -EINVAL;
	if (!path)
		path = BINDOX_DEVICE_DEFAULT;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	r = bindox_conn_ioctl(fd, BINDOX_IOC_VERSION, &version);
	if (r < 0)
		return r;
	if (version.major != BINDOX_VERSION_MAJOR)
		return -EPROTO;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;

	r = pthread_mutex_init(&c->moved_lock, NULL);
	if (r != 0) {
		free(c);
		return -r;
	}
	c->fd = util_steal_fd(&fd);
	c->version_major = version.major;
	c->version_minor = version.minor;
	atomic_init(&c->payload_buffer_min, BINDOX_PAYLOAD_BUFFER_MIN);
	*out = c;
	return 0;
}

BindoxConn *bindox_conn_close(BindoxConn *c)
{
	if (!c)
		return NULL;
	if (c->fd >= 0)
		close(c->fd);
	pthread_mutex_destroy(&c->moved_lock);
	free(c);
	return NULL;
}

int bindox_conn_fd(const BindoxConn *c)
{
	if (!c)
		return -EINVAL;
	return c->fd;
}

int bindox_conn_get_version(const BindoxConn *c, uint32_t *major, uint32_t *minor)
{
	if (!c)
		return -EINVAL;
	if (major)
		*major = c->version_major;
	if (minor)
		*minor = c->version_minor;
	return 0;
}

int bindox_conn_become_coordinator(BindoxConn *c)
{
	__u64 flags = 0;

	if (!c)
		return -EINVAL;
	return bindox_conn_ioctl(c->fd, BINDOX_IOC_SET_COORDINATOR, &flags);
}
