// SPDX-License-Identifier: GPL-2.0
/*
 * devtmpfs is not on the pseudo list: it reports tmpfs's magic, and a regular file in /dev or
 * /dev/shm is as executable as one in /opt, and a place an attacker would choose because
 * scanners skip it. autofs is not either: walking into it mounts what it stands for, which is
 * what a scan of that path asks for.
 */
#include <stddef.h>
#include <linux/magic.h>
#include "scan/fstype.h"

/* Not in linux/magic.h of every kernel we build against. */
#define CONFIGFS_MAGIC		0x62656570
#define FUSECTL_SUPER_MAGIC	0x65735543
#define MQUEUE_MAGIC		0x19800202
#define RPC_PIPEFS_MAGIC	0x67596969
#define APPARMORFS_MAGIC	0x5a3c69f0

static const struct {
	unsigned long magic;
	const char *name;
	bool pseudo;
} fs_table[] = {
	{ PROC_SUPER_MAGIC, "proc", true },
	{ SYSFS_MAGIC, "sysfs", true },
	{ DEVPTS_SUPER_MAGIC, "devpts", true },
	{ CGROUP_SUPER_MAGIC, "cgroup", true },
	{ CGROUP2_SUPER_MAGIC, "cgroup2", true },
	{ BPF_FS_MAGIC, "bpf", true },
	{ DEBUGFS_MAGIC, "debugfs", true },
	{ TRACEFS_MAGIC, "tracefs", true },
	{ SECURITYFS_MAGIC, "securityfs", true },
	{ PSTOREFS_MAGIC, "pstore", true },
	{ EFIVARFS_MAGIC, "efivarfs", true },
	{ NSFS_MAGIC, "nsfs", true },
	{ SELINUX_MAGIC, "selinuxfs", true },
	{ SMACK_MAGIC, "smackfs", true },
	{ BINFMTFS_MAGIC, "binfmt_misc", true },
	{ CONFIGFS_MAGIC, "configfs", true },
	{ FUSECTL_SUPER_MAGIC, "fusectl", true },
	{ MQUEUE_MAGIC, "mqueue", true },
	{ RPC_PIPEFS_MAGIC, "rpc_pipefs", true },
	{ APPARMORFS_MAGIC, "apparmorfs", true },
	{ TMPFS_MAGIC, "tmpfs", false },
	{ RAMFS_MAGIC, "ramfs", false },
	{ EXT4_SUPER_MAGIC, "ext4", false },
	{ XFS_SUPER_MAGIC, "xfs", false },
	{ BTRFS_SUPER_MAGIC, "btrfs", false },
	{ OVERLAYFS_SUPER_MAGIC, "overlay", false },
	{ SQUASHFS_MAGIC, "squashfs", false },
	{ NFS_SUPER_MAGIC, "nfs", false },
	{ AUTOFS_SUPER_MAGIC, "autofs", false },
	{ HUGETLBFS_MAGIC, "hugetlbfs", false },
};

static size_t fs_find(unsigned long magic)
{
	size_t i;

	for (i = 0; i < sizeof(fs_table) / sizeof(fs_table[0]); i++)
		if (fs_table[i].magic == magic)
			break;
	return i;
}

const char *vb_fs_name(unsigned long magic)
{
	size_t i = fs_find(magic);

	return i < sizeof(fs_table) / sizeof(fs_table[0]) ? fs_table[i].name : NULL;
}

bool vb_fs_is_pseudo(unsigned long magic)
{
	size_t i = fs_find(magic);

	return i < sizeof(fs_table) / sizeof(fs_table[0]) && fs_table[i].pseudo;
}
