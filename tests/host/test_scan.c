// SPDX-License-Identifier: GPL-2.0
/* vendorban scan: which files a policy would deny, under a --root, as the user sees it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <unistd.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <linux/types.h>
#include "kselftest_harness.h"
#include "hostutil.h"
#include "cli/cli.h"
#include "policy/policy.h"
#include "scan/scan.h"

int do_scan(int argc, char **argv);

#define BANNED	"banned vendor binary\n"

static void sha_hex(const char *s, char out[65])
{
	unsigned char md[32];
	unsigned int n;

	EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* Files as programs are: with an exec bit, so the scan reads them whatever they hold
 * (test_scan_exec.c has the files without one). */
static int put(const char *dir, const char *rel, const char *text)
{
	char path[4096], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	if (fchmod(fileno(f), 0755)) {
		fclose(f);
		return -errno;
	}
	return fclose(f) ? -errno : 0;
}

FIXTURE(scan) {
	char dir[64];
	char policy[128];
	char out[128];
	char banned[65];
};

FIXTURE_SETUP(scan)
{
	char other[65], text[1024], path[256];

	strcpy(self->dir, "/tmp/vb-scan-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->policy, sizeof(self->policy), "%s/test.policy", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out.txt", self->dir);
	sha_hex(BANNED, self->banned);
	sha_hex("not on this system\n", other);
	snprintf(text, sizeof(text),
		 "version 7\n"				/* 1 */
		 "vendor otherco \"Other Co\"\n"	/* 2 */
		 "\tsha256 %s\n"			/* 3 */
		 "vendor acme \"Acme Corp\"\n"		/* 4 */
		 "\tpath /opt/acme/\n"			/* 5 */
		 "\tpath /usr/bin/acme-ctl id=acme-ctl\n" /* 6 */
		 "\tsha256 %s id=banned\n"		/* 7 */
		 "vendor auditco \"Audit Co\"\n"	/* 8 */
		 "\tmode audit\n"			/* 9 */
		 "\tpath /srv/audit/tool\n",		/* 10 */
		 other, self->banned);
	ASSERT_EQ(0, put(self->dir, "/test.policy", text));
	ASSERT_EQ(0, put(self->dir, "/root/srv/banned.bin", BANNED));
	ASSERT_EQ(0, put(self->dir, "/root/home/u/copy.bin", BANNED));
	ASSERT_EQ(0, put(self->dir, "/root/opt/acme/bin/agent", "agent\n"));
	ASSERT_EQ(0, put(self->dir, "/root/opt/acme/lib/banned.so", BANNED));
	ASSERT_EQ(0, put(self->dir, "/root/opt/acme-tools/run", "not acme's\n"));
	ASSERT_EQ(0, put(self->dir, "/root/usr/bin/acme-ctl", "ctl\n"));
	ASSERT_EQ(0, put(self->dir, "/root/usr/bin/acme-ctl2", "ctl2\n"));
	ASSERT_EQ(0, put(self->dir, "/root/srv/audit/tool", "tool\n"));
	ASSERT_EQ(0, put(self->dir, "/root/srv/unrelated.txt", "hello\n"));
	snprintf(path, sizeof(path), "%s/root/srv/link", self->dir);
	ASSERT_EQ(0, symlink("banned.bin", path));
	snprintf(path, sizeof(path), "%s/root/srv/fifo", self->dir);
	ASSERT_EQ(0, mkfifo(path, 0600));	/* not regular: never opened, never blocks */
}

FIXTURE_TEARDOWN(scan)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

/* Run do_scan in a child with stdout in out_file; its exit code, output in *text. */
static int run_scan(const char *out_file, bool json, char **argv, char **text)
{
	int status = cli_run(do_scan, json, argv, out_file, "/dev/null");

	*text = slurp(out_file) ?: strdup("");
	return status;
}

TEST_F(scan, library_finds_hash_path_prefix_exact_and_audit)
{
	struct vb_diag diag = {};
	struct vb_policy *p = NULL;
	struct vb_scan_result res;
	char root[128], *paths[] = { "/" };
	static const char *const want[] = {
		"/home/u/copy.bin", "/opt/acme/bin/agent", "/opt/acme/lib/banned.so",
		"/srv/audit/tool", "/srv/banned.bin", "/usr/bin/acme-ctl",
	};

	ASSERT_EQ(0, vb_policy_load(self->policy, &p, &diag));
	snprintf(root, sizeof(root), "%s/root/", self->dir);
	ASSERT_EQ(0, vb_scan(p, root, paths, 1, NULL, NULL, &res));
	EXPECT_EQ(9u, res.files_scanned);	/* symlink and FIFO are not files */
	EXPECT_EQ(0u, res.unreadable);
	ASSERT_EQ(6u, res.n_matches);
	for (size_t i = 0; i < 6; i++)
		EXPECT_STREQ(want[i], res.matches[i].path);
	/* copy.bin: by content only */
	EXPECT_NE(NULL, res.matches[0].hash_rule);
	EXPECT_EQ(NULL, res.matches[0].path_rule);
	/* agent: by prefix only */
	EXPECT_EQ(NULL, res.matches[1].hash_rule);
	EXPECT_STREQ("/opt/acme/", res.matches[1].path_rule->path);
	/* banned.so: both */
	EXPECT_STREQ("banned", res.matches[2].hash_rule->id);
	EXPECT_STREQ("/opt/acme/", res.matches[2].path_rule->path);
	/* tool: audit */
	EXPECT_FALSE(res.matches[3].deny);
	EXPECT_TRUE(res.matches[4].deny);
	EXPECT_STREQ("acme-ctl", res.matches[5].path_rule->id);
	/* vendors in policy order: otherco, acme, auditco */
	EXPECT_EQ(0u, res.vendors[0].files);
	EXPECT_EQ(5u, res.vendors[1].files);
	EXPECT_EQ(5u, res.vendors[1].deny);
	EXPECT_EQ(1u, res.vendors[2].audit);
	vb_scan_result_free(&res);

	/* A PATH that is not there: the error, and the rest still scanned. */
	char *two[] = { "/nonexistent", "/usr/bin" };

	EXPECT_EQ(-ENOENT, vb_scan(p, root, two, 2, NULL, NULL, &res));
	EXPECT_EQ(2u, res.files_scanned);
	EXPECT_EQ(1u, res.n_matches);
	vb_scan_result_free(&res);
	vb_policy_free(p);
	vb_diag_free(&diag);
}

TEST_F(scan, text_output_is_what_staff_read)
{
	char root[128], want[4096], *text = NULL;
	char *argv[] = { "scan", "--no-cache", "--policy", self->policy, "--root", root, "/", NULL };
	const char *f = self->policy, *h = self->banned;

	snprintf(root, sizeof(root), "%s/root", self->dir);
	ASSERT_EQ(1, run_scan(self->out, false, argv, &text));
	snprintf(want, sizeof(want),
		 "DENY acme  /home/u/copy.bin  sha256 %s rule banned (%s:7)\n"
		 "DENY acme  /opt/acme/bin/agent  path /opt/acme/ rule acme-path-1 (%s:5)\n"
		 "DENY acme  /opt/acme/lib/banned.so  sha256 %s rule banned (%s:7); "
		 "path /opt/acme/ rule acme-path-1 (%s:5)\n"
		 "AUDIT auditco  /srv/audit/tool  path /srv/audit/tool rule auditco-path-1 (%s:10)\n"
		 "DENY acme  /srv/banned.bin  sha256 %s rule banned (%s:7)\n"
		 "DENY acme  /usr/bin/acme-ctl  path /usr/bin/acme-ctl rule acme-ctl (%s:6)\n"
		 "acme \"Acme Corp\": 5 files (5 deny, 0 audit)\n"
		 "auditco \"Audit Co\": 1 file (0 deny, 1 audit)\n"
		 "otherco \"Other Co\": no files\n"
		 "scanned 9 files, 0 MB; 6 files match the policy\n",
		 h, f, f, h, f, f, f, h, f, f);
	EXPECT_STREQ(want, text);
	free(text);
}

TEST_F(scan, summary_only_and_exit_codes)
{
	char root[128], *text = NULL;
	char *sum[] = { "scan", "--no-cache", "--summary", "--policy", self->policy, "--root", root, "/srv",
			NULL };
	char *clean[] = { "scan", "--no-cache", "--policy", self->policy, "--root", root, "/usr/bin/acme-ctl2",
			  "/opt/acme-tools", NULL };
	char *noarg[] = { "scan", "--policy", self->policy, NULL };
	char *badopt[] = { "scan", "--frobnicate", "/", NULL };
	char *missing[] = { "scan", "--no-cache", "--policy", self->policy, "--root", root, "/nope", NULL };
	char *badpol[] = { "scan", "--policy", self->out, "/", NULL };

	snprintf(root, sizeof(root), "%s/root", self->dir);
	ASSERT_EQ(1, run_scan(self->out, false, sum, &text));
	EXPECT_STREQ("acme \"Acme Corp\": 1 file (1 deny, 0 audit)\n"
		     "auditco \"Audit Co\": 1 file (0 deny, 1 audit)\n"
		     "otherco \"Other Co\": no files\n"
		     "scanned 3 files, 0 MB; 2 files match the policy\n", text);
	free(text);

	ASSERT_EQ(0, run_scan(self->out, false, clean, &text)) TH_LOG("%s", text);
	EXPECT_STREQ("acme \"Acme Corp\": no files\n"
		     "auditco \"Audit Co\": no files\n"
		     "otherco \"Other Co\": no files\n"
		     "scanned 2 files, 0 MB; 0 files match the policy\n", text);
	free(text);

	EXPECT_EQ(2, run_scan(self->out, false, noarg, &text));
	free(text);
	EXPECT_EQ(2, run_scan(self->out, false, badopt, &text));
	free(text);
	EXPECT_EQ(2, run_scan(self->out, false, missing, &text));
	free(text);
	/* The policy is refused (out.txt is not a policy): nothing is scanned. */
	ASSERT_EQ(0, put(self->dir, "/bad.policy", "version 1\nvendor x \"X\"\n\tpath relative\n"));
	snprintf(self->out, sizeof(self->out), "%s/bad.policy", self->dir);
	badpol[2] = self->out;
	EXPECT_EQ(2, run_scan("/dev/null", false, badpol, &text));
	EXPECT_STREQ("", text);
	free(text);
}

TEST_F(scan, json_output)
{
	char root[128], src[256], *text = NULL;
	char *argv[] = { "scan", "--no-cache", "--policy", self->policy, "--root", root, "/opt", NULL };
	struct json_object *o, *m, *ev, *s;

	snprintf(root, sizeof(root), "%s/root", self->dir);
	ASSERT_EQ(1, run_scan(self->out, true, argv, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", text);
	EXPECT_EQ(3, json_object_get_int(json_object_object_get(o, "files_scanned")));
	EXPECT_EQ(strlen("agent\n") + strlen(BANNED) + strlen("not acme's\n"),
		  (size_t)json_object_get_int64(json_object_object_get(o, "bytes_hashed")));
	EXPECT_EQ(0, json_object_get_int(json_object_object_get(o, "unreadable")));
	m = json_object_object_get(o, "matches");
	ASSERT_EQ(2u, json_object_array_length(m));
	m = json_object_array_get_idx(m, 1);
	EXPECT_STREQ("/opt/acme/lib/banned.so",
		     json_object_get_string(json_object_object_get(m, "path")));
	EXPECT_STREQ(self->banned, json_object_get_string(json_object_object_get(m, "sha256")));
	EXPECT_STREQ("acme", json_object_get_string(json_object_object_get(m, "vendor")));
	EXPECT_STREQ("Acme Corp",
		     json_object_get_string(json_object_object_get(m, "vendor_name")));
	EXPECT_STREQ("enforce", json_object_get_string(json_object_object_get(m, "mode")));
	ev = json_object_object_get(m, "evidence");
	ASSERT_EQ(2u, json_object_array_length(ev));
	EXPECT_STREQ("sha256", json_object_get_string(
		json_object_object_get(json_object_array_get_idx(ev, 0), "match")));
	EXPECT_STREQ("banned", json_object_get_string(
		json_object_object_get(json_object_array_get_idx(ev, 0), "rule")));
	snprintf(src, sizeof(src), "%s:5", self->policy);
	EXPECT_STREQ("path", json_object_get_string(
		json_object_object_get(json_object_array_get_idx(ev, 1), "match")));
	EXPECT_STREQ(src, json_object_get_string(
		json_object_object_get(json_object_array_get_idx(ev, 1), "rule_source")));
	s = json_object_object_get(o, "summary");
	ASSERT_EQ(3u, json_object_array_length(s));
	s = json_object_array_get_idx(s, 0);
	EXPECT_STREQ("acme", json_object_get_string(json_object_object_get(s, "vendor")));
	EXPECT_EQ(2, json_object_get_int(json_object_object_get(s, "files")));
	EXPECT_EQ(2, json_object_get_int(json_object_object_get(s, "deny")));
	EXPECT_EQ(0, json_object_get_int(json_object_object_get(s, "audit")));
	json_object_put(o);
	free(text);
}

/*
 * Root reads any file: take away the capabilities that let it (this test's process only), so
 * that a file of mode 0 owned by root is refused as it is to a user.
 */
static int drop_dac_override(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Unreadable files are listed, and the scan says it is incomplete (exit 3); its twin, the same
 * tree all readable, exits 1 for its matches. */
TEST_F(scan, unreadable_files_are_listed)
{
	struct vb_diag diag = {};
	struct vb_policy *p = NULL;
	struct vb_scan_result res;
	struct json_object *o, *u;
	char root[128], path[256], *paths[] = { "/srv" }, *text = NULL;
	char *argv[] = { "scan", "--no-cache", "--policy", self->policy, "--root", root, "/srv",
			 NULL };

	snprintf(root, sizeof(root), "%s/root", self->dir);
	EXPECT_EQ(1, run_scan(self->out, false, argv, &text));
	EXPECT_EQ(NULL, strstr(text, "incomplete")) TH_LOG("%s", text);
	free(text);

	snprintf(path, sizeof(path), "%s/root/srv/banned.bin", self->dir);
	ASSERT_EQ(0, chmod(path, 0));
	ASSERT_EQ(0, drop_dac_override());
	ASSERT_EQ(0, vb_policy_load(self->policy, &p, &diag));
	ASSERT_EQ(0, vb_scan(p, root, paths, 1, NULL, NULL, &res));
	EXPECT_EQ(1u, res.unreadable);
	ASSERT_EQ(1u, res.n_unreadable_list);
	EXPECT_STREQ("/srv/banned.bin", res.unreadable_list[0].path);
	EXPECT_STREQ(strerror(EACCES), res.unreadable_list[0].why);
	EXPECT_FALSE(vb_scan_complete(&res));
	vb_scan_result_free(&res);

	/* Nothing else under /srv matches: no "no files" without saying what was not read. */
	EXPECT_EQ(3, run_scan(self->out, false, argv, &text));
	EXPECT_NE(NULL, strstr(text, "UNREADABLE  /srv/banned.bin: Permission denied\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "otherco \"Other Co\": no files among those read\n"));
	EXPECT_NE(NULL, strstr(text, "incomplete: 1 file could not be read, 0 could not be "
				     "parsed\n")) TH_LOG("%s", text);
	free(text);

	EXPECT_EQ(3, run_scan(self->out, true, argv, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", text);
	EXPECT_FALSE(json_object_get_boolean(json_object_object_get(o, "complete")));
	u = json_object_object_get(o, "unreadable_files");
	ASSERT_EQ(1u, json_object_array_length(u));
	u = json_object_array_get_idx(u, 0);
	EXPECT_STREQ("/srv/banned.bin", json_object_get_string(json_object_object_get(u, "path")));
	EXPECT_STREQ("Permission denied",
		     json_object_get_string(json_object_object_get(u, "error")));
	json_object_put(o);
	free(text);
	vb_policy_free(p);
	vb_diag_free(&diag);
}

TEST_HARNESS_MAIN
