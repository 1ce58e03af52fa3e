/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipcbench's round-trip mode ("ipcbench rtt"): request/reply round trips
 * of one or more message sizes between a client (the timing process) and
 * an echo server (a forked child), for several methods side by side in one
 * run; see rtt.c. This header is the interface of its methods (the table
 * in rtt-methods.c, the methods in rtt-*.c).
 */
#ifndef IPCBENCH_RTT_H
#define IPCBENCH_RTT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <bindox/bindox.h>

#define RTT_DEFAULT_SIZE 64U

/* What one method needs while it runs; filled by its setup. */
typedef struct RttCtx {
	const char *device;	/* the bindox device */
	const char *binder_device;
	size_t size;		/* bytes per message, both ways */
	uint8_t *req_buf;	/* size bytes of the client's own, for methods that want them */
	uint8_t *rep_buf;
	pid_t server;		/* the echo server child */
	int ctl;		/* read end: status, then RttServerReport, from the server */
	int wfd, rfd;		/* uds, pipe, memfd: client's write and read ends */
	BindoxConn *conn;	/* bindox: the client's connection */
	BindoxMsg *req, *reply;
	uint32_t handle;	/* bindox: the server's handle */
	void *priv;		/* the method's own state (freed by its stop) */
	uint64_t client_syscalls;
} RttCtx;

/* What a server child reports on its control pipe when it exits. */
typedef struct RttServerReport {
	uint64_t syscalls;	/* every syscall of its serving loop */
	uint64_t rounds;	/* requests answered */
} RttServerReport;

typedef struct RttMethod {
	const char *name;
	const char *how;		/* how the bytes travel, for --help */
	size_t max_size;		/* largest message it can carry; 0: no limit */
	const char *max_size_why;	/* what sets that limit */
	/* Syscalls per round trip of @size bytes, as designed. */
	void (*design)(size_t size, unsigned int *client, unsigned int *server);
	/* Start the server; *ctx was set up with -1 descriptors and pids. */
	int (*setup)(RttCtx *ctx);
	/* Where the client writes its next request (ctx->size bytes). */
	uint8_t *(*request)(RttCtx *ctx);
	/* Send the request, wait for the reply; *@rep: where the reply is. */
	int (*round_trip)(RttCtx *ctx, const uint8_t **rep);
	int (*stop)(RttCtx *ctx);	/* ask the server to exit; free ctx->priv */
} RttMethod;

/* All methods, in report order. */
extern const RttMethod rtt_methods[];
extern const unsigned int n_rtt_methods;

/* Design helpers: one call per side, and a write plus a read per side. */
void rtt_design_1_1(size_t size, unsigned int *client, unsigned int *server);
void rtt_design_2_2(size_t size, unsigned int *client, unsigned int *server);

/* The server's control pipe: a status after setup, a report when it exits. */
void rtt_ctl_send_status(int ctl, int32_t status);
void rtt_ctl_send_report(int ctl, uint64_t syscalls, uint64_t rounds);
/* The client's side: the server's setup status (0) or a negative errno. */
int rtt_ctl_recv_status(int ctl);

/* The methods (rtt-bindox.c, rtt-binder.c, rtt-memfd.c, rtt-futex.c, rtt-methods.c). */
int rtt_bindox_inline_setup(RttCtx *ctx);
int rtt_bindox_buffer_setup(RttCtx *ctx);
int rtt_bindox_payload_setup(RttCtx *ctx);
uint8_t *rtt_bindox_inline_request(RttCtx *ctx);
uint8_t *rtt_bindox_buffer_request(RttCtx *ctx);
uint8_t *rtt_bindox_payload_request(RttCtx *ctx);
int rtt_bindox_inline_round_trip(RttCtx *ctx, const uint8_t **rep);
int rtt_bindox_buffer_round_trip(RttCtx *ctx, const uint8_t **rep);
int rtt_bindox_payload_round_trip(RttCtx *ctx, const uint8_t **rep);
int rtt_bindox_stop(RttCtx *ctx);

void rtt_binder_design(size_t size, unsigned int *client, unsigned int *server);
int rtt_binder_setup(RttCtx *ctx);
uint8_t *rtt_binder_request(RttCtx *ctx);
int rtt_binder_round_trip(RttCtx *ctx, const uint8_t **rep);
int rtt_binder_stop(RttCtx *ctx);

int rtt_memfd_setup(RttCtx *ctx);
uint8_t *rtt_memfd_request(RttCtx *ctx);
int rtt_memfd_round_trip(RttCtx *ctx, const uint8_t **rep);
int rtt_memfd_stop(RttCtx *ctx);

int rtt_futex_setup(RttCtx *ctx);
uint8_t *rtt_futex_request(RttCtx *ctx);
int rtt_futex_round_trip(RttCtx *ctx, const uint8_t **rep);
int rtt_futex_stop(RttCtx *ctx);

/* The mode's main(): argv[0] is "rtt". */
int rtt_main(int argc, char **argv);

#endif
