/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_CTL_H
#define BINDOXD_CTL_H

/* What bindoxctl's commands share (bindoxctl.c and ctl-*.c). */

#include <systemd/sd-bus.h>

/* Exit statuses (bindoxctl(1)). */
#define CTL_EXIT_OK 0
#define CTL_EXIT_FAILURE 1
#define CTL_EXIT_USAGE 2
#define CTL_EXIT_DENIED 3

/* Prints "bindoxctl: WHAT: MESSAGE" (the D-Bus error's, else @r's); CTL_EXIT_FAILURE. */
int ctl_error(const char *what, const sd_bus_error *error, int r);

/* The bus at @address (a D-Bus address), or the system bus for NULL. */
int ctl_connect(const char *address, sd_bus **out);

#endif /* BINDOXD_CTL_H */
