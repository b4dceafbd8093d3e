// SPDX-License-Identifier: GPL-2.0
/*
 * What bench_exec runs: a program that does nothing, so that the time measured is the exec
 * itself (and, in the dynamic build, the loader mapping libc) and not the program's work.
 */
int main(void)
{
	return 0;
}
