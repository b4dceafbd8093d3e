// SPDX-License-Identifier: GPL-2.0
/*
 * Exec enforcement, end to end, inside the VM (run as root by tests/vm/payload.sh with the daemon
 * already enforcing /vb/test.policy). Every denial has an allowed twin run the same way.
 *
 * VB_EXPECT_PATH says which kernel path the daemon must have chosen ("lsm", or "fmod_ret" when
 * the VM was booted without bpf in lsm=). Content-hash rules hold on both: the kernel hashes on
 * the lsm path, the daemon (fanotify) on fmod_ret, and status must say which.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "vendorban.h"
#include "probe.h"
#include "vmutil.h"





TEST(status_says_enforcing_and_how)
{
	struct json_object *o, *v;
	int rc;

	o = status_json(&rc);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(0, rc);
	ASSERT_TRUE(json_object_object_get_ex(o, "enforcing", &v));
	EXPECT_TRUE(json_object_get_boolean(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "verified_by_canary", &v));
	EXPECT_TRUE(json_object_get_boolean(v));
	EXPECT_STREQ(getenv("VB_EXPECT_PATH"), field(o, "kernel_path"));
	ASSERT_TRUE(json_object_object_get_ex(o, "content_hashing", &v));
	EXPECT_EQ(lsm_path(), json_object_get_boolean(v));
	EXPECT_STREQ(lsm_path() ? "kernel" : "daemon", field(o, "content_checked"));
	ASSERT_TRUE(json_object_object_get_ex(o, "policy_version", &v));
	EXPECT_EQ(1, json_object_get_int(v));
	json_object_put(o);
}

TEST(unrelated_programs_still_run)
{
	char *const sh_argv[] = { "sh", "-c", "exit 42", NULL };
	char *const bb_argv[] = { "true", NULL };

	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed program");
	EXPECT_RAN(probe_execve("/bin/sh", sh_argv, NULL), "busybox sh");
	EXPECT_EQ(0, probe_execve("/bin/true", bb_argv, NULL).status);
}

TEST(banned_binary_denied)
{
	EXPECT_DENIED(probe_execve(BANNED, NULL, NULL), "banned program");
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed twin");
}

/*
 * A never-seen file of 1 MiB. On the lsm path the kernel hashes it: with the CPU's SHA-256
 * module loaded (the VM's init does what udev does on a host), the daemon set ima.ahash_minsize
 * (it was 0), so IMA hashes files of 64 KiB and more
 * with that driver instead of the generic code it took at boot; the digest must be the same.
 * On fmod_ret the daemon hashes, and leaves the parameter alone.
 */
TEST(large_never_seen_file_judged_with_the_fast_sha256)
{
	char minsize[32] = "";
	FILE *f = fopen("/sys/module/ima/parameters/ahash_minsize", "r");

	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(minsize, sizeof(minsize), f));
	fclose(f);
	EXPECT_STREQ(lsm_path() ? "65536\n" : "0\n", minsize);
	if (lsm_path()) {
		EXPECT_TRUE(file_contains("/tmp/vendorband.log",
					  "never-seen files of 64 KiB and more with sha256-"));
		EXPECT_FALSE(file_contains("/tmp/vendorband.log", "with sha256-generic"));
	}
	EXPECT_DENIED(probe_execve(VB "big_banned", NULL, NULL), "banned, 1 MiB, never seen");
	EXPECT_RAN(probe_execve(VB "big_allowed", NULL, NULL), "its twin, 1 MiB, never seen");
}

TEST(copy_link_rename_denied)
{
	/* Written after the daemon started: never scanned, judged by its content alone. */
	ASSERT_EQ(0, copy_file(BANNED, "/tmp/banned-copy"));
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/allowed-copy"));
	EXPECT_DENIED(probe_execve("/tmp/banned-copy", NULL, NULL), "copy");
	EXPECT_RAN(probe_execve("/tmp/allowed-copy", NULL, NULL), "allowed copy");

	unlink("/tmp/banned-link");
	ASSERT_EQ(0, link("/tmp/banned-copy", "/tmp/banned-link"));
	EXPECT_DENIED(probe_execve("/tmp/banned-link", NULL, NULL), "hard link");

	ASSERT_EQ(0, rename("/tmp/banned-link", "/tmp/innocent-name"));
	EXPECT_DENIED(probe_execve("/tmp/innocent-name", NULL, NULL), "renamed");
	ASSERT_EQ(0, rename("/tmp/allowed-copy", "/tmp/allowed-renamed"));
	EXPECT_RAN(probe_execve("/tmp/allowed-renamed", NULL, NULL), "allowed renamed");
}

/* Identified by its signer alone: no hash or path rule names it. The daemon's scan found it,
 * and handed the kernel its dev/ino and its content hash. */
TEST(signer_identified_binary_and_its_copy_denied)
{
	struct json_object *rec;

	EXPECT_DENIED(probe_execve(SIGNED, NULL, NULL), "binary signed by a banned vendor");
	rec = find_record(SIGNED, "exec", "deny", 10);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("signedvendor", field(rec, "vendor"));
	EXPECT_STREQ("signedvendor-cert-1", field(rec, "rule"));
	EXPECT_EQ(true, !strcmp(field(rec, "match") ?: "", "scan") ||
			!strcmp(field(rec, "match") ?: "", "sha256"));
	json_object_put(rec);

	ASSERT_EQ(0, copy_file(SIGNED, "/tmp/signed-copy"));
	EXPECT_DENIED(probe_execve("/tmp/signed-copy", NULL, NULL), "copy made after the scan");
	rec = find_record("/tmp/signed-copy", "exec", "deny", 10);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("sha256", field(rec, "match"));
	EXPECT_STREQ("signedvendor-cert-1", field(rec, "rule"));
	json_object_put(rec);
}

/* Installed after the scan: unknown to the kernel until the daemon looks again (hourly by
 * default, at once on SIGUSR1 or a reload). */
TEST(rescan_finds_software_installed_later)
{
	const char *late = VB "scanned/late_prog";
	int pid = daemon_pid(), i;

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, copy_file(VB "late/late_prog", late));
	EXPECT_RAN(probe_execve(late, NULL, NULL), "signed by the banned vendor, not yet scanned");
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	for (i = 0; i < 100 && !file_contains("/tmp/vendorband.log", "rescan: 2 files"); i++)
		usleep(100000);
	EXPECT_TRUE(file_contains("/tmp/vendorband.log", "rescan: 2 files identified now"));
	EXPECT_DENIED(probe_execve(late, NULL, NULL), "after the rescan");
	EXPECT_DENIED(probe_execve(SIGNED, NULL, NULL), "the one scanned before, still");
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed, after the rescan");
}

TEST(execveat_denied)
{
	int dir;

	dir = open(VB, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, dir);
	EXPECT_DENIED(probe_execveat(dir, "banned_prog", 0), "execveat(dirfd, name)");
	EXPECT_RAN(probe_execveat(dir, "allowed_prog", 0), "allowed execveat");
	close(dir);
}

TEST(memfd_exec_denied)
{
	EXPECT_DENIED(probe_memfd_exec(BANNED), "memfd_create + fexecve");
	EXPECT_RAN(probe_memfd_exec(ALLOWED), "allowed memfd");
}

/*
 * A filesystem mounted in a mount namespace of this test's own (what an unprivileged user can
 * do in a user namespace). On the lsm path the kernel hashes. On fmod_ret the kernel tells the
 * daemon of the new filesystem as it is made, and refuses an exec from it (EACCES) until the
 * daemon's fanotify watches it; from then on the daemon judges it by content. Never does a
 * banned copy run.
 */
static unsigned long long status_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

static bool sha256_deny_of(struct json_object *rec, void *path)
{
	return record_is(rec, "exec", "deny") && !strcmp(field(rec, "path") ?: "", path) &&
	       !strcmp(field(rec, "match") ?: "", "sha256");
}

TEST(new_filesystem_refused_until_watched_then_judged)
{
	const char *banned = "/tmp/ns-tmpfs/banned", *allowed = "/tmp/ns-tmpfs/allowed";
	struct json_object *rec, *o, *fan = NULL;
	struct probe p;
	int info, dir, rc;
	long from;

	info = fan_info_open();
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	mkdir("/tmp/ns-tmpfs", 0755);
	ASSERT_EQ(0, mount("tmpfs", "/tmp/ns-tmpfs", "tmpfs", 0, NULL));
	ASSERT_EQ(0, copy_file(BANNED, banned));
	ASSERT_EQ(0, copy_file(ALLOWED, allowed));
	p = probe_execve(banned, NULL, NULL);
	EXPECT_OUTCOME(p.outcome == PROBE_REFUSED && (p.err == EPERM || p.err == EACCES), p,
		       "first exec of the banned copy: judged, or refused as not yet watched");
	dir = open("/tmp/ns-tmpfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dir);
	ASSERT_TRUE(wait_watched(info, dir)) TH_LOG("the daemon never watched the new tmpfs");
	close(dir);
	from = log_size();
	p = probe_execve(banned, NULL, NULL);
	EXPECT_DENIED(p, "banned copy on a tmpfs of our own, watched");
	rec = find_record_where(sha256_deny_of, (void *)banned, from, 100);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("acme-sha256-1", field(rec, "rule") ?: "(none)");
	json_object_put(rec);
	EXPECT_RAN(probe_execve(allowed, NULL, NULL), "allowed twin");
	EXPECT_RAN(probe_execve(allowed, NULL, NULL), "allowed twin, again");
	if (info >= 0)
		close(info);
	/* status says what the daemon watches and judges (null on the lsm path: nothing). */
	o = status_json(&rc);
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_object_get_ex(o, "daemon_content", &fan));
	if (lsm_path()) {
		EXPECT_EQ(NULL, fan);
	} else {
		for (int i = 0; i < 50 && status_u64(fan, "refused") < 1; i++) {
			json_object_put(o);	/* written on the daemon's next turn */
			usleep(100000);
			o = status_json(&rc);
			ASSERT_NE(NULL, o);
			json_object_object_get_ex(o, "daemon_content", &fan);
		}
		EXPECT_LE(1ULL, status_u64(fan, "filesystems_since"));
		EXPECT_LE(1ULL, status_u64(fan, "files_hashed"));
		EXPECT_LE(1ULL, status_u64(fan, "refused"));
	}
	json_object_put(o);
}

/*
 * A library opened on a new filesystem before the daemon could watch it: a tmpfs made with
 * fsmount(2) is mounted nowhere (no mountinfo lists it) until move_mount(2). That open was
 * never judged, so its executable mapping is refused, even once the filesystem is mounted and
 * watched; a fresh open then is judged by content. (On the lsm path the kernel hashes at the
 * mapping: refused by content throughout.)
 */
struct early {
	int info, fsfd, mfd, fd;
};

static void early_open(struct __test_metadata *_metadata, struct early *e, const char *dir)
{
	char *buf;
	size_t len;

	e->info = fan_info_open();
	ASSERT_TRUE(lsm_path() || e->info >= 0);
	ASSERT_EQ(0, read_all(BANNED_LIB, &buf, &len));
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	mkdir(dir, 0755);
	e->fsfd = syscall(SYS_fsopen, "tmpfs", 0);
	ASSERT_LE(0, e->fsfd);
	ASSERT_EQ(0, syscall(SYS_fsconfig, e->fsfd, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0));
	e->mfd = syscall(SYS_fsmount, e->fsfd, 0, 0);
	ASSERT_LE(0, e->mfd);
	e->fd = openat(e->mfd, "lib.so", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ASSERT_LE(0, e->fd);
	ASSERT_EQ((ssize_t)len, write(e->fd, buf, len));
	free(buf);
}

/* fd mapped executable (and unmapped): 0, or the errno of the refusal. */
static int fd_map_exec(int fd)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, 4096);
	return 0;
}

/* The early descriptor's executable mapping: refused, with early's errno. */
static void expect_early_refused(struct __test_metadata *_metadata, int fd, const char *when)
{
	int err = fd_map_exec(fd);

	EXPECT_EQ(lsm_path() ? EPERM : EACCES, err) TH_LOG("%s: mapped executable", when);
}

static void early_attach(struct __test_metadata *_metadata, struct early *e, const char *dir)
{
	int d;

	ASSERT_EQ(0, syscall(SYS_move_mount, e->mfd, "", AT_FDCWD, dir,
			     0x4 /* MOVE_MOUNT_F_EMPTY_PATH */));
	d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, d);
	ASSERT_TRUE(wait_watched(e->info, d)) TH_LOG("the daemon never watched the moved mount");
	close(d);
}

static void early_close(struct early *e)
{
	close(e->fd);
	close(e->mfd);
	close(e->fsfd);
	if (e->info >= 0)
		close(e->info);
}

TEST(library_opened_before_watch_not_mapped)
{
	const char *dir = "/tmp/ns-early";
	struct early e;

	early_open(_metadata, &e, dir);
	expect_early_refused(_metadata, e.fd, "from a filesystem no one watches");
	early_attach(_metadata, &e, dir);
	expect_early_refused(_metadata, e.fd, "opened before the watch");
	ASSERT_EQ(0, copy_file(ALLOWED_LIB, "/tmp/ns-early/twin.so"));
	EXPECT_DENIED(probe_mmap_exec("/tmp/ns-early/lib.so"), "the banned library, opened again");
	EXPECT_RAN(probe_mmap_exec("/tmp/ns-early/twin.so"), "the allowed twin");
	early_close(&e);
}

/* More unjudged opens, all held, than the kernel keeps apart: the first must not be pushed
 * out by them. The kernel then remembers the whole filesystem as unjudged instead: its files
 * map executable only with a content verdict (a banned one is refused by it). */
#define N_MORE	(VB_MAX_UNOBSERVED + 1000)

TEST(flood_of_unjudged_opens_does_not_forget_the_first)
{
	const char *dir = "/tmp/ns-flood";
	struct early e;
	int n, *more;

	early_open(_metadata, &e, dir);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &(struct rlimit){ N_MORE + 64, N_MORE + 64 }));
	more = calloc(N_MORE, sizeof(*more));
	ASSERT_NE(NULL, more);
	for (n = 0; n < N_MORE; n++) {
		more[n] = openat(e.mfd, "lib.so", O_RDONLY | O_CLOEXEC);
		if (more[n] < 0)
			break;
	}
	EXPECT_EQ(N_MORE, n) TH_LOG("open %d: %s", n, strerror(errno));
	while (n > 0)
		close(more[--n]);
	free(more);
	early_attach(_metadata, &e, dir);
	expect_early_refused(_metadata, e.fd, "opened before the watch, then a flood of opens");
	EXPECT_DENIED(probe_mmap_exec("/tmp/ns-flood/lib.so"), "the banned library, opened again");
	early_close(&e);
}

/*
 * Root's own fanotify group, the daemon's look-alike: it marks a filesystem the daemon does not
 * watch (a detached fsmount, which no mountinfo lists) for the same permission events, and
 * allows everything. The kernel must still see that the daemon was never asked: an open there
 * maps nothing executable, an exec from there is refused. Once the daemon watches it too, the
 * banned program is refused by content and its allowed twin runs.
 */
static pid_t allow_all(int g)
{
	pid_t pid = fork();
	char buf[4096];
	ssize_t n;

	if (pid)
		return pid;
	while ((n = read(g, buf, sizeof(buf))) > 0) {
		struct fanotify_event_metadata *md = (void *)buf;

		for (; FAN_EVENT_OK(md, n); md = FAN_EVENT_NEXT(md, n)) {
			struct fanotify_response r = { .fd = md->fd, .response = FAN_ALLOW };

			if (md->mask & (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM))
				write(g, &r, sizeof(r));
			if (md->fd >= 0)
				close(md->fd);
		}
	}
	_exit(0);
}

TEST(root_fanotify_group_does_not_stand_in_for_the_daemon)
{
	const char *dir = "/tmp/ns-spoof";
	int g, fd, err, refused = lsm_path() ? EPERM : EACCES;
	struct early e;
	struct probe p;
	pid_t child;

	early_open(_metadata, &e, dir);
	fd = openat(e.mfd, "prog", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ASSERT_LE(0, fd);
	{
		char *buf;
		size_t len;

		ASSERT_EQ(0, read_all(BANNED, &buf, &len));
		ASSERT_EQ((ssize_t)len, write(fd, buf, len));
		free(buf);
	}
	close(fd);
	g = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, g);
	ASSERT_EQ(0, fanotify_mark(g, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
				   FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM, e.mfd, "."))
		TH_LOG("fanotify_mark: %s", strerror(errno));
	child = allow_all(g);
	ASSERT_LT(0, child);

	fd = openat(e.mfd, "lib.so", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	err = fd_map_exec(fd);
	EXPECT_EQ(refused, err) TH_LOG("the banned library, opened under root's group only: %s",
				       err ? strerror(err) : "mapped executable");
	close(fd);
	p = probe_execveat(e.mfd, "prog", 0);
	EXPECT_OUTCOME(p.outcome == PROBE_REFUSED && p.err == refused, p,
		       "the banned program, under root's group only");

	early_attach(_metadata, &e, dir);
	EXPECT_DENIED(probe_execve("/tmp/ns-spoof/prog", NULL, NULL),
		      "the banned program, once the daemon watches too");
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/ns-spoof/twin"));
	EXPECT_RAN(probe_execve("/tmp/ns-spoof/twin", NULL, NULL), "the allowed twin");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(g);
	early_close(&e);
}

/*
 * A listener's event descriptor: fanotify opens it for root's own group, and that open makes no
 * fanotify event, so the daemon never judged it. Written banned bytes, handed over at close:
 * mapping it executable is refused (by content on the lsm path, as never judged on fmod_ret).
 * The same file opened as anyone opens it is judged: refused; an allowed library maps.
 */
TEST(fanotify_event_descriptor_not_mapped_unjudged)
{
	const char *path = "/tmp/evfd-lib.so", *twin = "/tmp/evfd-twin.so";
	struct fanotify_event_metadata md;
	int g, fd, err;
	char *buf;
	size_t len;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ASSERT_LE(0, fd);
	g = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, g);
	ASSERT_EQ(0, fanotify_mark(g, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, path));
	ASSERT_EQ(0, read_all(BANNED_LIB, &buf, &len));
	ASSERT_EQ((ssize_t)len, write(fd, buf, len));
	free(buf);
	close(fd);
	ASSERT_EQ((ssize_t)sizeof(md), read(g, &md, sizeof(md)));
	ASSERT_TRUE(md.mask & FAN_CLOSE_WRITE);
	ASSERT_LE(0, md.fd);
	err = fd_map_exec(md.fd);
	EXPECT_EQ(lsm_path() ? EPERM : EACCES, err)
		TH_LOG("the banned library through root's event descriptor: %s",
		       err ? strerror(err) : "mapped executable");
	close(md.fd);
	close(g);
	EXPECT_DENIED(probe_mmap_exec(path), "the same library, opened as anyone opens it");
	ASSERT_EQ(0, copy_file(ALLOWED_LIB, twin));
	EXPECT_RAN(probe_mmap_exec(twin), "the allowed twin");
	unlink(path);
	unlink(twin);
}

/* As an attacker races it: uid 65534 in a user namespace of its own, a new tmpfs, the banned
 * bytes written and run at once, twenty times, and the same through a fresh memfd. Each is
 * judged or refused as not yet watched; none runs. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -1;
	err = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
	close(fd);
	return err;
}

static int race_once(bool memfd, int round)
{
	char path[64], *buf;
	size_t len;
	int fd, err;

	if (read_all(BANNED, &buf, &len))
		return -1;
	if (memfd) {
		fd = memfd_create("vb-race", 0);
	} else {
		snprintf(path, sizeof(path), "/tmp/race-%d", round);
		if (mount("tmpfs", path, "tmpfs", 0, NULL))
			return -1;
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/b");
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	}
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return -1;
	free(buf);
	if (memfd) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		err = open(path, O_RDONLY);
		close(fd);
		fd = err;
		err = syscall(SYS_execveat, fd, "", (char *[]){ "b", NULL }, (char *[]){ NULL },
			      AT_EMPTY_PATH) ? errno : 0;
	} else {
		close(fd);
		err = execve(path, (char *[]){ "b", NULL }, (char *[]){ NULL }) ? errno : 0;
	}
	return err;
}

static void race(struct __test_metadata *_metadata, bool memfd)
{
	for (int i = 0; i < 20; i++) {
		char dir[64];
		int status, err;
		pid_t pid;

		snprintf(dir, sizeof(dir), "/tmp/race-%d", i);
		mkdir(dir, 0777);
		pid = fork();
		if (pid == 0) {
			if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
			    setresuid(65534, 65534, 65534) || prctl(PR_SET_DUMPABLE, 1) ||
			    unshare(CLONE_NEWUSER | CLONE_NEWNS) ||
			    write_file("/proc/self/setgroups", "deny") ||
			    write_file("/proc/self/uid_map", "0 65534 1\n") ||
			    write_file("/proc/self/gid_map", "0 65534 1\n") ||
			    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
				_exit(100);
			/* An exec that ran exits as banned_prog does (0). */
			err = race_once(memfd, i);
			_exit(err == EACCES ? 103 : err == EPERM ? 104 : err == -1 ? 101 : 105);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		err = WEXITSTATUS(status);
		if (err != 103 && err != 104)
			TH_LOG("round %d (%s): %s", i, memfd ? "memfd" : "tmpfs",
			       err == 0 ? "the banned program RAN" : err == 100 ?
			       "could not become nobody in a user namespace" : err == 101 ?
			       "set-up failed" : "refused with another errno");
		EXPECT_TRUE(err == 103 || err == 104);
	}
}

TEST(new_filesystem_raced_by_nobody_never_runs_banned)
{
	race(_metadata, false);
}

TEST(new_memfd_raced_by_nobody_never_runs_banned)
{
	race(_metadata, true);
}

/*
 * The daemon in a mount namespace of its own, as the shipped unit runs it (PrivateTmp=,
 * PrivateDevices=, ProtectSystem=): a filesystem mounted afterwards in PID 1's namespace (a
 * host's /tmp, /dev/shm) is not in the daemon's mount list. It watches PID 1's mounts too, so
 * the first exec from there is judged by content, on both paths.
 */
TEST(daemon_in_its_own_mount_namespace_judges_the_hosts_mounts)
{
	const char *dir = "/mnt/host-late", *banned = "/mnt/host-late/banned",
		   *allowed = "/mnt/host-late/allowed";

	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	unlink(PIDFILE);
	ASSERT_EQ(0, system("unshare -m --propagation private /bin/sh -c 'mount -t tmpfs "
			    "private /tmp && exec /vb/vendorband --policy /vb/test.policy "
			    "--scan /vb/scanned --no-syslog' > /run/vendorband-ns.log 2>&1 &"));
	for (int i = 0; i < 600 && daemon_pid() <= 0; i++)
		usleep(100000);
	ASSERT_LT(0, daemon_pid()) TH_LOG("the daemon did not start in its own namespace");
	mkdir("/mnt", 0755);
	mkdir(dir, 0755);
	ASSERT_EQ(0, mount("tmpfs", dir, "tmpfs", 0, NULL));
	ASSERT_EQ(0, copy_file(BANNED, banned));
	ASSERT_EQ(0, copy_file(ALLOWED, allowed));
	/* The daemon learns of the mount from PID 1's mountinfo (POLLPRI), not from an exec. */
	sleep(2);
	EXPECT_DENIED(probe_execve(banned, NULL, NULL), "first exec from a mount only PID 1 sees");
	EXPECT_RAN(probe_execve(allowed, NULL, NULL), "allowed twin");
	umount2(dir, MNT_DETACH);
	/* The tests after this one expect the payload's daemon, in PID 1's namespace. */
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	ASSERT_EQ(0, start_daemon_with("--policy /vb/test.policy --scan /vb/scanned",
				       "/tmp/vendorband.log"));
}

TEST(ldso_invocation_denied)
{
	char *const argv_b[] = { "ld.so", BANNED, NULL };
	char *const argv_a[] = { "ld.so", ALLOWED, NULL };
	struct probe p;
	struct json_object *rec;

	/* ld.so itself is allowed; it is its mmap(PROT_EXEC) of the program that is refused. */
	p = probe_execve(LDSO, argv_b, NULL);
	EXPECT_OUTCOME(p.outcome == PROBE_EXITED && p.status == 127, p, "ld.so ./banned");
	EXPECT_RAN(probe_execve(LDSO, argv_a, NULL), "ld.so ./allowed");
	/* On the fmod_ret path the mmap hook may not resolve a path: the file's name only. */
	rec = find_record(lsm_path() ? BANNED : "banned_prog", "mmap", "deny", 10);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);

	EXPECT_DENIED(probe_mmap_exec(BANNED), "mmap(PROT_EXEC) of banned file");
	EXPECT_RAN(probe_mmap_exec(ALLOWED), "mmap(PROT_EXEC) of allowed file");
}

TEST(banned_library_not_loaded)
{
	char *const env_b[] = { "LD_PRELOAD=" BANNED_LIB, "VB_LIB_EXIT=1", NULL };
	char *const env_a[] = { "LD_PRELOAD=" ALLOWED_LIB, "VB_LIB_EXIT=1", NULL };
	char *const argv_b[] = { "dlopen_probe", BANNED_LIB, NULL };
	char *const argv_a[] = { "dlopen_probe", ALLOWED_LIB, NULL };
	struct probe p;

	/* A preloaded library that loads ends the process with 43; ld.so skips one it cannot
	 * map, and the program runs without it (42). */
	EXPECT_RAN(probe_execve(ALLOWED, NULL, env_b), "LD_PRELOAD of banned library");
	p = probe_execve(ALLOWED, NULL, env_a);
	EXPECT_OUTCOME(p.outcome == PROBE_EXITED && p.status == 43, p,
		       "LD_PRELOAD of allowed library");

	p = probe_execve(VB "dlopen_probe", argv_b, NULL);
	EXPECT_OUTCOME(p.outcome == PROBE_EXITED && p.status == 1, p, "dlopen of banned");
	p = probe_execve(VB "dlopen_probe", argv_a, NULL);
	EXPECT_OUTCOME(p.outcome == PROBE_EXITED && p.status == 0, p, "dlopen of allowed");
}

TEST(mprotect_to_exec_judged)
{
	struct probe p;

	/* Judged once by exec, so both have a cached verdict. */
	probe_execve(BANNED, NULL, NULL);
	probe_execve(ALLOWED, NULL, NULL);
	EXPECT_DENIED(probe_mprotect_exec(BANNED), "mprotect(+PROT_EXEC) of banned");
	EXPECT_RAN(probe_mprotect_exec(ALLOWED), "mprotect(+PROT_EXEC) of allowed");
	/* Never mapped executable: no verdict, and this hook cannot hash (mmap_lock is held). */
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/never-judged"));
	p = probe_mprotect_exec("/tmp/never-judged");
	EXPECT_OUTCOME(p.outcome == PROBE_REFUSED && p.err == EACCES, p,
		       "mprotect(+PROT_EXEC) of a file with no verdict");
}

TEST(script_with_banned_interpreter_denied)
{
	int fd;

	fd = open("/tmp/uses-banned.sh", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ(18, write(fd, "#!" BANNED "\n", 18));
	close(fd);
	fd = open("/tmp/uses-allowed.sh", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ(19, write(fd, "#!" ALLOWED "\n", 19));
	close(fd);
	EXPECT_DENIED(probe_execve("/tmp/uses-banned.sh", NULL, NULL), "#! banned interpreter");
	EXPECT_RAN(probe_execve("/tmp/uses-allowed.sh", NULL, NULL), "#! allowed interpreter");
}

TEST(rewritten_after_clean_verdict_judged_again)
{
	struct probe p;
	struct stat st;
	void *map;
	char *src;
	int fd;

	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/mutable"));
	EXPECT_RAN(probe_execve("/tmp/mutable", NULL, NULL), "before rewrite");
	EXPECT_RAN(probe_execve("/tmp/mutable", NULL, NULL), "cached clean");
	ASSERT_EQ(0, overwrite_file(BANNED, "/tmp/mutable"));
	EXPECT_DENIED(probe_execve("/tmp/mutable", NULL, NULL), "after write()");
	ASSERT_EQ(0, overwrite_file(ALLOWED, "/tmp/mutable"));
	EXPECT_RAN(probe_execve("/tmp/mutable", NULL, NULL), "written back");

	/* Through a shared writable mapping, after the descriptor is closed. */
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/mapped"));
	EXPECT_RAN(probe_execve("/tmp/mapped", NULL, NULL), "before mapping");
	ASSERT_EQ(0, stat(BANNED, &st));
	fd = open("/tmp/mapped", O_RDWR);
	ASSERT_LE(0, fd);
	map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	close(fd);
	fd = open(BANNED, O_RDONLY);
	src = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, src);
	memcpy(map, src, st.st_size);	/* same size: the targets are built that way */
	/* While the mapping lives, the kernel itself refuses the exec (ETXTBSY) after the LSM
	 * hook opened it; on the fmod_ret path the daemon judges the open itself, before that
	 * check, and refuses the banned bytes (EPERM). Once it is gone, the new content must be
	 * judged, not the verdict from before. */
	p = probe_execve("/tmp/mapped", NULL, NULL);
	EXPECT_OUTCOME(p.outcome == PROBE_REFUSED && p.err == (lsm_path() ? ETXTBSY : EPERM), p,
		       "while mapped shared-writable");
	munmap(map, st.st_size);
	munmap(src, st.st_size);
	EXPECT_DENIED(probe_execve("/tmp/mapped", NULL, NULL), "after write through mapping");
}

TEST(path_rules_deny_on_every_path)
{
	/* Path rules work on both kernel paths: here on fmod_ret too. */
	mkdir("/opt", 0755);
	mkdir("/opt/acme", 0755);
	mkdir("/opt/acmetools", 0755);
	mkdir("/opt/exact", 0755);
	ASSERT_EQ(0, copy_file(ALLOWED, "/opt/acme/agent"));
	ASSERT_EQ(0, copy_file(ALLOWED, "/opt/acmetools/agent"));
	ASSERT_EQ(0, copy_file(ALLOWED, "/opt/exact/tool"));
	ASSERT_EQ(0, copy_file(ALLOWED, "/opt/exact/tool2"));
	EXPECT_DENIED(probe_execve("/opt/acme/agent", NULL, NULL), "under /opt/acme/");
	EXPECT_RAN(probe_execve("/opt/acmetools/agent", NULL, NULL), "/opt/acmetools (sibling)");
	EXPECT_DENIED(probe_execve("/opt/exact/tool", NULL, NULL), "exact path");
	EXPECT_RAN(probe_execve("/opt/exact/tool2", NULL, NULL), "next to exact path");
}

TEST(audit_mode_allows_and_logs)
{
	struct json_object *rec;

	EXPECT_RAN(probe_execve(AUDITED, NULL, NULL), "audited program");
	rec = find_record(AUDITED, "exec", "would-deny", 10);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("audit", field(rec, "mode"));
	EXPECT_STREQ("watch", field(rec, "vendor"));
	EXPECT_EQ(NULL, field(rec, "errno"));
	json_object_put(rec);
}

TEST(denial_record_has_every_field)
{
	const char *want_path = lsm_path() ? BANNED : "/opt/acme/agent";
	struct json_object *rec;
	char host[256], sha[65], exe[64];
	const char *t;

	if (!lsm_path())
		ASSERT_EQ(0, copy_file(ALLOWED, "/opt/acme/agent"));
	EXPECT_DENIED(probe_execve(want_path, NULL, NULL), "denied for the record");
	rec = find_record(want_path, "exec", "deny", 10);
	ASSERT_NE(NULL, rec);
	TH_LOG("%s", json_object_to_json_string(rec));
	t = field(rec, "time");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(27, (int)strlen(t));		/* 2026-11-23T09:47:47.005396Z */
	EXPECT_EQ('T', t[10]);
	EXPECT_EQ('Z', t[26]);
	gethostname(host, sizeof(host));
	EXPECT_STREQ(host, field(rec, "host"));
	EXPECT_STREQ("enforce", field(rec, "mode"));
	EXPECT_STREQ("acme", field(rec, "vendor"));
	EXPECT_STREQ("ACME Banned Corp", field(rec, "vendor_name"));
	EXPECT_STREQ("EPERM", field(rec, "errno"));
	EXPECT_EQ(0, strtol(field(rec, "uid") ?: "-1", NULL, 10));
	EXPECT_EQ(getpid(), strtol(field(rec, "ppid") ?: "0", NULL, 10));
	EXPECT_LT(0, strtol(field(rec, "pid") ?: "0", NULL, 10));
	EXPECT_LT(0, strtol(field(rec, "ino") ?: "0", NULL, 10));
	EXPECT_NE(NULL, field(rec, "dev"));
	EXPECT_STREQ("test_exec", field(rec, "comm"));
	EXPECT_STREQ("test_exec", field(rec, "parent_comm"));
	snprintf(exe, sizeof(exe), "%s", field(rec, "parent_exe") ?: "");
	EXPECT_STREQ(VB "test_exec", exe);
	EXPECT_EQ(1, strtol(field(rec, "policy_version") ?: "0", NULL, 10));
	if (lsm_path()) {
		ASSERT_EQ(0, sha256_file_hex(BANNED, sha));
		EXPECT_STREQ(sha, field(rec, "sha256"));
		EXPECT_STREQ("sha256", field(rec, "match"));
		EXPECT_STREQ("acme-sha256-1", field(rec, "rule"));
		EXPECT_STREQ("/vb/test.policy:4", field(rec, "rule_source"));
	} else {
		EXPECT_STREQ("path", field(rec, "match"));
		EXPECT_STREQ("acme-path-1", field(rec, "rule"));
		EXPECT_STREQ("/vb/test.policy:6", field(rec, "rule_source"));
	}
	json_object_put(rec);
}





/* A refused policy never leaves the host unprotected: the old one goes on enforcing. */
TEST(reload_applies_good_policy_and_keeps_old_one_on_error)
{
	const char *victim = lsm_path() ? BANNED : "/opt/acme/agent";
	char text[4096], *ver, cmd[256];
	size_t n;
	FILE *f;
	int pid, i, rc;

	if (!lsm_path())
		ASSERT_EQ(0, copy_file(ALLOWED, victim));
	f = fopen("/vb/test.policy", "r");
	ASSERT_NE(NULL, f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	ver = strstr(text, "version 1\n");
	ASSERT_NE(NULL, ver);
	ver[8] = '2';
	ASSERT_EQ(0, write_text("/vb/test.policy", text));
	pid = daemon_pid();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, kill(pid, SIGHUP));
	for (i = 0; i < 100 && status_policy_version() != 2; i++)
		usleep(100000);
	EXPECT_EQ(2, status_policy_version());
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "after a good reload");

	/* The same file with one bad line: refused whole, version 2 stays in force. */
	ASSERT_EQ(0, write_text("/vb/bad.policy.tmp", text));
	f = fopen("/vb/bad.policy.tmp", "a");
	ASSERT_NE(NULL, f);
	fputs("\tsha256 12345\n", f);
	fclose(f);
	ASSERT_EQ(0, rename("/vb/bad.policy.tmp", "/vb/test.policy"));
	ASSERT_EQ(0, kill(pid, SIGHUP));
	sleep(2);
	EXPECT_EQ(0, kill(pid, 0));
	EXPECT_EQ(2, status_policy_version());
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "after a refused reload");
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed, after a refused reload");

	/* A second daemon given the bad file refuses to start, naming the place. */
	snprintf(cmd, sizeof(cmd), "/vb/vendorband --policy /vb/test.policy --no-syslog "
		 "> /tmp/bad-start.log 2>&1");
	rc = system(cmd);
	EXPECT_EQ(1, WEXITSTATUS(rc));
	EXPECT_TRUE(file_contains("/tmp/bad-start.log",
				  "/vb/test.policy:15:9: error: sha256 must be 64 hex digits"));
	EXPECT_EQ(2, status_policy_version());
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "after a refused start");

	ASSERT_EQ(0, write_text("/vb/test.policy", text));	/* good again, for the restart */
}

/*
 * option unjudged-exec deny: what runs when no one can judge content. On the fmod_ret path,
 * with the daemon down, no never-seen file is judged: refused with EACCES, while a file judged
 * before keeps its verdict. With the daemon up, everything is judged (a memfd too: the daemon
 * watches each one). On the lsm path the kernel hashes everything itself, and the option
 * changes nothing.
 */
/* A fixture only for its timeout: the daemon stops and starts again (a scan, a self-test). */
FIXTURE(unjudged) {};
FIXTURE_SETUP(unjudged) {}

/* Whatever failed: the tests after this one need a host that runs what it is given. Run
 * without a shell: with the option in force and no daemon, only vendorband itself may run. */
FIXTURE_TEARDOWN(unjudged)
{
	char *const argv[] = { "vendorband", "--disable", NULL };
	int status;
	pid_t pid;

	stop_daemon_with(SIGTERM);
	pid = fork();
	if (pid == 0) {
		execv("/vb/vendorband", argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
}

static int slurp_text(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 8192);

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return -1;
	}
	*len = fread(buf, 1, 8191, f);
	fclose(f);
	*out = buf;
	return 0;
}

TEST_F_TIMEOUT(unjudged, exec_option, 120)
{
	const int unjudged = lsm_path() ? 0 : EACCES;
	char text[4096], *ver, *vendor, with[4200];
	struct json_object *o;
	struct probe p;
	size_t n;
	FILE *f;
	int pid, i, rc, held, err;

	f = fopen("/vb/test.policy", "r");
	ASSERT_NE(NULL, f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	ver = strstr(text, "version ");
	vendor = strstr(text, "\nvendor ");
	ASSERT_NE(NULL, ver);
	ASSERT_NE(NULL, vendor);
	ver[8] = '3';
	snprintf(with, sizeof(with), "%.*s\noption unjudged-exec deny%s", (int)(vendor - text),
		 text, vendor);
	ASSERT_EQ(0, write_text("/vb/test.policy", with));
	/* Whichever test ran before: a daemon reloads, or one starts (after a disable). */
	pid = daemon_pid();
	if (pid > 0) {
		ASSERT_EQ(0, kill(pid, SIGHUP));
	} else {
		ASSERT_EQ(0, start_daemon_with("--policy /vb/test.policy --scan /vb/scanned",
					       "/tmp/vendorband-unjudged.log"));
	}
	for (i = 0; i < 100 && status_policy_version() != 3; i++)
		usleep(100000);
	if (status_policy_version() != 3) {
		char *log = NULL;
		size_t len;

		if (!slurp_text("/tmp/vendorband-unjudged.log", &log, &len))
			TH_LOG("the daemon said: %s", log);
		free(log);
	}
	ASSERT_EQ(3, status_policy_version());
	o = status_json(&rc);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(0, rc);
	EXPECT_STREQ(lsm_path() ? "(none)" : "deny", field(o, "unjudged_exec") ?: "(none)");
	json_object_put(o);

	/* The daemon judges: files and memfds by their content. */
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/unjudged-allowed"));
	ASSERT_EQ(0, copy_file(BANNED, "/tmp/unjudged-banned"));
	EXPECT_RAN(probe_execve("/tmp/unjudged-allowed", NULL, NULL), "allowed, daemon up");
	EXPECT_DENIED(probe_execve("/tmp/unjudged-banned", NULL, NULL), "banned, daemon up");
	EXPECT_RAN(probe_memfd_exec(ALLOWED), "allowed bytes in a memfd");
	EXPECT_DENIED(probe_memfd_exec(BANNED), "banned bytes in a memfd");
	/* Judged under this policy, so the kernel keeps their verdicts. */
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed, daemon up");
	EXPECT_DENIED(probe_execve(BANNED, NULL, NULL), "banned, daemon up");

	/* No daemon: never-seen files are refused; one judged before keeps its verdict. */
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/unjudged-allowed-2"));
	ASSERT_EQ(0, copy_file(BANNED, "/tmp/unjudged-banned-2"));
	p = probe_execve("/tmp/unjudged-allowed-2", NULL, NULL);
	EXPECT_OUTCOME(unjudged ? p.outcome == PROBE_REFUSED && p.err == unjudged :
			      p.outcome == PROBE_RAN, p, "never-seen allowed file, daemon down");
	p = probe_execve("/tmp/unjudged-banned-2", NULL, NULL);
	EXPECT_OUTCOME(p.outcome == PROBE_REFUSED && p.err == (unjudged ?: EPERM), p,
		       "never-seen banned file, daemon down");
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "judged before, daemon down");
	EXPECT_DENIED(probe_execve(BANNED, NULL, NULL), "banned, judged before, daemon down");
	/* A library is code run as much as a program is. */
	ASSERT_EQ(0, copy_file(ALLOWED_LIB, "/tmp/unjudged-allowed-2.so"));
	ASSERT_EQ(0, copy_file(BANNED_LIB, "/tmp/unjudged-banned-2.so"));
	p = probe_mmap_exec("/tmp/unjudged-allowed-2.so");
	EXPECT_OUTCOME(unjudged ? p.outcome == PROBE_REFUSED && p.err == unjudged :
			      p.outcome == PROBE_RAN, p, "never-seen allowed library, daemon down");
	p = probe_mmap_exec("/tmp/unjudged-banned-2.so");
	EXPECT_OUTCOME(p.outcome == PROBE_REFUSED && p.err == (unjudged ?: EPERM), p,
		       "never-seen banned library, daemon down");
	/* Opened now, while no one is asked, and held (allowed bytes, so only that decides). */
	ASSERT_EQ(0, copy_file(ALLOWED_LIB, "/tmp/unjudged-held.so"));
	held = open("/tmp/unjudged-held.so", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, held);
	o = status_json(&rc);
	ASSERT_NE(NULL, o);
	if (!lsm_path()) {
		EXPECT_NE(NULL, strstr(field(o, "content_check") ?: "", "is refused (option "
				       "unjudged-exec deny)"));
	}
	json_object_put(o);

	/* A daemon again: the file refused unjudged is judged now, by its content. */
	ASSERT_EQ(0, start_daemon_with("--policy /vb/test.policy --scan /vb/scanned",
				       "/tmp/vendorband-unjudged-2.log"));
	EXPECT_RAN(probe_execve("/tmp/unjudged-allowed-2", NULL, NULL), "allowed, daemon back");
	EXPECT_DENIED(probe_execve("/tmp/unjudged-banned-2", NULL, NULL), "banned, daemon back");
	EXPECT_RAN(probe_mmap_exec("/tmp/unjudged-allowed-2.so"), "allowed library, daemon back");
	EXPECT_DENIED(probe_mmap_exec("/tmp/unjudged-banned-2.so"), "banned library, daemon back");
	/* The descriptor opened while no daemon ran was never judged: not mapped now either
	 * (on lsm the kernel hashes it: allowed). Opened again, it is judged, and maps. */
	err = fd_map_exec(held);
	EXPECT_EQ(unjudged, err) TH_LOG("the library opened while no daemon ran: %s",
					err ? strerror(err) : "mapped executable");
	close(held);
	EXPECT_RAN(probe_mmap_exec("/tmp/unjudged-held.so"), "the same library, opened again");

	/* As the tests after this one expect: the policy without the option, nothing loaded. */
	ver[8] = '4';
	ASSERT_EQ(0, write_text("/vb/test.policy", text));
}

/* Last: it kills the daemon. */
TEST(kill9_leaves_enforcement_on_and_restart_takes_over)
{
	/* bpf_prog_info.name holds 15 characters. */
	const char *prog = lsm_path() ? "vb_lsm_bprm_che" : "vb_fr_file_open";
	const char *victim = lsm_path() ? "/tmp/while-dead" : "/opt/acme/while-dead";
	struct json_object *o, *v, *rec;
	int pid, rc, i;

	EXPECT_EQ(1, progs_named(prog));
	pid = daemon_pid();
	ASSERT_LT(0, pid);
	/* Only PID 1 may (bpf/guard.bpf.h): a root shell's SIGKILL is refused. */
	EXPECT_EQ(-1, kill(pid, SIGKILL));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, init_kill(pid, SIGKILL));
	for (i = 0; i < 100 && !kill(pid, 0); i++)
		usleep(100000);
	ASSERT_NE(0, kill(pid, 0));

	/* Nobody in user space now: the kernel alone must refuse. */
	ASSERT_EQ(0, copy_file(lsm_path() ? BANNED : ALLOWED, victim));
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "with the daemon killed");
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed, daemon killed");
	/* A never-seen copy of the banned file: the lsm path hashes it; on fmod_ret no one can
	 * while the daemon is down, and by default (no option unjudged-exec deny) it runs, to be
	 * hashed and put on record by the next daemon. */
	ASSERT_EQ(0, copy_file(BANNED, "/tmp/dead-copy"));
	if (lsm_path())
		EXPECT_DENIED(probe_execve("/tmp/dead-copy", NULL, NULL), "never seen, daemon dead");
	else
		EXPECT_RAN(probe_execve("/tmp/dead-copy", NULL, NULL), "never seen, daemon dead");
	/* And a never-seen copy of the banned library, the same way (on fmod_ret unrecorded:
	 * the mapping hook cannot name the file for the next daemon to open). */
	ASSERT_EQ(0, copy_file(BANNED_LIB, "/tmp/dead-copy.so"));
	if (lsm_path())
		EXPECT_DENIED(probe_mmap_exec("/tmp/dead-copy.so"), "library, daemon dead");
	else
		EXPECT_RAN(probe_mmap_exec("/tmp/dead-copy.so"), "library, daemon dead");
	/* The kernel refuses, but nothing logs or watches: status does not call that enforcing. */
	o = status_json(&rc);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(1, rc);
	ASSERT_TRUE(json_object_object_get_ex(o, "enforcing", &v));
	EXPECT_FALSE(json_object_get_boolean(v));
	EXPECT_NE(NULL, strstr(field(o, "reason") ?: "", "vendorband is not running"));
	json_object_put(o);

	unlink(PIDFILE);
	ASSERT_EQ(0, system("/vb/vendorband --policy /vb/test.policy --no-syslog "
			    "> /tmp/vendorband-2.log 2>&1 &"));
	for (i = 0; i < 600 && access(PIDFILE, F_OK); i++)
		usleep(100000);
	ASSERT_EQ(0, access(PIDFILE, F_OK));
	EXPECT_TRUE(file_contains("/tmp/vendorband-2.log", "(taken over)"));
	EXPECT_EQ(1, progs_named(prog));

	/* The denial made while it was dead waited in the ring buffer and is logged now. */
	rec = find_record(victim, "exec", "deny", 15);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "after restart");
	rec = find_record("/tmp/dead-copy", "exec", lsm_path() ? "deny" : "would-deny", 15);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("sha256", field(rec, "match") ?: "");
	EXPECT_STREQ(lsm_path() ? "(none)" : "true", field(rec, "ran_unjudged") ?: "(none)");
	/* The same policy text as the killed daemon's: the records it left name their rule. */
	EXPECT_STREQ("acme-sha256-1", field(rec, "rule") ?: "(none)");
	json_object_put(rec);
	EXPECT_DENIED(probe_execve("/tmp/dead-copy", NULL, NULL), "judged now");
	if (lsm_path()) {
		rec = find_own_record("/tmp/dead-copy.so", "mmap", "deny", 15);
		ASSERT_NE(NULL, rec);
		EXPECT_STREQ("acme-sha256-2", field(rec, "rule") ?: "(none)");
		json_object_put(rec);
	}
	EXPECT_DENIED(probe_mmap_exec("/tmp/dead-copy.so"), "library, judged now");
}

/* After the takeover test: the operator's deliberate off switch, and status telling the truth. */
TEST(disable_detaches_and_status_says_not_enforcing)
{
	const char *victim = lsm_path() ? BANNED : "/opt/acme/agent";
	struct json_object *o, *v;
	int pid, rc, i;

	if (!lsm_path())
		ASSERT_EQ(0, copy_file(ALLOWED, victim));
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "before disable");
	pid = daemon_pid();
	ASSERT_LT(0, pid);
	/* Refused while the daemon runs: it holds the programs too. */
	EXPECT_NE(0, WEXITSTATUS(system("/vb/vendorban disable --yes")));
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "after a refused disable");

	ASSERT_EQ(0, init_kill(pid, SIGTERM));
	for (i = 0; i < 100 && !kill(pid, 0); i++)
		usleep(100000);
	ASSERT_NE(0, kill(pid, 0));
	/* A clean stop leaves enforcement on, like a crash. */
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "after SIGTERM");

	EXPECT_EQ(0, WEXITSTATUS(system("/vb/vendorban disable --yes")));
	EXPECT_RAN(probe_execve(victim, NULL, NULL), "after disable");
	o = status_json(&rc);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(1, rc);
	ASSERT_TRUE(json_object_object_get_ex(o, "enforcing", &v));
	EXPECT_FALSE(json_object_get_boolean(v));
	EXPECT_NE(NULL, field(o, "reason"));
	json_object_put(o);
}

TEST_HARNESS_MAIN
