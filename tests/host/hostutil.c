// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <openssl/evp.h>
#include "hostutil.h"

int cli_run(int (*cmd)(int, char **), bool json, char **argv, const char *out_file,
	    const char *err_file)
{
	int argc = 0, status, fd;
	pid_t pid;

	while (argv[argc])
		argc++;
	/* Buffered output of the test would otherwise be written twice, by both processes. */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		fd = open(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, STDOUT_FILENO);
		if (err_file) {
			fd = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			dup2(fd, STDERR_FILENO);
		}
		cli_json = json;
		status = cmd(argc, argv);
		fflush(NULL);
		_exit(status);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		/* An empty file is an empty string, not a failure. */
		text = ferror(f) ? NULL : calloc(1, 1);
	}
	fclose(f);
	return text;
}

int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int build_path(char *buf, size_t len, const char *rel)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return -errno;
	exe[n] = '\0';
	/* $(BUILD)/tests/host/test_x -> $(BUILD) */
	for (int i = 0; i < 3; i++) {
		slash = strrchr(exe, '/');
		if (!slash)
			return -EINVAL;
		*slash = '\0';
	}
	return (size_t)snprintf(buf, len, "%s/%s", exe, rel) < len ? 0 : -ENAMETOOLONG;
}

int run_capture(char **out, char **err, const char *fmt, ...)
{
	char cmd[4096], o[] = "/tmp/vb-run-out.XXXXXX", e[] = "/tmp/vb-run-err.XXXXXX";
	int fo = mkstemp(o), fe = mkstemp(e), rc;
	va_list ap;

	close(fo);
	close(fe);
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = sh("(%s) >%s 2>%s", cmd, o, e);
	*out = slurp(o);
	*err = slurp(e);
	unlink(o);
	unlink(e);
	return rc;
}

int sha256_file_hex(const char *path, char hex[65])
{
	unsigned char buf[65536], md[32];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	close(fd);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return 0;
}
