// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <openssl/evp.h>
#include "vendorban.skel.h"
#include "kernel/attach.h"
#include "kernel/facts.h"
#include "util/msg.h"

static const char *const map_names[VB_MAP_MAX] = {
	[VB_MAP_SETTINGS] = "settings",
	[VB_MAP_POLICY_STATE] = "policy_state",
	[VB_MAP_HASH_SLOTS] = "hash_slots",
	[VB_MAP_PATH_SLOTS] = "path_slots",
	[VB_MAP_SLOT_INFO] = "slot_info",
	[VB_MAP_VERDICT_CACHE] = "verdict_cache",
	[VB_MAP_CANARY_INODES] = "canary_inodes",
	[VB_MAP_CANARY_HASHES] = "canary_hashes",
	[VB_MAP_STATS] = "stats",
	[VB_MAP_EVENTS] = "events",
	[VB_MAP_SCRATCH] = "scratch",
	[VB_MAP_SIGNER_SLOTS] = "signer_slots",
	[VB_MAP_MODULE_SLOTS] = "module_slots",
	[VB_MAP_FILE_VERDICTS] = "file_verdicts",
	[VB_MAP_MODSCRATCH] = "modscratch",
	[VB_MAP_PATH_IDENTS] = "path_idents",
	[VB_MAP_PATHID_PENDING] = "pathid_pending",
	[VB_MAP_GUARD] = "guard",
	[VB_MAP_GUARD_MARK] = "guard_mark",
	[VB_MAP_VETTED_MODULES] = "vetted_modules",
	[VB_MAP_FLOOD] = "flood",
	[VB_MAP_CONTENT_VERDICTS] = "content_verdicts",
	[VB_MAP_VETTED_FILES] = "vetted_files",
	[VB_MAP_PATH_FILTER] = "path_filter",
};

const char *vb_map_name(enum vb_map_id id)
{
	return id < VB_MAP_MAX ? map_names[id] : NULL;
}

const char *vb_path_name(enum vb_path path)
{
	switch (path) {
	case VB_PATH_LSM:
		return "lsm";
	case VB_PATH_FMOD_RET:
		return "fmod_ret";
	default:
		return "none";
	}
}

/* LSM programs carry the BPF LSM path; tracing programs on the security_* functions (fmod_ret,
 * and fentry where the function returns void) carry the fmod_ret path. */
static enum vb_path prog_path(const struct bpf_program *prog)
{
	/* The path-identity iterator serves both paths and is run, never attached to a hook. */
	if (bpf_program__expected_attach_type(prog) == BPF_TRACE_ITER)
		return VB_PATH_NONE;
	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_LSM:
		return VB_PATH_LSM;
	case BPF_PROG_TYPE_TRACING:
		return VB_PATH_FMOD_RET;
	default:
		return VB_PATH_NONE;
	}
}

/* inode_setattr gained a leading idmap argument (security_inode_setattr in 6.3, the LSM hook
 * later: 6.1 has neither, 6.12 both): each path has a program for either form, and the one this
 * kernel does not have would fail to load. */
static struct bpf_program *setattr_unfit(struct vendorban *skel, enum vb_path path)
{
	bool idmap;

	if (path == VB_PATH_LSM) {
		idmap = vb_btf_func_nargs("bpf_lsm_inode_setattr") >= 3;
		return idmap ? skel->progs.vb_lsm_inode_setattr :
			       skel->progs.vb_lsm_inode_setattr_idmap;
	}
	idmap = vb_btf_func_nargs("security_inode_setattr") >= 3;
	return idmap ? skel->progs.vb_fr_inode_setattr : skel->progs.vb_fr_inode_setattr_idmap;
}

int vb_kernel_select(struct vendorban *skel, enum vb_path path)
{
	struct bpf_program *unfit, *prog;
	int n = 0;

	if (path != VB_PATH_LSM && path != VB_PATH_FMOD_RET)
		return -EINVAL;
	unfit = setattr_unfit(skel, path);
	bpf_object__for_each_program(prog, skel->obj) {
		bool want = prog_path(prog) == path && prog != unfit;

		bpf_program__set_autoload(prog, want);
		n += want;
	}
	/* The iterators serve both paths, and are run, never attached to a hook. */
	bpf_program__set_autoload(skel->progs.vb_iter_pathids, true);
	bpf_program__set_autoattach(skel->progs.vb_iter_pathids, false);
	bpf_program__set_autoload(skel->progs.vb_iter_flood_offer, true);
	bpf_program__set_autoattach(skel->progs.vb_iter_flood_offer, false);
	bpf_program__set_autoload(skel->progs.vb_iter_flood_commit, true);
	bpf_program__set_autoattach(skel->progs.vb_iter_flood_commit, false);
	return n;
}

__u64 vb_object_id(void)
{
	unsigned char md[32];
	const void *elf;
	size_t sz;
	__u64 id;

	elf = vendorban__elf_bytes(&sz);
	EVP_Digest(elf, sz, md, NULL, EVP_sha256(), NULL);
	memcpy(&id, md, sizeof(id));
	return id;
}

static void kernel_init(struct vb_kernel *k)
{
	memset(k, 0, sizeof(*k));
	for (int i = 0; i < VB_MAP_MAX; i++)
		k->map_fd[i] = -1;
	k->pathid_iter_fd = -1;
	k->flood_offer_fd = -1;
	k->flood_commit_fd = -1;
}

static int map_state(struct vb_kernel *k)
{
	void *p;

	/* A read-only fd cannot be mapped shared (mmap drops VM_SHARED, bpf_map_mmap wants it):
	 * readers look seq up instead (vb_rules_active). */
	if (k->read_only)
		return 0;
	p = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE, MAP_SHARED,
		 k->map_fd[VB_MAP_POLICY_STATE], 0);

	if (p == MAP_FAILED) {
		int err = -errno;

		vb_err("cannot map the policy_state map: %s", strerror(-err));
		return err;
	}
	k->state = p;
	return 0;
}

static int open_pinned(struct vb_kernel *k, bool read_only)
{
	LIBBPF_OPTS(bpf_obj_get_opts, opts, .file_flags = read_only ? BPF_F_RDONLY : 0);
	char path[256];
	int err;

	kernel_init(k);
	k->read_only = read_only;
	for (int i = 0; i < VB_MAP_MAX; i++) {
		snprintf(path, sizeof(path), VB_PIN_DIR "/%s", map_names[i]);
		k->map_fd[i] = bpf_obj_get_opts(path, &opts);
		if (k->map_fd[i] < 0) {
			err = -errno;
			if (err != -ENOENT && err != -EPERM)
				vb_err("cannot open %s: %s", path, strerror(-err));
			vb_kernel_close(k);
			return err;
		}
	}
	/* A daemon of an older build pinned no iterator: path rules then match by name only,
	 * until the programs are loaded afresh. Readers have no use for it. */
	if (!read_only)
		k->pathid_iter_fd = bpf_obj_get(VB_PIN_PATHID_ITER);
	/* Without it, repeats are counted in the kernel and never handed over: refuse the
	 * takeover (-ENOENT), so the daemon loads the programs afresh. */
	if (!read_only) {
		k->flood_offer_fd = bpf_obj_get(VB_PIN_FLOOD_OFFER);
		k->flood_commit_fd = bpf_obj_get(VB_PIN_FLOOD_COMMIT);
		if (k->flood_offer_fd < 0 || k->flood_commit_fd < 0) {
			err = -errno;
			vb_kernel_close(k);
			return err;
		}
	}
	err = map_state(k);
	if (!err)
		err = vb_settings_read(k);
	if (err)
		vb_kernel_close(k);
	return err;
}

int vb_kernel_open_pinned(struct vb_kernel *k)
{
	return open_pinned(k, false);
}

int vb_kernel_open_pinned_ro(struct vb_kernel *k)
{
	return open_pinned(k, true);
}

static bool link_pinned(const char *name)
{
	char pin[PATH_MAX];

	snprintf(pin, sizeof(pin), VB_PIN_LINK_DIR "/link_%s", name);
	return !access(pin, F_OK);
}

int vb_kernel_missing_links(enum vb_path path, char *missing, size_t len)
{
	struct bpf_program *prog;
	struct vendorban *skel;
	int n = 0, err;

	/* Opened, not loaded: only to ask this build which programs the path attaches. */
	skel = vendorban__open();
	if (!skel)
		return -errno;
	err = vb_kernel_select(skel, path);
	if (err < 0)
		goto out;
	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog) || prog_path(prog) != path)
			continue;
		if (!link_pinned(bpf_program__name(prog))) {
			if (!n && missing)
				snprintf(missing, len, "%s", bpf_program__name(prog));
			n++;
		}
	}
	err = n;
out:
	vendorban__destroy(skel);
	return err;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* The verifier log is the only explanation of a load failure: keep warnings. */
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int vb_kernel_load(struct vb_kernel *k, enum vb_path path)
{
	int err;

	kernel_init(k);
	libbpf_set_print(libbpf_print);
	k->skel = vendorban__open();
	if (!k->skel) {
		err = -errno;
		vb_err("cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	err = vb_kernel_select(k->skel, path);
	if (err < 0) {
		vb_err("no kernel path to load the BPF programs for (%s)", vb_path_name(path));
		goto fail;
	}
	err = vendorban__load(k->skel);
	if (err) {
		vb_err("the kernel refused the BPF programs for the %s path: %s",
		       vb_path_name(path), strerror(-err));
		goto fail;
	}
	for (int i = 0; i < VB_MAP_MAX; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(k->skel->obj, map_names[i]);

		k->map_fd[i] = dup(bpf_map__fd(m));
	}
	k->pathid_iter_fd = dup(bpf_program__fd(k->skel->progs.vb_iter_pathids));
	k->flood_offer_fd = dup(bpf_program__fd(k->skel->progs.vb_iter_flood_offer));
	k->flood_commit_fd = dup(bpf_program__fd(k->skel->progs.vb_iter_flood_commit));
	err = map_state(k);
	if (err)
		goto fail;
	k->settings.path = path;
	k->settings.enabled = 0;
	k->settings.can_hash = path == VB_PATH_LSM;
	k->settings.object_id = vb_object_id();
	err = vb_settings_write(k);
	if (err)
		goto fail;
	/* Only the programs loaded; the skeleton holds their links until vb_kernel_pin(). */
	err = vendorban__attach(k->skel);
	if (err) {
		vb_err("cannot attach the BPF programs for the %s path: %s", vb_path_name(path),
		       strerror(-err));
		goto fail;
	}
	return 0;
fail:
	vb_kernel_close(k);
	return err;
}

static int unpin_dir(const char *dir)
{
	char pin[512];
	DIR *d;
	struct dirent *de;
	int err = 0;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "links"))
			continue;
		snprintf(pin, sizeof(pin), "%s/%s", dir, de->d_name);
		if (unlink(pin) && !err) {
			err = -errno;
			vb_err("cannot unpin %s: %s", pin, strerror(errno));
		}
	}
	closedir(d);
	return err;
}

/* Links first: once they are gone nothing runs the old programs. */
static int unpin_dir_entries(void)
{
	int err = unpin_dir(VB_PIN_LINK_DIR);

	if (!err && rmdir(VB_PIN_LINK_DIR) && errno != ENOENT)
		err = -errno;
	return err ? err : unpin_dir(VB_PIN_DIR);
}

int vb_kernel_unpin_all(void)
{
	int err = unpin_dir_entries();

	if (!err && rmdir(VB_PIN_DIR) && errno != ENOENT)
		err = -errno;
	return err;
}

int vb_kernel_pin(struct vb_kernel *k)
{
	char pin[256];
	int err;

	err = unpin_dir_entries();
	if (err)
		return err;
	if ((mkdir(VB_PIN_DIR, 0700) && errno != EEXIST) ||
	    (mkdir(VB_PIN_LINK_DIR, 0700) && errno != EEXIST)) {
		err = -errno;
		vb_err("cannot create %s: %s (is bpffs mounted on /sys/fs/bpf?)", VB_PIN_LINK_DIR,
		       strerror(errno));
		return err;
	}
	for (int i = 0; i < VB_MAP_MAX; i++) {
		snprintf(pin, sizeof(pin), VB_PIN_DIR "/%s", map_names[i]);
		if (bpf_obj_pin(k->map_fd[i], pin)) {
			err = -errno;
			vb_err("cannot pin %s: %s", pin, strerror(errno));
			return err;
		}
	}
	if (bpf_obj_pin(k->pathid_iter_fd, VB_PIN_PATHID_ITER) ||
	    bpf_obj_pin(k->flood_offer_fd, VB_PIN_FLOOD_OFFER) ||
	    bpf_obj_pin(k->flood_commit_fd, VB_PIN_FLOOD_COMMIT)) {
		err = -errno;
		vb_err("cannot pin the iterators under %s: %s", VB_PIN_DIR, strerror(errno));
		return err;
	}
	for (int i = 0; i < (int)k->skel->skeleton->prog_cnt; i++) {
		struct bpf_link *link = *k->skel->skeleton->progs[i].link;

		if (!link)
			continue;
		snprintf(pin, sizeof(pin), VB_PIN_LINK_DIR "/link_%s",
			 k->skel->skeleton->progs[i].name);
		err = bpf_link__pin(link, pin);
		if (err) {
			vb_err("cannot pin %s: %s", pin, strerror(-err));
			return err;
		}
	}
	return 0;
}

void vb_kernel_close(struct vb_kernel *k)
{
	if (k->state)
		munmap(k->state, sysconf(_SC_PAGESIZE));
	for (int i = 0; i < VB_MAP_MAX; i++)
		if (k->map_fd[i] >= 0)
			close(k->map_fd[i]);
	if (k->pathid_iter_fd >= 0)
		close(k->pathid_iter_fd);
	if (k->flood_offer_fd >= 0)
		close(k->flood_offer_fd);
	if (k->flood_commit_fd >= 0)
		close(k->flood_commit_fd);
	vb_pathids_close(&k->pathids);
	/* Destroying the skeleton detaches links that were never pinned, and only those. */
	if (k->skel)
		vendorban__destroy(k->skel);
	kernel_init(k);
}

int vb_settings_read(struct vb_kernel *k)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(k->map_fd[VB_MAP_SETTINGS], &zero, &k->settings)) {
		vb_err("cannot read the settings map: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* CLOCK_TAI - CLOCK_REALTIME, which the kernel side needs to compare an inode's ctime with
 * now (fileid.bpf.h); it changes only with a leap second, so every write refreshes it. */
static __s64 tai_offset_ns(void)
{
	struct timespec tai, real;

	if (clock_gettime(CLOCK_TAI, &tai) || clock_gettime(CLOCK_REALTIME, &real))
		return 0;
	/* Whole seconds: the two reads are a few hundred nanoseconds apart. */
	return ((__s64)tai.tv_sec - real.tv_sec + (tai.tv_nsec - real.tv_nsec + 500000000L) /
		1000000000L) * 1000000000LL;
}

int vb_settings_write(struct vb_kernel *k)
{
	__u32 zero = 0;

	k->settings.tai_offset_ns = tai_offset_ns();
	if (bpf_map_update_elem(k->map_fd[VB_MAP_SETTINGS], &zero, &k->settings, BPF_ANY)) {
		vb_err("cannot write the settings map: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int vb_stat_read(struct vb_kernel *k, enum vb_stat stat, __u64 *out)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = stat;

	if (ncpu < 0)
		return ncpu;
	__u64 vals[ncpu];

	if (bpf_map_lookup_elem(k->map_fd[VB_MAP_STATS], &key, vals))
		return -errno;
	*out = 0;
	for (int i = 0; i < ncpu; i++)
		*out += vals[i];
	return 0;
}
