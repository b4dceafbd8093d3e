// SPDX-License-Identifier: GPL-2.0
/* vendorban install-check: refuse a banned vendor's package before the installer unpacks it. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "cli/cli.h"
#include "install/hookin.h"
#include "install/pathsafe.h"
#include "install/record.h"
#include "install/rpmhook.h"
#include "install/verdict.h"
#include "log/spool.h"
#include "policy/policy.h"
#include "util/msg.h"
#include <linux/types.h>
#include "vendorban.h"

#define INSTALL_DEFAULT_POLICY	"/etc/vendorban/vendorban.policy"
#define INSTALL_USAGE \
	"usage: vendorban [--json] install-check [--policy FILE] [--audit] [--spool DIR|--no-log]\n" \
	"                 (--apt-hook | --dpkg-hook | --rpm-hook | FILE.deb|FILE.rpm...)\n" \
	"  judge packages before they are installed: control fields against `package` rules,\n" \
	"  every file inside against sha256, path, signer, cert and module rules\n" \
	"  --apt-hook     read apt's DPkg::Pre-Install-Pkgs protocol (v1-3) on stdin\n" \
	"  --dpkg-hook    judge the archives on the command line of the dpkg running this as\n" \
	"                 its pre-invoke hook (DPKG_HOOK_ACTION install or unpack)\n" \
	"  --rpm-hook     read what the vendorban rpm plugin sends on stdin (dist/rpm)\n" \
	"  --policy FILE  the policy (default " INSTALL_DEFAULT_POLICY ")\n" \
	"  --audit        record what would be refused, refuse nothing\n" \
	"  --spool DIR    where records wait for vendorband (default " VB_SPOOL_DIR ")\n" \
	"  --no-log       write no records\n" \
	"  exit: 0 every package may be installed, 1 some package is refused (or cannot be\n" \
	"  read, or the policy cannot), 2 usage error\n"

struct install_check {
	struct vb_policy *p;
	const char *via;
	const char *spool;	/* NULL: no records */
	bool audit;
	struct json_object *out;
	unsigned int refused, audited, allowed;
};

static void record(struct install_check *c, const struct vb_install_pkg *pkg,
		   const struct vb_install_hit *d)
{
	struct json_object *o;
	int err;

	if (!c->spool)
		return;
	o = vb_install_record(c->p, pkg, d, c->via);
	if (c->audit && o && d->rule->mode == VB_MODE_ENFORCE) {
		/* --audit: the rule enforces, this gate was told only to watch. */
		json_object_object_add(o, "action", json_object_new_string("would-deny"));
		json_object_object_add(o, "mode", json_object_new_string("audit"));
	}
	err = o ? vb_spool_put(c->spool, o) : -ENOMEM;
	if (err)
		vb_err("install-check: cannot hand the record of %s to vendorband (%s/): %s",
		       pkg->pkg.name, c->spool, strerror(-err));
	json_object_put(o);
}

static void add_json(struct install_check *c, const struct vb_install_pkg *pkg,
		     const struct vb_install_hit *d, const char *verdict)
{
	struct json_object *o, *rec;

	if (!c->out)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "archive", json_object_new_string(pkg->archive));
	json_object_object_add(o, "verdict", json_object_new_string(verdict));
	json_object_object_add(o, "package", pkg->pkg.name[0] ?
				json_object_new_string(pkg->pkg.name) : NULL);
	json_object_object_add(o, "version", pkg->pkg.version[0] ?
				json_object_new_string(pkg->pkg.version) : NULL);
	json_object_object_add(o, "files", json_object_new_uint64(pkg->files));
	json_object_object_add(o, "error", pkg->error[0] ? json_object_new_string(pkg->error) :
							   NULL);
	rec = d ? vb_install_record(c->p, pkg, d, c->via) : NULL;
	json_object_object_add(o, "record", rec);
	json_object_array_add(c->out, o);
}

/* What came of one package: refused, audited or allowed, said and recorded. */
static void report(struct install_check *c, struct vb_install_pkg *pkg, int err)
{
	const struct vb_install_hit *d;
	char line[8192];

	if (err) {
		/* Fail closed: what vendorban cannot read, the installer might read another way. */
		vb_err("install-check: refused: %s: cannot be judged: %s", pkg->archive,
		       pkg->error[0] ? pkg->error : strerror(-err));
		add_json(c, pkg, NULL, "unreadable");
		c->refused++;
		return;
	}
	d = vb_install_deciding(pkg);
	if (!d) {
		if (!c->out && !strcmp(c->via, "cli"))
			printf("allowed: package %s %s (%s): %zu files, no rule matches\n",
			       pkg->pkg.name, pkg->pkg.version, pkg->archive, pkg->files);
		add_json(c, pkg, NULL, "allow");
		c->allowed++;
		return;
	}
	vb_install_describe(c->p, pkg, d, line, sizeof(line));
	if (d->rule->mode == VB_MODE_ENFORCE && !c->audit) {
		vb_err("install-check: refused: %s", line);
		add_json(c, pkg, d, "deny");
		c->refused++;
	} else {
		vb_warn("install-check: would refuse (audit): %s", line);
		add_json(c, pkg, d, "audit");
		c->audited++;
	}
	record(c, pkg, d);
}

static bool is_rpm_file(const char *path)
{
	static const unsigned char lead[4] = { 0xed, 0xab, 0xee, 0xdb };
	unsigned char magic[4];
	FILE *f = fopen(path, "re");
	bool rpm = f && fread(magic, 1, 4, f) == 4 && !memcmp(magic, lead, 4);

	if (f)
		fclose(f);
	return rpm;
}

static void check_rpm_set(struct install_check *c, const struct vb_rpm_set *set,
			  struct vb_install_pkg *pkg)
{
	for (size_t i = 0; i < set->n; i++)
		report(c, pkg, vb_install_check_rpm(c->p, &set->pkgs[i], pkg));
}

static void check_one(struct install_check *c, const char *archive)
{
	struct vb_install_pkg *pkg = malloc(sizeof(*pkg));
	struct vb_rpm_set set = {};
	int err;

	if (!pkg) {
		vb_err("install-check: out of memory");
		c->refused++;
		return;
	}
	/* The installer opens the file again after us: only root may be able to swap it. */
	if (strcmp(c->via, "cli") &&
	    (err = vb_install_path_safe(archive, pkg->error, sizeof(pkg->error)))) {
		memset(pkg, 0, offsetof(struct vb_install_pkg, error));
		snprintf(pkg->archive, sizeof(pkg->archive), "%s", archive);
		if (err == -EPERM)
			snprintf(pkg->error + strlen(pkg->error),
				 sizeof(pkg->error) - strlen(pkg->error),
				 ": it could be replaced after this check (install from a "
				 "directory only root can write)");
		report(c, pkg, err);
		free(pkg);
		return;
	}
	if (is_rpm_file(archive)) {
		memset(pkg, 0, sizeof(*pkg));
		snprintf(pkg->archive, sizeof(pkg->archive), "%s", archive);
		err = vb_rpm_read_file(archive, &set, pkg->error, sizeof(pkg->error));
		if (err)
			report(c, pkg, err);
		else
			check_rpm_set(c, &set, pkg);
		vb_rpm_set_free(&set);
	} else {
		report(c, pkg, vb_install_check_deb(c->p, archive, pkg));
	}
	free(pkg);
}

int do_install_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "apt-hook", no_argument, NULL, 'a' },
		{ "dpkg-hook", no_argument, NULL, 'd' },
		{ "rpm-hook", no_argument, NULL, 'r' },
		{ "audit", no_argument, NULL, 'A' },
		{ "spool", required_argument, NULL, 's' },
		{ "no-log", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct install_check c = { .via = "cli", .spool = VB_SPOOL_DIR };
	const char *policy = INSTALL_DEFAULT_POLICY, *action;
	struct vb_strv debs = {};
	struct vb_rpm_set rpms = {};
	struct vb_install_pkg *pkg = NULL;
	struct vb_diag diag = {};
	bool json = cli_json;
	char why[512];
	int opt, err, ret = 1;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+j", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			policy = optarg;
			break;
		case 'a':
			c.via = "apt";
			break;
		case 'd':
			c.via = "dpkg";
			break;
		case 'r':
			c.via = "rpm";
			break;
		case 'A':
			c.audit = true;
			break;
		case 's':
			c.spool = optarg;
			break;
		case 'n':
			c.spool = NULL;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(INSTALL_USAGE, stdout);
			return 0;
		default:
			vb_err("install-check: unknown option '%s'", argv[optind - 1]);
			fputs(INSTALL_USAGE, stderr);
			return 2;
		}
	}
	if (strcmp(c.via, "cli") ? optind < argc : optind >= argc) {
		vb_err("install-check: give package files, or one of --apt-hook, --dpkg-hook, "
		       "--rpm-hook");
		fputs(INSTALL_USAGE, stderr);
		return 2;
	}
	if (!strcmp(c.via, "dpkg")) {
		/* dpkg runs pre-invoke hooks for every action; only unpacking brings files in. */
		action = getenv("DPKG_HOOK_ACTION");
		if (!action || (strcmp(action, "install") && strcmp(action, "unpack")))
			return 0;
	}
	/* What is to be installed is read first: apt and rpm write it on a pipe and must not
	 * die of SIGPIPE when the policy turns out unreadable. */
	err = 0;
	why[0] = '\0';
	if (!strcmp(c.via, "apt"))
		err = vb_apt_hook_parse(stdin, &debs, why, sizeof(why));
	else if (!strcmp(c.via, "dpkg"))
		err = vb_dpkg_hook_archives(&debs, why, sizeof(why));
	else if (!strcmp(c.via, "rpm"))
		err = vb_rpm_hook_parse(stdin, &rpms, why, sizeof(why));
	for (int i = optind; !err && i < argc; i++)
		err = vb_strv_add(&debs, argv[i], strlen(argv[i]));
	if (err) {
		if (strcmp(c.via, "cli"))
			vb_err("install-check: refused: cannot tell which packages %s installs: %s",
			       c.via, why[0] ? why : strerror(-err));
		else
			vb_err("install-check: %s", strerror(-err));
		goto out;
	}
	err = vb_policy_load(policy, &c.p, &diag);
	if (err) {
		vb_diag_print(&diag, policy, stderr);
		vb_err("install-check: refused: no package can be judged without the policy %s "
		       "(fix it, or remove the hook: README, \"Keep out at install time\")", policy);
		goto out;
	}
	if (json)
		c.out = json_object_new_array();
	for (size_t i = 0; i < debs.n; i++)
		check_one(&c, debs.v[i]);
	if (rpms.n) {
		pkg = malloc(sizeof(*pkg));
		if (!pkg) {
			vb_err("install-check: out of memory");
			goto out;
		}
		check_rpm_set(&c, &rpms, pkg);
	}
	if (c.out)
		cli_json_print(c.out);
	if (c.refused && strcmp(c.via, "cli"))
		vb_err("install-check: %u of %zu packages refused: the whole %s run stops here, "
		       "before any package is unpacked or any of their scripts runs", c.refused,
		       debs.n + rpms.n, c.via);
	ret = c.refused ? 1 : 0;
out:
	json_object_put(c.out);
	free(pkg);
	vb_rpm_set_free(&rpms);
	vb_strv_free(&debs);
	vb_policy_free(c.p);
	vb_diag_free(&diag);
	return ret;
}
