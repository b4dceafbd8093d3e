// SPDX-License-Identifier: GPL-2.0
/* vendorban policy sign / verify: what policy staff run before they ship, and what they check. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "cli/cmd_policy_sign.h"
#include "util/msg.h"
#include "policy/policy.h"
#include "policy/sig.h"

#define SIGN_USAGE	"usage: vendorban policy sign --key KEY.pem --cert CERT.pem [-o SIG] FILE\n"
#define VERIFY_USAGE	"usage: vendorban policy verify --trust CERT.pem [--trust CERT.pem...] FILE...\n"

int policy_sign_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *key = NULL, *cert = NULL, *out = NULL;
	char *sig = NULL;
	int c, err;

	optind = 0;	/* GNU getopt: start over, argv[0] is the subcommand */
	while ((c = getopt_long(argc, argv, "k:c:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf(SIGN_USAGE);
			return 0;
		default:
			fprintf(stderr, SIGN_USAGE);
			return 2;
		}
	}
	if (!key || !cert || optind != argc - 1) {
		fprintf(stderr, SIGN_USAGE);
		return 2;
	}
	if (!out && asprintf(&sig, "%s%s", argv[optind], VB_SIG_SUFFIX) < 0)
		return 1;
	err = vb_policy_sign(argv[optind], key, cert, out ? out : sig);
	if (cli_json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(argv[optind]));
		json_object_object_add(o, "signature", json_object_new_string(out ? out : sig));
		json_object_object_add(o, "ok", json_object_new_boolean(!err));
		cli_json_print(o);
		json_object_put(o);
	} else if (!err) {
		printf("%s: signed: %s\n", argv[optind], out ? out : sig);
	}
	free(sig);
	return err ? 1 : 0;
}

static void print_verdict(const char *file, int err, const char *signer, const char *why,
			  const struct vb_policy *p, const struct vb_diag *diag)
{
	if (cli_json) {
		struct json_object *o = json_object_new_object(), *a = json_object_new_array();

		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_object_add(o, "ok", json_object_new_boolean(!err));
		json_object_object_add(o, "signer", signer[0] ? json_object_new_string(signer) : NULL);
		json_object_object_add(o, "reason", err ? json_object_new_string(why) : NULL);
		for (size_t i = 0; i < diag->n; i++)
			json_object_array_add(a, json_object_new_string(diag->msgs[i]));
		json_object_object_add(o, "errors", a);
		if (p)
			json_object_object_add(o, "version", json_object_new_uint64(p->version));
		cli_json_print(o);
		json_object_put(o);
		return;
	}
	vb_diag_print(diag, file, stdout);
	if (!err)
		printf("%s: signed by %s: ok\n", file, signer);
	else
		printf("%s: refused: %s\n", file, why);
}

int policy_verify_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char why[VB_WHY_MAX], signer[VB_SUBJECT_MAX];
	struct vb_trust trust = {};
	const char **certs = NULL, **p;
	int c, n = 0, bad = 0, err;

	optind = 0;	/* GNU getopt: start over, argv[0] is the subcommand */
	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			p = realloc(certs, (n + 1) * sizeof(*certs));
			if (!p) {
				free(certs);
				return 1;
			}
			certs = p;
			certs[n++] = optarg;
			break;
		case 'h':
			printf(VERIFY_USAGE);
			free(certs);
			return 0;
		default:
			fprintf(stderr, VERIFY_USAGE);
			free(certs);
			return 2;
		}
	}
	if (!n || optind >= argc) {
		fprintf(stderr, VERIFY_USAGE);
		free(certs);
		return 2;
	}
	err = vb_trust_load(&trust, certs, n);
	free(certs);
	if (err)
		return 1;
	for (int i = optind; i < argc; i++) {
		struct vb_policy *pol = NULL;
		struct vb_diag diag = {};

		err = vb_policy_load_verified(&trust, argv[i], &pol, &diag, signer, sizeof(signer),
					      why, sizeof(why));
		print_verdict(argv[i], err, signer, why, pol, &diag);
		bad |= !!err;
		vb_policy_free(pol);
		vb_diag_free(&diag);
	}
	vb_trust_free(&trust);
	return bad;
}
