// SPDX-License-Identifier: GPL-2.0
/*
 * The policy switch on real BPF maps: the idle slot is filled and frozen, then policy_state.seq
 * flips, and the slot it leaves keeps the previous policy whole until the next load. The host
 * kernel refuses our programs but creates our maps, so the skeleton is loaded with every program
 * switched off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest_harness.h"

#include "vendorban.h"
#include "vendorban.skel.h"
#include "kernel/attach.h"
#include "kernel/facts.h"
#include "policy/policy.h"
#include "kernel/rules.h"

#define H1	"3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"
#define H2	"aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899"
#define H3	"0000000000000000000000000000000000000000000000000000000000000001"

/* Two of each kind, interleaved, so rule_idx is not the position within a map. */
static const char policy_a[] =
	"version 100\n"
	"vendor acme \"Acme\"\n"
	"\tsha256 " H1 "\n"
	"\tpath /opt/acme/\n"
	"\tsha256 " H2 "\n"
	"\tpath /usr/bin/acme-ctl\n";

/* Shares H1 with A under another rule index and mode: a lookup in the wrong slot shows. */
static const char policy_b[] =
	"version 101\n"
	"vendor beta \"Beta\"\n"
	"\tpath /opt/beta/ audit\n"
	"\tsha256 " H3 "\n"
	"\tsha256 " H1 " audit\n";

/* How staff empty the list. */
static const char policy_empty[] = "version 5\n";

FIXTURE(rules) {
	struct vendorban *skel;
	struct vb_kernel k;
	char skip[256];
	struct vb_policy *a, *b, *empty;
};

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static struct vb_policy *parse(struct __test_metadata *_metadata, const char *text)
{
	struct vb_policy *p = NULL;
	struct vb_diag d = {};
	int err = vb_policy_parse("t.policy", text, strlen(text), &p, &d);

	for (size_t i = 0; i < d.n; i++)
		TH_LOG("%s", d.msgs[i]);
	vb_diag_free(&d);
	ASSERT_EQ(0, err);
	return p;
}

FIXTURE_SETUP(rules)
{
	struct bpf_program *prog;
	void *state;
	int err;

	for (int i = 0; i < VB_MAP_MAX; i++)
		self->k.map_fd[i] = -1;
	self->a = parse(_metadata, policy_a);
	self->b = parse(_metadata, policy_b);
	self->empty = parse(_metadata, policy_empty);

	libbpf_set_print(quiet_libbpf);
	/* The object is built in: failing to open it is a broken build, never a skip. */
	self->skel = vendorban__open();
	ASSERT_NE(NULL, self->skel) TH_LOG("cannot open the BPF object: %s", strerror(errno));
	bpf_object__for_each_program(prog, self->skel->obj)
		bpf_program__set_autoload(prog, false);
	err = vendorban__load(self->skel);
	if (err == -EPERM || err == -EACCES || err == -ENOSYS || err == -EOPNOTSUPP) {
		snprintf(self->skip, sizeof(self->skip),
			 "this host refuses to create BPF maps (%s): run as root where bpf() is allowed",
			 strerror(-err));
		return;
	}
	ASSERT_EQ(0, err) TH_LOG("creating the maps failed: %s", strerror(-err));

	/* By the names the daemon pins them under: a map added there is found here too. */
	for (int i = 0; i < VB_MAP_MAX; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(self->skel->obj, vb_map_name(i));

		self->k.map_fd[i] = m ? bpf_map__fd(m) : -1;
	}
	/* No programs here: path rules match by name only (the iterator that learns inodes is
	 * a program). */
	self->k.pathid_iter_fd = -1;
	self->k.flood_offer_fd = self->k.flood_commit_fd = -1;
	for (int i = 0; i < VB_MAP_MAX; i++) {
		ASSERT_LE(0, self->k.map_fd[i]) TH_LOG("map %d has no fd", i);
	}

	state = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE, MAP_SHARED,
		     self->k.map_fd[VB_MAP_POLICY_STATE], 0);
	ASSERT_NE(MAP_FAILED, state) TH_LOG("mmap policy_state: %s", strerror(errno));
	self->k.state = state;
}

FIXTURE_TEARDOWN(rules)
{
	if (self->k.state)
		munmap(self->k.state, sysconf(_SC_PAGESIZE));
	/* The fds belong to the skeleton. */
	vendorban__destroy(self->skel);
	vb_policy_free(self->a);
	vb_policy_free(self->b);
	vb_policy_free(self->empty);
}

/* The harness runs the body even after setup returned early: every test starts here. Only what
 * the machine refuses (bpf() for this user or kernel) skips. */
#define REQUIRE_MAPS() do { \
	if (self->skip[0]) \
		SKIP(return, "%s", self->skip); \
} while (0)

/* The inner map in one slot of hash_slots or path_slots: the outer map gives its id. */
static int slot_map(struct vb_kernel *k, enum vb_map_id outer, __u32 slot)
{
	__u32 id;
	int fd;

	if (bpf_map_lookup_elem(k->map_fd[outer], &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

static __u32 slot_map_id(struct vb_kernel *k, enum vb_map_id outer, __u32 slot)
{
	__u32 id = 0;

	if (bpf_map_lookup_elem(k->map_fd[outer], &slot, &id))
		return 0;
	return id;
}

static long count_keys(int fd, size_t key_size)
{
	char key[VB_PATH_MAX], next[VB_PATH_MAX];
	long n = 0;

	if (bpf_map_get_next_key(fd, NULL, next))
		return errno == ENOENT ? 0 : -errno;
	do {
		n++;
		memcpy(key, next, key_size);
	} while (!bpf_map_get_next_key(fd, key, next));
	return errno == ENOENT ? n : -errno;
}

static int lookup_path(int fd, const char *path, struct vb_rule_ref *ref)
{
	struct vb_path_key key;

	memset(&key, 0, sizeof(key));
	memcpy(key.path, path, strnlen(path, sizeof(key.path) - 1));
	return bpf_map_lookup_elem(fd, &key, ref) ? -errno : 0;
}

static void count_kinds(const struct vb_policy *p, __u32 *n_hash, __u32 *n_path)
{
	*n_hash = *n_path = 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		if (p->rules[i].kind == VB_RULE_SHA256)
			(*n_hash)++;
		else
			(*n_path)++;
	}
}

/* Everything a hook would read from `slot`: its description and every rule of p, no more. */
static void expect_slot_holds(struct __test_metadata *_metadata, struct vb_kernel *k, __u32 slot,
			      const struct vb_policy *p, __u64 seq)
{
	struct vb_slot_info info;
	struct vb_rule_ref ref;
	__u32 n_hash, n_path;
	int hfd, pfd;

	count_kinds(p, &n_hash, &n_path);
	memset(&info, 0xff, sizeof(info));
	ASSERT_EQ(0, vb_rules_slot(k, slot, &info));
	EXPECT_EQ(n_hash, info.n_hash_rules);
	EXPECT_EQ(n_path, info.n_path_rules);
	EXPECT_EQ(seq, info.seq);
	EXPECT_EQ(p->version, info.version);
	EXPECT_EQ(0, memcmp(p->digest, info.digest, sizeof(info.digest)));

	hfd = slot_map(k, VB_MAP_HASH_SLOTS, slot);
	ASSERT_LE(0, hfd) TH_LOG("hash_slots[%u]: %s", slot, strerror(-hfd));
	pfd = slot_map(k, VB_MAP_PATH_SLOTS, slot);
	ASSERT_LE(0, pfd) TH_LOG("path_slots[%u]: %s", slot, strerror(-pfd));
	EXPECT_EQ((long)n_hash, count_keys(hfd, VB_SHA256_LEN));
	EXPECT_EQ((long)n_path, count_keys(pfd, sizeof(struct vb_path_key)));
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];

		memset(&ref, 0xee, sizeof(ref));
		if (r->kind == VB_RULE_SHA256) {
			ASSERT_EQ(0, bpf_map_lookup_elem(hfd, r->sha256, &ref))
				TH_LOG("rule %s not in slot %u: %s", r->id, slot, strerror(errno));
		} else {
			ASSERT_EQ(0, lookup_path(pfd, r->path, &ref))
				TH_LOG("rule %s (%s) not in slot %u", r->id, r->path, slot);
		}
		EXPECT_EQ((__u32)i, ref.rule_idx) TH_LOG("rule %s", r->id);
		EXPECT_EQ(r->mode, ref.mode) TH_LOG("rule %s", r->id);
		EXPECT_EQ(0, ref.pad[0] | ref.pad[1] | ref.pad[2]);
	}
	close(hfd);
	close(pfd);
}

static void expect_slot_empty(struct __test_metadata *_metadata, struct vb_kernel *k, __u32 slot)
{
	struct vb_slot_info info, zero = {};
	__u32 id;

	EXPECT_EQ(-ENOENT, bpf_map_lookup_elem(k->map_fd[VB_MAP_HASH_SLOTS], &slot, &id));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-ENOENT, bpf_map_lookup_elem(k->map_fd[VB_MAP_PATH_SLOTS], &slot, &id));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, vb_rules_slot(k, slot, &info));
	EXPECT_EQ(0, memcmp(&zero, &info, sizeof(info)));
}

static __u64 seq_now(struct vb_kernel *k)
{
	return __atomic_load_n(&k->state->seq, __ATOMIC_ACQUIRE);
}

TEST_F(rules, fresh_maps_have_no_policy)
{
	struct vb_slot_info info;
	__u64 seq = 99;

	REQUIRE_MAPS();
	EXPECT_EQ(0ull, seq_now(&self->k));
	memset(&info, 0xff, sizeof(info));
	EXPECT_EQ(-ENOENT, vb_rules_active(&self->k, &info, &seq));
	EXPECT_EQ(0ull, seq);
	EXPECT_EQ(0u, info.n_hash_rules);
	EXPECT_EQ(0ull, info.version);
	expect_slot_empty(_metadata, &self->k, 0);
	expect_slot_empty(_metadata, &self->k, 1);
}

TEST_F(rules, install_first_policy)
{
	struct vb_slot_info info;
	struct vb_path_key dirty;
	struct vb_rule_ref ref;
	__u64 seq;
	int hfd, pfd;

	REQUIRE_MAPS();
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, NULL));
	EXPECT_EQ(1ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 1, self->a, 1);
	expect_slot_empty(_metadata, &self->k, 0);

	ASSERT_EQ(0, vb_rules_active(&self->k, &info, &seq));
	EXPECT_EQ(1ull, seq);
	EXPECT_EQ(100ull, info.version);
	EXPECT_EQ(2u, info.n_hash_rules);
	EXPECT_EQ(2u, info.n_path_rules);
	EXPECT_EQ(0, memcmp(self->a->digest, info.digest, 32));

	/* Spelled out once, by hand, for what the generic check above relies on. */
	hfd = slot_map(&self->k, VB_MAP_HASH_SLOTS, 1);
	ASSERT_LE(0, hfd);
	ASSERT_EQ(0, bpf_map_lookup_elem(hfd, self->a->rules[0].sha256, &ref));
	EXPECT_EQ(0u, ref.rule_idx);
	EXPECT_EQ(VB_MODE_ENFORCE, ref.mode);
	ASSERT_EQ(0, bpf_map_lookup_elem(hfd, self->a->rules[2].sha256, &ref));
	EXPECT_EQ(2u, ref.rule_idx);
	EXPECT_EQ(-ENOENT, bpf_map_lookup_elem(hfd, self->b->rules[1].sha256, &ref));	/* H3 */
	EXPECT_EQ(ENOENT, errno);
	close(hfd);

	pfd = slot_map(&self->k, VB_MAP_PATH_SLOTS, 1);
	ASSERT_LE(0, pfd);
	ASSERT_EQ(0, lookup_path(pfd, "/opt/acme/", &ref));
	EXPECT_EQ(1u, ref.rule_idx);
	ASSERT_EQ(0, lookup_path(pfd, "/usr/bin/acme-ctl", &ref));
	EXPECT_EQ(3u, ref.rule_idx);
	/* Keys are exact and NUL-padded: no prefix, no longer name, no leftover bytes. */
	EXPECT_EQ(-ENOENT, lookup_path(pfd, "/opt/acme", &ref));
	EXPECT_EQ(-ENOENT, lookup_path(pfd, "/usr/bin/acme-ctl2", &ref));
	EXPECT_EQ(-ENOENT, lookup_path(pfd, "/usr/bin/acme-", &ref));
	memset(&dirty, 'x', sizeof(dirty));
	memcpy(dirty.path, "/opt/acme/", sizeof("/opt/acme/"));
	EXPECT_EQ(-ENOENT, bpf_map_lookup_elem(pfd, &dirty, &ref));
	EXPECT_EQ(ENOENT, errno);
	close(pfd);
}

/* Each load goes to the idle slot; the slot just left keeps the previous policy, intact. */
static size_t file_verdicts(struct vb_kernel *k, __u64 *seq_of_all)
{
	struct vb_dev_ino key, next;
	struct vb_file_verdict fv;
	void *prev = NULL;
	size_t n = 0;

	while (!bpf_map_get_next_key(k->map_fd[VB_MAP_FILE_VERDICTS], prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(k->map_fd[VB_MAP_FILE_VERDICTS], &key, &fv)) {
			*seq_of_all = n && *seq_of_all != fv.seq ? 0 : fv.seq;
			n++;
		}
	}
	return n;
}

/* What a scan found counts for its policy only: a new install leaves nothing of the old. */
TEST_F(rules, file_verdicts_follow_the_policy)
{
	struct vb_derived_file files[600];
	struct vb_derived d = { .files = files, .n_files = 600 };
	__u64 seq = 0;

	REQUIRE_MAPS();
	for (unsigned int i = 0; i < 600; i++)
		files[i] = (struct vb_derived_file){ .file = { .dev = 8, .ino = 1000 + i } };
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, &d));
	EXPECT_EQ(600u, file_verdicts(&self->k, &seq));
	EXPECT_EQ(1ull, seq);

	/* A later scan found fewer files, some of them new. */
	d.n_files = 200;
	for (unsigned int i = 0; i < 200; i++)
		files[i].file.ino = 500 + 2 * i;
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, &d));
	EXPECT_EQ(200u, file_verdicts(&self->k, &seq));
	EXPECT_EQ(2ull, seq);

	ASSERT_EQ(0, vb_rules_install(&self->k, self->b, NULL));
	EXPECT_EQ(0u, file_verdicts(&self->k, &seq));
}

TEST_F(rules, switch_keeps_previous_slot)
{
	struct vb_slot_info info;
	struct vb_rule_ref ref;
	__u32 a1_hash, a1_path;
	__u64 seq;
	int fd;

	REQUIRE_MAPS();
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, NULL));
	a1_hash = slot_map_id(&self->k, VB_MAP_HASH_SLOTS, 1);
	a1_path = slot_map_id(&self->k, VB_MAP_PATH_SLOTS, 1);
	ASSERT_NE(0u, a1_hash);
	ASSERT_NE(0u, a1_path);

	ASSERT_EQ(0, vb_rules_install(&self->k, self->b, NULL));
	EXPECT_EQ(2ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 0, self->b, 2);
	expect_slot_holds(_metadata, &self->k, 1, self->a, 1);
	EXPECT_EQ(a1_hash, slot_map_id(&self->k, VB_MAP_HASH_SLOTS, 1));
	EXPECT_EQ(a1_path, slot_map_id(&self->k, VB_MAP_PATH_SLOTS, 1));
	ASSERT_EQ(0, vb_rules_active(&self->k, &info, &seq));
	EXPECT_EQ(2ull, seq);
	EXPECT_EQ(101ull, info.version);
	EXPECT_EQ(2u, info.n_hash_rules);
	EXPECT_EQ(1u, info.n_path_rules);
	EXPECT_EQ(0, memcmp(self->b->digest, info.digest, 32));

	/* Same hash, other policy: B's rule index and B's audit mode. */
	fd = slot_map(&self->k, VB_MAP_HASH_SLOTS, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bpf_map_lookup_elem(fd, self->a->rules[0].sha256, &ref));
	EXPECT_EQ(2u, ref.rule_idx);
	EXPECT_EQ(VB_MODE_AUDIT, ref.mode);
	close(fd);
	fd = slot_map(&self->k, VB_MAP_PATH_SLOTS, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, lookup_path(fd, "/opt/beta/", &ref));
	EXPECT_EQ(0u, ref.rule_idx);
	EXPECT_EQ(VB_MODE_AUDIT, ref.mode);
	close(fd);

	/* A third load overwrites slot 1 with new maps; B stays in slot 0. */
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, NULL));
	EXPECT_EQ(3ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 1, self->a, 3);
	expect_slot_holds(_metadata, &self->k, 0, self->b, 2);
	EXPECT_NE(a1_hash, slot_map_id(&self->k, VB_MAP_HASH_SLOTS, 1));
	EXPECT_NE(a1_path, slot_map_id(&self->k, VB_MAP_PATH_SLOTS, 1));
	ASSERT_EQ(0, vb_rules_active(&self->k, &info, &seq));
	EXPECT_EQ(3ull, seq);
	EXPECT_EQ(100ull, info.version);
}

/* Once built, a policy cannot be changed by any syscall, not even by the daemon. */
TEST_F(rules, inner_maps_frozen)
{
	struct vb_rule_ref ref = { .rule_idx = 7, .mode = VB_MODE_AUDIT };
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	__u8 h[VB_SHA256_LEN] = { 0x42 };
	struct vb_path_key key = { .path = "/new/" };
	int hfd, pfd;

	REQUIRE_MAPS();
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, NULL));
	hfd = slot_map(&self->k, VB_MAP_HASH_SLOTS, 1);
	pfd = slot_map(&self->k, VB_MAP_PATH_SLOTS, 1);
	ASSERT_LE(0, hfd);
	ASSERT_LE(0, pfd);

	EXPECT_EQ(-EPERM, bpf_map_update_elem(hfd, h, &ref, BPF_ANY));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-EPERM, bpf_map_update_elem(hfd, self->a->rules[0].sha256, &ref, BPF_EXIST));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-EPERM, bpf_map_delete_elem(hfd, self->a->rules[0].sha256));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-EPERM, bpf_map_update_elem(pfd, &key, &ref, BPF_ANY));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, lookup_path(pfd, "/opt/acme/", &ref));
	EXPECT_EQ(-EPERM, bpf_map_delete_elem(pfd, &key));
	EXPECT_EQ(EPERM, errno);
	expect_slot_holds(_metadata, &self->k, 1, self->a, 1);

	/* What the BPF side's inner templates expect; the outer map refuses anything else. */
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(hfd, &info, &len));
	EXPECT_EQ((__u32)BPF_MAP_TYPE_HASH, info.type);
	EXPECT_EQ((__u32)VB_SHA256_LEN, info.key_size);
	EXPECT_EQ(sizeof(struct vb_rule_ref), info.value_size);
	EXPECT_EQ((__u32)VB_MAX_HASH_RULES, info.max_entries);
	/* Read-only to programs too: none, ours or another's, can change a built policy. */
	EXPECT_EQ((__u32)VB_RULES_MAP_FLAGS, info.map_flags);
	EXPECT_STREQ("vb_hash_rules", info.name);
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(pfd, &info, &len));
	EXPECT_EQ((__u32)BPF_MAP_TYPE_HASH, info.type);
	EXPECT_EQ(sizeof(struct vb_path_key), info.key_size);
	EXPECT_EQ((__u32)VB_MAX_PATH_RULES, info.max_entries);
	EXPECT_STREQ("vb_path_rules", info.name);
	close(hfd);
	close(pfd);
}

/* A policy that bans nothing still installs: empty maps, and the hooks find nothing. */
TEST_F(rules, empty_policy)
{
	struct vb_slot_info info;
	__u64 seq;

	REQUIRE_MAPS();
	ASSERT_EQ((size_t)0, self->empty->n_rules);
	ASSERT_EQ(0, vb_rules_install(&self->k, self->empty, NULL));
	EXPECT_EQ(1ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 1, self->empty, 1);

	/* And a ban list emptied after a real one. */
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, NULL));
	ASSERT_EQ(0, vb_rules_install(&self->k, self->empty, NULL));
	EXPECT_EQ(3ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 1, self->empty, 3);
	expect_slot_holds(_metadata, &self->k, 0, self->a, 2);
	ASSERT_EQ(0, vb_rules_active(&self->k, &info, &seq));
	EXPECT_EQ(3ull, seq);
	EXPECT_EQ(5ull, info.version);
	EXPECT_EQ(0u, info.n_hash_rules);
	EXPECT_EQ(0u, info.n_path_rules);
}

/* A daemon restarted over pinned maps carries on from their seq, whatever its parity. */
TEST_F(rules, continues_from_pinned_seq)
{
	REQUIRE_MAPS();
	__atomic_store_n(&self->k.state->seq, 41, __ATOMIC_RELEASE);
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, NULL));
	EXPECT_EQ(42ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 0, self->a, 42);
	expect_slot_empty(_metadata, &self->k, 1);
	ASSERT_EQ(0, vb_rules_install(&self->k, self->b, NULL));
	EXPECT_EQ(43ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 1, self->b, 43);
	expect_slot_holds(_metadata, &self->k, 0, self->a, 42);
}

/* A load that fails half way changes nothing a hook can see: same seq, same slots. */
TEST_F(rules, failed_install_keeps_active)
{
	struct vb_slot_info info;
	__u32 idle_before;

	REQUIRE_MAPS();
	ASSERT_EQ(0, vb_rules_install(&self->k, self->a, NULL));
	ASSERT_EQ(0, vb_rules_install(&self->k, self->b, NULL));
	idle_before = slot_map_id(&self->k, VB_MAP_PATH_SLOTS, 1);
	/* The parser refuses a duplicate path; build one by hand to make the kernel refuse it. */
	ASSERT_EQ(VB_RULE_PATH, (int)self->a->rules[3].kind);
	strcpy(self->a->rules[3].path, self->a->rules[1].path);
	EXPECT_EQ(-EEXIST, vb_rules_install(&self->k, self->a, NULL));
	EXPECT_EQ(2ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 0, self->b, 2);
	EXPECT_EQ(idle_before, slot_map_id(&self->k, VB_MAP_PATH_SLOTS, 1));
	ASSERT_EQ(0, vb_rules_slot(&self->k, 1, &info));
	EXPECT_EQ(1ull, info.seq);
	EXPECT_EQ(100ull, info.version);
}

static char *path_policy(size_t n_paths)
{
	size_t len = 64 + n_paths * 32;
	char *text = malloc(len), *p;

	if (!text)
		return NULL;
	p = text + sprintf(text, "version 9\nvendor many \"Many\"\n");
	for (size_t i = 0; i < n_paths; i++)
		p += sprintf(p, "path /opt/many/%zu/\n", i);
	return text;
}

/* path_rules holds VB_MAX_PATH_RULES keys: a policy with that many loads, and one with more is
 * refused by the parser, at the first rule that does not fit, before it reaches a kernel. */
TEST_F(rules, path_rule_limit)
{
	struct vb_diag diag = {};
	struct vb_policy *full, *over = NULL;
	char *text, want[128];

	REQUIRE_MAPS();
	text = path_policy(VB_MAX_PATH_RULES);
	ASSERT_NE(NULL, text);
	full = parse(_metadata, text);
	free(text);
	text = path_policy(VB_MAX_PATH_RULES + 1);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(-EINVAL, vb_policy_parse("over.policy", text, strlen(text), &over, &diag));
	free(text);
	EXPECT_EQ(NULL, over);
	ASSERT_EQ(1u, diag.n);
	/* version, vendor, then one rule a line: rule 4097 is on line 4099. */
	snprintf(want, sizeof(want), "over.policy:%u:6: error: too many path rules (the limit is %u)",
		 VB_MAX_PATH_RULES + 3, VB_MAX_PATH_RULES);
	EXPECT_STREQ(want, diag.msgs[0]);
	vb_diag_free(&diag);

	EXPECT_EQ(0, vb_rules_install(&self->k, full, NULL));
	EXPECT_EQ(1ull, seq_now(&self->k));
	expect_slot_holds(_metadata, &self->k, 1, full, 1);
	expect_slot_empty(_metadata, &self->k, 0);
	vb_policy_free(full);
}

/* Large hash lists go in one batch. */
TEST_F(rules, many_hashes)
{
	const size_t n = 50000;
	struct vb_policy *p;
	char *text = malloc(64 + n * 72), *t;

	REQUIRE_MAPS();
	ASSERT_NE(NULL, text);
	t = text + sprintf(text, "version 10\nvendor bulk \"Bulk\"\n");
	for (size_t i = 0; i < n; i++)
		t += sprintf(t, "sha256 %064zx\n", i + 1);
	p = parse(_metadata, text);
	free(text);
	ASSERT_EQ(n, p->n_rules);
	ASSERT_EQ(0, vb_rules_install(&self->k, p, NULL));
	expect_slot_holds(_metadata, &self->k, 1, p, 1);
	vb_policy_free(p);
}

TEST(kdev)
{
	/* User space packs dev_t as glibc does; the kernel as MAJOR << 20 | MINOR. */
	EXPECT_EQ((8u << 20) | 1, vb_kdev(makedev(8, 1)));
	EXPECT_EQ((259u << 20) | 70000, vb_kdev(makedev(259, 70000)));
	EXPECT_EQ(0u, vb_kdev(makedev(0, 0)));
	EXPECT_EQ(45u, vb_kdev(makedev(0, 45)));
	EXPECT_EQ((253u << 20) | 4, vb_kdev(makedev(253, 4)));
	EXPECT_EQ(0xffffffffu, vb_kdev(makedev(4095, 0xfffff)));
}

TEST_HARNESS_MAIN
