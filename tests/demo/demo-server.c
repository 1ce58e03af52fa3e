// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Demo server: registers a service (argv[2], default "demo.camera.front")
 * and answers every call with the request turned to upper case, printing
 * who called as the driver saw it. argv[1] names a file it creates once
 * registered.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bindox/bindox.h>

#define DEMO_SERVICE "demo.camera.front"
#define DEMO_COOKIE 0xca3e7aULL

static volatile sig_atomic_t demo_stop;

static void demo_on_signal(int sig)
{
	(void)sig;
	demo_stop = 1;
}

static int demo_handle(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
	char upper[256];
	const char *text;
	BindoxCreds creds;
	size_t len, i;
	int r;

	(void)userdata;
	if (!reply)
		return 0;
	r = bindox_msg_read_string(request, &text, &len);
	if (r < 0)
		return r;
	r = bindox_msg_get_creds(request, &creds);
	if (r < 0)
		return r;
	printf("server: call on cookie 0x%llx from pid %d euid %u egid %u domain %u: \"%s\"\n",
	       (unsigned long long)bindox_msg_get_cookie(request), (int)creds.pid,
	       (unsigned)creds.euid, (unsigned)creds.egid, creds.domain, text);
	fflush(stdout);
	if (len >= sizeof(upper))
		len = sizeof(upper) - 1;
	for (i = 0; i < len; i++)
		upper[i] = (char)toupper((unsigned char)text[i]);
	upper[len] = '\0';
	return bindox_msg_append_string(reply, upper);
}

int main(int argc, char **argv)
{
	BindoxServer *server = NULL;
	BindoxConn *conn = NULL;
	const char *ready_file = argc > 1 ? argv[1] : NULL;
	const char *service = argc > 2 ? argv[2] : DEMO_SERVICE;
	int r;

	signal(SIGTERM, demo_on_signal);
	signal(SIGINT, demo_on_signal);
	r = bindox_conn_open(NULL, &conn);
	if (r < 0) {
		fprintf(stderr, "server: open: %s\n", bindox_strerror(r));
		return 1;
	}
	r = bindox_service_register(conn, service, DEMO_COOKIE);
	if (r < 0) {
		fprintf(stderr, "server: register: %s\n", bindox_strerror(r));
		goto out;
	}
	printf("server: pid %d registered \"%s\" (node cookie 0x%llx)\n",
	       (int)getpid(), service, DEMO_COOKIE);
	fflush(stdout);
	r = bindox_server_new(conn, 2, demo_handle, NULL, &server);
	if (r >= 0)
		r = bindox_server_start(server);
	if (r < 0) {
		fprintf(stderr, "server: start: %s\n", bindox_strerror(r));
		goto out;
	}
	if (ready_file) {
		int fd = open(ready_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	while (!demo_stop)
		pause();
	r = bindox_server_stop(server);
out:
	bindox_server_free(server);
	bindox_conn_close(conn);
	return r < 0 ? 1 : 0;
}
