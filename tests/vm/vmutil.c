// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "vmutil.h"

bool lsm_path(void)
{
	const char *p = getenv("VB_EXPECT_PATH");

	return p && !strcmp(p, "lsm");
}

struct json_object *find_record_where(bool (*match)(struct json_object *rec, void *arg),
				      void *arg, long from, int tenths)
{
	for (int i = 0; i < tenths; i++) {
		char line[8192];
		struct json_object *found = NULL;
		FILE *f = fopen(LOG, "r");

		if (f && fseek(f, from, SEEK_SET))
			rewind(f);
		while (f && fgets(line, sizeof(line), f)) {
			struct json_object *o = json_tokener_parse(line);

			if (o && match(o, arg)) {
				json_object_put(found);
				found = o;	/* keep the last one */
			} else {
				json_object_put(o);
			}
		}
		if (f)
			fclose(f);
		if (found)
			return found;
		usleep(100000);
	}
	return NULL;
}

bool record_is(struct json_object *rec, const char *op, const char *action)
{
	char me[16];

	snprintf(me, sizeof(me), "%d", getpid());
	return !strcmp(field(rec, "operation") ?: "", op) &&
	       !strcmp(field(rec, "action") ?: "", action) &&
	       !strcmp(field(rec, "ppid") ?: "", me);
}

struct record_of {
	const char *path, *op, *action;
};

static bool path_record(struct json_object *rec, void *arg)
{
	const struct record_of *w = arg;

	return !strcmp(field(rec, "path") ?: "", w->path) && record_is(rec, w->op, w->action);
}

/* The record the daemon wrote for (path, operation) of a process whose parent is this test,
 * waiting for it up to `secs`: earlier tests deny the same paths. */
struct json_object *find_record(const char *path, const char *op, const char *action, int secs)
{
	struct record_of w = { path, op, action };

	return find_record_where(path_record, &w, 0, secs * 10);
}

static bool own_record(struct json_object *rec, void *arg)
{
	const struct record_of *w = arg;
	char me[16];

	snprintf(me, sizeof(me), "%d", getpid());
	return !strcmp(field(rec, "path") ?: "", w->path) &&
	       !strcmp(field(rec, "operation") ?: "", w->op) &&
	       !strcmp(field(rec, "action") ?: "", w->action) &&
	       (!strcmp(field(rec, "pid") ?: "", me) || !strcmp(field(rec, "ppid") ?: "", me));
}

struct json_object *find_own_record(const char *path, const char *op, const char *action,
				    int secs)
{
	struct record_of w = { path, op, action };

	return find_record_where(own_record, &w, 0, secs * 10);
}

bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

const char *field(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : NULL;
}

struct json_object *status_json(int *rc)
{
	return status_json_args("", rc);
}

struct json_object *status_json_args(const char *args, int *rc)
{
	char buf[8192], cmd[256];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "/vb/vendorban status --json %s", args);
	f = popen(cmd, "r");

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	*rc = WEXITSTATUS(pclose(f));
	return json_tokener_parse(buf);
}

int daemon_pid(void)
{
	FILE *f = fopen(PIDFILE, "r");
	int pid = 0;

	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

bool file_contains(const char *path, const char *needle)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(path, "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, needle);
	if (f)
		fclose(f);
	return found;
}

int status_policy_version(void)
{
	struct json_object *o, *v;
	int rc, ver = -1;

	/* The version is the kernel's active slot: no canary exec needed to read it. */
	o = status_json_args("--no-probe", &rc);
	if (o && json_object_object_get_ex(o, "policy_version", &v) && v)
		ver = json_object_get_int(v);
	json_object_put(o);
	return ver;
}

int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok = f && fputs(text, f) >= 0;

	if (f)
		ok &= !fclose(f);
	return ok ? 0 : -1;
}

/* Programs attached under a name: after a restart there must be exactly one of each. */
int progs_named(const char *name)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name))
			n++;
		close(fd);
	}
	return n;
}

#define INIT_REQ	"/run/vb-init.req"
#define INIT_RC		"/run/vb-init.rc"

int init_kill(int pid, int sig)
{
	char req[64];
	int rc = -1;

	unlink(INIT_RC);
	snprintf(req, sizeof(req), "%d %d\n", sig, pid);
	if (write_text(INIT_REQ, req) || kill(1, SIGUSR1))
		return -1;
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(INIT_RC, "r");

		if (f) {
			if (fscanf(f, "%d", &rc) != 1)
				rc = -1;
			fclose(f);
			return rc;
		}
		usleep(50000);
	}
	return -1;
}

int stop_daemon_with(int sig)
{
	int pid = daemon_pid();

	if (pid <= 0 || kill(pid, 0))
		return 0;
	if (init_kill(pid, sig))
		return -1;
	for (int i = 0; i < 100 && !kill(pid, 0); i++)
		usleep(100000);
	return kill(pid, 0) ? 0 : -1;
}

int start_daemon_with(const char *args, const char *log)
{
	char cmd[512];

	unlink(PIDFILE);
	snprintf(cmd, sizeof(cmd), "/vb/vendorband %s --no-syslog > %s 2>&1 &", args, log);
	if (system(cmd))
		return -1;
	for (int i = 0; i < 600 && !daemon_pid(); i++)
		usleep(100000);
	return daemon_pid() ? 0 : -1;
}

int fan_info_open(void)
{
	char dir[64], link[PATH_MAX], target[64], path[PATH_MAX + 64];
	struct dirent *de;
	int pid = daemon_pid(), fd = -1;
	ssize_t n;
	DIR *d;

	if (lsm_path() || pid <= 0)
		return -1;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (strcmp(target, "anon_inode:[fanotify]"))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	closedir(d);
	return fd;
}

/* The device of the filesystem fd is on, as the kernel names the superblock (btrfs gives each
 * subvolume a st_dev of its own): its mount's line in mountinfo, where there is one (a memfd's
 * internal mount has none, and its st_dev is the superblock's). */
static dev_t sb_dev(int fd, dev_t st_dev)
{
	char path[64], line[4096];
	unsigned int maj, min;
	int mnt_id = -1, id;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return st_dev;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "mnt_id: %d", &mnt_id) == 1)
			break;
	fclose(f);
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return st_dev;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %*d %u:%u", &id, &maj, &min) == 3 && id == mnt_id) {
			st_dev = makedev(maj, min);
			break;
		}
	}
	fclose(f);
	return st_dev;
}

/* Does one of the marks fdinfo lists cover st: its filesystem (sdev, no ino) or itself? */
static bool fan_covers(int info, const struct stat *st, dev_t dev)
{
	unsigned int kdev = (major(dev) << 20) | minor(dev), sdev;
	char buf[65536], *line, *save = NULL;
	ssize_t n, got = 0;

	if (lseek(info, 0, SEEK_SET) < 0)
		return false;
	while (got < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(info, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ino = strstr(line, " ino:"), *dev = strstr(line, "sdev:");

		if (strncmp(line, "fanotify ", 9) || !dev || sscanf(dev, "sdev:%x", &sdev) != 1 ||
		    sdev != kdev)
			continue;
		if (!ino || strtoull(ino + 5, NULL, 16) == (unsigned long long)st->st_ino)
			return true;
	}
	return false;
}

bool wait_watched(int info, int fd)
{
	struct stat st;

	if (info < 0)
		return lsm_path() || daemon_pid() <= 0;
	dev_t dev;

	if (fstat(fd, &st))
		return false;
	dev = sb_dev(fd, st.st_dev);
	for (int i = 0; i < 1000; i++) {
		if (fan_covers(info, &st, dev))
			return true;
		usleep(10000);
	}
	return false;
}

long log_size(void)
{
	struct stat st;

	return stat(LOG, &st) ? 0 : st.st_size;
}
