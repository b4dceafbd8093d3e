// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "identify/decompress.h"
#include "identify/elf.h"
#include "identify/ima.h"
#include "identify/identify.h"
#include "identify/modsig.h"
#include "identify/pe.h"

#define HASH_CHUNK	(1u << 20)

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Only module files are decompressed: every .gz on a system would cost too much to open. */
static bool compressed_module(const char *shown)
{
	return ends_with(shown, ".ko.gz") || ends_with(shown, ".ko.xz") ||
	       ends_with(shown, ".ko.zst");
}

static const char *decompress_failure(int err)
{
	switch (err) {
	case -EBADMSG:
		return "corrupt, truncated, or followed by other bytes";
	case -EFBIG:
		return "more than the decompression limit allows";
	case -ENOMEM:
		return "out of memory";
	default:
		return strerror(-err);
	}
}

static void read_content(const uint8_t *buf, size_t len, const char *shown, unsigned int what,
			 struct vb_evidence *ev)
{
	uint8_t *plain = NULL;
	size_t plain_len;
	const char *fmt = NULL;
	int err;

	if (compressed_module(shown)) {
		err = vb_decompress(buf, len, VB_DECOMPRESS_MAX_DEFAULT, &plain, &plain_len, &fmt);
		if (fmt)
			snprintf(ev->compression, sizeof(ev->compression), "%s", fmt);
		/*
		 * A module that cannot be decompressed whole is refused by the kernel too; its
		 * compressed bytes hold no evidence, so the file says nothing of who made it.
		 */
		if (err && err != -ENODATA) {
			vb_evidence_error(ev, "%s decompression failed: %s%s", fmt,
					  decompress_failure(err),
					  err == -EFBIG ? " (" VB_DECOMPRESS_MAX_TEXT
							  " uncompressed)" : "");
			return;
		}
		if (!err) {
			buf = plain;
			len = plain_len;
		}
	}
	if (what & VB_ID_SIGNATURES) {
		vb_modsig_read(buf, len, ev);
		if (len >= 2 && buf[0] == 'M' && buf[1] == 'Z')
			vb_pe_read(buf, len, ev);
	}
	if ((what & VB_ID_ELF) && len >= 4 && !memcmp(buf, "\177ELF", 4))
		vb_elf_read(buf, len, ev);
	free(plain);
}

int vb_identify_fd(int fd, const char *shown, const struct vb_pkgdb *db, unsigned int what,
		   struct vb_evidence *ev)
{
	EVP_MD_CTX *md = NULL;
	uint8_t *buf = NULL;
	size_t len = 0, cap;
	struct stat st;
	ssize_t n;
	int err = 0;

	memset(ev, 0, sizeof(*ev));
	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	md = EVP_MD_CTX_new();
	cap = (size_t)st.st_size < VB_IDENTIFY_READ_MAX ? (size_t)st.st_size + 1 : HASH_CHUNK;
	buf = malloc(cap ? cap : 1);
	if (!md || !buf || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		err = -ENOMEM;
		goto out;
	}
	/* Hash everything; keep it all only when it is small enough to parse. */
	for (;;) {
		size_t room = cap - len;

		n = read(fd, buf + len, room > HASH_CHUNK ? HASH_CHUNK : room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (!n)
			break;
		EVP_DigestUpdate(md, buf + len, n);
		len += n;
		if (len == cap) {
			if (cap >= VB_IDENTIFY_READ_MAX) {
				len = 0;	/* too big to parse: hash only, from here on */
				vb_evidence_error(ev, "larger than %zu MiB: content not parsed",
						  VB_IDENTIFY_READ_MAX >> 20);
				continue;
			}
			uint8_t *p = realloc(buf, cap * 2);

			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (!EVP_DigestFinal_ex(md, ev->sha256, NULL)) {
		err = -ENOMEM;
		goto out;
	}
	ev->has_sha256 = true;
	if (!ev->error[0])
		read_content(buf, len, shown, what, ev);
	if (what & VB_ID_SIGNATURES)
		vb_ima_read_fd(fd, ev);
	if ((what & VB_ID_PACKAGE) && db)
		vb_pkgdb_owner(db, shown, &ev->package);
out:
	EVP_MD_CTX_free(md);
	free(buf);
	return err;
}

int vb_identify_buf(const uint8_t *buf, size_t len, const char *shown, unsigned int what,
		    struct vb_evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (!EVP_Digest(buf, len, ev->sha256, NULL, EVP_sha256(), NULL))
		return -ENOMEM;
	ev->has_sha256 = true;
	read_content(buf, len, shown, what & ~VB_ID_PACKAGE, ev);
	return 0;
}

bool vb_evidence_has_identity(const struct vb_evidence *ev)
{
	return ev->n_signers || ev->modinfo.present || ev->package.manager[0];
}
