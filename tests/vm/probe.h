/* SPDX-License-Identifier: GPL-2.0 */
/* Probes for the VM tests. Each says exactly what happened, so a broken probe can never pass
 * for a denial: a denial is an exec or mapping that failed with the expected errno, nothing
 * else. */
#ifndef VB_PROBE_H
#define VB_PROBE_H

enum probe_outcome {
	PROBE_RAN = 1,		/* the target ran and exited 42 */
	PROBE_REFUSED,		/* the call failed; err holds its errno */
	PROBE_EXITED,		/* the process ran but exited with `status` (not 42) */
	PROBE_NOT_ATTEMPTED,	/* set-up failed (err): says nothing about enforcement */
};

struct probe {
	enum probe_outcome outcome;
	int err;
	int status;
};

const char *probe_str(const struct probe *p, char *buf, int len);

/* execve(path, argv, envp) in a child. */
struct probe probe_execve(const char *path, char *const argv[], char *const envp[]);
/* execveat(dirfd, name, ..., flags) in a child; dirfd is inherited. */
struct probe probe_execveat(int dirfd, const char *name, int flags);
/* A memfd holding the content of `src`, reopened read-only, run with fexecve. */
struct probe probe_memfd_exec(const char *src);
/* mmap(PROT_READ|PROT_EXEC) of path in this process: PROBE_RAN when the mapping is made. */
struct probe probe_mmap_exec(const char *path);
/* mmap(PROT_READ), then mprotect(+PROT_EXEC): PROBE_RAN when mprotect succeeds. */
struct probe probe_mprotect_exec(const char *path);

int copy_file(const char *src, const char *dst);
/* Overwrite dst's content with src's, in place (same inode). */
int overwrite_file(const char *src, const char *dst);
int sha256_file_hex(const char *path, char out[65]);

#define DENIED_EPERM(p)	((p).outcome == PROBE_REFUSED && (p).err == EPERM)

/* The whole file, malloc'd: 0 or -errno. */
int read_all(const char *path, char **buf, size_t *len);

#endif
