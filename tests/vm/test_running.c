// SPDX-License-Identifier: GPL-2.0
/*
 * Banned software that was already running when the daemon started: programs (by hash, by
 * path, deleted, renamed, exec'd from a memfd, with a changed comm, a banned library preloaded
 * into an allowed program) and a kernel module signed by the banned test vendor. The daemon
 * reports each ("action":"running" / "loaded"), `vendorban sweep` lists them, and under
 * `option running kill` the processes are killed while their allowed twins run on.
 *
 * main() sets the host up before the tests, as an operator would find it: a daemon with a
 * policy that bans none of it, the programs started and the module loaded under it, then the
 * daemon restarted on the policy that bans them. The agents are copies of this very binary
 * (content made unique by a trailer) that only wait (VB_RUN_AGENT in their environment).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define RUN		"/tmp/run/"
#define P_FREE		RUN "free.policy"
#define P_BAN		RUN "running.policy"
#define DLOG		RUN "vendorband.log"
#define AGENT		RUN "agent"		/* banned by sha256 */
#define DELETED		RUN "agent-deleted"	/* the same content, deleted once started */
#define RENAMED		RUN "innocent-name"	/* the same content, another name and comm */
#define FORKER		RUN "forker"		/* the same content, forks while it runs */
#define ALLOWED_AGENT	RUN "allowed-agent"	/* other content: the allowed twin */
#define PATHBAN		RUN "pathban/tool"	/* allowed content, banned by a path rule */
#define PRELOADED	RUN "preloaded"		/* allowed content, banned library preloaded */
#define BANNED_SO	RUN "banned-copy.so"
#define FORKS_MAX	30

enum agent { A_BANNED, A_DELETED, A_RENAMED, A_MEMFD, A_FORKER, A_ALLOWED, A_PATH,
	     A_PRELOAD, A_N };

/* What main() started, for the tests (each runs in a child of main: these are its children). */
static pid_t pids[A_N];
static char kver[128];
static long log_from;		/* the log's size before the daemon started on P_BAN */

/* An agent: wait to be found (and killed). A forker forks now and then, as a race would. */
__attribute__((constructor)) static void agent_main(void)
{
	const char *mode = getenv("VB_RUN_AGENT"), *comm = getenv("VB_RUN_COMM");

	if (!mode)
		return;
	if (comm)
		prctl(PR_SET_NAME, comm);
	for (int i = 0; !strcmp(mode, "fork") && i < FORKS_MAX; i++) {
		if (fork() == 0)
			break;
		usleep(50000);
	}
	for (;;)
		pause();
}

static int copy_with_trailer(const char *from, const char *to, const char *trailer)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	if (write(out, trailer, strlen(trailer)) != (ssize_t)strlen(trailer))
		return -1;
	close(in);
	return close(out);
}

static pid_t spawn(const char *path, const char *mode, const char *comm, const char *preload)
{
	pid_t pid = fork();

	if (pid == 0) {
		setenv("VB_RUN_AGENT", mode, 1);
		if (comm)
			setenv("VB_RUN_COMM", comm, 1);
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The banned content exec'd from a memfd: no file name at all. */
static pid_t spawn_memfd(const char *content)
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
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "agent", NULL };

		setenv("VB_RUN_AGENT", "wait", 1);
		fexecve(fd, argv, environ);
		_exit(127);
	}
	close(fd);
	return pid;
}

/* Gone: no such process, or only its zombie (main reaps nothing while the tests run). */
static bool gone(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	p = strrchr(buf, ')');
	return !p || p[2] == 'Z' || p[2] == 'X';
}

static bool wait_gone(pid_t pid, int tenths)
{
	for (int i = 0; i < tenths && !gone(pid); i++)
		usleep(100000);
	return gone(pid);
}

/* Live processes (not zombies) whose executable is path; with sig, send it to them. */
static int running_from(const char *path, int sig)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0;

	while (d && (de = readdir(d))) {
		char link[64], exe[512];
		ssize_t len;
		int pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(link, sizeof(link), "/proc/%d/exe", pid);
		len = readlink(link, exe, sizeof(exe) - 1);
		if (len <= 0)
			continue;
		exe[len] = 0;
		if (!strcmp(exe, path) && !gone(pid)) {
			n++;
			if (sig)
				kill(pid, sig);
		}
	}
	if (d)
		closedir(d);
	return n;
}

/* The policy that bans the agents and the module (kill: with option running kill). */
static int write_ban_policy(int version, bool kill_them)
{
	char banned[65], lib[65], text[2048];

	if (sha256_file_hex(AGENT, banned) || sha256_file_hex(BANNED_SO, lib))
		return -1;
	snprintf(text, sizeof(text),
		 "version %d\n"
		 "%s"
		 "vendor runvendor \"Running Test Vendor\"\n"
		 "\tsha256 %s id=agent-hash\n"
		 "\tsha256 %s id=lib-hash\n"
		 "\tpath " RUN "pathban/ id=agent-path\n"
		 "vendor banned \"Banned Test Vendor\"\n"
		 "\tcert " VB "kmod/pki/banned.pem id=module-signer\n", version,
		 kill_them ? "option running kill\n" : "", banned, lib);
	if (write_text(P_BAN ".tmp", text))
		return -1;
	return rename(P_BAN ".tmp", P_BAN);
}

static int write_policies(void)
{
	if (write_text(P_FREE, "version 1\nvendor other \"Some Other Vendor\"\n"
			       "\tpath /opt/nothing-here/\n"))
		return -1;
	return write_ban_policy(2, false);
}

struct proc_of {
	pid_t pid;
	const char *action;
	long from;
};

static bool proc_match(struct json_object *rec, void *arg)
{
	const struct proc_of *w = arg;
	struct json_object *v;

	return !strcmp(field(rec, "operation") ?: "", "process") &&
	       !strcmp(field(rec, "action") ?: "", w->action) &&
	       json_object_object_get_ex(rec, "pid", &v) && json_object_get_int(v) == w->pid;
}

static struct json_object *proc_record(pid_t pid, const char *action, int tenths)
{
	struct proc_of w = { pid, action };

	return find_record_where(proc_match, &w, log_from, tenths);
}

static bool module_match(struct json_object *rec, void *arg)
{
	struct json_object *m;

	return !strcmp(field(rec, "action") ?: "", "loaded") &&
	       json_object_object_get_ex(rec, "module", &m) && m &&
	       !strcmp(field(m, "name") ?: "", (const char *)arg);
}

static const char *module_field(struct json_object *rec, const char *k)
{
	struct json_object *m;

	return json_object_object_get_ex(rec, "module", &m) && m ? field(m, k) : NULL;
}

TEST(banned_program_started_before_daemon_reported)
{
	struct json_object *rec = proc_record(pids[A_BANNED], "running", 600);

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ(AGENT, field(rec, "exe"));
	EXPECT_STREQ("false", field(rec, "exe_deleted"));
	EXPECT_STREQ("exe", field(rec, "mapping"));
	EXPECT_STREQ("sha256", field(rec, "match"));
	EXPECT_STREQ("agent-hash", field(rec, "rule"));
	EXPECT_STREQ("runvendor", field(rec, "vendor"));
	EXPECT_STREQ("root", field(rec, "user"));
	EXPECT_STREQ("start", field(rec, "trigger"));
	EXPECT_STREQ("enforce", field(rec, "mode"));
	EXPECT_NE(NULL, field(rec, "started"));
	EXPECT_NE(NULL, field(rec, "seq"));
	/* Report mode: found, not touched. */
	EXPECT_FALSE(gone(pids[A_BANNED]));
	json_object_put(rec);
}

TEST(deleted_copy_reported)
{
	struct json_object *rec = proc_record(pids[A_DELETED], "running", 100);

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ(DELETED, field(rec, "exe"));
	EXPECT_STREQ("true", field(rec, "exe_deleted"));
	EXPECT_STREQ("sha256", field(rec, "match"));
	EXPECT_EQ(-1, access(DELETED, F_OK));
	json_object_put(rec);
}

TEST(renamed_copy_with_another_comm_reported)
{
	struct json_object *rec = proc_record(pids[A_RENAMED], "running", 100);

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ(RENAMED, field(rec, "exe"));
	EXPECT_STREQ("sshd", field(rec, "comm"));
	EXPECT_STREQ("agent-hash", field(rec, "rule"));
	json_object_put(rec);
}

TEST(memfd_exec_reported)
{
	struct json_object *rec = proc_record(pids[A_MEMFD], "running", 100);

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("memfd", field(rec, "mapping"));
	EXPECT_STREQ("/memfd:agent", field(rec, "exe"));
	EXPECT_STREQ("agent-hash", field(rec, "rule"));
	json_object_put(rec);
}

TEST(preloaded_banned_library_reported)
{
	struct json_object *rec = proc_record(pids[A_PRELOAD], "running", 100);

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ(PRELOADED, field(rec, "exe"));
	EXPECT_STREQ("library", field(rec, "mapping"));
	EXPECT_STREQ(BANNED_SO, field(rec, "file"));
	EXPECT_STREQ("lib-hash", field(rec, "rule"));
	json_object_put(rec);
}

TEST(path_rule_program_reported)
{
	struct json_object *rec = proc_record(pids[A_PATH], "running", 100);

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("path", field(rec, "match"));
	EXPECT_STREQ("agent-path", field(rec, "rule"));
	json_object_put(rec);
}

TEST(allowed_program_not_reported)
{
	/* The banned agent's record is in by now: the same sweep would have written this one. */
	struct json_object *rec = proc_record(pids[A_BANNED], "running", 100);

	ASSERT_NE(NULL, rec);
	json_object_put(rec);
	EXPECT_EQ(NULL, proc_record(pids[A_ALLOWED], "running", 1));
	EXPECT_FALSE(gone(pids[A_ALLOWED]));
}

TEST(banned_module_loaded_before_daemon_reported)
{
	struct json_object *rec = find_record_where(module_match, "vb_banned_drv", log_from, 300);
	char file[256];

	ASSERT_NE(NULL, rec);
	snprintf(file, sizeof(file), "/lib/modules/%s/extra/vb_banned_drv.ko", kver);
	EXPECT_STREQ("module", field(rec, "operation"));
	EXPECT_STREQ("cert", field(rec, "match"));
	EXPECT_STREQ("module-signer", field(rec, "rule"));
	EXPECT_STREQ("banned", field(rec, "vendor"));
	EXPECT_STREQ(file, module_field(rec, "file"));
	EXPECT_STREQ("same", module_field(rec, "file_vs_loaded"));
	EXPECT_STREQ("modprobe -r vb_banned_drv", field(rec, "remove"));
	json_object_put(rec);
}

/* The inventory command sees what the daemon saw, with its exit status. */
TEST(sweep_lists_running_and_loaded)
{
	struct json_object *o, *procs, *mods;
	int rc, n_banned = 0, n_allowed = 0;
	bool module = false;

	rc = system("/vb/vendorban --json sweep --policy " P_BAN " --skip files,packages > "
		    RUN "sweep.json 2> " RUN "sweep.err");
	ASSERT_TRUE(WIFEXITED(rc));
	EXPECT_EQ(1, WEXITSTATUS(rc));
	o = json_object_from_file(RUN "sweep.json");
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("true", field(o, "found"));
	ASSERT_TRUE(json_object_object_get_ex(o, "processes", &procs));
	ASSERT_TRUE(json_object_object_get_ex(o, "modules", &mods));
	for (size_t i = 0; i < json_object_array_length(procs); i++) {
		struct json_object *p = json_object_array_get_idx(procs, i), *v;
		pid_t pid;

		json_object_object_get_ex(p, "pid", &v);
		pid = json_object_get_int(v);
		n_banned += pid == pids[A_BANNED] || pid == pids[A_DELETED] ||
			    pid == pids[A_MEMFD] || pid == pids[A_PRELOAD];
		n_allowed += pid == pids[A_ALLOWED];
	}
	for (size_t i = 0; i < json_object_array_length(mods); i++)
		module |= !strcmp(module_field(json_object_array_get_idx(mods, i), "name") ?: "",
				  "vb_banned_drv");
	EXPECT_EQ(4, n_banned);
	EXPECT_EQ(0, n_allowed);
	EXPECT_TRUE(module);
	json_object_put(o);
}

/* Its allowed twin: a module of an allowed signer, loaded, is not reported by a rescan. */
TEST(allowed_module_not_reported)
{
	struct json_object *rec;
	long from = log_size();
	struct proc_of w = { pids[A_BANNED], "running" };
	char cmd[1024];

	ASSERT_EQ(0, syscall(SYS_delete_module, "vb_banned_drv", O_NONBLOCK));
	/* Installed where modprobe finds it, so its file is judged too, not only its name. */
	snprintf(cmd, sizeof(cmd), "cp " VB "kmod/%s/vb_allowed_drv.ko /lib/modules/%s/extra/ && "
		 RUN "depmod %s && insmod /lib/modules/%s/extra/vb_allowed_drv.ko", kver, kver, kver,
		 kver);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, kill(daemon_pid(), SIGUSR1));
	/* The rescan's sweep has run once the banned agent is reported again. */
	w.from = from;
	rec = find_record_where(proc_match, &w, from, 600);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("rescan", field(rec, "trigger"));
	json_object_put(rec);
	EXPECT_EQ(NULL, find_record_where(module_match, "vb_allowed_drv", from, 1));
	EXPECT_EQ(NULL, find_record_where(module_match, "vb_banned_drv", from, 1));
	EXPECT_EQ(0, syscall(SYS_delete_module, "vb_allowed_drv", O_NONBLOCK));
}

TEST(kill_option_kills_banned_and_spares_allowed)
{
	static const enum agent banned[] = { A_BANNED, A_DELETED, A_RENAMED, A_MEMFD, A_FORKER,
					     A_PATH, A_PRELOAD };
	struct json_object *rec;

	ASSERT_EQ(0, write_ban_policy(3, true));
	ASSERT_EQ(0, kill(daemon_pid(), SIGHUP));
	for (int i = 0; i < 600 && status_policy_version() != 3; i++)
		usleep(100000);
	ASSERT_EQ(3, status_policy_version());
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
		pid_t pid = pids[banned[i]];

		EXPECT_TRUE(wait_gone(pid, 300));
		rec = proc_record(pid, "killed", 300);
		EXPECT_NE(NULL, rec);
		if (!rec) {
			TH_LOG("no killed record for agent %zu (pid %d)", i, pid);
			continue;
		}
		EXPECT_STREQ("true", field(rec, "gone"));
		EXPECT_STREQ("SIGKILL", field(rec, "signal"));
		json_object_put(rec);
	}
	/* What the forker forked while it was being found is gone too. */
	EXPECT_EQ(0, running_from(FORKER, 0));
	/* The allowed twin runs on, unreported. */
	EXPECT_FALSE(gone(pids[A_ALLOWED]));
	EXPECT_EQ(NULL, proc_record(pids[A_ALLOWED], "killed", 1));
	EXPECT_EQ(NULL, proc_record(pids[A_ALLOWED], "running", 1));
}

/* Set the host up as an operator finds it; see the comment at the top. */
static int setup(void)
{
	struct utsname u;
	char cmd[1024];

	if (uname(&u))
		return -1;
	snprintf(kver, sizeof(kver), "%s", u.release);
	if (system("rm -rf " RUN " && mkdir -p " RUN "pathban") ||
	    copy_with_trailer("/proc/self/exe", AGENT, "\nvb-running-test: BANNED AGENT\n") ||
	    copy_with_trailer(AGENT, DELETED, "") || copy_with_trailer(AGENT, RENAMED, "") ||
	    copy_with_trailer(AGENT, FORKER, "") ||
	    copy_with_trailer("/proc/self/exe", ALLOWED_AGENT, "\nvb-running-test: ALLOWED\n") ||
	    copy_with_trailer(ALLOWED_AGENT, PATHBAN, "") ||
	    copy_with_trailer(ALLOWED_AGENT, PRELOADED, "") ||
	    copy_with_trailer(BANNED_LIB, BANNED_SO, "\nvb-running-test: BANNED LIB\n") ||
	    write_policies())
		return -1;
	/* A daemon that bans none of it is in force while it all starts. */
	if (stop_daemon_with(SIGTERM) ||
	    start_daemon_with("--policy " P_FREE " --scan none", RUN "vendorband-free.log"))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p /lib/modules/%s/extra && cp " VB "kmod/%s/vb_banned_drv.ko "
		 "/lib/modules/%s/extra/ && ln -sf " VB "bin/kmod " RUN "depmod && " RUN "depmod %s && "
		 "insmod /lib/modules/%s/extra/vb_banned_drv.ko", kver, kver, kver, kver, kver);
	if (system(cmd))
		return -1;
	pids[A_BANNED] = spawn(AGENT, "wait", NULL, NULL);
	pids[A_DELETED] = spawn(DELETED, "wait", NULL, NULL);
	pids[A_RENAMED] = spawn(RENAMED, "wait", "sshd", NULL);
	pids[A_MEMFD] = spawn_memfd(AGENT);
	pids[A_FORKER] = spawn(FORKER, "fork", NULL, NULL);
	pids[A_ALLOWED] = spawn(ALLOWED_AGENT, "wait", NULL, NULL);
	pids[A_PATH] = spawn(PATHBAN, "wait", NULL, NULL);
	pids[A_PRELOAD] = spawn(PRELOADED, "wait", NULL, BANNED_SO);
	usleep(500000);
	for (int i = 0; i < A_N; i++)
		if (pids[i] <= 0 || gone(pids[i]))
			return -1;
	if (unlink(DELETED))
		return -1;
	/* The daemon restarts on the policy that bans them: nothing new is exec'd or loaded. */
	if (stop_daemon_with(SIGTERM))
		return -1;
	log_from = log_size();
	return start_daemon_with("--policy " P_BAN " --scan none", DLOG);
}

int main(int argc, char **argv)
{
	int rc;

	if (setup()) {
		printf("Bail out! test_running: setting up the running agents failed (%s)\n",
		       strerror(errno));
		system("cat " RUN "vendorband-free.log " DLOG " 2>/dev/null | sed 's/^/# /'");
		return 1;
	}
	rc = test_harness_run(argc, argv);
	for (int i = 0; i < A_N; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	running_from(FORKER, SIGKILL);
	return rc;
}
