/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_CTL_H
#define BINDOXD_CTL_H

/*
 * What bindoxctl's commands share: the exit statuses of bindoxctl(1), the
 * connection, and the error report. Each command beyond the basic ones
 * lives in a file of its own (ctl-status.c, ctl-verify.c).
 */

#include <stdbool.h>
#include <systemd/sd-bus.h>

/* Exit statuses (bindoxctl(1)). */
#define CTL_EXIT_OK 0
#define CTL_EXIT_FAILURE 1
#define CTL_EXIT_USAGE 2
#define CTL_EXIT_DENIED 3

typedef struct Ctl {
	sd_bus *bus;	/* NULL for the commands that need no daemon */
	bool json;
} Ctl;

/*
 * Prints "bindoxctl: WHAT: MESSAGE" for @error (or the errno @r), and a
 * hint that names the fix when bindoxd cannot be reached or refused
 * access (ctl-diagnose.c). Returns CTL_EXIT_FAILURE.
 */
int ctl_error(const char *what, const sd_bus_error *error, int r);

/* The bus at @address (a D-Bus address), or the system bus for NULL. */
int ctl_connect(const char *address, sd_bus **out);

/*
 * ctl-properties.c: calls @read for each entry of a Properties.GetAll
 * reply, inside its variant (@type is the value's signature); @read reads
 * or skips the value. Returns 0 or a negative errno.
 */
typedef int (*CtlPropertyReader)(sd_bus_message *reply, const char *name, const char *type,
				 void *userdata);
int ctl_read_properties(sd_bus_message *reply, CtlPropertyReader read, void *userdata);

/* ctl-status.c: "bindoxctl status". */
int ctl_status(Ctl *ctl);

/* ctl-verify.c: "bindoxctl verify FILE..." (no bus; @files NULL-terminated). */
int ctl_verify(Ctl *ctl, char **files);

#endif /* BINDOXD_CTL_H */
