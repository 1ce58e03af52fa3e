/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Byte-stream transports (tcp, uds): each side has a private buffer; send()
 * writes all of it to the socket and recv() reads a whole message into it,
 * so every message is copied into the kernel and out again.
 */
#ifndef IPCBENCH_STREAM_H
#define IPCBENCH_STREAM_H

#include "method.h"

/* Take @listen_fd (server) or @conn_fd (client); allocate the buffer. */
int stream_side_new(const MethodParams *p, int listen_fd, int conn_fd, MethodSide **out);

int stream_accept(MethodSide *s);
int stream_fd(const MethodSide *s);
void *stream_buffer(MethodSide *s);
int stream_send(MethodSide *s);
int stream_recv(MethodSide *s);
int stream_finish(MethodSide *s);
void stream_close(MethodSide *s);

#endif
