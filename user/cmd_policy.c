// SPDX-License-Identifier: GPL-2.0
/* vendorban policy ...: what policy staff run before they ship. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "cli.h"
#include "msg.h"
#include "policy.h"

static int policy_check(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: vendorban policy check FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct vb_diag diag = {};
		struct vb_policy *p = NULL;
		size_t nh = 0, np = 0;
		int err;

		err = vb_policy_load(argv[i], &p, &diag);
		for (size_t j = 0; j < diag.n; j++)
			fprintf(cli_json ? stderr : stdout, "%s\n", diag.msgs[j]);
		if (diag.n_total > diag.n)
			fprintf(stderr, "%s: %zu more errors not shown\n", argv[i],
				diag.n_total - diag.n);
		for (size_t j = 0; p && j < p->n_rules; j++)
			p->rules[j].kind == VB_RULE_SHA256 ? nh++ : np++;
		if (cli_json) {
			struct json_object *o = json_object_new_object(), *a = json_object_new_array();

			json_object_object_add(o, "file", json_object_new_string(argv[i]));
			json_object_object_add(o, "ok", json_object_new_boolean(!err));
			for (size_t j = 0; j < diag.n; j++)
				json_object_array_add(a, json_object_new_string(diag.msgs[j]));
			json_object_object_add(o, "errors", a);
			if (p) {
				json_object_object_add(o, "version", json_object_new_uint64(p->version));
				json_object_object_add(o, "vendors", json_object_new_int64(p->n_vendors));
				json_object_object_add(o, "sha256_rules", json_object_new_int64(nh));
				json_object_object_add(o, "path_rules", json_object_new_int64(np));
			}
			puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
			json_object_put(o);
		} else if (!err) {
			printf("%s: ok: version %llu, %zu vendors, %zu sha256 rules, %zu path rules\n",
			       argv[i], (unsigned long long)p->version, p->n_vendors, nh, np);
		} else {
			printf("%s: refused (%zu errors)\n", argv[i], diag.n_total);
		}
		bad |= !!err;
		vb_policy_free(p);
		vb_diag_free(&diag);
	}
	return bad;
}

int do_policy(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "check", policy_check, "validate policy files; errors as file:line:col" },
		{},
	};

	return cli_dispatch(cmds, "policy command", argc - 1, argv + 1);
}
