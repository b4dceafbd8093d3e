// SPDX-License-Identifier: GPL-2.0
/*
 * Policy parser: every field of a valid policy, and every error as the user sees it, down to
 * the "FILE:LINE:COL: error: " prefix.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>
#include <openssl/evp.h>

#include "kselftest_harness.h"

#include "vendorban.h"
#include "policy/policy.h"

#define H1	"3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"
#define H2	"AABBCCDDEEFF00112233445566778899AaBbCcDdEeFf00112233445566778899"
#define H3	"0000000000000000000000000000000000000000000000000000000000000001"
#define ID_HELP	"use 1 to 63 of A-Z a-z 0-9 _ . -"
#define ACME	"version 1\nvendor acme \"Acme\"\n"	/* rules of these tests start on line 3 */

static void dump_diag(const struct vb_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "#   diag[%zu]: %s\n", i, d->msgs[i]);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memset(s, c, n);
		s[n] = '\0';
	}
	return s;
}

static const char full_policy[] =
	"# Test policy\n"
	"version 2026112301          # serial\n"
	"mode audit\n"
	"\n"
	"vendor kaspersky \"AO Kaspersky Lab\"\n"
	"\tsha256 " H1 "\n"
	"\tmode enforce\n"
	"\tpath /opt/kaspersky/\n"
	"\tpath /usr/bin/kesl-control audit id=kesl-ctl\n"
	"\tsha256 " H2 " id=k.2\n"
	"\tpath \"/opt/Some Vendor/\"   # quoted: it has a space\n"
	"vendor other_1 \"Other \\\"Q\\\" \\\\ Corp # not a comment\"\n"
	"  path /opt/other/x#y enforce\n"
	"  sha256 " H3 "\n";

FIXTURE(policy) {
	struct vb_policy *p;
	struct vb_diag d;
};

FIXTURE_SETUP(policy)
{
	self->p = NULL;
	memset(&self->d, 0, sizeof(self->d));
}

FIXTURE_TEARDOWN(policy)
{
	vb_policy_free(self->p);
	vb_diag_free(&self->d);
}

static int parse_len(FIXTURE_DATA(policy) *self, const char *text, size_t len)
{
	vb_policy_free(self->p);
	self->p = NULL;
	vb_diag_free(&self->d);
	return vb_policy_parse("t.policy", text, len, &self->p, &self->d);
}

static int parse(FIXTURE_DATA(policy) *self, const char *text)
{
	return parse_len(self, text, strlen(text));
}

#define ASSERT_PARSES(text) do { \
	ASSERT_EQ(0, parse(self, (text))) dump_diag(&self->d); \
	ASSERT_NE(NULL, self->p); \
	ASSERT_EQ((size_t)0, self->d.n); \
} while (0)

/* Refused whole, with exactly `count` messages. */
#define ASSERT_REFUSED(text, count) do { \
	ASSERT_EQ(-EINVAL, parse(self, (text))) dump_diag(&self->d); \
	ASSERT_NULL(self->p); \
	ASSERT_EQ((size_t)(count), self->d.n) dump_diag(&self->d); \
	ASSERT_EQ((size_t)(count), self->d.n_total); \
} while (0)

TEST_F(policy, full)
{
	static const uint8_t h1[32] = {
		0x3a, 0x7b, 0xd3, 0xe2, 0x36, 0x0a, 0x3d, 0x29, 0xee, 0xa4, 0x36, 0xfc, 0xfb, 0x7e,
		0x44, 0xc7, 0x35, 0xd1, 0x17, 0xc4, 0x2d, 0x1c, 0x18, 0x35, 0x42, 0x0b, 0x6b, 0x99,
		0x42, 0xdd, 0x4f, 0x1b,
	};
	static const uint8_t h2[32] = {
		0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x66, 0x77, 0x88, 0x99,
	};
	static const uint8_t h3[32] = { [31] = 0x01 };
	uint8_t digest[32];
	const struct vb_policy *p;
	const struct vb_rule *r;

	ASSERT_PARSES(full_policy);
	p = self->p;
	EXPECT_STREQ("t.policy", p->file);
	EXPECT_EQ(2026112301ull, p->version);
	EXPECT_EQ(VB_MODE_AUDIT, p->mode);
	ASSERT_TRUE(EVP_Digest(full_policy, strlen(full_policy), digest, NULL, EVP_sha256(), NULL));
	EXPECT_EQ(0, memcmp(digest, p->digest, 32));

	ASSERT_EQ((size_t)2, p->n_vendors);
	EXPECT_STREQ("kaspersky", p->vendors[0].id);
	EXPECT_STREQ("AO Kaspersky Lab", p->vendors[0].name);
	/* "mode enforce" comes after the first rule and still covers the whole block. */
	EXPECT_EQ(VB_MODE_ENFORCE, p->vendors[0].mode);
	EXPECT_EQ(5u, p->vendors[0].line);
	EXPECT_STREQ("other_1", p->vendors[1].id);
	EXPECT_STREQ("Other \"Q\" \\ Corp # not a comment", p->vendors[1].name);
	EXPECT_EQ(VB_MODE_AUDIT, p->vendors[1].mode);	/* from the policy */
	EXPECT_EQ(12u, p->vendors[1].line);

	ASSERT_EQ((size_t)7, p->n_rules);
	r = &p->rules[0];
	EXPECT_EQ(VB_RULE_SHA256, (int)r->kind);
	EXPECT_EQ(0u, r->vendor_idx);
	EXPECT_EQ(VB_MODE_ENFORCE, r->mode);
	EXPECT_STREQ("kaspersky-sha256-1", r->id);
	EXPECT_EQ(6u, r->line);
	EXPECT_EQ(9u, r->col);
	EXPECT_EQ(0, memcmp(h1, r->sha256, 32));
	EXPECT_EQ(&p->vendors[0], vb_rule_vendor(p, r));

	r = &p->rules[1];
	EXPECT_EQ(VB_RULE_PATH, (int)r->kind);
	EXPECT_EQ(VB_MODE_ENFORCE, r->mode);
	EXPECT_STREQ("kaspersky-path-1", r->id);
	EXPECT_STREQ("/opt/kaspersky/", r->path);
	EXPECT_EQ(8u, r->line);
	EXPECT_EQ(7u, r->col);

	r = &p->rules[2];
	EXPECT_EQ(VB_RULE_PATH, (int)r->kind);
	EXPECT_EQ(VB_MODE_AUDIT, r->mode);
	EXPECT_STREQ("kesl-ctl", r->id);
	EXPECT_STREQ("/usr/bin/kesl-control", r->path);

	r = &p->rules[3];
	EXPECT_EQ(VB_RULE_SHA256, (int)r->kind);
	EXPECT_STREQ("k.2", r->id);
	EXPECT_EQ(0, memcmp(h2, r->sha256, 32));
	EXPECT_EQ(VB_MODE_ENFORCE, r->mode);

	/* Numbered among the vendor's path rules, explicit ids included: the third path line. */
	r = &p->rules[4];
	EXPECT_STREQ("kaspersky-path-3", r->id);
	EXPECT_STREQ("/opt/Some Vendor/", r->path);
	EXPECT_EQ(11u, r->line);
	EXPECT_EQ(7u, r->col);

	r = &p->rules[5];
	EXPECT_EQ(1u, r->vendor_idx);
	EXPECT_EQ(&p->vendors[1], vb_rule_vendor(p, r));
	EXPECT_STREQ("other_1-path-1", r->id);
	EXPECT_STREQ("/opt/other/x#y", r->path);
	EXPECT_EQ(VB_MODE_ENFORCE, r->mode);
	EXPECT_EQ(13u, r->line);
	EXPECT_EQ(8u, r->col);

	r = &p->rules[6];
	EXPECT_STREQ("other_1-sha256-1", r->id);
	EXPECT_EQ(0, memcmp(h3, r->sha256, 32));
	EXPECT_EQ(VB_MODE_AUDIT, r->mode);	/* rule <- vendor <- policy */
}

TEST_F(policy, defaults)
{
	ASSERT_PARSES("version 18446744073709551615\n"
		      "vendor a \"A\"\n"
		      "path /opt/a/\n"
		      "vendor b \"B\"\n"
		      "mode audit\n"
		      "path /opt/b/\n"
		      "path /opt/c/ enforce\n");
	EXPECT_EQ(18446744073709551615ull, self->p->version);
	EXPECT_EQ(VB_MODE_ENFORCE, self->p->mode);
	EXPECT_EQ(VB_MODE_ENFORCE, self->p->vendors[0].mode);
	EXPECT_EQ(VB_MODE_ENFORCE, self->p->rules[0].mode);
	EXPECT_EQ(VB_MODE_AUDIT, self->p->vendors[1].mode);
	EXPECT_EQ(VB_MODE_AUDIT, self->p->rules[1].mode);
	EXPECT_EQ(VB_MODE_ENFORCE, self->p->rules[2].mode);
	EXPECT_STREQ("b-path-2", self->p->rules[2].id);
}

/* What the fmod_ret path does with an exec no daemon can judge: allow unless set. */
TEST_F(policy, option_unjudged_exec)
{
	ASSERT_PARSES("version 1\nvendor a \"A\"\npath /opt/a/\n");
	EXPECT_FALSE(self->p->deny_unjudged_exec);
	ASSERT_PARSES("version 1\noption unjudged-exec deny\nvendor a \"A\"\npath /opt/a/\n");
	EXPECT_TRUE(self->p->deny_unjudged_exec);
	EXPECT_FALSE(self->p->deny_unsigned_modules);
	ASSERT_PARSES("version 1\noption unjudged-exec allow\nvendor a \"A\"\npath /opt/a/\n");
	EXPECT_FALSE(self->p->deny_unjudged_exec);
}

/* A policy that bans nothing is how staff empty the list. */
TEST_F(policy, no_vendors)
{
	ASSERT_PARSES("version 3\n");
	EXPECT_EQ(3ull, self->p->version);
	EXPECT_EQ((size_t)0, self->p->n_vendors);
	EXPECT_EQ((size_t)0, self->p->n_rules);
}

TEST_F(policy, crlf)
{
	ASSERT_PARSES("version 7\r\nvendor a \"A\"\r\n\r\npath /opt/a/\r\nsha256 " H1 " audit\r\n");
	ASSERT_EQ((size_t)2, self->p->n_rules);
	EXPECT_STREQ("A", self->p->vendors[0].name);
	EXPECT_STREQ("/opt/a/", self->p->rules[0].path);
	EXPECT_EQ(VB_MODE_AUDIT, self->p->rules[1].mode);
}

TEST_F(policy, no_trailing_newline)
{
	ASSERT_PARSES("version 7\nvendor a \"A\"\npath /opt/a/bin");
	ASSERT_EQ((size_t)1, self->p->n_rules);
	EXPECT_STREQ("/opt/a/bin", self->p->rules[0].path);

	ASSERT_PARSES("version 7\nvendor a \"A\"\npath /opt/a/bin\r");
	EXPECT_STREQ("/opt/a/bin", self->p->rules[0].path);
}

TEST_F(policy, empty)
{
	ASSERT_REFUSED("", 1);
	EXPECT_STREQ("t.policy:1:1: error: missing 'version' line (it must come before the first vendor)",
		     self->d.msgs[0]);
	ASSERT_REFUSED("# only a comment\n\n   \t\n", 1);
	EXPECT_STREQ("t.policy:1:1: error: missing 'version' line (it must come before the first vendor)",
		     self->d.msgs[0]);
	ASSERT_EQ(-EINVAL, vb_policy_parse("t.policy", NULL, 0, &self->p, &self->d));
}

TEST_F(policy, mode_names)
{
	EXPECT_STREQ("enforce", vb_mode_name(VB_MODE_ENFORCE));
	EXPECT_STREQ("audit", vb_mode_name(VB_MODE_AUDIT));
	EXPECT_STREQ("sha256", vb_rule_kind_name(VB_RULE_SHA256));
	EXPECT_STREQ("path", vb_rule_kind_name(VB_RULE_PATH));
}

TEST_F(policy, many_errors)
{
	ASSERT_REFUSED("version 1\n"
		       "mode strict\n"
		       "vendor acme \"Acme\"\n"
		       "\tsha256 abc\n"
		       "\tpath opt/x\n"
		       "\tsigner \"CN=Acme\"\n"
		       "vendor empty \"Empty\"\n"
		       "vendor acme \"Again\"\n"
		       "\tpath /opt/y/ forever\n", 7);
	EXPECT_STREQ("t.policy:2:6: error: unknown mode 'strict' (known: enforce, audit)",
		     self->d.msgs[0]);
	EXPECT_STREQ("t.policy:4:9: error: sha256 must be 64 hex digits (this one has 3)",
		     self->d.msgs[1]);
	EXPECT_STREQ("t.policy:5:7: error: path 'opt/x' is not absolute (it must start with '/')",
		     self->d.msgs[2]);
	EXPECT_STREQ("t.policy:6:9: error: unknown signer attribute 'CN=Acme' (known: subject, issuer, skid, tbs)",
		     self->d.msgs[3]);
	EXPECT_STREQ("t.policy:7:8: error: vendor 'empty' has no rules", self->d.msgs[4]);
	EXPECT_STREQ("t.policy:8:8: error: duplicate vendor 'acme' (first on line 3)",
		     self->d.msgs[5]);
	EXPECT_STREQ("t.policy:9:15: error: unknown option 'forever' (known: audit, enforce, id=ID)",
		     self->d.msgs[6]);
}

/* Messages come in line order even when found late (end of a block, end of the file). */
TEST_F(policy, errors_sorted)
{
	ASSERT_REFUSED("vendor a \"A\"\nmode audit\nmode enforce\nvendor b \"B\"\npath /x\n", 3);
	EXPECT_STREQ("t.policy:1:1: error: missing 'version' line (it must come before the first vendor)",
		     self->d.msgs[0]);
	EXPECT_STREQ("t.policy:1:8: error: vendor 'a' has no rules", self->d.msgs[1]);
	EXPECT_STREQ("t.policy:3:1: error: mode for vendor 'a' given twice (first on line 2)",
		     self->d.msgs[2]);
}

TEST_F(policy, diag_limit)
{
	char *text = malloc(10 + 150 * 4 + 1), *p;
	int i;

	ASSERT_NE(NULL, text);
	p = text + sprintf(text, "version 1\n");
	for (i = 0; i < 150; i++)
		p += sprintf(p, "foo\n");
	ASSERT_EQ(-EINVAL, parse(self, text));
	free(text);
	ASSERT_EQ((size_t)VB_DIAG_MAX, self->d.n);
	EXPECT_EQ((size_t)150, self->d.n_total);
	EXPECT_STREQ("t.policy:2:1: error: unknown keyword 'foo' (known: version, mode, option, vendor)",
		     self->d.msgs[0]);
	EXPECT_STREQ("t.policy:101:1: error: unknown keyword 'foo' (known: version, mode, option, vendor)",
		     self->d.msgs[VB_DIAG_MAX - 1]);
}

/* The valid policy cut at every byte: never a crash, and a cut policy is refused or still valid. */
TEST_F(policy, truncated_everywhere)
{
	size_t len = strlen(full_policy), i;
	int ret;

	for (i = 0; i < len; i++) {
		char *cut = malloc(i ? i : 1);

		ASSERT_NE(NULL, cut);
		memcpy(cut, full_policy, i);
		ret = parse_len(self, cut, i);
		free(cut);
		if (ret == 0)
			continue;
		ASSERT_EQ(-EINVAL, ret);
		ASSERT_LT((size_t)0, self->d.n);
	}
}

TEST_F(policy, truncated)
{
	const char *cut;

	/* Cut in the middle of the first hash. */
	cut = strstr(full_policy, H1) + 30;
	ASSERT_EQ(-EINVAL, parse_len(self, full_policy, cut - full_policy));
	ASSERT_EQ((size_t)1, self->d.n) dump_diag(&self->d);
	EXPECT_STREQ("t.policy:6:9: error: sha256 must be 64 hex digits (this one has 30)",
		     self->d.msgs[0]);

	/* Cut inside the quoted vendor name: the block then has no rules either. */
	cut = strstr(full_policy, "AO Kaspersky") + 2;
	ASSERT_EQ(-EINVAL, parse_len(self, full_policy, cut - full_policy));
	ASSERT_EQ((size_t)2, self->d.n) dump_diag(&self->d);
	EXPECT_STREQ("t.policy:5:8: error: vendor 'kaspersky' has no rules", self->d.msgs[0]);
	EXPECT_STREQ("t.policy:5:18: error: unterminated quoted string", self->d.msgs[1]);
}

TEST_F(policy, line_length)
{
	char *filler = repeat('x', VB_POLICY_MAX_LINE), text[2 * VB_POLICY_MAX_LINE];

	ASSERT_NE(NULL, filler);
	/* "# " + 4094 bytes: exactly the limit, with either line end. */
	snprintf(text, sizeof(text), "version 1\n# %.*s\r\n", VB_POLICY_MAX_LINE - 2, filler);
	ASSERT_PARSES(text);
	snprintf(text, sizeof(text), "version 1\n# %.*s\n", VB_POLICY_MAX_LINE - 1, filler);
	ASSERT_REFUSED(text, 1);
	EXPECT_STREQ("t.policy:2:4097: error: line is 4097 bytes long (the limit is 4096)",
		     self->d.msgs[0]);
	free(filler);
}

TEST_F(policy, name_length)
{
	char *name = repeat('N', VB_NAME_MAX), text[1024];

	ASSERT_NE(NULL, name);
	snprintf(text, sizeof(text), "version 1\nvendor a \"%.*s\"\npath /a\n", VB_NAME_MAX - 1,
		 name);
	ASSERT_PARSES(text);
	EXPECT_EQ((size_t)VB_NAME_MAX - 1, strlen(self->p->vendors[0].name));
	snprintf(text, sizeof(text), "version 1\nvendor a \"%s\"\npath /a\n", name);
	ASSERT_REFUSED(text, 1);
	EXPECT_STREQ("t.policy:2:10: error: vendor name is 256 bytes long (the limit is 255)",
		     self->d.msgs[0]);
	free(name);
}

TEST_F(policy, path_length)
{
	char *tail = repeat('p', VB_RULE_PATH_MAX), text[1024];

	ASSERT_NE(NULL, tail);
	snprintf(text, sizeof(text), ACME "path /%.*s\n", VB_RULE_PATH_MAX - 1, tail);
	ASSERT_PARSES(text);
	EXPECT_EQ((size_t)VB_RULE_PATH_MAX, strlen(self->p->rules[0].path));
	snprintf(text, sizeof(text), ACME "path /%s\n", tail);
	ASSERT_REFUSED(text, 1);
	EXPECT_STREQ("t.policy:3:6: error: path is 256 bytes long (the limit is 255)",
		     self->d.msgs[0]);
	free(tail);
}

TEST_F(policy, generated_id_length)
{
	char *id = repeat('v', VB_ID_MAX - 1), text[1024], msg[1024];

	ASSERT_NE(NULL, id);
	snprintf(text, sizeof(text), "version 1\nvendor %s \"V\"\npath /a id=short\n", id);
	ASSERT_PARSES(text);
	snprintf(text, sizeof(text), "version 1\nvendor %s \"V\"\npath /a\n", id);
	ASSERT_REFUSED(text, 1);
	snprintf(msg, sizeof(msg),
		 "t.policy:3:6: error: generated rule id '%s-path-1' is longer than 63 bytes (shorten the vendor id or give the rule an id=)",
		 id);
	EXPECT_STREQ(msg, self->d.msgs[0]);
	snprintf(text, sizeof(text), "version 1\nvendor %sv \"V\"\npath /a\n", id);
	ASSERT_REFUSED(text, 1);
	snprintf(msg, sizeof(msg), "t.policy:2:8: error: bad vendor id '%sv': " ID_HELP, id);
	EXPECT_STREQ(msg, self->d.msgs[0]);
	free(id);
}

TEST_F(policy, nul_byte)
{
	static const char text[] = ACME "path /opt/a\0b\n";

	ASSERT_EQ(-EINVAL, parse_len(self, text, sizeof(text) - 1));
	ASSERT_EQ((size_t)2, self->d.n) dump_diag(&self->d);
	EXPECT_STREQ("t.policy:2:8: error: vendor 'acme' has no rules", self->d.msgs[0]);
	EXPECT_STREQ("t.policy:3:12: error: NUL byte in policy text", self->d.msgs[1]);
}

TEST_F(policy, too_large)
{
	size_t len = VB_POLICY_MAX_SIZE + 1ul;
	/* Untouched anonymous pages: 128 MiB of address space, not of memory. */
	char *big = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	ASSERT_NE(MAP_FAILED, big);
	ASSERT_EQ(-EINVAL, parse_len(self, big, len));
	munmap(big, len);
	ASSERT_EQ((size_t)1, self->d.n);
	EXPECT_STREQ("t.policy: error: policy is larger than the limit of 134217728 bytes",
		     self->d.msgs[0]);
}

/* Bytes outside printable ASCII in a message are escaped: a policy file cannot drive the
 * terminal, nor hide an invisible character in the word it quotes. */
TEST_F(policy, escaped_in_messages)
{
	ASSERT_REFUSED("version 1\nfo\x1b[2Jo\n", 1);
	EXPECT_STREQ("t.policy:2:1: error: unknown keyword 'fo\\x1b[2Jo' (known: version, mode, option, vendor)",
		     self->d.msgs[0]);
	ASSERT_REFUSED("version 1\nx\xc2\x9b" "2J\xc3\xa9\n", 1);
	EXPECT_STREQ("t.policy:2:1: error: unknown keyword 'x\\xc2\\x9b2J\\xc3\\xa9' (known: version, mode, option, vendor)",
		     self->d.msgs[0]);
	/* A Latin-1 byte alone, and a zero-width space inside a keyword. */
	ASSERT_REFUSED("version 1\nvendor x \"X\"\n\tp\xe9th /opt/x/\n\tpa\xe2\x80\x8bth /opt/y/\n", 2);
	EXPECT_STREQ("t.policy:3:2: error: unknown identity 'p\\xe9th' (known: sha256, path, signer, "
		     "cert, package, module, mode)", self->d.msgs[0]);
	EXPECT_STREQ("t.policy:4:2: error: unknown identity 'pa\\xe2\\x80\\x8bth' (known: sha256, "
		     "path, signer, cert, package, module, mode)", self->d.msgs[1]);
}

/* A UTF-8 byte order mark opening the file is skipped; anywhere else it is shown, escaped. */
TEST_F(policy, byte_order_mark)
{
	ASSERT_EQ(0, parse(self, "\xef\xbb\xbfversion 1\nvendor x \"X\"\n\tpath /opt/x/\n"))
		dump_diag(&self->d);
	ASSERT_NE(NULL, self->p);
	EXPECT_EQ(1ull, self->p->version);
	vb_policy_free(self->p);
	self->p = NULL;
	vb_diag_free(&self->d);
	ASSERT_REFUSED("version 1\n\xef\xbb\xbfvendor x \"X\"\n\tpath /opt/x/\n", 2);
	EXPECT_STREQ("t.policy:2:1: error: unknown keyword '\\xef\\xbb\\xbfvendor' (known: version, "
		     "mode, option, vendor)", self->d.msgs[0]);
}

FIXTURE(load) {
	char dir[64];
	char file[128];
	struct vb_policy *p;
	struct vb_diag d;
};

FIXTURE_SETUP(load)
{
	strcpy(self->dir, "/tmp/test_policy.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->file, sizeof(self->file), "%s/x.policy", self->dir);
}

FIXTURE_TEARDOWN(load)
{
	vb_policy_free(self->p);
	vb_diag_free(&self->d);
	unlink(self->file);
	rmdir(self->dir);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

TEST_F(load, valid)
{
	uint8_t digest[32];

	ASSERT_EQ(0, write_file(self->file, full_policy));
	ASSERT_EQ(0, vb_policy_load(self->file, &self->p, &self->d)) dump_diag(&self->d);
	EXPECT_STREQ(self->file, self->p->file);
	EXPECT_EQ((size_t)7, self->p->n_rules);
	ASSERT_TRUE(EVP_Digest(full_policy, strlen(full_policy), digest, NULL, EVP_sha256(), NULL));
	EXPECT_EQ(0, memcmp(digest, self->p->digest, 32));
}

TEST_F(load, errors_cite_the_file)
{
	char msg[256];

	ASSERT_EQ(0, write_file(self->file, "version 1\nvendr a \"A\"\n"));
	ASSERT_EQ(-EINVAL, vb_policy_load(self->file, &self->p, &self->d));
	ASSERT_NULL(self->p);
	ASSERT_EQ((size_t)1, self->d.n);
	snprintf(msg, sizeof(msg),
		 "%s:2:1: error: unknown keyword 'vendr' (known: version, mode, option, vendor)", self->file);
	EXPECT_STREQ(msg, self->d.msgs[0]);
}

TEST_F(load, missing)
{
	char msg[256];

	ASSERT_EQ(-ENOENT, vb_policy_load(self->file, &self->p, &self->d));
	ASSERT_NULL(self->p);
	ASSERT_EQ((size_t)1, self->d.n);
	snprintf(msg, sizeof(msg), "%s: error: No such file or directory", self->file);
	EXPECT_STREQ(msg, self->d.msgs[0]);
}

TEST_F(load, directory)
{
	char msg[256];

	ASSERT_EQ(-EISDIR, vb_policy_load(self->dir, &self->p, &self->d));
	ASSERT_EQ((size_t)1, self->d.n);
	snprintf(msg, sizeof(msg), "%s: error: Is a directory", self->dir);
	EXPECT_STREQ(msg, self->d.msgs[0]);
}

TEST_F(load, too_large)
{
	char msg[256];
	int fd;

	/* Sparse: the size is what counts, and it is refused before anything is read. */
	fd = open(self->file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, VB_POLICY_MAX_SIZE + 1ul));
	close(fd);
	ASSERT_EQ(-EINVAL, vb_policy_load(self->file, &self->p, &self->d));
	ASSERT_EQ((size_t)1, self->d.n);
	snprintf(msg, sizeof(msg), "%s: error: policy is larger than the limit of 134217728 bytes",
		 self->file);
	EXPECT_STREQ(msg, self->d.msgs[0]);
}

/*
 * One bad policy per variant, each refused with exactly these messages (up to four), as the
 * user sees them.
 */
FIXTURE(refused) {
	struct vb_policy *p;
	struct vb_diag d;
};

FIXTURE_VARIANT(refused) {
	const char *text;
	const char *msgs[4];
};

FIXTURE_SETUP(refused)
{
	self->p = NULL;
	memset(&self->d, 0, sizeof(self->d));
}

FIXTURE_TEARDOWN(refused)
{
	vb_policy_free(self->p);
	vb_diag_free(&self->d);
}

TEST_F(refused, messages)
{
	size_t i, n = 0;

	while (n < 4 && variant->msgs[n])
		n++;
	ASSERT_EQ(-EINVAL, vb_policy_parse("t.policy", variant->text, strlen(variant->text),
					   &self->p, &self->d));
	ASSERT_NULL(self->p);
	ASSERT_EQ(n, self->d.n) dump_diag(&self->d);
	for (i = 0; i < n; i++)
		EXPECT_STREQ(variant->msgs[i], self->d.msgs[i]);
}

/* Keywords */
FIXTURE_VARIANT_ADD(refused, unknown_keyword) {
	.text = "version 1\nfoo bar\n",
	.msgs = { "t.policy:2:1: error: unknown keyword 'foo' (known: version, mode, option, vendor)" },
};

FIXTURE_VARIANT_ADD(refused, keyword_case) {
	.text = "Version 1\n",
	.msgs = {
		"t.policy:1:1: error: unknown keyword 'Version' (known: version, mode, option, vendor)",
		"t.policy:1:1: error: missing 'version' line (it must come before the first vendor)",
	},
};

FIXTURE_VARIANT_ADD(refused, unknown_identity) {
	.text = ACME "  sah256 " H1 "\n",
	.msgs = { "t.policy:3:3: error: unknown identity 'sah256' (known: sha256, path, signer, cert, package, module, mode)" },
};

/* Identities written the way the format once hinted at, without the attribute. */
FIXTURE_VARIANT_ADD(refused, signer_without_attribute) {
	.text = ACME "\tsigner \"CN=Acme Code Signing\"\n",
	.msgs = { "t.policy:3:9: error: unknown signer attribute 'CN=Acme Code Signing' (known: subject, issuer, skid, tbs)" },
};

FIXTURE_VARIANT_ADD(refused, cert_file_missing) {
	.text = ACME "cert 00:11\n",
	.msgs = { "t.policy:3:6: error: cert '00:11': No such file or directory" },
};

FIXTURE_VARIANT_ADD(refused, package_without_attribute) {
	.text = ACME "package acme-agent\n",
	.msgs = { "t.policy:3:9: error: unknown package attribute 'acme-agent' (known: name, maintainer, vendor, key)" },
};

FIXTURE_VARIANT_ADD(refused, signer_issuer_without_serial) {
	.text = ACME "signer issuer \"CN=Acme CA,C=US\"\n",
	.msgs = { "t.policy:3:15: error: 'signer issuer' needs a serial: signer subject \"C=..,O=..\" | signer issuer \"DN\" serial HEX | signer skid HEX | signer tbs HEX64" },
};

FIXTURE_VARIANT_ADD(refused, signer_bad_dn) {
	.text = ACME "signer subject \"Acme Inc\"\n",
	.msgs = { "t.policy:3:16: error: bad distinguished name 'Acme Inc': expected TYPE=value at ''" },
};

FIXTURE_VARIANT_ADD(refused, signer_skid_not_hex) {
	.text = ACME "signer skid 55:ED:zz\n",
	.msgs = { "t.policy:3:19: error: skid must be hex digits ('z' is not one)" },
};

FIXTURE_VARIANT_ADD(refused, package_glob_of_everything) {
	.text = ACME "package maintainer \"**\"\n",
	.msgs = { "t.policy:3:20: error: package maintainer '**' would ban every package; name the vendor's own" },
};

FIXTURE_VARIANT_ADD(refused, module_bad_name) {
	.text = ACME "module name vb/evil\n",
	.msgs = { "t.policy:3:13: error: bad module name 'vb/evil': use 1 to 55 of A-Z a-z 0-9 _ -" },
};

FIXTURE_VARIANT_ADD(refused, option_inside_vendor) {
	.text = ACME "path /opt/acme/\noption init-module deny\n",
	.msgs = { "t.policy:4:1: error: 'option' must come before the first vendor (line 2)" },
};

FIXTURE_VARIANT_ADD(refused, option_unknown_value) {
	.text = "version 1\noption unsigned-modules maybe\n" "vendor acme \"Acme\"\npath /opt/acme/\n",
	.msgs = { "t.policy:2:25: error: option value must be deny or allow, not 'maybe'" },
};

FIXTURE_VARIANT_ADD(refused, option_unknown_name) {
	.text = "version 1\noption unjudged deny\n" "vendor acme \"Acme\"\npath /opt/acme/\n",
	.msgs = { "t.policy:2:8: error: unknown option 'unjudged' (known: unsigned-modules, init-module, running, unjudged-exec)" },
};

FIXTURE_VARIANT_ADD(refused, path_before_vendor) {
	.text = "version 1\npath /opt/x/\n" "vendor acme \"Acme\"\npath /opt/acme/\n",
	.msgs = { "t.policy:2:1: error: 'path' rule before any 'vendor' line" },
};

FIXTURE_VARIANT_ADD(refused, sha256_before_vendor) {
	.text = "version 1\n  sha256 " H1 "\n",
	.msgs = { "t.policy:2:3: error: 'sha256' rule before any 'vendor' line" },
};

/* version */
FIXTURE_VARIANT_ADD(refused, missing_version) {
	.text = "vendor acme \"Acme\"\npath /opt/acme/\n",
	.msgs = { "t.policy:1:1: error: missing 'version' line (it must come before the first vendor)" },
};

FIXTURE_VARIANT_ADD(refused, version_twice) {
	.text = "version 1\nversion 2\n",
	.msgs = { "t.policy:2:1: error: version given twice (first on line 1)" },
};

FIXTURE_VARIANT_ADD(refused, version_after_vendor) {
	.text = "vendor acme \"Acme\"\npath /opt/acme/\n  version 3\n",
	.msgs = { "t.policy:3:3: error: 'version' must come before the first vendor (line 1)" },
};

FIXTURE_VARIANT_ADD(refused, version_zero) {
	.text = "version 0\n",
	.msgs = { "t.policy:1:9: error: version must be at least 1" },
};

FIXTURE_VARIANT_ADD(refused, version_not_a_number) {
	.text = "version 12a\n",
	.msgs = { "t.policy:1:9: error: bad version '12a': want a serial number from 1 to 18446744073709551615" },
};

FIXTURE_VARIANT_ADD(refused, version_negative) {
	.text = "version -1\n",
	.msgs = { "t.policy:1:9: error: bad version '-1': want a serial number from 1 to 18446744073709551615" },
};

FIXTURE_VARIANT_ADD(refused, version_overflow) {
	.text = "version 18446744073709551616\n",
	.msgs = { "t.policy:1:9: error: bad version '18446744073709551616': want a serial number from 1 to 18446744073709551615" },
};

FIXTURE_VARIANT_ADD(refused, version_no_value) {
	.text = "version   # serial goes here\n",
	.msgs = { "t.policy:1:1: error: 'version' needs a value: version SERIAL" },
};

FIXTURE_VARIANT_ADD(refused, version_garbage) {
	.text = "version 1 2\n",
	.msgs = { "t.policy:1:11: error: unexpected '2' after the version" },
};

/* mode */
FIXTURE_VARIANT_ADD(refused, mode_unknown) {
	.text = "version 1\nmode strict\n",
	.msgs = { "t.policy:2:6: error: unknown mode 'strict' (known: enforce, audit)" },
};

FIXTURE_VARIANT_ADD(refused, mode_no_value) {
	.text = "version 1\nmode\n",
	.msgs = { "t.policy:2:1: error: 'mode' needs a value: enforce or audit" },
};

FIXTURE_VARIANT_ADD(refused, mode_twice) {
	.text = "version 1\nmode audit\nmode enforce\n",
	.msgs = { "t.policy:3:1: error: mode given twice (first on line 2)" },
};

FIXTURE_VARIANT_ADD(refused, vendor_mode_twice) {
	.text = ACME "mode audit\npath /a\n\tmode enforce\n",
	.msgs = { "t.policy:5:2: error: mode for vendor 'acme' given twice (first on line 3)" },
};

FIXTURE_VARIANT_ADD(refused, mode_garbage) {
	.text = "version 1\nmode audit now\n",
	.msgs = { "t.policy:2:12: error: unexpected 'now' after the mode" },
};

/* vendor */
FIXTURE_VARIANT_ADD(refused, vendor_no_id) {
	.text = "version 1\nvendor\npath /a\n",
	.msgs = { "t.policy:2:1: error: 'vendor' needs an id and a quoted name: vendor ID \"Name\"" },
};

FIXTURE_VARIANT_ADD(refused, vendor_bad_id) {
	.text = "version 1\nvendor ac/me \"Acme\"\npath /a\n",
	.msgs = { "t.policy:2:8: error: bad vendor id 'ac/me': " ID_HELP },
};

FIXTURE_VARIANT_ADD(refused, vendor_duplicate) {
	.text = ACME "path /a\nvendor acme \"Acme again\"\npath /b\n",
	.msgs = { "t.policy:4:8: error: duplicate vendor 'acme' (first on line 2)" },
};

FIXTURE_VARIANT_ADD(refused, vendor_no_name) {
	.text = "version 1\nvendor acme\npath /a\n",
	.msgs = { "t.policy:2:1: error: vendor 'acme' needs a quoted name: vendor acme \"Name\"" },
};

FIXTURE_VARIANT_ADD(refused, vendor_unquoted_name) {
	.text = "version 1\nvendor acme Acme Corp\npath /a\n",
	.msgs = { "t.policy:2:13: error: vendor name must be in double quotes: vendor ID \"Name\"" },
};

FIXTURE_VARIANT_ADD(refused, vendor_empty_name) {
	.text = "version 1\nvendor acme \"\"\npath /a\n",
	.msgs = { "t.policy:2:13: error: vendor name is empty" },
};

FIXTURE_VARIANT_ADD(refused, vendor_garbage) {
	.text = "version 1\nvendor acme \"Acme\" extra\npath /a\n",
	.msgs = { "t.policy:2:20: error: unexpected 'extra' after the vendor name" },
};

FIXTURE_VARIANT_ADD(refused, vendor_no_rules) {
	.text = ACME "vendor other \"Other\"\npath /x\n",
	.msgs = { "t.policy:2:8: error: vendor 'acme' has no rules" },
};

FIXTURE_VARIANT_ADD(refused, vendor_no_rules_at_end) {
	.text = ACME "path /x\nvendor other \"Other\"\n\tmode audit\n",
	.msgs = { "t.policy:4:8: error: vendor 'other' has no rules" },
};

/* Quoting */
FIXTURE_VARIANT_ADD(refused, unterminated_name) {
	.text = "version 1\nvendor acme \"Acme\npath /a\n",
	.msgs = { "t.policy:2:13: error: unterminated quoted string" },
};

FIXTURE_VARIANT_ADD(refused, unterminated_path) {
	.text = ACME "path \"/opt/Some Vendor/\n",
	.msgs = { "t.policy:3:6: error: unterminated quoted string" },
};

FIXTURE_VARIANT_ADD(refused, unterminated_by_escape) {
	.text = ACME "path \"/opt/x\\\"\n",
	.msgs = { "t.policy:3:6: error: unterminated quoted string" },
};

FIXTURE_VARIANT_ADD(refused, unknown_escape) {
	.text = "version 1\nvendor acme \"Acme \\n Corp\"\npath /a\n",
	.msgs = { "t.policy:2:19: error: unknown escape '\\n' in quoted string (only \\\" and \\\\ are allowed)" },
};

FIXTURE_VARIANT_ADD(refused, no_space_after_quote) {
	.text = "version 1\nvendor acme \"Acme\"x\npath /a\n",
	.msgs = { "t.policy:2:19: error: missing space after the closing quote" },
};

FIXTURE_VARIANT_ADD(refused, hash_right_after_quote) {
	.text = "version 1\nvendor acme \"Acme\"# comment?\npath /a\n",
	.msgs = { "t.policy:2:19: error: missing space after the closing quote" },
};

/* sha256 */
FIXTURE_VARIANT_ADD(refused, sha256_short) {
	.text = ACME "sha256 abcd\n",
	.msgs = { "t.policy:3:8: error: sha256 must be 64 hex digits (this one has 4)" },
};

FIXTURE_VARIANT_ADD(refused, sha256_63) {
	.text = ACME "sha256 3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1\n",
	.msgs = { "t.policy:3:8: error: sha256 must be 64 hex digits (this one has 63)" },
};

FIXTURE_VARIANT_ADD(refused, sha256_65) {
	.text = ACME "sha256 " H1 "0\n",
	.msgs = { "t.policy:3:8: error: sha256 must be 64 hex digits (this one has 65)" },
};

FIXTURE_VARIANT_ADD(refused, sha256_not_hex) {
	.text = ACME "sha256 3a7bd3e23g0a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b\n",
	.msgs = { "t.policy:3:8: error: sha256 must be 64 hex digits ('g' at character 10 is not one)" },
};

FIXTURE_VARIANT_ADD(refused, sha256_prefixed) {
	.text = ACME "sha256 sha256:" H1 "\n",
	.msgs = { "t.policy:3:8: error: sha256 must be 64 hex digits ('s' at character 1 is not one)" },
};

FIXTURE_VARIANT_ADD(refused, sha256_no_value) {
	.text = ACME "sha256\n",
	.msgs = { "t.policy:3:1: error: 'sha256' needs a value: sha256 HEX64" },
};

/* Same bytes, different case: still the same hash. */
FIXTURE_VARIANT_ADD(refused, sha256_duplicate) {
	.text = ACME "sha256 " H2 "\nsha256 aabbccddeeff00112233445566778899AABBCCDDEEFF00112233445566778899\n",
	.msgs = { "t.policy:4:8: error: duplicate sha256 in vendor 'acme' (first on line 3)" },
};

FIXTURE_VARIANT_ADD(refused, sha256_two_vendors) {
	.text = ACME "sha256 " H1 "\nvendor other \"Other\"\n\tsha256 " H1 " id=o1\n",
	.msgs = { "t.policy:5:9: error: sha256 is already listed under vendor 'acme' (line 3); it cannot also be listed under vendor 'other'" },
};

/* path */
FIXTURE_VARIANT_ADD(refused, path_relative) {
	.text = ACME "path opt/acme/\n",
	.msgs = { "t.policy:3:6: error: path 'opt/acme/' is not absolute (it must start with '/')" },
};

FIXTURE_VARIANT_ADD(refused, path_empty) {
	.text = ACME "path \"\"\n",
	.msgs = { "t.policy:3:6: error: path '' is not absolute (it must start with '/')" },
};

FIXTURE_VARIANT_ADD(refused, path_root) {
	.text = ACME "path /\n",
	.msgs = { "t.policy:3:6: error: path '/' would ban every program on the system; list the vendor's own directories instead" },
};

FIXTURE_VARIANT_ADD(refused, path_root_quoted) {
	.text = ACME "path \"/\" audit\n",
	.msgs = { "t.policy:3:6: error: path '/' would ban every program on the system; list the vendor's own directories instead" },
};

FIXTURE_VARIANT_ADD(refused, path_double_slash) {
	.text = ACME "path /opt//acme/\n",
	.msgs = { "t.policy:3:6: error: path '/opt//acme/' contains '//'" },
};

FIXTURE_VARIANT_ADD(refused, path_dot) {
	.text = ACME "path /opt/./acme/\npath /opt/acme/.\n",
	.msgs = {
		"t.policy:3:6: error: path '/opt/./acme/' has a '.' or '..' component (write the real path)",
		"t.policy:4:6: error: path '/opt/acme/.' has a '.' or '..' component (write the real path)",
	},
};

FIXTURE_VARIANT_ADD(refused, path_dotdot) {
	.text = ACME "path /opt/../etc/\npath /opt/acme/..\n",
	.msgs = {
		"t.policy:3:6: error: path '/opt/../etc/' has a '.' or '..' component (write the real path)",
		"t.policy:4:6: error: path '/opt/acme/..' has a '.' or '..' component (write the real path)",
	},
};

FIXTURE_VARIANT_ADD(refused, path_no_value) {
	.text = ACME "path   # later\n",
	.msgs = { "t.policy:3:1: error: 'path' needs a value: path /ABSOLUTE/PATH" },
};

FIXTURE_VARIANT_ADD(refused, path_duplicate) {
	.text = ACME "path /opt/acme/\npath /opt/acme/ audit\n",
	.msgs = { "t.policy:4:6: error: duplicate path '/opt/acme/' in vendor 'acme' (first on line 3)" },
};

FIXTURE_VARIANT_ADD(refused, path_two_vendors) {
	.text = ACME "path /opt/shared/\nvendor other \"Other\"\npath /opt/shared/\n",
	.msgs = { "t.policy:5:6: error: path '/opt/shared/' is already listed under vendor 'acme' (line 3); it cannot also be listed under vendor 'other'" },
};

/* Rule options and ids */
FIXTURE_VARIANT_ADD(refused, unknown_option) {
	.text = ACME "path /opt/acme/ audit forever\n",
	.msgs = { "t.policy:3:23: error: unknown option 'forever' (known: audit, enforce, id=ID)" },
};

FIXTURE_VARIANT_ADD(refused, rule_mode_twice) {
	.text = ACME "path /a audit enforce\n",
	.msgs = { "t.policy:3:15: error: mode given twice on this rule" },
};

FIXTURE_VARIANT_ADD(refused, rule_id_twice) {
	.text = ACME "path /a id=x id=y\n",
	.msgs = { "t.policy:3:14: error: id given twice on this rule" },
};

FIXTURE_VARIANT_ADD(refused, rule_bad_id) {
	.text = ACME "path /a id=a/b\n",
	.msgs = { "t.policy:3:9: error: bad rule id 'a/b': " ID_HELP },
};

FIXTURE_VARIANT_ADD(refused, rule_empty_id) {
	.text = ACME "path /a id=\n",
	.msgs = { "t.policy:3:9: error: bad rule id '': " ID_HELP },
};

FIXTURE_VARIANT_ADD(refused, rule_duplicate_id) {
	.text = ACME "path /a id=x\nvendor b \"B\"\nsha256 " H1 " id=x\n",
	.msgs = { "t.policy:5:73: error: duplicate rule id 'x' (first on line 3)" },
};

FIXTURE_VARIANT_ADD(refused, rule_id_takes_generated) {
	.text = ACME "path /a\npath /b id=acme-path-1\n",
	.msgs = { "t.policy:4:9: error: duplicate rule id 'acme-path-1' (first on line 3)" },
};

FIXTURE_VARIANT_ADD(refused, generated_id_taken) {
	.text = ACME "path /a id=acme-path-2\npath /b\n",
	.msgs = { "t.policy:4:6: error: generated rule id 'acme-path-2' is already used on line 3 (give one of the rules another id=)" },
};

TEST_HARNESS_MAIN
