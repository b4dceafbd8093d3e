// SPDX-License-Identifier: GPL-2.0
/* A program the VM tests try to run. Built once per MARK (all marks the same length, so the
 * builds are the same size and one can overwrite another in place). Exit 42 means "it ran". */
#include <stdio.h>

#ifndef MARK
#error "build with -DMARK=\"...\""
#endif

int main(void)
{
	printf("vendorban-target %s ran\n", MARK);
	return 42;
}
