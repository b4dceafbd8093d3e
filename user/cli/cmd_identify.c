// SPDX-License-Identifier: GPL-2.0
/* vendorban identify: what each file says about who made it, and what the policy makes of it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <linux/types.h>
#include "cli/cli.h"
#include "cli/opterr.h"
#include "util/msg.h"
#include "policy/policy.h"
#include "scan/scan.h"
#include "vendorban.h"
#include "identify/identify.h"
#include "identify/match.h"
#include "identify/pkgdb.h"
#include "identify/x509id.h"
#include "util/dangling.h"

#define IDENTIFY_DEFAULT_POLICY	"/etc/vendorban/vendorban.policy"
#define IDENTIFY_MATCHES_MAX	(2 + VB_MATCHES_MAX)	/* hash, path, identities */
#define IDENTIFY_USAGE \
	"usage: vendorban [--json] identify [--policy FILE] [--root DIR] FILE...\n" \
	"  show the evidence of who made each FILE (hash, signatures, package, module, ELF)\n" \
	"  and the policy's verdict on it, with the rule that decides\n" \
	"  --policy FILE  the policy to apply (default " IDENTIFY_DEFAULT_POLICY ");\n" \
	"                 without a readable one the evidence is shown, the verdict unknown\n" \
	"  --root DIR     treat DIR as / (a mounted image): FILEs, symlinks, packages and path\n" \
	"                 rules are resolved under it\n" \
	"  exit: 0 every FILE was read, 1 some FILE could not be read, 2 usage error\n"

struct identify {
	const struct vb_policy *p;	/* NULL: verdicts unknown */
	const char *policy_file;
	char policy_error[512];
	int root_fd;			/* -1: the real root */
	char *root_real;		/* the root's real path, to strip from resolved paths */
	struct vb_pkgdb *db;		/* NULL: no package database under the root */
	struct vb_evidence *ev;
	struct json_object *out;	/* the array --json prints */
};

struct rule_match {
	const struct vb_rule *rule;
	const char *how;		/* "sha256", "path", "path prefix", or the identity's */
	int signer;			/* index into ev->signers; -1 for none */
};

static void sha_hex(const uint8_t *b, char out[65])
{
	vb_hex(b, 32, out);
}

/*
 * Open file as the policy sees it: under the root with symlinks resolved inside it (an
 * image's absolute links point into the image), and its real path as seen from the root in
 * shown: what path rules and package databases are matched on. fd or -errno.
 */
static int open_file(const struct identify *c, const char *file, char *shown, size_t len)
{
	const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct open_how how = { .flags = flags, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	char proc[64], real[PATH_MAX];
	size_t root_len;
	ssize_t n;
	int fd;

	if (c->root_fd < 0) {
		char *r = realpath(file, NULL);

		if (!r)
			return -errno;
		fd = open(r, flags);
		if (fd >= 0 && snprintf(shown, len, "%s", r) >= (int)len) {
			close(fd);
			fd = -1;
			errno = ENAMETOOLONG;
		}
		free(r);
		return fd < 0 ? -errno : fd;
	}
	fd = syscall(SYS_openat2, c->root_fd, file, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	/* The resolved path, from the kernel: the host's path of the file under the root. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, real, sizeof(real) - 1);
	root_len = strlen(c->root_real);
	if (n > 0) {
		real[n] = '\0';
		if (!strncmp(real, c->root_real, root_len) && real[root_len] == '/') {
			snprintf(shown, len, "%s", real + root_len);
			return fd;
		}
	}
	/* No /proc: the path as given, made absolute. */
	snprintf(shown, len, "%s%s", file[0] == '/' ? "" : "/", file);
	return fd;
}

/* Every rule the file matches: its content hash, its path, then its identities. */
static size_t match_rules(const struct identify *c, const char *shown, struct rule_match *out)
{
	struct vb_id_match im[VB_MATCHES_MAX];
	const struct vb_rule *r;
	size_t n = 0, k;

	r = vb_policy_hash_rule(c->p, c->ev->sha256);
	if (r)
		out[n++] = (struct rule_match){ r, "sha256", -1 };
	r = vb_policy_path_rule(c->p, shown);
	if (r)
		out[n++] = (struct rule_match){ r, strcmp(r->path, shown) ? "path prefix" : "path",
						-1 };
	k = vb_match_evidence(c->p, c->ev, im, VB_MATCHES_MAX);
	for (size_t i = 0; i < k; i++)
		out[n++] = (struct rule_match){ im[i].rule, im[i].how,
						im[i].signer ? (int)(im[i].signer - c->ev->signers) :
							       -1 };
	return n;
}

/* As the kernel decides: any rule in enforce mode denies; else any match is audited. The
 * rule that decides is the first in enforce mode, else the first. */
static const struct rule_match *deciding(const struct rule_match *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].rule->mode == VB_MODE_ENFORCE)
			return &m[i];
	return n ? &m[0] : NULL;
}

static const char *verdict_name(const struct rule_match *d)
{
	if (!d)
		return "allow";
	return d->rule->mode == VB_MODE_ENFORCE ? "deny" : "audit";
}

static void describe_match(const struct identify *c, const struct rule_match *m, char *buf,
			   size_t len)
{
	const struct vb_vendor *v = vb_rule_vendor(c->p, m->rule);
	const char *kind = vb_rule_kind_name(m->rule->kind);
	/* "path prefix", "package name", "module name" say their kind already. */
	bool says_kind = !strncmp(m->how, kind, strlen(kind));

	snprintf(buf, len, "rule %s (vendor %s \"%s\", %s:%u, %s), %s%s%s", m->rule->id, v->id,
		 v->name, c->p->file, m->rule->line, vb_mode_name(m->rule->mode),
		 says_kind ? "" : kind, says_kind ? "" : " ", m->how);
}

static void print_text(const struct identify *c, const char *file, const char *shown,
		       const struct stat *st, const struct rule_match *m, size_t n)
{
	const struct vb_evidence *ev = c->ev;
	const struct rule_match *d = deciding(m, n);
	char hex[65], line[8192];

	printf("%s\n", file);
	if (strcmp(file, shown))
		printf("  %-12s %s\n", "path:", shown);
	printf("  %-12s %lld bytes\n", "size:", (long long)st->st_size);
	sha_hex(ev->sha256, hex);
	printf("  %-12s %s\n", "sha256:", hex);
	if (ev->compression[0])
		printf("  %-12s %s\n", "compressed:", ev->compression);
	if (!ev->n_signers)
		printf("  %-12s none\n", "signature:");
	for (size_t i = 0; i < ev->n_signers; i++) {
		const struct vb_signer *s = &ev->signers[i];

		if (s->chain_depth)
			printf("  %-12s %s, chain certificate %u\n", "certificate:",
			       vb_sig_format_name(s->format), s->chain_depth);
		else
			printf("  %-12s %s\n", "signature:", vb_sig_format_name(s->format));
		printf("    %-12s %s\n", "issuer:", s->issuer[0] ? s->issuer : "-");
		printf("    %-12s %s\n", "serial:", s->serial[0] ? s->serial : "-");
		printf("    %-12s %s\n", "skid:", s->skid[0] ? s->skid : "-");
		printf("    %-12s %s\n", "subject:", s->subject[0] ? s->subject :
						    "- (not in the signature)");
		printf("    %-12s %s\n", "hash:", s->hash_algo[0] ? s->hash_algo : "-");
		if (s->has_tbs)
			sha_hex(s->tbs_sha256, hex);
		printf("    %-12s %s\n", "tbs:", s->has_tbs ? hex : "-");
	}
	if (ev->signers_dropped)
		printf("  %-12s %zu more not shown\n", "signatures:", ev->signers_dropped);
	if (ev->package.manager[0]) {
		const struct vb_package *p = &ev->package;

		printf("  %-12s %s %s %s\n", "package:", p->manager, p->name, p->version);
		if (p->maintainer[0])
			printf("    %-12s %s\n", "maintainer:", p->maintainer);
		if (p->vendor[0])
			printf("    %-12s %s\n", "vendor:", p->vendor);
		if (p->key_id[0])
			printf("    %-12s %s\n", "key:", p->key_id);
		if (p->diversion[0])
			printf("    %-12s %s\n", "diversion:", p->diversion);
	} else {
		printf("  %-12s none\n", "package:");
	}
	if (ev->modinfo.present) {
		printf("  %-12s %s\n", "module:", ev->modinfo.name[0] ? ev->modinfo.name : "-");
		if (ev->modinfo.author[0])
			printf("    %-12s %s\n", "author:", ev->modinfo.author);
		if (ev->modinfo.description[0])
			printf("    %-12s %s\n", "description:", ev->modinfo.description);
	}
	if (ev->elf.present)
		printf("  %-12s build-id %s%s%s\n", "elf:",
		       ev->elf.build_id[0] ? ev->elf.build_id : "-",
		       ev->elf.interp[0] ? ", interpreter " : "", ev->elf.interp);
	if (ev->error[0])
		printf("  %-12s %s\n", "malformed:", ev->error);
	if (!c->p) {
		printf("  %-12s unknown (%s)\n", "verdict:", c->policy_error);
		return;
	}
	if (!d) {
		printf("  %-12s allow (no rule of %s matches)\n", "verdict:", c->p->file);
		return;
	}
	describe_match(c, d, line, sizeof(line));
	printf("  %-12s %s by %s\n", "verdict:", verdict_name(d), line);
	for (size_t i = 0; i < n; i++) {
		if (&m[i] == d)
			continue;
		describe_match(c, &m[i], line, sizeof(line));
		printf("  %-12s %s\n", "also:", line);
	}
}

static struct json_object *str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

static struct json_object *signer_json(const struct vb_signer *s)
{
	struct json_object *o = json_object_new_object();
	char hex[65];

	json_object_object_add(o, "format", json_object_new_string(vb_sig_format_name(s->format)));
	json_object_object_add(o, "chain_depth", json_object_new_int(s->chain_depth));
	json_object_object_add(o, "issuer", str_or_null(s->issuer));
	json_object_object_add(o, "serial", str_or_null(s->serial));
	json_object_object_add(o, "skid", str_or_null(s->skid));
	json_object_object_add(o, "subject", str_or_null(s->subject));
	json_object_object_add(o, "hash", str_or_null(s->hash_algo));
	if (s->has_tbs)
		sha_hex(s->tbs_sha256, hex);
	json_object_object_add(o, "tbs_sha256", s->has_tbs ? json_object_new_string(hex) : NULL);
	return o;
}

static struct json_object *package_json(const struct vb_package *p)
{
	struct json_object *o;

	if (!p->manager[0])
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "manager", json_object_new_string(p->manager));
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "version", str_or_null(p->version));
	json_object_object_add(o, "maintainer", str_or_null(p->maintainer));
	json_object_object_add(o, "vendor", str_or_null(p->vendor));
	json_object_object_add(o, "key_id", str_or_null(p->key_id));
	json_object_object_add(o, "diversion", str_or_null(p->diversion));
	return o;
}

static struct json_object *module_json(const struct vb_modinfo *m)
{
	struct json_object *o;

	if (!m->present)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "name", str_or_null(m->name));
	json_object_object_add(o, "author", str_or_null(m->author));
	json_object_object_add(o, "description", str_or_null(m->description));
	json_object_object_add(o, "license", str_or_null(m->license));
	json_object_object_add(o, "vermagic", str_or_null(m->vermagic));
	return o;
}

static struct json_object *elf_json(const struct vb_elfinfo *e)
{
	struct json_object *o;

	if (!e->present)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "build_id", str_or_null(e->build_id));
	json_object_object_add(o, "interp", str_or_null(e->interp));
	json_object_object_add(o, "machine", json_object_new_int(e->machine));
	json_object_object_add(o, "type", json_object_new_int(e->type));
	return o;
}

static struct json_object *match_json(const struct identify *c, const struct rule_match *m)
{
	const struct vb_vendor *v = vb_rule_vendor(c->p, m->rule);
	struct json_object *o = json_object_new_object();
	char buf[8192];

	json_object_object_add(o, "id", json_object_new_string(m->rule->id));
	json_object_object_add(o, "kind", json_object_new_string(vb_rule_kind_name(m->rule->kind)));
	vb_rule_describe(m->rule, buf, sizeof(buf));
	json_object_object_add(o, "value", json_object_new_string(buf));
	json_object_object_add(o, "vendor", json_object_new_string(v->id));
	json_object_object_add(o, "vendor_name", json_object_new_string(v->name));
	json_object_object_add(o, "mode", json_object_new_string(vb_mode_name(m->rule->mode)));
	snprintf(buf, sizeof(buf), "%s:%u", c->p->file, m->rule->line);
	json_object_object_add(o, "source", json_object_new_string(buf));
	json_object_object_add(o, "how", json_object_new_string(m->how));
	json_object_object_add(o, "signature", m->signer >= 0 ? json_object_new_int(m->signer) :
								NULL);
	return o;
}

static struct json_object *file_json(const struct identify *c, const char *file,
				     const char *shown, const struct stat *st,
				     const struct rule_match *m, size_t n)
{
	const struct vb_evidence *ev = c->ev;
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	const struct rule_match *d = deciding(m, n);
	char hex[65];

	json_object_object_add(o, "path", json_object_new_string(file));
	json_object_object_add(o, "real_path", json_object_new_string(shown));
	json_object_object_add(o, "size", json_object_new_int64(st->st_size));
	sha_hex(ev->sha256, hex);
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	json_object_object_add(o, "compression", str_or_null(ev->compression));
	for (size_t i = 0; i < ev->n_signers; i++)
		json_object_array_add(a, signer_json(&ev->signers[i]));
	json_object_object_add(o, "signatures", a);
	json_object_object_add(o, "signatures_dropped",
			       json_object_new_uint64(ev->signers_dropped));
	json_object_object_add(o, "package", package_json(&ev->package));
	json_object_object_add(o, "module", module_json(&ev->modinfo));
	json_object_object_add(o, "elf", elf_json(&ev->elf));
	json_object_object_add(o, "malformed", str_or_null(ev->error));
	if (!c->p) {
		json_object_object_add(o, "verdict", NULL);
		json_object_object_add(o, "policy_error",
				       json_object_new_string(c->policy_error));
		return o;
	}
	json_object_object_add(o, "verdict", json_object_new_string(verdict_name(d)));
	json_object_object_add(o, "policy", json_object_new_string(c->p->file));
	json_object_object_add(o, "rule", d ? match_json(c, d) : NULL);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, match_json(c, &m[i]));
	json_object_object_add(o, "matches", a);
	return o;
}

/* One FILE: its evidence and verdict printed, 0; or -errno when it could not be read. */
static int identify_one(struct identify *c, const char *file)
{
	struct rule_match m[IDENTIFY_MATCHES_MAX];
	char shown[PATH_MAX];
	struct stat st;
	size_t n = 0;
	int fd, err;

	fd = open_file(c, file, shown, sizeof(shown));
	if (fd < 0)
		return fd;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else
		err = vb_identify_fd(fd, shown, c->db, VB_ID_ALL, c->ev);
	close(fd);
	if (err)
		return err;
	if (c->p)
		n = match_rules(c, shown, m);
	if (c->out)
		json_object_array_add(c->out, file_json(c, file, shown, &st, m, n));
	else
		print_text(c, file, shown, &st, m, n);
	return 0;
}

/* A FILE that is a symbolic link pointing nowhere: say where it points. Inside --root, an
 * absolute FILE is looked up relative to the root. */
static bool dangling(const struct identify *c, const char *file, char *why, size_t len)
{
	char target[PATH_MAX];
	int dirfd = c->root_fd >= 0 ? c->root_fd : AT_FDCWD;

	while (c->root_fd >= 0 && *file == '/')
		file++;
	if (!*file || !vb_link_target(dirfd, file, target, sizeof(target)))
		return false;
	snprintf(why, len, "dangling symbolic link to '%s', which does not exist", target);
	return true;
}

static void load_policy(struct identify *c, struct vb_policy **p, struct vb_diag *diag)
{
	int err = vb_policy_load(c->policy_file, p, diag);

	if (!err) {
		c->p = *p;
		return;
	}
	if (diag->n)
		snprintf(c->policy_error, sizeof(c->policy_error), "%s%s", diag->msgs[0],
			 diag->n_errors > 1 ? " (and more: vendorban policy check shows all)" : "");
	else
		snprintf(c->policy_error, sizeof(c->policy_error), "%s: %s", c->policy_file,
			 strerror(-err));
	vb_warn("no verdicts: %s", c->policy_error);
}

static int open_root(struct identify *c, const char *root)
{
	int err;

	c->root_fd = -1;
	if (!root || !strcmp(root, "/"))
		return 0;
	c->root_real = realpath(root, NULL);
	if (!c->root_real) {
		vb_err("identify: --root %s: %s", root, strerror(errno));
		return -errno;
	}
	c->root_fd = open(c->root_real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0) {
		err = -errno;
		vb_err("identify: --root %s: %s", root, strerror(-err));
		return err;
	}
	return 0;
}

int do_identify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct identify c = { .policy_file = IDENTIFY_DEFAULT_POLICY, .root_fd = -1 };
	const char *root = NULL;
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};
	bool json = cli_json;
	char why[PATH_MAX + 64];
	int opt, err, ret = 2;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:j", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			c.policy_file = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(IDENTIFY_USAGE, stdout);
			return 0;
		default:
			cli_option_error("identify", opt, argv);
			fputs(IDENTIFY_USAGE, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		vb_err("identify: no FILE to identify");
		fputs(IDENTIFY_USAGE, stderr);
		return 2;
	}
	if (open_root(&c, root))
		goto out;
	c.ev = malloc(sizeof(*c.ev));
	if (!c.ev || (json && !(c.out = json_object_new_array()))) {
		vb_err("identify: out of memory");
		goto out;
	}
	err = vb_pkgdb_open(c.root_real, &c.db);
	/* No package database under the root: nothing is owned, not an error. */
	if (err && err != -ENOENT)
		vb_warn("package databases under %s: %s: package owners unknown",
			c.root_real ? c.root_real : "/", strerror(-err));
	load_policy(&c, &p, &diag);

	ret = 0;
	for (int i = optind; i < argc; i++) {
		err = identify_one(&c, argv[i]);
		if (err == -ENOMEM) {
			vb_err("identify: out of memory");
			ret = 2;
			break;
		}
		if (err == -ENOENT && dangling(&c, argv[i], why, sizeof(why))) {
			vb_err("identify: %s: %s", argv[i], why);
		} else if (err) {
			snprintf(why, sizeof(why), "%s",
				 err == -EINVAL ? "not a regular file" : strerror(-err));
			vb_err("identify: %s: %s", argv[i], why);
		}
		if (err) {
			ret = 1;
			if (c.out) {
				struct json_object *o = json_object_new_object();

				json_object_object_add(o, "path", json_object_new_string(argv[i]));
				json_object_object_add(o, "error", json_object_new_string(why));
				json_object_array_add(c.out, o);
			}
		} else if (!c.out && i + 1 < argc) {
			putchar('\n');
		}
	}
	if (c.out)
		cli_json_print(c.out);
out:
	json_object_put(c.out);
	free(c.ev);
	vb_pkgdb_close(c.db);
	if (c.root_fd >= 0)
		close(c.root_fd);
	free(c.root_real);
	vb_policy_free(p);
	vb_diag_free(&diag);
	return ret;
}
