// SPDX-License-Identifier: GPL-2.0
/*
 * Vendor identities in a policy (cert, signer, package, module): what staff write, what the
 * parser derives from it, the keys the kernel gets, and which evidence they match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <linux/types.h>
#include "kselftest_harness.h"
#include "policy/policy.h"
#include "kernel/rules.h"
#include "identify/evidence.h"
#include "identify/match.h"
#include "identify/x509id.h"

#define ROOT_CA	"CN=vendorban Test Root CA,O=vendorban Test PKI,C=US"

FIXTURE(identity) {
	char dir[64];
	char policy[128];
	struct vb_policy *p;
	struct vb_diag d;
	struct vb_signer banned, renewed, allowed;	/* as a signature carrying the cert */
};

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return x;
}

static int signer_from(const char *dir, const char *name, struct vb_signer *s)
{
	char path[128];
	X509 *x;
	int err;

	snprintf(path, sizeof(path), "%s/%s.pem", dir, name);
	x = read_cert(path);
	if (!x)
		return -ENOENT;
	memset(s, 0, sizeof(*s));
	s->format = VB_SIG_AUTHENTICODE;
	err = vb_x509id_from_cert(s, x);
	X509_free(x);
	return err;
}

static int parse_text(struct __test_metadata *_metadata, FIXTURE_DATA(identity) *self,
		      const char *text)
{
	FILE *f = fopen(self->policy, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		return -EIO;
	vb_policy_free(self->p);
	self->p = NULL;
	vb_diag_free(&self->d);
	return vb_policy_load(self->policy, &self->p, &self->d);
}

FIXTURE_SETUP(identity)
{
	char cmd[256];

	strcpy(self->dir, "/tmp/test_identity.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->policy, sizeof(self->policy), "%s/ban.policy", self->dir);
	snprintf(cmd, sizeof(cmd), "bash tests/pki/mkpki.sh %s", self->dir);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, signer_from(self->dir, "banned", &self->banned));
	ASSERT_EQ(0, signer_from(self->dir, "banned-renewed", &self->renewed));
	ASSERT_EQ(0, signer_from(self->dir, "allowed", &self->allowed));
}

FIXTURE_TEARDOWN(identity)
{
	char cmd[128];

	vb_policy_free(self->p);
	vb_diag_free(&self->d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	system(cmd);
}

/* A cert beside the policy gives every way a signature can name its signer. */
TEST_F(identity, cert_file_beside_the_policy)
{
	const struct vb_rule *r;

	ASSERT_EQ(0, parse_text(_metadata, self,
				"version 1\nvendor banned \"Banned Test Vendor\"\n\tcert banned.pem\n"));
	ASSERT_EQ(1u, self->p->n_rules);
	r = &self->p->rules[0];
	EXPECT_EQ(VB_RULE_CERT, (int)r->kind);
	EXPECT_STREQ("banned-cert-1", r->id);
	ASSERT_NE(NULL, r->ident);
	EXPECT_STREQ(ROOT_CA, r->ident->issuer);
	EXPECT_STREQ("4b1a2f0001", r->ident->serial);
	EXPECT_STREQ(self->banned.skid, r->ident->skid);
	EXPECT_EQ(0, memcmp(self->banned.tbs_sha256, r->ident->tbs_sha256, 32));
	EXPECT_NE(NULL, strstr(r->ident->subject, "O=Banned Test Vendor"));
}

TEST_F(identity, cert_that_is_not_a_certificate)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/junk.pem", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", f);
	fclose(f);
	EXPECT_EQ(-EINVAL, parse_text(_metadata, self,
				      "version 1\nvendor v \"V\"\n\tcert junk.pem\n"));
	ASSERT_EQ(1u, self->d.n);
	EXPECT_NE(NULL, strstr(self->d.msgs[0], "ban.policy:3:7: error: cert 'junk.pem': "
						"not a PEM or DER X.509 certificate"));
}

/* A bundle is refused whole, naming the file; the same certificate alone is the twin. */
TEST_F(identity, cert_file_with_several_certificates)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cat %s/banned.pem %s/ca.pem > %s/bundle.pem", self->dir,
		 self->dir, self->dir);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(-EINVAL, parse_text(_metadata, self,
				      "version 1\nvendor v \"V\"\n\tcert bundle.pem\n"));
	ASSERT_EQ(1u, self->d.n);
	EXPECT_NE(NULL, strstr(self->d.msgs[0], "ban.policy:3:7: error: cert 'bundle.pem': holds "
						"2 certificates, and a cert rule names one: put "
						"each in a file of its own, with a cert rule each"))
		TH_LOG("%s", self->d.msgs[0]);
	EXPECT_EQ(0, parse_text(_metadata, self, "version 1\nvendor v \"V\"\n\tcert banned.pem\n"));
}

/* The issuer as text must give the DER a CA made with OpenSSL writes: the kernel hashes it. */
TEST_F(identity, issuer_text_gives_the_kernel_key_of_the_cert)
{
	struct vb_signer_key cert_keys[2], text_keys[2];
	int n_cert, n_text;

	ASSERT_EQ(0, parse_text(_metadata, self,
				"version 1\nvendor banned \"B\"\n\tcert banned.pem\n"
				"\tsigner issuer \"CN=vendorban Test Root CA, O=vendorban Test PKI, C=US\" "
				"serial 4B:1A:2F:00:01\n"));
	ASSERT_EQ(0, vb_rules_signer_keys(&self->p->rules[0], cert_keys, &n_cert));
	ASSERT_EQ(0, vb_rules_signer_keys(&self->p->rules[1], text_keys, &n_text));
	EXPECT_EQ(2, n_cert);	/* issuer+serial and SKID */
	EXPECT_EQ(1, n_text);
	EXPECT_EQ(VB_SIGNER_ISSUER_SERIAL, cert_keys[0].kind);
	EXPECT_EQ(5, cert_keys[0].len);
	EXPECT_EQ(0, memcmp(&cert_keys[0], &text_keys[0], sizeof(cert_keys[0])));
	EXPECT_EQ(VB_SIGNER_SKID, cert_keys[1].kind);
	EXPECT_EQ(20, cert_keys[1].len);
}

TEST_F(identity, every_signer_form_matches_its_signature)
{
	char text[1024], tbs[65];
	struct vb_evidence ev = { 0 };
	struct vb_id_match m[VB_MATCHES_MAX];

	vb_hex(self->banned.tbs_sha256, 32, tbs);
	snprintf(text, sizeof(text),
		 "version 1\nvendor banned \"B\"\n"
		 "\tsigner subject \"O=Banned Test Vendor, C=RU\" id=by-subject\n"
		 "\tsigner issuer \"" ROOT_CA "\" serial 4b1a2f0001 id=by-serial\n"
		 "\tsigner skid %s id=by-skid\n"
		 "\tsigner tbs %s id=by-tbs\n", self->banned.skid, tbs);
	ASSERT_EQ(0, parse_text(_metadata, self, text));
	ev.signers[0] = self->banned;
	ev.n_signers = 1;
	ASSERT_EQ(4u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
	EXPECT_STREQ("by-subject", m[0].rule->id);
	EXPECT_STREQ("subject", m[0].how);
	EXPECT_STREQ("issuer+serial", m[1].how);
	EXPECT_STREQ("skid", m[2].how);
	EXPECT_STREQ("tbs", m[3].how);

	/* The renewed certificate: same subject, new key and serial. Only the subject survives. */
	ev.signers[0] = self->renewed;
	ASSERT_EQ(1u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
	EXPECT_STREQ("by-subject", m[0].rule->id);

	/* Its allowed twin matches nothing. */
	ev.signers[0] = self->allowed;
	EXPECT_EQ(0u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
}

/* Module and IMA signatures carry no certificate: a cert in the policy supplies the subject,
 * and IMA's 32-bit key id is the tail of the SKID. */
TEST_F(identity, signatures_without_certificates)
{
	struct vb_evidence ev = { 0 };
	struct vb_id_match m[VB_MATCHES_MAX];
	struct vb_signer *s = &ev.signers[0];

	ASSERT_EQ(0, parse_text(_metadata, self,
				"version 1\nvendor banned \"B\"\n\tcert banned.pem\n"
				"\tsigner subject \"O=Banned Test Vendor\" id=by-subject\n"));
	ev.n_signers = 1;
	s->format = VB_SIG_MODULE;
	snprintf(s->issuer, sizeof(s->issuer), ROOT_CA);
	snprintf(s->serial, sizeof(s->serial), "4b1a2f0001");
	s->has_issuer_serial = true;
	ASSERT_EQ(2u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
	EXPECT_STREQ("issuer+serial", m[0].how);
	EXPECT_STREQ("by-subject", m[1].rule->id);

	memset(s, 0, sizeof(*s));
	s->format = VB_SIG_IMA;
	snprintf(s->skid, sizeof(s->skid), "%s", self->banned.skid + strlen(self->banned.skid) - 8);
	ASSERT_EQ(2u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
	EXPECT_STREQ("skid", m[0].how);

	/* The same 8 digits from a module signature are not an IMA key id: no tail match. */
	s->format = VB_SIG_MODULE;
	EXPECT_EQ(0u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
}

TEST_F(identity, packages_and_module_names)
{
	struct vb_evidence ev = { 0 };
	struct vb_id_match m[VB_MATCHES_MAX];

	ASSERT_EQ(0, parse_text(_metadata, self,
				"version 1\nvendor k \"K\"\n"
				"\tpackage name \"kesl*\" id=by-name\n"
				"\tpackage maintainer \"*@kaspersky.com>\" id=by-maint\n"
				"\tpackage vendor \"AO Kaspersky Lab\" id=by-vendor\n"
				"\tpackage key 0123456789ABCDEF id=by-key\n"
				"\tmodule name kav-driver id=by-module\n"));
	snprintf(ev.package.manager, sizeof(ev.package.manager), "dpkg");
	snprintf(ev.package.name, sizeof(ev.package.name), "kesl-gui");
	snprintf(ev.package.maintainer, sizeof(ev.package.maintainer),
		 "Packager <pkg@kaspersky.com>");
	ASSERT_EQ(2u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
	EXPECT_STREQ("by-name", m[0].rule->id);
	EXPECT_STREQ("by-maint", m[1].rule->id);

	memset(&ev.package, 0, sizeof(ev.package));
	snprintf(ev.package.manager, sizeof(ev.package.manager), "rpm");
	snprintf(ev.package.name, sizeof(ev.package.name), "agent");
	snprintf(ev.package.vendor, sizeof(ev.package.vendor), "AO Kaspersky Lab");
	snprintf(ev.package.key_id, sizeof(ev.package.key_id), "89abcdef");
	ASSERT_EQ(2u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
	EXPECT_STREQ("by-vendor", m[0].rule->id);
	EXPECT_STREQ("by-key", m[1].rule->id);	/* rpm's short key id is the tail */

	/* The kernel treats '-' and '_' in module names alike; so does the policy. */
	memset(&ev.package, 0, sizeof(ev.package));
	ev.modinfo.present = true;
	snprintf(ev.modinfo.name, sizeof(ev.modinfo.name), "kav_driver");
	ASSERT_EQ(1u, vb_match_evidence(self->p, &ev, m, VB_MATCHES_MAX));
	EXPECT_STREQ("by-module", m[0].rule->id);
	EXPECT_STREQ("kav_driver", self->p->rules[4].value);
}

TEST_F(identity, module_options)
{
	ASSERT_EQ(0, parse_text(_metadata, self,
				"version 1\noption unsigned-modules deny\noption init-module deny\n"
				"vendor v \"V\"\n\tmodule name x\n"));
	EXPECT_TRUE(self->p->deny_unsigned_modules);
	EXPECT_TRUE(self->p->deny_init_module);
	ASSERT_EQ(0, parse_text(_metadata, self, "version 1\nvendor v \"V\"\n\tmodule name x\n"));
	EXPECT_FALSE(self->p->deny_unsigned_modules);
	EXPECT_FALSE(self->p->deny_init_module);
}

TEST_HARNESS_MAIN
