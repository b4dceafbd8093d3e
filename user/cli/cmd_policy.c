// SPDX-License-Identifier: GPL-2.0
/* vendorban policy ...: what policy staff run before they ship. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "cli/cli.h"
#include "cli/cmd_policy_sign.h"
#include "util/msg.h"
#include "policy/policy.h"
#include "policy/diff.h"

static struct json_object *check_json(const char *file, const struct vb_policy *p, const struct vb_diag *diag,
		       bool ok, size_t nh, size_t np, size_t ni)
{
	struct json_object *o = json_object_new_object();
	struct json_object *errs = json_object_new_array(), *warns = json_object_new_array();

	json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	for (size_t j = 0; j < diag->n; j++)
		json_object_array_add(diag->warning[j] ? warns : errs,
				      json_object_new_string(diag->msgs[j]));
	json_object_object_add(o, "errors", errs);
	json_object_object_add(o, "warnings", warns);
	json_object_object_add(o, "n_errors", json_object_new_uint64(diag->n_errors));
	json_object_object_add(o, "n_warnings",
			       json_object_new_uint64(diag->n_total - diag->n_errors));
	if (p) {
		json_object_object_add(o, "version", json_object_new_uint64(p->version));
		json_object_object_add(o, "vendors", json_object_new_int64(p->n_vendors));
		json_object_object_add(o, "sha256_rules", json_object_new_int64(nh));
		json_object_object_add(o, "path_rules", json_object_new_int64(np));
		json_object_object_add(o, "identity_rules", json_object_new_int64(ni));
		json_object_object_add(o, "deny_unsigned_modules",
				       json_object_new_boolean(p->deny_unsigned_modules));
		json_object_object_add(o, "deny_unjudged_exec",
				       json_object_new_boolean(p->deny_unjudged_exec));
		json_object_object_add(o, "deny_init_module",
				       json_object_new_boolean(p->deny_init_module));
		json_object_object_add(o, "running", json_object_new_string(p->kill_running ?
									   "kill" : "report"));
	}
	return o;
}

static const char *s_if(size_t n)
{
	return n == 1 ? "" : "s";
}
#define CHECK_USAGE \
	"usage: vendorban [--json] policy check [--strict] [--] FILE...\n" \
	"  Validates policy files; errors and warnings as FILE:LINE:COL. Under --json, one\n" \
	"  document: {\"ok\": ..., \"files\": [one object per FILE]}.\n" \
	"  --strict  a warning refuses the file too\n" \
	"  exit: 0 every FILE accepted, 1 one refused, 2 usage error\n"
#define DIFF_USAGE \
	"usage: vendorban [--json] policy diff OLD NEW\n" \
	"  What NEW adds, removes and changes against OLD, per vendor.\n" \
	"  exit: 0 no differences, 1 differences, 2 usage error or a policy refused\n"

/* Exit 0: every file accepted; 1: a file refused (or, with --strict, one has warnings). */
static int policy_check(int argc, char **argv)
{
	struct json_object *doc = NULL, *files = NULL;
	bool strict = false;
	int bad = 0, first = 1;

	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "--")) {
			first++;
			break;
		} else if (!strcmp(argv[first], "--strict")) {
			strict = true;
		} else if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
			fputs(CHECK_USAGE, stdout);
			return 0;
		} else {
			vb_err("policy check: unknown option '%s'", argv[first]);
			fputs(CHECK_USAGE, stderr);
			return 2;
		}
	}
	if (argc <= first) {
		vb_err("policy check: no FILE given");
		fputs(CHECK_USAGE, stderr);
		return 2;
	}
	if (cli_json) {
		doc = json_object_new_object();
		files = json_object_new_array();
	}
	for (int i = first; i < argc; i++) {
		struct vb_diag diag = {};
		struct vb_policy *p = NULL;
		size_t nh = 0, np = 0, ni = 0, nw;
		char idents[64] = "";
		bool ok;
		int err;

		err = vb_policy_load(argv[i], &p, &diag);
		nw = diag.n_total - diag.n_errors;
		ok = !err && !(strict && nw);
		vb_diag_print(&diag, argv[i], cli_json ? stderr : stdout);
		for (size_t j = 0; p && j < p->n_rules; j++) {
			if (p->rules[j].kind == VB_RULE_SHA256)
				nh++;
			else if (p->rules[j].kind == VB_RULE_PATH)
				np++;
			else
				ni++;
		}
		if (ni)
			snprintf(idents, sizeof(idents), ", %zu identity rule%s", ni,
				 ni == 1 ? "" : "s");
		if (cli_json)
			json_object_array_add(files, check_json(argv[i], p, &diag, ok, nh, np, ni));
		else if (ok && nw)
			printf("%s: ok: version %llu, %zu vendor%s, %zu sha256 rule%s, %zu path rule%s%s, %zu warning%s\n",
			       argv[i], (unsigned long long)p->version, p->n_vendors,
			       s_if(p->n_vendors), nh, s_if(nh), np, s_if(np), idents, nw, s_if(nw));
		else if (ok)
			printf("%s: ok: version %llu, %zu vendor%s, %zu sha256 rule%s, %zu path rule%s%s\n",
			       argv[i], (unsigned long long)p->version, p->n_vendors,
			       s_if(p->n_vendors), nh, s_if(nh), np, s_if(np), idents);
		else if (!err)
			printf("%s: refused (--strict: %zu warning%s)\n", argv[i], nw,
			       nw == 1 ? "" : "s");
		else
			printf("%s: refused (%zu error%s)\n", argv[i], diag.n_errors,
			       s_if(diag.n_errors));
		bad |= !ok;
		vb_policy_free(p);
		vb_diag_free(&diag);
	}
	if (cli_json) {
		json_object_object_add(doc, "ok", json_object_new_boolean(!bad));
		json_object_object_add(doc, "files", files);
		cli_json_print(doc);
		json_object_put(doc);
	}
	return bad;
}

/* Exit 0: no differences; 1: differences; 2: bad arguments or a policy refused. */
static int policy_diff(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, DIFF_USAGE))
		return 0;
	if (argc != 3) {
		vb_err("policy diff: needs OLD and NEW");
		fputs(DIFF_USAGE, stderr);
		return 2;
	}
	return vb_policy_diff_files(argv[1], argv[2], cli_json ? cli_json_flags() : 0, stdout,
				    stderr);
}

#define POLICY_USAGE \
	"usage: vendorban [--json] policy COMMAND [ARGS]\n" \
	"commands:\n" \
	"  check [--strict] FILE...   validate policy files; errors and warnings as\n" \
	"                             file:line:col (--strict: warnings fail)\n" \
	"  diff OLD NEW               what NEW adds, removes and changes against OLD, per vendor\n" \
	"  sign --key KEY --cert CERT [-o SIG] FILE   sign a policy\n" \
	"  verify --trust CERT... FILE...            check a policy's signature\n"

int do_policy(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "check", policy_check,
		  "validate policy files; errors and warnings as file:line:col (--strict: warnings fail)" },
		{ "diff", policy_diff, "what NEW adds, removes and changes against OLD, per vendor" },
		{ "sign", policy_sign_cmd, "sign a policy: --key KEY --cert CERT [-o SIG] FILE" },
		{ "verify", policy_verify_cmd, "check a policy's signature: --trust CERT... FILE..." },
		{},
	};

	return cli_dispatch(cmds, "policy command", POLICY_USAGE, argc - 1, argv + 1);
}
