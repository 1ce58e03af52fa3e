/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * bxt: shared support of the in-guest kernel tests (tests/kernel/test-*).
 *
 * The tests run as root inside the QEMU guest with bindox.ko loaded. Each
 * is a Check program in fork mode: every test runs in its own child of the
 * Check runner, and the Check runner itself never touches the device, so
 * the live-object counters of /sys/kernel/debug/bindox/counters must be zero
 * whenever a test starts (bxt_setup() waits for that) and again when it has
 * closed everything it opened (bxt_assert_no_leaks()).
 *
 * Conventions:
 * - Functions that return int return 0 or a negative errno (like libbindox).
 * - Functions whose name ends in _ck, and the BXT_* assertion macros, use
 *   Check assertions: call them only in the test process itself, never in a
 *   child forked by a test (bxt_spawn()); children report through their
 *   exit status (BXT_CHILD_* macros) and pipes.
 * - Raw messages are built and received in a BxtBuf (data + object offsets).
 */

#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/bindox.h>
#include <bindox/bindox.h>

#define BXT_DEVICE "/dev/bindox"
#define BXT_COUNTERS "/sys/kernel/debug/bindox/counters"
#define BXT_STATE "/sys/kernel/debug/bindox/state"

#define BXT_MS (1000LL * 1000LL)
#define BXT_SEC (1000LL * BXT_MS)
/* Bound on waits that only fail when something is broken (emulated guest). */
#define BXT_LONG_MS 30000
#define BXT_LONG_NS (30LL * BXT_SEC)

/* Check's per-test timeout (scaled by CK_TIMEOUT_MULTIPLIER in the guest). */
#define BXT_TEST_TIMEOUT 120

/* Name of an errno (negative or positive), for messages. "0" for 0. (bxt-check.c) */
const char *bxt_errname(int err);

/* ---- Check glue (bxt-check.c) ---- */

#define BXT_OK(expr)                                                             \
	do {                                                                     \
		int bxt_r_ = (expr);                                             \
		ck_assert_msg(bxt_r_ == 0, "%s = %d (%s), expected 0", #expr,    \
			      bxt_r_, bxt_errname(bxt_r_));                      \
	} while (0)

#define BXT_ERR(expr, err)                                                       \
	do {                                                                     \
		int bxt_r_ = (expr);                                             \
		ck_assert_msg(bxt_r_ == -(err), "%s = %d (%s), expected %s",     \
			      #expr, bxt_r_, bxt_errname(bxt_r_),                \
			      bxt_errname(err));                                 \
	} while (0)

/* A tcase with the generous timeout and the checked fixture bxt_setup(). */
TCase *bxt_tcase(Suite *s, const char *name);
/* Run the suite (fork mode, verbose); the exit status for main(). */
int bxt_run(Suite *s);

/*
 * Checked fixture: fails when the module is not loaded, and waits (up to
 * 10 s) for the counters to read zero, so that a test never starts with
 * objects left by an earlier one.
 */
void bxt_setup(void);

/* ---- counters and state (bxt-counters.c) ---- */

typedef struct BxtCounters {
	long procs, nodes, handles, transactions, deaths;
	long buffers, buffer_ids, buffer_bytes, parked_calls, queue_accounts;
} BxtCounters;

int bxt_counters_read(BxtCounters *c);
/* Whether every counter is zero. */
bool bxt_counters_zero(const BxtCounters *c);
/*
 * Wait (up to 10 s) until every counter is zero; fail with their values.
 * Also fails if the kernel is tainted by a warning, an oops or a bad page.
 */
void bxt_assert_no_leaks(void);
/* Sum of "queued N" over every proc of the debugfs state file, or -errno. */
int bxt_state_queued(void);
/* Wait until bxt_state_queued() == n; 0 or -ETIMEDOUT. */
int bxt_wait_queued(int n, int timeout_ms);

/* ---- time (bxt-time.c) ---- */

int64_t bxt_now_ns(void);
void bxt_sleep_ms(int ms);

/* ---- trace instances (bxt-tracefs.c) ---- */

/*
 * A trace instance of the test's own, /sys/kernel/tracing/instances/@name
 * (tracefs is mounted if it is not); one left over from before goes first.
 */
void bxt_trace_instance_ck(const char *name);
/* Write @text to the instance's @file (e.g. "events/bindox/enable"). */
void bxt_trace_write_ck(const char *name, const char *file, const char *text);
/* What the instance recorded (the caller frees it); the instance goes. */
char *bxt_trace_take_ck(const char *name);

/* ---- device (bxt-device.c) ---- */

/* open(2) O_RDWR|O_CLOEXEC of BXT_DEVICE: the fd, asserted. */
int bxt_open_ck(void);
/* open(2) O_RDWR|O_CLOEXEC of @path: the fd or -errno. */
int bxt_try_open(const char *path);
/* Library connection, asserted. */
BindoxConn *bxt_conn_ck(void);
/* ioctl(2): 0 or -errno. */
int bxt_ioctl(int fd, unsigned long request, void *arg);
/* BINDOX_IOC_SET_COORDINATOR with flags 0. */
int bxt_claim(int fd);
/*
 * A second device node of the host domain, mode 0666, in /dev (devtmpfs in
 * the guest), so that unprivileged children can open the device. Writes
 * its path to @path (at least 64 bytes). Remove it with unlink().
 */
void bxt_world_node_ck(char *path);
/* Whether @fd is an open file of the bindox device (any node of it). */
bool bxt_is_bindox_fd(int fd);

/* ---- raw messages (bxt-msg.c) ---- */

#define BXT_BUF_DATA 4096U
#define BXT_BUF_OBJS 64U

typedef struct BxtBuf {
	uint8_t *data;
	uint64_t *offs;
	uint32_t size;	/* bytes of data */
	uint32_t n;	/* objects */
	uint32_t cap;	/* receive capacity offered (data) */
	uint32_t ocap;	/* receive capacity offered (objects) */
	_Alignas(8) uint8_t inline_data[BXT_BUF_DATA];
	uint64_t inline_offs[BXT_BUF_OBJS];
} BxtBuf;

/* Empty buffer with the inline storage and full capacities. */
void bxt_buf_init(BxtBuf *b);
/* Empty buffer on external storage (e.g. BINDOX_MAX_DATA_SIZE bytes). */
void bxt_buf_init_ext(BxtBuf *b, void *data, uint32_t cap, uint64_t *offs, uint32_t ocap);
void bxt_buf_clear(BxtBuf *b);
void bxt_buf_put(BxtBuf *b, const void *p, size_t n);
void bxt_buf_u64(BxtBuf *b, uint64_t v);
void bxt_buf_str(BxtBuf *b, const char *s);	/* without the NUL */
/* Pad to 8 bytes, record the offset, append the object. */
void bxt_buf_obj(BxtBuf *b, uint32_t type, uint64_t value);
/* Object @i as it sits in the data (the offset is trusted). */
struct bindox_object bxt_buf_obj_at(const BxtBuf *b, uint32_t i);
uint64_t bxt_buf_u64_at(const BxtBuf *b, size_t off);
void bxt_buf_send_payload(const BxtBuf *b, struct bindox_payload *p);

/* BINDOX_IOC_CALL; @rep receives the reply (its cap/ocap are offered). */
int bxt_call(int fd, uint32_t handle, const BxtBuf *req, BxtBuf *rep,
	     struct bindox_message *hdr, int64_t timeout_ns);
/* bxt_call() of one u64 (7), the reply dropped: for "may it call?". */
int bxt_call_small(int fd, uint32_t handle);
/* BINDOX_IOC_SEND with BINDOX_TF_ONEWAY. */
int bxt_send(int fd, uint32_t handle, const BxtBuf *m);
/* BINDOX_IOC_SEND with @flags (BINDOX_TF_ONEWAY | BINDOX_TF_WAIT_ROOM, ...). */
int bxt_send_flags(int fd, uint32_t handle, uint32_t flags, const BxtBuf *m);
/* BINDOX_IOC_RECV into @b (NULL: no capacity); @hdr may be NULL. */
int bxt_recv(int fd, BxtBuf *b, struct bindox_message *hdr, int64_t timeout_ns);
/* BINDOX_IOC_REPLY_RECV; @reply NULL sends an empty reply; *@reply_id out. */
int bxt_reply_recv(int fd, uint64_t *reply_id, const BxtBuf *reply, BxtBuf *b,
		   struct bindox_message *hdr, int64_t timeout_ns);
/*
 * Answer @id without waiting: REPLY_RECV with timeout 0. Returns 0 when the
 * reply went out and nothing was queued (-EAGAIN of the receive half); 1
 * when it went out and the receive half found something (received into @b,
 * or failed, e.g. -EMSGSIZE); the negative errno when the reply did not go
 * out.
 */
int bxt_reply(int fd, uint64_t id, const BxtBuf *reply, BxtBuf *b);
int bxt_release(int fd, uint32_t handle);
int bxt_subscribe(int fd, uint32_t handle, uint64_t cookie);
int bxt_unsubscribe(int fd, uint32_t handle, uint64_t cookie);

/* ---- the Coordinator protocol, raw (bxt-coord-protocol.c) ---- */

/* A request: header, @name_len bytes of @name, and a NODE if @node. */
void bxt_coord_request(BxtBuf *b, uint32_t op, const char *name, size_t name_len,
		       bool node, uint64_t cookie);
/* REGISTER our node @cookie as @name: the Coordinator's status or -errno. */
int bxt_register(int fd, const char *name, uint64_t cookie);
/* LOOKUP @name: the Coordinator's status or -errno; *@h the new handle. */
int bxt_lookup(int fd, const char *name, uint32_t *h);
int bxt_unregister(int fd, const char *name);
/* A name unique in this boot: "bxt-<pid>-<n>-<tag>". */
void bxt_unique_name(char *buf, size_t size, const char *tag);
/*
 * Give @cli_fd a handle to @srv_fd's node @cookie: register it under a
 * unique name and look it up (needs a running Coordinator). Asserted.
 */
uint32_t bxt_link_ck(int srv_fd, uint64_t cookie, int cli_fd);

/* ---- a Coordinator: the test coordinator registry, libbindox server (bxt-coord.c) ---- */

#define BXT_COORD_SEEN_MAX 64

/* What the Coordinator saw in one call, as the driver delivered it. */
typedef struct BxtCoordSeen {
	uint32_t op;			/* 0 if it did not parse */
	char name[BINDOX_NAME_BUF_SIZE];
	uint32_t n_objects;
	struct bindox_object obj;	/* the first object, as delivered */
	uint64_t cookie;		/* the Coordinator node's cookie */
	BindoxCreds creds;
} BxtCoordSeen;

typedef struct BxtCoord {
	BindoxConn *conn;
	void *tc;			/* TestCoordinator */
	BindoxServer *server;
	pthread_mutex_t lock;
	unsigned int n_calls;		/* BINDOX_MSG_CALL messages */
	unsigned int n_deaths;		/* BINDOX_MSG_DEATH messages */
	BxtCoordSeen seen[BXT_COORD_SEEN_MAX];
} BxtCoord;

/* Open, become the Coordinator, serve with 2 threads: 0 or -errno. */
int bxt_coord_start(BxtCoord **out);
BxtCoord *bxt_coord_start_ck(void);
void bxt_coord_stop(BxtCoord *c);
unsigned int bxt_coord_calls(BxtCoord *c);
/* A copy of the @i-th call seen (0-based); false if there is none. */
bool bxt_coord_seen(BxtCoord *c, unsigned int i, BxtCoordSeen *out);

/*
 * The same Coordinator in a child process (forked; do it before the test
 * starts threads). Returns once it serves. Stop it with bxt_coord_kill().
 */
pid_t bxt_coord_spawn_ck(void);
void bxt_coord_kill_ck(pid_t pid);

/* ---- the usual setup: Coordinator, server fd, client fd with a handle (bxt-env.c) ---- */

typedef struct BxtEnv {
	BxtCoord *coord;	/* in-process Coordinator */
	int srv;		/* owns the node @cookie */
	int cli;		/* holds @h, a handle to it */
	uint32_t h;
	uint64_t cookie;
} BxtEnv;

void bxt_env_up_ck(BxtEnv *e, uint64_t cookie);
/* Close what is still open (fds >= 0), stop the Coordinator, check for leaks. */
void bxt_env_down_ck(BxtEnv *e);

/* ---- a raw echo server on one fd, in a thread (bxt-echo.c) ---- */

/*
 * Answers every call with the request's data and objects (objects as
 * delivered to the server, so handles and nodes travel back through the
 * driver), then releases the handles the request brought. Counts one-way
 * messages. Records the cookie and sender of the last call.
 */
typedef struct BxtEcho {
	int fd;
	pthread_t thread;
	atomic_bool stop;
	atomic_uint calls;
	atomic_uint oneways;
	atomic_uint reply_errors;	/* replies the driver refused */
	atomic_int error;		/* first unexpected error */
	pthread_mutex_t lock;
	uint64_t last_cookie;
	BindoxCreds last_creds;
} BxtEcho;

void bxt_echo_start_ck(BxtEcho *e, int fd);
/*
 * Stop (within ~100 ms) and join; asserts the loop hit no error and that
 * the driver refused none of its replies (the server then answers with an
 * empty reply, which a caller could take for an echo). A test that
 * provokes refusals checks reply_errors itself and sets it to 0.
 */
void bxt_echo_stop_ck(BxtEcho *e);

/* ---- children and threads (bxt-child.c) ---- */

typedef int (*BxtChildFn)(void *arg);

/*
 * fork(), asserted in the parent only. A check made in the child, as in
 * "pid = fork(); ck_assert(pid >= 0)", is a message the child appends to
 * the file Check's runner reads the test's results from; a child killed
 * in the middle of that write leaves half a message there, and the runner
 * cannot read anything after it ("Bad message type").
 */
pid_t bxt_fork_ck(void);
/*
 * Fork a child that runs @fn(@arg) and _exit()s with its return value. The
 * child dies with the test (PR_SET_PDEATHSIG SIGKILL) and closes every
 * bindox fd it inherited, so that only the files it opens itself are its
 * procs in the driver. Asserted.
 */
pid_t bxt_spawn_ck(BxtChildFn fn, void *arg);
/* waitpid with a bound: the wait status, or -ETIMEDOUT (the child is killed). */
int bxt_waitpid(pid_t pid, int timeout_ms);
/* Wait for @pid and assert that it exited with status 0. */
void bxt_reap_ck(pid_t pid);
/* Wait for @pid and assert that it exited with status @code. */
void bxt_reap_exit_ck(pid_t pid, int code);
/* 300 ms later, @pid has not exited (it still waits). Asserted. */
void bxt_still_running_ck(pid_t pid);
/* SIGKILL @pid and reap it. */
void bxt_kill_ck(pid_t pid);
/* SIGSTOP @pid and wait until it is stopped. Asserted. */
void bxt_stop_ck(pid_t pid);
/* bxt_stop_ck(), 100 ms stopped, then SIGCONT. Asserted. */
void bxt_stop_continue_ck(pid_t pid);
/*
 * Wait until @pid sleeps (its state in /proc is 'S'), then 50 ms more: for
 * a child whose only wait is the one under test. Asserted (5 s).
 */
void bxt_wait_asleep_ck(pid_t pid);
/*
 * SIGUSR1 runs a handler that counts in bxt_usr1_count (set to 0 here), so
 * that it interrupts what waits; @flags: 0 or SA_RESTART. 0 or -errno.
 */
extern volatile sig_atomic_t bxt_usr1_count;
int bxt_usr1_handler(int flags);
/* pthread_join with a bound: 0 or -ETIMEDOUT. */
int bxt_join(pthread_t t, int timeout_ms, void **ret);
/* Keep the calling thread on @cpu: 0 or -errno. */
int bxt_pin_cpu(int cpu);

/* In a child: report a failed check on stderr and _exit(99). */
_Noreturn void bxt_child_fail(const char *file, int line, const char *what, long got);

#define BXT_CHILD_CHECK(cond)                                                    \
	do {                                                                     \
		if (!(cond))                                                     \
			bxt_child_fail(__FILE__, __LINE__, #cond, 0);            \
	} while (0)

#define BXT_CHILD_EQ(expr, want)                                                 \
	do {                                                                     \
		long bxt_v_ = (long)(expr);                                      \
		if (bxt_v_ != (long)(want))                                      \
			bxt_child_fail(__FILE__, __LINE__, #expr " == " #want,   \
				       bxt_v_);                                  \
	} while (0)

/* ---- pipes (bxt-pipe.c) ---- */

void bxt_pipe_ck(int p[2]);
int bxt_put(int fd, uint64_t v);
/* Read one value: 0, -ETIMEDOUT, -EPIPE (writer gone) or -errno. */
int bxt_get(int fd, uint64_t *v, int timeout_ms);
/* bxt_get() asserted. */
uint64_t bxt_get_ck(int fd);

/* ---- credentials (bxt-creds.c) ---- */

/* Raise or lower @cap in the effective set (it stays permitted). */
int bxt_cap_effective(int cap, bool on);
/* setresgid + setgroups + setresuid to (@uid, @gid) everywhere. */
int bxt_become(uid_t uid, gid_t gid);

/*
 * Leave the chroot the guest runs in (tests/vm enters the host root with
 * chroot(8)), which makes unshare(CLONE_NEWUSER) fail with EPERM: escape to
 * the mount namespace's root. *@old_root gets an O_PATH fd of the previous
 * root for bxt_rechroot(). Only in a (single-threaded) child.
 */
int bxt_unchroot(int *old_root);
int bxt_rechroot(int old_root);
