// SPDX-License-Identifier: GPL-2.0
/*
 * vendorban identify: the evidence of who made a file and the policy's verdict, as staff read
 * it and as tools parse it. Fixtures are the real thing: modules signed by the kernel's
 * sign-file (tests/fixtures/mkidentify.sh), a PE signed by osslsigncode (tests/fixtures/mkpe.h),
 * a dpkg database (tests/fixtures/mkpkgdb.sh), all against the test PKI (tests/pki/mkpki.sh).
 * Each denial has an allowed twin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "hostutil.h"
#include "identify_fixture.h"
#include "../fixtures/mkpe.h"

#include "cli/cli.h"

int do_identify(int argc, char **argv);

#define MKPKGDB		"tests/fixtures/mkpkgdb.sh"
#define CACHE_FMT	"/tmp/vb-test-identify-%d"
#define BANNED_MAINT	"Banned Test Vendor <packages@banned.example>"

/* Made once per run, shared by the forked tests, removed at exit. */
static void __attribute__((destructor)) remove_cache(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf " CACHE_FMT, (int)getpid());
	if (system(cmd))
		fprintf(stderr, "test_identify: %s failed\n", cmd);
}

static int put_text(const char *path, const char *text)
{
	return write_file(path, text, strlen(text));
}

/*
 * The signed PE files and the dpkg root, in cache (once per run). NULL when ready, else why
 * not (static storage of the forked test), which fails the test: make setup installs every
 * tool this runs.
 */
static const char *make_fixtures(const char *cache, const char *idir)
{
	static char reason[512];
	uint8_t pe[MKPE_LEN];
	char path[512];
	int rc;

	snprintf(path, sizeof(path), "%s/.done", cache);
	if (!access(path, F_OK))
		return NULL;
	if (access(MKPKGDB, R_OK))
		return "tests/fixtures/mkpkgdb.sh not found: run from the top of the tree";
	if (sh("command -v osslsigncode >/dev/null"))
		return "osslsigncode not installed (make setup)";
	mkdir(cache, 0700);
	mkpe_build(pe, true);
	snprintf(path, sizeof(path), "%s/unsigned64.exe", cache);
	if (write_file(path, pe, sizeof(pe)))
		return "cannot write the PE file";
	if (sh("cd %s && cat %s/pki/banned.pem %s/pki/ca.pem > banned-chain.pem && "
	       "osslsigncode sign -certs banned-chain.pem -key %s/pki/banned.key "
	       "-in unsigned64.exe -out signed64.exe >/dev/null", cache, idir, idir, idir))
		return "osslsigncode sign failed";
	rc = sh("bash " MKPKGDB " %s/pkg dpkg", cache);
	if (rc) {
		snprintf(reason, sizeof(reason), "mkpkgdb.sh dpkg failed (%d); see %s/pkg/fail-reason",
			 rc, cache);
		return reason;
	}
	/* The files the database lists, and a module and a PE installed by the banned vendor's
	 * package's neighbours: what a host with the vendor's software has. */
	if (sh("cd %s/pkg/root && mkdir -p opt/banned/bin usr/bin usr/lib/modules/6.1.0-test "
	       "&& printf 'banned agent\\n' > opt/banned/bin/agent "
	       "&& printf 'allowed tool\\n' > usr/bin/allowed-tool "
	       "&& ln -s /opt/banned/bin/agent usr/bin/agent-link "
	       "&& cp %s/banned.ko usr/lib/modules/6.1.0-test/banned.ko", cache, idir))
		return "cannot populate the dpkg root";
	snprintf(path, sizeof(path), "%s/.done", cache);
	return write_file(path, "", 0) ? "cannot mark the fixtures done" : NULL;
}

FIXTURE(identify) {
	char idir[256];		/* mkidentify.sh's output: modules, pki/ */
	char cache[64];		/* PE files, pkg/root */
	char tmp[64];		/* this test's policies and outputs */
	char policy[128];
	char root[128];
	char out[128], err[128];
	const char *unmade;	/* why the fixtures could not be made */
	char *text, *errtext;
	struct json_object *json;
};

FIXTURE_SETUP(identify)
{
	strcpy(self->tmp, "/tmp/vb-identify-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->policy, sizeof(self->policy), "%s/test.policy", self->tmp);
	snprintf(self->out, sizeof(self->out), "%s/stdout", self->tmp);
	snprintf(self->err, sizeof(self->err), "%s/stderr", self->tmp);
	if (access(FIXTURE_SCRIPT, R_OK)) {
		self->unmade = FIXTURE_SCRIPT " not found: run from the top of the tree";
		return;
	}
	if (identify_fixtures(self->idir, sizeof(self->idir))) {
		self->unmade = "mkidentify.sh failed (make setup installs sign-file, evmctl, zstd)";
		return;
	}
	snprintf(self->cache, sizeof(self->cache), CACHE_FMT, (int)getppid());
	self->unmade = make_fixtures(self->cache, self->idir);
	snprintf(self->root, sizeof(self->root), "%s/pkg/root", self->cache);
}

FIXTURE_TEARDOWN(identify)
{
	free(self->text);
	free(self->errtext);
	json_object_put(self->json);
	if (self->tmp[0] && sh("rm -rf '%s'", self->tmp))
		TH_LOG("cleanup of %s failed", self->tmp);
}

/* The harness runs the body even after setup returned early: fail here, with the reason. */
#define NEED_FIXTURES() \
	ASSERT_EQ(NULL, self->unmade) TH_LOG("%s", self->unmade)

/* Run do_identify in a child: its exit code; stdout in self->text (parsed into self->json
 * with --json), stderr in self->errtext. */
static int run(struct _test_data_identify *self, bool json, char **argv)
{
	int status;

	free(self->text);
	free(self->errtext);
	self->text = self->errtext = NULL;
	json_object_put(self->json);
	self->json = NULL;
	status = cli_run(do_identify, json, argv, self->out, self->err);
	if (status < 0)
		return -1;
	self->text = slurp(self->out) ?: strdup("");
	self->errtext = slurp(self->err) ?: strdup("");
	if (json)
		self->json = json_tokener_parse(self->text);
	return status;
}

static int write_policy(struct _test_data_identify *self, const char *body)
{
	char text[4096];

	snprintf(text, sizeof(text), "version 1\n%s", body);
	return put_text(self->policy, text);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	return json_object_object_get(o, key);
}

static const char *str(struct json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

static struct json_object *nth(struct json_object *a, size_t i)
{
	return json_object_array_get_idx(a, i);
}

#define FIX(name) ({ \
	static char _p[512]; \
	snprintf(_p, sizeof(_p), "%s/%s", self->idir, name); \
	_p; \
})

TEST_F(identify, module_text_names_signer_and_cert_verdict)
{
	char want[1024], skid[VB_KEYID_MAX], body[1024];
	char *argv[] = { "identify", "--policy", self->policy, FIX("banned.ko"), NULL };
	char *argv_skid[] = { "identify", "--policy", self->policy, FIX("banned-skid.ko"), NULL };

	NEED_FIXTURES();
	snprintf(body, sizeof(body), "vendor banned \"Banned Test Vendor\"\n"	/* 2 */
		 "\tcert %s/pki/banned.pem\n", self->idir);			/* 3 */
	ASSERT_EQ(0, write_policy(self, body));
	ASSERT_EQ(0, run(self, false, argv)) TH_LOG("%s", self->errtext);
	snprintf(want, sizeof(want), "\n  signature:   module\n    issuer:      %s\n"
		 "    serial:      %s\n    skid:        -\n", CA_DN, BANNED_SERIAL);
	EXPECT_NE(NULL, strstr(self->text, want)) TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->text, "    hash:        sha256\n"));
	EXPECT_NE(NULL, strstr(self->text, "  module:      vbtest\n"
					    "    author:      Banned Test Vendor\n"));
	EXPECT_NE(NULL, strstr(self->text, "  package:     none\n"));
	snprintf(want, sizeof(want), "  verdict:     deny by rule banned-cert-1 (vendor banned "
		 "\"Banned Test Vendor\", %s:3, enforce), cert issuer+serial\n", self->policy);
	EXPECT_NE(NULL, strstr(self->text, want)) TH_LOG("%s", self->text);

	/* sign-file -k: the signature names its signer by SKID only. */
	fixture_skid(self->idir, "banned", skid);
	ASSERT_NE('\0', skid[0]);
	ASSERT_EQ(0, run(self, false, argv_skid));
	snprintf(want, sizeof(want), "    issuer:      -\n    serial:      -\n    skid:        %s\n",
		 skid);
	EXPECT_NE(NULL, strstr(self->text, want)) TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->text, "), cert skid\n")) TH_LOG("%s", self->text);
}

TEST_F(identify, module_json_has_signatures_module_and_rule)
{
	char skid[VB_KEYID_MAX], body[1024], src[256];
	char *argv[] = { "identify", "--policy", self->policy, FIX("banned-skid.ko"),
			 FIX("banned-certs.ko"), NULL };
	struct json_object *f, *s, *r;

	NEED_FIXTURES();
	snprintf(body, sizeof(body), "vendor banned \"Banned Test Vendor\"\n"
		 "\tmode audit\n"
		 "\tcert %s/pki/banned.pem id=banned-cert\n", self->idir);	/* 4 */
	ASSERT_EQ(0, write_policy(self, body));
	ASSERT_EQ(0, run(self, true, argv)) TH_LOG("%s", self->errtext);
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);
	ASSERT_TRUE(json_object_is_type(self->json, json_type_array));
	ASSERT_EQ(2u, json_object_array_length(self->json));

	fixture_skid(self->idir, "banned", skid);
	f = nth(self->json, 0);
	EXPECT_STREQ(FIX("banned-skid.ko"), str(f, "path"));
	EXPECT_EQ(64u, strlen(str(f, "sha256")));
	s = nth(get(f, "signatures"), 0);
	EXPECT_STREQ("module", str(s, "format"));
	EXPECT_STREQ(skid, str(s, "skid"));
	EXPECT_EQ(NULL, get(s, "issuer"));	/* not in a sign-file -k signature */
	EXPECT_EQ(NULL, get(s, "serial"));
	EXPECT_EQ(NULL, get(s, "subject"));
	EXPECT_STREQ("sha256", str(s, "hash"));
	EXPECT_STREQ("vbtest", str(get(f, "module"), "name"));
	EXPECT_STREQ("Banned Test Vendor", str(get(f, "module"), "author"));
	EXPECT_EQ(NULL, get(f, "package"));
	EXPECT_NE(NULL, get(f, "elf"));
	/* The vendor is in audit mode: would deny. */
	EXPECT_STREQ("audit", str(f, "verdict"));
	r = get(f, "rule");
	EXPECT_STREQ("banned-cert", str(r, "id"));
	EXPECT_STREQ("cert", str(r, "kind"));
	EXPECT_STREQ("banned", str(r, "vendor"));
	EXPECT_STREQ("Banned Test Vendor", str(r, "vendor_name"));
	EXPECT_STREQ("audit", str(r, "mode"));
	EXPECT_STREQ("skid", str(r, "how"));
	EXPECT_EQ(0, json_object_get_int(get(r, "signature")));
	snprintf(src, sizeof(src), "%s:4", self->policy);
	EXPECT_STREQ(src, str(r, "source"));

	/* Certificates in the signature: the subject and TBS hash are known, and the CA's. */
	f = nth(self->json, 1);
	s = get(f, "signatures");
	ASSERT_EQ(2u, json_object_array_length(s));
	EXPECT_STREQ(BANNED_DN, str(nth(s, 0), "subject"));
	EXPECT_STREQ(CA_DN, str(nth(s, 0), "issuer"));
	EXPECT_STREQ(BANNED_SERIAL, str(nth(s, 0), "serial"));
	EXPECT_EQ(64u, strlen(str(nth(s, 0), "tbs_sha256")));
	EXPECT_EQ(1, json_object_get_int(get(nth(s, 1), "chain_depth")));
	EXPECT_STREQ(CA_DN, str(nth(s, 1), "subject"));
	EXPECT_STREQ("tbs", str(get(f, "rule"), "how"));
}

TEST_F(identify, authenticode_subject_denies_unsigned_twin_allowed)
{
	char pe[256], unsigned_pe[256];
	char *argv[] = { "identify", "--policy", self->policy, pe, unsigned_pe, NULL };
	struct json_object *f, *s, *r;

	NEED_FIXTURES();
	snprintf(pe, sizeof(pe), "%s/signed64.exe", self->cache);
	snprintf(unsigned_pe, sizeof(unsigned_pe), "%s/unsigned64.exe", self->cache);
	ASSERT_EQ(0, write_policy(self, "vendor banned \"Banned Test Vendor\"\n"
				  "\tsigner subject \"O=Banned Test Vendor, C=RU\" id=by-subject\n"));
	ASSERT_EQ(0, run(self, true, argv)) TH_LOG("%s", self->errtext);
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);
	ASSERT_EQ(2u, json_object_array_length(self->json));
	f = nth(self->json, 0);
	s = nth(get(f, "signatures"), 0);
	EXPECT_STREQ("authenticode", str(s, "format"));
	EXPECT_STREQ(BANNED_DN, str(s, "subject"));
	EXPECT_STREQ(CA_DN, str(s, "issuer"));
	EXPECT_STREQ(BANNED_SERIAL, str(s, "serial"));
	EXPECT_NE(NULL, get(s, "skid"));
	EXPECT_STREQ("deny", str(f, "verdict"));
	r = get(f, "rule");
	EXPECT_STREQ("by-subject", str(r, "id"));
	EXPECT_STREQ("signer", str(r, "kind"));
	EXPECT_STREQ("subject", str(r, "how"));
	EXPECT_STREQ("signer subject \"O=Banned Test Vendor, C=RU\"", str(r, "value"));

	f = nth(self->json, 1);
	EXPECT_EQ(0u, json_object_array_length(get(f, "signatures")));
	EXPECT_STREQ("allow", str(f, "verdict"));
	EXPECT_EQ(NULL, get(f, "rule"));
	EXPECT_EQ(0u, json_object_array_length(get(f, "matches")));
}

TEST_F(identify, dpkg_package_name_denies_other_package_allowed)
{
	char *argv[] = { "identify", "--policy", self->policy, "--root", self->root,
			 "/opt/banned/bin/agent", "usr/bin/allowed-tool", NULL };
	char *text[] = { "identify", "--policy", self->policy, "--root", self->root,
			 "/opt/banned/bin/agent", NULL };
	struct json_object *f, *p;

	NEED_FIXTURES();
	ASSERT_EQ(0, write_policy(self, "vendor banned \"Banned Test Vendor\"\n"
				  "\tpackage name \"banned-*\"\n"));
	ASSERT_EQ(0, run(self, true, argv)) TH_LOG("%s", self->errtext);
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);
	f = nth(self->json, 0);
	EXPECT_STREQ("/opt/banned/bin/agent", str(f, "real_path"));
	p = get(f, "package");
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("dpkg", str(p, "manager"));
	EXPECT_STREQ("banned-agent", str(p, "name"));
	EXPECT_STREQ("1:2.4.1-3", str(p, "version"));
	EXPECT_STREQ(BANNED_MAINT, str(p, "maintainer"));
	EXPECT_STREQ("BannedVendor", str(p, "vendor"));
	EXPECT_STREQ("deny", str(f, "verdict"));
	EXPECT_STREQ("banned-package-1", str(get(f, "rule"), "id"));
	EXPECT_STREQ("package name", str(get(f, "rule"), "how"));
	EXPECT_EQ(NULL, get(get(f, "rule"), "signature"));

	f = nth(self->json, 1);
	EXPECT_STREQ("/usr/bin/allowed-tool", str(f, "real_path"));
	EXPECT_STREQ("allowed-tool", str(get(f, "package"), "name"));
	EXPECT_STREQ("allow", str(f, "verdict"));

	ASSERT_EQ(0, run(self, false, text));
	EXPECT_NE(NULL, strstr(self->text, "  package:     dpkg banned-agent 1:2.4.1-3\n"
					    "    maintainer:  " BANNED_MAINT "\n"
					    "    vendor:      BannedVendor\n")) TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->text, "  verdict:     deny by rule banned-package-1"));
}

TEST_F(identify, symlinks_resolve_inside_the_root)
{
	char *argv[] = { "identify", "--policy", self->policy, "--root", self->root,
			 "/usr/bin/agent-link", NULL };
	struct json_object *f;

	NEED_FIXTURES();
	/* An absolute link in an image points into the image, not at the host's /opt. */
	ASSERT_EQ(0, write_policy(self, "vendor banned \"Banned Test Vendor\"\n"
				  "\tpath /opt/banned/\n"));
	ASSERT_EQ(0, run(self, true, argv)) TH_LOG("%s", self->errtext);
	f = nth(self->json, 0);
	EXPECT_STREQ("/usr/bin/agent-link", str(f, "path"));
	EXPECT_STREQ("/opt/banned/bin/agent", str(f, "real_path"));
	EXPECT_STREQ("banned-agent", str(get(f, "package"), "name"));
	EXPECT_STREQ("deny", str(f, "verdict"));
	EXPECT_STREQ("path prefix", str(get(f, "rule"), "how"));
}

TEST_F(identify, module_name_rule_and_its_twin)
{
	char *argv[] = { "identify", "--policy", self->policy, "--root", self->root,
			 "/usr/lib/modules/6.1.0-test/banned.ko", NULL };
	char *prog[] = { "identify", "--policy", self->policy, FIX("prog"), NULL };
	struct json_object *f;

	NEED_FIXTURES();
	ASSERT_EQ(0, write_policy(self, "vendor banned \"Banned Test Vendor\"\n"
				  "\tmodule name vbtest id=by-module\n"));
	ASSERT_EQ(0, run(self, true, argv)) TH_LOG("%s", self->errtext);
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);
	f = nth(self->json, 0);
	EXPECT_STREQ("/usr/lib/modules/6.1.0-test/banned.ko", str(f, "real_path"));
	EXPECT_STREQ("deny", str(f, "verdict"));
	EXPECT_STREQ("by-module", str(get(f, "rule"), "id"));
	EXPECT_STREQ("module name", str(get(f, "rule"), "how"));
	EXPECT_STREQ("module", str(get(f, "rule"), "kind"));

	/* The text says how once: "module name", not "module module name". */
	ASSERT_EQ(0, run(self, false, argv)) TH_LOG("%s", self->errtext);
	EXPECT_NE(NULL, strstr(self->text, ":3, enforce), module name\n")) TH_LOG("%s", self->text);

	/* An executable has no .modinfo: allowed. */
	ASSERT_EQ(0, run(self, true, prog)) TH_LOG("%s", self->errtext);
	f = nth(self->json, 0);
	EXPECT_EQ(NULL, get(f, "module"));
	EXPECT_NE(NULL, get(f, "elf"));
	EXPECT_STREQ("allow", str(f, "verdict"));
}

TEST_F(identify, allowed_vendor_is_allowed)
{
	char body[1024];
	char *argv[] = { "identify", "--policy", self->policy, FIX("allowed.ko"), NULL };
	struct json_object *f;

	NEED_FIXTURES();
	snprintf(body, sizeof(body), "vendor banned \"Banned Test Vendor\"\n"
		 "\tcert %s/pki/banned.pem\n"
		 "\tsigner subject \"O=Banned Test Vendor\"\n", self->idir);
	ASSERT_EQ(0, write_policy(self, body));
	ASSERT_EQ(0, run(self, true, argv)) TH_LOG("%s", self->errtext);
	f = nth(self->json, 0);
	EXPECT_STREQ(ALLOWED_SERIAL, str(nth(get(f, "signatures"), 0), "serial"));
	EXPECT_STREQ("allow", str(f, "verdict"));
	EXPECT_EQ(NULL, get(f, "rule"));
	EXPECT_EQ(0u, json_object_array_length(get(f, "matches")));

	ASSERT_EQ(0, run(self, false, argv));
	EXPECT_NE(NULL, strstr(self->text, "  verdict:     allow (no rule of ")) TH_LOG("%s",
										  self->text);
}

TEST_F(identify, hash_and_path_rules_as_the_kernel_matches_them)
{
	char body[1024], hex[65];
	char *argv[] = { "identify", "--policy", self->policy, "--root", self->root,
			 "/opt/banned/bin/agent", "/usr/bin/allowed-tool", NULL };
	struct json_object *f, *m;
	uint8_t md[32];
	unsigned int n;

	NEED_FIXTURES();
	EVP_Digest("banned agent\n", 13, md, &n, EVP_sha256(), NULL);
	vb_hex(md, 32, hex);
	snprintf(body, sizeof(body),
		 "vendor banned \"Banned Test Vendor\"\n"
		 "\tmode audit\n"
		 "\tsha256 %s id=by-hash\n"
		 "\tpath /opt/banned/ id=by-prefix\n"
		 "vendor other \"Other\"\n"
		 "\tpath /usr/ id=usr\n"
		 "\tpath /usr/bin/allowed-tool audit id=exact\n", hex);
	ASSERT_EQ(0, write_policy(self, body));
	ASSERT_EQ(0, run(self, true, argv)) TH_LOG("%s", self->errtext);
	f = nth(self->json, 0);
	EXPECT_STREQ(hex, str(f, "sha256"));
	EXPECT_STREQ("audit", str(f, "verdict"));
	m = get(f, "matches");
	ASSERT_EQ(2u, json_object_array_length(m));
	EXPECT_STREQ("by-hash", str(nth(m, 0), "id"));
	EXPECT_STREQ("sha256", str(nth(m, 0), "how"));
	EXPECT_STREQ("by-prefix", str(nth(m, 1), "id"));
	EXPECT_STREQ("path prefix", str(nth(m, 1), "how"));
	EXPECT_STREQ("by-hash", str(get(f, "rule"), "id"));

	/* The exact path wins over the prefix above it, whatever their modes. */
	f = nth(self->json, 1);
	m = get(f, "matches");
	ASSERT_EQ(1u, json_object_array_length(m));
	EXPECT_STREQ("exact", str(nth(m, 0), "id"));
	EXPECT_STREQ("path", str(nth(m, 0), "how"));
	EXPECT_STREQ("audit", str(f, "verdict"));
}

TEST_F(identify, unreadable_file_is_named_and_exit_1)
{
	char missing[128];
	char *argv[] = { "identify", "--policy", self->policy, FIX("vbtest.ko"), missing,
			 self->tmp, NULL };
	struct json_object *f;

	NEED_FIXTURES();
	snprintf(missing, sizeof(missing), "%s/no-such-file", self->tmp);
	ASSERT_EQ(0, write_policy(self, "vendor v \"V\"\n\tpath /opt/v/\n"));
	ASSERT_EQ(1, run(self, false, argv));
	EXPECT_NE(NULL, strstr(self->errtext, missing)) TH_LOG("%s", self->errtext);
	EXPECT_NE(NULL, strstr(self->errtext, "No such file or directory"));
	EXPECT_NE(NULL, strstr(self->errtext, "not a regular file"));
	EXPECT_NE(NULL, strstr(self->text, "  verdict:     allow"));	/* the readable one */

	/* Still one JSON array: each unreadable file an object with its error. */
	ASSERT_EQ(1, run(self, true, argv));
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);
	ASSERT_EQ(3u, json_object_array_length(self->json));
	EXPECT_STREQ("allow", str(nth(self->json, 0), "verdict"));
	f = nth(self->json, 1);
	EXPECT_STREQ(missing, str(f, "path"));
	EXPECT_STREQ("No such file or directory", str(f, "error"));
	EXPECT_STREQ("not a regular file", str(nth(self->json, 2), "error"));
}

TEST_F(identify, no_policy_shows_evidence_verdict_unknown)
{
	char nopol[128];
	char *argv[] = { "identify", "--policy", nopol, FIX("banned.ko"), NULL };
	struct json_object *f;

	NEED_FIXTURES();
	snprintf(nopol, sizeof(nopol), "%s/none.policy", self->tmp);
	ASSERT_EQ(0, run(self, true, argv));
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);
	f = nth(self->json, 0);
	EXPECT_STREQ(BANNED_SERIAL, str(nth(get(f, "signatures"), 0), "serial"));
	EXPECT_TRUE(json_object_object_get_ex(f, "verdict", NULL));
	EXPECT_EQ(NULL, get(f, "verdict"));
	EXPECT_NE(NULL, strstr(str(f, "policy_error"), "No such file or directory"));
	EXPECT_NE(NULL, strstr(self->errtext, nopol));

	/* A refused policy is no policy either. */
	ASSERT_EQ(0, put_text(nopol, "version 1\nvendor v \"V\"\n\tpath relative\n"));
	ASSERT_EQ(0, run(self, false, argv));
	EXPECT_NE(NULL, strstr(self->text, "  verdict:     unknown (")) TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->text, "not absolute"));
}

TEST_F(identify, usage_errors_exit_2)
{
	char *none[] = { "identify", "--policy", self->policy, NULL };
	char *bad[] = { "identify", "--frobnicate", "x", NULL };
	char *badroot[] = { "identify", "--root", "/nonexistent-root", "/bin/sh", NULL };

	EXPECT_EQ(2, run(self, false, none));
	EXPECT_EQ(2, run(self, false, bad));
	EXPECT_EQ(2, run(self, true, badroot));
	EXPECT_NE(NULL, strstr(self->errtext, "/nonexistent-root"));
}

TEST_HARNESS_MAIN
