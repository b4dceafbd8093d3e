/* SPDX-License-Identifier: GPL-2.0 */
/* What /proc/PID/mountinfo holds, read by the daemon's path rules and its fanotify marks. */
#ifndef VB_MOUNTINFO_H
#define VB_MOUNTINFO_H

/* mountinfo escapes space, tab, newline and backslash in a path as \ooo: undone in place. */
void vb_mountinfo_unescape(char *s);

#endif
