// SPDX-License-Identifier: GPL-2.0
/*
 * vendorban attest, as an auditor uses it: a statement signed with the host key verifies
 * against the host's certificate, says why the host is not compliant (here: no enforcement on
 * this host kernel, a banned file, no denial log), fails to verify after any edit or against
 * another certificate, and many statements roll up into one table, CSV and HTML page.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "hostutil.h"

int do_attest(int argc, char **argv);

FIXTURE(attest) {
	char dir[64];
	char p[256], key[256], cert[256], other_key[256], other_cert[256], out[256], stmt[256];
	char tree[256], log[256];
};

FIXTURE_SETUP(attest)
{
	static const char banned[] = "#!/bin/sh\necho banned agent\n";

	if (geteuid())
		SKIP(return, "attest reads every process and the kernel's maps: run as root");
	strcpy(self->dir, "/tmp/vb-attest-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->key, sizeof(self->key), "%s/host.key", self->dir);
	snprintf(self->cert, sizeof(self->cert), "%s/host.pem", self->dir);
	snprintf(self->other_key, sizeof(self->other_key), "%s/other.key", self->dir);
	snprintf(self->other_cert, sizeof(self->other_cert), "%s/other.pem", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out", self->dir);
	snprintf(self->stmt, sizeof(self->stmt), "%s/web-01.cms", self->dir);
	snprintf(self->tree, sizeof(self->tree), "%s/opt", self->dir);
	snprintf(self->log, sizeof(self->log), "%s/denials.jsonl", self->dir);
	snprintf(self->p, sizeof(self->p), "%s/ban.policy", self->dir);
	ASSERT_EQ(0, sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
			"-days 30 -subj /CN=web-01.example.gov -keyout %s -out %s 2>/dev/null",
			self->key, self->cert));
	ASSERT_EQ(0, sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
			"-days 30 -subj /CN=intruder -keyout %s -out %s 2>/dev/null",
			self->other_key, self->other_cert));
	ASSERT_EQ(0, mkdir(self->tree, 0755));
	ASSERT_EQ(0, sh("printf '%%s' '%s' > %s/agent", banned, self->tree));
	ASSERT_EQ(0, sh("printf 'version 7\\nvendor acme \"Acme Corp\"\\n\\tsha256 %%s\\n' "
			"$(sha256sum %s/agent | cut -d' ' -f1) > %s", self->tree, self->p));
}

FIXTURE_TEARDOWN(attest)
{
	if (self->dir[0])
		sh("rm -rf '%s'", self->dir);
}

/* vendorban attest over the fixture's tree, signed with key/cert, into stmt. */
static int attest(FIXTURE_DATA(attest) *self, const char *key, const char *cert)
{
	char *argv[] = { "attest", "--policy", self->p, "--key", (char *)key, "--cert",
			 (char *)cert, "-o", self->stmt, "--log", self->log, "--no-probe",
			 "--skip", "packages,processes,modules", "--no-cache", self->tree, NULL };

	return cli_run(do_attest, false, argv, self->out, "/dev/null");
}

static int verify(FIXTURE_DATA(attest) *self, bool json, const char *ca, char **text)
{
	char *with_ca[] = { "attest", "verify", "--ca", (char *)ca, self->stmt, NULL };
	char *without[] = { "attest", "verify", self->stmt, NULL };
	int rc = cli_run(do_attest, json, ca ? with_ca : without, self->out, "/dev/null");

	*text = slurp(self->out) ?: strdup("");
	return rc;
}

TEST_F(attest, signed_statement_says_why_not_compliant)
{
	struct json_object *o, *st, *v;
	char *text;

	/* Not compliant: written all the same, exit 1. */
	ASSERT_EQ(1, attest(self, self->key, self->cert));
	ASSERT_EQ(0, access(self->stmt, R_OK));
	text = slurp(self->stmt);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, strncmp(text, "-----BEGIN CMS-----\n", 20));
	free(text);

	ASSERT_EQ(0, verify(self, true, self->cert, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o) TH_LOG("%s", text);
	EXPECT_TRUE(json_object_get_boolean(json_object_object_get(o, "intact")));
	EXPECT_TRUE(json_object_get_boolean(json_object_object_get(o, "trusted")));
	EXPECT_STREQ("CN=web-01.example.gov",
		     json_object_get_string(json_object_object_get(o, "signer")));
	st = json_object_object_get(o, "statement");
	ASSERT_NE(NULL, st);
	EXPECT_FALSE(json_object_get_boolean(json_object_object_get(st, "compliant")));
	v = json_object_object_get(st, "reasons");
	ASSERT_TRUE(json_object_is_type(v, json_type_array));
	text = strdup(json_object_to_json_string(v));
	EXPECT_NE(NULL, strstr(text, "not enforcing: ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "banned software present: 1 file, 0 packages"));
	EXPECT_NE(NULL, strstr(text, "no denial log at "));
	free(text);
	/* What it is made of: the sweep found the file by its rule; the policy named. */
	v = json_object_object_get(json_object_object_get(st, "sweep"), "policy");
	EXPECT_EQ(7, json_object_get_int(json_object_object_get(v, "version")));
	EXPECT_NE(NULL, json_object_object_get(st, "enforcement"));
	EXPECT_NE(NULL, json_object_object_get(json_object_object_get(st, "kernel"), "release"));
	json_object_put(o);

	ASSERT_EQ(0, verify(self, false, self->cert, &text));
	EXPECT_NE(NULL, strstr(text, "signature intact, signed by 'CN=web-01.example.gov'"));
	EXPECT_NE(NULL, strstr(text, "signer: trusted\n"));
	EXPECT_NE(NULL, strstr(text, ": NOT COMPLIANT: not enforcing: "));
	free(text);
}

TEST_F(attest, edits_and_other_signers_fail)
{
	struct stat st;
	char *text, *p;
	FILE *f;

	ASSERT_EQ(1, attest(self, self->key, self->cert));
	/* Without a trusted certificate: intact, but not verified. */
	EXPECT_EQ(1, verify(self, false, NULL, &text));
	EXPECT_NE(NULL, strstr(text, "signer: the signer was not checked"));
	free(text);
	/* Against another certificate. */
	EXPECT_EQ(1, verify(self, false, self->other_cert, &text));
	EXPECT_NE(NULL, strstr(text, "signer: the signer is not trusted")) TH_LOG("%s", text);
	free(text);
	/* Signed by someone else, checked against the host's certificate. */
	ASSERT_EQ(1, attest(self, self->other_key, self->other_cert));
	EXPECT_EQ(1, verify(self, false, self->cert, &text));
	free(text);

	/* One character of the body changed, in the middle (the statement's bytes). */
	ASSERT_EQ(1, attest(self, self->key, self->cert));
	text = slurp(self->stmt);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, stat(self->stmt, &st));
	p = text + st.st_size / 2;
	while (*p == '\n')
		p++;
	*p = *p == 'A' ? 'B' : 'A';
	f = fopen(self->stmt, "w");
	ASSERT_NE(NULL, f);
	fputs(text, f);
	fclose(f);
	free(text);
	EXPECT_EQ(1, verify(self, false, self->cert, &text));
	EXPECT_NE(NULL, strstr(text, "NOT VERIFIED")) TH_LOG("%s", text);
	free(text);
}

TEST_F(attest, summary_rolls_hosts_up)
{
	char good[300], bad[300], html[300], *text;
	char *table[] = { "attest", "summary", "--ca", self->cert, good, bad, NULL };
	char *csv[] = { "attest", "summary", "--ca", self->cert, "--csv", good, bad, NULL };
	char *page[] = { "attest", "summary", "--ca", self->cert, "--html", html, good, bad, NULL };

	snprintf(good, sizeof(good), "%s/a.cms", self->dir);
	snprintf(bad, sizeof(bad), "%s/b.cms", self->dir);
	snprintf(html, sizeof(html), "%s/summary.html", self->dir);
	ASSERT_EQ(1, attest(self, self->key, self->cert));
	ASSERT_EQ(0, rename(self->stmt, good));
	ASSERT_EQ(1, attest(self, self->other_key, self->other_cert));
	ASSERT_EQ(0, rename(self->stmt, bad));

	EXPECT_EQ(1, cli_run(do_attest, false, table, self->out, "/dev/null"));
	text = slurp(self->out);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "NOT COMPLIANT")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "NOT VERIFIED"));
	EXPECT_NE(NULL, strstr(text, "0 of 2 hosts verified and compliant\n"));
	free(text);

	EXPECT_EQ(1, cli_run(do_attest, false, csv, self->out, "/dev/null"));
	text = slurp(self->out);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, strncmp(text, "file,host,time,verdict,policy_version,files,packages,"
			     "processes,modules,why\r\n", 70));
	EXPECT_NE(NULL, strstr(text, ",NOT COMPLIANT,7,1,0,0,0,")) TH_LOG("%s", text);
	free(text);

	EXPECT_EQ(1, cli_run(do_attest, false, page, self->out, "/dev/null"));
	text = slurp(html);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "<title>Compliance summary</title>"));
	EXPECT_NE(NULL, strstr(text, "default-src 'none'"));	/* offline: nothing fetched */
	EXPECT_NE(NULL, strstr(text, "NOT VERIFIED"));
	free(text);
}

TEST(usage_and_missing_key)
{
	char *no_key[] = { "attest", "--key", "/nonexistent.key", "--cert", "/nonexistent.pem",
			   NULL };
	char *no_file[] = { "attest", "verify", NULL };
	char *help[] = { "attest", "--help", NULL };

	if (geteuid())
		SKIP(return, "attest needs root");
	EXPECT_EQ(2, cli_run(do_attest, false, no_key, "/dev/null", "/dev/null"));
	EXPECT_EQ(2, cli_run(do_attest, false, no_file, "/dev/null", "/dev/null"));
	EXPECT_EQ(0, cli_run(do_attest, false, help, "/dev/null", "/dev/null"));
}

TEST_HARNESS_MAIN
