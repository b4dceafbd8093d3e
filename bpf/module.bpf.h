/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kernel module buffer says about itself, read in the kernel: the signer named by its
 * appended PKCS#7 signature (issuer + serial, or SKID) and its name from the
 * .gnu.linkonce.this_module section. Included once, by vendorban.bpf.c.
 *
 * The buffer is what finit_module(2) read from the file or init_module(2) copied in; a
 * compressed file (6.12's MODULE_INIT_COMPRESSED_FILE) is still compressed here, and its
 * signature sits inside the compressed payload: such modules are matched by their file
 * (content hash, or the scanner's verdict) in kernel_read_file instead.
 */
#ifndef VB_MODULE_BPF_H
#define VB_MODULE_BPF_H

#define VB_SIG_MAX		4096	/* PKCS#7 bytes read; sign-file's are ~0.4-1 KiB */
#define VB_SIG_MASK		(VB_SIG_MAX - 1)
#define VB_SHDRS_MAX		512	/* section headers examined for this_module */
#define MODSIG_MARKER		"~Module signature appended~\n"
#define MODSIG_MARKER_LEN	28
#define MODSIG_INFO_LEN		12	/* struct module_signature */
#define PKEY_ID_PKCS7		2

/*
 * Where the module's ELF headers keep what is read here. The layout is the file format's, the
 * same on every kernel: __builtin_offsetof is a constant, where bpf_helpers.h's offsetof() on a
 * vmlinux.h type (preserve_access_index) could become a CO-RE relocation against the running
 * kernel's struct elf64_hdr.
 */
#define EH_OFF(field)		__builtin_offsetof(struct elf64_hdr, field)
#define SH_OFF(field)		__builtin_offsetof(struct elf64_shdr, field)
#define SHDR_SIZE		sizeof(struct elf64_shdr)
#define EI_NIDENT		16	/* <elf.h>'s; macros are not in vmlinux.h */
_Static_assert(sizeof(struct elf64_hdr) == 64 && SHDR_SIZE == 64, "ELF64 header sizes");
_Static_assert(sizeof(((struct elf64_hdr *)0)->e_ident) == EI_NIDENT, "ELF64 e_ident");
/* The field at offset `off` of the header at `at` in the buffer, into dst (the field's size). */
#define ELF_FIELD(dst, buf, at, off)						\
	bpf_probe_read_kernel(&(dst), sizeof(dst), (buf) + (at) + (off))

struct vb_modscratch {
	__u8 sig[VB_SIG_MAX];
	char secname[32];
	char modinfo_name[VB_MODULE_NAME_MAX];	/* .modinfo "name=", which modprobe's blacklist
						 * and the kernel's own blacklist go by */
	__u64 file;		/* kernel_read_file's file, whose full path is in path */
	char path[VB_EV_PATH_MAX];
	__u64 vetted_file;	/* kernel_read_file's file, if its hash is a vetted compressed
				 * module of the policy in force */
	__u8 sha256[VB_SHA256_LEN];	/* kernel_read_file's hash of it; zero: none */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_VETTED_MODULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u8[VB_SHA256_LEN]);
	__type(value, struct vb_vetted_val);
} vetted_modules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_VETTED_MODULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vb_dev_ino);
	__type(value, struct vb_vetted_file);
} vetted_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vb_modscratch);
} modscratch SEC(".maps");

/* clang has no BPF memcmp: an unrolled compare of a constant-length prefix. */
static __always_inline bool bytes_equal(const char *a, const char *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * One DER header at pos, inside [pos, limit): (tag << 32 | start << 16 | len), or -1. A global
 * function, so the verifier checks it once: inlined at each of the walk's steps, the three
 * length forms multiply into more states than it will explore.
 */
__noinline __s64 der_hdr(struct vb_modscratch *ms, __u32 pos, __u32 limit)
{
	__u32 l0, start, len;
	__u8 tag;

	if (!ms || pos + 2 > limit || limit > VB_SIG_MAX)
		return -1;
	tag = ms->sig[pos & VB_SIG_MASK];
	l0 = ms->sig[(pos + 1) & VB_SIG_MASK];
	if (l0 < 0x80) {
		len = l0;
		start = pos + 2;
	} else if (l0 == 0x81 && pos + 3 <= limit) {
		len = ms->sig[(pos + 2) & VB_SIG_MASK];
		start = pos + 3;
	} else if (l0 == 0x82 && pos + 4 <= limit) {
		len = (__u32)ms->sig[(pos + 2) & VB_SIG_MASK] << 8 |
		      ms->sig[(pos + 3) & VB_SIG_MASK];
		start = pos + 4;
	} else {
		return -1;
	}
	if (start + len > limit)
		return -1;
	return (__s64)tag << 32 | start << 16 | len;
}

#define DER_TAG(h)	((__u8)((h) >> 32))
#define DER_START(h)	((__u32)((h) >> 16) & 0xffff)
#define DER_LEN(h)	((__u32)(h) & 0xffff)

/* Step into (enter) or over (skip) the element at pos, which must have tag want. */
#define DER_ENTER(ms, pos, limit, want)						\
	({ __s64 _h = der_hdr(ms, pos, limit); int _ok = _h >= 0 && DER_TAG(_h) == (want); \
	   if (_ok) { pos = DER_START(_h); limit = DER_START(_h) + DER_LEN(_h); } _ok; })
#define DER_SKIP(ms, pos, limit, want)						\
	({ __s64 _h = der_hdr(ms, pos, limit); int _ok = _h >= 0 && DER_TAG(_h) == (want); \
	   if (_ok) pos = DER_START(_h) + DER_LEN(_h); _ok; })

struct fnv_ctx {
	const __u8 *b;
	__u32 off;
	__u64 h;
};

static long fnv_step(__u32 i, struct fnv_ctx *c)
{
	c->h ^= c->b[(c->off + i) & VB_SIG_MASK];
	c->h *= 0x100000001b3ull;
	return 0;
}

/* Copy a serial number or SKID into the key, without a DER sign byte. */
static __always_inline void signer_id(struct vb_signer_key *k, const __u8 *b, __u32 start,
				      __u32 len)
{
	if (len > 1 && !b[start & VB_SIG_MASK]) {
		start++;
		len--;
	}
	if (len > VB_SIGNER_ID_MAX)
		len = VB_SIGNER_ID_MAX;
	k->len = len;
	/* From our own buffer, but a copy of variable length is a helper's job. */
	bpf_probe_read_kernel(k->id, len <= VB_SIGNER_ID_MAX ? len : VB_SIGNER_ID_MAX,
			      &b[start & VB_SIG_MASK]);
}

/* The signer of the appended signature; 0 with mi->signer filled, -1 when there is none
 * (unsigned, or a signature the kernel cannot read here). */
static __always_inline int module_signer(const char *buf, __u64 size, struct vb_modscratch *ms,
					 struct vb_module_info *mi)
{
	char marker[MODSIG_MARKER_LEN];
	__u8 info[MODSIG_INFO_LEN];
	__u32 sig_len, pos = 0, limit, start, len;
	const __u8 *b = ms->sig;
	__u64 off;
	__s64 h;
	__u8 tag;

	if (size < MODSIG_MARKER_LEN + MODSIG_INFO_LEN ||
	    bpf_probe_read_kernel(marker, sizeof(marker), buf + size - MODSIG_MARKER_LEN))
		return -1;
	if (!bytes_equal(marker, MODSIG_MARKER, MODSIG_MARKER_LEN))
		return -1;
	off = size - MODSIG_MARKER_LEN - MODSIG_INFO_LEN;
	if (bpf_probe_read_kernel(info, sizeof(info), buf + off) || info[2] != PKEY_ID_PKCS7)
		return -1;
	sig_len = (__u32)info[8] << 24 | (__u32)info[9] << 16 | (__u32)info[10] << 8 | info[11];
	if (!sig_len || sig_len > VB_SIG_MAX || sig_len > off)
		return -1;
	if (bpf_probe_read_kernel(ms->sig, sig_len & VB_SIG_MASK ? sig_len & VB_SIG_MASK :
				  VB_SIG_MAX, buf + off - sig_len))
		return -1;
	limit = sig_len;
	/* ContentInfo { OID signedData, [0] { SignedData { version, digestAlgorithms,
	 * encapContentInfo, [0] certificates?, [1] crls?, signerInfos { SignerInfo ... */
	if (!DER_ENTER(ms, pos, limit, 0x30) || !DER_SKIP(ms, pos, limit, 0x06) ||
	    !DER_ENTER(ms, pos, limit, 0xa0) || !DER_ENTER(ms, pos, limit, 0x30) ||
	    !DER_SKIP(ms, pos, limit, 0x02) || !DER_SKIP(ms, pos, limit, 0x31) ||
	    !DER_SKIP(ms, pos, limit, 0x30))
		return -1;
	DER_SKIP(ms, pos, limit, 0xa0);
	DER_SKIP(ms, pos, limit, 0xa1);
	if (!DER_ENTER(ms, pos, limit, 0x31) || !DER_ENTER(ms, pos, limit, 0x30) ||
	    !DER_SKIP(ms, pos, limit, 0x02))
		return -1;
	h = der_hdr(ms, pos, limit);
	if (h < 0)
		return -1;
	tag = DER_TAG(h);
	start = DER_START(h);
	len = DER_LEN(h);
	if (tag == 0x80) {			/* [0] subjectKeyIdentifier: sign-file -k */
		mi->signer.kind = VB_SIGNER_SKID;
		signer_id(&mi->signer, b, start, len);
		pos = start + len;
	} else if (tag == 0x30) {		/* issuerAndSerialNumber */
		struct fnv_ctx fc = { .b = b, .h = 0xcbf29ce484222325ull };
		__u32 name_start = start, name_end;

		pos = start;
		limit = start + len;
		if (!DER_SKIP(ms, pos, limit, 0x30))
			return -1;
		name_end = pos;
		fc.off = name_start;
		bpf_loop(name_end - name_start, fnv_step, &fc, 0);
		h = der_hdr(ms, pos, limit);
		if (h < 0 || DER_TAG(h) != 0x02)
			return -1;
		start = DER_START(h);
		len = DER_LEN(h);
		mi->signer.kind = VB_SIGNER_ISSUER_SERIAL;
		mi->signer.issuer_hash = fc.h;
		signer_id(&mi->signer, b, start, len);
		pos = limit;
		limit = sig_len;	/* back out to the SignerInfo: its length is re-read below */
	} else {
		return -1;
	}
	/* digestAlgorithm { OID }: its last byte names the SHA-2 variant. */
	if (DER_ENTER(ms, pos, limit, 0x30)) {
		h = der_hdr(ms, pos, limit);
		if (h >= 0 && DER_TAG(h) == 0x06 && DER_LEN(h))
			mi->hash_oid_last = b[(DER_START(h) + DER_LEN(h) - 1) & VB_SIG_MASK];
	}
	return 0;
}

struct shdr_walk {
	const char *buf;
	__u64 size, shoff, stroff, strsize;
	struct vb_modscratch *ms;
	__u64 found;		/* file offset of .gnu.linkonce.this_module */
	__u64 modinfo, modinfo_size;	/* file offset and size of .modinfo */
};

static long shdr_step(__u32 i, struct shdr_walk *w)
{
	const char want[] = ".gnu.linkonce.this_module";
	__u32 name;
	__u64 at = w->shoff + (__u64)i * SHDR_SIZE;

	if (at + SHDR_SIZE > w->size || ELF_FIELD(name, w->buf, at, SH_OFF(sh_name)) ||
	    name + sizeof(want) > w->strsize ||
	    bpf_probe_read_kernel(w->ms->secname, sizeof(want), w->buf + w->stroff + name))
		return 0;
	if (bytes_equal(w->ms->secname, ".modinfo", sizeof(".modinfo"))) {
		ELF_FIELD(w->modinfo, w->buf, at, SH_OFF(sh_offset));
		ELF_FIELD(w->modinfo_size, w->buf, at, SH_OFF(sh_size));
	}
	if (bytes_equal(w->ms->secname, want, sizeof(want)))
		ELF_FIELD(w->found, w->buf, at, SH_OFF(sh_offset));
	return w->found && w->modinfo;
}

struct modinfo_walk {
	struct vb_modscratch *ms;
	__u32 len;
	__u32 start;		/* where the value of "name=" begins, 0: not found */
};

/* .modinfo is "key=value\0key=value\0...": find the "name=" that starts a string. */
static long modinfo_step(__u32 i, struct modinfo_walk *w)
{
	const __u8 *b = w->ms->sig;

	if (i + 5 >= w->len)
		return 1;
	if ((i && b[(i - 1) & VB_SIG_MASK]) || b[i & VB_SIG_MASK] != 'n' ||
	    b[(i + 1) & VB_SIG_MASK] != 'a' || b[(i + 2) & VB_SIG_MASK] != 'm' ||
	    b[(i + 3) & VB_SIG_MASK] != 'e' || b[(i + 4) & VB_SIG_MASK] != '=')
		return 0;
	w->start = i + 5;
	return 1;
}

/* The .modinfo name into ms->modinfo_name ("" if none). Reuses ms->sig: call after the
 * signature has been read. */
static __always_inline void modinfo_name(const char *buf, __u64 size, __u64 off, __u64 len,
					 struct vb_modscratch *ms)
{
	struct modinfo_walk w = { .ms = ms };

	/* A map key: the bytes after the NUL count, and this buffer is reused. */
	__builtin_memset(ms->modinfo_name, 0, sizeof(ms->modinfo_name));
	if (!off || off > size || len > size - off)
		return;
	if (len > VB_SIG_MAX)
		len = VB_SIG_MAX;	/* "name=" comes early; a longer .modinfo is cut */
	if (!len || bpf_probe_read_kernel(ms->sig, len & VB_SIG_MASK ? len & VB_SIG_MASK :
					  VB_SIG_MAX, buf + off))
		return;
	w.len = len;
	bpf_loop(len, modinfo_step, &w, 0);
	if (w.start)
		bpf_probe_read_kernel_str(ms->modinfo_name, sizeof(ms->modinfo_name),
					  &ms->sig[w.start & VB_SIG_MASK]);
}

/* The module's name as the kernel will use it: struct module's name in this_module (and, in
 * ms->modinfo_name, the one .modinfo declares, which a crafted module may set otherwise). */
static __always_inline int module_name(const char *buf, __u64 size, struct vb_modscratch *ms,
				       struct vb_module_info *mi)
{
	struct shdr_walk w = { .buf = buf, .size = size, .ms = ms };
	__u8 ident[EI_NIDENT];
	__u16 shnum = 0, shstrndx = 0;
	__u64 strtab, name_off;

	if (size < sizeof(struct elf64_hdr) || ELF_FIELD(ident, buf, 0, EH_OFF(e_ident)) ||
	    ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F' ||
	    ident[4] != 2 /* ELFCLASS64 */)
		return -1;
	ELF_FIELD(w.shoff, buf, 0, EH_OFF(e_shoff));
	ELF_FIELD(shnum, buf, 0, EH_OFF(e_shnum));
	ELF_FIELD(shstrndx, buf, 0, EH_OFF(e_shstrndx));
	if (shstrndx >= shnum || w.shoff > size)
		return -1;
	strtab = w.shoff + (__u64)shstrndx * SHDR_SIZE;
	if (strtab + SHDR_SIZE > size || ELF_FIELD(w.stroff, buf, strtab, SH_OFF(sh_offset)) ||
	    ELF_FIELD(w.strsize, buf, strtab, SH_OFF(sh_size)))
		return -1;
	if (w.stroff > size || w.strsize > size - w.stroff)
		return -1;
	bpf_loop(shnum < VB_SHDRS_MAX ? shnum : VB_SHDRS_MAX, shdr_step, &w, 0);
	modinfo_name(buf, size, w.modinfo, w.modinfo_size, ms);
	name_off = bpf_core_field_offset(struct module, name);
	if (!w.found || w.found > size || name_off + VB_MODULE_NAME_MAX > size - w.found)
		return -1;
	return bpf_probe_read_kernel_str(mi->name, sizeof(mi->name), buf + w.found + name_off) > 0 ?
	       0 : -1;
}

#endif /* VB_MODULE_BPF_H */
