// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * udp: the paper's UDP*, UDP made ordered and reliable. A message is cut
 * into datagrams of up to CHUNK payload bytes, each with a header (message
 * number, chunk number). The sender keeps at most a window of unacknowledged
 * chunks in flight (sized from the receiver's socket buffer, announced in
 * the handshake) and goes back to the oldest unacknowledged chunk when no
 * acknowledgement came for RTO_MS. The receiver acknowledges cumulatively
 * (the first chunk it still misses) every quarter window, on a gap, and at
 * the end of the message, and keeps chunks that arrive out of order.
 *
 * Datagrams are received straight into the message buffer, at the slot of
 * the first missing chunk, which is free by definition; a chunk that
 * belongs elsewhere is moved to its slot (a copy only on reordering). The
 * buffer has one chunk of slack so that a full chunk fits at the last slot.
 *
 * A lost final acknowledgement: the sender also takes the first chunk of
 * the peer's next message as proof of delivery, and a receiver that sees a
 * retransmitted chunk of a message it has completed acknowledges it again.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include "method.h"
#include "util.h"

#define CHUNK 64000U		/* payload per datagram (IPv4 maximum: 65507) */
#define RTO_MS 200
#define IDLE_TIMEOUT_MS 120000	/* give up when the peer is silent this long */
#define HANDSHAKE_TRIES 50
#define WINDOW_MAX 64U
#define RCVBUF_WANTED (8 * 1024 * 1024)

enum { UDP_DATA = 1, UDP_ACK, UDP_HELLO, UDP_HELLO_ACK, UDP_FIN, UDP_FIN_ACK };

typedef struct UdpHeader {
	uint32_t type;
	uint32_t msg;		/* message number, per direction, from 1 */
	uint64_t seq;		/* DATA: chunk number; ACK: first missing chunk;
				 * HELLO(_ACK): the sender's receive window */
} UdpHeader;

struct MethodSide {
	int fd;
	uint8_t *buf;		/* size + CHUNK bytes */
	size_t size;
	uint64_t n_chunks;
	uint32_t tx_msg, rx_msg;	/* last message sent / received */
	uint64_t peer_window;		/* chunks the peer can queue */
	uint64_t my_window;
	uint8_t *got;			/* receive: one flag per chunk */
	uint64_t retransmits;
};

static size_t chunk_len(const MethodSide *s, uint64_t seq)
{
	size_t off = (size_t)seq * CHUNK;

	return s->size - off < CHUNK ? s->size - off : CHUNK;
}

static int send_ctl(MethodSide *s, uint32_t type, uint32_t msg, uint64_t seq)
{
	UdpHeader h = { .type = type, .msg = msg, .seq = seq };

	if (send(s->fd, &h, sizeof(h), 0) < 0)
		return errno == ECONNREFUSED ? -EPIPE : -errno;
	return 0;
}

static int send_chunk(MethodSide *s, uint64_t seq)
{
	UdpHeader h = { .type = UDP_DATA, .msg = s->tx_msg, .seq = seq };
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = s->buf + seq * CHUNK, .iov_len = chunk_len(s, seq) },
	};
	ssize_t r;

	do
		r = writev(s->fd, iov, 2);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == ECONNREFUSED ? -EPIPE : -errno;
	return 0;
}

static int socket_window(int fd, uint64_t *window)
{
	int v = RCVBUF_WANTED, snd = RCVBUF_WANTED;
	socklen_t len = sizeof(v);

	/* Capped by net.core.rmem_max / wmem_max; the kernel doubles it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd)) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0)
		return -errno;
	/* A loopback datagram costs its payload plus a few KiB of overhead. */
	*window = (uint64_t)v / (CHUNK + 8192);
	if (*window < 1)
		*window = 1;
	if (*window > WINDOW_MAX)
		*window = WINDOW_MAX;
	return 0;
}

static void udp_close(MethodSide *s)
{
	if (!s)
		return;
	close_fd(&s->fd);
	unmap_buffer(s->buf, s->size + CHUNK);
	free(s->got);
	free(s);
}

static int udp_side_new(const MethodParams *p, MethodSide **out)
{
	MethodSide *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->size = p->size;
	s->n_chunks = (p->size + CHUNK - 1) / CHUNK;
	s->buf = map_buffer(p->size + CHUNK);
	s->got = calloc(s->n_chunks, 1);
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!s->buf || !s->got || s->fd < 0) {
		r = s->fd < 0 ? -errno : -ENOMEM;
		udp_close(s);
		return r;
	}
	r = socket_window(s->fd, &s->my_window);
	if (r < 0) {
		udp_close(s);
		return r;
	}
	*out = s;
	return 0;
}

static int udp_listen(const MethodParams *p, MethodSide **out, char *addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	MethodSide *s;
	int r;

	r = udp_side_new(p, &s);
	if (r < 0)
		return r;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &len) < 0) {
		r = -errno;
		udp_close(s);
		return r;
	}
	snprintf(addr, ADDR_SIZE, "%u", ntohs(sa.sin_port));
	*out = s;
	return 0;
}

/* Server: wait for the client's HELLO, connect to it, answer. */
static int udp_accept(MethodSide *s)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	UdpHeader h;
	ssize_t n;
	int r;

	for (;;) {
		r = wait_fd(s->fd, POLLIN, IDLE_TIMEOUT_MS);
		if (r < 0)
			return r;
		n = recvfrom(s->fd, &h, sizeof(h), 0, (struct sockaddr *)&peer, &len);
		if (n < 0)
			return -errno;
		if (n == sizeof(h) && h.type == UDP_HELLO)
			break;
	}
	s->peer_window = h.seq;
	if (connect(s->fd, (struct sockaddr *)&peer, len) < 0)
		return -errno;
	return send_ctl(s, UDP_HELLO_ACK, 0, s->my_window);
}

static int udp_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	MethodSide *s;
	UdpHeader h;
	int i, r;

	r = udp_side_new(p, &s);
	if (r < 0)
		return r;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)strtoul(addr, NULL, 10));
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		goto fail;
	}
	for (i = 0; i < HANDSHAKE_TRIES; i++) {
		r = send_ctl(s, UDP_HELLO, 0, s->my_window);
		if (r < 0)
			goto fail;
		r = wait_fd(s->fd, POLLIN, RTO_MS);
		if (r == -ETIMEDOUT)
			continue;
		if (r < 0)
			goto fail;
		if (recv(s->fd, &h, sizeof(h), 0) == sizeof(h) && h.type == UDP_HELLO_ACK) {
			s->peer_window = h.seq;
			*out = s;
			return 0;
		}
	}
	r = -ETIMEDOUT;
fail:
	udp_close(s);
	return r;
}

static void *udp_buffer(MethodSide *s)
{
	return s->buf;
}

/* Consume the datagram at the head of the queue (only its header is kept). */
static int drop_datagram(MethodSide *s)
{
	UdpHeader h;

	return recv(s->fd, &h, sizeof(h), MSG_TRUNC) < 0 ? -errno : 0;
}

static int udp_send(MethodSide *s)
{
	uint64_t base = 0, next = 0;
	int64_t idle_since = now_ns();
	UdpHeader h;
	int r;

	s->tx_msg++;
	while (base < s->n_chunks) {
		while (next < s->n_chunks && next < base + s->peer_window) {
			r = send_chunk(s, next++);
			if (r < 0)
				return r;
		}
		r = wait_fd(s->fd, POLLIN, RTO_MS);
		if (r == -ETIMEDOUT) {
			if (now_ns() - idle_since > (int64_t)IDLE_TIMEOUT_MS * 1000000)
				return -ETIMEDOUT;
			s->retransmits += next - base;
			next = base;	/* go back to the oldest unacknowledged */
			continue;
		}
		if (r < 0)
			return r;
		/* Look before taking: the peer's next message must stay queued. */
		if (recv(s->fd, &h, sizeof(h), MSG_PEEK) < (ssize_t)sizeof(h)) {
			r = drop_datagram(s);
			if (r < 0)
				return r;
			continue;
		}
		if (h.type == UDP_DATA && h.msg == s->rx_msg + 1)
			return 0;	/* the peer answers: it has all of ours */
		r = drop_datagram(s);
		if (r < 0)
			return r;
		if (h.type == UDP_ACK && h.msg == s->tx_msg && h.seq > base) {
			base = h.seq < s->n_chunks ? h.seq : s->n_chunks;
			if (next < base)
				next = base;
			idle_since = now_ns();
		} else if (h.type == UDP_DATA && h.msg == s->rx_msg) {
			r = send_ctl(s, UDP_ACK, s->rx_msg, s->n_chunks);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int udp_recv(MethodSide *s)
{
	uint32_t msg = s->rx_msg + 1;
	uint64_t first_missing = 0, since_ack = 0, ack_every = s->my_window / 4 + 1;
	UdpHeader h;
	int r;

	memset(s->got, 0, s->n_chunks);
	while (first_missing < s->n_chunks) {
		uint8_t *slot = s->buf + first_missing * CHUNK;
		struct iovec iov[2] = {
			{ .iov_base = &h, .iov_len = sizeof(h) },
			{ .iov_base = slot, .iov_len = CHUNK },
		};
		bool gap;
		ssize_t n;

		r = wait_fd(s->fd, POLLIN, IDLE_TIMEOUT_MS);
		if (r < 0)
			return r;
		n = readv(s->fd, iov, 2);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == ECONNREFUSED ? -EPIPE : -errno;
		}
		if (n < (ssize_t)sizeof(h))
			continue;
		if (h.type == UDP_FIN)
			return send_ctl(s, UDP_FIN_ACK, h.msg, 0) < 0 ? -EPIPE : 0;
		if (h.type != UDP_DATA)
			continue;	/* a late ACK of our last message */
		if (h.msg == s->rx_msg) {
			/* Our final ACK of that message was lost. */
			r = send_ctl(s, UDP_ACK, s->rx_msg, s->n_chunks);
			if (r < 0)
				return r;
			continue;
		}
		if (h.msg != msg || h.seq >= s->n_chunks ||
		    (size_t)n - sizeof(h) != chunk_len(s, h.seq))
			continue;
		gap = h.seq != first_missing;
		if (s->got[h.seq])
			continue;	/* a duplicate; what it overwrote was free */
		if (gap)
			memcpy(s->buf + h.seq * CHUNK, slot, chunk_len(s, h.seq));
		s->got[h.seq] = 1;
		while (first_missing < s->n_chunks && s->got[first_missing])
			first_missing++;
		if (gap || ++since_ack >= ack_every || first_missing == s->n_chunks) {
			since_ack = 0;
			r = send_ctl(s, UDP_ACK, msg, first_missing);
			if (r < 0)
				return r;
		}
	}
	s->rx_msg = msg;
	return 1;
}

static int udp_finish(MethodSide *s)
{
	UdpHeader h;
	int i, r;

	for (i = 0; i < HANDSHAKE_TRIES; i++) {
		r = send_ctl(s, UDP_FIN, s->tx_msg + 1, 0);
		if (r == -EPIPE)
			return 0;	/* the server got it and is gone */
		if (r < 0)
			return r;
		r = wait_fd(s->fd, POLLIN, RTO_MS);
		if (r == -ETIMEDOUT)
			continue;
		if (r < 0)
			return r;
		if (recv(s->fd, &h, sizeof(h), MSG_TRUNC) < 0)
			return errno == ECONNREFUSED ? 0 : -errno;
		if (h.type == UDP_FIN_ACK)
			return 0;
	}
	return -ETIMEDOUT;
}

static int udp_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	return serve_in_place(&method_udp, s, fn, userdata);
}

const Method method_udp = {
	.name = "udp",
	.how = "UDP* over loopback: 64000-byte datagrams with sequence numbers, "
	       "cumulative acks, a window from the receive buffer, go-back "
	       "retransmission after 200 ms",
	.listen = udp_listen,
	.accept = udp_accept,
	.serve = udp_serve,
	.connect = udp_connect,
	.buffer = udp_buffer,
	.send = udp_send,
	.recv = udp_recv,
	.finish = udp_finish,
	.close = udp_close,
};
