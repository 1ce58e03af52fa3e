// SPDX-License-Identifier: GPL-2.0-or-later
/* What the machine was: see sysinfo.h. */
#define _GNU_SOURCE
#include "sysinfo.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The first line of @path without trailing blanks, or "unknown". */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	if (fgets(buf, (int)size, f)) {
		size_t n = strcspn(buf, "\n");

		/* /proc/cmdline ends with a space. */
		while (n > 0 && buf[n - 1] == ' ')
			n--;
		buf[n] = '\0';
	}
	fclose(f);
}

void sysinfo_get(SysInfo *si)
{
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(si->kernel, sizeof(si->kernel), "%s", u.release);
	else
		snprintf(si->kernel, sizeof(si->kernel), "unknown");
	read_line("/proc/cmdline", si->cmdline, sizeof(si->cmdline));
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  si->clocksource, sizeof(si->clocksource));
	read_line("/sys/module/bindox/parameters/busy_poll_ns", si->busy_poll_ns,
		  sizeof(si->busy_poll_ns));
	si->cpus = sysconf(_SC_NPROCESSORS_ONLN);
}

void sysinfo_json(JsonWriter *w, const SysInfo *si)
{
	json_string(w, "kernel", si->kernel);
	json_string(w, "kernel_cmdline", si->cmdline);
	json_i64(w, "cpus_online", si->cpus);
	json_string(w, "clocksource", si->clocksource);
	json_string(w, "bindox_busy_poll_ns", si->busy_poll_ns);
}
