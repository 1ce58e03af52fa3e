/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading: one document from memory, or the policy folders (vendor files in
 * /usr/share/bindox/policy.d, admin files in /etc/bindox/policy.d replacing
 * vendor files of the same name), read in the C-locale order of names.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "policy-private.h"

Policy *policy_compile_string(const char *file, const char *text, size_t len,
					   const PolicyResolver *resolver,
					   PolicyErrorLocation *where, GError **error)
{
	PolicyBuilder *b = policy_builder_new();
	const char *name = policy_builder_add_file(b, file);

	if (!policy_parse_document(b, name, text, len, resolver, where, error)) {
		policy_builder_free(b);
		return NULL;
	}
	return policy_builder_finish(b);
}

bool policy_is_dev_null(const struct stat *st)
{
	struct stat null_st;

	return S_ISCHR(st->st_mode) && stat("/dev/null", &null_st) == 0 &&
	       S_ISCHR(null_st.st_mode) && st->st_rdev == null_st.st_rdev;
}

static bool is_policy_file_name(const char *name)
{
	return name[0] != '.' && g_str_has_suffix(name, ".xml");
}

/*
 * Adds @dir's policy files to @files (name -> path). With @admin, a link to
 * /dev/null masks the name (path NULL). A missing folder holds no files.
 */
static bool list_dir(GHashTable *files, const char *dir, bool admin,
		     PolicyErrorLocation *where, GError **error)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	bool ok = true;

	if (!d) {
		if (errno == ENOENT)
			return true;
		policy_error_set(error, where, POLICY_ERROR_IO, dir, 0, 0,
				 "cannot open the folder: %s", g_strerror(errno));
		return false;
	}
	while (ok && (errno = 0, entry = readdir(d))) {
		g_autofree char *path = NULL;
		struct stat st;

		if (!is_policy_file_name(entry->d_name))
			continue;
		path = g_build_filename(dir, entry->d_name, NULL);
		if (stat(path, &st) < 0) {
			policy_error_set(error, where, POLICY_ERROR_IO, path, 0, 0,
					 "cannot read: %s", g_strerror(errno));
			ok = false;
		} else if (admin && policy_is_dev_null(&st)) {
			g_hash_table_insert(files, g_strdup(entry->d_name), NULL);
		} else if (S_ISREG(st.st_mode)) {
			g_hash_table_insert(files, g_strdup(entry->d_name), g_steal_pointer(&path));
		}
	}
	if (ok && errno != 0) {
		policy_error_set(error, where, POLICY_ERROR_IO, dir, 0, 0,
				 "cannot read the folder: %s", g_strerror(errno));
		ok = false;
	}
	closedir(d);
	return ok;
}

GByteArray *policy_read_file(const char *path, PolicyErrorLocation *where, GError **error)
{
	GByteArray *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		policy_error_set(error, where, POLICY_ERROR_IO, path, 0, 0,
				 "cannot read: %s", g_strerror(errno));
		return NULL;
	}
	data = g_byte_array_new();
	while (data->len <= POLICY_MAX_FILE_SIZE) {
		guint8 chunk[65536];
		size_t want = MIN(sizeof(chunk), POLICY_MAX_FILE_SIZE + 1 - data->len);
		ssize_t n = read(fd, chunk, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			policy_error_set(error, where, POLICY_ERROR_IO, path, 0, 0,
					 "cannot read: %s", g_strerror(errno));
			g_byte_array_unref(data);
			data = NULL;
			break;
		}
		if (n == 0)
			break;
		g_byte_array_append(data, chunk, (guint)n);
	}
	close(fd);
	return data;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool load_file(PolicyBuilder *b, const char *path, const PolicyResolver *resolver,
		      PolicyErrorLocation *where, GError **error)
{
	GByteArray *data = policy_read_file(path, where, error);
	bool ok;

	if (!data)
		return false;
	ok = policy_parse_document(b, policy_builder_add_file(b, path), (const char *)data->data,
				   data->len, resolver, where, error);
	g_byte_array_unref(data);
	return ok;
}

Policy *policy_load_dirs(const char *vendor_dir, const char *admin_dir,
				      const PolicyResolver *resolver,
				      PolicyErrorLocation *where, GError **error)
{
	g_autoptr(GHashTable) files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autofree gpointer *names = NULL;
	PolicyBuilder *b;
	guint n, i;

	if ((vendor_dir && !list_dir(files, vendor_dir, false, where, error)) ||
	    (admin_dir && !list_dir(files, admin_dir, true, where, error)))
		return NULL;

	names = g_hash_table_get_keys_as_array(files, &n);
	qsort(names, n, sizeof(*names), compare_names);
	b = policy_builder_new();
	for (i = 0; i < n; i++) {
		const char *path = g_hash_table_lookup(files, names[i]);

		if (path && !load_file(b, path, resolver, where, error)) {
			policy_builder_free(b);
			return NULL;
		}
	}
	return policy_builder_finish(b);
}
