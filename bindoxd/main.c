/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxd: the Bindox Coordinator daemon. See bindoxd(8).
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include "log.h"
#include "manager.h"

static void main_usage(FILE *f)
{
	fprintf(f,
		"Usage: bindoxd [OPTIONS]\n"
		"The Bindox Coordinator: service registry, policy loader and D-Bus\n"
		"service org.bindox.Coordinator1 on the system bus.\n"
		"\n"
		"  -d, --device PATH             bindox device (default: %s)\n"
		"      --policy-dir DIR          admin policy folder (default: %s)\n"
		"      --vendor-policy-dir DIR   vendor policy folder (default: %s)\n"
		"      --domains-dir DIR         admin domain folder (default: %s)\n"
		"      --vendor-domains-dir DIR  vendor domain folder (default: %s)\n"
		"      --control-device PATH     domain control device (default: %s)\n"
		"      --state-dir DIR           record of bindoxd's domains (default: %s)\n"
		"  -h, --help                    show this help\n"
		"      --version                 show the version\n"
		"\n"
		"Signals: SIGHUP reloads the domain files and the policy; SIGTERM and\n"
		"SIGINT stop. The system bus is $DBUS_SYSTEM_BUS_ADDRESS when set.\n",
		MANAGER_DEFAULT_DEVICE, MANAGER_DEFAULT_POLICY_DIR,
		MANAGER_DEFAULT_VENDOR_POLICY_DIR, MANAGER_DEFAULT_DOMAINS_DIR,
		MANAGER_DEFAULT_VENDOR_DOMAINS_DIR, MANAGER_DEFAULT_CONTROL_DEVICE,
		MANAGER_DEFAULT_STATE_DIR);
}

/* Returns 1 to run, 0 to exit successfully, -EINVAL for bad usage. */
static int main_parse_args(int argc, char **argv, ManagerOptions *o)
{
	enum {
		OPT_POLICY_DIR = 0x100,
		OPT_VENDOR_POLICY_DIR,
		OPT_DOMAINS_DIR,
		OPT_VENDOR_DOMAINS_DIR,
		OPT_CONTROL_DEVICE,
		OPT_STATE_DIR,
		OPT_VERSION,
	};
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "policy-dir", required_argument, NULL, OPT_POLICY_DIR },
		{ "vendor-policy-dir", required_argument, NULL, OPT_VENDOR_POLICY_DIR },
		{ "domains-dir", required_argument, NULL, OPT_DOMAINS_DIR },
		{ "vendor-domains-dir", required_argument, NULL, OPT_VENDOR_DOMAINS_DIR },
		{ "control-device", required_argument, NULL, OPT_CONTROL_DEVICE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->device = MANAGER_DEFAULT_DEVICE;
	o->policy_dir = MANAGER_DEFAULT_POLICY_DIR;
	o->vendor_policy_dir = MANAGER_DEFAULT_VENDOR_POLICY_DIR;
	o->domains_dir = MANAGER_DEFAULT_DOMAINS_DIR;
	o->vendor_domains_dir = MANAGER_DEFAULT_VENDOR_DOMAINS_DIR;
	o->control_device = MANAGER_DEFAULT_CONTROL_DEVICE;
	o->state_dir = MANAGER_DEFAULT_STATE_DIR;
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->device = optarg;
			break;
		case OPT_POLICY_DIR:
			o->policy_dir = optarg;
			break;
		case OPT_VENDOR_POLICY_DIR:
			o->vendor_policy_dir = optarg;
			break;
		case OPT_DOMAINS_DIR:
			o->domains_dir = optarg;
			break;
		case OPT_VENDOR_DOMAINS_DIR:
			o->vendor_domains_dir = optarg;
			break;
		case OPT_CONTROL_DEVICE:
			o->control_device = optarg;
			break;
		case OPT_STATE_DIR:
			o->state_dir = optarg;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("bindoxd %s\n", BINDOX_VERSION_STRING);
			return 0;
		default:
			main_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bindoxd: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	return 1;
}

static int main_on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	(void)manager_reload_domains(userdata, "SIGHUP", NULL);
	(void)manager_reload_policy(userdata, "SIGHUP", NULL);
	return 0;
}

/* Signals arrive through sd-event: block them, then add the sources. */
static int main_add_signals(Manager *m)
{
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	/* A NULL handler makes sd-event exit the loop. */
	r = sd_event_add_signal(m->event, NULL, SIGTERM, NULL, NULL);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGINT, NULL, NULL);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGHUP, main_on_sighup, m);
	return r;
}

int main(int argc, char **argv)
{
	ManagerOptions options;
	Manager *m = NULL;
	int r;

	r = main_parse_args(argc, argv, &options);
	if (r <= 0)
		return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	log_setup();

	r = manager_new(&options, &m);
	if (r >= 0)
		r = main_add_signals(m);
	/* Pings systemd's watchdog from the loop when WatchdogSec= is set. */
	if (r >= 0)
		r = sd_event_set_watchdog(m->event, true);
	if (r >= 0)
		r = manager_connect_bus(m);
	if (r < 0)
		goto out;

	(void)sd_notifyf(0, "READY=1\nSTATUS=Coordinator on %s", options.device);
	log_info("ready: %s on the system bus", "org.bindox.Coordinator1");
	/* The exit code: 0 for SIGTERM/SIGINT, else a failure (bus lost, device). */
	r = sd_event_loop(m->event);
	(void)sd_notify(0, "STOPPING=1");
	if (r < 0)
		log_error("event loop failed: %s", strerror(-r));
	else if (r > 0)
		log_error("stopping after a failure");
	else
		log_info("stopping");
out:
	manager_free(m);
	return r != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
