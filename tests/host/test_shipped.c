// SPDX-License-Identifier: GPL-2.0
/* Every policy the project ships must pass the checks policy staff run: no errors at all. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "kselftest_harness.h"
#include "policy/policy.h"
#include "vendorban.h"

static void expect_clean(struct __test_metadata *_metadata, const char *pattern, size_t min)
{
	glob_t g;

	ASSERT_EQ(0, glob(pattern, 0, NULL, &g));
	EXPECT_LE(min, g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct vb_diag diag = {};
		struct vb_policy *p = NULL;

		EXPECT_EQ(0, vb_policy_load(g.gl_pathv[i], &p, &diag))
			TH_LOG("%s: %s", g.gl_pathv[i], diag.n ? diag.msgs[0] : "?");
		EXPECT_EQ(0u, diag.n_total);
		if (p)
			EXPECT_LT(0u, p->n_rules);
		vb_policy_free(p);
		vb_diag_free(&diag);
	}
	globfree(&g);
}

TEST(shipped_policies_parse_clean)
{
	expect_clean(_metadata, "policy/*.policy", 1);
	expect_clean(_metadata, "policy/examples/*.policy", 1);
}

TEST(kaspersky_policy_names_the_vendor)
{
	struct vb_diag diag = {};
	struct vb_policy *p = NULL;

	ASSERT_EQ(0, vb_policy_load("policy/kaspersky.policy", &p, &diag));
	ASSERT_EQ(1u, p->n_vendors);
	EXPECT_STREQ("kaspersky", p->vendors[0].id);
	EXPECT_STREQ("AO Kaspersky Lab", p->vendors[0].name);
	EXPECT_EQ(VB_MODE_ENFORCE, p->vendors[0].mode);
	vb_policy_free(p);
	vb_diag_free(&diag);
}

/* The comment lines right above line n (1-based) of lines[], joined, or "" if none. */
static void comment_above(char **lines, unsigned int n, char *out, size_t len)
{
	size_t used = 0;
	unsigned int i = n - 1;

	out[0] = '\0';
	while (i > 0 && strchr(lines[i - 1], '#') && !strstr(lines[i - 1], "\tpath") &&
	       !strstr(lines[i - 1], "\tsigner") && !strstr(lines[i - 1], "\tpackage"))
		i--;
	for (; i < n - 1 && used < len; i++)
		used += snprintf(out + used, len - used, "%s", lines[i]);
}

/*
 * The Kaspersky policy enforces only what a cited source states: a rule whose comment says
 * GUESS is in audit mode, the paths no source names are audited, and the legal bases are there.
 */
TEST(kaspersky_policy_enforces_only_what_is_sourced)
{
	static const char *const audited[] = {
		"/opt/kaspersky/kesl/", "/opt/kaspersky/kav4fs/", "/var/opt/kaspersky/",
	};
	struct vb_diag diag = {};
	struct vb_policy *p = NULL;
	char *text = NULL, *lines[512], *rest, *l, above[4096];
	unsigned int n = 0;
	size_t len = 0;
	FILE *f;

	f = fopen("policy/kaspersky.policy", "r");
	ASSERT_NE(NULL, f);
	ASSERT_LT(0, getdelim(&text, &len, '\0', f));
	fclose(f);
	EXPECT_NE(NULL, strstr(text, "section 1634"));
	EXPECT_NE(NULL, strstr(text, "ICTS-2021-002"));
	EXPECT_NE(NULL, strstr(text, "Binding Operational Directive 17-01"));
	ASSERT_EQ(0, vb_policy_load("policy/kaspersky.policy", &p, &diag));
	/* strsep, not strtok: empty lines count, so lines[k] is line k + 1. */
	rest = text;
	while ((l = strsep(&rest, "\n")) && n < 512)
		lines[n++] = l;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];

		if (r->kind == VB_RULE_PATH)
			for (size_t k = 0; k < sizeof(audited) / sizeof(audited[0]); k++)
				if (!strcmp(r->path, audited[k]))
					EXPECT_EQ(VB_MODE_AUDIT, r->mode) TH_LOG("%s", r->path);
		if (r->mode != VB_MODE_ENFORCE)
			continue;
		comment_above(lines, r->line, above, sizeof(above));
		EXPECT_EQ(NULL, strstr(above, "GUESS")) TH_LOG("rule %s on line %u", r->id, r->line);
	}
	vb_policy_free(p);
	vb_diag_free(&diag);
	free(text);
}

TEST_HARNESS_MAIN
