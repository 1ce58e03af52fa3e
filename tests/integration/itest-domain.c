/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindox-itest-domain [--control PATH] COMMAND: the driver's domain
 * control device for the in-guest tests, without bindoxd (to make domains
 * that bindoxd did not create, and devices for the udev rule test).
 *
 *   add NAME UID GID MODE      BINDOX_CTL_DOMAIN_ADD (MODE in octal)
 *   update NAME UID GID MODE   BINDOX_CTL_DOMAIN_UPDATE
 *   remove NAME [force]        BINDOX_CTL_DOMAIN_REMOVE
 *   info NAME                  BINDOX_CTL_DOMAIN_INFO: "id=N uid=N gid=N
 *                              mode=0NNN connections=N"
 *
 * Prints "ok" (or the info line) or "error ERRNO-NAME"; exits 0 on success,
 * 1 on an error, 2 for bad usage.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <bindox/bindox.h>
#include <linux/bindox.h>

static int itest_usage(void)
{
	fprintf(stderr, "usage: bindox-itest-domain [--control PATH] add|update NAME UID GID MODE\n"
			"       bindox-itest-domain [--control PATH] remove NAME [force]\n"
			"       bindox-itest-domain [--control PATH] info NAME\n");
	return 2;
}

static int itest_result(int r)
{
	const char *e = bindox_errno_name(r);

	if (r == 0)
		printf("ok\n");
	else
		printf("error %s\n", e ? e : strerror(-r));
	return r == 0 ? 0 : 1;
}

/* NAME UID GID MODE into @cfg; false for bad usage. */
static int itest_config(char **args, struct bindox_domain_config *cfg)
{
	char *end[3];

	memset(cfg, 0, sizeof(*cfg));
	if (strlen(args[0]) >= sizeof(cfg->name))
		return 0;
	strcpy(cfg->name, args[0]);
	cfg->uid = (uint32_t)strtoul(args[1], &end[0], 10);
	cfg->gid = (uint32_t)strtoul(args[2], &end[1], 10);
	cfg->mode = (uint32_t)strtoul(args[3], &end[2], 8);
	return !*end[0] && !*end[1] && !*end[2];
}

static int itest_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *control = "/dev/bindox-control", *cmd;
	struct bindox_domain_config cfg;
	struct bindox_domain_remove rm;
	int c, fd, n, r;
	char **args;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'c')
			return itest_usage();
		control = optarg;
	}
	if (optind >= argc)
		return itest_usage();
	cmd = argv[optind];
	args = argv + optind + 1;
	n = argc - optind - 1;

	fd = open(control, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return itest_result(-errno);
	if ((strcmp(cmd, "add") == 0 || strcmp(cmd, "update") == 0) && n == 4) {
		if (!itest_config(args, &cfg)) {
			close(fd);
			return itest_usage();
		}
		r = itest_ioctl(fd, cmd[0] == 'a' ? BINDOX_CTL_DOMAIN_ADD : BINDOX_CTL_DOMAIN_UPDATE,
				&cfg);
	} else if (strcmp(cmd, "remove") == 0 && (n == 1 || (n == 2 && !strcmp(args[1], "force"))) &&
		   strlen(args[0]) < sizeof(rm.name)) {
		memset(&rm, 0, sizeof(rm));
		strcpy(rm.name, args[0]);
		rm.flags = n == 2 ? BINDOX_DOMAIN_FORCE : 0;
		r = itest_ioctl(fd, BINDOX_CTL_DOMAIN_REMOVE, &rm);
	} else if (strcmp(cmd, "info") == 0 && n == 1 && strlen(args[0]) < sizeof(cfg.name)) {
		memset(&cfg, 0, sizeof(cfg));
		strcpy(cfg.name, args[0]);
		r = itest_ioctl(fd, BINDOX_CTL_DOMAIN_INFO, &cfg);
		if (r == 0) {
			printf("id=%u uid=%u gid=%u mode=%04o connections=%u\n", cfg.id, cfg.uid,
			       cfg.gid, cfg.mode, cfg.connections);
			close(fd);
			return 0;
		}
	} else {
		close(fd);
		return itest_usage();
	}
	close(fd);
	return itest_result(r);
}
