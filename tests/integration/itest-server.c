/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindox-itest-server [--device PATH] [--ready FILE] [--plain] [--exit] NAME...:
 * the server of the bindoxd integration test. Registers every NAME (each
 * with its own node) and answers each call, whose request is a string,
 * with "NAME: STRING". With --plain the names are registered once
 * (bindox_service_register()); by default the server keeps them
 * (bindox_server_add_service()), so they come back after a Coordinator
 * restart. Prints "registered NAME" or "error NAME ERRNO-NAME" per name and
 * exits 1 if any failed; otherwise creates FILE and serves until SIGTERM
 * (with --exit: exits 0 at once).
 */

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bindox/bindox.h>

#define ITEST_MAX_NAMES 16

static const char *itest_names[ITEST_MAX_NAMES];

/* Cookie i + 1 is the node of itest_names[i]. */
static int itest_handle(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	uint64_t cookie = bindox_msg_get_cookie(request);
	char answer[BINDOX_NAME_BUF_SIZE + 300];
	const char *text;
	int r;

	(void)userdata;
	if (!reply)
		return 0;
	if (cookie < 1 || cookie > ITEST_MAX_NAMES || !itest_names[cookie - 1])
		return -EINVAL;
	r = bindox_msg_read_string(request, &text, NULL);
	if (r < 0)
		return r;
	snprintf(answer, sizeof(answer), "%s: %.256s", itest_names[cookie - 1], text);
	return bindox_msg_append_string(reply, answer);
}

static void itest_print_result(const char *name, int r)
{
	const char *e = bindox_errno_name(r);

	if (r >= 0)
		printf("registered %s\n", name);
	else
		printf("error %s %s\n", name, e ? e : bindox_strerror(r));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "ready", required_argument, NULL, 'r' },
		{ "plain", no_argument, NULL, 'p' },
		{ "exit", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = NULL, *ready = NULL;
	BindoxServer *server = NULL;
	BindoxConn *conn = NULL;
	bool plain = false, failed = false, exit_at_once = false;
	sigset_t set;
	int c, i, n, r, sig;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'd')
			device = optarg;
		else if (c == 'r')
			ready = optarg;
		else if (c == 'p')
			plain = true;
		else if (c == 'x')
			exit_at_once = true;
		else
			return 2;
	}
	n = argc - optind;
	if (n < 1 || n > ITEST_MAX_NAMES) {
		fprintf(stderr, "usage: bindox-itest-server [--device PATH] [--ready FILE] [--plain] "
				"[--exit] NAME...\n");
		return 2;
	}

	/* SIGTERM is taken with sigwait(); the workers block every signal. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	r = bindox_conn_open(device, &conn);
	if (r >= 0)
		r = bindox_server_new(conn, 2, itest_handle, NULL, &server);
	if (r < 0) {
		fprintf(stderr, "itest-server: %s\n", bindox_strerror(r));
		bindox_conn_close(conn);
		return 1;
	}
	for (i = 0; i < n; i++) {
		itest_names[i] = argv[optind + i];
		if (plain)
			r = bindox_service_register(conn, itest_names[i], (uint64_t)i + 1);
		else
			r = bindox_server_add_service(server, itest_names[i], (uint64_t)i + 1);
		itest_print_result(itest_names[i], r);
		failed |= r < 0;
	}
	r = 0;
	if (!failed && !exit_at_once) {
		r = bindox_server_start(server);
		if (r >= 0) {
			if (ready)
				close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
			sigwait(&set, &sig);
			r = bindox_server_stop(server);
		}
	}
	bindox_server_free(server);
	bindox_conn_close(conn);
	return failed || r < 0 ? 1 : 0;
}
