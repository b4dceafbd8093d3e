// SPDX-License-Identifier: GPL-2.0
/*
 * dpkg diversions, as identify shows them: the file at a diverted path is the diverter's (a
 * vendor package that replaces a system file is caught by a `package` rule), the packaged copy
 * moved aside is still its own package's, and a local diversion belongs to no package. The
 * database is dpkg's own: diversions made by dpkg-divert (tests/fixtures/mkpkgdb.sh divert).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "hostutil.h"

#include "identify/evidence.h"
#include "identify/pkgdb.h"

int do_identify(int argc, char **argv);

#define MKPKGDB		"tests/fixtures/mkpkgdb.sh"
#define POLICY		"version 1\nvendor banned \"Banned Test Vendor\"\n" \
			"\tpackage name banned-agent\n"

FIXTURE(divert) {
	char tmp[64];
	char root[128], policy[128], out[128], err[128];
	char *text, *errtext;
	struct json_object *json;
	struct vb_pkgdb *db;
};

FIXTURE_SETUP(divert)
{
	strcpy(self->tmp, "/tmp/vb-divert-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->root, sizeof(self->root), "%s/db/root", self->tmp);
	snprintf(self->policy, sizeof(self->policy), "%s/test.policy", self->tmp);
	snprintf(self->out, sizeof(self->out), "%s/stdout", self->tmp);
	snprintf(self->err, sizeof(self->err), "%s/stderr", self->tmp);
	ASSERT_EQ(0, sh("bash " MKPKGDB " %s/db dpkg divert", self->tmp))
		TH_LOG("mkpkgdb.sh failed: see %s/db/fail-reason", self->tmp);
	/* What the diverter's scripts left at the diverted path, and the moved-aside copy. */
	ASSERT_EQ(0, sh("cd %s && mkdir -p usr/bin && printf 'vendor replacement\\n' > "
			"usr/bin/system-tool && printf 'system tool\\n' > usr/bin/system-tool.distrib "
			"&& printf 'local\\n' > usr/bin/local-tool && printf 'packaged\\n' > "
			"usr/bin/local-tool.orig", self->root));
	ASSERT_EQ(0, write_file(self->policy, POLICY, strlen(POLICY)));
}

FIXTURE_TEARDOWN(divert)
{
	free(self->text);
	free(self->errtext);
	json_object_put(self->json);
	vb_pkgdb_close(self->db);
	if (sh("rm -rf '%s'", self->tmp))
		TH_LOG("cleanup of %s failed", self->tmp);
}

static int run(struct _test_data_divert *self, bool json, char **argv)
{
	int status = cli_run(do_identify, json, argv, self->out, self->err);

	self->text = slurp(self->out) ?: strdup("");
	self->errtext = slurp(self->err) ?: strdup("");
	if (json)
		self->json = json_tokener_parse(self->text);
	return status;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = json_object_object_get(o, key);

	return v ? json_object_get_string(v) : NULL;
}

TEST_F(divert, owners_follow_the_diversion)
{
	struct vb_package p;

	ASSERT_EQ(0, vb_pkgdb_open(self->root, &self->db));
	/* system-tool lists /usr/bin/system-tool, but banned-agent diverted it away. */
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/system-tool", &p));
	EXPECT_STREQ("banned-agent", p.name);
	EXPECT_STREQ("1:2.4.1-3", p.version);
	EXPECT_STREQ("diverts /usr/bin/system-tool to /usr/bin/system-tool.distrib", p.diversion);
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/system-tool.distrib", &p));
	EXPECT_STREQ("system-tool", p.name);
	EXPECT_STREQ("/usr/bin/system-tool diverted here by banned-agent", p.diversion);
	/* A local diversion: the file at the path is the administrator's, the copy aside is the
	 * package's. */
	EXPECT_EQ(-ENOENT, vb_pkgdb_owner(self->db, "/usr/bin/local-tool", &p));
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/local-tool.orig", &p));
	EXPECT_STREQ("system-tool", p.name);
	EXPECT_STREQ("/usr/bin/local-tool diverted here by the administrator (local)", p.diversion);
	/* Undiverted files are unchanged, with no diversion said. */
	ASSERT_EQ(0, vb_pkgdb_owner(self->db, "/usr/bin/allowed-tool", &p));
	EXPECT_STREQ("allowed-tool", p.name);
	EXPECT_STREQ("", p.diversion);
}

/* The vendor's package rule denies the file it diverted in; the system copy is allowed. */
TEST_F(divert, package_rule_catches_a_diverting_vendor)
{
	char *argv[] = { "identify", "--policy", self->policy, "--root", self->root,
			 "/usr/bin/system-tool", "/usr/bin/system-tool.distrib", NULL };
	char *text[] = { "identify", "--policy", self->policy, "--root", self->root,
			 "/usr/bin/system-tool", NULL };
	struct json_object *f, *p;

	ASSERT_EQ(0, run(self, true, argv)) TH_LOG("%s", self->errtext);
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);
	f = json_object_array_get_idx(self->json, 0);
	p = json_object_object_get(f, "package");
	EXPECT_STREQ("banned-agent", str(p, "name"));
	EXPECT_STREQ("diverts /usr/bin/system-tool to /usr/bin/system-tool.distrib",
		     str(p, "diversion"));
	EXPECT_STREQ("deny", str(f, "verdict"));
	EXPECT_STREQ("package name", str(json_object_object_get(f, "rule"), "how"));

	f = json_object_array_get_idx(self->json, 1);
	p = json_object_object_get(f, "package");
	EXPECT_STREQ("system-tool", str(p, "name"));
	EXPECT_STREQ("allow", str(f, "verdict"));

	ASSERT_EQ(0, run(self, false, text));
	EXPECT_NE(NULL, strstr(self->text, "  package:     dpkg banned-agent 1:2.4.1-3\n"))
		TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->text, "    diversion:   diverts /usr/bin/system-tool to "
					    "/usr/bin/system-tool.distrib\n")) TH_LOG("%s", self->text);
}

TEST_HARNESS_MAIN
