/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which inode really holds a file's content, and whether a verdict about that content may be
 * kept. Included by vendorban.bpf.c.
 *
 * A cache hit must prove the content unchanged, not trust that every write passed one of our
 * hooks: a stacked filesystem's file is written through its backing inode, a memfd through its
 * own fd (which never passes security_file_open), a FUSE server or a network filesystem changes
 * content with no local write at all.
 */
#ifndef VB_FILEID_BPF_H
#define VB_FILEID_BPF_H

#define OVERLAYFS_SUPER_MAGIC	0x794c7630
/* Local filesystems whose content changes only through this kernel's write paths, where an
 * inode's change time and i_version follow every change. Anything else (FUSE, NFS, CIFS, 9p,
 * ceph...) can change under us from the other side, and is hashed on every exec. */
#define EXT4_SUPER_MAGIC	0xEF53
#define XFS_SUPER_MAGIC		0x58465342
#define BTRFS_SUPER_MAGIC	0x9123683E
#define TMPFS_MAGIC		0x01021994
#define RAMFS_MAGIC		0x858458f6
#define SQUASHFS_MAGIC		0x73717368
#define EROFS_SUPER_MAGIC_V1	0xE0F5E1E2
#define F2FS_SUPER_MAGIC	0xF2F52010
#define VB_STACK_DEPTH		4	/* overlay on overlay: the kernel allows 2 */
#define LOOP_MAJOR		7
#define NBD_MAJOR		43
#define I_CTIME_QUERIED		(1U << 31)	/* multigrain ctime flag in i_ctime_nsec (6.13) */

/* Timestamps moved: timespec64 i_ctime (6.1), __i_ctime (6.6), i_ctime_sec/_nsec (6.11). */
struct inode___ts61 {
	struct timespec64 i_mtime;
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

struct inode___ts66 {
	struct timespec64 i_mtime;
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

struct inode___ts67 {
	struct timespec64 __i_mtime;
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

struct inode___ts611 {
	time64_t i_mtime_sec;
	time64_t i_ctime_sec;
	__u32 i_mtime_nsec;
	__u32 i_ctime_nsec;
} __attribute__((preserve_access_index));

/*
 * The file that holds the bytes. An overlayfs file keeps its backing ("real") file in
 * private_data, on 6.1 (open_with_fake_path) as on 6.12 (backing_file_open); its f_inode is the
 * upper or lower inode where writes that bypass the overlay land.
 */
static __always_inline struct file *real_file(struct file *file)
{
	/* Unrolled: 6.1's verifier refuses a loop whose back edge follows a helper call. */
#pragma unroll
	for (int i = 0; i < VB_STACK_DEPTH; i++) {
		struct file *real;

		if (BPF_CORE_READ(file, f_inode, i_sb, s_magic) != OVERLAYFS_SUPER_MAGIC)
			break;
		real = BPF_CORE_READ(file, private_data);
		if (!real || !BPF_CORE_READ(real, f_inode))
			break;
		file = real;
	}
	return file;
}

static __always_inline bool sb_cacheable(unsigned long magic, __u32 dev)
{
	__u32 major = dev >> 20;

	/* On a loop device, whoever can write the image file changes the blocks under the
	 * filesystem with no write to any of its inodes; on nbd, the server does. */
	if (major == LOOP_MAJOR || major == NBD_MAJOR)
		return false;
	return magic == EXT4_SUPER_MAGIC || magic == XFS_SUPER_MAGIC ||
	       magic == BTRFS_SUPER_MAGIC || magic == TMPFS_MAGIC || magic == RAMFS_MAGIC ||
	       magic == SQUASHFS_MAGIC || magic == EROFS_SUPER_MAGIC_V1 ||
	       magic == F2FS_SUPER_MAGIC;
}

static __always_inline bool fs_cacheable(struct inode *inode)
{
	return sb_cacheable(BPF_CORE_READ(inode, i_sb, s_magic), BPF_CORE_READ(inode, i_sb, s_dev));
}

static __always_inline void content_version(struct inode *inode, struct vb_content_ver *cv)
{
	/* The low bit says whether anyone has looked (I_VERSION_QUERIED): IMA does, inside
	 * bpf_ima_file_hash, so it flips under our own hash. The count is above it. */
	cv->i_version = BPF_CORE_READ(inode, i_version.counter) >> 1;
	cv->size = BPF_CORE_READ(inode, i_size);
	if (bpf_core_field_exists(struct inode___ts611, i_ctime_sec)) {
		struct inode___ts611 *t = (void *)inode;

		cv->ctime_sec = BPF_CORE_READ(t, i_ctime_sec);
		cv->ctime_nsec = BPF_CORE_READ(t, i_ctime_nsec) & ~I_CTIME_QUERIED;
		cv->mtime_sec = BPF_CORE_READ(t, i_mtime_sec);
		cv->mtime_nsec = BPF_CORE_READ(t, i_mtime_nsec);
	} else if (bpf_core_field_exists(struct inode___ts67, __i_mtime)) {
		struct inode___ts67 *t = (void *)inode;

		cv->ctime_sec = BPF_CORE_READ(t, __i_ctime.tv_sec);
		cv->ctime_nsec = BPF_CORE_READ(t, __i_ctime.tv_nsec);
		cv->mtime_sec = BPF_CORE_READ(t, __i_mtime.tv_sec);
		cv->mtime_nsec = BPF_CORE_READ(t, __i_mtime.tv_nsec);
	} else if (bpf_core_field_exists(struct inode___ts66, __i_ctime)) {
		struct inode___ts66 *t = (void *)inode;

		cv->ctime_sec = BPF_CORE_READ(t, __i_ctime.tv_sec);
		cv->ctime_nsec = BPF_CORE_READ(t, __i_ctime.tv_nsec);
		cv->mtime_sec = BPF_CORE_READ(t, i_mtime.tv_sec);
		cv->mtime_nsec = BPF_CORE_READ(t, i_mtime.tv_nsec);
	} else {
		struct inode___ts61 *t = (void *)inode;

		cv->ctime_sec = BPF_CORE_READ(t, i_ctime.tv_sec);
		cv->ctime_nsec = BPF_CORE_READ(t, i_ctime.tv_nsec);
		cv->mtime_sec = BPF_CORE_READ(t, i_mtime.tv_sec);
		cv->mtime_nsec = BPF_CORE_READ(t, i_mtime.tv_nsec);
	}
}

/* The same, for an inode the hook was handed or reached by direct loads (a BTF pointer): the
 * verifier lets it be read in place, where BPF_CORE_READ calls a helper per field. */
static __always_inline void content_version_btf(struct inode *inode, struct vb_content_ver *cv)
{
	cv->i_version = inode->i_version.counter >> 1;
	cv->size = inode->i_size;
	if (bpf_core_field_exists(struct inode___ts611, i_ctime_sec)) {
		struct inode___ts611 *t = (void *)inode;

		cv->ctime_sec = t->i_ctime_sec;
		cv->ctime_nsec = t->i_ctime_nsec & ~I_CTIME_QUERIED;
		cv->mtime_sec = t->i_mtime_sec;
		cv->mtime_nsec = t->i_mtime_nsec;
	} else if (bpf_core_field_exists(struct inode___ts67, __i_mtime)) {
		struct inode___ts67 *t = (void *)inode;

		cv->ctime_sec = t->__i_ctime.tv_sec;
		cv->ctime_nsec = t->__i_ctime.tv_nsec;
		cv->mtime_sec = t->__i_mtime.tv_sec;
		cv->mtime_nsec = t->__i_mtime.tv_nsec;
	} else if (bpf_core_field_exists(struct inode___ts66, __i_ctime)) {
		struct inode___ts66 *t = (void *)inode;

		cv->ctime_sec = t->__i_ctime.tv_sec;
		cv->ctime_nsec = t->__i_ctime.tv_nsec;
		cv->mtime_sec = t->i_mtime.tv_sec;
		cv->mtime_nsec = t->i_mtime.tv_nsec;
	} else {
		struct inode___ts61 *t = (void *)inode;

		cv->ctime_sec = t->i_ctime.tv_sec;
		cv->ctime_nsec = t->i_ctime.tv_nsec;
		cv->mtime_sec = t->i_mtime.tv_sec;
		cv->mtime_nsec = t->i_mtime.tv_nsec;
	}
}

static __always_inline bool content_same(const struct vb_content_ver *a,
					 const struct vb_content_ver *b)
{
	return a->i_version == b->i_version && a->size == b->size &&
	       a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec &&
	       a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec;
}

/* A file someone may be writing (open for write, or mapped shared-writable) can change under a
 * verdict. */
static __always_inline bool inode_writable(struct inode *inode)
{
	return BPF_CORE_READ(inode, i_writecount.counter) > 0 ||
	       BPF_CORE_READ(inode, i_mapping, i_mmap_writable.counter) > 0;
}

/*
 * May a verdict about this version of the content be kept?
 *  - not on a filesystem that changes from the other side (FUSE, network), nor on one whose
 *    blocks change under it (a loop device's image file, nbd);
 *  - not for a file with no name (a memfd, O_TMPFILE, a deleted file): its writers need no
 *    open(2) we would see; a memfd's own fd does not even count in i_writecount;
 *  - not while anyone can write it;
 *  - not when it changed within the timestamp granularity of now ("racy clean", as git calls
 *    it): a second write in the same clock tick (or the same second, on filesystems that keep
 *    seconds) leaves ctime as it was, and only i_version, which not every filesystem keeps,
 *    would show it. Every change of content or of mtime sets ctime, which no caller can set.
 *    ctime is CLOCK_REALTIME; a BPF program reads only TAI, which the daemon tells us how far
 *    ahead runs (settings.tai_offset_ns).
 */
static __always_inline bool content_cacheable(struct inode *inode,
					      const struct vb_content_ver *cv, __s64 tai_offset)
{
	__s64 now = (__s64)bpf_ktime_get_tai_ns() - tai_offset;
	__s64 changed = cv->ctime_sec * 1000000000LL + cv->ctime_nsec;

	if (!fs_cacheable(inode) || !BPF_CORE_READ(inode, i_nlink) || inode_writable(inode))
		return false;
	/* Being run: exec holds write access off (i_writecount < 0) until it is done, so the
	 * next change needs an open for write, which drops the entry; the clock does not matter
	 * then, and the exec's own mmap of the file finds the verdict. */
	if (BPF_CORE_READ(inode, i_writecount.counter) < 0)
		return true;
	return changed + VB_RACY_NS < now;
}

#endif /* VB_FILEID_BPF_H */
