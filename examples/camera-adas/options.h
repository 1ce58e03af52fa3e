/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CAMERA_ADAS_OPTIONS_H
#define CAMERA_ADAS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One command-line option: "--name VALUE" sets *value, "--name" alone
 * sets *flag (exactly one of the two is non-NULL).
 */
typedef struct OptionSpec {
	const char *name;
	const char **value;
	bool *flag;
} OptionSpec;

/* Return: 0, or -EINVAL for an unknown option or a missing value. */
int options_parse(int argc, char **argv, const OptionSpec *specs, size_t n_specs);

#endif /* CAMERA_ADAS_OPTIONS_H */
