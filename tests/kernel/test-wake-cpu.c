/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which receiver a call wakes: of a server's waiting threads, the one that
 * last ran on the caller's CPU, so that a pool's threads do not move
 * between CPUs with every call. Needs two CPUs (the test VM has two).
 */

#include <unistd.h>
#include "bxt.h"

#define COOKIE 0xC9ULL
#define CALLS 20

typedef struct Receiver {
	int fd;
	int cpu;
	int result;
} Receiver;

/* On its CPU, answers each call with that CPU until a one-way "stop". */
static void *receiver_thread(void *arg)
{
	Receiver *r = arg;
	struct bindox_message m;
	BxtBuf in, out;
	uint64_t id = 0;

	r->result = bxt_pin_cpu(r->cpu);
	if (r->result)
		return NULL;
	bxt_buf_init(&out);
	bxt_buf_u64(&out, (uint64_t)r->cpu);
	for (;;) {
		/* As a server does: the answer and the next wait in one. */
		bxt_buf_init(&in);
		r->result = bxt_reply_recv(r->fd, &id, &out, &in, &m, -1);
		if (r->result || m.type == BINDOX_MSG_ONEWAY)
			return NULL;
		id = m.id;
	}
}

/* CALLS calls from @cpu, each once both receivers wait: who answered. */
static void count_answers_ck(BxtEnv *e, int cpu, int answers[2])
{
	BxtBuf req, rep;

	BXT_OK(bxt_pin_cpu(cpu));
	answers[0] = answers[1] = 0;
	for (int i = 0; i < CALLS; i++) {
		bxt_sleep_ms(30);
		bxt_buf_init(&req);
		bxt_buf_init(&rep);
		bxt_buf_str(&req, "which?");
		BXT_OK(bxt_call(e->cli, e->h, &req, &rep, NULL, BXT_LONG_NS));
		answers[bxt_buf_u64_at(&rep, 0) ? 1 : 0]++;
	}
}

START_TEST(call_wakes_receiver_of_its_cpu)
{
	Receiver r[2] = { { .cpu = 0 }, { .cpu = 1 } };
	pthread_t t[2];
	int answers[2];
	BxtBuf stop;
	BxtEnv e;

	ck_assert_msg(sysconf(_SC_NPROCESSORS_ONLN) >= 2, "needs two CPUs");
	bxt_env_up_ck(&e, COOKIE);
	for (int i = 0; i < 2; i++) {
		r[i].fd = e.srv;
		ck_assert_int_eq(pthread_create(&t[i], NULL, receiver_thread, &r[i]), 0);
	}
	/* FIFO would alternate: each answer puts its receiver last. */
	for (int cpu = 0; cpu < 2; cpu++) {
		count_answers_ck(&e, cpu, answers);
		ck_assert_msg(answers[cpu] == CALLS,
			      "calls from CPU %d: %d answered on CPU 0, %d on CPU 1",
			      cpu, answers[0], answers[1]);
	}
	bxt_buf_init(&stop);
	bxt_buf_str(&stop, "stop");
	for (int i = 0; i < 2; i++)
		BXT_OK(bxt_send(e.cli, e.h, &stop));
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(bxt_join(t[i], BXT_LONG_MS, NULL), 0);
		ck_assert_msg(r[i].result == 0, "receiver %d: %s", i,
			      bxt_errname(r[i].result));
	}
	bxt_env_down_ck(&e);
}
END_TEST

static Suite *wake_cpu_suite(void)
{
	Suite *s = suite_create("wake-cpu");
	TCase *tc = bxt_tcase(s, "wake-cpu");

	tcase_add_test(tc, call_wakes_receiver_of_its_cpu);
	return s;
}

int main(void)
{
	return bxt_run(wake_cpu_suite());
}
