// SPDX-License-Identifier: GPL-2.0
/*
 * The scan cache: a rescan of an unchanged tree opens no file and finds the same matches; a
 * changed file is read again; a cache that cannot be trusted is ignored whole, with a warning,
 * and rebuilt. Trees hold real evidence: modules signed by sign-file
 * (tests/fixtures/mkidentify.sh), so the identity readers run.
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

#include "kselftest_harness.h"
#include "hostutil.h"
#include "identify_fixture.h"

#include "cli/cli.h"
#include "util/msg.h"
#include "policy/policy.h"
#include "scan/scan.h"
#include "scan/cache.h"

int do_scan(int argc, char **argv);

#define PLAIN		"plain text, no evidence\n"
#define BANNED_TEXT	"banned by content\n"

/* Files as programs are: with an exec bit, so the scan reads them whatever they hold
 * (test_scan_exec.c has the files without one). */
static int put(const char *path, const char *text)
{
	int err = write_file(path, text, strlen(text));

	return err ?: chmod(path, 0755) ? -errno : 0;
}

static int put_in(const char *dir, const char *rel, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return put(path, text);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

struct warnings {
	int n;
	char first[1024];
};

static void on_warning(int prio, const char *msg, void *arg)
{
	struct warnings *w = arg;

	if (!w->n++)
		snprintf(w->first, sizeof(w->first), "%s", msg);
}

FIXTURE(cache) {
	char idir[256];
	char dir[64];
	char tree[128];
	char policy[128];
	char cache[128];
	uint64_t tree_bytes;		/* every file's size */
	uint64_t signed_bytes;		/* the files that carry signatures */
	size_t n_files;
	const char *unmade;	/* why the fixtures could not be made */
	struct vb_policy *p;
	struct vb_diag diag;
	struct vb_scan_result res;
	struct warnings warn;
};

static uint64_t size_of(const char *dir, const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return stat(path, &st) ? 0 : st.st_size;
}

static int write_policy(struct _test_data_cache *self, const char *extra)
{
	char text[4096], hex[65];
	unsigned char md[32];
	unsigned int n;

	EVP_Digest(BANNED_TEXT, strlen(BANNED_TEXT), md, &n, EVP_sha256(), NULL);
	vb_hex(md, 32, hex);
	snprintf(text, sizeof(text),
		 "version 1\n"
		 "vendor banned \"Banned Test Vendor\"\n"
		 "\tcert %s/pki/banned.pem id=by-cert\n"
		 "\tmodule name nothing_by_this_name\n"
		 "\tsha256 %s id=by-hash\n"
		 "%s", self->idir, hex, extra);
	vb_policy_free(self->p);
	vb_diag_free(&self->diag);
	self->p = NULL;
	if (put(self->policy, text))
		return -EIO;
	return vb_policy_load(self->policy, &self->p, &self->diag);
}

FIXTURE_SETUP(cache)
{
	static const char *const sig[] = { "mod/banned.ko", "mod/allowed.ko" };
	static const char *const all[] = { "mod/banned.ko", "mod/allowed.ko", "bin/prog",
					   "a.txt", "sub/deeper/b.txt", "sub/banned.txt" };

	strcpy(self->dir, "/tmp/vb-scancache-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->tree, sizeof(self->tree), "%s/tree", self->dir);
	snprintf(self->policy, sizeof(self->policy), "%s/test.policy", self->dir);
	snprintf(self->cache, sizeof(self->cache), "%s/scan.cache", self->dir);
	if (access(FIXTURE_SCRIPT, R_OK)) {
		self->unmade = FIXTURE_SCRIPT " not found: run from the top of the tree";
		return;
	}
	if (identify_fixtures(self->idir, sizeof(self->idir))) {
		self->unmade = "mkidentify.sh failed (make setup installs sign-file, evmctl, zstd)";
		return;
	}
	ASSERT_EQ(0, sh("mkdir -p %s/mod %s/bin %s/sub/deeper && cp %s/banned.ko %s/allowed.ko "
			"%s/mod/ && cp %s/prog %s/bin/", self->tree, self->tree, self->tree,
			self->idir, self->idir, self->tree, self->idir, self->tree));
	ASSERT_EQ(0, put_in(self->tree, "a.txt", PLAIN));
	ASSERT_EQ(0, put_in(self->tree, "sub/deeper/b.txt", PLAIN));
	ASSERT_EQ(0, put_in(self->tree, "sub/banned.txt", BANNED_TEXT));
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		self->tree_bytes += size_of(self->tree, all[i]);
	for (size_t i = 0; i < sizeof(sig) / sizeof(sig[0]); i++)
		self->signed_bytes += size_of(self->tree, sig[i]);
	self->n_files = sizeof(all) / sizeof(all[0]);
	ASSERT_EQ(0, write_policy(self, ""));
	/* Files changed less than VB_SCAN_CACHE_RACY_NS before a scan are not cached. */
	usleep(VB_SCAN_CACHE_RACY_NS / 1000 + 100000);
	vb_msg_sink(on_warning, &self->warn);
}

FIXTURE_TEARDOWN(cache)
{
	vb_msg_sink(NULL, NULL);
	vb_scan_result_free(&self->res);
	vb_policy_free(self->p);
	vb_diag_free(&self->diag);
	if (sh("rm -rf '%s'", self->dir))
		TH_LOG("cleanup of %s failed", self->dir);
}

/* The harness runs the body even after setup returned early: fail here, with the reason. */
#define NEED_FIXTURES() \
	ASSERT_EQ(NULL, self->unmade) TH_LOG("%s", self->unmade)

/* Scan the tree with the cache into self->res. */
static int scan(struct _test_data_cache *self)
{
	char *paths[] = { self->tree };

	vb_scan_result_free(&self->res);
	return vb_scan_cached(self->p, NULL, paths, 1, self->cache, NULL, NULL, &self->res);
}

/* The matches of a scan, as one comparable string. */
static char *matches_text(const struct vb_scan_result *res)
{
	char *out = NULL, *prev;

	for (size_t i = 0; i < res->n_matches; i++) {
		const struct vb_scan_match *m = &res->matches[i];

		prev = out;
		if (asprintf(&out, "%s%s %02x%02x %s %s %s %s %d\n", prev ? prev : "", m->path,
			     m->sha256[0], m->sha256[31], m->hash_rule ? m->hash_rule->id : "-",
			     m->path_rule ? m->path_rule->id : "-", m->id_rule ? m->id_rule->id : "-",
			     m->evidence ? m->evidence : "-", m->deny) < 0)
			out = NULL;
		free(prev);
	}
	return out ? out : strdup("");
}

TEST_F(cache, rescan_of_unchanged_tree_reads_nothing)
{
	char *first, *second;

	NEED_FIXTURES();
	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(self->n_files, self->res.files_scanned);
	EXPECT_EQ(0u, self->res.cache_hits);
	EXPECT_EQ(self->tree_bytes, self->res.bytes_hashed);
	EXPECT_EQ(self->tree_bytes, self->res.bytes_total);
	ASSERT_EQ(2u, self->res.n_matches);
	EXPECT_STREQ("by-cert", self->res.matches[0].id_rule->id);	/* mod/banned.ko */
	EXPECT_STREQ("by-hash", self->res.matches[1].hash_rule->id);	/* sub/banned.txt */
	EXPECT_EQ(0, self->warn.n) TH_LOG("%s", self->warn.first);
	first = matches_text(&self->res);

	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(self->n_files, self->res.files_scanned);
	EXPECT_EQ(self->n_files, self->res.cache_hits);
	EXPECT_EQ(0u, self->res.bytes_hashed);		/* no file was read */
	EXPECT_EQ(self->tree_bytes, self->res.bytes_total);
	second = matches_text(&self->res);
	EXPECT_STREQ(first, second);
	EXPECT_NE(NULL, strstr(second, "module signature, issuer+serial"));
	EXPECT_EQ(0, self->warn.n) TH_LOG("%s", self->warn.first);
	free(first);
	free(second);
}

TEST_F(cache, changed_file_is_read_again)
{
	char path[256];
	struct timespec ts[2];
	struct stat st;

	NEED_FIXTURES();
	ASSERT_EQ(0, scan(self));
	ASSERT_EQ(2u, self->res.n_matches);

	/* New content (same length) and a new mtime: read again, and no longer banned. */
	snprintf(path, sizeof(path), "%s/sub/banned.txt", self->tree);
	ASSERT_EQ(0, put(path, "BANNED BY CONTENT\n"));
	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(self->n_files - 1, self->res.cache_hits);
	EXPECT_EQ(strlen(BANNED_TEXT), self->res.bytes_hashed);
	ASSERT_EQ(1u, self->res.n_matches);
	EXPECT_STREQ("by-cert", self->res.matches[0].id_rule->id);

	/* Content changed back and mtime put back as it was: the ctime still tells. */
	ASSERT_EQ(0, stat(path, &st));
	ASSERT_EQ(0, put(path, BANNED_TEXT));
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	ASSERT_EQ(0, utimensat(AT_FDCWD, path, ts, 0));
	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(strlen(BANNED_TEXT), self->res.bytes_hashed);
	EXPECT_EQ(2u, self->res.n_matches);

	/* A signed module replaced by an unsigned one of another size. banned.txt is read
	 * again too: it changed within VB_SCAN_CACHE_RACY_NS of the last scan, so that scan
	 * could not tell whether a later write in the same timestamp tick would show. */
	ASSERT_EQ(0, sh("cp %s/vbtest.ko %s/mod/banned.ko", self->idir, self->tree));
	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(size_of(self->tree, "mod/banned.ko") + strlen(BANNED_TEXT),
		  self->res.bytes_hashed);
	ASSERT_EQ(1u, self->res.n_matches);
	EXPECT_STREQ("by-hash", self->res.matches[0].hash_rule->id);
}

TEST_F(cache, policy_change_rereads_only_what_it_can_change)
{
	NEED_FIXTURES();
	ASSERT_EQ(0, scan(self));

	/* Another hash rule: content rules unchanged, nothing read. */
	ASSERT_EQ(0, write_policy(self, "\tsha256 " "00000000000000000000000000000000"
				  "00000000000000000000000000000001\n"));
	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(0u, self->res.bytes_hashed);
	EXPECT_EQ(2u, self->res.n_matches);

	/* Another signer rule: only the files with signatures are read again. */
	ASSERT_EQ(0, write_policy(self, "\tsigner issuer \"" CA_DN "\" serial " ALLOWED_SERIAL
				  " audit\n"));
	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(self->signed_bytes, self->res.bytes_hashed);
	ASSERT_EQ(3u, self->res.n_matches);
	EXPECT_TRUE(ends_with(self->res.matches[0].path, "/mod/allowed.ko"));
	EXPECT_FALSE(self->res.matches[0].deny);

	/* And once more: now known under those rules, matches included. */
	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(0u, self->res.bytes_hashed);
	EXPECT_EQ(3u, self->res.n_matches);
	EXPECT_NE(NULL, self->res.matches[0].evidence);
	EXPECT_NE(NULL, strstr(self->res.matches[0].evidence, "issuer+serial"));
}

TEST_F(cache, corrupt_cache_is_ignored_with_a_warning_and_rebuilt)
{
	static const char *const damage[] = {
		/* A record's byte, inverted: writing a fixed byte failed to damage it whenever
		 * that byte (of a digest or a timestamp) happened to be it already, 1 in 256. */
		"f=%1$s; b=$(od -An -tu1 -j200 -N1 $f); printf \"\\\\$(printf %%03o $((b ^ 255)))\" | "
		"dd of=$f bs=1 seek=200 conv=notrunc status=none",
		"truncate -s -1 %s",						/* the blob */
		"truncate -s 40 %s",						/* the header */
		"printf 'not a cache' > %s",
	};
	char cmd[512];

	NEED_FIXTURES();
	ASSERT_EQ(0, scan(self));
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		snprintf(cmd, sizeof(cmd), damage[i], self->cache);
		ASSERT_EQ(0, sh("%s", cmd));
		self->warn.n = 0;
		ASSERT_EQ(0, scan(self));
		EXPECT_EQ(1, self->warn.n) TH_LOG("%s: %d warnings", damage[i], self->warn.n);
		EXPECT_NE(NULL, strstr(self->warn.first, "ignored")) TH_LOG("%s", self->warn.first);
		EXPECT_NE(NULL, strstr(self->warn.first, self->cache));
		EXPECT_EQ(0u, self->res.cache_hits);
		EXPECT_EQ(self->tree_bytes, self->res.bytes_hashed);
		EXPECT_EQ(2u, self->res.n_matches);
		/* Rebuilt: the next scan trusts it again. */
		self->warn.n = 0;
		ASSERT_EQ(0, scan(self));
		EXPECT_EQ(0, self->warn.n) TH_LOG("%s", self->warn.first);
		EXPECT_EQ(0u, self->res.bytes_hashed);
		EXPECT_EQ(2u, self->res.n_matches);
	}
}

TEST_F(cache, cache_others_can_write_is_not_trusted)
{
	NEED_FIXTURES();
	ASSERT_EQ(0, scan(self));
	ASSERT_EQ(0, chmod(self->cache, 0666));
	ASSERT_EQ(0, scan(self));
	EXPECT_EQ(1, self->warn.n);
	EXPECT_NE(NULL, strstr(self->warn.first, "mode 0666")) TH_LOG("%s", self->warn.first);
	EXPECT_EQ(self->tree_bytes, self->res.bytes_hashed);
}

TEST_F(cache, package_owners_are_looked_up_on_every_scan)
{
	char root[128], *paths[] = { "/opt", "/usr" };
	int rc;

	NEED_FIXTURES();
	rc = sh("bash tests/fixtures/mkpkgdb.sh %s/pkg dpkg", self->dir);
	ASSERT_EQ(0, rc) TH_LOG("mkpkgdb.sh dpkg failed: see %s/pkg/fail-reason and mkpkgdb.log",
				self->dir);
	snprintf(root, sizeof(root), "%s/pkg/root", self->dir);
	ASSERT_EQ(0, sh("cd %s && mkdir -p opt/banned/bin usr/bin && "
			"printf 'agent\n' > opt/banned/bin/agent && "
			"printf 'tool\n' > usr/bin/allowed-tool && cp %s/banned.ko usr/bin/ && "
			"chmod +x opt/banned/bin/agent usr/bin/allowed-tool",
			root, self->idir));
	usleep(VB_SCAN_CACHE_RACY_NS / 1000 + 100000);
	ASSERT_EQ(0, write_policy(self, "\tpackage name \"banned-*\" id=by-package\n"));
	ASSERT_EQ(0, vb_scan_cached(self->p, root, paths, 2, self->cache, NULL, NULL,
				    &self->res));
	EXPECT_EQ(3u, self->res.files_scanned);
	ASSERT_EQ(2u, self->res.n_matches);
	EXPECT_STREQ("/opt/banned/bin/agent", self->res.matches[0].path);
	EXPECT_STREQ("by-package", self->res.matches[0].id_rule->id);
	EXPECT_STREQ("by-cert", self->res.matches[1].id_rule->id);
	vb_scan_result_free(&self->res);

	ASSERT_EQ(0, vb_scan_cached(self->p, root, paths, 2, self->cache, NULL, NULL,
				    &self->res));
	EXPECT_EQ(3u, self->res.cache_hits);
	EXPECT_EQ(0u, self->res.bytes_hashed);
	ASSERT_EQ(2u, self->res.n_matches);
	EXPECT_STREQ("by-package", self->res.matches[0].id_rule->id);
	EXPECT_STREQ("package name banned-*", self->res.matches[0].evidence);
	EXPECT_STREQ("by-cert", self->res.matches[1].id_rule->id);
}

/* do_scan in a child with stdout in a file: its exit code and output. */
static int run_scan(struct _test_data_cache *self, bool json, char **argv, char **text)
{
	char out[256];
	int status;

	snprintf(out, sizeof(out), "%s/out", self->dir);
	status = cli_run(do_scan, json, argv, out, NULL);
	*text = slurp(out) ?: strdup("");
	return status;
}

TEST_F(cache, scan_command_options_summary_and_json)
{
	char *nocache[] = { "scan", "--policy", self->policy, "--no-cache", self->tree, NULL };
	char *cached[] = { "scan", "--policy", self->policy, "--cache", self->cache, self->tree,
			   NULL };
	struct json_object *o, *m, *ev;
	char want[256], *text = NULL;

	NEED_FIXTURES();
	ASSERT_EQ(1, run_scan(self, false, nocache, &text));
	EXPECT_NE(0, access(self->cache, F_OK));	/* --no-cache writes none */
	EXPECT_NE(NULL, strstr(text, "/mod/banned.ko  cert rule by-cert (")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "module signature, issuer+serial: issuer " CA_DN
				     ", serial " BANNED_SERIAL "\n"));
	free(text);

	ASSERT_EQ(1, run_scan(self, false, cached, &text));
	EXPECT_EQ(0, access(self->cache, F_OK));
	snprintf(want, sizeof(want), "scanned %zu files, 0 MB; 2 files match the policy\n",
		 self->n_files);
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("%s", text);
	free(text);
	ASSERT_EQ(1, run_scan(self, false, cached, &text));
	snprintf(want, sizeof(want),
		 "scanned %zu files (%zu from cache), 0 MB read; 2 files match the policy\n",
		 self->n_files, self->n_files);
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("%s", text);
	free(text);

	ASSERT_EQ(1, run_scan(self, true, cached, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o) TH_LOG("not JSON: %s", text);
	EXPECT_EQ(self->n_files, (size_t)json_object_get_int64(json_object_object_get(o,
										"cache_hits")));
	EXPECT_EQ(0, json_object_get_int64(json_object_object_get(o, "bytes_hashed")));
	EXPECT_EQ(self->tree_bytes, (uint64_t)json_object_get_int64(
		json_object_object_get(o, "bytes_total")));
	EXPECT_STREQ(self->cache, json_object_get_string(json_object_object_get(o, "cache")));
	m = json_object_array_get_idx(json_object_object_get(o, "matches"), 0);
	EXPECT_STREQ("deny", json_object_get_string(json_object_object_get(m, "verdict")));
	EXPECT_STREQ("by-cert", json_object_get_string(json_object_object_get(m, "rule")));
	EXPECT_STREQ("banned", json_object_get_string(json_object_object_get(m, "vendor")));
	ev = json_object_array_get_idx(json_object_object_get(m, "evidence"), 0);
	EXPECT_STREQ("cert", json_object_get_string(json_object_object_get(ev, "match")));
	EXPECT_NE(NULL, strstr(json_object_get_string(json_object_object_get(ev, "how")),
			       "issuer+serial"));
	json_object_put(o);
	free(text);
}

/* Everything a scan reports, as one comparable string. */
static char *result_text(const struct vb_scan_result *res)
{
	char *m = matches_text(res), *out = NULL, *prev;

	if (asprintf(&out, "%sfiles %llu unread %llu bytes %llu/%llu malformed %llu unreadable %llu\n",
		     m ? m : "", (unsigned long long)res->files_scanned,
		     (unsigned long long)res->cannot_exec, (unsigned long long)res->bytes_hashed,
		     (unsigned long long)res->bytes_total, (unsigned long long)res->malformed,
		     (unsigned long long)res->unreadable) < 0)
		out = NULL;
	free(m);
	for (size_t i = 0; out && i < res->n_malformed_list; i++) {
		prev = out;
		if (asprintf(&out, "%sMALFORMED %s: %s\n", prev, res->malformed_list[i].path,
			     res->malformed_list[i].why) < 0)
			out = NULL;
		free(prev);
	}
	return out;
}

static int scan_jobs(struct _test_data_cache *self, unsigned int jobs, bool cached)
{
	struct vb_scan_opts o = { .jobs = jobs, .cache = cached ? self->cache : NULL };
	char *paths[] = { self->tree };

	vb_scan_result_free(&self->res);
	return vb_scan_run(self->p, &o, paths, 1, &self->res);
}

/* Files read on one thread or four: the same report, to the byte, with and without the cache.
 * 3000 files: more than two batches of reads (SCAN_BATCH), so merges cross batches too. */
TEST_F(cache, jobs_do_not_change_what_a_scan_finds)
{
	char *one, *four;

	NEED_FIXTURES();
	ASSERT_EQ(0, sh("set -e; cd %s; mkdir many; for i in $(seq 1 3000); do "
			"case $((i %% 300)) in "
			"0) cp mod/banned.ko many/m$i.ko ;; "
			"1) printf '%s' > many/b$i; chmod 755 many/b$i ;; "
			"2) printf '\\375' > many/c$i.ko.xz; printf '7zXZ\\0cut' >> many/c$i.ko.xz ;; "
			"3) printf 'run %%s' $i > many/x$i; chmod 755 many/x$i ;; "
			"*) printf 'data %%s' $i > many/d$i ;; esac; done",
			self->tree, BANNED_TEXT));
	usleep(VB_SCAN_CACHE_RACY_NS / 1000 + 100000);

	ASSERT_EQ(0, scan_jobs(self, 1, false));
	EXPECT_EQ(2u + 20, self->res.n_matches);	/* the tree's 2, 10 modules, 10 copies */
	EXPECT_EQ(10u, self->res.malformed);
	EXPECT_EQ(2960u, self->res.cannot_exec);
	one = result_text(&self->res);
	ASSERT_EQ(0, scan_jobs(self, 4, false));
	four = result_text(&self->res);
	ASSERT_NE(NULL, one);
	ASSERT_NE(NULL, four);
	EXPECT_STREQ(one, four);
	free(four);

	/* Filled by four threads, read back by one; then four from the cache again. */
	ASSERT_EQ(0, scan_jobs(self, 4, true));
	four = result_text(&self->res);
	EXPECT_STREQ(one, four);
	free(four);
	ASSERT_EQ(0, scan_jobs(self, 1, true));
	EXPECT_EQ(self->res.files_scanned, self->res.cache_hits);
	EXPECT_EQ(0u, self->res.bytes_hashed);
	ASSERT_EQ(0, scan_jobs(self, 4, true));
	EXPECT_EQ(self->res.files_scanned, self->res.cache_hits);
	EXPECT_EQ(22u, self->res.n_matches);
	EXPECT_EQ(10u, self->res.malformed);
	free(one);
}

TEST_HARNESS_MAIN
