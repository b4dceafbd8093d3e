// SPDX-License-Identifier: GPL-2.0
/*
 * Policy diff and shadowed-rule warnings: the exact lines a reviewer sees for each kind of
 * change, the JSON fields, the exit statuses; and which inner path rules draw a warning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kselftest_harness.h"

#include "vendorban.h"
#include "policy/policy.h"
#include "policy/diff.h"

#define H1	"3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"
#define H3	"0000000000000000000000000000000000000000000000000000000000000001"

static const char old_text[] =
	"version 3\n"
	"vendor kaspersky \"AO Kaspersky Lab\"\n"
	"\tpath /opt/kaspersky/ audit\n"
	"\tsha256 " H1 "\n"
	"\tsha256 " H3 "\n"
	"vendor gone \"Gone Inc\"\n"
	"\tpath /opt/gone/\n"
	"vendor acme \"Acme\"\n"
	"\tpath /opt/acme/\n"
	"\tpath /usr/bin/moved\n";

static const char new_text[] =
	"version 4\n"
	"vendor kaspersky \"AO Kaspersky Lab\"\n"
	"\tpath /opt/kaspersky/\n"
	"\tsha256 " H1 "\n"
	"\tpath /opt/kaspersky/kesl/ audit\n"
	"vendor acme \"Acme Corp\"\n"
	"\tmode audit\n"
	"\tpath /opt/acme/ enforce id=acme-tree\n"
	"vendor newvendor \"New Vendor Ltd\"\n"
	"\tpath /opt/new/\n"
	"\tpath /usr/bin/moved\n";

static void dump_diag(const struct vb_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "#   diag[%zu]: %s\n", i, d->msgs[i]);
}

static struct vb_policy *parse_ok(const char *name, const char *text)
{
	struct vb_diag d = {};
	struct vb_policy *p = NULL;

	if (vb_policy_parse(name, text, strlen(text), &p, &d))
		dump_diag(&d);
	vb_diag_free(&d);
	return p;
}

FIXTURE(diff) {
	struct vb_policy *old, *new;
	struct vb_policy_diff *d;
	char *out;
	size_t len;
};

FIXTURE_SETUP(diff)
{
	self->d = NULL;
	self->out = NULL;
	self->old = parse_ok("old.policy", old_text);
	self->new = parse_ok("new.policy", new_text);
	ASSERT_NE(NULL, self->old);
	ASSERT_NE(NULL, self->new);
}

FIXTURE_TEARDOWN(diff)
{
	vb_policy_diff_free(self->d);
	vb_policy_free(self->old);
	vb_policy_free(self->new);
	free(self->out);
}

/* The text a person sees, into self->out. */
static int render(FIXTURE_DATA(diff) *self, const struct vb_policy *a, const struct vb_policy *b)
{
	FILE *f;
	int err;

	vb_policy_diff_free(self->d);
	self->d = NULL;
	free(self->out);
	self->out = NULL;
	err = vb_policy_diff(a, b, &self->d);
	if (err)
		return err;
	f = open_memstream(&self->out, &self->len);
	if (!f)
		return -ENOMEM;
	err = vb_policy_diff_print(self->d, f);
	fclose(f);
	return err;
}

TEST_F(diff, every_kind_of_change)
{
	static const char want[] =
		"version 3 -> 4\n"
		"vendor acme \"Acme Corp\"\n"
		"  ~ name \"Acme\" -> \"Acme Corp\"\n"
		"  ~ mode enforce -> audit\n"
		"  ~ path /opt/acme/ id acme-path-1 -> acme-tree (line 8)\n"
		"- vendor gone \"Gone Inc\" (1 rule, enforce)\n"
		"vendor kaspersky \"AO Kaspersky Lab\"\n"
		"  ~ path /opt/kaspersky/ mode audit -> enforce (line 3)\n"
		"  + path /opt/kaspersky/kesl/ (kaspersky-path-2, audit, line 5)\n"
		"  - sha256 " H3 " (kaspersky-sha256-2, was line 5)\n"
		"+ vendor newvendor \"New Vendor Ltd\" (2 rules, enforce)\n"
		"  ~ path /usr/bin/moved vendor acme -> newvendor, id acme-path-2 -> newvendor-path-2 (line 11)\n"
		"summary: 1 vendor added, 1 removed, 1 changed; 2 rules added, 2 removed, 3 changed\n";

	ASSERT_EQ(0, render(self, self->old, self->new));
	EXPECT_STREQ(want, self->out);
	EXPECT_FALSE(self->d->version_not_raised);
	EXPECT_EQ((size_t)1, self->d->vendors_added);
	EXPECT_EQ((size_t)1, self->d->vendors_removed);
	EXPECT_EQ((size_t)1, self->d->vendors_changed);
	EXPECT_EQ((size_t)2, self->d->rules_added);
	EXPECT_EQ((size_t)2, self->d->rules_removed);
	EXPECT_EQ((size_t)3, self->d->rules_changed);
}

/* Backwards: every addition is a removal, and the version goes down, which hosts refuse. */
/* Vendor identities are rules like the others: each is told apart by what it names. */
TEST_F(diff, identity_rules)
{
	static const char a[] =
		"version 1\nvendor k \"K\"\n"
		"\tsigner subject \"O=AO Kaspersky Lab, C=RU\"\n"
		"\tsigner skid 55:ED:80:2B\n"
		"\tpackage name \"kesl*\"\n"
		"\tmodule name kav-drv\n";
	static const char b[] =
		"version 2\nvendor k \"K\"\n"
		"\tsigner subject \"O=AO Kaspersky Lab, C=RU\" audit\n"
		"\tsigner skid 55ed802b\n"
		"\tpackage name \"klnagent*\"\n"
		"\tmodule name kav_drv\n";
	static const char want[] =
		"version 1 -> 2\n"
		"vendor k \"K\"\n"
		"  - package name kesl* (k-package-1, was line 5)\n"
		"  + package name klnagent* (k-package-1, enforce, line 5)\n"
		"  ~ signer subject \"O=AO Kaspersky Lab, C=RU\" mode enforce -> audit (line 3)\n"
		"summary: 0 vendors added, 0 removed, 0 changed; 1 rule added, 1 removed, 1 changed\n";
	struct vb_policy *pa = parse_ok("a.policy", a), *pb = parse_ok("b.policy", b);

	ASSERT_NE(NULL, pa);
	ASSERT_NE(NULL, pb);
	/* The skid written two ways, the module name with '-' or '_': the same rules. */
	ASSERT_EQ(0, render(self, pa, pb));
	EXPECT_STREQ(want, self->out);
	vb_policy_free(pa);
	vb_policy_free(pb);
}

TEST_F(diff, reversed_is_a_rollback)
{
	static const char want[] =
		"version 4 -> 3 (not raised: hosts that verify policy signatures (vendorband --trusted-signer) refuse a policy whose version is not above the one they enforce; other hosts load it)\n"
		"vendor acme \"Acme\"\n"
		"  ~ name \"Acme Corp\" -> \"Acme\"\n"
		"  ~ mode audit -> enforce\n"
		"  ~ path /opt/acme/ id acme-tree -> acme-path-1 (line 9)\n"
		"  ~ path /usr/bin/moved vendor newvendor -> acme, id newvendor-path-2 -> acme-path-2 (line 10)\n"
		"+ vendor gone \"Gone Inc\" (1 rule, enforce)\n"
		"vendor kaspersky \"AO Kaspersky Lab\"\n"
		"  ~ path /opt/kaspersky/ mode enforce -> audit (line 3)\n"
		"  - path /opt/kaspersky/kesl/ (kaspersky-path-2, was line 5)\n"
		"  + sha256 " H3 " (kaspersky-sha256-2, enforce, line 5)\n"
		"- vendor newvendor \"New Vendor Ltd\" (2 rules, enforce)\n"
		"summary: 1 vendor added, 1 removed, 1 changed; 2 rules added, 2 removed, 3 changed\n";

	ASSERT_EQ(0, render(self, self->new, self->old));
	EXPECT_STREQ(want, self->out);
	EXPECT_TRUE(self->d->version_not_raised);
}

TEST_F(diff, identical)
{
	ASSERT_EQ(0, render(self, self->new, self->new));
	EXPECT_STREQ("no differences (version 4)\n", self->out);
	EXPECT_TRUE(vb_policy_diff_empty(self->d));
	EXPECT_FALSE(self->d->version_not_raised);
}

/* Same rules, new version only: a difference, and no problem. */
TEST_F(diff, version_only)
{
	struct vb_policy *bumped = parse_ok("b.policy", "version 9\nvendor a \"A\"\npath /a\n");
	struct vb_policy *base = parse_ok("a.policy", "version 8\nvendor a \"A\"\npath /a\n");

	ASSERT_NE(NULL, bumped);
	ASSERT_NE(NULL, base);
	EXPECT_EQ(0, render(self, base, bumped));
	EXPECT_STREQ("version 8 -> 9\n"
		     "summary: 0 vendors added, 0 removed, 0 changed; 0 rules added, 0 removed, 0 changed\n",
		     self->out);
	EXPECT_FALSE(vb_policy_diff_empty(self->d));
	vb_policy_diff_free(self->d);
	self->d = NULL;
	vb_policy_free(bumped);
	vb_policy_free(base);
}

/* A change that keeps the version is flagged: hosts would keep the old policy. */
TEST_F(diff, version_kept)
{
	struct vb_policy *a = parse_ok("a.policy", "version 8\nvendor a \"A\"\npath /a\n");
	struct vb_policy *b = parse_ok("b.policy", "version 8\nvendor a \"A\"\npath /a audit\n"
				       "\tpath \"/opt/with space/\"\n");

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, render(self, a, b));
	EXPECT_STREQ("version 8 (not raised: hosts that verify policy signatures (vendorband --trusted-signer) refuse a policy whose version is not above the one they enforce; other hosts load it)\n"
		     "vendor a \"A\"\n"
		     "  ~ path /a mode enforce -> audit (line 3)\n"
		     "  + path \"/opt/with space/\" (a-path-2, enforce, line 4)\n"
		     "summary: 0 vendors added, 0 removed, 0 changed; 1 rule added, 0 removed, 1 changed\n",
		     self->out);
	EXPECT_TRUE(self->d->version_not_raised);
	vb_policy_diff_free(self->d);
	self->d = NULL;
	vb_policy_free(a);
	vb_policy_free(b);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

TEST_F(diff, json)
{
	struct json_object *o, *v, *sum, *rule;

	ASSERT_EQ(0, vb_policy_diff(self->old, self->new, &self->d));
	o = vb_policy_diff_json(self->d);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(json_object_get_boolean(get(o, "differences")));
	EXPECT_FALSE(json_object_get_boolean(get(o, "version_not_raised")));
	EXPECT_EQ(3, json_object_get_int64(get(get(o, "old"), "version")));
	EXPECT_EQ(4, json_object_get_int64(get(get(o, "new"), "version")));
	EXPECT_STREQ("new.policy", json_object_get_string(get(get(o, "new"), "file")));

	sum = get(o, "summary");
	EXPECT_EQ(1, json_object_get_int64(get(sum, "vendors_added")));
	EXPECT_EQ(1, json_object_get_int64(get(sum, "vendors_removed")));
	EXPECT_EQ(1, json_object_get_int64(get(sum, "vendors_changed")));
	EXPECT_EQ(2, json_object_get_int64(get(sum, "rules_added")));
	EXPECT_EQ(2, json_object_get_int64(get(sum, "rules_removed")));
	EXPECT_EQ(3, json_object_get_int64(get(sum, "rules_changed")));

	v = get(o, "vendors");
	ASSERT_EQ((size_t)4, json_object_array_length(v));
	/* acme: name and mode changed; its old name kept beside the new one. */
	EXPECT_STREQ("acme", json_object_get_string(get(json_object_array_get_idx(v, 0), "id")));
	EXPECT_STREQ("changed",
		     json_object_get_string(get(json_object_array_get_idx(v, 0), "change")));
	EXPECT_STREQ("Acme Corp",
		     json_object_get_string(get(json_object_array_get_idx(v, 0), "name")));
	EXPECT_STREQ("Acme",
		     json_object_get_string(get(json_object_array_get_idx(v, 0), "old_name")));
	EXPECT_STREQ("enforce",
		     json_object_get_string(get(json_object_array_get_idx(v, 0), "old_mode")));
	EXPECT_STREQ("removed",
		     json_object_get_string(get(json_object_array_get_idx(v, 1), "change")));
	/* kaspersky: only its rules changed. */
	EXPECT_STREQ("none",
		     json_object_get_string(get(json_object_array_get_idx(v, 2), "change")));
	rule = json_object_array_get_idx(get(json_object_array_get_idx(v, 2), "rules"), 2);
	EXPECT_STREQ("removed", json_object_get_string(get(rule, "change")));
	EXPECT_STREQ("sha256", json_object_get_string(get(rule, "kind")));
	EXPECT_STREQ(H3, json_object_get_string(get(rule, "value")));
	EXPECT_STREQ("kaspersky-sha256-2", json_object_get_string(get(get(rule, "old"), "id")));
	EXPECT_EQ(5, json_object_get_int64(get(get(rule, "old"), "line")));
	EXPECT_NULL(get(rule, "new"));

	/* newvendor: in JSON an added vendor lists its added rules too. */
	v = get(json_object_array_get_idx(v, 3), "rules");
	ASSERT_EQ((size_t)2, json_object_array_length(v));
	rule = json_object_array_get_idx(v, 0);
	EXPECT_STREQ("added", json_object_get_string(get(rule, "change")));
	EXPECT_STREQ("/opt/new/", json_object_get_string(get(rule, "value")));
	rule = json_object_array_get_idx(v, 1);
	EXPECT_STREQ("changed", json_object_get_string(get(rule, "change")));
	EXPECT_STREQ("vendor",
		     json_object_get_string(json_object_array_get_idx(get(rule, "changes"), 0)));
	EXPECT_STREQ("id",
		     json_object_get_string(json_object_array_get_idx(get(rule, "changes"), 1)));
	EXPECT_STREQ("acme", json_object_get_string(get(get(rule, "old"), "vendor")));
	EXPECT_STREQ("newvendor", json_object_get_string(get(get(rule, "new"), "vendor")));
	json_object_put(o);
}

/* Exit statuses of `vendorban policy diff`, through the function the command calls. */
FIXTURE(files) {
	char dir[64];
	char a[128], b[128], bad[128];
};

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -EIO : 0;
}

FIXTURE_SETUP(files)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/vb-diff-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->a, sizeof(self->a), "%s/a.policy", self->dir);
	snprintf(self->b, sizeof(self->b), "%s/b.policy", self->dir);
	snprintf(self->bad, sizeof(self->bad), "%s/bad.policy", self->dir);
	ASSERT_EQ(0, write_file(self->a, old_text));
	ASSERT_EQ(0, write_file(self->b, new_text));
	ASSERT_EQ(0, write_file(self->bad, "version 5\nvendor x \"X\"\npath opt/x\n"));
}

FIXTURE_TEARDOWN(files)
{
	unlink(self->a);
	unlink(self->b);
	unlink(self->bad);
	rmdir(self->dir);
}

static int run_diff(const char *a, const char *b, bool json, char **out, char **err)
{
	size_t olen, elen;
	FILE *fo = open_memstream(out, &olen), *fe = open_memstream(err, &elen);
	int status;

	status = vb_policy_diff_files(a, b, json ? JSON_C_TO_STRING_NOSLASHESCAPE : 0, fo, fe);
	fclose(fo);
	fclose(fe);
	return status;
}

TEST_F(files, exit_status)
{
	char *out = NULL, *err = NULL, want[512];

	EXPECT_EQ(0, run_diff(self->a, self->a, false, &out, &err));
	EXPECT_STREQ("no differences (version 3)\n", out);
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	EXPECT_EQ(1, run_diff(self->a, self->b, false, &out, &err));
	EXPECT_EQ(0, strncmp(out, "version 3 -> 4\n", 15));
	free(out);
	free(err);

	EXPECT_EQ(1, run_diff(self->a, self->b, true, &out, &err));
	EXPECT_EQ('{', out[0]);
	EXPECT_NE(NULL, strstr(out, "\"rules_changed\":3"));
	EXPECT_NE(NULL, strstr(out, "\"value\":\"/opt/new/\""));
	free(out);
	free(err);

	/* A refused policy: its diagnostics, as `policy check` shows them, and nothing else. */
	EXPECT_EQ(2, run_diff(self->a, self->bad, false, &out, &err));
	EXPECT_STREQ("", out);
	snprintf(want, sizeof(want),
		 "%s:3:6: error: path 'opt/x' is not absolute (it must start with '/')\n"
		 "%s: refused (1 error)\n", self->bad, self->bad);
	EXPECT_STREQ(want, err);
	free(out);
	free(err);

	EXPECT_EQ(2, run_diff(self->dir, self->b, false, &out, &err));
	snprintf(want, sizeof(want), "%s: error: Is a directory\n", self->dir);
	EXPECT_STREQ(want, err);
	free(out);
	free(err);
}

/* Shadowed path rules: warnings, never errors, and only where the inner rule decides nothing. */
FIXTURE(shadow) {
	struct vb_policy *p;
	struct vb_diag d;
};

FIXTURE_SETUP(shadow)
{
	self->p = NULL;
	memset(&self->d, 0, sizeof(self->d));
}

FIXTURE_TEARDOWN(shadow)
{
	vb_policy_free(self->p);
	vb_diag_free(&self->d);
}

static int parse(FIXTURE_DATA(shadow) *self, const char *text)
{
	vb_policy_free(self->p);
	self->p = NULL;
	vb_diag_free(&self->d);
	return vb_policy_parse("t.policy", text, strlen(text), &self->p, &self->d);
}

TEST_F(shadow, same_vendor_same_mode)
{
	ASSERT_EQ(0, parse(self, "version 1\n"
			   "vendor acme \"Acme\"\n"
			   "\tpath /opt/acme/\n"
			   "\tpath /opt/acme/bin/x\n"
			   "\tpath /opt/acme/lib/\n"
			   "\tpath /opt/acme-tools/run\n")) dump_diag(&self->d);
	ASSERT_NE(NULL, self->p);
	ASSERT_EQ((size_t)2, self->d.n) dump_diag(&self->d);
	EXPECT_EQ((size_t)2, self->d.n_total);
	EXPECT_EQ((size_t)0, self->d.n_errors);
	EXPECT_TRUE(self->d.warning[0]);
	EXPECT_TRUE(self->d.warning[1]);
	EXPECT_STREQ("t.policy:4:7: warning: path '/opt/acme/bin/x' is already covered by 'path /opt/acme/' (line 3)",
		     self->d.msgs[0]);
	EXPECT_STREQ("t.policy:5:7: warning: path '/opt/acme/lib/' is already covered by 'path /opt/acme/' (line 3)",
		     self->d.msgs[1]);
}

/* The nearest prefix decides: the inner rule is redundant only against that one. */
TEST_F(shadow, nearest_prefix)
{
	ASSERT_EQ(0, parse(self, "version 1\n"
			   "vendor acme \"Acme\"\n"
			   "\tpath /opt/acme/bin/x\n"		/* line 3: under b's /opt/acme/bin/ */
			   "\tpath /opt/acme/\n"
			   "\tpath /opt/acme/lib/deep/\n"	/* line 5: covered, rule after */
			   "vendor b \"B\"\n"
			   "\tpath /opt/acme/bin/\n")) dump_diag(&self->d);
	ASSERT_EQ((size_t)1, self->d.n) dump_diag(&self->d);
	EXPECT_STREQ("t.policy:5:7: warning: path '/opt/acme/lib/deep/' is already covered by 'path /opt/acme/' (line 4)",
		     self->d.msgs[0]);
}

/* Under another vendor's or mode's prefix the inner rule wins for its files: no diagnostic. */
TEST_F(shadow, different_vendor_or_mode)
{
	ASSERT_EQ(0, parse(self, "version 1\n"
			   "vendor a \"A\"\n"
			   "\tpath /opt/a/\n"
			   "\tpath /opt/a/trial/ audit\n"
			   "vendor b \"B\"\n"
			   "\tpath /opt/a/bin/b-tool\n")) dump_diag(&self->d);
	ASSERT_NE(NULL, self->p);
	EXPECT_EQ((size_t)0, self->d.n) dump_diag(&self->d);
	EXPECT_EQ((size_t)0, self->d.n_total);
}

/* A vendor's mode line counts: both rules inherit audit, so the inner one is redundant. */
TEST_F(shadow, inherited_mode)
{
	ASSERT_EQ(0, parse(self, "version 1\n"
			   "vendor a \"A\"\n"
			   "\tpath /opt/a/x audit\n"
			   "\tpath /opt/a/\n"
			   "\tmode audit\n")) dump_diag(&self->d);
	ASSERT_EQ((size_t)1, self->d.n) dump_diag(&self->d);
	EXPECT_STREQ("t.policy:3:7: warning: path '/opt/a/x' is already covered by 'path /opt/a/' (line 4)",
		     self->d.msgs[0]);
}

/* Warnings sit among the errors in line order; only the errors refuse the policy. */
TEST_F(shadow, with_errors)
{
	ASSERT_EQ(-EINVAL, parse(self, "version 1\n"
				 "vendor a \"A\"\n"
				 "\tpath /opt/a/\n"
				 "\tpath /opt/a/x\n"
				 "\tpath /opt/a/y forever\n"));
	ASSERT_NULL(self->p);
	ASSERT_EQ((size_t)3, self->d.n) dump_diag(&self->d);
	EXPECT_EQ((size_t)1, self->d.n_errors);
	EXPECT_STREQ("t.policy:4:7: warning: path '/opt/a/x' is already covered by 'path /opt/a/' (line 3)",
		     self->d.msgs[0]);
	EXPECT_STREQ("t.policy:5:7: warning: path '/opt/a/y' is already covered by 'path /opt/a/' (line 3)",
		     self->d.msgs[1]);
	EXPECT_FALSE(self->d.warning[2]);
	EXPECT_STREQ("t.policy:5:16: error: unknown option 'forever' (known: audit, enforce, id=ID)",
		     self->d.msgs[2]);
}

TEST_HARNESS_MAIN
