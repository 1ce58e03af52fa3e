/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Many watchers of one node: when its owner closes, every watcher is told,
 * in time that grows with their number, not with its square. Firing used
 * to rescan the node's whole list of subscriptions for every subscriber,
 * under a spinlock: 4 times the watchers took about 13 times as long.
 *
 * The close is timed with N and 4N watchers (each a file of its own, as
 * each subscriber is a proc), the best of three rounds each, and the ratio
 * is compared with 4 (linear) and 16 (quadratic). Both sizes run side by
 * side in one process, so the guest's speed cancels out.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "bxt.h"

#define SMALL 500
#define LARGE (4 * SMALL)
#define ROUNDS 3
#define COOKIE 0xdea7ULL

/* Seconds the owner's close took with @n watchers subscribed. */
static double close_with_watchers(int n, const int *watchers)
{
	char name[64];
	int64_t t0, t1;
	int owner, i;

	owner = bxt_open_ck();
	bxt_unique_name(name, sizeof(name), "watched");
	BXT_OK(bxt_register(owner, name, COOKIE));
	for (i = 0; i < n; i++) {
		uint32_t h = 0;

		BXT_OK(bxt_lookup(watchers[i], name, &h));
		BXT_OK(bxt_subscribe(watchers[i], h, COOKIE));
	}
	t0 = bxt_now_ns();
	close(owner);
	t1 = bxt_now_ns();
	for (i = 0; i < n; i++) {
		struct bindox_message hdr;

		BXT_OK(bxt_recv(watchers[i], NULL, &hdr, BXT_LONG_NS));
		ck_assert_uint_eq(hdr.type, BINDOX_MSG_DEATH);
		ck_assert_uint_eq(hdr.cookie, COOKIE);
	}
	return (double)(t1 - t0) / 1e9;
}

START_TEST(test_many_watchers_scale_linearly)
{
	struct rlimit nofile = { LARGE + 64, LARGE + 64 };
	double best_small = 1e9, best_large = 1e9, ratio;
	static int watchers[LARGE];
	BxtCoord *coord;
	int i, r;

	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &nofile), 0);
	coord = bxt_coord_start_ck();
	for (i = 0; i < LARGE; i++)
		watchers[i] = bxt_open_ck();
	for (r = 0; r < ROUNDS; r++) {
		double s = close_with_watchers(SMALL, watchers);
		double l = close_with_watchers(LARGE, watchers);

		best_small = s < best_small ? s : best_small;
		best_large = l < best_large ? l : best_large;
	}
	ratio = best_large / best_small;
	printf("close with %d watchers %.2f ms, with %d %.2f ms: %.1fx\n", SMALL,
	       best_small * 1e3, LARGE, best_large * 1e3, ratio);
	ck_assert_msg(ratio < 8.0, "4x the watchers took %.1fx as long", ratio);

	for (i = 0; i < LARGE; i++)
		close(watchers[i]);
	bxt_coord_stop(coord);
	bxt_assert_no_leaks();
}
END_TEST

static Suite *deaths_suite(void)
{
	Suite *s = suite_create("attack-deaths");

	tcase_add_test(bxt_tcase(s, "watchers"), test_many_watchers_scale_linearly);
	return s;
}

int main(void)
{
	return bxt_run(deaths_suite());
}
