/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipcbench's round-trip mode ("ipcbench rtt"): 64-byte request/reply round
 * trips between a client (the timing process) and an echo server (a forked
 * child), for several methods side by side in one run; see rtt.c. This
 * header is the interface of its methods (rtt-methods.c).
 */
#ifndef IPCBENCH_RTT_H
#define IPCBENCH_RTT_H

#include <stdint.h>
#include <sys/types.h>
#include <bindox/bindox.h>

#define RTT_MSG_SIZE 64U

/* What one method needs while it runs; filled by its setup. */
typedef struct RttCtx {
	const char *device;	/* the bindox device */
	pid_t server;		/* the echo server child */
	int ctl;		/* read end: status, then RttServerReport, from the server */
	int wfd, rfd;		/* uds, pipe: client's write and read ends */
	BindoxConn *conn;	/* bindox: the client's connection */
	BindoxMsg *req, *reply;
	uint32_t handle;	/* bindox: the server's handle */
	uint64_t client_syscalls;
} RttCtx;

/* What a server child reports on its control pipe when it exits. */
typedef struct RttServerReport {
	uint64_t syscalls;	/* every syscall of its serving loop */
	uint64_t rounds;	/* requests answered */
} RttServerReport;

typedef struct RttMethod {
	const char *name;
	unsigned int design_client;	/* syscalls per round trip, as designed */
	unsigned int design_server;
	/* Start the server; *ctx was set up with -1 descriptors and pids. */
	int (*setup)(RttCtx *ctx);
	int (*round_trip)(RttCtx *ctx, const uint8_t *req, uint8_t *rep);
	int (*stop)(RttCtx *ctx);	/* ask the server to exit */
} RttMethod;

/* bindox, uds, pipe: the default order. */
extern const RttMethod rtt_methods[];
extern const unsigned int n_rtt_methods;

/* The mode's main(): argv[0] is "rtt". */
int rtt_main(int argc, char **argv);

#endif
