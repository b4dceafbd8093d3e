/* SPDX-License-Identifier: GPL-2.0 */
/* vendorban policy sign / verify: detached signatures that the fleet checks before enforcing. */
#ifndef VB_CMD_POLICY_SIGN_H
#define VB_CMD_POLICY_SIGN_H

/* vendorban policy sign --key KEY --cert CERT [-o SIG] FILE */
int policy_sign_cmd(int argc, char **argv);
/* vendorban policy verify --trust CERT [--trust CERT...] FILE... */
int policy_verify_cmd(int argc, char **argv);

#endif /* VB_CMD_POLICY_SIGN_H */
