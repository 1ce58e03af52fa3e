/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON writer of every ipcbench mode. Members are written in order;
 * @key is the member's name inside an object and NULL for array elements
 * and the top value. Containers nested up to @pretty_depth put each member
 * on a line of its own; deeper ones (and all, for 0: one JSON object per
 * line) stay on one line.
 */
#ifndef IPCBENCH_JSON_H
#define IPCBENCH_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

typedef struct JsonWriter {
	FILE *f;
	unsigned int depth;		/* open containers */
	unsigned int pretty_depth;
	bool has_members[JSON_MAX_DEPTH + 1];
} JsonWriter;

void json_start(JsonWriter *w, FILE *f, unsigned int pretty_depth);
/* Ends the top value with a newline and flushes; 0 or -EIO. */
int json_finish(JsonWriter *w);

void json_object_begin(JsonWriter *w, const char *key);
void json_object_end(JsonWriter *w);
void json_array_begin(JsonWriter *w, const char *key);
void json_array_end(JsonWriter *w);

void json_string(JsonWriter *w, const char *key, const char *value);
void json_u64(JsonWriter *w, const char *key, uint64_t value);
void json_i64(JsonWriter *w, const char *key, int64_t value);
void json_bool(JsonWriter *w, const char *key, bool value);
/* @decimals digits after the point; not-a-number and infinities as null. */
void json_double(JsonWriter *w, const char *key, double value, int decimals);
/* "error": "@what: <what @err, a negative errno, means>" */
void json_error(JsonWriter *w, const char *what, int err);

/*
 * Write the file @path: a JsonWriter with @pretty_depth on it, @fn(w, @ctx)
 * writing the top value. Returns 0 or a negative errno.
 */
int json_write_file(const char *path, unsigned int pretty_depth,
		    void (*fn)(JsonWriter *w, const void *ctx), const void *ctx);

#endif
