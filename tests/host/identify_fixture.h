/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the evidence reader tests: the fixtures tests/fixtures/mkidentify.sh makes once in
 * $(BUILD)/fixtures/identify (found next to the test binary, so any BUILD works), and reading
 * them back. Tests run from the top of the tree, like make check-host runs them.
 */
#ifndef VB_TEST_IDENTIFY_FIXTURE_H
#define VB_TEST_IDENTIFY_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "identify/x509id.h"
#include "hostutil.h"

#define FIXTURE_SCRIPT	"tests/fixtures/mkidentify.sh"
#define CA_DN		"CN=vendorban Test Root CA,O=vendorban Test PKI,C=US"
#define BANNED_DN	"CN=Banned Test Vendor Code Signing,serialNumber=1027700067328," \
			"O=Banned Test Vendor,C=RU"
#define BANNED_SERIAL	"4b1a2f0001"
#define ALLOWED_SERIAL	"0a11ed0001"

/* Make the fixtures (a no-op when they are current) and put their directory in dir. */
static inline int identify_fixtures(char *dir, size_t size)
{
	char cmd[PATH_MAX + 64];
	int err = build_path(dir, size, "fixtures/identify");

	if (err)
		return err;
	if ((size_t)snprintf(cmd, sizeof(cmd), "bash " FIXTURE_SCRIPT " '%s'", dir) >= sizeof(cmd))
		return -ENAMETOOLONG;
	return system(cmd) ? -EIO : 0;
}

static inline uint8_t *fixture_read(const char *dir, const char *name, size_t *len)
{
	char path[PATH_MAX];
	uint8_t *buf = NULL;
	struct stat st;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* One spare byte so a test can append without reallocating. */
	if (!fstat(fd, &st) && (buf = malloc(st.st_size + 1)) &&
	    read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	if (buf)
		*len = st.st_size;
	return buf;
}

static inline X509 *fixture_cert(const char *dir, const char *who)
{
	char path[PATH_MAX];
	X509 *x = NULL;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/pki/%s.pem", dir, who) >= sizeof(path))
		return NULL;
	f = fopen(path, "r");
	if (f) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	return x;
}

/* The certificate's SubjectKeyIdentifier as lower-case hex, "" when it cannot be read. */
static inline void fixture_skid(const char *dir, const char *who, char hex[VB_KEYID_MAX])
{
	X509 *x = fixture_cert(dir, who);
	const ASN1_OCTET_STRING *skid = x ? X509_get0_subject_key_id(x) : NULL;

	hex[0] = '\0';
	if (skid && ASN1_STRING_length(skid) * 2 < VB_KEYID_MAX)
		vb_hex(ASN1_STRING_get0_data(skid), ASN1_STRING_length(skid), hex);
	X509_free(x);
}

/* A text fixture's first line, without its newline. */
static inline void fixture_line(const char *dir, const char *name, char *buf, size_t size)
{
	size_t len;
	uint8_t *text = fixture_read(dir, name, &len);

	buf[0] = '\0';
	if (!text)
		return;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	free(text);
}

#endif /* VB_TEST_IDENTIFY_FIXTURE_H */
