/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_LOG_H
#define BINDOXD_LOG_H

/*
 * bindoxd's log. When stderr is the journal (systemd says so with
 * JOURNAL_STREAM=DEV:INODE of that stream, systemd.exec(5)), every message
 * goes to the journal with its priority and structured fields
 * (sd_journal_send(3)): MESSAGE_ID for the events an administrator
 * filters on (denials and reloads), BINDOX_SERVICE, BINDOX_DOMAIN and
 * BINDOX_POLICY_FILE. Anywhere else (a terminal, a test's log file) it is
 * plain text, "bindoxd: MESSAGE", one line each.
 */

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

/* The MESSAGE_IDs (journalctl MESSAGE_ID=...), fixed for good. */
#define LOG_MESSAGE_DENIED "f4da8c35426c479cbacb558ebcaa568c"
#define LOG_MESSAGE_POLICY_RELOADED "d1f3eab3fea04e12a63823921a0a8a27"
#define LOG_MESSAGE_POLICY_RELOAD_FAILED "bcda0fe1e0c54d23badfff2b204c4356"
#define LOG_MESSAGE_DOMAINS_RELOADED "75886bcc1df9488f8fd4e66923969332"

/* What a message is about; every member may be NULL. */
typedef struct LogFields {
	const char *message_id;	/* LOG_MESSAGE_* */
	const char *service;	/* BINDOX_SERVICE= */
	const char *domain;	/* BINDOX_DOMAIN= */
	const char *policy_file; /* BINDOX_POLICY_FILE= */
} LogFields;

/*
 * Decides where messages go, from JOURNAL_STREAM and stderr; call once at
 * start (before it, messages are plain text).
 */
void log_setup(void);

/* True when messages go to the journal. */
bool log_to_journal(void);

/*
 * log_struct(priority, fields, format, ...): logs at @priority (LOG_ERR ...
 * LOG_DEBUG) with @fields (may be NULL); the journal gets the caller's
 * CODE_FILE, CODE_LINE and CODE_FUNC. One variadic list, so that the commas
 * of a compound literal (&(LogFields){ .a = x, .b = y }) pass through.
 */
#define log_struct(...)                                                                \
	log_struct_at("CODE_FILE=" __FILE__, "CODE_LINE=" LOG_STRINGIFY(__LINE__), __func__, \
		      __VA_ARGS__)
#define LOG_STRINGIFY(x) LOG_STRINGIFY_(x)
#define LOG_STRINGIFY_(x) #x

void log_struct_at(const char *file, const char *line, const char *func, int priority,
		   const LogFields *fields, const char *format, ...)
	__attribute__((format(printf, 6, 7)));

#define log_error(...) log_struct(LOG_ERR, NULL, __VA_ARGS__)
#define log_warning(...) log_struct(LOG_WARNING, NULL, __VA_ARGS__)
#define log_notice(...) log_struct(LOG_NOTICE, NULL, __VA_ARGS__)
#define log_info(...) log_struct(LOG_INFO, NULL, __VA_ARGS__)

/* The journal fields of one message, "NAME=value" each. */
#define LOG_FIELDS_MAX 7

/*
 * Fills @out with the fields of a message (PRIORITY, MESSAGE,
 * SYSLOG_IDENTIFIER, then those of @fields that are set); returns their
 * number. Free each string with g_free().
 */
size_t log_fields_build(int priority, const LogFields *fields, const char *message,
			char *out[LOG_FIELDS_MAX]);

#endif /* BINDOXD_LOG_H */
