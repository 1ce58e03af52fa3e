/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The connection object and the one place where libbindox talks to the
 * driver. bindox_conn_ioctl() is implemented in ioctl-linux.c for the real
 * library; the unit tests link a fake driver in its place.
 */

#include <stdint.h>
#include <bindox/conn.h>

struct BindoxConn {
	int fd;
	uint32_t version_major;
	uint32_t version_minor;
};

/**
 * bindox_conn_ioctl() - issue one ioctl on the connection's descriptor
 * @fd:		file descriptor
 * @request:	BINDOX_IOC_*
 * @arg:	its argument
 *
 * Never restarts on EINTR.
 *
 * Return: 0 on success, the negative errno otherwise.
 */
int bindox_conn_ioctl(int fd, unsigned long request, void *arg);
