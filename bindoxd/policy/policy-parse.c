/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy language (bindox-policy(5)) read with GMarkup:
 *
 *   <bindox-policy>
 *     <policy domain="NAME|*" [user="NAME|UID|*"] [group="NAME|GID|*"]>
 *       <allow|deny [register="PATTERN"] [lookup="PATTERN"] [call="PATTERN"]
 *                   [peer-domain="NAME|*"]/>
 *     </policy>
 *   </bindox-policy>
 *
 * Each <allow>/<deny> becomes one rule per distinct pattern (register,
 * lookup and call with the same pattern share a rule). Every error names
 * the place it is about: the element, the attribute's name, or its value.
 */

#include <errno.h>
#include <string.h>
#include <bindox/coord.h>
#include "policy-private.h"

typedef enum {
	LEVEL_DOCUMENT,	/* outside the root element */
	LEVEL_ROOT,	/* in <bindox-policy> */
	LEVEL_POLICY,	/* in <policy> */
	LEVEL_RULE,	/* in <allow> or <deny> */
} ParseLevel;

/* The subject of the <policy> being read. */
typedef struct {
	char *domain;		/* NULL: any domain */
	uint32_t flags;		/* BINDOX_POLICY_RULE_UID/GID */
	uint32_t uid;
	uint32_t gid;
	char *xml;		/* the start tag, for origins */
} ParseSubject;

typedef struct {
	PolicyBuilder *builder;
	const PolicyResolver *resolver;
	const char *file;
	const char *text;
	size_t len;
	size_t cursor;		/* just past the last start tag located */
	size_t tag;		/* the "<" of the element being handled */
	PolicySourcePosition position;	/* of the last origin or error */
	ParseLevel level;
	bool seen_root;
	ParseSubject subject;
	size_t error_offset;	/* where a callback's error is */
} Parser;

/* Attributes of one element, by the index of their name in the element's list. */
#define MAX_ATTRS 4
typedef struct {
	const char *value[MAX_ATTRS];
	size_t index[MAX_ATTRS];	/* in the tag, for positions */
} ParseAttrs;

static const char *const root_attrs[] = { NULL };
static const char *const policy_attrs[] = { "domain", "user", "group", NULL };
enum { POLICY_DOMAIN, POLICY_USER, POLICY_GROUP };
static const char *const rule_attrs[] = { "register", "lookup", "call", "peer-domain", NULL };
enum { RULE_REGISTER, RULE_LOOKUP, RULE_CALL, RULE_PEER_DOMAIN };

G_STATIC_ASSERT(G_N_ELEMENTS(policy_attrs) - 1 <= MAX_ATTRS);
G_STATIC_ASSERT(G_N_ELEMENTS(rule_attrs) - 1 <= MAX_ATTRS);

static const uint32_t rule_actions[] = {
	[RULE_REGISTER] = BINDOX_POLICY_ACT_REGISTER,
	[RULE_LOOKUP] = BINDOX_POLICY_ACT_LOOKUP,
	[RULE_CALL] = BINDOX_POLICY_ACT_CALL,
};

G_GNUC_PRINTF(5, 6)
static void parser_fail(Parser *p, GError **error, size_t offset, PolicyErrorCode code,
			const char *format, ...)
{
	va_list ap;

	p->error_offset = offset;
	va_start(ap, format);
	g_propagate_error(error, g_error_new_valist(POLICY_ERROR, code, format, ap));
	va_end(ap);
}

/* Offset of attribute @index's name (@value false) or value in the current tag. */
static size_t attr_offset(const Parser *p, size_t index, bool value)
{
	size_t name_off, value_off;

	if (!policy_source_find_attr(p->text, p->len, p->tag, index, &name_off, &value_off))
		return p->tag;
	return value ? value_off : name_off;
}

static bool collect_attrs(Parser *p, const char *element, const char **names, const char **values,
			  const char *const *allowed, ParseAttrs *attrs, GError **error)
{
	size_t i, j;

	memset(attrs, 0, sizeof(*attrs));
	for (i = 0; names[i]; i++) {
		for (j = 0; allowed[j] && strcmp(allowed[j], names[i]) != 0; j++)
			;
		if (!allowed[j]) {
			parser_fail(p, error, attr_offset(p, i, false), POLICY_ERROR_ATTRIBUTE,
				    "unknown attribute \"%s\" in <%s>", names[i], element);
			return false;
		}
		if (attrs->value[j]) {
			parser_fail(p, error, attr_offset(p, i, false), POLICY_ERROR_ATTRIBUTE,
				    "duplicate attribute \"%s\" in <%s>", names[i], element);
			return false;
		}
		attrs->value[j] = values[i];
		attrs->index[j] = i;
	}
	return true;
}

/* The element as XML text (attributes in their order), for origins. */
static char *element_xml(const char *element, const char **names, const char **values, bool empty)
{
	GString *s = g_string_new("<");
	size_t i;

	g_string_append(s, element);
	for (i = 0; names[i]; i++) {
		g_autofree char *value = g_markup_escape_text(values[i], -1);

		g_string_append_printf(s, " %s=\"%s\"", names[i], value);
	}
	g_string_append(s, empty ? "/>" : ">");
	return g_string_free(s, FALSE);
}

static bool name_is_valid(const char *name)
{
	return bindox_service_name_validate(name, strlen(name)) == 0;
}

/* A domain name, or "*" (*domain NULL). */
static bool parse_domain(Parser *p, const char *what, const char *value, size_t offset,
			 char **domain, GError **error)
{
	if (strcmp(value, "*") == 0) {
		*domain = NULL;
		return true;
	}
	if (!name_is_valid(value)) {
		parser_fail(p, error, offset, POLICY_ERROR_ATTRIBUTE,
			    "invalid %s \"%s\": a domain name (1 to %u characters of "
			    "[A-Za-z0-9._-]) or \"*\"", what, value, BINDOX_NAME_MAX);
		return false;
	}
	*domain = g_strdup(value);
	return true;
}

/*
 * A user or group: "*" (returns true, *set false), a decimal id, or a name
 * for the resolver. (uid_t)-1 is no one's id.
 */
static bool parse_id(Parser *p, const char *what, const char *value, size_t offset,
		     bool (*resolve)(const char *, uint32_t *, void *), uint32_t *id, bool *set,
		     GError **error)
{
	uint64_t n = 0;
	const char *c;

	*set = false;
	if (strcmp(value, "*") == 0)
		return true;
	if (value[0] == '\0') {
		parser_fail(p, error, offset, POLICY_ERROR_ATTRIBUTE,
			    "empty %s: a name, a number or \"*\"", what);
		return false;
	}
	if (strspn(value, "0123456789") == strlen(value)) {
		for (c = value; *c && n < UINT32_MAX; c++)
			n = n * 10 + (uint64_t)(*c - '0');
		if (n >= UINT32_MAX) {
			parser_fail(p, error, offset, POLICY_ERROR_ATTRIBUTE,
				    "%s id %s is out of range (0 to %u)", what, value,
				    UINT32_MAX - 1);
			return false;
		}
		*id = (uint32_t)n;
		*set = true;
		return true;
	}
	if (!resolve || !resolve(value, id, p->resolver->data)) {
		parser_fail(p, error, offset, POLICY_ERROR_USER,
			    "unknown %s \"%s\" (names are looked up on the host; "
			    "give a number for ids of container users)", what, value);
		return false;
	}
	*set = true;
	return true;
}

/* A service pattern: an exact name, "PREFIX.*", or "*" (the empty prefix). */
static bool parse_pattern(Parser *p, const char *value, size_t offset, char **service,
			  bool *prefix, GError **error)
{
	size_t len = strlen(value);
	const char *star = strchr(value, '*');

	*prefix = false;
	if (len == 0) {
		parser_fail(p, error, offset, POLICY_ERROR_WILDCARD, "empty service pattern");
		return false;
	}
	if (strcmp(value, "*") == 0) {
		*prefix = true;
		*service = g_strdup("");
		return true;
	}
	if (strcmp(value, ".*") == 0) {
		parser_fail(p, error, offset, POLICY_ERROR_WILDCARD,
			    "bad wildcard \".*\": the prefix before \".*\" is empty "
			    "(\"*\" matches every name)");
		return false;
	}
	if (star && (star != value + len - 1 || len < 2 || value[len - 2] != '.')) {
		parser_fail(p, error, offset, POLICY_ERROR_WILDCARD,
			    "bad wildcard \"%s\": a pattern is an exact name, a prefix "
			    "ending in \".*\", or \"*\"", value);
		return false;
	}
	*service = g_strndup(value, star ? len - 1 : len);
	if (!name_is_valid(*service)) {
		parser_fail(p, error, offset, POLICY_ERROR_WILDCARD,
			    "invalid service pattern \"%s\": names are 1 to %u characters "
			    "of [A-Za-z0-9._-]", value, BINDOX_NAME_MAX);
		g_clear_pointer(service, g_free);
		return false;
	}
	*prefix = star != NULL;
	return true;
}

static void subject_clear(ParseSubject *s)
{
	g_clear_pointer(&s->domain, g_free);
	g_clear_pointer(&s->xml, g_free);
	memset(s, 0, sizeof(*s));
}

static bool start_policy(Parser *p, const char **names, const char **values, GError **error)
{
	ParseAttrs a;
	ParseSubject *s = &p->subject;
	bool set;

	if (!collect_attrs(p, "policy", names, values, policy_attrs, &a, error))
		return false;
	if (!a.value[POLICY_DOMAIN]) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ATTRIBUTE,
			    "<policy> needs a domain attribute (a domain name or \"*\")");
		return false;
	}
	subject_clear(s);
	if (!parse_domain(p, "domain", a.value[POLICY_DOMAIN],
			  attr_offset(p, a.index[POLICY_DOMAIN], true), &s->domain, error))
		return false;
	if (a.value[POLICY_USER]) {
		if (!parse_id(p, "user", a.value[POLICY_USER],
			      attr_offset(p, a.index[POLICY_USER], true), p->resolver->user,
			      &s->uid, &set, error))
			return false;
		if (set)
			s->flags |= BINDOX_POLICY_RULE_UID;
	}
	if (a.value[POLICY_GROUP]) {
		if (!parse_id(p, "group", a.value[POLICY_GROUP],
			      attr_offset(p, a.index[POLICY_GROUP], true), p->resolver->group,
			      &s->gid, &set, error))
			return false;
		if (set)
			s->flags |= BINDOX_POLICY_RULE_GID;
	}
	s->xml = element_xml("policy", names, values, false);
	return true;
}

static bool add_rule(Parser *p, PolicyRuleSpec *spec, GError **error)
{
	int r = policy_builder_add_rule(p->builder, spec);

	if (r == -E2BIG)
		parser_fail(p, error, p->tag, POLICY_ERROR_LIMIT,
			    "too many rules: at most %u in all files", BINDOX_POLICY_MAX_RULES);
	else if (r < 0)
		parser_fail(p, error, p->tag, POLICY_ERROR_LIMIT,
			    "the names in the rules exceed %u bytes in all files",
			    BINDOX_POLICY_MAX_STRINGS);
	return r == 0;
}

/* One rule per distinct pattern, in the order register, lookup, call. */
static bool emit_rules(Parser *p, const ParseAttrs *a, const char *const *services,
		       const bool *prefix, uint32_t flags, const char *peer, uint32_t source,
		       GError **error)
{
	uint32_t done = 0;
	int i, j;

	for (i = RULE_REGISTER; i <= RULE_CALL; i++) {
		PolicyRuleSpec spec = {
			.flags = flags | (prefix[i] ? BINDOX_POLICY_RULE_PREFIX : 0),
			.uid = p->subject.uid,
			.gid = p->subject.gid,
			.domain = p->subject.domain,
			.peer_domain = peer,
			.service = services[i],
			.source = source,
		};

		if (!a->value[i] || (done & rule_actions[i]))
			continue;
		for (j = i; j <= RULE_CALL; j++) {
			if (a->value[j] && strcmp(a->value[j], a->value[i]) == 0)
				spec.actions |= rule_actions[j];
		}
		done |= spec.actions;
		if (!add_rule(p, &spec, error))
			return false;
	}
	return true;
}

static bool start_rule(Parser *p, const char *element, const char **names, const char **values,
		       GError **error)
{
	ParseAttrs a;
	char *services[RULE_CALL + 1] = { NULL };
	bool prefix[RULE_CALL + 1] = { false };
	g_autofree char *peer = NULL;
	g_autofree char *rule_xml = NULL;
	g_autofree char *origin = NULL;
	uint32_t flags = p->subject.flags;
	bool ok = false;
	int i;

	if (!collect_attrs(p, element, names, values, rule_attrs, &a, error))
		return false;
	if (!a.value[RULE_REGISTER] && !a.value[RULE_LOOKUP] && !a.value[RULE_CALL]) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ATTRIBUTE,
			    "<%s> needs at least one of register, lookup and call", element);
		return false;
	}
	for (i = RULE_REGISTER; i <= RULE_CALL; i++) {
		if (a.value[i] && !parse_pattern(p, a.value[i], attr_offset(p, a.index[i], true),
						 &services[i], &prefix[i], error))
			goto out;
	}
	if (a.value[RULE_PEER_DOMAIN]) {
		if (a.value[RULE_REGISTER]) {
			parser_fail(p, error, attr_offset(p, a.index[RULE_PEER_DOMAIN], false),
				    POLICY_ERROR_ATTRIBUTE,
				    "peer-domain applies to lookup and call, not to register "
				    "(services are registered in their owner's domain)");
			goto out;
		}
		if (!parse_domain(p, "peer-domain", a.value[RULE_PEER_DOMAIN],
				  attr_offset(p, a.index[RULE_PEER_DOMAIN], true), &peer, error))
			goto out;
		if (!peer)
			flags |= BINDOX_POLICY_RULE_ANY_PEER;
	}
	if (strcmp(element, "allow") == 0)
		flags |= BINDOX_POLICY_RULE_ALLOW;

	rule_xml = element_xml(element, names, values, true);
	origin = g_strconcat(p->subject.xml, " ", rule_xml, NULL);
	policy_source_position(p->text, p->len, &p->position, p->tag);
	ok = emit_rules(p, &a, (const char *const *)services, prefix, flags, peer,
			policy_builder_add_origin(p->builder, p->file, p->position.line,
						  p->position.column, origin),
			error);
out:
	for (i = RULE_REGISTER; i <= RULE_CALL; i++)
		g_free(services[i]);
	return ok;
}

/* Which elements go where; @level is where @element starts. */
static bool check_placement(Parser *p, const char *element, GError **error)
{
	static const char *const expected[] = {
		[LEVEL_DOCUMENT] = "bindox-policy",
		[LEVEL_ROOT] = "policy",
		[LEVEL_POLICY] = "allow",
	};
	bool known = strcmp(element, "bindox-policy") == 0 || strcmp(element, "policy") == 0 ||
		     strcmp(element, "allow") == 0 || strcmp(element, "deny") == 0;

	if (p->level == LEVEL_DOCUMENT && p->seen_root) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ELEMENT,
			    "a second root element <%s>: a file holds one <bindox-policy>",
			    element);
		return false;
	}
	if (!known) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ELEMENT,
			    "unknown element <%s>", element);
		return false;
	}
	if (p->level == LEVEL_RULE) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ELEMENT,
			    "<%s> is not allowed here: <allow> and <deny> are empty elements",
			    element);
		return false;
	}
	if (strcmp(element, expected[p->level]) != 0 &&
	    !(p->level == LEVEL_POLICY && strcmp(element, "deny") == 0)) {
		static const char *const where[] = {
			[LEVEL_DOCUMENT] = "the root element must be <bindox-policy>",
			[LEVEL_ROOT] = "<bindox-policy> holds <policy> elements only",
			[LEVEL_POLICY] = "<policy> holds <allow> and <deny> elements only",
		};

		parser_fail(p, error, p->tag, POLICY_ERROR_ELEMENT,
			    "<%s> is not allowed here: %s", element, where[p->level]);
		return false;
	}
	return true;
}

static void on_start_element(GMarkupParseContext *ctx, const char *element, const char **names,
			     const char **values, gpointer data, GError **error)
{
	Parser *p = data;
	bool ok;

	if (!policy_source_find_start_tag(p->text, p->len, &p->cursor, element, &p->tag))
		p->tag = policy_source_markup_offset(ctx, p->text, p->len);
	if (!check_placement(p, element, error))
		return;

	switch (p->level) {
	case LEVEL_DOCUMENT:
		ok = collect_attrs(p, element, names, values, root_attrs, &(ParseAttrs){ 0 },
				   error);
		p->seen_root = true;
		break;
	case LEVEL_ROOT:
		ok = start_policy(p, names, values, error);
		break;
	default:
		ok = start_rule(p, element, names, values, error);
		break;
	}
	if (ok)
		p->level++;
}

static void on_end_element(GMarkupParseContext *ctx, const char *element, gpointer data,
			   GError **error)
{
	Parser *p = data;

	if (p->level == LEVEL_POLICY)
		subject_clear(&p->subject);
	p->level--;
}

static void on_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer data,
		    GError **error)
{
	Parser *p = data;
	gsize i;

	for (i = 0; i < len; i++) {
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			break;
	}
	if (i == len)
		return;
	parser_fail(p, error, policy_source_find_text(p->text, p->len, p->cursor),
		    POLICY_ERROR_ELEMENT,
		    "text is not allowed in <%s> (only elements and comments)",
		    g_markup_parse_context_get_element(ctx));
}

static const GMarkupParser parser_callbacks = {
	.start_element = on_start_element,
	.end_element = on_end_element,
	.text = on_text,
};

/* Fails with @code at @offset of the document. */
G_GNUC_PRINTF(6, 7)
static bool document_fail(Parser *p, PolicyErrorLocation *where, GError **error,
			  size_t offset, PolicyErrorCode code, const char *format, ...)
{
	va_list ap;

	policy_source_position(p->text, p->len, &p->position, offset);
	va_start(ap, format);
	policy_error_setv(error, where, code, p->file, p->position.line, p->position.column,
			  format, ap);
	va_end(ap);
	return false;
}

/* Runs GMarkup; on failure reports the error at its place. */
static bool parse_markup(Parser *p, PolicyErrorLocation *where, GError **error)
{
	GMarkupParseContext *ctx;
	g_autoptr(GError) e = NULL;
	size_t offset;
	bool ok;

	ctx = g_markup_parse_context_new(&parser_callbacks, G_MARKUP_TREAT_CDATA_AS_TEXT, p, NULL);
	ok = g_markup_parse_context_parse(ctx, p->text, (gssize)p->len, &e) &&
	     g_markup_parse_context_end_parse(ctx, &e);
	offset = ok ? p->len : policy_source_markup_offset(ctx, p->text, p->len);
	g_markup_parse_context_free(ctx);
	if (ok)
		return true;

	if (e->domain == POLICY_ERROR)
		return document_fail(p, where, error, p->error_offset, e->code, "%s", e->message);
	if (g_error_matches(e, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY))
		return document_fail(p, where, error, offset, POLICY_ERROR_SYNTAX,
				     "the file is empty (it needs a <bindox-policy> element)");
	return document_fail(p, where, error, offset, POLICY_ERROR_SYNTAX,
			     "XML syntax: %s", policy_source_markup_message(e));
}

bool policy_parse_document(PolicyBuilder *b, const char *file, const char *text, size_t len,
			   const PolicyResolver *resolver,
			   PolicyErrorLocation *where, GError **error)
{
	Parser p = {
		.builder = b,
		.resolver = resolver ? resolver : policy_system_resolver(),
		.file = file,
		.text = text,
		.len = len,
		.position = POLICY_SOURCE_POSITION_INIT,
	};
	const char *end;
	bool ok = false;

	if (len == 0)
		p.text = "";
	if (len > POLICY_MAX_FILE_SIZE) {
		policy_error_set(error, where, POLICY_ERROR_LIMIT, file, 0, 0,
				 "the file is larger than %u bytes", POLICY_MAX_FILE_SIZE);
		return false;
	}
	/* A UTF-8 byte order mark is allowed; columns count from after it. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		p.text += 3;
		p.len -= 3;
	}
	if (!g_utf8_validate_len(p.text, p.len, &end)) {
		document_fail(&p, where, error, (size_t)(end - p.text), POLICY_ERROR_SYNTAX,
			      *end ? "invalid UTF-8" : "a NUL byte");
		return false;
	}

	if (!parse_markup(&p, where, error))
		goto out;
	if (!p.seen_root) {
		document_fail(&p, where, error, p.len, POLICY_ERROR_SYNTAX,
			      "the file has no <bindox-policy> element");
		goto out;
	}
	ok = true;
out:
	subject_clear(&p.subject);
	return ok;
}
