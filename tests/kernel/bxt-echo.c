/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A raw echo server on one fd, in a thread; see bxt.h.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bxt.h"

static void echo_fail(BxtEcho *e, int r)
{
	int expected = 0;

	atomic_compare_exchange_strong(&e->error, &expected, r);
}

/* Release the handles a received request brought (after answering it). */
static void echo_release(BxtEcho *e, const BxtBuf *b)
{
	uint32_t i;

	for (i = 0; i < b->n; i++) {
		struct bindox_object o = bxt_buf_obj_at(b, i);

		if (o.type == BINDOX_OBJ_HANDLE && bxt_release(e->fd, (uint32_t)o.value) < 0)
			echo_fail(e, -EBADMSG);
	}
}

static void *echo_thread(void *arg)
{
	BxtEcho *e = arg;
	BxtBuf *bufs = NULL;
	void *data[2] = { NULL, NULL };
	uint64_t *offs[2] = { NULL, NULL };
	BxtBuf *cur, *prev;
	uint64_t id = 0;
	int i, r;

	bufs = calloc(2, sizeof(*bufs));
	for (i = 0; i < 2 && bufs; i++) {
		data[i] = malloc(BINDOX_MAX_DATA_SIZE);
		offs[i] = malloc(BINDOX_MAX_OBJECTS * sizeof(uint64_t));
		if (!data[i] || !offs[i])
			break;
		bxt_buf_init_ext(&bufs[i], data[i], BINDOX_MAX_DATA_SIZE, offs[i],
				 BINDOX_MAX_OBJECTS);
	}
	if (!bufs || i < 2) {
		echo_fail(e, -ENOMEM);
		goto out;
	}
	cur = &bufs[0];
	prev = &bufs[1];
	prev->n = 0;

	for (;;) {
		struct bindox_message m;
		bool stopping = atomic_load(&e->stop);
		BxtBuf *t;

		if (stopping && id == 0)
			break;
		/* Answer the previous call (prev) with its own content, receive into cur. */
		bxt_buf_init_ext(cur, cur->data, BINDOX_MAX_DATA_SIZE, cur->offs,
				 BINDOX_MAX_OBJECTS);
		r = bxt_reply_recv(e->fd, &id, id ? prev : NULL, cur, &m,
				   stopping ? 0 : 100 * BXT_MS);
		if (r < 0 && id != 0) {
			/* The reply was refused: answer with an empty one instead. */
			atomic_fetch_add(&e->reply_errors, 1);
			if (prev->size == 0 && prev->n == 0) {
				echo_fail(e, r);
				break;
			}
			echo_release(e, prev);
			bxt_buf_clear(prev);
			continue;
		}
		/* The reply (if any) went out: drop what its request brought. */
		echo_release(e, prev);
		prev->n = 0;
		if (r == -ETIMEDOUT || r == -EAGAIN)
			continue;
		if (r < 0) {
			echo_fail(e, r);
			break;
		}
		if (m.type == BINDOX_MSG_CALL) {
			pthread_mutex_lock(&e->lock);
			e->last_cookie = m.cookie;
			e->last_creds.pid = m.sender_pid;
			e->last_creds.euid = m.sender_euid;
			e->last_creds.egid = m.sender_egid;
			e->last_creds.domain = m.sender_domain;
			pthread_mutex_unlock(&e->lock);
			atomic_fetch_add(&e->calls, 1);
			id = m.id;
			t = prev;
			prev = cur;
			cur = t;
		} else if (m.type == BINDOX_MSG_ONEWAY) {
			atomic_fetch_add(&e->oneways, 1);
			echo_release(e, cur);
		}
	}
out:
	for (i = 0; i < 2; i++) {
		free(data[i]);
		free(offs[i]);
	}
	free(bufs);
	return NULL;
}

void bxt_echo_start_ck(BxtEcho *e, int fd)
{
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	atomic_init(&e->stop, false);
	pthread_mutex_init(&e->lock, NULL);
	ck_assert_int_eq(pthread_create(&e->thread, NULL, echo_thread, e), 0);
}

void bxt_echo_stop_ck(BxtEcho *e)
{
	int err;

	atomic_store(&e->stop, true);
	ck_assert_msg(bxt_join(e->thread, BXT_LONG_MS, NULL) == 0, "echo server hangs");
	err = atomic_load(&e->error);
	ck_assert_msg(err == 0, "echo server failed: %s", bxt_errname(err));
	ck_assert_msg(atomic_load(&e->reply_errors) == 0,
		      "the driver refused %u of the echo server's replies",
		      atomic_load(&e->reply_errors));
	pthread_mutex_destroy(&e->lock);
}
