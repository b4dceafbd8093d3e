// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "log/logtime.h"
#include "log/spool.h"
#include "util/atomic.h"
#include "util/msg.h"

#define SPOOL_SUFFIX	".json"
#define SPOOL_BATCH	256	/* records per drain: a flood cannot stall the event loop */

static int make_dir(const char *dir)
{
	char parent[4096], *slash;

	if (!mkdir(dir, 0700) || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	/* No daemon has run here yet: its state directory comes first. */
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0755) && errno != EEXIST)
			return -errno;
	}
	return mkdir(dir, 0700) && errno != EEXIST ? -errno : 0;
}

int vb_spool_put(const char *dir, struct json_object *o)
{
	static unsigned int counter;
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	char path[4096];
	size_t len = strlen(text);
	int err;

	if (len > VB_SPOOL_RECORD_MAX)
		return -EFBIG;
	err = make_dir(dir);
	if (err)
		return err;
	/* Fixed-width time first: name order is the order the records were made in. */
	if (snprintf(path, sizeof(path), "%s/%020lld-%010d-%04u" SPOOL_SUFFIX, dir,
		     (long long)vb_time_now_us(), (int)getpid(), counter++) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return vb_atomic_write(path, text, len, 0600);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_record_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name), m = strlen(SPOOL_SUFFIX);

	/* Temporary files of a write in progress end in ".tmp.XXXXXX": not yet records. */
	return d->d_name[0] != '.' && n > m && !strcmp(d->d_name + n - m, SPOOL_SUFFIX);
}

/* The record in file name, or NULL with why said. */
static struct json_object *read_record(int dfd, const char *name)
{
	char buf[VB_SPOOL_RECORD_MAX + 1];
	struct json_object *o = NULL, *op;
	struct stat st;
	ssize_t n = -1;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	    !(st.st_mode & 022))
		n = read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	if (n > 0 && (size_t)n <= VB_SPOOL_RECORD_MAX) {
		buf[n] = '\0';
		o = json_tokener_parse(buf);
	}
	if (o && (!json_object_is_type(o, json_type_object) ||
		  !json_object_object_get_ex(o, "operation", &op) ||
		  strcmp(json_object_get_string(op) ?: "", "install") ||
		  json_object_object_get_ex(o, "seq", NULL) ||
		  json_object_object_get_ex(o, "prev", NULL))) {
		json_object_put(o);
		o = NULL;
	}
	if (!o)
		vb_warn("spool: %s is not an install record (a root-owned file of one JSON object "
			"with \"operation\":\"install\"): removed, not logged", name);
	return o;
}

int vb_spool_drain(const char *dir, int (*fn)(struct json_object *o, void *arg), void *arg)
{
	struct dirent **names = NULL;
	int n, dfd, done = 0;
	bool stop = false;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	n = scandirat(dfd, ".", &names, is_record_name, by_name);
	if (n < 0) {
		n = -errno;
		close(dfd);
		return n;
	}
	for (int i = 0; i < n; i++) {
		struct json_object *o;

		/* In order, and at most a batch: what is left waits for the next call. */
		if (!stop && done < SPOOL_BATCH) {
			o = read_record(dfd, names[i]->d_name);
			if (o && fn(o, arg)) {
				stop = true;
			} else {
				unlinkat(dfd, names[i]->d_name, 0);
				done += o != NULL;
			}
			json_object_put(o);
		}
		free(names[i]);
	}
	free(names);
	close(dfd);
	return done;
}
