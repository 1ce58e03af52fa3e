/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UNIX stream sockets by path, and descriptor passing (SCM_RIGHTS). */
#ifndef IPCBENCH_UNIXSOCK_H
#define IPCBENCH_UNIXSOCK_H

#include <stddef.h>

/* A listening (backlog 1) or connected socket, or a negative errno. */
int uds_listen_path(const char *path);
int uds_connect_path(const char *path);

/* One message of exactly @size bytes with one descriptor. */
int unix_send_fd(int sock, const void *data, size_t size, int fd);
/* 1 with *@fd_out set, 0 at end of file, or a negative errno. */
int unix_recv_fd(int sock, void *data, size_t size, int *fd_out);

#endif
