/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_LOG_H
#define BINDOXD_LOG_H

/*
 * Logging to stderr with the "<N>" level prefixes that the journal reads
 * (sd-daemon(3)); under a terminal or a test script they stay readable.
 */

#include <stdio.h>
#include <systemd/sd-daemon.h>

#define log_full(level, ...)						\
	do {								\
		fprintf(stderr, level "bindoxd: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
	} while (0)

#define log_error(...) log_full(SD_ERR, __VA_ARGS__)
#define log_warning(...) log_full(SD_WARNING, __VA_ARGS__)
#define log_notice(...) log_full(SD_NOTICE, __VA_ARGS__)
#define log_info(...) log_full(SD_INFO, __VA_ARGS__)

#endif /* BINDOXD_LOG_H */
