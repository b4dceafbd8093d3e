// SPDX-License-Identifier: GPL-2.0
/*
 * vendorban's rpm transaction plugin: before any scriptlet of a transaction runs (%pretrans
 * included: rpm calls tsm_pre first), tell `vendorban install-check --rpm-hook` what every
 * package to be installed is (its header's name, version, Vendor, Packager, signing key, and
 * each regular file's path and SHA-256 digest, which rpm checks the unpacked content against)
 * and fail the transaction unless it exits 0. The policy is judged there, not in rpm's
 * process: this file links nothing of vendorban. The stream: user/install/rpmhook.h.
 *
 * Enabled by macros.vendorban: %__transaction_vendorban is the plugin's path, and whatever
 * follows it there is the command to run (rpm hands it over as the plugin's options).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rpm/header.h>
#include <rpm/rpmfiles.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmte.h>
#include <rpm/rpmts.h>
#include <rpm/rpmtypes.h>

#define VB_RPM_DEFAULT_CMD	"/usr/local/sbin/vendorban install-check --rpm-hook"
#define VB_RPM_ARGS_MAX		32
#define VB_RPM_HOOK_MAGIC	"VENDORBAN-RPM 1"	/* user/install/rpmhook.h */

/*
 * librpm-dev does not install rpmplugin.h (it is rpm's internal header); plugins are loaded by
 * the name <plugin>_hooks and called through this table. Only its first three members are
 * used here, whose place has not changed since plugins appeared (rpm 4.11): init, cleanup,
 * tsm_pre. The rest stay NULL, which rpm skips.
 */
typedef rpmRC (*vb_tsm_pre_func)(rpmPlugin plugin, rpmts ts);
struct rpmPluginHooks_s {
	void *init;
	void *cleanup;
	vb_tsm_pre_func tsm_pre;
	void *later_hooks[9];
};
const char *rpmPluginOpts(rpmPlugin plugin);

static void put_field(FILE *f, const char *s, char end)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '%')
			fprintf(f, "%%%02X", c);
		else
			fputc(c, f);
	}
	fputc(end, f);
}

static void key_id(Header h, char *out, size_t size)
{
	static const char *const formats[] = {
		"%{RSAHEADER:pgpsig}", "%{DSAHEADER:pgpsig}", "%{SIGPGP:pgpsig}",
		"%{SIGGPG:pgpsig}",
	};

	out[0] = '\0';
	for (size_t i = 0; h && i < sizeof(formats) / sizeof(formats[0]) && !out[0]; i++) {
		char *s = headerFormat(h, formats[i], NULL);
		const char *k = s ? strstr(s, "Key ID ") : NULL;

		if (k)
			snprintf(out, size, "%.*s", (int)strspn(k + 7, "0123456789abcdefABCDEF"),
				 k + 7);
		free(s);
	}
}

/*
 * The element's header. rpm keeps only names and files in memory until it installs the
 * element; it then reads the header again through the application's callback, which opens
 * the package (rpm's own rpmteOpen does the same). Vendor, Packager and the signing key are
 * only in the header. NULL if it cannot be read.
 */
static Header element_header(rpmts ts, rpmte te)
{
	Header h = rpmteHeader(te);
	FD_t fd;

	if (h)
		return h;
	fd = rpmtsNotify(ts, te, RPMCALLBACK_INST_OPEN_FILE, 0, 0);
	if (!fd)
		return NULL;
	/* NOKEY and NOTTRUSTED still give the header: trust is rpm's to judge when it
	 * installs, who made the package is ours. */
	rpmReadPackageFile(ts, fd, rpmteNEVRA(te), &h);
	rpmtsNotify(ts, te, RPMCALLBACK_INST_CLOSE_FILE, 0, 0);
	return h;
}

static int write_package(FILE *f, rpmts ts, rpmte te)
{
	Header h = element_header(ts, te);
	rpmfiles files;
	char *evr, key[130];

	if (!h) {
		rpmlog(RPMLOG_ERR, "vendorban: cannot read the header of %s\n", rpmteNEVRA(te));
		return -1;
	}
	files = rpmteFiles(te);
	evr = headerGetAsString(h, RPMTAG_EVR);

	key_id(h, key, sizeof(key));
	fputs("P\t", f);
	put_field(f, rpmteN(te), '\t');
	put_field(f, evr ? evr : rpmteV(te), '\t');
	put_field(f, rpmteA(te), '\t');
	put_field(f, headerGetString(h, RPMTAG_VENDOR), '\t');
	put_field(f, headerGetString(h, RPMTAG_PACKAGER), '\t');
	put_field(f, key, '\t');
	put_field(f, rpmteNEVRA(te), '\n');
	for (int i = 0; files && i < (int)rpmfilesFC(files); i++) {
		size_t len = 0;
		int algo = 0;
		const unsigned char *d = rpmfilesFDigest(files, i, &algo, &len);
		char *fn;

		if (!S_ISREG(rpmfilesFMode(files, i)))
			continue;
		fn = rpmfilesFN(files, i);
		fputs("F\t", f);
		if (d && algo == PGPHASHALGO_SHA256 && len == 32)
			for (size_t j = 0; j < len; j++)
				fprintf(f, "%02x", d[j]);
		else
			fputc('-', f);
		fputc('\t', f);
		put_field(f, fn, '\n');
		free(fn);
	}
	rpmfilesFree(files);
	free(evr);
	headerFree(h);
	return 0;
}

/* The command from the plugin's options, split on spaces (no shell involved). */
static int command(rpmPlugin plugin, char *buf, size_t len, char **argv)
{
	const char *opts = rpmPluginOpts(plugin);
	int n = 0;

	snprintf(buf, len, "%s", opts && opts[0] ? opts : VB_RPM_DEFAULT_CMD);
	for (char *p = strtok(buf, " \t"); p && n < VB_RPM_ARGS_MAX - 1; p = strtok(NULL, " \t"))
		argv[n++] = p;
	argv[n] = NULL;
	return n;
}

static rpmRC vb_tsm_pre(rpmPlugin plugin, rpmts ts)
{
	char buf[4096], *argv[VB_RPM_ARGS_MAX];
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	rpmtsi it = rpmtsiInit(ts);
	int pfd[2], status = 0, added = 0, unread = 0;
	rpmte te;
	pid_t pid;
	FILE *f;

	while (rpmtsiNext(it, TR_ADDED))
		added++;
	rpmtsiFree(it);
	if (!added)
		return RPMRC_OK;
	if (!command(plugin, buf, sizeof(buf), argv) || pipe(pfd)) {
		rpmlog(RPMLOG_ERR, "vendorban: cannot judge the transaction: %s\n",
		       strerror(errno));
		return RPMRC_FAIL;
	}
	pid = fork();
	if (pid == 0) {
		dup2(pfd[0], STDIN_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execv(argv[0], argv);
		fprintf(stderr, "vendorban: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	if (pid < 0 || !(f = fdopen(pfd[1], "w"))) {
		rpmlog(RPMLOG_ERR, "vendorban: cannot run %s: %s\n", argv[0], strerror(errno));
		close(pfd[1]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return RPMRC_FAIL;
	}
	/* A judge that stops reading must fail the transaction, not kill rpm. */
	sigaction(SIGPIPE, &ign, &old);
	fputs(VB_RPM_HOOK_MAGIC "\n", f);
	it = rpmtsiInit(ts);
	while ((te = rpmtsiNext(it, TR_ADDED)) && !unread)
		unread = write_package(f, ts, te);
	rpmtsiFree(it);
	fclose(f);
	sigaction(SIGPIPE, &old, NULL);
	/* A package not told whole cannot be judged: the judge sees a cut stream and refuses. */
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    unread) {
		rpmlog(RPMLOG_ERR, "vendorban: transaction refused before any scriptlet ran "
		       "(%s exited %d)\n", argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return RPMRC_FAIL;
	}
	return RPMRC_OK;
}

struct rpmPluginHooks_s vendorban_hooks = {
	.tsm_pre = vb_tsm_pre,
};
