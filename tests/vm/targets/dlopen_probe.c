// SPDX-License-Identifier: GPL-2.0
/* dlopen_probe LIB: exit 0 if LIB loaded, 1 (and dlerror on stderr) if it did not. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	void *h;

	if (argc != 2)
		return 2;
	h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "dlopen_probe: %s\n", dlerror());
		return 1;
	}
	return 0;
}
