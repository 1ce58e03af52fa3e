/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads the shared policy cases: the table and the policy it runs against.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "policy-cases.h"

enum { COL_POLICY, COL_DOMAIN, COL_UID, COL_GID, COL_ACTION, COL_SERVICE, COL_PEER,
       COL_VERDICT, N_COLS };

static bool parse_id(const char *s, uint32_t *id)
{
	guint64 v;

	if (!g_ascii_string_to_unsigned(s, 10, 0, UINT32_MAX, &v, NULL))
		return false;
	*id = (uint32_t)v;
	return true;
}

static bool parse_case(char **col, PolicyCase *c)
{
	if (strcmp(col[COL_POLICY], "rules") == 0)
		c->rules = true;
	else if (strcmp(col[COL_POLICY], "default") != 0)
		return false;
	if (!parse_id(col[COL_UID], &c->uid) || !parse_id(col[COL_GID], &c->gid))
		return false;
	c->action = policy_action_from_name(col[COL_ACTION]);
	if (!c->action)
		return false;
	/* A register has no peer; lookup and call always have one. */
	if ((c->action == BINDOX_POLICY_ACT_REGISTER) != (strcmp(col[COL_PEER], "-") == 0))
		return false;
	if (strcmp(col[COL_VERDICT], "allow") == 0)
		c->error = 0;
	else if (strcmp(col[COL_VERDICT], "EACCES") == 0)
		c->error = EACCES;
	else
		return false;
	c->domain = g_strdup(col[COL_DOMAIN]);
	c->service = g_strdup(col[COL_SERVICE]);
	c->peer = c->action == BINDOX_POLICY_ACT_REGISTER ? NULL : g_strdup(col[COL_PEER]);
	return true;
}

static void add_domain(GPtrArray *domains, const char *name)
{
	if (!name || strcmp(name, BINDOX_HOST_DOMAIN) == 0)
		return;
	for (guint i = 0; i < domains->len; i++)
		if (strcmp(g_ptr_array_index(domains, i), name) == 0)
			return;
	g_ptr_array_add(domains, g_strdup(name));
}

static bool read_table(PolicyCases *pc, const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GArray) cases = g_array_new(FALSE, TRUE, sizeof(PolicyCase));
	g_autoptr(GPtrArray) domains = g_ptr_array_new();
	bool ok = true;

	if (!g_file_get_contents(path, &text, NULL, error))
		return false;
	lines = g_strsplit(text, "\n", -1);
	for (unsigned int i = 0; lines[i]; i++) {
		g_auto(GStrv) col = NULL;
		PolicyCase c = { .line = i + 1 };

		if (lines[i][0] == '\0' || lines[i][0] == '#')
			continue;
		col = g_strsplit(lines[i], "\t", -1);
		if (g_strv_length(col) != N_COLS || !parse_case(col, &c)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				    "%s:%u: not a case (see the columns at the top)", path, i + 1);
			ok = false;
			break;
		}
		add_domain(domains, c.domain);
		add_domain(domains, c.peer);
		g_array_append_val(cases, c);
	}
	/* What was read is freed with the rest by policy_cases_free(). */
	pc->n_cases = cases->len;
	pc->cases = (PolicyCase *)(void *)g_array_free(g_steal_pointer(&cases), FALSE);
	g_ptr_array_add(domains, NULL);
	pc->domains = (char **)g_ptr_array_free(g_steal_pointer(&domains), FALSE);
	return ok;
}

PolicyCases *policy_cases_load(const char *dir, GError **error)
{
	g_autofree char *table = g_build_filename(dir, "cases.tsv", NULL);
	g_autofree char *xml = g_build_filename(dir, "rules.xml", NULL);
	g_autofree char *text = NULL;
	PolicyCases *pc = g_new0(PolicyCases, 1);
	size_t len;

	if (!read_table(pc, table, error) || !g_file_get_contents(xml, &text, &len, error)) {
		policy_cases_free(pc);
		return NULL;
	}
	pc->rules = policy_compile_string(xml, text, len, policy_system_resolver(), NULL,
					   error);
	if (!pc->rules) {
		policy_cases_free(pc);
		return NULL;
	}
	return pc;
}

void policy_cases_free(PolicyCases *pc)
{
	if (!pc)
		return;
	for (size_t i = 0; i < pc->n_cases; i++) {
		g_free(pc->cases[i].domain);
		g_free(pc->cases[i].service);
		g_free(pc->cases[i].peer);
	}
	g_free(pc->cases);
	g_strfreev(pc->domains);
	policy_free(pc->rules);
	g_free(pc);
}

char *policy_case_describe(const PolicyCase *c)
{
	return g_strdup_printf("cases.tsv:%u: %s, %s uid %u gid %u, %s %s in %s", c->line,
			       c->rules ? "rules.xml" : "built-in default", c->domain, c->uid,
			       c->gid, policy_action_name(c->action), c->service,
			       c->peer ? c->peer : c->domain);
}
