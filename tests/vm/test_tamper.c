// SPDX-License-Identifier: GPL-2.0
/*
 * Tamper resistance (bpf/guard.bpf.h), inside the VM, as root, the way an operator would try it:
 * bpftool on the pins, a small libbpf call, rm, mv, umount, kill, ptrace. Each attempt is refused
 * with its exact errno and written into the chained log as an "operation":"tamper" record naming
 * what was tried and by whom; each has an allowed twin (a read-only dump, the daemon's own
 * reload, PID 1 stopping the daemon). Run last by tests/vm/payload.sh: it starts its own daemon
 * on /vb/test.policy, and leaves one running.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "kselftest_harness.h"
#include "vendorban.h"
#include "kernel/attach.h"
#include "vmutil.h"

#define PINS		VB_PIN_DIR
#define LINKS		VB_PIN_LINK_DIR
#define BPFTOOL		VB "bpftool"
#define VICTIM		"/opt/acme/tamper-victim"

static int start_daemon(void)
{
	return start_daemon_with("--policy /vb/test.policy --scan /vb/scanned",
				 "/tmp/vendorband-tamper.log");
}

struct tamper_of {
	const char *tried, *target;
	int pid;		/* the actor: this process, or a child of it (ppid) */
};

static bool tamper_record(struct json_object *rec, void *arg)
{
	const struct tamper_of *w = arg;
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", w->pid);
	return !strcmp(field(rec, "operation") ?: "", "tamper") &&
	       !strcmp(field(rec, "action") ?: "", "deny") &&
	       !strcmp(field(rec, "errno") ?: "", "EPERM") &&
	       !strcmp(field(rec, "tried") ?: "", w->tried) &&
	       (!w->target || !strcmp(field(rec, "target") ?: "", w->target)) &&
	       (!strcmp(field(rec, "pid") ?: "", pid) || !strcmp(field(rec, "ppid") ?: "", pid));
}

static long log_end(void)
{
	struct stat st;

	return stat(LOG, &st) ? 0 : st.st_size;
}

static long test_start;	/* where the log ended when the test began */

/* The record of a refused attempt by this process or one of its children, since the test
 * began. */
static bool recorded(const char *tried, const char *target)
{
	struct tamper_of w = { tried, target, getpid() };
	struct json_object *rec = find_record_where(tamper_record, &w, test_start, 100);

	json_object_put(rec);
	return rec != NULL;
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void still_enforcing(struct __test_metadata *_metadata)
{
	EXPECT_DENIED(probe_execve(VICTIM, NULL, NULL), "the banned path after the attempt");
}

FIXTURE(tamper) {
	int pid;
};

FIXTURE_SETUP(tamper)
{
	mkdir("/opt", 0755);
	mkdir("/opt/acme", 0755);
	ASSERT_EQ(0, copy_file(ALLOWED, VICTIM));
	if (daemon_pid() <= 0 || access(PINS "/settings", F_OK) ||
	    !file_contains("/tmp/vendorband-tamper.log", "enforcing")) {
		ASSERT_EQ(0, stop_daemon_with(SIGTERM));
		ASSERT_EQ(0, start_daemon());
	}
	self->pid = daemon_pid();
	ASSERT_LT(0, self->pid);
	EXPECT_DENIED(probe_execve(VICTIM, NULL, NULL), "banned path before the attempt");
	test_start = log_end();
}

FIXTURE_TEARDOWN(tamper)
{
}

/* Every map the daemon pins (enum vb_map_id), the outer slot maps and the guard's own
 * included: no writable fd but the daemon's. A read-only one still opens and reads. */
TEST_F(tamper, map_write_fds_refused_read_only_allowed)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	struct bpf_map_info info = {};
	__u32 zero = 0, len = sizeof(info);
	char path[128];
	__u64 seq;
	int fd;

	for (int i = 0; i < VB_MAP_MAX; i++) {
		const char *name = vb_map_name(i);

		snprintf(path, sizeof(path), PINS "/%s", name);
		errno = 0;
		fd = bpf_obj_get(path);
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(EPERM, errno) TH_LOG("writable fd to %s", name);
		if (fd >= 0)
			close(fd);
		fd = bpf_obj_get_opts(path, &ro);
		EXPECT_LE(0, fd) TH_LOG("read-only fd to %s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	EXPECT_TRUE(recorded("map-write", "policy_state"));
	fd = bpf_obj_get_opts(PINS "/policy_state", &ro);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, bpf_map_lookup_elem(fd, &zero, &seq));
	EXPECT_LT(0ULL, seq);
	/* A read-only fd cannot write either. */
	EXPECT_NE(0, bpf_map_update_elem(fd, &zero, &zero, BPF_ANY));
	close(fd);
	/* By id too: bpf_map_get_fd_by_id asks for a writable fd unless told otherwise. */
	fd = bpf_obj_get_opts(PINS "/settings", &ro);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(fd, &info, &len));
	close(fd);
	errno = 0;
	EXPECT_EQ(-1, bpf_map_get_fd_by_id(info.id));
	EXPECT_EQ(EPERM, errno);
	still_enforcing(_metadata);
}

/* Attempts on one map, from one process, since the test began: full records and repeats. */
static void count_map_writes(const char *target, long *full, long *repeats)
{
	char line[8192], me[16];
	FILE *f = fopen(LOG, "r");

	*full = *repeats = 0;
	snprintf(me, sizeof(me), "%d", getpid());
	if (f && fseek(f, test_start, SEEK_SET))
		rewind(f);
	while (f && fgets(line, sizeof(line), f)) {
		struct json_object *o = json_tokener_parse(line);
		const char *a = o ? field(o, "action") ?: "" : "";

		if (o && !strcmp(field(o, "operation") ?: "", "tamper") &&
		    !strcmp(field(o, "tried") ?: "", "map-write") &&
		    !strcmp(field(o, "target") ?: "", target)) {
			if (!strcmp(a, "deny") && !strcmp(field(o, "pid") ?: "", me))
				(*full)++;
			else if (!strcmp(a, "repeat"))
				*repeats += strtol(field(o, "count") ?: "0", NULL, 10);
		}
		json_object_put(o);
	}
	if (f)
		fclose(f);
}

/* Repeated tampering cannot flood the log either: one full record for the process, every other
 * attempt counted exactly in repeat records. */
TEST_F(tamper, repeated_tampering_is_one_record_and_an_exact_count)
{
	long full = 0, repeats = 0;
	int refused = 0;

	/* Repeats of other tests' attempts are handed over about once a second: not ours. */
	sleep(2);
	test_start = log_end();
	for (int i = 0; i < 500; i++) {
		int fd = bpf_obj_get(PINS "/slot_info");

		refused += fd < 0 && errno == EPERM;
		if (fd >= 0)
			close(fd);
	}
	EXPECT_EQ(500, refused);
	for (int i = 0; i < 100 && full + repeats < 500; i++) {
		usleep(100000);
		count_map_writes("slot_info", &full, &repeats);
	}
	EXPECT_EQ(1, full);
	EXPECT_EQ(499, repeats);
	still_enforcing(_metadata);
}

/* What an operator would type: bpftool flipping the slot or emptying the cache is refused. */
TEST_F(tamper, bpftool_update_refused)
{
	if (access(BPFTOOL, X_OK))
		SKIP(return, "bpftool is not in the payload (the host has no /usr/sbin/bpftool)");
	EXPECT_NE(0, run(BPFTOOL " map update pinned " PINS "/policy_state key 0 0 0 0 value "
			 "0 0 0 0 0 0 0 0 2>/tmp/bpftool.err"));
	EXPECT_TRUE(file_contains("/tmp/bpftool.err", "Operation not permitted"));
	EXPECT_NE(0, run(BPFTOOL " map delete pinned " PINS "/verdict_cache key hex "
			 "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 2>/dev/null"));
	EXPECT_TRUE(recorded("map-write", "policy_state"));
	EXPECT_TRUE(recorded("map-write", "verdict_cache"));
	still_enforcing(_metadata);
}

/* Its twin: reading. A bpftool that asks for a read-only fd to dump gets one. */
TEST_F(tamper, bpftool_dump_allowed)
{
	if (access(BPFTOOL, X_OK))
		SKIP(return, "bpftool is not in the payload (the host has no /usr/sbin/bpftool)");
	if (run(BPFTOOL " map dump pinned " PINS "/slot_info > /tmp/bpftool.out "
		"2>/tmp/bpftool.err") && file_contains("/tmp/bpftool.err", "bpf obj get") &&
	    file_contains("/tmp/bpftool.err", "Operation not permitted"))
		SKIP(return, "this bpftool opens pinned maps read-write even to dump or show them "
		     "(no BPF_F_RDONLY), which the guard refuses like any write; read-only fds "
		     "are allowed (map_write_fds_refused_read_only_allowed)");
	EXPECT_TRUE(file_contains("/tmp/bpftool.out", "\"seq\"") ||
		    file_contains("/tmp/bpftool.out", "key"));
	EXPECT_EQ(0, run(BPFTOOL " map show pinned " PINS "/settings > /dev/null"));
}

/* The first link pin's name. */
static void first_link_name(char *name, size_t len)
{
	DIR *d = opendir(LINKS);
	struct dirent *de = NULL;

	while (d && (de = readdir(d)) && de->d_name[0] == '.')
		;
	if (de)
		snprintf(name, len, "%s", de->d_name);
	if (d)
		closedir(d);
}

#define OUTSIDE	"/sys/fs/bpf/vbtest-outside"	/* a directory of the test's own, the twin */

/* The same directory operation in a pin directory (EPERM) and in one of the test's own. */
static void refused_in_pins_done_outside(struct __test_metadata *_metadata, const char *what,
					 int (*op)(const char *dir))
{
	errno = 0;
	EXPECT_EQ(-1, op(PINS)) TH_LOG("%s in %s", what, PINS);
	EXPECT_EQ(EPERM, errno) TH_LOG("%s in %s", what, PINS);
	errno = 0;
	EXPECT_EQ(-1, op(LINKS)) TH_LOG("%s in %s", what, LINKS);
	EXPECT_EQ(EPERM, errno) TH_LOG("%s in %s", what, LINKS);
	EXPECT_EQ(0, op(OUTSIDE)) TH_LOG("%s in %s: %s", what, OUTSIDE, strerror(errno));
}

static int own_map(void)
{
	return bpf_map_create(BPF_MAP_TYPE_ARRAY, "vbtest", 4, 8, 1, NULL);
}

static int op_mkdir(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/decoy-dir", dir);
	return mkdir(p, 0700);
}

static int op_pin(const char *dir)
{
	char p[256];
	int fd = own_map(), err;

	snprintf(p, sizeof(p), "%s/decoy-pin", dir);
	err = bpf_obj_pin(fd, p);
	close(fd);
	return err ? -1 : 0;
}

static int op_symlink(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/decoy-symlink", dir);
	return symlink("/sys/fs/bpf/elsewhere", p);
}

/* A hard link to a pin of the test's own, into dir. */
static int op_link(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/decoy-link", dir);
	return link(OUTSIDE "/source", p);
}

/* A pin of the test's own moved into dir. */
static int op_rename_in(const char *dir)
{
	char from[256], to[256];
	int fd = own_map();

	snprintf(from, sizeof(from), "/sys/fs/bpf/vbtest-moved");
	snprintf(to, sizeof(to), "%s/decoy-moved", dir);
	unlink(from);
	if (bpf_obj_pin(fd, from)) {
		close(fd);
		return -2;
	}
	close(fd);
	return rename(from, to);
}

/* No entry of the pin directories may go or come, the directories may not move, and the bpffs
 * may not be unmounted. Each is refused with EPERM; the same in a directory of the test's own
 * is done. */
TEST_F(tamper, pins_cannot_be_removed_or_moved)
{
	char name[256] = "", path[512];
	int fd;

	errno = 0;
	EXPECT_EQ(-1, unlink(PINS "/settings"));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, rename(PINS "/policy_state", PINS "/x"));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, rename(PINS "/policy_state", "/sys/fs/bpf/x"));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, rename(PINS, "/sys/fs/bpf/elsewhere"));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, rename(LINKS, "/sys/fs/bpf/elsewhere"));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, rmdir(LINKS));
	EXPECT_EQ(EPERM, errno);
	first_link_name(name, sizeof(name));
	ASSERT_NE(0, name[0]);
	snprintf(path, sizeof(path), LINKS "/%s", name);
	errno = 0;
	EXPECT_EQ(-1, unlink(path));
	EXPECT_EQ(EPERM, errno);

	/* The twins' directory, and a pin of the test's own in it to hard-link. */
	run("rm -rf " OUTSIDE);
	ASSERT_EQ(0, mkdir(OUTSIDE, 0700));
	fd = own_map();
	ASSERT_EQ(0, bpf_obj_pin(fd, OUTSIDE "/source"));
	close(fd);
	refused_in_pins_done_outside(_metadata, "mkdir", op_mkdir);
	refused_in_pins_done_outside(_metadata, "bpf_obj_pin", op_pin);
	refused_in_pins_done_outside(_metadata, "symlink", op_symlink);
	refused_in_pins_done_outside(_metadata, "link", op_link);
	refused_in_pins_done_outside(_metadata, "rename into", op_rename_in);
	EXPECT_EQ(0, run("rm -rf " OUTSIDE));

	errno = 0;
	EXPECT_EQ(-1, umount2("/sys/fs/bpf", MNT_DETACH));
	EXPECT_EQ(EPERM, errno);
	EXPECT_NE(0, run("rm -rf " PINS " 2>/dev/null"));
	EXPECT_EQ(0, access(PINS "/settings", F_OK));
	EXPECT_EQ(0, access(path, F_OK));
	EXPECT_TRUE(recorded("pin-change", "links"));
	EXPECT_TRUE(recorded("pin-change", "vendorban"));
	EXPECT_TRUE(recorded("pin-change", "rename"));
	EXPECT_TRUE(recorded("umount", NULL));
	still_enforcing(_metadata);
}

/* The guard's list of our link ids, read through a read-only fd. */
static void our_links(struct __test_metadata *_metadata, struct vb_guard *g)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	__u32 zero = 0;
	int fd;

	fd = bpf_obj_get_opts(PINS "/guard", &ro);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bpf_map_lookup_elem(fd, &zero, g));
	close(fd);
	ASSERT_LT(0U, g->n_links);
}

/* Every link id of ours, found the way bpftool link show finds them. */
TEST_F(tamper, link_fd_by_id_refused)
{
	struct vb_guard g = {};
	int fd;

	our_links(_metadata, &g);
	for (__u32 i = 0; i < g.n_links; i++) {
		errno = 0;
		fd = bpf_link_get_fd_by_id(g.link_ids[i]);
		EXPECT_EQ(-1, fd) TH_LOG("link %u", g.link_ids[i]);
		EXPECT_EQ(EPERM, errno);
		if (fd >= 0)
			close(fd);
	}
	EXPECT_TRUE(recorded("link-fd", NULL));
	/* A program fd is no power over the hook: bpftool prog show still works. */
	EXPECT_EQ(1, progs_named(lsm_path() ? "vb_lsm_bprm_che" : "vb_fr_file_open"));
	still_enforcing(_metadata);
}

/* "return 0": the body of every program of the test's own that only has to load. */
static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* A tracing program of the test's own (fentry, iterator) on the kernel function target: its fd,
 * or -errno. */
static int load_tracing(const char *name, enum bpf_attach_type type, const char *target,
			const struct bpf_insn *insns, size_t n)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = type);
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int id;

	if (!vmlinux)
		return -ENOENT;
	id = btf__find_by_name_kind(vmlinux, target, BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (id < 0)
		return id;
	o.attach_btf_id = id;
	return bpf_prog_load(BPF_PROG_TYPE_TRACING, name, "GPL", insns, n, &o);
}

/* fentry "return 0" on bpf_fentry_test1 (the kernel's own test target), linked: a tracing
 * link of the test's own, of the kind every vendorban hook is. */
static int own_tracing_link(struct __test_metadata *_metadata, int *prog)
{
	int link;

	*prog = load_tracing("vbtest_fentry", BPF_TRACE_FENTRY, "bpf_fentry_test1", ret0, 2);
	if (*prog < 0)
		return -1;
	link = bpf_link_create(*prog, 0, BPF_TRACE_FENTRY, NULL);
	EXPECT_LE(0, link) TH_LOG("linking the twin: %s", strerror(-link));
	return link;
}

/*
 * A link pin opens (bpf_obj_get), but the link cannot be detached or given another program:
 * BPF_LINK_DETACH and BPF_LINK_UPDATE on it are refused. The twin, a tracing link of the
 * test's own, shows what the kernel itself says to both (no detach, no update for tracing and
 * LSM links on 6.1 and 6.12): were that to change, a swapped descriptor could reach the kernel
 * past the guard's check, and this test says so.
 */
TEST_F(tamper, link_pins_open_but_cannot_detach)
{
	struct vb_guard g = {};
	char name[256] = "", path[512];
	struct stat st;
	int fd, twin_prog = -1, twin, ret;
	__u32 id = 0;
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	our_links(_metadata, &g);
	first_link_name(name, sizeof(name));
	ASSERT_NE(0, name[0]);
	snprintf(path, sizeof(path), LINKS "/%s", name);
	EXPECT_EQ(0, stat(path, &st)) TH_LOG("stat %s: %s", path, strerror(errno));
	fd = bpf_obj_get(path);
	ASSERT_LE(0, fd) TH_LOG("bpf_obj_get %s: %s", path, strerror(errno));
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(fd, &info, &len));
	id = info.id;
	for (__u32 i = 0; i < g.n_links && id; i++)
		if (g.link_ids[i] == id)
			id = 0;
	EXPECT_EQ(0U, id) TH_LOG("%s is link %u, not one the guard knows", path, info.id);

	twin = own_tracing_link(_metadata, &twin_prog);
	ASSERT_LE(0, twin_prog) TH_LOG("twin program: %s", strerror(errno));
	/* libbpf returns -errno. */
	EXPECT_EQ(-EPERM, bpf_link_detach(fd));
	EXPECT_EQ(-EPERM, bpf_link_update(fd, twin_prog, NULL));
	EXPECT_TRUE(recorded("link-fd", NULL));
	close(fd);

	/* The twin: the kernel's own answers, reached. */
	if (twin >= 0) {
		ret = bpf_link_detach(twin);
		EXPECT_EQ(-EOPNOTSUPP, ret) TH_LOG("the kernel detaches a tracing link: %s",
						    strerror(-ret));
		ret = bpf_link_update(twin, twin_prog, NULL);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("the kernel updates a tracing link: %s",
						strerror(-ret));
		len = sizeof(info);
		ASSERT_EQ(0, bpf_obj_get_info_by_fd(twin, &info, &len));
		fd = bpf_link_get_fd_by_id(info.id);
		EXPECT_LE(0, fd) TH_LOG("an fd of the twin by id: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		close(twin);
	}
	close(twin_prog);
	still_enforcing(_metadata);
}

/* "return 0" as an iterator of the test's own over every task's files: the twin. */
static int own_iterator(void)
{
	return load_tracing("vbtest_iter", BPF_TRACE_ITER, "bpf_iter_task_file", ret0, 2);
}

/* An iterator made of prog (over map, if >= 0): what BPF_ITER_CREATE answers, as -errno, or the
 * bytes a read of it gave. */
static int iterate(int prog, int map)
{
	union bpf_iter_link_info linfo = { .map.map_fd = map };
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .iter_info = &linfo,
		    .iter_info_len = sizeof(linfo));
	char buf[4096];
	int link, iter, n, total = 0;

	link = bpf_link_create(prog, 0, BPF_TRACE_ITER, map >= 0 ? &lopts : NULL);
	if (link < 0)
		return -1000 + link;	/* not what is asked: make it stand out */
	iter = bpf_iter_create(link);
	close(link);
	if (iter < 0)
		return iter;
	while ((n = read(iter, buf, sizeof(buf))) > 0)
		total += n;
	close(iter);
	return n < 0 ? -errno : total;
}

/*
 * The iterators run in whoever reads them, and the flood ones hand the kernel's repeat counts
 * over to the log: root reading one would mark as logged what the log never got. Their
 * programs can be had (bpf_obj_get of their pins), and linked, but no iterator is made of one
 * (EPERM). The twin: an iterator of the test's own is made and read.
 */
TEST_F(tamper, our_iterators_cannot_be_run)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	int offer, commit, pathids, flood, twin;

	offer = bpf_obj_get(VB_PIN_FLOOD_OFFER);
	commit = bpf_obj_get(VB_PIN_FLOOD_COMMIT);
	pathids = bpf_obj_get(VB_PIN_PATHID_ITER);
	flood = bpf_obj_get_opts(PINS "/flood", &ro);
	ASSERT_LE(0, offer) TH_LOG("%s: %s", VB_PIN_FLOOD_OFFER, strerror(errno));
	ASSERT_LE(0, commit) TH_LOG("%s: %s", VB_PIN_FLOOD_COMMIT, strerror(errno));
	ASSERT_LE(0, pathids) TH_LOG("%s: %s", VB_PIN_PATHID_ITER, strerror(errno));
	ASSERT_LE(0, flood) TH_LOG("the flood map: %s", strerror(errno));
	EXPECT_EQ(-EPERM, iterate(offer, flood));
	EXPECT_EQ(-EPERM, iterate(commit, flood));
	EXPECT_EQ(-EPERM, iterate(pathids, -1));
	EXPECT_TRUE(recorded("iterator", "vb_iter_flood_o"));
	EXPECT_TRUE(recorded("iterator", "vb_iter_flood_c"));
	EXPECT_TRUE(recorded("iterator", "vb_iter_pathids"));
	close(offer);
	close(commit);
	close(pathids);
	close(flood);

	twin = own_iterator();
	ASSERT_LE(0, twin) TH_LOG("the twin iterator: %s", strerror(errno));
	EXPECT_EQ(0, iterate(twin, -1));
	close(twin);
	still_enforcing(_metadata);
}

/* The instructions the two tests below load, spelled out: no compiler in the VM. */
#define I_MOV_IMM(d, v)	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = d, .imm = v }
#define I_MOV_REG(d, s)	{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = d, .src_reg = s }
#define I_ADD_IMM(d, v)	{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = d, .imm = v }
#define I_LDX(sz, d, s, o) { .code = BPF_LDX | BPF_MEM | sz, .dst_reg = d, .src_reg = s, .off = o }
#define I_STX(sz, d, s, o) { .code = BPF_STX | BPF_MEM | sz, .dst_reg = d, .src_reg = s, .off = o }
#define I_ST(sz, d, o, v) { .code = BPF_ST | BPF_MEM | sz, .dst_reg = d, .off = o, .imm = v }
#define I_JEQ0(d, o)	{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = d, .off = o, .imm = 0 }
#define I_CALL(f)	{ .code = BPF_JMP | BPF_CALL, .imm = f }
#define I_EXIT		{ .code = BPF_JMP | BPF_EXIT }
#define I_LD_MAP(d, fd)	{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = d,			\
			  .src_reg = BPF_PSEUDO_MAP_FD, .imm = fd }, { 0 }

/* A socket filter that looks up element 0 of the map in element 0 of outer, and writes its
 * first byte back: the write is what the verifier must allow for the threat to be real. The
 * test never runs it. */
static int load_outer_writer(int outer)
{
	const struct bpf_insn insns[] = {
		I_ST(BPF_W, BPF_REG_10, -4, 0),
		I_MOV_REG(BPF_REG_2, BPF_REG_10),
		I_ADD_IMM(BPF_REG_2, -4),
		I_LD_MAP(BPF_REG_1, outer),
		I_CALL(BPF_FUNC_map_lookup_elem),
		I_JEQ0(BPF_REG_0, 7),
		I_MOV_REG(BPF_REG_1, BPF_REG_0),
		I_MOV_REG(BPF_REG_2, BPF_REG_10),
		I_ADD_IMM(BPF_REG_2, -4),
		I_CALL(BPF_FUNC_map_lookup_elem),
		I_JEQ0(BPF_REG_0, 2),
		I_LDX(BPF_B, BPF_REG_3, BPF_REG_0, 0),
		I_STX(BPF_B, BPF_REG_0, BPF_REG_3, 0),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT,
	};

	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "vbtest_outer_w", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

/* A map element iterator that reads the first byte of each key (off 16 in its context) or
 * writes back the first byte of each value (off 24). */
static int load_map_iter(bool value)
{
	const struct bpf_insn insns[] = {
		I_LDX(BPF_DW, BPF_REG_2, BPF_REG_1, value ? 24 : 16),
		I_JEQ0(BPF_REG_2, value ? 2 : 1),
		I_LDX(BPF_B, BPF_REG_3, BPF_REG_2, 0),
		value ? (struct bpf_insn)I_STX(BPF_B, BPF_REG_2, BPF_REG_3, 0) :
			(struct bpf_insn)I_MOV_IMM(BPF_REG_0, 0),
		I_MOV_IMM(BPF_REG_0, 0),
		I_EXIT,
	};

	return load_tracing(value ? "vbtest_iter_w" : "vbtest_iter_r", BPF_TRACE_ITER,
			    "bpf_iter_bpf_map_elem", insns, sizeof(insns) / sizeof(insns[0]));
}

/* BTF for a key of 4 bytes (an int, as an array's must be) and a value of n bytes, a struct as
 * ours are: 6.1 compares a map's timer offset, which differs between a map without BTF (never
 * looked for), a struct value (not found) and any other type (cannot have one). */
static int shape_btf(__u32 n, __u32 *key_id, __u32 *value_id)
{
	struct btf *b = btf__new_empty();
	int u8, u32, arr, fd = -1;

	if (!b)
		return -1;
	u8 = btf__add_int(b, "unsigned char", 1, 0);
	u32 = btf__add_int(b, "unsigned int", 4, 0);
	arr = btf__add_array(b, u32, u8, n);
	*key_id = u32;
	*value_id = btf__add_struct(b, "vbtest_value", n);
	if (u8 > 0 && u32 > 0 && arr > 0 && (int)*value_id > 0 &&
	    !btf__add_field(b, "bytes", arr, 0, 0) && !btf__load_into_kernel(b))
		fd = dup(btf__fd(b));
	btf__free(b);
	return fd;
}

/* A map with the shape of ours (info), as the template of a new outer map. */
static int outer_shaped_like(const struct bpf_map_info *info)
{
	LIBBPF_OPTS(bpf_map_create_opts, t, .map_flags = info->map_flags);
	LIBBPF_OPTS(bpf_map_create_opts, o);
	int tmpl, outer, btf;

	btf = shape_btf(info->value_size, &t.btf_key_type_id, &t.btf_value_type_id);
	if (btf < 0)
		return -EINVAL;
	t.btf_fd = btf;
	tmpl = bpf_map_create(info->type, "vbtest_tmpl", info->key_size, info->value_size,
			      info->max_entries, &t);
	close(btf);
	if (tmpl < 0)
		return tmpl;
	o.inner_map_fd = tmpl;
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "vbtest_outer", 4, 4, 1, &o);
	close(tmpl);
	return outer;
}

/*
 * A read-only fd of one of our maps is enough for the kernel to put it in an outer map of
 * someone else's, and to bind it to a map element iterator, whose programs may then write it:
 * settings.enabled, a cached verdict, the guard. Both programs are refused at load (EPERM). The
 * twins: the same program over an outer map shaped otherwise loads, and a map iterator that
 * reads keys only loads, is linked to our settings and read.
 */
TEST_F(tamper, our_maps_unreachable_through_outer_maps_and_iterators)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	struct bpf_map_info info = {}, other;
	__u32 len = sizeof(info), zero = 0;
	int ours, outer, prog, twin;

	ours = bpf_obj_get_opts(PINS "/settings", &ro);
	ASSERT_LE(0, ours) TH_LOG("settings, read-only: %s", strerror(errno));
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(ours, &info, &len));
	outer = outer_shaped_like(&info);
	ASSERT_LE(0, outer) TH_LOG("an outer map for settings: %s", strerror(-outer));
	/* The kernel's part: a read-only fd goes in. */
	EXPECT_EQ(0, bpf_map_update_elem(outer, &zero, &ours, BPF_ANY))
		TH_LOG("settings put in an outer map: %s", strerror(errno));
	prog = load_outer_writer(outer);
	EXPECT_EQ(-EPERM, prog) TH_LOG("a program over it: %s", strerror(-prog));
	if (prog >= 0)
		close(prog);
	close(outer);
	EXPECT_TRUE(recorded("prog-load", "vbtest_outer"));

	other = info;
	other.value_size = info.value_size + 8;
	outer = outer_shaped_like(&other);
	ASSERT_LE(0, outer);
	EXPECT_NE(0, bpf_map_update_elem(outer, &zero, &ours, BPF_ANY));
	twin = load_outer_writer(outer);
	EXPECT_LE(0, twin) TH_LOG("the twin over an outer map shaped otherwise: %s",
				   strerror(-twin));
	if (twin >= 0)
		close(twin);
	close(outer);

	prog = load_map_iter(true);
	EXPECT_EQ(-EPERM, prog) TH_LOG("a map iterator writing values: %s", strerror(-prog));
	if (prog >= 0)
		close(prog);
	EXPECT_TRUE(recorded("prog-load", "vbtest_iter_w"));
	twin = load_map_iter(false);
	ASSERT_LE(0, twin) TH_LOG("a map iterator reading keys: %s", strerror(-twin));
	EXPECT_EQ(0, iterate(twin, ours));
	close(twin);
	close(ours);
	still_enforcing(_metadata);
}

/* A program that names one of our maps could write it from the kernel: refused at load, even
 * through a read-only fd. The same program over a map of its own loads. */
TEST_F(tamper, program_using_our_map_refused)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	int ours, mine, prog;

	ours = bpf_obj_get_opts(PINS "/policy_state", &ro);
	ASSERT_LE(0, ours);
	mine = bpf_map_create(BPF_MAP_TYPE_ARRAY, "mine", 4, 8, 1, NULL);
	ASSERT_LE(0, mine);
	for (int i = 0; i < 2; i++) {
		struct bpf_insn insns[] = {
			{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
			  .src_reg = BPF_PSEUDO_MAP_FD, .imm = i ? mine : ours },
			{},
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		errno = 0;
		prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns, 4, NULL);
		if (i) {
			EXPECT_LE(0, prog) TH_LOG("own map: %s", strerror(errno));
		} else {
			EXPECT_EQ(-1, prog);
			EXPECT_EQ(EPERM, errno);
		}
		if (prog >= 0)
			close(prog);
	}
	close(ours);
	close(mine);
	EXPECT_TRUE(recorded("prog-load", "policy_state"));
}

/* BTF of global functions "int name(struct ctx_struct *ctx)", one per name: what an extension
 * must look like to replace a function whose context is that struct. Its fd, and each
 * function's id. */
static int ctx_btf(const char *const *names, int n, const char *ctx_struct, __u32 *ids)
{
	struct btf *btf = btf__new_empty();
	int i32, ptr, proto, fd = -1;

	if (!btf)
		return -1;
	i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	ptr = btf__add_ptr(btf, btf__add_struct(btf, ctx_struct, 0));
	for (int i = 0; i < n; i++) {
		proto = btf__add_func_proto(btf, i32);
		btf__add_func_param(btf, "ctx", ptr);
		ids[i] = btf__add_func(btf, names[i], BTF_FUNC_GLOBAL, proto);
	}
	if (!btf__load_into_kernel(btf))
		fd = dup(btf__fd(btf));
	btf__free(btf);
	return fd;
}

static char ext_log[4096];	/* the verifier's words on the last load */

static int load(enum bpf_prog_type type, const char *name, const struct bpf_insn *insns, int n,
		const char *const *funcs, const __u32 *offs, int nfuncs, int target,
		__u32 target_id)
{
	struct bpf_func_info fi[2] = {};
	__u32 ids[2];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .func_info = fi, .func_info_cnt = nfuncs,
		    .func_info_rec_size = sizeof(fi[0]), .attach_prog_fd = target,
		    .attach_btf_id = target_id, .log_buf = ext_log, .log_size = sizeof(ext_log),
		    .log_level = 1);
	int fd, btf_fd = ctx_btf(funcs, nfuncs, "__sk_buff", ids);

	if (btf_fd < 0)
		return -1;
	o.prog_btf_fd = btf_fd;
	for (int i = 0; i < nfuncs; i++) {
		fi[i].insn_off = offs[i];
		fi[i].type_id = ids[i];
	}
	ext_log[0] = 0;
	fd = bpf_prog_load(type, name, "GPL", insns, n, &o);
	close(btf_fd);
	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

/* "return 0", as an extension of (target, the function target_id in its BTF). */
static int load_ext(int target, __u32 target_id)
{
	static const char *const f[] = { "vb_repl" };
	static const __u32 off[] = { 0 };

	return load(BPF_PROG_TYPE_EXT, "vb_test_ext", ret0, 2, f, off, 1, target, target_id);
}

/* The BTF id of each function of a program (at most 8): how many it has, or -errno. */
static int prog_funcs(int fd, __u32 *ids, char *name)
{
	struct bpf_func_info fi[8] = {};
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	info.nr_func_info = 8;
	info.func_info_rec_size = sizeof(fi[0]);
	info.func_info = (__u64)(unsigned long)fi;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	strcpy(name, info.name);
	for (__u32 i = 0; i < info.nr_func_info && i < 8; i++)
		ids[i] = fi[i].type_id;
	return info.nr_func_info < 8 ? (int)info.nr_func_info : 8;
}

/*
 * An extension (freplace) patches a jump into the function it replaces: a hook of ours
 * replaced would return whatever the extension says. The kernel replaces only functions whose
 * arguments it could check against their BTF, and none of vendorban's is one (the hooks take
 * an array of u64, the iterators a context the verifier does not take as theirs). Every
 * function of every vendorban program is tried; any that loads is a hole. The twin: a socket
 * filter of the test's own, whose global function takes its context, is extended and linked.
 */
TEST_F(tamper, no_program_of_ours_can_be_extended)
{
	static const struct bpf_insn twin_insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const char *const twin_funcs[] = { "twin_main", "twin_fn" };
	static const __u32 twin_offs[] = { 0, 2 };
	__u32 id = 0, ids[8];
	int tried = 0, twin, ext, link, n;
	char name[BPF_OBJ_NAME_LEN];

	while (!bpf_prog_get_next_id(id, &id)) {
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		n = prog_funcs(fd, ids, name);
		for (int i = 0; strncmp(name, "vb_", 3) == 0 && i < n; i++, tried++) {
			ext = load_ext(fd, ids[i]);
			EXPECT_EQ(-1, ext) TH_LOG("%s, function %d, can be replaced", name, i);
			if (ext >= 0)
				close(ext);
		}
		close(fd);
	}
	EXPECT_LE(20, tried) TH_LOG("only %d functions of vendorban programs found", tried);

	twin = load(BPF_PROG_TYPE_SOCKET_FILTER, "twin", twin_insns, 4, twin_funcs, twin_offs, 2,
		    0, 0);
	ASSERT_LE(0, twin) TH_LOG("twin program: %s; %s", strerror(errno), ext_log);
	ASSERT_EQ(2, prog_funcs(twin, ids, name));
	ext = load_ext(twin, ids[1]);
	ASSERT_LE(0, ext) TH_LOG("an extension of the twin: %s; %s", strerror(errno), ext_log);
	link = bpf_link_create(ext, 0, 0 /* ignored for extensions */, NULL);
	EXPECT_LE(0, link) TH_LOG("linking the twin's extension: %s", strerror(-link));
	if (link >= 0)
		close(link);
	close(ext);
	close(twin);
	still_enforcing(_metadata);
}

/* Signals that kill or stop the daemon are PID 1's to send; harmless ones anyone's. */
TEST_F(tamper, signals_refused_harmless_allowed)
{
	static const int fatal[] = { SIGKILL, SIGTERM, SIGINT, SIGQUIT, SIGSTOP, SIGTSTP, SIGUSR2,
				     SIGABRT, SIGSEGV };

	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, kill(self->pid, fatal[i])) TH_LOG("signal %d", fatal[i]);
		EXPECT_EQ(EPERM, errno);
	}
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_tgkill, self->pid, self->pid, SIGKILL));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, kill(self->pid, 0));
	EXPECT_EQ(0, kill(self->pid, SIGCONT));
	EXPECT_TRUE(recorded("signal", NULL));
	/* SIGHUP is a reload, which still works. */
	EXPECT_EQ(0, run("/vb/vendorban reload > /tmp/reload.out 2>&1"));
	EXPECT_EQ(self->pid, daemon_pid());
	EXPECT_EQ(0, kill(self->pid, 0));
	still_enforcing(_metadata);
}

/* Attaching to the daemon in any form is refused; a child of our own may be traced. */
TEST_F(tamper, ptrace_and_fd_theft_refused)
{
	char mem[64];
	int pidfd, fd, status;
	pid_t child;

	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_ATTACH, self->pid, NULL, NULL));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_SEIZE, self->pid, NULL, NULL));
	EXPECT_EQ(EPERM, errno);
	pidfd = syscall(SYS_pidfd_open, self->pid, 0);
	ASSERT_LE(0, pidfd);
	errno = 0;
	fd = syscall(SYS_pidfd_getfd, pidfd, 3, 0);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EPERM, errno);
	close(pidfd);
	/* proc_mem_open() turns every refusal of mm_access() into EACCES. */
	snprintf(mem, sizeof(mem), "/proc/%d/mem", self->pid);
	errno = 0;
	fd = open(mem, O_RDWR);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	EXPECT_TRUE(recorded("ptrace", NULL));

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		pause();
		_exit(0);
	}
	EXPECT_EQ(0, ptrace(PTRACE_ATTACH, child, NULL, NULL));
	waitpid(child, &status, 0);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
}

static bool watch_record(struct json_object *rec, void *arg)
{
	return !strcmp(field(rec, "action") ?: "", "tamper") &&
	       !strcmp(field(rec, "what") ?: "", arg) &&
	       !strcmp(field(rec, "restored") ?: "", "true");
}

static bool pins_back(void)
{
	for (int i = 0; i < 100; i++) {
		if (!access(PINS "/settings", F_OK))
			return true;
		usleep(100000);
	}
	return false;
}

/* A mount over the pins, or a fresh bpffs over /sys/fs/bpf, is no write the guard sees: it
 * hides the pins from status and from the next daemon. The daemon's watch takes it off. */
TEST_F(tamper, pins_hidden_by_a_mount_are_uncovered)
{
	struct json_object *rec;

	ASSERT_EQ(0, mount("none", PINS, "tmpfs", 0, NULL));
	EXPECT_TRUE(pins_back());
	rec = find_record_where(watch_record, "the pins were hidden by a mount", test_start, 100);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);
	test_start = log_end();
	ASSERT_EQ(0, mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL));
	EXPECT_TRUE(pins_back());
	rec = find_record_where(watch_record, "the pins were hidden by a mount", test_start, 100);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);
	still_enforcing(_metadata);
	EXPECT_EQ(0, run("/vb/vendorban status > /tmp/status.out"));
	EXPECT_TRUE(file_contains("/tmp/status.out", "tampering seen:"));
}

/* status --no-probe tells the truth with a reason or says yes; status proves it by the policy's
 * canaries. */
TEST_F(tamper, status_says_enforcing_with_and_without_probe)
{
	EXPECT_EQ(0, run("/vb/vendorban status --no-probe > /tmp/status.out"));
	EXPECT_TRUE(file_contains("/tmp/status.out", "enforcing:        yes"));
	EXPECT_TRUE(file_contains("/tmp/status.out", "self-protection:  armed"));
	EXPECT_EQ(0, run("/vb/vendorban status > /tmp/status.out"));
	EXPECT_TRUE(file_contains("/tmp/status.out", "refused its canary exec"));
}

/* While no daemon lives only the registered vendorband may take over: a copy of it (another
 * inode) may not, the original may. PID 1 stops the daemon, as systemd would, and the stop is
 * in the log. */
TEST_F_TIMEOUT(tamper, only_the_registered_daemon_takes_over, 120)
{
	ASSERT_EQ(0, copy_file(VB "vendorband", "/tmp/vendorband-copy"));
	ASSERT_EQ(0, chmod("/tmp/vendorband-copy", 0755));
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	EXPECT_TRUE(file_contains(LOG, "\"action\":\"stop\""));
	still_enforcing(_metadata);
	/* --disable is what a takeover does first: refused by the guard, nothing changes. */
	EXPECT_NE(0, run("/tmp/vendorband-copy --disable > /tmp/copy.out 2>&1"));
	EXPECT_TRUE(file_contains("/tmp/copy.out", "guard"));
	EXPECT_EQ(0, access(PINS "/settings", F_OK));
	still_enforcing(_metadata);
	ASSERT_EQ(0, start_daemon());
	EXPECT_TRUE(file_contains("/tmp/vendorband-tamper.log", "(taken over)"));
	self->pid = daemon_pid();
	still_enforcing(_metadata);
	EXPECT_EQ(0, run("/vb/vendorban status > /dev/null"));
}

TEST_HARNESS_MAIN
