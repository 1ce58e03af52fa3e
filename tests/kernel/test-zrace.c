/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Races between callers giving up and the target's file being released.
 *
 * Guards bindox_proc_release() against callers that give up at the same
 * moment: the dying proc takes its queued calls off its queue and fails
 * them, while an interrupted caller abandons its call. Exactly one of the
 * two may unlink the call and drop the queue's reference; if both did, the
 * call would be unreferenced twice and the queue's list corrupted, which
 * shows as a general protection fault on slab poison. A crash ends the VM
 * run, so the program is named to sort (and so run) last, after every
 * other test has reported.
 *
 * To make the window wide enough it switches the scheduler to full
 * preemption (/sys/kernel/debug/sched/preempt, CONFIG_PREEMPT_DYNAMIC) and
 * puts the closing thread and the callers on one CPU, the signaller on the
 * other. The signaller's start is steered round by round towards the
 * moment of the release, and the test fails unless some round saw both
 * outcomes: callers interrupted and callers failed by the release.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bxt.h"

#define PREEMPT_FILE "/sys/kernel/debug/sched/preempt"
#define N_CALLERS 100
#define N_ROUNDS 20
#define MAX_DELAY_US 200000

/* The current preemption mode ("(voluntary)" in "none (voluntary) full"). */
static bool preempt_mode(char *out, size_t size)
{
	char buf[128], *a, *b;
	FILE *f = fopen(PREEMPT_FILE, "re");

	if (!f)
		return false;
	a = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!a || !(a = strchr(buf, '(')) || !(b = strchr(a, ')')))
		return false;
	*b = '\0';
	snprintf(out, size, "%s", a + 1);
	return true;
}

static bool preempt_set(const char *mode)
{
	FILE *f = fopen(PREEMPT_FILE, "we");
	bool ok;

	if (!f)
		return false;
	ok = fputs(mode, f) >= 0;
	return fclose(f) == 0 && ok;
}

typedef struct Caller {
	int fd;
	uint32_t h;
	int result;
	atomic_bool done;
} Caller;

static Caller callers[N_CALLERS];
static pthread_t threads[N_CALLERS];

static void *caller_thread(void *arg)
{
	Caller *c = arg;
	BxtBuf b, r;

	(void)bxt_pin_cpu(0);
	bxt_buf_init(&b);
	bxt_buf_init(&r);
	c->result = bxt_call(c->fd, c->h, &b, &r, NULL, -1);
	atomic_store(&c->done, true);
	return NULL;
}

typedef struct Go {
	atomic_int arrived;	/* a spinning barrier: both sides start together */
	int delay_us;		/* then the signaller waits this long */
} Go;

static void *signaller(void *arg)
{
	Go *go = arg;
	int64_t until;
	int i, left;

	(void)bxt_pin_cpu(1);
	atomic_fetch_add(&go->arrived, 1);
	while (atomic_load(&go->arrived) < 2)
		;
	until = bxt_now_ns() + go->delay_us * 1000LL;
	while (bxt_now_ns() < until)
		;
	do {
		left = 0;
		for (i = N_CALLERS - 1; i >= 0; i--) {
			if (!atomic_load(&callers[i].done)) {
				pthread_kill(threads[i], SIGUSR1);
				left++;
			}
		}
	} while (left);
	return NULL;
}

START_TEST(callers_give_up_while_target_closes)
{
	char old_mode[32] = "";
	bool have_mode;
	BxtCoord *co;
	int round, i, r, interrupted = 0, dead = 0, mixed = 0, delay_us = 0;

	ck_assert_int_eq(bxt_usr1_handler(0), 0);
	have_mode = preempt_mode(old_mode, sizeof(old_mode));
	if (have_mode)
		ck_assert(preempt_set("full"));
	else
		printf("note: %s not available; the race is much narrower\n", PREEMPT_FILE);
	(void)bxt_pin_cpu(0);

	co = bxt_coord_start_ck();
	for (round = 0; round < N_ROUNDS; round++) {
		Go go = { .delay_us = delay_us };
		int round_interrupted = 0;
		pthread_t sig;
		int srv = bxt_open_ck(), cli = bxt_open_ck();
		uint32_t h = bxt_link_ck(srv, 1, cli);

		for (i = 0; i < N_CALLERS; i++) {
			callers[i] = (Caller){ .fd = cli, .h = h };
			ck_assert_int_eq(pthread_create(&threads[i], NULL, caller_thread,
							&callers[i]), 0);
		}
		r = bxt_wait_queued(N_CALLERS, BXT_LONG_MS);
		ck_assert_msg(r == 0, "round %d: %d calls queued, not %d (%s)", round,
			      bxt_state_queued(), N_CALLERS, bxt_errname(r));
		ck_assert_int_eq(pthread_create(&sig, NULL, signaller, &go), 0);
		atomic_fetch_add(&go.arrived, 1);
		while (atomic_load(&go.arrived) < 2)
			;
		/* Every queued call is completed by the release or abandoned by its caller. */
		close(srv);
		/*
		 * The signaller first: it signals callers until each is done, and
		 * pthread_kill() of a thread already joined would be a use after
		 * free.
		 */
		ck_assert_int_eq(bxt_join(sig, BXT_LONG_MS, NULL), 0);
		for (i = 0; i < N_CALLERS; i++) {
			ck_assert_msg(bxt_join(threads[i], BXT_LONG_MS, NULL) == 0,
				      "round %d: caller %d hangs", round, i);
			ck_assert_msg(callers[i].result == -EINTR ||
				      callers[i].result == -BINDOX_EDEADPEER,
				      "round %d: caller %d: %s", round, i,
				      bxt_errname(callers[i].result));
			round_interrupted += callers[i].result == -EINTR;
		}
		interrupted += round_interrupted;
		dead += N_CALLERS - round_interrupted;
		/* Both outcomes in one release: the two paths met on its queue. */
		mixed += round_interrupted > 0 && round_interrupted < N_CALLERS;
		/*
		 * Steer the signals towards the release: later when they came
		 * first to every caller, earlier when the release beat them all.
		 */
		if (round_interrupted == N_CALLERS && delay_us < MAX_DELAY_US)
			delay_us = delay_us ? delay_us * 2 : 50;
		else if (round_interrupted == 0)
			delay_us /= 2;
		close(cli);
	}
	bxt_coord_stop(co);
	if (have_mode)
		ck_assert(preempt_set(old_mode));
	printf("%d calls interrupted, %d failed with BINDOX_EDEADPEER, %d of %d rounds saw both\n",
	       interrupted, dead, mixed, N_ROUNDS);
	/* Without a round that had both outcomes the two paths never met. */
	ck_assert_msg(mixed > 0, "no round with both outcomes: %d interrupted, %d dead",
		      interrupted, dead);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *race_suite(void)
{
	Suite *s = suite_create("zrace");
	TCase *tc = bxt_tcase(s, "release");

	tcase_add_test(tc, callers_give_up_while_target_closes);
	return s;
}

int main(void)
{
	return bxt_run(race_suite());
}
