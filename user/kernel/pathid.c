// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel/pathid.h"
#include "util/msg.h"
#include "util/mountinfo.h"

#define MOUNTINFO	"/proc/self/mountinfo"

static int add(struct vb_pathids *out, int fd, size_t idx, const struct vb_rule *r,
	       const char *path)
{
	struct vb_pathid *ids = realloc(out->ids, (out->n + 1) * sizeof(*ids));

	if (!ids)
		return -ENOMEM;
	out->ids = ids;
	ids[out->n] = (struct vb_pathid){ .fd = fd, .rule_idx = idx, .mode = r->mode };
	ids[out->n].path = strdup(path);
	if (!ids[out->n].path)
		return -ENOMEM;
	out->n++;
	return 0;
}

/* Filesystems mounted beneath dir ("/opt/x/"): a file on one of them never has dir among its
 * dentry's ancestors, only the mount's root; and that filesystem may be mounted again elsewhere
 * (or in another namespace), where only its root's identity names it. */
static int add_mounts_beneath(struct vb_pathids *out, size_t idx, const struct vb_rule *r)
{
	size_t dlen = strlen(r->path), cap = 0;
	char *line = NULL;
	FILE *f;
	int err = 0;

	f = fopen(MOUNTINFO, "re");
	if (!f)
		return 0;	/* no /proc: the rule is still matched by its own identity */
	while (!err && getline(&line, &cap, f) > 0) {
		char mnt[4096];
		int fd;

		/* id parent major:minor root MOUNTPOINT ... */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		vb_mountinfo_unescape(mnt);
		if (strncmp(mnt, r->path, dlen) || !mnt[dlen])
			continue;
		fd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* over-mounted or gone since mountinfo was read */
		err = add(out, fd, idx, r, mnt);
		if (err)
			close(fd);
	}
	free(line);
	fclose(f);
	return err;
}

int vb_pathids_open(const struct vb_policy *p, struct vb_pathids *out)
{
	int err = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; !err && i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];
		bool dir;
		int fd;

		if (r->kind != VB_RULE_PATH)
			continue;
		dir = r->path[strlen(r->path) - 1] == '/';
		/* O_NOFOLLOW: a rule naming a symlink bans the link, never what it points to (a
		 * link to /bin/sh must not ban the shell). */
		fd = open(r->path, O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : O_NOFOLLOW));
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
				err = -errno;
				vb_err("cannot open path rule %s (%s): %s", r->id, r->path,
				       strerror(-err));
				break;
			}
			out->n_missing++;
			continue;
		}
		err = add(out, fd, i, r, r->path);
		if (err) {
			close(fd);
			break;
		}
		if (dir)
			err = add_mounts_beneath(out, i, r);
	}
	if (err)
		vb_pathids_close(out);
	return err;
}

void vb_pathids_close(struct vb_pathids *ids)
{
	for (size_t i = 0; i < ids->n; i++) {
		close(ids->ids[i].fd);
		free(ids->ids[i].path);
	}
	free(ids->ids);
	memset(ids, 0, sizeof(*ids));
}
