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

/* The daemon's fanotify group, seen through its fdinfo (a "fanotify ..." line per mark): opened
 * as root, readable after giving root up (a user namespace's nobody). -1 on the lsm path, where
 * no daemon needs to watch anything, or where no daemon runs. */
int fan_info_open(void);
/* On the fmod_ret path the daemon judges content through fanotify, which asks only about what
 * it watches: a filesystem mounted since, or a memfd, is watched once the daemon heard of it
 * from the kernel; until then an exec from it is refused with EACCES. Wait (up to 10 s) until
 * the file fd refers to is watched, its filesystem or itself. True at once where info is -1. */
bool wait_watched(int info, int fd);
bool kernel_at_least(int major, int minor);

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

/* The denial log's size now: where the records of what follows begin. */
long log_size(void);
/* The record the daemon wrote for (path, operation, action) of a child of this process. */
struct json_object *find_record(const char *path, const char *op, const char *action, int secs);
/* The same, made by this process itself or a child of it (probe_mmap_exec maps in the caller). */
struct json_object *find_own_record(const char *path, const char *op, const char *action,
				    int secs);
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
