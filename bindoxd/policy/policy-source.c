/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Places in a policy document, for error locations.
 *
 * GMarkup calls back with element names and attributes but not with their
 * positions (GLib before 2.88 has no g_markup_parse_context_get_tag_start),
 * so we walk the same text beside it: the walker below follows GMarkup's own
 * tokenisation (passthroughs, end tags, quoted attribute values) and is only
 * asked about text GMarkup has already accepted.
 */

#include <string.h>
#include "policy-private.h"

static bool has_prefix(const char *text, size_t len, size_t pos, const char *prefix)
{
	size_t n = strlen(prefix);

	return len - pos >= n && memcmp(text + pos, prefix, n) == 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* GMarkup's end of an element or attribute name. */
static bool is_name_end(char c)
{
	return c == '=' || c == '/' || c == '>' || is_space(c);
}

static size_t find(const char *text, size_t len, size_t from, const char *what)
{
	size_t n = strlen(what);
	size_t i;

	for (i = from; i + n <= len; i++)
		if (memcmp(text + i, what, n) == 0)
			return i;
	return len;
}

static size_t skip_spaces(const char *text, size_t len, size_t pos)
{
	while (pos < len && is_space(text[pos]))
		pos++;
	return pos;
}

static size_t skip_name(const char *text, size_t len, size_t pos)
{
	while (pos < len && !is_name_end(text[pos]))
		pos++;
	return pos;
}

/* Past the end tag at @pos. */
static size_t skip_end_tag(const char *text, size_t len, size_t pos)
{
	size_t gt = find(text, len, pos, ">");

	return gt < len ? gt + 1 : len;
}

/*
 * Past a "<?...>" or "<!...>" at @pos, ending where GMarkup ends it: at the
 * first ">" that closes "<?...?", "<!--...--", "<![CDATA[...]]", or a
 * "<!DOCTYPE" whose "<" and ">" balance.
 */
static size_t skip_passthrough(const char *text, size_t len, size_t pos)
{
	int balance = 1;
	size_t i;

	for (i = pos + 1; i < len; i++) {
		const char *s = text + pos;
		size_t n = i - pos;	/* the chunk before this ">" */

		if (text[i] == '<')
			balance++;
		if (text[i] != '>')
			continue;
		balance--;
		if ((s[1] == '?' && s[n - 1] == '?') ||
		    (has_prefix(text, len, pos, "<!--") && n >= 4 && memcmp(s + n - 2, "--", 2) == 0) ||
		    (has_prefix(text, len, pos, "<![CDATA[") && n >= 9 &&
		     memcmp(s + n - 2, "]]", 2) == 0) ||
		    (has_prefix(text, len, pos, "<!DOCTYPE") && balance == 0))
			return i + 1;
	}
	return len;
}

/*
 * Past the start tag at @pos (its "<"). With @want_attr, stops at attribute
 * number *want_attr instead and sets *name and *value.
 */
static size_t walk_start_tag(const char *text, size_t len, size_t pos, const size_t *want_attr,
			     size_t *name, size_t *value)
{
	size_t index = 0;

	pos = skip_name(text, len, pos + 1);
	for (;;) {
		size_t attr_name, attr_value;
		char quote;

		pos = skip_spaces(text, len, pos);
		if (pos >= len)
			return len;
		if (text[pos] == '>')
			return pos + 1;
		if (text[pos] == '/')
			return pos + 2 <= len ? pos + 2 : len;

		attr_name = pos;
		pos = skip_spaces(text, len, skip_name(text, len, pos));
		if (pos >= len || text[pos] != '=')
			return len;
		pos = skip_spaces(text, len, pos + 1);
		if (pos >= len || (text[pos] != '"' && text[pos] != '\''))
			return len;
		quote = text[pos];
		attr_value = ++pos;
		while (pos < len && text[pos] != quote)
			pos++;
		if (pos < len)
			pos++;

		if (want_attr && index == *want_attr) {
			*name = attr_name;
			*value = attr_value;
			return pos;
		}
		index++;
	}
}

/* The next "<" that starts an element, after passthroughs and end tags. */
static size_t next_start_tag(const char *text, size_t len, size_t pos)
{
	while (pos < len) {
		const char *lt = memchr(text + pos, '<', len - pos);

		if (!lt)
			return len;
		pos = (size_t)(lt - text);
		if (pos + 1 >= len)
			return len;
		if (text[pos + 1] == '?' || text[pos + 1] == '!')
			pos = skip_passthrough(text, len, pos);
		else if (text[pos + 1] == '/')
			pos = skip_end_tag(text, len, pos);
		else
			return pos;
	}
	return len;
}

bool policy_source_find_start_tag(const char *text, size_t len, size_t *cursor,
				  const char *name, size_t *tag)
{
	size_t pos = next_start_tag(text, len, *cursor);
	size_t name_len = strlen(name);

	if (pos >= len)
		return false;
	if (skip_name(text, len, pos + 1) - (pos + 1) != name_len ||
	    memcmp(text + pos + 1, name, name_len) != 0)
		return false;
	*tag = pos;
	*cursor = walk_start_tag(text, len, pos, NULL, NULL, NULL);
	return true;
}

bool policy_source_find_attr(const char *text, size_t len, size_t tag, size_t index,
			     size_t *name, size_t *value)
{
	size_t n = len, v = len;

	walk_start_tag(text, len, tag, &index, &n, &v);
	if (n >= len)
		return false;
	*name = n;
	*value = v;
	return true;
}

size_t policy_source_find_text(const char *text, size_t len, size_t from)
{
	size_t pos = from;

	while (pos < len) {
		if (is_space(text[pos])) {
			pos++;
		} else if (text[pos] != '<') {
			return pos;
		} else if (has_prefix(text, len, pos, "<![CDATA[")) {
			size_t end = find(text, len, pos + 9, "]]>");
			size_t first = skip_spaces(text, end, pos + 9);

			if (first < end)
				return first;
			pos = end + 3;
		} else if (pos + 1 < len && (text[pos + 1] == '?' || text[pos + 1] == '!')) {
			pos = skip_passthrough(text, len, pos);
		} else if (pos + 1 < len && text[pos + 1] == '/') {
			pos = skip_end_tag(text, len, pos);
		} else {
			pos = walk_start_tag(text, len, pos, NULL, NULL, NULL);
		}
	}
	return len;
}

void policy_source_position(const char *text, size_t len, PolicySourcePosition *pos,
			    size_t offset)
{
	size_t i;

	if (offset > len)
		offset = len;
	if (offset < pos->offset)
		*pos = (PolicySourcePosition)POLICY_SOURCE_POSITION_INIT;
	/* Count characters: every byte that is not a UTF-8 continuation byte. */
	for (i = pos->offset; i < offset; i++) {
		if (text[i] == '\n') {
			pos->line++;
			pos->column = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			pos->column++;
		}
	}
	pos->offset = offset;
}

const char *policy_source_markup_message(const GError *e)
{
	const char *colon = strstr(e->message, ": ");

	if (g_str_has_prefix(e->message, "Error on line") && colon)
		return colon + 2;
	return e->message;
}

size_t policy_source_markup_offset(GMarkupParseContext *ctx, const char *text, size_t len)
{
#if GLIB_CHECK_VERSION(2, 88, 0)
	gsize offset = g_markup_parse_context_get_offset(ctx);

	(void)text;
	return offset < len ? offset : len;
#else
	/*
	 * GLib < 2.88 counts bytes, and a line starts when its parser steps
	 * onto a newline: that newline is number 1 of the next line (and one
	 * at offset 0, never stepped onto, starts no line).
	 */
	int line = 1, chr = 1;
	size_t newline = 0;
	int l;

	g_markup_parse_context_get_position(ctx, &line, &chr);
	if (chr < 1)
		chr = 1;
	for (l = 1; l < line; l++) {
		const char *nl = newline + 1 < len ? memchr(text + newline + 1, '\n',
							     len - newline - 1) : NULL;

		if (!nl)
			return len;
		newline = (size_t)(nl - text);
	}
	/* Line 1 counts from offset 0 as number 1, later lines from their newline. */
	return MIN(newline + (size_t)chr - 1, len);
#endif
}
