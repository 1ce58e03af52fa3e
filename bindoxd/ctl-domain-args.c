/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arguments of "bindoxctl domain add|remove"; see ctl-domain-args.h.
 */

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl-domain-args.h"

int ctl_domain_global_argc(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], CTL_DOMAIN_COMMAND) == 0)
			return i + 1;
	return argc;
}

/* Decimal digits only, no sign, at most @max. */
static int parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static bool lookup_user(const char *name, uint32_t *id)
{
	const struct passwd *pw = getpwnam(name);

	if (pw)
		*id = (uint32_t)pw->pw_uid;
	return pw != NULL;
}

static bool lookup_group(const char *name, uint32_t *id)
{
	const struct group *gr = getgrnam(name);

	if (gr)
		*id = (uint32_t)gr->gr_gid;
	return gr != NULL;
}

/* A decimal id but (uid_t)-1, which is no one's, or a name @lookup knows. */
static int parse_id(const char *s, bool (*lookup)(const char *, uint32_t *), uint32_t *id)
{
	uint64_t v;
	int r;

	r = parse_decimal(s, UINT32_MAX - 1, &v);
	if (r == 0)
		*id = (uint32_t)v;
	else if (r == -ERANGE || !lookup(s, id))
		return -EINVAL;
	return 0;
}

int ctl_domain_parse_user(const char *s, uint32_t *uid)
{
	return parse_id(s, lookup_user, uid);
}

int ctl_domain_parse_group(const char *s, uint32_t *gid)
{
	return parse_id(s, lookup_group, gid);
}

int ctl_domain_parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	size_t len = strlen(s);
	unsigned int shift = 0;
	const char *suffix;
	char digits[32];
	uint64_t v;
	int r;

	if (len == 0 || len >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, s, len + 1);
	suffix = strchr(suffixes, digits[len - 1]);
	if (len >= 2 && suffix && *suffix) {
		shift = 10U * (unsigned int)(suffix - suffixes + 1);
		digits[len - 1] = '\0';
	}
	r = parse_decimal(digits, UINT64_MAX >> shift, &v);
	if (r < 0)
		return r;
	*out = v << shift;
	return 0;
}

static int parse_mode(const char *s, uint32_t *mode)
{
	size_t len = strlen(s);

	if (len == 0 || len > 4 || strspn(s, "01234567") != len)
		return -EINVAL;
	*mode = (uint32_t)strtoul(s, NULL, 8);
	return 0;
}

/* KEY=VALUE of --limit; the key is checked by bindoxd. */
static int parse_limit(char *arg, CtlDomainArgs *out)
{
	char *eq = strchr(arg, '=');
	int r;

	if (!eq || eq == arg) {
		fprintf(stderr, "bindoxctl: --limit takes KEY=VALUE: \"%s\"\n", arg);
		return -EINVAL;
	}
	if (out->n_limits == CTL_DOMAIN_MAX_LIMITS) {
		fprintf(stderr, "bindoxctl: at most %d --limit options\n", CTL_DOMAIN_MAX_LIMITS);
		return -EINVAL;
	}
	r = ctl_domain_parse_size(eq + 1, &out->limit_values[out->n_limits]);
	if (r < 0) {
		fprintf(stderr, "bindoxctl: --limit %s: the value must be a number, for sizes "
			"optionally with K, M, G or T\n", arg);
		return r;
	}
	*eq = '\0';
	out->limit_keys[out->n_limits++] = arg;
	return 0;
}

static int bad_option(const char *option, const char *value, const char *what)
{
	fprintf(stderr, "bindoxctl: %s \"%s\": %s\n", option, value, what);
	return -EINVAL;
}

static const struct option ctl_domain_options[] = {
	{ "owner", required_argument, NULL, 'o' },
	{ "group", required_argument, NULL, 'g' },
	{ "mode", required_argument, NULL, 'm' },
	{ "limit", required_argument, NULL, 'l' },
	{ "force", no_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *option_name(int c)
{
	const struct option *o;

	for (o = ctl_domain_options; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

/* The options of "add" alone; --force is the one of "remove". */
static bool option_fits(int c, bool add)
{
	static const char add_only[] = "ogml";

	if (c == 'f')
		return !add;
	return add || !strchr(add_only, c);
}

/* One option of "add" or "remove"; @c is getopt's answer. */
static int parse_option(int c, CtlDomainArgs *out)
{
	switch (c) {
	case 'o':
		if (ctl_domain_parse_user(optarg, &out->uid) < 0)
			return bad_option("--owner", optarg, "no such user (a name or a uid)");
		return 0;
	case 'g':
		if (ctl_domain_parse_group(optarg, &out->gid) < 0)
			return bad_option("--group", optarg, "no such group (a name or a gid)");
		return 0;
	case 'm':
		if (parse_mode(optarg, &out->mode) < 0)
			return bad_option("--mode", optarg, "octal permission bits such as 0660");
		return 0;
	case 'l':
		return parse_limit(optarg, out);
	case 'f':
		out->force = true;
		return 0;
	case 'j':
		out->json = true;
		return 0;
	case 'h':
		return 1;
	default:
		return -EINVAL;
	}
}

int ctl_domain_args_parse(char **args, CtlDomainArgs *out)
{
	int argc = 0, c, r;

	memset(out, 0, sizeof(*out));
	out->mode = CTL_DOMAIN_DEFAULT_MODE;
	while (args[argc])
		argc++;
	if (argc == 0 || (strcmp(args[0], "add") != 0 && strcmp(args[0], "remove") != 0)) {
		if (argc > 0 && strcmp(args[0], "--help") == 0)
			return 1;
		fprintf(stderr, "bindoxctl: domain takes add or remove (see --help)\n");
		return -EINVAL;
	}
	out->add = strcmp(args[0], "add") == 0;

	/* args[0] stands for the program's name; 0 starts getopt afresh. */
	optind = 0;
	while ((c = getopt_long(argc, args, "jh", ctl_domain_options, NULL)) != -1) {
		if (!option_fits(c, out->add)) {
			fprintf(stderr, "bindoxctl: domain %s does not take --%s (see --help)\n",
				args[0], option_name(c));
			return -EINVAL;
		}
		r = parse_option(c, out);
		if (r != 0)
			return r;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "bindoxctl: domain %s takes one NAME (see --help)\n", args[0]);
		return -EINVAL;
	}
	out->name = args[optind];
	return 0;
}
