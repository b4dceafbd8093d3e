// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "log/chain.h"
#include "util/hex.h"

#define SEAL_PREFIX_MAX	(sizeof("{\"seq\":18446744073709551615,\"prev\":\"\",") + \
			 VB_CHAIN_HEX_LEN)

void vb_chain_genesis(struct vb_chain *c)
{
	memset(c, 0, sizeof(*c));
}

void vb_chain_hash(const void *line, size_t len, uint8_t out[VB_CHAIN_HASH_LEN])
{
	unsigned int n;

	EVP_Digest(line, len, out, &n, EVP_sha256(), NULL);
}


int vb_chain_unhex(const char *hex, uint8_t *out, size_t n)
{
	return vb_unhex(hex, out, n) == (int)n ? 0 : -EINVAL;
}

int vb_chain_seal(const struct vb_chain *c, const char *obj, size_t len, char **buf, size_t *cap,
		  size_t *out_len)
{
	char prev[VB_CHAIN_HEX_LEN + 1];
	size_t need, n;
	bool empty;

	while (len && (obj[len - 1] == ' ' || obj[len - 1] == '\n'))
		len--;
	if (len < 2 || obj[0] != '{' || obj[len - 1] != '}' || memchr(obj, '\n', len) ||
	    memchr(obj, 0, len))
		return -EINVAL;
	/* A "seq" or "prev" of its own would make two of them: the reader takes the last. In
	 * JSON text these bytes can only be keys (a quote inside a string is escaped). */
	if (memmem(obj, len, "\"seq\":", 6) || memmem(obj, len, "\"prev\":", 7))
		return -EINVAL;
	need = SEAL_PREFIX_MAX + len;
	if (need > VB_LOG_LINE_MAX)
		return -EINVAL;
	if (*cap < need) {
		char *nb = realloc(*buf, need);

		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = need;
	}
	vb_hex(c->hash, VB_CHAIN_HASH_LEN, prev);
	/* "{}" and "{ }" have no members to follow ours: no comma then. */
	empty = !memchr(obj + 1, '"', len - 2);
	n = snprintf(*buf, *cap, "{\"seq\":%" PRIu64 ",\"prev\":\"%s\"%s", c->seq + 1, prev,
		     empty ? "}" : ",");
	if (!empty) {
		memcpy(*buf + n, obj + 1, len - 1);
		n += len - 1;
	}
	(*buf)[n] = 0;
	*out_len = n;
	return 0;
}

void vb_chain_advance(struct vb_chain *c, const char *line, size_t len)
{
	c->seq++;
	vb_chain_hash(line, len, c->hash);
}

int vb_chain_parse(const char *line, size_t len, struct vb_chain_rec *r, const char **why)
{
	struct json_tokener *tok;
	struct json_object *o, *v;
	const char *prev;

	memset(r, 0, sizeof(*r));
	if (!len || line[0] != '{') {
		*why = len ? "not a JSON object" : "empty line";
		return -EBADMSG;
	}
	if (memchr(line, 0, len)) {
		*why = "NUL bytes in the line";
		return -EBADMSG;
	}
	tok = json_tokener_new();
	if (!tok) {
		*why = "out of memory";
		return -EBADMSG;
	}
	o = json_tokener_parse_ex(tok, line, len);
	if (!o || json_tokener_get_parse_end(tok) != len) {
		*why = o ? "text after the JSON object" : "not valid JSON";
		json_object_put(o);
		json_tokener_free(tok);
		return -EBADMSG;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(o, json_type_object)) {
		*why = "not a JSON object";
		goto bad;
	}
	if (!json_object_object_get_ex(o, "seq", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1) {
		*why = "no \"seq\" (a positive integer)";
		goto bad;
	}
	r->seq = json_object_get_uint64(v);
	prev = vb_rec_str(o, "prev");
	if (!prev || strlen(prev) != VB_CHAIN_HEX_LEN ||
	    vb_chain_unhex(prev, r->prev, VB_CHAIN_HASH_LEN)) {
		*why = "no \"prev\" (64 lower-case hex digits)";
		goto bad;
	}
	vb_chain_hash(line, len, r->hash);
	r->obj = o;
	return 0;
bad:
	json_object_put(o);
	return -EBADMSG;
}

bool vb_chain_follows(const struct vb_chain *c, const struct vb_chain_rec *r)
{
	return r->seq == c->seq + 1 && !memcmp(r->prev, c->hash, VB_CHAIN_HASH_LEN);
}

const char *vb_rec_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int64_t vb_rec_int(struct json_object *o, const char *key, int64_t def)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_int64(v);
}

int vb_chain_head_read(const char *path, struct vb_chain *c)
{
	char buf[1024];
	struct json_object *o;
	const char *hash;
	int64_t seq;
	ssize_t n;
	int fd, err = -EBADMSG;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = 0;
	o = json_tokener_parse(buf);
	seq = vb_rec_int(o, "seq", -1);
	hash = vb_rec_str(o, "hash");
	if (seq >= 0 && hash && strlen(hash) == VB_CHAIN_HEX_LEN &&
	    !vb_chain_unhex(hash, c->hash, VB_CHAIN_HASH_LEN)) {
		c->seq = seq;
		err = 0;
	}
	json_object_put(o);
	return err;
}
