/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON strings for bindoxctl; see ctl-json.h.
 */

#include "ctl-json.h"

void ctl_json_string(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			/* Other control characters need \u escapes; UTF-8 passes as is. */
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
			break;
		}
	}
	fputc('"', f);
}

void ctl_json_member_string(FILE *f, int first, const char *key, const char *value)
{
	if (!first)
		fputs(", ", f);
	ctl_json_string(f, key);
	fputs(": ", f);
	ctl_json_string(f, value);
}

void ctl_json_member_uint(FILE *f, int first, const char *key, unsigned long long value)
{
	if (!first)
		fputs(", ", f);
	ctl_json_string(f, key);
	fprintf(f, ": %llu", value);
}
