// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Demo client: looks up a service (argv[2], default "demo.camera.front")
 * through the Coordinator and calls it once with a text (argv[1]).
 */
#include <stdio.h>
#include <unistd.h>
#include <bindox/bindox.h>

#define DEMO_SERVICE "demo.camera.front"
#define DEMO_TIMEOUT_NS (10LL * 1000 * 1000 * 1000)

static int demo_call(BindoxConn *conn, uint32_t handle, const char *text)
{
	BindoxMsg *req = NULL, *reply = NULL;
	const char *answer;
	BindoxCreds creds;
	size_t len;
	int r;

	r = bindox_msg_new(&req);
	if (r >= 0)
		r = bindox_msg_new(&reply);
	if (r >= 0)
		r = bindox_msg_append_string(req, text);
	if (r >= 0)
		r = bindox_call(conn, handle, req, reply, DEMO_TIMEOUT_NS);
	if (r >= 0)
		r = bindox_msg_read_string(reply, &answer, &len);
	if (r >= 0)
		r = bindox_msg_get_creds(reply, &creds);
	if (r >= 0)
		printf("client: reply \"%s\" from pid %d euid %u\n", answer,
		       (int)creds.pid, (unsigned)creds.euid);
	else
		fprintf(stderr, "client: call: %s\n", bindox_strerror(r));
	bindox_msg_free(reply);
	bindox_msg_free(req);
	return r;
}

int main(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : "frame 1 of the front camera";
	const char *service = argc > 2 ? argv[2] : DEMO_SERVICE;
	BindoxConn *conn = NULL;
	uint32_t handle;
	int r;

	r = bindox_conn_open(NULL, &conn);
	if (r < 0) {
		fprintf(stderr, "client: open: %s\n", bindox_strerror(r));
		return 1;
	}
	r = bindox_service_lookup(conn, service, &handle, DEMO_TIMEOUT_NS);
	if (r < 0) {
		fprintf(stderr, "client: lookup: %s\n", bindox_strerror(r));
		goto out;
	}
	printf("client: pid %d euid %u looked up \"%s\": handle %u\n",
	       (int)getpid(), (unsigned)geteuid(), service, handle);
	r = demo_call(conn, handle, text);
	if (r >= 0)
		r = bindox_handle_release(conn, handle);
out:
	bindox_conn_close(conn);
	return r < 0 ? 1 : 0;
}
