/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindox-itest-client [--device PATH] COMMAND: the client of the bindoxd
 * integration test. One line of output per step, for the script to match:
 *
 *   lookup NAME       "ok" or "error ERRNO-NAME"
 *   call NAME TEXT    lookup and call: "reply ANSWER" or "error ERRNO-NAME"
 *   hold NAME         lookup ("ok"/"error ..."), then for each line
 *                     "call TEXT" on stdin a call through the handle held
 *                     since ("reply ..."/"error ..."), until end of input
 *
 * Exits 0 if the last step succeeded, 1 if it failed, 2 for bad usage.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <bindox/bindox.h>

#define ITEST_TIMEOUT_NS (20LL * 1000 * 1000 * 1000)

static int itest_fail(int r)
{
	const char *e = bindox_errno_name(r);

	printf("error %s\n", e ? e : bindox_strerror(r));
	fflush(stdout);
	return r;
}

static int itest_lookup(BindoxConn *conn, const char *name, uint32_t *handle)
{
	int r = bindox_service_lookup(conn, name, handle, ITEST_TIMEOUT_NS);

	if (r < 0)
		return itest_fail(r);
	printf("ok\n");
	fflush(stdout);
	return 0;
}

static int itest_call(BindoxConn *conn, uint32_t handle, const char *text)
{
	BindoxMsg *req = NULL, *reply = NULL;
	const char *answer = NULL;
	int r;

	r = bindox_msg_new(&req);
	if (r >= 0)
		r = bindox_msg_new(&reply);
	if (r >= 0)
		r = bindox_msg_append_string(req, text);
	if (r >= 0)
		r = bindox_call(conn, handle, req, reply, ITEST_TIMEOUT_NS);
	if (r >= 0)
		r = bindox_msg_read_string(reply, &answer, NULL);
	if (r >= 0) {
		printf("reply %s\n", answer);
		fflush(stdout);
	} else {
		itest_fail(r);
	}
	bindox_msg_free(reply);
	bindox_msg_free(req);
	return r;
}

/* Calls through @handle for each "call TEXT" line of stdin. */
static int itest_hold(BindoxConn *conn, uint32_t handle)
{
	char line[512];
	int r = 0;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "call ", 5) == 0) {
			r = itest_call(conn, handle, line + 5);
		} else {
			printf("error unknown-command\n");
			fflush(stdout);
		}
	}
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = NULL, *cmd;
	BindoxConn *conn = NULL;
	uint32_t handle = 0;
	int c, n, r;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'd')
			return 2;
		device = optarg;
	}
	n = argc - optind;
	cmd = n > 0 ? argv[optind] : "";
	if (!((strcmp(cmd, "lookup") == 0 && n == 2) || (strcmp(cmd, "call") == 0 && n == 3) ||
	      (strcmp(cmd, "hold") == 0 && n == 2))) {
		fprintf(stderr, "usage: bindox-itest-client [--device PATH] "
				"lookup NAME | call NAME TEXT | hold NAME\n");
		return 2;
	}

	r = bindox_conn_open(device, &conn);
	if (r < 0)
		return itest_fail(r) < 0 ? 1 : 0;

	r = itest_lookup(conn, argv[optind + 1], &handle);
	if (r >= 0 && strcmp(cmd, "call") == 0)
		r = itest_call(conn, handle, argv[optind + 2]);
	else if (r >= 0 && strcmp(cmd, "hold") == 0)
		r = itest_hold(conn, handle);
	if (handle)
		(void)bindox_handle_release(conn, handle);
	bindox_conn_close(conn);
	return r < 0 ? 1 : 0;
}
