// SPDX-License-Identifier: GPL-2.0
/*
 * modload: load or unload one kernel module through the raw system calls, and say only which
 * errno the kernel returned. The VM tests use it to check the exact verdict for each way a
 * module can reach the kernel:
 *
 *   modload FILE                   finit_module(fd, "", 0)       (what insmod/modprobe do)
 *   modload --compressed FILE      finit_module(fd, "", MODULE_INIT_COMPRESSED_FILE):
 *                                  the kernel decompresses (5.17+, CONFIG_MODULE_DECOMPRESS)
 *   modload --buffer FILE          init_module(buf, len, ""): the image from memory, no file
 *   modload --unload NAME          delete_module(NAME, O_NONBLOCK)
 *
 * Prints nothing on success and "errno N (NAME)" on failure; exits 0 on success, 1 when the
 * kernel refused, 2 on a usage error or when FILE cannot be opened or read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* include/uapi/linux/module.h; older libc headers lack the compressed flag (5.17). */
#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

#define MODLOAD_MAX_IMAGE (64 << 20)	/* far above any test module; a bound for the read */

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "?";
}

static int report(int err)
{
	if (!err)
		return 0;
	printf("errno %d (%s)\n", err, errno_name(err));
	return 1;
}

static int load_file(int fd, unsigned int flags)
{
	if (syscall(SYS_finit_module, fd, "", flags))
		return errno;
	return 0;
}

/* init_module() takes the image from memory: the LSM sees kernel_load_data, not a file. */
static int load_buffer(int fd)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int err = 0;

	if (fstat(fd, &st)) {
		fprintf(stderr, "modload: fstat: %s\n", strerror(errno));
		return -1;
	}
	if (st.st_size <= 0 || st.st_size > MODLOAD_MAX_IMAGE) {
		fprintf(stderr, "modload: %lld bytes is not a module size this tool reads\n",
			(long long)st.st_size);
		return -1;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		fprintf(stderr, "modload: out of memory\n");
		return -1;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, st.st_size - len);

		if (n <= 0) {
			fprintf(stderr, "modload: read: %s\n", n ? strerror(errno) : "short file");
			err = -1;
			goto out;
		}
		len += n;
	}
	if (syscall(SYS_init_module, buf, len, ""))
		err = errno;
out:
	free(buf);
	return err;
}

static int usage(void)
{
	fprintf(stderr, "usage: modload [--buffer | --compressed] FILE\n"
			"       modload --unload NAME\n");
	return 2;
}

int main(int argc, char **argv)
{
	int buffer = 0, compressed = 0, err, fd, i;

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--buffer")) {
			buffer = 1;
		} else if (!strcmp(argv[i], "--compressed")) {
			compressed = 1;
		} else if (!strcmp(argv[i], "--unload")) {
			if (i + 2 != argc || buffer || compressed)
				return usage();
			return report(syscall(SYS_delete_module, argv[i + 1], O_NONBLOCK) ? errno : 0);
		} else {
			return usage();
		}
	}
	/* init_module() has no flags: a buffer is never decompressed by the kernel. */
	if (i + 1 != argc || (buffer && compressed))
		return usage();

	fd = open(argv[i], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "modload: %s: %s\n", argv[i], strerror(errno));
		return 2;
	}
	if (buffer)
		err = load_buffer(fd);
	else
		err = load_file(fd, compressed ? MODULE_INIT_COMPRESSED_FILE : 0);
	close(fd);
	if (err < 0)
		return 2;
	return report(err);
}
