// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include "identify/identify.h"
#include "install/deb.h"

#define DEB_CHUNK		(64u << 10)
#define DEB_CONTROL_TAR_MAX	((size_t)64 << 20)	/* every control member, kept until the end */

/* dpkg-deb's order: debian-binary, control.tar*, data.tar*; members named "_..." are ignored. */
enum deb_stage { WANT_BINARY, WANT_CONTROL, WANT_DATA, DONE };

struct kept {
	char path[VB_FIELD_MAX];
	uint8_t *buf;
	size_t len;
	uint8_t sha256[32];
};

struct walk {
	struct archive *outer;
	uint8_t chunk[DEB_CHUNK];
	struct vb_package *pkg;
	char *arch;
	size_t arch_len;
	vb_deb_fn fn;
	void *arg;
	char *why;
	size_t why_len;
	struct kept *kept;		/* control.tar's members, reported after its fields */
	size_t n_kept, kept_bytes;
	bool have_control;
};

static int walk_error(struct walk *w, int err, const char *fmt, ...)
{
	va_list ap;

	if (w->why[0])
		return err;
	va_start(ap, fmt);
	vsnprintf(w->why, w->why_len, fmt, ap);
	va_end(ap);
	return err;
}

static void field_copy(char *dst, size_t n, const char *v, size_t len)
{
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r'))
		len--;
	snprintf(dst, n, "%.*s", (int)len, v);
}

void vb_deb_control_parse(const char *buf, size_t len, struct vb_package *pkg, char *arch,
			  size_t arch_len)
{
	static const struct { const char *name; size_t off; } fields[] = {
		{ "Package", offsetof(struct vb_package, name) },
		{ "Version", offsetof(struct vb_package, version) },
		{ "Maintainer", offsetof(struct vb_package, maintainer) },
		{ "Origin", offsetof(struct vb_package, vendor) },
	};
	const char *end = buf + len, *line = buf;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line), *colon, *v;
		size_t n = (nl ? nl : end) - line;

		colon = memchr(line, ':', n);
		/* Continuation lines (leading space) belong to Description and the like. */
		if (colon && line[0] != ' ' && line[0] != '\t') {
			size_t name_len = colon - line;

			v = colon + 1;
			while (v < line + n && (*v == ' ' || *v == '\t'))
				v++;
			for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
				char *dst = (char *)pkg + fields[i].off;

				if (strlen(fields[i].name) == name_len &&
				    !strncasecmp(line, fields[i].name, name_len) && !dst[0])
					field_copy(dst, VB_FIELD_MAX, v, line + n - v);
			}
			if (name_len == 12 && !strncasecmp(line, "Architecture", 12) && !arch[0])
				field_copy(arch, arch_len, v, line + n - v);
		}
		line += n + 1;
	}
}

/* The outer archive's current member, as the inner archive's input. */
static la_ssize_t member_read(struct archive *a, void *arg, const void **out)
{
	struct walk *w = arg;
	la_ssize_t n = archive_read_data(w->outer, w->chunk, sizeof(w->chunk));

	if (n < 0) {
		archive_set_error(a, EIO, "%s", archive_error_string(w->outer));
		return -1;
	}
	*out = w->chunk;
	return n;
}

/* Read the inner archive's current entry whole (or hash only, past VB_IDENTIFY_READ_MAX). */
static int read_entry(struct walk *w, struct archive *in, struct archive_entry *e,
		      struct vb_deb_file *f, uint8_t **owned)
{
	la_int64_t size = archive_entry_size(e);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = 0;

	*owned = NULL;
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		err = -ENOMEM;
		goto out;
	}
	if (size >= 0 && (uint64_t)size <= VB_IDENTIFY_READ_MAX) {
		buf = malloc(size ? size : 1);
		if (!buf) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (;;) {
		uint8_t *dst = buf && len < (size_t)size ? buf + len : w->chunk;
		size_t room = buf && len < (size_t)size ? (size_t)size - len : sizeof(w->chunk);
		la_ssize_t n = archive_read_data(in, dst, room);

		if (n < 0) {
			err = walk_error(w, -EBADMSG, "%s: %s", f->path, archive_error_string(in));
			goto out;
		}
		if (!n)
			break;
		EVP_DigestUpdate(md, dst, n);
		if (dst != w->chunk)
			len += n;
		else if (buf) {
			err = walk_error(w, -EBADMSG, "%s: longer than its header says", f->path);
			goto out;
		}
	}
	EVP_DigestFinal_ex(md, f->sha256, NULL);
	f->has_content = true;
	f->buf = buf;
	f->len = buf ? len : (size_t)size;
	*owned = buf;
	buf = NULL;
out:
	free(buf);
	EVP_MD_CTX_free(md);
	return err;
}

/* "./opt/x/bin" as it will be installed: "/opt/x/bin". */
static void install_path(const char *name, char *out, size_t len)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	snprintf(out, len, "/%s", name);
}

static int keep_control_member(struct walk *w, const char *name, const struct vb_deb_file *f,
			       uint8_t *buf)
{
	struct kept *k;

	if (!buf || w->kept_bytes + f->len > DEB_CONTROL_TAR_MAX)
		return walk_error(w, -EFBIG, "control.tar: members larger than %zu MiB",
				  DEB_CONTROL_TAR_MAX >> 20);
	k = realloc(w->kept, (w->n_kept + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	w->kept = k;
	k = &w->kept[w->n_kept++];
	snprintf(k->path, sizeof(k->path), "DEBIAN/%.240s", name);
	k->buf = buf;
	k->len = f->len;
	memcpy(k->sha256, f->sha256, 32);
	w->kept_bytes += f->len;
	return 0;
}

static int walk_tar(struct walk *w, bool control, const char *member)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	char path[4096];
	int r, err = 0;

	if (!in)
		return -ENOMEM;
	archive_read_support_format_tar(in);
	archive_read_support_filter_all(in);
	if (archive_read_open(in, w, NULL, member_read, NULL) != ARCHIVE_OK) {
		err = walk_error(w, -EBADMSG, "%s: %s", member, archive_error_string(in));
		goto out;
	}
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		struct vb_deb_file f = { .path = path, .control = control };
		const char *name = archive_entry_pathname(e);
		bool regular = archive_entry_filetype(e) == AE_IFREG;
		uint8_t *owned = NULL;

		if (!name)
			continue;
		install_path(name, path, sizeof(path));
		if (archive_entry_hardlink(e)) {
			/* Content is the earlier member's, already judged; the name may be banned. */
			if (!control && (err = w->fn(w->pkg, &f, w->arg)))
				goto out;
			continue;
		}
		if (!regular)
			continue;
		err = read_entry(w, in, e, &f, &owned);
		if (err)
			goto out;
		if (control) {
			if (!strcmp(path, "/control")) {
				vb_deb_control_parse((const char *)f.buf, f.buf ? f.len : 0, w->pkg,
						     w->arch, w->arch_len);
				w->have_control = true;
				free(owned);
			} else if ((err = keep_control_member(w, path + 1, &f, owned))) {
				free(owned);
				goto out;
			}
			continue;
		}
		err = w->fn(w->pkg, &f, w->arg);
		free(owned);
		if (err)
			goto out;
	}
	if (r != ARCHIVE_EOF)
		err = walk_error(w, -EBADMSG, "%s: %s", member, archive_error_string(in));
out:
	archive_read_free(in);
	return err;
}

static bool tar_member(const char *name, const char *base)
{
	static const char *const exts[] = { "", ".gz", ".xz", ".zst", ".bz2", ".lzma" };
	size_t n = strlen(base);

	if (strncmp(name, base, n))
		return false;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (!strcmp(name + n, exts[i]))
			return true;
	return false;
}

/* The control fields, then the control members kept until they were known. */
static int report_control(struct walk *w)
{
	int err;

	if (!w->have_control || !w->pkg->name[0])
		return walk_error(w, -EBADMSG, "control.tar has no control file with a Package");
	err = w->fn(w->pkg, NULL, w->arg);
	for (size_t i = 0; i < w->n_kept && !err; i++) {
		struct vb_deb_file f = { .path = w->kept[i].path, .control = true,
					 .buf = w->kept[i].buf, .len = w->kept[i].len,
					 .has_content = true };

		memcpy(f.sha256, w->kept[i].sha256, 32);
		err = w->fn(w->pkg, &f, w->arg);
	}
	return err;
}

int vb_deb_walk(const char *path, struct vb_package *pkg, char *arch, size_t arch_len,
		vb_deb_fn fn, void *arg, char *why, size_t why_len)
{
	struct walk *w = calloc(1, sizeof(*w));
	enum deb_stage stage = WANT_BINARY;
	struct archive_entry *e;
	int r = ARCHIVE_OK, err = 0;

	memset(pkg, 0, sizeof(*pkg));
	snprintf(pkg->manager, sizeof(pkg->manager), "dpkg");
	arch[0] = '\0';
	why[0] = '\0';
	if (!w)
		return -ENOMEM;
	*w = (struct walk){ .pkg = pkg, .arch = arch, .arch_len = arch_len, .fn = fn,
			    .arg = arg, .why = why, .why_len = why_len };
	w->outer = archive_read_new();
	if (!w->outer) {
		err = -ENOMEM;
		goto out;
	}
	archive_read_support_format_ar(w->outer);
	if (archive_read_open_filename(w->outer, path, DEB_CHUNK) != ARCHIVE_OK) {
		int e2 = archive_errno(w->outer);

		err = e2 > 0 ?
			      walk_error(w, -e2, "%s", strerror(e2)) :
			      walk_error(w, -EBADMSG, "not an ar archive (%s)",
					 archive_error_string(w->outer));
		goto out;
	}
	while (!err && (r = archive_read_next_header(w->outer, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		char magic[4] = "";

		if (!name)
			name = "";
		if (stage != WANT_BINARY && name[0] == '_')
			continue;
		switch (stage) {
		case WANT_BINARY:
			if (strcmp(name, "debian-binary") ||
			    archive_read_data(w->outer, magic, sizeof(magic)) < 2 ||
			    memcmp(magic, "2.", 2))
				err = walk_error(w, -EBADMSG, "first member is '%s', not "
					"debian-binary of format 2.x", name);
			stage = WANT_CONTROL;
			break;
		case WANT_CONTROL:
			if (!tar_member(name, "control.tar")) {
				err = walk_error(w, -EBADMSG, "member '%s' where control.tar was "
						 "expected", name);
				break;
			}
			err = walk_tar(w, true, name);
			if (!err)
				err = report_control(w);
			stage = WANT_DATA;
			break;
		case WANT_DATA:
			if (!tar_member(name, "data.tar")) {
				err = walk_error(w, -EBADMSG, "member '%s' where data.tar was "
						 "expected", name);
				break;
			}
			err = walk_tar(w, false, name);
			stage = DONE;
			break;
		case DONE:
			/* dpkg ignores nothing else here: a second data.tar would be judged by
			 * one reader and unpacked by another. */
			err = walk_error(w, -EBADMSG, "unexpected member '%s' after data.tar", name);
			break;
		}
	}
	if (!err && r != ARCHIVE_EOF)
		err = walk_error(w, -EBADMSG, "%s", archive_error_string(w->outer));
	if (!err && stage != DONE)
		err = walk_error(w, -EBADMSG, "no %s member", stage == WANT_DATA ? "data.tar" :
							     "control.tar");
out:
	for (size_t i = 0; i < w->n_kept; i++)
		free(w->kept[i].buf);
	free(w->kept);
	if (w->outer)
		archive_read_free(w->outer);
	free(w);
	return err;
}
