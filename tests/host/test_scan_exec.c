// SPDX-License-Identifier: GPL-2.0
/*
 * A scan reads what can run or load: an exec bit, or ELF, PE, a #! script, a compressed module
 * (scan/canexec.h). Every file here is banned by its hash and has no exec bit but one, the
 * twin of the data file that is skipped; --all-files reads them all, and the scan cache never
 * answers a later scan differently from a read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include "kselftest_harness.h"
#include "hostutil.h"
#include "policy/policy.h"
#include "scan/scan.h"
#include "scan/cache.h"

int do_scan(int argc, char **argv);

/* Files without an exec bit that a scan reads, and the one it skips. */
static const char *const readable[] = {
	"lib/plugin.so",	/* ELF: ld.so /path or dlopen runs it without an exec bit */
	"win/setup.exe",	/* PE */
	"bin/tool.sh",		/* #! script */
	"mod/agent.ko.xz",	/* compressed modules: finit_module loads them as they are */
	"mod/agent.ko.zst",
	"mod/agent.ko.gz",
};
#define DATA		"share/data.bin"	/* no exec bit, no magic: skipped */
#define DATA_X		"share/data-x.bin"	/* its twin with an exec bit: read */
#define N_READABLE	(sizeof(readable) / sizeof(readable[0]))

FIXTURE(scan_exec) {
	char dir[64];
	char tree[96];
	char policy[128];
	char cache[128];
	char out[128];
	struct vb_policy *p;
	struct vb_diag diag;
	struct vb_scan_result res;
};

static int file_sha_hex(const char *path, char out[65])
{
	unsigned char buf[4096], md[32];
	unsigned int len;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f || !c) {
		if (f)
			fclose(f);
		EVP_MD_CTX_free(c);
		return -EIO;
	}
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(c, buf, n);
	EVP_DigestFinal_ex(c, md, &len);
	EVP_MD_CTX_free(c);
	fclose(f);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	return 0;
}

FIXTURE_SETUP(scan_exec)
{
	char text[4096], hex[65], path[256];
	size_t len;

	strcpy(self->dir, "/tmp/vb-scanexec-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->tree, sizeof(self->tree), "%s/tree", self->dir);
	snprintf(self->policy, sizeof(self->policy), "%s/test.policy", self->dir);
	snprintf(self->cache, sizeof(self->cache), "%s/scan.cache", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out.txt", self->dir);
	ASSERT_EQ(0, sh("set -e; cd %s; mkdir -p tree && cd tree; mkdir lib win bin mod share; "
			"printf '\\177ELF\\2\\1\\1 a library' > lib/plugin.so; "
			"printf 'MZ\\220\\0 a PE program' > win/setup.exe; "
			"printf '#!/bin/sh\\necho banned\\n' > bin/tool.sh; "
			"printf '\\177ELF module' > m; xz -c m > mod/agent.ko.xz; "
			"zstd -q -c m > mod/agent.ko.zst; gzip -n -c m > mod/agent.ko.gz; rm m; "
			"printf 'banned data\\n' > %s; printf 'banned data, runnable\\n' > %s; "
			"chmod 644 */*; chmod 755 %s", self->dir, DATA, DATA_X, DATA_X));
	len = snprintf(text, sizeof(text), "version 1\nvendor acme \"Acme Corp\"\n");
	for (size_t i = 0; i <= N_READABLE + 1; i++) {
		snprintf(path, sizeof(path), "%s/%s", self->tree,
			 i < N_READABLE ? readable[i] : i == N_READABLE ? DATA : DATA_X);
		ASSERT_EQ(0, file_sha_hex(path, hex)) TH_LOG("%s", path);
		len += snprintf(text + len, sizeof(text) - len, "\tsha256 %s\n", hex);
	}
	ASSERT_EQ(0, write_file(self->policy, text, len));
	ASSERT_EQ(0, vb_policy_load(self->policy, &self->p, &self->diag));
}

FIXTURE_TEARDOWN(scan_exec)
{
	vb_scan_result_free(&self->res);
	vb_policy_free(self->p);
	vb_diag_free(&self->diag);
	if (sh("rm -rf '%s'", self->dir))
		TH_LOG("cleanup of %s failed", self->dir);
}

static int scan(struct _test_data_scan_exec *self, bool all_files, bool cached)
{
	struct vb_scan_opts o = { .all_files = all_files, .cache = cached ? self->cache : NULL };
	char *paths[] = { self->tree };

	vb_scan_result_free(&self->res);
	return vb_scan_run(self->p, &o, paths, 1, &self->res);
}

static bool matched(const struct vb_scan_result *res, const char *tree, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	for (size_t i = 0; i < res->n_matches; i++)
		if (!strcmp(res->matches[i].path, path))
			return res->matches[i].hash_rule != NULL;
	return false;
}

static off_t size_of(const char *tree, const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	return stat(path, &st) ? -1 : st.st_size;
}

TEST_F(scan_exec, what_can_run_or_load_is_read_the_rest_counted)
{
	ASSERT_EQ(0, scan(self, false, false));
	for (size_t i = 0; i < N_READABLE; i++) {
		const char *f = readable[i];

		EXPECT_TRUE(matched(&self->res, self->tree, f)) TH_LOG("%s", f);
	}
	EXPECT_TRUE(matched(&self->res, self->tree, DATA_X));	/* the twin: an exec bit */
	EXPECT_FALSE(matched(&self->res, self->tree, DATA));
	EXPECT_EQ(N_READABLE + 1, self->res.n_matches);
	EXPECT_EQ((uint64_t)N_READABLE + 1, self->res.files_scanned);
	EXPECT_EQ(1u, self->res.cannot_exec);
	EXPECT_TRUE(vb_scan_complete(&self->res));
}

TEST_F(scan_exec, all_files_reads_what_cannot_execute_too)
{
	ASSERT_EQ(0, scan(self, true, false));
	EXPECT_TRUE(matched(&self->res, self->tree, DATA));
	EXPECT_EQ(N_READABLE + 2, self->res.n_matches);
	EXPECT_EQ((uint64_t)N_READABLE + 2, self->res.files_scanned);
	EXPECT_EQ(0u, self->res.cannot_exec);
}

/* What a cached scan says is what a read would: a skipped file is never a clean entry. */
TEST_F(scan_exec, cache_answers_as_a_read_would)
{
	char data[256];

	/* Files changed less than VB_SCAN_CACHE_RACY_NS before a scan are not cached. */
	usleep(VB_SCAN_CACHE_RACY_NS / 1000 + 100000);
	ASSERT_EQ(0, scan(self, false, true));
	EXPECT_EQ(1u, self->res.cannot_exec);
	EXPECT_EQ(0u, self->res.cache_hits);

	/* Known now, skipped unread as before, nothing else read either. */
	ASSERT_EQ(0, scan(self, false, true));
	EXPECT_EQ(1u, self->res.cannot_exec);
	EXPECT_FALSE(matched(&self->res, self->tree, DATA));
	EXPECT_EQ((uint64_t)N_READABLE + 1, self->res.cache_hits);
	EXPECT_EQ(0u, self->res.bytes_hashed);

	/* Every file: the skipped one is read (its entry said "not read"), and matched. */
	ASSERT_EQ(0, scan(self, true, true));
	EXPECT_TRUE(matched(&self->res, self->tree, DATA));
	EXPECT_EQ(0u, self->res.cannot_exec);
	EXPECT_EQ((uint64_t)N_READABLE + 1, self->res.cache_hits);
	EXPECT_EQ(size_of(self->tree, DATA), (off_t)self->res.bytes_hashed);

	/* Its digest is cached now; a default scan still skips it, as without a cache. */
	ASSERT_EQ(0, scan(self, false, true));
	EXPECT_FALSE(matched(&self->res, self->tree, DATA));
	EXPECT_EQ(1u, self->res.cannot_exec);
	EXPECT_EQ(0u, self->res.bytes_hashed);

	/* Given an exec bit (a new ctime): read and matched. */
	snprintf(data, sizeof(data), "%s/%s", self->tree, DATA);
	ASSERT_EQ(0, chmod(data, 0755));
	ASSERT_EQ(0, scan(self, false, true));
	EXPECT_TRUE(matched(&self->res, self->tree, DATA));
	EXPECT_EQ(0u, self->res.cannot_exec);
	EXPECT_EQ((uint64_t)N_READABLE + 2, self->res.files_scanned);
}

TEST_F(scan_exec, command_says_what_it_skipped)
{
	char *argv[] = { "scan", "--no-cache", "--policy", self->policy, self->tree, NULL };
	char *all[] = { "scan", "--no-cache", "--all-files", "--policy", self->policy, self->tree,
			NULL };
	struct json_object *o;
	char *text;

	ASSERT_EQ(1, cli_run(do_scan, false, argv, self->out, "/dev/null"));
	text = slurp(self->out);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "\n1 file skipped: cannot execute (no exec bit; not ELF, PE, "
			       "a #! script or compressed; --all-files reads them)\n"))
		TH_LOG("%s", text);
	free(text);

	ASSERT_EQ(1, cli_run(do_scan, true, argv, self->out, "/dev/null"));
	o = json_object_from_file(self->out);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(1, json_object_get_int(json_object_object_get(o, "skipped_cannot_execute")));
	EXPECT_FALSE(json_object_get_boolean(json_object_object_get(o, "all_files")));
	EXPECT_EQ((int)N_READABLE + 1, json_object_get_int(json_object_object_get(o,
										   "files_scanned")));
	json_object_put(o);

	ASSERT_EQ(1, cli_run(do_scan, true, all, self->out, "/dev/null"));
	o = json_object_from_file(self->out);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(0, json_object_get_int(json_object_object_get(o, "skipped_cannot_execute")));
	EXPECT_TRUE(json_object_get_boolean(json_object_object_get(o, "all_files")));
	EXPECT_EQ((int)N_READABLE + 2, json_object_get_int(json_object_object_get(o,
										   "files_scanned")));
	json_object_put(o);
}

TEST_HARNESS_MAIN
