/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The domain files, read with GMarkup; see domain-config.h. Places in the
 * text and error messages come from the policy compiler's helpers
 * (policy-private.h), so that both kinds of file report errors alike.
 */

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "domain-config.h"
#include "policy-private.h"

typedef enum {
	LEVEL_DOCUMENT,	/* outside the root element */
	LEVEL_ROOT,	/* in <bindox-domains> */
	LEVEL_DOMAIN,	/* in <domain> */
	LEVEL_LIMITS,	/* in <limits> */
} ParseLevel;

typedef struct {
	const PolicyResolver *resolver;
	const char *file;
	const char *text;
	size_t len;
	size_t cursor;		/* just past the last start tag located */
	size_t tag;		/* the "<" of the element being handled */
	PolicySourcePosition position;
	ParseLevel level;
	bool seen_root;
	bool seen_limits;	/* in the current <domain> */
	GPtrArray *decls;	/* DomainDecl * */
	DomainDecl *current;	/* the last of decls while in <domain> */
	size_t error_offset;	/* where a callback's error is */
} Parser;

#define MAX_ATTRS 7
typedef struct {
	const char *value[MAX_ATTRS];
	size_t index[MAX_ATTRS];	/* in the tag, for positions */
} ParseAttrs;

static const char *const root_attrs[] = { NULL };
static const char *const domain_attrs[] = { "name", "user", "group", "mode", "remove", NULL };
enum { DOMAIN_NAME, DOMAIN_USER, DOMAIN_GROUP, DOMAIN_MODE, DOMAIN_REMOVE };
static const char *const limits_attrs[] = {
	"connections", "handles", "nodes", "calls", "oneway", "oneway-bytes", "buffer-bytes", NULL,
};

G_STATIC_ASSERT(G_N_ELEMENTS(domain_attrs) - 1 <= MAX_ATTRS);
G_STATIC_ASSERT(G_N_ELEMENTS(limits_attrs) - 1 <= MAX_ATTRS);
G_STATIC_ASSERT(G_N_ELEMENTS(limits_attrs) - 1 == DOMAIN_LIMIT_COUNT);

bool domain_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > BINDOX_DOMAIN_NAME_MAX || !g_ascii_isalnum(name[0]) ||
	    strcmp(name, BINDOX_HOST_DOMAIN) == 0 || strcmp(name, "control") == 0)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

void domain_decl_free(DomainDecl *d)
{
	if (!d)
		return;
	g_free(d->name);
	g_free(d->file);
	g_free(d);
}

const char *domain_decl_file_name(const DomainDecl *d)
{
	const char *slash = strrchr(d->file, '/');

	return slash ? slash + 1 : d->file;
}

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

static size_t value_offset(const Parser *p, const ParseAttrs *a, size_t which)
{
	return attr_offset(p, a->index[which], true);
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

/* Decimal digits only, at most @max; *n set. Leading zeros are fine. */
static bool parse_decimal(const char *value, uint64_t max, uint64_t *n)
{
	const char *c;

	if (value[0] == '\0' || strspn(value, "0123456789") != strlen(value))
		return false;
	*n = 0;
	for (c = value; *c; c++) {
		*n = *n * 10 + (uint64_t)(*c - '0');
		if (*n > max)
			return false;
	}
	return true;
}

/* A user or group of the node: a decimal id or a name on the host. */
static bool parse_owner(Parser *p, const char *what, const char *value, size_t offset,
			bool (*resolve)(const char *, uint32_t *, void *), uint32_t *id,
			GError **error)
{
	uint64_t n;

	if (value[0] == '\0') {
		parser_fail(p, error, offset, POLICY_ERROR_ATTRIBUTE,
			    "empty %s: a name or a number", what);
		return false;
	}
	if (strspn(value, "0123456789") == strlen(value)) {
		/* (uid_t)-1 is no one's id. */
		if (!parse_decimal(value, UINT32_MAX - 1, &n)) {
			parser_fail(p, error, offset, POLICY_ERROR_ATTRIBUTE,
				    "%s id %s is out of range (0 to %u)", what, value,
				    UINT32_MAX - 1);
			return false;
		}
		*id = (uint32_t)n;
		return true;
	}
	if (!resolve || !resolve(value, id, p->resolver->data)) {
		parser_fail(p, error, offset, POLICY_ERROR_USER,
			    "unknown %s \"%s\" (names are looked up on the host; give a number "
			    "for ids that only a container knows)", what, value);
		return false;
	}
	return true;
}

/* Octal permission bits, at most BINDOX_DOMAIN_MODE_ALLOWED. */
static bool parse_mode(Parser *p, const char *value, size_t offset, uint32_t *mode,
		       GError **error)
{
	size_t len = strlen(value);
	unsigned long m;

	if (len == 0 || len > 4 || strspn(value, "01234567") != len) {
		parser_fail(p, error, offset, POLICY_ERROR_ATTRIBUTE,
			    "invalid mode \"%s\": octal permission bits such as 0660", value);
		return false;
	}
	m = strtoul(value, NULL, 8);
	if (m & ~(unsigned long)BINDOX_DOMAIN_MODE_ALLOWED) {
		parser_fail(p, error, offset, POLICY_ERROR_ATTRIBUTE,
			    "mode %s is not allowed: whoever opens a domain's node speaks as the "
			    "domain, so the node gives nothing to others (at most 0770)", value);
		return false;
	}
	*mode = (uint32_t)m;
	return true;
}

/* A number, with a K, M, G or T suffix (powers of 1024) for byte sizes. */
static bool parse_limit(Parser *p, const char *attr, const DomainLimitSpec *spec, const char *value,
			size_t offset, struct bindox_domain_limits *limits, GError **error)
{
	g_autofree char *digits = g_strdup(value);
	size_t len = strlen(digits);
	unsigned int shift = 0;
	const char *suffix;
	uint64_t n;

	if (spec->bytes && len >= 2 && (suffix = strchr("KMGT", digits[len - 1])) != NULL) {
		shift = 10U * (unsigned int)(suffix - "KMGT" + 1);
		digits[--len] = '\0';
	}
	if (len == 0 || strspn(digits, "0123456789") != len) {
		parser_fail(p, error, offset, POLICY_ERROR_ATTRIBUTE,
			    "invalid %s \"%s\": a number%s", attr, value,
			    spec->bytes ? " of bytes, optionally with K, M, G or T (x 1024)" : "");
		return false;
	}
	if (!parse_decimal(digits, spec->max >> shift, &n) ||
	    !domain_limit_in_range(spec, n << shift)) {
		parser_fail(p, error, offset, POLICY_ERROR_LIMIT,
			    "%s=\"%s\" is out of range: %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
			    " (leave it out for the driver's default)", attr, value, spec->min,
			    spec->max);
		return false;
	}
	domain_limit_store(limits, spec, n << shift);
	return true;
}

static bool start_domain(Parser *p, const char **names, const char **values, GError **error)
{
	ParseAttrs a;
	DomainDecl *d;
	size_t i;

	if (!collect_attrs(p, "domain", names, values, domain_attrs, &a, error))
		return false;
	if (!a.value[DOMAIN_NAME]) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ATTRIBUTE,
			    "<domain> needs a name attribute");
		return false;
	}
	if (!domain_name_is_valid(a.value[DOMAIN_NAME])) {
		parser_fail(p, error, value_offset(p, &a, DOMAIN_NAME),
			    POLICY_ERROR_ATTRIBUTE,
			    "invalid domain name \"%s\": 1 to %u characters of [a-z0-9._-], "
			    "starting with a letter or a digit; \"host\" and \"control\" are "
			    "reserved", a.value[DOMAIN_NAME], BINDOX_DOMAIN_NAME_MAX);
		return false;
	}
	for (i = 0; i < p->decls->len; i++) {
		const DomainDecl *other = g_ptr_array_index(p->decls, i);

		if (strcmp(other->name, a.value[DOMAIN_NAME]) == 0) {
			parser_fail(p, error, value_offset(p, &a, DOMAIN_NAME),
				    POLICY_ERROR_ATTRIBUTE,
				    "domain \"%s\" is declared twice (first at line %u)",
				    other->name, other->line);
			return false;
		}
	}

	d = g_new0(DomainDecl, 1);
	d->name = g_strdup(a.value[DOMAIN_NAME]);
	d->file = g_strdup(p->file);
	d->mode = DOMAIN_DEFAULT_MODE;
	policy_source_position(p->text, p->len, &p->position, value_offset(p, &a, DOMAIN_NAME));
	d->line = p->position.line;
	d->column = p->position.column;
	g_ptr_array_add(p->decls, d);

	if (a.value[DOMAIN_USER] &&
	    !parse_owner(p, "user", a.value[DOMAIN_USER], value_offset(p, &a, DOMAIN_USER),
			 p->resolver->user, &d->uid, error))
		return false;
	if (a.value[DOMAIN_GROUP] &&
	    !parse_owner(p, "group", a.value[DOMAIN_GROUP], value_offset(p, &a, DOMAIN_GROUP),
			 p->resolver->group, &d->gid, error))
		return false;
	if (a.value[DOMAIN_MODE] &&
	    !parse_mode(p, a.value[DOMAIN_MODE], value_offset(p, &a, DOMAIN_MODE), &d->mode,
			error))
		return false;
	if (a.value[DOMAIN_REMOVE]) {
		if (strcmp(a.value[DOMAIN_REMOVE], "force") == 0) {
			d->force_remove = true;
		} else if (strcmp(a.value[DOMAIN_REMOVE], "wait") != 0) {
			parser_fail(p, error, value_offset(p, &a, DOMAIN_REMOVE),
				    POLICY_ERROR_ATTRIBUTE,
				    "invalid remove=\"%s\": \"wait\" (keep the domain while it is "
				    "in use) or \"force\" (end its connections)",
				    a.value[DOMAIN_REMOVE]);
			return false;
		}
	}
	p->current = d;
	p->seen_limits = false;
	return true;
}

static bool start_limits(Parser *p, const char **names, const char **values, GError **error)
{
	ParseAttrs a;
	size_t i;

	if (p->seen_limits) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ELEMENT,
			    "a second <limits> in <domain name=\"%s\">", p->current->name);
		return false;
	}
	p->seen_limits = true;
	if (!collect_attrs(p, "limits", names, values, limits_attrs, &a, error))
		return false;
	for (i = 0; limits_attrs[i]; i++) {
		if (a.value[i] && !parse_limit(p, limits_attrs[i],
					       domain_limit_find(limits_attrs[i]), a.value[i],
					       value_offset(p, &a, i), &p->current->limits, error))
			return false;
	}
	return true;
}

/* Which elements go where; @level is where @element starts. */
static bool check_placement(Parser *p, const char *element, GError **error)
{
	static const char *const expected[] = {
		[LEVEL_DOCUMENT] = "bindox-domains",
		[LEVEL_ROOT] = "domain",
		[LEVEL_DOMAIN] = "limits",
	};
	static const char *const where[] = {
		[LEVEL_DOCUMENT] = "the root element must be <bindox-domains>",
		[LEVEL_ROOT] = "<bindox-domains> holds <domain> elements only",
		[LEVEL_DOMAIN] = "<domain> holds one <limits> element at most",
		[LEVEL_LIMITS] = "<limits> is an empty element",
	};
	bool known = strcmp(element, "bindox-domains") == 0 || strcmp(element, "domain") == 0 ||
		     strcmp(element, "limits") == 0;

	if (p->level == LEVEL_DOCUMENT && p->seen_root) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ELEMENT,
			    "a second root element <%s>: a file holds one <bindox-domains>",
			    element);
		return false;
	}
	if (!known && p->level != LEVEL_DOCUMENT) {
		parser_fail(p, error, p->tag, POLICY_ERROR_ELEMENT,
			    "unknown element <%s>", element);
		return false;
	}
	if (p->level == LEVEL_LIMITS || strcmp(element, expected[p->level]) != 0) {
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
		ok = start_domain(p, names, values, error);
		break;
	default:
		ok = start_limits(p, names, values, error);
		break;
	}
	if (ok)
		p->level++;
}

static void on_end_element(GMarkupParseContext *ctx, const char *element, gpointer data,
			   GError **error)
{
	Parser *p = data;

	if (p->level == LEVEL_DOMAIN)
		p->current = NULL;
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
				     "the file is empty (it needs a <bindox-domains> element)");
	return document_fail(p, where, error, offset, POLICY_ERROR_SYNTAX,
			     "XML syntax: %s", policy_source_markup_message(e));
}

GPtrArray *domain_config_parse(const char *file, const char *text, size_t len,
			       const PolicyResolver *resolver,
			       PolicyErrorLocation *where, GError **error)
{
	Parser p = {
		.resolver = resolver ? resolver : policy_system_resolver(),
		.file = file,
		.text = len ? text : "",
		.len = len,
		.position = POLICY_SOURCE_POSITION_INIT,
		.decls = g_ptr_array_new_with_free_func((GDestroyNotify)domain_decl_free),
	};
	const char *end;

	if (len > POLICY_MAX_FILE_SIZE) {
		policy_error_set(error, where, POLICY_ERROR_LIMIT, file, 0, 0,
				 "the file is larger than %u bytes", POLICY_MAX_FILE_SIZE);
		goto fail;
	}
	/* A UTF-8 byte order mark is allowed; columns count from after it. */
	if (p.len >= 3 && memcmp(p.text, "\xef\xbb\xbf", 3) == 0) {
		p.text += 3;
		p.len -= 3;
	}
	if (!g_utf8_validate_len(p.text, p.len, &end)) {
		document_fail(&p, where, error, (size_t)(end - p.text), POLICY_ERROR_SYNTAX,
			      *end ? "invalid UTF-8" : "a NUL byte");
		goto fail;
	}
	if (!parse_markup(&p, where, error))
		goto fail;
	if (!p.seen_root) {
		document_fail(&p, where, error, p.len, POLICY_ERROR_SYNTAX,
			      "the file has no <bindox-domains> element");
		goto fail;
	}
	return p.decls;
fail:
	g_ptr_array_unref(p.decls);
	return NULL;
}

/* ---- the folders ---- */

static bool is_domain_file_name(const char *name)
{
	return name[0] != '.' && g_str_has_suffix(name, ".xml");
}

static void config_fail(DomainConfig *c, const char *file_name, char *message)
{
	g_hash_table_add(c->bad_files, g_strdup(file_name));
	g_ptr_array_add(c->errors, message);
}

/*
 * Adds @dir's files to @files (name -> path, NULL for a vendor file that
 * @admin masks) and those that cannot be examined to @broken (name ->
 * message); a file of @admin replaces the vendor's entry in both. A folder
 * that cannot be read makes the whole configuration incomplete.
 */
static void list_dir(DomainConfig *c, GHashTable *files, GHashTable *broken, const char *dir,
		     bool admin)
{
	DIR *d = opendir(dir);
	struct dirent *entry;

	if (!d) {
		if (errno != ENOENT) {
			g_ptr_array_add(c->errors, g_strdup_printf("%s: cannot open the folder: %s",
								   dir, g_strerror(errno)));
			c->incomplete = true;
		}
		return;
	}
	while ((errno = 0, entry = readdir(d))) {
		g_autofree char *path = NULL;
		struct stat st;

		if (!is_domain_file_name(entry->d_name))
			continue;
		path = g_build_filename(dir, entry->d_name, NULL);
		if (stat(path, &st) < 0) {
			g_hash_table_insert(broken, g_strdup(entry->d_name),
					    g_strdup_printf("%s: cannot read: %s", path,
							    g_strerror(errno)));
			g_hash_table_remove(files, entry->d_name);
		} else if ((admin && policy_is_dev_null(&st)) || S_ISREG(st.st_mode)) {
			g_hash_table_insert(files, g_strdup(entry->d_name),
					    S_ISREG(st.st_mode) ? g_steal_pointer(&path) : NULL);
			g_hash_table_remove(broken, entry->d_name);
		}
	}
	if (errno != 0) {
		g_ptr_array_add(c->errors, g_strdup_printf("%s: cannot read the folder: %s", dir,
							   g_strerror(errno)));
		c->incomplete = true;
	}
	closedir(d);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static gint compare_decls(gconstpointer a, gconstpointer b)
{
	const DomainDecl *da = *(DomainDecl *const *)a;
	const DomainDecl *db = *(DomainDecl *const *)b;

	return strcmp(da->name, db->name);
}

static gboolean steal_broken(gpointer name, gpointer message, gpointer data)
{
	DomainConfig *c = data;

	config_fail(c, name, message);
	g_free(name);
	return TRUE;
}

/* Parses @path; NULL with the error recorded in @c. */
static GPtrArray *load_file(DomainConfig *c, const char *name, const char *path,
			    const PolicyResolver *resolver)
{
	g_autoptr(GError) error = NULL;
	GByteArray *data = policy_read_file(path, NULL, &error);
	GPtrArray *decls;

	if (!data) {
		config_fail(c, name, g_strdup(error->message));
		return NULL;
	}
	decls = domain_config_parse(path, (const char *)data->data, data->len, resolver, NULL,
				    &error);
	g_byte_array_unref(data);
	if (!decls)
		config_fail(c, name, g_strdup(error->message));
	return decls;
}

/* The first declaration of @decls that an earlier file has made already. */
static const DomainDecl *find_clash(GHashTable *seen, GPtrArray *decls, const DomainDecl **first)
{
	guint i;

	for (i = 0; i < decls->len; i++) {
		const DomainDecl *d = g_ptr_array_index(decls, i);

		*first = g_hash_table_lookup(seen, d->name);
		if (*first)
			return d;
	}
	return NULL;
}

DomainConfig *domain_config_load_dirs(const char *vendor_dir, const char *admin_dir,
				      const PolicyResolver *resolver)
{
	g_autoptr(GHashTable) files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GHashTable) broken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	g_autofree gpointer *names = NULL;
	DomainConfig *c = g_new0(DomainConfig, 1);
	guint n, i, j;

	c->domains = g_ptr_array_new_with_free_func((GDestroyNotify)domain_decl_free);
	c->errors = g_ptr_array_new_with_free_func(g_free);
	c->bad_files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (vendor_dir)
		list_dir(c, files, broken, vendor_dir, false);
	if (admin_dir)
		list_dir(c, files, broken, admin_dir, true);
	g_hash_table_foreach_steal(broken, steal_broken, c);

	names = g_hash_table_get_keys_as_array(files, &n);
	qsort(names, n, sizeof(*names), compare_names);
	for (i = 0; i < n; i++) {
		const char *path = g_hash_table_lookup(files, names[i]);
		const DomainDecl *clash, *first = NULL;
		GPtrArray *decls;

		if (!path)
			continue;
		decls = load_file(c, names[i], path, resolver);
		if (!decls)
			continue;
		clash = find_clash(seen, decls, &first);
		if (clash) {
			config_fail(c, names[i],
				    g_strdup_printf("%s:%u:%u: domain \"%s\" is declared already, "
						    "at %s:%u:%u", clash->file, clash->line,
						    clash->column, clash->name, first->file,
						    first->line, first->column));
			g_ptr_array_unref(decls);
			continue;
		}
		for (j = 0; j < decls->len; j++) {
			DomainDecl *d = g_ptr_array_index(decls, j);

			g_hash_table_insert(seen, d->name, d);
			g_ptr_array_add(c->domains, d);
		}
		/* The declarations belong to c->domains now. */
		g_ptr_array_set_free_func(decls, NULL);
		g_ptr_array_unref(decls);
	}
	g_ptr_array_sort(c->domains, compare_decls);
	return c;
}

const DomainDecl *domain_config_find(const DomainConfig *c, const char *name)
{
	guint i;

	for (i = 0; i < c->domains->len; i++) {
		const DomainDecl *d = g_ptr_array_index(c->domains, i);

		if (strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

bool domain_config_file_is_bad(const DomainConfig *c, const char *file_name)
{
	return g_hash_table_contains(c->bad_files, file_name);
}

DomainConfig *domain_config_free(DomainConfig *c)
{
	if (!c)
		return NULL;
	g_ptr_array_unref(c->domains);
	g_ptr_array_unref(c->errors);
	g_hash_table_destroy(c->bad_files);
	g_free(c);
	return NULL;
}
