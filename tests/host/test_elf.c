// SPDX-License-Identifier: GPL-2.0
/*
 * ELF evidence on objects gcc, objcopy and ld made: a module-like relocatable with .modinfo
 * (64- and 32-bit), an executable, and the same files chopped and corrupted. The build-ids
 * expected are the ones readelf printed when the fixtures were made.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "identify_fixture.h"
#include "identify/elf.h"
#include "identify/evidence.h"

#define VERMAGIC	"6.1.0-test SMP preempt mod_unload modversions "

FIXTURE(elf) {
	char dir[PATH_MAX];
	struct vb_evidence ev;
	uint8_t *buf;
	size_t len;
};

FIXTURE_SETUP(elf)
{
	memset(&self->ev, 0, sizeof(self->ev));
	self->buf = NULL;
	ASSERT_EQ(0, identify_fixtures(self->dir, sizeof(self->dir))) {
		TH_LOG("cannot make fixtures with " FIXTURE_SCRIPT " (run from the top of the tree "
		       "after make setup)");
	}
}

FIXTURE_TEARDOWN(elf)
{
	free(self->buf);
}

static uint8_t *load(FIXTURE_DATA(elf) *self, const char *name)
{
	free(self->buf);
	self->buf = fixture_read(self->dir, name, &self->len);
	return self->buf;
}

static void build_id(FIXTURE_DATA(elf) *self, const char *name, char id[VB_KEYID_MAX])
{
	char file[64];

	snprintf(file, sizeof(file), "%s.build-id", name);
	fixture_line(self->dir, file, id, VB_KEYID_MAX);
}

/* Section header i of a 64-bit little-endian file, read and written in place. */
static Elf64_Shdr *shdr(uint8_t *buf, unsigned int i)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

	return (Elf64_Shdr *)(buf + eh->e_shoff + i * sizeof(Elf64_Shdr));
}

TEST_F(elf, module_modinfo_and_build_id)
{
	const struct vb_modinfo *mi = &self->ev.modinfo;
	char id[VB_KEYID_MAX];

	build_id(self, "vbtest.ko", id);
	ASSERT_EQ(40u, strlen(id));
	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_TRUE(self->ev.elf.present);
	EXPECT_EQ(ET_REL, self->ev.elf.type);
	EXPECT_EQ(EM_X86_64, self->ev.elf.machine);
	EXPECT_STREQ(id, self->ev.elf.build_id);
	EXPECT_STREQ("", self->ev.elf.interp);
	ASSERT_TRUE(mi->present);
	EXPECT_STREQ("vbtest", mi->name);
	/* Two MODULE_AUTHOR() lines: the first is the module's. */
	EXPECT_STREQ("Banned Test Vendor", mi->author);
	EXPECT_STREQ("vendorban test module", mi->description);
	EXPECT_STREQ("GPL", mi->license);
	EXPECT_STREQ(VERMAGIC, mi->vermagic);
	EXPECT_STREQ("", self->ev.error);
	EXPECT_EQ(0u, self->ev.n_signers);
}

/* The appended signature is after the ELF: it changes nothing the ELF says. */
TEST_F(elf, signed_module_reads_the_same)
{
	char id[VB_KEYID_MAX];

	build_id(self, "vbtest.ko", id);
	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_STREQ(id, self->ev.elf.build_id);
	EXPECT_STREQ("vbtest", self->ev.modinfo.name);
	EXPECT_STREQ("Banned Test Vendor", self->ev.modinfo.author);
}

TEST_F(elf, elf32_module)
{
	char id[VB_KEYID_MAX];

	build_id(self, "vbtest32.ko", id);
	ASSERT_EQ(40u, strlen(id));
	ASSERT_NE(NULL, load(self, "banned32.ko"));
	ASSERT_EQ(ELFCLASS32, self->buf[EI_CLASS]);
	ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_EQ(ET_REL, self->ev.elf.type);
	EXPECT_EQ(EM_386, self->ev.elf.machine);
	EXPECT_STREQ(id, self->ev.elf.build_id);
	EXPECT_STREQ("vbtest", self->ev.modinfo.name);
	EXPECT_STREQ("GPL", self->ev.modinfo.license);
	EXPECT_STREQ(VERMAGIC, self->ev.modinfo.vermagic);
}

TEST_F(elf, executable)
{
	char id[VB_KEYID_MAX];

	build_id(self, "prog", id);
	ASSERT_EQ(40u, strlen(id));
	ASSERT_NE(NULL, load(self, "prog"));
	ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_EQ(ET_DYN, self->ev.elf.type);	/* Debian's gcc links PIE */
	EXPECT_EQ(EM_X86_64, self->ev.elf.machine);
	EXPECT_STREQ("/lib64/ld-linux-x86-64.so.2", self->ev.elf.interp);
	EXPECT_STREQ(id, self->ev.elf.build_id);
	EXPECT_FALSE(self->ev.modinfo.present);
}

/* With the section headers gone (as sstrip leaves a file) the build-id note is still mapped. */
TEST_F(elf, build_id_from_segments)
{
	Elf64_Ehdr *eh;
	char id[VB_KEYID_MAX];

	build_id(self, "prog", id);
	ASSERT_NE(NULL, load(self, "prog"));
	eh = (Elf64_Ehdr *)self->buf;
	eh->e_shoff = 0;
	eh->e_shnum = 0;
	eh->e_shstrndx = 0;
	ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_STREQ(id, self->ev.elf.build_id);
	EXPECT_STREQ("/lib64/ld-linux-x86-64.so.2", self->ev.elf.interp);
}

TEST_F(elf, long_value_cut_to_fit)
{
	const char *d = self->ev.modinfo.description;

	ASSERT_NE(NULL, load(self, "vblong.ko"));
	ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_STREQ("vblong", self->ev.modinfo.name);
	ASSERT_EQ((size_t)VB_FIELD_MAX - 1, strlen(d));
	EXPECT_EQ(strspn(d, "x"), strlen(d));
	EXPECT_STREQ("", self->ev.modinfo.author);
}

/* .modinfo cut short (its last entry without a NUL): read up to the edge of the section. */
TEST_F(elf, modinfo_cut_short)
{
	static const struct {
		size_t cut;
		const char *vermagic;
	} cases[] = {
		{ 1, VERMAGIC },				/* only the final NUL */
		{ 3, "6.1.0-test SMP preempt mod_unload modversion" },
		{ sizeof(VERMAGIC), "" },			/* "vermagic=" */
		{ sizeof(VERMAGIC) + 4, "" },			/* "verma" */
	};
	const Elf64_Ehdr *eh;
	const char *names;
	Elf64_Shdr *sh = NULL;
	uint64_t size;

	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	eh = (const Elf64_Ehdr *)self->buf;
	names = (const char *)self->buf + shdr(self->buf, eh->e_shstrndx)->sh_offset;
	for (unsigned int i = 1; i < eh->e_shnum; i++)
		if (!strcmp(names + shdr(self->buf, i)->sh_name, ".modinfo"))
			sh = shdr(self->buf, i);
	ASSERT_NE(NULL, sh);
	size = sh->sh_size;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sh->sh_size = size - cases[i].cut;
		memset(&self->ev, 0, sizeof(self->ev));
		ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
		EXPECT_STREQ(cases[i].vermagic, self->ev.modinfo.vermagic);
		EXPECT_STREQ("vbtest", self->ev.modinfo.name);
	}
}

TEST_F(elf, oversized_build_id)
{
	ASSERT_NE(NULL, load(self, "vbbigid.ko"));
	EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_FALSE(self->ev.elf.present);
	EXPECT_NE(NULL, strstr(self->ev.error, "build-id of 68 bytes")) {
		TH_LOG("%s", self->ev.error);
	}
}

TEST_F(elf, not_elf)
{
	ASSERT_NE(NULL, load(self, "banned.ko.gz"));
	EXPECT_EQ(-ENODATA, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_EQ(-ENODATA, vb_elf_read((const uint8_t *)"#!/bin/sh\n", 10, &self->ev));
	EXPECT_EQ(-ENODATA, vb_elf_read(self->buf, 0, &self->ev));
	EXPECT_FALSE(self->ev.elf.present);
	EXPECT_STREQ("", self->ev.error);
}

/* Chopped anywhere: the section headers are at the end, so nothing short of whole is ELF. */
TEST_F(elf, every_prefix)
{
	static const char *const names[] = { "vbtest.ko", "vbtest32.ko", "prog" };

	for (int f = 0; f < 3; f++) {
		ASSERT_NE(NULL, load(self, names[f]));
		for (size_t n = 0; n < self->len; n++) {
			memset(&self->ev, 0, sizeof(self->ev));
			ASSERT_EQ(n < SELFMAG ? -ENODATA : -EBADMSG,
				  vb_elf_read(self->buf, n, &self->ev)) {
				TH_LOG("%s cut to %zu bytes", names[f], n);
			}
			ASSERT_FALSE(self->ev.elf.present);
			ASSERT_FALSE(self->ev.modinfo.present);
			ASSERT_EQ(n >= SELFMAG, self->ev.error[0] != '\0');
		}
	}
}

TEST_F(elf, section_outside_file)
{
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	uint64_t off;
	int tried = 0;

	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	eh = (Elf64_Ehdr *)self->buf;
	for (unsigned int i = 1; i < eh->e_shnum; i++) {
		sh = shdr(self->buf, i);
		if (sh->sh_type == SHT_NOBITS || !sh->sh_size)
			continue;
		off = sh->sh_offset;
		sh->sh_offset = self->len - sh->sh_size + 1;
		memset(&self->ev, 0, sizeof(self->ev));
		EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len, &self->ev)) {
			TH_LOG("section %u", i);
		}
		sh->sh_offset = UINT64_MAX;
		EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len, &self->ev));
		sh->sh_offset = off;
		tried++;
	}
	EXPECT_LT(5, tried);
	EXPECT_NE(NULL, strstr(self->ev.error, "outside the")) {
		TH_LOG("%s", self->ev.error);
	}
	memset(&self->ev, 0, sizeof(self->ev));
	EXPECT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
}

TEST_F(elf, segment_outside_file)
{
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;

	ASSERT_NE(NULL, load(self, "prog"));
	eh = (Elf64_Ehdr *)self->buf;
	ph = (Elf64_Phdr *)(self->buf + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_INTERP)
			ph[i].p_filesz = self->len;
	EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_NE(NULL, strstr(self->ev.error, "segment")) {
		TH_LOG("%s", self->ev.error);
	}
}

TEST_F(elf, bad_headers)
{
	Elf64_Ehdr *eh;

	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	eh = (Elf64_Ehdr *)self->buf;
	eh->e_shoff = self->len;
	EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len, &self->ev));
	eh->e_shoff = UINT64_MAX - 8;
	EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len, &self->ev));
	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	self->buf[EI_CLASS] = 7;
	EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len, &self->ev));
	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	self->buf[EI_DATA] = ELFDATANONE;
	EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_FALSE(self->ev.elf.present);
	EXPECT_NE('\0', self->ev.error[0]);
}

/* A refused file leaves what an earlier one gave, and the first error stands. */
TEST_F(elf, refusal_keeps_evidence)
{
	char id[VB_KEYID_MAX];

	build_id(self, "vbtest.ko", id);
	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
	ASSERT_NE(NULL, load(self, "prog"));
	EXPECT_EQ(-EBADMSG, vb_elf_read(self->buf, self->len / 2, &self->ev));
	EXPECT_STREQ(id, self->ev.elf.build_id);
	EXPECT_STREQ("vbtest", self->ev.modinfo.name);
	EXPECT_NE('\0', self->ev.error[0]);
	/* prog has no .modinfo: the module's stays. */
	ASSERT_EQ(0, vb_elf_read(self->buf, self->len, &self->ev));
	EXPECT_EQ(ET_DYN, self->ev.elf.type);
	EXPECT_STREQ("vbtest", self->ev.modinfo.name);
}

/* Any bit of a module flipped: an answer, never a crash, and the buffer left as it was. */
TEST_F(elf, bit_flips)
{
	int ok = 0, refused = 0, err;
	uint8_t *copy;

	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	copy = malloc(self->len);
	ASSERT_NE(NULL, copy);
	memcpy(copy, self->buf, self->len);
	for (size_t i = 0; i < self->len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			self->buf[i] ^= 1 << bit;
			memset(&self->ev, 0, sizeof(self->ev));
			err = vb_elf_read(self->buf, self->len, &self->ev);
			self->buf[i] ^= 1 << bit;
			ASSERT_TRUE(err == 0 || err == -EBADMSG || (i < SELFMAG && err == -ENODATA)) {
				TH_LOG("byte %zu bit %d: %d", i, bit, err);
			}
			err ? refused++ : ok++;
		}
	}
	EXPECT_EQ(0, memcmp(copy, self->buf, self->len));
	free(copy);
	TH_LOG("%d flips refused, %d read", refused, ok);
}

TEST_HARNESS_MAIN
