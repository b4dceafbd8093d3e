// SPDX-License-Identifier: GPL-2.0
/*
 * vendorband under systemd's notify protocol, inside the VM (no systemd there: the test is
 * the service manager, listening on NOTIFY_SOCKET). READY=1 must come only once the ban is
 * enforced: at the moment it arrives, a banned exec is refused. Starts and reloads are records
 * in the chained log. Runs after test_module, before test_tamper (which starts its own daemon).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define SOCK		"/run/vb-notify.sock"
#define SVC_POLICY	"/tmp/service.policy"
#define SVC_LOG		"/tmp/vendorband-service.log"
#define SVC_BANNED	"/opt/svc/agent"

static int listen_notify(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	unlink(SOCK);
	strcpy(a.sun_path, SOCK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

/* The next datagram within ms, NUL-terminated in buf; 0 or -1 on timeout. */
static int next_msg(int fd, char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) != 1)
		return -1;
	n = recv(fd, buf, len - 1, 0);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* prefix: e.g. an unshare, as systemd's ProtectSystem= gives the daemon a namespace. */
static int start_notifying_in(const char *prefix, const char *policy, const char *extra_env)
{
	char cmd[512];

	unlink(PIDFILE);
	snprintf(cmd, sizeof(cmd), "NOTIFY_SOCKET=" SOCK " %s %s /vb/vendorband --policy %s "
		 "--scan none --no-syslog > " SVC_LOG " 2>&1 &", extra_env, prefix, policy);
	return system(cmd);
}

static int start_notifying(const char *policy, const char *extra_env)
{
	return start_notifying_in("", policy, extra_env);
}

static bool action_is(struct json_object *rec, void *arg)
{
	return !strcmp(field(rec, "action") ? field(rec, "action") : "", arg);
}

FIXTURE(service) {
	int fd;
};

FIXTURE_SETUP(service)
{
	self->fd = listen_notify();
	ASSERT_LE(0, self->fd);
	/* From nothing: no daemon, nothing pinned, so READY=1 has a fresh load to wait for. */
	if (daemon_pid())
		ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	ASSERT_EQ(0, system("/vb/vendorban disable --yes > /dev/null"));
	/* A path rule: enforced on both kernel paths (fmod_ret cannot hash content). */
	mkdir("/opt", 0755);
	mkdir("/opt/svc", 0755);
	ASSERT_EQ(0, copy_file(BANNED, SVC_BANNED));
	ASSERT_EQ(0, write_text(SVC_POLICY, "version 1\nvendor acme \"ACME Banned Corp\"\n"
				"\tpath /opt/svc/\n"));
}

FIXTURE_TEARDOWN(service)
{
	if (daemon_pid())
		stop_daemon_with(SIGTERM);
	close(self->fd);
	unlink(SOCK);
}

TEST_F(service, ready_only_once_enforcing)
{
	char msg[1024], *argv[] = { SVC_BANNED, NULL }, *aargv[] = { ALLOWED, NULL };
	struct json_object *rec;
	long from = log_size();
	struct probe p;
	int watchdogs = 0;

	ASSERT_EQ(0, start_notifying(SVC_POLICY, "WATCHDOG_USEC=1000000"));
	/* STATUS= lines may come first; the first READY=1 is the moment that matters. */
	do {
		ASSERT_EQ(0, next_msg(self->fd, msg, sizeof(msg), 60000)) {
			system("sed 's/^/# /' " SVC_LOG);
		}
		TH_LOG("notify: %s", msg);
	} while (!strstr(msg, "READY=1"));
	/* At once, before anything else can happen: the banned program is refused. */
	p = probe_execve(SVC_BANNED, argv, NULL);
	EXPECT_DENIED(p, "banned exec the moment READY=1 arrived");
	EXPECT_RAN(probe_execve(ALLOWED, aargv, NULL), "allowed exec");
	EXPECT_NE(NULL, strstr(msg, "STATUS=enforcing policy version "));
	/* The start is on record already, with the policy it enforces. */
	rec = find_record_where(action_is, "start", from, 1);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ(SVC_POLICY, field(rec, "policy_file"));
	EXPECT_NE(NULL, field(rec, "kernel_path"));
	json_object_put(rec);
	/* The watchdog asked for 1 s is fed every half second, while the checks hold. */
	for (int i = 0; i < 10 && watchdogs < 2; i++)
		if (!next_msg(self->fd, msg, sizeof(msg), 1000) && strstr(msg, "WATCHDOG=1"))
			watchdogs++;
	EXPECT_EQ(2, watchdogs);
}

/* The twin: without a policy, nothing is ready, and the status line says why. */
TEST_F(service, no_policy_never_ready)
{
	char msg[1024];
	bool ready = false, said = false;

	ASSERT_EQ(0, start_notifying("/tmp/no-such.policy", ""));
	while (!next_msg(self->fd, msg, sizeof(msg), 5000)) {
		ready |= !!strstr(msg, "READY=1");
		said |= !!strstr(msg, "STATUS=not started: no policy at /tmp/no-such.policy");
	}
	EXPECT_FALSE(ready);
	EXPECT_TRUE(said);
	EXPECT_TRUE(file_contains(SVC_LOG, "no policy at /tmp/no-such.policy"));
	EXPECT_EQ(0, daemon_pid());
}

/* Reloads go into the chained log, accepted or refused, as auditd's CONFIG_CHANGE. */
TEST_F(service, reloads_are_records)
{
	char msg[1024];
	struct json_object *rec, *v;
	long from;

	ASSERT_EQ(0, start_notifying(SVC_POLICY, ""));
	do {
		ASSERT_EQ(0, next_msg(self->fd, msg, sizeof(msg), 60000));
	} while (!strstr(msg, "READY=1"));

	from = log_size();
	EXPECT_EQ(0, system("/vb/vendorban reload > /dev/null"));
	rec = find_record_where(action_is, "reload", from, 50);
	ASSERT_NE(NULL, rec);
	ASSERT_TRUE(json_object_object_get_ex(rec, "ok", &v));
	EXPECT_TRUE(json_object_get_boolean(v));
	json_object_put(rec);

	from = log_size();
	ASSERT_EQ(0, write_text(SVC_POLICY, "version 1\nvendor x \"X\"\n\tpath relative\n"));
	EXPECT_EQ(256, system("/vb/vendorban reload > /dev/null 2>&1"));
	rec = find_record_where(action_is, "reload", from, 50);
	ASSERT_NE(NULL, rec);
	ASSERT_TRUE(json_object_object_get_ex(rec, "ok", &v));
	EXPECT_FALSE(json_object_get_boolean(v));
	ASSERT_TRUE(json_object_object_get_ex(rec, "messages", &v));
	EXPECT_LT((size_t)0, json_object_array_length(v));
	json_object_put(rec);
	/* The refusal shows in systemd's status line too. */
	while (!next_msg(self->fd, msg, sizeof(msg), 500) &&
	       !strstr(msg, "the last reload was refused"))
		;
	EXPECT_NE(NULL, strstr(msg, "the last reload was refused"));
}

static bool hidden_record(struct json_object *rec, void *arg)
{
	struct json_object *v;

	return action_is(rec, "tamper") && field(rec, "what") &&
	       !strcmp(field(rec, "what"), "the pins were hidden by a mount") &&
	       json_object_object_get_ex(rec, "restored", &v) && json_object_get_boolean(v);
}

static bool pins_on(dev_t dev)
{
	struct stat st;

	for (int i = 0; i < 100; i++) {
		if (!stat("/sys/fs/bpf/vendorban", &st) && st.st_dev == dev)
			return true;
		usleep(100000);
	}
	return false;
}

/* Under systemd the daemon has a mount namespace of its own (ProtectSystem=), a slave of the
 * host's, as here. A mount laid over the pins in the host's namespace must come off there, or
 * status and disable, run from a shell, no longer see what enforces. */
TEST_F(service, a_mount_over_the_pins_comes_off_in_the_hosts_namespace)
{
	char msg[1024];
	struct json_object *rec;
	struct stat pins;
	long from;

	/* As systemd has it: mounts propagate from the host into a service's namespace. */
	ASSERT_EQ(0, system("mount --make-rshared /sys"));
	ASSERT_EQ(0, start_notifying_in("unshare -m --propagation slave", SVC_POLICY, ""));
	do {
		ASSERT_EQ(0, next_msg(self->fd, msg, sizeof(msg), 60000)) {
			system("sed 's/^/# /' " SVC_LOG);
		}
	} while (!strstr(msg, "READY=1"));
	ASSERT_EQ(0, stat("/sys/fs/bpf/vendorban", &pins));
	from = log_size();

	ASSERT_EQ(0, mount("none", "/sys/fs/bpf/vendorban", "tmpfs", 0, NULL));
	EXPECT_TRUE(pins_on(pins.st_dev));
	rec = find_record_where(hidden_record, NULL, from, 100);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);

	from = log_size();
	ASSERT_EQ(0, mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL));
	EXPECT_TRUE(pins_on(pins.st_dev));
	rec = find_record_where(hidden_record, NULL, from, 100);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);
	/* And what a shell sees is enforcement, proven. */
	EXPECT_EQ(0, system("/vb/vendorban status > /tmp/service-status.out"));
}

TEST_HARNESS_MAIN
