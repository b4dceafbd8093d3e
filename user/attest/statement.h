/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compliance statement of one host, the directive's "report" step: what the host runs
 * (kernel, enforcement as `status` proves it, the policy in force), what is on it (the sweep),
 * and the denial log's state, with a verdict an auditor can roll up across hosts.
 */
#ifndef VB_ATTEST_STATEMENT_H
#define VB_ATTEST_STATEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "sweep/sweep.h"

#define VB_ATTEST_FORMAT	1

struct vb_attest_opts {
	const char *policy;		/* the policy file the host is attested against */
	const char *log;		/* the denial log (its rotated files are found beside it) */
	bool probe;			/* prove enforcement with the canary execs */
	struct vb_sweep_opts sweep;
};

/* Build the statement (caller puts *out). 0, or -errno with why (a policy that cannot be
 * loaded, no memory): a host that is not compliant still gets a statement, saying why. */
int vb_attest_statement(const struct vb_attest_opts *o, struct json_object **out, char *why,
			size_t why_len);

/* The fields a roll-up of many hosts shows, read back from a statement. */
struct vb_attest_row {
	const char *host, *time, *policy_file, *kernel;
	bool compliant, enforcing;
	long long policy_version;	/* -1: none */
	unsigned long long found[4];	/* files, packages, processes, modules */
	char reasons[1024];		/* "; "-joined */
};

/* 0, or -EBADMSG when o is not a statement of a format this build reads. */
int vb_attest_row(struct json_object *o, struct vb_attest_row *r);

#endif
