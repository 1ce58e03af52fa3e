/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check glue of the in-guest kernel tests: test cases, the runner, the
 * fixture that waits for a clean driver; see bxt.h.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "bxt.h"

const char *bxt_errname(int err)
{
	const char *s;

	if (err == 0)
		return "0";
	if (err < 0)
		err = -err;
	s = strerrorname_np(err);
	return s ? s : "unknown errno";
}

TCase *bxt_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, BXT_TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, bxt_setup, NULL);
	suite_add_tcase(s, tc);
	return tc;
}

int bxt_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	/* One line per test in the VM's logs, unless CK_VERBOSITY says otherwise. */
	srunner_run_all(sr, getenv("CK_VERBOSITY") ? CK_ENV : CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void bxt_setup(void)
{
	BxtCounters c = { 0 };
	int64_t end = bxt_now_ns() + 10 * BXT_SEC;
	struct stat st;
	int r;

	/* A child that dies early must not kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	ck_assert_msg(stat(BXT_DEVICE, &st) == 0 && S_ISCHR(st.st_mode),
		      BXT_DEVICE " missing: is bindox.ko loaded? (run in the VM)");
	for (;;) {
		r = bxt_counters_read(&c);
		ck_assert_msg(r == 0, "cannot read " BXT_COUNTERS ": %s", bxt_errname(r));
		if (bxt_counters_zero(&c))
			return;
		if (bxt_now_ns() > end)
			break;
		bxt_sleep_ms(20);
	}
	ck_abort_msg("objects left over before the test: procs %ld nodes %ld handles %ld "
		     "transactions %ld deaths %ld buffers %ld buffer_ids %ld buffer_bytes %ld "
		     "parked_calls %ld queue_accounts %ld",
		     c.procs, c.nodes, c.handles, c.transactions, c.deaths, c.buffers,
		     c.buffer_ids, c.buffer_bytes, c.parked_calls, c.queue_accounts);
}
