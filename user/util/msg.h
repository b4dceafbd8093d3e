/* SPDX-License-Identifier: GPL-2.0 */
/* One error path: every message to a person goes through here (stderr, and syslog in the daemon). */
#ifndef VB_MSG_H
#define VB_MSG_H

#include <syslog.h>

void vb_msg_init(const char *ident, int use_syslog);
void vb_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Also hand every warning and error to fn (NULL: stop), e.g. to report a reload's reasons. */
/* Errors as {"error": MSG} on stdout, printed with these json-c flags (0: text on stderr). */
void vb_msg_json(int json_c_flags);
void vb_msg_sink(void (*fn)(int prio, const char *msg, void *arg), void *arg);

#define vb_err(...)	vb_msg(LOG_ERR, __VA_ARGS__)
#define vb_warn(...)	vb_msg(LOG_WARNING, __VA_ARGS__)
#define vb_info(...)	vb_msg(LOG_INFO, __VA_ARGS__)

#endif
