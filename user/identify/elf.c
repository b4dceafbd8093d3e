// SPDX-License-Identifier: GPL-2.0
/*
 * ELF evidence with libelf. libelf trusts offsets in the file more than we can: every section
 * and segment is checked against the buffer before its bytes are read, and the buffer is never
 * written (elf_memory() takes a char *, but without elf_update() it only reads).
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include "identify/elf.h"
#include "identify/x509id.h"

#define VB_NOTE_GNU		"GNU"	/* ELF_NOTE_GNU, with its NUL in n_namesz */
#define VB_MODINFO_SECTION	".modinfo"

struct elf_read {
	Elf *elf;
	size_t len;
	struct vb_elfinfo info;
	struct vb_modinfo modinfo;
	struct vb_evidence *ev;
};

static int elf_lib_err;
static pthread_once_t elf_lib_once = PTHREAD_ONCE_INIT;

static void elf_lib_init(void)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		elf_lib_err = -ELIBBAD;
}

static int libelf_error(struct elf_read *r, const char *what)
{
	vb_evidence_error(r->ev, "ELF: %s: %s", what, elf_errmsg(-1));
	return -EBADMSG;
}

/* Whether [off, off + size) lies inside the file. */
static bool in_file(const struct elf_read *r, uint64_t off, uint64_t size)
{
	return off <= r->len && size <= r->len - off;
}

/*
 * libelf quietly counts only the section and program headers that are in the buffer (elfutils
 * 0.188 get_shnum(), __elf_getphdrnum_chk_rdlock()): a file cut short must not pass for one
 * with fewer headers. The counts in the ELF header must be what libelf found.
 */
static int check_tables(struct elf_read *r, const GElf_Ehdr *eh)
{
	size_t shnum, phnum;

	if (elf_getshdrnum(r->elf, &shnum))
		return libelf_error(r, "section count");
	if (elf_getphdrnum(r->elf, &phnum))
		return libelf_error(r, "program header count");
	/* 0 and PN_XNUM: the real count is in section 0, which libelf read. */
	if ((eh->e_shnum && shnum != eh->e_shnum) ||
	    (shnum && !in_file(r, eh->e_shoff, gelf_fsize(r->elf, ELF_T_SHDR, shnum, EV_CURRENT)))) {
		vb_evidence_error(r->ev, "ELF: %u section headers at offset %llu are not all in the %zu-byte file",
				  eh->e_shnum, (unsigned long long)eh->e_shoff, r->len);
		return -EBADMSG;
	}
	if ((eh->e_phnum != PN_XNUM && phnum != eh->e_phnum) ||
	    (phnum && !in_file(r, eh->e_phoff, gelf_fsize(r->elf, ELF_T_PHDR, phnum, EV_CURRENT)))) {
		vb_evidence_error(r->ev, "ELF: %u program headers at offset %llu are not all in the %zu-byte file",
				  eh->e_phnum, (unsigned long long)eh->e_phoff, r->len);
		return -EBADMSG;
	}
	return 0;
}

static int read_notes(struct elf_read *r, Elf_Data *data, uint64_t file_off)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;

	while (off < data->d_size) {
		next = gelf_getnote(data, off, &nh, &name_off, &desc_off);
		if (!next) {
			vb_evidence_error(r->ev, "ELF: malformed note at offset %llu",
					  (unsigned long long)(file_off + off));
			return -EBADMSG;
		}
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == sizeof(VB_NOTE_GNU) &&
		    !memcmp((const char *)data->d_buf + name_off, VB_NOTE_GNU,
			    sizeof(VB_NOTE_GNU))) {
			if (!nh.n_descsz || nh.n_descsz > VB_ELF_BUILD_ID_MAX) {
				vb_evidence_error(r->ev, "ELF: build-id of %u bytes at offset %llu (1 to %d)",
						  nh.n_descsz,
						  (unsigned long long)(file_off + desc_off),
						  VB_ELF_BUILD_ID_MAX);
				return -EBADMSG;
			}
			vb_hex((const uint8_t *)data->d_buf + desc_off, nh.n_descsz,
			       r->info.build_id);
			return 0;
		}
		off = next;
	}
	return 0;
}

/* Copy at most n bytes of src up to its NUL, cut to fit dst. */
static void copy_field(char *dst, size_t size, const char *src, size_t n)
{
	const char *nul = memchr(src, '\0', n);

	if (nul)
		n = nul - src;
	if (n > size - 1)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* NUL-separated key=value strings; modpost pads between them with more NULs. */
static void read_modinfo(struct vb_modinfo *mi, const char *p, size_t size)
{
	static const struct {
		const char *key;
		size_t field;
	} keys[] = {
		{ "name", offsetof(struct vb_modinfo, name) },
		{ "author", offsetof(struct vb_modinfo, author) },
		{ "description", offsetof(struct vb_modinfo, description) },
		{ "license", offsetof(struct vb_modinfo, license) },
		{ "vermagic", offsetof(struct vb_modinfo, vermagic) },
	};
	bool seen[sizeof(keys) / sizeof(keys[0])] = { false };
	size_t i = 0, n, k, klen;
	const char *entry, *end;

	mi->present = true;
	while (i < size) {
		entry = p + i;
		end = memchr(entry, '\0', size - i);
		n = end ? (size_t)(end - entry) : size - i;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			klen = strlen(keys[k].key);
			if (seen[k] || n <= klen || entry[klen] != '=' ||
			    memcmp(entry, keys[k].key, klen))
				continue;
			copy_field((char *)mi + keys[k].field, VB_FIELD_MAX, entry + klen + 1,
				   n - klen - 1);
			seen[k] = true;
		}
		i += n + 1;
	}
}

static int read_sections(struct elf_read *r, const uint8_t *buf)
{
	size_t shstrndx, idx;
	Elf_Scn *scn = NULL;
	const char *name;
	Elf_Data *data;
	GElf_Shdr sh;
	int err;

	if (elf_getshdrstrndx(r->elf, &shstrndx))
		return libelf_error(r, "section name table");
	while ((scn = elf_nextscn(r->elf, scn))) {
		idx = elf_ndxscn(scn);
		if (!gelf_getshdr(scn, &sh))
			return libelf_error(r, "section header");
		if (sh.sh_type != SHT_NOBITS && !in_file(r, sh.sh_offset, sh.sh_size)) {
			vb_evidence_error(r->ev, "ELF: section %zu at offset %llu, %llu bytes, is outside the %zu-byte file",
					  idx, (unsigned long long)sh.sh_offset,
					  (unsigned long long)sh.sh_size, r->len);
			return -EBADMSG;
		}
		if (sh.sh_type == SHT_NOTE && !r->info.build_id[0]) {
			data = elf_getdata(scn, NULL);
			if (!data)
				return libelf_error(r, "note section");
			err = read_notes(r, data, sh.sh_offset);
			if (err)
				return err;
		}
		name = elf_strptr(r->elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, VB_MODINFO_SECTION) && !r->modinfo.present) {
			if (sh.sh_type == SHT_NOBITS)
				r->modinfo.present = true;
			else
				read_modinfo(&r->modinfo, (const char *)buf + sh.sh_offset,
					     sh.sh_size);
		}
	}
	return 0;
}

static int read_segments(struct elf_read *r, const uint8_t *buf)
{
	size_t phnum, i;
	Elf_Data *data;
	GElf_Phdr ph;
	int err;

	if (elf_getphdrnum(r->elf, &phnum))
		return libelf_error(r, "program headers");
	for (i = 0; i < phnum; i++) {
		if (!gelf_getphdr(r->elf, i, &ph))
			return libelf_error(r, "program header");
		if (!in_file(r, ph.p_offset, ph.p_filesz)) {
			vb_evidence_error(r->ev, "ELF: segment %zu at offset %llu, %llu bytes, is outside the %zu-byte file",
					  i, (unsigned long long)ph.p_offset,
					  (unsigned long long)ph.p_filesz, r->len);
			return -EBADMSG;
		}
		if (ph.p_type == PT_INTERP && !r->info.interp[0])
			copy_field(r->info.interp, sizeof(r->info.interp),
				   (const char *)buf + ph.p_offset, ph.p_filesz);
		/* Stripped files may have no section headers; their notes are still mapped. */
		if (ph.p_type == PT_NOTE && !r->info.build_id[0] && ph.p_filesz) {
			data = elf_getdata_rawchunk(r->elf, ph.p_offset, ph.p_filesz,
						    ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
			if (!data)
				return libelf_error(r, "note segment");
			err = read_notes(r, data, ph.p_offset);
			if (err)
				return err;
		}
	}
	return 0;
}

int vb_elf_read(const uint8_t *buf, size_t len, struct vb_evidence *ev)
{
	struct elf_read r = { .len = len, .ev = ev };
	GElf_Ehdr eh;
	int err;

	if (len < SELFMAG || memcmp(buf, ELFMAG, SELFMAG))
		return -ENODATA;
	pthread_once(&elf_lib_once, elf_lib_init);
	if (elf_lib_err)
		return elf_lib_err;
	r.elf = elf_memory((char *)buf, len);
	if (!r.elf)
		return libelf_error(&r, "not readable");
	if (elf_kind(r.elf) != ELF_K_ELF) {
		vb_evidence_error(ev, "ELF: unknown class or version in the ELF header");
		err = -EBADMSG;
		goto out;
	}
	if (!gelf_getehdr(r.elf, &eh)) {
		err = libelf_error(&r, "ELF header");
		goto out;
	}
	r.info.present = true;
	r.info.machine = eh.e_machine;
	r.info.type = eh.e_type;
	err = check_tables(&r, &eh);
	/* Sections first: their notes are what the linker wrote, segments only map them. */
	if (!err)
		err = read_sections(&r, buf);
	if (!err)
		err = read_segments(&r, buf);
	if (err)
		goto out;
	ev->elf = r.info;
	if (r.modinfo.present)
		ev->modinfo = r.modinfo;
out:
	elf_end(r.elf);
	return err;
}
