// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping a banned vendor's package out at install time: real .deb files built at test time
 * (tests/fixtures/mkdeb.sh, dpkg-deb), judged by `vendorban install-check` on their own, as
 * apt's Pre-Install-Pkgs hook (a v3 transcript, and apt-get itself against a scratch root), and
 * as dpkg's pre-invoke hook (dpkg -i into a scratch root). A refused package's maintainer
 * scripts must not run (each leaves a marker when it does), and its allowed twin must install.
 * Each refusal is a record handed to the daemon through the spool and lands in the chain.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "hostutil.h"
#include "identify_fixture.h"

#include "log/denylog.h"
#include "log/spool.h"

int do_install_check(int argc, char **argv);
int do_log(int argc, char **argv);

#define MKDEB		"tests/fixtures/mkdeb.sh"
#define MKRPM		"tests/fixtures/mkrpm.sh"
#define DIST_RPM	"dist/rpm/macros.vendorban"
#define DIST_APT	"dist/apt/99vendorban"
#define DIST_DPKG	"dist/dpkg/vendorban"
#define INSTALLED_CLI	"/usr/local/sbin/vendorban"

/* Made once per run by the main process, before the tests fork. */
static char debs[256], ident[400], cli[512], plugin_dir[512], fixture_error[512];
static pid_t owner;

static void __attribute__((constructor)) make_debs(void)
{
	char exe[400], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	owner = getpid();
	if (n < 0)
		return;
	exe[n] = '\0';
	/* $(BUILD)/tests/host/test_install -> $(BUILD)/vendorban, the CLI the hooks run. */
	for (int i = 0; i < 3 && (slash = strrchr(exe, '/')); i++)
		*slash = '\0';
	snprintf(cli, sizeof(cli), "%s/vendorban", exe);
	snprintf(plugin_dir, sizeof(plugin_dir), "%s/rpm-plugins", exe);
	snprintf(debs, sizeof(debs), "/tmp/vb-test-install-%d", (int)owner);
	if (identify_fixtures(ident, sizeof(ident)))
		snprintf(fixture_error, sizeof(fixture_error), "mkidentify.sh failed");
	else if (sh("bash " MKDEB " %s %s >%s.log 2>&1", debs, ident, debs))
		snprintf(fixture_error, sizeof(fixture_error), "mkdeb.sh failed: see %s.log", debs);
	else if (sh("bash " MKRPM " %s/rpms %s/src/payload >>%s.log 2>&1", debs, debs, debs))
		snprintf(fixture_error, sizeof(fixture_error), "mkrpm.sh failed: see %s.log", debs);
}

static void __attribute__((destructor)) remove_debs(void)
{
	if (getpid() == owner && debs[0])
		sh("rm -rf %s %s.log", debs, debs);
}

FIXTURE(install) {
	char dir[64];
	char policy[128], spool[128], root[128], out[128], err[128];
};

FIXTURE_SETUP(install)
{
	char sha[65] = "", *s, text[4096];

	ASSERT_EQ(0, fixture_error[0]) TH_LOG("%s", fixture_error);
	ASSERT_EQ(0, access(cli, X_OK)) TH_LOG("%s not built (make all)", cli);
	strcpy(self->dir, "/tmp/vb-install-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->policy, sizeof(self->policy), "%s/vendorban.policy", self->dir);
	snprintf(self->spool, sizeof(self->spool), "%s/spool", self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out", self->dir);
	snprintf(self->err, sizeof(self->err), "%s/err", self->dir);
	snprintf(text, sizeof(text), "%s/payload.sha256", debs);
	s = slurp(text);
	ASSERT_NE(NULL, s);
	memcpy(sha, s, 64);
	free(s);
	snprintf(text, sizeof(text),
		 "version 7\n"
		 "vendor acme \"Acme Corp\"\n"
		 "\tpackage maintainer \"*@acme.example>\"\n"
		 "\tpath /opt/acme/\n"
		 "\tsha256 %s\n"
		 "vendor banned \"Banned Test Vendor\"\n"
		 "\tcert %s/pki/banned.pem\n"
		 "vendor trial \"Trial Vendor\"\n"
		 "\tmode audit\n"
		 "\tpackage name \"audit-*\"\n", sha, ident);
	ASSERT_EQ(0, write_file(self->policy, text, strlen(text)));
	/* A scratch root dpkg can install into: its database and nothing else. */
	ASSERT_EQ(0, sh("mkdir -p %s/var/lib/dpkg/info %s/var/lib/dpkg/updates "
			"%s/var/cache/apt/archives/partial %s/var/lib/apt/lists/partial "
			"%s/etc/apt/apt.conf.d %s/var/log/apt && touch %s/var/lib/dpkg/status",
			self->root, self->root, self->root, self->root, self->root, self->root,
			self->root));
}

FIXTURE_TEARDOWN(install)
{
	sh("rm -rf %s", self->dir);
}

/* install-check in-process (under the sanitizers), its exit status; output in out/err. */
static int check(FIXTURE_DATA(install) *self, bool json, const char *opt, const char *deb)
{
	char path[PATH_MAX];
	char *argv[] = { "install-check", "--policy", self->policy, "--spool", self->spool,
			 (char *)opt, path, NULL };

	snprintf(path, sizeof(path), "%s/%s", debs, deb);
	if (!opt) {
		argv[5] = path;
		argv[6] = NULL;
	}
	return cli_run(do_install_check, json, argv, self->out, self->err);
}

static bool has(const char *file, const char *needle)
{
	char *s = slurp(file);
	bool found = s && strstr(s, needle);

	free(s);
	return found;
}

static int spooled(FIXTURE_DATA(install) *self)
{
	return sh("exit $(ls %s 2>/dev/null | grep -c '\\.json$')", self->spool);
}

static bool exists_in_root(FIXTURE_DATA(install) *self, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", self->root, name);
	return !access(path, F_OK);
}

static bool dpkg_has(FIXTURE_DATA(install) *self, const char *pkg)
{
	return !sh("dpkg-query --admindir=%s/var/lib/dpkg -W -f='${Status}' %s 2>/dev/null | "
		   "grep -q 'install ok installed'", self->root, pkg);
}

TEST_F(install, banned_maintainer_refused_other_vendor_allowed)
{
	EXPECT_EQ(1, check(self, false, NULL, "acme-agent_1.0_all.deb"));
	EXPECT_TRUE(has(self->err, "refused: package acme-agent 1.0 ("));
	EXPECT_TRUE(has(self->err, "vendor acme \"Acme Corp\", rule acme-package-1 ("));
	EXPECT_TRUE(has(self->err, "matched by package maintainer in its control fields"));
	EXPECT_EQ(1, spooled(self));

	EXPECT_EQ(0, check(self, false, NULL, "other-tool_1.0_all.deb"));
	EXPECT_TRUE(has(self->out, "allowed: package other-tool 1.0"));
	EXPECT_EQ(1, spooled(self));
}

TEST_F(install, payload_judged_by_hash_path_and_module_signer)
{
	EXPECT_EQ(1, check(self, false, NULL, "hashed-lib_1.0_all.deb"));
	EXPECT_TRUE(has(self->err, "rule acme-sha256-1 ("));
	EXPECT_TRUE(has(self->err, "matched by sha256 of /usr/lib/hashed/libhashed.so"));
	for (int i = 0; i < 3; i++) {
		static const char *const comp[] = { "gzip", "zstd", "none" };
		char deb[64];

		snprintf(deb, sizeof(deb), "hashed-%s_1.0_all.deb", comp[i]);
		EXPECT_EQ(1, check(self, false, NULL, deb)) TH_LOG("%s", deb);
		EXPECT_TRUE(has(self->err, "matched by sha256 of /usr/lib/hashed/libhashed.so"));
	}
	EXPECT_EQ(1, check(self, false, NULL, "opt-acme_1.0_all.deb"));
	EXPECT_TRUE(has(self->err, "matched by path prefix of /opt/acme/bin/run"));
	/* A signed, xz-compressed module inside the package, read as identify reads it. */
	EXPECT_EQ(1, check(self, false, NULL, "driver-banned_1.0_all.deb"));
	EXPECT_TRUE(has(self->err, "vendor banned \"Banned Test Vendor\", rule banned-cert-1"));
	EXPECT_TRUE(has(self->err, "of /lib/modules/6.1.0-vbtest/extra/vbtest.ko.xz"));
	/* The twin: the same module signed by another vendor's key. */
	EXPECT_EQ(0, check(self, false, NULL, "driver-allowed_1.0_all.deb"));
	EXPECT_TRUE(has(self->out, "allowed: package driver-allowed 1.0"));
}

TEST_F(install, json_names_the_record_it_makes)
{
	struct json_object *a, *o, *rec, *v;
	char *s;

	EXPECT_EQ(1, check(self, true, NULL, "hashed-lib_1.0_all.deb"));
	s = slurp(self->out);
	ASSERT_NE(NULL, s);
	a = json_tokener_parse(s);
	free(s);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(1, (int)json_object_array_length(a));
	o = json_object_array_get_idx(a, 0);
	ASSERT_TRUE(json_object_object_get_ex(o, "verdict", &v));
	EXPECT_STREQ("deny", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "record", &rec));
	ASSERT_TRUE(json_object_object_get_ex(rec, "file", &v));
	EXPECT_STREQ("/usr/lib/hashed/libhashed.so", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(rec, "sha256", &v));
	EXPECT_EQ(64, (int)strlen(json_object_get_string(v)));
	json_object_put(a);
}

TEST_F(install, audit_rule_and_audit_option_record_and_let_through)
{
	EXPECT_EQ(0, check(self, false, NULL, "audit-tool_1.0_all.deb"));
	EXPECT_TRUE(has(self->err, "would refuse (audit): package audit-tool 1.0"));
	EXPECT_TRUE(has(self->err, "rule trial-package-1"));
	EXPECT_EQ(1, spooled(self));
	EXPECT_EQ(0, check(self, false, "--audit", "acme-agent_1.0_all.deb"));
	EXPECT_TRUE(has(self->err, "would refuse (audit): package acme-agent 1.0"));
	EXPECT_EQ(2, spooled(self));
	EXPECT_EQ(0, sh("grep -l '\"action\":\"would-deny\",\"mode\":\"audit\"' %s/*.json | "
			"wc -l | grep -qx 2", self->spool));
}

TEST_F(install, damaged_archives_refused_whole_one_allowed)
{
	EXPECT_EQ(1, check(self, false, NULL, "truncated.deb"));
	EXPECT_TRUE(has(self->err, "truncated.deb: cannot be judged: "));
	EXPECT_EQ(1, check(self, false, NULL, "extra-member.deb"));
	EXPECT_TRUE(has(self->err, "unexpected member 'data.tar.gz' after data.tar"));
	EXPECT_EQ(0, spooled(self));
	EXPECT_EQ(0, check(self, false, NULL, "other-tool_1.0_all.deb"));
}

TEST_F(install, no_policy_refuses_everything)
{
	char *argv[] = { "install-check", "--policy", "/nonexistent/vb.policy", "--no-log",
			 NULL, NULL };
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/other-tool_1.0_all.deb", debs);
	argv[4] = path;
	EXPECT_EQ(1, cli_run(do_install_check, false, argv, self->out, self->err));
	EXPECT_TRUE(has(self->err, "refused: no package can be judged without the policy "
			"/nonexistent/vb.policy"));
	argv[2] = self->policy;
	EXPECT_EQ(0, cli_run(do_install_check, false, argv, self->out, self->err));
}

static int append_spooled(struct json_object *o, void *arg)
{
	return vb_denylog_append(arg, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE));
}

TEST_F(install, refusal_reaches_the_chained_log_through_the_spool)
{
	struct vb_denylog_opts lo = { .keep = 3, .head = "" };
	struct vb_denylog log = {};
	char path[PATH_MAX], forged[PATH_MAX], *s, *last;
	struct json_object *o, *v;
	char *argv[] = { "log", "verify", "--no-head", path, NULL };

	EXPECT_EQ(1, check(self, false, NULL, "driver-banned_1.0_all.deb"));
	ASSERT_EQ(1, spooled(self));
	/* Not an install record: removed, never written into the chain. */
	snprintf(forged, sizeof(forged), "%s/00000000000000000000-0000000001-0000.json",
		 self->spool);
	ASSERT_EQ(0, write_file(forged, "{\"action\":\"disable\"}", 20));
	chmod(forged, 0600);

	snprintf(path, sizeof(path), "%s/denials.jsonl", self->dir);
	ASSERT_EQ(0, vb_denylog_open(&log, path, &lo));
	EXPECT_EQ(1, vb_spool_drain(self->spool, append_spooled, &log));
	vb_denylog_close(&log);
	EXPECT_EQ(0, spooled(self));
	EXPECT_EQ(-1, access(forged, F_OK));

	EXPECT_EQ(0, cli_run(do_log, false, argv, self->out, self->err));
	EXPECT_TRUE(has(self->out, "chain intact: 2 records"));
	s = slurp(path);
	ASSERT_NE(NULL, s);
	s[strlen(s) - 1] = '\0';
	last = strrchr(s, '\n') + 1;
	o = json_tokener_parse(last);
	free(s);
	ASSERT_NE(NULL, o);
#define FIELD(k, want) do { \
		ASSERT_TRUE(json_object_object_get_ex(o, k, &v)) TH_LOG("no %s", k); \
		EXPECT_STREQ(want, json_object_get_string(v)); \
	} while (0)
	FIELD("action", "deny");
	FIELD("operation", "install");
	FIELD("manager", "dpkg");
	FIELD("package", "driver-banned");
	FIELD("version", "1.0");
	FIELD("vendor", "banned");
	FIELD("vendor_name", "Banned Test Vendor");
	FIELD("rule", "banned-cert-1");
	FIELD("match", "issuer+serial");
	FIELD("file", "/lib/modules/6.1.0-vbtest/extra/vbtest.ko.xz");
	FIELD("via", "cli");
#undef FIELD
	json_object_put(o);
}

/* apt's v3 protocol as apt 2.6 writes it (recorded from apt-get install ./x.deb). */
static int apt_transcript(FIXTURE_DATA(install) *self, const char *debs_line)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/transcript", self->dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "VERSION 3\nAPT::Architecture=amd64\nDPkg::Pre-Install-Pkgs::=%s "
		"install-check --apt-hook\n\n%s", cli, debs_line);
	fclose(f);
	return sh("%s install-check --apt-hook --policy %s --spool %s < %s > %s 2> %s", cli,
		  self->policy, self->spool, path, self->out, self->err);
}

TEST_F(install, apt_hook_protocol_v3)
{
	char lines[4096];

	snprintf(lines, sizeof(lines),
		 "other-tool - - none < 1.0 all none %s/other-tool_1.0_all.deb\n"
		 "acme-agent - - none < 1.0 all none %s/acme-agent_1.0_all.deb\n"
		 "other-tool - - none < 1.0 all none **CONFIGURE**\n"
		 "acme-agent - - none < 1.0 all none **CONFIGURE**\n", debs, debs);
	EXPECT_EQ(1, apt_transcript(self, lines));
	EXPECT_TRUE(has(self->err, "refused: package acme-agent 1.0"));
	EXPECT_TRUE(has(self->err, "1 of 2 packages refused: the whole apt run stops here"));
	EXPECT_EQ(1, spooled(self));

	snprintf(lines, sizeof(lines),
		 "other-tool - - none < 1.0 all none %s/other-tool_1.0_all.deb\n"
		 "old-thing 2.0 amd64 none > - - none **REMOVE**\n"
		 "other-tool - - none < 1.0 all none **CONFIGURE**\n", debs);
	EXPECT_EQ(0, apt_transcript(self, lines));
	/* A line that is not the protocol is refused, not guessed at. */
	EXPECT_EQ(1, apt_transcript(self, "other-tool 1.0\n"));
	EXPECT_TRUE(has(self->err, "cannot tell which packages apt installs: line 5: not a "
			"version 3 package line"));
}

static void need_root(struct __test_metadata *_metadata)
{
	if (geteuid())
		SKIP(return, "dpkg installs into a scratch root only as root (run make check-host "
		     "as root)");
}

static int dpkg_install(FIXTURE_DATA(install) *self, const char *extra, const char *pkgs)
{
	return sh("cd %s && dpkg --root=%s --force-script-chrootless %s -i %s > %s 2> %s", debs,
		  self->root, extra, pkgs, self->out, self->err);
}

TEST_F(install, dpkg_i_refused_before_any_maintainer_script)
{
	char hook[4096];

	need_root(_metadata);
	snprintf(hook, sizeof(hook), "--pre-invoke='%s install-check --dpkg-hook --policy %s "
		 "--spool %s'", cli, self->policy, self->spool);
	/* The allowed package in the same run is not installed either: dpkg stops whole. */
	EXPECT_NE(0, dpkg_install(self, hook, "other-tool_1.0_all.deb acme-agent_1.0_all.deb"));
	EXPECT_TRUE(has(self->err, "refused: package acme-agent 1.0 (" ));
	EXPECT_TRUE(has(self->err, "rule acme-package-1"));
	EXPECT_FALSE(exists_in_root(self, "vbtest-acme-agent.preinst"));
	EXPECT_FALSE(exists_in_root(self, "vbtest-acme-agent.postinst"));
	EXPECT_FALSE(exists_in_root(self, "usr/bin/acme-agent"));
	EXPECT_FALSE(dpkg_has(self, "acme-agent"));
	EXPECT_FALSE(exists_in_root(self, "vbtest-other-tool.preinst"));
	EXPECT_EQ(1, spooled(self));

	EXPECT_EQ(0, dpkg_install(self, hook, "other-tool_1.0_all.deb"));
	EXPECT_TRUE(exists_in_root(self, "vbtest-other-tool.postinst"));
	EXPECT_TRUE(exists_in_root(self, "usr/bin/other-tool"));
	EXPECT_TRUE(dpkg_has(self, "other-tool"));
}

TEST_F(install, dpkg_hook_refuses_an_archive_a_user_could_swap)
{
	char hook[4096];

	need_root(_metadata);
	snprintf(hook, sizeof(hook), "--pre-invoke='%s install-check --dpkg-hook --policy %s "
		 "--spool %s'", cli, self->policy, self->spool);
	/* A user's directory: judged clean, the user renames a banned package over it. */
	ASSERT_EQ(0, sh("mkdir %s/user && cp %s/other-tool_1.0_all.deb %s/user/ && "
			"chown -R nobody %s/user", self->dir, debs, self->dir, self->dir));
	EXPECT_NE(0, sh("dpkg --root=%s --force-script-chrootless %s -i %s/user/"
			"other-tool_1.0_all.deb > %s 2> %s", self->root, hook, self->dir,
			self->out, self->err));
	EXPECT_TRUE(has(self->err, "/user belongs to uid 65534: it could be replaced after "
			"this check"));
	EXPECT_FALSE(dpkg_has(self, "other-tool"));
	/* A link from root's directory into the user's is the user's too. */
	ASSERT_EQ(0, sh("mkdir %s/rootdir && ln -s ../user/other-tool_1.0_all.deb "
			"%s/rootdir/other.deb", self->dir, self->dir));
	EXPECT_NE(0, sh("dpkg --root=%s --force-script-chrootless %s -i %s/rootdir/other.deb "
			"> %s 2> %s", self->root, hook, self->dir, self->out, self->err));
	EXPECT_TRUE(has(self->err, "/user belongs to uid 65534"));
	/* The twin: the same package in a directory only root can write. */
	ASSERT_EQ(0, sh("cp %s/other-tool_1.0_all.deb %s/rootdir/", debs, self->dir));
	EXPECT_EQ(0, sh("dpkg --root=%s --force-script-chrootless %s -i %s/rootdir/"
			"other-tool_1.0_all.deb > %s 2> %s", self->root, hook, self->dir,
			self->out, self->err));
	EXPECT_TRUE(dpkg_has(self, "other-tool"));
}

TEST_F(install, dpkg_recursive_and_the_shipped_dpkg_cfg)
{
	char cmd[4096];

	need_root(_metadata);
	/* The shipped snippet, pointed at this build and policy; dpkg reads ~/.dpkg.cfg too. */
	snprintf(cmd, sizeof(cmd), "sed 's|" INSTALLED_CLI " install-check --dpkg-hook|%s "
		 "install-check --dpkg-hook --policy %s --spool %s|' " DIST_DPKG " > %s/.dpkg.cfg",
		 cli, self->policy, self->spool, self->dir);
	ASSERT_EQ(0, sh("%s", cmd));
	ASSERT_EQ(0, sh("grep -q -- '--policy' %s/.dpkg.cfg", self->dir));
	snprintf(cmd, sizeof(cmd), "HOME=%s dpkg --root=%s --force-script-chrootless", self->dir,
		 self->root);
	ASSERT_EQ(0, sh("mkdir %s/in && cp %s/opt-acme_1.0_all.deb %s/other-tool_1.0_all.deb "
			"%s/in/", self->dir, debs, debs, self->dir));
	EXPECT_NE(0, sh("%s -R -i %s/in > %s 2> %s", cmd, self->dir, self->out, self->err));
	EXPECT_TRUE(has(self->err, "matched by path prefix of /opt/acme/bin/run"));
	EXPECT_FALSE(exists_in_root(self, "vbtest-opt-acme.preinst"));
	EXPECT_FALSE(exists_in_root(self, "opt/acme/bin/run"));
	EXPECT_FALSE(dpkg_has(self, "other-tool"));

	EXPECT_EQ(0, sh("rm %s/in/opt-acme_1.0_all.deb && %s -R -i %s/in > %s 2> %s", self->dir,
			cmd, self->dir, self->out, self->err));
	EXPECT_TRUE(dpkg_has(self, "other-tool"));
	EXPECT_TRUE(exists_in_root(self, "vbtest-other-tool.postinst"));
}

static int apt_get(FIXTURE_DATA(install) *self, const char *pkgs)
{
	const char *r = self->root;

	return sh("cd %s && apt-get install -y -q %s -c %s/99vendorban -o Dir=%s "
		  "-o Dir::State::status=%s/var/lib/dpkg/status -o Dir::Etc::Parts=%s/etc/apt/"
		  "apt.conf.d -o Dir::Etc::SourceList=/dev/null -o Debug::NoLocking=1 "
		  "-o DPkg::Options::=--root=%s -o DPkg::Options::=--force-script-chrootless "
		  "> %s 2> %s", debs, pkgs, self->dir, r, r, r, r, self->out, self->err);
}

TEST_F(install, apt_get_install_refused_before_any_maintainer_script)
{
	need_root(_metadata);
	/* The shipped apt snippet, pointed at this build and policy. */
	ASSERT_EQ(0, sh("sed 's|" INSTALLED_CLI " install-check --apt-hook|%s install-check "
			"--apt-hook --policy %s --spool %s|; s|Options::" INSTALLED_CLI "::|"
			"Options::%s::|' " DIST_APT " > %s/99vendorban", cli, self->policy,
			self->spool, cli, self->dir));
	EXPECT_EQ(100, apt_get(self, "./other-tool_1.0_all.deb ./acme-agent_1.0_all.deb"));
	EXPECT_TRUE(has(self->err, "refused: package acme-agent 1.0"));
	EXPECT_TRUE(has(self->err, "the whole apt run stops here"));
	EXPECT_FALSE(exists_in_root(self, "vbtest-acme-agent.preinst"));
	EXPECT_FALSE(exists_in_root(self, "usr/bin/acme-agent"));
	EXPECT_FALSE(dpkg_has(self, "other-tool"));
	EXPECT_FALSE(dpkg_has(self, "acme-agent"));
	EXPECT_EQ(1, spooled(self));

	EXPECT_EQ(0, apt_get(self, "./other-tool_1.0_all.deb"));
	EXPECT_TRUE(dpkg_has(self, "other-tool"));
	EXPECT_TRUE(exists_in_root(self, "vbtest-other-tool.postinst"));
}

TEST_F(install, rpm_file_judged_by_its_header_and_file_digests)
{
	EXPECT_EQ(1, check(self, false, NULL, "rpms/acme-rpm-agent-1.0-1.noarch.rpm"));
	EXPECT_TRUE(has(self->err, "refused: package acme-rpm-agent 1.0-1 ("));
	EXPECT_TRUE(has(self->err, "matched by package maintainer in its header"));
	EXPECT_EQ(1, check(self, false, NULL, "rpms/hashed-rpm-1.0-1.noarch.rpm"));
	EXPECT_TRUE(has(self->err, "matched by sha256 of /usr/lib/hashed-rpm/libhashed.so"));
	EXPECT_EQ(2, spooled(self));
	EXPECT_EQ(0, check(self, false, NULL, "rpms/other-rpm-tool-1.0-1.noarch.rpm"));
	EXPECT_TRUE(has(self->out, "allowed: package other-rpm-tool 1.0-1"));
}

TEST_F(install, rpm_hook_stream_that_is_not_one_is_refused)
{
	EXPECT_EQ(1, sh("printf 'VENDORBAN-RPM 1\\nP\\tx\\n' | %s install-check --rpm-hook "
			"--policy %s --no-log 2> %s", cli, self->policy, self->err));
	EXPECT_TRUE(has(self->err, "cannot tell which packages rpm installs: line 2: not a "
			"package or file line"));
	EXPECT_EQ(0, sh("printf 'VENDORBAN-RPM 1\\nP\\tx\\t1-1\\tnoarch\\t\\t\\t\\tx\\n' | "
			"%s install-check --rpm-hook --policy %s --no-log 2> %s", cli,
			self->policy, self->err));
}

/* rpm -i into the scratch root with the shipped macros, pointed at this build and policy. */
static int rpm_install(FIXTURE_DATA(install) *self, const char *pkgs)
{
	return sh("cd %s/rpms && rpm --root %s --dbpath /var/lib/rpm --nodeps --load %s/macros "
		  "--define '__plugindir %s' -i %s > %s 2> %s", debs, self->root, self->dir,
		  plugin_dir, pkgs, self->out, self->err);
}

static bool rpm_has(FIXTURE_DATA(install) *self, const char *pkg)
{
	return !sh("rpm --root %s --dbpath /var/lib/rpm -q %s >/dev/null 2>&1", self->root, pkg);
}

TEST_F(install, rpm_plugin_refuses_the_transaction_before_pretrans)
{
	need_root(_metadata);
	ASSERT_EQ(0, access("/bin/busybox", X_OK)) TH_LOG("busybox-static missing (make setup): "
							  "the scratch root's /bin/sh");
	/* rpm runs scriptlets chrooted in the root: a static shell there is all they need. */
	ASSERT_EQ(0, sh("mkdir -p %s/bin %s/var/tmp && cp /bin/busybox %s/bin/sh && "
			"rpm --root %s --dbpath /var/lib/rpm --initdb", self->root, self->root,
			self->root, self->root));
	ASSERT_EQ(0, sh("sed 's|/usr/local/sbin/vendorban install-check --rpm-hook|%s "
			"install-check --rpm-hook --policy %s --spool %s|' " DIST_RPM " > %s/macros",
			cli, self->policy, self->spool, self->dir));
	ASSERT_EQ(0, sh("grep -q -- '--policy' %s/macros", self->dir));

	EXPECT_NE(0, rpm_install(self, "other-rpm-tool-1.0-1.noarch.rpm "
				 "acme-rpm-agent-1.0-1.noarch.rpm"));
	EXPECT_TRUE(has(self->err, "refused: package acme-rpm-agent 1.0-1"));
	EXPECT_TRUE(has(self->err, "vendorban: transaction refused before any scriptlet ran"));
	EXPECT_FALSE(exists_in_root(self, "vbtest-acme-rpm-agent.pretrans"));
	EXPECT_FALSE(exists_in_root(self, "vbtest-other-rpm-tool.pretrans"));
	EXPECT_FALSE(exists_in_root(self, "vbtest-acme-rpm-agent.pre"));
	EXPECT_FALSE(exists_in_root(self, "usr/bin/acme-rpm-agent"));
	EXPECT_FALSE(rpm_has(self, "acme-rpm-agent"));
	EXPECT_FALSE(rpm_has(self, "other-rpm-tool"));
	EXPECT_EQ(1, spooled(self));

	EXPECT_EQ(0, rpm_install(self, "other-rpm-tool-1.0-1.noarch.rpm"));
	EXPECT_TRUE(rpm_has(self, "other-rpm-tool"));
	EXPECT_TRUE(exists_in_root(self, "vbtest-other-rpm-tool.pretrans"));
	EXPECT_TRUE(exists_in_root(self, "vbtest-other-rpm-tool.post"));
	EXPECT_TRUE(exists_in_root(self, "usr/bin/other-rpm-tool"));
}

TEST_HARNESS_MAIN
