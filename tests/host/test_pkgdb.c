// SPDX-License-Identifier: GPL-2.0
/*
 * Package ownership: the package, version, maintainer, vendor and signing key a user sees for
 * a file, from dpkg and rpm databases made at test time (tests/fixtures/mkpkgdb.sh: dpkg's
 * own file layout, checked against dpkg-query; rpm packages built with rpmbuild, signed with
 * rpmsign, recorded with rpm --justdb). Malformed databases give an error, print nothing and
 * never end the caller.
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

#include "kselftest_harness.h"
#include "hostutil.h"

#include "identify/evidence.h"
#include "identify/pkgdb.h"
#include "identify/pkgdb_stream.h"

#define MKPKGDB		"tests/fixtures/mkpkgdb.sh"
#define CACHE_FMT	"/tmp/vb-test-pkgdb-%d"
#define BANNED_MAINT	"Banned Test Vendor <packages@banned.example>"

static void __attribute__((destructor)) remove_cache(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf " CACHE_FMT, (int)getpid());
	if (system(cmd))
		fprintf(stderr, "test_pkgdb: %s failed\n", cmd);
}

/*
 * Make OUTDIR (once per run) with mkpkgdb.sh KINDS; NULL when ready, else why not, kept in
 * OUTDIR/fail-reason so the later tests give it without running the script again, and in static
 * storage of the forked test. make setup installs every tool the script runs: a fixture that
 * cannot be made fails the tests that use it.
 */
static const char *fixture(const char *cache, const char *name, const char *kinds)
{
	static char reason[512];
	char dir[256], path[300];
	FILE *f;
	int rc;

	if (access(MKPKGDB, R_OK))
		return "tests/fixtures/mkpkgdb.sh not found: run from the top of the tree";
	snprintf(dir, sizeof(dir), "%s/%s", cache, name);
	snprintf(path, sizeof(path), "%s/.done", dir);
	if (!access(path, F_OK))
		return NULL;
	snprintf(path, sizeof(path), "%s/fail-reason", dir);
	if (access(path, F_OK)) {
		mkdir(cache, 0700);
		rc = sh("bash " MKPKGDB " %s %s", dir, kinds);
		if (rc == 0) {
			snprintf(path, sizeof(path), "%s/.done", dir);
			return write_file(path, "", 0) ? "cannot mark the fixture done" : NULL;
		}
		if (access(path, F_OK)) {
			/* A tool failed under set -e before the script could say which. */
			snprintf(reason, sizeof(reason), "mkpkgdb.sh %s failed (%d); see %s/mkpkgdb.log",
				 kinds, rc, dir);
			write_file(path, reason, strlen(reason));
			return reason;
		}
	}
	f = fopen(path, "r");
	if (!f || !fgets(reason, sizeof(reason), f))
		snprintf(reason, sizeof(reason), "mkpkgdb.sh %s failed; see %s/mkpkgdb.log", kinds,
			 dir);
	if (f)
		fclose(f);
	reason[strcspn(reason, "\n")] = '\0';
	return reason;
}

/* vb_pkgdb_open with the caller's stdout and stderr captured: what it printed, if anything. */
static int open_quietly(const char *root, struct vb_pkgdb **db, char *printed, size_t size)
{
	int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO), ret;
	FILE *tmp = tmpfile();
	size_t n;

	fflush(NULL);
	dup2(fileno(tmp), STDOUT_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	ret = vb_pkgdb_open(root, db);
	fflush(NULL);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	close(out);
	close(err);
	rewind(tmp);
	n = fread(printed, 1, size - 1, tmp);
	printed[n] = '\0';
	fclose(tmp);
	return ret;
}

FIXTURE(pkgdb) {
	char cache[64];
	char tmp[64];
	char dpkg[128], plain[128], rpm[128], both[128];
	const char *unmade_dpkg, *unmade_plain, *unmade_rpm, *unmade_both;	/* why not */
	struct vb_pkgdb *db;
	struct vb_package pkg;
	char printed[4096];
};

FIXTURE_SETUP(pkgdb)
{
	snprintf(self->cache, sizeof(self->cache), CACHE_FMT, (int)getppid());
	strcpy(self->tmp, "/tmp/vb-pkgdb-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	self->unmade_dpkg = fixture(self->cache, "dpkg", "dpkg usrmerge");
	self->unmade_plain = fixture(self->cache, "plain", "dpkg");
	snprintf(self->dpkg, sizeof(self->dpkg), "%s/dpkg/root", self->cache);
	snprintf(self->plain, sizeof(self->plain), "%s/plain/root", self->cache);
	snprintf(self->rpm, sizeof(self->rpm), "%s/rpm/root", self->cache);
	snprintf(self->both, sizeof(self->both), "%s/both/root", self->cache);
}

FIXTURE_TEARDOWN(pkgdb)
{
	vb_pkgdb_close(self->db);
	if (sh("rm -rf '%s'", self->tmp))
		TH_LOG("cleanup of %s failed", self->tmp);
}

/* A fixture that could not be made fails the test, with the reason. */
#define NEED(what) \
	ASSERT_EQ(NULL, self->unmade_##what) TH_LOG("%s", self->unmade_##what)

/* rpm fixtures take a second to build: made only by the tests that use them. */
#define NEED_RPM(what, kinds) do { \
	self->unmade_##what = fixture(self->cache, #what, kinds); \
	NEED(what); \
} while (0)

/* A copy of a fixture root in the test's own directory, to break. */
static const char *copy_root(struct __test_metadata *_metadata, const char *tmp, const char *from)
{
	static char root[128];

	snprintf(root, sizeof(root), "%s/root", tmp);
	if (sh("cp -a '%s' '%s'", from, root))
		return NULL;
	return root;
}

static char *read_text(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

TEST_F(pkgdb, dpkg_owner_is_what_dpkg_shows)
{
	struct vb_package *p = &self->pkg;

	NEED(dpkg);
	ASSERT_EQ(0, open_quietly(self->dpkg, &self->db, self->printed, sizeof(self->printed)));
	EXPECT_STREQ("", self->printed);

	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/opt/banned/bin/agent", p));
	EXPECT_STREQ("dpkg", p->manager);
	EXPECT_STREQ("banned-agent", p->name);
	EXPECT_STREQ("1:2.4.1-3", p->version);
	EXPECT_STREQ(BANNED_MAINT, p->maintainer);
	EXPECT_STREQ("BannedVendor", p->vendor);
	EXPECT_STREQ("", p->key_id);	/* dpkg records no signing key per package */

	/* Multi-Arch: same, listed in info/libbanned2:amd64.list; named without the arch. */
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/lib/x86_64-linux-gnu/libbanned.so.2", p));
	EXPECT_STREQ("libbanned2", p->name);
	EXPECT_STREQ("2.4.1-3", p->version);

	/* No Origin: no vendor. */
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/allowed-tool", p));
	EXPECT_STREQ("allowed-tool", p->name);
	EXPECT_STREQ("0.9", p->version);
	EXPECT_STREQ("Allowed Maintainers <tools@allowed.example>", p->maintainer);
	EXPECT_STREQ("", p->vendor);

	/* Removed but not purged: its conffile is still its own. */
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/etc/old-agent.conf", p));
	EXPECT_STREQ("old-agent", p->name);

	/* Directories are listed too. */
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/opt/banned", p));
	EXPECT_STREQ("banned-agent", p->name);
}

TEST_F(pkgdb, unowned_paths_are_enoent)
{
	static const char *const unowned[] = {
		"/opt/banned/bin/agent2", "/opt/banned/bin/agen", "/opt/banned/bin/agent/",
		"/nonexistent", "", "opt/banned/bin/agent", "/etc/old-agent.conf.dpkg-old",
	};
	size_t n_files;

	NEED(dpkg);
	ASSERT_EQ(0, vb_pkgdb_open(self->dpkg, &self->db));
	for (size_t i = 0; i < sizeof(unowned) / sizeof(unowned[0]); i++) {
		EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, unowned[i], &self->pkg))
			TH_LOG("%s", unowned[i]);
	}
	/* never-installed (purge ok not-installed) is not a package on this system */
	EXPECT_EQ(4u, vb_pkgdb_count(self->db, &n_files));
	EXPECT_EQ(21u, n_files);
}

/* Every path, as dpkg -S answers it. */
TEST_F(pkgdb, dpkg_query_agrees)
{
	static const char *const paths[] = {
		"/opt/banned/bin/agent", "/usr/lib/x86_64-linux-gnu/libbanned.so.2",
		"/usr/bin/allowed-tool", "/etc/old-agent.conf", "/bin/banned-helper",
	};
	char cmd[512], line[512];
	FILE *f;

	NEED(plain);
	ASSERT_EQ(0, sh("command -v dpkg-query >/dev/null"))
		TH_LOG("dpkg-query not installed (Debian's dpkg package)");
	ASSERT_EQ(0, vb_pkgdb_open(self->plain, &self->db));
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(cmd, sizeof(cmd), "dpkg-query --admindir=%s/var/lib/dpkg -S %s",
			 self->plain, paths[i]);
		f = popen(cmd, "r");
		ASSERT_NE(NULL, f);
		ASSERT_NE(NULL, fgets(line, sizeof(line), f));
		pclose(f);
		line[strcspn(line, ":")] = '\0';	/* "pkg[:arch]: path" */
		ASSERT_EQ(0, vb_pkgdb_owner(self->db, paths[i], &self->pkg));
		EXPECT_STREQ(line, self->pkg.name) TH_LOG("%s", paths[i]);
	}
}

/* /usr/bin/x and /bin/x are one file on a merged /usr, whichever the package lists. */
TEST_F(pkgdb, merged_usr_aliases)
{
	NEED(dpkg);
	NEED(plain);
	ASSERT_EQ(0, vb_pkgdb_open(self->dpkg, &self->db));
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/banned-helper", &self->pkg));
	EXPECT_STREQ("banned-agent", self->pkg.name);
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/bin/banned-agent", &self->pkg));
	EXPECT_STREQ("banned-agent", self->pkg.name);
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/lib/x86_64-linux-gnu/libbanned.so.2",
				    &self->pkg));
	EXPECT_STREQ("libbanned2", self->pkg.name);
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/usr/bin/nothing", &self->pkg));
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/lib", &self->pkg));	/* the link itself */
	vb_pkgdb_close(self->db);

	/* Not merged: /usr/bin and /bin are different directories. */
	ASSERT_EQ(0, vb_pkgdb_open(self->plain, &self->db));
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/usr/bin/banned-helper", &self->pkg));
	EXPECT_EQ(0, vb_pkgdb_owner(self->db, "/bin/banned-helper", &self->pkg));
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/bin/banned-agent", &self->pkg));
}

struct collected {
	char names[8][64];
	size_t n_files[8];
	size_t n;
	int stop_after;
};

static int collect(const struct vb_package *pkg, const char *const *files, size_t n_files,
		   void *arg)
{
	struct collected *c = arg;

	if (c->n < 8) {
		snprintf(c->names[c->n], sizeof(c->names[0]), "%.63s", pkg->name);
		c->n_files[c->n] = n_files;
		/* The paths are the package's, in the order its list file has them. */
		if (!strcmp(pkg->name, "banned-agent") &&
		    (n_files != 10 || strcmp(files[0], "/.") ||
		     strcmp(files[4], "/opt/banned/bin/agent")))
			return -EINVAL;
	}
	c->n++;
	return c->stop_after && (int)c->n == c->stop_after ? 42 : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

TEST_F(pkgdb, each_package_matching_a_glob)
{
	struct collected c = {};

	NEED(dpkg);
	ASSERT_EQ(0, vb_pkgdb_open(self->dpkg, &self->db));
	ASSERT_EQ(0, vb_pkgdb_each(self->db, "*banned*", collect, &c));
	ASSERT_EQ(2u, c.n);
	qsort(c.names, 2, sizeof(c.names[0]), cmp_str);
	EXPECT_STREQ("banned-agent", c.names[0]);
	EXPECT_STREQ("libbanned2", c.names[1]);

	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, vb_pkgdb_each(self->db, NULL, collect, &c));
	EXPECT_EQ(4u, c.n);
	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, vb_pkgdb_each(self->db, "no-such-*", collect, &c));
	EXPECT_EQ(0u, c.n);

	/* The callback's non-zero return stops the walk and is handed back. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	EXPECT_EQ(42, vb_pkgdb_each(self->db, NULL, collect, &c));
	EXPECT_EQ(2u, c.n);
}

/* A broken dpkg database is an error for the caller: never an exit, never a message. */
TEST_F(pkgdb, malformed_dpkg_database_is_ebadmsg)
{
	static const struct {
		const char *file;
		const char *text;
	} bad[] = {
		{ "status", "Package: x\nStatus: install ok installed\nno colon on this line\n\n" },
		{ "status", "Status: install ok installed\nVersion: 1\n\n" },
		{ "status", "Package: x\nStatus: frobnicate ok installed\n\n" },
		{ "status", "Package: x\nStatus: install ok installed\n Description: continued\n" },
		{ "info/allowed-tool.list", "/usr\n\n/usr/bin/allowed-tool\n" },
		{ "info/allowed-tool.list", "/usr\n/usr/bin/allowed-tool" },
		{ "updates/0001", "Package: y\n" },	/* with updates/01: mixed name lengths */
	};
	char path[256];
	const char *root;

	NEED(plain);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, sh("rm -rf '%s/root'", self->tmp));
		root = copy_root(_metadata, self->tmp, self->plain);
		ASSERT_NE(NULL, root);
		snprintf(path, sizeof(path), "%s/var/lib/dpkg/%s", root, bad[i].file);
		ASSERT_EQ(0, write_file(path, bad[i].text, strlen(bad[i].text)));
		if (!strncmp(bad[i].file, "updates/", 8)) {
			snprintf(path, sizeof(path), "%s/var/lib/dpkg/updates/01", root);
			ASSERT_EQ(0, write_file(path, bad[i].text, strlen(bad[i].text)));
		}
		EXPECT_EQ(-EBADMSG, open_quietly(root, &self->db, self->printed,
						 sizeof(self->printed)))
			TH_LOG("case %zu: %s", i, bad[i].file);
		EXPECT_EQ(NULL, self->db);
		EXPECT_STREQ("", self->printed);
	}

	/* A status file that is a directory cannot be read either. */
	ASSERT_EQ(0, sh("rm -rf '%s/root'", self->tmp));
	root = copy_root(_metadata, self->tmp, self->plain);
	ASSERT_NE(NULL, root);
	ASSERT_EQ(0, sh("rm '%s/var/lib/dpkg/status' && mkdir '%s/var/lib/dpkg/status'", root,
			root));
	EXPECT_EQ(-EBADMSG, open_quietly(root, &self->db, self->printed, sizeof(self->printed)));
	EXPECT_STREQ("", self->printed);
}

/* dpkg itself only warns about a missing list file: the package is there, with no paths. */
TEST_F(pkgdb, missing_list_file_means_no_files)
{
	const char *root;
	char path[256];
	struct collected c = {};

	NEED(plain);
	root = copy_root(_metadata, self->tmp, self->plain);
	ASSERT_NE(NULL, root);
	snprintf(path, sizeof(path), "%s/var/lib/dpkg/info/allowed-tool.list", root);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, open_quietly(root, &self->db, self->printed, sizeof(self->printed)));
	EXPECT_STREQ("", self->printed);
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/usr/bin/allowed-tool", &self->pkg));
	ASSERT_EQ(0, vb_pkgdb_each(self->db, "allowed-tool", collect, &c));
	ASSERT_EQ(1u, c.n);
	EXPECT_EQ(0u, c.n_files[0]);
}

TEST_F(pkgdb, no_database_is_enoent)
{
	char path[256];

	EXPECT_EQ(-ENOENT, vb_pkgdb_open(self->tmp, &self->db));
	EXPECT_EQ(NULL, self->db);
	snprintf(path, sizeof(path), "%s/missing", self->tmp);
	EXPECT_EQ(-ENOENT, vb_pkgdb_open(path, &self->db));
	/* An empty rpm directory (Debian's rpm package leaves one) is not a database. */
	snprintf(path, sizeof(path), "%s/var/lib/rpm", self->tmp);
	ASSERT_EQ(0, sh("mkdir -p '%s'", path));
	EXPECT_EQ(-ENOENT, vb_pkgdb_open(self->tmp, &self->db));
}

/* The running system, as `vendorban scan /` sees it. */
TEST_F(pkgdb, running_system)
{
	struct collected c = {};
	char maint[VB_FIELD_MAX];
	size_t n_files;
	FILE *f;

	if (access("/var/lib/dpkg/status", R_OK) || access("/usr/bin/dpkg", F_OK))
		SKIP(return, "not a dpkg system");
	ASSERT_EQ(0, open_quietly(NULL, &self->db, self->printed, sizeof(self->printed)));
	EXPECT_STREQ("", self->printed);
	EXPECT_LT(10u, vb_pkgdb_count(self->db, &n_files));
	EXPECT_LT(1000u, n_files);
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/dpkg", &self->pkg));
	EXPECT_STREQ("dpkg", self->pkg.manager);
	EXPECT_STREQ("dpkg", self->pkg.name);
	f = popen("dpkg-query -W -f='${Maintainer}' dpkg", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(maint, sizeof(maint), f));
	pclose(f);
	EXPECT_STREQ(maint, self->pkg.maintainer);
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/usr/bin/not-a-packaged-file", &self->pkg));
	ASSERT_EQ(0, vb_pkgdb_each(self->db, "dpkg", collect, &c));
	EXPECT_EQ(1u, c.n);
	vb_pkgdb_close(self->db);
	ASSERT_EQ(0, vb_pkgdb_open("/", &self->db));
	EXPECT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/dpkg", &self->pkg));
}

TEST_F(pkgdb, rpm_owner_vendor_packager_key)
{
	struct vb_package *p = &self->pkg;
	char path[256];

	NEED_RPM(rpm, "rpm");
	ASSERT_EQ(0, open_quietly(self->rpm, &self->db, self->printed, sizeof(self->printed)));
	EXPECT_STREQ("", self->printed);
	snprintf(path, sizeof(path), "%s/rpm/rpm-keyid", self->cache);

	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/opt/banned-rpm/bin/agent", p));
	EXPECT_STREQ("rpm", p->manager);
	EXPECT_STREQ("banned-rpm", p->name);
	EXPECT_STREQ("3.1-7", p->version);
	EXPECT_STREQ("Banned Packager <rpm@banned.example>", p->maintainer);
	EXPECT_STREQ("Banned Test Vendor", p->vendor);
	EXPECT_EQ(16u, strlen(read_text(path)));
	EXPECT_STREQ(read_text(path), p->key_id);

	/* Epoch shown as rpm -q --qf '%{EVR}' does; unsigned: no key; no Packager: empty. */
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/opt/allowed-rpm/tool", p));
	EXPECT_STREQ("allowed-rpm", p->name);
	EXPECT_STREQ("2:1.0-1", p->version);
	EXPECT_STREQ("Allowed Test Vendor", p->vendor);
	EXPECT_STREQ("", p->maintainer);
	EXPECT_STREQ("", p->key_id);

	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/opt/banned-rpm", p));
	EXPECT_STREQ("banned-rpm", p->name);
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/opt/allowed-rpm", p));	/* not listed */
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/opt/banned/bin/agent", p));
	EXPECT_EQ(2u, vb_pkgdb_count(self->db, NULL));
}

/* rpm -qf answers the same. */
TEST_F(pkgdb, rpm_query_agrees)
{
	char cmd[512], line[256];
	FILE *f;

	NEED_RPM(rpm, "rpm");
	ASSERT_EQ(0, vb_pkgdb_open(self->rpm, &self->db));
	snprintf(cmd, sizeof(cmd), "rpm --root %s --dbpath /var/lib/rpm -qf --qf '%%{NAME}' "
		 "/usr/bin/banned-rpm-ctl 2>/dev/null", self->rpm);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	pclose(f);
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/banned-rpm-ctl", &self->pkg));
	EXPECT_STREQ(line, self->pkg.name);
}

/* Both managers under one root, and the merged /usr applies to rpm's paths too. */
TEST_F(pkgdb, dpkg_and_rpm_together)
{
	NEED_RPM(both, "dpkg rpm usrmerge");
	ASSERT_EQ(0, vb_pkgdb_open(self->both, &self->db));
	EXPECT_EQ(6u, vb_pkgdb_count(self->db, NULL));
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/opt/banned/bin/agent", &self->pkg));
	EXPECT_STREQ("dpkg", self->pkg.manager);
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/bin/banned-rpm-ctl", &self->pkg));
	EXPECT_STREQ("rpm", self->pkg.manager);
	EXPECT_STREQ("banned-rpm", self->pkg.name);
}

TEST_F(pkgdb, corrupt_rpm_database_is_an_error)
{
	const char *root;
	char path[256];
	uint8_t junk[4096];

	NEED_RPM(rpm, "rpm");
	root = copy_root(_metadata, self->tmp, self->rpm);
	ASSERT_NE(NULL, root);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = i * 131 + 7;
	snprintf(path, sizeof(path), "%s/var/lib/rpm/rpmdb.sqlite", root);
	ASSERT_EQ(0, write_file(path, (const char *)junk, sizeof(junk)));
	EXPECT_EQ(-EBADMSG, open_quietly(root, &self->db, self->printed, sizeof(self->printed)));
	EXPECT_EQ(NULL, self->db);
	EXPECT_STREQ("", self->printed);
}

/* The record stream from the reader child, parsed by hand: each way it can be wrong. */
#define REC_PKG		"P" "dpkg\0" "foo\0" "1.0\0" "Me <me@x>\0" "Acme\0" "\0"
#define REC_FILE	"F" "/usr/bin/foo\0"
#define REC_END		"E" "0\0"

static int from_stream(const char *s, size_t len, struct vb_pkgdb **db)
{
	return vb_pkgdb_from_stream((const uint8_t *)s, len, db);
}

static size_t rec(char *buf, size_t off, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(buf + off, s, n);
	return off + n;
}

/* A stream of one package called name, with one file. */
static int package_named(const char *name, struct vb_pkgdb **db)
{
	char buf[2 * VB_FIELD_MAX];
	size_t off = 0;
	int ret;

	buf[off++] = 'P';
	off = rec(buf, off, "rpm");
	off = rec(buf, off, name);
	off = rec(buf, off, "1-1");
	off = rec(buf, off, "");
	off = rec(buf, off, "");
	off = rec(buf, off, "");
	buf[off++] = 'F';
	off = rec(buf, off, "/x");
	buf[off++] = 'E';
	off = rec(buf, off, "0");
	ret = from_stream(buf, off, db);
	vb_pkgdb_close(*db);
	*db = NULL;
	return ret;
}

TEST_F(pkgdb, stream_records)
{
	static const char good[] = REC_PKG REC_FILE "F/usr/share/foo\0" REC_END;
	static const char ok_err[] = REC_PKG "E5\0";
	static const char file_first[] = REC_FILE REC_PKG REC_END;
	static const char after_end[] = REC_PKG REC_END REC_FILE;
	static const char bad_type[] = REC_PKG "X/usr\0" REC_END;
	static const char empty_path[] = REC_PKG "F\0" REC_END;
	static const char no_name[] = "Pdpkg\0\0" "1\0\0\0\0" REC_END;
	static const char bad_errno[] = REC_PKG "E-1\0";
	static const char big_errno[] = REC_PKG "E99999\0";
	const struct { const char *s; size_t len; } bad[] = {
		{ file_first, sizeof(file_first) - 1 }, { after_end, sizeof(after_end) - 1 },
		{ bad_type, sizeof(bad_type) - 1 }, { empty_path, sizeof(empty_path) - 1 },
		{ no_name, sizeof(no_name) - 1 }, { bad_errno, sizeof(bad_errno) - 1 },
		{ big_errno, sizeof(big_errno) - 1 }, { "", 0 },
	};
	char *long_field;

	ASSERT_EQ(0, from_stream(good, sizeof(good) - 1, &self->db));
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/share/foo", &self->pkg));
	EXPECT_STREQ("foo", self->pkg.name);
	EXPECT_STREQ("Acme", self->pkg.vendor);
	EXPECT_STREQ("Me <me@x>", self->pkg.maintainer);
	vb_pkgdb_close(self->db);
	self->db = NULL;

	/* The reader's own error comes through as it was. */
	EXPECT_EQ(-EIO, from_stream(ok_err, sizeof(ok_err) - 1, &self->db));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EBADMSG, from_stream(bad[i].s, bad[i].len, &self->db)) TH_LOG("%zu", i);
		EXPECT_EQ(NULL, self->db);
	}
	/* Every prefix of a good stream lacks its end record. */
	for (size_t len = 0; len < sizeof(good) - 1; len++) {
		char *copy = malloc(len ? len : 1);

		ASSERT_NE(NULL, copy);
		memcpy(copy, good, len);
		EXPECT_EQ(-EBADMSG, from_stream(copy, len, &self->db)) TH_LOG("prefix %zu", len);
		free(copy);
	}
	/* A field longer than the evidence model keeps: the writer cuts it, so it is corrupt. */
	long_field = malloc(VB_FIELD_MAX + 1);
	ASSERT_NE(NULL, long_field);
	memset(long_field, 'a', VB_FIELD_MAX);
	long_field[VB_FIELD_MAX] = '\0';
	EXPECT_EQ(-EBADMSG, package_named(long_field, &self->db));
	long_field[VB_FIELD_MAX - 1] = '\0';		/* 255 bytes and the NUL: fits */
	EXPECT_EQ(0, package_named(long_field, &self->db));
	free(long_field);
}

/* The writer cuts long fields at a character boundary, never inside a UTF-8 sequence. */
TEST_F(pkgdb, field_cut_at_utf8_boundary)
{
	char src[VB_FIELD_MAX + 8], dst[VB_FIELD_MAX];

	memset(src, 'a', sizeof(src));
	src[sizeof(src) - 1] = '\0';
	memcpy(src + VB_FIELD_MAX - 2, "\xc3\xa9", 2);	/* é across the last byte kept */
	vb_pkgdb_field(dst, sizeof(dst), src);
	EXPECT_EQ((size_t)VB_FIELD_MAX - 2, strlen(dst));
	vb_pkgdb_field(dst, sizeof(dst), "Jörg");
	EXPECT_STREQ("Jörg", dst);
	vb_pkgdb_field(dst, sizeof(dst), NULL);
	EXPECT_STREQ("", dst);
}

TEST_HARNESS_MAIN
