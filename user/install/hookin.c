// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "install/hookin.h"
#include "util/readfile.h"

#define DPKG_ANCESTORS_MAX	8	/* dpkg -> sh -c -> vendorban; a wrapper or two more */

void vb_strv_free(struct vb_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int vb_strv_add(struct vb_strv *s, const char *str, size_t len)
{
	char **v;

	if (s->n >= VB_HOOK_ARCHIVES_MAX)
		return -E2BIG;
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	s->v[s->n] = strndup(str, len);
	if (!s->v[s->n])
		return -ENOMEM;
	s->n++;
	return 0;
}

static int say(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

/* The n-th space-separated field of line (0-based), and everything after it in *rest. */
static const char *field(const char *line, int n, size_t *len)
{
	const char *p = line;

	for (int i = 0;; i++) {
		const char *e;

		while (*p == ' ')
			p++;
		if (!*p)
			return NULL;
		e = strchr(p, ' ');
		if (i == n) {
			*len = e ? (size_t)(e - p) : strlen(p);
			return p;
		}
		if (!e)
			return NULL;
		p = e;
	}
}

int vb_apt_hook_parse(FILE *in, struct vb_strv *debs, char *why, size_t why_len)
{
	char *line = malloc(VB_HOOK_LINE_MAX + 2);
	int version = 1, lineno = 0, err = 0;
	bool in_config = false, first = true;

	why[0] = '\0';
	if (!line)
		return -ENOMEM;
	while (fgets(line, VB_HOOK_LINE_MAX + 2, in)) {
		size_t n = strlen(line), len;
		const char *action;

		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (n > VB_HOOK_LINE_MAX) {
			err = say(why, why_len, -EBADMSG, "line %d: longer than %d bytes", lineno,
				  VB_HOOK_LINE_MAX);
			break;
		}
		if (first) {
			first = false;
			if (!strncmp(line, "VERSION ", 8)) {
				version = atoi(line + 8);
				if (version < 2 || version > 3) {
					err = say(why, why_len, -EBADMSG, "line 1: protocol '%s' "
						  "(known: VERSION 2, VERSION 3, or a list of files)",
						  line);
					break;
				}
				in_config = true;
				continue;
			}
		}
		if (in_config) {
			/* The configuration space, "Key=value", up to an empty line. */
			if (!n)
				in_config = false;
			continue;
		}
		if (!n)
			continue;
		if (version == 1) {
			err = vb_strv_add(debs, line, n);
		} else {
			/* v2: name old-ver direction new-ver ACTION; v3 adds arch and multi-arch to
			 * each version: name old-ver old-arch old-ma direction new-ver new-arch
			 * new-ma ACTION. The action runs to the end of the line. */
			action = field(line, version == 2 ? 4 : 8, &len);
			if (!action) {
				err = say(why, why_len, -EBADMSG, "line %d: not a version %d package "
					  "line: '%.80s'", lineno, version, line);
				break;
			}
			if (strncmp(action, "**", 2))
				err = vb_strv_add(debs, action, strlen(action));
		}
		if (err)
			break;
	}
	if (!err && ferror(in))
		err = say(why, why_len, -EIO, "reading the protocol: %s", strerror(errno));
	if (!err && in_config)
		err = say(why, why_len, -EBADMSG, "the protocol ended inside the configuration "
			  "(no package list)");
	free(line);
	return err;
}

/* dpkg options that take their value as the next argument when not written --opt=VALUE. */
static bool takes_value(const char *opt)
{
	static const char *const with_value[] = {
		"admindir", "instdir", "root", "log", "status-fd", "status-logger",
		"pre-invoke", "post-invoke", "path-include", "path-exclude", "ignore-depends",
		"abort-after", "verify-format", "debug", "force", "refuse", "no-force",
		"compare-versions",
	};

	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (!strcmp(opt, with_value[i]))
			return true;
	return false;
}

static struct vb_strv *walk_out;
static int walk_err;

static int add_deb(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path);

	/* dpkg -R installs files matching *.deb, found with find -follow. */
	if (type == FTW_F && n > 4 && !strcmp(path + n - 4, ".deb")) {
		walk_err = vb_strv_add(walk_out, path, n);
		return walk_err;
	}
	return 0;
}

int vb_dpkg_argv_archives(char *const *argv, size_t argc, const char *cwd, struct vb_strv *out,
			  char *why, size_t why_len)
{
	bool recursive = false, options = true;
	struct vb_strv names = {};
	int err = 0;

	why[0] = '\0';
	for (size_t i = 1; i < argc && !err; i++) {
		const char *a = argv[i];

		if (options && !strcmp(a, "--")) {
			options = false;
		} else if (options && !strncmp(a, "--", 2)) {
			if (!strcmp(a, "--recursive"))
				recursive = true;
			else if (!strchr(a, '=') && takes_value(a + 2))
				i++;
		} else if (options && a[0] == '-' && a[1]) {
			/* Short options cluster (-iR); -D takes the rest as its value. */
			for (const char *c = a + 1; *c && *c != 'D'; c++)
				if (*c == 'R')
					recursive = true;
		} else {
			char path[PATH_MAX];

			if (snprintf(path, sizeof(path), "%s%s%s", a[0] == '/' ? "" : cwd,
				     a[0] == '/' ? "" : "/", a) >= (int)sizeof(path))
				err = say(why, why_len, -ENAMETOOLONG, "argument too long: %.80s", a);
			else
				err = vb_strv_add(&names, path, strlen(path));
		}
	}
	for (size_t i = 0; i < names.n && !err; i++) {
		struct stat st;

		if (recursive && !stat(names.v[i], &st) && S_ISDIR(st.st_mode)) {
			walk_out = out;
			walk_err = 0;
			if (nftw(names.v[i], add_deb, 16, FTW_PHYS) && !walk_err)
				err = say(why, why_len, -errno, "%s: %s", names.v[i],
					  strerror(errno));
			else
				err = walk_err;
		} else {
			err = vb_strv_add(out, names.v[i], strlen(names.v[i]));
		}
	}
	vb_strv_free(&names);
	return err;
}

/* Parent pid and exe of pid, from /proc. */
static int proc_parent(pid_t pid, pid_t *ppid, char *exe, size_t len)
{
	char path[64], *status = NULL, *p;
	size_t n;
	ssize_t k;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	err = vb_read_file(path, 1 << 20, &status, &n);
	if (err)
		return err;
	p = realloc(status, n + 1);
	if (!p) {
		free(status);
		return -ENOMEM;
	}
	status = p;
	status[n] = '\0';
	p = strstr(status, "\nPPid:");
	*ppid = p ? (pid_t)atoi(p + 6) : 0;
	free(status);
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	k = readlink(path, exe, len - 1);
	exe[k > 0 ? k : 0] = '\0';
	return 0;
}

static bool is_dpkg(const char *exe)
{
	const char *base = strrchr(exe, '/');

	return base && !strcmp(base + 1, "dpkg");
}

int vb_dpkg_hook_archives(struct vb_strv *out, char *why, size_t why_len)
{
	char exe[PATH_MAX], path[64], cwd[PATH_MAX], *cmdline = NULL;
	ssize_t k;
	pid_t pid = getppid(), next;
	struct vb_strv argv = {};
	size_t n;
	int err;

	why[0] = '\0';
	for (int depth = 0;; depth++) {
		if (depth == DPKG_ANCESTORS_MAX || pid <= 1 ||
		    proc_parent(pid, &next, exe, sizeof(exe)))
			return say(why, why_len, -ESRCH, "no dpkg process above this hook (is it "
				   "run as dpkg's pre-invoke?)");
		if (is_dpkg(exe))
			break;
		pid = next;
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	err = vb_read_file(path, 16 << 20, &cmdline, &n);
	if (err)
		return say(why, why_len, err, "%s: %s", path, strerror(-err));
	for (size_t off = 0; off < n && !err;) {
		size_t len = strnlen(cmdline + off, n - off);

		err = vb_strv_add(&argv, cmdline + off, len);
		off += len + 1;
	}
	/* Relative names are dpkg's, from its working directory (through /proc if unnamed). */
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	k = readlink(path, cwd, sizeof(cwd) - 1);
	if (k > 0 && cwd[0] == '/')
		cwd[k] = '\0';
	else
		snprintf(cwd, sizeof(cwd), "%s", path);
	if (!err)
		err = vb_dpkg_argv_archives(argv.v, argv.n, cwd, out, why, why_len);
	vb_strv_free(&argv);
	free(cmdline);
	return err;
}
