/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Coordinator's answer (bindox_coord_answer): each request reaches the
 * operation it names and the operation's result reaches the client; a
 * malformed request reaches no operation, is refused with EBADMSG and
 * gives back the handles it brought (bindox_msg_release_handles).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <bindox/bindox.h>
#include "fake-pair.h"
#include "msg-private.h"
#include "check-main.h"

#define NR(ioc) (_IOC_NR(ioc))

/* What the operations saw, and what they answer. */
typedef struct Seen {
	unsigned int registers, lookups, unregisters;
	char name[BINDOX_NAME_BUF_SIZE];
	uint32_t handle;
	int status;		/* returned by every operation */
	uint32_t lookup_handle;	/* LOOKUP's answer when status is 0 */
} Seen;

static int seen_register(void *userdata, const BindoxMsg *request, const char *name,
			 uint32_t handle)
{
	Seen *s = userdata;

	s->registers++;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->handle = handle;
	return s->status;
}

static int seen_lookup(void *userdata, const BindoxMsg *request, const char *name,
		       uint32_t *handle)
{
	Seen *s = userdata;

	s->lookups++;
	snprintf(s->name, sizeof(s->name), "%s", name);
	*handle = s->lookup_handle;
	return s->status;
}

static int seen_unregister(void *userdata, const BindoxMsg *request, const char *name)
{
	Seen *s = userdata;

	s->unregisters++;
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s->status;
}

static const BindoxCoordOps seen_ops = {
	.register_service = seen_register,
	.lookup_service = seen_lookup,
	.unregister_service = seen_unregister,
};

static BindoxConn *coord, *client;

static void setup(void)
{
	fake_pair_open(&coord, &client);
}

static void teardown(void)
{
	fake_pair_close(&coord, &client);
}

/* What the driver does to a REGISTER on its way: node -> Coordinator's handle. */
static void msg_node_to_handle(BindoxMsg *m, uint32_t handle)
{
	struct bindox_object obj = { .type = BINDOX_OBJ_HANDLE, .value = handle };

	ck_assert_uint_eq(m->n_offsets, 1);
	memcpy(m->data + m->offsets[0], &obj, sizeof(obj));
}

/* The status in @reply, and its handle if @handle is not NULL. */
static int reply_status_ck(BindoxMsg *reply, uint32_t *handle)
{
	int status = 1;

	ck_assert_int_eq(bindox_coord_reply_parse(reply, &status, handle), 0);
	return status;
}

START_TEST(test_register)
{
	BindoxMsg *req = fake_msg_new_ck(), *reply = fake_msg_new_ck();
	Seen s = { .status = -EEXIST };

	ck_assert_int_eq(bindox_coord_request_build(req, BINDOX_COORD_REGISTER, "svc.a", 5, 1), 0);
	msg_node_to_handle(req, 17);
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &seen_ops, &s), 0);
	ck_assert_uint_eq(s.registers, 1);
	ck_assert_uint_eq(s.lookups + s.unregisters, 0);
	ck_assert_str_eq(s.name, "svc.a");
	ck_assert_uint_eq(s.handle, 17);
	ck_assert_int_eq(reply_status_ck(reply, NULL), -EEXIST);

	s.status = 0;
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &seen_ops, &s), 0);
	ck_assert_int_eq(reply_status_ck(reply, NULL), 0);
	bindox_msg_free(reply);
	bindox_msg_free(req);
}
END_TEST

START_TEST(test_lookup)
{
	BindoxMsg *req = fake_msg_new_ck(), *reply = fake_msg_new_ck();
	Seen s = { .status = 0, .lookup_handle = 23 };
	uint32_t handle = 0;

	ck_assert_int_eq(bindox_coord_request_build(req, BINDOX_COORD_LOOKUP, "svc.b", 5, 0), 0);
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &seen_ops, &s), 0);
	ck_assert_uint_eq(s.lookups, 1);
	ck_assert_uint_eq(s.registers + s.unregisters, 0);
	ck_assert_str_eq(s.name, "svc.b");
	ck_assert_int_eq(reply_status_ck(reply, &handle), 0);
	ck_assert_uint_eq(handle, 23);

	/* A refusal carries no handle, whatever the operation left in it. */
	s.status = -ENOENT;
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &seen_ops, &s), 0);
	ck_assert_uint_eq(bindox_msg_get_n_objects(reply), 0);
	ck_assert_int_eq(reply_status_ck(reply, &handle), -ENOENT);
	bindox_msg_free(reply);
	bindox_msg_free(req);
}
END_TEST

START_TEST(test_unregister)
{
	BindoxMsg *req = fake_msg_new_ck(), *reply = fake_msg_new_ck();
	Seen s = { .status = -EPERM };

	ck_assert_int_eq(bindox_coord_request_build(req, BINDOX_COORD_UNREGISTER, "svc.c", 5, 0), 0);
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &seen_ops, &s), 0);
	ck_assert_uint_eq(s.unregisters, 1);
	ck_assert_uint_eq(s.registers + s.lookups, 0);
	ck_assert_str_eq(s.name, "svc.c");
	ck_assert_int_eq(reply_status_ck(reply, NULL), -EPERM);
	bindox_msg_free(reply);
	bindox_msg_free(req);
}
END_TEST

/* A LOOKUP with a handle after it: malformed, and the handle is ours. */
START_TEST(test_malformed_releases)
{
	BindoxMsg *req = fake_msg_new_ck(), *reply = fake_msg_new_ck();
	unsigned int releases = fake_driver_count_ioctls(NR(BINDOX_IOC_HANDLE_RELEASE));
	Seen s = { 0 };

	ck_assert_int_eq(bindox_coord_request_build(req, BINDOX_COORD_LOOKUP, "svc.d", 5, 0), 0);
	ck_assert_int_eq(bindox_msg_append_handle(req, 9), 0);
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &seen_ops, &s), 0);
	ck_assert_uint_eq(s.registers + s.lookups + s.unregisters, 0);
	ck_assert_int_eq(reply_status_ck(reply, NULL), -EBADMSG);
	ck_assert_uint_eq(fake_driver_count_ioctls(NR(BINDOX_IOC_HANDLE_RELEASE)) - releases, 1);
	bindox_msg_free(reply);
	bindox_msg_free(req);
}
END_TEST

/* The allowed twin: a well-formed REGISTER's handle goes to the operation. */
START_TEST(test_wellformed_keeps)
{
	BindoxMsg *req = fake_msg_new_ck(), *reply = fake_msg_new_ck();
	unsigned int releases = fake_driver_count_ioctls(NR(BINDOX_IOC_HANDLE_RELEASE));
	Seen s = { 0 };

	ck_assert_int_eq(bindox_coord_request_build(req, BINDOX_COORD_REGISTER, "svc.e", 5, 1), 0);
	msg_node_to_handle(req, 9);
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &seen_ops, &s), 0);
	ck_assert_uint_eq(s.registers, 1);
	ck_assert_uint_eq(fake_driver_count_ioctls(NR(BINDOX_IOC_HANDLE_RELEASE)), releases);
	bindox_msg_free(reply);
	bindox_msg_free(req);
}
END_TEST

/* Handles only: the node and the data around them are left alone. */
START_TEST(test_release_handles)
{
	BindoxMsg *m = fake_msg_new_ck();
	unsigned int releases = fake_driver_count_ioctls(NR(BINDOX_IOC_HANDLE_RELEASE));

	ck_assert_int_eq(bindox_msg_append_u32(m, 7), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 3), 0);
	ck_assert_int_eq(bindox_msg_append_node(m, 0x55), 0);
	ck_assert_int_eq(bindox_msg_append_handle(m, 4), 0);
	ck_assert_int_eq(bindox_msg_release_handles(coord, m), 0);
	ck_assert_uint_eq(fake_driver_count_ioctls(NR(BINDOX_IOC_HANDLE_RELEASE)) - releases, 2);

	ck_assert_int_eq(bindox_msg_release_handles(NULL, m), -EINVAL);
	ck_assert_int_eq(bindox_msg_release_handles(coord, NULL), -EINVAL);
	ck_assert_uint_eq(fake_driver_count_ioctls(NR(BINDOX_IOC_HANDLE_RELEASE)) - releases, 2);
	bindox_msg_free(m);
}
END_TEST

START_TEST(test_bad_arguments)
{
	BindoxMsg *req = fake_msg_new_ck(), *reply = fake_msg_new_ck();
	BindoxCoordOps partial = seen_ops;
	Seen s = { 0 };

	ck_assert_int_eq(bindox_coord_request_build(req, BINDOX_COORD_LOOKUP, "svc.f", 5, 0), 0);
	ck_assert_int_eq(bindox_coord_answer(NULL, req, reply, &seen_ops, &s), -EINVAL);
	ck_assert_int_eq(bindox_coord_answer(coord, NULL, reply, &seen_ops, &s), -EINVAL);
	ck_assert_int_eq(bindox_coord_answer(coord, req, NULL, &seen_ops, &s), -EINVAL);
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, NULL, &s), -EINVAL);
	partial.unregister_service = NULL;
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &partial, &s), -EINVAL);
	ck_assert_uint_eq(s.registers + s.lookups + s.unregisters, 0);

	/* An operation's answer must be 0 or a negative errno. */
	s.status = 5;
	ck_assert_int_eq(bindox_coord_answer(coord, req, reply, &seen_ops, &s), -EINVAL);
	bindox_msg_free(reply);
	bindox_msg_free(req);
}
END_TEST

static Suite *coord_answer_suite(void)
{
	Suite *suite = suite_create("coord-answer");
	TCase *tc = tcase_create("answer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_register);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_unregister);
	tcase_add_test(tc, test_malformed_releases);
	tcase_add_test(tc, test_wellformed_keeps);
	tcase_add_test(tc, test_release_handles);
	tcase_add_test(tc, test_bad_arguments);
	suite_add_tcase(suite, tc);
	return suite;
}

TEST_MAIN(coord_answer_suite)
