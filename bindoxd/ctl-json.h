/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_CTL_JSON_H
#define BINDOXD_CTL_JSON_H

/*
 * What bindoxctl --json needs of JSON: strings written with their quotes
 * and escapes (RFC 8259, section 7). Numbers and structure are printed by
 * the caller.
 */

#include <stdio.h>

void ctl_json_string(FILE *f, const char *s);

/* "KEY": "VALUE" and "KEY": NUMBER members, with a leading comma unless first. */
void ctl_json_member_string(FILE *f, int first, const char *key, const char *value);
void ctl_json_member_uint(FILE *f, int first, const char *key, unsigned long long value);

#endif /* BINDOXD_CTL_JSON_H */
