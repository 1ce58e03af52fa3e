/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_POLICY_PRIVATE_H
#define BINDOXD_POLICY_PRIVATE_H

/*
 * Internals of the policy compiler, shared by its files:
 *  - policy-source.c finds places in the XML text (GMarkup tells which
 *    element it parsed, not where it starts), for error locations;
 *  - policy-compile.c builds the flat table (PolicyBuilder);
 *  - policy-parse.c turns one document into rules of a PolicyBuilder;
 *  - policy-error.c formats errors with their location.
 */

#include <stdarg.h>
#include "policy.h"

/* ---- policy-source.c: byte offsets in a document and what is there ---- */

/*
 * Finds the next start tag at or after *cursor; GMarkup must already have
 * accepted the text up to it. Returns true and sets *tag (offset of its
 * "<") and *cursor (just past its ">") if the tag found is named @name.
 */
bool policy_source_find_start_tag(const char *text, size_t len, size_t *cursor,
				  const char *name, size_t *tag);

/*
 * In the start tag at @tag, the attribute number @index (document order):
 * offsets of its name and of its value's first character.
 */
bool policy_source_find_attr(const char *text, size_t len, size_t tag, size_t index,
			     size_t *name, size_t *value);

/*
 * The first character of character data (not blank, outside markup, or
 * inside a CDATA section) at or after @from; @len if there is none.
 */
size_t policy_source_find_text(const char *text, size_t len, size_t from);

/* A place as line and column (1-based, in characters) and byte offset. */
typedef struct {
	size_t offset;
	unsigned int line;
	unsigned int column;
} PolicySourcePosition;
#define POLICY_SOURCE_POSITION_INIT { 0, 1, 1 }

/*
 * Moves *pos to @offset: forwards it only looks at the text in between, so
 * a walk through the document costs its length once.
 */
void policy_source_position(const char *text, size_t len, PolicySourcePosition *pos,
			    size_t offset);

/* Where GMarkup stands now (where it found an error), as a byte offset. */
size_t policy_source_markup_offset(GMarkupParseContext *ctx, const char *text, size_t len);

/* GMarkup's error message without its own "Error on line N char M: ". */
const char *policy_source_markup_message(const GError *e);

/* ---- policy-compile.c: the flat table being built ---- */

typedef struct PolicyBuilder PolicyBuilder;

/* One rule before compilation; strings are copied into the blob. */
typedef struct {
	uint32_t actions;	/* BINDOX_POLICY_ACT_* */
	uint32_t flags;		/* BINDOX_POLICY_RULE_* */
	uint32_t uid;		/* with BINDOX_POLICY_RULE_UID */
	uint32_t gid;		/* with BINDOX_POLICY_RULE_GID */
	const char *domain;	/* NULL: any subject domain */
	const char *peer_domain; /* NULL: the subject's own (or ANY_PEER) */
	const char *service;	/* the name, or the prefix with RULE_PREFIX */
	uint32_t source;	/* from policy_builder_add_origin() */
} PolicyRuleSpec;

PolicyBuilder *policy_builder_new(void);
void policy_builder_free(PolicyBuilder *b);

/* Records a file read; returns the copy the origins of its rules point to. */
const char *policy_builder_add_file(PolicyBuilder *b, const char *file);

/* Records where a rule came from (@file from policy_builder_add_file()). */
uint32_t policy_builder_add_origin(PolicyBuilder *b, const char *file, unsigned int line,
				   unsigned int column, const char *text);

/* Appends a rule: 0, -E2BIG (too many rules) or -ENOSPC (strings too large). */
int policy_builder_add_rule(PolicyBuilder *b, const PolicyRuleSpec *spec);

/* Takes the builder apart into the finished policy. */
Policy *policy_builder_finish(PolicyBuilder *b);

/* ---- policy-parse.c ---- */

/*
 * Parses one document into @b; @file must come from
 * policy_builder_add_file(). On failure fills @where and @error.
 */
bool policy_parse_document(PolicyBuilder *b, const char *file, const char *text, size_t len,
			   const PolicyResolver *resolver,
			   PolicyErrorLocation *where, GError **error);

/* ---- policy-load.c: files, shared with the domain files (domain-config.c) ---- */

struct stat;

/* A character device that is /dev/null: a link to it masks a vendor file. */
bool policy_is_dev_null(const struct stat *st);

/*
 * Reads at most POLICY_MAX_FILE_SIZE + 1 bytes: enough for the
 * parser to refuse a file that is too large. NULL with @error set when the
 * file cannot be read.
 */
GByteArray *policy_read_file(const char *path, PolicyErrorLocation *where, GError **error);

/* ---- policy-error.c ---- */

/*
 * Sets @error to "FILE:LINE:COLUMN: message" ("FILE: message" when @line
 * is 0) and fills @where (if not NULL) with the same place.
 */
void policy_error_set(GError **error, PolicyErrorLocation *where, PolicyErrorCode code,
		      const char *file, unsigned int line, unsigned int column,
		      const char *format, ...) G_GNUC_PRINTF(7, 8);

void policy_error_setv(GError **error, PolicyErrorLocation *where,
		       PolicyErrorCode code, const char *file, unsigned int line,
		       unsigned int column, const char *format, va_list ap) G_GNUC_PRINTF(7, 0);

#endif /* BINDOXD_POLICY_PRIVATE_H */
