// SPDX-License-Identifier: GPL-2.0
/*
 * rpm packages and the paths they list, read with librpm in the reader child. librpm's macro
 * context and log settings are process-wide, and Debian's rpm points %_dbpath at ~/.rpmdb,
 * so the child sets %_dbpath itself and silences the log without touching the caller.
 *
 * Headers are read without digest or signature checks: we identify, we do not trust, and a
 * root being inspected has no keyring of ours anyway. The header's signature still names
 * its key, which is what key_id records.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmfi.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmts.h>
#include "identify/pkgdb_stream.h"

#define RPM_KEYID_PREFIX	"Key ID "

/* rpm 4 header signatures, strongest first: RSA and DSA over the header, then the legacy ones. */
static const char *const rpm_sig_formats[] = {
	"%{RSAHEADER:pgpsig}", "%{DSAHEADER:pgpsig}", "%{SIGPGP:pgpsig}", "%{SIGGPG:pgpsig}",
};

static int rpm_quiet_log(rpmlogRec rec, rpmlogCallbackData data)
{
	return 0;	/* not RPMLOG_DEFAULT: nothing printed */
}

/* "RSA/SHA256, Mon 01 Jan 2024 ..., Key ID 199e2f91fd431d51" -> "199e2f91fd431d51" */
static void rpm_key_id(Header h, char *out, size_t size)
{
	const char *p;
	size_t n;
	char *s;

	for (size_t i = 0; i < sizeof(rpm_sig_formats) / sizeof(rpm_sig_formats[0]); i++) {
		s = headerFormat(h, rpm_sig_formats[i], NULL);
		p = s ? strstr(s, RPM_KEYID_PREFIX) : NULL;
		if (p) {
			p += strlen(RPM_KEYID_PREFIX);
			for (n = 0; n + 1 < size && isxdigit((unsigned char)p[n]); n++)
				out[n] = tolower((unsigned char)p[n]);
			out[n] = '\0';
		}
		free(s);
		if (out[0])
			return;
	}
}

static void rpm_package(Header h, struct vb_package *pkg)
{
	char *evr = headerGetAsString(h, RPMTAG_EVR);

	memset(pkg, 0, sizeof(*pkg));
	strcpy(pkg->manager, "rpm");
	vb_pkgdb_field(pkg->name, sizeof(pkg->name), headerGetString(h, RPMTAG_NAME));
	/* [epoch:]version-release, as dpkg shows [epoch:]upstream-revision */
	vb_pkgdb_field(pkg->version, sizeof(pkg->version), evr);
	vb_pkgdb_field(pkg->maintainer, sizeof(pkg->maintainer),
		       headerGetString(h, RPMTAG_PACKAGER));
	vb_pkgdb_field(pkg->vendor, sizeof(pkg->vendor), headerGetString(h, RPMTAG_VENDOR));
	rpm_key_id(h, pkg->key_id, sizeof(pkg->key_id));
	free(evr);
}

static void rpm_files(rpmts ts, Header h, struct vb_pkgdb_writer *w)
{
	rpmfi fi = rpmfiNew(ts, h, RPMTAG_BASENAMES, RPMFI_KEEPHEADER);

	if (!fi)
		return;
	/* Files left out (--excludedocs, another arch's colour) or replaced are not its own. */
	while (rpmfiNext(fi) >= 0 && !w->err)
		if (RPMFILE_IS_INSTALLED(rpmfiFState(fi)))
			vb_pkgdb_put_file(w, rpmfiFN(fi));
	rpmfiFree(fi);
}

int vb_rpm_export(const char *root, const char *dbpath, struct vb_pkgdb_writer *w)
{
	struct vb_package pkg;
	rpmdbMatchIterator mi;
	int err = 0;
	rpmts ts;
	Header h;

	rpmlogSetCallback(rpm_quiet_log, NULL);
	if (rpmReadConfigFiles(NULL, NULL))
		return -EIO;
	rpmPushMacro(NULL, "_dbpath", NULL, dbpath, RMIL_CMDLINE);
	ts = rpmtsCreate();
	if (!ts)
		return -ENOMEM;
	rpmtsSetVSFlags(ts, RPMVSF_MASK_NODIGESTS | RPMVSF_MASK_NOSIGNATURES);
	if (rpmtsSetRootDir(ts, root) || rpmtsOpenDB(ts, O_RDONLY)) {
		err = -EBADMSG;
		goto out;
	}
	mi = rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0);
	while (mi && (h = rpmdbNextIterator(mi)) && !w->err) {
		/* Imported keys are stored as packages named gpg-pubkey; they list no files. */
		if (!strcmp(headerGetString(h, RPMTAG_NAME) ?: "", "gpg-pubkey"))
			continue;
		rpm_package(h, &pkg);
		vb_pkgdb_put_package(w, &pkg);
		rpm_files(ts, h, w);
	}
	rpmdbFreeIterator(mi);
	err = w->err;
out:
	rpmtsFree(ts);
	return err;
}
