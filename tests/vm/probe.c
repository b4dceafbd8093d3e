// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <openssl/evp.h>
#include "probe.h"
#include "vmutil.h"

const char *probe_str(const struct probe *p, char *buf, int len)
{
	switch (p->outcome) {
	case PROBE_RAN:
		snprintf(buf, len, "ran");
		break;
	case PROBE_REFUSED:
		snprintf(buf, len, "refused with %s", strerrorname_np(p->err));
		break;
	case PROBE_EXITED:
		snprintf(buf, len, "ran but exited with status %d", p->status);
		break;
	default:
		snprintf(buf, len, "not attempted (%s)", strerror(p->err));
	}
	return buf;
}

/* Run fn in a child; the child reports a failed exec's errno through a pipe. */
static struct probe in_child(void (*fn)(void *), void *arg)
{
	struct probe r = { .outcome = PROBE_NOT_ATTEMPTED };
	int pfd[2], err, status;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		r.err = errno;
		return r;
	}
	pid = fork();
	if (pid < 0) {
		r.err = errno;
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	if (pid == 0) {
		close(pfd[0]);
		fn(arg);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) == sizeof(err)) {
		r.outcome = PROBE_REFUSED;
		r.err = err;
	}
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0) {
		r.outcome = PROBE_NOT_ATTEMPTED;
		r.err = errno;
		return r;
	}
	if (r.outcome == PROBE_REFUSED)
		return r;
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r.outcome = r.status == 42 ? PROBE_RAN : PROBE_EXITED;
	return r;
}

struct exec_args {
	const char *path;
	char *const *argv, *const *envp;
	int dirfd, flags;
};

static void do_execve(void *arg)
{
	struct exec_args *a = arg;

	execve(a->path, a->argv, a->envp);
}

static void do_execveat(void *arg)
{
	struct exec_args *a = arg;

	syscall(SYS_execveat, a->dirfd, a->path, a->argv, a->envp, a->flags);
}

struct probe probe_execve(const char *path, char *const argv[], char *const envp[])
{
	char *const def_argv[] = { (char *)path, NULL };
	char *const def_envp[] = { NULL };
	struct exec_args a = { path, argv ? argv : def_argv, envp ? envp : def_envp };

	return in_child(do_execve, &a);
}

struct probe probe_execveat(int dirfd, const char *name, int flags)
{
	char *const argv[] = { "target", NULL };
	char *const envp[] = { NULL };
	struct exec_args a = { name, argv, envp, dirfd, flags };

	return in_child(do_execveat, &a);
}

int read_all(const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !(*buf = malloc(st.st_size ? st.st_size : 1))) {
		close(fd);
		return -EIO;
	}
	*len = read(fd, *buf, st.st_size);
	close(fd);
	return *len == (size_t)st.st_size ? 0 : -EIO;
}

struct probe probe_memfd_exec(const char *src)
{
	struct probe r = { .outcome = PROBE_NOT_ATTEMPTED };
	char proc[64], *buf = NULL;
	size_t len;
	int fd, ro, info;

	if ((r.err = -read_all(src, &buf, &len)))
		return r;
	fd = memfd_create("vb-probe", MFD_CLOEXEC);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		r.err = errno;
		free(buf);
		return r;
	}
	free(buf);
	/* Where the daemon judges content, the memfd is watched once it heard of it. */
	info = fan_info_open();
	if (!wait_watched(info, fd)) {
		r.err = ETIMEDOUT;
		close(fd);
		if (info >= 0)
			close(info);
		return r;
	}
	if (info >= 0)
		close(info);
	/* exec refuses a file open for writing (ETXTBSY): run a read-only descriptor. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ro = open(proc, O_RDONLY | O_CLOEXEC);
	close(fd);
	if (ro < 0) {
		r.err = errno;
		return r;
	}
	r = probe_execveat(ro, "", AT_EMPTY_PATH);
	close(ro);
	return r;
}

struct probe probe_mmap_exec(const char *path)
{
	struct probe r = { .outcome = PROBE_NOT_ATTEMPTED };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;

	if (fd < 0) {
		r.err = errno;
		return r;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		r.outcome = PROBE_REFUSED;
		r.err = errno;
	} else {
		r.outcome = PROBE_RAN;
		munmap(p, 4096);
	}
	close(fd);
	return r;
}

struct probe probe_mprotect_exec(const char *path)
{
	struct probe r = { .outcome = PROBE_NOT_ATTEMPTED };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;

	if (fd < 0) {
		r.err = errno;
		return r;
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		r.err = errno;
		return r;
	}
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC)) {
		r.outcome = PROBE_REFUSED;
		r.err = errno;
	} else {
		r.outcome = PROBE_RAN;
	}
	munmap(p, 4096);
	return r;
}

static int write_over(const char *src, const char *dst, int flags)
{
	char *buf = NULL;
	size_t len;
	int fd, err;

	err = read_all(src, &buf, &len);
	if (err)
		return err;
	fd = open(dst, O_WRONLY | O_CLOEXEC | flags, 0755);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		err = -errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

int copy_file(const char *src, const char *dst)
{
	unlink(dst);
	return write_over(src, dst, O_CREAT | O_EXCL);
}

int overwrite_file(const char *src, const char *dst)
{
	return write_over(src, dst, O_TRUNC);
}

int sha256_file_hex(const char *path, char out[65])
{
	unsigned char md[32];
	char *buf = NULL;
	size_t len;
	int err = read_all(path, &buf, &len);

	if (err)
		return err;
	EVP_Digest(buf, len, md, NULL, EVP_sha256(), NULL);
	free(buf);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	return 0;
}
