// SPDX-License-Identifier: GPL-2.0
/* A library the VM tests preload or dlopen. With VB_LIB_EXIT set, loading it ends the process
 * with 43: a preloaded banned copy must never get that far. */
#include <stdlib.h>
#include <unistd.h>

#ifndef MARK
#error "build with -DMARK=\"...\""
#endif

const char vb_lib_mark[] = MARK;

__attribute__((constructor)) static void vb_lib_loaded(void)
{
	if (getenv("VB_LIB_EXIT"))
		_exit(43);
}
