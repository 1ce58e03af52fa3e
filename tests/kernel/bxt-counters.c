/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver's live-object counters and debugfs state dump, and the leak
 * check built on them; see bxt.h.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bxt.h"

int bxt_counters_read(BxtCounters *c)
{
	char name[64];
	long v;
	FILE *f;
	int n = 0;

	memset(c, 0, sizeof(*c));
	f = fopen(BXT_COUNTERS, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %ld", name, &v) == 2) {
		n++;
		if (!strcmp(name, "procs"))
			c->procs = v;
		else if (!strcmp(name, "nodes"))
			c->nodes = v;
		else if (!strcmp(name, "handles"))
			c->handles = v;
		else if (!strcmp(name, "transactions"))
			c->transactions = v;
		else if (!strcmp(name, "deaths"))
			c->deaths = v;
		else if (!strcmp(name, "buffers"))
			c->buffers = v;
		else if (!strcmp(name, "buffer_ids"))
			c->buffer_ids = v;
		else if (!strcmp(name, "buffer_bytes"))
			c->buffer_bytes = v;
		else if (!strcmp(name, "parked_calls"))
			c->parked_calls = v;
		else if (!strcmp(name, "queue_accounts"))
			c->queue_accounts = v;
	}
	fclose(f);
	return n == 10 ? 0 : -EBADMSG;
}

bool bxt_counters_zero(const BxtCounters *c)
{
	return !c->procs && !c->nodes && !c->handles && !c->transactions && !c->deaths &&
	       !c->buffers && !c->buffer_ids && !c->buffer_bytes && !c->parked_calls &&
	       !c->queue_accounts;
}

/* Taint flags of a kernel warning (W), an oops (D) or a bad page (B). */
#define BXT_TAINT_BAD ((1UL << 9) | (1UL << 7) | (1UL << 5))

void bxt_assert_no_leaks(void)
{
	BxtCounters c = { 0 };
	int64_t end = bxt_now_ns() + 10 * BXT_SEC;
	unsigned long taint = 0;
	FILE *f;

	f = fopen("/proc/sys/kernel/tainted", "re");
	ck_assert(f);
	ck_assert_int_eq(fscanf(f, "%lu", &taint), 1);
	fclose(f);
	ck_assert_msg(!(taint & BXT_TAINT_BAD),
		      "the kernel is tainted %#lx: a warning or oops happened (see dmesg)", taint);

	for (;;) {
		BXT_OK(bxt_counters_read(&c));
		if (bxt_counters_zero(&c))
			return;
		if (bxt_now_ns() > end)
			break;
		bxt_sleep_ms(20);
	}
	ck_abort_msg("leak: with every fd closed the counters read procs %ld nodes %ld "
		     "handles %ld transactions %ld deaths %ld buffers %ld buffer_ids %ld "
		     "buffer_bytes %ld parked_calls %ld queue_accounts %ld",
		     c.procs, c.nodes, c.handles, c.transactions, c.deaths, c.buffers,
		     c.buffer_ids, c.buffer_bytes, c.parked_calls, c.queue_accounts);
}

int bxt_state_queued(void)
{
	char line[512];
	int total = 0;
	FILE *f;

	f = fopen(BXT_STATE, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *q = strstr(line, " queued ");

		if (q)
			total += atoi(q + 8);
	}
	fclose(f);
	return total;
}

int bxt_wait_queued(int n, int timeout_ms)
{
	int64_t end = bxt_now_ns() + timeout_ms * BXT_MS;

	for (;;) {
		int q = bxt_state_queued();

		if (q == n)
			return 0;
		if (q < 0)
			return q;
		if (bxt_now_ns() > end)
			return -ETIMEDOUT;
		bxt_sleep_ms(10);
	}
}
