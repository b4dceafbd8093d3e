// SPDX-License-Identifier: GPL-2.0
/* What an operator installs: the .deb `make deb` built (make check-host builds it first), its
 * files, its man pages as man renders them, and its systemd unit as systemd-analyze rates it.
 * Nothing is installed on this host: the package is unpacked into a scratch directory. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "hostutil.h"

FIXTURE(pkg)
{
	char deb[PATH_MAX], root[64], version[64];
	char *out, *err;
};

#define RUN(...)                                                                                 \
	({                                                                                       \
		free(self->out);                                                                 \
		free(self->err);                                                                 \
		run_capture(&self->out, &self->err, __VA_ARGS__);                                \
	})

FIXTURE_SETUP(pkg)
{
	char rel[128];

	self->out = self->err = NULL;
	ASSERT_EQ(0, RUN("dpkg-parsechangelog -l debian/changelog -S Version"));
	snprintf(self->version, sizeof(self->version), "%s", self->out);
	self->version[strcspn(self->version, "\n")] = 0;
	snprintf(rel, sizeof(rel), "vendorban_%s_amd64.deb", self->version);
	ASSERT_EQ(0, build_path(self->deb, sizeof(self->deb), rel));
	ASSERT_EQ(0, access(self->deb, R_OK)) TH_LOG("%s: run make deb", self->deb);
	strcpy(self->root, "/tmp/vb-pkg.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	ASSERT_EQ(0, sh("dpkg-deb -x %s %s", self->deb, self->root));
}

FIXTURE_TEARDOWN(pkg)
{
	free(self->out);
	free(self->err);
	sh("rm -rf %s", self->root);
}

TEST_F(pkg, lists_the_files_an_operator_needs)
{
	static const char *const files[] = {
		"./usr/sbin/vendorband", "./usr/sbin/vendorban",
		"./lib/systemd/system/vendorband.service", "./etc/vendorban/vendorban.policy",
		"./usr/share/vendorban/policies/kaspersky.policy",
		"./usr/share/man/man8/vendorban.8.gz", "./usr/share/man/man8/vendorband.8.gz",
		"./usr/share/man/man5/vendorban.policy.5.gz",
		"./usr/share/bash-completion/completions/vendorban",
		"./usr/share/doc/vendorban/README.md.gz", "./usr/share/doc/vendorban/copyright",
	};

	ASSERT_EQ(0, RUN("dpkg-deb -c %s | awk '{ print $6 }'", self->deb));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char line[256];

		snprintf(line, sizeof(line), "%s\n", files[i]);
		EXPECT_NE(NULL, strstr(self->out, line)) TH_LOG("%s missing", files[i]);
	}
	/* Nothing under /usr/local, and the kaspersky sample is not the default. */
	EXPECT_EQ(NULL, strstr(self->out, "/usr/local"));
	ASSERT_EQ(0, RUN("dpkg-deb -I %s conffiles", self->deb));
	EXPECT_STREQ("/etc/vendorban/vendorban.policy\n", self->out);
}

TEST_F(pkg, unpacked_binaries_say_the_packages_version)
{
	char want[128];

	ASSERT_EQ(0, RUN("dpkg-deb -f %s Version", self->deb));
	snprintf(want, sizeof(want), "%s\n", self->version);
	EXPECT_STREQ(want, self->out);
	snprintf(want, sizeof(want), "vendorban %s\n", self->version);
	EXPECT_EQ(0, RUN("%s/usr/sbin/vendorban --version", self->root));
	EXPECT_STREQ(want, self->out);
	snprintf(want, sizeof(want), "vendorband %s\n", self->version);
	EXPECT_EQ(0, RUN("%s/usr/sbin/vendorband --version", self->root));
	EXPECT_STREQ(want, self->out);
}

/* Enabling the unit with the shipped policy must never refuse anything by surprise. */
TEST_F(pkg, default_policy_is_valid_and_audit_only)
{
	EXPECT_EQ(0, RUN("%s/usr/sbin/vendorban policy check --strict %s/etc/vendorban/vendorban.policy",
			 self->root, self->root)) TH_LOG("%s%s", self->out, self->err);
	/* Outside comments: one mode line, audit, and no rule that enforces on its own. */
	EXPECT_EQ(0, RUN("grep -v '^[[:space:]]*#' %s/etc/vendorban/vendorban.policy | "
			 "grep -Ew 'mode|enforce'", self->root));
	EXPECT_STREQ("mode audit\n", self->out);
	/* The sourced sample enforces: it is not what the unit loads by default. */
	EXPECT_EQ(0, RUN("grep -v '^[[:space:]]*#' %s/usr/share/vendorban/policies/kaspersky.policy"
			 " | grep -c 'mode enforce\\|^[^#]*path ' ", self->root));
}

static int render(struct __test_metadata *_metadata, const char *page, char **out, char **err)
{
	return run_capture(out, err, "LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l %s", page);
}

TEST_F(pkg, man_pages_render_without_warnings)
{
	static const char *const pages[] = { "man8/vendorban.8.gz", "man8/vendorband.8.gz",
					     "man5/vendorban.policy.5.gz" };
	char page[PATH_MAX];

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		snprintf(page, sizeof(page), "%s/usr/share/man/%s", self->root, pages[i]);
		free(self->out);
		free(self->err);
		EXPECT_EQ(0, render(_metadata, page, &self->out, &self->err)) TH_LOG("%s", page);
		EXPECT_STREQ("", self->err) TH_LOG("%s", page);
		EXPECT_NE(NULL, strstr(self->out, "\nNAME\n")) TH_LOG("%s", page);
		EXPECT_NE(NULL, strstr(self->out, "\nSEE ALSO\n")) TH_LOG("%s", page);
	}
	/* The twin: a page with a broken request is reported, so the check above can fail. */
	snprintf(page, sizeof(page), "%s/broken.8", self->root);
	ASSERT_EQ(0, sh("printf '.TH BROKEN 8\\n.SH NAME\\nx\\n.XYZ foo\\n' > %s", page));
	free(self->out);
	free(self->err);
	render(_metadata, page, &self->out, &self->err);
	EXPECT_NE(NULL, strstr(self->err, "warning")) TH_LOG("%s", self->err);
}

/* Every command in the command table (vendorban --help) and every subcommand is in
 * vendorban(8). */
TEST_F(pkg, vendorban_8_documents_every_command)
{
	char *page = NULL, *err = NULL, *p, *line, word[64], sub[160];
	char path[PATH_MAX];
	int n = 0;

	snprintf(path, sizeof(path), "%s/usr/share/man/man8/vendorban.8.gz", self->root);
	ASSERT_EQ(0, run_capture(&page, &err, "LC_ALL=C.UTF-8 MANWIDTH=200 man -l %s", path));
	ASSERT_EQ(0, RUN("%s/usr/sbin/vendorban --help", self->root));
	p = strstr(self->out, "commands:\n");
	ASSERT_NE(NULL, p);
	for (line = strtok(p + 10, "\n"); line; line = strtok(NULL, "\n")) {
		char *out = NULL, *e = NULL, *q;

		if (sscanf(line, "  %63s", word) != 1 || line[0] != ' ')
			continue;
		n++;
		snprintf(sub, sizeof(sub), "\n       %s", word);
		EXPECT_NE(NULL, strstr(page, sub)) TH_LOG("vendorban(8) lacks '%s'", word);
		/* Its subcommands, where it has a table of them. */
		if (strcmp(word, "policy"))
			continue;
		run_capture(&out, &e, "%s/usr/sbin/vendorban %s --help", self->root, word);
		for (q = strstr(strstr(out, "commands:"), "\n  "); q; q = strstr(q + 1, "\n  ")) {
			char s2[64];

			/* A subcommand line: two spaces, then its name. */
			if (q[3] != ' ' && sscanf(q + 3, "%63s", s2) == 1 && s2[0] != '-') {
				snprintf(sub, sizeof(sub), "%s %s", word, s2);
				EXPECT_NE(NULL, strstr(page, sub)) TH_LOG("vendorban(8) lacks '%s'", sub);
			}
		}
		free(out);
		free(e);
	}
	EXPECT_EQ(10, n);
	free(page);
	free(err);
}

static double exposure(const char *text)
{
	static const char key[] = "Overall exposure level for vendorband.service: ";
	const char *p = strstr(text, key);

	return p ? strtod(p + sizeof(key) - 1, NULL) : -1;
}

/* systemd-analyze rates the unit as installed below 5 (it rated the old one 9.6 UNSAFE). */
TEST_F(pkg, unit_is_hardened_and_notifies)
{
	char unit[PATH_MAX], *bare = NULL, *e = NULL;
	double score;

	snprintf(unit, sizeof(unit), "%s/lib/systemd/system/vendorband.service", self->root);
	ASSERT_EQ(0, RUN("systemd-analyze security --offline=yes --no-pager %s", unit))
		TH_LOG("%s", self->err);
	score = exposure(self->out);
	TH_LOG("systemd-analyze security: %.1f", score);
	EXPECT_LT(score, 5.0);
	EXPECT_GE(score, 0.0);
	/* The twin: the same daemon with no hardening is rated UNSAFE, so the rating can fail. */
	ASSERT_EQ(0, sh("printf '[Service]\\nType=notify\\nExecStart=/usr/sbin/vendorband\\n' > "
			"%s/vendorband.service", self->root));
	run_capture(&bare, &e, "systemd-analyze security --offline=yes --no-pager "
		    "%s/vendorband.service", self->root);
	EXPECT_GT(exposure(bare), 9.0) TH_LOG("%s", bare);
	free(bare);
	free(e);

	ASSERT_EQ(0, RUN("grep -E '^(Type|ExecStart|WatchdogSec|StartLimitBurst|Restart)=' %s",
			 unit));
	EXPECT_STREQ("StartLimitBurst=5\nType=notify\nExecStart=/usr/sbin/vendorband --policy "
		     "/etc/vendorban/vendorban.policy\nRestart=on-failure\nWatchdogSec=30\n",
		     self->out);
	/* One story for stopping enforcement: vendorban disable. */
	EXPECT_EQ(0, sh("grep -q 'vendorban disable --yes' %s", unit));
	EXPECT_NE(0, sh("grep -qi 'removes the pins' %s", unit));
}

/* With the package's man pages on MANPATH, systemd-analyze verify finds Documentation=; only
 * the binary it cannot find (the package is not installed here) is left. */
TEST_F(pkg, unit_documentation_resolves)
{
	EXPECT_EQ(1, RUN("MANPATH=%s/usr/share/man systemd-analyze verify "
			 "%s/lib/systemd/system/vendorband.service", self->root, self->root));
	EXPECT_STREQ("vendorband.service: Command /usr/sbin/vendorband is not executable: No such "
		     "file or directory\n", self->err);
}

TEST_HARNESS_MAIN
