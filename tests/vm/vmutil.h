/* SPDX-License-Identifier: GPL-2.0 */
/* What the VM tests share: paths of the payload, the daemon's files, and assertions on
 * probes. Include after kselftest_harness.h. */
#ifndef VB_VMUTIL_H
#define VB_VMUTIL_H

#include <stdbool.h>
#include <json-c/json.h>
#include "probe.h"

#define VB		"/vb/"
#define BANNED		VB "banned_prog"
#define ALLOWED		VB "allowed_prog"
#define AUDITED		VB "audited_prog"
#define SIGNED		VB "scanned/signed_prog"	/* signed by the banned test vendor */
#define BANNED_LIB	VB "banned_lib.so"
#define ALLOWED_LIB	VB "allowed_lib.so"
#define LOG		"/var/log/vendorban/denials.jsonl"
#define PIDFILE		"/run/vendorban/vendorband.pid"
#define LDSO		"/lib64/ld-linux-x86-64.so.2"

/* VB_EXPECT_PATH: the kernel path the daemon must have chosen ("lsm" or "fmod_ret"). */
bool lsm_path(void);

/* The module tests: the fmod_ret path hashes exec'd and mapped files in the daemon
 * (fanotify), never a module file the kernel reads for finit_module. */
#define NEED_KERNEL_HASH()						\
	do {								\
		if (!lsm_path())					\
			SKIP(return, "content-hash rules need the in-kernel hash, which the " \
			     "fmod_ret path cannot do (security_* functions are not sleepable)"); \
	} while (0)

/* On the fmod_ret path content is hashed by the daemon, which fanotify asks only about the
 * filesystems it marked: one mounted in a mount namespace of the test's own is unseen (with
 * option unjudged-exec deny the kernel refuses such an exec with EACCES, not by content). */
#define NEED_DAEMON_SEES_MOUNT()					\
	do {								\
		if (!lsm_path())					\
			SKIP(return, "on the fmod_ret path the daemon judges content through " \
			     "fanotify, which is not asked about a filesystem mounted in " \
			     "another mount namespace after the daemon marked its own"); \
	} while (0)

/* An overlayfs file's backing file: since 6.8 its f_path is the real one, and fanotify asks
 * about it on the layer's (marked) filesystem; before, it carries the overlay's path, and the
 * overlay mounted in the test's namespace is not marked. */
bool kernel_at_least(int major, int minor);
#define NEED_DAEMON_SEES_OVERLAY()					\
	do {								\
		if (!lsm_path() && !kernel_at_least(6, 8))		\
			SKIP(return, "on the fmod_ret path before 6.8 fanotify reports an " \
			     "overlay's backing file under the overlay's path, and an overlay " \
			     "mounted in another mount namespace is not marked: not judged by " \
			     "content"); \
	} while (0)

/* fanotify cannot mark the kernel's internal tmpfs that every memfd lives on (SB_NOUSER): on
 * the fmod_ret path no one hashes a memfd. What the kernel does instead is a policy choice
 * (option unjudged-exec), tested by test_exec's unjudged_exec_option. */
#define NEED_MEMFD_JUDGED()						\
	do {								\
		if (!lsm_path())					\
			SKIP(return, "on the fmod_ret path a memfd's content is not judged: " \
			     "fanotify cannot watch the kernel's internal tmpfs memfds live " \
			     "on (SB_NOUSER), and the kernel cannot hash there"); \
	} while (0)

#define EXPECT_OUTCOME(want, p, what)					\
	do {								\
		char _b[96];						\
		struct probe _p = (p);					\
		if (!(want))						\
			TH_LOG("%s: %s", what, probe_str(&_p, _b, sizeof(_b))); \
		EXPECT_TRUE(want);					\
	} while (0)

#define EXPECT_DENIED(p, what)	do { struct probe _q = (p); \
	EXPECT_OUTCOME(DENIED_EPERM(_q), _q, what); } while (0)
#define EXPECT_RAN(p, what)	do { struct probe _q = (p); \
	EXPECT_OUTCOME(_q.outcome == PROBE_RAN, _q, what); } while (0)

/* The record the daemon wrote for (path, operation, action) of a child of this process. */
struct json_object *find_record(const char *path, const char *op, const char *action, int secs);
/* The last record from byte `from` of the log on that match() accepts, polled for up to
 * tenths / 10 s. */
struct json_object *find_record_where(bool (*match)(struct json_object *rec, void *arg),
				      void *arg, long from, int tenths);
/* rec is of operation op with action, by a child of this process. */
bool record_is(struct json_object *rec, const char *op, const char *action);
const char *field(struct json_object *o, const char *k);
/* `vendorban status --json` and its exit status. */
struct json_object *status_json(int *rc);
struct json_object *status_json_args(const char *args, int *rc);
int status_policy_version(void);
int daemon_pid(void);
bool file_contains(const char *path, const char *needle);
int write_text(const char *path, const char *text);
/* Have PID 1 send sig to pid (tests/vm/init): only it may stop the daemon. kill's exit status,
 * or -1 if PID 1 did not answer. */
int init_kill(int pid, int sig);
/* Stop the daemon through PID 1 with sig and wait until it is gone (reaped). 0 or -1. */
int stop_daemon_with(int sig);
/* Start vendorband ARGS --no-syslog in the background, its output in log, and wait up to 60 s
 * for its pidfile. 0 or -1. */
int start_daemon_with(const char *args, const char *log);
/* How many loaded BPF programs carry this name (15 characters at most). */
int progs_named(const char *name);

#endif
