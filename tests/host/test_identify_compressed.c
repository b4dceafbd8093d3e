// SPDX-License-Identifier: GPL-2.0
/*
 * A compressed module that cannot be decompressed says so: identify names the compression and
 * the failure as `malformed`, and the daemon's vetting (user/scan/vet.c) does not vet it. The
 * intact module is the allowed twin. Fixtures from tests/fixtures/mkidentify.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "hostutil.h"
#include "identify_fixture.h"

#include "policy/policy.h"
#include "scan/vet.h"

int do_identify(int argc, char **argv);

/* A module rule makes vetting needed; it names no module of the fixtures. */
#define POLICY	"version 1\nvendor other \"Other Vendor\"\n\tmodule name not-a-fixture\n"

FIXTURE(compressed) {
	char idir[256];
	char tmp[64];
	char good[128], cut[128], bomb[128], policy[128], out[128], err[128];
	char *text;
	struct json_object *json;
};

FIXTURE_SETUP(compressed)
{
	ASSERT_EQ(0, identify_fixtures(self->idir, sizeof(self->idir)));
	strcpy(self->tmp, "/tmp/vb-compressed-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->tmp));
	snprintf(self->good, sizeof(self->good), "%s/good.ko.xz", self->tmp);
	snprintf(self->cut, sizeof(self->cut), "%s/cut.ko.xz", self->tmp);
	snprintf(self->bomb, sizeof(self->bomb), "%s/bomb.ko.zst", self->tmp);
	snprintf(self->policy, sizeof(self->policy), "%s/test.policy", self->tmp);
	snprintf(self->out, sizeof(self->out), "%s/stdout", self->tmp);
	snprintf(self->err, sizeof(self->err), "%s/stderr", self->tmp);
	ASSERT_EQ(0, sh("cp %s/banned.ko.xz %s && head -c -100 %s/banned.ko.xz > %s && "
			"cp %s/bomb.zst %s", self->idir, self->good, self->idir, self->cut,
			self->idir, self->bomb));
	ASSERT_EQ(0, write_file(self->policy, POLICY, strlen(POLICY)));
}

FIXTURE_TEARDOWN(compressed)
{
	free(self->text);
	json_object_put(self->json);
	if (sh("rm -rf '%s'", self->tmp))
		TH_LOG("cleanup of %s failed", self->tmp);
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = json_object_object_get(o, key);

	return v ? json_object_get_string(v) : NULL;
}

TEST_F(compressed, failed_decompression_is_malformed)
{
	char *argv[] = { "identify", "--policy", self->policy, self->good, self->cut, self->bomb,
			 NULL };
	char *text[] = { "identify", "--policy", self->policy, self->cut, NULL };
	struct json_object *f;

	ASSERT_EQ(0, cli_run(do_identify, true, argv, self->out, self->err));
	self->text = slurp(self->out);
	self->json = json_tokener_parse(self->text);
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);

	f = json_object_array_get_idx(self->json, 0);
	EXPECT_STREQ("xz", str(f, "compression"));
	EXPECT_EQ(NULL, str(f, "malformed"));
	EXPECT_NE(NULL, json_object_object_get(f, "module"));

	f = json_object_array_get_idx(self->json, 1);
	EXPECT_STREQ("xz", str(f, "compression"));
	EXPECT_STREQ("xz decompression failed: corrupt, truncated, or followed by other bytes",
		     str(f, "malformed"));
	EXPECT_EQ(NULL, json_object_object_get(f, "module"));

	f = json_object_array_get_idx(self->json, 2);
	EXPECT_STREQ("zstd", str(f, "compression"));
	EXPECT_STREQ("zstd decompression failed: more than the decompression limit allows "
		     "(256 MiB uncompressed)", str(f, "malformed"));

	free(self->text);
	ASSERT_EQ(0, cli_run(do_identify, false, text, self->out, self->err));
	self->text = slurp(self->out);
	EXPECT_NE(NULL, strstr(self->text, "  compressed:  xz\n")) TH_LOG("%s", self->text);
	EXPECT_NE(NULL, strstr(self->text, "  malformed:   xz decompression failed: corrupt, "
					    "truncated, or followed by other bytes\n"))
		TH_LOG("%s", self->text);
}

/* The daemon vets the intact module and not the ones it could not read whole. */
TEST_F(compressed, vetting_refuses_what_does_not_decompress)
{
	char *paths[] = { self->tmp };
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};
	struct vb_vetted v = {};
	size_t clean_good = 0, seen = 0;

	ASSERT_EQ(0, vb_policy_load(self->policy, &p, &diag));
	ASSERT_TRUE(vb_vet_needed(p));
	ASSERT_EQ(0, vb_vet_modules(p, paths, 1, NULL, &v));
	EXPECT_EQ(3u, v.n);
	EXPECT_EQ(1u, vb_vetted_clean(&v));
	for (size_t i = 0; i < v.n; i++) {
		struct stat st;

		ASSERT_EQ(0, stat(self->good, &st));
		if (v.mods[i].ino == st.st_ino)
			clean_good += v.mods[i].clean;
		seen++;
	}
	EXPECT_EQ(3u, seen);
	EXPECT_EQ(1u, clean_good);
	vb_vetted_free(&v);
	vb_policy_free(p);
	vb_diag_free(&diag);
}

TEST_HARNESS_MAIN
