// SPDX-License-Identifier: GPL-2.0
/*
 * One of the ten shared libraries the dynamic bench target links (tests/bench/run.sh builds it
 * ten times under ten names): what ld.so maps is what a real program's libraries cost an
 * enforcer, an open and a PROT_EXEC mapping each; what they contain does not matter.
 */
int VB_BENCH_LIB_FN(void)
{
	return 0;
}
