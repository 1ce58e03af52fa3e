/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal or plain text; see log.h.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <glib.h>
/* The location is the caller's (log_struct()), not this file's. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include "log.h"

static bool log_journal;

/* JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected, in decimal. */
static bool log_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	if (!e || sscanf(e, "%llu:%llu%c", &dev, &ino, &tail) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_setup(void)
{
	log_journal = log_stderr_is_journal();
}

bool log_to_journal(void)
{
	return log_journal;
}

size_t log_fields_build(int priority, const LogFields *fields, const char *message,
			char *out[LOG_FIELDS_MAX])
{
	size_t n = 0;

	out[n++] = g_strdup_printf("PRIORITY=%d", priority);
	out[n++] = g_strconcat("MESSAGE=", message, NULL);
	out[n++] = g_strdup("SYSLOG_IDENTIFIER=bindoxd");
	if (!fields)
		return n;
	if (fields->message_id)
		out[n++] = g_strconcat("MESSAGE_ID=", fields->message_id, NULL);
	if (fields->service)
		out[n++] = g_strconcat("BINDOX_SERVICE=", fields->service, NULL);
	if (fields->domain)
		out[n++] = g_strconcat("BINDOX_DOMAIN=", fields->domain, NULL);
	if (fields->policy_file)
		out[n++] = g_strconcat("BINDOX_POLICY_FILE=", fields->policy_file, NULL);
	return n;
}

static int log_send_journal(const char *file, const char *line, const char *func, int priority,
			    const LogFields *fields, const char *message)
{
	char *strings[LOG_FIELDS_MAX];
	struct iovec iov[LOG_FIELDS_MAX];
	size_t n = log_fields_build(priority, fields, message, strings), i;
	int r;

	for (i = 0; i < n; i++) {
		iov[i].iov_base = strings[i];
		iov[i].iov_len = strlen(strings[i]);
	}
	r = sd_journal_sendv_with_location(file, line, func, iov, (int)n);
	for (i = 0; i < n; i++)
		g_free(strings[i]);
	return r;
}

void log_struct_at(const char *file, const char *line, const char *func, int priority,
		   const LogFields *fields, const char *format, ...)
{
	g_autofree char *message = NULL;
	va_list ap;
	int saved = errno;

	va_start(ap, format);
	message = g_strdup_vprintf(format, ap);
	va_end(ap);
	/* Should the journal refuse, the line still goes to stderr. */
	if (!log_journal || log_send_journal(file, line, func, priority, fields, message) < 0)
		fprintf(stderr, "bindoxd: %s\n", message);
	errno = saved;
}
