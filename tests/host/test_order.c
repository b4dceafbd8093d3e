// SPDX-License-Identifier: GPL-2.0
/* Disable orders (policy/order.h): what parses, what is refused, and what an order may end. */
#include <errno.h>
#include <string.h>
#include "kselftest_harness.h"
#include "policy/order.h"

static int parse(const char *text, struct vb_order *o, char *why, size_t len)
{
	return vb_order_parse(text, strlen(text), o, why, len);
}

TEST(a_whole_order_parses)
{
	struct vb_order o;
	char why[256] = "";

	ASSERT_EQ(0, parse("# signed by ops\nvendorban-disable 1\nhost build-07\nversion 21\n", &o,
			   why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_STREQ("build-07", o.host);
	EXPECT_EQ((uint64_t)21, o.version);
	EXPECT_EQ(0, parse("vendorban-disable 1\nversion 3\nhost *", &o, why, sizeof(why)));
	EXPECT_STREQ("*", o.host);
}

TEST(anything_else_is_refused_with_its_line)
{
	static const char *const bad[] = {
		"",
		"host a\nvendorban-disable 1\nversion 1\n",	/* the magic comes first */
		"vendorban-disable 2\nhost a\nversion 1\n",
		"vendorban-disable 1\nhost a\n",
		"vendorban-disable 1\nhost a\nhost b\nversion 1\n",
		"vendorban-disable 1\nhost a b\nversion 1\n",
		"vendorban-disable 1\nhost a\nversion -1\n",
		"vendorban-disable 1\nhost a\nversion 1x\n",
		"vendorban-disable 1\nhost a\nversion 99999999999999999999\n",
		"vendorban-disable 1\nhost a\nversion 1\nextra 1\n",
		"version 21\nvendor acme \"x\"\n",	/* a policy is not an order */
	};
	struct vb_order o;
	char why[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		EXPECT_EQ(-EINVAL, parse(bad[i], &o, why, sizeof(why))) TH_LOG("case %zu", i);
		EXPECT_EQ(0, strncmp(why, "disable order line ", 19)) TH_LOG("%s", why);
	}
	EXPECT_EQ(-EINVAL, vb_order_parse("vendorban-disable 1\0host a\n", 26, &o, why,
					  sizeof(why)));
}

TEST(an_order_ends_no_newer_policy_and_only_on_its_host)
{
	struct vb_order o = { .host = "build-07", .version = 21 };
	char why[256];

	EXPECT_EQ(0, vb_order_check(&o, "build-07", 21, why, sizeof(why)));
	EXPECT_EQ(0, vb_order_check(&o, "build-07", 20, why, sizeof(why)));
	EXPECT_EQ(-EPERM, vb_order_check(&o, "build-07", 22, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "older than the policy in force (version 22)"));
	EXPECT_EQ(-EPERM, vb_order_check(&o, "build-08", 21, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "is for host build-07"));
	strcpy(o.host, "*");
	EXPECT_EQ(0, vb_order_check(&o, "build-08", 21, why, sizeof(why)));
}

TEST_HARNESS_MAIN
