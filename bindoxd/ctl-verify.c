/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bindoxctl verify FILE...: checks policy files (bindox-policy(5)) and
 * domain files (bindox-domains(5)) offline, with the parsers bindoxd
 * itself uses, and the system's user and group names. No daemon needed.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "ctl-json.h"
#include "ctl.h"
#include "domain-config.h"
#include "policy-private.h"

typedef enum {
	VERIFY_POLICY,
	VERIFY_DOMAINS,
} VerifyKind;

typedef struct VerifyResult {
	const char *file;
	VerifyKind kind;
	char *error;		/* "FILE:LINE:COLUMN: message" or NULL */
	PolicyErrorLocation where;
	unsigned int count;	/* rules or domains */
} VerifyResult;

/* GMarkup callback: note the root element's name and stop there. */
static void verify_on_root(GMarkupParseContext *ctx, const char *element, const char **names,
			   const char **values, gpointer data, GError **error)
{
	*(char **)data = g_strdup(element);
	g_set_error_literal(error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "root seen");
}

/*
 * Which format a file is in: its root element says, else (a document
 * broken before its root) the folder it is in; policy by default. The
 * parser chosen then reports what is wrong.
 */
static VerifyKind verify_kind(const char *path, const char *text, size_t len)
{
	static const GMarkupParser sniffer = { .start_element = verify_on_root };
	g_autofree char *root = NULL;
	GMarkupParseContext *ctx = g_markup_parse_context_new(&sniffer, 0, &root, NULL);
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *folder = g_path_get_basename(dir);

	(void)g_markup_parse_context_parse(ctx, text, (gssize)len, NULL);
	g_markup_parse_context_free(ctx);
	if (root && strcmp(root, "bindox-domains") == 0)
		return VERIFY_DOMAINS;
	if (root && strcmp(root, "bindox-policy") == 0)
		return VERIFY_POLICY;
	return strcmp(folder, "domains.d") == 0 ? VERIFY_DOMAINS : VERIFY_POLICY;
}

/*
 * A domain declared by an earlier file of this run: an error of the later
 * file, as bindoxd reports it when it reads its folders.
 */
static bool verify_clash(GHashTable *seen, GPtrArray *decls, VerifyResult *res)
{
	guint i;

	for (i = 0; i < decls->len; i++) {
		const DomainDecl *d = g_ptr_array_index(decls, i);
		const DomainDecl *first = g_hash_table_lookup(seen, d->name);

		if (!first)
			continue;
		res->error = g_strdup_printf("%s:%u:%u: domain \"%s\" is declared already, at %s:%u:%u",
					     d->file, d->line, d->column, d->name, first->file,
					     first->line, first->column);
		res->where.file = g_strdup(d->file);
		res->where.line = d->line;
		res->where.column = d->column;
		return true;
	}
	return false;
}

/* Checks one file; the declarations of a good domain file go to @kept. */
static void verify_file(VerifyResult *res, GHashTable *seen, GPtrArray *kept)
{
	const PolicyResolver *resolver = policy_system_resolver();
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) data = policy_read_file(res->file, &res->where, &error);
	const char *text;
	guint i;

	if (!data) {
		res->error = g_strdup(error->message);
		return;
	}
	text = (const char *)data->data;
	res->kind = verify_kind(res->file, text, data->len);
	if (res->kind == VERIFY_POLICY) {
		Policy *p = policy_compile_string(res->file, text, data->len, resolver,
							       &res->where, &error);

		if (p)
			res->count = (unsigned int)p->n_rules;
		policy_free(p);
	} else {
		GPtrArray *decls = domain_config_parse(res->file, text, data->len, resolver,
						       &res->where, &error);

		if (decls && !verify_clash(seen, decls, res)) {
			res->count = decls->len;
			for (i = 0; i < decls->len; i++) {
				DomainDecl *d = g_ptr_array_index(decls, i);

				g_hash_table_insert(seen, d->name, d);
			}
			g_ptr_array_add(kept, decls);
		} else if (decls) {
			g_ptr_array_unref(decls);
		}
	}
	if (error)
		res->error = g_strdup(error->message);
}

static void verify_print_json(const VerifyResult *results, size_t n)
{
	size_t i;

	fputc('[', stdout);
	for (i = 0; i < n; i++) {
		const VerifyResult *res = &results[i];

		fputs(i ? ", {" : "{", stdout);
		ctl_json_member_string(stdout, 1, "file", res->file);
		ctl_json_member_string(stdout, 0, "format",
				       res->kind == VERIFY_POLICY ? "policy" : "domains");
		fputs(res->error ? ", \"valid\": false" : ", \"valid\": true", stdout);
		if (res->error) {
			ctl_json_member_string(stdout, 0, "error", res->error);
			ctl_json_member_uint(stdout, 0, "line", res->where.line);
			ctl_json_member_uint(stdout, 0, "column", res->where.column);
		} else {
			ctl_json_member_uint(stdout, 0,
					     res->kind == VERIFY_POLICY ? "rules" : "domains",
					     res->count);
		}
		fputc('}', stdout);
	}
	fputs("]\n", stdout);
}

static void verify_print(const VerifyResult *res)
{
	if (res->error)
		fprintf(stderr, "%s\n", res->error);
	else if (res->kind == VERIFY_POLICY)
		printf("%s: policy, %u rule%s\n", res->file, res->count, res->count == 1 ? "" : "s");
	else
		printf("%s: domains, %u domain%s\n", res->file, res->count,
		       res->count == 1 ? "" : "s");
}

int ctl_verify(Ctl *ctl, char **files)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func(
		(GDestroyNotify)g_ptr_array_unref);
	size_t n = g_strv_length(files), i, bad = 0;
	VerifyResult *results = g_new0(VerifyResult, n);

	for (i = 0; i < n; i++) {
		results[i].file = files[i];
		verify_file(&results[i], seen, kept);
		if (results[i].error)
			bad++;
		if (!ctl->json)
			verify_print(&results[i]);
	}
	if (ctl->json)
		verify_print_json(results, n);
	for (i = 0; i < n; i++) {
		g_free(results[i].error);
		policy_error_location_clear(&results[i].where);
	}
	g_free(results);
	return bad ? CTL_EXIT_FAILURE : CTL_EXIT_OK;
}
