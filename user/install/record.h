/* SPDX-License-Identifier: GPL-2.0 */
/* The denial-log record of an install refusal ("operation":"install"; docs/denial-log.md). */
#ifndef VB_INSTALL_RECORD_H
#define VB_INSTALL_RECORD_H

#include <json-c/json.h>
#include "install/verdict.h"
#include "policy/policy.h"

/* The record for package pkg decided by hit d (caller puts it). via: "apt", "dpkg", "rpm",
 * "cli": which gate saw it. */
struct json_object *vb_install_record(const struct vb_policy *p, const struct vb_install_pkg *pkg,
				      const struct vb_install_hit *d, const char *via);

/* One line for people: "package P V (ARCHIVE): vendor V "Name", rule R (FILE:LINE, how ...)". */
void vb_install_describe(const struct vb_policy *p, const struct vb_install_pkg *pkg,
			 const struct vb_install_hit *d, char *buf, size_t len);

#endif
