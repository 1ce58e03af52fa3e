/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Registry of the test coordinator; see coordinator-registry.h.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coordinator-registry.h"

typedef struct Entry {
	char name[BINDOX_NAME_BUF_SIZE];
	uint32_t handle;
	uint64_t death_cookie;
	BindoxCreds owner;
} Entry;

struct TestCoordinator {
	BindoxConn *conn;
	pthread_mutex_t lock;
	Entry *entries;
	size_t n_entries;
	size_t cap_entries;
	uint64_t next_cookie;
};

int test_coordinator_new(BindoxConn *conn, TestCoordinator **out)
{
	TestCoordinator *tc;

	if (!conn || !out)
		return -EINVAL;
	tc = calloc(1, sizeof(*tc));
	if (!tc)
		return -ENOMEM;
	tc->conn = conn;
	tc->next_cookie = 1;
	pthread_mutex_init(&tc->lock, NULL);
	*out = tc;
	return 0;
}

TestCoordinator *test_coordinator_free(TestCoordinator *tc)
{
	size_t i;

	if (!tc)
		return NULL;
	for (i = 0; i < tc->n_entries; i++)
		(void)bindox_handle_release(tc->conn, tc->entries[i].handle);
	pthread_mutex_destroy(&tc->lock);
	free(tc->entries);
	free(tc);
	return NULL;
}

size_t test_coordinator_count(TestCoordinator *tc)
{
	size_t n;

	pthread_mutex_lock(&tc->lock);
	n = tc->n_entries;
	pthread_mutex_unlock(&tc->lock);
	return n;
}

static Entry *registry_find_name(TestCoordinator *tc, const char *name)
{
	size_t i;

	for (i = 0; i < tc->n_entries; i++)
		if (strcmp(tc->entries[i].name, name) == 0)
			return &tc->entries[i];
	return NULL;
}

static Entry *registry_find_handle(TestCoordinator *tc, uint32_t handle, const Entry *except)
{
	size_t i;

	for (i = 0; i < tc->n_entries; i++)
		if (tc->entries[i].handle == handle && &tc->entries[i] != except)
			return &tc->entries[i];
	return NULL;
}

/* Remove @e (order is not kept) and release its reference. */
static void registry_remove(TestCoordinator *tc, Entry *e)
{
	(void)bindox_handle_release(tc->conn, e->handle);
	*e = tc->entries[--tc->n_entries];
}

static int registry_register(TestCoordinator *tc, const char *name, uint32_t handle,
			     const BindoxCreds *creds)
{
	Entry *other, *e;
	uint64_t cookie;
	int r;

	if (registry_find_name(tc, name)) {
		(void)bindox_handle_release(tc->conn, handle);
		return -EEXIST;
	}

	if (tc->n_entries == tc->cap_entries) {
		size_t cap = tc->cap_entries ? tc->cap_entries * 2 : 16;
		Entry *p = realloc(tc->entries, cap * sizeof(*p));

		if (!p) {
			(void)bindox_handle_release(tc->conn, handle);
			return -ENOMEM;
		}
		tc->entries = p;
		tc->cap_entries = cap;
	}

	/* One death subscription per handle, shared by all its names. */
	other = registry_find_handle(tc, handle, NULL);
	if (other) {
		cookie = other->death_cookie;
	} else {
		cookie = tc->next_cookie++;
		r = bindox_death_subscribe(tc->conn, handle, cookie);
		if (r < 0) {
			(void)bindox_handle_release(tc->conn, handle);
			return r;
		}
	}

	e = &tc->entries[tc->n_entries++];
	memset(e, 0, sizeof(*e));
	strcpy(e->name, name);
	e->handle = handle;
	e->death_cookie = cookie;
	e->owner = *creds;
	return 0;
}

static int registry_unregister(TestCoordinator *tc, const char *name, const BindoxCreds *creds)
{
	Entry *e = registry_find_name(tc, name);

	if (!e)
		return -ENOENT;
	if (creds->domain != e->owner.domain ||
	    (creds->euid != e->owner.euid && creds->euid != 0))
		return -EPERM;

	if (!registry_find_handle(tc, e->handle, e))
		(void)bindox_death_unsubscribe(tc->conn, e->handle, e->death_cookie);
	registry_remove(tc, e);
	return 0;
}

static void registry_death(TestCoordinator *tc, uint64_t cookie)
{
	size_t i = 0;

	/* The subscription ended with the death: nothing to unsubscribe. */
	while (i < tc->n_entries) {
		if (tc->entries[i].death_cookie == cookie)
			registry_remove(tc, &tc->entries[i]);
		else
			i++;
	}
}

/* The three operations of bindox_coord_answer(), on the registry. */
static int coordinator_register(void *userdata, const BindoxMsg *request, const char *name,
				uint32_t handle)
{
	BindoxCreds creds;

	(void)bindox_msg_get_creds(request, &creds);
	return registry_register(userdata, name, handle, &creds);
}

static int coordinator_lookup(void *userdata, const BindoxMsg *request, const char *name,
			      uint32_t *handle)
{
	Entry *e = registry_find_name(userdata, name);

	if (!e)
		return -ENOENT;
	*handle = e->handle;
	return 0;
}

static int coordinator_unregister(void *userdata, const BindoxMsg *request, const char *name)
{
	BindoxCreds creds;

	(void)bindox_msg_get_creds(request, &creds);
	return registry_unregister(userdata, name, &creds);
}

static const BindoxCoordOps coordinator_ops = {
	.register_service = coordinator_register,
	.lookup_service = coordinator_lookup,
	.unregister_service = coordinator_unregister,
};

int test_coordinator_handle(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	TestCoordinator *tc = userdata;
	int r = 0;

	pthread_mutex_lock(&tc->lock);
	switch (bindox_msg_get_type(request)) {
	case BINDOX_MSG_CALL:
		r = bindox_coord_answer(tc->conn, request, reply, &coordinator_ops, tc);
		break;
	case BINDOX_MSG_DEATH:
		registry_death(tc, bindox_msg_get_cookie(request));
		break;
	default:
		(void)bindox_msg_release_handles(tc->conn, request);
		break;
	}
	pthread_mutex_unlock(&tc->lock);
	return r;
}
