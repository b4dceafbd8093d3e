// SPDX-License-Identifier: GPL-2.0
/*
 * The package index: every path the installed packages list, sorted once, searched per file.
 * The databases are read by dpkg.c and rpm.c in a forked child (see pkgdb_stream.h for why);
 * this file runs the child, parses its record stream and answers lookups.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "identify/divert.h"
#include "identify/pkgdb.h"
#include "identify/pkgdb_stream.h"
#include "util/readfile.h"

#define VB_PKGDB_STREAM_MAX	(512UL << 20)	/* bytes one database reader may send */
#define VB_PKGDB_PKGS_MAX	(1U << 20)
#define VB_PKGDB_FILES_MAX	(1U << 26)
#define PKGDB_PKGS_FIRST	64		/* first allocation; arrays double from there */
#define PKGDB_FILES_FIRST	1024
#define PKGDB_ERRNO_MAX		4095		/* the largest errno an 'E' record may carry */
#define PKGDB_ERRNO_LEN		8		/* its decimal digits, NUL included, at most */
#define PKGDB_SOURCES		2		/* dpkg and rpm */

/* Top-level directories a merged /usr turns into symlinks (Debian 12, Fedora 17 on). */
static const char *const usr_merged_dirs[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32" };
#define N_USR_MERGED	(sizeof(usr_merged_dirs) / sizeof(usr_merged_dirs[0]))

/* Where rpm keeps its database, newest layout first. */
static const char *const rpm_dbpaths[] = { "/usr/lib/sysimage/rpm", "/var/lib/rpm" };
static const char *const rpm_dbfiles[] = { "rpmdb.sqlite", "Packages.db", "Packages" };

struct pkgdb_pkg {
	struct vb_package pkg;
	size_t first;			/* its paths are files[first .. first + n_files) */
	size_t n_files;
};

struct vb_pkgdb {
	struct pkgdb_pkg *pkgs;
	size_t n_pkgs, cap_pkgs;
	const char **files;		/* into streams[] */
	uint32_t *owner;		/* files[i] is listed by pkgs[owner[i]] */
	size_t n_files, cap_files;
	uint32_t *sorted;		/* indices into files[], by path, then in listed order */
	uint8_t *streams[PKGDB_SOURCES];
	size_t n_streams;
	bool usr_merged[N_USR_MERGED];
	struct vb_diversions div;
};

/* ---- writing records (in the child) ---- */

static void writer_flush(struct vb_pkgdb_writer *w)
{
	size_t off = 0;
	ssize_t n;

	while (!w->err && off < w->used) {
		n = write(w->fd, w->buf + off, w->used - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			w->err = n < 0 ? -errno : -EIO;
		else
			off += n;
	}
	w->used = 0;
}

static void writer_put(struct vb_pkgdb_writer *w, const char *s, size_t len)
{
	size_t n;

	while (len && !w->err) {
		if (w->used == sizeof(w->buf))
			writer_flush(w);
		n = sizeof(w->buf) - w->used;
		if (n > len)
			n = len;
		memcpy(w->buf + w->used, s, n);
		w->used += n;
		s += n;
		len -= n;
	}
}

static void writer_str(struct vb_pkgdb_writer *w, const char *s)
{
	writer_put(w, s, strlen(s) + 1);
}

void vb_pkgdb_put_package(struct vb_pkgdb_writer *w, const struct vb_package *pkg)
{
	writer_put(w, "P", 1);
	writer_str(w, pkg->manager);
	writer_str(w, pkg->name);
	writer_str(w, pkg->version);
	writer_str(w, pkg->maintainer);
	writer_str(w, pkg->vendor);
	writer_str(w, pkg->key_id);
}

void vb_pkgdb_put_file(struct vb_pkgdb_writer *w, const char *path)
{
	size_t len = strlen(path);

	/* Such a path cannot be opened, so it cannot be looked up either. */
	if (!len || len >= VB_PKGDB_PATH_MAX)
		return;
	writer_put(w, "F", 1);
	writer_put(w, path, len + 1);
}

void vb_pkgdb_put_diversion(struct vb_pkgdb_writer *w, const char *from, const char *to,
			    const char *by)
{
	if (!from[0] || !to[0] || strlen(from) >= VB_PKGDB_PATH_MAX ||
	    strlen(to) >= VB_PKGDB_PATH_MAX)
		return;
	writer_put(w, "D", 1);
	writer_str(w, from);
	writer_str(w, to);
	writer_str(w, by);
}

static void writer_end(struct vb_pkgdb_writer *w, int err)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", -err);
	writer_put(w, "E", 1);
	writer_str(w, num);
	writer_flush(w);
}

void vb_pkgdb_field(char *dst, size_t size, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (len >= size) {
		len = size - 1;
		while (len && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;		/* do not split a UTF-8 sequence */
	}
	if (len)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

/* ---- parsing records into the index ---- */

/* The NUL-terminated string at *off, shorter than max bytes. */
static const char *next_str(const uint8_t *buf, size_t len, size_t *off, size_t max)
{
	size_t room = len - *off;
	const uint8_t *nul;
	const char *s;

	if (room > max)
		room = max;
	nul = memchr(buf + *off, '\0', room);
	if (!nul)
		return NULL;
	s = (const char *)buf + *off;
	*off = nul - buf + 1;
	return s;
}

static int next_field(const uint8_t *buf, size_t len, size_t *off, char *dst, size_t size)
{
	const char *s = next_str(buf, len, off, size);

	if (!s)
		return -EBADMSG;
	strcpy(dst, s);
	return 0;
}

static int grow_pkgs(struct vb_pkgdb *db)
{
	size_t cap;
	void *p;

	if (db->n_pkgs < db->cap_pkgs)
		return 0;
	if (db->n_pkgs >= VB_PKGDB_PKGS_MAX)
		return -EFBIG;
	cap = db->cap_pkgs ? db->cap_pkgs * 2 : PKGDB_PKGS_FIRST;
	if (cap > VB_PKGDB_PKGS_MAX)
		cap = VB_PKGDB_PKGS_MAX;
	p = reallocarray(db->pkgs, cap, sizeof(*db->pkgs));
	if (!p)
		return -ENOMEM;
	db->pkgs = p;
	db->cap_pkgs = cap;
	return 0;
}

static int add_package(struct vb_pkgdb *db, const uint8_t *buf, size_t len, size_t *off)
{
	struct vb_package *p;
	int err;

	err = grow_pkgs(db);
	if (err)
		return err;
	p = &db->pkgs[db->n_pkgs].pkg;
	memset(p, 0, sizeof(*p));
	if (next_field(buf, len, off, p->manager, sizeof(p->manager)) ||
	    next_field(buf, len, off, p->name, sizeof(p->name)) ||
	    next_field(buf, len, off, p->version, sizeof(p->version)) ||
	    next_field(buf, len, off, p->maintainer, sizeof(p->maintainer)) ||
	    next_field(buf, len, off, p->vendor, sizeof(p->vendor)) ||
	    next_field(buf, len, off, p->key_id, sizeof(p->key_id)))
		return -EBADMSG;
	if (!p->manager[0] || !p->name[0])
		return -EBADMSG;
	db->pkgs[db->n_pkgs].first = db->n_files;
	db->pkgs[db->n_pkgs].n_files = 0;
	db->n_pkgs++;
	return 0;
}

/* files[] and owner[] grow together. */
static int grow_files(struct vb_pkgdb *db)
{
	size_t cap;
	void *p;

	if (db->n_files < db->cap_files)
		return 0;
	if (db->n_files >= VB_PKGDB_FILES_MAX)
		return -EFBIG;
	cap = db->cap_files ? db->cap_files * 2 : PKGDB_FILES_FIRST;
	if (cap > VB_PKGDB_FILES_MAX)
		cap = VB_PKGDB_FILES_MAX;
	p = reallocarray(db->files, cap, sizeof(*db->files));
	if (!p)
		return -ENOMEM;
	db->files = p;
	p = reallocarray(db->owner, cap, sizeof(*db->owner));
	if (!p)
		return -ENOMEM;
	db->owner = p;
	db->cap_files = cap;
	return 0;
}

static int add_file(struct vb_pkgdb *db, const uint8_t *buf, size_t len, size_t *off)
{
	const char *path = next_str(buf, len, off, VB_PKGDB_PATH_MAX);
	int err;

	if (!path || !path[0] || !db->n_pkgs)
		return -EBADMSG;
	err = grow_files(db);
	if (err)
		return err;
	db->files[db->n_files] = path;
	db->owner[db->n_files] = db->n_pkgs - 1;
	db->n_files++;
	db->pkgs[db->n_pkgs - 1].n_files++;
	return 0;
}

static int add_diversion(struct vb_pkgdb *db, const uint8_t *buf, size_t len, size_t *off)
{
	const char *from = next_str(buf, len, off, VB_PKGDB_PATH_MAX);
	const char *to = from ? next_str(buf, len, off, VB_PKGDB_PATH_MAX) : NULL;
	const char *by = to ? next_str(buf, len, off, VB_FIELD_MAX) : NULL;

	if (!by)
		return -EBADMSG;
	return vb_diversions_add(&db->div, from, to, by);
}

static int end_errno(const char *s)
{
	int v = 0;

	if (!s || !*s)
		return -EBADMSG;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EBADMSG;
		v = v * 10 + (*s - '0');
		if (v > PKGDB_ERRNO_MAX)
			return -EBADMSG;
	}
	return -v;
}

/* Parse one reader's stream; buf must outlive db (paths point into it). */
static int load_stream(struct vb_pkgdb *db, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	int err;

	while (off < len) {
		switch (buf[off++]) {
		case 'P':
			err = add_package(db, buf, len, &off);
			break;
		case 'F':
			err = add_file(db, buf, len, &off);
			break;
		case 'D':
			err = add_diversion(db, buf, len, &off);
			break;
		case 'E':
			err = end_errno(next_str(buf, len, &off, PKGDB_ERRNO_LEN));
			/* The end record is the last one; anything after it is corruption. */
			return off == len ? err : -EBADMSG;
		default:
			err = -EBADMSG;
		}
		if (err)
			return err;
	}
	return -EBADMSG;	/* no end record: the reader died half way */
}

static int cmp_path(const void *a, const void *b, void *arg)
{
	const char **files = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(files[x], files[y]);

	if (c)
		return c;
	return x < y ? -1 : x > y;
}

static int build_index(struct vb_pkgdb *db)
{
	db->sorted = reallocarray(NULL, db->n_files ? db->n_files : 1, sizeof(*db->sorted));
	if (!db->sorted)
		return -ENOMEM;
	for (size_t i = 0; i < db->n_files; i++)
		db->sorted[i] = i;
	qsort_r(db->sorted, db->n_files, sizeof(*db->sorted), cmp_path, db->files);
	return vb_diversions_index(&db->div);
}

/* Position in sorted[] of the first listing of path, or -1. */
static long find_sorted(const struct vb_pkgdb *db, const char *path)
{
	size_t lo = 0, hi = db->n_files, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(db->files[db->sorted[mid]], path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < db->n_files && !strcmp(db->files[db->sorted[lo]], path))
		return lo;
	return -1;
}

/* Index of the first listing of path in files[], or -1. */
static long find_path(const struct vb_pkgdb *db, const char *path)
{
	long s = find_sorted(db, path);

	return s < 0 ? -1 : (long)db->sorted[s];
}

/*
 * On a merged /usr, dpkg lists /bin/ls (as the .deb has it) while the file is reached as
 * /usr/bin/ls, and rpm lists /usr/bin/ls while /bin/ls reaches it too.
 */
static bool usr_alias(const struct vb_pkgdb *db, const char *path, char *alias, size_t size)
{
	const char *rest;
	size_t d_len;

	for (size_t i = 0; i < N_USR_MERGED; i++) {
		const char *d = usr_merged_dirs[i];

		if (!db->usr_merged[i])
			continue;
		d_len = strlen(d);
		if (!strncmp(path, "/usr/", 5) && !strncmp(path + 5, d, d_len) &&
		    path[5 + d_len] == '/') {
			rest = path + 5 + d_len;
			return snprintf(alias, size, "/%s%s", d, rest) < (int)size;
		} else if (path[0] == '/' && !strncmp(path + 1, d, d_len) &&
			   path[1 + d_len] == '/') {
			rest = path + 1 + d_len;
			return snprintf(alias, size, "/usr/%s%s", d, rest) < (int)size;
		}
	}
	return false;
}

static long find_usr_alias(const struct vb_pkgdb *db, const char *path)
{
	char alias[VB_PKGDB_PATH_MAX];

	return usr_alias(db, path, alias, sizeof(alias)) ? find_path(db, alias) : -1;
}

/* A diversion keyed on path or, on a merged /usr, on its other name. */
static const struct vb_diversion *
find_diversion(const struct vb_pkgdb *db, const char *path,
	       const struct vb_diversion *(*lookup)(const struct vb_diversions *, const char *))
{
	const struct vb_diversion *d = lookup(&db->div, path);
	char alias[VB_PKGDB_PATH_MAX];

	if (!d && usr_alias(db, path, alias, sizeof(alias)))
		d = lookup(&db->div, alias);
	return d;
}

/* A package listing path that is not named by, or -1. */
static long find_listing_not_by(const struct vb_pkgdb *db, const char *path, const char *by)
{
	char alias[VB_PKGDB_PATH_MAX];
	const char *names[2] = { path, NULL };

	if (usr_alias(db, path, alias, sizeof(alias)))
		names[1] = alias;
	for (size_t k = 0; k < 2 && names[k]; k++) {
		long s = find_sorted(db, names[k]);

		for (; s >= 0 && (size_t)s < db->n_files &&
		       !strcmp(db->files[db->sorted[s]], names[k]); s++) {
			uint32_t i = db->sorted[s];

			if (strcmp(db->pkgs[db->owner[i]].pkg.name, by))
				return i;
		}
	}
	return -1;
}

static const struct vb_package *find_package(const struct vb_pkgdb *db, const char *manager,
					     const char *name)
{
	for (size_t i = 0; i < db->n_pkgs; i++)
		if (!strcmp(db->pkgs[i].pkg.manager, manager) && !strcmp(db->pkgs[i].pkg.name, name))
			return &db->pkgs[i].pkg;
	return NULL;
}

/*
 * What sits at a diverted path is the diverter's: its own copy, or whatever its maintainer
 * scripts put there. Naming it is what lets a `package` rule catch a vendor package that
 * replaces a system file by diverting it. A diverter no longer installed (a stale diversion) is
 * still named: the diversion is its doing. A local diversion belongs to no package.
 */
static int diverted_owner(const struct vb_pkgdb *db, const struct vb_diversion *d,
			  struct vb_package *pkg)
{
	const struct vb_package *p;

	if (!d->by[0])
		return -ENOENT;
	p = find_package(db, "dpkg", d->by);
	if (p) {
		*pkg = *p;
	} else {
		memset(pkg, 0, sizeof(*pkg));
		strcpy(pkg->manager, "dpkg");
		vb_pkgdb_field(pkg->name, sizeof(pkg->name), d->by);
	}
	snprintf(pkg->diversion, sizeof(pkg->diversion), "diverts %s to %s", d->from, d->to);
	return 0;
}

int vb_pkgdb_owner(const struct vb_pkgdb *db, const char *path, struct vb_package *pkg)
{
	const struct vb_diversion *d;
	long i;

	d = find_diversion(db, path, vb_diversion_from);
	if (d)
		return diverted_owner(db, d, pkg);
	d = find_diversion(db, path, vb_diversion_to);
	if (d) {
		/* The copy another package lists as d->from, installed here instead. */
		i = find_listing_not_by(db, d->from, d->by);
		if (i >= 0) {
			*pkg = db->pkgs[db->owner[i]].pkg;
			snprintf(pkg->diversion, sizeof(pkg->diversion), "%s diverted here by %s",
				 d->from, d->by[0] ? d->by : "the administrator (local)");
			return 0;
		}
	}
	i = find_path(db, path);
	if (i < 0)
		i = find_usr_alias(db, path);
	if (i < 0)
		return -ENOENT;
	*pkg = db->pkgs[db->owner[i]].pkg;
	return 0;
}

int vb_pkgdb_each(const struct vb_pkgdb *db, const char *name_glob, vb_pkgdb_fn fn, void *arg)
{
	int ret;

	for (size_t i = 0; i < db->n_pkgs; i++) {
		const struct pkgdb_pkg *p = &db->pkgs[i];

		if (name_glob && fnmatch(name_glob, p->pkg.name, 0))
			continue;
		ret = fn(&p->pkg, p->n_files ? db->files + p->first : NULL, p->n_files, arg);
		if (ret)
			return ret;
	}
	return 0;
}

size_t vb_pkgdb_count(const struct vb_pkgdb *db, size_t *n_files)
{
	if (n_files)
		*n_files = db->n_files;
	return db->n_pkgs;
}

void vb_pkgdb_close(struct vb_pkgdb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n_streams; i++)
		free(db->streams[i]);
	free(db->pkgs);
	free(db->files);
	free(db->owner);
	free(db->sorted);
	vb_diversions_free(&db->div);
	free(db);
}

int vb_pkgdb_from_stream(const uint8_t *buf, size_t len, struct vb_pkgdb **out)
{
	struct vb_pkgdb *db = calloc(1, sizeof(*db));
	int err = -ENOMEM;

	*out = NULL;
	if (!db)
		return -ENOMEM;
	db->streams[0] = malloc(len ? len : 1);
	if (!db->streams[0])
		goto fail;
	db->n_streams = 1;
	memcpy(db->streams[0], buf, len);
	err = load_stream(db, db->streams[0], len);
	if (!err)
		err = build_index(db);
	if (err)
		goto fail;
	*out = db;
	return 0;
fail:
	vb_pkgdb_close(db);
	return err;
}

/* ---- running a reader ---- */

static void __attribute__((noreturn)) reader_child(int fd, const char *root, const char *dbpath)
{
	struct vb_pkgdb_writer *w;
	int null, err;

	/* Whatever the libraries print or flush on the way out goes nowhere. */
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	signal(SIGPIPE, SIG_DFL);
	w = calloc(1, sizeof(*w));
	if (!w)
		_exit(1);
	w->fd = fd;
	err = dbpath ? vb_rpm_export(root, dbpath, w) : vb_dpkg_export(root, w);
	writer_end(w, err);
	_exit(w->err ? 1 : 0);
}

/* Run one reader in a child and add what it sends to db. dbpath NULL: dpkg. */
static int collect(struct vb_pkgdb *db, const char *root, const char *dbpath)
{
	char *buf = NULL;
	int p[2], err, status;
	size_t len = 0;
	pid_t pid;

	if (db->n_streams == PKGDB_SOURCES)
		return -EFBIG;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	/*
	 * The child ends with _exit(), but libdpkg may call exit() on its way down: leave no
	 * buffered output of the caller's for it to write a second time.
	 */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		close(p[0]);
		reader_child(p[1], root, dbpath);
	}
	close(p[1]);
	err = vb_read_fd(p[0], VB_PKGDB_STREAM_MAX, &buf, &len);
	close(p[0]);
	if (err)
		kill(pid, SIGKILL);
	/* The status is not needed: a reader that died sent no end record. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err)
		return err;
	db->streams[db->n_streams++] = (uint8_t *)buf;
	return load_stream(db, (uint8_t *)buf, len);
}

static bool exists(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s%s", root, rel) >= (int)sizeof(path))
		return false;
	return !stat(path, &st);
}

static const char *rpm_dbpath(const char *root)
{
	char rel[128];

	for (size_t i = 0; i < sizeof(rpm_dbpaths) / sizeof(rpm_dbpaths[0]); i++)
		for (size_t j = 0; j < sizeof(rpm_dbfiles) / sizeof(rpm_dbfiles[0]); j++) {
			snprintf(rel, sizeof(rel), "%s/%s", rpm_dbpaths[i], rpm_dbfiles[j]);
			if (exists(root, rel))
				return rpm_dbpaths[i];
		}
	return NULL;
}

static void find_usr_merged(struct vb_pkgdb *db, const char *root)
{
	char top[PATH_MAX], usr[PATH_MAX];
	struct stat lt, st, ut;

	for (size_t i = 0; i < N_USR_MERGED; i++) {
		snprintf(top, sizeof(top), "%s/%s", root, usr_merged_dirs[i]);
		snprintf(usr, sizeof(usr), "%s/usr/%s", root, usr_merged_dirs[i]);
		db->usr_merged[i] = !lstat(top, &lt) && S_ISLNK(lt.st_mode) && !stat(top, &st) &&
				    !stat(usr, &ut) && st.st_dev == ut.st_dev &&
				    st.st_ino == ut.st_ino;
	}
}

int vb_pkgdb_open(const char *root, struct vb_pkgdb **out)
{
	char real[PATH_MAX];
	const char *dbpath;
	struct vb_pkgdb *db;
	bool dpkg;
	int err;

	*out = NULL;
	if (!root || !strcmp(root, "/")) {
		real[0] = '\0';
	} else {
		if (!realpath(root, real))
			return -errno;
		if (!strcmp(real, "/"))
			real[0] = '\0';
	}
	dpkg = exists(real, "/var/lib/dpkg/status");
	dbpath = rpm_dbpath(real);
	if (!dpkg && !dbpath)
		return -ENOENT;
	db = calloc(1, sizeof(*db));
	if (!db)
		return -ENOMEM;
	err = dpkg ? collect(db, real[0] ? real : "/", NULL) : 0;
	if (!err && dbpath)
		err = collect(db, real[0] ? real : "/", dbpath);
	if (!err)
		err = build_index(db);
	if (err) {
		vb_pkgdb_close(db);
		return err;
	}
	find_usr_merged(db, real);
	*out = db;
	return 0;
}
