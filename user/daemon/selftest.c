// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <openssl/evp.h>
#include "kernel/facts.h"
#include "util/atomic.h"
#include "util/msg.h"
#include "daemon/runstate.h"
#include "daemon/selftest.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U	/* 6.3+: without it, vm.memfd_noexec may make a memfd unrunnable */
#endif

/* A script whose interpreter does not exist: if the kernel does not refuse it, the exec fails
 * with ENOENT, so the canary never runs anything, and EPERM can only come from vendorban. A
 * nonce makes its content its own. Returns its length, or -errno. */
static int canary_text(char *text, size_t len)
{
	unsigned char nonce[16];
	size_t n;

	if (getrandom(nonce, sizeof(nonce), 0) != sizeof(nonce))
		return -EIO;
	n = snprintf(text, len, "#!/nonexistent/vendorban-canary\n# ");
	for (size_t i = 0; i < sizeof(nonce) && n + 3 < len; i++)
		n += snprintf(text + n, len - n, "%02x", nonce[i]);
	n += snprintf(text + n, len - n, "\n");
	return n;
}

static int canary_create(char *text, size_t len)
{
	char proc[64];
	int fd, ro, n;

	n = canary_text(text, len);
	if (n < 0)
		return n;

	fd = memfd_create("vendorban-canary", MFD_CLOEXEC | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("vendorban-canary", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, n) != n) {
		close(fd);
		return -EIO;
	}
	/* exec refuses a file that is open for writing (ETXTBSY): keep a read-only one. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ro = open(proc, O_RDONLY | O_CLOEXEC);
	close(fd);
	return ro < 0 ? -errno : ro;
}

static int canary_exec(int fd)
{
	char *const argv[] = { "vendorban-canary", NULL };
	char *const envp[] = { NULL };
	int pfd[2], status, err = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto out;
	}
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(126);
	}
	close(pfd[1]);
	pfd[1] = -1;
	if (read(pfd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;	/* the exec succeeded: nothing refused it */
	waitpid(pid, &status, 0);
out:
	close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	return err;
}

static int canary_by_inode(struct vb_kernel *k, int *result)
{
	char text[128];
	struct stat st;
	struct vb_dev_ino key = {};
	__u32 one = 1;
	int fd, err = 0;

	fd = canary_create(text, sizeof(text));
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	key.dev = vb_kdev(st.st_dev);
	key.ino = st.st_ino;
	if (bpf_map_update_elem(k->map_fd[VB_MAP_CANARY_INODES], &key, &one, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	*result = canary_exec(fd);
	bpf_map_delete_elem(k->map_fd[VB_MAP_CANARY_INODES], &key);
out:
	close(fd);
	return err;
}

static int canary_by_hash(struct vb_kernel *k, int *result)
{
	unsigned char md[32];
	char text[128];
	__u32 one = 1;
	int fd, err = 0;

	fd = canary_create(text, sizeof(text));
	if (fd < 0)
		return fd;
	EVP_Digest(text, strlen(text), md, NULL, EVP_sha256(), NULL);
	if (bpf_map_update_elem(k->map_fd[VB_MAP_CANARY_HASHES], md, &one, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	*result = canary_exec(fd);
	bpf_map_delete_elem(k->map_fd[VB_MAP_CANARY_HASHES], md);
out:
	close(fd);
	return err;
}

int vb_selftest_run(struct vb_kernel *k, bool try_hash, struct vb_selftest *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	err = canary_by_inode(k, &r->exec_errno);
	if (err) {
		vb_err("cannot run the enforcement self-test: %s", strerror(-err));
		return err;
	}
	r->enforcing = r->exec_errno == EPERM;
	if (r->enforcing && try_hash) {
		err = canary_by_hash(k, &r->hash_errno);
		if (err) {
			vb_err("cannot run the content-hash self-test: %s", strerror(-err));
			return err;
		}
		r->hashing = r->hash_errno == EPERM;
	}
	return 0;
}

struct canary_fill {
	const char *text;
	struct stat *st;
};

/* The rename keeps the inode: the one written is the one the kernel is told of. */
static int fill_canary(int fd, void *arg)
{
	const struct canary_fill *c = arg;
	int err = vb_write_all(fd, c->text, strlen(c->text));

	if (!err && fstat(fd, c->st))
		err = -errno;
	return err;
}

/* A canary file where status can exec it: /var/lib, not /run (often mounted noexec). */
static int canary_file(const char *path, char *text, size_t len, struct stat *st)
{
	struct canary_fill c = { text, st };
	int n;

	n = canary_text(text, len);
	if (n < 0)
		return n;
	if (mkdir(VB_STATE_DIR, 0700) && errno != EEXIST)
		return -errno;
	return vb_atomic_write_fd(path, 0700, fill_canary, &c);
}

int vb_canaries_create(struct vb_canaries *c)
{
	char text[128];
	struct stat st;
	int err;

	memset(c, 0, sizeof(*c));
	err = canary_file(VB_CANARY_HASH_FILE, text, sizeof(text), &st);
	if (!err) {
		EVP_Digest(text, strlen(text), c->sha256, NULL, EVP_sha256(), NULL);
		err = canary_file(VB_CANARY_ID_FILE, text, sizeof(text), &st);
	}
	if (err) {
		vb_err("cannot create the policy canaries under %s: %s (status cannot prove the "
		       "policy in force)", VB_STATE_DIR, strerror(-err));
		return err;
	}
	c->file.dev = vb_kdev(st.st_dev);
	c->file.ino = st.st_ino;
	c->set = true;
	return 0;
}

static int exec_file(const char *path, int *result)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*result = canary_exec(fd);
	close(fd);
	return 0;
}

int vb_selftest_policy(bool try_hash, struct vb_selftest *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	err = exec_file(VB_CANARY_ID_FILE, &r->exec_errno);
	if (err)
		return err;
	r->enforcing = r->exec_errno == EPERM;
	if (r->enforcing && try_hash) {
		err = exec_file(VB_CANARY_HASH_FILE, &r->hash_errno);
		if (err)
			return err;
		r->hashing = r->hash_errno == EPERM;
	}
	return 0;
}
