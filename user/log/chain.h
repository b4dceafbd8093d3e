/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The denial log's hash chain (docs/denial-log.md). A record is one line: a JSON object that
 * begins {"seq":N,"prev":"<64 hex>", ... }. seq counts records from 1 across every file the
 * log was ever rotated into; prev is the hash of the record before it, or 64 zeros (the genesis
 * value) for record 1. A record's hash is SHA-256 over its line exactly as written, every byte
 * up to and not including the '\n' that ends it. Nothing is canonicalised: whoever has the
 * bytes can check them with sha256sum.
 */
#ifndef VB_LOG_CHAIN_H
#define VB_LOG_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "util/hex.h"

#define VB_CHAIN_HASH_LEN	32
#define VB_CHAIN_HEX_LEN	64
#define VB_LOG_LINE_MAX		65536	/* longest line that can be a record, seq and prev in */
#define VB_LOG_FORMAT		1	/* "log_format" of the opening records */

/* Where a chain stands: the last record's seq and hash; seq 0 and a zero hash before the first
 * (so the first record's prev is the genesis value). */
struct vb_chain {
	uint64_t seq;
	uint8_t hash[VB_CHAIN_HASH_LEN];
};

/* A record as read back: its place in the chain and its JSON (caller puts obj). */
struct vb_chain_rec {
	uint64_t seq;
	uint8_t prev[VB_CHAIN_HASH_LEN];
	uint8_t hash[VB_CHAIN_HASH_LEN];
	struct json_object *obj;
};

void vb_chain_genesis(struct vb_chain *c);
void vb_chain_hash(const void *line, size_t len, uint8_t out[VB_CHAIN_HASH_LEN]);
int vb_chain_unhex(const char *hex, uint8_t *out, size_t n);	/* exactly 2n digits: 0 */

/* The line for the record after c whose other fields are the JSON object text obj[0..len) (one
 * line, "{...}"): into *buf (grown as needed, NUL-terminated, with room for one more byte),
 * its length in *out_len. c does not move: call
 * vb_chain_advance() once the line is written. 0, -EINVAL (not an object, a newline, or longer
 * than VB_LOG_LINE_MAX, or it has a "seq" or "prev" already), -ENOMEM. */
int vb_chain_seal(const struct vb_chain *c, const char *obj, size_t len, char **buf, size_t *cap,
		  size_t *out_len);
void vb_chain_advance(struct vb_chain *c, const char *line, size_t len);

/* Parse one line (no '\n'). 0, or -EBADMSG with *why saying what is wrong with it. */
int vb_chain_parse(const char *line, size_t len, struct vb_chain_rec *r, const char **why);
/* Does rec follow c: its seq is c's + 1 and its prev is c's hash. */
bool vb_chain_follows(const struct vb_chain *c, const struct vb_chain_rec *r);

/* A string field of a record, NULL if absent, null or not a string. */
const char *vb_rec_str(struct json_object *o, const char *key);
/* An integer field, or def. */
int64_t vb_rec_int(struct json_object *o, const char *key, int64_t def);

/* The chain head file the writer keeps (docs/denial-log.md): the last record's seq and hash,
 * {"seq":N,"hash":"<64 hex>",...}. 0, -ENOENT, or -EBADMSG if it is not one. */
int vb_chain_head_read(const char *path, struct vb_chain *c);

#endif
