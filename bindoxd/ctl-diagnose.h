/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_CTL_DIAGNOSE_H
#define BINDOXD_CTL_DIAGNOSE_H

/*
 * Why bindoxd cannot be reached or a device cannot be opened, told as the
 * fix: a module that is not loaded (and whether DKMS built it for the
 * running kernel), a missing device node, a caller outside the "bindox"
 * group, a daemon that is not running.
 */

#include <stdbool.h>
#include <stdio.h>
#include <systemd/sd-bus.h>

#define CTL_MODULE_SYSFS "/sys/module/bindox"
#define CTL_DEVICE "/dev/bindox"
#define CTL_DEVICE_GROUP "bindox"

/* True when @error (or @r) means that nobody answers as bindoxd. */
bool ctl_diagnose_is_unreachable(const sd_bus_error *error, int r);

/* Prints "hint: ..." lines to @f: why bindoxd is not there, and the fix. */
void ctl_diagnose_unreachable(FILE *f);

/*
 * Whether this process may open @device read-write: 0, or the negative
 * errno of access(2). With @hint (may be NULL), a sentence naming the fix
 * (free with free()), NULL when there is nothing to fix.
 */
int ctl_diagnose_device(const char *device, char **hint);

#endif /* BINDOXD_CTL_DIAGNOSE_H */
