// SPDX-License-Identifier: GPL-2.0
/*
 * The atomic write-and-rename (util/atomic.c): a reader sees the old file or the new one, whole.
 * Each way to fail (the content cannot be made, the target is a directory, the directory cannot
 * be written, it does not exist) has its twin that succeeds, and every failure leaves the old
 * file as it was and no temporary file behind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "hostutil.h"

#include "util/atomic.h"

#define OLD_TEXT	"old content\n"
#define NEW_TEXT	"new content, longer than the old\n"

FIXTURE(atomic) {
	char dir[64];
	char path[128];
	mode_t umask_was;
};

FIXTURE_SETUP(atomic)
{
	strcpy(self->dir, "/tmp/vb-atomic-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/target", self->dir);
	self->umask_was = umask(022);
}

FIXTURE_TEARDOWN(atomic)
{
	umask(self->umask_was);
	chmod(self->dir, 0700);
	if (sh("rm -rf '%s'", self->dir))
		TH_LOG("cleanup of %s failed", self->dir);
}

/* Names in dir other than the ones expected, temporary files above all. */
static int stray_files(const char *dir, const char *keep)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (keep && !strcmp(de->d_name, keep)))
			continue;
		n++;
	}
	closedir(d);
	return n;
}

static bool holds(const char *path, const char *text)
{
	char *s = slurp(path);
	bool same = s && !strcmp(s, text);

	free(s);
	return same;
}

static int fill_fails(int fd, void *arg)
{
	/* Half written, then the source of the content fails: nothing of it may show. */
	if (write(fd, NEW_TEXT, 5) != 5)
		return -errno;
	return -EIO;
}

static int fill_text(FILE *f, void *arg)
{
	return fprintf(f, "%s", (const char *)arg) < 0 ? -EIO : 0;
}

static int fill_text_fails(FILE *f, void *arg)
{
	fprintf(f, "%s", (const char *)arg);
	return -ENOSPC;
}

TEST_F(atomic, creates_with_mode)
{
	struct stat st;

	ASSERT_EQ(0, vb_atomic_write(self->path, NEW_TEXT, strlen(NEW_TEXT), 0640));
	EXPECT_TRUE(holds(self->path, NEW_TEXT));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0640, (int)(st.st_mode & 07777));
	EXPECT_EQ(0, stray_files(self->dir, "target"));

	/* The umask applies, as for open(2). */
	umask(077);
	ASSERT_EQ(0, vb_atomic_write(self->path, OLD_TEXT, strlen(OLD_TEXT), 0644));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, (int)(st.st_mode & 07777));
}

TEST_F(atomic, replaces_whole)
{
	struct stat before, after;

	ASSERT_EQ(0, write_file(self->path, OLD_TEXT, strlen(OLD_TEXT)));
	ASSERT_EQ(0, stat(self->path, &before));
	ASSERT_EQ(0, vb_atomic_write(self->path, NEW_TEXT, strlen(NEW_TEXT), 0644));
	EXPECT_TRUE(holds(self->path, NEW_TEXT));
	/* A new inode: a reader holding the old one keeps reading the old content. */
	ASSERT_EQ(0, stat(self->path, &after));
	EXPECT_NE(before.st_ino, after.st_ino);
	EXPECT_EQ(0, stray_files(self->dir, "target"));

	ASSERT_EQ(0, vb_atomic_write(self->path, "", 0, 0644));
	EXPECT_TRUE(holds(self->path, ""));
}

TEST_F(atomic, failed_fill_keeps_old)
{
	ASSERT_EQ(0, write_file(self->path, OLD_TEXT, strlen(OLD_TEXT)));
	EXPECT_EQ(-EIO, vb_atomic_write_fd(self->path, 0644, fill_fails, NULL));
	EXPECT_TRUE(holds(self->path, OLD_TEXT));
	EXPECT_EQ(0, stray_files(self->dir, "target"));
}

TEST_F(atomic, stream)
{
	ASSERT_EQ(0, write_file(self->path, OLD_TEXT, strlen(OLD_TEXT)));
	ASSERT_EQ(0, vb_atomic_write_file(self->path, 0644, fill_text, NEW_TEXT));
	EXPECT_TRUE(holds(self->path, NEW_TEXT));
	EXPECT_EQ(0, stray_files(self->dir, "target"));
}

TEST_F(atomic, failed_stream_keeps_old)
{
	ASSERT_EQ(0, write_file(self->path, OLD_TEXT, strlen(OLD_TEXT)));
	EXPECT_EQ(-ENOSPC, vb_atomic_write_file(self->path, 0644, fill_text_fails, NEW_TEXT));
	EXPECT_TRUE(holds(self->path, OLD_TEXT));
	EXPECT_EQ(0, stray_files(self->dir, "target"));
}

/* The rename fails after the temporary file is written and synced: it is removed again. */
TEST_F(atomic, target_is_a_directory)
{
	char inside[192];
	struct stat st;

	ASSERT_EQ(0, mkdir(self->path, 0755));
	snprintf(inside, sizeof(inside), "%s/kept", self->path);
	ASSERT_EQ(0, write_file(inside, OLD_TEXT, strlen(OLD_TEXT)));
	EXPECT_EQ(-EISDIR, vb_atomic_write(self->path, NEW_TEXT, strlen(NEW_TEXT), 0644));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_TRUE(holds(inside, OLD_TEXT));
	EXPECT_EQ(0, stray_files(self->dir, "target"));
}

/* The write as a user who may not write the directory: root in the tests drops to nobody, since
 * CAP_DAC_OVERRIDE writes a mode-0555 directory all the same. The exit status is the -errno. */
static int write_as_other_user(const char *path)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(255);
		_exit(-vb_atomic_write(path, NEW_TEXT, strlen(NEW_TEXT), 0644));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

TEST_F(atomic, directory_not_writable)
{
	ASSERT_EQ(0, write_file(self->path, OLD_TEXT, strlen(OLD_TEXT)));
	ASSERT_EQ(0, chmod(self->path, 0644));
	ASSERT_EQ(0, chmod(self->dir, 0555));
	EXPECT_EQ(-EACCES, write_as_other_user(self->path));
	ASSERT_EQ(0, chmod(self->dir, 0700));
	EXPECT_TRUE(holds(self->path, OLD_TEXT));
	EXPECT_EQ(0, stray_files(self->dir, "target"));
}

TEST_F(atomic, directory_missing)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/no-such-dir/target", self->dir);
	EXPECT_EQ(-ENOENT, vb_atomic_write(path, NEW_TEXT, strlen(NEW_TEXT), 0644));
	EXPECT_EQ(0, stray_files(self->dir, NULL));
}

/* A temporary file of the same name as ours would take is never written into: O_EXCL. */
TEST_F(atomic, leaves_others_temporary_files_alone)
{
	char other[192];

	snprintf(other, sizeof(other), "%s" VB_ATOMIC_TMP_SUFFIX "someone", self->path);
	ASSERT_EQ(0, write_file(other, OLD_TEXT, strlen(OLD_TEXT)));
	ASSERT_EQ(0, vb_atomic_write(self->path, NEW_TEXT, strlen(NEW_TEXT), 0644));
	EXPECT_TRUE(holds(self->path, NEW_TEXT));
	EXPECT_TRUE(holds(other, OLD_TEXT));
}

TEST(write_all_to_a_closed_fd)
{
	EXPECT_EQ(-EBADF, vb_write_all(-1, "x", 1));
}

TEST_HARNESS_MAIN
