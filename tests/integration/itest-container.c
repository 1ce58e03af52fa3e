/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindox-itest-container [--device PATH] COMMAND: the program inside the
 * containers of test-nspawn (their image holds it, getent and the
 * libraries they link). One line of output per step, for the script to
 * match:
 *
 *   serve NAME...   register every NAME (prints "register NAME: ok" or
 *                   "register NAME: error ERRNO-NAME"), then answer calls
 *                   until standard input ends. A call carries a moved 2 MiB
 *                   buffer filled with 0x5a; each prints "call NAME from
 *                   euid=U egid=G pid=P domain=D buffer=ok|bad" (the
 *                   sender as this process's namespaces show it) and is
 *                   answered with a moved buffer filled with 0xa5.
 *   call NAME       look NAME up and call it as above: "reply from
 *                   euid=U egid=G pid=P domain=D buffer=ok|bad"
 *   lookup NAME...  "lookup NAME: ok" or "lookup NAME: error ERRNO-NAME"
 *                   for each NAME
 *   denied PATH...  what a container must not do: "open PATH: RESULT" for
 *                   each PATH, then on the device "coordinator: RESULT"
 *                   and "policy-load: RESULT" (RESULT is "ok" or
 *                   "error ERRNO-NAME")
 *
 * Exits 0 if every step ran (its result is for the script to judge), 1 if
 * one could not, 2 for bad usage.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <bindox/bindox.h>
#include <linux/bindox.h>

#define ITEST_TIMEOUT_NS (20LL * 1000 * 1000 * 1000)
#define ITEST_BUFFER_SIZE (2UL * 1024 * 1024)
#define ITEST_REQUEST_FILL 0x5a
#define ITEST_REPLY_FILL 0xa5
#define ITEST_MAX_NAMES 8

static const char *device;

/* "WHATok" or "WHATerror ERRNO-NAME" for @r. */
static void itest_print(const char *what, int r)
{
	const char *e = bindox_errno_name(r);

	if (r >= 0)
		printf("%sok\n", what);
	else
		printf("%serror %s\n", what, e ? e : strerror(-r));
	fflush(stdout);
}

/*
 * A new buffer filled with @fill, appended to @m as moved. The caller
 * releases *@b once @m has been sent (releasing drops the id it names).
 */
static int itest_append_filled(BindoxConn *conn, BindoxMsg *m, int fill, BindoxBuffer **b)
{
	int r;

	r = bindox_buffer_alloc(conn, ITEST_BUFFER_SIZE, b);
	if (r < 0)
		return r;
	memset(bindox_buffer_data(*b), fill, bindox_buffer_size(*b));
	return bindox_msg_append_buffer(m, *b, BINDOX_BUFFER_MOVE);
}

/* Whether @m's first object is a buffer of ours to write, full of @fill. */
static bool itest_buffer_holds(BindoxMsg *m, int fill)
{
	BindoxBuffer *b = NULL;
	const unsigned char *p;
	bool ok;

	if (bindox_msg_get_buffer(m, 0, &b) < 0)
		return false;
	p = bindox_buffer_data(b);
	ok = bindox_buffer_writable(b) && bindox_buffer_size(b) == ITEST_BUFFER_SIZE;
	for (size_t i = 0; ok && i < ITEST_BUFFER_SIZE; i++)
		ok = p[i] == fill;
	bindox_buffer_release(b);
	return ok;
}

static void itest_print_sender(const char *prefix, const BindoxMsg *m, bool buffer_ok)
{
	BindoxCreds c = { 0 };

	bindox_msg_get_creds(m, &c);
	printf("%s euid=%u egid=%u pid=%d domain=%u buffer=%s\n", prefix, (unsigned)c.euid,
	       (unsigned)c.egid, (int)c.pid, c.domain, buffer_ok ? "ok" : "bad");
	fflush(stdout);
}

/* One received message: a call is answered, anything else is dropped. */
static int itest_answer(BindoxConn *conn, BindoxMsg *req, const char **names, int n)
{
	uint64_t cookie = bindox_msg_get_cookie(req);
	BindoxMsg *reply = NULL, *next = NULL;
	BindoxBuffer *b = NULL;
	char prefix[BINDOX_NAME_BUF_SIZE + 16];
	int r;

	if (bindox_msg_get_type(req) != BINDOX_MSG_CALL)
		return 0;
	snprintf(prefix, sizeof(prefix), "call %s from",
		 cookie >= 1 && cookie <= (uint64_t)n ? names[cookie - 1] : "?");
	itest_print_sender(prefix, req, itest_buffer_holds(req, ITEST_REQUEST_FILL));
	r = bindox_msg_new(&reply);
	if (r >= 0)
		r = bindox_msg_new(&next);
	if (r >= 0)
		r = itest_append_filled(conn, reply, ITEST_REPLY_FILL, &b);
	if (r >= 0)
		r = bindox_reply(conn, bindox_msg_get_id(req), reply, next);
	bindox_buffer_release(b);
	/* A message that came with the reply waits for the next round. */
	if (r == 1)
		r = itest_answer(conn, next, names, n);
	bindox_msg_free(next);
	bindox_msg_free(reply);
	return r < 0 ? r : 0;
}

static int itest_serve(BindoxConn *conn, const char **names, int n)
{
	struct pollfd pfd[2] = {
		{ .fd = bindox_conn_fd(conn), .events = POLLIN },
		{ .fd = STDIN_FILENO, .events = POLLIN },
	};
	char what[BINDOX_NAME_BUF_SIZE + 16], buf[64];
	BindoxMsg *req = NULL;
	int i, r = 0;

	for (i = 0; i < n; i++) {
		r = bindox_service_register(conn, names[i], (uint64_t)i + 1);
		snprintf(what, sizeof(what), "register %s: ", names[i]);
		itest_print(what, r);
		if (r < 0)
			return r;
	}
	r = bindox_msg_new(&req);
	while (r >= 0 && poll(pfd, 2, -1) >= 0) {
		if (pfd[0].revents & POLLIN) {
			r = bindox_recv(conn, req, 0);
			if (r >= 0)
				r = itest_answer(conn, req, names, n);
			else if (r == -EAGAIN)
				r = 0;
		}
		/* Standard input at its end (or anything read from it): done. */
		if (pfd[1].revents && read(STDIN_FILENO, buf, sizeof(buf)) <= 0)
			break;
	}
	bindox_msg_free(req);
	return r < 0 ? r : 0;
}

static int itest_call(BindoxConn *conn, const char *name)
{
	BindoxMsg *req = NULL, *reply = NULL;
	BindoxBuffer *b = NULL;
	uint32_t handle = 0;
	int r;

	r = bindox_service_lookup(conn, name, &handle, ITEST_TIMEOUT_NS);
	if (r >= 0)
		r = bindox_msg_new(&req);
	if (r >= 0)
		r = bindox_msg_new(&reply);
	if (r >= 0)
		r = itest_append_filled(conn, req, ITEST_REQUEST_FILL, &b);
	if (r >= 0)
		r = bindox_call(conn, handle, req, reply, ITEST_TIMEOUT_NS);
	bindox_buffer_release(b);
	if (r >= 0)
		itest_print_sender("reply from", reply, itest_buffer_holds(reply, ITEST_REPLY_FILL));
	else
		itest_print("", r);
	bindox_msg_free(reply);
	bindox_msg_free(req);
	if (handle)
		(void)bindox_handle_release(conn, handle);
	return r;
}

static int itest_lookup(BindoxConn *conn, char **names, int n)
{
	char what[BINDOX_NAME_BUF_SIZE + 16];
	uint32_t handle;
	int i, r;

	for (i = 0; i < n; i++) {
		handle = 0;
		r = bindox_service_lookup(conn, names[i], &handle, ITEST_TIMEOUT_NS);
		snprintf(what, sizeof(what), "lookup %s: ", names[i]);
		itest_print(what, r);
		if (handle)
			(void)bindox_handle_release(conn, handle);
	}
	return 0;
}

static int itest_denied(BindoxConn *conn, char **paths, int n)
{
	struct bindox_policy_load load = { 0 };
	char what[300];
	int fd, i;

	for (i = 0; i < n; i++) {
		fd = open(paths[i], O_RDWR | O_CLOEXEC);
		snprintf(what, sizeof(what), "open %s: ", paths[i]);
		itest_print(what, fd < 0 ? -errno : 0);
		if (fd >= 0)
			close(fd);
	}
	itest_print("coordinator: ", bindox_conn_become_coordinator(conn));
	itest_print("policy-load: ", ioctl(bindox_conn_fd(conn), BINDOX_IOC_POLICY_LOAD, &load) < 0
					     ? -errno : 0);
	return 0;
}

static int itest_usage(void)
{
	fprintf(stderr, "usage: bindox-itest-container [--device PATH] serve NAME... | call NAME |\n"
			"       lookup NAME... | denied PATH...\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	BindoxConn *conn = NULL;
	const char *cmd;
	int c, n, r;
	char **args;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'd')
			return itest_usage();
		device = optarg;
	}
	n = argc - optind - 1;
	if (n < 0)
		return itest_usage();
	cmd = argv[optind];
	args = argv + optind + 1;
	if (!((strcmp(cmd, "serve") == 0 && n >= 1 && n <= ITEST_MAX_NAMES) ||
	      (strcmp(cmd, "call") == 0 && n == 1) || (strcmp(cmd, "lookup") == 0 && n >= 1) ||
	      strcmp(cmd, "denied") == 0))
		return itest_usage();

	r = bindox_conn_open(device, &conn);
	if (r < 0) {
		itest_print("open: ", r);
		return 1;
	}
	if (cmd[0] == 's') {
		r = itest_serve(conn, (const char **)args, n);
	} else if (cmd[0] == 'c') {
		r = itest_call(conn, args[0]);
	} else if (cmd[0] == 'l') {
		r = itest_lookup(conn, args, n);
	} else {
		r = itest_denied(conn, args, n);
	}
	bindox_conn_close(conn);
	return r < 0 ? 1 : 0;
}
