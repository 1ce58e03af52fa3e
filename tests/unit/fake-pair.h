/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The usual fixture of the fake-driver tests: a fresh fake driver, a
 * connection that is the Coordinator (the "server") and a client
 * connection. For Check's checked fixtures.
 */

#include <check.h>
#include <bindox/bindox.h>
#include "fake-driver.h"

static inline void fake_pair_open(BindoxConn **server, BindoxConn **client)
{
	fake_driver_reset();
	ck_assert_int_eq(bindox_conn_open("/dev/null", server), 0);
	ck_assert_int_eq(bindox_conn_open("/dev/null", client), 0);
	ck_assert_int_eq(bindox_conn_become_coordinator(*server), 0);
}

static inline void fake_pair_close(BindoxConn **server, BindoxConn **client)
{
	fake_driver_reset();
	*server = bindox_conn_close(*server);
	*client = bindox_conn_close(*client);
}

/* A new empty message, asserted. */
static inline BindoxMsg *fake_msg_new_ck(void)
{
	BindoxMsg *m = NULL;

	ck_assert_int_eq(bindox_msg_new(&m), 0);
	return m;
}
