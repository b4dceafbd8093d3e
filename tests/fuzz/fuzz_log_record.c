// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what `vendorban log` reads from a denial log that may have been
 * tampered with: one line's chain fields (vb_chain_parse), the times and sizes a user types
 * (vb_time_parse, vb_size_parse, vb_duration_parse) and a distinguished name (vb_dn_parse).
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "identify/dn.h"
#include "log/chain.h"
#include "log/logtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_chain_rec rec;
	const char *why = NULL;
	char *s = malloc(size + 1);
	struct vb_dn dn;
	char dn_why[128];
	uint64_t u;
	int64_t t;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	/* The line as it was read: not NUL terminated where the reader hands it over. */
	if (vb_chain_parse((const char *)data, size, &rec, &why)) {
		if (!why)
			abort();
	} else {
		/* A record that parses is the caller's to put (the seed corpus starts with one). */
		json_object_put(rec.obj);
	}
	vb_time_parse(s, &t);
	vb_size_parse(s, &u);
	vb_duration_parse(s, &u);
	vb_dn_parse(s, &dn, dn_why, sizeof(dn_why));
	free(s);
	return 0;
}
