/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The checked fixture of the buffer tests (test-buffer.c, test-payload.c),
 * included once by each: a server and a client connection on a fresh fake
 * driver, the client's handle to the server's node 1, no buffer quota.
 */

#include <unistd.h>
#include <bindox/bindox.h>
#include "fake-pair.h"

static BindoxConn *server_conn, *client_conn;
/* The client's handle to a node of the server's. */
static uint32_t server_handle;
static size_t page;

static void setup(void)
{
	server_handle = fake_pair_open_buffers(&server_conn, &client_conn);
	page = (size_t)sysconf(_SC_PAGESIZE);
}

static void teardown(void)
{
	fake_pair_close(&server_conn, &client_conn);
}

#define msg_new fake_msg_new_ck
