/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * bxt-buffer: support of the buffer tests (test-buffer*.c): page frame
 * numbers from /proc/self/pagemap, fault counts, probes that touch memory in
 * a forked child, and a buffer server in a child process.
 *
 * The server registers a unique name with the Coordinator and answers calls
 * whose data is a u32 command and a u32 argument followed by one
 * BINDOX_OBJ_BUFFER object. It takes the buffer with bindox_msg_get_buffer()
 * and answers with a BxbReport (and, for BXB_FILL_RETURN, the buffer moved
 * back).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <bindox/bindox.h>

#define BXB_MIB (1024UL * 1024UL)
#define BXB_PROBES 3

/* Page frame number of the page at @p (as root): 0 if not present. */
uint64_t bxb_pfn(const void *p);
/* Minor page faults of this process so far. */
long bxb_minflt(void);
/* Offset of probe @i (0, the middle page, the last page) in @size bytes. */
size_t bxb_probe_offset(size_t size, int i);
/* Page frame numbers of the probes of a mapping (touching them first). */
void bxb_probe_pfns(const void *p, size_t size, uint64_t pfn[BXB_PROBES]);
/* Read one byte of every page: touches (maps) all of it. */
uint64_t bxb_touch(const void *p, size_t size);
/* Sum of every 64-bit word of @size bytes (a checksum that reads all). */
uint64_t bxb_sum(const void *p, size_t size);
/*
 * Fork a child that writes (@write) or reads one byte at @p and exits 0:
 * the signal it died of, 0 if the access worked, or -errno.
 */
int bxb_access_signal(void *p, bool write);

/* Commands of the buffer server. */
enum {
	BXB_INSPECT = 1,	/* map, read all, probe writing; keep if arg */
	BXB_FILL_RETURN = 2,	/* map, fill with the byte arg, move it back */
	BXB_DROP = 3,		/* release every buffer kept (no object) */
	BXB_RECHECK = 4,	/* bytes and sum of the first buffer kept */
};

typedef struct BxbReport {
	int32_t status;		/* 0, or the -errno of the step that failed */
	int32_t line;		/* where it failed */
	uint32_t writable;	/* bindox_buffer_writable() */
	uint32_t info_flags;	/* BINDOX_IOC_BUFFER_INFO flags */
	uint64_t size;
	uint64_t pfn[BXB_PROBES];
	uint8_t byte[BXB_PROBES];	/* at the probes, before any write */
	uint8_t pad[5];
	int64_t faults;		/* minor faults reading or filling all of it */
	uint64_t sum;		/* bxb_sum() of all of it */
	int32_t write_signal;	/* bxb_access_signal(write) of its mapping */
	int32_t mprotect_errno;	/* mprotect(PROT_READ | PROT_WRITE): 0 or errno */
	int32_t mmap_rw_errno;	/* a writable mmap of its id: 0 or errno */
	int32_t kept;		/* buffers the server keeps now */
} BxbReport;

typedef struct BxbServer {
	char name[64];
	pid_t pid;
	int rep[2];
} BxbServer;

/* Start a server child (a Coordinator must run); returns once registered. */
void bxb_server_start_ck(BxbServer *s);
/* Kill it (pid 0 afterwards). */
void bxb_server_kill_ck(BxbServer *s);

#define BXB_SERVERS_MAX 2

/* The usual setup: a Coordinator, a connection, servers and handles to them. */
typedef struct BxbEnv {
	pid_t coord;
	BindoxConn *c;
	int n;
	BxbServer srv[BXB_SERVERS_MAX];
	uint32_t h[BXB_SERVERS_MAX];
} BxbEnv;

void bxb_env_up_ck(BxbEnv *e, int n_servers);
/* Kill the servers still running, close, stop the Coordinator, no leaks. */
void bxb_env_down_ck(BxbEnv *e);

/*
 * Call the server at handle @h: @cmd, @arg, and @b (NULL: none) in @mode.
 * On success *@rep is its report and *@back (if not NULL) the buffer moved
 * back, or NULL. Returns 0 or -errno of the call.
 */
int bxb_call(BindoxConn *c, uint32_t h, uint32_t cmd, uint32_t arg, BindoxBuffer *b,
	     uint32_t mode, BxbReport *rep, BindoxBuffer **back);

/* BINDOX_IOC_BUFFER_INFO of @id on @fd: 0 or -errno; *@info filled. */
int bxb_info(int fd, uint32_t id, struct bindox_buffer_info *info);

/* Read and write a module parameter of bindox.ko. */
unsigned long bxb_param_get_ck(const char *name);
int bxb_param_set(const char *name, unsigned long value);
void bxb_param_set_ck(const char *name, unsigned long value);
