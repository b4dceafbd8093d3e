// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_ima_file_hash() hashes through IMA, which takes its SHA-256 transform at boot, before
 * Debian's SIMD module (sha256_ssse3: SSSE3, AVX2, SHA-NI) is loaded: every file is hashed by
 * the generic C code, at twice the cost of the OpenSSL a user-space enforcer uses. IMA takes a
 * second transform, on first use, for files of at least ima.ahash_minsize bytes (0, the
 * default: never): with the module loaded and that parameter set, a large file is hashed by
 * the best driver the kernel has then. The same algorithm gives the same digest; IMA's own
 * measurements take the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libkmod.h>
#include "kernel/hashdrv.h"
#include "util/msg.h"

/* What the crypto API loads for "sha256": the CPU's module, as udev does at boot where the
 * kernel names it by CPU feature. Failing is no error: the generic code still hashes. */
static void load_sha256_module(void)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (!ctx)
		return;
	if (!kmod_module_new_from_lookup(ctx, "crypto-sha256", &list)) {
		kmod_list_foreach(l, list) {
			struct kmod_module *mod = kmod_module_get_module(l);
			int state = kmod_module_get_initstate(mod);

			if (state != KMOD_MODULE_BUILTIN && state != KMOD_MODULE_LIVE)
				kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
			kmod_module_unref(mod);
		}
		kmod_module_unref_list(list);
	}
	kmod_unref(ctx);
}

/* The "sha256" driver of the highest priority in /proc/crypto. */
static int best_sha256_driver(char *driver, size_t len)
{
	char line[256], name[64] = "", drv[64] = "";
	FILE *f = fopen("/proc/crypto", "re");
	long prio = -1, best = -1;

	if (!f)
		return -errno;
	driver[0] = 0;
	/* Blocks of "key : value" lines, a blank line after each. */
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v) {
			if (!strcmp(name, "sha256") && prio > best && drv[0]) {
				best = prio;
				snprintf(driver, len, "%s", drv);
			}
			name[0] = drv[0] = 0;
			prio = -1;
			continue;
		}
		v += 1 + strspn(v + 1, " ");
		v[strcspn(v, "\n")] = 0;
		if (!strncmp(line, "name ", 5))
			snprintf(name, sizeof(name), "%s", v);
		else if (!strncmp(line, "driver ", 7))
			snprintf(drv, sizeof(drv), "%s", v);
		else if (!strncmp(line, "priority ", 9))
			prio = strtol(v, NULL, 10);
	}
	fclose(f);
	return driver[0] ? 0 : -ENOENT;
}

int vb_kernel_fast_hash(char *driver, size_t len)
{
	char buf[32];
	unsigned long minsize;
	FILE *f;
	int err = 0;

	load_sha256_module();
	best_sha256_driver(driver, len);
	f = fopen(VB_IMA_AHASH_MINSIZE, "r+e");
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		err = -EIO;
	} else {
		minsize = strtoul(buf, NULL, 10);
		/* Someone chose a threshold: theirs stands. */
		if (!minsize) {
			rewind(f);
			if (fprintf(f, "%d\n", VB_AHASH_MINSIZE) < 0 || fflush(f))
				err = -errno;
		}
	}
	if (fclose(f) && !err)
		err = -errno;
	return err;
}
