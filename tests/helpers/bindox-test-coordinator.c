/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindox-test-coordinator: a minimal Coordinator for tests (not a product;
 * bindoxd is the real one). It opens the device, becomes the Coordinator
 * and serves REGISTER/LOOKUP/UNREGISTER until SIGTERM or SIGINT.
 *
 *   bindox-test-coordinator [--device PATH] [--threads N]
 *                           [--ready-fd FD] [--ready-file PATH]
 *
 * Readiness: with --ready-fd, "READY=1\n" is written to FD, which is then
 * closed; with --ready-file, the pid is written to PATH (atomically: a
 * temporary file is renamed), and PATH is removed again at exit.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bindox/bindox.h>
#include "coordinator-registry.h"

typedef struct Options {
	const char *device;
	const char *ready_file;
	int ready_fd;
	unsigned int n_threads;
} Options;

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"Usage: %s [--device PATH] [--threads N] [--ready-fd FD] [--ready-file PATH]\n"
		"A minimal bindox Coordinator for tests; runs until SIGTERM/SIGINT.\n",
		argv0);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int options_parse(int argc, char **argv, Options *o)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 't' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "ready-file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	*o = (Options){ .ready_fd = -1, .n_threads = 1 };

	while ((c = getopt_long(argc, argv, "d:t:r:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->device = optarg;
			break;
		case 't':
			if (parse_uint(optarg, BINDOX_SERVER_MAX_THREADS, &v) < 0 || v == 0)
				return -EINVAL;
			o->n_threads = (unsigned int)v;
			break;
		case 'r':
			if (parse_uint(optarg, INT_MAX, &v) < 0)
				return -EINVAL;
			o->ready_fd = (int)v;
			break;
		case 'f':
			o->ready_file = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(EXIT_SUCCESS);
		default:
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

static int ready_file_write(const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;
	int r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if (fprintf(f, "%ld\n", (long)getpid()) < 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static int ready_notify(const Options *o)
{
	static const char msg[] = "READY=1\n";
	int r;

	if (o->ready_fd >= 0) {
		if (write(o->ready_fd, msg, sizeof(msg) - 1) != (ssize_t)(sizeof(msg) - 1))
			return -errno ? -errno : -EIO;
		close(o->ready_fd);
	}
	if (o->ready_file) {
		r = ready_file_write(o->ready_file);
		if (r < 0)
			return r;
	}
	return 0;
}

static int run(const Options *o)
{
	BindoxConn *conn = NULL;
	TestCoordinator *tc = NULL;
	BindoxServer *server = NULL;
	sigset_t sigs;
	int r, sig;

	/* Block the stop signals before any thread exists; sigwait() takes them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	r = -pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (r < 0)
		return r;

	r = bindox_conn_open(o->device, &conn);
	if (r < 0) {
		fprintf(stderr, "open %s: %s\n", o->device ? o->device : BINDOX_DEVICE_DEFAULT,
			bindox_strerror(r));
		goto out;
	}
	r = bindox_conn_become_coordinator(conn);
	if (r < 0) {
		fprintf(stderr, "become coordinator: %s\n", bindox_strerror(r));
		goto out;
	}
	r = test_coordinator_new(conn, &tc);
	if (r < 0)
		goto out;
	r = bindox_server_new(conn, o->n_threads, test_coordinator_handle, tc, &server);
	if (r < 0)
		goto out;
	r = bindox_server_start(server);
	if (r < 0) {
		fprintf(stderr, "start: %s\n", bindox_strerror(r));
		goto out;
	}
	r = ready_notify(o);
	if (r < 0) {
		fprintf(stderr, "ready notification: %s\n", bindox_strerror(r));
		goto out;
	}

	r = -sigwait(&sigs, &sig);
	if (r == 0)
		r = bindox_server_stop(server);
	if (r < 0)
		fprintf(stderr, "server: %s\n", bindox_strerror(r));

out:
	server = bindox_server_free(server);
	tc = test_coordinator_free(tc);
	conn = bindox_conn_close(conn);
	if (o->ready_file)
		unlink(o->ready_file);
	return r;
}

int main(int argc, char **argv)
{
	Options o;

	if (options_parse(argc, argv, &o) < 0) {
		usage(stderr, argv[0]);
		return 2;
	}
	return run(&o) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
