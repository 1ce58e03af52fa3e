/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hints that name the fix; see ctl-diagnose.h.
 */

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <glib.h>
#include "ctl-diagnose.h"
#include "ctl.h"

/* The kernels dkms.conf builds for (BUILD_EXCLUSIVE_KERNEL). */
#define CTL_KERNEL_MAJOR 6U
#define CTL_KERNEL_MINOR_MIN 1U
#define CTL_KERNEL_MINOR_MAX 12U

bool ctl_diagnose_is_unreachable(const sd_bus_error *error, int r)
{
	static const char *const names[] = {
		SD_BUS_ERROR_SERVICE_UNKNOWN,
		SD_BUS_ERROR_NAME_HAS_NO_OWNER,
		SD_BUS_ERROR_NO_REPLY,
		SD_BUS_ERROR_TIMEOUT,
	};
	size_t i;

	if (error && sd_bus_error_is_set(error)) {
		for (i = 0; i < G_N_ELEMENTS(names); i++)
			if (sd_bus_error_has_name(error, names[i]))
				return true;
		/* Activation through systemd failed (the unit did not start). */
		return g_str_has_prefix(error->name, "org.freedesktop.DBus.Error.Spawn.") ||
		       g_str_has_prefix(error->name, "org.freedesktop.systemd1.");
	}
	return r == -ETIMEDOUT;
}

/* Where DKMS puts the module for kernel @release, if it built it there. */
static bool ctl_module_built_for(const char *release)
{
	static const char *const suffixes[] = { "", ".xz", ".zst", ".gz" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		g_autofree char *path = g_strdup_printf("/lib/modules/%s/updates/dkms/bindox.ko%s",
							release, suffixes[i]);

		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

static void ctl_hint_module(FILE *f)
{
	struct utsname u;
	g_autofree char *build = NULL;
	unsigned int major, minor;

	fputs("hint: the bindox kernel module is not loaded (no " CTL_MODULE_SYSFS ")\n", f);
	if (uname(&u) < 0) {
		fputs("hint: load it with \"modprobe bindox\"\n", f);
		return;
	}
	build = g_strdup_printf("/lib/modules/%s/build", u.release);
	if (sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	    (major != CTL_KERNEL_MAJOR || minor < CTL_KERNEL_MINOR_MIN ||
	     minor > CTL_KERNEL_MINOR_MAX) &&
	    !ctl_module_built_for(u.release)) {
		fprintf(f,
			"hint: bindox-dkms builds the module for kernels %u.%u to %u.%u (dkms.conf), "
			"and the running kernel is %s:\n"
			"hint: boot one of those kernels, then \"modprobe bindox\"\n",
			CTL_KERNEL_MAJOR, CTL_KERNEL_MINOR_MIN, CTL_KERNEL_MAJOR,
			CTL_KERNEL_MINOR_MAX, u.release);
	} else if (ctl_module_built_for(u.release)) {
		fputs("hint: load it with \"modprobe bindox\" (modules-load.d loads it at boot)\n", f);
	} else if (access(build, F_OK) != 0) {
		fprintf(f,
			"hint: DKMS cannot build it for the running kernel %s: its headers are "
			"missing;\n"
			"hint: install them (Debian: apt install linux-headers-%s; Fedora: dnf "
			"install kernel-devel-%s),\n"
			"hint: then \"dkms autoinstall\" and \"modprobe bindox\"\n",
			u.release, u.release, u.release);
	} else {
		fprintf(f,
			"hint: DKMS has not built it for the running kernel %s: run \"dkms "
			"autoinstall\"\n"
			"hint: (\"dkms status bindox\" tells why), then \"modprobe bindox\"\n",
			u.release);
	}
}

void ctl_diagnose_unreachable(FILE *f)
{
	g_autofree char *device_hint = NULL;

	if (access(CTL_MODULE_SYSFS, F_OK) != 0) {
		ctl_hint_module(f);
		return;
	}
	if (access(CTL_DEVICE, F_OK) != 0) {
		fputs("hint: the bindox module is loaded, but " CTL_DEVICE " is missing: udev did "
		      "not create it;\n"
		      "hint: run \"udevadm trigger --subsystem-match=bindox\" and check that "
		      "60-bindox.rules is installed\n",
		      f);
		return;
	}
	fputs("hint: bindoxd is not running: start it with \"systemctl start bindoxd\"; "
	      "\"journalctl -u bindoxd\" shows why it stopped\n",
	      f);
	if (ctl_diagnose_device(CTL_DEVICE, &device_hint) < 0 && device_hint)
		fprintf(f, "hint: %s\n", device_hint);
}

/* True when this process's groups include the group "bindox". */
static bool ctl_in_device_group(gid_t gid)
{
	gid_t groups[256];
	int n = getgroups((int)G_N_ELEMENTS(groups), groups), i;

	if (getegid() == gid)
		return true;
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

int ctl_diagnose_device(const char *device, char **hint)
{
	struct group *gr;
	struct stat st;
	int r;

	if (hint)
		*hint = NULL;
	/* access(2), not open(2): asking must not make a connection in the driver. */
	if (access(device, R_OK | W_OK) == 0)
		return 0;
	r = -errno;
	if (!hint)
		return r;
	if (r == -ENOENT) {
		*hint = g_strdup_printf("%s is missing: is the bindox module loaded (modprobe "
					"bindox)?", device);
	} else if (r == -EACCES || r == -EPERM) {
		gr = getgrnam(CTL_DEVICE_GROUP);
		if (stat(device, &st) == 0 && gr && st.st_gid == gr->gr_gid &&
		    !ctl_in_device_group(gr->gr_gid))
			*hint = g_strdup_printf("you may not open %s: programs that use Bindox "
						"need the group \"%s\" (usermod -aG %s USER, then "
						"log in again)", device, CTL_DEVICE_GROUP,
						CTL_DEVICE_GROUP);
		else if (gr)
			*hint = g_strdup_printf("you may not open %s: it should be 0660 root:%s "
						"(60-bindox.rules; \"udevadm trigger "
						"--subsystem-match=bindox\" applies it)", device,
						CTL_DEVICE_GROUP);
		else
			*hint = g_strdup_printf("you may not open %s, and the group \"%s\" does "
						"not exist: \"systemd-sysusers\" creates it from "
						"sysusers.d/bindox.conf", device, CTL_DEVICE_GROUP);
	}
	return r;
}

int ctl_error(const char *what, const sd_bus_error *error, int r)
{
	if (error && sd_bus_error_is_set(error))
		fprintf(stderr, "bindoxctl: %s: %s\n", what, error->message);
	else
		fprintf(stderr, "bindoxctl: %s: %s\n", what, strerror(-r));
	if (ctl_diagnose_is_unreachable(error, r))
		ctl_diagnose_unreachable(stderr);
	else if (error && sd_bus_error_has_name(error, SD_BUS_ERROR_ACCESS_DENIED) && geteuid() != 0)
		fputs("hint: this needs root: run it with sudo\n", stderr);
	return CTL_EXIT_FAILURE;
}
