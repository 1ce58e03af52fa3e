/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The registration keeper of a BindoxServer: the names it registered, and a
 * thread that re-registers them when the Coordinator restarts. See
 * <bindox/server.h>, "Coordinator restarts", for the behaviour.
 */

#include <stdint.h>
#include <bindox/conn.h>

typedef struct ServerKeeper ServerKeeper;

int server_keeper_new(BindoxConn *conn, ServerKeeper **out);

/* Stops the thread if it runs. Names stay registered. Returns NULL. */
ServerKeeper *server_keeper_free(ServerKeeper *k);

/* Register @name for the node @cookie now and remember it. */
int server_keeper_add(ServerKeeper *k, const char *name, uint64_t cookie);

/* Unregister @name and forget it. */
int server_keeper_remove(ServerKeeper *k, const char *name);

/* Start the thread (the caller has blocked signals) / stop and join it. */
int server_keeper_start(ServerKeeper *k);
void server_keeper_stop(ServerKeeper *k);
