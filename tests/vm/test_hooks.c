// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF object alone, through its skeleton, with no daemon: what the kernel's selftests do
 * for progs/lsm.c in prog_tests/test_lsm.c. Each test loads and attaches the programs the daemon
 * would attach on the path this boot supports (vb_kernel_select: BPF LSM when bpf is in lsm=,
 * fmod_ret otherwise), installs a rule straight into the maps the way user/kernel/rules.c lays
 * a policy out (inner maps in the idle slot, its slot_info, the policy_state flip, then
 * settings.enabled), and checks the exact errno, an allowed twin, the counters the programs
 * bump and the event they send.
 *
 * Run by tests/vm/payload.sh before any daemon starts: a daemon's pinned programs would judge
 * these execs too, by its own policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kselftest_harness.h"
#include "vendorban.skel.h"
#include "kernel/attach.h"
#include "kernel/facts.h"
#include "kernel/rules.h"
#include "util/hex.h"
#include "probe.h"
#include "vmutil.h"

#define HOOKS_DIR	"/tmp/vb-hooks/"
#define T_BANNED	HOOKS_DIR "banned"	/* a copy of ALLOWED: banned by its path alone */
#define T_ALLOWED	HOOKS_DIR "allowed"	/* its twin, same content, next to it */
#define RULE_IDX	7
/* Loading the object is slow under TCG: the verifier walks every program once per load. */
#define LOAD_TIMEOUT	300

struct rule {
	const char *path;		/* exact path rule, or NULL */
	const char *sha256_of;		/* content-hash rule: the hash of this file, or NULL */
	__u8 mode;			/* enum vb_mode */
};

struct seen {
	struct vb_event first, last;
	int n;
	int unjudged;		/* execs reported for a daemon to hash later */
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct seen *s = ctx;
	const struct vb_event *e = data;

	/* Not a verdict: on fmod_ret, with no daemon to judge content, the kernel reports every
	 * never-seen exec for a daemon to hash later (VB_EV_F_UNJUDGED). */
	if (len >= sizeof(*e) && (e->flags & VB_EV_F_UNJUDGED)) {
		s->unjudged++;
		return 0;
	}
	if (len >= sizeof(s->last)) {
		memcpy(&s->last, data, sizeof(s->last));
		if (!s->n)
			s->first = s->last;
		s->n++;
	}
	return 0;
}

static enum vb_path boot_path(void)
{
	char list[256];
	int active = vb_bpf_lsm_active(list, sizeof(list));

	if (active < 0)
		return VB_PATH_NONE;
	return active ? VB_PATH_LSM : VB_PATH_FMOD_RET;
}

/* One per-CPU counter, summed; -1 if it cannot be read. */
static long long stat_sum(struct vendorban *skel, enum vb_stat stat)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = stat;
	long long sum = 0;

	if (ncpu <= 0)
		return -1;
	__u64 vals[ncpu];

	if (bpf_map__lookup_elem(skel->maps.stats, &key, sizeof(key), vals, sizeof(vals), 0))
		return -1;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static int settings_enable(struct vendorban *skel, enum vb_path path, bool on)
{
	struct vb_settings s = {
		.enabled = on,
		.path = path,
		.can_hash = path == VB_PATH_LSM,
	};
	__u32 zero = 0;

	return bpf_map__update_elem(skel->maps.settings, &zero, sizeof(zero), &s, sizeof(s), 0);
}

static int rules_map(const char *name, __u32 key_size, __u32 max)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = VB_RULES_MAP_FLAGS);

	/* Created without BTF, and with the flags, of the daemon's: the templates in vendorban.bpf.c say why. */
	return bpf_map_create(BPF_MAP_TYPE_HASH, name, key_size, sizeof(struct vb_rule_ref), max,
			      &opts);
}

/* One rule, as a new policy: filled into the idle slot, then made active by one store. */
static int install(struct vendorban *skel, const struct rule *r)
{
	struct vb_rule_ref ref = { .rule_idx = RULE_IDX, .mode = r->mode };
	static struct vb_path_filter filter;	/* 16 KiB: not on the stack */
	struct vb_policy_state st;
	struct vb_slot_info info = {};
	int hash_fd, path_fd, err = -1;
	__u32 zero = 0, slot;

	if (bpf_map__lookup_elem(skel->maps.policy_state, &zero, sizeof(zero), &st, sizeof(st), 0))
		return -1;
	info.seq = st.seq + 1;
	slot = info.seq & 1;
	memset(&filter, 0, sizeof(filter));
	hash_fd = rules_map("t_hash_rules", VB_SHA256_LEN, VB_MAX_HASH_RULES);
	path_fd = rules_map("t_path_rules", sizeof(struct vb_path_key), VB_MAX_PATH_RULES);
	if (hash_fd < 0 || path_fd < 0)
		goto out;
	if (r->sha256_of) {
		__u8 sha[VB_SHA256_LEN];
		char hex[65];

		if (sha256_file_hex(r->sha256_of, hex) ||
		    vb_unhex(hex, sha, sizeof(sha)) != VB_SHA256_LEN ||
		    bpf_map_update_elem(hash_fd, sha, &ref, BPF_NOEXIST))
			goto out;
		info.n_hash_rules = 1;
	}
	if (r->path) {
		struct vb_path_key key = {};

		strncpy(key.path, r->path, sizeof(key.path) - 1);
		if (bpf_map_update_elem(path_fd, &key, &ref, BPF_NOEXIST))
			goto out;
		vb_path_filter_name(&filter, r->path);
		info.n_path_rules = 1;
	}
	if (bpf_map__update_elem(skel->maps.path_filter, &slot, sizeof(slot), &filter,
				 sizeof(filter), 0))
		goto out;
	if (bpf_map__update_elem(skel->maps.hash_slots, &slot, sizeof(slot), &hash_fd,
				 sizeof(hash_fd), 0) ||
	    bpf_map__update_elem(skel->maps.path_slots, &slot, sizeof(slot), &path_fd,
				 sizeof(path_fd), 0) ||
	    bpf_map__update_elem(skel->maps.slot_info, &slot, sizeof(slot), &info, sizeof(info), 0))
		goto out;
	st.seq = info.seq;
	err = bpf_map__update_elem(skel->maps.policy_state, &zero, sizeof(zero), &st, sizeof(st), 0);
out:
	if (hash_fd >= 0)
		close(hash_fd);
	if (path_fd >= 0)
		close(path_fd);
	return err;
}

FIXTURE(hooks) {
	struct vendorban *skel;
	struct ring_buffer *rb;
	struct seen seen;
	enum vb_path path;
};

FIXTURE_SETUP(hooks)
{
	const char *want = getenv("VB_EXPECT_PATH");

	self->path = boot_path();
	ASSERT_NE(VB_PATH_NONE, (int)self->path) TH_LOG("cannot read " VB_LSM_FILE);
	if (want)
		ASSERT_STREQ(want, vb_path_name(self->path));
	ASSERT_NE(0, access(VB_PIN_DIR, F_OK))
		TH_LOG("a daemon's programs are pinned in " VB_PIN_DIR ": this test runs alone");
	self->skel = vendorban__open();
	ASSERT_NE(NULL, self->skel);
	ASSERT_LT(0, vb_kernel_select(self->skel, self->path));
	ASSERT_EQ(0, vendorban__load(self->skel));
	ASSERT_EQ(0, vendorban__attach(self->skel));
	self->rb = ring_buffer__new(bpf_map__fd(self->skel->maps.events), on_event, &self->seen,
				    NULL);
	ASSERT_NE(NULL, self->rb);
	mkdir(HOOKS_DIR, 0755);
	ASSERT_EQ(0, copy_file(ALLOWED, T_BANNED));
	ASSERT_EQ(0, copy_file(ALLOWED, T_ALLOWED));
}

FIXTURE_TEARDOWN(hooks)
{
	ring_buffer__free(self->rb);
	/* Detaches every program: the next test, and the daemon after us, start from nothing. */
	vendorban__destroy(self->skel);
}

/* What the programs sent since the last call: the last event, and how many. */
static struct seen *drain(struct __test_metadata *_metadata, FIXTURE_DATA(hooks) *self)
{
	self->seen.n = 0;
	self->seen.unjudged = 0;
	EXPECT_LE(0, ring_buffer__consume(self->rb));
	return &self->seen;
}

/* r as the policy in force, enabled, with no event from before it left to read. */
static void enforce(struct __test_metadata *_metadata, FIXTURE_DATA(hooks) *self,
		    const struct rule *r)
{
	ASSERT_EQ(0, install(self->skel, r));
	ASSERT_EQ(0, settings_enable(self->skel, self->path, true));
	drain(_metadata, self);
}

TEST_F_TIMEOUT(hooks, path_rule_denies_with_eperm_and_the_twin_runs, LOAD_TIMEOUT)
{
	const struct rule r = { .path = T_BANNED, .mode = VB_MODE_ENFORCE };
	struct seen *s;

	enforce(_metadata, self, &r);

	EXPECT_DENIED(probe_execve(T_BANNED, NULL, NULL), "banned by path");
	EXPECT_RAN(probe_execve(T_ALLOWED, NULL, NULL), "allowed twin, same content");
	EXPECT_EQ(1, stat_sum(self->skel, VB_STAT_DENIED));
	EXPECT_EQ(0, stat_sum(self->skel, VB_STAT_AUDITED));
	EXPECT_LE(2, stat_sum(self->skel, VB_STAT_CHECKED));

	s = drain(_metadata, self);
	ASSERT_EQ(1, s->n);
	EXPECT_EQ(VB_OP_EXEC, s->last.op);
	EXPECT_EQ(VB_MATCH_PATH, s->last.match);
	EXPECT_EQ(VB_MODE_ENFORCE, s->last.mode);
	EXPECT_EQ(-EPERM, s->last.ret);
	EXPECT_EQ(RULE_IDX, (int)s->last.rule_idx);
	EXPECT_TRUE(s->last.flags & VB_EV_F_DENIED);
	EXPECT_STREQ(T_BANNED, s->last.path);
	EXPECT_EQ(getpid(), (pid_t)s->last.ppid);
	EXPECT_EQ(1, (int)s->last.policy_seq);
}

/* settings.enabled is the one switch: the same rule, off, judges nothing. */
TEST_F_TIMEOUT(hooks, nothing_is_denied_until_enabled, LOAD_TIMEOUT)
{
	const struct rule r = { .path = T_BANNED, .mode = VB_MODE_ENFORCE };

	ASSERT_EQ(0, install(self->skel, &r));
	EXPECT_RAN(probe_execve(T_BANNED, NULL, NULL), "attached, rule installed, not enabled");
	EXPECT_EQ(0, stat_sum(self->skel, VB_STAT_DENIED));
	EXPECT_EQ(0, stat_sum(self->skel, VB_STAT_CHECKED));

	ASSERT_EQ(0, settings_enable(self->skel, self->path, true));
	EXPECT_DENIED(probe_execve(T_BANNED, NULL, NULL), "enabled");
	ASSERT_EQ(0, settings_enable(self->skel, self->path, false));
	EXPECT_RAN(probe_execve(T_BANNED, NULL, NULL), "disabled again");
	EXPECT_EQ(1, stat_sum(self->skel, VB_STAT_DENIED));
}

TEST_F_TIMEOUT(hooks, audit_rule_allows_and_counts, LOAD_TIMEOUT)
{
	const struct rule r = { .path = T_BANNED, .mode = VB_MODE_AUDIT };
	struct seen *s;

	enforce(_metadata, self, &r);

	EXPECT_RAN(probe_execve(T_BANNED, NULL, NULL), "audited");
	EXPECT_EQ(0, stat_sum(self->skel, VB_STAT_DENIED));
	/* The exec, and on the LSM path the loader's mmap(PROT_EXEC) of the same file, which
	 * only the sleepable mmap_file hook matches by path: one event for each would-deny. */
	s = drain(_metadata, self);
	ASSERT_LE(1, s->n);
	EXPECT_EQ(s->n, stat_sum(self->skel, VB_STAT_AUDITED));
	EXPECT_EQ(VB_OP_EXEC, s->first.op);
	EXPECT_EQ(VB_MODE_AUDIT, s->first.mode);
	EXPECT_EQ(0, s->first.ret);
	EXPECT_FALSE(s->first.flags & VB_EV_F_DENIED);
	EXPECT_EQ(VB_MODE_AUDIT, s->last.mode);
	EXPECT_EQ(0, s->last.ret);
}

/* A policy flip takes the old rules away in one step, and the verdict cache with them. */
TEST_F_TIMEOUT(hooks, a_new_policy_replaces_the_old_one_whole, LOAD_TIMEOUT)
{
	const struct rule old = { .path = T_BANNED, .mode = VB_MODE_ENFORCE };
	const struct rule new = { .path = T_ALLOWED, .mode = VB_MODE_ENFORCE };

	enforce(_metadata, self, &old);
	EXPECT_DENIED(probe_execve(T_BANNED, NULL, NULL), "policy 1 bans it");
	EXPECT_RAN(probe_execve(T_ALLOWED, NULL, NULL), "policy 1 allows it");
	ASSERT_EQ(0, install(self->skel, &new));
	EXPECT_RAN(probe_execve(T_BANNED, NULL, NULL), "policy 2 allows it");
	EXPECT_DENIED(probe_execve(T_ALLOWED, NULL, NULL), "policy 2 bans it");
	EXPECT_EQ(2, stat_sum(self->skel, VB_STAT_DENIED));
}

/* Only the BPF LSM path hashes content in the kernel (bprm_check and mmap_file are sleepable
 * there); a copy anywhere, under any name, is the same content. On the fmod_ret path the
 * object alone, with no daemon to judge content, lets a never-seen file run and reports it,
 * once per file version, for the next daemon to hash (test_exec's unjudged tests cover the
 * option that refuses instead). */
TEST_F_TIMEOUT(hooks, hash_rule_denies_every_copy, LOAD_TIMEOUT)
{
	const struct rule r = { .sha256_of = BANNED, .mode = VB_MODE_ENFORCE };
	char hex[65], got[65];
	struct seen *s;

	ASSERT_EQ(0, copy_file(BANNED, HOOKS_DIR "innocent-name"));
	enforce(_metadata, self, &r);
	if (self->path != VB_PATH_LSM) {
		EXPECT_RAN(probe_execve(BANNED, NULL, NULL), "no daemon: runs unjudged");
		EXPECT_RAN(probe_execve(HOOKS_DIR "innocent-name", NULL, NULL), "its copy too");
		s = drain(_metadata, self);
		EXPECT_EQ(0, s->n);
		/* Each file reported: the two copies (and their interpreter, if dynamic). */
		EXPECT_LE(2, s->unjudged);
		EXPECT_RAN(probe_execve(BANNED, NULL, NULL), "again");
		EXPECT_RAN(probe_execve(HOOKS_DIR "innocent-name", NULL, NULL), "its copy, again");
		s = drain(_metadata, self);
		EXPECT_EQ(0, s->unjudged);	/* once per file version, not per exec */
		EXPECT_EQ(0, stat_sum(self->skel, VB_STAT_DENIED));
		EXPECT_EQ(0, stat_sum(self->skel, VB_STAT_HASHED));
		return;
	}

	EXPECT_DENIED(probe_execve(BANNED, NULL, NULL), "banned by content");
	EXPECT_DENIED(probe_execve(HOOKS_DIR "innocent-name", NULL, NULL), "a copy, renamed");
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed twin");
	EXPECT_EQ(2, stat_sum(self->skel, VB_STAT_DENIED));
	EXPECT_LE(3, stat_sum(self->skel, VB_STAT_HASHED));
	EXPECT_EQ(0, stat_sum(self->skel, VB_STAT_HASH_ERR));

	s = drain(_metadata, self);
	ASSERT_EQ(2, s->n);
	EXPECT_EQ(VB_MATCH_HASH, s->last.match);
	EXPECT_TRUE(s->last.flags & VB_EV_F_HAS_SHA256);
	ASSERT_EQ(0, sha256_file_hex(BANNED, hex));
	vb_hex(s->last.sha256, VB_SHA256_LEN, got);
	EXPECT_STREQ(hex, got);
	EXPECT_STREQ(HOOKS_DIR "innocent-name", s->last.path);
}

/*
 * Why the daemon reads the lsm= list: without bpf in it, LSM programs load and attach without
 * an error, and never run. Its own fixture: it loads the LSM programs on purpose.
 */
FIXTURE(lsm_without_bpf) {
	struct vendorban *skel;
};

FIXTURE_SETUP(lsm_without_bpf)
{
	/* The test says why it skips: a SKIP here would not stop it from running. */
	if (boot_path() != VB_PATH_FMOD_RET)
		return;
	mkdir(HOOKS_DIR, 0755);
	ASSERT_EQ(0, copy_file(ALLOWED, T_BANNED));
	self->skel = vendorban__open();
	ASSERT_NE(NULL, self->skel);
	ASSERT_LT(0, vb_kernel_select(self->skel, VB_PATH_LSM));
	ASSERT_EQ(0, vendorban__load(self->skel));
	ASSERT_EQ(0, vendorban__attach(self->skel));
}

FIXTURE_TEARDOWN(lsm_without_bpf)
{
	vendorban__destroy(self->skel);
}

TEST_F_TIMEOUT(lsm_without_bpf, attach_without_error_and_never_run, LOAD_TIMEOUT)
{
	const struct rule r = { .path = T_BANNED, .mode = VB_MODE_ENFORCE };

	if (!self->skel)
		SKIP(return, "bpf is in lsm= on this boot: its LSM programs do run");
	ASSERT_EQ(0, install(self->skel, &r));
	ASSERT_EQ(0, settings_enable(self->skel, VB_PATH_LSM, true));
	EXPECT_RAN(probe_execve(T_BANNED, NULL, NULL), "banned, but nothing runs the programs");
	EXPECT_EQ(0, stat_sum(self->skel, VB_STAT_CHECKED));
}

TEST_HARNESS_MAIN
