// SPDX-License-Identifier: GPL-2.0
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "log/pathview.h"
#include "kernel/facts.h"
#include "policy/policy.h"

#define WALK_FDS	16

struct pathview_entry {
	__u32 dev;
	__u64 ino;
	char dir[VB_RULE_PATH_MAX + 1];
	char path[PATH_MAX];
};

static struct pathview_entry cache[VB_PATHVIEW_CACHE];
static unsigned int cache_next;

/* nftw has no context pointer. */
static struct {
	__u32 dev;
	__u64 ino;
	unsigned int seen;
	char found[PATH_MAX];
} walk;

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	if (++walk.seen > VB_PATHVIEW_WALK_MAX)
		return FTW_STOP;
	if (type == FTW_F && vb_kdev(sb->st_dev) == walk.dev && sb->st_ino == walk.ino) {
		snprintf(walk.found, sizeof(walk.found), "%s", path);
		return FTW_STOP;
	}
	return FTW_CONTINUE;
}

const char *vb_pathview_find(const char *dir, __u32 dev, __u64 ino)
{
	struct pathview_entry *e;
	struct stat st;

	for (unsigned int i = 0; i < VB_PATHVIEW_CACHE; i++)
		if (cache[i].path[0] && cache[i].dev == dev && cache[i].ino == ino &&
		    !strcmp(cache[i].dir, dir))
			return cache[i].path;
	walk.found[0] = 0;
	if (dir[0] && dir[strlen(dir) - 1] != '/') {
		/* A rule naming one file: it is that file, if it still is. */
		if (!lstat(dir, &st) && vb_kdev(st.st_dev) == dev && st.st_ino == ino)
			snprintf(walk.found, sizeof(walk.found), "%s", dir);
	} else {
		walk.dev = dev;
		walk.ino = ino;
		walk.seen = 0;
		nftw(dir, visit, WALK_FDS, FTW_PHYS | FTW_ACTIONRETVAL);
	}
	if (!walk.found[0])
		return NULL;
	e = &cache[cache_next++ % VB_PATHVIEW_CACHE];
	e->dev = dev;
	e->ino = ino;
	snprintf(e->dir, sizeof(e->dir), "%s", dir);
	snprintf(e->path, sizeof(e->path), "%s", walk.found);
	return e->path;
}
