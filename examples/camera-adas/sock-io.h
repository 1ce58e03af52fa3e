/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_SOCK_IO_H
#define CAMERA_ADAS_SOCK_IO_H

#include <stddef.h>

/* Write all @n bytes. Return: 0, -EPIPE, or -errno. */
int sock_write_all(int fd, const void *p, size_t n);
/* Read exactly @n bytes. Return: 0, -ECONNRESET at end of stream, -errno. */
int sock_read_all(int fd, void *p, size_t n);

#endif /* CAMERA_ADAS_SOCK_IO_H */
