// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libkmod.h>
#include "identify/match.h"
#include "util/grow.h"
#include "sweep/modules.h"
#include "util/hex.h"
#include "vendorban.h"

#define NOTE_MAX	1024	/* /sys/module/NAME/notes/.note.gnu.build-id */
#define NT_GNU_BUILD_ID	3

static void read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (fd >= 0)
		close(fd);
}

/* The loaded module's GNU build-id as hex, or "" (an ELF note: namesz descsz type name desc). */
static void loaded_build_id(const char *name, char *hex, size_t len)
{
	unsigned char buf[NOTE_MAX];
	uint32_t hdr[3];
	char path[128];
	ssize_t n;
	size_t off, name_len;
	int fd;

	hex[0] = 0;
	snprintf(path, sizeof(path), "/sys/module/%s/notes/.note.gnu.build-id", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (off = 0; n > 0 && off + sizeof(hdr) <= (size_t)n;) {
		memcpy(hdr, buf + off, sizeof(hdr));
		name_len = (hdr[0] + 3) & ~3u;
		if (hdr[0] > NOTE_MAX || hdr[1] > NOTE_MAX ||
		    off + sizeof(hdr) + name_len + hdr[1] > (size_t)n)
			return;
		if (hdr[2] == NT_GNU_BUILD_ID && hdr[0] == 4 &&
		    !memcmp(buf + off + sizeof(hdr), "GNU", 4) && 2 * hdr[1] < len) {
			vb_hex(buf + off + sizeof(hdr) + name_len, hdr[1], hex);
			return;
		}
		off += sizeof(hdr) + name_len + ((hdr[1] + 3) & ~3u);
	}
}

/* A module rule naming what the kernel calls it, whatever file it came from. */
static int judge_name(struct vb_judge *j, const char *name, struct vb_judgement *out)
{
	struct vb_evidence *ev = calloc(1, sizeof(*ev));
	struct vb_id_match im;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!ev)
		return -ENOMEM;
	ev->modinfo.present = true;
	snprintf(ev->modinfo.name, sizeof(ev->modinfo.name), "%s", name);
	if (vb_match_evidence(j->p, ev, &im, 1)) {
		out->rule = im.rule;
		out->match = vb_rule_kind_name(im.rule->kind);
		ret = asprintf(&out->evidence, "loaded as %s", name) < 0 ? -ENOMEM : 1;
	}
	free(ev);
	return ret;
}

static int judge_file(struct vb_judge *j, struct vb_modules *out, const char *path,
		      struct vb_judgement *jm)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), ret;

	memset(jm, 0, sizeof(*jm));
	if (fd < 0) {
		ret = -errno;
	} else {
		ret = vb_judge_fd(j, fd, path, jm);
		close(fd);
	}
	if (ret < 0 && ret != -ENOMEM && !out->unreadable++)
		snprintf(out->first_unreadable, sizeof(out->first_unreadable), "%s: %s", path,
			 strerror(-ret));
	return ret == -ENOMEM ? ret : ret > 0;
}

static int add_finding(struct vb_modules *out, struct vb_module_finding *f)
{
	if (vb_grow_array((void **)&out->f, &out->cap, out->n, sizeof(*out->f)))
		return -ENOMEM;
	out->f[out->n++] = *f;
	return 0;
}

static void holders(struct kmod_module *mod, char *buf, size_t len)
{
	struct kmod_list *list = kmod_module_get_holders(mod), *l;
	size_t used = 0;

	buf[0] = 0;
	kmod_list_foreach(l, list) {
		struct kmod_module *h = kmod_module_get_module(l);
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
				 kmod_module_get_name(h));

		if (n > 0 && (size_t)n < len - used)
			used += n;
		kmod_module_unref(h);
	}
	kmod_module_unref_list(list);
}

static int sweep_module(struct vb_judge *j, struct kmod_module *mod, struct vb_modules *out)
{
	struct vb_module_finding f = {};
	struct vb_judgement by_file = {}, by_name = {};
	const char *name = kmod_module_get_name(mod), *path = kmod_module_get_path(mod);
	int file_hit = 0, name_hit, ret = 0;
	char path_buf[128], loaded_id[2 * VB_KEYID_MAX];

	out->seen++;
	snprintf(f.name, sizeof(f.name), "%s", name);
	if (path && path[0] == '/') {
		snprintf(f.file, sizeof(f.file), "%s", path);
		file_hit = judge_file(j, out, path, &by_file);
		if (file_hit < 0)
			return file_hit;
	}
	name_hit = judge_name(j, name, &by_name);
	if (name_hit < 0) {
		free(by_file.evidence);
		return name_hit;
	}
	if (!file_hit && !name_hit)
		goto out;
	/* The file decides when it matched in enforce mode, or when the name did not. */
	if (file_hit && (!name_hit || by_file.rule->mode == VB_MODE_ENFORCE ||
			 by_name.rule->mode != VB_MODE_ENFORCE)) {
		f.j = by_file;
		by_file.evidence = NULL;
	} else {
		f.j = by_name;
		by_name.evidence = NULL;
		memcpy(f.j.build_id, by_file.build_id, sizeof(f.j.build_id));
		memcpy(f.j.sha256, by_file.sha256, sizeof(f.j.sha256));
	}
	if (f.file[0]) {
		loaded_build_id(name, loaded_id, sizeof(loaded_id));
		if (!loaded_id[0] || !by_file.build_id[0])
			f.file_state = VB_MODFILE_UNCHECKED;
		else
			f.file_state = strcmp(loaded_id, by_file.build_id) ? VB_MODFILE_DIFFERS :
									       VB_MODFILE_SAME;
	}
	snprintf(path_buf, sizeof(path_buf), "/sys/module/%s/taint", name);
	read_small(path_buf, f.taint, sizeof(f.taint));
	f.refcnt = kmod_module_get_refcnt(mod);
	holders(mod, f.holders, sizeof(f.holders));
	ret = add_finding(out, &f);
	if (ret)
		free(f.j.evidence);
out:
	free(by_file.evidence);
	free(by_name.evidence);
	return ret;
}

int vb_modules_sweep(struct vb_judge *j, struct vb_modules *out)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	int ret;

	memset(out, 0, sizeof(*out));
	if (access("/proc/modules", F_OK)) {
		out->unsupported = true;
		return 0;
	}
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_loaded(ctx, &list);
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (!ret)
			ret = sweep_module(j, mod, out);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return ret;
}

void vb_modules_free(struct vb_modules *out)
{
	for (size_t i = 0; i < out->n; i++)
		free(out->f[i].j.evidence);
	free(out->f);
	memset(out, 0, sizeof(*out));
}

void vb_module_remedy(const struct vb_module_finding *f, char *buf, size_t len)
{
	if (f->holders[0])
		snprintf(buf, len, "%s -r %s (used by %s: remove those first)",
			 f->file[0] ? "modprobe" : "rmmod", f->name, f->holders);
	else if (f->file[0])
		snprintf(buf, len, "modprobe -r %s", f->name);
	else
		snprintf(buf, len, "rmmod %s", f->name);
}

static const char *file_state_name(enum vb_module_file s)
{
	switch (s) {
	case VB_MODFILE_SAME:
		return "same";
	case VB_MODFILE_DIFFERS:
		return "differs";
	case VB_MODFILE_UNCHECKED:
		return "unchecked";
	default:
		return NULL;
	}
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v && *v ? json_object_new_string(v) : NULL);
}

struct json_object *vb_module_finding_json(const struct vb_policy *p,
					   const struct vb_module_finding *f)
{
	struct json_object *o = json_object_new_object(), *m = json_object_new_object();
	const struct vb_vendor *v = vb_rule_vendor(p, f->j.rule);
	char buf[PATH_MAX + 256];

	if (!o || !m) {
		json_object_put(o);
		json_object_put(m);
		return NULL;
	}
	add_str(m, "name", f->name);
	add_str(m, "file", f->file);
	/* Whether that file is what is loaded: "same" (build-id), "differs", "unchecked". */
	add_str(m, "file_vs_loaded", file_state_name(f->file_state));
	add_str(m, "taint", f->taint);
	json_object_object_add(m, "refcnt", json_object_new_int(f->refcnt));
	add_str(m, "held_by", f->holders);
	json_object_object_add(o, "module", m);
	if (f->file[0]) {
		vb_hex(f->j.sha256, 32, buf);
		add_str(o, "sha256", buf);
	}
	add_str(o, "match", f->j.match);
	add_str(o, "evidence", f->j.evidence);
	add_str(o, "vendor", v ? v->id : NULL);
	add_str(o, "vendor_name", v ? v->name : NULL);
	add_str(o, "rule", f->j.rule->id);
	vb_rule_source(p, f->j.rule, buf, sizeof(buf));
	add_str(o, "rule_source", buf);
	add_str(o, "mode", vb_mode_name(f->j.rule->mode));
	vb_module_remedy(f, buf, sizeof(buf));
	add_str(o, "remove", buf);
	return o;
}
