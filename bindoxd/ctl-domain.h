/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_CTL_DOMAIN_H
#define BINDOXD_CTL_DOMAIN_H

/*
 * bindoxctl domain add|remove: AddDomain and RemoveDomain (bindoxctl(1)).
 * The subcommands take options of their own after "domain", which
 * bindoxctl's global options must not see.
 */

#include <stdbool.h>
#include <stdio.h>

#include "ctl-domain-args.h"

/* The lines of bindoxctl --help for "domain". */
void ctl_domain_usage(FILE *f);

/*
 * Runs "domain ARGS..." (@args NULL-terminated) on the bus at @address
 * (NULL: the system bus), connecting once the arguments are read; returns
 * an exit status.
 */
int ctl_domain(const char *address, bool json, char **args);

#endif /* BINDOXD_CTL_DOMAIN_H */
