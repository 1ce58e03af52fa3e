/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compiler's back end: rules into the flat table of <linux/bindox.h>,
 * strings into one blob in which every distinct string is stored once, and
 * the table of origins the rules' @source fields index.
 */

#include <errno.h>
#include <string.h>
#include "policy-private.h"

struct PolicyBuilder {
	GArray *rules;		/* struct bindox_policy_rule */
	GString *strings;	/* the blob */
	GHashTable *offsets;	/* string -> offset + 1 in the blob */
	GArray *origins;	/* PolicyOrigin */
	GPtrArray *files;	/* char *, NULL-terminated when finished */
};

PolicyBuilder *policy_builder_new(void)
{
	PolicyBuilder *b = g_new0(PolicyBuilder, 1);

	b->rules = g_array_new(FALSE, TRUE, sizeof(struct bindox_policy_rule));
	b->strings = g_string_new(NULL);
	b->offsets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	b->origins = g_array_new(FALSE, TRUE, sizeof(PolicyOrigin));
	b->files = g_ptr_array_new_with_free_func(g_free);
	return b;
}

/* The files they name belong to the files array. */
static void origins_free_texts(PolicyOrigin *origins, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		g_free(origins[i].text);
}

void policy_builder_free(PolicyBuilder *b)
{
	if (!b)
		return;
	g_array_free(b->rules, TRUE);
	g_string_free(b->strings, TRUE);
	g_hash_table_destroy(b->offsets);
	origins_free_texts((PolicyOrigin *)(void *)b->origins->data, b->origins->len);
	g_array_free(b->origins, TRUE);
	g_ptr_array_free(b->files, TRUE);
	g_free(b);
}

const char *policy_builder_add_file(PolicyBuilder *b, const char *file)
{
	char *copy = g_strdup(file);

	g_ptr_array_add(b->files, copy);
	return copy;
}

uint32_t policy_builder_add_origin(PolicyBuilder *b, const char *file, unsigned int line,
				   unsigned int column, const char *text)
{
	PolicyOrigin origin = {
		.file = (char *)file,
		.line = line,
		.column = column,
		.text = g_strdup(text),
	};

	g_array_append_val(b->origins, origin);
	return b->origins->len - 1;
}

/* Offset of @s in the blob, adding it if new; -ENOSPC beyond the limit. */
static int64_t builder_intern(PolicyBuilder *b, const char *s)
{
	size_t len = strlen(s);
	gpointer found;

	if (len == 0)
		return 0;
	found = g_hash_table_lookup(b->offsets, s);
	if (found)
		return (int64_t)GPOINTER_TO_SIZE(found) - 1;
	if (len > BINDOX_POLICY_MAX_STRINGS - b->strings->len)
		return -ENOSPC;
	g_hash_table_insert(b->offsets, g_strdup(s), GSIZE_TO_POINTER(b->strings->len + 1));
	g_string_append_len(b->strings, s, (gssize)len);
	return (int64_t)(b->strings->len - len);
}

int policy_builder_add_rule(PolicyBuilder *b, const PolicyRuleSpec *spec)
{
	const char *domain = spec->domain ? spec->domain : "";
	const char *peer = spec->peer_domain ? spec->peer_domain : "";
	struct bindox_policy_rule rule = {
		.actions = spec->actions,
		.flags = spec->flags,
		.uid = (spec->flags & BINDOX_POLICY_RULE_UID) ? spec->uid : 0,
		.gid = (spec->flags & BINDOX_POLICY_RULE_GID) ? spec->gid : 0,
		.domain_len = (uint32_t)strlen(domain),
		.peer_domain_len = (uint32_t)strlen(peer),
		.service_len = (uint32_t)strlen(spec->service),
		.source = spec->source,
	};
	int64_t off;

	if (b->rules->len >= BINDOX_POLICY_MAX_RULES)
		return -E2BIG;
	/* A failure ends the compilation: strings added before it do not matter. */
	off = builder_intern(b, domain);
	if (off < 0)
		return (int)off;
	rule.domain_off = (uint32_t)off;
	off = builder_intern(b, peer);
	if (off < 0)
		return (int)off;
	rule.peer_domain_off = (uint32_t)off;
	off = builder_intern(b, spec->service);
	if (off < 0)
		return (int)off;
	rule.service_off = (uint32_t)off;

	g_array_append_val(b->rules, rule);
	return 0;
}

Policy *policy_builder_finish(PolicyBuilder *b)
{
	Policy *p = g_new0(Policy, 1);

	p->n_rules = b->rules->len;
	p->rules = (struct bindox_policy_rule *)(void *)g_array_free(b->rules, p->n_rules == 0);
	p->strings_size = b->strings->len;
	p->strings = g_string_free(b->strings, p->strings_size == 0);
	p->n_origins = b->origins->len;
	p->origins = (PolicyOrigin *)(void *)g_array_free(b->origins, p->n_origins == 0);
	g_ptr_array_add(b->files, NULL);
	p->files = (char **)g_ptr_array_free(b->files, FALSE);
	g_hash_table_destroy(b->offsets);
	g_free(b);
	return p;
}

void policy_free(Policy *p)
{
	if (!p)
		return;
	g_free(p->rules);
	g_free(p->strings);
	origins_free_texts(p->origins, p->n_origins);
	g_free(p->origins);
	g_strfreev(p->files);
	g_free(p);
}
