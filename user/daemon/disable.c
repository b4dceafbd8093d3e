// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <json-c/json.h>
#include "daemon/disable.h"
#include "daemon/runstate.h"
#include "kernel/attach.h"
#include "kernel/guard.h"
#include "kernel/rules.h"
#include "log/event.h"
#include "policy/order.h"
#include "util/readfile.h"
#include "util/hex.h"
#include "util/msg.h"

#define VB_MAX_LINKS		32
#define VB_DETACH_WAIT_MS	30000

/* The programs behind the pinned links: the kernel frees them once nothing attaches them. Only
 * the marked daemon may look inside the links directory. */
static int pinned_prog_ids(__u32 *ids, int max)
{
	struct dirent *de;
	char pin[512];
	int n = 0;
	DIR *d = opendir(VB_PIN_LINK_DIR);

	while (d && (de = readdir(d)) && n < max) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd;

		if (strncmp(de->d_name, "link_", 5))
			continue;
		snprintf(pin, sizeof(pin), VB_PIN_LINK_DIR "/%s", de->d_name);
		fd = bpf_obj_get(pin);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[n++] = info.prog_id;
		close(fd);
	}
	if (d)
		closedir(d);
	return n;
}

/* Detaching is not immediate everywhere (6.12 frees sleepable programs after an RCU tasks
 * trace grace period): report success only once every program is gone. */
static int wait_progs_gone(const __u32 *ids, int n)
{
	for (int t = 0; t < VB_DETACH_WAIT_MS; t += 100) {
		int alive = 0;

		for (int i = 0; i < n; i++) {
			int fd = bpf_prog_get_fd_by_id(ids[i]);

			if (fd >= 0) {
				alive++;
				close(fd);
			}
		}
		if (!alive)
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

/* Under signed policies, a disable needs an order signed by the same trust store, for this
 * host, never older than the policy in force. */
static int check_order(struct vb_kernel *k, const struct vb_disable_opts *o, __u64 in_force,
		       struct vb_order *order, char *signer, size_t signer_len)
{
	char why[VB_WHY_MAX], host[256] = "", sig[4096];
	size_t len;
	char *buf;
	int err;

	if (!o->order) {
		vb_err("these programs enforce signed policies only: a disable needs a signed "
		       "order (vendorban disable --yes --order FILE --trusted-signer CERT)");
		return -EPERM;
	}
	err = vb_read_file(o->order, VB_ORDER_MAX_SIZE, &buf, &len);
	if (err) {
		vb_err("cannot read the disable order %s: %s", o->order, strerror(-err));
		return err;
	}
	/* The bytes verified are the bytes parsed. */
	snprintf(sig, sizeof(sig), "%s" VB_SIG_SUFFIX, o->order);
	err = vb_policy_verify_buf(o->trust, o->order, buf, len, sig, signer, signer_len, why,
				   sizeof(why));
	if (!err)
		err = vb_order_parse(buf, len, order, why, sizeof(why));
	gethostname(host, sizeof(host) - 1);
	if (!err)
		err = vb_order_check(order, host, in_force, why, sizeof(why));
	if (err)
		vb_err("disable order %s refused: %s", o->order, why);
	free(buf);
	return err;
}

/* Into the chain before anything stops: who, which policy stops being enforced, on whose
 * order. */
static int record_disable(struct vb_kernel *k, const char *log_path,
			  const struct vb_denylog_opts *log_opts, const struct vb_order *order,
			  const char *order_path, const char *signer)
{
	struct json_object *o = json_object_new_object();
	struct vb_slot_info info = {};
	struct vb_denylog log;
	struct timespec ts;
	char now[64], host[256] = "", digest[65];
	__u64 seq;
	int err;

	err = vb_denylog_open(&log, log_path, log_opts);
	if (err) {
		json_object_put(o);
		return err;
	}
	gethostname(host, sizeof(host) - 1);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	vb_boot_ns_to_rfc3339((__u64)ts.tv_sec * 1000000000 + ts.tv_nsec, now, sizeof(now));
	json_object_object_add(o, "time", json_object_new_string(now));
	json_object_object_add(o, "host", json_object_new_string(host));
	json_object_object_add(o, "action", json_object_new_string("disable"));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "ppid", json_object_new_int(getppid()));
	json_object_object_add(o, "uid", json_object_new_int(getuid()));
	if (!vb_rules_active(k, &info, &seq)) {
		vb_hex(info.digest, sizeof(info.digest), digest);
		json_object_object_add(o, "policy_version", json_object_new_uint64(info.version));
		json_object_object_add(o, "policy_sha256", json_object_new_string(digest));
	}
	if (order) {
		struct json_object *or = json_object_new_object();

		json_object_object_add(or, "file", json_object_new_string(order_path));
		json_object_object_add(or, "version", json_object_new_uint64(order->version));
		json_object_object_add(or, "host", json_object_new_string(order->host));
		json_object_object_add(or, "signer", json_object_new_string(signer));
		json_object_object_add(o, "order", or);
	}
	err = vb_denylog_append(&log, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE));
	if (!err)
		err = vb_denylog_flush(&log);
	vb_denylog_close(&log);
	json_object_put(o);
	return err;
}

/* What a script reads: enforcing no more, and whether it was. */
static void say_done(const struct vb_disable_opts *o, bool was, const struct vb_slot_info *info)
{
	struct json_object *j;

	if (!o->json) {
		if (was)
			printf("vendorban is no longer enforcing: programs detached, policy maps "
			       "released\n");
		else
			printf("vendorban was not enforcing (nothing pinned under %s)\n",
			       VB_PIN_DIR);
		return;
	}
	j = json_object_new_object();
	json_object_object_add(j, "enforcing", json_object_new_boolean(false));
	json_object_object_add(j, "was_enforcing", json_object_new_boolean(was));
	if (was && info->version)
		json_object_object_add(j, "policy_version", json_object_new_uint64(info->version));
	puts(json_object_to_json_string_ext(j, o->json));
	json_object_put(j);
}

int vb_disable(const struct vb_disable_opts *o)
{
	char signer[VB_SUBJECT_MAX] = "";
	struct vb_slot_info info = {};
	struct vb_order order, *ordered = NULL;
	__u32 ids[VB_MAX_LINKS];
	struct vb_guard g;
	struct vb_kernel k;
	__u8 none[VB_SHA256_LEN] = {};
	int pid, err, n;
	__u64 seq;

	/* The daemon holds the programs too: unpinning under it would leave them attached while
	 * we report them gone (and its guard refuses it). */
	pid = vb_daemon_pid();
	if (pid) {
		vb_err("vendorband is running (pid %d): stop it first (systemctl stop vendorband); "
		       "nothing was changed", pid);
		return 1;
	}
	if (access(VB_PIN_DIR, F_OK)) {
		say_done(o, false, &info);
		return 0;
	}
	err = vb_guard_take_over(&k, VB_TAKEOVER_WAIT_MS);
	if (err) {
		vb_err("cannot take over the pinned programs (%s): nothing was changed",
		       strerror(-err));
		return 1;
	}
	err = vb_guard_read(&k, &g);
	vb_rules_active(&k, &info, &seq);
	if (!err && memcmp(g.signer, none, sizeof(none))) {
		err = vb_guard_check_signer(&k, o->trust);
		if (!err)
			err = check_order(&k, o, info.version, &order, signer, sizeof(signer));
		ordered = &order;
	}
	if (err) {
		vb_err("disable refused: nothing was changed");
		vb_kernel_close(&k);
		return 1;
	}
	err = record_disable(&k, o->log_path, o->log_opts, ordered, o->order, signer);
	if (err) {
		vb_err("cannot record the disable in %s (%s): nothing was changed", o->log_path,
		       strerror(-err));
		vb_kernel_close(&k);
		return 1;
	}
	n = pinned_prog_ids(ids, VB_MAX_LINKS);
	err = vb_kernel_unpin_all();
	vb_kernel_close(&k);
	if (!err)
		err = wait_progs_gone(ids, n);
	if (err) {
		vb_err("cannot detach: %s; vendorban may still be enforcing (check: vendorban "
		       "status)", strerror(-err));
		return 1;
	}
	say_done(o, true, &info);
	return 0;
}
