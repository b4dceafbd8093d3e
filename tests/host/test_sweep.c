// SPDX-License-Identifier: GPL-2.0
/*
 * vendorban sweep on the host: banned files, packages and running processes (by hash, deleted,
 * exec'd from a memfd, a banned library preloaded into an allowed program), their allowed
 * twins, the exit status a script reads, and the kill of a banned process that forks. Loaded
 * modules need a kernel with modules: tests/vm/test_running.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "hostutil.h"
#include "identify/identify.h"
#include "policy/policy.h"
#include "scan/derive.h"
#include "scan/scan.h"
#include "sweep/procs.h"
#include "util/msg.h"

int do_sweep(int argc, char **argv);

#define SLEEP		"/bin/sleep"
#define BASH		"/bin/bash"
#define PRELOAD_FROM	"/lib/x86_64-linux-gnu/libz.so.1"

FIXTURE(sweep) {
	char dir[64];
	char policy[128], out[128], err[128];
	char agent[128], allowed[128], deleted[128], lib[128], forker[128];
	pid_t kids[8];
	int n_kids;
};

static int copy_with_trailer(const char *from, const char *to, const char *trailer)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -EIO;
	if (write(out, trailer, strlen(trailer)) != (ssize_t)strlen(trailer))
		return -EIO;
	close(in);
	return close(out);
}

/* Start path with args (NULL-terminated after path), LD_PRELOAD preload if not NULL. */
static pid_t start(const char *path, const char *preload, const char *arg1, const char *arg2)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		execl(path, path, arg1, arg2, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t start_memfd(const char *content)
{
	int in = open(content, O_RDONLY | O_CLOEXEC), fd = memfd_create("agent", 0);
	char buf[65536];
	ssize_t n;
	pid_t pid;

	if (in < 0 || fd < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return -1;
	close(in);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "agent", "300", NULL };

		fexecve(fd, argv, environ);
		_exit(127);
	}
	close(fd);
	return pid;
}

FIXTURE_SETUP(sweep)
{
	char hash[65], libhash[65], text[1024];

	strcpy(self->dir, "/tmp/vb-sweep-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	chmod(self->dir, 0755);
	snprintf(self->policy, sizeof(self->policy), "%s/test.policy", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out", self->dir);
	snprintf(self->err, sizeof(self->err), "%s/err", self->dir);
	snprintf(self->agent, sizeof(self->agent), "%s/agent", self->dir);
	snprintf(self->allowed, sizeof(self->allowed), "%s/allowed", self->dir);
	snprintf(self->deleted, sizeof(self->deleted), "%s/agent-deleted", self->dir);
	snprintf(self->lib, sizeof(self->lib), "%s/banned.so", self->dir);
	snprintf(self->forker, sizeof(self->forker), "%s/forker", self->dir);
	/* Copies of real programs, their content made unique by a trailer nothing reads. */
	ASSERT_EQ(0, copy_with_trailer(SLEEP, self->agent, "vb-sweep BANNED"));
	ASSERT_EQ(0, copy_with_trailer(self->agent, self->deleted, ""));
	ASSERT_EQ(0, copy_with_trailer(SLEEP, self->allowed, "vb-sweep ALLOWED"));
	ASSERT_EQ(0, copy_with_trailer(PRELOAD_FROM, self->lib, "vb-sweep BANNED LIB"));
	ASSERT_EQ(0, copy_with_trailer(BASH, self->forker, "vb-sweep FORKER"));
	ASSERT_EQ(0, sha256_file_hex(self->agent, hash));
	ASSERT_EQ(0, sha256_file_hex(self->lib, libhash));
	snprintf(text, sizeof(text),
		 "version 1\n"
		 "vendor acme \"Acme Corp\"\n"
		 "\tsha256 %s id=agent\n"
		 "\tsha256 %s id=lib\n"
		 "\tpath %s/files/ id=files\n"
		 "vendor other \"Other Co\"\n"
		 "\tpath /opt/nothing-here/\n", hash, libhash, self->dir);
	ASSERT_EQ(0, write_file(self->policy, text, strlen(text)));
	ASSERT_EQ(0, sh("mkdir -p %s/files %s/clean && echo x > %s/clean/readme", self->dir,
			self->dir, self->dir));
}

FIXTURE_TEARDOWN(sweep)
{
	for (int i = 0; i < self->n_kids; i++) {
		kill(self->kids[i], SIGKILL);
		waitpid(self->kids[i], NULL, 0);
	}
	if (sh("rm -rf '%s'", self->dir))
		TH_LOG("cleanup of %s failed", self->dir);
}

static struct json_object *run_json(const char *out, const char *err, int *rc, char **argv)
{
	*rc = cli_run(do_sweep, true, argv, out, err);
	return json_object_from_file(out);
}

static struct json_object *find_pid(struct json_object *o, pid_t pid)
{
	struct json_object *procs, *v;

	if (!json_object_object_get_ex(o, "processes", &procs) || !procs)
		return NULL;
	for (size_t i = 0; i < json_object_array_length(procs); i++) {
		struct json_object *p = json_object_array_get_idx(procs, i);

		if (json_object_object_get_ex(p, "pid", &v) && json_object_get_int(v) == pid)
			return p;
	}
	return NULL;
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : NULL;
}

TEST_F(sweep, clean_host_exits_0)
{
	char clean[128];
	char *argv[] = { "sweep", "--policy", self->policy, "--skip", "packages,processes,modules",
			 "--no-cache", clean, NULL };
	struct json_object *o;
	int rc;

	snprintf(clean, sizeof(clean), "%s/clean", self->dir);
	o = run_json(self->out, self->err, &rc, argv);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(0, rc);
	EXPECT_STREQ("false", str(o, "found"));
	EXPECT_STREQ("true", str(o, "complete"));
	/* Parts skipped are null: nothing was looked for there. */
	EXPECT_EQ(NULL, str(o, "processes"));
	json_object_put(o);
}

TEST_F(sweep, banned_file_exits_1)
{
	char files[128], clean[128];
	char *argv[] = { "sweep", "--policy", self->policy, "--skip", "packages,processes,modules",
			 "--no-cache", files, clean, NULL };
	struct json_object *o, *a;
	int rc;

	snprintf(files, sizeof(files), "%s/files", self->dir);
	snprintf(clean, sizeof(clean), "%s/clean", self->dir);
	ASSERT_EQ(0, sh("echo agent > %s/files/tool", self->dir));
	o = run_json(self->out, self->err, &rc, argv);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(1, rc);
	ASSERT_TRUE(json_object_object_get_ex(o, "files", &a));
	ASSERT_EQ((size_t)1, json_object_array_length(a));
	EXPECT_STREQ("files", str(json_object_array_get_idx(a, 0), "rule"));
	EXPECT_STREQ("path", str(json_object_array_get_idx(a, 0), "match"));
	EXPECT_STREQ("acme", str(json_object_array_get_idx(a, 0), "vendor"));
	json_object_put(o);
}

TEST_F(sweep, running_banned_processes_found_and_allowed_twins_not)
{
	char *argv[] = { "sweep", "--policy", self->policy, "--skip", "files,packages,modules",
			 NULL };
	pid_t agent, deleted, memfd, preload, allowed;
	struct json_object *o, *p;
	int rc;

	self->kids[self->n_kids++] = agent = start(self->agent, NULL, "300", NULL);
	self->kids[self->n_kids++] = deleted = start(self->deleted, NULL, "300", NULL);
	self->kids[self->n_kids++] = memfd = start_memfd(self->agent);
	self->kids[self->n_kids++] = preload = start(self->allowed, self->lib, "300", NULL);
	self->kids[self->n_kids++] = allowed = start(self->allowed, NULL, "300", NULL);
	usleep(300000);
	ASSERT_EQ(0, unlink(self->deleted));
	o = run_json(self->out, self->err, &rc, argv);
	ASSERT_NE(NULL, o);
	/* Found wins over incomplete (a sandbox may hide some of /proc). */
	EXPECT_EQ(1, rc);

	p = find_pid(o, agent);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ(self->agent, str(p, "exe"));
	EXPECT_STREQ("exe", str(p, "mapping"));
	EXPECT_STREQ("sha256", str(p, "match"));
	EXPECT_STREQ("agent", str(p, "rule"));
	EXPECT_STREQ("acme", str(p, "vendor"));

	p = find_pid(o, deleted);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ(self->deleted, str(p, "exe"));
	EXPECT_STREQ("true", str(p, "exe_deleted"));
	EXPECT_STREQ("agent", str(p, "rule"));

	p = find_pid(o, memfd);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("memfd", str(p, "mapping"));
	EXPECT_STREQ("/memfd:agent", str(p, "exe"));

	p = find_pid(o, preload);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ(self->allowed, str(p, "exe"));
	EXPECT_STREQ("library", str(p, "mapping"));
	EXPECT_STREQ(self->lib, str(p, "file"));
	EXPECT_STREQ("lib", str(p, "rule"));

	EXPECT_EQ(NULL, find_pid(o, allowed));
	/* Report only: all still run. */
	EXPECT_EQ(0, kill(agent, 0));
	json_object_put(o);
}

TEST_F(sweep, text_table_by_vendor)
{
	char *argv[] = { "sweep", "--policy", self->policy, "--skip", "files,packages,modules",
			 NULL };
	char *text;
	int rc;

	self->kids[self->n_kids++] = start(self->agent, NULL, "300", NULL);
	usleep(300000);
	rc = cli_run(do_sweep, false, argv, self->out, self->err);
	EXPECT_EQ(1, rc);
	text = slurp(self->out);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "VENDOR"));
	EXPECT_NE(NULL, strstr(text, "PROCESSES"));
	EXPECT_NE(NULL, strstr(text, "\nacme "));
	EXPECT_NE(NULL, strstr(text, "DENY  process  acme"));
	EXPECT_NE(NULL, strstr(text, "BANNED SOFTWARE PRESENT"));
	free(text);
}

/* Nothing found, but files it could not read: 3, and the JSON says why. */
TEST_F(sweep, incomplete_sweep_exits_3)
{
	char clean[128];
	char *argv[] = { "sweep", "--policy", self->policy, "--skip", "packages,processes,modules",
			 "--no-cache", clean, NULL };
	struct json_object *o, *why;
	pid_t pid;
	int status;

	snprintf(clean, sizeof(clean), "%s/clean", self->dir);
	ASSERT_EQ(0, sh("echo secret > %s/clean/locked && chmod 000 %s/clean/locked && "
			"chmod 644 %s", self->dir, self->dir, self->policy));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* As an unprivileged user: a file it may not read is a hole in the sweep. */
		int fd = open(self->out, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		if (fd < 0 || fchown(fd, 65534, 65534) || setgroups(0, NULL) || setgid(65534) ||
		    setuid(65534))
			_exit(99);
		_exit(cli_run(do_sweep, true, argv, self->out, "/dev/null") & 0xff);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(3, WEXITSTATUS(status));
	o = json_object_from_file(self->out);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("false", str(o, "complete"));
	EXPECT_STREQ("false", str(o, "found"));
	ASSERT_TRUE(json_object_object_get_ex(o, "incomplete", &why));
	ASSERT_EQ((size_t)1, json_object_array_length(why));
	EXPECT_NE(NULL, strstr(json_object_get_string(json_object_array_get_idx(why, 0)),
			       "locked"));
	json_object_put(o);
	/* Its twin as root reads the file: complete and clean. */
	EXPECT_EQ(0, cli_run(do_sweep, true, argv, self->out, "/dev/null"));
}

TEST_F(sweep, bad_arguments_exit_2)
{
	char *skip[] = { "sweep", "--policy", self->policy, "--skip", "processes,kernels", NULL };
	char *nopolicy[] = { "sweep", "--policy", "/nonexistent/x.policy", NULL };

	EXPECT_EQ(2, cli_run(do_sweep, false, skip, self->out, self->err));
	EXPECT_EQ(2, cli_run(do_sweep, false, nopolicy, self->out, self->err));
}

static int live_from(const char *exe)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0;

	while (d && (de = readdir(d))) {
		char link[64], buf[512], stat[512];
		int pid = atoi(de->d_name), fd;
		ssize_t len;
		char *p;

		if (pid <= 0)
			continue;
		snprintf(link, sizeof(link), "/proc/%d/exe", pid);
		len = readlink(link, buf, sizeof(buf) - 1);
		if (len <= 0)
			continue;
		buf[len] = 0;
		if (strcmp(buf, exe))
			continue;
		snprintf(link, sizeof(link), "/proc/%d/stat", pid);
		fd = open(link, O_RDONLY);
		len = fd >= 0 ? read(fd, stat, sizeof(stat) - 1) : -1;
		if (fd >= 0)
			close(fd);
		stat[len > 0 ? len : 0] = 0;
		p = strrchr(stat, ')');
		n += p && p[2] != 'Z';
	}
	if (d)
		closedir(d);
	return n;
}

/* A banned shell that keeps forking copies of itself: stop, look again, kill; none is left,
 * and the allowed twin runs on. */
TEST_F(sweep, kill_catches_forks_and_spares_allowed)
{
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};
	struct vb_procs procs;
	struct vb_judge j;
	char text[1024], hash[65];
	pid_t forker, allowed;
	size_t killed = 0;

	ASSERT_EQ(0, sha256_file_hex(self->forker, hash));
	snprintf(text, sizeof(text), "version 1\noption running kill\nvendor acme \"Acme\"\n"
		 "\tsha256 %s id=forker\n", hash);
	ASSERT_EQ(0, write_file(self->policy, text, strlen(text)));
	ASSERT_EQ(0, vb_policy_load(self->policy, &p, &diag));
	EXPECT_TRUE(p->kill_running);
	self->kids[self->n_kids++] = forker =
		start(self->forker, NULL, "-c", "while :; do (while :; do sleep 1; done) & "
						 "sleep 0.05; done");
	self->kids[self->n_kids++] = allowed = start(self->allowed, NULL, "300", NULL);
	usleep(500000);
	ASSERT_LT(1, live_from(self->forker));
	ASSERT_EQ(0, vb_judge_init(&j, p, VB_ID_ELF));
	ASSERT_EQ(0, vb_procs_sweep(&j, &procs));
	ASSERT_EQ(0, vb_procs_kill(&j, &procs));
	for (size_t i = 0; i < procs.n; i++) {
		EXPECT_EQ((int)VB_KILL_GONE, (int)procs.f[i].kill);
		EXPECT_STREQ("killed", vb_proc_action(&procs.f[i]));
		killed += procs.f[i].kill == VB_KILL_GONE;
	}
	EXPECT_LT((size_t)1, killed);
	EXPECT_EQ(0, live_from(self->forker));
	EXPECT_EQ(0, kill(allowed, 0));
	vb_procs_free(&procs);
	vb_judge_free(&j);
	vb_policy_free(p);
	vb_diag_free(&diag);
}

TEST_F(sweep, policy_option_running)
{
	static const char *bad = "version 1\noption running maybe\nvendor a \"A\"\n\tpath /opt/a/\n";
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};

	ASSERT_EQ(-EINVAL, vb_policy_parse("t.policy", bad, strlen(bad), &p, &diag));
	ASSERT_EQ((size_t)1, diag.n);
	EXPECT_STREQ("t.policy:2:16: error: option running must be report or kill, not 'maybe'",
		     diag.msgs[0]);
	vb_diag_free(&diag);
}

/* Installed packages a package rule names, from the host's own dpkg database; and its twin. */
TEST_F(sweep, installed_package_found_and_other_not)
{
	char *argv[] = { "sweep", "--policy", self->policy, "--skip", "files,processes,modules",
			 NULL };
	const char *text = "version 1\nvendor gnu \"GNU\"\n\tpackage name coreutils id=cu\n"
			   "vendor none \"Nobody\"\n\tpackage name vb-no-such-package-*\n";
	struct json_object *o, *a, *k;
	int rc;

	if (access("/var/lib/dpkg/status", R_OK))
		SKIP(return, "no dpkg database on this host");
	ASSERT_EQ(0, write_file(self->policy, text, strlen(text)));
	o = run_json(self->out, self->err, &rc, argv);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(1, rc);
	ASSERT_TRUE(json_object_object_get_ex(o, "packages", &a));
	ASSERT_EQ((size_t)1, json_object_array_length(a));
	EXPECT_STREQ("cu", str(json_object_array_get_idx(a, 0), "rule"));
	EXPECT_STREQ("gnu", str(json_object_array_get_idx(a, 0), "vendor"));
	ASSERT_TRUE(json_object_object_get_ex(json_object_array_get_idx(a, 0), "package", &k));
	EXPECT_STREQ("coreutils", str(k, "name"));
	EXPECT_STREQ("dpkg", str(k, "manager"));
	json_object_put(o);
}

struct said {
	char all[4096];
};

static void on_msg(int prio, const char *msg, void *arg)
{
	struct said *s = arg;
	size_t n = strlen(s->all);

	snprintf(s->all + n, sizeof(s->all) - n, "%s\n", msg);
}

/* The daemon's scan names every banned file it finds, by hash and path too, not only those
 * its vendor identities found (which are all the kernel needs from it). */
TEST_F(sweep, daemon_scan_names_hash_and_path_matches)
{
	char files[128], *paths[] = { files }, want[512];
	struct vb_scan_result res;
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};
	struct said said = {};

	snprintf(files, sizeof(files), "%s/files", self->dir);
	/* tool: a program (an exec bit) the path rule names; the daemon's scan reads only what
	 * can execute. */
	ASSERT_EQ(0, sh("cp %s %s/files/renamed && echo x > %s/files/tool && chmod +x %s/files/tool"
			" && echo y > %s/clean/other", self->agent, self->dir, self->dir, self->dir,
			self->dir));
	ASSERT_EQ(0, vb_policy_load(self->policy, &p, &diag));
	ASSERT_EQ(0, vb_scan(p, NULL, paths, 1, NULL, NULL, &res));
	vb_msg_sink(on_msg, &said);
	vb_derive_report(p, &res);
	vb_msg_sink(NULL, NULL);
	/* Sorted by path: renamed (its hash decides: sha256 before path), then tool. */
	snprintf(want, sizeof(want), "scan: banned file present: %s/files/renamed (vendor acme, "
		 "rule agent by sha256)\nscan: banned file present: %s/files/tool (vendor acme, "
		 "rule files by path)\n", self->dir, self->dir);
	EXPECT_STREQ(want, said.all);
	vb_scan_result_free(&res);
	vb_policy_free(p);
	vb_diag_free(&diag);
}

TEST_HARNESS_MAIN
