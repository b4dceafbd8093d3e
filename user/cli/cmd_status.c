// SPDX-License-Identifier: GPL-2.0
/* vendorban status: says "enforcing" only after the kernel has just refused a canary exec. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "util/hex.h"
#include "kernel/attach.h"
#include "cli/cli.h"
#include "kernel/facts.h"
#include "util/msg.h"
#include "kernel/rules.h"
#include "daemon/runstate.h"
#include "daemon/selftest.h"

struct status {
	bool loaded, enabled, probed, enforcing;
	int lsm_active, missing_links;
	char lsm[256], missing[64], reason[512];
	struct vb_selftest st;
	struct vb_settings set;
	struct vb_slot_info slot;
	__u64 seq, stats[VB_STAT_MAX];
	int daemon_pid;
};

static const char *const stat_names[VB_STAT_MAX] = {
	[VB_STAT_DENIED] = "denied",
	[VB_STAT_AUDITED] = "would_deny",
	[VB_STAT_DROPPED] = "events_dropped",
	[VB_STAT_HASHED] = "hashed",
	[VB_STAT_CACHE_HIT] = "cache_hits",
	[VB_STAT_HASH_ERR] = "hash_errors",
	[VB_STAT_CHECKED] = "checked",
	[VB_STAT_PATH_ERR] = "path_errors",
};

static void gather(struct status *s, bool probe)
{
	struct vb_kernel k;
	int err;

	s->lsm_active = vb_bpf_lsm_active(s->lsm, sizeof(s->lsm));
	s->daemon_pid = vb_daemon_pid();
	err = vb_kernel_open_pinned(&k);
	if (err) {
		snprintf(s->reason, sizeof(s->reason), err == -ENOENT ?
			 "no vendorban programs are loaded (start vendorband)" :
			 "cannot read the pinned programs: %s", strerror(-err));
		return;
	}
	s->loaded = true;
	s->set = k.settings;
	s->enabled = k.settings.enabled;
	vb_rules_active(&k, &s->slot, &s->seq);
	for (int i = 0; i < VB_STAT_MAX; i++)
		vb_stat_read(&k, i, &s->stats[i]);
	s->missing_links = vb_kernel_missing_links(k.settings.path, s->missing,
						    sizeof(s->missing));
	if (!s->enabled)
		snprintf(s->reason, sizeof(s->reason), "programs are loaded but disabled");
	else if (s->missing_links)
		snprintf(s->reason, sizeof(s->reason), "%d program(s) not attached (%s)",
			 s->missing_links, s->missing);
	else if (k.settings.path == VB_PATH_LSM && s->lsm_active != 1)
		snprintf(s->reason, sizeof(s->reason),
			 "attached as BPF LSM but bpf is not in the active LSM list (%s)", s->lsm);
	else if (probe && vb_selftest_run(&k, k.settings.can_hash, &s->st) == 0) {
		s->probed = true;
		s->enforcing = s->st.enforcing;
		if (!s->enforcing)
			snprintf(s->reason, sizeof(s->reason),
				 "a canary exec that must be refused was not (%s)",
				 s->st.exec_errno ? strerror(s->st.exec_errno) : "it ran");
	} else if (probe) {
		snprintf(s->reason, sizeof(s->reason), "the canary exec could not be run");
	}
	vb_kernel_close(&k);
}


static void print_json(const struct status *s)
{
	struct json_object *o = json_object_new_object(), *c = json_object_new_object();
	char digest[65];

	json_object_object_add(o, "enforcing", json_object_new_boolean(s->enforcing));
	json_object_object_add(o, "verified_by_canary", json_object_new_boolean(s->probed));
	json_object_object_add(o, "reason", s->enforcing ? NULL :
			       json_object_new_string(s->reason));
	json_object_object_add(o, "kernel_path",
			       json_object_new_string(vb_path_name(s->set.path)));
	json_object_object_add(o, "bpf_in_lsm_list", json_object_new_boolean(s->lsm_active == 1));
	json_object_object_add(o, "lsm_list", json_object_new_string(s->lsm));
	json_object_object_add(o, "content_hashing",
			       json_object_new_boolean(s->loaded && s->set.can_hash &&
						       (!s->probed || s->st.hashing)));
	json_object_object_add(o, "policy_version", s->seq ?
			       json_object_new_uint64(s->slot.version) : NULL);
	vb_hex(s->slot.digest, 32, digest);
	json_object_object_add(o, "policy_sha256", s->seq ? json_object_new_string(digest) : NULL);
	json_object_object_add(o, "policy_loads", json_object_new_int64(s->seq));
	json_object_object_add(o, "hash_rules", json_object_new_int64(s->slot.n_hash_rules));
	json_object_object_add(o, "path_rules", json_object_new_int64(s->slot.n_path_rules));
	json_object_object_add(o, "module_signer_keys",
			       json_object_new_int64(s->slot.n_signer_keys));
	json_object_object_add(o, "module_names", json_object_new_int64(s->slot.n_module_names));
	json_object_object_add(o, "deny_unsigned_modules",
			       json_object_new_boolean(s->slot.deny_unsigned_modules));
	json_object_object_add(o, "deny_init_module",
			       json_object_new_boolean(s->slot.deny_init_module));
	for (int i = 0; i < VB_STAT_MAX; i++)
		json_object_object_add(c, stat_names[i], json_object_new_int64(s->stats[i]));
	json_object_object_add(o, "counters", c);
	json_object_object_add(o, "daemon_pid", s->daemon_pid ?
			       json_object_new_int(s->daemon_pid) : NULL);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
}

static void print_text(const struct status *s)
{
	if (s->enforcing)
		printf("enforcing:        yes (a canary exec was just refused with EPERM)\n");
	else
		printf("enforcing:        NO: %s\n", s->reason);
	if (!s->loaded)
		return;
	printf("kernel path:      %s (active LSMs: %s)\n", vb_path_name(s->set.path), s->lsm);
	printf("content hashing:  %s\n", s->set.can_hash && (!s->probed || s->st.hashing) ?
	       "in the kernel (SHA-256)" :
	       "NOT AVAILABLE on this path: sha256 rules are not enforced, path rules are");
	if (s->seq) {
		printf("policy:           version %llu, %u sha256 rules (with the scan's), %u path "
		       "rules\n", (unsigned long long)s->slot.version, s->slot.n_hash_rules,
		       s->slot.n_path_rules);
		printf("modules:          %u signer keys, %u names%s%s\n", s->slot.n_signer_keys,
		       s->slot.n_module_names,
		       s->slot.deny_unsigned_modules ? ", unsigned modules refused" : "",
		       s->slot.deny_init_module ? ", init_module refused" : "");
	} else {
		printf("policy:           none loaded\n");
	}
	printf("denied:           %llu (would deny in audit: %llu)\n",
	       (unsigned long long)s->stats[VB_STAT_DENIED],
	       (unsigned long long)s->stats[VB_STAT_AUDITED]);
	printf("events dropped:   %llu\n", (unsigned long long)s->stats[VB_STAT_DROPPED]);
	printf("files hashed:     %llu (cache hits %llu, hash errors %llu)\n",
	       (unsigned long long)s->stats[VB_STAT_HASHED],
	       (unsigned long long)s->stats[VB_STAT_CACHE_HIT],
	       (unsigned long long)s->stats[VB_STAT_HASH_ERR]);
	if (s->daemon_pid)
		printf("daemon:           running (pid %d)\n", s->daemon_pid);
	else
		printf("daemon:           not running: the kernel goes on enforcing, denials wait "
		       "in the ring buffer until it is restarted\n");
}

int do_status(int argc, char **argv)
{
	struct status s = {};
	bool probe = true;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-probe")) {
			probe = false;
		} else {
			fprintf(stderr, "usage: vendorban status [--json] [--no-probe]\n");
			return 2;
		}
	}
	if (geteuid()) {
		vb_err("status needs root: it reads the kernel's BPF maps and runs a canary exec");
		return 2;
	}
	gather(&s, probe);
	if (cli_json)
		print_json(&s);
	else
		print_text(&s);
	return s.enforcing ? 0 : 1;
}
