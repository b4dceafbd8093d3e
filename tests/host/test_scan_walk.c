// SPDX-License-Identifier: GPL-2.0
/*
 * Where scan walks: across mount points (hardened hosts put /opt, /var, /home on their own
 * filesystems), never into pseudo filesystems, and with --one-file-system not off the first
 * one; what it did not enter is listed. A file whose evidence cannot be parsed is listed as
 * malformed and makes the scan incomplete (exit 3). The mounts are made in a private mount
 * namespace of the test's own process.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "hostutil.h"

int do_scan(int argc, char **argv);

FIXTURE(walk) {
	char dir[64];
	char policy[128], out[128], path[256];
	char *text;
	struct json_object *json;
};

FIXTURE_SETUP(walk)
{
	char text[512];

	strcpy(self->dir, "/tmp/vb-walk-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->policy, sizeof(self->policy), "%s/test.policy", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out", self->dir);
	snprintf(text, sizeof(text), "version 1\nvendor acme \"Acme Corp\"\n\tpath %s/t/\n"
		 "\tmodule name acme_mod\n", self->dir);
	ASSERT_EQ(0, write_file(self->policy, text, strlen(text)));
	/* Programs, with an exec bit: the scan reads them whatever they hold. */
	ASSERT_EQ(0, sh("mkdir -p %s/t/opt %s/t/proc && echo top > %s/t/top && chmod +x %s/t/top",
			self->dir, self->dir, self->dir, self->dir));
}

FIXTURE_TEARDOWN(walk)
{
	free(self->text);
	json_object_put(self->json);
	char path[256];

	/* Only this process's namespace has them; detached, the tree can be removed. */
	snprintf(path, sizeof(path), "%s/t/opt", self->dir);
	umount2(path, MNT_DETACH);
	snprintf(path, sizeof(path), "%s/t/proc", self->dir);
	umount2(path, MNT_DETACH);
	if (sh("rm -rf '%s'", self->dir))
		TH_LOG("cleanup of %s failed", self->dir);
}

static int run(struct _test_data_walk *self, char **argv)
{
	int status = cli_run(do_scan, true, argv, self->out, "/dev/null");

	free(self->text);
	json_object_put(self->json);
	self->text = slurp(self->out) ?: strdup("");
	self->json = json_tokener_parse(self->text);
	return status;
}

static bool has_match(struct json_object *o, const char *path)
{
	struct json_object *m = json_object_object_get(o, "matches");

	for (size_t i = 0; i < json_object_array_length(m); i++)
		if (!strcmp(path, json_object_get_string(json_object_object_get(
					  json_object_array_get_idx(m, i), "path"))))
			return true;
	return false;
}

static const char *skip_field(struct json_object *o, size_t i, const char *key)
{
	struct json_object *s = json_object_array_get_idx(json_object_object_get(o, "not_entered"),
							   i);

	return s ? json_object_get_string(json_object_object_get(s, key)) : NULL;
}

/* Mount a tmpfs at t/opt and proc at t/proc, in a namespace of this process only. */
static int mount_tree(const char *dir)
{
	char path[256];

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;	/* EINVAL: "/" is no mount point (a chroot) */
	snprintf(path, sizeof(path), "%s/t/opt", dir);
	if (mount("tmpfs", path, "tmpfs", 0, "size=1m"))
		return -errno;
	snprintf(path, sizeof(path), "%s/t/proc", dir);
	if (mount("proc", path, "proc", 0, NULL))
		return -errno;
	return sh("echo agent > %s/t/opt/agent && chmod +x %s/t/opt/agent", dir, dir) ? -EIO : 0;
}

TEST_F(walk, crosses_mounts_but_not_pseudo_filesystems)
{
	char top[256], t[128], agent[128], proc[128], opt[128];
	char *argv[] = { "scan", "--no-cache", "--policy", self->policy, t, NULL };
	char *onefs[] = { "scan", "--no-cache", "--one-file-system", "--policy", self->policy, t,
			  NULL };
	char *text[] = { "scan", "--no-cache", "--summary", "--policy", self->policy, t, NULL };
	int err;

	if (geteuid())
		SKIP(return, "mounting a tmpfs and proc needs root (CAP_SYS_ADMIN)");
	err = mount_tree(self->dir);
	/* Without a private "/", a mount made here could show in the host's namespace too. */
	if (err == -EINVAL)
		SKIP(return, "\"/\" is not a mount point here (a chroot): mounts cannot be kept "
		     "private to the test");
	ASSERT_EQ(0, err) TH_LOG("mount: %s", strerror(-err));
	snprintf(t, sizeof(t), "%s/t", self->dir);
	snprintf(top, sizeof(top), "%s/t/top", self->dir);
	snprintf(agent, sizeof(agent), "%s/t/opt/agent", self->dir);
	snprintf(opt, sizeof(opt), "%s/t/opt", self->dir);
	snprintf(proc, sizeof(proc), "%s/t/proc", self->dir);

	ASSERT_EQ(1, run(self, argv)) TH_LOG("%s", self->text);
	ASSERT_NE(NULL, self->json) TH_LOG("not JSON: %s", self->text);
	EXPECT_TRUE(has_match(self->json, top));
	EXPECT_TRUE(has_match(self->json, agent));	/* on the tmpfs: crossed */
	EXPECT_EQ(1, json_object_get_int(json_object_object_get(self->json, "not_entered_count")));
	EXPECT_STREQ(proc, skip_field(self->json, 0, "path"));
	EXPECT_STREQ("proc", skip_field(self->json, 0, "filesystem"));
	EXPECT_STREQ("pseudo filesystem", skip_field(self->json, 0, "reason"));

	ASSERT_EQ(1, run(self, onefs)) TH_LOG("%s", self->text);
	EXPECT_TRUE(has_match(self->json, top));
	EXPECT_FALSE(has_match(self->json, agent));
	EXPECT_EQ(2, json_object_get_int(json_object_object_get(self->json, "not_entered_count")));
	EXPECT_STREQ(opt, skip_field(self->json, 0, "path"));
	EXPECT_STREQ("tmpfs", skip_field(self->json, 0, "filesystem"));
	EXPECT_STREQ("one-file-system", skip_field(self->json, 0, "reason"));
	EXPECT_STREQ(proc, skip_field(self->json, 1, "path"));

	/* On the terminal, even with --summary. */
	ASSERT_EQ(1, cli_run(do_scan, false, text, self->out, "/dev/null"));
	free(self->text);
	self->text = slurp(self->out);
	snprintf(top, sizeof(top), "NOT ENTERED  %s: proc (pseudo filesystem)\n", proc);
	EXPECT_NE(NULL, strstr(self->text, top)) TH_LOG("%s", self->text);
}

/* A compressed module that does not decompress: listed as malformed, the scan incomplete. */
TEST_F(walk, malformed_files_are_listed)
{
	char t[128], mod[160];
	char *argv[] = { "scan", "--no-cache", "--policy", self->policy, t, NULL };
	char *text[] = { "scan", "--no-cache", "--policy", self->policy, t, NULL };
	struct json_object *m;

	snprintf(t, sizeof(t), "%s/t", self->dir);
	ASSERT_EQ(1, run(self, argv)) TH_LOG("%s", self->text);	/* the twin: all parsed */
	EXPECT_TRUE(json_object_get_boolean(json_object_object_get(self->json, "complete")));

	snprintf(mod, sizeof(mod), "%s/t/cut.ko.xz", self->dir);
	ASSERT_EQ(0, write_file(mod, "\xfd" "7zXZ\0junk", 10));
	ASSERT_EQ(3, run(self, argv)) TH_LOG("%s", self->text);
	EXPECT_FALSE(json_object_get_boolean(json_object_object_get(self->json, "complete")));
	m = json_object_array_get_idx(json_object_object_get(self->json, "malformed_files"), 0);
	ASSERT_NE(NULL, m) TH_LOG("%s", self->text);
	EXPECT_STREQ(mod, json_object_get_string(json_object_object_get(m, "path")));
	EXPECT_STREQ("xz decompression failed: corrupt, truncated, or followed by other bytes",
		     json_object_get_string(json_object_object_get(m, "reason")));

	ASSERT_EQ(3, cli_run(do_scan, false, text, self->out, "/dev/null"));
	free(self->text);
	self->text = slurp(self->out);
	snprintf(mod, sizeof(mod), "MALFORMED  %s/t/cut.ko.xz: xz decompression failed", self->dir);
	EXPECT_NE(NULL, strstr(self->text, mod)) TH_LOG("%s", self->text);
}

TEST_HARNESS_MAIN
