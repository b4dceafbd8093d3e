// SPDX-License-Identifier: GPL-2.0
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "install/record.h"
#include "log/logtime.h"
#include "util/hex.h"
#include <linux/types.h>
#include "vendorban.h"

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && v[0] ? json_object_new_string(v) : NULL);
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

struct json_object *vb_install_record(const struct vb_policy *p, const struct vb_install_pkg *pkg,
				      const struct vb_install_hit *d, const char *via)
{
	const struct vb_vendor *v = vb_rule_vendor(p, d->rule);
	bool enforce = d->rule->mode == VB_MODE_ENFORCE;
	struct json_object *o = json_object_new_object();
	char buf[VB_TIME_LEN + 4096], host[256] = "";
	struct passwd *pw;

	if (!o)
		return NULL;
	vb_time_format(vb_time_now_us(), buf, sizeof(buf));
	add_str(o, "time", buf);
	gethostname(host, sizeof(host) - 1);
	add_str(o, "host", host);
	add_str(o, "action", enforce ? "deny" : "would-deny");
	add_str(o, "mode", vb_mode_name(d->rule->mode));
	add_str(o, "operation", "install");
	add_str(o, "via", via);
	add_str(o, "manager", pkg->pkg.manager);
	add_str(o, "package", pkg->pkg.name);
	add_str(o, "version", pkg->pkg.version);
	add_str(o, "architecture", pkg->arch);
	add_str(o, "archive", pkg->archive);
	add_str(o, "file", d->file);
	if (d->has_sha256)
		vb_hex(d->sha256, 32, buf);
	add_str(o, "sha256", d->has_sha256 ? buf : NULL);
	add_str(o, "match", d->how);
	add_str(o, "vendor", v->id);
	add_str(o, "vendor_name", v->name);
	add_str(o, "rule", d->rule->id);
	snprintf(buf, sizeof(buf), "%s:%u", p->file, d->rule->line);
	add_str(o, "rule_source", buf);
	json_object_object_add(o, "policy_version", json_object_new_uint64(p->version));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "ppid", json_object_new_int(getppid()));
	json_object_object_add(o, "uid", json_object_new_int(getuid()));
	pw = getpwuid(getuid());
	add_str(o, "user", pw ? pw->pw_name : NULL);
	comm_of(getppid(), buf, sizeof(buf));
	add_str(o, "parent_comm", buf);
	return o;
}

/* A package's own text shown on a terminal: its control bytes cannot move the cursor. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			n += snprintf(buf + n, len - n, "\\x%02x", c);
		else
			buf[n++] = c;
	}
	buf[n] = '\0';
	return buf;
}

void vb_install_describe(const struct vb_policy *p, const struct vb_install_pkg *pkg,
			 const struct vb_install_hit *d, char *buf, size_t len)
{
	const struct vb_vendor *v = vb_rule_vendor(p, d->rule);
	char rule[1024], name[VB_FIELD_MAX * 4], version[VB_FIELD_MAX * 4], file[VB_FIELD_MAX * 4];
	char archive[1024];

	vb_rule_describe(d->rule, rule, sizeof(rule));
	snprintf(buf, len, "package %s %s (%s): vendor %s \"%s\", rule %s (%s:%u: %s), matched by "
		 "%s %s%s", shown(pkg->pkg.name, name, sizeof(name)),
		 pkg->pkg.version[0] ? shown(pkg->pkg.version, version, sizeof(version)) : "-",
		 shown(pkg->archive, archive, sizeof(archive)), v->id, v->name, d->rule->id, p->file,
		 d->rule->line, rule, d->how, d->file[0] ? "of " : !strcmp(pkg->pkg.manager, "rpm") ?
		 "in its header" : "in its control fields", shown(d->file, file, sizeof(file)));
}
