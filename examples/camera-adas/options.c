// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command-line options of the camera and the client (options.h).
 */
#include <errno.h>
#include <string.h>
#include "options.h"

static const OptionSpec *options_find(const char *arg, const OptionSpec *specs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(arg, specs[i].name))
			return &specs[i];
	return NULL;
}

int options_parse(int argc, char **argv, const OptionSpec *specs, size_t n_specs)
{
	for (int i = 1; i < argc; i++) {
		const OptionSpec *o = options_find(argv[i], specs, n_specs);

		if (!o)
			return -EINVAL;
		if (o->flag) {
			*o->flag = true;
			continue;
		}
		if (i + 1 >= argc)
			return -EINVAL;
		*o->value = argv[++i];
	}
	return 0;
}
