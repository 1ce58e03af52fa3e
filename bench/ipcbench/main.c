// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipcbench: the paper's section 4 benchmark. For every message size and
 * method: a server process on the host side, a client process in its own
 * container (container.h), and this process, the orchestrator, which starts
 * both, samples their memory, collects their reports and writes one result
 * per run (results.h). Each exchange: the client writes its whole buffer and
 * passes it, the server checks it, writes the whole buffer and passes it
 * back, the client checks the reply (run.h). "ipcbench rtt" is the
 * round-trip mode instead (rtt.h), "ipcbench tput" the throughput mode
 * (tput.h). A benchmark, not a test.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cgroup.h"
#include "child.h"
#include "container.h"
#include "method.h"
#include "pss.h"
#include "results.h"
#include "rtt.h"
#include "tput.h"
#include "run.h"
#include "util.h"

#define MAX_SIZES 16
/* Reading smaps_rollup walks the page tables: not too often under emulation. */
#define DEFAULT_PSS_INTERVAL_MS 100U
#define DEFAULT_RUN_TIMEOUT_S 900U

typedef struct Options {
	const char *workload;
	uint64_t sizes[MAX_SIZES];
	unsigned int n_sizes;
	const Method *methods[16];
	unsigned int n_methods;
	uint64_t iterations, warmup;
	const char *json;
	const char *bindox_device;
	const char *binder_device;
	unsigned int pss_interval_ms;
	unsigned int run_timeout_s;
	bool container;
} Options;

/* ---- reading the children's control pipes, with a deadline ---- */

static int read_deadline(int fd, void *buf, size_t n, int64_t deadline)
{
	size_t got = 0;

	while (got < n) {
		int64_t left = (deadline - now_ns()) / 1000000;
		ssize_t r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = wait_fd(fd, POLLIN, left > 60000 ? 60000 : (int)left);
		if (r == -ETIMEDOUT)
			continue;
		if (r < 0)
			return (int)r;
		r = read(fd, (uint8_t *)buf + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECHILD;	/* the child died */
		got += (size_t)r;
	}
	return 0;
}

static int read_report(int fd, SideReport *rep, void *samples, size_t sample_size,
		       uint64_t max_n, int64_t deadline)
{
	int r = read_deadline(fd, rep, sizeof(*rep), deadline);

	if (r < 0)
		return r;
	if (rep->n > max_n)
		return -EPROTO;
	if (rep->n)
		r = read_deadline(fd, samples, rep->n * sample_size, deadline);
	return r;
}

/* ---- the two sides' processes ---- */

typedef struct ClientArg {
	const RunSpec *spec;
	const char *addr;
	int ctl, go;
} ClientArg;

static int client_main(void *arg)
{
	const ClientArg *a = arg;

	return run_client(a->spec, a->addr, a->ctl, a->go);
}

static int server_main(void *arg, int ctl)
{
	return run_server(arg, ctl);
}

/* The client, in a container unless --no-container; *@keeper: see container.h. */
static pid_t start_client(const Options *opt, ClientArg *a, const char *cgroup, int *ctl,
			  int *go, pid_t *keeper)
{
	const char *devices[] = {
		"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/shm",
		opt->bindox_device, opt->binder_device, NULL,
	};
	int c[2] = { -1, -1 }, g[2] = { -1, -1 };
	pid_t pid;

	*keeper = -1;
	if (pipe2(c, O_CLOEXEC) < 0 || pipe2(g, O_CLOEXEC) < 0) {
		pid = -errno;
		goto fail;
	}
	a->ctl = c[1];
	a->go = g[0];
	if (opt->container) {
		pid = container_spawn(devices, cgroup, client_main, a, keeper);
	} else {
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
			    (cgroup && cgroup_join(cgroup) < 0))
				_exit(1);
			exit(client_main(a) < 0 ? 1 : 0);
		}
		if (pid < 0)
			pid = -errno;
	}
	if (pid < 0)
		goto fail;
	close(c[1]);
	close(g[0]);
	*ctl = c[0];
	*go = g[1];
	return pid;
fail:
	close_fd(&c[0]);
	close_fd(&c[1]);
	close_fd(&g[0]);
	close_fd(&g[1]);
	return pid;
}

/* ---- one run ---- */

typedef struct Run {
	const Options *opt;
	RunSpec spec;
	RunResult *res;
	char cgroup[256];
	bool have_cgroup;
	MethodAux *aux;
	pid_t server, client, keeper;
	int server_ctl, client_ctl, go;
	uint64_t (*client_samples)[2];
	uint64_t *server_samples;
	PssSampler *sampler;
} Run;

static void run_fail(Run *run, const char *what, int err)
{
	if (!run->res->error[0])
		snprintf(run->res->error, sizeof(run->res->error), "%s: %s", what,
			 strerror(err < 0 ? -err : err));
}

static int run_sides(Run *run)
{
	const Options *opt = run->opt;
	int64_t deadline = now_ns() + (int64_t)opt->run_timeout_s * 1000000000LL;
	ClientArg ca = { .spec = &run->spec };
	SideReport crep = { 0 }, srep = { 0 };
	ReadyMsg sready, cready;
	pid_t pids[3];
	unsigned int n_pids;
	uint8_t go = 1;
	int r;

	run->server = spawn_child(server_main, &run->spec, run->have_cgroup ? run->cgroup : NULL,
				  &run->server_ctl);
	if (run->server < 0)
		return run_fail(run, "fork server", run->server), -1;
	r = read_deadline(run->server_ctl, &sready, sizeof(sready), deadline);
	if (r < 0 || sready.status < 0)
		return run_fail(run, "server setup", r < 0 ? r : sready.status), -1;

	ca.addr = sready.addr;
	run->client = start_client(opt, &ca, run->have_cgroup ? run->cgroup : NULL,
				   &run->client_ctl, &run->go, &run->keeper);
	if (run->client < 0)
		return run_fail(run, "start client container", run->client), -1;
	r = read_deadline(run->client_ctl, &cready, sizeof(cready), deadline);
	if (r < 0 || cready.status < 0)
		return run_fail(run, "client setup", r < 0 ? r : cready.status), -1;

	pids[0] = run->server;
	pids[1] = run->client;
	n_pids = 2;
	if (run->spec.method->memory_holder && run->spec.method->memory_holder(run->aux) > 0)
		pids[n_pids++] = run->spec.method->memory_holder(run->aux);
	r = pss_sampler_start(pids, n_pids, opt->pss_interval_ms, &run->sampler);
	if (r < 0)
		return run_fail(run, "memory sampler", r), -1;
	r = write_full(run->go, &go, 1);
	if (r < 0)
		return run_fail(run, "start the client", r), -1;

	r = read_report(run->client_ctl, &crep, run->client_samples,
			sizeof(*run->client_samples), run->spec.iterations, deadline);
	run->res->pss_peak = pss_sampler_stop(run->sampler, &run->res->pss_samples);
	run->sampler = NULL;
	if (r < 0)
		return run_fail(run, "client report", r), -1;
	/* A failed client may leave the server waiting: do not wait for it. */
	if (crep.status < 0)
		return run_fail(run, crep.what, crep.status), -1;
	r = read_report(run->server_ctl, &srep, run->server_samples,
			sizeof(*run->server_samples), run->spec.iterations, deadline);
	if (r < 0)
		return run_fail(run, "server report", r), -1;
	if (srep.status < 0)
		return run_fail(run, srep.what, srep.status), -1;
	if (crep.n != run->spec.iterations || srep.n != run->spec.iterations)
		return run_fail(run, "reports", EPROTO), -1;
	r = result_compute(run->res, run->client_samples, run->server_samples, crep.n, &crep,
			   &srep);
	if (r < 0)
		return run_fail(run, "results", r), -1;
	return 0;
}

static void run_one(const Options *opt, const Method *m, uint64_t size, const char *run_dir,
		    RunResult *res)
{
	static uint64_t run_id;
	Run run = {
		.opt = opt, .res = res, .server = -1, .client = -1, .keeper = -1,
		.server_ctl = -1, .client_ctl = -1, .go = -1,
	};
	bool failed;
	int r;

	memset(res, 0, sizeof(*res));
	res->workload = opt->workload;
	res->method = m->name;
	res->how = m->how;
	res->size = size;
	res->warmup = opt->warmup;
	res->iterations = opt->iterations;
	res->cgroup_peak = -1;
	run.spec = (RunSpec){
		.method = m,
		.params = { .size = size, .run_dir = run_dir, .bindox_device = opt->bindox_device,
			    .binder_device = opt->binder_device,
			    .run_id = ((uint64_t)getpid() << 20) | run_id++ },
		.warmup = opt->warmup,
		.iterations = opt->iterations,
	};
	if (m->max_size && size > m->max_size) {
		snprintf(res->error, sizeof(res->error),
			 "messages above %zu bytes are not supported by this build", m->max_size);
		return;
	}
	run.client_samples = calloc(opt->iterations, sizeof(*run.client_samples));
	run.server_samples = calloc(opt->iterations, sizeof(*run.server_samples));
	if (!run.client_samples || !run.server_samples) {
		run_fail(&run, "allocating samples", ENOMEM);
		goto out;
	}
	run.have_cgroup = cgroup_create(run.cgroup, sizeof(run.cgroup)) == 0;
	if (run.have_cgroup)
		run.spec.params.cgroup = run.cgroup;
	if (m->prepare) {
		r = m->prepare(&run.spec.params, &run.aux);
		if (r < 0) {
			run_fail(&run, "prepare", r);
			goto out;
		}
	}
	failed = run_sides(&run) < 0;
	if (run.sampler)
		(void)pss_sampler_stop(run.sampler, NULL);
	close_fd(&run.go);
	/* Children that failed may still wait for each other: end them. */
	if (reap_child(&run.keeper, failed) < 0 && !failed)
		run_fail(&run, "client exit status", ECHILD);
	if (opt->container)
		(void)reap_child(&run.client, failed);	/* already gone with its keeper */
	else if (reap_child(&run.client, failed) < 0 && !failed)
		run_fail(&run, "client exit status", ECHILD);
	if (reap_child(&run.server, failed) < 0 && !failed)
		run_fail(&run, "server exit status", ECHILD);
	close_fd(&run.client_ctl);
	close_fd(&run.server_ctl);
	if (run.have_cgroup)
		res->cgroup_peak = cgroup_peak(run.cgroup);
out:
	if (m->cleanup)
		m->cleanup(run.aux);
	if (run.have_cgroup)
		cgroup_remove(run.cgroup);
	free(run.client_samples);
	free(run.server_samples);
}

/* ---- options ---- */

static const Method *method_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; methods[i]; i++)
		if (strcmp(methods[i]->name, name) == 0)
			return methods[i];
	return NULL;
}

static int parse_list(const char *s, Options *o, bool sizes)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (sizes)
		o->n_sizes = 0;
	else
		o->n_methods = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (sizes) {
			if (o->n_sizes == MAX_SIZES || parse_size(tok, &o->sizes[o->n_sizes]) < 0)
				return -EINVAL;
			o->n_sizes++;
		} else {
			const Method *m = method_by_name(tok);

			if (!m || o->n_methods == sizeof(o->methods) / sizeof(o->methods[0]))
				return -EINVAL;
			o->methods[o->n_methods++] = m;
		}
	}
	return (sizes ? o->n_sizes : o->n_methods) ? 0 : -EINVAL;
}

static void usage(FILE *f, const char *argv0)
{
	unsigned int i;

	fprintf(f,
		"Usage: %s [options]\n"
		"       %s rtt [options]   request/reply round trips (see: %s rtt --help)\n"
		"       %s tput [options]  throughput under concurrent clients (see: %s tput --help)\n"
		"The paper's benchmark: client (in a container) and server exchange a buffer\n"
		"that each writes whole before passing it; one result per size and method.\n\n"
		"  --workload NAME     label of the results: paper (default) or small\n"
		"  --sizes LIST        comma-separated, suffixes K M G (default 128M)\n"
		"  --methods LIST      comma-separated, in run order (default: all below)\n"
		"  --iterations N      timed exchanges per run (default 10)\n"
		"  --warmup N          untimed exchanges first (default 1, at least 1)\n"
		"  --json FILE         append one JSON object per run to FILE\n"
		"  --device PATH       Bindox device (default /dev/bindox)\n"
		"  --binder-device PATH  binder device (default /dev/binder)\n"
		"  --pss-interval MS   memory sampling period (default %u)\n"
		"  --run-timeout S     give up on a run after S seconds (default %u)\n"
		"  --no-container      run the client without namespaces (debugging)\n"
		"  --list              list the methods of this build and how they pass data\n"
		"  -h, --help          this text\n\nMethods:",
		argv0, argv0, argv0, argv0, argv0, DEFAULT_PSS_INTERVAL_MS, DEFAULT_RUN_TIMEOUT_S);
	for (i = 0; methods[i]; i++)
		fprintf(f, " %s", methods[i]->name);
	fprintf(f, "\n");
}

static int options_parse(int argc, char **argv, Options *o)
{
	static const struct option longopts[] = {
		{ "workload", required_argument, NULL, 'W' },
		{ "sizes", required_argument, NULL, 's' },
		{ "methods", required_argument, NULL, 'm' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "json", required_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "binder-device", required_argument, NULL, 'b' },
		{ "pss-interval", required_argument, NULL, 'p' },
		{ "run-timeout", required_argument, NULL, 't' },
		{ "no-container", no_argument, NULL, 'C' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	unsigned int i;
	int c;

	*o = (Options){
		.workload = "paper", .iterations = 10, .warmup = 1,
		.bindox_device = "/dev/bindox", .binder_device = "/dev/binder",
		.pss_interval_ms = DEFAULT_PSS_INTERVAL_MS,
		.run_timeout_s = DEFAULT_RUN_TIMEOUT_S, .container = true,
		.n_sizes = 1, .sizes = { 128ULL << 20 },
	};
	for (i = 0; methods[i]; i++)
		o->methods[o->n_methods++] = methods[i];

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'W':
			o->workload = optarg;
			break;
		case 's':
		case 'm':
			if (parse_list(optarg, o, c == 's') < 0)
				return -EINVAL;
			break;
		case 'n':
			if (parse_u64(optarg, 1, 10000000, &o->iterations) < 0)
				return -EINVAL;
			break;
		case 'w':
			if (parse_u64(optarg, 1, 1000000, &o->warmup) < 0)
				return -EINVAL;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'd':
			o->bindox_device = optarg;
			break;
		case 'b':
			o->binder_device = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, 1, 10000, &v) < 0)
				return -EINVAL;
			o->pss_interval_ms = (unsigned int)v;
			break;
		case 't':
			if (parse_u64(optarg, 1, 86400, &v) < 0)
				return -EINVAL;
			o->run_timeout_s = (unsigned int)v;
			break;
		case 'C':
			o->container = false;
			break;
		case 'l':
			for (i = 0; methods[i]; i++)
				printf("%-8s %s\n", methods[i]->name, methods[i]->how);
			exit(0);
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

/* The run directory holds sockets and configurations only: no subdirectories. */
static void remove_run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				(void)unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	if (rmdir(dir) < 0)
		fprintf(stderr, "ipcbench: rmdir %s: %s\n", dir, strerror(errno));
}

int main(int argc, char **argv)
{
	char run_dir[] = "/tmp/ipcbench-XXXXXX";
	unsigned int si, mi;
	FILE *json = NULL;
	Options opt;
	int failed = 0;

	if (argc > 1 && strcmp(argv[1], "rtt") == 0)
		return rtt_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "tput") == 0)
		return tput_main(argc - 1, argv + 1);
	if (options_parse(argc, argv, &opt) < 0) {
		usage(stderr, argv[0]);
		return 2;
	}
	/* A side that dies must fail a write, not kill its peer. */
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(run_dir)) {
		fprintf(stderr, "ipcbench: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	if (opt.json) {
		json = fopen(opt.json, "ae");
		if (!json) {
			fprintf(stderr, "ipcbench: %s: %s\n", opt.json, strerror(errno));
			remove_run_dir(run_dir);
			return 1;
		}
	}
	printf("ipcbench: workload %s, %" PRIu64 " timed + %" PRIu64
	       " warm-up exchanges per run, client %s\n",
	       opt.workload, opt.iterations, opt.warmup,
	       opt.container ? "in its own user/pid/mount/IPC namespaces" : "not in a container");
	printf("times in ms (p50 unless said); xfer = iteration - both writes; cpu = client + "
	       "server over the timed exchanges\n");
	result_print_header(stdout);
	for (si = 0; si < opt.n_sizes; si++) {
		for (mi = 0; mi < opt.n_methods; mi++) {
			int64_t t0 = now_ns();
			RunResult res;

			run_one(&opt, opt.methods[mi], opt.sizes[si], run_dir, &res);
			res.wall_s = (double)(now_ns() - t0) / 1e9;
			result_print(stdout, &res);
			if (json)
				result_write_json(json, &res);
			if (res.error[0])
				failed = 1;
		}
	}
	if (json)
		fclose(json);
	remove_run_dir(run_dir);
	return failed;
}
