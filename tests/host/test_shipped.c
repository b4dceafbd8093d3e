// SPDX-License-Identifier: GPL-2.0
/* Every policy the project ships must pass the checks policy staff run: no errors at all. */
#include <errno.h>
#include <glob.h>
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

TEST_HARNESS_MAIN
