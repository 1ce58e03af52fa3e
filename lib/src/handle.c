/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Handle release and death (un)subscription.
 */

#include <errno.h>
#include <linux/bindox.h>
#include <bindox/handle.h>
#include <bindox/msg.h>
#include "conn-private.h"

int bindox_handle_release(BindoxConn *c, uint32_t handle)
{
	struct bindox_handle_args args = { .handle = handle };

	if (!c)
		return -EINVAL;
	return bindox_conn_ioctl(c->fd, BINDOX_IOC_HANDLE_RELEASE, &args);
}

int bindox_msg_release_handles(BindoxConn *c, const BindoxMsg *m)
{
	struct bindox_object obj;
	size_t i;

	if (!c || !m)
		return -EINVAL;
	for (i = 0; i < bindox_msg_get_n_objects(m); i++)
		if (bindox_msg_get_object(m, i, &obj, NULL) >= 0 &&
		    obj.type == BINDOX_OBJ_HANDLE && obj.value <= UINT32_MAX)
			(void)bindox_handle_release(c, (uint32_t)obj.value);
	return 0;
}

static int death_ioctl(BindoxConn *c, unsigned long request, uint32_t handle, uint64_t cookie)
{
	struct bindox_death_args args = { .handle = handle, .cookie = cookie };

	if (!c)
		return -EINVAL;
	return bindox_conn_ioctl(c->fd, request, &args);
}

int bindox_death_subscribe(BindoxConn *c, uint32_t handle, uint64_t cookie)
{
	return death_ioctl(c, BINDOX_IOC_DEATH_SUBSCRIBE, handle, cookie);
}

int bindox_death_unsubscribe(BindoxConn *c, uint32_t handle, uint64_t cookie)
{
	return death_ioctl(c, BINDOX_IOC_DEATH_UNSUBSCRIBE, handle, cookie);
}
