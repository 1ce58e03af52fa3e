/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The registry of the test coordinator (a test helper, not bindoxd): service
 * name -> the coordinator's handle to the service's node, served through a
 * BindoxServer handler. Shared by bindox-test-coordinator (the program) and
 * the unit tests (which run it against the fake driver).
 *
 * - REGISTER: keeps the received handle; a taken name gives -EEXIST (and
 *   the handle is released). The coordinator subscribes to the node's death
 *   (once per handle).
 * - LOOKUP: replies with the handle; -ENOENT for unknown names.
 * - UNREGISTER: only from the registrant's domain and euid, or root in that
 *   domain (else -EPERM); -ENOENT for unknown names.
 * - BINDOX_MSG_DEATH: drops every name of the dead node and releases the
 *   handles.
 * - Malformed requests get -EBADMSG (handles they carry are released).
 */

#include <stddef.h>
#include <bindox/bindox.h>

typedef struct TestCoordinator TestCoordinator;

int test_coordinator_new(BindoxConn *conn, TestCoordinator **out);
TestCoordinator *test_coordinator_free(TestCoordinator *tc);

/* A BindoxServerHandler; @userdata is the TestCoordinator. */
int test_coordinator_handle(void *userdata, BindoxMsg *request, BindoxMsg *reply);

/* Number of registered names. */
size_t test_coordinator_count(TestCoordinator *tc);
