// SPDX-License-Identifier: GPL-2.0-or-later
/* The server and client loops of one run: see run.h. */
#define _GNU_SOURCE
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "util.h"

typedef struct Usage {
	uint64_t user_ns, sys_ns, minflt, majflt;
} Usage;

static void usage_now(Usage *u)
{
	struct rusage ru;

	memset(u, 0, sizeof(*u));
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return;
	u->user_ns = (uint64_t)ru.ru_utime.tv_sec * 1000000000ULL + (uint64_t)ru.ru_utime.tv_usec * 1000ULL;
	u->sys_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000ULL + (uint64_t)ru.ru_stime.tv_usec * 1000ULL;
	u->minflt = (uint64_t)ru.ru_minflt;
	u->majflt = (uint64_t)ru.ru_majflt;
}

static void report_usage(SideReport *rep, const Usage *a, const Usage *b)
{
	rep->cpu_user_ns = b->user_ns - a->user_ns;
	rep->cpu_sys_ns = b->sys_ns - a->sys_ns;
	rep->minor_faults = b->minflt - a->minflt;
	rep->major_faults = b->majflt - a->majflt;
}

static void send_ready(int ctl, int status, const char *addr)
{
	ReadyMsg msg;

	memset(&msg, 0, sizeof(msg));
	msg.status = status;
	if (addr)
		snprintf(msg.addr, sizeof(msg.addr), "%s", addr);
	(void)write_full(ctl, &msg, sizeof(msg));
}

static int send_report(int ctl, SideReport *rep, const void *samples, size_t sample_size)
{
	int r = write_full(ctl, rep, sizeof(*rep));

	if (r >= 0 && rep->n)
		r = write_full(ctl, samples, rep->n * sample_size);
	return r;
}

int serve_in_place(const Method *m, MethodSide *s, MessageFn fn, void *userdata)
{
	int r;

	while ((r = m->recv(s)) > 0) {
		void *buf = m->buffer(s);
		const void *in = m->received ? m->received(s) : buf;

		r = fn(userdata, in, buf);
		if (r < 0)
			return r;
		r = m->send(s);
		if (r < 0)
			return r;
	}
	return r;
}

/* ---- server ---- */

typedef struct ServerState {
	const RunSpec *spec;
	uint64_t n;		/* messages seen */
	uint64_t *write_ns;	/* spec->iterations slots */
	Usage start, end;
} ServerState;

static int server_on_message(void *userdata, const void *in, void *out)
{
	ServerState *st = userdata;
	const RunSpec *spec = st->spec;
	uint64_t i = st->n++;
	int64_t t0, t1;

	/* The window covers exchanges warmup .. warmup + iterations - 1. */
	if (i == spec->warmup)
		usage_now(&st->start);
	else if (i == spec->warmup + spec->iterations)
		usage_now(&st->end);
	if (!check_message(in, spec->params.size, client_tag(i)))
		return -EBADMSG;
	t0 = now_ns();
	fill_message(out, spec->params.size, server_tag(i));
	t1 = now_ns();
	if (i >= spec->warmup && i < spec->warmup + spec->iterations)
		st->write_ns[i - spec->warmup] = (uint64_t)(t1 - t0);
	return 0;
}

int run_server(const RunSpec *spec, int ctl)
{
	const Method *m = spec->method;
	ServerState st = { .spec = spec };
	SideReport rep = { 0 };
	MethodSide *s = NULL;
	char addr[ADDR_SIZE] = "";
	const char *what = "listen";
	int r;

	st.write_ns = calloc(spec->iterations, sizeof(*st.write_ns));
	if (!st.write_ns) {
		send_ready(ctl, -ENOMEM, NULL);
		return -ENOMEM;
	}
	r = m->listen(&spec->params, &s, addr);
	send_ready(ctl, r < 0 ? r : 0, addr);
	if (r < 0)
		goto out;
	what = "accept";
	r = m->accept(s);
	if (r < 0)
		goto report;
	what = "serve";
	r = m->serve(s, server_on_message, &st);
	if (r >= 0 && st.n != spec->warmup + spec->iterations + 1) {
		what = "serve: message count";
		r = -EPROTO;
	}
report:
	rep.status = r < 0 ? r : 0;
	snprintf(rep.what, sizeof(rep.what), "server %s", what);
	if (r >= 0) {
		rep.n = spec->iterations;
		report_usage(&rep, &st.start, &st.end);
	}
	(void)send_report(ctl, &rep, st.write_ns, sizeof(*st.write_ns));
out:
	m->close(s);
	free(st.write_ns);
	return r < 0 ? r : 0;
}

/* ---- client ---- */

static int client_exchanges(const RunSpec *spec, MethodSide *s, uint64_t (*samples)[2],
			    SideReport *rep, const char **what)
{
	const Method *m = spec->method;
	uint64_t i, total = spec->warmup + spec->iterations + 1;
	Usage start = { 0 }, end = { 0 };
	size_t size = spec->params.size;
	int r;

	for (i = 0; i < total; i++) {
		int64_t t0, tw0, tw1, t1;
		const void *in;
		void *buf;

		if (i == spec->warmup)
			usage_now(&start);
		else if (i == spec->warmup + spec->iterations)
			usage_now(&end);
		t0 = now_ns();
		*what = "buffer";
		buf = m->buffer(s);
		if (!buf)
			return -ENOBUFS;
		tw0 = now_ns();
		fill_message(buf, size, client_tag(i));
		tw1 = now_ns();
		*what = "send";
		r = m->send(s);
		if (r < 0)
			return r;
		*what = "recv";
		r = m->recv(s);
		if (r <= 0)
			return r < 0 ? r : -EPIPE;
		*what = "check reply";
		in = m->received ? m->received(s) : m->buffer(s);
		if (!in || !check_message(in, size, server_tag(i)))
			return -EBADMSG;
		t1 = now_ns();
		if (i >= spec->warmup && i < spec->warmup + spec->iterations) {
			samples[i - spec->warmup][0] = (uint64_t)(t1 - t0);
			samples[i - spec->warmup][1] = (uint64_t)(tw1 - tw0);
		}
	}
	report_usage(rep, &start, &end);
	rep->n = spec->iterations;
	*what = "finish";
	return m->finish(s);
}

int run_client(const RunSpec *spec, const char *addr, int ctl, int go)
{
	const Method *m = spec->method;
	uint64_t(*samples)[2] = calloc(spec->iterations, sizeof(*samples));
	SideReport rep = { 0 };
	MethodSide *s = NULL;
	const char *what = "connect";
	uint8_t byte;
	int r;

	if (!samples) {
		send_ready(ctl, -ENOMEM, NULL);
		return -ENOMEM;
	}
	r = m->connect(&spec->params, addr, &s);
	send_ready(ctl, r < 0 ? r : 0, NULL);
	if (r < 0)
		goto out;
	what = "waiting to start";
	r = read_full(go, &byte, 1);
	if (r <= 0) {
		r = r < 0 ? r : -ECANCELED;
		goto report;
	}
	r = client_exchanges(spec, s, samples, &rep, &what);
report:
	rep.status = r < 0 ? r : 0;
	snprintf(rep.what, sizeof(rep.what), "client %s", what);
	if (r < 0)
		rep.n = 0;
	(void)send_report(ctl, &rep, samples, sizeof(*samples));
out:
	m->close(s);
	free(samples);
	return r < 0 ? r : 0;
}
