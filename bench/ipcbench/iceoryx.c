// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iceoryx: Eclipse iceoryx 2.0 (Debian's packages) through its C binding.
 * prepare() starts a RouDi daemon (iox-roudi, monitoring off) with a
 * configuration whose largest memory pool holds chunks of the message size;
 * the client publishes on one topic and subscribes to another, the server
 * the other way round. Each side loans a chunk from the shared memory pool,
 * writes it and publishes it (zero copy: the subscriber reads the same
 * pages); the receiver releases the chunk once it has answered. A chunk
 * cannot be published back, so the reply is a second chunk, and the two
 * sides touch (at least) two chunks' worth of pages. RouDi maps and locks
 * the whole pool when it starts, so it is counted with client and server
 * (its memory cgroup and its PSS).
 *
 * The end: a chunk of STOP_SIZE zero bytes (no message starts with a zero
 * tag byte, see util.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iceoryx_binding_c/chunk.h>
#include <iceoryx_binding_c/log.h>
#include <iceoryx_binding_c/publisher.h>
#include <iceoryx_binding_c/runtime.h>
#include <iceoryx_binding_c/subscriber.h>
#include <iceoryx_binding_c/wait_set.h>

#include "cgroup.h"
#include "method.h"
#include "util.h"

#define ROUDI "iox-roudi"
#define ROUDI_SOCKET "/tmp/roudi"	/* its registration socket */
#define ROUDI_LOCK "/tmp/roudi.lock"	/* flock()ed while a RouDi runs */
#define ROUDI_START_TIMEOUT_MS 60000
#define CONNECT_TIMEOUT_MS 60000
/*
 * Chunks of the message size: two suffice, as each side releases the chunk
 * it received before it publishes its own (so the peer's next loan finds
 * it free); the fewest chunks, the least memory.
 */
#define MESSAGE_CHUNKS 2
#define STOP_SIZE 8U
#define SERVICE "ipcbench"

struct MethodAux {
	pid_t roudi;
	char config[512];
};

struct MethodSide {
	iox_pub_storage_t pub_storage;
	iox_sub_storage_t sub_storage;
	iox_ws_storage_t ws_storage;
	iox_pub_t pub;
	iox_sub_t sub;
	iox_ws_t ws;
	size_t size;
	void *loaned;			/* our next message, loaned from the pool */
	const void *received;		/* the peer's message, held until the next recv() */
};

/* ---- RouDi ---- */

static int write_config(const char *path, size_t size)
{
	/* The small pools serve RouDi's own introspection and small messages. */
	static const size_t small[][2] = { { 128, 1000 }, { 1024, 200 }, { 16384, 100 },
					   { 131072, 20 } };
	FILE *f = fopen(path, "we");
	bool added = false;
	size_t i;

	if (!f)
		return -errno;
	fprintf(f, "[general]\nversion = 1\n\n[[segment]]\n\n");
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		if (!added && size <= small[i][0]) {
			if (size < small[i][0])
				fprintf(f, "[[segment.mempool]]\nsize = %zu\ncount = %d\n\n", size,
					MESSAGE_CHUNKS * 2);
			added = true;
		}
		fprintf(f, "[[segment.mempool]]\nsize = %zu\ncount = %zu\n\n", small[i][0],
			small[i][1]);
	}
	if (!added)
		fprintf(f, "[[segment.mempool]]\nsize = %zu\ncount = %d\n", size, MESSAGE_CHUNKS);
	return fclose(f) == 0 ? 0 : -errno;
}

static void iceoryx_cleanup(MethodAux *aux)
{
	if (!aux)
		return;
	if (aux->roudi > 0) {
		int status;

		kill(aux->roudi, SIGTERM);
		(void)waitpid(aux->roudi, &status, 0);
	}
	if (aux->config[0])
		(void)unlink(aux->config);
	free(aux);
}

/* Whether a RouDi runs: it holds a lock on ROUDI_LOCK. */
static bool roudi_running(void)
{
	int fd = open(ROUDI_LOCK, O_RDONLY | O_CLOEXEC);
	bool locked;

	if (fd < 0)
		return false;
	locked = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return locked;
}

static int iceoryx_prepare(const MethodParams *p, MethodAux **out)
{
	MethodAux *aux = calloc(1, sizeof(*aux));
	int64_t deadline = now_ns() + ROUDI_START_TIMEOUT_MS * 1000000LL;
	struct stat st;
	int r;

	if (!aux)
		return -ENOMEM;
	snprintf(aux->config, sizeof(aux->config), "%s/roudi.toml", p->run_dir);
	r = write_config(aux->config, p->size);
	if (r < 0)
		goto fail;
	if (roudi_running()) {
		r = -EBUSY;	/* another RouDi: its pools would not fit */
		goto fail;
	}
	/* Left behind by a RouDi that crashed; ready means a new one is there. */
	(void)unlink(ROUDI_SOCKET);
	fflush(NULL);
	aux->roudi = fork();
	if (aux->roudi < 0) {
		r = -errno;
		goto fail;
	}
	if (aux->roudi == 0) {
		char log[600];
		int fd;

		/* Its pool is the transport's memory: account it with the run. */
		if (p->cgroup && cgroup_join(p->cgroup) < 0)
			_exit(127);
		/* Its chatter goes to a log in the run directory. */
		snprintf(log, sizeof(log), "%s/roudi.log", p->run_dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		execlp(ROUDI, ROUDI, "-c", aux->config, "-m", "off", "-l", "warning", (char *)NULL);
		_exit(127);
	}
	while (stat(ROUDI_SOCKET, &st) < 0) {
		if (waitpid(aux->roudi, NULL, WNOHANG) == aux->roudi) {
			aux->roudi = -1;
			r = -ECHILD;
			goto fail;
		}
		if (now_ns() > deadline) {
			r = -ETIMEDOUT;
			goto fail;
		}
		usleep(20000);
	}
	*out = aux;
	return 0;
fail:
	iceoryx_cleanup(aux);
	return r;
}

static pid_t iceoryx_memory_holder(const MethodAux *aux)
{
	return aux ? aux->roudi : -1;
}

/* ---- both sides ---- */

static void iceoryx_close(MethodSide *s)
{
	if (!s)
		return;
	if (s->received)
		iox_sub_release_chunk(s->sub, s->received);
	if (s->loaned)
		iox_pub_release_chunk(s->pub, s->loaned);
	if (s->ws)
		iox_ws_deinit(s->ws);
	if (s->sub)
		iox_sub_deinit(s->sub);
	if (s->pub)
		iox_pub_deinit(s->pub);
	iox_runtime_shutdown();
	free(s);
}

static int iceoryx_open(const MethodParams *p, bool server, MethodSide **out)
{
	char runtime[64], instance[32];
	iox_pub_options_t po;
	iox_sub_options_t so;
	MethodSide *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->size = p->size;
	snprintf(runtime, sizeof(runtime), "ipcbench-%s-%llx", server ? "server" : "client",
		 (unsigned long long)p->run_id);
	snprintf(instance, sizeof(instance), "%llx", (unsigned long long)p->run_id);
	iox_set_loglevel(Iceoryx_LogLevel_Warn);
	iox_runtime_init(runtime);

	iox_pub_options_init(&po);
	po.historyCapacity = 0;
	po.subscriberTooSlowPolicy = ConsumerTooSlowPolicy_WAIT_FOR_CONSUMER;
	s->pub = iox_pub_init(&s->pub_storage, SERVICE, instance, server ? "reply" : "request", &po);
	iox_sub_options_init(&so);
	so.queueCapacity = 2;
	so.historyRequest = 0;
	so.queueFullPolicy = QueueFullPolicy_BLOCK_PRODUCER;
	s->sub = iox_sub_init(&s->sub_storage, SERVICE, instance, server ? "request" : "reply", &so);
	s->ws = iox_ws_init(&s->ws_storage);
	if (!s->pub || !s->sub || !s->ws ||
	    iox_ws_attach_subscriber_event(s->ws, s->sub, SubscriberEvent_DATA_RECEIVED, 0, NULL) !=
		    WaitSetResult_SUCCESS) {
		iceoryx_close(s);
		return -EIO;
	}
	*out = s;
	return 0;
}

/* Until our subscriber is connected and our publisher has a subscriber. */
static int wait_connected(MethodSide *s)
{
	int64_t deadline = now_ns() + CONNECT_TIMEOUT_MS * 1000000LL;

	while (iox_sub_get_subscription_state(s->sub) != SubscribeState_SUBSCRIBED ||
	       !iox_pub_has_subscribers(s->pub)) {
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		usleep(10000);
	}
	return 0;
}

static void *iceoryx_buffer(MethodSide *s)
{
	if (!s->loaned && iox_pub_loan_chunk(s->pub, &s->loaned, (uint32_t)s->size) !=
				  AllocationResult_SUCCESS)
		s->loaned = NULL;
	return s->loaned;
}

static int iceoryx_send(MethodSide *s)
{
	if (!s->loaned)
		return -ENOBUFS;
	if (s->received) {
		iox_sub_release_chunk(s->sub, s->received);
		s->received = NULL;
	}
	iox_pub_publish_chunk(s->pub, s->loaned);
	s->loaned = NULL;
	return 0;
}

static int iceoryx_recv(MethodSide *s)
{
	static const uint8_t stop[STOP_SIZE];

	if (s->received) {
		iox_sub_release_chunk(s->sub, s->received);
		s->received = NULL;
	}
	for (;;) {
		iox_notification_info_t info[1];
		uint64_t missed = 0;
		enum iox_ChunkReceiveResult res = iox_sub_take_chunk(s->sub, &s->received);

		if (res == ChunkReceiveResult_SUCCESS)
			break;
		if (res != ChunkReceiveResult_NO_CHUNK_AVAILABLE)
			return -EIO;
		(void)iox_ws_wait(s->ws, info, 1, &missed);
	}
	return memcmp(s->received, stop, STOP_SIZE) == 0 ? 0 : 1;
}

static const void *iceoryx_received(MethodSide *s)
{
	return s->received;
}

/* ---- server ---- */

static int iceoryx_listen(const MethodParams *p, MethodSide **out, char *addr)
{
	snprintf(addr, ADDR_SIZE, "%llx", (unsigned long long)p->run_id);
	return iceoryx_open(p, true, out);
}

static int iceoryx_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	return serve_in_place(&method_iceoryx, s, fn, userdata);
}

/* ---- client ---- */

static int iceoryx_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	int r;

	(void)addr;	/* the topic comes from the run id */
	r = iceoryx_open(p, false, out);
	if (r < 0)
		return r;
	r = wait_connected(*out);
	if (r < 0) {
		iceoryx_close(*out);
		*out = NULL;
	}
	return r;
}

static int iceoryx_finish(MethodSide *s)
{
	void *chunk;

	if (iox_pub_loan_chunk(s->pub, &chunk, STOP_SIZE) != AllocationResult_SUCCESS)
		return -ENOBUFS;
	memset(chunk, 0, STOP_SIZE);
	iox_pub_publish_chunk(s->pub, chunk);
	return 0;
}

const Method method_iceoryx = {
	.name = "iceoryx",
	.how = "iceoryx 2.0 C binding with RouDi: each side loans a chunk of the message "
	       "size from the shared pool, writes and publishes it (zero copy; a new "
	       "chunk per direction)",
	.prepare = iceoryx_prepare,
	.cleanup = iceoryx_cleanup,
	.memory_holder = iceoryx_memory_holder,
	.listen = iceoryx_listen,
	.accept = wait_connected,
	.serve = iceoryx_serve,
	.connect = iceoryx_connect,
	.buffer = iceoryx_buffer,
	.send = iceoryx_send,
	.recv = iceoryx_recv,
	.received = iceoryx_received,
	.finish = iceoryx_finish,
	.close = iceoryx_close,
};
