// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel's refusals cannot reach: banned programs that were already running, and
 * banned modules already loaded, when the daemon started or the policy changed. Each is a
 * record in the denial log; under `option running kill` the processes are killed, and the
 * record says whether they are gone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "daemon/daemon.h"
#include "identify/identify.h"
#include "sweep/modules.h"
#include "sweep/procs.h"
#include "util/msg.h"
#include "vendorban.h"

/* The finding's fields after the record's own (time, host, action, operation, trigger). */
static void record_finding(struct daemon *d, const char *action, const char *op,
			   const char *why, struct json_object *finding, const char *msg)
{
	struct json_object *o = daemon_new_record(d, action);

	json_object_object_add(o, "operation", json_object_new_string(op));
	json_object_object_add(o, "trigger", json_object_new_string(why));
	json_object_object_add(o, "policy_version", json_object_new_uint64(d->policy->version));
	json_object_object_foreach(finding, k, v)
		json_object_object_add(o, k, json_object_get(v));
	daemon_log_record(d, o, msg);
	json_object_put(o);
}

static void record_procs(struct daemon *d, const struct vb_procs *procs, const char *why)
{
	for (size_t i = 0; i < procs->n; i++) {
		const struct vb_proc_finding *f = &procs->f[i];
		struct json_object *o = vb_proc_finding_json(d->policy, f);
		const struct vb_vendor *v = vb_rule_vendor(d->policy, f->j.rule);
		char msg[PATH_MAX + 256];

		if (!o)
			continue;
		snprintf(msg, sizeof(msg), "%s banned process pid %d comm %s: %s %s%s (vendor %s, "
			 "rule %s, %s)%s", f->kill == VB_KILL_GONE ? "killed" : "running",
			 f->pid, f->comm, f->mapping, f->file, f->file_deleted ? " (deleted)" : "",
			 v->id, f->j.rule->id, f->j.match,
			 f->kill == VB_KILL_FAILED ? ": KILL FAILED" :
			 f->kill == VB_KILL_EXEMPT ? ": not killed (exempt)" : "");
		record_finding(d, vb_proc_action(f), "process", why, o, msg);
		if (f->kill == VB_KILL_GONE)
			vb_warn("%s", msg);
		else
			vb_err("%s", msg);
		json_object_put(o);
	}
}

static void record_modules(struct daemon *d, const struct vb_modules *mods, const char *why)
{
	for (size_t i = 0; i < mods->n; i++) {
		const struct vb_module_finding *f = &mods->f[i];
		struct json_object *o = vb_module_finding_json(d->policy, f);
		const struct vb_vendor *v = vb_rule_vendor(d->policy, f->j.rule);
		char msg[1024], remedy[512];

		if (!o)
			continue;
		vb_module_remedy(f, remedy, sizeof(remedy));
		snprintf(msg, sizeof(msg), "banned module loaded: %s (vendor %s, rule %s, %s); "
			 "remove it with: %s", f->name, v->id, f->j.rule->id, f->j.match, remedy);
		record_finding(d, "loaded", "module", why, o, msg);
		vb_err("%s", msg);
		json_object_put(o);
	}
}

void daemon_check_running(struct daemon *d, const char *why)
{
	struct vb_procs procs = {};
	struct vb_modules mods = {};
	struct vb_judge j;
	int err;

	if (!d->policy)
		return;
	err = vb_judge_init(&j, d->policy, VB_ID_ELF | VB_ID_SIGNATURES);
	if (!err)
		err = vb_procs_sweep(&j, &procs);
	if (!err && d->policy->kill_running && procs.n)
		err = vb_procs_kill(&j, &procs);
	if (err) {
		vb_err("running check (%s) failed: %s: banned processes may run unreported", why,
		       strerror(-err));
		goto out;
	}
	record_procs(d, &procs, why);
	err = vb_modules_sweep(&j, &mods);
	if (err)
		vb_err("loaded-module check (%s) failed: %s", why, strerror(-err));
	else
		record_modules(d, &mods, why);
	if (procs.unreadable)
		vb_warn("running check (%s): %llu processes or mappings could not be read "
			"(first: %s)", why, (unsigned long long)procs.unreadable,
			procs.first_unreadable);
	vb_info("running check (%s): %llu processes, %zu banned; %llu modules, %zu banned", why,
		(unsigned long long)procs.seen, procs.n, (unsigned long long)mods.seen, mods.n);
out:
	vb_procs_free(&procs);
	vb_modules_free(&mods);
	vb_judge_free(&j);
}
