// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include "log/rotate.h"
#include "util/atomic.h"

#define ROTATE_N_MAX	100000	/* a sibling number past this is not one of ours */

int vb_rotate_name(const char *log, unsigned int n, bool gz, char *buf, size_t len)
{
	int w = snprintf(buf, len, "%s.%u%s", log, n, gz ? ".gz" : "");

	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

static int rename_if_there(const char *from, const char *to)
{
	if (rename(from, to) && errno != ENOENT)
		return -errno;
	return 0;
}

int vb_rotate_shift(const char *log, unsigned int keep)
{
	char from[4200], to[4200];
	int err = 0;

	for (int gz = 0; gz <= 1; gz++) {
		if (vb_rotate_name(log, keep, gz, to, sizeof(to)))
			return -ENAMETOOLONG;
		if (unlink(to) && errno != ENOENT)
			err = -errno;
		for (unsigned int n = keep; n > 1; n--) {
			vb_rotate_name(log, n - 1, gz, from, sizeof(from));
			vb_rotate_name(log, n, gz, to, sizeof(to));
			if (rename_if_there(from, to) && !err)
				err = -errno;
		}
	}
	return err;
}

/* gzip the file open as *arg into fd (util/atomic.c syncs and renames it). */
static int gzip_into(int fd, void *arg)
{
	int in = *(int *)arg, gfd, z, err = 0;
	char mode[8], *buf;
	gzFile gz;
	ssize_t n;

	buf = malloc(1 << 16);
	if (!buf)
		return -ENOMEM;
	snprintf(mode, sizeof(mode), "wb%d", VB_GZIP_LEVEL);
	/* gzdopen on a dup: gzclose closes it, and fd stays the caller's to sync and close. */
	gfd = dup(fd);
	if (gfd < 0) {
		err = -errno;
		goto out;
	}
	gz = gzdopen(gfd, mode);
	if (!gz) {
		close(gfd);
		err = -ENOMEM;
		goto out;
	}
	while ((n = read(in, buf, 1 << 16)) > 0) {
		if (gzwrite(gz, buf, n) != n) {
			err = -EIO;
			break;
		}
	}
	if (n < 0 && !err)
		err = -errno;
	z = gzclose_w(gz);
	if (z != Z_OK && !err)
		err = z == Z_ERRNO ? -errno : -EIO;
out:
	free(buf);
	return err;
}

int vb_rotate_compress(const char *src, const char *dst)
{
	int in, err;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	err = vb_atomic_write_fd(dst, 0640, gzip_into, &in);
	close(in);
	if (err)
		return err;
	/* Only now is the compressed copy complete: the plain one can go. */
	if (unlink(src))
		return -errno;
	vb_fsync_dir(dst);
	return 0;
}

/* The sibling number of name if it is LOG.<n>[.gz][.tmp[.<suffix>]] for base LOG, else 0. A
 * .tmp.<suffix> is util/atomic.c's temporary file; a bare .tmp, an older version's. */
static unsigned int sibling(const char *name, const char *base, bool *gz, bool *tmp)
{
	size_t bl = strlen(base);
	unsigned long n;
	char *end;

	if (strncmp(name, base, bl) || name[bl] != '.' || name[bl + 1] < '1' || name[bl + 1] > '9')
		return 0;
	n = strtoul(name + bl + 1, &end, 10);
	*gz = *tmp = false;
	if (!strncmp(end, ".gz", 3)) {
		*gz = true;
		end += 3;
	}
	if (!strcmp(end, ".tmp") || !strncmp(end, VB_ATOMIC_TMP_SUFFIX,
					     strlen(VB_ATOMIC_TMP_SUFFIX))) {
		*tmp = true;
		end += strlen(end);
	}
	return *end || n > ROTATE_N_MAX ? 0 : n;
}

struct sib {
	unsigned int n;
	bool gz;
};

static int sib_cmp(const void *a, const void *b)
{
	const struct sib *x = a, *y = b;

	/* Oldest first: the highest number; of a number, the .gz first (it wins). */
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return y->gz - x->gz;
}

/* The rotated siblings of log in *out (malloc'd), oldest first, .tmp files left out. */
static int siblings(const char *log, struct sib **out, size_t *n)
{
	char dir[4096], base[4096];
	struct sib *s = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s", log);
	snprintf(base, sizeof(base), "%s", log);
	d = opendir(dirname(dir));
	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		bool gz, tmp;
		unsigned int k = sibling(de->d_name, basename(base), &gz, &tmp);

		if (!k || tmp)
			continue;
		if (*n == cap) {
			struct sib *ns = realloc(s, (cap = cap ? 2 * cap : 16) * sizeof(*s));

			if (!ns) {
				free(s);
				closedir(d);
				return -ENOMEM;
			}
			s = ns;
		}
		s[(*n)++] = (struct sib){ k, gz };
	}
	closedir(d);
	if (*n)
		qsort(s, *n, sizeof(*s), sib_cmp);
	*out = s;
	return 0;
}

int vb_rotate_compress_pending(const char *log)
{
	char dir[4096], base[4096], path[4400], gzp[4400];
	struct dirent *de;
	struct sib *s = NULL;
	size_t n;
	int err = 0, e;
	DIR *d;

	/* A .tmp is a compression a crash interrupted: never complete, never read. */
	snprintf(dir, sizeof(dir), "%s", log);
	snprintf(base, sizeof(base), "%s", log);
	d = opendir(dirname(dir));
	if (d) {
		while ((de = readdir(d))) {
			bool gz, tmp;

			if (sibling(de->d_name, basename(base), &gz, &tmp) && tmp) {
				snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
				unlink(path);
			}
		}
		closedir(d);
	}
	e = siblings(log, &s, &n);
	if (e)
		return e;
	for (size_t i = 0; i < n; i++) {
		if (s[i].gz)
			continue;
		vb_rotate_name(log, s[i].n, false, path, sizeof(path));
		vb_rotate_name(log, s[i].n, true, gzp, sizeof(gzp));
		if (i > 0 && s[i - 1].n == s[i].n && s[i - 1].gz)
			e = unlink(path) ? -errno : 0;
		else
			e = vb_rotate_compress(path, gzp);
		if (e && !err)
			err = e;
	}
	free(s);
	return err;
}

int vb_rotate_list(const char *log, char ***files, size_t *n)
{
	struct sib *s = NULL;
	size_t ns, k = 0;
	char **f, path[4200];
	struct stat st;
	int err;

	*files = NULL;
	*n = 0;
	err = siblings(log, &s, &ns);
	if (err)
		return err;
	f = calloc(ns + 1, sizeof(*f));
	if (!f) {
		free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ns; i++) {
		/* A plain copy next to its complete .gz is a leftover: the .gz has every record. */
		if (i > 0 && s[i - 1].n == s[i].n)
			continue;
		vb_rotate_name(log, s[i].n, s[i].gz, path, sizeof(path));
		if (!(f[k++] = strdup(path)))
			goto nomem;
	}
	if (!stat(log, &st) && !(f[k++] = strdup(log)))
		goto nomem;
	free(s);
	*files = f;
	*n = k;
	return 0;
nomem:
	vb_rotate_free_list(f, k);
	free(s);
	return -ENOMEM;
}

void vb_rotate_free_list(char **files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
}
