// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON writer: see json.h. */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <bindox/bindox.h>

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void indent(JsonWriter *w, unsigned int depth)
{
	unsigned int i;

	fputc('\n', w->f);
	for (i = 0; i < depth; i++)
		fputs("  ", w->f);
}

/* Separator, line break and key before a member of the innermost container. */
static void member(JsonWriter *w, const char *key)
{
	unsigned int d = w->depth;

	if (d > 0) {
		if (w->has_members[d])
			fputc(',', w->f);
		if (d <= w->pretty_depth)
			indent(w, d);
		else if (w->has_members[d])
			fputc(' ', w->f);
		w->has_members[d] = true;
	}
	if (key) {
		put_string(w->f, key);
		fputs(": ", w->f);
	}
}

static void open_container(JsonWriter *w, const char *key, char bracket)
{
	member(w, key);
	fputc(bracket, w->f);
	if (w->depth < JSON_MAX_DEPTH)
		w->depth++;
	w->has_members[w->depth] = false;
}

static void close_container(JsonWriter *w, char bracket)
{
	unsigned int d = w->depth;

	if (d > 0 && d <= w->pretty_depth && w->has_members[d])
		indent(w, d - 1);
	fputc(bracket, w->f);
	if (w->depth > 0)
		w->depth--;
}

void json_start(JsonWriter *w, FILE *f, unsigned int pretty_depth)
{
	*w = (JsonWriter){ .f = f, .pretty_depth = pretty_depth };
}

int json_finish(JsonWriter *w)
{
	fputc('\n', w->f);
	if (fflush(w->f) != 0 || ferror(w->f))
		return -EIO;
	return 0;
}

void json_object_begin(JsonWriter *w, const char *key)
{
	open_container(w, key, '{');
}

void json_object_end(JsonWriter *w)
{
	close_container(w, '}');
}

void json_array_begin(JsonWriter *w, const char *key)
{
	open_container(w, key, '[');
}

void json_array_end(JsonWriter *w)
{
	close_container(w, ']');
}

void json_string(JsonWriter *w, const char *key, const char *value)
{
	member(w, key);
	put_string(w->f, value);
}

void json_u64(JsonWriter *w, const char *key, uint64_t value)
{
	member(w, key);
	fprintf(w->f, "%" PRIu64, value);
}

void json_i64(JsonWriter *w, const char *key, int64_t value)
{
	member(w, key);
	fprintf(w->f, "%" PRId64, value);
}

void json_bool(JsonWriter *w, const char *key, bool value)
{
	member(w, key);
	fputs(value ? "true" : "false", w->f);
}

void json_double(JsonWriter *w, const char *key, double value, int decimals)
{
	member(w, key);
	if (isfinite(value))
		fprintf(w->f, "%.*f", decimals, value);
	else
		fputs("null", w->f);
}

void json_error(JsonWriter *w, const char *what, int err)
{
	char text[160];

	snprintf(text, sizeof(text), "%s: %s", what ? what : "?", bindox_strerror(err));
	json_string(w, "error", text);
}

int json_write_file(const char *path, unsigned int pretty_depth,
		    void (*fn)(JsonWriter *w, const void *ctx), const void *ctx)
{
	FILE *f = fopen(path, "we");
	JsonWriter w;
	int r;

	if (!f)
		return -errno;
	json_start(&w, f, pretty_depth);
	fn(&w, ctx);
	r = json_finish(&w);
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}
