// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict integrity: no user, privileged or not, gets a banned file's code to run. Each case
 * takes a file that was judged clean (or a path a rule names) and tries to get its content run
 * anyway: a file rewritten under an overlay, a memfd rewritten through its own descriptor, a
 * path rule reached by another name, writes that skip the usual hooks, file systems on a loop
 * device, a banned module compressed again. Every refusal must be EPERM and logged; every one
 * has an allowed twin run the same way.
 *
 * Runs after test_exec (which leaves vendorban disabled): it starts its own daemon on
 * /vb/integrity.policy (test.policy plus a path rule for /vb/pathrule/ban/, made by
 * mkpayload.sh), and leaves vendorban disabled again for test_reload.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define INTEGRITY_POLICY	VB "integrity.policy"
#define PATHRULE		VB "pathrule"		/* holds ban/ (named by a path rule) and free/ */
#define NOBODY			65534
#define MAX_STEPS		8
#define RECORD_TENTHS		100	/* how long a denial's record may take to appear */
#define MODULE_INIT_COMPRESSED_FILE 4
#define TIMEOUT			120	/* TCG: module loads and file systems take seconds */

static char release[65];

/* ---- small helpers ------------------------------------------------------------------- */

static int slurp(const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !(*buf = malloc(st.st_size + 1))) {
		close(fd);
		return -EIO;
	}
	*len = st.st_size;
	if (read(fd, *buf, *len) != (ssize_t)*len)
		err = -EIO;
	close(fd);
	if (err)
		free(*buf);
	return err;
}

/* One write(2) of text: /proc/self/uid_map takes its map in a single write, and no O_TRUNC. */
static int write_once(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err = -1;
	close(fd);
	return err;
}

static int mkdir_p(const char *path)
{
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

static int private_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		return -1;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* ---- the denial's record ------------------------------------------------------------- */

struct record_want {
	pid_t parent;
	const char *op, *needle;
};

static bool record_match(struct json_object *rec, void *arg)
{
	const struct record_want *w = arg;
	char parent[16];

	snprintf(parent, sizeof(parent), "%d", w->parent);
	return !strcmp(field(rec, "operation") ?: "", w->op) &&
	       !strcmp(field(rec, "action") ?: "", "deny") &&
	       !strcmp(field(rec, "ppid") ?: "", parent) &&
	       strstr(field(rec, "path") ?: "", w->needle);
}

/*
 * The deny record, written since byte `from` of the log, of a child of `parent` whose path
 * holds `needle`: the file's own name, since the kernel may name a file under an overlay or a
 * bind mount by either of its paths. Looked for only after a denial (a missing refusal is
 * reported already; waiting for its record would only slow the run).
 */
static void expect_record(struct __test_metadata *_metadata, struct probe p, long from,
			  pid_t parent, const char *op, const char *needle, int uid)
{
	struct record_want w = { parent, op, needle };
	struct json_object *rec;

	if (!DENIED_EPERM(p))
		return;
	rec = find_record_where(record_match, &w, from, RECORD_TENTHS);
	if (!rec)
		TH_LOG("no %s deny record naming %s for a child of %d", op, needle, parent);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("EPERM", field(rec, "errno"));
	EXPECT_STREQ("enforce", field(rec, "mode"));
	EXPECT_EQ(uid, strtol(field(rec, "uid") ?: "-1", NULL, 10));
	json_object_put(rec);
}

/* ---- steps run in another process (other namespaces or credentials) ------------------- */

/* Shared with the child that runs the steps: the harness's EXPECTs live in this process. */
struct steps {
	pid_t pid;		/* the child: the parent of every probe, as records show it */
	int fan_info;		/* fan_info_open(), opened by the parent as root */
	int err;		/* errno of the set-up step that failed, 0 if none */
	char failed[96];	/* which one */
	int n;
	struct {
		char what[96];
		struct probe p;
		long from;	/* the log's size before this probe */
	} s[MAX_STEPS];
};

/* wait_watched() for a path: its filesystem, once the daemon heard of it. */
static bool watched(int info, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && wait_watched(info, fd);

	if (fd >= 0)
		close(fd);
	return ok;
}

static struct steps *steps_new(void)
{
	void *m = mmap(NULL, sizeof(struct steps), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return m == MAP_FAILED ? NULL : m;
}

static void step_exec(struct steps *st, const char *what, const char *path)
{
	if (st->n >= MAX_STEPS)
		return;
	snprintf(st->s[st->n].what, sizeof(st->s[0].what), "%s (%s)", what, path);
	st->s[st->n].from = log_size();
	st->s[st->n].p = probe_execve(path, NULL, NULL);
	st->n++;
}

static int setup_failed(struct steps *st, const char *what)
{
	st->err = errno ?: EIO;
	snprintf(st->failed, sizeof(st->failed), "%s", what);
	return -1;
}

static void run_steps(struct steps *st, int (*fn)(struct steps *st, const void *arg),
		      const void *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		st->pid = getpid();
		fn(st, arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, NULL, 0) != pid) {
		st->err = errno ?: EIO;
		snprintf(st->failed, sizeof(st->failed), "fork");
	}
}

/* want: one letter per step, R (must run) or D (must be refused with EPERM). */
static void expect_steps(struct __test_metadata *_metadata, struct steps *st, const char *want)
{
	if (st->err)
		TH_LOG("set-up failed at %s: %s", st->failed, strerror(st->err));
	ASSERT_EQ(0, st->err);
	ASSERT_EQ((int)strlen(want), st->n);
	for (int i = 0; i < st->n; i++) {
		if (want[i] == 'R')
			EXPECT_RAN(st->s[i].p, st->s[i].what);
		else
			EXPECT_DENIED(st->s[i].p, st->s[i].what);
	}
}

/*
 * Drop to uid/gid 65534 and enter a new user and mount namespace, mapped to itself as root
 * there: what any local user can do on these kernels (no unprivileged-userns switch is off).
 */
static int become_nobody_in_userns(struct steps *st)
{
	char map[32];

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return setup_failed(st, "setresuid(65534)");
	/* Changing euid made the process undumpable, which leaves /proc/self/uid_map root's. */
	if (prctl(PR_SET_DUMPABLE, 1))
		return setup_failed(st, "PR_SET_DUMPABLE");
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return setup_failed(st, "unshare(CLONE_NEWUSER|CLONE_NEWNS) as 65534");
	snprintf(map, sizeof(map), "0 %d 1\n", NOBODY);
	if (write_once("/proc/self/setgroups", "deny"))
		return setup_failed(st, "writing /proc/self/setgroups");
	if (write_once("/proc/self/uid_map", map))
		return setup_failed(st, "writing /proc/self/uid_map");
	if (write_once("/proc/self/gid_map", map))
		return setup_failed(st, "writing /proc/self/gid_map");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return setup_failed(st, "making mounts private in the user namespace");
	return 0;
}

/* ---- kernel modules from the payload --------------------------------------------------- */

static int finit(const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, "", flags) ? errno : 0;
	close(fd);
	return err;
}

/*
 * Load `name` and what it needs from /vb/fsmods/<release>/ in depmod's order (name.order, made
 * by mkintegrity.sh). A CPU-specific implementation the emulated CPU lacks (crc32c-intel)
 * refuses with ENODEV; its generic twin is next in the list.
 */
static int need_module(const char *name, char *failed, size_t len)
{
	char path[512], line[128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), VB "fsmods/%s/%s.order", release, name);
	f = fopen(path, "r");
	if (!f) {
		snprintf(failed, len, "%s", path);
		return errno;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strcmp(line, "builtin"))
			break;
		snprintf(path, sizeof(path), VB "fsmods/%s/%s", release, line);
		err = finit(path, 0);
		if (err == EEXIST || (err == ENODEV && strncmp(line, name, strlen(name))))
			err = 0;
		if (err)
			snprintf(failed, len, "%s", line);
	}
	fclose(f);
	return err;
}

#define NEED_MODULE(name)						\
	do {								\
		char _f[512] = "";					\
		int _e = need_module(name, _f, sizeof(_f));		\
		if (_e)							\
			TH_LOG("loading %s: %s: %s", name, _f, strerror(_e)); \
		ASSERT_EQ(0, _e);					\
	} while (0)

/* ---- the daemon ---------------------------------------------------------------------- */

FIXTURE(integrity) {
	int unused;
};

FIXTURE_SETUP(integrity)
{
}

FIXTURE_TEARDOWN(integrity)
{
}

/* First: the daemon, on the policy with the path rule, scanning the test modules too (so the
 * banned module's own compressed file is known, and only its recompressed copy is new). */
TEST_F_TIMEOUT(integrity, daemon_enforces_integrity_policy, TIMEOUT)
{
	struct json_object *o, *v;
	char args[512];
	int rc;

	/* Only PID 1 may stop a daemon (bpf/guard.bpf.h): through tests/vm/init. */
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	snprintf(args, sizeof(args), "--policy " INTEGRITY_POLICY " --scan /vb/scanned "
		 "--scan /vb/kmod/%s", release);
	ASSERT_EQ(0, start_daemon_with(args, "/tmp/vendorband-integrity.log"));
	ASSERT_LT(0, daemon_pid());
	o = status_json(&rc);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(0, rc);
	ASSERT_TRUE(json_object_object_get_ex(o, "enforcing", &v));
	EXPECT_TRUE(json_object_get_boolean(v));
	json_object_put(o);
}

/* ---- 1. overlayfs: the file under the overlay rewritten, not through it ---------------- */

struct ovl_case {
	const char *name;	/* also the program's file name: unique in the log */
	bool nobody;		/* as uid 65534 in its own user namespace */
	bool in_upper;		/* the program is in the upper layer, else in the lower */
};

static int overlay_rewrite(struct steps *st, const void *arg)
{
	const struct ovl_case *c = arg;
	const char *layer = c->in_upper ? "u" : "l";
	char dir[64], sub[4][96], opts[512], prog[160], twin[160], seen[160], seen_twin[160];

	if (c->nobody ? become_nobody_in_userns(st) : private_mounts())
		return st->err ? -1 : setup_failed(st, "a private mount namespace");
	snprintf(dir, sizeof(dir), "/tmp/ovl-%s", c->name);
	snprintf(sub[0], sizeof(sub[0]), "%s/l", dir);
	snprintf(sub[1], sizeof(sub[1]), "%s/u", dir);
	snprintf(sub[2], sizeof(sub[2]), "%s/w", dir);
	snprintf(sub[3], sizeof(sub[3]), "%s/m", dir);
	if (mkdir_p(dir) || mkdir_p(sub[0]) || mkdir_p(sub[1]) || mkdir_p(sub[2]) || mkdir_p(sub[3]))
		return setup_failed(st, "mkdir of the layers");
	snprintf(prog, sizeof(prog), "%s/%s/%s", dir, layer, c->name);
	snprintf(twin, sizeof(twin), "%s/%s/%s-twin", dir, layer, c->name);
	snprintf(seen, sizeof(seen), "%s/m/%s", dir, c->name);
	snprintf(seen_twin, sizeof(seen_twin), "%s/m/%s-twin", dir, c->name);
	if (copy_file(ALLOWED, prog) || copy_file(ALLOWED, twin))
		return setup_failed(st, "copying the allowed program into the layer");
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", sub[0], sub[1], sub[2]);
	if (mount("overlay", sub[3], "overlay", 0, opts))
		return setup_failed(st, "mount -t overlay");
	if (!watched(st->fan_info, sub[3]))
		return setup_failed(st, "the daemon watching the new overlay (fanotify)");
	step_exec(st, "allowed program through the overlay", seen);
	step_exec(st, "again, with its verdict cached", seen);
	/* Straight into the layer: the overlay's own inode sees no open, no write. */
	if (overwrite_file(BANNED, prog) || overwrite_file(ALLOWED, twin))
		return setup_failed(st, "rewriting the file in the layer");
	step_exec(st, "rewritten to the banned bytes in the layer", seen);
	step_exec(st, "twin, rewritten with the allowed bytes", seen_twin);
	return 0;
}

static void overlay_case(struct __test_metadata *_metadata, const struct ovl_case *c)
{
	struct steps *st = steps_new();

	ASSERT_NE(NULL, st);
	NEED_MODULE("overlay");
	st->fan_info = fan_info_open();
	run_steps(st, overlay_rewrite, c);
	if (st->fan_info >= 0)
		close(st->fan_info);
	expect_steps(_metadata, st, "RRDR");
	if (st->n == 4)
		expect_record(_metadata, st->s[2].p, st->s[2].from, st->pid, "exec", c->name,
			      c->nobody ? NOBODY : 0);
	munmap(st, sizeof(*st));
}

TEST_F_TIMEOUT(integrity, overlay_lower_rewritten_by_nobody_in_userns, TIMEOUT)
{
	const struct ovl_case c = { "ovl-nobody-lower", true, false };

	overlay_case(_metadata, &c);
}

TEST_F_TIMEOUT(integrity, overlay_upper_rewritten_by_nobody_in_userns, TIMEOUT)
{
	const struct ovl_case c = { "ovl-nobody-upper", true, true };

	overlay_case(_metadata, &c);
}

TEST_F_TIMEOUT(integrity, overlay_lower_rewritten_by_root, TIMEOUT)
{
	const struct ovl_case c = { "ovl-root-lower", false, false };

	overlay_case(_metadata, &c);
}

TEST_F_TIMEOUT(integrity, overlay_upper_rewritten_by_root, TIMEOUT)
{
	const struct ovl_case c = { "ovl-root-upper", false, true };

	overlay_case(_metadata, &c);
}

/* ---- 2. memfd rewritten through the descriptor memfd_create gave --------------------- */

/*
 * memfd_create's descriptor is writable, yet the kernel makes it without an open (so no
 * file_open hook) and without taking write access (so exec of it is not ETXTBSY).
 */
static int memfd_with(const char *name, const char *src)
{
	char *buf;
	size_t len;
	int fd, info;

	if (slurp(src, &buf, &len))
		return -1;
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd >= 0 && write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		fd = -1;
	}
	free(buf);
	/* Where the daemon judges content: once it watches the memfd. */
	info = fan_info_open();
	if (fd >= 0 && !wait_watched(info, fd)) {
		close(fd);
		fd = -1;
	}
	if (info >= 0)
		close(info);
	return fd;
}

static int pwrite_file(int fd, const char *src)
{
	char *buf;
	size_t len;
	int err = 0;

	if (slurp(src, &buf, &len))
		return -1;
	if (pwrite(fd, buf, len, 0) != (ssize_t)len)
		err = -1;
	free(buf);
	return err;
}

TEST_F_TIMEOUT(integrity, memfd_rewritten_through_its_fd_exec, TIMEOUT)
{
	struct probe p;
	long from;
	int fd, twin;

	fd = memfd_with("vb-integrity-exec", ALLOWED);
	twin = memfd_with("vb-integrity-exec-twin", ALLOWED);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, twin);
	EXPECT_RAN(probe_execveat(fd, "", AT_EMPTY_PATH), "allowed bytes in the memfd");
	EXPECT_RAN(probe_execveat(fd, "", AT_EMPTY_PATH), "again, with its verdict cached");
	EXPECT_RAN(probe_execveat(twin, "", AT_EMPTY_PATH), "twin memfd");
	ASSERT_EQ(0, pwrite_file(fd, BANNED));
	ASSERT_EQ(0, pwrite_file(twin, ALLOWED));
	from = log_size();
	p = probe_execveat(fd, "", AT_EMPTY_PATH);
	EXPECT_DENIED(p, "memfd rewritten to the banned bytes through its fd");
	EXPECT_RAN(probe_execveat(twin, "", AT_EMPTY_PATH), "twin, rewritten with allowed bytes");
	expect_record(_metadata, p, from, getpid(), "exec", "vb-integrity-exec", 0);
	close(fd);
	close(twin);
}

TEST_F_TIMEOUT(integrity, memfd_rewritten_through_its_fd_mmap_exec, TIMEOUT)
{
	char path[64], twin_path[64];
	struct probe p;
	long from;
	int fd, twin, fresh;

	/* The hook sees a memfd at all: a fresh one with the banned library's bytes. */
	fresh = memfd_with("vb-integrity-fresh", BANNED_LIB);
	ASSERT_LE(0, fresh);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fresh);
	EXPECT_DENIED(probe_mmap_exec(path), "fresh memfd holding the banned library");
	close(fresh);

	fd = memfd_with("vb-integrity-lib", ALLOWED_LIB);
	twin = memfd_with("vb-integrity-lib-twin", ALLOWED_LIB);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, twin);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(twin_path, sizeof(twin_path), "/proc/self/fd/%d", twin);
	EXPECT_RAN(probe_mmap_exec(path), "allowed library in the memfd");
	EXPECT_RAN(probe_mmap_exec(path), "again, with its verdict cached");
	EXPECT_RAN(probe_mmap_exec(twin_path), "twin memfd");
	ASSERT_EQ(0, pwrite_file(fd, BANNED_LIB));
	ASSERT_EQ(0, pwrite_file(twin, ALLOWED_LIB));
	from = log_size();
	p = probe_mmap_exec(path);
	EXPECT_DENIED(p, "memfd rewritten to the banned library through its fd");
	EXPECT_RAN(probe_mmap_exec(twin_path), "twin, rewritten with the allowed library");
	/* Mapped by this process itself: its parent is the harness. */
	expect_record(_metadata, p, from, getppid(), "mmap", "vb-integrity-lib", 0);
	close(fd);
	close(twin);
}

/* ---- 3. a path rule reached by other names ------------------------------------------- */

/* The record of the exec through the directory's bind mount (the parent's comes after it). */
static bool called_bind_ban(struct json_object *rec, void *arg)
{
	return record_is(rec, "exec", "deny") &&
	       !strcmp(field(rec, "caller_path") ?: "", "/tmp/pr-bind-ban/agent");
}

TEST_F_TIMEOUT(integrity, path_rule_direct_and_through_bind_mounts, TIMEOUT)
{
	const char *views[] = { "/tmp/pr-bind-ban", "/tmp/pr-bind-free", "/tmp/pr-bind-parent" };
	struct probe direct, bind, parent;
	long from_direct, from_bind, from_parent;

	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, mkdir_p(views[i]));
	from_direct = log_size();
	direct = probe_execve(PATHRULE "/ban/agent", NULL, NULL);
	EXPECT_DENIED(direct, "in the directory the rule names");
	EXPECT_RAN(probe_execve(PATHRULE "/free/agent", NULL, NULL), "next to it");

	/* In the host's mount namespace, as `mount --bind` would. */
	ASSERT_EQ(0, mount(PATHRULE "/ban", views[0], NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(PATHRULE "/free", views[1], NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(PATHRULE, views[2], NULL, MS_BIND, NULL));
	from_bind = log_size();
	bind = probe_execve("/tmp/pr-bind-ban/agent", NULL, NULL);
	EXPECT_DENIED(bind, "through a bind mount of the directory");
	EXPECT_RAN(probe_execve("/tmp/pr-bind-free/agent", NULL, NULL), "twin through its bind");
	from_parent = log_size();
	parent = probe_execve("/tmp/pr-bind-parent/ban/agent", NULL, NULL);
	EXPECT_DENIED(parent, "through a bind mount of its parent");
	EXPECT_RAN(probe_execve("/tmp/pr-bind-parent/free/agent", NULL, NULL),
		   "twin through the parent's bind");
	for (int i = 0; i < 3; i++)
		umount2(views[i], MNT_DETACH);

	expect_record(_metadata, direct, from_direct, getpid(), "exec", "/agent", 0);
	expect_record(_metadata, bind, from_bind, getpid(), "exec", "/agent", 0);
	/* The record names the file as the daemon (and an auditor) sees it, and keeps the name
	 * the caller used. */
	if (DENIED_EPERM(bind)) {
		struct json_object *rec = find_record_where(called_bind_ban, NULL, from_bind,
							    RECORD_TENTHS);

		ASSERT_NE(NULL, rec);
		EXPECT_STREQ(PATHRULE "/ban/agent", field(rec, "path"));
		EXPECT_STREQ("/tmp/pr-bind-ban/agent", field(rec, "caller_path"));
		EXPECT_STREQ("identity", field(rec, "path_match"));
		json_object_put(rec);
	}
	expect_record(_metadata, parent, from_parent, getpid(), "exec", "/agent", 0);
}

static int own_namespace_bind(struct steps *st, const void *arg)
{
	if (private_mounts())
		return setup_failed(st, "unshare(CLONE_NEWNS)");
	if (mkdir_p("/tmp/pr-ns-ban") || mkdir_p("/tmp/pr-ns-free") ||
	    mount(PATHRULE "/ban", "/tmp/pr-ns-ban", NULL, MS_BIND, NULL) ||
	    mount(PATHRULE "/free", "/tmp/pr-ns-free", NULL, MS_BIND, NULL))
		return setup_failed(st, "bind mounts in the new namespace");
	step_exec(st, "through a bind in its own mount namespace", "/tmp/pr-ns-ban/agent");
	step_exec(st, "twin, the same way", "/tmp/pr-ns-free/agent");
	return 0;
}

TEST_F_TIMEOUT(integrity, path_rule_in_own_mount_namespace, TIMEOUT)
{
	struct steps *st = steps_new();

	ASSERT_NE(NULL, st);
	run_steps(st, own_namespace_bind, NULL);
	expect_steps(_metadata, st, "DR");
	expect_record(_metadata, st->s[0].p, st->s[0].from, st->pid, "exec", "/agent", 0);
	munmap(st, sizeof(*st));
}

/* chroot /vb: the rule's directory is /pathrule/ban there. The programs are dynamically
 * linked: the loader and libc come in by bind mounts, in a namespace of its own. */
static int in_chroot(struct steps *st, const void *arg)
{
	if (private_mounts())
		return setup_failed(st, "unshare(CLONE_NEWNS)");
	if (mkdir_p(VB "lib64") || mkdir_p(VB "lib") ||
	    mount("/lib64", VB "lib64", NULL, MS_BIND, NULL) ||
	    mount("/lib", VB "lib", NULL, MS_BIND, NULL))
		return setup_failed(st, "binding /lib and /lib64 into the chroot");
	if (chroot(VB) || chdir("/"))
		return setup_failed(st, "chroot " VB);
	step_exec(st, "inside a chroot whose root holds the directory", "/pathrule/ban/agent");
	step_exec(st, "twin, in the chroot", "/pathrule/free/agent");
	return 0;
}

TEST_F_TIMEOUT(integrity, path_rule_in_chroot, TIMEOUT)
{
	struct steps *st = steps_new();

	ASSERT_NE(NULL, st);
	run_steps(st, in_chroot, NULL);
	expect_steps(_metadata, st, "DR");
	expect_record(_metadata, st->s[0].p, st->s[0].from, st->pid, "exec", "/agent", 0);
	munmap(st, sizeof(*st));
}

/* The loader maps a program it was given as an argument: no exec of the file at all, only an
 * mmap(PROT_EXEC) (and on the fmod_ret path the mmap hook cannot name the file). The rule's
 * directory is matched by identity there too, on both paths. */
TEST_F_TIMEOUT(integrity, path_rule_through_the_loader_and_mmap, TIMEOUT)
{
	char *const ban[] = { "ld.so", PATHRULE "/ban/agent", NULL };
	char *const free_[] = { "ld.so", PATHRULE "/free/agent", NULL };
	struct record_want w = { getpid(), "mmap", "agent" };	/* fmod_ret: name only */
	struct json_object *rec;
	long from = log_size();
	struct probe p;

	/* ld.so itself runs; its mmap of the program is refused, and it exits 127 saying so. */
	p = probe_execve(LDSO, ban, NULL);
	EXPECT_OUTCOME(p.outcome == PROBE_EXITED && p.status == 127, p,
		       "ld.so running a program in the banned directory");
	EXPECT_RAN(probe_execve(LDSO, free_, NULL), "ld.so running its twin");
	rec = find_record_where(record_match, &w, from, RECORD_TENTHS);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("EPERM", field(rec, "errno"));
	EXPECT_STREQ("path", field(rec, "match"));
	EXPECT_STREQ("identity", field(rec, "path_match"));
	json_object_put(rec);
	EXPECT_DENIED(probe_mmap_exec(PATHRULE "/ban/agent"), "mmap(PROT_EXEC) in the directory");
	EXPECT_RAN(probe_mmap_exec(PATHRULE "/free/agent"), "mmap(PROT_EXEC) of its twin");
}

TEST_F_TIMEOUT(integrity, path_rule_after_parent_renamed, TIMEOUT)
{
	struct probe banned, twin;
	long from;
	int moved;

	moved = rename(PATHRULE, PATHRULE "-moved");
	ASSERT_EQ(0, moved);
	from = log_size();
	banned = probe_execve(PATHRULE "-moved/ban/agent", NULL, NULL);
	twin = probe_execve(PATHRULE "-moved/free/agent", NULL, NULL);
	/* Put back before judging: the later cases need the tree where the rule says. */
	ASSERT_EQ(0, rename(PATHRULE "-moved", PATHRULE));
	EXPECT_DENIED(banned, "after its parent directory was renamed");
	EXPECT_RAN(twin, "twin, after the rename");
	expect_record(_metadata, banned, from, getpid(), "exec", "/agent", 0);
}

static int nobody_bind(struct steps *st, const void *arg)
{
	if (become_nobody_in_userns(st))
		return -1;
	if (mkdir_p("/tmp/pr-nobody-ban") || mkdir_p("/tmp/pr-nobody-free") ||
	    mount(PATHRULE "/ban", "/tmp/pr-nobody-ban", NULL, MS_BIND, NULL) ||
	    mount(PATHRULE "/free", "/tmp/pr-nobody-free", NULL, MS_BIND, NULL))
		return setup_failed(st, "bind mounts in the user namespace");
	step_exec(st, "directly, as 65534", PATHRULE "/ban/agent");
	step_exec(st, "as 65534, through its own bind mount", "/tmp/pr-nobody-ban/agent");
	step_exec(st, "twin, as 65534 through its own bind", "/tmp/pr-nobody-free/agent");
	return 0;
}

TEST_F_TIMEOUT(integrity, path_rule_as_nobody_in_userns_bind, TIMEOUT)
{
	struct steps *st = steps_new();

	ASSERT_NE(NULL, st);
	run_steps(st, nobody_bind, NULL);
	expect_steps(_metadata, st, "DDR");
	expect_record(_metadata, st->s[1].p, st->s[1].from, st->pid, "exec", "/agent", NOBODY);
	munmap(st, sizeof(*st));
}

/* ---- 4. writes that skip the usual hooks --------------------------------------------- */

/* Each writer puts src's bytes over dst's (the same size), in place: 0 or -1. */

struct uring {
	int fd;
	unsigned int *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

/* No liburing: io_uring_setup, three mmap'd regions, io_uring_enter. One entry at a time. */
static int uring_init(struct uring *r, struct io_uring_params *p)
{
	char *sq, *cq;

	memset(p, 0, sizeof(*p));
	r->fd = syscall(__NR_io_uring_setup, 4, p);
	if (r->fd < 0)
		return -1;
	sq = mmap(NULL, p->sq_off.array + p->sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p->sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned int *)(sq + p->sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + p->sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + p->sq_off.array);
	r->cq_head = (unsigned int *)(cq + p->cq_off.head);
	r->cq_mask = (unsigned int *)(cq + p->cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p->cq_off.cqes);
	return 0;
}

/* Submit one entry, wait for its completion: its result (a count, an fd or -errno). */
static int uring_do(struct uring *r, const struct io_uring_sqe *sqe)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	int res;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = __atomic_load_n(r->cq_head, __ATOMIC_ACQUIRE);
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/* Opened and written by the ring: IORING_OP_OPENAT, then IORING_OP_WRITE. */
static int write_by_io_uring(const char *dst, const char *src)
{
	struct io_uring_params p;
	struct io_uring_sqe sqe;
	struct uring r;
	char *buf;
	size_t len;
	int fd, n, err = -1;

	if (slurp(src, &buf, &len))
		return -1;
	if (uring_init(&r, &p))
		goto out;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)dst;
	sqe.open_flags = O_WRONLY | O_CLOEXEC;
	fd = uring_do(&r, &sqe);
	if (fd < 0)
		goto out;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_WRITE;
	sqe.fd = fd;
	sqe.addr = (unsigned long)buf;
	sqe.len = len;
	sqe.off = 0;
	n = uring_do(&r, &sqe);
	close(fd);
	err = n == (int)len ? 0 : -1;
out:
	if (r.fd >= 0)
		close(r.fd);
	free(buf);
	return err;
}

static int write_by_splice(const char *dst, const char *src)
{
	loff_t off = 0;
	size_t len, done = 0;
	char *buf;
	int pfd[2], fd, err = -1;

	if (slurp(src, &buf, &len))
		return -1;
	if (pipe(pfd)) {
		free(buf);
		return -1;
	}
	/* The whole file fits in the pipe: no second thread needed. */
	if (fcntl(pfd[1], F_SETPIPE_SZ, (int)len) < (int)len ||
	    write(pfd[1], buf, len) != (ssize_t)len)
		goto out;
	fd = open(dst, O_WRONLY | O_CLOEXEC);
	while (fd >= 0 && done < len) {
		ssize_t n = splice(pfd[0], NULL, fd, &off, len - done, 0);

		if (n <= 0)
			break;
		done += n;
	}
	if (fd >= 0)
		close(fd);
	err = done == len ? 0 : -1;
out:
	close(pfd[0]);
	close(pfd[1]);
	free(buf);
	return err;
}

static int write_after_punch_hole(const char *dst, const char *src)
{
	char *buf;
	size_t len;
	int fd, err = -1;

	if (slurp(src, &buf, &len))
		return -1;
	fd = open(dst, O_RDWR | O_CLOEXEC);
	if (fd >= 0 && !fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, len) &&
	    pwrite(fd, buf, len, 0) == (ssize_t)len)
		err = 0;
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

/* From a copy on the same file system: copy_file_range between two is refused on some
 * kernels (EXDEV), and that would test nothing. */
static int write_by_copy_file_range(const char *dst, const char *src)
{
	char tmp[256];
	loff_t in_off = 0, out_off = 0;
	struct stat st;
	int in, out, err = -1;

	snprintf(tmp, sizeof(tmp), "%s.source", dst);
	if (copy_file(src, tmp) || stat(tmp, &st))
		return -1;
	in = open(tmp, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CLOEXEC);
	while (in >= 0 && out >= 0 && in_off < st.st_size) {
		ssize_t n = copy_file_range(in, &in_off, out, &out_off, st.st_size - in_off, 0);

		if (n <= 0)
			break;
	}
	if (in >= 0 && in_off == st.st_size)
		err = 0;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	unlink(tmp);
	return err;
}

/* Written through a MAP_SHARED mapping, after the descriptor is closed; unmapped before the
 * exec (while it lives the kernel itself refuses the exec with ETXTBSY). */
static int write_through_shared_mapping(const char *dst, const char *src)
{
	char *buf;
	size_t len;
	void *map;
	int fd;

	if (slurp(src, &buf, &len))
		return -1;
	fd = open(dst, O_RDWR | O_CLOEXEC);
	map = fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);
	if (map == MAP_FAILED) {
		free(buf);
		return -1;
	}
	memcpy(map, buf, len);
	munmap(map, len);
	free(buf);
	return 0;
}

static void rewrite_case(struct __test_metadata *_metadata, const char *name,
			 int (*writer)(const char *dst, const char *src))
{
	char prog[128], twin[128], got[65], want[65];
	struct probe p;
	long from;

	snprintf(prog, sizeof(prog), "/tmp/wp-%s", name);
	snprintf(twin, sizeof(twin), "/tmp/wp-%s-twin", name);
	ASSERT_EQ(0, copy_file(ALLOWED, prog));
	ASSERT_EQ(0, copy_file(ALLOWED, twin));
	EXPECT_RAN(probe_execve(prog, NULL, NULL), "clean, before the rewrite");
	EXPECT_RAN(probe_execve(prog, NULL, NULL), "again, with its verdict cached");
	EXPECT_RAN(probe_execve(twin, NULL, NULL), "twin, before");
	ASSERT_EQ(0, writer(prog, BANNED));
	ASSERT_EQ(0, writer(twin, ALLOWED));
	/* The writer did write: the file is the banned program now, byte for byte. */
	ASSERT_EQ(0, sha256_file_hex(prog, got));
	ASSERT_EQ(0, sha256_file_hex(BANNED, want));
	ASSERT_STREQ(want, got);
	from = log_size();
	p = probe_execve(prog, NULL, NULL);
	EXPECT_DENIED(p, name);
	EXPECT_RAN(probe_execve(twin, NULL, NULL), "twin, rewritten with the allowed bytes");
	expect_record(_metadata, p, from, getpid(), "exec", prog, 0);
}

TEST_F_TIMEOUT(integrity, rewrite_by_io_uring, TIMEOUT)
{
	rewrite_case(_metadata, "io_uring", write_by_io_uring);
}

TEST_F_TIMEOUT(integrity, rewrite_by_splice_from_pipe, TIMEOUT)
{
	rewrite_case(_metadata, "splice", write_by_splice);
}

TEST_F_TIMEOUT(integrity, rewrite_by_punch_hole_then_pwrite, TIMEOUT)
{
	rewrite_case(_metadata, "punch-hole", write_after_punch_hole);
}

TEST_F_TIMEOUT(integrity, rewrite_by_copy_file_range, TIMEOUT)
{
	rewrite_case(_metadata, "copy_file_range", write_by_copy_file_range);
}

TEST_F_TIMEOUT(integrity, rewrite_through_shared_mapping, TIMEOUT)
{
	rewrite_case(_metadata, "shared-mapping", write_through_shared_mapping);
}

/* The banned file renamed over the clean one through a bind mount of the directory, the clean
 * one run through the other mount (rename itself cannot cross mounts: EXDEV). */
TEST_F_TIMEOUT(integrity, rename_over_across_bind_mounts, TIMEOUT)
{
	struct probe p;
	long from;

	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, mkdir_p("/tmp/wp-rename"));
	ASSERT_EQ(0, mkdir_p("/tmp/wp-rename-view"));
	ASSERT_EQ(0, mount("/tmp/wp-rename", "/tmp/wp-rename-view", NULL, MS_BIND, NULL));
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/wp-rename/prog"));
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/wp-rename/twin"));
	EXPECT_RAN(probe_execve("/tmp/wp-rename/prog", NULL, NULL), "clean, before the rename");
	EXPECT_RAN(probe_execve("/tmp/wp-rename/prog", NULL, NULL), "again, cached");
	EXPECT_RAN(probe_execve("/tmp/wp-rename/twin", NULL, NULL), "twin, before");
	ASSERT_EQ(0, copy_file(BANNED, "/tmp/wp-rename-view/.prog.new"));
	ASSERT_EQ(0, copy_file(ALLOWED, "/tmp/wp-rename-view/.twin.new"));
	ASSERT_EQ(0, rename("/tmp/wp-rename-view/.prog.new", "/tmp/wp-rename-view/prog"));
	ASSERT_EQ(0, rename("/tmp/wp-rename-view/.twin.new", "/tmp/wp-rename-view/twin"));
	from = log_size();
	p = probe_execve("/tmp/wp-rename/prog", NULL, NULL);
	EXPECT_DENIED(p, "banned file renamed over it through the other mount");
	EXPECT_RAN(probe_execve("/tmp/wp-rename/twin", NULL, NULL), "twin, renamed over the same way");
	expect_record(_metadata, p, from, getpid(), "exec", "/prog", 0);
}

/* ---- 5. file systems on a loop device ------------------------------------------------ */

/* Attach image to a free loop device: its fd, and its name in dev. */
static int loop_attach(const char *image, char *dev, size_t len)
{
	int ctl, n, loop = -1, backing;

	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -1;
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0)
		return -1;
	snprintf(dev, len, "/dev/loop%d", n);
	/* devtmpfs makes the node from a kernel thread: it may lag a little. */
	for (int i = 0; i < 50 && loop < 0; i++) {
		loop = open(dev, O_RDWR | O_CLOEXEC);
		if (loop < 0)
			usleep(100000);
	}
	backing = open(image, O_RDWR | O_CLOEXEC);
	if (loop < 0 || backing < 0 || ioctl(loop, LOOP_SET_FD, backing)) {
		if (loop >= 0)
			close(loop);
		loop = -1;
	}
	if (backing >= 0)
		close(backing);
	return loop;
}

/* The mount options in force for mnt, as /proc/self/mounts shows them. */
static void log_mount_options(struct __test_metadata *_metadata, const char *mnt)
{
	char line[512];
	FILE *f = fopen("/proc/self/mounts", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, mnt))
			TH_LOG("%s", strtok(line, "\n"));
	if (f)
		fclose(f);
}

/*
 * Under the file system: src's bytes written into the image file, at the blocks that hold
 * path's data (FIEMAP, after syncing it), then path's clean cached pages dropped, so the next
 * read comes from the device. The file system's inode sees neither an open nor a write.
 */
static int write_beneath(const char *image, const char *path, const char *src)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe[8];
	} m;
	size_t len, covered = 0;
	char *buf;
	int fd, img, err = -1;

	if (slurp(src, &buf, &len))
		return -1;
	memset(&m, 0, sizeof(m));
	m.fm.fm_length = FIEMAP_MAX_OFFSET;
	m.fm.fm_flags = FIEMAP_FLAG_SYNC;
	m.fm.fm_extent_count = 8;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	img = open(image, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || img < 0 || ioctl(fd, FS_IOC_FIEMAP, &m.fm))
		goto out;
	for (unsigned int i = 0; i < m.fm.fm_mapped_extents; i++) {
		struct fiemap_extent *e = &m.fm.fm_extents[i];
		size_t n;

		if (e->fe_logical >= len)
			break;
		if (e->fe_flags & (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_ENCODED |
				   FIEMAP_EXTENT_NOT_ALIGNED | FIEMAP_EXTENT_DATA_INLINE))
			goto out;
		n = len - e->fe_logical < e->fe_length ? len - e->fe_logical : e->fe_length;
		if (pwrite(img, buf + e->fe_logical, n, e->fe_physical) != (ssize_t)n)
			goto out;
		covered += n;
	}
	if (covered == len && !posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		err = 0;
out:
	if (fd >= 0)
		close(fd);
	if (img >= 0)
		close(img);
	free(buf);
	return err;
}

/* mount(8)'s -o iversion / -o noiversion are MS_I_VERSION set or not: ext4 takes no such
 * string option (EINVAL). btrfs keeps i_version whatever the flags say. */
struct fs_case {
	const char *fstype, *image, *name;
	unsigned long flags;
	const char *data;
	bool beneath;		/* rewrite in the image, under the mounted file system */
};

static void loop_fs_case(struct __test_metadata *_metadata, const struct fs_case *c)
{
	char image[128], mnt[128], prog[160], twin[160], dev[32], got[65], want[65];
	struct probe p;
	long from;
	int loop, err, info;

	NEED_MODULE("loop");
	NEED_MODULE(c->fstype);
	ASSERT_EQ(0, private_mounts());
	snprintf(image, sizeof(image), "/tmp/%s.img", c->name);
	snprintf(mnt, sizeof(mnt), "/tmp/%s", c->name);
	snprintf(prog, sizeof(prog), "%s/prog", mnt);
	snprintf(twin, sizeof(twin), "%s/twin", mnt);
	ASSERT_EQ(0, copy_file(c->image, image));
	ASSERT_EQ(0, mkdir_p(mnt));
	loop = loop_attach(image, dev, sizeof(dev));
	ASSERT_LE(0, loop);
	err = mount(dev, mnt, c->fstype, c->flags, c->data) ? errno : 0;
	if (err)
		TH_LOG("mount -t %s -o %s %s: %s", c->fstype, c->data ?: "", dev, strerror(err));
	ASSERT_EQ(0, err);
	info = fan_info_open();
	EXPECT_TRUE(watched(info, mnt)) TH_LOG("the daemon never watched %s (fanotify)", mnt);
	if (info >= 0)
		close(info);
	log_mount_options(_metadata, mnt);
	ASSERT_EQ(0, copy_file(ALLOWED, prog));
	ASSERT_EQ(0, copy_file(ALLOWED, twin));
	EXPECT_RAN(probe_execve(prog, NULL, NULL), "clean, before the rewrite");
	EXPECT_RAN(probe_execve(prog, NULL, NULL), "again, with its verdict cached");
	EXPECT_RAN(probe_execve(twin, NULL, NULL), "twin, before");
	if (c->beneath) {
		ASSERT_EQ(0, write_beneath(image, prog, BANNED));
		ASSERT_EQ(0, write_beneath(image, twin, ALLOWED));
	} else {
		ASSERT_EQ(0, overwrite_file(BANNED, prog));
		ASSERT_EQ(0, overwrite_file(ALLOWED, twin));
	}
	/* The file reads as the banned program now, byte for byte. */
	ASSERT_EQ(0, sha256_file_hex(prog, got));
	ASSERT_EQ(0, sha256_file_hex(BANNED, want));
	ASSERT_STREQ(want, got);
	from = log_size();
	p = probe_execve(prog, NULL, NULL);
	EXPECT_DENIED(p, c->beneath ? "rewritten in the image beneath the file system" :
				      "rewritten to the banned bytes");
	EXPECT_RAN(probe_execve(twin, NULL, NULL), "twin, rewritten with the allowed bytes");
	expect_record(_metadata, p, from, getpid(), "exec", "/prog", 0);
	/* A library there: ld.so's executable mapping of it, judged by its content too. */
	snprintf(prog, sizeof(prog), "%s/lib.so", mnt);
	snprintf(twin, sizeof(twin), "%s/twin.so", mnt);
	ASSERT_EQ(0, copy_file(BANNED_LIB, prog));
	ASSERT_EQ(0, copy_file(ALLOWED_LIB, twin));
	EXPECT_DENIED(probe_mmap_exec(prog), "the banned library mapped executable");
	EXPECT_RAN(probe_mmap_exec(twin), "the allowed library mapped executable");
	umount2(mnt, MNT_DETACH);
	ioctl(loop, LOOP_CLR_FD);
	close(loop);
}

TEST_F_TIMEOUT(integrity, loop_ext4_iversion_rewrite, TIMEOUT)
{
	const struct fs_case c = { "ext4", VB "fs/ext4.img", "ext4-iversion", MS_I_VERSION, NULL };

	loop_fs_case(_metadata, &c);
}

TEST_F_TIMEOUT(integrity, loop_ext4_noiversion_rewrite, TIMEOUT)
{
	const struct fs_case c = { "ext4", VB "fs/ext4.img", "ext4-noiversion", 0, NULL };

	loop_fs_case(_metadata, &c);
}

/* Whoever can write the image file (a user's own image, mounted for them) changes the file's
 * content with no open of the file at all. (Not on btrfs here: it checksums its data, and its
 * FIEMAP addresses are logical, not offsets in the image.) */
TEST_F_TIMEOUT(integrity, loop_ext4_image_rewritten_beneath, TIMEOUT)
{
	const struct fs_case c = { "ext4", VB "fs/ext4.img", "ext4-beneath", MS_I_VERSION, NULL,
				   true };

	loop_fs_case(_metadata, &c);
}

TEST_F_TIMEOUT(integrity, loop_btrfs_rewrite, TIMEOUT)
{
	const struct fs_case c = { "btrfs", VB "fs/btrfs.img", "btrfs", 0, NULL };

	loop_fs_case(_metadata, &c);
}

/* ---- 6. a banned module, compressed again ------------------------------------------- */

/* finit_module in a child, so the record names this test as the parent: 0 or errno. */
static int load_module(const char *path, int flags)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(finit(path, flags));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static bool unvetted_module(struct json_object *rec, void *arg)
{
	return record_is(rec, "module-load", "deny") &&
	       !strcmp(field(rec, "match") ?: "", "compressed-unvetted");
}

TEST_F_TIMEOUT(integrity, banned_module_recompressed_refused, TIMEOUT)
{
	char scanned[256], recompressed[256], allowed[256], allowed_xz[256];
	long from;
	int err;

	snprintf(scanned, sizeof(scanned), VB "kmod/%s/vb_banned_drv.ko.xz", release);
	snprintf(recompressed, sizeof(recompressed), VB "recompressed/%s/vb_banned_drv.ko.xz",
		 release);
	snprintf(allowed, sizeof(allowed), VB "kmod/%s/vb_allowed_drv.ko", release);
	snprintf(allowed_xz, sizeof(allowed_xz), VB "kmod/%s/vb_allowed_drv.ko.xz", release);
	/* A kernel built with MODULE_DECOMPRESS says which format it takes here (kmod reads it
	 * too); 6.1 has none and fails such a load with EOPNOTSUPP after the hooks ran. */
	if (access("/sys/module/compression", F_OK))
		SKIP(return, "this kernel has no in-kernel module decompression "
			     "(no /sys/module/compression: MODULE_INIT_COMPRESSED_FILE gives "
			     "EOPNOTSUPP)");
	/* The allowed module, compressed, in the tree the daemon scanned: vetted, it loads
	 * whole, known as the vetted file by its hash where the kernel hashes what it reads
	 * (the lsm path), by its identity and version on fmod_ret. */
	ASSERT_EQ(0, load_module(allowed_xz, MODULE_INIT_COMPRESSED_FILE));
	ASSERT_EQ(0, syscall(SYS_delete_module, "vb_allowed_drv", O_NONBLOCK));
	/* Touched since the scan: the same bytes, so the same hash (lsm), but not the version
	 * fmod_ret knows it by: refused there until a rescan reads it again. */
	ASSERT_EQ(0, utimensat(AT_FDCWD, allowed_xz, NULL, 0));
	err = load_module(allowed_xz, MODULE_INIT_COMPRESSED_FILE);
	if (!err)
		syscall(SYS_delete_module, "vb_allowed_drv", O_NONBLOCK);
	EXPECT_EQ(lsm_path() ? 0 : EPERM, err);
	/* The file the daemon scanned is known by its dev/ino and hash. */
	EXPECT_EQ(EPERM, load_module(scanned, MODULE_INIT_COMPRESSED_FILE));
	from = log_size();
	err = load_module(recompressed, MODULE_INIT_COMPRESSED_FILE);
	if (!err) {
		TH_LOG("the banned module, recompressed, loaded");
		syscall(SYS_delete_module, "vb_banned_drv", O_NONBLOCK);
	}
	EXPECT_EQ(EPERM, err);
	if (err == EPERM) {
		/* By what it says, not by name: the scanned file's refusal just before may be
		 * written after `from`, and on the fmod_ret path both carry only the file name. */
		struct json_object *rec = find_record_where(unvetted_module, NULL, from,
							    RECORD_TENTHS);

		ASSERT_NE(NULL, rec);
		EXPECT_STREQ("EPERM", field(rec, "errno"));
		/* Not vetted: the kernel could not read the signer inside, and no scan read
		 * this file; the record says so rather than guess a vendor. */
		EXPECT_STREQ("compressed-unvetted", field(rec, "match"));
		json_object_put(rec);
	}
	/* Its allowed twin, loaded the normal way, still loads. */
	EXPECT_EQ(0, load_module(allowed, 0));
	EXPECT_EQ(0, syscall(SYS_delete_module, "vb_allowed_drv", O_NONBLOCK));
}

/* Last: test_reload expects vendorban disabled, as test_exec left it. */
TEST_F_TIMEOUT(integrity, stop_and_disable, TIMEOUT)
{
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	EXPECT_EQ(0, WEXITSTATUS(system("/vb/vendorban disable --yes > /dev/null")));
}

int main(int argc, char **argv)
{
	struct utsname u;

	if (uname(&u))
		return 1;
	snprintf(release, sizeof(release), "%s", u.release);
	/* The initramfs root comes out of mktemp -d, mode 0700: no other user could reach /tmp
	 * or /vb at all. Any real root file system lets them search it. */
	if (chmod("/", 0755))
		return 1;
	return test_harness_run(argc, argv);
}
