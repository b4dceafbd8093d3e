// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <rpm/header.h>
#include <rpm/rpmfiles.h>
#include <rpm/rpmio.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmts.h>
#include "install/rpmhook.h"
#include "util/hex.h"

#define RPM_KEYID_PREFIX	"Key ID "

static int say(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

void vb_rpm_set_free(struct vb_rpm_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->pkgs[i].n_files; j++)
			free(s->pkgs[i].files[j].path);
		free(s->pkgs[i].files);
	}
	free(s->pkgs);
	s->pkgs = NULL;
	s->n = 0;
}

/* %XX back to bytes, in place; -1 on a bad escape. */
static int unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
			return -1;
		char hex[3] = { s[1], s[2], 0 };
		*o++ = (char)strtol(hex, NULL, 16);
		s += 2;
	}
	*o = '\0';
	return 0;
}

/* Split line into at most max tab-separated fields, unescaped. Their count, or -1. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	for (char *p = line; n < max; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
		if (unescape(f[n]))
			return -1;
		if (!p)
			return n + 1;
	}
	return -1;
}

static struct vb_rpm_pkg *add_pkg(struct vb_rpm_set *s)
{
	struct vb_rpm_pkg *p;

	if (s->n >= VB_RPM_HOOK_PKGS_MAX)
		return NULL;
	p = realloc(s->pkgs, (s->n + 1) * sizeof(*p));
	if (!p)
		return NULL;
	s->pkgs = p;
	p = &s->pkgs[s->n++];
	memset(p, 0, sizeof(*p));
	strcpy(p->pkg.manager, "rpm");
	return p;
}

static int add_file(struct vb_rpm_pkg *p, const char *path, const unsigned char *sha256)
{
	struct vb_rpm_file *f = realloc(p->files, (p->n_files + 1) * sizeof(*f));

	if (!f)
		return -ENOMEM;
	p->files = f;
	f = &p->files[p->n_files];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return -ENOMEM;
	if (sha256) {
		memcpy(f->sha256, sha256, 32);
		f->has_sha256 = true;
	}
	p->n_files++;
	return 0;
}

#define COPY(dst, src) snprintf(dst, sizeof(dst), "%s", src)

int vb_rpm_hook_parse(FILE *in, struct vb_rpm_set *s, char *why, size_t why_len)
{
	char *line = malloc(VB_RPM_HOOK_LINE_MAX + 2), *f[8];
	struct vb_rpm_pkg *p = NULL;
	int lineno = 0, err = 0, n;

	why[0] = '\0';
	if (!line)
		return -ENOMEM;
	while (!err && fgets(line, VB_RPM_HOOK_LINE_MAX + 2, in)) {
		size_t len = strlen(line);

		lineno++;
		if (!len || line[len - 1] != '\n') {
			err = say(why, why_len, -EBADMSG, "line %d: cut short or longer than %d bytes",
				  lineno, VB_RPM_HOOK_LINE_MAX);
			break;
		}
		line[--len] = '\0';
		if (lineno == 1) {
			if (strcmp(line, VB_RPM_HOOK_MAGIC))
				err = say(why, why_len, -EBADMSG, "line 1: not '" VB_RPM_HOOK_MAGIC
					  "'");
			continue;
		}
		n = split(line, f, 8);
		if (n == 8 && !strcmp(f[0], "P")) {
			p = add_pkg(s);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			COPY(p->pkg.name, f[1]);
			COPY(p->pkg.version, f[2]);
			COPY(p->arch, f[3]);
			COPY(p->pkg.vendor, f[4]);
			COPY(p->pkg.maintainer, f[5]);
			COPY(p->pkg.key_id, f[6]);
			COPY(p->source, f[7]);
		} else if (n == 3 && !strcmp(f[0], "F") && p && f[2][0] == '/') {
			unsigned char sha[32];

			if (!strcmp(f[1], "-")) {
				p->digests_unusable = true;
				err = add_file(p, f[2], NULL);
			} else if (vb_unhex(f[1], sha, 32) == 32) {
				err = add_file(p, f[2], sha);
			} else {
				err = say(why, why_len, -EBADMSG, "line %d: bad sha256 '%.80s'", lineno,
					  f[1]);
			}
		} else {
			err = say(why, why_len, -EBADMSG, "line %d: not a package or file line",
				  lineno);
		}
	}
	if (!err && lineno == 0)
		err = say(why, why_len, -EBADMSG, "nothing on the pipe");
	free(line);
	return err;
}

static void key_id(Header h, char *out, size_t size)
{
	static const char *const formats[] = {
		"%{RSAHEADER:pgpsig}", "%{DSAHEADER:pgpsig}", "%{SIGPGP:pgpsig}",
		"%{SIGGPG:pgpsig}",
	};

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]) && !out[0]; i++) {
		char *s = headerFormat(h, formats[i], NULL);
		const char *k = s ? strstr(s, RPM_KEYID_PREFIX) : NULL;
		size_t n = 0;

		if (k)
			for (k += strlen(RPM_KEYID_PREFIX); n + 1 < size && isxdigit((unsigned char)k[n]);
			     n++)
				out[n] = tolower((unsigned char)k[n]);
		out[n] = '\0';
		free(s);
	}
}

static int quiet_log(rpmlogRec rec, rpmlogCallbackData data)
{
	return 0;
}

int vb_rpm_read_file(const char *path, struct vb_rpm_set *s, char *why, size_t why_len)
{
	rpmts ts = NULL;
	Header h = NULL;
	rpmfiles files = NULL;
	struct vb_rpm_pkg *p;
	char *evr = NULL;
	FD_t fd;
	int err = 0;
	rpmRC rc;

	why[0] = '\0';
	fd = Fopen(path, "r.ufdio");
	if (!fd || Ferror(fd)) {
		err = say(why, why_len, -ENOENT, "cannot open: %s", fd ? Fstrerror(fd) : "?");
		goto out;
	}
	rpmReadConfigFiles(NULL, NULL);
	rpmlogSetCallback(quiet_log, NULL);
	ts = rpmtsCreate();
	rpmtsSetVSFlags(ts, RPMVSF_MASK_NODIGESTS | RPMVSF_MASK_NOSIGNATURES);
	rc = rpmReadPackageFile(ts, fd, path, &h);
	rpmlogSetCallback(NULL, NULL);
	if (rc != RPMRC_OK && rc != RPMRC_NOKEY && rc != RPMRC_NOTTRUSTED) {
		err = say(why, why_len, -EBADMSG, "not an rpm package librpm can read");
		goto out;
	}
	p = add_pkg(s);
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	evr = headerGetAsString(h, RPMTAG_EVR);
	COPY(p->pkg.name, headerGetString(h, RPMTAG_NAME) ?: "");
	COPY(p->pkg.version, evr ?: "");
	COPY(p->arch, headerGetString(h, RPMTAG_ARCH) ?: "");
	COPY(p->pkg.vendor, headerGetString(h, RPMTAG_VENDOR) ?: "");
	COPY(p->pkg.maintainer, headerGetString(h, RPMTAG_PACKAGER) ?: "");
	key_id(h, p->pkg.key_id, sizeof(p->pkg.key_id));
	COPY(p->source, path);
	files = rpmfilesNew(NULL, h, RPMTAG_BASENAMES, 0);
	for (int i = 0; files && i < (int)rpmfilesFC(files) && !err; i++) {
		char *fn = rpmfilesFN(files, i);
		size_t dlen = 0;
		int algo = 0;
		const unsigned char *d = rpmfilesFDigest(files, i, &algo, &dlen);

		if (!S_ISREG(rpmfilesFMode(files, i)))
			d = NULL;
		else if (!d || algo != PGPHASHALGO_SHA256 || dlen != 32)
			p->digests_unusable = true;
		err = add_file(p, fn, d && algo == PGPHASHALGO_SHA256 && dlen == 32 ? d : NULL);
		free(fn);
	}
out:
	free(evr);
	rpmfilesFree(files);
	headerFree(h);
	if (ts)
		rpmtsFree(ts);
	if (fd)
		Fclose(fd);
	return err;
}

static bool has_sha256_rules(const struct vb_policy *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].kind == VB_RULE_SHA256)
			return true;
	return false;
}

int vb_install_check_rpm(const struct vb_policy *p, const struct vb_rpm_pkg *rp,
			 struct vb_install_pkg *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	out->pkg = rp->pkg;
	snprintf(out->arch, sizeof(out->arch), "%s", rp->arch);
	snprintf(out->archive, sizeof(out->archive), "%s", rp->source);
	/* Content rpm will check against digests we cannot compare is content we cannot judge. */
	if (rp->digests_unusable && has_sha256_rules(p)) {
		snprintf(out->error, sizeof(out->error), "file digests are not SHA-256: its "
			 "content cannot be judged against the policy's sha256 rules");
		return -EBADMSG;
	}
	/* Content is not read here: rpm checks it against these digests as it unpacks. */
	err = vb_install_judge_fields(p, out);
	for (size_t i = 0; i < rp->n_files && !err; i++)
		err = vb_install_judge_file(p, out, rp->files[i].path, NULL, 0,
					    rp->files[i].has_sha256 ? rp->files[i].sha256 : NULL,
					    false);
	return err;
}
